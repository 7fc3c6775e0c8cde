"""The build's side of the per-customer predictions.

:mod:`segmentation.clv` fits BG/NBD and Gamma-Gamma on one summary table; the
build fits them once per snapshot of the backtest harness (``current``: as of
``as_of_date``, scored over ``prediction_horizon_days``; ``backtest``: as of
``backtest_as_of_date``, scored over the backtest horizon and compared with what
happened) and stores, per snapshot, the parameters (``customer_value_model``)
and the customer-independent coefficients of the expected-orders series
(``customer_value_series``). SQL scores every customer from those two tables.

Examples
--------
>>> import pandas as pd
>>> sample = pd.DataFrame({
...     "snapshot": ["current"] * 3, "customer_id": ["a", "b", "c"],
...     "frequency": [0, 2, 5], "recency_weeks": [0.0, 10.0, 40.0],
...     "age_weeks": [20.0, 30.0, 50.0], "monetary_value": [None, 20.0, 35.0],
...     "eligible_customers": [3, 3, 3]})
>>> table = fit_value_models(sample, {"current": 90, "backtest": None})
>>> table["status"].unique().tolist()
['insufficient_data']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from segmentation.clv import (
    PARAMETER_TABLE_COLUMNS,
    SERIES_COLUMNS,
    SUMMARY_COLUMNS,
    fit_customer_value_model,
    parameters_from_table,
    series_coefficients,
    series_terms_needed,
)

SNAPSHOTS = ("current", "backtest")
MODEL_COLUMNS = ["snapshot", *PARAMETER_TABLE_COLUMNS, "horizon_days"]
SERIES_TABLE_COLUMNS = ["snapshot", *SERIES_COLUMNS]
DAYS_PER_WEEK = 7.0


def snapshot_horizons(
    run_parameters: pd.DataFrame, prediction_horizon_days: int
) -> dict[str, int | None]:
    """Horizon in days per snapshot: the prediction horizon for ``current``,
    the backtest horizon of ``int_run_parameters`` for ``backtest`` (None when
    the backtest is skipped).

    Examples
    --------
    >>> snapshot_horizons(pd.DataFrame({"backtest_horizon_days": [None]}), 90)
    {'current': 90, 'backtest': None}
    """
    values = run_parameters.get("backtest_horizon_days", pd.Series(dtype=float))
    backtest = values.iloc[0] if len(values) else None
    return {
        "current": int(prediction_horizon_days),
        "backtest": None if backtest is None or pd.isna(backtest) else int(backtest),
    }


def fit_value_models(
    sample: pd.DataFrame,
    horizons: Mapping[str, int | None],
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Fit the value models on each snapshot's sample.

    Parameters
    ----------
    sample : pandas.DataFrame
        ``customer_value_sample``: ``snapshot, customer_id, frequency,
        recency_weeks, age_weeks, monetary_value, eligible_customers``.
    horizons : mapping
        Snapshot -> horizon in days it is scored over (None: no such
        snapshot, e.g. a skipped backtest).
    params : mapping, optional
        Value-model settings (:data:`segmentation.clv.DEFAULT_VALUE_MODEL_PARAMS`).

    Returns
    -------
    pandas.DataFrame
        :data:`MODEL_COLUMNS`: seven rows (one per parameter) per snapshot.
        ``eligible_customers`` counts every customer of the snapshot, not only
        the sample.
    """
    frames = []
    for snapshot in SNAPSHOTS:
        horizon = horizons.get(snapshot)
        if horizon is None:
            continue
        rows = sample[sample["snapshot"] == snapshot]
        summary = rows.rename(columns={"recency_weeks": "recency", "age_weeks": "T"})
        table = fit_customer_value_model(summary[list(SUMMARY_COLUMNS)], params)
        if len(rows):
            table["eligible_customers"] = pd.array(
                [int(rows["eligible_customers"].max())] * len(table), dtype="Int64"
            )
        table.insert(0, "snapshot", snapshot)
        table["horizon_days"] = int(horizon)
        frames.append(table)
    return pd.concat(frames, ignore_index=True).reindex(columns=MODEL_COLUMNS)


def series_table(model: pd.DataFrame, rtol: float = 1e-10) -> pd.DataFrame:
    """Coefficients of the expected-orders series per fitted snapshot.

    Each snapshot whose BG/NBD fit has status ``fitted`` gets as many terms as
    :func:`segmentation.clv.series_terms_needed` says its horizon needs for a
    relative truncation error below ``rtol``.

    Parameters
    ----------
    model : pandas.DataFrame
        The table of :func:`fit_value_models`.
    rtol : float
        Relative truncation error allowed on expected orders.

    Returns
    -------
    pandas.DataFrame
        :data:`SERIES_TABLE_COLUMNS`, empty when nothing was fitted.
    """
    frames = []
    for snapshot in SNAPSHOTS:
        rows = model[(model["snapshot"] == snapshot) & (model["model"] == "bg_nbd")]
        if rows.empty or (rows["status"] != "fitted").any():
            continue
        params = parameters_from_table(rows, "bg_nbd")
        horizon = float(rows["horizon_days"].iloc[0]) / DAYS_PER_WEEK
        terms = series_terms_needed(params, horizon, rtol=rtol)
        coefficients = series_coefficients(params, terms)
        coefficients.insert(0, "snapshot", snapshot)
        frames.append(coefficients)
    if not frames:
        return pd.DataFrame(
            {
                "snapshot": pd.Series(dtype=object),
                "k": pd.Series(dtype=np.int64),
                "log_abs_coefficient": pd.Series(dtype=np.float64),
                "sign": pd.Series(dtype=np.int64),
            }
        )
    table = pd.concat(frames, ignore_index=True)
    return table.astype({"k": np.int64, "sign": np.int64})
