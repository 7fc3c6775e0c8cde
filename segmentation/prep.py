"""Feature preparation for customer segmentation.

:class:`FeaturePreparer` turns a customer feature table into the scaled
numeric matrix the clustering algorithms work on, and records every decision
in a *step table* (``steps_``) that SQL can replay exactly.  For each selected
feature the prepared value is::

    ((least(greatest(T(coalesce(x, impute_value)), lower_bound), upper_bound))
      - center) / scale

with ``T(v) = ln(1 + greatest(v, 0))`` when ``transform = 'log1p'`` and
``T(v) = v`` when ``transform = 'identity'``.  Missing-indicator features
(``transform = 'missing_indicator'``) are
``((case when x is null then 1.0 else 0.0 end) - center) / scale``.
:func:`apply_steps` evaluates exactly this formula from the table alone.

Per input column the preparer, in this order:

1. imputes NaN with the training median (``impute_value``) and, when more than
   5% of the column is missing, adds a ``<col>__missing`` indicator feature;
2. applies ``log1p`` when the column is non-negative and its skewness exceeds
   ``skew_threshold`` (computed as ``ln(1 + max(x, 0))`` so new negative values
   are safe and SQL's ``ln(1 + x)`` is matched operation for operation);
3. clips to the IQR fences ``Q1 - f*IQR, Q3 + f*IQR`` computed in transformed
   units (min/max when the IQR is 0);
4. standardises with the mean and population standard deviation of the
   clipped training column.

Feature selection is recorded, never hidden: ``drop_reason`` is one of
``excluded`` (not in ``features`` or in ``exclude_features``), ``non_numeric``
(strings, categories, dates and booleans), ``all_missing``, ``near_constant``
(std after transform < 1e-6 or one value covers > 95% of rows) or
``correlated_with:<kept feature>`` (|Pearson r| > ``correlation_threshold`` on
clipped, transformed values with an earlier kept feature; columns are visited
in input order with each indicator right after its source column).

This module also validates the shared run parameters (:func:`resolve_params`;
their defaults are the dbt vars, see :mod:`segmentation.params`) and holds the
input checks used by the other modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from segmentation.params import SEGMENTATION_VARS, with_defaults

ID_COLUMN = "customer_id"


KNOWN_ALGORITHMS = ("kmeans", "gaussian_mixture", "ward", "hdbscan")

STEP_COLUMNS = [
    "feature_order",
    "feature",
    "source_column",
    "transform",
    "impute_value",
    "lower_bound",
    "upper_bound",
    "center",
    "scale",
    "missing_share",
    "skewness",
    "is_selected",
    "drop_reason",
]

MISSING_SUFFIX = "__missing"
_NEAR_CONSTANT_STD = 1e-6


def resolve_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Complete the run parameters with their dbt var defaults and validate them.

    Parameters
    ----------
    params : mapping or None
        User parameters (for example the dbt model config). Keys left out or
        set to ``None`` take the default of their var in ``dbt_project.yml``
        (:data:`segmentation.params.SEGMENTATION_VARS`); unknown keys are kept.

    Returns
    -------
    dict
        A new dictionary with every parameter present and typed.

    Raises
    ------
    ValueError
        If a value is out of range, with a message naming the parameter.
    """
    merged = with_defaults(params, SEGMENTATION_VARS)
    merged["features"] = _as_name_list(merged["features"])
    merged["exclude_features"] = _as_name_list(merged["exclude_features"]) or []
    merged["algorithms"] = _as_name_list(merged["algorithms"]) or []
    for key in (
        "k_min",
        "k_max",
        "random_state",
        "silhouette_sample_size",
        "stability_splits",
        "hierarchical_max_rows",
        "mixture_max_rows",
        "rule_max_depth",
        "min_segment_customers",
        "backtest_bootstrap_samples",
    ):
        merged[key] = int(merged[key])
    for key in (
        "min_segment_share",
        "min_stability",
        "max_segment_share",
        "backtest_auc_tolerance",
        "correlation_threshold",
        "skew_threshold",
        "outlier_iqr_factor",
        "outlier_quantile",
        "segment_match_max_distance",
    ):
        merged[key] = float(merged[key])
    merged["include_autoencoder"] = bool(merged["include_autoencoder"])
    merged["refit"] = bool(merged["refit"])
    _validate_params(merged)
    return merged


