"""Large, deterministic synthetic retail data for benchmarks, generated inside DuckDB.

Unlike :mod:`segmentation.synth` (a small, deliberately messy CSV sample built with
numpy), this module writes millions of customers and tens of millions of order lines as
typed Parquet in seconds per million rows and with bounded memory: every value is a
pure SQL expression of ``(seed, customer index, line index)`` through DuckDB's
``hash()``, so nothing is held in Python, DuckDB streams the rows straight into
``COPY ... TO`` and the output does not depend on the number of threads.

Three files are written to ``--out``:

``orders.parquet``
    One row per order line: ``order_id`` (text; lines of one order share it),
    ``customer_id`` (text), ``ordered_at`` (timestamp), ``amount`` (decimal(12,2)),
    ``quantity`` (integer), ``product_category``, ``channel``, ``status`` (text).
``customers.parquet``
    One row per customer: ``customer_id``, ``birth_date`` (date), ``gender``,
    ``income`` (double), ``occupation``, ``education``, ``marital_status``,
    ``country``, ``region``, ``city`` (text), ``signed_up_at`` (timestamp).
``true_segments.parquet``
    ``customer_id``, ``true_segment``: the planted behavioural segment of every
    customer (:data:`SEGMENTS`).

The planted segments are the bundled sample's profiles
(:data:`segmentation.synth.profiles.SEGMENTS`): the same shares, recency and span
ranges, unit prices, category and channel mixes, cancel and return rates and
demographic tilts. A segment's number of order lines is proportional to its typical
number of orders in the sample (``SegmentProfile.mean_orders``), scaled so that the
mean over customers is ``orders_per_customer``.

A small share of rows is dirty on purpose (:data:`DIRTY_RATES`): order lines with a
null ``customer_id``, with a negative ``amount``, exact duplicate order lines, and
duplicate or id-less customer records.

Examples
--------
::

    python -m segmentation.bigdata --customers 1000000 --orders-per-customer 20 \\
        --out /tmp/bench_data/1m
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from segmentation.synth.profiles import (
    CATEGORIES,
    CATEGORY_EXTRA_UNITS,
    CATEGORY_PRICE,
    CHANNELS,
    EDUCATIONS,
    EXTRACT_DATE,
    GENDERS,
    MARITAL_STATUSES,
    OCCUPATIONS,
    SEGMENTS,
    WINDOW_DAYS,
)

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "DIRTY_RATES",
    "EXTRACT_DATE",
    "GENERATOR_VERSION",
    "SEGMENTS",
    "customers_sql",
    "generate",
    "main",
    "orders_sql",
    "true_segments_sql",
]

# Share of each of the sample's GENDERS; the rest is null.
_GENDER_WEIGHTS = (0.49, 0.47, 0.02)

PLACES = (
    ("United States", "California", "Los Angeles"),
    ("United States", "New York", "New York"),
    ("United States", "Texas", "Houston"),
    ("United Kingdom", "England", "London"),
    ("United Kingdom", "Scotland", "Glasgow"),
    ("Germany", "Bavaria", "Munich"),
    ("Germany", "Berlin", "Berlin"),
    ("Canada", "Ontario", "Toronto"),
)
"""(country, region, city) triples customers are spread over uniformly."""

DIRTY_RATES = {
    "order_null_customer_id": 0.001,
    "order_negative_amount": 0.001,
    "order_duplicate_line": 0.002,
    "customer_null_id": 0.003,
    "customer_duplicate": 0.002,
}
"""Share of order lines / customer records corrupted in each way."""

CONTINUATION_RATE = 0.2
"""Probability that an odd-numbered line continues the previous line's order."""

MAX_LINES_PER_CUSTOMER = 999

GENERATOR_VERSION = 2
"""Bumped whenever the generated values change (recorded in ``manifest.json``)."""


# Salts: one per random quantity, so every draw is an independent hash.
_S_SEGMENT, _S_LINES, _S_RECENCY, _S_SPAN, _S_PRICE_A, _S_PRICE_B = range(1, 7)
_S_CONT, _S_DAY, _S_SECOND, _S_CHANNEL, _S_STATUS, _S_CATEGORY = range(10, 16)
_S_QUANTITY, _S_AMOUNT_A, _S_AMOUNT_B, _S_DIRTY = range(16, 20)
_S_AGE_A, _S_AGE_B, _S_GENDER, _S_INCOME_A, _S_INCOME_B, _S_INCOME_NULL = range(30, 36)
_S_OCCUPATION, _S_EDUCATION, _S_MARITAL, _S_PLACE, _S_SIGNUP, _S_CUST_DIRTY = range(
    36, 42
)


