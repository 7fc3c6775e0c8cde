"""Your orders as a warehouse table: the source `segmentation` pointed at it by vars.

A typed table (integer customer ids, timestamps, decimals) in a schema of its own is
the only input; the optional inputs are switched off. The build must give every
customer features, load none of the sample seeds, leave the user's table untouched
when a customer is forgotten (and say the rows there are the user's to delete), and
start its lineage at the source.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from segmentation.project import PROJECT_DIR
from segmentation.tests.dbt_helpers import DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds the dbt project: make test, not test-fast

FORGOTTEN = 1192  # a customer of the sample with orders
SOURCE_VARS = {
    "segmentation_schema": "shop",
    "segmentation_orders_identifier": "order_lines_export",
    "segmentation__using_customers": False,
    "segmentation__using_events": False,
    "segmentation__using_survey_responses": False,
    "segmentation__using_labels": False,
}


@pytest.fixture(scope="module")
def warehouse_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    workdir = tmp_path_factory.mktemp("sources")
    database = workdir / "test.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema shop")
        con.execute(
            "create table shop.order_lines_export as "
            "select order_id, "
            "cast(regexp_extract(customer_id, '^C([0-9]+)$', 1) as bigint) "
            "as customer_id, "
            "cast(ordered_at as timestamp) as ordered_at, "
            "cast(amount as decimal(12, 2)) as amount "
            f"from read_csv('{PROJECT_DIR / 'seeds' / 'raw_orders.csv'}', "
            "all_varchar = true) "
            "where regexp_full_match(customer_id, 'C[0-9]+') "
            "and try_cast(ordered_at as timestamp) < timestamp '2026-07-01' "
            "and try_cast(amount as decimal(12, 2)) > 0"
        )
    # up to the features (the package test builds the segments from such a table)
    return run_dbt(
        [
            "build",
            "--select",
            "+customer_features",
            "+input_formats",
            "+data_quality_summary",
            "--indirect-selection",
            "cautious",
        ],
        workdir,
        variables={
            **SOURCE_VARS,
            "forget_customer_ids": [str(FORGOTTEN)],
            "as_of_date": "2026-07-01",
        },
    )


def test_every_customer_of_the_table_gets_features(warehouse_build: DbtRun) -> None:
    assert warehouse_build.returncode == 0, warehouse_build.output[-5000:]
    (customers,) = warehouse_build.query(
        "select count(distinct customer_id) from shop.order_lines_export "
        f"where customer_id <> {FORGOTTEN}"
    )[0]
    featured = warehouse_build.query(
        "select count(*), count(distinct customer_id) from main.customer_features"
    )[0]
    assert featured == (customers, customers)
    assert warehouse_build.query(
        f"select count(*) from main.customer_features where customer_id = '{FORGOTTEN}'"
    ) == [(0,)]


def test_no_sample_seed_is_loaded(warehouse_build: DbtRun) -> None:
    tables = {
        name
        for (name,) in warehouse_build.query(
            "select table_name from information_schema.tables "
            "where table_schema = 'raw'"
        )
    }
    assert not tables & {
        "raw_orders",
        "raw_customers",
        "raw_events",
        "raw_survey_responses",
        "sample_true_segments",
    }


def test_the_users_table_is_never_written_to(warehouse_build: DbtRun) -> None:
    (left,) = warehouse_build.query(
        f"select count(*) from shop.order_lines_export where customer_id = {FORGOTTEN}"
    )[0]
    assert left > 0  # erasure left it alone ...
    assert "are yours to delete: this project never writes to them" in (
        warehouse_build.output
    )  # ... and said so
    assert warehouse_build.query(
        "select setting_value, decided_by from main.input_formats "
        "where source_table = 'orders' and setting = 'origin'"
    ) == [
        (
            'source: "test"."shop"."order_lines_export"',
            "the segmentation_* source vars",
        )
    ]


def test_lineage_starts_at_the_source(warehouse_build: DbtRun) -> None:
    manifest = json.loads((warehouse_build.target / "manifest.json").read_text())
    staging = manifest["nodes"]["model.segmentation.stg_shop__order_lines"]
    # the user's table and the erasure list, no sample seed
    assert set(staging["depends_on"]["nodes"]) == {
        "source.segmentation.segmentation.orders",
        "seed.segmentation.customers_to_forget",
    }
    source = manifest["sources"]["source.segmentation.segmentation.orders"]
    assert (source["schema"], source["identifier"]) == ("shop", "order_lines_export")
    assert "source.segmentation.segmentation.events" not in manifest["sources"]


def test_a_missing_table_says_which_var_to_set(tmp_path) -> None:
    run = run_dbt(
        ["build", "--select", "stg_shop__events"],
        tmp_path,
        variables={**SOURCE_VARS, "segmentation__using_events": True},
    )
    assert run.returncode != 0
    assert (
        'The events table \'"test"."shop"."raw_events"\' does not exist. Point the '
        "source at it with the vars segmentation_schema (and segmentation_database) "
        "and segmentation_events_identifier, or switch the input off with "
        "segmentation__using_events: false." in run.output
    )
