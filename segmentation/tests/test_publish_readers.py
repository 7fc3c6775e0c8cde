"""The published file opens in the DuckDB 1.x clients BI tools bundle.

DuckDB 2 writes storage version 69 by default; DuckDB 1.x reads 64 to 68. Superset
and other SQLAlchemy tools reach DuckDB through duckdb-engine with the duckdb they
bundle, so this test sets up exactly that, DuckDB 1.5.6 + duckdb-engine +
SQLAlchemy, in a virtual environment of its own (from the package registry), and
reads every public table from the published file. The Parquet copies beside it must
hold the same rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from segmentation.publish import PUBLIC_TABLES, parquet_dir, publish

pytestmark = pytest.mark.e2e  # needs the sample build and the package registry

READER_PACKAGES = ["duckdb==1.5.6", "duckdb-engine", "sqlalchemy"]
READER = """
import json, sys
import duckdb, sqlalchemy
engine = sqlalchemy.create_engine(
    f"duckdb:///{sys.argv[1]}", connect_args={"read_only": True}
)
counts = {}
with engine.connect() as connection:
    for table in sys.argv[2:]:
        counts[table] = connection.execute(
            sqlalchemy.text(f"select count(*) from main.{table}")
        ).scalar_one()
print(json.dumps({"duckdb": duckdb.__version__, "counts": counts}))
"""


@pytest.fixture(scope="module")
def duckdb_1x(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with DuckDB 1.x, duckdb-engine and SQLAlchemy."""
    venv = tmp_path_factory.mktemp("duckdb_1x")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        + READER_PACKAGES,
        check=True,
    )
    return python


@pytest.fixture(scope="module")
def published(sample_build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish(
        sample_build.database, tmp_path_factory.mktemp("public") / "public.duckdb"
    )


def test_a_duckdb_1x_client_reads_every_public_table(
    duckdb_1x: Path, published: Path
) -> None:
    completed = subprocess.run(
        [str(duckdb_1x), "-c", READER, str(published), *PUBLIC_TABLES],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    read = json.loads(completed.stdout)
    assert read["duckdb"].startswith("1.")
    with duckdb.connect(str(published), read_only=True) as con:
        expected = {
            table: con.sql(f"select count(*) from main.{table}").fetchall()[0][0]
            for table in PUBLIC_TABLES
        }
    assert read["counts"] == expected
    assert expected["customer_segments"] > 0


def test_the_parquet_copies_hold_the_same_rows(published: Path) -> None:
    folder = parquet_dir(published)
    assert sorted(path.stem for path in folder.glob("*.parquet")) == sorted(
        PUBLIC_TABLES
    )
    with duckdb.connect(str(published), read_only=True) as con:
        for table in PUBLIC_TABLES:
            parquet = f"read_parquet('{folder / table}.parquet')"
            for left, right in ((f"main.{table}", parquet), (parquet, f"main.{table}")):
                (differ,) = con.sql(
                    f"select count(*) from (select * from {left} except all "
                    f"select * from {right})"
                ).fetchall()[0]
                assert differ == 0, (table, left)


def test_the_storage_version_is_a_setting(sample_build, tmp_path: Path) -> None:
    newest = publish(
        sample_build.database, tmp_path / "v2.duckdb", storage_version="v1.5.0"
    )
    with open(newest, "rb") as handle:
        header = handle.read(13)
    assert header[8:12] == b"DUCK" and header[12] == 68  # v1.5.0 writes 68
    with pytest.raises(ValueError, match="storage version must look like"):
        publish(sample_build.database, tmp_path / "x.duckdb", storage_version="x'; --")