# --- SQL building blocks ------------------------------------------------------------


def _lit(value: float | int | str) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(float(value)) if isinstance(value, float) else str(int(value))


def _list(values: Sequence[float | int | str]) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _per_segment(values: Sequence[float | int | str]) -> str:
    """The value of the customer's segment (``seg`` is 0-based)."""
    return f"{_list(values)}[seg + 1]"


def _uniform(seed: int, *keys: str | int) -> str:
    """A uniform [0, 1) draw: a 64-bit hash of the seed and the keys, scaled.

    DuckDB's multi-argument ``hash(a, b, c)`` combines the argument hashes weakly
    (draws that differ only in the salt correlate at about 0.6), so the combined
    hash is hashed once more, which makes the draws independent in practice."""
    args = ", ".join(str(k) for k in (seed, *keys))
    return f"(hash(hash({args})) / 18446744073709551616.0)"


def _normal(seed: int, *keys: str | int) -> str:
    """A standard normal draw (Box-Muller on two uniform draws; the last two keys are
    the salts of the two draws)."""
    *row, salt_a, salt_b = keys
    u1 = _uniform(seed, *row, salt_a)
    u2 = _uniform(seed, *row, salt_b)
    return f"(sqrt(-2.0 * ln(1.0 - {u1})) * cos(2.0 * pi() * {u2}))"


def _thresholds(weights: Sequence[float]) -> list[float]:
    """Running shares of the weights but the last: the cut points of a categorical
    draw from one uniform value (the last label takes the rest)."""
    total, running, thresholds = float(sum(weights)), 0.0, []
    for weight in weights[:-1]:
        running += weight / total
        thresholds.append(running)
    return thresholds


def _case(u: str, thresholds: Sequence[str], labels: Sequence[str | int]) -> str:
    """A categorical draw: the first label whose threshold expression exceeds ``u``."""
    parts = [
        f"when {u} < {threshold} then {_lit(label)}"
        for threshold, label in zip(thresholds, labels[:-1], strict=True)
    ]
    return f"case {' '.join(parts)} else {_lit(labels[-1])} end"


def _pick(u: str, labels: Sequence[str], weights: Sequence[float] | None = None) -> str:
    """A categorical draw from a uniform expression (fixed weights)."""
    thresholds = _thresholds(weights or [1.0] * len(labels))
    return _case(u, [repr(threshold) for threshold in thresholds], labels)


def _pick_per_segment(u: str, labels: Sequence[str], attribute: str) -> str:
    """A categorical draw whose weights depend on the customer's segment."""
    rows = [_thresholds(getattr(segment, attribute)) for segment in SEGMENTS]
    thresholds = [
        _per_segment([row[i] for row in rows]) for i in range(len(labels) - 1)
    ]
    return _case(u, thresholds, labels)


def _id_width(n_customers: int) -> int:
    return max(6, len(str(max(n_customers - 1, 0))))