def _as_name_list(value: Any) -> list[str] | None:
    """Return ``value`` as a list of column names (a lone string is wrapped)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _validate_params(p: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` with a plain message for out-of-range parameters."""
    if p["k_min"] < 2:
        raise ValueError(f"k_min must be at least 2 (got {p['k_min']}).")
    if p["k_max"] < p["k_min"]:
        raise ValueError(
            f"k_max ({p['k_max']}) must be greater than or equal to k_min "
            f"({p['k_min']})."
        )
    if not p["algorithms"]:
        raise ValueError(
            f"algorithms must list at least one of {list(KNOWN_ALGORITHMS)}."
        )
    unknown = sorted(set(p["algorithms"]) - set(KNOWN_ALGORITHMS))
    if unknown:
        raise ValueError(
            f"unknown algorithm(s) {unknown}; choose from {list(KNOWN_ALGORITHMS)}."
        )
    if p["silhouette_sample_size"] < 2:
        raise ValueError("silhouette_sample_size must be at least 2.")
    if p["stability_splits"] < 0:
        raise ValueError("stability_splits must be 0 or more.")
    if p["hierarchical_max_rows"] < 10:
        raise ValueError("hierarchical_max_rows must be at least 10.")
    if p["mixture_max_rows"] < 10:
        raise ValueError("mixture_max_rows must be at least 10.")
    if p["rule_max_depth"] < 1:
        raise ValueError("rule_max_depth must be at least 1.")
    for key in ("min_segment_share", "min_stability", "outlier_quantile"):
        if not 0.0 <= p[key] <= 1.0:
            raise ValueError(f"{key} must be between 0 and 1 (got {p[key]}).")
    if not 0.0 < p["correlation_threshold"] <= 1.0:
        raise ValueError("correlation_threshold must be in (0, 1].")
    if p["outlier_iqr_factor"] <= 0:
        raise ValueError("outlier_iqr_factor must be positive.")


def check_features(features: Any, id_column: str = ID_COLUMN) -> pd.DataFrame:
    """Validate a customer feature table and return it sorted by id.

    Sorting makes every result independent of the row order in which the
    warehouse happens to return the sample.

    Parameters
    ----------
    features : pandas.DataFrame
        One row per customer with an ``id_column`` column.
    id_column : str, default="customer_id"
        Name of the customer identifier column.

    Returns
    -------
    pandas.DataFrame
        A copy sorted by ``id_column`` (stable) with a fresh ``RangeIndex``.

    Raises
    ------
    TypeError
        If ``features`` is not a DataFrame.
    ValueError
        If the table is empty, lacks the id column or repeats an id.
    """
    if not isinstance(features, pd.DataFrame):
        raise TypeError(
            f"features must be a pandas DataFrame, got {type(features).__name__}."
        )
    if len(features) == 0:
        raise ValueError(
            "features is empty: the customer sample has no rows, so there is "
            "nothing to segment. Check the upstream sample model."
        )
    if id_column not in features.columns:
        raise ValueError(
            f"features has no '{id_column}' column; it is needed to identify customers."
        )
    ids = features[id_column]
    if ids.isna().any():
        raise ValueError(f"features has rows with an empty '{id_column}'.")
    if ids.duplicated().any():
        dupes = ids[ids.duplicated()].astype(str).head(3).tolist()
        raise ValueError(
            f"'{id_column}' must be unique in features; repeated ids include {dupes}."
        )
    order = np.argsort(ids.astype(str).to_numpy(), kind="stable")
    return features.iloc[order].reset_index(drop=True)


