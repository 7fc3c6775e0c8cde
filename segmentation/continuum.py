"""Synthetic customer continuum: buy-till-you-die purchases simulated past as_of_date.

Unlike :mod:`segmentation.synth`, which plants six behavioural segments, this module
draws one continuous population from the standard probability models of customer-base
analysis, and keeps simulating after ``as_of_date`` so that the true future of every
customer is known:

* **Acquisition.** Customers join over ``history_days`` before ``as_of_date``, more of
  them recently (``acquisition_growth`` per year); the first order is placed on
  joining, so every customer has at least one order before ``as_of_date``.
* **Purchasing: BG/NBD** (Fader, Hardie & Lee 2005, "Counting your customers the easy
  way"). Each customer has a purchase rate ``lambda ~ Gamma(shape=r, rate=alpha)`` per
  day and a dropout probability ``p ~ Beta(a, b)``. While alive, orders follow a
  Poisson process with rate ``lambda``; right after each *repeat* order the customer
  drops out for good with probability ``p``. As in the model's likelihood, nobody
  drops out right after the first order.
* **Spend: Gamma-Gamma** (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang
  1999). Each customer has a spend rate ``nu ~ Gamma(shape=q, rate=v)``; every order
  value is ``Gamma(shape=p, rate=nu)``, so a customer's expected order value is
  ``p / nu``. Amounts are rounded to cents, at least 0.01.
* **Demographics** follow the behaviour mildly, with no clusters: older customers
  spend a little more, frequent buyers lean a little towards some countries and
  towards the app; gender tilts the product mix a little.

The default parameters are the CDNOW estimates of the two papers (``r = 0.243``,
``alpha = 4.414`` weeks, ``a = 0.793``, ``b = 2.426``; ``p = 6.25``, ``q = 3.74``,
``v = 15.44`` dollars), with ``alpha`` converted to days (``4.414 * 7``).

**Time conventions** (those of ``lifetimes`` and ``pymc-marketing``): ``frequency`` is
the number of *repeat* orders, ``recency`` the time from the first to the last order,
``T`` the time from the first order to ``as_of_date``; ``monetary_value`` is the mean
value of the repeat orders (0 without any). Unlike ``lifetimes``' default, orders are
not merged per day and times are continuous (see :func:`summarise_orders`).

Five files are written (all text, byte-identical for the same arguments):

``orders.csv``
    Orders strictly before ``as_of_date``, following the orders input contract:
    ``order_id, customer_id, ordered_at, amount, product_category, channel, status``
    (one line per order, ``ordered_at`` as ``YYYY-MM-DD HH:MM:SS``).
``future_orders.csv``
    Same columns: the orders from ``as_of_date`` to ``as_of_date + future_days``.
``customers.csv``
    ``customer_id, age, gender, country, region, signed_up_at``.
``truth.csv``
    One row per customer, see :data:`TRUTH_COLUMNS` and :func:`generate_continuum`.
``parameters.json``
    The generating parameters, ``as_of_date`` and the row counts.

Examples
--------
Write the default data set and build the project on it::

    python -m segmentation.continuum --out /tmp/continuum --customers 5000
    dbt build --vars '{orders_path: /tmp/continuum/orders.csv,
        customers_path: /tmp/continuum/customers.csv, as_of_date: "2026-07-01"}'

Simulate a BG/NBD summary with known parameters (weeks), e.g. for a fitter's
parameter-recovery test:

>>> import numpy as np
>>> sample = simulate_bgnbd(1000, 0.243, 4.414, 0.793, 2.426, 39.0,
...                         np.random.default_rng(0))
>>> list(sample.summary().columns)
['frequency', 'recency', 'T']
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from segmentation.bigdata import PLACES
from segmentation.synth import CATEGORIES, CHANNELS, GENDERS
from segmentation.synth.text import (
    format_amounts,
    format_floats,
    format_ids,
    format_moments,
    write_csv_tables,
)

__all__ = [
    "AS_OF_DATE",
    "CUSTOMER_COLUMNS",
    "GENERATOR_VERSION",
    "HORIZONS",
    "ORDER_COLUMNS",
    "TRUTH_COLUMNS",
    "BGNBDSample",
    "ContinuumParams",
    "expected_repeat_purchases",
    "generate_continuum",
    "main",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "summarise_orders",
    "summarise_purchases",
    "write_continuum",
]

AS_OF_DATE = "2026-07-01"
"""Default ``as_of_date``: every customer has joined before it."""

HORIZONS = (90, 180, 365)
"""Default future horizons (days) of the per-customer truth."""

GENERATOR_VERSION = 1
"""Bumped whenever the generated values change (recorded in ``parameters.json``)."""

ORDER_COLUMNS = (
    "order_id",
    "customer_id",
    "ordered_at",
    "amount",
    "product_category",
    "channel",
    "status",
)
"""Columns of ``orders.csv`` and ``future_orders.csv``, in order."""

CUSTOMER_COLUMNS = ("customer_id", "age", "gender", "country", "region", "signed_up_at")
"""Columns of ``customers.csv``, in order."""

TRUTH_COLUMNS = (
    "customer_id",
    "first_order_at",
    "purchase_rate_per_day",
    "dropout_probability",
    "expected_order_value",
    "is_alive_at_as_of",
    "dropped_out_at",
    "next_order_at",
)
"""Leading columns of ``truth.csv``; three more per horizon ``h`` follow, see
:func:`generate_continuum`."""

_SECONDS_PER_DAY = 86_400
_DAYS_PER_YEAR = 365.25
# Demographic tilts (mild on purpose: the population must stay a continuum).
_AGE_SPEND_CORRELATION = 0.3
_AGE_RANGE = (18, 85)
_AGE_BETA = (2.2, 3.2)
_GENDER_WEIGHTS = (0.49, 0.48, 0.03)
_COUNTRY_RATE_TILT = {
    "United States": -0.15,
    "United Kingdom": 0.0,
    "Germany": 0.2,
    "Canada": 0.05,
}
_CHANNEL_BASE = (0.45, 0.35, 0.20)
_CHANNEL_RATE_TILT = (0.0, 0.4, -0.2)
_CATEGORY_BASE = {
    "female": (0.12, 0.26, 0.18, 0.22, 0.12, 0.10),
    "male": (0.24, 0.14, 0.16, 0.08, 0.14, 0.24),
    "non_binary": (0.17, 0.20, 0.17, 0.15, 0.13, 0.18),
}
_TASTE_SPREAD = 0.6
_SIGN_UP_LEAD_SECONDS = (30, 1800)


@dataclass(frozen=True)
class ContinuumParams:
    """Generating parameters of the continuum data set (time unit: days).

    Attributes
    ----------
    r, alpha : float
        Shape and rate of the Gamma distribution of the purchase rate ``lambda``
        (orders per day). The mean rate is ``r / alpha``.
    a, b : float
        Beta distribution of the dropout probability ``p`` after each repeat order.
    spend_p : float
        Shape ``p`` of the Gamma distribution of one order's value.
    spend_q, spend_v : float
        Shape ``q`` and rate ``v`` of the Gamma distribution of the spend rate ``nu``;
        a customer's expected order value is ``spend_p / nu`` and the population's
        ``spend_p * spend_v / (spend_q - 1)``.
    history_days : int
        Customers join uniformly-with-growth over this many days before ``as_of_date``.
    acquisition_growth : float
        Yearly growth of the number of customers joining (0.3 = 30% more each year).
    """

    r: float = 0.243
    alpha: float = 30.898  # 4.414 weeks * 7
    a: float = 0.793
    b: float = 2.426
    spend_p: float = 6.25
    spend_q: float = 3.74
    spend_v: float = 15.44
    history_days: int = 1095
    acquisition_growth: float = 0.3


# --- the core models, reusable with any time unit ---


@dataclass(frozen=True)
class BGNBDSample:
    """Repeat purchases of a simulated BG/NBD population.

    Times are in the unit of ``alpha`` and measured from each customer's first
    purchase (at time 0, not listed).

    Attributes
    ----------
    rate : numpy.ndarray
        True purchase rate ``lambda`` of each customer.
    dropout : numpy.ndarray
        True dropout probability ``p`` of each customer.
    T : numpy.ndarray
        Length of each customer's observation window.
    customer : numpy.ndarray
        Customer index (0 to n - 1) of every repeat purchase, sorted by customer
        then time.
    time : numpy.ndarray
        Time of every repeat purchase, in ``(0, T]``.
    dropout_time : numpy.ndarray
        Time of the purchase right after which each customer dropped out, ``inf``
        when still alive at ``T``.
    """

    rate: np.ndarray
    dropout: np.ndarray
    T: np.ndarray
    customer: np.ndarray
    time: np.ndarray
    dropout_time: np.ndarray

    @property
    def is_alive(self) -> np.ndarray:
        """Whether each customer is still alive at the end of the window."""
        return np.isinf(self.dropout_time)

    def summary(self) -> pd.DataFrame:
        """Frequency, recency and ``T`` of every customer.

        Returns
        -------
        pandas.DataFrame
            See :func:`summarise_purchases`.
        """
        return summarise_purchases(self.customer, self.time, self.T)


def simulate_bgnbd(
    n: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    T: float | np.ndarray,
    rng: np.random.Generator,
) -> BGNBDSample:
    """Simulate the repeat purchases of ``n`` BG/NBD customers.

    ``lambda ~ Gamma(r, rate=alpha)``, ``p ~ Beta(a, b)``; purchases follow a Poisson
    process with rate ``lambda`` from the first purchase (time 0) until ``T``, and right
    after each repeat purchase the customer drops out with probability ``p``. The loop
    runs over purchase rounds, vectorised across the customers still active.

    Parameters
    ----------
    n : int
        Number of customers.
    r, alpha : float
        Gamma shape and rate of the purchase rate (``alpha`` sets the time unit).
    a, b : float
        Beta parameters of the dropout probability.
    T : float or numpy.ndarray
        Observation length after the first purchase, one value or one per customer.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    BGNBDSample
        True parameters and repeat purchase times.

    Examples
    --------
    >>> import numpy as np
    >>> sample = simulate_bgnbd(3, 0.243, 4.414, 0.793, 2.426, 39.0,
    ...                         np.random.default_rng(1))
    >>> sample.summary().shape
    (3, 3)
    """
    rate = rng.gamma(r, 1.0 / alpha, size=n)
    dropout = rng.beta(a, b, size=n)
    window = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    customers, times = [], []
    dropout_time = np.full(n, np.inf)
    active = np.arange(n)
    clock = np.zeros(n)
    while active.size:
        clock[active] += rng.standard_exponential(active.size) / rate[active]
        active = active[clock[active] <= window[active]]
        customers.append(active)
        times.append(clock[active])
        drops = rng.random(active.size) < dropout[active]
        dropout_time[active[drops]] = clock[active[drops]]
        active = active[~drops]
    customer = np.concatenate(customers)
    order = np.argsort(customer, kind="stable")
    return BGNBDSample(
        rate=rate,
        dropout=dropout,
        T=window,
        customer=customer[order],
        time=np.concatenate(times)[order],
        dropout_time=dropout_time,
    )


def simulate_gamma_gamma(
    frequency: np.ndarray,
    p: float,
    q: float,
    v: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate Gamma-Gamma spend: each customer's mean value over ``frequency`` orders.

    ``nu ~ Gamma(q, rate=v)`` and every order value ``~ Gamma(p, rate=nu)``; the mean
    of ``x`` such values is drawn directly as ``Gamma(p * x, rate=nu) / x``.

    Parameters
    ----------
    frequency : numpy.ndarray
        Number of (repeat) orders of each customer.
    p, q, v : float
        Gamma-Gamma parameters.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    nu : numpy.ndarray
        True spend rate of each customer (expected order value ``p / nu``).
    monetary_value : numpy.ndarray
        Mean value of the customer's orders, 0 without any (the ``lifetimes``
        convention).

    Examples
    --------
    >>> import numpy as np
    >>> nu, value = simulate_gamma_gamma(np.array([0, 1, 5]), 6.25, 3.74, 15.44,
    ...                                  np.random.default_rng(0))
    >>> bool(value[0] == 0 and (value[1:] > 0).all())
    True
    """
    frequency = np.asarray(frequency)
    nu = rng.gamma(q, 1.0 / v, size=frequency.shape)
    some = frequency > 0
    total = rng.gamma(p * np.maximum(frequency, 1), 1.0 / nu)
    return nu, np.where(some, total / np.maximum(frequency, 1), 0.0)


