"""Customer value: BG/NBD purchase counts and Gamma-Gamma spend per order.

The two models of Fader, Hardie & Lee are fitted once, in Python, on a bounded
sample of customer summaries; every customer is then scored in SQL from the
stored parameters.  Inputs are one row per customer with ``frequency`` (number
of repeat purchases), ``recency`` (time from the first to the last purchase),
``T`` (time from the first purchase to the as-of date), all in weeks, and
``monetary_value`` (mean value of the repeat orders).

*BG/NBD* (Fader, Hardie & Lee 2005): while alive a customer buys at Poisson
rate ``lambda ~ Gamma(r, rate alpha)``; after each repeat purchase they drop
out with probability ``p ~ Beta(a, b)``.  *Gamma-Gamma* (Fader, Hardie & Lee
2005, "RFM and CLV"): order values are ``Gamma(p, rate nu)`` with
``nu ~ Gamma(q, rate v)``, independent of the purchase process.

Both are fitted by maximum likelihood (L-BFGS-B on log-parameters, analytic
gradients).  :func:`fit_customer_value_model` returns the parameter table.

Scoring formulas (``x`` frequency, ``t_x`` recency, horizon ``t``)::

    probability_alive = 1 / (1 + [x > 0] * a / (b + x - 1)
                                 * ((alpha + T) / (alpha + t_x)) ^ (r + x))
    expected_orders   = probability_alive * (a + b + x - 1)
                        * (h(z) - (1 - z) ^ (a - 1) * S(x, z))
        z = t / (alpha + T + t)
        h(z) = (1 - (1 - z) ^ (a - 1)) / (a - 1)
             = -L (1 + u / 2 + u^2 / 6) when |a - 1| < 1e-4,
               L = ln(1 - z), u = (a - 1) L   (h good to about 1e-10)
        S(x, z) = sum_{k >= 1} e_k * z ^ k / (C)_k,     C = a + b + x - 1
        e_k = (a + b - 1 - r)_k * (a)_(k-1) / k!
    expected_order_value = p * (v + x * m) / (p * x + q - 1)

``(y)_k`` is the rising factorial ``Gamma(y + k) / Gamma(y)``.  The BG/NBD line
is the published conditional expectation with Euler's transformation
``2F1(r+x, b+x; C; z) = (1-z)^(a-1-r-x) 2F1(a+b-1-r, a-1; C; z)`` applied and
the factor ``1 / (a - 1)`` moved into the series (``(a-1)_k = (a-1) (a)_(k-1)``),
so ``a = 1`` is not a 0/0.  ``e_k`` does not depend on the customer: the build
stores it once per fit (:func:`series_coefficients`).  The bracket depends on
the customer only through ``(x, T)``, so SQL can evaluate the series once per
distinct ``(frequency, T)`` pair.  ``(C)_k`` is ``exp(lgamma(C + k) -
lgamma(C))``, or a running window sum of ``ln(C + j)`` on an engine without
``lgamma``; it needs ``C > 0``, so a fit with ``a + b <= 1`` is not stored.
:func:`series_terms_needed` bounds the truncation error.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1
from sklearn.base import BaseEstimator

from segmentation.params import VALUE_MODEL_VARS, with_defaults

BG_NBD_PARAMETERS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMETERS = ("p", "q", "v")
SUMMARY_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")

PARAMETER_TABLE_COLUMNS = [
    "model",
    "parameter",
    "value",
    "status",
    "status_reason",
    "fit_method",
    "eligible_customers",
    "sample_size",
    "log_likelihood",
    "converged",
    "iterations",
    "fit_seconds",
]
STATUSES = (
    "fitted",
    "insufficient_data",
    "not_converged",
    "not_identified",
    "unsupported",
)
FIT_METHOD = "maximum_likelihood_lbfgsb"


# Parameters are searched in [1e-6, 1e6]; an estimate within a factor 10 of
# an edge is reported as not identified instead of being stored.  A fit whose
# line search stops (L-BFGS-B "ABNORMAL") counts as converged when the gradient
# of the mean log-likelihood is below _GRADIENT_TOL.
_LOG_BOUND = float(np.log(1e6))
_NEAR_BOUND = float(np.log(10))
_GRADIENT_TOL = 1e-6
_FREQUENCY_BANDS = (0, 1, 2, 4, 8, 16)


def resolve_value_model_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Complete the value-model parameters with their dbt var defaults.

    Parameters
    ----------
    params : mapping or None
        User parameters (:data:`segmentation.params.VALUE_MODEL_VARS`); keys
        left out or set to ``None`` take the var's default in
        ``dbt_project.yml``; other keys are kept as given.

    Returns
    -------
    dict
        The value-model parameters, typed.

    Raises
    ------
    ValueError
        If a size or count is not a positive integer.
    """
    merged = with_defaults(params, VALUE_MODEL_VARS)
    for key in VALUE_MODEL_VARS:
        if key == "prediction_series_rtol":
            merged[key] = float(merged[key])
            continue
        merged[key] = int(merged[key])
        if key != "random_state" and merged[key] < 1:
            raise ValueError(f"{key} must be a positive integer, got {merged[key]}")
    return merged