def is_numeric_column(column: pd.Series) -> bool:
    """Return True for numeric, non-boolean columns.

    Booleans are treated as non-numeric so the SQL formula never has to
    coalesce a BOOLEAN with a DOUBLE; cast them to 0/1 upstream to use them.
    """
    return bool(
        pd.api.types.is_numeric_dtype(column)
        and not pd.api.types.is_bool_dtype(column)
        and not pd.api.types.is_complex_dtype(column)
    )


def as_float(column: pd.Series) -> np.ndarray:
    """Return a column as a float64 array with missing values as NaN."""
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def log1p_nonnegative(values: np.ndarray) -> np.ndarray:
    """Return ``ln(1 + max(values, 0))``, the ``log1p`` step of the table.

    Computed as ``log(1 + v)`` rather than ``numpy.log1p`` so that it performs
    the same floating-point operations as SQL's ``ln(1 + greatest(v, 0))``.
    """
    return np.log(1.0 + np.maximum(values, 0.0))


def _skewness(values: np.ndarray) -> float:
    """Biased (population) sample skewness; 0 for constant input."""
    if values.size == 0:
        return float("nan")
    mean = values.mean()
    dev = values - mean
    m2 = np.mean(dev**2)
    if np.sqrt(m2) <= 1e-12 * max(1.0, abs(mean)):
        return 0.0
    return float(np.mean(dev**3) / m2**1.5)


def _empty_step(column: str, reason: str) -> dict[str, Any]:
    """Step row for a column that is not considered (excluded/non-numeric)."""
    return {
        "feature": column,
        "source_column": column,
        "transform": None,
        "impute_value": np.nan,
        "lower_bound": np.nan,
        "upper_bound": np.nan,
        "center": np.nan,
        "scale": np.nan,
        "missing_share": np.nan,
        "skewness": np.nan,
        "drop_reason": reason,
    }


def _fit_numeric_column(
    column: str,
    values: np.ndarray,
    skew_threshold: float,
    iqr_factor: float,
    near_constant_share: float,
) -> tuple[dict[str, Any], np.ndarray]:
    """Learn impute/transform/clip/scale for one numeric column.

    Returns the step row (``drop_reason`` set to ``near_constant`` or
    ``all_missing`` when applicable) and the clipped, transformed training
    values used for the correlation check.
    """
    missing = np.isnan(values)
    finite = values[np.isfinite(values)]
    step = _empty_step(column, None)
    step["missing_share"] = float(missing.mean())
    if finite.size == 0:
        step["transform"] = "identity"
        step["drop_reason"] = "all_missing"
        return step, np.full(values.shape, np.nan)
    impute = float(np.median(finite))
    skew = _skewness(finite)
    use_log = bool(finite.min() >= 0 and skew > skew_threshold)
    imputed = np.where(missing, impute, values)
    transformed = log1p_nonnegative(imputed) if use_log else imputed
    finite_t = transformed[np.isfinite(transformed)]
    q1, q3 = np.percentile(finite_t, [25.0, 75.0])
    iqr = q3 - q1
    if iqr > 0:
        lower, upper = q1 - iqr_factor * iqr, q3 + iqr_factor * iqr
    else:
        lower, upper = finite_t.min(), finite_t.max()
    clipped = np.minimum(np.maximum(transformed, lower), upper)
    _, counts = np.unique(imputed, return_counts=True)
    near_constant = (
        finite_t.std() < _NEAR_CONSTANT_STD
        or counts.max() / imputed.size > near_constant_share
    )
    step.update(
        transform="log1p" if use_log else "identity",
        impute_value=impute,
        lower_bound=float(lower),
        upper_bound=float(upper),
        center=float(clipped.mean()),
        scale=float(clipped.std()),
        skewness=skew,
        drop_reason="near_constant" if near_constant else None,
    )
    return step, clipped


