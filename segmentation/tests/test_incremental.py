"""Incremental orders equal a full rebuild.

The sample's orders arrive as two deliveries (two CSV files matched by one glob).
One database is built on the first delivery, then again, incrementally, after the
second lands together with erasure requests. A copy of the first build, its
incremental tables dropped, is built again on both deliveries: a full read of every
file, with the same segment history. Every public table must be the same in the two.

The second delivery holds what makes increments hard: a row that repeats a row of the
first delivery exactly, a late line of an order of the first delivery (dated earlier,
so the order's time moves), an order id of the first delivery reused by another
customer, and an erased customer with orders in the first delivery. as_of_date is
derived from the data, so it moves between the two builds.

Then the first delivery is written anew without one order: the next build must read
every file again, and its order tables must equal the full read without that order.
"""

from __future__ import annotations

import csv
import math
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from segmentation.project import public_tables
from segmentation.tests.conftest import QUICK_SEARCH, assert_build_ok
from segmentation.tests.dbt_helpers import PROJECT_DIR, DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds the dbt project: make test, not test-fast

FIRST_DELIVERY_ROWS = 60000
# the tables orders_incremental makes incremental (the full read builds them anew)
INCREMENTAL_ORDER_TABLES = (
    "staging.stg_shop__order_lines",
    "staging.stg_shop__order_lines__files",
    "intermediate.int_order_lines_validated",
    "intermediate.int_orders",
    "intermediate.int_orders_aggregated_to_customers",
    "intermediate.int_customer_value_summaries",
)
# seeds and models, no tests, where the point is the tables (the incremental build
# runs every test)
TABLES_ONLY = ["build", "--exclude", "resource_type:test", "resource_type:unit_test"]
# columns that say when or how long, not what: allowed to differ between builds
TIMING_COLUMNS = {"fit_seconds"}


def _sample_orders() -> tuple[list[str], list[dict[str, str]]]:
    with open(PROJECT_DIR / "seeds" / "raw_orders.csv", newline="") as source:
        reader = csv.DictReader(source)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _clean_rows(rows: list[dict[str, str]], start: int) -> list[dict[str, str]]:
    """Rows from ``start`` on with an order id, customer, amount and ISO date."""
    return [
        row
        for row in rows[start:]
        if row["order_id"].strip()
        and row["amount"].strip()
        and row["customer_id"].strip()
        and re.match(r"^\d{4}-\d{2}-\d{2} ", row["ordered_at"])
    ]


