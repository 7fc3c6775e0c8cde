"""Deterministic generator of the bundled, deliberately dirty retail sample.

The sample is a fictional retailer's extract taken on 2026-07-01: three years of order
lines (2023-07-01 to 2026-06-30), customer records, engagement events and survey
answers. Every customer is generated from one of six planted behavioural segments
(``sample_true_segments``) so that the project can measure how well its segments
recover a known truth. Dirty rows are mixed in on purpose so that staging has real work
to do; each one is a single, identifiable corruption of a plausible row.

The output is byte-identical for a given ``random_state`` and ``n_customers``: only
``numpy.random.default_rng`` is used, every value is formatted as text here, columns
have a fixed order and rows a deterministic sort.

Examples
--------
Write the committed seeds::

    python -m segmentation.synth --out seeds
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "BAD_AMOUNTS",
    "BAD_BIRTH_DATE_TEMPLATES",
    "BAD_TIMESTAMP_TEMPLATES",
    "CATEGORIES",
    "CHANNELS",
    "COLUMNS",
    "CONTACT_PREFERENCES",
    "EDUCATIONS",
    "EVENT_TYPES",
    "EXTRACT_DATE",
    "FUTURE_YEARS",
    "GENDERS",
    "INTERESTS",
    "MARITAL_STATUSES",
    "MISSING_CUSTOMER_IDS",
    "OCCUPATIONS",
    "PRICE_SENSITIVITIES",
    "SEGMENTS",
    "SEGMENT_NAMES",
    "STATUSES",
    "WINDOW_START",
    "SegmentProfile",
    "generate_sample",
    "main",
    "write_sample",
]

EXTRACT_DATE = "2026-07-01"
"""Day the extract was taken; every valid order and event is strictly before it."""

WINDOW_START = "2023-07-01"
"""First day of the order history."""

_EXTRACT_DAY = np.datetime64(EXTRACT_DATE, "D")
_EXTRACT_SECOND = _EXTRACT_DAY.astype("datetime64[s]")
_WINDOW_DAYS = int((_EXTRACT_DAY - np.datetime64(WINDOW_START, "D")).astype(int))
_SECONDS_PER_DAY = 86_400
_DAYS_PER_YEAR = 365.2425

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
_VARIANT_TEMPLATES = ("{t}", "{u}", " {v} ", "{v} ", " {v}", " {t} ", "{t} ", "{u} ")

# Relative price level and mean extra units of a line, by category.
_CATEGORY_PRICE = np.array([1.6, 0.9, 1.2, 0.6, 0.35, 1.0])
_CATEGORY_EXTRA_UNITS = np.array([0.1, 0.4, 0.3, 0.6, 1.5, 0.3])
# Hour-of-day weights of online orders and events (store orders: opening hours).
_ONLINE_HOUR_WEIGHTS = np.array(
    [2, 1, 1, 1, 1, 1, 2, 4, 6, 7, 8, 9, 10, 9, 8, 8, 8, 9, 11, 13, 14, 13, 9, 5],
    dtype=float,
)
_STORE_HOURS = (9, 20)


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


SEGMENTS: tuple[SegmentProfile, ...] = (
    SegmentProfile(
        name="champions",
        share=0.10,
        orders_min=14,
        orders_extra_mean=11.0,
        orders_max=60,
        recency_days=(1, 30),
        span_days=(850, 1090),
        first_order_max_days=_WINDOW_DAYS,
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
        first_order_max_days=_WINDOW_DAYS,
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
        first_order_max_days=_WINDOW_DAYS,
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
        first_order_max_days=_WINDOW_DAYS,
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
        first_order_max_days=_WINDOW_DAYS,
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

# --- fake identities ---

_FIRST_NAMES = {
    ("en", "female"): (
        "Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia",
        "Harper", "Evelyn", "Abigail", "Emily", "Ella", "Grace", "Chloe", "Lily",
        "Hannah", "Sarah", "Jessica", "Laura", "Megan", "Rachel", "Zoe", "Lucy",
    ),
    ("en", "male"): (
        "Liam", "Noah", "Oliver", "James", "William", "Benjamin", "Lucas", "Henry",
        "Alexander", "Daniel", "Michael", "Ethan", "Jacob", "Samuel", "David", "Joseph",
        "Thomas", "Matthew", "Ryan", "Jack", "Harry", "George", "Oscar", "Adam",
    ),
    ("de", "female"): (
        "Anna", "Lena", "Leonie", "Sophie", "Marie", "Hannah", "Lea", "Julia",
        "Katharina", "Jana", "Sabine", "Petra", "Ursula", "Greta", "Mareike", "Birgit",
    ),
    ("de", "male"): (
        "Lukas", "Jonas", "Leon", "Finn", "Felix", "Paul", "Maximilian", "Tobias",
        "Jan", "Stefan", "Jürgen", "Matthias", "Andreas", "Florian", "Sebastian", "Uwe",
    ),
}  # fmt: skip
_LAST_NAMES = {
    "en": (
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Wilson", "Taylor", "Anderson", "Thomas", "Moore", "Martin", "Jackson",
        "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young",
        "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson",
        "Carter", "Mitchell", "Roberts", "Turner", "Campbell", "Evans", "Edwards",
        "Collins", "Stewart", "Murphy", "Cooper", "Patel", "Nguyen", "O'Brien",
        "MacDonald", "Tremblay", "Gagnon", "Roy",
    ),
    "de": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
        "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein",
        "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
        "Hartmann", "Lange", "Yılmaz",
    ),
}  # fmt: skip
_STREETS = {
    "en": (
        "Oak", "Maple", "Cedar", "Elm", "Pine", "Park", "Lake", "Hill", "Church",
        "Mill", "Station", "Victoria", "King", "Queen", "High", "Main", "Lincoln",
        "Sunset", "River", "Meadow",
    ),
    "de": (
        "Haupt", "Bahnhof", "Garten", "Schul", "Berg", "Kirch", "Linden", "Wald",
        "Rosen", "Mühlen", "Birken", "Goethe", "Schiller", "Dorf",
    ),
}  # fmt: skip
_STREET_SUFFIXES = {
    "en": ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Way"),
    "de": ("straße", "weg", "allee", "gasse"),
}
_EMAIL_DOMAINS = (
    "example.com",
    "example.net",
    "example.org",
    "mail.test",
    "inbox.test",
)
_STALE_EMAIL_DOMAINS = ("oldmail.test", "legacy.example")
_ASCII_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "ı": "i", "'": "", " ": ""}
)


@dataclass(frozen=True)
class _Country:
    name: str
    language: str
    weight: float
    regions: tuple[tuple[str, tuple[str, ...]], ...]
    phone_prefix: str
    area_codes: tuple[str, ...]


_COUNTRIES = (
    _Country(
        "United States",
        "en",
        0.45,
        (
            ("California", ("Los Angeles", "San Francisco", "San Diego")),
            ("Texas", ("Houston", "Austin", "Dallas")),
            ("New York", ("New York City", "Buffalo", "Albany")),
            ("Illinois", ("Chicago", "Springfield", "Naperville")),
        ),
        "+1",
        ("212", "213", "312", "415", "512", "619", "713", "716"),
    ),
    _Country(
        "United Kingdom",
        "en",
        0.20,
        (
            ("England", ("London", "Manchester", "Bristol")),
            ("Scotland", ("Edinburgh", "Glasgow", "Aberdeen")),
            ("Wales", ("Cardiff", "Swansea")),
            ("Northern Ireland", ("Belfast", "Derry")),
        ),
        "+44",
        ("7700",),
    ),
    _Country(
        "Germany",
        "de",
        0.20,
        (
            ("Bavaria", ("München", "Nürnberg", "Augsburg")),
            ("North Rhine-Westphalia", ("Köln", "Düsseldorf", "Dortmund")),
            ("Hesse", ("Frankfurt am Main", "Wiesbaden")),
            ("Baden-Württemberg", ("Stuttgart", "Karlsruhe", "Freiburg")),
        ),
        "+49",
        ("151", "160", "170", "176"),
    ),
    _Country(
        "Canada",
        "en",
        0.15,
        (
            ("Ontario", ("Toronto", "Ottawa", "Hamilton")),
            ("Quebec", ("Montréal", "Québec City", "Laval")),
            ("British Columbia", ("Vancouver", "Victoria", "Kelowna")),
            ("Alberta", ("Calgary", "Edmonton")),
        ),
        "+1",
        ("416", "613", "514", "604", "403", "780"),
    ),
)
_CITY_WEIGHTS = (0.5, 0.3, 0.2)


# --- small sampling helpers ---


def _probabilities(weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Normalise non-negative weights along the last axis.

    Parameters
    ----------
    weights : array_like
        Weights, one row per draw or a single row.

    Returns
    -------
    numpy.ndarray
        Float array of the same shape whose last axis sums to one.
    """
    array = np.asarray(weights, dtype=float)
    return array / array.sum(axis=-1, keepdims=True)


