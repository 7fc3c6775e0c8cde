"""Typed inputs: Parquet order logs whose columns are integers, unsigned integers,
floats, dates, timestamps with and without a zone, and decimals build like text.

Ids are normalised to text once, in staging, the same way for every input, so the
orders (typed Parquet) still join the customers (a CSV, text ids) and the erasure
list (a var, text) whatever the types. Each case is written to the same path and
built with the same vars, so dbt's partial parse is reused.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from segmentation.tests.dbt_helpers import WITHOUT_COLUMN_TESTS, DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds the dbt project: make test, not test-fast

CUSTOMERS = 50
FORGOTTEN = 7
BUILD = [
    "build",
    "--select",
    "+customer_features",
    "+data_quality_summary",
    "input_formats",
    "--indirect-selection",
    "cautious",
    *WITHOUT_COLUMN_TESTS,
]

# (case, customer_id, order_id, ordered_at, amount) as SQL over range i = 1..600;
# every order is placed at 23:30 on day 1 + i % 300 of 2024 (in UTC)
CASES = {
    "bigint_ids_timestamp_decimal": (
        f"cast(1 + i % {CUSTOMERS} as bigint)",
        "cast(i as integer)",
        "timestamp '2024-01-01 23:30:00' + to_days(cast(i % 300 as integer))",
        "cast(10 + i % 90 as decimal(12, 2))",
    ),
    "unsigned_ids_date_double": (
        f"cast(1 + i % {CUSTOMERS} as ubigint)",
        "cast(i as ubigint)",
        "cast(date '2024-01-01' + to_days(cast(i % 300 as integer)) as date)",
        "cast(10 + i % 90 as double)",
    ),
    "text_ids_timestamp_with_zone": (
        f"cast(1 + i % {CUSTOMERS} as varchar)",
        "'O' || cast(i as varchar)",
        # 01:30 at +02:00 is 23:30 UTC the day before
        "cast((timestamp '2024-01-02 01:30:00' + to_days(cast(i % 300 as integer)))"
        " as varchar) || '+02:00'",
        "cast(10 + i % 90 as decimal(18, 4))",
    ),
    "float_ids_timestamptz": (
        # pandas writes an integer id column with a gap as float64: 7.0
        f"cast(1 + i % {CUSTOMERS} as double)",
        "cast(i as double)",
        "cast(timestamp '2024-01-01 23:30:00' + to_days(cast(i % 300 as integer))"
        " as timestamptz)",
        "cast(10 + i % 90 as float)",
    ),
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("typed")
    lines = ["customer_id,gender,country"]
    lines += [
        f"{c},{'female' if c % 2 else 'male'},DE" for c in range(1, CUSTOMERS + 1)
    ]
    (folder / "customers.csv").write_text("\n".join(lines) + "\n")
    return folder


def _build(workdir: Path, case: str, extra: dict | None = None) -> DbtRun:
    customer_id, order_id, ordered_at, amount = CASES[case]
    orders = workdir / "orders.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select {order_id} as order_id, {customer_id} as customer_id, "
            f"{ordered_at} as ordered_at, {amount} as amount "
            f"from range(1, 601) as t(i)) to '{orders}' (format parquet)"
        )
    return run_dbt(
        BUILD,
        workdir,
        variables={
            "orders_path": str(orders),
            "customers_path": str(workdir / "customers.csv"),
            "forget_customer_ids": [str(FORGOTTEN)],
            "as_of_date": "2025-01-01",
            **(extra or {}),
        },
    )


def _order_outcomes(run: DbtRun) -> dict[str, int]:
    """Order lines per outcome (clean, erased, rejected...) in data_quality_summary."""
    return dict(
        run.query(
            "select outcome, row_count from main.data_quality_summary "
            "where source_table = 'orders' and row_count > 0"
        )
    )


def _format_decisions(run: DbtRun) -> dict[str, str]:
    """What decided the orders' date format and decimal separator (input_formats)."""
    return dict(
        run.query(
            "select setting, decided_by from main.input_formats "
            "where source_table = 'orders' "
            "and setting in ('date_format', 'decimal_separator')"
        )
    )


@pytest.mark.parametrize("case", list(CASES))
def test_typed_orders_build_like_text(workdir: Path, case: str) -> None:
    run = _build(workdir, case)
    assert run.returncode == 0, run.output[-4000:]
    outcomes = _order_outcomes(run)
    # every line is clean but the forgotten customer's, which are erased
    assert outcomes == {"clean": 600 - 12, "erased": 12}
    features = run.query(
        "select customer_id, gender, first_order_date from main.customer_features "
        "order by cast(customer_id as integer)"
    )
    ids = [row[0] for row in features]
    # ids are the same text whatever the type: they join the customers' text ids
    assert ids == [str(c) for c in range(1, CUSTOMERS + 1) if c != FORGOTTEN]
    assert all(row[1] in ("female", "male") for row in features)
    # customer 1's first order is at 2024-01-01 23:30 UTC: written 01:30 on the 2nd at
    # +02:00 it is converted to UTC, not read as the 2nd
    assert features[0][2] == date(2024, 1, 1)
    # typed columns need no format detection (no scan of the input while compiling)
    decided = _format_decisions(run)
    assert decided["decimal_separator"].startswith("column type "), decided
    if "with_zone" in case:  # text: detected from the values
        assert decided["date_format"].startswith("detected: "), decided
    else:
        assert decided["date_format"].startswith("column type "), decided


def test_text_format_vars_do_not_apply_to_typed_columns(workdir: Path) -> None:
    # date_format and decimal_separator describe text: a typed column is cast, so a
    # European setting left over from a CSV export rejects nothing
    run = _build(
        workdir,
        "bigint_ids_timestamp_decimal",
        extra={"date_format": "%d/%m/%Y", "decimal_separator": ","},
    )
    assert run.returncode == 0, run.output[-4000:]
    outcomes = _order_outcomes(run)
    assert outcomes == {"clean": 600 - 12, "erased": 12}
    decided = _format_decisions(run)
    assert decided == {
        "date_format": "column type TIMESTAMP",
        "decimal_separator": "column type DECIMAL(12,2)",
    }, decided