def _of_other_customers(rows: list[dict[str, str]], taken: set[str]) -> dict[str, str]:
    """The first row whose customer is not one of ``taken``."""
    return next(row for row in rows if row["customer_id"] not in taken)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir: Path = tmp_path_factory.mktemp("incremental")
    deliveries = workdir / "deliveries"
    deliveries.mkdir()
    columns, rows = _sample_orders()
    first, second = rows[:FIRST_DELIVERY_ROWS], list(rows[FIRST_DELIVERY_ROWS:])
    candidates = [
        row for row in _clean_rows(first, 1000) if row["ordered_at"][8:10] > "01"
    ]
    repeated = candidates[0]
    late_of = candidates[10]
    reused_of = next(
        row for row in candidates[20:] if row["customer_id"] != repeated["customer_id"]
    )
    other_customer = _of_other_customers(
        candidates, {reused_of["customer_id"], late_of["customer_id"]}
    )["customer_id"]
    # customers a case uses: the next cases pick rows of other customers
    taken = {
        repeated["customer_id"],
        late_of["customer_id"],
        reused_of["customer_id"],
        other_customer,
    }
    erased = _of_other_customers(candidates[100:], taken)["customer_id"]
    # a late line dated a day before the order's first line: the order's time moves
    placed = late_of["ordered_at"]
    earlier = f"{placed[:8]}{int(placed[8:10]) - 1:02d}{placed[10:]}"
    second += [
        dict(repeated),
        {
            **late_of,
            "ordered_at": earlier,
            "amount": "1.23",
            "product_category": "garden",
        },
        {**reused_of, "customer_id": other_customer, "amount": "9.99"},
    ]
    first_file = deliveries / "orders_2026_01.csv"
    _write(first_file, columns, first)
    variables = {
        **QUICK_SEARCH,
        "orders_path": str(deliveries / "orders_*.csv"),
        "customers_path": str(PROJECT_DIR / "seeds" / "raw_customers.csv"),
        "orders_incremental": True,
    }
    incremental_db = workdir / "incremental.duckdb"
    first_build = assert_build_ok(
        run_dbt(TABLES_ONLY, workdir / "first", variables, database=incremental_db)
    )
    # The full rebuild starts from the same first build, so that both databases have
    # the same segment history (segment names follow it), but reads every delivery:
    # its incremental tables are dropped.
    full_db = workdir / "full.duckdb"
    shutil.copyfile(incremental_db, full_db)
    with duckdb.connect(str(full_db)) as connection:
        for table in INCREMENTAL_ORDER_TABLES:
            connection.execute(f"drop table {table}")
    _write(deliveries / "orders_2026_02.csv", columns, second)
    later = {**variables, "forget_customer_ids": [erased]}
    increment = assert_build_ok(
        run_dbt(["build"], workdir / "increment", later, database=incremental_db)
    )
    full = assert_build_ok(
        run_dbt(TABLES_ONLY, workdir / "full", later, database=full_db)
    )
    return {
        "first": first_build,
        "increment": increment,
        "full": full,
        "repeated": repeated,
        "late_of": late_of,
        "reused_of": reused_of,
        "erased": erased,
        "second_rows": len(second),
        "deliveries": deliveries,
        "variables": later,
        "columns": columns,
        "first_rows": first,
        # an order of the first delivery no other case touches
        "dropped_order": _of_other_customers(candidates[300:], taken | {erased})[
            "order_id"
        ],
    }


def _rows(run: DbtRun, table: str) -> tuple[list[str], list[tuple]]:
    columns = [
        row[0]
        for row in run.query(
            "select column_name from information_schema.columns where table_schema = "
            f"'main' and table_name = '{table}' order by ordinal_position"
        )
        if row[0] not in TIMING_COLUMNS
    ]
    listed = ", ".join(f'"{column}"' for column in columns)
    return columns, run.query(f"select {listed} from main.{table} order by all")


def _same(ours: object, theirs: object) -> bool:
    """Equal; floats up to the last bits a parallel sum leaves to chance."""
    if isinstance(ours, float) and isinstance(theirs, float):
        return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12) or (
            math.isnan(ours) and math.isnan(theirs)
        )
    return ours == theirs


def test_the_second_build_read_only_the_new_delivery(builds):
    assert "reading 1 files: first build (load 1)" in builds["first"].output
    assert "1 new of 2 files (load 2)" in builds["increment"].output
    assert "reading 2 files: first build (load 1)" in builds["full"].output
    staged = builds["increment"].query(
        "select load_number, sum(raw_row_count) from staging.stg_shop__order_lines "
        "group by 1 order by 1"
    )
    # every line of load 2 came from the new file (or was seen again in it)
    assert [number for number, _ in staged] == [1, 2]
    assert staged[1][1] <= builds["second_rows"] + 1


def test_every_public_table_equals_a_full_rebuild(builds):
    compared = 0
    for table in public_tables():
        incremental = _rows(builds["increment"], table)
        full = _rows(builds["full"], table)
        assert incremental[0] == full[0], table
        assert len(incremental[1]) == len(full[1]), table
        for ours, theirs in zip(incremental[1], full[1], strict=True):
            assert all(map(_same, ours, theirs)), (table, ours, theirs)
        compared += 1
    assert compared == len(public_tables()) > 10