def _customer_base_sql(n_customers: int, orders_per_customer: float, seed: int) -> str:
    """One row per customer index ``i``: segment and behaviour parameters."""
    shares = [s.share for s in SEGMENTS]
    mean_orders = sum(s.share * s.mean_orders for s in SEGMENTS) / sum(shares)
    scale = orders_per_customer / mean_orders
    seg_case = _case(
        _uniform(seed, "i", _S_SEGMENT),
        [repr(threshold) for threshold in _thresholds(shares)],
        range(len(SEGMENTS)),
    )
    rec_lo = _per_segment([s.recency_days[0] for s in SEGMENTS])
    rec_hi = _per_segment([s.recency_days[1] for s in SEGMENTS])
    span_lo = _per_segment([s.span_days[0] for s in SEGMENTS])
    span_hi = _per_segment([s.span_days[1] for s in SEGMENTS])
    lines_mean = _per_segment([s.mean_orders * scale for s in SEGMENTS])
    width = _id_width(n_customers)
    return f"""
    select
        i,
        seg,
        'C' || lpad(cast(i as varchar), {width}, '0') as customer_id,
        cast(least({MAX_LINES_PER_CUSTOMER}, greatest(1, round(
            {lines_mean} * (0.4 + 1.2 * {_uniform(seed, "i", _S_LINES)})
        ))) as integer) as n_lines,
        cast({rec_lo} + floor({_uniform(seed, "i", _S_RECENCY)}
            * ({rec_hi} - {rec_lo} + 1)) as integer) as recency_days,
        cast(least({WINDOW_DAYS - 1} - ({rec_lo} + floor(
            {_uniform(seed, "i", _S_RECENCY)} * ({rec_hi} - {rec_lo} + 1))),
            {span_lo} + floor({_uniform(seed, "i", _S_SPAN)}
            * ({span_hi} - {span_lo} + 1))) as integer) as span_days,
        {_per_segment([s.unit_price for s in SEGMENTS])}
            * exp(0.25 * {_normal(seed, "i", _S_PRICE_A, _S_PRICE_B)}) as unit_price
    from (
        select i, {seg_case} as seg
        from range({int(n_customers)}) as t(i)
    )
    """


def orders_sql(n_customers: int, orders_per_customer: float, seed: int = 42) -> str:
    """SELECT producing every order line (deterministic, streaming, no ORDER BY)."""
    base = _customer_base_sql(n_customers, orders_per_customer, seed)
    u_cont = _uniform(seed, "i", "j", _S_CONT)
    cat_u = _uniform(seed, "i", "j", _S_CATEGORY)
    dirty_u = _uniform(seed, "i", "j", _S_DIRTY)
    null_cut = DIRTY_RATES["order_null_customer_id"]
    neg_cut = null_cut + DIRTY_RATES["order_negative_amount"]
    dup_cut = neg_cut + DIRTY_RATES["order_duplicate_line"]
    cat_index = (
        "case "
        + " ".join(
            f"when product_category = {_lit(c)} then {n + 1}"
            for n, c in enumerate(CATEGORIES)
        )
        + " end"
    )
    cancel = _per_segment([s.cancel_rate for s in SEGMENTS])
    cancel_return = _per_segment([s.cancel_rate + s.return_rate for s in SEGMENTS])
    return f"""
    with customers as ({base}),
    lines as (
        select i, seg, customer_id, n_lines, recency_days, span_days, unit_price,
            unnest(range(n_lines)) as j
        from customers
    ),
    ordered as (
        select
            *,
            j - case when j % 2 = 1 and {u_cont} < {CONTINUATION_RATE}
                then 1 else 0 end as o
        from lines
    ),
    drawn as (
        select
            *,
            recency_days + case
                when o = 0 then case when n_lines > 1 then span_days else 0 end
                when o = 1 then 0
                else cast(floor(span_days * {_uniform(seed, "i", "o", _S_DAY)})
                    as integer)
            end as day_offset,
            {_pick_per_segment(cat_u, CATEGORIES, "category_weights")}
                as product_category,
            {dirty_u} as dirty_u
        from ordered
    ),
    priced as (
        select
            *,
            cast(1 + floor({_list(CATEGORY_EXTRA_UNITS)}[{cat_index}]
                * -ln(1.0 - {_uniform(seed, "i", "j", _S_QUANTITY)})) as integer)
                as quantity
        from drawn
    ),
    final as (
        select
            'O' || cast(i * 1000 + o as varchar) as order_id,
            case when dirty_u < {null_cut!r} then null else customer_id end
                as customer_id,
            timestamp '{EXTRACT_DATE}' + to_seconds(
                -86400 * day_offset
                + cast(floor(86400 * {_uniform(seed, "i", "o", _S_SECOND)})
                    as bigint)
            ) as ordered_at,
            cast(
                case when dirty_u >= {null_cut!r} and dirty_u < {neg_cut!r}
                    then -1 else 1 end
                * round(unit_price * {_list(CATEGORY_PRICE)}[{cat_index}] * quantity
                    * exp(0.35 * {
        _normal(seed, "i", "j", _S_AMOUNT_A, _S_AMOUNT_B)
    }), 2)
                as decimal(12, 2)
            ) as amount,
            quantity,
            product_category,
            {
        _pick_per_segment(
            _uniform(seed, "i", "o", _S_CHANNEL), CHANNELS, "channel_weights"
        )
    } as channel,
            case
                when {_uniform(seed, "i", "o", _S_STATUS)} < {cancel}
                    then 'cancelled'
                when {_uniform(seed, "i", "o", _S_STATUS)} < {cancel_return}
                    then 'returned'
                else 'completed'
            end as status,
            case when dirty_u >= {neg_cut!r} and dirty_u < {dup_cut!r}
                then 2 else 1 end as copies
        from priced
    )
    select
        order_id, customer_id, ordered_at, amount, quantity, product_category,
        channel, status
    from (select *, unnest(range(copies)) as copy_no from final)
    """


