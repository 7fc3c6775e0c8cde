"""Run the dbt project from tests, each run with its own database and target."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass
class DbtRun:
    """The outcome of one dbt command."""

    returncode: int
    output: str
    database: Path
    target: Path

    def query(self, sql: str) -> list[tuple]:
        """Rows of a query against the run's database (read-only)."""
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.sql(sql).fetchall()


# Builds of part of the project: the data-quality chain up to the orders mart, and the
# generic column tests left out where the sample build already runs them (the
# reconciliation and input tests stay).
DATA_QUALITY_BUILD = [
    "build",
    "--select",
    "+data_quality_summary",
    "+input_formats",
    "+orders",
    "--indirect-selection",
    "cautious",
]
WITHOUT_COLUMN_TESTS = [
    "--exclude",
    "test_type:unit",
    "test_name:unique",
    "test_name:not_null",
    "test_name:accepted_values",
    "test_name:relationships",
    "test_name:accepted_range",
]


def dbt_executable() -> str:
    """The dbt next to the running Python (the project's virtual environment)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else (shutil.which("dbt") or "dbt")


def run_dbt(
    args: list[str],
    workdir: Path,
    variables: dict | None = None,
    database: Path | None = None,
    env: dict[str, str] | None = None,
) -> DbtRun:
    """Run `dbt <args>` on the project with a database and target inside workdir
    (``env``: extra environment variables, e.g. ``DUCKDB_MEMORY_LIMIT``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = database or workdir / "test.duckdb"
    target = workdir / "target"
    environment = {
        **os.environ,
        "DBT_DUCKDB_PATH": str(database),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(env or {}),
    }
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(target),
        "--log-path",
        str(workdir / "logs"),
    ]
    if variables:
        command += ["--vars", json.dumps(variables)]
    completed = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    return DbtRun(
        returncode=completed.returncode,
        output=completed.stdout + completed.stderr,
        database=database,
        target=target,
    )


def table_names(run: DbtRun, schemas: tuple[str, ...] = ("main",)) -> list[str]:
    """Tables the run built in the given schemas."""
    quoted = ", ".join(f"'{schema}'" for schema in schemas)
    rows = run.query(
        "select table_schema || '.' || table_name from information_schema.tables "
        f"where table_schema in ({quoted}) order by 1"
    )
    return [row[0] for row in rows]