# --------------------------------------------------------------------------
# Likelihoods
# --------------------------------------------------------------------------


def bg_nbd_log_likelihood(
    params: Mapping[str, float],
    frequency: Any,
    recency: Any,
    T: Any,
) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6).

    Parameters
    ----------
    params : mapping
        ``r``, ``alpha``, ``a``, ``b``.
    frequency, recency, T : array-like
        Repeat purchases, time of the last purchase and observation length.

    Returns
    -------
    numpy.ndarray
        ``log L(r, alpha, a, b | x, t_x, T)`` per customer.

    Examples
    --------
    >>> params = {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43}
    >>> bg_nbd_log_likelihood(params, [0, 2], [0.0, 30.4], [38.9, 38.9]).round(4)
    array([-0.5483, -9.4668])
    """
    return _bg_nbd_terms(_bg_nbd_values(params), frequency, recency, T)[0]


def gamma_gamma_log_likelihood(
    params: Mapping[str, float], frequency: Any, monetary_value: Any
) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood of the mean repeat-order value.

    Parameters
    ----------
    params : mapping
        ``p``, ``q``, ``v``.
    frequency, monetary_value : array-like
        Repeat purchases (> 0) and their mean value (> 0).

    Returns
    -------
    numpy.ndarray
        Log density of ``monetary_value`` given ``frequency`` per customer.
    """
    values = np.array([params[name] for name in GAMMA_GAMMA_PARAMETERS], float)
    return _gamma_gamma_terms(values, frequency, monetary_value)[0]


def _bg_nbd_values(params: Mapping[str, float]) -> np.ndarray:
    return np.array([params[name] for name in BG_NBD_PARAMETERS], dtype=float)


def _bg_nbd_terms(
    values: np.ndarray, frequency: Any, recency: Any, T: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood and its gradient in (r, alpha, a, b), per customer."""
    r, alpha, a, b = values
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    T = np.asarray(T, dtype=float)
    repeat = x > 0
    x1 = np.maximum(x, 1.0)  # keeps b + x - 1 > 0 where the term is masked
    log_at = np.log(alpha + T)
    log_ar = np.log(alpha + t_x)
    beta_ab = betaln(a, b)
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + x) - beta_ab - (r + x) * log_at
    dropped = np.where(
        repeat, betaln(a + 1, b + x1 - 1) - beta_ab - (r + x) * log_ar, -np.inf
    )
    log_likelihood = common + np.logaddexp(alive, dropped)
    w_dropped = expit(dropped - alive)
    w_alive = 1.0 - w_dropped
    psi_abx = digamma(a + b + x)
    psi_ab = digamma(a + b)
    gradient = np.stack(
        [
            digamma(r + x)
            - digamma(r)
            + np.log(alpha)
            - w_alive * log_at
            - w_dropped * log_ar,
            r / alpha - (r + x) * (w_alive / (alpha + T) + w_dropped / (alpha + t_x)),
            w_alive * digamma(a)
            + w_dropped * digamma(a + 1)
            - psi_abx
            - digamma(a)
            + psi_ab,
            w_alive * digamma(b + x)
            + w_dropped * digamma(b + x1 - 1)
            - psi_abx
            - digamma(b)
            + psi_ab,
        ],
        axis=-1,
    )
    return log_likelihood, gradient


def _gamma_gamma_terms(
    values: np.ndarray, frequency: Any, monetary_value: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood and its gradient in (p, q, v), per customer."""
    p, q, v = values
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    px = p * x
    log_vxm = np.log(v + x * m)
    psi_pxq = digamma(px + q)
    log_likelihood = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_vxm
    )
    gradient = np.stack(
        [
            x * (psi_pxq - digamma(px) + np.log(m) + np.log(x) - log_vxm),
            psi_pxq - digamma(q) + np.log(v) - log_vxm,
            q / v - (px + q) / (v + x * m),
        ],
        axis=-1,
    )
    return log_likelihood, gradient


# --------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------


