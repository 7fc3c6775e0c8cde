"""Every customer's planted behaviour, drawn from the segment profiles.

The plan fixes each customer's segment, number of orders, first and last order and
purchase mix; the tables are then drawn from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from segmentation.synth.profiles import SEGMENTS, segment_counts, segment_table
from segmentation.synth.sampling import dirichlet_rows, negative_binomial, uniform_int


@dataclass(frozen=True)
class Plan:
    """Planted behaviour of every customer (arrays indexed by customer number - 1)."""

    segment: np.ndarray
    n_orders: np.ndarray
    recency_days: np.ndarray
    first_order_days: np.ndarray
    category_probabilities: np.ndarray
    channel_probabilities: np.ndarray
    spend_level: np.ndarray

    @property
    def size(self) -> int:
        """Number of customers."""
        return len(self.segment)


def _draw_order_counts(rng: np.random.Generator, segment: np.ndarray) -> np.ndarray:
    """Draw the number of orders of each customer (negative binomial above a floor).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    segment : numpy.ndarray
        Segment index of each customer.

    Returns
    -------
    numpy.ndarray
        Orders per customer, within the segment bounds.
    """
    extra = negative_binomial(rng, segment_table("orders_extra_mean")[segment])
    low = segment_table("orders_min")[segment].astype(int)
    high = segment_table("orders_max")[segment].astype(int)
    return np.clip(low + extra, low, high)


def draw_plan(rng: np.random.Generator, n_customers: int) -> Plan:
    """Assign segments and draw every customer's planted behaviour.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n_customers : int
        Number of customers.

    Returns
    -------
    Plan
        Planted behaviour; customer ``i`` gets id number ``i + 1``.
    """
    segment = rng.permutation(
        np.repeat(np.arange(len(SEGMENTS)), segment_counts(n_customers))
    )
    n_orders = _draw_order_counts(rng, segment)
    recency_range = segment_table("recency_days")[segment].astype(int)
    span_range = segment_table("span_days")[segment].astype(int)
    first_cap = segment_table("first_order_max_days")[segment].astype(int)
    recency = uniform_int(
        rng, recency_range[:, 0], np.minimum(recency_range[:, 1], first_cap)
    )
    span = uniform_int(rng, span_range[:, 0], span_range[:, 1])
    first = np.minimum(recency + np.where(n_orders > 1, span, 0), first_cap)
    if n_customers:
        # the latest valid order is on the last day of the window: as_of = extract date
        latest = int(np.argmin(recency))
        first[latest] += 1 - recency[latest]
        recency[latest] = 1
    categories = dirichlet_rows(rng, segment_table("category_weights")[segment], 25.0)
    channels = dirichlet_rows(rng, segment_table("channel_weights")[segment], 15.0)
    spend_level = rng.lognormal(0.0, 0.15, size=n_customers)
    return Plan(segment, n_orders, recency, first, categories, channels, spend_level)
