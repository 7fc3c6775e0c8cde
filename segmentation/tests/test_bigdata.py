"""The large-data generator: deterministic, typed, planted segments, dirty rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from segmentation.bigdata import CATEGORIES, CHANNELS, EXTRACT_DATE, SEGMENTS, generate

N_CUSTOMERS = 2_000
ORDERS_PER_CUSTOMER = 10
FILES = ("orders", "customers", "true_segments")


def _generate(path: Path, **kwargs) -> Path:
    generate(path, N_CUSTOMERS, ORDERS_PER_CUSTOMER, progress=False, **kwargs)
    return path


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("bigdata_a"))


@pytest.fixture(scope="module")
def con(data_dir: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for name in FILES:
        path = data_dir / f"{name}.parquet"
        connection.execute(
            f"create view {name} as select * from read_parquet('{path}')"
        )
    yield connection
    connection.close()


def _content_digest(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Order-sensitive digest of every value in a Parquet file."""
    rows = con.execute(f"select * from read_parquet('{path}')").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_same_seed_gives_same_content(data_dir, tmp_path):
    again = _generate(tmp_path / "again", threads=1)
    con = duckdb.connect()
    for name in FILES:
        first = _content_digest(con, data_dir / f"{name}.parquet")
        second = _content_digest(con, again / f"{name}.parquet")
        assert first == second, name


def test_same_settings_give_identical_files(data_dir, tmp_path):
    again = _generate(tmp_path / "again")
    for name in FILES:
        first = (data_dir / f"{name}.parquet").read_bytes()
        assert first == (again / f"{name}.parquet").read_bytes(), name


def test_other_seed_gives_other_content(data_dir, tmp_path):
    other = _generate(tmp_path / "other", seed=7)
    con = duckdb.connect()
    first = _content_digest(con, data_dir / "orders.parquet")
    assert first != _content_digest(con, other / "orders.parquet")


def _types(con: duckdb.DuckDBPyConnection, view: str) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(f"describe {view}").fetchall()}


def test_orders_columns_and_types(con):
    assert _types(con, "orders") == {
        "order_id": "VARCHAR",
        "customer_id": "VARCHAR",
        "ordered_at": "TIMESTAMP",
        "amount": "DECIMAL(12,2)",
        "quantity": "INTEGER",
        "product_category": "VARCHAR",
        "channel": "VARCHAR",
        "status": "VARCHAR",
    }


def test_customers_columns_and_types(con):
    types = _types(con, "customers")
    assert types["customer_id"] == "VARCHAR"
    assert types["birth_date"] == "DATE"
    assert types["income"] == "DOUBLE"
    assert types["signed_up_at"] == "TIMESTAMP"
    for column in ("gender", "occupation", "education", "marital_status", "country"):
        assert types[column] == "VARCHAR"
    assert _types(con, "true_segments") == {
        "customer_id": "VARCHAR",
        "true_segment": "VARCHAR",
    }


def test_sizes_and_values(con):
    lines, orders, customers, first, last = con.execute(
        "select count(*), count(distinct order_id), count(distinct customer_id), "
        "min(ordered_at), max(ordered_at) from orders"
    ).fetchone()
    expected = N_CUSTOMERS * ORDERS_PER_CUSTOMER
    assert 0.9 * expected < lines < 1.1 * expected
    assert orders < lines  # some orders have several lines
    assert customers == N_CUSTOMERS
    assert str(last) < EXTRACT_DATE
    assert (last - first).days > 900
    categories = {
        r[0]
        for r in con.execute("select distinct product_category from orders").fetchall()
    }
    channels = {
        r[0] for r in con.execute("select distinct channel from orders").fetchall()
    }
    assert categories == set(CATEGORIES)
    assert channels == set(CHANNELS)
    assert (
        con.execute("select count(*) from true_segments").fetchone()[0] == N_CUSTOMERS
    )


def test_planted_segments_present_and_distinct(con):
    profile = {
        row[0]: row[1:]
        for row in con.execute(
            f"""
            with clean as (
                select * from orders where customer_id is not null and amount > 0
            ),
            per_customer as (
                select
                    customer_id,
                    date '{EXTRACT_DATE}' - max(cast(ordered_at as date)) as recency,
                    count(distinct order_id) as frequency,
                    sum(amount) / count(distinct order_id) as order_value
                from clean
                group by customer_id
            )
            select true_segment, count(*), avg(recency), avg(frequency),
                avg(order_value)
            from per_customer inner join true_segments using (customer_id)
            group by true_segment
            """
        ).fetchall()
    }
    assert set(profile) == {s.name for s in SEGMENTS}
    for segment in SEGMENTS:
        share = profile[segment.name][0] / N_CUSTOMERS
        assert abs(share - segment.share) < 0.04, segment.name
    count, recency, frequency, value = range(4)
    assert profile["champions"][frequency] > 1.4 * profile["loyal"][frequency]
    assert profile["new"][frequency] < 3
    assert profile["at_risk"][recency] > 200 > profile["loyal"][recency]
    assert profile["hibernating_big_spenders"][recency] > profile["at_risk"][recency]
    assert profile["hibernating_big_spenders"][value] > 2 * profile["champions"][value]
    assert profile["bargain_hunters"][value] < profile["loyal"][value] / 2
    top_category = dict(
        con.execute(
            """
            select true_segment, arg_max(product_category, n) from (
                select true_segment, product_category, count(*) as n
                from orders inner join true_segments using (customer_id)
                group by all
            ) group by true_segment
            """
        ).fetchall()
    )
    assert top_category["bargain_hunters"] == "grocery"
    assert top_category["new"] == "fashion"


def test_segments_are_the_sample_profiles(con):
    """Each segment's recency and first-to-last span follow the bundled sample's
    profile: never below its recency floor, never above its span ceiling, and the
    longest span reaches the top of the profile's range (a drifted copy would not)."""
    observed = con.execute(
        f"""
        with per_customer as (
            select
                customer_id,
                date '{EXTRACT_DATE}' - max(cast(ordered_at as date)) as recency,
                max(cast(ordered_at as date)) - min(cast(ordered_at as date)) as span
            from orders
            where customer_id is not null
            group by customer_id
        )
        select true_segment, min(recency), max(span)
        from per_customer inner join true_segments using (customer_id)
        group by true_segment
        """
    ).fetchall()
    profiles = {segment.name: segment for segment in SEGMENTS}
    assert {row[0] for row in observed} == set(profiles)
    for name, min_recency, max_span in observed:
        high = profiles[name].span_days[1]
        assert min_recency >= profiles[name].recency_days[0], name
        assert 0.98 * high <= max_span <= high, name


def test_dirty_rows_present(con):
    null_customer, negative, lines, distinct_lines = con.execute(
        "select count(*) filter (where customer_id is null), "
        "count(*) filter (where amount < 0), count(*), "
        "(select count(*) from (select distinct * from orders)) from orders"
    ).fetchone()
    assert 0 < null_customer < 0.01 * lines
    assert 0 < negative < 0.01 * lines
    assert 0 < lines - distinct_lines < 0.01 * lines
    null_ids, rows, distinct_rows = con.execute(
        "select count(*) filter (where customer_id is null), count(*), "
        "(select count(*) from (select distinct * from customers)) from customers"
    ).fetchone()
    assert rows - distinct_rows > 0
    assert null_ids > 0


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, 0, progress=False)
    with pytest.raises(ValueError):
        generate(tmp_path, 10, 0, progress=False)
