"""Degenerate order logs: the build still succeeds and says in a sentence why the
predictions or the backtest are missing, never a traceback."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from segmentation.tests.conftest import QUICK_SEARCH
from segmentation.tests.dbt_helpers import DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds or runs the dbt project: make test, not test-fast

HEADER = "order_id,customer_id,ordered_at,amount\n"


def _write(path: Path, rows: list[tuple[str, str, datetime, float]]) -> Path:
    lines = [
        f"{order},{customer},{when:%Y-%m-%d %H:%M:%S},{amount:.2f}\n"
        for order, customer, when, amount in rows
    ]
    path.write_text(HEADER + "".join(lines))
    return path


def _ok(run: DbtRun) -> DbtRun:
    assert run.returncode == 0, run.output[-6000:]
    return run


@pytest.fixture(scope="module")
def one_order_each(tmp_path_factory) -> DbtRun:
    """400 customers over a year, every one of them with a single order."""
    workdir = tmp_path_factory.mktemp("one_order_each")
    start = datetime(2025, 1, 1, 10)
    rows = [
        (f"O{i:05d}", f"C{i:04d}", start + timedelta(hours=21 * i), 10 + (i * 7) % 90)
        for i in range(400)
    ]
    orders = _write(workdir / "orders.csv", rows)
    return run_dbt(["build"], workdir, {**QUICK_SEARCH, "orders_path": str(orders)})


def test_single_order_customers_get_null_predictions_with_a_reason(
    one_order_each: DbtRun,
) -> None:
    run = _ok(one_order_each)
    rows = run.query(
        "select count(*), count(probability_active), min(prediction_note), "
        "count(distinct prediction_note) from main.customer_predictions"
    )[0]
    assert rows[0] == 400 and rows[1] == 0 and rows[3] == 1
    assert "Every customer has a single order" in rows[2]
    note = run.query(
        "select trust_note from main.customer_predictions_backtest "
        "where calibration_group = 'all'"
    )[0][0]
    assert note.startswith("No predictions: Every customer has a single order")


@pytest.fixture(scope="module")
def short_history(tmp_path_factory) -> DbtRun:
    """Three weeks of orders from 300 customers: shorter than two minimum backtest
    horizons (2 x 28 days) and than the 90-day prediction horizon."""
    workdir = tmp_path_factory.mktemp("short_history")
    start = datetime(2026, 3, 1, 9)
    rows = []
    for i in range(300):
        for j in range(1 + i % 4):
            when = start + timedelta(days=(i * 3 + j * 5) % 21, hours=j)
            rows.append((f"O{i:04d}-{j}", f"C{i:04d}", when, 20 + (i % 13) * 3))
    orders = _write(workdir / "orders.csv", rows)
    return run_dbt(["build"], workdir, {**QUICK_SEARCH, "orders_path": str(orders)})


def test_short_history_skips_the_backtest_and_says_so(short_history: DbtRun) -> None:
    run = _ok(short_history)
    status, reason = run.query(
        "select backtest_status, backtest_reason from intermediate.int_run_parameters"
    )[0]
    assert status == "skipped"
    assert "shorter than two minimum horizons" in reason
    selection = run.query(
        "select selection_reason from main.segment_model_candidates where is_selected"
    )[0][0]
    assert selection.startswith("no backtest")
    assert run.query("select count(*) from main.segment_backtest")[0][0] == 0
    assert run.query("select count(*) from main.segment_outcomes")[0][0] == 0
    note = run.query(
        "select trust_note from main.customer_predictions_backtest "
        "where calibration_group = 'all'"
    )[0][0]
    assert note.startswith("No backtest: history of ")
    # three weeks of regular orders show no dropout: the fit runs to the edge of its
    # search range, and every customer gets null predictions with that sentence
    made = run.query(
        "select count(*), count(probability_active), min(prediction_note) "
        "from main.customer_predictions"
    )[0]
    assert made[0] == 300 and made[1] == 0
    assert "the data do not identify them" in made[2]
