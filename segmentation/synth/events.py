"""``raw_events``: engagement events plus id-less, unparseable and duplicate rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.synth.plan import Plan
from segmentation.synth.profiles import (
    COLUMNS,
    EVENT_TYPES,
    SECONDS_PER_DAY,
    WINDOW_DAYS,
    segment_table,
)
from segmentation.synth.sampling import (
    as_probabilities,
    dirt_count,
    disjoint_positions,
    exact_copies,
    negative_binomial,
    pick_rows,
    seconds_before_extract,
    uniform_int,
)
from segmentation.synth.text import corrupt_timestamp, format_timestamps, sort_frame

_EVENT_DIRT_RATES = {"exact_duplicate": 0.01, "missing_id": 0.005, "unparseable": 0.003}


def _draw_events(rng: np.random.Generator, plan: Plan) -> pd.DataFrame:
    """Draw the planted engagement events (distinct rows).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : Plan
        Planted behaviour.

    Returns
    -------
    pandas.DataFrame
        ``customer``, ``seconds`` (before the extract) and ``event_type`` code.
    """
    segment = plan.segment
    active = rng.random(plan.size) < segment_table("event_probability")[segment]
    extra = negative_binomial(rng, segment_table("event_mean")[segment] - 1)
    counts = np.where(active, 1 + extra, 0)
    customer = np.repeat(np.arange(plan.size), counts)
    earliest = np.minimum(plan.first_order_days[customer] + 14, WINDOW_DAYS)
    latest = np.maximum(plan.recency_days[customer] - 30, 1)
    during = uniform_int(rng, np.minimum(latest, earliest), earliest)
    anytime = uniform_int(rng, np.ones_like(earliest), earliest)
    days = np.where(rng.random(len(customer)) < 0.75, during, anytime)
    seconds = seconds_before_extract(rng, days, np.zeros(len(customer), bool))
    event_type = pick_rows(
        rng, as_probabilities(segment_table("event_weights")[segment[customer]])
    )
    events = pd.DataFrame(
        {"customer": customer, "seconds": seconds, "event_type": event_type}
    )
    return events.drop_duplicates(ignore_index=True)


def _nudge_seconds(rng: np.random.Generator, seconds: np.ndarray) -> np.ndarray:
    """Move moments a few minutes earlier, staying inside the order window.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    seconds : numpy.ndarray
        Seconds before the extract.

    Returns
    -------
    numpy.ndarray
        Seconds before the extract, 1 to 600 more, at most the window length.
    """
    nudged = seconds + rng.integers(1, 601, size=len(seconds))
    return np.minimum(nudged, WINDOW_DAYS * SECONDS_PER_DAY)


def build_events(
    rng: np.random.Generator, plan: Plan, customer_ids: np.ndarray
) -> pd.DataFrame:
    """Build ``raw_events``: planted events plus dirty rows.

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
        The published table in time order.
    """
    events = _draw_events(rng, plan)
    events["customer_id"] = customer_ids[events["customer"].to_numpy()]
    events["occurred_at"] = format_timestamps(events["seconds"].to_numpy())
    events["event_type"] = np.array(EVENT_TYPES, dtype=object)[events["event_type"]]
    events["variant"] = 0
    n_events = len(events)
    missing_rows, bad_rows = disjoint_positions(
        rng,
        n_events,
        [
            dirt_count(n_events, _EVENT_DIRT_RATES["missing_id"]),
            dirt_count(n_events, _EVENT_DIRT_RATES["unparseable"]),
        ],
    )
    missing = events.iloc[missing_rows].copy()
    missing["customer_id"] = ""
    missing["seconds"] = _nudge_seconds(rng, missing["seconds"].to_numpy())
    missing["occurred_at"] = format_timestamps(missing["seconds"].to_numpy())
    bad = events.iloc[bad_rows].copy()
    bad["seconds"] = _nudge_seconds(rng, bad["seconds"].to_numpy())
    bad["occurred_at"] = [
        corrupt_timestamp(rng, text)
        for text in format_timestamps(bad["seconds"].to_numpy())
    ]
    n_copies = dirt_count(n_events, _EVENT_DIRT_RATES["exact_duplicate"])
    copies = exact_copies(rng, events, n_copies)
    copies["variant"] = 1
    table = pd.concat([events, missing, bad, copies], ignore_index=True)
    table["time_key"] = -table["seconds"]
    return sort_frame(
        table,
        ["time_key", "customer_id", "event_type", "variant"],
        COLUMNS["raw_events"],
    )
