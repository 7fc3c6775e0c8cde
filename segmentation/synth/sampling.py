"""Random draws shared by the sample's tables.

Every function takes the :class:`numpy.random.Generator` it draws from; the order of
the draws is part of the sample's byte-for-byte reproducibility.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from segmentation.synth.profiles import SECONDS_PER_DAY

# Hour-of-day weights of online orders and events (store orders: opening hours).
_ONLINE_HOUR_WEIGHTS = np.array(
    [2, 1, 1, 1, 1, 1, 2, 4, 6, 7, 8, 9, 10, 9, 8, 8, 8, 9, 11, 13, 14, 13, 9, 5],
    dtype=float,
)
_STORE_HOURS = (9, 20)


def as_probabilities(weights: Sequence[float] | np.ndarray) -> np.ndarray:
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


def pick_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
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


def pick(rng: np.random.Generator, weights: Sequence[float], size: int) -> np.ndarray:
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
    return rng.choice(len(weights), size=size, p=as_probabilities(weights))


def rank_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
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


def dirichlet_rows(
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


def uniform_int(
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


def dirt_count(n_rows: int, rate: float) -> int:
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
    online_hour = pick(rng, _ONLINE_HOUR_WEIGHTS, len(in_store))
    store_hour = rng.integers(_STORE_HOURS[0], _STORE_HOURS[1], size=len(in_store))
    hour = np.where(in_store, store_hour, online_hour)
    return hour * 3600 + rng.integers(0, 3600, size=len(in_store))


def seconds_before_extract(
    rng: np.random.Generator, days: np.ndarray, in_store: np.ndarray
) -> np.ndarray:
    """Draw a moment on each given day, as seconds before the extract.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    days : numpy.ndarray
        Whole days before the extract date.
    in_store : numpy.ndarray
        Boolean mask of store transactions (opening hours; the others online).

    Returns
    -------
    numpy.ndarray
        Seconds between each moment and the extract date.
    """
    return days * SECONDS_PER_DAY - _seconds_of_day(rng, in_store)


def negative_binomial(
    rng: np.random.Generator, mean: np.ndarray, dispersion: float = 6.0
) -> np.ndarray:
    """Draw counts from a negative binomial with the given means.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    mean : numpy.ndarray
        Mean of each draw.
    dispersion : float, default 6.0
        Number of successes; larger values are closer to Poisson.

    Returns
    -------
    numpy.ndarray
        Non-negative integer counts.
    """
    return rng.negative_binomial(dispersion, dispersion / (dispersion + mean))


def disjoint_positions(
    rng: np.random.Generator, n_rows: int, counts: Sequence[int]
) -> list[np.ndarray]:
    """Draw disjoint sets of row positions, one set per count.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    n_rows : int
        Number of rows to draw from.
    counts : sequence of int
        Size of each set; they add up to at most ``n_rows``.

    Returns
    -------
    list of numpy.ndarray
        Sorted positions of each set, no position in two sets.
    """
    picks = rng.permutation(n_rows)
    ends = np.cumsum(counts)
    return [
        np.sort(picks[end - count : end])
        for count, end in zip(counts, ends.tolist(), strict=True)
    ]


def exact_copies(
    rng: np.random.Generator, frame: pd.DataFrame, count: int
) -> pd.DataFrame:
    """Copy distinct random rows of a table, in table order.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    frame : pandas.DataFrame
        Rows to copy from.
    count : int
        Number of rows to copy, at most ``len(frame)``.

    Returns
    -------
    pandas.DataFrame
        The copied rows, with their index.
    """
    positions = rng.choice(len(frame), size=count, replace=False)
    return frame.iloc[np.sort(positions)].copy()
