"""End-to-end checks of the dbt project, as a user would make them after `dbt build`.

Each build runs in its own temporary database. The bundled-sample build is shared by the
tests of this module (session fixture); the other inputs build their own.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from segmentation.project import public_tables
from segmentation.tests.dbt_helpers import DbtRun, run_dbt, table_names

pytestmark = pytest.mark.e2e  # builds or runs the dbt project: make test, not test-fast

IDENTIFIERS = {"name", "email", "phone", "street_address"}


def _ok(run: DbtRun) -> DbtRun:
    assert run.returncode == 0, run.output[-6000:]
    return run


def _table_digest(run: DbtRun, table: str, order_by: str) -> str:
    rows = run.query(f"select * from main.{table} order by {order_by}")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_sample_build_creates_the_public_tables(sample_build: DbtRun) -> None:
    """The public tables are declared once (access: public in the model YAML);
    dbt sees the same list, builds every one in main, and the BI dashboard
    exposure reads only public tables."""
    public = set(public_tables())
    manifest = json.loads((sample_build.target / "manifest.json").read_text())
    nodes = manifest["nodes"].values()
    assert {n["name"] for n in nodes if n.get("access") == "public"} == public
    built = {name.split(".", 1)[1] for name in table_names(sample_build)}
    assert public <= built, public - built
    (dashboard,) = [
        exposure
        for exposure in manifest["exposures"].values()
        if exposure["name"] == "marketing_segments_dashboard"
    ]
    used = {node.rsplit(".", 1)[1] for node in dashboard["depends_on"]["nodes"]}
    assert used <= public, used - public


@pytest.mark.parametrize(
    ("source_table", "raw_table"),
    [
        ("orders", "raw_orders"),
        ("customers", "raw_customers"),
        ("events", "raw_events"),
        ("survey_responses", "raw_survey_responses"),
    ],
)
def test_every_raw_row_is_clean_rejected_or_a_counted_duplicate(
    sample_build: DbtRun, source_table: str, raw_table: str
) -> None:
    (raw_rows,) = sample_build.query(f"select count(*) from raw.{raw_table}")[0]
    outcomes = dict(
        sample_build.query(
            "select outcome, sum(row_count) from main.data_quality_summary "
            f"where source_table = '{source_table}' group by outcome"
        )
    )
    assert outcomes.get("rejected", 0) > 0, "the sample is meant to be dirty"
    assert outcomes.get("duplicate_collapsed", 0) > 0
    assert raw_rows == sum(outcomes.values()), outcomes


def test_rejected_orders_hold_every_dirt_type(sample_build: DbtRun) -> None:
    reasons = {
        row[0]
        for row in sample_build.query(
            "select distinct rejection_reason from main.rejected_orders"
        )
    }
    expected = {
        "missing_customer_id",
        "unparseable_ordered_at",
        "ordered_in_the_future",
        "unparseable_amount",
        "zero_amount",
    }
    assert expected <= reasons, expected - reasons


def test_no_direct_identifier_outside_the_raw_seeds(sample_build: DbtRun) -> None:
    leaks = sample_build.query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema <> 'raw' and lower(column_name) in "
        "('name', 'email', 'phone', 'street_address')"
    )
    assert leaks == []


def test_segments_recover_the_planted_segments(
    sample_build: DbtRun, capsys: pytest.CaptureFixture
) -> None:
    rows = sample_build.query(
        "select s.segment_id, t.true_segment from main.customer_segments as s "
        "inner join raw.sample_true_segments as t on s.customer_id = t.customer_id"
    )
    assert len(rows) > 4000
    score = adjusted_rand_score([r[1] for r in rows], [r[0] for r in rows])
    with capsys.disabled():
        print(
            f"\nadjusted Rand, customer_segments vs sample_true_segments: {score:.3f}"
        )
    assert score >= 0.8


def test_candidates_cover_every_family_over_the_k_range(sample_build: DbtRun) -> None:
    rows = sample_build.query(
        "select algorithm, list(distinct n_clusters order by n_clusters) "
        "from main.segment_model_candidates where feature_space = 'scaled' group by 1"
    )
    ks = dict(rows)
    for algorithm in ("kmeans", "gaussian_mixture", "ward"):
        assert ks[algorithm] == list(range(3, 11)), (algorithm, ks[algorithm])
    assert "hdbscan" in ks
    (selected,) = sample_build.query(
        "select count(*) from main.segment_model_candidates where is_selected"
    )[0]
    assert selected == 1


def test_sql_scoring_equals_the_python_model(sample_build: DbtRun) -> None:
    rows = sample_build.query(
        "select count(*), count(c.customer_id), "
        "sum(case when a.segment_id = c.segment_id then 1 else 0 end) "
        "from main.segment_training_assignments as a "
        "left join main.customer_segments as c on a.customer_id = c.customer_id"
    )
    total, scored, equal = rows[0]
    assert total > 0
    assert total == scored == equal


def test_every_customer_gets_one_named_segment(sample_build: DbtRun) -> None:
    (features, segmented, named) = sample_build.query(
        "select (select count(*) from main.customer_features), "
        "count(distinct customer_id), count(segment_name) from main.customer_segments"
    )[0]
    assert features == segmented == named
    names = sample_build.query("select segment_name, rule_text from main.segments")
    assert len({n for n, _ in names}) == len(names) >= 2
    assert all(rule for _, rule in names)


def test_descriptions_count_every_scored_customer(sample_build: DbtRun) -> None:
    rows = sample_build.query(
        "select customers, customer_share, segment_description from main.segments"
    )
    for customers, share, description in rows:
        share_text = "<1%" if share < 0.01 else f"{round(100 * share)}%"
        assert description.startswith(f"{customers:,} customers ({share_text}). ")


def test_chosen_by_the_backtest_with_its_tables(sample_build: DbtRun) -> None:
    (evaluated, reason) = sample_build.query(
        "select evaluated_on, selection_reason from main.segment_model_candidates "
        "where is_selected"
    )[0]
    assert evaluated == "backtest" and reason.startswith("backtest:")
    (candidates, selected) = sample_build.query(
        "select count(*), sum(case when is_selected then 1 else 0 end) "
        "from main.segment_backtest"
    )[0]
    assert candidates > 50 and selected == 1
    (segments, known, backtest_customers) = sample_build.query(
        "select count(*), sum(customers_at_backtest_date), "
        "(select count(*) from intermediate.int_backtest_outcomes) "
        "from main.segment_outcomes"
    )[0]
    assert segments >= 3 and known == backtest_customers


def test_rebuild_gives_identical_segment_tables(
    sample_build: DbtRun, tmp_path: Path
) -> None:
    # everything but the tests: seeds, models, hooks
    build = ["build", "--exclude", "resource_type:test", "resource_type:unit_test"]
    again = _ok(run_dbt(build, tmp_path))
    for table, key in [
        ("customer_segments", "customer_id"),
        ("segments", "segment_id"),
        ("segment_model_candidates", "candidate_id"),
        ("customer_features", "customer_id"),
        ("segment_backtest", "candidate_id"),
        ("segment_outcomes", "segment_id"),
        ("customer_predictions", "customer_id"),
        ("customer_predictions_backtest", "calibration_group"),
        ("rfm_scores", "customer_id"),
    ]:
        assert _table_digest(again, table, key) == _table_digest(
            sample_build, table, key
        ), table


def test_docs_describe_every_model_and_column(
    sample_build: DbtRun, tmp_path: Path
) -> None:
    docs = _ok(run_dbt(["docs", "generate"], tmp_path, database=sample_build.database))
    manifest = json.loads((docs.target / "manifest.json").read_text())
    catalog = json.loads((docs.target / "catalog.json").read_text())
    missing = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node["description"].strip():
            missing.append(unique_id)
        described = {
            name.lower()
            for name, column in node["columns"].items()
            if column["description"].strip()
        }
        for column in catalog["nodes"].get(unique_id, {}).get("columns", {}):
            if column.lower() not in described:
                missing.append(f"{unique_id}.{column}")
    assert missing == []


def test_orders_only_input_gets_features_rfm_and_segments(
    orders_only_build: DbtRun,
) -> None:
    run = orders_only_build
    (valid_customers,) = run.query(
        "select count(distinct customer_id) "
        "from intermediate.int_order_lines_validated where rejection_reason is null"
    )[0]
    counts = run.query(
        "select (select count(*) from main.customer_features), "
        "(select count(*) from main.rfm_scores), "
        "(select count(*) from main.customer_segments), "
        "(select count(*) from main.segments), "
        "(select count(*) from main.segment_rules)"
    )[0]
    assert counts[:3] == (valid_customers,) * 3
    assert counts[3] >= 2 and counts[4] == counts[3]
    (profiles,) = run.query("select count(*) from main.customers where has_profile")[0]
    assert profiles == 0


def test_missing_required_column_names_the_file_and_column(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,ordered_at\n1,a,2024-01-01\n")
    run = run_dbt(
        ["run", "--select", "stg_shop__order_lines"],
        tmp_path,
        variables={"orders_path": str(path)},
    )
    assert run.returncode != 0
    assert str(path) in run.output
    assert "has no column amount" in run.output


def test_parquet_input_reads_like_csv(orders_only_csv: Path, tmp_path: Path) -> None:
    import duckdb

    parquet = tmp_path / "orders.parquet"
    duckdb.sql(
        f"copy (select * from read_csv('{orders_only_csv}', all_varchar = true)) "
        f"to '{parquet}' (format parquet)"
    )
    run = _ok(
        run_dbt(
            ["build", "--select", "+stg_shop__order_lines"]
            + ["--indirect-selection", "cautious"],
            tmp_path,
            variables={"orders_path": str(parquet)},
        )
    )
    (rows,) = run.query("select sum(raw_row_count) from staging.stg_shop__order_lines")[
        0
    ]
    with open(orders_only_csv) as handle:
        assert rows == sum(1 for _ in handle) - 1
