"""Run dbt on a local Spark session, Python models included.

Stock dbt-spark submits Python models only to a Databricks cluster over its REST API
(``submission_method`` ``all_purpose_cluster`` or ``job_cluster``); a local session
has no submission method (dbt-spark issue #415). This entry point registers one,
``session``, before it hands the command line to dbt: the compiled model (the
project's ``model()`` plus dbt-spark's own code that writes the returned frame) runs
in this process against the session dbt-spark opened. It is the local stand-in for
Databricks' cluster submission; on Databricks, set the var ``python_submission_method``
to ``all_purpose_cluster`` and run plain ``dbt``.

Usage::

    SPARK_LOCAL_IP=127.0.0.1 python -m segmentation.spark build --target spark
    python -m segmentation.spark --check-against segmentation.duckdb

The second form is ``make test-spark``: it builds the sample on Spark from nothing
(every model and test), then checks that ``customer_segments`` equals the DuckDB
build customer by customer and that the raw-row reconciliation tests passed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

SUBMISSION_METHOD = "session"


def _session_helper() -> type:
    from dbt.adapters.base import PythonJobHelper

    class SessionPythonJobHelper(PythonJobHelper):
        """Runs a compiled Python model in the Spark session of this process."""

        def __init__(self, parsed_model: dict, credentials: Any) -> None:
            self.name = parsed_model["alias"]

        def submit(self, compiled_code: str) -> None:
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.getOrCreate()
            code = compile(compiled_code, f"<python model {self.name}>", "exec")
            exec(code, {"__name__": f"dbt_model_{self.name}", "spark": spark})

    return SessionPythonJobHelper


def register_session_submission() -> None:
    """Add the ``session`` submission method to dbt-spark's adapter (idempotent)."""
    from dbt.adapters.spark.impl import SparkAdapter

    stock = SparkAdapter.python_submission_helpers
    if getattr(stock.fget, "segmentation_session", False):
        return
    helper = _session_helper()

    def helpers(self) -> dict[str, type]:
        return {**stock.fget(self), SUBMISSION_METHOD: helper}

    patched = property(helpers)
    patched.fget.segmentation_session = True
    SparkAdapter.python_submission_helpers = patched


def run_dbt(args: list[str]) -> bool:
    """``dbt <args>`` in this process, with the session submission registered."""
    from dbt.cli.main import dbtRunner

    register_session_submission()
    return dbtRunner().invoke(args).success


SEGMENT_COLUMNS = ["customer_id", "segment_id", "segment_name"]
# What else must match: each segment's name, size and what sets it apart
PROFILE_COLUMNS = ["segment_id", "segment_name", "customers", "top_features"]
RECONCILIATION_TEST = "reconciles_with_raw_input"


def spark_table(relation: str, columns: list[str]):
    """Columns of a table the Spark build left, as pandas sorted by the first."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    table = spark.table(relation).select(*columns).toPandas()
    return table.sort_values(columns[0]).reset_index(drop=True)


def duckdb_table(database: str, relation: str, columns: list[str]):
    """Columns of a table of the DuckDB build, as pandas sorted by the first."""
    import duckdb

    with duckdb.connect(database, read_only=True) as con:
        table = con.sql(f"select {', '.join(columns)} from {relation}").df()
    return table.sort_values(columns[0]).reset_index(drop=True)


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(int(value))


def row_differences(spark, duck, label: str = "customer") -> list[str]:
    """Rows that differ between the two builds, keyed by the first column, as
    sentences (ids and counts compared as integers, text exactly)."""
    key, values = duck.columns[0], list(duck.columns[1:])
    merged = duck.merge(
        spark, on=key, how="outer", suffixes=("_duckdb", "_spark"), indicator="found_in"
    )
    differences = []
    for row in merged.to_dict("records"):
        if row["found_in"] != "both":
            side = "DuckDB" if row["found_in"] == "left_only" else "Spark"
            differences.append(f"{label} {row[key]} only in the {side} build")
            continue
        duck_values = " ".join(_shown(row[f"{v}_duckdb"]) for v in values)
        spark_values = " ".join(_shown(row[f"{v}_spark"]) for v in values)
        if duck_values != spark_values:
            differences.append(
                f"{label} {row[key]}: DuckDB {duck_values}, Spark {spark_values}"
            )
    return differences


def dbt_test_statuses(target_path: Path) -> dict[str, str]:
    """Status of every test in the last dbt command's run_results.json."""
    results = json.loads((target_path / "run_results.json").read_text())
    return {
        result["unique_id"]: result["status"]
        for result in results["results"]
        if result["unique_id"].startswith(("test.", "unit_test."))
    }


def check_against(database: str, target_path: Path) -> int:
    """Build the sample on Spark from nothing and compare it with a DuckDB build."""
    home = Path(os.environ.setdefault("SPARK_HOME_DIR", "spark"))
    shutil.rmtree(home, ignore_errors=True)
    started = time.monotonic()
    built = run_dbt(["build", "--target", "spark", "--target-path", str(target_path)])
    minutes = (time.monotonic() - started) / 60
    statuses = dbt_test_statuses(target_path)
    failed = sorted(
        name for name, status in statuses.items() if status in ("fail", "error")
    )
    reconciliations = [
        status for name, status in statuses.items() if RECONCILIATION_TEST in name
    ]
    problems = [f"test {name} failed on Spark" for name in failed]
    if not built and not failed:
        problems.append("dbt build on Spark failed (see the log above)")
    if not reconciliations or any(status != "pass" for status in reconciliations):
        problems.append("the raw-row reconciliation did not pass on Spark")
    customers = 0
    if built:
        compared = [
            ("customer", "main.customer_segments", SEGMENT_COLUMNS),
            ("segment", "main.segments", PROFILE_COLUMNS),
        ]
        for label, relation, columns in compared:
            spark = spark_table(relation, columns)
            customers = customers or len(spark)
            differences = row_differences(
                spark, duckdb_table(database, relation, columns), label
            )
            problems += differences[:20]
            if len(differences) > 20:
                problems.append(f"... {len(differences)} {label}s differ in all")
    if problems:
        print("\n".join(["Spark lane FAILED:", *problems]))
        return 1
    print(
        f"Spark lane ok: dbt build on Spark ({len(statuses)} tests, "
        f"{len(reconciliations)} raw-row reconciliations passed) in {minutes:.1f} min; "
        f"customer_segments equals the DuckDB build for all {customers:,} customers "
        "(segment ids and names), and segments for every segment (names, sizes, "
        "top features)."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--check-against"]:
        return check_against(args[1], Path("target") / "spark")
    return 0 if run_dbt(args) else 1


if __name__ == "__main__":
    sys.exit(main())
