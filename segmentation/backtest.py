"""Judge candidate segmentations by what customers did next.

The build computes every customer's features as of ``backtest_as_of_date``
(``as_of_date`` minus a horizon) and what they did in the horizon after it:
``bought_again`` (0/1), ``future_orders`` and ``future_revenue``.  Each
candidate is fitted on those earlier features; its segments are then scored
against the outcomes:

* ``backtest_auc``: the buy-again AUC of segment membership, i.e. the ROC AUC
  of the segment's own buy-again rate used as every member's score (ties
  between segments with equal rates count one half), averaged over the fit
  on the whole backtest sample and the refits on random halves that the
  stability score makes (every customer assigned to the nearest segment
  mean, as SQL deploys it), so a configuration is judged by what a refit
  gives, not by one lucky partition;
* ``revenue_explained``: the share of the variance of ``ln(1 +
  future_revenue)`` explained by the segment means (eta squared);
* ``buy_again_spread``: the highest minus the lowest buy-again rate across
  segments.

The AUC's own noise comes from a bootstrap over customers (the same
``backtest_bootstrap_samples`` resamples for every candidate, so differences
are paired): ``backtest_auc_se`` is the spread of a candidate's AUC and
``backtest_gap_noise`` the spread of its difference to the best candidate.

Selection rule (:func:`select_by_backtest`), which never reads true labels:
among *eligible* candidates (deployable, stability >= ``min_stability``,
smallest segment >= ``min_segment_share``, largest <= ``max_segment_share``,
smallest segment scaled to the whole base >= ``min_segment_customers``,
nearest-centroid agreement >= 0.9), the best ``backtest_auc`` sets the bar;
every candidate whose gap to it is at most ``backtest_auc_tolerance`` or
within its bootstrap noise counts as tied; among tied candidates the fewest
segments win, then the best mean rank over silhouette, Davies-Bouldin,
Calinski-Harabasz and stability, then the lowest ``candidate_id``.

Examples
--------
>>> import numpy as np
>>> labels = np.array([0, 0, 1, 1])
>>> bought = np.array([0, 0, 1, 1])
>>> segment_auc(labels, bought)
1.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

OUTCOME_COLUMNS = ("bought_again", "future_orders", "future_revenue")
POPULATION_COLUMN = "population_customers"
RFM_FEATURES = ("recency_days", "frequency", "monetary")
# Order-history features beside RFM (the "behaviour" feature set).
BEHAVIOUR_FEATURES = (
    "avg_order_value",
    "tenure_days",
    "mean_days_between_orders",
    "return_rate",
    "cancel_rate",
)
FEATURE_SET_ORDER = ("rfm", "rfm_behaviour", "all", "custom")
MIN_OUTCOME_ROWS = 20
METRIC_COLUMNS = (
    "backtest_auc",
    "backtest_auc_se",
    "revenue_explained",
    "buy_again_spread",
)


def feature_sets(
    numeric_columns: Sequence[str], params: Mapping[str, Any]
) -> dict[str, list[str]]:
    """The feature sets the search compares.

    Parameters
    ----------
    numeric_columns : sequence of str
        Numeric feature columns available (outcomes excluded).
    params : mapping
        Resolved parameters; ``features`` (the var ``segmentation_features``)
        replaces the sets with one ``custom`` set, ``exclude_features`` is
        removed from every set.

    Returns
    -------
    dict
        ``rfm`` (recency, frequency, monetary), ``rfm_behaviour`` (plus
        order value, tenure, rhythm, return and cancel rates) and ``all``
        (every numeric column), each only when it has a column and differs
        from the previous sets.

    Examples
    --------
    >>> feature_sets(["recency_days", "frequency", "monetary", "x"], {
    ...     "features": None, "exclude_features": []})
    {'rfm': ['recency_days', 'frequency', 'monetary'], 'all': ['recency_days', \
'frequency', 'monetary', 'x']}
    """
    excluded = set(params.get("exclude_features") or [])
    available = [c for c in numeric_columns if c not in excluded]
    if params.get("features"):
        custom = [c for c in params["features"] if c in available]
        return {"custom": custom} if custom else {}
    rfm = [c for c in RFM_FEATURES if c in available]
    behaviour = rfm + [c for c in BEHAVIOUR_FEATURES if c in available]
    out: dict[str, list[str]] = {}
    for name, columns in (("rfm", rfm), ("rfm_behaviour", behaviour)):
        if columns and columns not in out.values():
            out[name] = columns
    if available and available not in out.values():
        out["all"] = list(available)
    return out


def _auc_from_counts(positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """ROC AUC of segment rates from per-segment counts.

    ``positives`` and ``negatives`` have shape (..., k); the score of a
    segment is its rate ``pos / (pos + neg)``.  Returns shape (...) with NaN
    when one class is absent.
    """
    pos = np.asarray(positives, dtype=np.float64)
    neg = np.asarray(negatives, dtype=np.float64)
    size = pos + neg
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(size > 0, pos / np.where(size > 0, size, 1), 0.0)
    greater = (rate[..., :, None] > rate[..., None, :]).astype(np.float64)
    equal = (rate[..., :, None] == rate[..., None, :]).astype(np.float64)
    pairs = pos[..., :, None] * neg[..., None, :]
    wins = (pairs * (greater + 0.5 * equal)).sum(axis=(-2, -1))
    total = pos.sum(axis=-1) * neg.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, wins / np.where(total > 0, total, 1), np.nan)


def _onehot(labels: np.ndarray) -> np.ndarray:
    """Indicator matrix of the non-negative labels (noise rows are all zero)."""
    values = np.unique(labels[labels >= 0])
    return (labels[:, None] == values[None, :]).astype(np.float64)


def segment_auc(labels: np.ndarray, bought_again: np.ndarray) -> float:
    """Buy-again AUC of segment membership (noise rows, label -1, excluded).

    Examples
    --------
    >>> segment_auc(np.array([0, 1, 1]), np.array([1, 0, 1]))
    0.75
    """
    labels = np.asarray(labels)
    y = np.asarray(bought_again, dtype=np.float64)
    onehot = _onehot(labels)
    return float(_auc_from_counts(y @ onehot, (1 - y) @ onehot))


def bootstrap_weights(n: int, n_samples: int, random_state: int) -> np.ndarray:
    """How often each of ``n`` rows is drawn in each bootstrap resample.

    Returns an array of shape (n_samples, n); the same ``random_state`` gives
    the same resamples, so every candidate is judged on the same ones.
    """
    rng = np.random.RandomState(random_state)
    draws = rng.randint(0, n, size=(n_samples, n))
    return np.vstack([np.bincount(row, minlength=n) for row in draws]).astype(
        np.float64
    )


def usefulness(
    fits: Sequence[np.ndarray],
    outcomes: pd.DataFrame,
    weights: np.ndarray,
) -> tuple[dict[str, float], np.ndarray]:
    """Out-of-time usefulness of one configuration, averaged over its fits.

    Parameters
    ----------
    fits : sequence of numpy.ndarray
        Segment of each backtest customer (``-1`` = noise, excluded) from each
        fit of the configuration: the fit on the whole sample and its refits
        on random halves, every customer assigned to the nearest segment mean.
        Averaging over refits judges what a deployed refit would give, not
        one lucky partition; an empty sequence gives NaN.
    outcomes : pandas.DataFrame
        ``bought_again``, ``future_revenue`` aligned with the labels.
    weights : numpy.ndarray of shape (n_resamples, n)
        Bootstrap weights from :func:`bootstrap_weights`.

    Returns
    -------
    metrics : dict
        ``backtest_auc``, ``backtest_auc_se``, ``revenue_explained``,
        ``buy_again_spread`` (means over the fits; NaN when not computable).
    resampled : numpy.ndarray of shape (n_resamples,)
        The mean AUC on every resample (for paired comparisons).
    """
    nan = float("nan")
    per_fit = [_one_fit(np.asarray(f), outcomes, weights) for f in fits]
    per_fit = [m for m in per_fit if m is not None]
    if not per_fit:
        return dict.fromkeys(METRIC_COLUMNS, nan), np.full(weights.shape[0], nan)
    resampled = np.mean([r for _, r in per_fit], axis=0)
    metrics = {
        key: float(np.mean([m[key] for m, _ in per_fit]))
        for key in ("backtest_auc", "revenue_explained", "buy_again_spread")
    }
    finite = np.isfinite(resampled)
    metrics["backtest_auc_se"] = (
        float(np.std(resampled[finite], ddof=1)) if finite.sum() > 1 else nan
    )
    return metrics, resampled


def _one_fit(
    labels: np.ndarray, outcomes: pd.DataFrame, weights: np.ndarray
) -> tuple[dict[str, float], np.ndarray] | None:
    """Usefulness of one partition and its AUC on every resample."""
    y = outcomes["bought_again"].astype(np.float64).to_numpy()
    onehot = _onehot(labels)
    if onehot.shape[1] == 0:
        return None
    pos, neg = y @ onehot, (1 - y) @ onehot
    size = pos + neg
    revenue = np.log1p(
        np.clip(outcomes["future_revenue"].astype(np.float64).to_numpy(), 0, None)
    )
    clustered = labels >= 0
    centre = revenue[clustered].mean()
    total = ((revenue[clustered] - centre) ** 2).sum()
    means = (revenue @ onehot) / np.where(size > 0, size, 1)
    between = (size * (means - centre) ** 2).sum()
    resampled = _auc_from_counts(
        weights @ (onehot * y[:, None]), weights @ (onehot * (1 - y)[:, None])
    )
    rates = pos[size > 0] / size[size > 0]
    metrics = {
        "backtest_auc": float(_auc_from_counts(pos, neg)),
        "revenue_explained": float(between / total) if total > 0 else float("nan"),
        "buy_again_spread": float(rates.max() - rates.min())
        if rates.size
        else float("nan"),
    }
    return metrics, resampled


def outcomes_usable(outcomes: pd.DataFrame | None) -> str | None:
    """Why the backtest outcomes cannot judge candidates, or None if they can."""
    if outcomes is None or len(outcomes) < MIN_OUTCOME_ROWS:
        n = 0 if outcomes is None else len(outcomes)
        return (
            f"only {n} customers were known at the backtest date, fewer than "
            f"{MIN_OUTCOME_ROWS}"
        )
    bought = outcomes["bought_again"].astype(bool)
    if bought.all() or not bought.any():
        share = "all" if bought.all() else "none"
        return (
            f"{share} of the {len(outcomes):,} customers known at the backtest date "
            "bought again in the horizon, so nothing can be separated"
        )
    return None


def mean_tie_rank(tied: pd.DataFrame) -> pd.Series:
    """Mean rank over silhouette, Davies-Bouldin, Calinski-Harabasz, stability."""
    ranks = pd.concat(
        [
            tied["silhouette"].rank(ascending=False),
            tied["davies_bouldin"].rank(ascending=True),
            tied["calinski_harabasz"].rank(ascending=False),
            tied["stability"].rank(ascending=False),
        ],
        axis=1,
    )
    return ranks.mean(axis=1)


def select_by_backtest(
    table: pd.DataFrame,
    resampled: Mapping[int, np.ndarray],
    params: Mapping[str, Any],
    rules: str,
) -> pd.DataFrame:
    """Flag the one selected candidate by backtest usefulness (module doc).

    Parameters
    ----------
    table : pandas.DataFrame
        Candidate table with ``is_eligible``, ``backtest_auc`` and the
        geometric metrics; index = row position.
    resampled : mapping
        Row index -> the candidate's AUC on each bootstrap resample.
    params : mapping
        Resolved parameters (``backtest_auc_tolerance``).
    rules : str
        The eligibility rules in words, for ``selection_reason``.

    Returns
    -------
    pandas.DataFrame
        ``table`` with ``backtest_auc_gap``, ``backtest_gap_noise``,
        ``is_tied_with_best``, ``selection_score``, ``is_selected`` and
        ``selection_reason`` filled.  When no candidate is eligible every
        deployable candidate with a backtest AUC competes (said in the
        reason); when none has one, nothing is selected.
    """
    table = table.copy()
    tolerance = params["backtest_auc_tolerance"]
    pool = table[table["is_eligible"] & table["backtest_auc"].notna()]
    fallback = ""
    if pool.empty:
        pool = table[table["is_deployable"] & table["backtest_auc"].notna()]
        fallback = (
            f"fallback: no candidate met the eligibility rules ({rules}), so every "
            "deployable candidate competed; "
        )
    if pool.empty:
        return table
    best = pool["backtest_auc"].idxmax()
    best_auc = float(table.at[best, "backtest_auc"])
    table["backtest_auc_gap"] = best_auc - table["backtest_auc"]
    noise = {
        i: float(np.nanstd(resampled[best] - resampled[i], ddof=1))
        if i != best and np.isfinite(resampled[i]).sum() > 1
        else 0.0
        for i in table.index
        if table.at[i, "backtest_auc"] == table.at[i, "backtest_auc"]
    }
    table["backtest_gap_noise"] = pd.Series(noise, dtype=np.float64)
    gap = table.loc[pool.index, "backtest_auc_gap"]
    bar = np.maximum(tolerance, table.loc[pool.index, "backtest_gap_noise"])
    tied = pool[gap <= bar + 1e-12]
    table["is_tied_with_best"] = table.index.isin(tied.index)
    table["selection_score"] = table["backtest_auc"].where(table.index.isin(pool.index))
    fewest = tied[tied["n_clusters"] == tied["n_clusters"].min()]
    mean_rank = mean_tie_rank(fewest)
    chosen = mean_rank[mean_rank == mean_rank.min()].index.min()
    if pd.isna(chosen):
        chosen = fewest.index.min()
    row = table.loc[chosen]
    reason = (
        f"{fallback}backtest: the fewest segments ({int(row['n_clusters'])}) among "
        f"the {len(tied)} of {len(pool)} "
        f"{'deployable' if fallback else 'eligible'} candidates whose buy-again AUC "
        f"over the horizon is within {tolerance:g} or the bootstrap noise of the "
        f"best ({best_auc:.3f}); this one: AUC {row['backtest_auc']:.3f} "
        f"({row['algorithm']}, feature set {row['feature_set']})"
    )
    if len(fewest) > 1:
        reason += (
            f"; {len(fewest)} tied candidates had {int(row['n_clusters'])} segments "
            "and this one has the best mean rank over silhouette, Davies-Bouldin, "
            "Calinski-Harabasz and stability"
        )
    if not fallback:
        reason += f" ({rules})"
    table.at[chosen, "is_selected"] = True
    table.at[chosen, "selection_reason"] = reason
    return table
