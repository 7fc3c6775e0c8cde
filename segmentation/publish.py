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
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from segmentation.project import public_tables

# the models declared `access: public` in the dbt YAML (one list, in dbt)
PUBLIC_TABLES = public_tables()


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


def run_database_command(
    argv: Sequence[str] | None,
    write: Callable[[str, str], Path],
    *,
    prog: str,
    description: str,
    default_database: str,
    default_output: str,
    output_help: str,
    done: str,
) -> int:
    """Run a command that reads the build database and writes one file.

    The command line of :func:`publish` and of :mod:`segmentation.report`:
    ``--database`` and ``--output``, then ``write(database, output)``.

    Parameters
    ----------
    argv : sequence of str or None
        The arguments (None: ``sys.argv[1:]``).
    write : callable
        Called with the database and output paths; returns the written file.
    prog, description : str
        The command's name and what it does, for ``--help``.
    default_database, default_output : str
        The paths used when an option is not given.
    output_help : str
        What the output file is, for ``--help``.
    done : str
        Printed before the written file's path when all went well.

    Returns
    -------
    int
        The exit status: 0, or 1 (the error on stderr) when the database is
        missing or DuckDB fails.
    """
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument(
        "--database",
        default=default_database,
        help=f"DuckDB file built by dbt (default: {default_database})",
    )
    parser.add_argument(
        "--output",
        default=default_output,
        help=f"{output_help} (default: {default_output})",
    )
    args = parser.parse_args(argv)
    try:
        path = write(args.database, args.output)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{done} {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_database_command(
        argv,
        publish,
        prog="python -m segmentation.publish",
        description=__doc__.split("\n\n")[0],
        default_database="segmentation.duckdb",
        default_output="segmentation_public.duckdb",
        output_help="DuckDB file BI tools read",
        done=f"published {len(PUBLIC_TABLES)} tables to",
    )


if __name__ == "__main__":
    sys.exit(main())
