"""Readers of the published file never block a build or a publish."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from segmentation.publish import PUBLIC_TABLES, publish


def _fake_build(path: Path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        for table in PUBLIC_TABLES:
            con.execute(f"create or replace table main.{table} as select {value} as v")


def test_a_reader_of_the_build_database_blocks_a_writer(tmp_path: Path) -> None:
    """Why we publish: DuckDB's one-writer lock (documented in the README)."""
    build = tmp_path / "build.duckdb"
    _fake_build(build, 1)
    with duckdb.connect(str(build), read_only=True):
        writer = subprocess.run(
            [sys.executable, "-c", f"import duckdb; duckdb.connect('{build}')"],
            capture_output=True,
            text=True,
            check=False,
        )
    assert writer.returncode != 0
    assert "lock" in writer.stderr.lower()


def test_publishing_while_a_reader_is_open_neither_fails_nor_blocks(
    tmp_path: Path,
) -> None:
    build, public = tmp_path / "build.duckdb", tmp_path / "public.duckdb"
    _fake_build(build, 1)
    publish(build, public)
    with duckdb.connect(str(public), read_only=True) as reader:
        _fake_build(build, 2)  # the next build writes its own file freely
        publish(build, public)  # and publishing replaces the file under the reader
        # the open reader keeps a consistent view of the old tables
        assert reader.sql("select v from main.segments").fetchall() == [(1,)]
    with duckdb.connect(str(public), read_only=True) as fresh:
        assert fresh.sql("select v from main.segments").fetchall() == [(2,)]
        tables = {row[0] for row in fresh.sql("show tables").fetchall()}
    assert tables == set(PUBLIC_TABLES)
    assert not list(tmp_path.glob(".*.tmp"))


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run `make run` first"):
        publish(tmp_path / "nope.duckdb", tmp_path / "public.duckdb")


def test_the_readme_lists_exactly_the_public_tables() -> None:
    """The README's table of public tables is derived from access: public."""
    import re

    from segmentation.project import PROJECT_DIR, public_tables

    readme = (PROJECT_DIR / "README.md").read_text()
    section = readme.split("The tables a BI tool reads", 1)[1].split("\n\n", 2)[1]
    listed = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            listed |= set(re.findall(r"`(\w+)`", line.split("|")[1]))
    assert listed == set(public_tables())
