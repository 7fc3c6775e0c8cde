"""What the sample holds: its dates, vocabularies, tables and planted segments.

Everything here is a fixed fact of the sample, shared by the modules that draw the
tables and by the large-data generator (:mod:`segmentation.bigdata`), which builds
its customers from the same :data:`SEGMENTS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EXTRACT_DATE = "2026-07-01"
"""Day the extract was taken; every valid order and event is strictly before it."""

WINDOW_START = "2023-07-01"
"""First day of the order history."""


EXTRACT_DAY = np.datetime64(EXTRACT_DATE, "D")
""":data:`EXTRACT_DATE` as a ``numpy.datetime64`` day."""

EXTRACT_SECOND = EXTRACT_DAY.astype("datetime64[s]")
""":data:`EXTRACT_DATE` at midnight, as a ``numpy.datetime64`` second."""

WINDOW_DAYS = int((EXTRACT_DAY - np.datetime64(WINDOW_START, "D")).astype(int))
"""Days from :data:`WINDOW_START` to :data:`EXTRACT_DATE` (the order history)."""

SECONDS_PER_DAY = 86_400

CATEGORIES = ("electronics", "fashion", "home", "beauty", "grocery", "sports")
CHANNELS = ("web", "app", "store")
STATUSES = ("completed", "returned", "cancelled")
EVENT_TYPES = ("page_view", "email_open", "email_click", "add_to_cart", "app_session")
INTERESTS = (
    "sustainability",
    "technology",
    "fashion",
    "fitness",
    "home_decor",
    "cooking",
)
PRICE_SENSITIVITIES = ("low", "medium", "high")
CONTACT_PREFERENCES = ("email", "sms", "none")
GENDERS = ("female", "male", "non_binary")
OCCUPATIONS = (
    "professional",
    "manager",
    "technician",
    "sales",
    "service",
    "self_employed",
    "student",
    "retired",
)
EDUCATIONS = ("high_school", "bachelor", "master", "doctorate", "other")
MARITAL_STATUSES = ("single", "married", "divorced", "widowed")

COLUMNS: dict[str, tuple[str, ...]] = {
    "raw_orders": (
        "order_id",
        "customer_id",
        "ordered_at",
        "amount",
        "quantity",
        "product_category",
        "channel",
        "status",
    ),
    "raw_customers": (
        "customer_id",
        "name",
        "email",
        "phone",
        "street_address",
        "birth_date",
        "gender",
        "income",
        "occupation",
        "education",
        "marital_status",
        "country",
        "region",
        "city",
        "signed_up_at",
    ),
    "raw_events": ("customer_id", "occurred_at", "event_type"),
    "raw_survey_responses": ("customer_id", "attribute", "value"),
    "sample_true_segments": ("customer_id", "true_segment"),
}
"""Exact column order of every generated table (also the CSV header)."""

# Exact spellings of the dirty values (the staging models must handle every one).
MISSING_CUSTOMER_IDS = ("", "unknown", "NULL")
BAD_AMOUNTS = ("N/A", "12,34.5", "abc", "1.2.3")
BAD_TIMESTAMP_TEMPLATES = (
    "not a date",
    "{year}-13-45",
    "31/02/{year}",
    "{year}-02-30 {time}",
)
FUTURE_YEARS = (2031, 2099)
BAD_BIRTH_DATE_TEMPLATES = (
    "{year}-02-30",
    "{year}-02-31",
    "{year}-04-31",
    "{year}-13-01",
)

# Relative price level and mean extra units of a line, by category.
CATEGORY_PRICE = (1.6, 0.9, 1.2, 0.6, 0.35, 1.0)
CATEGORY_EXTRA_UNITS = (0.1, 0.4, 0.3, 0.6, 1.5, 0.3)


@dataclass(frozen=True)
class SegmentProfile:
    """Behaviour of one planted segment.

    Day counts are measured back from :data:`EXTRACT_DATE` (1 = the day before).

    Attributes
    ----------
    name : str
        Segment label written to ``sample_true_segments``.
    share : float
        Share of generated customers.
    orders_min, orders_max : int
        Bounds on the number of orders per customer.
    orders_extra_mean : float
        Mean of the negative-binomial number of orders above ``orders_min``.
    recency_days : tuple of int
        Inclusive range of days between the last order and the extract date.
    span_days : tuple of int
        Inclusive range of days between the first and the last order.
    first_order_max_days : int
        Cap on the days between the first order and the extract date.
    unit_price : float
        Median unit price before the category price level.
    category_weights, channel_weights : tuple of float
        Segment-level purchase mix over :data:`CATEGORIES` and :data:`CHANNELS`.
    cancel_rate, return_rate : float
        Probability that an order is cancelled or returned.
    event_probability, event_mean : float
        Probability of having any events and the mean event count when having some.
    event_weights : tuple of float
        Mix over :data:`EVENT_TYPES`.
    survey_probability : float
        Probability of having answered the survey.
    interest_weights, price_sensitivity_weights : tuple of float
        Survey answer mixes over :data:`INTERESTS` and :data:`PRICE_SENSITIVITIES`.
    age_mean, income_median : float
        Mild demographic tilt of the segment.
    """

    name: str
    share: float
    orders_min: int
    orders_extra_mean: float
    orders_max: int
    recency_days: tuple[int, int]
    span_days: tuple[int, int]
    first_order_max_days: int
    unit_price: float
    category_weights: tuple[float, ...]
    channel_weights: tuple[float, ...]
    cancel_rate: float
    return_rate: float
    event_probability: float
    event_mean: float
    event_weights: tuple[float, ...]
    survey_probability: float
    interest_weights: tuple[float, ...]
    price_sensitivity_weights: tuple[float, ...]
    age_mean: float
    income_median: float

    @property
    def mean_orders(self) -> float:
        """Typical number of orders of a customer of the segment.

        ``orders_min + orders_extra_mean``, at most ``orders_max``: the segment's
        purchase frequency relative to the others (the large-data generator scales
        its order lines by it).

        Examples
        --------
        >>> [profile.mean_orders for profile in SEGMENTS[:3]]
        [25.0, 14.0, 2.8]
        """
        return min(self.orders_min + self.orders_extra_mean, self.orders_max)


SEGMENTS: tuple[SegmentProfile, ...] = (
    SegmentProfile(
        name="champions",
        share=0.10,
        orders_min=14,
        orders_extra_mean=11.0,
        orders_max=60,
        recency_days=(1, 30),
        span_days=(850, 1090),
        first_order_max_days=WINDOW_DAYS,
        unit_price=85.0,
        category_weights=(0.35, 0.12, 0.08, 0.04, 0.02, 0.39),
        channel_weights=(0.40, 0.50, 0.10),
        cancel_rate=0.02,
        return_rate=0.03,
        event_probability=0.97,
        event_mean=20.0,
        event_weights=(0.35, 0.15, 0.10, 0.25, 0.15),
        survey_probability=0.45,
        interest_weights=(0.15, 0.25, 0.25, 0.15, 0.10, 0.10),
        price_sensitivity_weights=(0.55, 0.35, 0.10),
        age_mean=42.0,
        income_median=82_000.0,
    ),
    SegmentProfile(
        name="loyal",
        share=0.20,
        orders_min=9,
        orders_extra_mean=5.0,
        orders_max=30,
        recency_days=(1, 60),
        span_days=(450, 950),
        first_order_max_days=WINDOW_DAYS,
        unit_price=36.0,
        category_weights=(0.05, 0.45, 0.35, 0.08, 0.03, 0.04),
        channel_weights=(0.75, 0.12, 0.13),
        cancel_rate=0.02,
        return_rate=0.03,
        event_probability=0.95,
        event_mean=14.0,
        event_weights=(0.25, 0.40, 0.20, 0.10, 0.05),
        survey_probability=0.35,
        interest_weights=(0.20, 0.10, 0.25, 0.15, 0.20, 0.10),
        price_sensitivity_weights=(0.30, 0.50, 0.20),
        age_mean=46.0,
        income_median=64_000.0,
    ),
    SegmentProfile(
        name="new",
        share=0.15,
        orders_min=1,
        orders_extra_mean=1.8,
        orders_max=3,
        recency_days=(1, 75),
        span_days=(0, 60),
        first_order_max_days=90,
        unit_price=36.0,
        category_weights=(0.04, 0.78, 0.04, 0.08, 0.03, 0.03),
        channel_weights=(0.85, 0.12, 0.03),
        cancel_rate=0.01,
        return_rate=0.01,
        event_probability=0.70,
        event_mean=9.0,
        event_weights=(0.55, 0.10, 0.05, 0.25, 0.05),
        survey_probability=0.25,
        interest_weights=(0.20, 0.20, 0.20, 0.20, 0.10, 0.10),
        price_sensitivity_weights=(0.25, 0.50, 0.25),
        age_mean=31.0,
        income_median=50_000.0,
    ),
    SegmentProfile(
        name="at_risk",
        share=0.20,
        orders_min=6,
        orders_extra_mean=4.0,
        orders_max=25,
        recency_days=(250, 450),
        span_days=(350, 750),
        first_order_max_days=WINDOW_DAYS,
        unit_price=36.0,
        category_weights=(0.08, 0.25, 0.15, 0.37, 0.05, 0.10),
        channel_weights=(0.40, 0.15, 0.45),
        cancel_rate=0.02,
        return_rate=0.12,
        event_probability=0.25,
        event_mean=6.0,
        event_weights=(0.15, 0.70, 0.05, 0.05, 0.05),
        survey_probability=0.25,
        interest_weights=(0.20, 0.15, 0.20, 0.15, 0.15, 0.15),
        price_sensitivity_weights=(0.25, 0.50, 0.25),
        age_mean=44.0,
        income_median=60_000.0,
    ),
    SegmentProfile(
        name="hibernating_big_spenders",
        share=0.15,
        orders_min=2,
        orders_extra_mean=0.9,
        orders_max=4,
        recency_days=(550, 900),
        span_days=(90, 300),
        first_order_max_days=WINDOW_DAYS,
        unit_price=210.0,
        category_weights=(0.50, 0.03, 0.40, 0.02, 0.01, 0.04),
        channel_weights=(0.10, 0.05, 0.85),
        cancel_rate=0.01,
        return_rate=0.02,
        event_probability=0.15,
        event_mean=3.0,
        event_weights=(0.10, 0.80, 0.05, 0.03, 0.02),
        survey_probability=0.20,
        interest_weights=(0.10, 0.35, 0.05, 0.10, 0.35, 0.05),
        price_sensitivity_weights=(0.60, 0.30, 0.10),
        age_mean=52.0,
        income_median=95_000.0,
    ),
    SegmentProfile(
        name="bargain_hunters",
        share=0.20,
        orders_min=8,
        orders_extra_mean=5.5,
        orders_max=30,
        recency_days=(1, 90),
        span_days=(200, 500),
        first_order_max_days=WINDOW_DAYS,
        unit_price=12.0,
        category_weights=(0.03, 0.08, 0.04, 0.32, 0.50, 0.03),
        channel_weights=(0.15, 0.78, 0.07),
        cancel_rate=0.06,
        return_rate=0.02,
        event_probability=0.95,
        event_mean=18.0,
        event_weights=(0.10, 0.15, 0.05, 0.15, 0.55),
        survey_probability=0.35,
        interest_weights=(0.15, 0.05, 0.25, 0.10, 0.05, 0.40),
        price_sensitivity_weights=(0.05, 0.25, 0.70),
        age_mean=36.0,
        income_median=42_000.0,
    ),
)
"""The six planted segments, in label order."""

SEGMENT_NAMES = tuple(profile.name for profile in SEGMENTS)
"""Labels of :data:`SEGMENTS`, in order."""


def segment_counts(n_customers: int) -> np.ndarray:
    """Split customers over segments by their shares (largest remainder).

    Parameters
    ----------
    n_customers : int
        Number of customers.

    Returns
    -------
    numpy.ndarray
        Customers per segment, summing to ``n_customers``.
    """
    exact = n_customers * np.array([segment.share for segment in SEGMENTS])
    counts = np.floor(exact).astype(int)
    remainder_order = np.argsort(-(exact - counts), kind="stable")
    counts[remainder_order[: n_customers - counts.sum()]] += 1
    return counts


def segment_table(field: str) -> np.ndarray:
    """Stack one :class:`SegmentProfile` field over the segments.

    Parameters
    ----------
    field : str
        Attribute name.

    Returns
    -------
    numpy.ndarray
        One row (or value) per segment, float.
    """
    return np.array([getattr(segment, field) for segment in SEGMENTS], dtype=float)