def summarise_purchases(
    customer: np.ndarray, time: np.ndarray, T: np.ndarray
) -> pd.DataFrame:
    """Turn repeat purchase times into the BG/NBD summary.

    Parameters
    ----------
    customer : numpy.ndarray
        Customer index (0 to ``len(T) - 1``) of every repeat purchase.
    time : numpy.ndarray
        Time of every repeat purchase since the customer's first purchase.
    T : numpy.ndarray
        Time from each customer's first purchase to the end of observation.

    Returns
    -------
    pandas.DataFrame
        One row per customer: ``frequency`` (number of repeat purchases),
        ``recency`` (time of the last purchase since the first, 0 without repeat
        purchases) and ``T``.

    Examples
    --------
    >>> import numpy as np
    >>> summarise_purchases(np.array([1, 1]), np.array([2.0, 5.0]),
    ...                     np.array([10.0, 10.0])).to_numpy().tolist()
    [[0.0, 0.0, 10.0], [2.0, 5.0, 10.0]]
    """
    T = np.asarray(T, dtype=float)
    recency = np.zeros(len(T))
    np.maximum.at(recency, customer, time)
    return pd.DataFrame(
        {
            "frequency": np.bincount(customer, minlength=len(T)).astype(float),
            "recency": recency,
            "T": T,
        }
    )


