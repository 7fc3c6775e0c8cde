"""DuckDB's memory limit is derived from the input and the machine unless
DUCKDB_MEMORY_LIMIT sets it (macros/run/memory_limit.sql).

The on-run-start hook `set_memory_limit` is called here with `dbt run-operation`, which
runs the macro (and its log line) without building anything: a Parquet file's row count
comes from its metadata, so a 200-million-row file of one constant column is enough.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from segmentation.tests.dbt_helpers import run_dbt

pytestmark = pytest.mark.e2e  # runs dbt: make test, not test-fast

LIMIT = re.compile(r"DuckDB memory_limit (\S+): (.*)\.")


def _machine_cap_mb() -> int:
    """40% of the memory DuckDB sees (its own default limit is 80% of it)."""
    with duckdb.connect() as con:
        shown = con.execute("select current_setting('memory_limit')").fetchone()[0]
    number, unit = re.match(r"([0-9.]+)\s*([KMGT]?i?B)", shown).groups()
    scale = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}[unit]
    return int(float(number) * scale / 1e6 / 0.8 * 0.4)


def _limit(tmp_path: Path, lines: int, env: dict[str, str]) -> tuple[str, str]:
    orders = tmp_path / f"orders_{lines}.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select 1 as order_id from range({lines})) "
            f"to '{orders}' (format parquet)"
        )
    run = run_dbt(
        ["run-operation", "set_memory_limit"],
        tmp_path,
        variables={"orders_path": str(orders)},
        env=env,
    )
    assert run.returncode == 0, run.output[-3000:]
    found = LIMIT.search(run.output)
    assert found, run.output[-3000:]
    return found.group(1), found.group(2)


@pytest.mark.parametrize(
    ("lines", "wanted_mb"),
    [
        (600, 1500),  # small inputs get the floor: what 20M lines were measured with
        (20_000_000, 1500),
        (200_000_000, 4743),  # 1500MB x sqrt(10): 10M customers
    ],
)
def test_limit_grows_with_the_input_within_the_machine(
    tmp_path: Path, lines: int, wanted_mb: int
) -> None:
    limit, why = _limit(tmp_path, lines, env={"DUCKDB_MEMORY_LIMIT": ""})
    assert limit == f"{min(wanted_mb, _machine_cap_mb())}MB", why
    assert why.startswith(f"derived from {lines:,} order lines"), why


def test_the_environment_variable_wins(tmp_path: Path) -> None:
    limit, why = _limit(tmp_path, 600, env={"DUCKDB_MEMORY_LIMIT": "2GB"})
    assert (limit, why) == ("2GB", "set by DUCKDB_MEMORY_LIMIT")