def test_cross_delivery_cases_are_handled_like_a_full_build(builds):
    for name in ("increment", "full"):
        run = builds[name]
        repeated = builds["repeated"]
        count = run.query(
            "select raw_row_count from staging.stg_shop__order_lines "
            f"where order_id = '{repeated['order_id']}' and amount = "
            f"{float(repeated['amount'])} and raw_product_category is null "
            f"and product_category = '{repeated['product_category'].strip().lower()}'"
        )
        assert count and count[0][0] >= 2, name  # counted in both deliveries
        reused = run.query(
            "select distinct rejection_reason from main.rejected_orders "
            f"where order_id = '{builds['reused_of']['order_id']}'"
        )
        assert reused == [("order_id_shared_by_customers",)], name
        late = run.query(
            "select line_count from main.orders "
            f"where order_id = '{builds['late_of']['order_id']}'"
        )
        assert late and late[0][0] >= 2, name
        erased = run.query(
            f"select count(*) from main.orders where customer_id = '{builds['erased']}'"
        )
        assert erased == [(0,)], name


def test_a_build_that_stopped_part_way_is_followed_by_a_full_read(builds, tmp_path):
    # (before the re-read below, which writes the first delivery anew)
    # The incremental build built every incremental table: no unfinished build left.
    assert builds["increment"].query(
        "select count(*) from staging.stg_shop__order_lines__builds"
    ) == [(0,)]
    # A build that stops after staging (here: only staging selected) leaves the
    # tables after it out of step, so the next build reads every file again.
    database = tmp_path / "stopped.duckdb"
    shutil.copyfile(builds["increment"].database, database)
    staging_only = ["run", "--select", "stg_shop__order_lines"]
    stopped = assert_build_ok(
        run_dbt(
            staging_only, tmp_path / "stopped", builds["variables"], database=database
        )
    )
    assert "reading 2 files" not in stopped.output
    assert stopped.query(
        "select count(*) from staging.stg_shop__order_lines__builds"
    ) == [(1,)]
    after = assert_build_ok(
        run_dbt(
            staging_only, tmp_path / "after", builds["variables"], database=database
        )
    )
    assert "did not finish the incremental tables" in after.output
    assert "reading 2 files" in after.output


@pytest.fixture(scope="module")
def reread(builds, tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """A copy of the incremental database built again after the first delivery was
    written anew without one order: the build must read every file again."""
    workdir: Path = tmp_path_factory.mktemp("reread")
    database = workdir / "reread.duckdb"
    shutil.copyfile(builds["increment"].database, database)
    first_file = builds["deliveries"] / "orders_2026_01.csv"
    stat = first_file.stat()
    kept = [
        row
        for row in builds["first_rows"]
        if row["order_id"] != builds["dropped_order"]
    ]
    _write(first_file, builds["columns"], kept)
    os.utime(first_file, (stat.st_atime, stat.st_mtime + 60))
    # the order-line chain and the public tables it feeds (the rest is as built)
    chain = [
        "stg_shop__order_lines",
        "int_orders_to_refresh",
        "int_order_lines_validated",
        "int_orders",
        "orders",
        "rejected_orders",
        "data_quality_summary",
    ]
    return assert_build_ok(
        run_dbt(
            ["run", "--select", *chain],
            workdir,
            builds["variables"],
            database=database,
        )
    )


def test_a_changed_file_is_read_again_in_full(builds, reread):
    assert "orders_2026_01.csv changed since it was read" in reread.output
    assert "reading 2 files" in reread.output
    dropped = builds["dropped_order"]
    for table in ("orders", "rejected_orders"):
        again, full = _rows(reread, table), _rows(builds["full"], table)
        assert again[0] == full[0], table
        position = again[0].index("order_id")
        # the order the new file no longer has is gone; every other row is as before
        assert all(row[position] != dropped for row in again[1]), table
        expected = [row for row in full[1] if row[position] != dropped]
        assert len(expected) < len(full[1]) or table == "rejected_orders", table
        assert len(again[1]) == len(expected), table
        assert all(
            all(map(_same, ours, theirs))
            for ours, theirs in zip(again[1], expected, strict=True)
        ), f"{table} differs from a full rebuild after the re-read"
    # the re-read rewrote every line, in one load
    loads = reread.query(
        "select count(distinct load_number) from staging.stg_shop__order_lines"
    )
    assert loads == [(1,)]
