"""What the training data looked like, so later runs can measure drift.

At fit time, each selected source feature is cut into (at most) ``n_bins``
quantile bins on the training sample, plus a bin for missing values, and the
share of training customers in each bin is kept. A later run counts today's
customers in the same bins; the population stability index (PSI) per feature,
``sum((actual - expected) * ln(actual / expected))``, is computed in SQL
(model ``segment_drift``). Rule of thumb: < 0.1 stable, 0.1-0.25 moderate shift,
> 0.25 large shift.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.prep import selected_steps

DISTRIBUTION_COLUMNS = [
    "feature",
    "bin_number",
    "lower_edge",
    "upper_edge",
    "is_missing_bin",
    "training_customers",
    "expected_share",
]


def training_distribution(
    sample: pd.DataFrame, steps: pd.DataFrame, n_bins: int = 10
) -> pd.DataFrame:
    """Quantile bins and training shares of every selected source feature.

    Parameters
    ----------
    sample : pandas.DataFrame
        The training sample.
    steps : pandas.DataFrame
        The fitted preparation table; its selected, non-indicator source columns
        are binned.
    n_bins : int
        Largest number of quantile bins per feature (ties merge bins).

    Returns
    -------
    pandas.DataFrame
        One row per feature and bin (:data:`DISTRIBUTION_COLUMNS`). Bin 0 holds
        missing values; the first and last bins are open (null edge).
    """
    usable = selected_steps(steps)
    usable = usable[usable["transform"] != "missing_indicator"]
    rows = []
    total = max(len(sample), 1)
    for feature in sorted(set(usable["source_column"])):
        values = pd.to_numeric(sample[feature], errors="coerce").to_numpy(
            dtype=np.float64
        )
        present = values[~np.isnan(values)]
        rows.append((feature, 0, np.nan, np.nan, True, int(np.isnan(values).sum())))
        if present.size == 0:
            continue
        inner = np.unique(np.quantile(present, np.linspace(0, 1, n_bins + 1)[1:-1]))
        inner = inner[inner > present.min()]  # no empty first bin
        edges = np.concatenate([[-np.inf], inner, [np.inf]])
        counts = np.histogram(present, bins=edges)[0]
        # np.histogram closes the last bin on the right; SQL uses [lower, upper).
        for number, (lower, upper, count) in enumerate(
            zip(edges[:-1], edges[1:], counts, strict=True), start=1
        ):
            rows.append((feature, number, lower, upper, False, int(count)))
    table = pd.DataFrame(rows, columns=DISTRIBUTION_COLUMNS[:-1])
    table = table.astype(
        {"bin_number": np.int64, "lower_edge": np.float64, "upper_edge": np.float64}
    )
    table["is_missing_bin"] = table["is_missing_bin"].astype(bool)
    for edge in ("lower_edge", "upper_edge"):  # open ends are null, not infinite
        table[edge] = table[edge].where(np.isfinite(table[edge]))
    table["training_customers"] = _half_open_counts(sample, table)
    table["expected_share"] = table["training_customers"] / total
    return table[DISTRIBUTION_COLUMNS]


def _half_open_counts(sample: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    """Customers per bin with [lower, upper) bins, exactly as the SQL counts them."""
    counts = []
    for row in table.itertuples(index=False):
        values = pd.to_numeric(sample[row.feature], errors="coerce")
        if row.is_missing_bin:
            counts.append(int(values.isna().sum()))
            continue
        inside = values.notna()
        if not np.isnan(row.lower_edge):
            inside &= values >= row.lower_edge
        if not np.isnan(row.upper_edge):
            inside &= values < row.upper_edge
        counts.append(int(inside.sum()))
    return np.asarray(counts, dtype=np.int64)
