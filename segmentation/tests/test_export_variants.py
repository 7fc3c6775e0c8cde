"""The same order log exported the ways people export it gives the same customers.

One order log (segmentation.exports) is written as US, European and compact dates,
currency and decimal-comma amounts, semicolon, tab and pipe separated, Latin-1, CRLF,
with a byte-order mark, with spreadsheet column names and with padded amounts. Each is
built as the user's orders file, with no var set, and must give exactly the
customer_features of the clean file; every raw line is accounted for (the
reconciliation test runs in each build and is checked here too). The refund variant
differs by exactly its refunds. The stop and warning sentences are in
test_input_sentences.

Every variant is copied to the same path and built with the same vars, so dbt's
partial parse is reused: the file's content is read when the models compile.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from segmentation.exports import base_orders, refunds_by_customer, write_variants
from segmentation.project import PROJECT_DIR
from segmentation.tests.dbt_helpers import WITHOUT_COLUMN_TESTS, run_dbt

pytestmark = pytest.mark.e2e  # builds the dbt project: make test, not test-fast

AS_OF_DATE = "2026-07-02"  # the day after the log's last order
# Only customer_features and data_quality_summary with the tests that guard them (the
# reconciliation above all); the generic column tests are covered by the sample build.
BUILD = [
    "build",
    "--select",
    "+customer_features",
    "+customer_feature_shares",
    "+data_quality_summary",
    "+input_formats",
    "--indirect-selection",
    "cautious",
    *WITHOUT_COLUMN_TESTS,
]
SAME_AS_CLEAN = [
    "us_dates",
    "european_dates",
    "compact_dates",
    "currency_amounts",
    "semicolon_decimal_comma",
    "tab",
    "pipe",
    "latin1",
    "crlf",
    "bom",
    "spreadsheet_names",
    "spaced_amounts",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict]:
    """The base orders and every export variant of them."""
    orders = base_orders(PROJECT_DIR / "seeds" / "raw_orders.csv")
    return orders, write_variants(orders, tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="module")
def builds(
    corpus: tuple[pd.DataFrame, dict], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple]:
    """Each variant built in turn from one path: (run, customer_features,
    data_quality_summary rows for orders, input_formats decisions, the product
    categories of customer_feature_shares)."""
    _, files = corpus
    workdir = tmp_path_factory.mktemp("variant_builds")
    orders_path = workdir / "orders.csv"
    results = {}
    for name in ["clean", *SAME_AS_CLEAN, "refunds"]:
        shutil.copyfile(files[name], orders_path)
        run = run_dbt(
            BUILD,
            workdir,
            variables={"orders_path": str(orders_path), "as_of_date": AS_OF_DATE},
        )
        assert run.returncode == 0, f"{name}:\n{run.output[-3000:]}"
        with_db = run.query
        features = pd.DataFrame(
            with_db("select * from main.customer_features order by customer_id"),
            columns=[
                row[0]
                for row in with_db(
                    "select column_name from information_schema.columns where "
                    "table_schema = 'main' and table_name = 'customer_features' "
                    "order by ordinal_position"
                )
            ],
        )
        quality = pd.DataFrame(
            with_db(
                "select outcome, reason, row_count from main.data_quality_summary "
                "where source_table = 'orders' order by outcome, reason"
            ),
            columns=["outcome", "reason", "row_count"],
        )
        formats = {
            (column, setting): (value, decided_by)
            for column, setting, value, decided_by in with_db(
                "select column_name, setting, setting_value, decided_by "
                "from main.input_formats where source_table = 'orders'"
            )
        }
        categories = {
            value
            for (value,) in with_db(
                "select distinct dimension_value from main.customer_feature_shares "
                "where dimension = 'product_category'"
            )
        }
        results[name] = (run, features, quality, formats, categories)
    return results


def _data_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") - 1


# the sample's blank-like customer ids ('n/a', 'unknown', ...) survive into the log
LOG_REJECTIONS = {"missing_customer_id"}


def _rejections(quality: pd.DataFrame) -> set[str]:
    return set(quality.loc[(quality["outcome"] == "rejected"), "reason"])


def test_the_clean_export_is_read_whole(corpus, builds) -> None:
    orders, files = corpus
    _, features, quality, _, categories = builds["clean"]
    assert quality["row_count"].sum() == _data_lines(files["clean"]) == len(orders)
    assert _rejections(quality) == LOG_REJECTIONS
    clean_lines = quality.loc[quality["outcome"] == "clean", "row_count"].sum()
    assert clean_lines > 0.99 * len(orders)
    assert len(features) > 4000
    assert (features["monetary"] > 0).all()
    assert {"décor", "épicerie"} <= categories


@pytest.mark.parametrize("variant", SAME_AS_CLEAN)
def test_every_export_gives_the_clean_customer_features(
    corpus, builds, variant: str
) -> None:
    _, files = corpus
    _, clean, clean_quality, _, clean_categories = builds["clean"]
    _, features, quality, _, categories = builds[variant]
    pd.testing.assert_frame_equal(features, clean, check_exact=False, rtol=1e-9)
    # the same categories, accents included (Latin-1 read as Latin-1)
    assert categories == clean_categories
    # every raw line is accounted for, exactly as in the clean file
    assert quality["row_count"].sum() == _data_lines(files[variant])
    pd.testing.assert_frame_equal(quality, clean_quality)


@pytest.mark.parametrize(
    ("variant", "column", "setting", "value", "decided_by"),
    [
        ("us_dates", "ordered_at", "date_format", "us (", "detected: 62,819 of 62,819"),
        ("european_dates", "ordered_at", "date_format", "european_dot (", "detected"),
        ("compact_dates", "ordered_at", "date_format", "compact (", "detected"),
        ("clean", "ordered_at", "date_format", "iso (", "detected"),
        ("semicolon_decimal_comma", "amount", "decimal_separator", ",", "detected"),
        ("currency_amounts", "amount", "decimal_separator", ".", "detected"),
        ("semicolon_decimal_comma", None, "delimiter", "semicolon", "detected"),
        ("tab", None, "delimiter", "tab", "detected"),
        ("pipe", None, "delimiter", "pipe", "detected"),
        ("latin1", None, "encoding", "latin-1", "detected"),
        ("bom", None, "encoding", "utf-8", "detected"),
        ("spreadsheet_names", "ordered_at", "column", "Order Date", "synonym"),
        ("spreadsheet_names", "amount", "column", "Sales", "synonym"),
        ("spreadsheet_names", "customer_id", "column", "Customer ID", "name"),
    ],
)
def test_the_run_records_how_each_file_was_read(
    builds, variant: str, column, setting: str, value: str, decided_by: str
) -> None:
    _, _, _, formats, _ = builds[variant]
    chosen, how = formats[(column, setting)]
    assert chosen.startswith(value), (chosen, how)
    assert how.startswith(decided_by), (chosen, how)


def test_refunds_lower_net_monetary_by_exactly_the_refunds(corpus, builds) -> None:
    orders, files = corpus
    _, clean, _, _, _ = builds["clean"]
    _, features, quality, _, _ = builds["refunds"]
    refunds = refunds_by_customer(orders)
    assert len(refunds) > 100

    # refund lines are returns, not bad data: every line is accounted for and none
    # is rejected for its negative amount
    assert quality["row_count"].sum() == _data_lines(files["refunds"])
    assert _rejections(quality) == LOG_REJECTIONS

    merged = clean.merge(features, on="customer_id", suffixes=("_clean", ""))
    assert len(merged) == len(clean) == len(features)
    refunded = merged["customer_id"].map(refunds).fillna(0.0)
    # net monetary lower by exactly the refunds; what was bought and the purchases
    # (frequency) unchanged; the refunds are the returned amount
    assert (merged["monetary_clean"] - merged["monetary"] - refunded).abs().max() < 1e-6
    assert (merged["gross_amount"] == merged["gross_amount_clean"]).all()
    assert (merged["returned_amount"] - refunded).abs().max() < 1e-6
    assert (merged["frequency"] == merged["frequency_clean"]).all()
    with_refund = refunded > 0
    assert (merged.loc[with_refund, "return_rate"] > 0).all()
    assert (merged.loc[~with_refund, "return_rate"] == 0).all()
    assert (
        merged.loc[with_refund, "monetary"] < merged.loc[with_refund, "gross_amount"]
    ).all()