def _fit_indicator(
    column: str, values: np.ndarray, near_constant_share: float
) -> tuple[dict[str, Any], np.ndarray]:
    """Learn the scaling of the ``<column>__missing`` indicator feature."""
    indicator = np.isnan(values).astype(np.float64)
    share = float(indicator.mean())
    step = _empty_step(column + MISSING_SUFFIX, None)
    step.update(
        source_column=column,
        transform="missing_indicator",
        center=share,
        scale=float(indicator.std()),
        missing_share=share,
        drop_reason=(
            "near_constant" if max(share, 1 - share) > near_constant_share else None
        ),
    )
    return step, indicator


def _correlation_drops(
    names: list[str], matrix: np.ndarray, threshold: float
) -> dict[int, str]:
    """Greedy correlation filter in column order.

    Returns ``{position: kept feature name}`` for every column whose
    |Pearson r| with an earlier kept column exceeds ``threshold`` (the most
    correlated kept column is named; ties go to the earlier one).
    """
    if matrix.shape[1] < 2:
        return {}
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.abs(np.corrcoef(matrix, rowvar=False))
    drops: dict[int, str] = {}
    kept: list[int] = []
    for j in range(matrix.shape[1]):
        over = [(corr[i, j], -i) for i in kept if corr[i, j] > threshold]
        if over:
            drops[j] = names[-max(over)[1]]
        else:
            kept.append(j)
    return drops


