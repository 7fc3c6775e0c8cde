"""``raw_customers``: one record per customer plus duplicate and id-less rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.synth.identities import COUNTRIES, draw_identity, unique_emails
from segmentation.synth.plan import Plan
from segmentation.synth.profiles import (
    BAD_BIRTH_DATE_TEMPLATES,
    COLUMNS,
    EDUCATIONS,
    EXTRACT_DAY,
    GENDERS,
    MARITAL_STATUSES,
    OCCUPATIONS,
    SEGMENT_NAMES,
    segment_table,
)
from segmentation.synth.sampling import (
    as_probabilities,
    dirt_count,
    disjoint_positions,
    pick,
    pick_rows,
)
from segmentation.synth.text import format_dates, messy_values, sort_frame

_DAYS_PER_YEAR = 365.2425
_STALE_EMAIL_DOMAINS = ("oldmail.test", "legacy.example")
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
    (EXTRACT_DAY - np.datetime64("2019-01-01", "D")).astype(int)
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
    return as_probabilities(rows)


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
    gender = pick(rng, _GENDER_WEIGHTS, size)
    people = draw_identity(rng, gender)
    age = np.clip(rng.normal(segment_table("age_mean")[segment], 12.0), 18.05, 85.95)
    birth_days = np.rint(age * _DAYS_PER_YEAR).astype(int)
    birth_date = format_dates(birth_days)
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
    gender_text[messy_gender] = messy_values(rng, gender[messy_gender], GENDERS)
    people["gender"] = _blank_some(rng, gender_text, 0.02)
    income = rng.lognormal(np.log(segment_table("income_median")[segment]), 0.4)
    income = np.clip(np.rint(income / 100) * 100, 8_000, 600_000).astype(int)
    people["income"] = _blank_some(rng, income.astype(str).astype(object), 0.05)
    occupation = pick_rows(rng, _age_band_weights(age, _OCCUPATION_WEIGHTS, 25, 65))
    people["occupation"] = np.array(OCCUPATIONS, dtype=object)[occupation]
    education_weights = np.where(
        income[:, None] > 90_000,
        np.array(_EDUCATION_WEIGHTS["high_income"]),
        np.array(_EDUCATION_WEIGHTS["default"]),
    )
    education = pick_rows(rng, as_probabilities(education_weights))
    people["education"] = np.array(EDUCATIONS, dtype=object)[education]
    marital = pick_rows(rng, _age_band_weights(age, _MARITAL_WEIGHTS, 30, 60))
    people["marital_status"] = np.array(MARITAL_STATUSES, dtype=object)[marital]
    is_new = segment == SEGMENT_NAMES.index("new")
    lag = np.rint(rng.exponential(np.where(is_new, 12.0, 150.0))).astype(int)
    sign_up_days = np.minimum(first_order_days + lag, _EARLIEST_SIGN_UP_DAYS)
    people["signed_up_at"] = format_dates(sign_up_days)
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
    replacement = draw_identity(rng, np.zeros(len(stale), dtype=int))
    for i, row in enumerate(stale.index):
        place = COUNTRIES[int(stale.at[row, "country_code"])]
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
    stale["signed_up_at"] = format_dates(earlier)
    return stale


_CUSTOMER_DIRT_RATES = {
    "exact_duplicate": 0.01,
    "stale_duplicate": 0.01,
    "missing_id": 0.003,
}
_ORDERS_ONLY_RATE = 0.01


def build_customers(
    rng: np.random.Generator, plan: Plan, customer_ids: np.ndarray
) -> pd.DataFrame:
    """Build ``raw_customers``: one record per customer plus dirty rows.

    A share of the customers (``_ORDERS_ONLY_RATE``) is left out: they appear only in
    the orders.

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
        The published table, sorted by customer id (dirty rows interleaved).
    """
    orders_only = np.zeros(plan.size, dtype=bool)
    orders_only[
        rng.choice(
            plan.size, size=dirt_count(plan.size, _ORDERS_ONLY_RATE), replace=False
        )
    ] = True
    people = _draw_people(rng, plan.segment, plan.first_order_days)
    people["email"] = unique_emails(people["email"], np.arange(1, plan.size + 1))
    people["customer_id"] = customer_ids
    people["sort_key"] = np.arange(plan.size, dtype=float)
    people["variant"] = 1
    kept = people[~orders_only].reset_index(drop=True)
    stale_rows, copied_rows = disjoint_positions(
        rng,
        len(kept),
        [
            dirt_count(len(kept), _CUSTOMER_DIRT_RATES["stale_duplicate"]),
            dirt_count(len(kept), _CUSTOMER_DIRT_RATES["exact_duplicate"]),
        ],
    )
    stale = _stale_records(rng, kept.iloc[stale_rows])
    stale["variant"] = 0
    copies = kept.iloc[copied_rows].copy()
    copies["variant"] = 2
    n_missing = dirt_count(len(kept), _CUSTOMER_DIRT_RATES["missing_id"])
    strangers = rng.integers(0, plan.size, size=n_missing)
    missing = _draw_people(
        rng, plan.segment[strangers], plan.first_order_days[strangers]
    )
    missing["customer_id"] = ""
    missing["sort_key"] = strangers + 0.5
    missing["variant"] = 1
    table = pd.concat([kept, stale, copies, missing], ignore_index=True)
    return sort_frame(table, ["sort_key", "variant"], COLUMNS["raw_customers"])
