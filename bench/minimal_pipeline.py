"""The minimal hand-written segmentation pipeline the project is benchmarked against.

DuckDB computes recency / frequency / monetary per customer straight from the orders
Parquet, log1p-transforms and standardises them in SQL, scikit-learn fits k-means on a
bounded random sample, and DuckDB assigns every customer to the nearest centroid and
writes the result table to a DuckDB file. No cleaning beyond dropping rows without a
customer or with a non-positive amount, no tests, no model selection: the floor of what
"segment every customer" costs on this machine.

Run by ``bench/run_benchmark.py`` in its own process (so that its wall time and peak RSS
are measured the same way as ``dbt build``), or by hand::

    .venv/bin/python bench/minimal_pipeline.py \\
        --orders /tmp/bench_data/1m/orders.parquet --db /tmp/minimal.duckdb
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
from sklearn.cluster import KMeans

FEATURES = ("recency_days", "frequency", "monetary")


def run(
    orders: str,
    db: str,
    k: int = 6,
    n_init: int = 3,
    sample_size: int = 200_000,
    threads: int = 2,
    memory_limit: str = "4GB",
    seed: int = 42,
) -> dict[str, object]:
    """Run the pipeline; return step timings (seconds) and row counts."""
    timings: dict[str, float] = {}
    Path(db).unlink(missing_ok=True)
    con = duckdb.connect(db)
    con.execute(f"set threads = {int(threads)}")
    con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute("set enable_progress_bar = false")

    t = time.perf_counter()
    con.execute(
        """
        create table rfm as
        with orders as (
            -- order lines -> orders (frequency counts distinct orders)
            select customer_id, order_id, max(cast(ordered_at as date)) as order_date,
                sum(cast(amount as double)) as amount
            from read_parquet($orders)
            where customer_id is not null and amount > 0
            group by customer_id, order_id
        ),
        as_of as (select max(order_date) + 1 as as_of_date from orders)
        select
            customer_id,
            cast(any_value(as_of_date) - max(order_date) as double) as recency_days,
            cast(count(*) as double) as frequency,
            sum(amount) as monetary
        from orders cross join as_of
        group by customer_id
        """,
        {"orders": orders},
    )
    timings["rfm_group_by"] = time.perf_counter() - t

    t = time.perf_counter()
    logs = ", ".join(f"ln(1 + {f}) as {f}" for f in FEATURES)
    con.execute(f"create temp view rfm_log as select customer_id, {logs} from rfm")
    stats_sql = ", ".join(f"avg({f}), stddev_pop({f})" for f in FEATURES)
    stats = con.execute(f"select {stats_sql} from rfm_log").fetchone()
    means = np.array(stats[0::2], dtype=float)
    scales = np.array(stats[1::2], dtype=float)
    scales[scales == 0] = 1.0
    scaled = ", ".join(
        f"({f} - {float(m)!r}) / {float(s)!r} as {f}"
        for f, m, s in zip(FEATURES, means, scales, strict=True)
    )
    con.execute(
        f"create temp view rfm_scaled as select customer_id, {scaled} from rfm_log"
    )
    sample = con.execute(
        f"select {', '.join(FEATURES)} from rfm_scaled "
        f"using sample reservoir({int(sample_size)} rows) repeatable ({int(seed)})"
    ).fetchnumpy()
    X = np.column_stack([sample[f] for f in FEATURES])
    timings["standardise_and_sample"] = time.perf_counter() - t

    t = time.perf_counter()
    model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(X)
    timings["kmeans_fit"] = time.perf_counter() - t

    t = time.perf_counter()
    centers = model.cluster_centers_
    distances = ", ".join(
        "("
        + " + ".join(
            f"power({f} - {float(c)!r}, 2)"
            for f, c in zip(FEATURES, center, strict=True)
        )
        + ")"
        for center in centers
    )
    con.execute(
        f"""
        create table customer_segments as
        select
            rfm.customer_id, rfm.recency_days, rfm.frequency, rfm.monetary,
            list_position(d, list_min(d)) - 1 as segment_id,
            sqrt(list_min(d)) as distance_to_centroid
        from rfm
        inner join (
            select customer_id, [{distances}] as d from rfm_scaled
        ) as scored using (customer_id)
        """
    )
    timings["assign_all_customers"] = time.perf_counter() - t
    customers = con.execute("select count(*) from customer_segments").fetchone()[0]
    sizes = con.execute(
        "select segment_id, count(*) from customer_segments group by 1 order by 1"
    ).fetchall()
    con.close()
    return {
        "timings": {key: round(value, 3) for key, value in timings.items()},
        "customers": int(customers),
        "sample_rows": int(X.shape[0]),
        "segment_sizes": {int(s): int(n) for s, n in sizes},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--k", type=int, default=6)
    parser.add_argument("--n-init", type=int, default=3)
    parser.add_argument("--sample-size", type=int, default=200_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--json", help="write the step timings here")
    args = parser.parse_args(argv)
    result = run(
        args.orders,
        args.db,
        k=args.k,
        n_init=args.n_init,
        sample_size=args.sample_size,
        threads=args.threads,
        memory_limit=args.memory_limit,
    )
    text = json.dumps(result, indent=2)
    if args.json:
        Path(args.json).write_text(text + "\n")
    print(text, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