class FeaturePreparer(TransformerMixin, BaseEstimator):
    """Impute, log-transform, clip and standardise customer features.

    See the module docstring for the exact formula and selection rules.

    Parameters
    ----------
    features : list of str or None, default=None
        Columns to consider; ``None`` means every numeric column.
    exclude_features : list of str or None, default=None
        Columns never to use.
    correlation_threshold : float, default=0.9
        Drop the later column of any pair with a larger |Pearson r|.
    skew_threshold : float, default=1.0
        Apply ``log1p`` to non-negative columns with a larger skewness.
    outlier_iqr_factor : float, default=3.0
        Width ``f`` of the IQR fences used for clipping.
    missing_indicator_share : float, default=0.05
        Add a ``<col>__missing`` indicator when a larger share is missing.
    near_constant_share : float, default=0.95
        Drop a column whose most frequent value covers a larger share.
    id_column : str, default="customer_id"
        Identifier column, never used as a feature.

    Attributes
    ----------
    steps_ : pandas.DataFrame
        One row per input column considered (plus indicator rows) with the
        columns in :data:`STEP_COLUMNS`.
    feature_names_out_ : list of str
        Selected feature names in output order.
    feature_names_in_ : numpy.ndarray
        Columns seen during ``fit``.
    n_features_in_ : int
        Number of columns seen during ``fit``.
    """

    def __init__(
        self,
        features=None,
        exclude_features=None,
        correlation_threshold=0.9,
        skew_threshold=1.0,
        outlier_iqr_factor=3.0,
        missing_indicator_share=0.05,
        near_constant_share=0.95,
        id_column=ID_COLUMN,
    ):
        self.features = features
        self.exclude_features = exclude_features
        self.correlation_threshold = correlation_threshold
        self.skew_threshold = skew_threshold
        self.outlier_iqr_factor = outlier_iqr_factor
        self.missing_indicator_share = missing_indicator_share
        self.near_constant_share = near_constant_share
        self.id_column = id_column

    def fit(self, X: pd.DataFrame, y: Any = None) -> FeaturePreparer:
        """Learn the preparation steps from a training sample.

        Parameters
        ----------
        X : pandas.DataFrame
            Customer feature table.
        y : None
            Ignored.

        Returns
        -------
        self : FeaturePreparer
            The fitted preparer.
        """
        if not isinstance(X, pd.DataFrame):
            raise TypeError("FeaturePreparer.fit expects a pandas DataFrame.")
        if len(X) == 0:
            raise ValueError("cannot prepare features: the input has no rows.")
        wanted = _as_name_list(self.features)
        if wanted is not None:
            absent = [c for c in wanted if c not in X.columns]
            if absent:
                raise ValueError(
                    f"requested feature column(s) {absent} are not in the input."
                )
        excluded = set(_as_name_list(self.exclude_features) or [])

        steps: list[dict[str, Any]] = []
        clipped: dict[int, np.ndarray] = {}
        for column in X.columns:
            if column == self.id_column:
                continue
            name = str(column)
            if (wanted is not None and name not in wanted) or name in excluded:
                steps.append(_empty_step(name, "excluded"))
                continue
            if not is_numeric_column(X[column]):
                steps.append(_empty_step(name, "non_numeric"))
                continue
            values = as_float(X[column])
            step, values_clipped = _fit_numeric_column(
                name,
                values,
                self.skew_threshold,
                self.outlier_iqr_factor,
                self.near_constant_share,
            )
            clipped[len(steps)] = values_clipped
            steps.append(step)
            if step["missing_share"] > self.missing_indicator_share:
                ind_step, indicator = _fit_indicator(
                    name, values, self.near_constant_share
                )
                clipped[len(steps)] = indicator
                steps.append(ind_step)

        usable = [i for i in clipped if steps[i]["drop_reason"] is None]
        if usable:
            drops = _correlation_drops(
                [steps[i]["feature"] for i in usable],
                np.column_stack([clipped[i] for i in usable]),
                self.correlation_threshold,
            )
            for j, kept in drops.items():
                steps[usable[j]]["drop_reason"] = f"correlated_with:{kept}"

        self.steps_ = _steps_frame(steps)
        selected = self.steps_[self.steps_["is_selected"]]
        self.feature_names_out_ = selected["feature"].tolist()
        self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        self.n_features_in_ = len(X.columns)
        self.source_columns_ = selected["source_column"].tolist()
        self.is_indicator_ = (selected["transform"] == "missing_indicator").to_numpy()
        self.use_log_ = (selected["transform"] == "log1p").to_numpy()
        self.impute_values_ = selected["impute_value"].to_numpy(dtype=np.float64)
        self.lower_bounds_ = selected["lower_bound"].to_numpy(dtype=np.float64)
        self.upper_bounds_ = selected["upper_bound"].to_numpy(dtype=np.float64)
        self.centers_ = selected["center"].to_numpy(dtype=np.float64)
        self.scales_ = selected["scale"].to_numpy(dtype=np.float64)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """Prepare features with the learned steps.

        Parameters
        ----------
        X : pandas.DataFrame
            Table containing every selected source column.

        Returns
        -------
        numpy.ndarray of shape (n_rows, n_selected_features)
            Scaled features in ``feature_names_out_`` order.
        """
        check_is_fitted(self, "steps_")
        _check_columns(X, self.source_columns_)
        raw = np.empty((len(X), len(self.source_columns_)), dtype=np.float64)
        for j, column in enumerate(self.source_columns_):
            raw[:, j] = as_float(X[column])
        missing = np.isnan(raw)
        values = np.where(missing, self.impute_values_, raw)
        values[:, self.use_log_] = log1p_nonnegative(values[:, self.use_log_])
        lower = np.where(self.is_indicator_, -np.inf, self.lower_bounds_)
        upper = np.where(self.is_indicator_, np.inf, self.upper_bounds_)
        values = np.minimum(np.maximum(values, lower), upper)
        values = np.where(self.is_indicator_, missing.astype(np.float64), values)
        return (values - self.centers_) / self.scales_

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Return the selected feature names in output order.

        Parameters
        ----------
        input_features : ignored
            Present for scikit-learn API compatibility.

        Returns
        -------
        numpy.ndarray of str
            Feature names, as in ``steps_.feature``.
        """
        check_is_fitted(self, "steps_")
        return np.asarray(self.feature_names_out_, dtype=object)


def _steps_frame(steps: list[dict[str, Any]]) -> pd.DataFrame:
    """Build the ``steps_`` table with typed columns and feature_order."""
    columns = [c for c in STEP_COLUMNS if c not in ("feature_order", "is_selected")]
    frame = pd.DataFrame(steps, columns=columns)
    selected = frame["drop_reason"].isna().to_numpy(dtype=bool)
    order = np.full(len(frame), pd.NA, dtype=object)
    order[selected] = np.arange(1, selected.sum() + 1)
    frame.insert(0, "feature_order", pd.array(order, dtype="Int64"))
    frame["is_selected"] = selected
    for column in ("feature", "source_column", "transform", "drop_reason"):
        frame[column] = pd.Series([s[column] for s in steps], dtype=object)
    frame["drop_reason"] = frame["drop_reason"].where(~selected, None)
    for column in (
        "impute_value",
        "lower_bound",
        "upper_bound",
        "center",
        "scale",
        "missing_share",
        "skewness",
    ):
        frame[column] = frame[column].astype(np.float64)
    return frame[STEP_COLUMNS].reset_index(drop=True)


def _check_columns(features: pd.DataFrame, columns: list[str]) -> None:
    """Raise ``ValueError`` if any required source column is absent."""
    absent = [c for c in dict.fromkeys(columns) if c not in features.columns]
    if absent:
        raise ValueError(f"features is missing the model's source column(s) {absent}.")


def selected_steps(steps: pd.DataFrame) -> pd.DataFrame:
    """Return the selected rows of a step table in ``feature_order``.

    Parameters
    ----------
    steps : pandas.DataFrame
        A step table, possibly read back from the warehouse.

    Returns
    -------
    pandas.DataFrame
        Selected rows sorted by ``feature_order``.
    """
    mask = steps["is_selected"].fillna(False).astype(bool).to_numpy()
    chosen = steps.loc[mask].copy()
    chosen["feature_order"] = chosen["feature_order"].astype(np.int64)
    return chosen.sort_values("feature_order", kind="stable").reset_index(drop=True)


def apply_steps(steps: pd.DataFrame, features: pd.DataFrame) -> np.ndarray:
    """Evaluate the SQL scoring formula of a step table with numpy.

    For each selected row, in ``feature_order``:
    ``((least(greatest(T(coalesce(x, impute_value)), lower_bound),
    upper_bound)) - center) / scale`` with ``T(v) = ln(1 + greatest(v, 0))``
    for ``log1p``, or ``((case when x is null then 1.0 else 0.0 end) -
    center) / scale`` for missing indicators.

    Parameters
    ----------
    steps : pandas.DataFrame
        Step table (``FeaturePreparer.steps_`` or a warehouse copy).
    features : pandas.DataFrame
        Table containing every selected ``source_column``.

    Returns
    -------
    numpy.ndarray of shape (n_rows, n_selected_features)
        The prepared features.
    """
    chosen = selected_steps(steps)
    _check_columns(features, chosen["source_column"].tolist())
    out = np.empty((len(features), len(chosen)), dtype=np.float64)
    for j, step in enumerate(chosen.itertuples(index=False)):
        x = as_float(features[step.source_column])
        if step.transform == "missing_indicator":
            value = np.where(np.isnan(x), 1.0, 0.0)
        else:
            value = np.where(np.isnan(x), float(step.impute_value), x)
            if step.transform == "log1p":
                value = np.log(1.0 + np.maximum(value, 0.0))
            value = np.minimum(
                np.maximum(value, float(step.lower_bound)), float(step.upper_bound)
            )
        out[:, j] = (value - float(step.center)) / float(step.scale)
    return out


def make_preparer(params: Mapping[str, Any]) -> FeaturePreparer:
    """Build a :class:`FeaturePreparer` from resolved run parameters.

    Parameters
    ----------
    params : mapping
        Output of :func:`resolve_params`.

    Returns
    -------
    FeaturePreparer
        Unfitted preparer.
    """
    return FeaturePreparer(
        features=params["features"],
        exclude_features=params["exclude_features"],
        correlation_threshold=params["correlation_threshold"],
        skew_threshold=params["skew_threshold"],
        outlier_iqr_factor=params["outlier_iqr_factor"],
    )
