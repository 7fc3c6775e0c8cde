"""Publish the public tables to a separate DuckDB file that BI tools read.

DuckDB allows one writer per file, and a reader holding the build database open
blocks ``dbt build`` ("Could not set lock on file"). So BI tools should not open
the build database: ``make run`` publishes the public tables to
``segmentation_public.duckdb`` instead. Publishing writes a new file next to the
target and renames it over the old one (an atomic replace on POSIX), so a reader
never blocks a build or a publish, and never sees a half-written file: readers
that already have the old file open keep reading it; new connections get the
new one.

    python -m segmentation.publish --database segmentation.duckdb \
        --output segmentation_public.duckdb
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

PUBLIC_TABLES = (
    "customer_segments",
    "segments",
    "segment_profiles",
    "segment_rules",
    "segment_feature_importance",
    "segment_model_candidates",
    "segment_quality",
    "segment_history",
    "segment_migrations",
    "segment_changes",
    "segment_drift",
    "segment_backtest",
    "segment_outcomes",
    "customer_predictions",
    "customer_predictions_backtest",
    "customer_value_model",
    "customer_features",
    "rfm_scores",
    "rfm_thresholds",
    "data_quality_summary",
)


def publish(
    database: str | Path, output: str | Path, tables: tuple[str, ...] = PUBLIC_TABLES
) -> Path:
    """Copy the public tables of ``database`` into ``output``, replacing it atomically.

    Parameters
    ----------
    database : path
        The build database (read-only here).
    output : path
        The published file BI tools open.
    tables : tuple of str
        Tables of schema ``main`` to publish.

    Returns
    -------
    pathlib.Path
        The published file.
    """
    database, output = Path(database), Path(output)
    if not database.exists():
        raise FileNotFoundError(f"no database at {database}: run `make run` first")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    staging.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(staging)) as con:
            con.execute(f"attach '{database}' as build (read_only)")
            for table in tables:
                con.execute(
                    f"create table main.{table} as select * from build.main.{table}"
                )
            con.execute("detach build")
        os.replace(staging, output)
    finally:
        staging.unlink(missing_ok=True)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="segmentation.duckdb")
    parser.add_argument("--output", default="segmentation_public.duckdb")
    args = parser.parse_args(argv)
    try:
        path = publish(args.database, args.output)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"published {len(PUBLIC_TABLES)} tables to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