def summarise_orders(
    orders: pd.DataFrame, as_of_date: str = AS_OF_DATE, unit: str = "days"
) -> pd.DataFrame:
    """Summarise an orders table for BG/NBD and Gamma-Gamma at ``as_of_date``.

    Only orders strictly before ``as_of_date`` count. Times are continuous (seconds
    divided by the unit's length); unlike ``lifetimes``' default (``freq="D"``),
    several orders on one day each count as a purchase.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``ordered_at`` (text ``YYYY-MM-DD HH:MM:SS`` or datetime) and
        ``amount`` (text or number).
    as_of_date : str, default :data:`AS_OF_DATE`
        End of observation.
    unit : {"days", "weeks"}, default "days"
        Time unit of ``recency`` and ``T``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id`` (sorted): ``frequency``, ``recency``, ``T`` and
        ``monetary_value`` (mean amount of the repeat orders, 0 without any).

    Raises
    ------
    ValueError
        If ``unit`` is not ``"days"`` or ``"weeks"``.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["K1", "K1", "K2"],
    ...     "ordered_at": ["2026-06-01 00:00:00", "2026-06-15 00:00:00",
    ...                    "2026-06-29 00:00:00"],
    ...     "amount": ["10.00", "30.00", "5.00"]})
    >>> summarise_orders(orders, "2026-07-01").to_numpy().tolist()
    [[1.0, 14.0, 30.0, 30.0], [0.0, 0.0, 2.0, 0.0]]
    """
    unit_days = {"days": 1.0, "weeks": 7.0}
    if unit not in unit_days:
        raise ValueError(f"unit must be 'days' or 'weeks', got {unit!r}")
    moments = pd.to_datetime(orders["ordered_at"], format="%Y-%m-%d %H:%M:%S")
    seconds_before = (pd.Timestamp(as_of_date) - moments).dt.total_seconds()
    table = pd.DataFrame(
        {
            "customer_id": orders["customer_id"].to_numpy(),
            "time": -seconds_before.to_numpy() / (unit_days[unit] * _SECONDS_PER_DAY),
            "amount": pd.to_numeric(orders["amount"]).to_numpy(),
        }
    )
    table = table[table["time"] < 0].sort_values(
        ["customer_id", "time"], kind="mergesort"
    )
    is_repeat = table.groupby("customer_id").cumcount().to_numpy() > 0
    repeats = table[is_repeat].groupby("customer_id")
    summary = table.groupby("customer_id").agg(
        first=("time", "min"), last=("time", "max")
    )
    frequency = repeats.size().reindex(summary.index, fill_value=0)
    repeat_mean = repeats["amount"].mean().reindex(summary.index, fill_value=0.0)
    return pd.DataFrame(
        {
            "frequency": frequency.astype(float),
            "recency": summary["last"] - summary["first"],
            "T": -summary["first"],
            "monetary_value": repeat_mean,
        }
    )