def customers_sql(n_customers: int, orders_per_customer: float, seed: int = 42) -> str:
    """SELECT producing every customer record (deterministic, streaming)."""
    base = _customer_base_sql(n_customers, orders_per_customer, seed)
    age_mean = _per_segment([s.age_mean for s in SEGMENTS])
    income_median = _per_segment([s.income_median for s in SEGMENTS])
    dirty_u = _uniform(seed, "i", _S_CUST_DIRTY)
    null_cut = DIRTY_RATES["customer_null_id"]
    dup_cut = null_cut + DIRTY_RATES["customer_duplicate"]
    place = f"cast(floor({_uniform(seed, 'i', _S_PLACE)} * {len(PLACES)}) as integer)"
    gender_labels = [*GENDERS, "__null__"]
    gender_weights = [*_GENDER_WEIGHTS, 1.0 - sum(_GENDER_WEIGHTS)]
    gender = _pick(_uniform(seed, "i", _S_GENDER), gender_labels, gender_weights)
    return f"""
    with customers as ({base}),
    final as (
        select
            case when {dirty_u} < {null_cut!r} then null else customer_id end
                as customer_id,
            case when {_uniform(seed, "i", _S_AGE_A)} < 0.02 then null else
                cast(date '{EXTRACT_DATE}' - cast(round(365.25 * least(90, greatest(18,
                    {age_mean} + 12 * {_normal(seed, "i", _S_AGE_A, _S_AGE_B)}
                ))) as integer) as date)
            end as birth_date,
            nullif({gender}, '__null__') as gender,
            case when {_uniform(seed, "i", _S_INCOME_NULL)} < 0.03 then null else
                round({income_median}
                    * exp(0.45 * {_normal(seed, "i", _S_INCOME_A, _S_INCOME_B)}), -2)
            end as income,
            {_pick(_uniform(seed, "i", _S_OCCUPATION), OCCUPATIONS)} as occupation,
            {_pick(_uniform(seed, "i", _S_EDUCATION), EDUCATIONS)} as education,
            {_pick(_uniform(seed, "i", _S_MARITAL), MARITAL_STATUSES)}
                as marital_status,
            {_list([p[0] for p in PLACES])}[{place} + 1] as country,
            {_list([p[1] for p in PLACES])}[{place} + 1] as region,
            {_list([p[2] for p in PLACES])}[{place} + 1] as city,
            timestamp '{EXTRACT_DATE}' + to_seconds(
                -86400 * (recency_days + span_days
                    + cast(floor(60 * {_uniform(seed, "i", _S_SIGNUP)}) as integer)
                    + 1)
                + cast(floor(86400 * {_uniform(seed, "i", _S_SIGNUP, 1)}) as bigint)
            ) as signed_up_at,
            case when {dirty_u} >= {null_cut!r} and {dirty_u} < {dup_cut!r}
                then 2 else 1 end as copies
        from customers
    )
    select
        customer_id, birth_date, gender, income, occupation, education,
        marital_status, country, region, city, signed_up_at
    from (select *, unnest(range(copies)) as copy_no from final)
    """


def true_segments_sql(
    n_customers: int, orders_per_customer: float, seed: int = 42
) -> str:
    """SELECT producing (customer_id, true_segment) for every customer."""
    base = _customer_base_sql(n_customers, orders_per_customer, seed)
    names = _per_segment([s.name for s in SEGMENTS])
    return f"select customer_id, {names} as true_segment from ({base})"


# --- writing ------------------------------------------------------------------------


