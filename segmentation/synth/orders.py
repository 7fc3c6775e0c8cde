"""``raw_orders``: the planted order lines plus rejectable and messy rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.synth.plan import Plan
from segmentation.synth.profiles import (
    BAD_AMOUNTS,
    CATEGORIES,
    CATEGORY_EXTRA_UNITS,
    CATEGORY_PRICE,
    CHANNELS,
    COLUMNS,
    MISSING_CUSTOMER_IDS,
    STATUSES,
    segment_table,
)
from segmentation.synth.sampling import (
    dirt_count,
    exact_copies,
    pick_rows,
    rank_rows,
    seconds_before_extract,
    uniform_int,
)
from segmentation.synth.text import (
    corrupt_timestamp,
    format_amounts,
    format_ids,
    format_timestamps,
    future_timestamp,
    messy_values,
    sort_frame,
)


def _draw_order_headers(rng: np.random.Generator, plan: Plan) -> pd.DataFrame:
    """Draw the planted orders: customer, moment, channel and status.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : Plan
        Planted behaviour.

    Returns
    -------
    pandas.DataFrame
        One row per order with ``customer`` (index), ``seconds`` (before the extract),
        ``channel`` and ``status`` codes.
    """
    customer = np.repeat(np.arange(plan.size), plan.n_orders)
    starts = np.cumsum(plan.n_orders) - plan.n_orders
    position = np.arange(len(customer)) - np.repeat(starts, plan.n_orders)
    first = plan.first_order_days[customer]
    last = plan.recency_days[customer]
    days = np.rint(last + rng.random(len(customer)) * (first - last)).astype(int)
    is_last = position == plan.n_orders[customer] - 1
    days = np.where(position == 0, first, days)
    days = np.where(is_last, last, days)
    channel = pick_rows(rng, plan.channel_probabilities[customer])
    seconds = seconds_before_extract(rng, days, channel == CHANNELS.index("store"))
    segment = plan.segment[customer]
    cancel = segment_table("cancel_rate")[segment]
    returned = segment_table("return_rate")[segment]
    draw = rng.random(len(customer))
    status = np.where(draw < cancel, 2, np.where(draw < cancel + returned, 1, 0))
    status = np.where(is_last, 0, status)  # every customer keeps a completed last order
    return pd.DataFrame(
        {"customer": customer, "seconds": seconds, "channel": channel, "status": status}
    )


def _draw_lines(
    rng: np.random.Generator,
    plan: Plan,
    headers: pd.DataFrame,
    multi_line_share: float,
) -> pd.DataFrame:
    """Expand orders into lines with distinct categories, quantities and amounts.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : Plan
        Planted behaviour.
    headers : pandas.DataFrame
        Orders from :func:`_draw_order_headers` (index = order number).
    multi_line_share : float
        Share of orders with two or three lines.

    Returns
    -------
    pandas.DataFrame
        One row per line: the header columns plus ``order``, ``line``, ``category``,
        ``quantity`` and ``amount``.
    """
    n_orders = len(headers)
    customer = headers["customer"].to_numpy()
    multi = rng.random(n_orders) < multi_line_share
    n_lines = np.where(multi, 2 + (rng.random(n_orders) < 1 / 3), 1)
    ranked = rank_rows(rng, plan.category_probabilities[customer])
    order = np.repeat(np.arange(n_orders), n_lines)
    line = np.arange(len(order)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    category = ranked[order, line]
    quantity = 1 + rng.poisson(np.array(CATEGORY_EXTRA_UNITS)[category])
    line_customer = customer[order]
    unit_price = (
        segment_table("unit_price")[plan.segment[line_customer]]
        * plan.spend_level[line_customer]
        * np.array(CATEGORY_PRICE)[category]
        * rng.lognormal(0.0, 0.45, size=len(order))
    )
    amount = np.maximum(np.round(unit_price * quantity, 2), 0.5)
    lines = headers.iloc[order].reset_index(drop=True)
    lines["order"] = order
    lines["line"] = line
    lines["category"] = category
    lines["quantity"] = quantity
    lines["amount"] = amount
    return lines


def _draw_rejectable_orders(
    rng: np.random.Generator, plan: Plan, kinds: np.ndarray
) -> pd.DataFrame:
    """Draw extra one-line orders that will each carry one rejectable corruption.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : Plan
        Planted behaviour.
    kinds : numpy.ndarray
        Corruption kind of each extra order.

    Returns
    -------
    pandas.DataFrame
        Lines like :func:`_draw_lines` (completed, plausible) plus ``kind``.
    """
    size = len(kinds)
    customer = rng.integers(0, plan.size, size=size)
    days = uniform_int(
        rng, plan.recency_days[customer], plan.first_order_days[customer]
    )
    channel = pick_rows(rng, plan.channel_probabilities[customer])
    seconds = seconds_before_extract(rng, days, channel == CHANNELS.index("store"))
    headers = pd.DataFrame(
        {
            "customer": customer,
            "seconds": seconds,
            "channel": channel,
            "status": np.zeros(size, dtype=int),
        }
    )
    lines = _draw_lines(rng, plan, headers, multi_line_share=0.0)
    lines["kind"] = kinds
    return lines


def _corrupt_orders(rng: np.random.Generator, lines: pd.DataFrame) -> pd.DataFrame:
    """Apply each extra order's corruption to its formatted text.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    lines : pandas.DataFrame
        Formatted extra lines with a ``kind`` column.

    Returns
    -------
    pandas.DataFrame
        The same lines, corrupted.
    """
    out = lines.copy()
    for position, kind in enumerate(out["kind"].tolist()):
        row = out.index[position]
        if kind == "missing_customer_id":
            out.at[row, "customer_id"] = MISSING_CUSTOMER_IDS[
                int(rng.integers(len(MISSING_CUSTOMER_IDS)))
            ]
        elif kind == "non_positive_amount":
            options = ("0", "0.00", f"-{out.at[row, 'amount']}")
            out.at[row, "amount"] = options[int(rng.integers(len(options)))]
        elif kind == "unparseable_amount":
            out.at[row, "amount"] = BAD_AMOUNTS[int(rng.integers(len(BAD_AMOUNTS)))]
        elif kind == "unparseable_ordered_at":
            out.at[row, "ordered_at"] = corrupt_timestamp(
                rng, out.at[row, "ordered_at"]
            )
        elif kind == "future_ordered_at":
            out.at[row, "ordered_at"] = future_timestamp(rng, out.at[row, "ordered_at"])
    return out


def _mess_up_categoricals(
    rng: np.random.Generator, lines: pd.DataFrame
) -> pd.DataFrame:
    """Give a few clean lines stray case/whitespace (not rejections).

    Categories vary per line; channel and status per order, so that every line of an
    order keeps the same raw channel and status text.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    lines : pandas.DataFrame
        Formatted clean lines with ``order`` and code columns.

    Returns
    -------
    pandas.DataFrame
        The same lines, some with messy spellings.
    """
    out = lines.copy()
    line_mask = rng.random(len(out)) < 0.02
    out.loc[line_mask, "product_category"] = messy_values(
        rng, out.loc[line_mask, "category"].to_numpy(), CATEGORIES
    )
    n_orders = int(out["order"].max()) + 1 if len(out) else 0
    for column, code, canonical in (
        ("channel", "channel_code", CHANNELS),
        ("status", "status_code", STATUSES),
    ):
        order_mask = rng.random(n_orders) < 0.015
        messy_orders = np.flatnonzero(order_mask)
        messy_text = messy_values(
            rng, out.groupby("order")[code].first().to_numpy()[messy_orders], canonical
        )
        mapping = dict(zip(messy_orders.tolist(), messy_text.tolist(), strict=True))
        mask = out["order"].isin(mapping)
        out.loc[mask, column] = out.loc[mask, "order"].map(mapping)
    return out


def _format_order_lines(
    rng: np.random.Generator, lines: pd.DataFrame, customer_ids: np.ndarray
) -> pd.DataFrame:
    """Format order lines as text (order ids must already be assigned).

    About 10% of orders are written as a plain date without time of day.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    lines : pandas.DataFrame
        Lines with ``order_number``, ``customer``, ``seconds`` and codes.
    customer_ids : numpy.ndarray
        Text id of every customer index.

    Returns
    -------
    pandas.DataFrame
        The input plus the published text columns.
    """
    out = lines.copy()
    out["order_id"] = format_ids("O", out["order_number"].to_numpy(), 7)
    out["customer_id"] = customer_ids[out["customer"].to_numpy()]
    stamp = format_timestamps(out["seconds"].to_numpy())
    date_only = rng.random(int(out["order_number"].max()) + 1 if len(out) else 0) < 0.10
    as_date = date_only[out["order_number"].to_numpy()]
    out["ordered_at"] = np.where(as_date, [text[:10] for text in stamp], stamp)
    out["amount"] = format_amounts(out["amount"].to_numpy())
    out["quantity"] = out["quantity"].astype(int).astype(str)
    out["product_category"] = np.array(CATEGORIES, dtype=object)[out["category"]]
    out["channel_code"] = out["channel"]
    out["status_code"] = out["status"]
    out["channel"] = np.array(CHANNELS, dtype=object)[out["channel_code"]]
    out["status"] = np.array(STATUSES, dtype=object)[out["status_code"]]
    return out


_ORDER_DIRT_RATES = {
    "missing_customer_id": 0.005,
    "non_positive_amount": 0.005,
    "unparseable_amount": 0.003,
    "unparseable_ordered_at": 0.003,
    "future_ordered_at": 0.002,
}
_ORDER_DUPLICATE_RATE = 0.015


def build_orders(
    rng: np.random.Generator, plan: Plan, customer_ids: np.ndarray
) -> pd.DataFrame:
    """Build ``raw_orders``: planted order lines plus dirty rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : Plan
        Planted behaviour.
    customer_ids : numpy.ndarray
        Text id of every customer index.

    Returns
    -------
    pandas.DataFrame
        The published table, sorted by order id then line.
    """
    headers = _draw_order_headers(rng, plan)
    clean = _draw_lines(rng, plan, headers, multi_line_share=0.12)
    clean["kind"] = "clean"
    kinds = np.concatenate(
        [
            np.full(dirt_count(len(clean), rate), kind, dtype=object)
            for kind, rate in _ORDER_DIRT_RATES.items()
        ]
    )
    extra = _draw_rejectable_orders(rng, plan, rng.permutation(kinds))
    extra["order"] = extra["order"] + len(headers)
    lines = pd.concat([clean, extra], ignore_index=True)
    # order ids follow time, as a shop system would hand them out
    order_keys = lines.groupby("order")[["seconds", "customer"]].first()
    chronological = order_keys.sort_values(
        ["seconds", "customer"], ascending=[False, True], kind="mergesort"
    ).index.to_numpy()
    number = np.empty(len(order_keys), dtype=int)
    number[chronological] = np.arange(1, len(order_keys) + 1)
    lines["order_number"] = number[lines["order"].to_numpy()]
    lines = _format_order_lines(rng, lines, customer_ids)
    is_clean = (lines["kind"] == "clean").to_numpy()
    lines = pd.concat(
        [
            _mess_up_categoricals(rng, lines[is_clean]),
            _corrupt_orders(rng, lines[~is_clean]),
        ]
    )
    clean_rows = lines[(lines["kind"] == "clean").to_numpy()]
    n_copies = dirt_count(len(clean_rows), _ORDER_DUPLICATE_RATE)
    copies = exact_copies(rng, clean_rows, min(n_copies, len(clean_rows)))
    lines = pd.concat([lines, copies], ignore_index=True)
    return sort_frame(lines, ["order_number", "line"], COLUMNS["raw_orders"])