def expected_repeat_purchases(
    t: float | np.ndarray, r: float, alpha: float, a: float, b: float
) -> np.ndarray:
    """BG/NBD expected number of repeat purchases ``E[X(t)]`` of a fresh customer.

    ``(a + b - 1) / (a - 1) * [1 - (alpha / (alpha + t))**r
    * 2F1(r, b; a + b - 1; t / (alpha + t))]`` (Fader, Hardie & Lee 2005, eq. 9).

    Parameters
    ----------
    t : float or numpy.ndarray
        Time since the first purchase, in the unit of ``alpha``.
    r, alpha, a, b : float
        BG/NBD parameters (``a != 1``).

    Returns
    -------
    numpy.ndarray
        Expected repeat purchases.

    Examples
    --------
    >>> round(float(expected_repeat_purchases(39.0, 0.243, 4.414, 0.793, 2.426)), 3)
    1.197
    """
    t = np.asarray(t, dtype=float)
    z = t / (alpha + t)
    hypergeometric = special.hyp2f1(r, b, a + b - 1, z)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hypergeometric)


# --- the data set ---


def _join_seconds(
    rng: np.random.Generator, n: int, params: ContinuumParams, as_of_second: int
) -> np.ndarray:
    """Draw the join moments (first orders), sorted, strictly before ``as_of``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n : int
        Number of customers.
    params : ContinuumParams
        ``history_days`` and ``acquisition_growth``.
    as_of_second : int
        ``as_of_date`` in seconds since the epoch.

    Returns
    -------
    numpy.ndarray
        Sorted int64 seconds since the epoch.
    """
    growth = np.log1p(params.acquisition_growth) / _DAYS_PER_YEAR
    span = float(params.history_days)
    u = rng.random(n)
    if growth > 0:
        since_start = np.log1p(u * np.expm1(growth * span)) / growth
    else:
        since_start = u * span
    before = np.maximum(np.ceil((span - since_start) * _SECONDS_PER_DAY), 1)
    return np.sort(as_of_second - before.astype(np.int64))


