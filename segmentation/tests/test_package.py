"""The project as a package: integration_tests/ installs it from a local path.

The outer project has only its own typed orders table (integer customer ids,
timestamps, decimals) and configures the package by vars alone (integration_tests/
dbt_project.yml). `dbt deps` and `dbt build` must give one customer_segments row per
customer and load none of the package's sample seeds into the outer warehouse.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from segmentation.project import PROJECT_DIR
from segmentation.tests.conftest import QUICK_SEARCH
from segmentation.tests.dbt_helpers import dbt_executable

pytestmark = pytest.mark.e2e  # builds a dbt project: make test, not test-fast

SAMPLE_SEEDS = {
    "raw_orders",
    "raw_customers",
    "raw_events",
    "raw_survey_responses",
    "sample_true_segments",
}


@pytest.fixture(scope="module")
def outer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """integration_tests/ copied, installed from this checkout, and built."""
    project = tmp_path_factory.mktemp("outer") / "integration_tests"
    shutil.copytree(
        PROJECT_DIR / "integration_tests",
        project,
        ignore=shutil.ignore_patterns("dbt_packages", "target", "logs", "*.duckdb"),
    )
    # the same local install, from wherever this checkout is
    (project / "packages.yml").write_text(f"packages:\n  - local: {PROJECT_DIR}\n")
    environment = {
        **os.environ,
        # the outer project and its profile (make exports this project's)
        "DBT_PROJECT_DIR": str(project),
        "DBT_PROFILES_DIR": str(project),
        "DBT_DUCKDB_PATH": str(project / "outer.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    for args in (["deps"], ["build", "--vars", json.dumps(QUICK_SEARCH)]):
        completed = subprocess.run(
            [dbt_executable(), *args],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout[-5000:]
    return project


def test_the_package_segments_every_customer_of_the_outer_table(outer: Path) -> None:
    with duckdb.connect(str(outer / "outer.duckdb"), read_only=True) as con:
        (customers,) = con.sql(
            "select count(distinct customer_id) from main.shop_orders"
        ).fetchall()[0]
        rows, distinct = con.sql(
            "select count(*), count(distinct customer_id) from main.customer_segments"
        ).fetchall()[0]
        assert customers > 1000
        assert rows == distinct == customers


def test_no_sample_seed_is_loaded_into_the_outer_warehouse(outer: Path) -> None:
    with duckdb.connect(str(outer / "outer.duckdb"), read_only=True) as con:
        tables = {
            name
            for (name,) in con.sql(
                "select table_name from information_schema.tables"
            ).fetchall()
        }
    assert not tables & SAMPLE_SEEDS
    assert "shop_orders" in tables  # the outer project's own table, untouched