def _pick_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """Draw one category index per row of a probability matrix.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    probabilities : numpy.ndarray
        ``(n, k)`` matrix whose rows sum to one.

    Returns
    -------
    numpy.ndarray
        ``n`` integer indices in ``[0, k)``.
    """
    n_rows, n_cols = probabilities.shape
    cumulative = np.cumsum(probabilities, axis=1)
    draws = rng.random(n_rows)[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), n_cols - 1)


def _pick(rng: np.random.Generator, weights: Sequence[float], size: int) -> np.ndarray:
    """Draw ``size`` indices from one weight vector.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    weights : sequence of float
        Non-negative weights.
    size : int
        Number of draws.

    Returns
    -------
    numpy.ndarray
        Integer indices into ``weights``.
    """
    return rng.choice(len(weights), size=size, p=_probabilities(weights))


def _rank_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """Order the columns of each row as a draw without replacement.

    Uses the Gumbel top-k trick: taking the first ``j`` columns of a row gives ``j``
    distinct categories drawn with the row's probabilities.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    probabilities : numpy.ndarray
        ``(n, k)`` matrix of positive probabilities.

    Returns
    -------
    numpy.ndarray
        ``(n, k)`` column indices, most likely first.
    """
    scores = np.log(probabilities) + rng.gumbel(size=probabilities.shape)
    return np.argsort(-scores, axis=1, kind="stable")


def _dirichlet_rows(
    rng: np.random.Generator, means: np.ndarray, concentration: float
) -> np.ndarray:
    """Draw one probability vector per row around the given means.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    means : numpy.ndarray
        ``(n, k)`` matrix of mean probabilities (rows sum to one).
    concentration : float
        Dirichlet concentration; larger values stay closer to the means.

    Returns
    -------
    numpy.ndarray
        ``(n, k)`` matrix of probabilities, each strictly positive.
    """
    draws = rng.gamma(means * concentration)
    draws = np.maximum(draws, 1e-9)
    return draws / draws.sum(axis=1, keepdims=True)


