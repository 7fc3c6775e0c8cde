"""The pieces of the Spark lane (make test-spark) that run without Spark: how it
compares the two builds and reads dbt's results."""

import json

import duckdb
import pandas as pd

from segmentation.spark import dbt_test_statuses, row_differences
from segmentation.warehouse import for_warehouse


def _segments(rows):
    return pd.DataFrame(rows, columns=["customer_id", "segment_id", "segment_name"])


def test_equal_builds_have_no_differences():
    duck = _segments([("c1", 1, "Loyal"), ("c2", 2, "New")])
    spark = _segments([("c2", 2, "New"), ("c1", 1, "Loyal")])
    assert row_differences(spark, duck) == []


def test_every_kind_of_difference_is_named():
    duck = _segments([("c1", 1, "Loyal"), ("c2", 2, "New"), ("c3", 3, "Lapsed")])
    spark = _segments([("c1", 1, "Loyal"), ("c2", 2, "Newcomers"), ("c4", 3, "Lapsed")])
    assert row_differences(spark, duck) == [
        "customer c2: DuckDB 2 'New', Spark 2 'Newcomers'",
        "customer c3 only in the DuckDB build",
        "customer c4 only in the Spark build",
    ]


def test_results_lists_tests_only(tmp_path):
    (tmp_path / "run_results.json").write_text(
        json.dumps(
            {
                "results": [
                    {"unique_id": "model.segmentation.orders", "status": "success"},
                    {"unique_id": "test.segmentation.reconciles_x", "status": "pass"},
                    {"unique_id": "unit_test.segmentation.orders.t", "status": "fail"},
                ]
            }
        )
    )
    assert dbt_test_statuses(tmp_path) == {
        "test.segmentation.reconciles_x": "pass",
        "unit_test.segmentation.orders.t": "fail",
    }


def test_duckdb_takes_the_pandas_frame_as_it_is():
    frame = pd.DataFrame({"x": [1.0, None]})
    with duckdb.connect() as con:
        assert for_warehouse(con, frame) is frame


def test_segment_profiles_compare_by_segment():
    columns = ["segment_id", "segment_name", "customers", "top_features"]
    duck = pd.DataFrame([(1, "Loyal", 10, "frequency (high)")], columns=columns)
    spark = pd.DataFrame([(1, "Loyal", 11, "frequency (high)")], columns=columns)
    assert row_differences(spark, duck, "segment") == [
        "segment 1: DuckDB 'Loyal' 10 'frequency (high)', "
        "Spark 'Loyal' 11 'frequency (high)'"
    ]