class _MaximumLikelihoodFitter(BaseEstimator):
    """Shared L-BFGS-B fit on log-parameters; subclasses define the terms."""

    _parameters: tuple[str, ...] = ()
    _columns: tuple[str, ...] = ()

    def __init__(self, max_iter: int = 1000) -> None:
        self.max_iter = max_iter

    def _terms(self, values, data):  # pragma: no cover - abstract
        raise NotImplementedError

    def _start(self, data) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, X: Any, y: None = None) -> _MaximumLikelihoodFitter:
        """Fit by maximum likelihood.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_customers, n_columns)
            The model's columns (named, or in the documented order).
        y : None
            Ignored.

        Returns
        -------
        self
        """
        data = _columns_of(X, self._columns)
        n = len(data[0])

        def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            values = np.exp(theta)
            log_likelihood, gradient = self._terms(values, data)
            total = log_likelihood.sum()
            if not np.isfinite(total):
                return np.inf, np.zeros_like(theta)
            return -total / n, -gradient.sum(axis=0) * values / n

        start = time.perf_counter()
        result = minimize(
            objective,
            np.log(self._start(data)),
            jac=True,
            method="L-BFGS-B",
            bounds=[(-_LOG_BOUND, _LOG_BOUND)] * len(self._parameters),
            options={"maxiter": self.max_iter, "ftol": 1e-13, "gtol": 1e-9},
        )
        self.fit_seconds_ = time.perf_counter() - start
        self.n_samples_ = n
        self.params_ = dict(
            zip(self._parameters, np.exp(result.x).tolist(), strict=True)
        )
        self.log_likelihood_ = float(-result.fun * n)
        self.n_iter_ = int(result.nit)
        flat = np.max(np.abs(result.jac), initial=0.0) < _GRADIENT_TOL
        self.converged_ = bool(np.isfinite(result.fun) and (result.success or flat))
        self.convergence_message_ = str(result.message)
        self.at_bound_ = [
            name
            for name, theta in zip(self._parameters, result.x, strict=True)
            if abs(theta) > _LOG_BOUND - _NEAR_BOUND
        ]
        return self


class BetaGeoFitter(_MaximumLikelihoodFitter):
    """BG/NBD model fitted by maximum likelihood.

    Parameters
    ----------
    max_iter : int
        Largest number of L-BFGS-B iterations.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha``, ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood at ``params_``.
    n_iter_ : int
        L-BFGS-B iterations.
    converged_ : bool
        Whether L-BFGS-B reported convergence.
    convergence_message_ : str
        L-BFGS-B's message.
    at_bound_ : list of str
        Parameters that ended within a factor 10 of the search bounds
        (1e-6 and 1e6).
    fit_seconds_ : float
        Wall time of the optimisation.
    n_samples_ : int
        Customers the model was fitted on.

    Examples
    --------
    >>> X = pd.DataFrame({"frequency": [0, 1, 3, 0, 2, 5],
    ...                   "recency": [0.0, 5.0, 20.0, 0.0, 8.0, 30.0],
    ...                   "T": [30.0, 31.0, 32.0, 10.0, 25.0, 33.0]})
    >>> sorted(BetaGeoFitter().fit(X).params_)
    ['a', 'alpha', 'b', 'r']
    """

    _parameters = BG_NBD_PARAMETERS
    _columns = ("frequency", "recency", "T")

    def _terms(self, values, data):
        return _bg_nbd_terms(values, *data)

    def _start(self, data) -> np.ndarray:
        x, _, T = data
        rate = max(float(np.mean(x)), 0.1) / max(float(np.mean(T)), 1e-3)
        return np.array([1.0, 1.0 / rate, 1.0, 1.0])


class GammaGammaFitter(_MaximumLikelihoodFitter):
    """Gamma-Gamma spend model fitted by maximum likelihood.

    Fit on customers with ``frequency > 0`` and ``monetary_value > 0`` only.

    Parameters
    ----------
    max_iter : int
        Largest number of L-BFGS-B iterations.

    Attributes
    ----------
    params_ : dict
        ``p``, ``q``, ``v``.
    log_likelihood_, n_iter_, converged_, convergence_message_, at_bound_, \
fit_seconds_, n_samples_
        As for :class:`BetaGeoFitter`.
    """

    _parameters = GAMMA_GAMMA_PARAMETERS
    _columns = ("frequency", "monetary_value")

    def _terms(self, values, data):
        return _gamma_gamma_terms(values, *data)

    def _start(self, data) -> np.ndarray:
        mean_value = max(float(np.mean(data[1])), 1e-3)
        return np.array([1.0, 2.0, mean_value])