def _normal_scores(cdf: np.ndarray) -> np.ndarray:
    """Map CDF values to standard normal scores, clipped away from 0 and 1.

    Parameters
    ----------
    cdf : numpy.ndarray
        Values in ``[0, 1]``.

    Returns
    -------
    numpy.ndarray
        ``Phi^-1(cdf)``.
    """
    return special.ndtri(np.clip(cdf, 1e-12, 1 - 1e-12))


def _gumbel_pick(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    """Draw one column per row with probabilities ``softmax(logits)``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    logits : numpy.ndarray
        ``(n, k)`` unnormalised log-probabilities.

    Returns
    -------
    numpy.ndarray
        ``n`` column indices.
    """
    return np.argmax(logits + rng.gumbel(size=logits.shape), axis=1)


def _draw_customers(
    rng: np.random.Generator,
    rate_score: np.ndarray,
    spend_score: np.ndarray,
) -> pd.DataFrame:
    """Draw demographics, mildly tilted by the behaviour scores.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    rate_score, spend_score : numpy.ndarray
        Standard normal scores of each customer's purchase rate and expected order
        value.

    Returns
    -------
    pandas.DataFrame
        ``age`` (int), ``gender`` with its index ``gender_code``, ``country`` and
        ``region``.
    """
    n = len(rate_score)
    rho = _AGE_SPEND_CORRELATION
    latent = rho * spend_score + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    low, high = _AGE_RANGE
    share = special.betaincinv(*_AGE_BETA, special.ndtr(latent))
    age = np.rint(low + (high - low) * share).astype(int)
    gender = rng.choice(len(GENDERS), size=n, p=_GENDER_WEIGHTS)
    tilt = np.array([_COUNTRY_RATE_TILT[country] for country, _, _ in PLACES])
    place = _gumbel_pick(rng, np.outer(rate_score, tilt))
    places = np.array(PLACES, dtype=object)
    return pd.DataFrame(
        {
            "age": age,
            "gender": np.array(GENDERS, dtype=object)[gender],
            "gender_code": gender,
            "country": places[place, 0],
            "region": places[place, 1],
        }
    )


def _format_moments(seconds: np.ndarray) -> np.ndarray:
    """Format seconds since the epoch as ``YYYY-MM-DD HH:MM:SS``.

    Parameters
    ----------
    seconds : numpy.ndarray
        Integer seconds since 1970-01-01 00:00:00.

    Returns
    -------
    numpy.ndarray
        Object array of strings.
    """
    return format_moments(seconds.astype("datetime64[s]"))


def _format_optional_moments(seconds: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Format moments as :func:`_format_moments`, blank where not ``present``.

    Parameters
    ----------
    seconds : numpy.ndarray
        Integer seconds since the epoch (any value where not present).
    present : numpy.ndarray
        Boolean mask of the moments to write.

    Returns
    -------
    numpy.ndarray
        Object array of strings, ``""`` where not present.
    """
    text = _format_moments(np.where(present, seconds, 0))
    return np.where(present, text, "").astype(object)


def _offset_seconds(days: np.ndarray) -> np.ndarray:
    """Whole seconds in a time span of days (floored, so a span below the end stays so).

    Parameters
    ----------
    days : numpy.ndarray
        Non-negative spans in days.

    Returns
    -------
    numpy.ndarray
        int64 seconds.
    """
    return np.floor(days * _SECONDS_PER_DAY).astype(np.int64)


def _draw_orders(
    rng: np.random.Generator,
    join: np.ndarray,
    end_second: int,
    params: ContinuumParams,
) -> tuple[pd.DataFrame, BGNBDSample, np.ndarray]:
    """Simulate every order from joining to ``end_second`` (exclusive).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    join : numpy.ndarray
        Join moment (first order) of each customer, seconds since the epoch.
    end_second : int
        End of the simulation (``as_of_date + future_days``).
    params : ContinuumParams
        Generating parameters.

    Returns
    -------
    orders : pandas.DataFrame
        ``customer`` index, ``second`` and ``cents`` of every order, by customer then
        time (first orders included).
    sample : BGNBDSample
        The purchase process in days since joining.
    nu : numpy.ndarray
        Spend rate of each customer.
    """
    n = len(join)
    # One second short of the end, so that flooring to seconds stays before it.
    window = (end_second - 1 - join) / _SECONDS_PER_DAY
    sample = simulate_bgnbd(n, params.r, params.alpha, params.a, params.b, window, rng)
    nu = rng.gamma(params.spend_q, 1.0 / params.spend_v, size=n)
    customer = np.concatenate([np.arange(n), sample.customer])
    offset = np.concatenate([np.zeros(n, np.int64), _offset_seconds(sample.time)])
    order = np.lexsort((offset, customer))
    customer, offset = customer[order], offset[order]
    values = rng.gamma(params.spend_p, 1.0 / nu[customer])
    cents = np.maximum(np.rint(values * 100), 1).astype(np.int64)
    orders = pd.DataFrame(
        {"customer": customer, "second": join[customer] + offset, "cents": cents}
    )
    return orders, sample, nu


def _order_details(
    rng: np.random.Generator,
    customer: np.ndarray,
    rate_score: np.ndarray,
    gender: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw each order's product category and channel from per-customer tastes.

    Tastes vary continuously around a base mix (gender tilts the categories, a high
    purchase rate the channels), so no customer group stands apart.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    customer : numpy.ndarray
        Customer index of every order.
    rate_score : numpy.ndarray
        Standard normal score of each customer's purchase rate.
    gender : numpy.ndarray
        Gender code of each customer (index into ``GENDERS``).

    Returns
    -------
    category, channel : numpy.ndarray
        Text values of every order.
    """
    n = len(rate_score)
    category_base = np.log(np.array([_CATEGORY_BASE[g] for g in GENDERS]))
    category_taste = category_base[gender] + _TASTE_SPREAD * rng.standard_normal(
        (n, len(CATEGORIES))
    )
    channel_taste = (
        np.log(_CHANNEL_BASE)
        + np.outer(rate_score, _CHANNEL_RATE_TILT)
        + _TASTE_SPREAD * rng.standard_normal((n, len(CHANNELS)))
    )
    category = _gumbel_pick(rng, category_taste[customer])
    channel = _gumbel_pick(rng, channel_taste[customer])
    return (
        np.array(CATEGORIES, dtype=object)[category],
        np.array(CHANNELS, dtype=object)[channel],
    )


def _truth(
    orders: pd.DataFrame,
    sample: BGNBDSample,
    expected_value: np.ndarray,
    join: np.ndarray,
    as_of_second: int,
    horizons: Sequence[int],
) -> pd.DataFrame:
    """Per-customer truth: parameters, status at ``as_of`` and the realised future.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer``, ``second``, ``cents`` of every order.
    sample : BGNBDSample
        The purchase process in days since joining.
    expected_value : numpy.ndarray
        True expected order value of each customer.
    join : numpy.ndarray
        Join moment of each customer (seconds).
    as_of_second : int
        ``as_of_date`` in seconds since the epoch.
    horizons : sequence of int
        Future horizons in days.

    Returns
    -------
    pandas.DataFrame
        Text columns :data:`TRUTH_COLUMNS` then, per horizon ``h``,
        ``future_orders_<h>d``, ``future_revenue_<h>d`` and ``expected_orders_<h>d``.
    """
    n = len(join)
    dropped = np.isfinite(sample.dropout_time)
    dropout_second = join + _offset_seconds(np.where(dropped, sample.dropout_time, 0))
    alive = ~dropped | (dropout_second >= as_of_second)
    future = orders[orders["second"] >= as_of_second]
    next_second = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(next_second, future["customer"].to_numpy(), future["second"])
    has_next = next_second < np.iinfo(np.int64).max
    table = pd.DataFrame(
        {
            "customer_id": "",
            "first_order_at": _format_moments(join),
            "purchase_rate_per_day": format_floats(sample.rate, ".8g"),
            "dropout_probability": format_floats(sample.dropout, ".8g"),
            "expected_order_value": format_floats(expected_value, ".4f"),
            "is_alive_at_as_of": np.where(alive, "true", "false"),
            "dropped_out_at": _format_optional_moments(dropout_second, dropped),
            "next_order_at": _format_optional_moments(next_second, has_next),
        }
    )
    customer = future["customer"].to_numpy()
    elapsed = future["second"].to_numpy() - as_of_second
    rate_times_dropout = sample.rate * sample.dropout
    for horizon in horizons:
        within = elapsed < horizon * _SECONDS_PER_DAY
        count = np.bincount(customer[within], minlength=n)
        cents = np.bincount(
            customer[within], weights=future["cents"].to_numpy()[within], minlength=n
        )
        expected = np.where(
            alive, -np.expm1(-rate_times_dropout * horizon) / sample.dropout, 0.0
        )
        table[f"future_orders_{horizon}d"] = count.astype(str)
        table[f"future_revenue_{horizon}d"] = format_amounts(cents / 100)
        table[f"expected_orders_{horizon}d"] = format_floats(expected, ".6f")
    return table


def generate_continuum(
    n_customers: int = 5000,
    random_state: int = 42,
    as_of_date: str = AS_OF_DATE,
    future_days: int = 365,
    horizons: Sequence[int] = HORIZONS,
    params: ContinuumParams | None = None,
) -> dict[str, pd.DataFrame]:
    """Generate the continuum data set as text tables.

    Parameters
    ----------
    n_customers : int, default 5000
        Number of customers, all joined before ``as_of_date``.
    random_state : int, default 42
        Seed of :func:`numpy.random.default_rng`.
    as_of_date : str, default :data:`AS_OF_DATE`
        ``YYYY-MM-DD``: the observed history ends the day before.
    future_days : int, default 365
        Days simulated on and after ``as_of_date``.
    horizons : sequence of int, default :data:`HORIZONS`
        Future horizons (days, at most ``future_days``) of the truth columns.
    params : ContinuumParams, optional
        Generating parameters (default: ``ContinuumParams()``).

    Returns
    -------
    dict of str to pandas.DataFrame
        All columns text:

        ``orders``, ``future_orders``
            :data:`ORDER_COLUMNS`, sorted by time; order ids number all orders in
            time order, so future ids follow past ones.
        ``customers``
            :data:`CUSTOMER_COLUMNS`; customer ids number customers by join time.
        ``truth``
            :data:`TRUTH_COLUMNS`: the first order, the true ``lambda`` (per day),
            ``p`` and expected order value ``spend_p / nu``; ``is_alive_at_as_of``
            (``true``/``false``); ``dropped_out_at`` (the order right after which the
            customer dropped out, blank if alive at the end of the simulation);
            ``next_order_at`` (first order on or after ``as_of_date``, blank if none
            within ``future_days``: "bought again within H days" is ``next_order_at
            < as_of_date + H``). Then per horizon ``h``: ``future_orders_<h>d`` and
            ``future_revenue_<h>d`` (realised orders and revenue in ``[as_of_date,
            as_of_date + h)``) and ``expected_orders_<h>d`` (their expectation given
            the true ``lambda``, ``p`` and status: ``(1 - exp(-lambda p h)) / p`` if
            alive, else 0).

    Raises
    ------
    ValueError
        If ``n_customers < 1`` or a horizon is outside ``[1, future_days]``.

    Examples
    --------
    >>> tables = generate_continuum(n_customers=50)
    >>> sorted(tables)
    ['customers', 'future_orders', 'orders', 'truth']
    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    if any(not 1 <= horizon <= future_days for horizon in horizons):
        raise ValueError(
            f"horizons must be within 1..future_days={future_days}, got {horizons}"
        )
    params = params or ContinuumParams()
    join_rng, orders_rng, customers_rng, details_rng = np.random.default_rng(
        random_state
    ).spawn(4)
    as_of_second = int(np.datetime64(as_of_date, "s").astype(np.int64))
    end_second = as_of_second + future_days * _SECONDS_PER_DAY
    join = _join_seconds(join_rng, n_customers, params, as_of_second)
    orders, sample, nu = _draw_orders(orders_rng, join, end_second, params)
    rate_score = _normal_scores(special.gammainc(params.r, params.alpha * sample.rate))
    spend_score = -_normal_scores(special.gammainc(params.spend_q, params.spend_v * nu))
    customer_ids = format_ids(
        "K", np.arange(1, n_customers + 1), max(7, len(str(n_customers)))
    )
    people = _draw_customers(customers_rng, rate_score, spend_score)
    lead = customers_rng.integers(*_SIGN_UP_LEAD_SECONDS, size=n_customers)
    people.insert(0, "customer_id", customer_ids)
    people["signed_up_at"] = _format_moments(join - lead)
    customers = people.loc[:, list(CUSTOMER_COLUMNS)].astype(str)

    truth = _truth(orders, sample, params.spend_p / nu, join, as_of_second, horizons)
    truth["customer_id"] = customer_ids

    customer = orders["customer"].to_numpy()
    category, channel = _order_details(
        details_rng, customer, rate_score, people["gender_code"].to_numpy()
    )
    by_time = np.lexsort((customer, orders["second"].to_numpy()))
    table = pd.DataFrame(
        {
            "customer_id": customer_ids[customer],
            "ordered_at": _format_moments(orders["second"].to_numpy()),
            "amount": format_amounts(orders["cents"].to_numpy() / 100),
            "product_category": category,
            "channel": channel,
            "status": "completed",
        }
    ).iloc[by_time]
    order_numbers = np.arange(1, len(table) + 1)
    table.insert(
        0, "order_id", format_ids("O", order_numbers, max(8, len(str(len(table)))))
    )
    is_future = orders["second"].to_numpy()[by_time] >= as_of_second
    return {
        "orders": table[~is_future].reset_index(drop=True),
        "future_orders": table[is_future].reset_index(drop=True),
        "customers": customers,
        "truth": truth,
    }


def write_continuum(
    out_dir: str | Path,
    n_customers: int = 5000,
    random_state: int = 42,
    as_of_date: str = AS_OF_DATE,
    future_days: int = 365,
    horizons: Sequence[int] = HORIZONS,
    params: ContinuumParams | None = None,
) -> dict[str, Path]:
    """Generate the data set and write four CSVs and ``parameters.json``.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Directory to write into (created if missing).
    n_customers, random_state, as_of_date, future_days, horizons, params
        See :func:`generate_continuum`.

    Returns
    -------
    dict of str to pathlib.Path
        Path of every written file: ``orders``, ``future_orders``, ``customers``,
        ``truth`` (``<name>.csv``) and ``parameters`` (``parameters.json``).
    """
    params = params or ContinuumParams()
    tables = generate_continuum(
        n_customers, random_state, as_of_date, future_days, horizons, params
    )
    paths = write_csv_tables(tables, out_dir)
    description = {
        "generator": "segmentation.continuum",
        "generator_version": GENERATOR_VERSION,
        "as_of_date": as_of_date,
        "n_customers": n_customers,
        "random_state": random_state,
        "future_days": future_days,
        "horizons_days": list(horizons),
        "time_unit": "days",
        "params": asdict(params),
        "row_counts": {name: len(frame) for name, frame in tables.items()},
    }
    paths["parameters"] = Path(out_dir) / "parameters.json"
    paths["parameters"].write_text(
        json.dumps(description, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point: write the data set and print one summary line.

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
        prog="python -m segmentation.continuum",
        description="Write the BG/NBD customer continuum with its known future.",
    )
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument(
        "--customers", type=int, default=5000, help="number of customers (5000)"
    )
    parser.add_argument(
        "--random-state", type=int, default=42, help="random seed (default: 42)"
    )
    parser.add_argument(
        "--as-of-date", default=AS_OF_DATE, help=f"YYYY-MM-DD (default: {AS_OF_DATE})"
    )
    parser.add_argument(
        "--future-days",
        type=int,
        default=365,
        help="days simulated from as_of_date on (default: 365)",
    )
    args = parser.parse_args(argv)
    paths = write_continuum(
        args.out,
        n_customers=args.customers,
        random_state=args.random_state,
        as_of_date=args.as_of_date,
        future_days=args.future_days,
        horizons=[h for h in HORIZONS if h <= args.future_days] or [args.future_days],
    )
    counts = json.loads(paths["parameters"].read_text(encoding="utf-8"))["row_counts"]
    rows = ", ".join(f"{name}={count}" for name, count in counts.items())
    print(f"wrote {len(paths)} files to {args.out}: {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
