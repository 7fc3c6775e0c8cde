"""Publish the public tables to a separate DuckDB file that BI tools read.

DuckDB allows one writer per file, and a reader holding the build database open
blocks ``dbt build`` ("Could not set lock on file"). So BI tools should not open
the build database: ``make run`` publishes the public tables to
``segmentation_public.duckdb`` instead. Publishing writes a new file next to the
target and renames it over the old one (an atomic replace on POSIX), so a reader
never blocks a build or a publish, and never sees a half-written file: readers
that already have the old file open keep reading it; new connections get the
new one.

The file is written in an older DuckDB storage format (``publish_storage_version``
in ``dbt_project.yml``, default ``v1.0.0``), so the DuckDB 1.x clients BI tools
bundle (duckdb-engine for Superset and SQLAlchemy, DBeaver's driver) open it: DuckDB
2 writes storage version 69 by default, which no 1.x reader opens. Every public
table is also written as Parquet to ``<output stem>_parquet/<table>.parquet``, for
tools without DuckDB.

    python -m segmentation.publish --database segmentation.duckdb \
        --output segmentation_public.duckdb
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from segmentation.project import project_vars, public_tables

# the models declared `access: public` in the dbt YAML (one list, in dbt)
PUBLIC_TABLES = public_tables()
DEFAULT_STORAGE_VERSION = "v1.0.0"


def default_storage_version() -> str:
    """The var ``publish_storage_version`` of ``dbt_project.yml`` (or v1.0.0)."""
    try:
        return str(
            project_vars().get("publish_storage_version") or DEFAULT_STORAGE_VERSION
        )
    except FileNotFoundError:
        return DEFAULT_STORAGE_VERSION


def parquet_dir(output: str | Path) -> Path:
    """Where the Parquet copies of the published tables go: beside the file."""
    output = Path(output)
    return output.with_name(f"{output.stem}_parquet")


def publish(
    database: str | Path,
    output: str | Path,
    tables: tuple[str, ...] = PUBLIC_TABLES,
    storage_version: str | None = None,
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
    storage_version : str, optional
        DuckDB storage version of the file (e.g. ``v1.0.0``, which every DuckDB
        1.x reader opens); default :func:`default_storage_version`.

    Returns
    -------
    pathlib.Path
        The published file. The Parquet copies are in :func:`parquet_dir`.
    """
    database, output = Path(database), Path(output)
    if not database.exists():
        raise FileNotFoundError(f"no database at {database}: run `make run` first")
    version = storage_version or default_storage_version()
    if not version.replace(".", "").replace("v", "").isdigit():
        raise ValueError(f"storage version must look like v1.0.0; got {version!r}")
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    parquet = parquet_dir(output)
    parquet_staging = parquet.with_name(f".{parquet.name}.{os.getpid()}.tmp")
    staging.unlink(missing_ok=True)
    shutil.rmtree(parquet_staging, ignore_errors=True)
    parquet_staging.mkdir()
    try:
        with duckdb.connect() as con:
            con.execute(f"attach '{database}' as build (read_only)")
            con.execute(f"attach '{staging}' as public (storage_version '{version}')")
            for table in tables:
                con.execute(
                    f"create table public.main.{table} as "
                    f"select * from build.main.{table}"
                )
                con.execute(
                    f"copy public.main.{table} to '{parquet_staging / table}.parquet' "
                    "(format parquet)"
                )
            con.execute("detach build")
            con.execute("detach public")
        os.replace(staging, output)
        _replace_dir(parquet_staging, parquet)
    finally:
        staging.unlink(missing_ok=True)
        shutil.rmtree(parquet_staging, ignore_errors=True)
    return output


def _replace_dir(new: Path, target: Path) -> None:
    """Put directory ``new`` in the place of ``target`` (two renames)."""
    old = target.with_name(f".{target.name}.{os.getpid()}.old")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


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
    except (FileNotFoundError, ValueError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{done} {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    version = argparse.ArgumentParser(add_help=False)
    version.add_argument("--storage-version", default=None)
    known, rest = version.parse_known_args(argv)
    return run_database_command(
        rest,
        lambda database, output: publish(
            database, output, storage_version=known.storage_version
        ),
        prog="python -m segmentation.publish",
        description=__doc__.split("\n\n")[0],
        default_database="segmentation.duckdb",
        default_output="segmentation_public.duckdb",
        output_help="DuckDB file BI tools read (--storage-version: its DuckDB "
        "storage version, default the var publish_storage_version)",
        done=f"published {len(PUBLIC_TABLES)} tables to",
    )


if __name__ == "__main__":
    sys.exit(main())
