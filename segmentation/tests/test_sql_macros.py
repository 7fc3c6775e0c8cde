"""The project's SQL macros, run through dbt itself and checked against a reference.

Each check compiles a query that calls the real macro (``dbt show --inline``) on a small
inline table, in a scratch DuckDB database: no build is needed.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from segmentation.tests.dbt_helpers import run_dbt

pytestmark = pytest.mark.e2e  # builds or runs the dbt project: make test, not test-fast


def _show(sql: str, workdir: Path) -> list[dict]:
    run = run_dbt(
        ["show", "--inline", sql, "--output", "json", "--limit", "-1", "--quiet"],
        workdir,
    )
    assert run.returncode == 0, run.output[-3000:]
    payload = re.search(r"\{.*\}", run.output, re.DOTALL)
    assert payload, run.output[-3000:]
    return json.loads(payload.group(0))["show"]


def _values(columns: list[str], rows: list[tuple]) -> str:
    body = ", ".join(
        "(" + ", ".join(repr(v) if isinstance(v, str) else str(v) for v in row) + ")"
        for row in rows
    )
    return f"(select * from (values {body}) as t({', '.join(columns)}))"


@pytest.mark.parametrize("seed", [0, 1])
def test_adjusted_rand_index_macro_equals_scikit_learn(
    seed: int, tmp_path: Path
) -> None:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, 300)
    found = np.where(rng.random(300) < 0.7, truth, rng.integers(0, 5, 300))
    table = _values(
        ["segment_id", "true_segment"],
        [(int(a), f"s{int(b)}") for a, b in zip(found, truth, strict=True)],
    )
    sql = (
        f"with labelled as (select * from {table}), recovery as ("
        "{{ adjusted_rand_index('labelled', 'segment_id', 'true_segment') }}"
        ") select * from recovery"
    )
    (row,) = _show(sql, tmp_path)
    assert row["adjusted_rand"] == pytest.approx(
        adjusted_rand_score(truth, found), abs=1e-9
    )
    assert row["labelled_rows"] == 300


def test_population_stability_index_by_hand(tmp_path: Path) -> None:
    # expected shares 50/50, actual 70/30: (0.7-0.5) ln(0.7/0.5) + (0.3-0.5) ln(0.3/0.5)
    table = _values(["actual_share", "expected_share"], [(0.7, 0.5), (0.3, 0.5)])
    sql = (
        "select sum({{ psi_term('actual_share', 'expected_share') }}) as psi "
        f"from {table}"
    )
    (row,) = _show(sql, tmp_path)
    by_hand = 0.2 * math.log(0.7 / 0.5) + (-0.2) * math.log(0.3 / 0.5)
    assert row["psi"] == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(0.16946, abs=1e-5)


def test_an_empty_bin_stays_finite(tmp_path: Path) -> None:
    table = _values(["actual_share", "expected_share"], [(0.0, 0.2), (1.0, 0.8)])
    sql = (
        "select sum({{ psi_term('actual_share', 'expected_share') }}) as psi "
        f"from {table}"
    )
    (row,) = _show(sql, tmp_path)
    by_hand = (0.0001 - 0.2) * math.log(0.0001 / 0.2) + 0.2 * math.log(1.0 / 0.8)
    assert row["psi"] == pytest.approx(by_hand, rel=1e-12)


def test_round_significant_keeps_small_values(tmp_path: Path) -> None:
    table = _values(["x"], [(1.777402782307038e-09,), (123456.78901234567,), (0,)])
    sql = f"select {{{{ round_significant('x') }}}} as y, x from {table}"
    for row in _show(sql, tmp_path):
        assert row["y"] == pytest.approx(row["x"], rel=1e-11, abs=0)


def test_score_segments_macro_reproduces_the_python_model(customers, tmp_path: Path):
    """The deployed SQL scorer (score_segments, fed the stored preprocessing and
    centroid tables) assigns every customer as the fitted Python model does."""
    import duckdb

    from segmentation.candidates import evaluate_candidates
    from segmentation.model import fit_segmentation
    from segmentation.prep import selected_steps

    frame, labels = customers
    params = {"k_max": 5, "include_autoencoder": False, "stability_splits": 1}
    model = fit_segmentation(frame, evaluate_candidates(frame, params, labels), params)
    sources = list(dict.fromkeys(selected_steps(model.steps)["source_column"]))
    assert any(model.steps["transform"] == "log1p")
    assert frame[sources].isna().any().any()  # imputation is exercised too
    database = tmp_path / "scoring.duckdb"
    with duckdb.connect(str(database)) as con:
        for name, table in {
            "features": frame[["customer_id", *sources]],
            "preprocessing": model.steps,
            "centroids": model.centroids,
        }.items():
            con.register("frame", table)
            con.execute(f"create table main.{name} as select * from frame")
            con.unregister("frame")
    sql = (
        "{% set steps = adapter.get_relation(target.database, 'main', 'preprocessing')"
        " %} with scored as ("
        "{{ score_segments('main.features', steps, 'main.centroids') }})"
        " select customer_id, segment_id, distance from scored where distance_rank = 1"
        " order by customer_id"
    )
    run = run_dbt(
        ["show", "--inline", sql, "--output", "json", "--limit", "-1", "--quiet"],
        tmp_path,
        database=database,
    )
    assert run.returncode == 0, run.output[-3000:]
    rows = json.loads(re.search(r"\{.*\}", run.output, re.DOTALL).group(0))["show"]
    expected = model.sample_assignments
    assert [row["customer_id"] for row in rows] == expected["customer_id"].tolist()
    assert [row["segment_id"] for row in rows] == expected["segment_id"].tolist()
    np.testing.assert_allclose(
        [row["distance"] for row in rows], expected["distance"], rtol=0, atol=1e-9
    )