def _uniform_int(
    rng: np.random.Generator, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """Draw one integer per element, uniform on the inclusive range ``[low, high]``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    low, high : numpy.ndarray
        Inclusive bounds, ``low <= high``.

    Returns
    -------
    numpy.ndarray
        Integer draws.
    """
    return rng.integers(low, high + 1)


def _dirt_count(n_rows: int, rate: float) -> int:
    """Number of dirty rows of one kind: the rate applied, at least one row.

    Parameters
    ----------
    n_rows : int
        Size of the clean table.
    rate : float
        Target share of dirty rows.

    Returns
    -------
    int
        ``round(n_rows * rate)``, at least 1 when ``n_rows > 0``.
    """
    return max(int(round(n_rows * rate)), 1) if n_rows > 0 else 0


def _segment_counts(n_customers: int) -> np.ndarray:
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


def _segment_table(field: str) -> np.ndarray:
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


# --- formatting helpers ---


def _format_timestamps(seconds: np.ndarray) -> np.ndarray:
    """Format seconds before the extract as ``YYYY-MM-DD HH:MM:SS``.

    Parameters
    ----------
    seconds : numpy.ndarray
        Integer seconds between the moment and the extract date (positive = before).

    Returns
    -------
    numpy.ndarray
        Object array of strings.
    """
    moments = _EXTRACT_SECOND - seconds.astype("timedelta64[s]")
    text = np.datetime_as_string(moments, unit="s")
    return np.char.replace(text, "T", " ").astype(object)


def _format_dates(days: np.ndarray) -> np.ndarray:
    """Format whole days before the extract as ``YYYY-MM-DD``.

    Parameters
    ----------
    days : numpy.ndarray
        Integer days before the extract date.

    Returns
    -------
    numpy.ndarray
        Object array of strings.
    """
    moments = _EXTRACT_DAY - days.astype("timedelta64[D]")
    return np.datetime_as_string(moments, unit="D").astype(object)


def _format_amounts(amounts: np.ndarray) -> np.ndarray:
    """Format amounts with two decimals.

    Parameters
    ----------
    amounts : numpy.ndarray
        Float amounts.

    Returns
    -------
    numpy.ndarray
        Object array of strings such as ``"123.45"``.
    """
    return np.array([f"{value:.2f}" for value in amounts], dtype=object)


def _format_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Format integer identifiers with a prefix and zero padding.

    Parameters
    ----------
    prefix : str
        Letter prefix, e.g. ``"C"``.
    numbers : numpy.ndarray
        Positive integers.
    width : int
        Minimum number of digits.

    Returns
    -------
    numpy.ndarray
        Object array such as ``"C00042"``.
    """
    return np.array([f"{prefix}{number:0{width}d}" for number in numbers], dtype=object)


def _messy_variant(value: str, template: str) -> str:
    """Spell a canonical value with stray case or whitespace.

    Parameters
    ----------
    value : str
        Canonical lower-case value.
    template : str
        One of the variant templates (``{v}`` as is, ``{t}`` title, ``{u}`` upper).

    Returns
    -------
    str
        The messy spelling; it normalises back with ``lower(trim(...))``.
    """
    return template.format(v=value, t=value.title(), u=value.upper())


def _messy_values(
    rng: np.random.Generator, values: np.ndarray, canonical: Sequence[str]
) -> np.ndarray:
    """Replace canonical codes by messy case/whitespace spellings.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    values : numpy.ndarray
        Integer codes into ``canonical``.
    canonical : sequence of str
        Canonical spellings.

    Returns
    -------
    numpy.ndarray
        Object array of messy strings (never equal to the canonical spelling).
    """
    templates = _pick(rng, [1.0] * len(_VARIANT_TEMPLATES), len(values))
    return np.array(
        [
            _messy_variant(canonical[code], _VARIANT_TEMPLATES[template])
            for code, template in zip(values, templates, strict=True)
        ],
        dtype=object,
    )


def _seconds_of_day(rng: np.random.Generator, in_store: np.ndarray) -> np.ndarray:
    """Draw a time of day: opening hours in store, evening-heavy online.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    in_store : numpy.ndarray
        Boolean mask of store transactions.

    Returns
    -------
    numpy.ndarray
        Seconds since midnight.
    """
    online_hour = _pick(rng, _ONLINE_HOUR_WEIGHTS, len(in_store))
    store_hour = rng.integers(_STORE_HOURS[0], _STORE_HOURS[1], size=len(in_store))
    hour = np.where(in_store, store_hour, online_hour)
    return hour * 3600 + rng.integers(0, 3600, size=len(in_store))


def _sort_frame(
    frame: pd.DataFrame, keys: list[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Sort by hidden keys (stable) and keep only the published columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table with the keys and the published columns.
    keys : list of str
        Sort keys, most significant first.
    columns : sequence of str
        Published columns, in order.

    Returns
    -------
    pandas.DataFrame
        Text columns only, fresh ``RangeIndex``.
    """
    ordered = frame.sort_values(keys, kind="mergesort").reset_index(drop=True)
    return ordered.loc[:, list(columns)].astype(str)


# --- customers' planted behaviour ---


@dataclass(frozen=True)
class _Plan:
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
    dispersion = 6.0
    mean = _segment_table("orders_extra_mean")[segment]
    extra = rng.negative_binomial(dispersion, dispersion / (dispersion + mean))
    low = _segment_table("orders_min")[segment].astype(int)
    high = _segment_table("orders_max")[segment].astype(int)
    return np.clip(low + extra, low, high)


def _draw_plan(rng: np.random.Generator, n_customers: int) -> _Plan:
    """Assign segments and draw every customer's planted behaviour.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n_customers : int
        Number of customers.

    Returns
    -------
    _Plan
        Planted behaviour; customer ``i`` gets id number ``i + 1``.
    """
    segment = rng.permutation(
        np.repeat(np.arange(len(SEGMENTS)), _segment_counts(n_customers))
    )
    n_orders = _draw_order_counts(rng, segment)
    recency_range = _segment_table("recency_days")[segment].astype(int)
    span_range = _segment_table("span_days")[segment].astype(int)
    first_cap = _segment_table("first_order_max_days")[segment].astype(int)
    recency = _uniform_int(
        rng, recency_range[:, 0], np.minimum(recency_range[:, 1], first_cap)
    )
    span = _uniform_int(rng, span_range[:, 0], span_range[:, 1])
    first = np.minimum(recency + np.where(n_orders > 1, span, 0), first_cap)
    if n_customers:
        # the latest valid order is on the last day of the window: as_of = extract date
        latest = int(np.argmin(recency))
        first[latest] += 1 - recency[latest]
        recency[latest] = 1
    categories = _dirichlet_rows(rng, _segment_table("category_weights")[segment], 25.0)
    channels = _dirichlet_rows(rng, _segment_table("channel_weights")[segment], 15.0)
    spend_level = rng.lognormal(0.0, 0.15, size=n_customers)
    return _Plan(segment, n_orders, recency, first, categories, channels, spend_level)


# --- orders ---


def _draw_order_headers(rng: np.random.Generator, plan: _Plan) -> pd.DataFrame:
    """Draw the planted orders: customer, moment, channel and status.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : _Plan
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
    channel = _pick_rows(rng, plan.channel_probabilities[customer])
    seconds = days * _SECONDS_PER_DAY - _seconds_of_day(
        rng, channel == CHANNELS.index("store")
    )
    segment = plan.segment[customer]
    cancel = _segment_table("cancel_rate")[segment]
    returned = _segment_table("return_rate")[segment]
    draw = rng.random(len(customer))
    status = np.where(draw < cancel, 2, np.where(draw < cancel + returned, 1, 0))
    status = np.where(is_last, 0, status)  # every customer keeps a completed last order
    return pd.DataFrame(
        {"customer": customer, "seconds": seconds, "channel": channel, "status": status}
    )


def _draw_lines(
    rng: np.random.Generator,
    plan: _Plan,
    headers: pd.DataFrame,
    multi_line_share: float,
) -> pd.DataFrame:
    """Expand orders into lines with distinct categories, quantities and amounts.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : _Plan
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
    ranked = _rank_rows(rng, plan.category_probabilities[customer])
    order = np.repeat(np.arange(n_orders), n_lines)
    line = np.arange(len(order)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    category = ranked[order, line]
    quantity = 1 + rng.poisson(_CATEGORY_EXTRA_UNITS[category])
    line_customer = customer[order]
    unit_price = (
        _segment_table("unit_price")[plan.segment[line_customer]]
        * plan.spend_level[line_customer]
        * _CATEGORY_PRICE[category]
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
    rng: np.random.Generator, plan: _Plan, kinds: np.ndarray
) -> pd.DataFrame:
    """Draw extra one-line orders that will each carry one rejectable corruption.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : _Plan
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
    days = _uniform_int(
        rng, plan.recency_days[customer], plan.first_order_days[customer]
    )
    channel = _pick_rows(rng, plan.channel_probabilities[customer])
    seconds = days * _SECONDS_PER_DAY - _seconds_of_day(
        rng, channel == CHANNELS.index("store")
    )
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


def _corrupt_timestamp(rng: np.random.Generator, text: str) -> str:
    """Turn a timestamp into one of the unparseable spellings.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    text : str
        A valid ``YYYY-MM-DD[ HH:MM:SS]`` value.

    Returns
    -------
    str
        An unparseable value from :data:`BAD_TIMESTAMP_TEMPLATES`.
    """
    template = BAD_TIMESTAMP_TEMPLATES[int(rng.integers(len(BAD_TIMESTAMP_TEMPLATES)))]
    time = text[11:] if len(text) > 10 else "12:00:00"
    return template.format(year=text[:4], time=time)


def _future_timestamp(rng: np.random.Generator, text: str) -> str:
    """Move a timestamp to a far-future year (a typo-like, parseable value).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    text : str
        A valid ``YYYY-MM-DD[ HH:MM:SS]`` value.

    Returns
    -------
    str
        The same value in one of :data:`FUTURE_YEARS` (29 February becomes the 28th).
    """
    year = FUTURE_YEARS[int(rng.integers(len(FUTURE_YEARS)))]
    rest = text[4:].replace("-02-29", "-02-28")
    return f"{year}{rest}"


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
            out.at[row, "ordered_at"] = _corrupt_timestamp(
                rng, out.at[row, "ordered_at"]
            )
        elif kind == "future_ordered_at":
            out.at[row, "ordered_at"] = _future_timestamp(
                rng, out.at[row, "ordered_at"]
            )
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
    out.loc[line_mask, "product_category"] = _messy_values(
        rng, out.loc[line_mask, "category"].to_numpy(), CATEGORIES
    )
    n_orders = int(out["order"].max()) + 1 if len(out) else 0
    for column, code, canonical in (
        ("channel", "channel_code", CHANNELS),
        ("status", "status_code", STATUSES),
    ):
        order_mask = rng.random(n_orders) < 0.015
        messy_orders = np.flatnonzero(order_mask)
        messy_text = _messy_values(
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
    out["order_id"] = _format_ids("O", out["order_number"].to_numpy(), 7)
    out["customer_id"] = customer_ids[out["customer"].to_numpy()]
    stamp = _format_timestamps(out["seconds"].to_numpy())
    date_only = rng.random(int(out["order_number"].max()) + 1 if len(out) else 0) < 0.10
    as_date = date_only[out["order_number"].to_numpy()]
    out["ordered_at"] = np.where(as_date, [text[:10] for text in stamp], stamp)
    out["amount"] = _format_amounts(out["amount"].to_numpy())
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


def _build_orders(
    rng: np.random.Generator, plan: _Plan, customer_ids: np.ndarray
) -> pd.DataFrame:
    """Build ``raw_orders``: planted order lines plus dirty rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : _Plan
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
            np.full(_dirt_count(len(clean), rate), kind, dtype=object)
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
    clean_rows = np.flatnonzero((lines["kind"] == "clean").to_numpy())
    copies = rng.choice(
        clean_rows,
        size=min(_dirt_count(len(clean_rows), _ORDER_DUPLICATE_RATE), len(clean_rows)),
        replace=False,
    )
    lines = pd.concat([lines, lines.iloc[np.sort(copies)]], ignore_index=True)
    return _sort_frame(lines, ["order_number", "line"], COLUMNS["raw_orders"])


# --- customers ---

_GENDER_WEIGHTS = (0.49, 0.48, 0.03)
_OCCUPATION_WEIGHTS = {
    "young": (0.05, 0.0, 0.10, 0.10, 0.15, 0.05, 0.55, 0.0),
    "working": (0.28, 0.15, 0.15, 0.12, 0.15, 0.10, 0.02, 0.03),
    "senior": (0.05, 0.05, 0.0, 0.0, 0.0, 0.05, 0.0, 0.85),
}
_EDUCATION_WEIGHTS = {
    "default": (0.30, 0.35, 0.20, 0.05, 0.10),
    "high_income": (0.15, 0.35, 0.33, 0.10, 0.07),
}
_MARITAL_WEIGHTS = {
    "young": (0.70, 0.27, 0.03, 0.0),
    "middle": (0.25, 0.58, 0.15, 0.02),
    "senior": (0.10, 0.60, 0.12, 0.18),
}
_EARLIEST_SIGN_UP_DAYS = int(
    (_EXTRACT_DAY - np.datetime64("2019-01-01", "D")).astype(int)
)


def _age_band_weights(
    age: np.ndarray, bands: dict[str, tuple[float, ...]], young: float, senior: float
) -> np.ndarray:
    """Per-person category weights chosen by age band.

    Parameters
    ----------
    age : numpy.ndarray
        Age in years.
    bands : dict
        Weights for the ``young``, middle (second key) and ``senior`` bands.
    young, senior : float
        Upper bound of the young band and lower bound of the senior band.

    Returns
    -------
    numpy.ndarray
        ``(n, k)`` probability matrix.
    """
    young_w, middle_w, senior_w = (np.array(weights) for weights in bands.values())
    rows = np.where(
        age[:, None] < young,
        young_w,
        np.where(age[:, None] >= senior, senior_w, middle_w),
    )
    return _probabilities(rows)


def _email_local_part(first: str, last: str, pattern: float, number: int) -> str:
    """Build the local part of a fake e-mail address.

    Parameters
    ----------
    first, last : str
        Person's names.
    pattern : float
        Uniform draw choosing the pattern.
    number : int
        Two-digit number some patterns append.

    Returns
    -------
    str
        ASCII lower-case local part.
    """
    first_ascii = first.lower().translate(_ASCII_FOLD)
    last_ascii = last.lower().translate(_ASCII_FOLD)
    if pattern < 0.35:
        return f"{first_ascii}.{last_ascii}"
    if pattern < 0.55:
        return f"{first_ascii}{last_ascii}{number:02d}"
    if pattern < 0.75:
        return f"{first_ascii[0]}.{last_ascii}"
    return f"{first_ascii}_{last_ascii}{number:02d}"


def _draw_identity(rng: np.random.Generator, gender: np.ndarray) -> pd.DataFrame:
    """Draw fake names, contact details and geography.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    gender : numpy.ndarray
        Gender codes into :data:`GENDERS`.

    Returns
    -------
    pandas.DataFrame
        Text columns ``name``, ``email``, ``phone``, ``street_address``, ``country``,
        ``region``, ``city`` and the helper code ``country_code``.
    """
    size = len(gender)
    country = _pick(rng, [country.weight for country in _COUNTRIES], size)
    draws = rng.random((size, 10))
    numbers = rng.integers(0, 10_000_000, size=size)
    records = []
    for i in range(size):
        place = _COUNTRIES[country[i]]
        language = place.language
        # non-binary people get a first name from either list
        name_gender = (
            GENDERS[gender[i]] if gender[i] < 2 else GENDERS[int(draws[i, 0] < 0.5)]
        )
        firsts = _FIRST_NAMES[(language, name_gender)]
        lasts = _LAST_NAMES[language]
        first = firsts[int(draws[i, 1] * len(firsts))]
        last = lasts[int(draws[i, 2] * len(lasts))]
        region, cities = place.regions[int(draws[i, 3] * len(place.regions))]
        city_weights = np.cumsum(_probabilities(_CITY_WEIGHTS[: len(cities)]))
        city = cities[min(int((draws[i, 4] > city_weights).sum()), len(cities) - 1)]
        street = _STREETS[language][int(draws[i, 5] * len(_STREETS[language]))]
        suffix = _STREET_SUFFIXES[language][
            int(draws[i, 6] * len(_STREET_SUFFIXES[language]))
        ]
        house = 1 + int(draws[i, 7] ** 2 * 240)
        area = place.area_codes[int(draws[i, 8] * len(place.area_codes))]
        number = int(numbers[i])
        if place.phone_prefix == "+1":
            phone = f"+1 {area}-555-{number % 10_000:04d}"
        elif place.phone_prefix == "+44":
            phone = f"+44 {area} {number % 1_000_000:06d}"
        else:
            phone = f"+49 {area} {number:07d}"
        address = (
            f"{street}{suffix} {house}"
            if language == "de"
            else f"{house} {street} {suffix}"
        )
        local = _email_local_part(first, last, float(draws[i, 9]), number % 100)
        domain = _EMAIL_DOMAINS[number % len(_EMAIL_DOMAINS)]
        records.append(
            (
                f"{first} {last}",
                f"{local}@{domain}",
                phone,
                address,
                place.name,
                region,
                city,
            )
        )
    identity = pd.DataFrame(
        records,
        columns=[
            "name",
            "email",
            "phone",
            "street_address",
            "country",
            "region",
            "city",
        ],
        dtype=object,
    )
    identity["country_code"] = country
    return identity


def _unique_emails(emails: pd.Series, numbers: np.ndarray) -> pd.Series:
    """Make e-mail addresses unique by adding the record number to repeats.

    Parameters
    ----------
    emails : pandas.Series
        Candidate addresses.
    numbers : numpy.ndarray
        Distinct record numbers.

    Returns
    -------
    pandas.Series
        Addresses, unique.
    """
    repeated = emails.duplicated(keep="first").to_numpy()
    fixed = [
        email.replace("@", f".{number}@") if again else email
        for email, number, again in zip(
            emails.tolist(), numbers.tolist(), repeated, strict=True
        )
    ]
    return pd.Series(fixed, index=emails.index, dtype=object)


def _blank_some(
    rng: np.random.Generator, values: np.ndarray, rate: float
) -> np.ndarray:
    """Blank out a share of text values.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    values : numpy.ndarray
        Text values.
    rate : float
        Share to blank.

    Returns
    -------
    numpy.ndarray
        Object array with some values replaced by ``""``.
    """
    return np.where(rng.random(len(values)) < rate, "", values).astype(object)


def _draw_people(
    rng: np.random.Generator, segment: np.ndarray, first_order_days: np.ndarray
) -> pd.DataFrame:
    """Draw customer records (without ids) with mildly segment-tilted demographics.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    segment : numpy.ndarray
        Segment index of each person.
    first_order_days : numpy.ndarray
        Days between each person's first order and the extract.

    Returns
    -------
    pandas.DataFrame
        Published text columns except ``customer_id``, plus helpers ``country_code``
        and ``sign_up_days``.
    """
    size = len(segment)
    gender = _pick(rng, _GENDER_WEIGHTS, size)
    people = _draw_identity(rng, gender)
    age = np.clip(rng.normal(_segment_table("age_mean")[segment], 12.0), 18.05, 85.95)
    birth_days = np.rint(age * _DAYS_PER_YEAR).astype(int)
    birth_date = _format_dates(birth_days)
    bad_birth = rng.random(size) < 0.005
    birth_date[bad_birth] = [
        BAD_BIRTH_DATE_TEMPLATES[
            int(rng.integers(len(BAD_BIRTH_DATE_TEMPLATES)))
        ].format(year=text[:4])
        for text in birth_date[bad_birth]
    ]
    people["birth_date"] = _blank_some(rng, birth_date, 0.03)
    gender_text = np.array(GENDERS, dtype=object)[gender]
    messy_gender = rng.random(size) < 0.05
    gender_text[messy_gender] = _messy_values(rng, gender[messy_gender], GENDERS)
    people["gender"] = _blank_some(rng, gender_text, 0.02)
    income = rng.lognormal(np.log(_segment_table("income_median")[segment]), 0.4)
    income = np.clip(np.rint(income / 100) * 100, 8_000, 600_000).astype(int)
    people["income"] = _blank_some(rng, income.astype(str).astype(object), 0.05)
    occupation = _pick_rows(rng, _age_band_weights(age, _OCCUPATION_WEIGHTS, 25, 65))
    people["occupation"] = np.array(OCCUPATIONS, dtype=object)[occupation]
    education_weights = np.where(
        income[:, None] > 90_000,
        np.array(_EDUCATION_WEIGHTS["high_income"]),
        np.array(_EDUCATION_WEIGHTS["default"]),
    )
    education = _pick_rows(rng, _probabilities(education_weights))
    people["education"] = np.array(EDUCATIONS, dtype=object)[education]
    marital = _pick_rows(rng, _age_band_weights(age, _MARITAL_WEIGHTS, 30, 60))
    people["marital_status"] = np.array(MARITAL_STATUSES, dtype=object)[marital]
    is_new = segment == SEGMENT_NAMES.index("new")
    lag = np.rint(rng.exponential(np.where(is_new, 12.0, 150.0))).astype(int)
    sign_up_days = np.minimum(first_order_days + lag, _EARLIEST_SIGN_UP_DAYS)
    people["signed_up_at"] = _format_dates(sign_up_days)
    people["sign_up_days"] = sign_up_days
    return people


def _stale_records(rng: np.random.Generator, current: pd.DataFrame) -> pd.DataFrame:
    """Derive an older, conflicting record for each given customer record.

    The stale record has another e-mail, an older address (city, region, street),
    another income (blank stays blank) and an earlier ``signed_up_at``; the other
    fields are equal, so it is exactly as complete as the current record.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    current : pandas.DataFrame
        Current records (with ``customer_id`` and helper columns).

    Returns
    -------
    pandas.DataFrame
        The stale records.
    """
    stale = current.copy()
    replacement = _draw_identity(rng, np.zeros(len(stale), dtype=int))
    for i, row in enumerate(stale.index):
        place = _COUNTRIES[int(stale.at[row, "country_code"])]
        pairs = [(region, city) for region, cities in place.regions for city in cities]
        pairs = [pair for pair in pairs if pair[1] != stale.at[row, "city"]]
        region, city = pairs[int(rng.integers(len(pairs)))]
        stale.at[row, "region"] = region
        stale.at[row, "city"] = city
        stale.at[row, "street_address"] = replacement.at[i, "street_address"]
        local = str(stale.at[row, "email"]).split("@")[0]
        domain = _STALE_EMAIL_DOMAINS[int(rng.integers(len(_STALE_EMAIL_DOMAINS)))]
        stale.at[row, "email"] = f"{local}@{domain}"
        income = str(stale.at[row, "income"])
        if income:
            factor = rng.uniform(0.6, 0.9)
            stale.at[row, "income"] = str(
                int(np.rint(int(income) * factor / 100) * 100)
            )
    earlier = stale["sign_up_days"].to_numpy() + rng.integers(30, 900, size=len(stale))
    stale["sign_up_days"] = earlier
    stale["signed_up_at"] = _format_dates(earlier)
    return stale


_CUSTOMER_DIRT_RATES = {
    "exact_duplicate": 0.01,
    "stale_duplicate": 0.01,
    "missing_id": 0.003,
}
_ORDERS_ONLY_RATE = 0.01


def _build_customers(
    rng: np.random.Generator,
    plan: _Plan,
    customer_ids: np.ndarray,
    orders_only: np.ndarray,
) -> pd.DataFrame:
    """Build ``raw_customers``: one record per customer plus dirty rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : _Plan
        Planted behaviour.
    customer_ids : numpy.ndarray
        Text id of every customer index.
    orders_only : numpy.ndarray
        Boolean mask of customers left out of this table.

    Returns
    -------
    pandas.DataFrame
        The published table, sorted by customer id (dirty rows interleaved).
    """
    people = _draw_people(rng, plan.segment, plan.first_order_days)
    people["email"] = _unique_emails(people["email"], np.arange(1, plan.size + 1))
    people["customer_id"] = customer_ids
    people["sort_key"] = np.arange(plan.size, dtype=float)
    people["variant"] = 1
    kept = people[~orders_only].reset_index(drop=True)
    picks = rng.permutation(len(kept))
    n_stale = _dirt_count(len(kept), _CUSTOMER_DIRT_RATES["stale_duplicate"])
    n_copies = _dirt_count(len(kept), _CUSTOMER_DIRT_RATES["exact_duplicate"])
    stale = _stale_records(rng, kept.iloc[np.sort(picks[:n_stale])])
    stale["variant"] = 0
    copies = kept.iloc[np.sort(picks[n_stale : n_stale + n_copies])].copy()
    copies["variant"] = 2
    n_missing = _dirt_count(len(kept), _CUSTOMER_DIRT_RATES["missing_id"])
    strangers = rng.integers(0, plan.size, size=n_missing)
    missing = _draw_people(
        rng, plan.segment[strangers], plan.first_order_days[strangers]
    )
    missing["customer_id"] = ""
    missing["sort_key"] = strangers + 0.5
    missing["variant"] = 1
    table = pd.concat([kept, stale, copies, missing], ignore_index=True)
    return _sort_frame(table, ["sort_key", "variant"], COLUMNS["raw_customers"])


# --- events ---

_EVENT_DIRT_RATES = {"exact_duplicate": 0.01, "missing_id": 0.005, "unparseable": 0.003}


def _draw_events(rng: np.random.Generator, plan: _Plan) -> pd.DataFrame:
    """Draw the planted engagement events (distinct rows).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : _Plan
        Planted behaviour.

    Returns
    -------
    pandas.DataFrame
        ``customer``, ``seconds`` (before the extract) and ``event_type`` code.
    """
    segment = plan.segment
    active = rng.random(plan.size) < _segment_table("event_probability")[segment]
    extra_mean = _segment_table("event_mean")[segment] - 1
    dispersion = 6.0
    extra = rng.negative_binomial(dispersion, dispersion / (dispersion + extra_mean))
    counts = np.where(active, 1 + extra, 0)
    customer = np.repeat(np.arange(plan.size), counts)
    earliest = np.minimum(plan.first_order_days[customer] + 14, _WINDOW_DAYS)
    latest = np.maximum(plan.recency_days[customer] - 30, 1)
    during = _uniform_int(rng, np.minimum(latest, earliest), earliest)
    anytime = _uniform_int(rng, np.ones_like(earliest), earliest)
    days = np.where(rng.random(len(customer)) < 0.75, during, anytime)
    seconds = days * _SECONDS_PER_DAY - _seconds_of_day(
        rng, np.zeros(len(customer), bool)
    )
    event_type = _pick_rows(
        rng, _probabilities(_segment_table("event_weights")[segment[customer]])
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
    return np.minimum(nudged, _WINDOW_DAYS * _SECONDS_PER_DAY)


def _build_events(
    rng: np.random.Generator, plan: _Plan, customer_ids: np.ndarray
) -> pd.DataFrame:
    """Build ``raw_events``: planted events plus dirty rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : _Plan
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
    events["occurred_at"] = _format_timestamps(events["seconds"].to_numpy())
    events["event_type"] = np.array(EVENT_TYPES, dtype=object)[events["event_type"]]
    events["variant"] = 0
    n_events = len(events)
    picks = rng.permutation(n_events)
    n_missing = _dirt_count(n_events, _EVENT_DIRT_RATES["missing_id"])
    n_bad = _dirt_count(n_events, _EVENT_DIRT_RATES["unparseable"])
    n_copies = _dirt_count(n_events, _EVENT_DIRT_RATES["exact_duplicate"])
    missing = events.iloc[np.sort(picks[:n_missing])].copy()
    missing["customer_id"] = ""
    missing["seconds"] = _nudge_seconds(rng, missing["seconds"].to_numpy())
    missing["occurred_at"] = _format_timestamps(missing["seconds"].to_numpy())
    bad = events.iloc[np.sort(picks[n_missing : n_missing + n_bad])].copy()
    bad["seconds"] = _nudge_seconds(rng, bad["seconds"].to_numpy())
    bad["occurred_at"] = [
        _corrupt_timestamp(rng, text)
        for text in _format_timestamps(bad["seconds"].to_numpy())
    ]
    copies = events.iloc[
        np.sort(rng.choice(n_events, size=n_copies, replace=False))
    ].copy()
    copies["variant"] = 1
    table = pd.concat([events, missing, bad, copies], ignore_index=True)
    table["time_key"] = -table["seconds"]
    return _sort_frame(
        table,
        ["time_key", "customer_id", "event_type", "variant"],
        COLUMNS["raw_events"],
    )


# --- survey ---

_CONTACT_WEIGHTS = (0.60, 0.25, 0.15)
_INTEREST_COUNT_WEIGHTS = (0.40, 0.35, 0.25)
_SURVEY_DIRT_RATES = {
    "exact_duplicate": 0.01,
    "missing_id": 0.003,
    "missing_value": 0.005,
}
_ATTRIBUTES = ("interest", "price_sensitivity", "preferred_contact")


def _draw_survey(rng: np.random.Generator, plan: _Plan) -> pd.DataFrame:
    """Draw survey answers of the responding customers.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : _Plan
        Planted behaviour.

    Returns
    -------
    pandas.DataFrame
        ``customer``, ``attribute`` code and text ``value``.
    """
    segment = plan.segment
    respondents = np.flatnonzero(
        rng.random(plan.size) < _segment_table("survey_probability")[segment]
    )
    size = len(respondents)
    n_interests = 1 + _pick(rng, _INTEREST_COUNT_WEIGHTS, size)
    ranked = _rank_rows(
        rng, _probabilities(_segment_table("interest_weights")[segment[respondents]])
    )
    owner = np.repeat(np.arange(size), n_interests)
    slot = np.arange(len(owner)) - np.repeat(
        np.cumsum(n_interests) - n_interests, n_interests
    )
    sensitivity = _pick_rows(
        rng,
        _probabilities(
            _segment_table("price_sensitivity_weights")[segment[respondents]]
        ),
    )
    contact = _pick(rng, _CONTACT_WEIGHTS, size)
    parts = [
        pd.DataFrame(
            {
                "customer": respondents[owner],
                "attribute": 0,
                "value": np.array(INTERESTS, dtype=object)[ranked[owner, slot]],
            }
        ),
        pd.DataFrame(
            {
                "customer": respondents,
                "attribute": 1,
                "value": np.array(PRICE_SENSITIVITIES, dtype=object)[sensitivity],
            }
        ),
        pd.DataFrame(
            {
                "customer": respondents,
                "attribute": 2,
                "value": np.array(CONTACT_PREFERENCES, dtype=object)[contact],
            }
        ),
    ]
    return pd.concat(parts, ignore_index=True)


def _build_survey(
    rng: np.random.Generator, plan: _Plan, customer_ids: np.ndarray
) -> pd.DataFrame:
    """Build ``raw_survey_responses``: answers plus dirty rows.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    plan : _Plan
        Planted behaviour.
    customer_ids : numpy.ndarray
        Text id of every customer index.

    Returns
    -------
    pandas.DataFrame
        The published table, sorted by customer, question and answer.
    """
    answers = _draw_survey(rng, plan)
    answers["customer_id"] = customer_ids[answers["customer"].to_numpy()]
    answers["sort_key"] = answers["customer"].astype(float)
    answers["attribute_code"] = answers["attribute"]
    answers["attribute"] = np.array(_ATTRIBUTES, dtype=object)[
        answers["attribute_code"]
    ]
    answers["variant"] = 0
    n_answers = len(answers)
    picks = rng.permutation(n_answers)
    n_missing = _dirt_count(n_answers, _SURVEY_DIRT_RATES["missing_id"])
    n_blank = _dirt_count(n_answers, _SURVEY_DIRT_RATES["missing_value"])
    n_copies = _dirt_count(n_answers, _SURVEY_DIRT_RATES["exact_duplicate"])
    missing = answers.iloc[np.sort(picks[:n_missing])].copy()
    missing["customer_id"] = ""
    missing["sort_key"] = missing["sort_key"] + 0.5
    blank = answers.iloc[np.sort(picks[n_missing : n_missing + n_blank])].copy()
    blank["value"] = ""
    blank["variant"] = 2
    copies = answers.iloc[
        np.sort(rng.choice(n_answers, size=n_copies, replace=False))
    ].copy()
    copies["variant"] = 1
    table = pd.concat([answers, missing, blank, copies], ignore_index=True)
    return _sort_frame(
        table,
        ["sort_key", "attribute_code", "variant", "value"],
        COLUMNS["raw_survey_responses"],
    )


# --- public API ---


def generate_sample(
    random_state: int = 42, n_customers: int = 5000
) -> dict[str, pd.DataFrame]:
    """Generate the dirty retail sample with planted segments.

    Parameters
    ----------
    random_state : int, default 42
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same sample.
    n_customers : int, default 5000
        Number of generated customers (about 12 order lines each).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``raw_orders``, ``raw_customers``, ``raw_events``, ``raw_survey_responses`` and
        ``sample_true_segments``; every column is text, in the order of :data:`COLUMNS`.

    Raises
    ------
    ValueError
        If ``n_customers`` is smaller than 1.
    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    plan_rng, orders_rng, customers_rng, events_rng, survey_rng = np.random.default_rng(
        random_state
    ).spawn(5)
    plan = _draw_plan(plan_rng, n_customers)
    width = max(5, len(str(n_customers)))
    customer_ids = _format_ids("C", np.arange(1, n_customers + 1), width)
    orders_only = np.zeros(n_customers, dtype=bool)
    orders_only[
        customers_rng.choice(
            n_customers, size=_dirt_count(n_customers, _ORDERS_ONLY_RATE), replace=False
        )
    ] = True
    truth = pd.DataFrame(
        {
            "customer_id": customer_ids,
            "true_segment": np.array(SEGMENT_NAMES, dtype=object)[plan.segment],
        }
    )
    return {
        "raw_orders": _build_orders(orders_rng, plan, customer_ids),
        "raw_customers": _build_customers(
            customers_rng, plan, customer_ids, orders_only
        ),
        "raw_events": _build_events(events_rng, plan, customer_ids),
        "raw_survey_responses": _build_survey(survey_rng, plan, customer_ids),
        "sample_true_segments": truth.astype(str),
    }


def write_sample(
    out_dir: str | Path, random_state: int = 42, n_customers: int = 5000
) -> dict[str, Path]:
    """Generate the sample and write one CSV per table.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Directory to write into (created if missing).
    random_state : int, default 42
        Seed, see :func:`generate_sample`.
    n_customers : int, default 5000
        Number of customers, see :func:`generate_sample`.

    Returns
    -------
    dict of str to pathlib.Path
        Path of every written file, by table name (``<name>.csv``).
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in generate_sample(random_state, n_customers).items():
        path = directory / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        paths[name] = path
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point: write the sample seeds and print one summary line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status, 0 on success.
    """
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.synth",
        description="Write the deterministic dirty retail sample as seed CSVs.",
    )
    parser.add_argument(
        "--out", default="seeds", help="output directory (default: seeds)"
    )
    parser.add_argument(
        "--seed", type=int, default=42, help="random seed (default: 42)"
    )
    parser.add_argument(
        "--customers",
        type=int,
        default=5000,
        help="number of customers (default: 5000)",
    )
    args = parser.parse_args(argv)
    paths = write_sample(args.out, random_state=args.seed, n_customers=args.customers)
    counts = {
        name: path.read_text(encoding="utf-8").count("\n") - 1
        for name, path in paths.items()
    }
    rows = ", ".join(f"{name}={count}" for name, count in counts.items())
    print(f"wrote {len(paths)} files to {args.out} (seed {args.seed}): {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