def _columns_of(X: Any, names: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    if isinstance(X, pd.DataFrame):
        return tuple(X[name].to_numpy(dtype=float) for name in names)
    array = np.asarray(X, dtype=float)
    if array.ndim != 2 or array.shape[1] != len(names):
        raise ValueError(f"X must have {len(names)} columns: {', '.join(names)}")
    return tuple(array[:, j] for j in range(len(names)))


# --------------------------------------------------------------------------
# The build's fit
# --------------------------------------------------------------------------


def fit_customer_value_model(
    summary: pd.DataFrame, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma on a bounded sample; return the parameters.

    Rows with a missing or impossible summary (negative values, non-integer
    frequency, ``recency > T``) are left out.  BG/NBD is fitted on a sample of
    at most ``value_model_sample_size`` customers, stratified by frequency band
    (0, 1, 2-3, 4-7, 8-15, 16+) with proportional allocation, so the sample has
    the population's mix of repeat buyers and the likelihood stays unbiased.
    Gamma-Gamma is conditional on frequency, so it is fitted on its own sample
    of at most ``value_model_sample_size`` customers among those with
    ``frequency > 0`` and ``monetary_value > 0``.  Within a band customers are
    taken in the order of a hash of ``customer_id`` and ``random_state``: the
    sample does not depend on row order, and a refresh keeps mostly the same
    customers.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer with :data:`SUMMARY_COLUMNS`; times in weeks.
    params : mapping, optional
        ``value_model_sample_size``, ``value_model_min_customers``,
        ``value_model_min_repeat_buyers``, ``value_model_max_iterations``,
        ``random_state`` (dbt vars, see
        :data:`segmentation.params.VALUE_MODEL_VARS`).

    Returns
    -------
    pandas.DataFrame
        One row per model and parameter (``bg_nbd``: r, alpha, a, b;
        ``gamma_gamma``: p, q, v), always seven rows, with the columns of
        :data:`PARAMETER_TABLE_COLUMNS`.  ``value`` is null unless ``status``
        is ``'fitted'``; ``status_reason`` is a sentence either way.  The
        per-model facts repeat on each of the model's rows.

    Raises
    ------
    ValueError
        If a column of :data:`SUMMARY_COLUMNS` is missing or a parameter is
        invalid.  Degenerate data never raises: it gives a status and reason.
    """
    config = resolve_value_model_params(params)
    missing = [name for name in SUMMARY_COLUMNS if name not in summary.columns]
    if missing:
        raise ValueError(f"summary lacks column(s): {', '.join(missing)}")
    frame = _clean_summary(summary)
    valid = frame[frame["is_valid"]]
    excluded = len(frame) - len(valid)
    spenders = valid[
        (valid["frequency"] > 0)
        & (valid["monetary_value"] > 0)
        & np.isfinite(valid["monetary_value"])
    ]
    rows = _fit_bg_nbd(valid, config, excluded) + _fit_gamma_gamma(spenders, config)
    table = pd.DataFrame(rows, columns=PARAMETER_TABLE_COLUMNS)
    return table.astype(
        {
            "value": "Float64",
            "eligible_customers": "Int64",
            "sample_size": "Int64",
            "log_likelihood": "Float64",
            "converged": "boolean",
            "iterations": "Int64",
            "fit_seconds": "Float64",
        }
    )


def _clean_summary(summary: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"customer_id": summary["customer_id"].to_numpy()})
    for name in SUMMARY_COLUMNS[1:]:
        frame[name] = pd.to_numeric(summary[name], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
    frame.loc[frame["frequency"] == 0, "recency"] = 0.0
    x, t_x, T = frame["frequency"], frame["recency"], frame["T"]
    frame["is_valid"] = (
        np.isfinite(x)
        & np.isfinite(t_x)
        & np.isfinite(T)
        & (x >= 0)
        & (x == np.round(x))
        & (t_x >= 0)
        & (t_x <= T)
        & frame["customer_id"].notna()
    )
    return frame


def _stratified_sample(
    frame: pd.DataFrame, size: int, random_state: int
) -> pd.DataFrame:
    """Proportional sample by frequency band, ordered by a seeded id hash.

    Rows come back sorted by (band, hash), so neither the sample nor the
    order of the likelihood's sum depends on the input's row order.
    """
    band = np.searchsorted(_FREQUENCY_BANDS, frame["frequency"], side="right")
    ids = pd.util.hash_pandas_object(frame["customer_id"], index=False).to_numpy()
    seed = pd.util.hash_array(np.array([random_state], dtype=np.int64))[0]
    order = np.lexsort((pd.util.hash_array(ids ^ seed), band))
    sorted_band = band[order]
    position = np.arange(len(frame)) - np.searchsorted(sorted_band, sorted_band)
    counts = np.bincount(band, minlength=len(_FREQUENCY_BANDS) + 1)
    quota = counts * min(size / max(len(frame), 1), 1.0)
    take = np.floor(quota).astype(int)
    short = min(size, len(frame)) - int(take.sum())
    take[np.argsort(take - quota, kind="stable")[:short]] += 1
    return frame.iloc[order[position < take[sorted_band]]]


def _fit_bg_nbd(
    valid: pd.DataFrame, config: Mapping[str, Any], excluded: int
) -> list[tuple]:
    n_repeat = int((valid["frequency"] > 0).sum())
    note = f" {excluded} row(s) with an invalid summary were left out." * (excluded > 0)
    if len(valid) < config["value_model_min_customers"]:
        reason = (
            f"Only {len(valid)} customer(s) with a valid summary; BG/NBD needs at "
            f"least {config['value_model_min_customers']} (var "
            "value_model_min_customers)."
        )
        return _model_rows("bg_nbd", BG_NBD_PARAMETERS, reason + note, len(valid))
    if n_repeat == 0:
        reason = (
            "Every customer has a single order (frequency = 0), so BG/NBD cannot "
            "tell the purchase rate from the dropout probability; predictions need "
            "customers who ordered on more than one day."
        )
        return _model_rows("bg_nbd", BG_NBD_PARAMETERS, reason + note, len(valid))
    if n_repeat < config["value_model_min_repeat_buyers"]:
        reason = (
            f"Only {n_repeat} repeat buyer(s) (frequency > 0); BG/NBD needs at "
            f"least {config['value_model_min_repeat_buyers']} to identify dropout "
            "(var value_model_min_repeat_buyers)."
        )
        return _model_rows("bg_nbd", BG_NBD_PARAMETERS, reason + note, len(valid))
    sample = _stratified_sample(
        valid, config["value_model_sample_size"], config["random_state"]
    )
    fitter = BetaGeoFitter(max_iter=config["value_model_max_iterations"])
    fitter.fit(sample)
    status, reason = _judge(fitter, "BG/NBD")
    if status == "fitted" and fitter.params_["a"] + fitter.params_["b"] <= 1:
        status = "unsupported"
        reason = (
            "The estimate has a + b <= 1; the scoring series needs a + b > 1 "
            "(its Pochhammer symbols would change sign for one-order customers)."
        )
    return _model_rows(
        "bg_nbd", BG_NBD_PARAMETERS, reason + note, len(valid), fitter, status
    )


def _fit_gamma_gamma(spenders: pd.DataFrame, config: Mapping[str, Any]) -> list:
    if len(spenders) == 0:
        reason = (
            "No repeat buyer with a positive mean order value, so Gamma-Gamma "
            "has nothing to fit."
        )
        return _model_rows("gamma_gamma", GAMMA_GAMMA_PARAMETERS, reason, 0)
    if len(spenders) < config["value_model_min_repeat_buyers"]:
        reason = (
            f"Only {len(spenders)} repeat buyer(s) with a positive mean order "
            f"value; Gamma-Gamma needs at least "
            f"{config['value_model_min_repeat_buyers']} (var "
            "value_model_min_repeat_buyers)."
        )
        return _model_rows("gamma_gamma", GAMMA_GAMMA_PARAMETERS, reason, len(spenders))
    sample = _stratified_sample(
        spenders, config["value_model_sample_size"], config["random_state"]
    )
    fitter = GammaGammaFitter(max_iter=config["value_model_max_iterations"])
    fitter.fit(sample)
    status, reason = _judge(fitter, "Gamma-Gamma")
    if status == "fitted" and fitter.params_["q"] <= 1:
        status = "unsupported"
        reason = (
            "The estimate has q <= 1: the population mean order value is "
            "infinite (spend too heavy-tailed for Gamma-Gamma)."
        )
    return _model_rows(
        "gamma_gamma",
        GAMMA_GAMMA_PARAMETERS,
        reason,
        len(spenders),
        fitter,
        status,
    )


def _judge(fitter: _MaximumLikelihoodFitter, label: str) -> tuple[str, str]:
    estimate = ", ".join(f"{k}={v:.6g}" for k, v in fitter.params_.items())
    if fitter.at_bound_:
        hint = (
            " Dropout is not visible: repeat buyers look active to the end."
            if {"a", "b"} & set(fitter.at_bound_)
            else ""
        )
        return "not_identified", (
            f"{label} parameter(s) {', '.join(fitter.at_bound_)} ran to the edge "
            f"of the search range [1e-6, 1e6]: the data do not identify them "
            f"({estimate}).{hint}"
        )
    if not fitter.converged_:
        return "not_converged", (
            f"{label} did not converge after {fitter.n_iter_} iteration(s) "
            f"({fitter.convergence_message_}); last iterate {estimate}."
        )
    return "fitted", f"{label} converged in {fitter.n_iter_} iteration(s)."


def _model_rows(
    model: str,
    parameters: tuple[str, ...],
    reason: str,
    eligible: int,
    fitter: _MaximumLikelihoodFitter | None = None,
    status: str = "insufficient_data",
) -> list[tuple]:
    if fitter is None:
        facts = (status, reason, FIT_METHOD, eligible, 0, None, None, None, None)
        return [(model, name, None, *facts) for name in parameters]
    facts = (
        status,
        reason,
        FIT_METHOD,
        eligible,
        fitter.n_samples_,
        fitter.log_likelihood_,
        fitter.converged_,
        fitter.n_iter_,
        fitter.fit_seconds_,
    )
    fitted = status == "fitted"
    return [
        (model, name, fitter.params_[name] if fitted else None, *facts)
        for name in parameters
    ]


# --------------------------------------------------------------------------
# Scoring formulas (reference implementations; the build scores in SQL)
# --------------------------------------------------------------------------


def parameters_from_table(table: pd.DataFrame, model: str) -> dict[str, float]:
    """The fitted parameters of one model as a dict.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`fit_customer_value_model`.
    model : {'bg_nbd', 'gamma_gamma'}
        Which model.

    Returns
    -------
    dict
        Parameter name to value; empty when the model was not fitted.
    """
    rows = table[(table["model"] == model) & (table["status"] == "fitted")]
    return {row.parameter: float(row.value) for row in rows.itertuples()}


def probability_alive(
    params: Mapping[str, float], frequency: Any, recency: Any, T: Any
) -> np.ndarray:
    """BG/NBD probability that a customer is still alive at ``T``.

    ``1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))``
    (Fader, Hardie & Lee 2008, "Computing P(alive) using the BG/NBD model").

    Parameters
    ----------
    params : mapping
        ``r``, ``alpha``, ``a``, ``b``.
    frequency, recency, T : array-like
        Customer summaries (weeks).

    Returns
    -------
    numpy.ndarray
        Probabilities in (0, 1]; exactly 1 for ``frequency = 0``.

    Examples
    --------
    >>> params = {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43}
    >>> probability_alive(params, [0, 2, 2], [0.0, 30.0, 2.0], [38.9] * 3).round(4)
    array([1.    , 0.7217, 0.0567])
    """
    r, alpha, a, b = _bg_nbd_values(params)
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    T = np.asarray(T, dtype=float)
    x1 = np.maximum(x, 1.0)
    log_odds_dead = np.log(a / (b + x1 - 1)) + (r + x) * np.log(
        (alpha + T) / (alpha + t_x)
    )
    return np.where(x > 0, expit(-log_odds_dead), 1.0)


def expected_orders(
    params: Mapping[str, float], t: Any, frequency: Any, recency: Any, T: Any
) -> np.ndarray:
    """BG/NBD expected number of orders in ``(T, T + t]`` (FHL 2005, eq. 10).

    Reference implementation with :func:`scipy.special.hyp2f1`; undefined at
    ``a = 1`` (use :func:`expected_orders_series` there).

    Parameters
    ----------
    params : mapping
        ``r``, ``alpha``, ``a``, ``b``.
    t : float or array-like
        Horizon (weeks).
    frequency, recency, T : array-like
        Customer summaries (weeks).

    Returns
    -------
    numpy.ndarray
        Conditional expected repeat orders.

    Examples
    --------
    >>> params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> expected_orders(params, 39.0, [2], [30.43], [38.86]).round(3)
    array([1.226])
    """
    r, alpha, a, b = _bg_nbd_values(params)
    x = np.asarray(frequency, dtype=float)
    T = np.asarray(T, dtype=float)
    t = np.asarray(t, dtype=float)
    z = t / (alpha + T + t)
    bracket = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(
        r + x, b + x, a + b + x - 1, z
    )
    return (
        probability_alive(params, frequency, recency, T)
        * (a + b + x - 1)
        / (a - 1)
        * bracket
    )


def expected_order_value(
    params: Mapping[str, float], frequency: Any, monetary_value: Any
) -> np.ndarray:
    """Gamma-Gamma expected value of a customer's next order.

    ``p (v + x m) / (p x + q - 1)``; for ``x = 0`` the population mean
    ``p v / (q - 1)``.

    Parameters
    ----------
    params : mapping
        ``p``, ``q``, ``v``.
    frequency, monetary_value : array-like
        Repeat purchases and their mean value (ignored when frequency is 0).

    Returns
    -------
    numpy.ndarray
        Expected order value.

    Examples
    --------
    >>> params = {"p": 6.25, "q": 3.74, "v": 15.44}
    >>> expected_order_value(params, [0, 4], [0, 20.0]).round(4)
    array([35.219 , 21.5032])
    """
    p, q, v = (params[name] for name in GAMMA_GAMMA_PARAMETERS)
    x = np.asarray(frequency, dtype=float)
    m = np.where(x > 0, np.nan_to_num(np.asarray(monetary_value, float)), 0.0)
    return p * (v + x * m) / (p * x + q - 1)


# --------------------------------------------------------------------------
# The bounded series the SQL evaluates
# --------------------------------------------------------------------------

SERIES_COLUMNS = ["k", "log_abs_coefficient", "sign"]


def series_coefficients(params: Mapping[str, float], n_terms: int) -> pd.DataFrame:
    """Customer-independent coefficients ``e_k`` of the expected-orders series.

    ``e_k = (a + b - 1 - r)_k (a)_(k-1) / k!`` for ``k = 1 .. n_terms``, stored
    as ``sign * exp(log_abs_coefficient)`` (``sign = 0`` for a zero
    coefficient).  SQL sums ``sign * exp(log_abs_coefficient + k * ln(z)
    - (lgamma(C + k) - lgamma(C)))`` with ``C = a + b + x - 1``.

    Parameters
    ----------
    params : mapping
        ``r``, ``alpha``, ``a``, ``b``.
    n_terms : int
        Number of terms (see :func:`series_terms_needed`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SERIES_COLUMNS`, one row per term.
    """
    r, _, a, b = _bg_nbd_values(params)
    k = np.arange(1, n_terms + 1)
    shifted = (a + b - 1 - r) + k - 1  # factors of the rising factorial (A)_k
    signs = np.cumprod(np.sign(shifted))
    with np.errstate(divide="ignore"):
        log_abs = (
            np.cumsum(np.log(np.abs(shifted)))
            + gammaln(a + k - 1)
            - gammaln(a)
            - gammaln(k + 1)
        )
    log_abs = np.where(signs == 0, 0.0, log_abs)
    return pd.DataFrame(
        {"k": k, "log_abs_coefficient": log_abs, "sign": signs.astype(int)}
    )


def expected_orders_series(
    params: Mapping[str, float],
    coefficients: pd.DataFrame,
    t: Any,
    frequency: Any,
    recency: Any,
    T: Any,
) -> np.ndarray:
    """Expected orders in ``(T, T + t]`` by the SQL's bounded series.

    Evaluates the module docstring's formula operation for operation as the
    SQL does: ``lgamma`` differences for the rising factorial ``(C)_k``, the
    stored ``(k, log_abs_coefficient, sign)`` and ``h(z)`` with its ``a = 1``
    limit.

    Parameters
    ----------
    params : mapping
        ``r``, ``alpha``, ``a``, ``b``.
    coefficients : pandas.DataFrame
        Output of :func:`series_coefficients`.
    t : float
        Horizon (weeks), > 0.
    frequency, recency, T : array-like
        Customer summaries (weeks).

    Returns
    -------
    numpy.ndarray
        Conditional expected repeat orders.
    """
    r, alpha, a, b = _bg_nbd_values(params)
    if a + b <= 1:
        raise ValueError(f"the series needs a + b > 1, got a + b = {a + b:.6g}")
    x = np.asarray(frequency, dtype=float)
    T = np.asarray(T, dtype=float)
    z = t / (alpha + T + t)
    C = a + b + x - 1
    k = coefficients["k"].to_numpy(dtype=float)
    log_e = coefficients["log_abs_coefficient"].to_numpy(dtype=float)
    sign = coefficients["sign"].to_numpy(dtype=float)
    total = np.zeros(np.broadcast(x, z).shape)
    zb, Cb = np.broadcast_arrays(z, C)
    for start in range(0, len(k), 256):  # chunks keep memory small
        kk = k[start : start + 256]
        log_term = (
            log_e[start : start + 256]
            + kk * np.log(zb)[..., None]
            - (gammaln(Cb[..., None] + kk) - gammaln(Cb)[..., None])
        )
        total = total + (sign[start : start + 256] * np.exp(log_term)).sum(axis=-1)
    power = (1 - z) ** (a - 1)
    return (
        probability_alive(params, frequency, recency, T)
        * C
        * (_h(z, a) - power * total)
    )


def _h(z: Any, a: float) -> np.ndarray:
    """``(1 - (1 - z)^(a - 1)) / (a - 1)``; its Taylor series near ``a = 1``."""
    log_1mz = np.log(1 - np.asarray(z, dtype=float))
    u = (a - 1) * log_1mz
    if abs(a - 1) < 1e-4:
        return -log_1mz * (1 + u / 2 + u * u / 6)
    return (1 - np.exp(u)) / (a - 1)


def series_terms_needed(
    params: Mapping[str, float],
    horizon: float,
    rtol: float = 1e-8,
    max_frequency: int = 200,
    max_terms: int = 20_000,
) -> int:
    """Fewest series terms that keep the truncation error below ``rtol``.

    With ``u_k = e_k z^k / (C)_k`` the ratio of successive terms satisfies, for
    every ``k >= N``, ``|u_(k+1) / u_k| <= rho_N = z * max(1, (N + |A|) / (N + 1))
    * max(1, (N + a - 1) / (N + C))`` (``A = a + b - 1 - r``), so the tail after
    ``N`` terms is at most ``|u_N| rho_N / (1 - rho_N)`` once ``rho_N < 1``.
    The error of expected orders relative to its value is that tail times
    ``(1 - z)^(a - 1) / |h(z) - (1 - z)^(a - 1) S|``.  The bound is evaluated
    on a grid of ``z`` up to ``horizon / (alpha + horizon)`` (its value at
    ``T = 0``, the largest any customer can have) and ``x = 0 .. max_frequency``
    (larger ``x`` converge faster), and the largest ``N`` is returned.

    Parameters
    ----------
    params : mapping
        ``r``, ``alpha``, ``a``, ``b``.
    horizon : float
        Prediction horizon ``t`` (weeks).
    rtol : float
        Relative error allowed on expected orders.
    max_frequency : int
        Largest frequency in the grid.
    max_terms : int
        Cap on ``N``.

    Returns
    -------
    int
        Number of terms ``N``.

    Raises
    ------
    ValueError
        If ``a + b <= 1`` or ``max_terms`` terms do not reach ``rtol``.
    """
    r, alpha, a, b = _bg_nbd_values(params)
    if a + b <= 1:
        raise ValueError(f"the series needs a + b > 1, got a + b = {a + b:.6g}")
    z_max = horizon / (alpha + horizon)
    x = np.unique(np.r_[np.arange(0, 21), np.geomspace(21, max_frequency, 20)])
    z, C = (g.ravel() for g in np.meshgrid(z_max * np.linspace(0.02, 1, 50), x - 1))
    C = C + a + b
    log_z = np.log(z)
    power = (1 - z) ** (a - 1)
    h = _h(z, a)
    big_a = abs(a + b - 1 - r)
    coefficients = series_coefficients(params, max_terms)
    log_e = coefficients["log_abs_coefficient"].to_numpy()
    sign = coefficients["sign"].to_numpy()
    partial = np.zeros_like(z)
    needed = np.zeros(z.shape, dtype=int)
    for start in range(0, max_terms, 256):
        n = np.arange(start + 1, min(start + 256, max_terms) + 1)
        log_u = (
            log_e[n - 1]
            + n * log_z[:, None]
            - (gammaln(C[:, None] + n) - gammaln(C)[:, None])
        )
        partial_n = partial[:, None] + np.cumsum(sign[n - 1] * np.exp(log_u), axis=1)
        partial = partial_n[:, -1]
        rho = (
            z[:, None]
            * np.maximum(1, (n + big_a) / (n + 1))
            * np.maximum(1, (n + a - 1) / (n + C[:, None]))
        )
        tail = np.full(rho.shape, np.inf)
        np.divide(np.exp(log_u) * rho, 1 - rho, out=tail, where=rho < 1)
        value = np.abs(h[:, None] - power[:, None] * partial_n)
        ok = (power[:, None] * tail <= rtol * value) & (needed == 0)[:, None]
        first = np.where(ok.any(axis=1), n[np.argmax(ok, axis=1)], 0)
        needed = np.where(needed == 0, first, needed)
        if (needed > 0).all():
            return int(needed.max())
    raise ValueError(f"{max_terms} terms do not reach rtol={rtol} for this horizon")