def _copy_with_progress(
    con: duckdb.DuckDBPyConnection,
    select_sql: str,
    path: Path,
    label: str,
    report: Callable[[str], None] | None,
    interval: float = 2.0,
) -> None:
    """COPY a SELECT to Parquet (streamed by DuckDB), reporting progress meanwhile."""
    tmp = path.with_name(path.name + ".tmp")
    statement = (
        f"copy ({select_sql}) to '{tmp}' "
        "(format parquet, compression zstd, row_group_size 122880)"
    )
    error: list[BaseException] = []

    def run() -> None:
        try:
            con.execute(statement)
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=run, name=f"copy-{label}", daemon=True)
    worker.start()
    while True:
        worker.join(interval)
        if not worker.is_alive():
            break
        if report is not None:
            percent = con.query_progress()
            elapsed = time.monotonic() - started
            if percent > 0:
                left = elapsed * (100.0 - percent) / percent
                report(
                    f"{label}: {percent:5.1f}%  {elapsed:6.1f}s elapsed,"
                    f" ~{left:.0f}s left"
                )
            else:
                report(f"{label}: running, {elapsed:6.1f}s elapsed")
    if error:
        tmp.unlink(missing_ok=True)
        raise error[0]
    tmp.replace(path)
    if report is not None:
        report(f"{label}: done in {time.monotonic() - started:.1f}s -> {path}")


def generate(
    out: str | Path,
    n_customers: int,
    orders_per_customer: float = 20.0,
    seed: int = 42,
    threads: int | None = None,
    memory_limit: str = "2GB",
    progress: bool = True,
) -> dict[str, object]:
    """Write ``orders.parquet``, ``customers.parquet`` and ``true_segments.parquet``.

    Parameters
    ----------
    out : path
        Output directory (created).
    n_customers : int
        Number of distinct customers.
    orders_per_customer : float
        Mean number of order lines per customer (the total is close to
        ``n_customers * orders_per_customer``, plus the duplicated lines).
    seed : int
        Every value is a hash of the seed and row keys: same seed, same data.
    threads, memory_limit
        DuckDB settings for the generation (output does not depend on threads).
    progress : bool
        Print progress lines to stderr.

    Returns
    -------
    dict
        Row counts, bytes written and seconds per file; also written to
        ``manifest.json`` in ``out``.
    """
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    if orders_per_customer <= 0:
        raise ValueError("orders_per_customer must be positive")
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = (lambda msg: print(msg, file=sys.stderr, flush=True)) if progress else None
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = true")
        con.execute("set enable_progress_bar_print = false")
        con.execute("set preserve_insertion_order = true")
        con.execute(f"set memory_limit = '{memory_limit}'")
        if threads:
            con.execute(f"set threads = {int(threads)}")
        jobs = [
            ("customers", customers_sql),
            ("true_segments", true_segments_sql),
            ("orders", orders_sql),
        ]
        files: dict[str, dict[str, object]] = {}
        started = time.monotonic()
        for name, builder in jobs:
            path = out_dir / f"{name}.parquet"
            t0 = time.monotonic()
            sql = builder(n_customers, orders_per_customer, seed)
            _copy_with_progress(con, sql, path, name, report)
            rows = con.execute(
                f"select count(*) from read_parquet('{path}')"
            ).fetchone()[0]
            files[name] = {
                "path": str(path),
                "rows": int(rows),
                "bytes": path.stat().st_size,
                "seconds": round(time.monotonic() - t0, 2),
            }
        manifest = {
            "generator": "segmentation.bigdata",
            "generator_version": GENERATOR_VERSION,
            "dirty_rates": DIRTY_RATES,
            "n_customers": int(n_customers),
            "orders_per_customer": float(orders_per_customer),
            "seed": int(seed),
            "extract_date": EXTRACT_DATE,
            "duckdb_version": duckdb.__version__,
            "seconds": round(time.monotonic() - started, 2),
            "files": files,
        }
    finally:
        con.close()
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.bigdata",
        description="Write large deterministic synthetic orders / customers Parquet.",
    )
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--orders-per-customer", type=float, default=20.0)
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    manifest = generate(
        args.out,
        args.customers,
        args.orders_per_customer,
        seed=args.seed,
        threads=args.threads,
        memory_limit=args.memory_limit,
        progress=not args.quiet,
    )
    files = manifest["files"]
    summary = ", ".join(f"{k}: {v['rows']:,} rows" for k, v in files.items())
    print(f"wrote {args.out} in {manifest['seconds']}s ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
