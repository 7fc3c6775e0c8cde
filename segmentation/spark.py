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
RECONCILIATION_TEST = "reconciles_with_raw_input"


def spark_segments(relation: str = "main.customer_segments"):
    """``customer_segments`` as the Spark build left it (pandas, by customer)."""
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    table = spark.table(relation).select(*SEGMENT_COLUMNS).toPandas()
    return table.sort_values("customer_id").reset_index(drop=True)


def duckdb_segments(database: str):
    """``customer_segments`` of the DuckDB build (pandas, by customer)."""
    import duckdb

    with duckdb.connect(database, read_only=True) as con:
        table = con.sql(
            f"select {', '.join(SEGMENT_COLUMNS)} from main.customer_segments"
        ).df()
    return table.sort_values("customer_id").reset_index(drop=True)


def segment_differences(spark, duck) -> list[str]:
    """Customers whose segment differs between the two builds, as sentences."""
    merged = duck.merge(
        spark,
        on="customer_id",
        how="outer",
        suffixes=("_duckdb", "_spark"),
        indicator="found_in",
    )
    differences = []
    for row in merged.itertuples(index=False):
        if row.found_in != "both":
            side = "DuckDB" if row.found_in == "left_only" else "Spark"
            differences.append(f"customer {row.customer_id} only in the {side} build")
            continue
        duck = (int(row.segment_id_duckdb), row.segment_name_duckdb)
        spark = (int(row.segment_id_spark), row.segment_name_spark)
        if duck != spark:
            differences.append(
                f"customer {row.customer_id}: DuckDB {duck[0]} {duck[1]!r}, "
                f"Spark {spark[0]} {spark[1]!r}"
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
    spark = spark_segments() if built else None
    if spark is not None:
        differences = segment_differences(spark, duckdb_segments(database))
        problems += differences[:20]
        if len(differences) > 20:
            problems.append(f"... {len(differences)} customers differ in all")
    if problems:
        print("\n".join(["Spark lane FAILED:", *problems]))
        return 1
    print(
        f"Spark lane ok: dbt build on Spark ({len(statuses)} tests, "
        f"{len(reconciliations)} raw-row reconciliations passed) in {minutes:.1f} min; "
        f"customer_segments equals the DuckDB build for all {len(spark):,} customers "
        "(segment ids and names)."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--check-against"]:
        return check_against(args[1], Path("target") / "spark")
    return 0 if run_dbt(args) else 1


if __name__ == "__main__":
    sys.exit(main())
