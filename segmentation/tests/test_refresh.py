"""Refreshes without surprises, on one database built several times in a row:

1. at as_of_date 2026-06-01; 2. a month later, score-only (refit: false), which also
measures drift against June; 3. a month later with a refit; 4. score-only again with
three customers erased, then `dbt test` on what that left; 5. score-only a year later
with drift_policy 'fail', which must stop the build. The model search runs on
QUICK_SEARCH: these tests are about refreshes, not the search.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from segmentation.tests.conftest import QUICK_SEARCH, assert_build_ok
from segmentation.tests.dbt_helpers import DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds or runs the dbt project: make test, not test-fast

JUNE = {"as_of_date": "2026-06-01"}
ERASED = ["C00001", "C00002", "C00003"]


def _digest(run: DbtRun, table: str, key: str) -> str:
    rows = run.query(f"select * from main.{table} order by {key}")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _segments(run: DbtRun) -> dict[int, str]:
    return dict(
        run.query("select segment_id, segment_name from main.segment_centroids")
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir: Path = tmp_path_factory.mktemp("refresh")
    database = workdir / "refresh.duckdb"
    out = {}

    def build(name: str, variables: dict | None = None) -> None:
        variables = {**QUICK_SEARCH, **(variables or {})}
        run = assert_build_ok(
            run_dbt(["build"], workdir / name, variables, database=database)
        )
        # The database changes with every build: read what the tests need now.
        out[name] = {
            "run": run,
            "segments": _segments(run),
            "candidates": _digest(run, "segment_model_candidates", "candidate_id"),
            "centroids": _digest(run, "segment_centroids", "segment_id"),
            "customers": run.query("select count(*) from main.customer_features")[0][0],
            "scored": run.query("select count(*) from main.customer_segments")[0][0],
            "changes": dict(
                run.query(
                    "select segment_change, count(*) from main.segment_changes "
                    "group by 1"
                )
            ),
            "history": dict(
                run.query(
                    "select as_of_date, count(*) from main.segment_history group by 1"
                )
            ),
            "drift": dict(
                run.query(
                    "select drift_subject, population_stability_index "
                    "from main.segment_drift"
                )
            ),
            "migrated": dict(
                run.query(
                    "select as_of_date, sum(customers) from main.segment_migrations "
                    "where to_segment_name <> '(no longer active)' group by 1"
                )
            ),
        }

    build("june", JUNE)
    build("score_only", {"refit": False})
    build("july")
    build("erased", {"refit": False, "forget_customer_ids": ERASED})
    # the erased rows are gone from the raw copies too: every test must still hold
    out["tested_after_erasure"] = run_dbt(
        ["test"],
        workdir / "tested_after_erasure",
        {**QUICK_SEARCH, "refit": False, "forget_customer_ids": ERASED},
        database=database,
    )
    # a planted shift: the same customers a year on, scored by the June model
    out["drift_fails"] = run_dbt(
        ["build"],
        workdir / "drift_fails",
        {
            **QUICK_SEARCH,
            "refit": False,
            "as_of_date": "2027-07-01",
            "drift_policy": "fail",
            "forget_customer_ids": ERASED,  # erasure requests stay in force
        },
        database=database,
    )
    return out


def test_a_refit_a_month_later_keeps_every_surviving_segment(runs: dict) -> None:
    june, july = runs["june"]["segments"], runs["july"]["segments"]
    kept = {i: name for i, name in july.items() if i in june}
    assert kept, (june, july)
    assert all(june[i] == name for i, name in kept.items())
    changes = runs["july"]["changes"]
    print(f"\nsegments June {june}\nsegments July {july}\nchanges {changes}")
    assert changes.get("kept", 0) == len(kept)


def test_history_has_both_runs_and_migrations_add_up(runs: dict) -> None:
    snapshots = runs["july"]["history"]
    assert len(snapshots) == 2
    latest = max(snapshots)
    moved = runs["july"]["migrated"][latest]
    assert moved == snapshots[latest] == runs["july"]["customers"]


def test_score_only_keeps_the_stored_model_and_scores_everyone(runs: dict) -> None:
    june, score_only = runs["june"], runs["score_only"]
    assert score_only["candidates"] == june["candidates"]
    assert score_only["centroids"] == june["centroids"]
    assert score_only["customers"] > june["customers"]  # new customers are scored
    assert score_only["scored"] == score_only["customers"]


def test_erased_customers_leave_no_trace_in_any_table(runs: dict) -> None:
    run = runs["erased"]["run"]
    columns = run.query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR'"
    )
    quoted = ", ".join(f"'{customer}'" for customer in ERASED)
    traces = []
    for schema, table, column in columns:
        (count,) = run.query(
            f'select count(*) from "{schema}"."{table}" where "{column}" in ({quoted})'
        )[0]
        if count:
            traces.append((schema, table, column, count))
    assert traces == []
    erased = run.query(
        "select source_table, row_count from main.data_quality_summary "
        "where outcome = 'erased'"
    )
    assert dict(erased).get("customers") == 3


def test_tests_still_pass_after_an_erasure(runs: dict) -> None:
    """The reconciliation (raw = clean + rejected + duplicates + erased) holds on
    the raw copies the erasure purged, not only because the forget list is empty."""
    run = runs["tested_after_erasure"]
    assert run.returncode == 0, run.output[-4000:]
    assert run.output.count("PASS reconciles_with_raw_input") == 4, run.output[-4000:]


def test_drift_policy_fail_stops_the_build_on_a_planted_shift(runs: dict) -> None:
    run = runs["drift_fails"]
    assert run.returncode != 0
    assert "Failure in test drift_within_threshold" in run.output, run.output[-4000:]
    assert "The data moved since training" in run.output
    # it is the drift gate that stops the build, nothing else
    assert "ERROR=1 " in run.output, run.output[-2000:]


def test_drift_is_measured_against_the_training_run(runs: dict) -> None:
    refit, score_only = runs["july"]["drift"], runs["score_only"]["drift"]
    assert "all segments" in score_only and "recency_days" in score_only
    # a refit is its own training run: nothing has drifted
    assert max(refit.values()) < 0.01
    # a month after training, recency has moved more than in the refit
    assert score_only["recency_days"] > refit["recency_days"]
    print(f"\nPSI a month after training: {sorted(score_only.items())}")
