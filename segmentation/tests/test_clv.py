"""Customer value models: recovery, the SQL series, edge cases, guards."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import approx_fprime
from scipy.stats import chi2

from segmentation import clv

# CDNOW estimates in weeks (Fader, Hardie & Lee 2005; Gamma-Gamma note).
BG_NBD = {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43}
GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}


def simulate_summary(
    n: int,
    bg_nbd: dict[str, float] = BG_NBD,
    gamma_gamma: dict[str, float] = GAMMA_GAMMA,
    T_range: tuple[float, float] = (1.0, 78.0),
    seed: int = 0,
) -> pd.DataFrame:
    """Customer summaries drawn from BG/NBD and Gamma-Gamma, in weeks.

    ``lambda ~ Gamma(r, rate alpha)``, ``p ~ Beta(a, b)``; repeat purchases
    arrive at rate ``lambda`` and the customer drops out right after each with
    probability ``p``, so the number of repeat purchases they ever make is
    ``Geometric(p)``.  Given ``n`` Poisson arrivals in ``[0, T]`` the ``x``-th
    arrival is ``T * Beta(x, n - x + 1)``.  Order values are
    ``Gamma(p, rate nu)`` with ``nu ~ Gamma(q, rate v)``.
    """
    rng = np.random.default_rng(seed)
    rate = rng.gamma(bg_nbd["r"], 1 / bg_nbd["alpha"], n)
    dropout = rng.beta(bg_nbd["a"], bg_nbd["b"], n)
    T = rng.uniform(*T_range, n)
    lifetime_orders = rng.geometric(dropout)
    arrivals = rng.poisson(rate * T)
    x = np.where(arrivals < lifetime_orders, arrivals, lifetime_orders)
    x1, arrivals1 = np.maximum(x, 1), np.maximum(arrivals, 1)
    recency = np.where(x > 0, T * rng.beta(x1, arrivals1 - x1 + 1), 0.0)
    nu = rng.gamma(gamma_gamma["q"], 1 / gamma_gamma["v"], n)
    mean_value = rng.gamma(gamma_gamma["p"] * x1, 1 / nu) / x1
    return pd.DataFrame(
        {
            "customer_id": [f"c{i:06d}" for i in range(n)],
            "frequency": x.astype(float),
            "recency": recency,
            "T": T,
            "monetary_value": np.where(x > 0, mean_value, 0.0),
        }
    )


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return simulate_summary(20_000, seed=1)


@pytest.fixture(scope="module")
def fitted(customers: pd.DataFrame) -> pd.DataFrame:
    return clv.fit_customer_value_model(customers, {"value_model_sample_size": 20_000})


def _table_params(table: pd.DataFrame, model: str) -> dict[str, float]:
    return clv.parameters_from_table(table, model)


# --------------------------------------------------------------------------
# Fit
# --------------------------------------------------------------------------


def test_parameters_are_recovered_from_simulated_customers() -> None:
    # Sampling sd of the estimates at 20k customers, measured over 30 seeds:
    # r 1.7%, alpha 2.6%, a 6.4%, b 8.8%, p 5.7%, q 2.3%, v 7.8%.  At 100k
    # they are sqrt(5) smaller, so 12% is about 3 sd for the loosest (b).
    summary = simulate_summary(100_000, seed=2)
    table = clv.fit_customer_value_model(summary, {"value_model_sample_size": 100_000})
    assert set(table["status"]) == {"fitted"}
    for model, truth in (("bg_nbd", BG_NBD), ("gamma_gamma", GAMMA_GAMMA)):
        estimate = _table_params(table, model)
        for name, value in truth.items():
            assert estimate[name] == pytest.approx(value, rel=0.12), (model, name)


def test_true_parameters_lie_in_the_likelihood_ratio_region(
    customers: pd.DataFrame, fitted: pd.DataFrame
) -> None:
    """2 (LL(estimate) - LL(truth)) is chi-square: below its 99.9% quantile."""
    x, t_x, T = customers["frequency"], customers["recency"], customers["T"]
    repeat = customers[x > 0]
    for model, truth, log_likelihood, data in (
        ("bg_nbd", BG_NBD, clv.bg_nbd_log_likelihood, (x, t_x, T)),
        (
            "gamma_gamma",
            GAMMA_GAMMA,
            clv.gamma_gamma_log_likelihood,
            (repeat["frequency"], repeat["monetary_value"]),
        ),
    ):
        estimate = _table_params(fitted, model)
        statistic = 2 * (
            log_likelihood(estimate, *data).sum() - log_likelihood(truth, *data).sum()
        )
        assert 0 <= statistic < chi2.ppf(0.999, len(truth)), model


def test_table_schema_and_facts(fitted: pd.DataFrame) -> None:
    assert list(fitted.columns) == clv.PARAMETER_TABLE_COLUMNS
    assert list(zip(fitted["model"], fitted["parameter"], strict=True)) == [
        ("bg_nbd", "r"),
        ("bg_nbd", "alpha"),
        ("bg_nbd", "a"),
        ("bg_nbd", "b"),
        ("gamma_gamma", "p"),
        ("gamma_gamma", "q"),
        ("gamma_gamma", "v"),
    ]
    bg = fitted[fitted["model"] == "bg_nbd"].iloc[0]
    gg = fitted[fitted["model"] == "gamma_gamma"].iloc[0]
    assert bg["sample_size"] == bg["eligible_customers"] == 20_000
    assert gg["sample_size"] == gg["eligible_customers"] == 7_782
    assert bool(bg["converged"]) and bg["iterations"] > 0
    assert bg["fit_method"] == clv.FIT_METHOD
    assert fitted["status"].isin(clv.STATUSES).all()


def test_fit_reaches_the_maximum_of_the_likelihood(
    customers: pd.DataFrame, fitted: pd.DataFrame
) -> None:
    """The stored log-likelihood is the maximum: moving any parameter lowers it."""
    estimate = _table_params(fitted, "bg_nbd")
    x, t_x, T = customers["frequency"], customers["recency"], customers["T"]
    best = clv.bg_nbd_log_likelihood(estimate, x, t_x, T).sum()
    stored = fitted.loc[fitted["model"] == "bg_nbd", "log_likelihood"].iloc[0]
    assert stored == pytest.approx(best, rel=1e-12)
    for name in estimate:
        for factor in (0.99, 1.01):
            moved = dict(estimate, **{name: estimate[name] * factor})
            assert clv.bg_nbd_log_likelihood(moved, x, t_x, T).sum() < best


@pytest.mark.parametrize("model", ["bg_nbd", "gamma_gamma"])
def test_gradients_match_finite_differences(
    customers: pd.DataFrame, model: str
) -> None:
    rows = customers[customers["frequency"] > 0].iloc[:2000]
    if model == "bg_nbd":
        values = np.array(list(BG_NBD.values()))
        data = (rows["frequency"], rows["recency"], rows["T"])
        terms = clv._bg_nbd_terms
    else:
        values = np.array(list(GAMMA_GAMMA.values()))
        data = (rows["frequency"], rows["monetary_value"])
        terms = clv._gamma_gamma_terms
    analytic = terms(values, *data)[1].sum(axis=0)
    numeric = approx_fprime(values, lambda v: terms(v, *data)[0].sum(), 1e-6)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4)


def test_fit_is_deterministic_and_independent_of_row_order(
    customers: pd.DataFrame,
) -> None:
    params = {"value_model_sample_size": 3000, "random_state": 7}
    first = clv.fit_customer_value_model(customers, params)
    again = clv.fit_customer_value_model(customers, params)
    shuffled = clv.fit_customer_value_model(
        customers.sample(frac=1.0, random_state=3), params
    )
    columns = ["model", "parameter", "value", "sample_size", "log_likelihood"]
    pd.testing.assert_frame_equal(first[columns], again[columns], check_exact=True)
    pd.testing.assert_frame_equal(first[columns], shuffled[columns], check_exact=True)
    other_seed = clv.fit_customer_value_model(customers, dict(params, random_state=8))
    assert not np.allclose(other_seed["value"], first["value"])


def test_sample_is_bounded_and_keeps_the_frequency_mix(
    customers: pd.DataFrame,
) -> None:
    sample = clv._stratified_sample(customers, 2000, random_state=0)
    assert len(sample) == 2000
    bands = [0, 1, 2, 4, 8, 16]
    population = pd.cut(customers["frequency"], [*bands, np.inf], right=False)
    drawn = pd.cut(sample["frequency"], [*bands, np.inf], right=False)
    expected = population.value_counts(normalize=True) * 2000
    np.testing.assert_allclose(
        drawn.value_counts().reindex(expected.index), expected, atol=1.0
    )


# --------------------------------------------------------------------------
# Degenerate inputs: a status and a sentence, never an exception
# --------------------------------------------------------------------------


def _statuses(table: pd.DataFrame) -> dict[str, tuple[str, str]]:
    first = table.groupby("model", sort=False).first()
    return {
        model: (row["status"], row["status_reason"]) for model, row in first.iterrows()
    }


def test_single_order_customers_give_a_reason() -> None:
    summary = simulate_summary(500, seed=2).assign(
        frequency=0.0, recency=0.0, monetary_value=np.nan
    )
    table = clv.fit_customer_value_model(summary)
    status = _statuses(table)
    assert status["bg_nbd"][0] == "insufficient_data"
    assert "single order" in status["bg_nbd"][1]
    assert status["gamma_gamma"][0] == "insufficient_data"
    assert "positive mean order value" in status["gamma_gamma"][1]
    assert table["value"].isna().all()
    assert len(table) == 7


def test_repeat_buyers_without_spend_fit_bg_nbd_only() -> None:
    summary = simulate_summary(3000, seed=3).assign(monetary_value=0.0)
    status = _statuses(clv.fit_customer_value_model(summary))
    assert status["bg_nbd"][0] == "fitted"
    assert status["gamma_gamma"][0] == "insufficient_data"


@pytest.mark.parametrize("n_rows", [0, 1, 20])
def test_too_few_customers(n_rows: int) -> None:
    summary = simulate_summary(max(n_rows, 1), seed=4).iloc[:n_rows]
    table = clv.fit_customer_value_model(summary)
    assert set(table["status"]) == {"insufficient_data"}
    assert table["status_reason"].str.len().gt(20).all()


def test_invalid_rows_are_left_out_and_counted() -> None:
    summary = simulate_summary(2000, seed=5)
    summary.loc[0, "recency"] = summary.loc[0, "T"] + 1
    summary.loc[1, "frequency"] = -1
    summary.loc[2, "T"] = np.nan
    summary.loc[3, "frequency"] = 1.5
    table = clv.fit_customer_value_model(summary)
    bg = table[table["model"] == "bg_nbd"].iloc[0]
    assert bg["status"] == "fitted"
    assert bg["eligible_customers"] == 1996
    assert "4 row(s) with an invalid summary" in bg["status_reason"]


def test_non_convergence_is_reported() -> None:
    summary = simulate_summary(2000, seed=6)
    table = clv.fit_customer_value_model(summary, {"value_model_max_iterations": 2})
    status = _statuses(table)
    assert status["bg_nbd"][0] == "not_converged"
    assert "did not converge" in status["bg_nbd"][1]
    bg = table[table["model"] == "bg_nbd"]
    assert not bg["converged"].any() and bg["value"].isna().all()


def test_unidentified_dropout_is_reported() -> None:
    # Every repeat buyer bought at the as-of date: nobody looks gone, so the
    # dropout probability runs to zero (a to the lower search bound).
    summary = simulate_summary(4000, seed=7)
    repeat = summary["frequency"] > 0
    summary.loc[repeat, "recency"] = summary.loc[repeat, "T"]
    table = clv.fit_customer_value_model(summary)
    status = _statuses(table)
    assert status["bg_nbd"][0] == "not_identified"
    assert "search range" in status["bg_nbd"][1]
    assert table.loc[table["model"] == "bg_nbd", "value"].isna().all()
    assert status["gamma_gamma"][0] == "fitted"


def test_missing_column_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="monetary_value"):
        clv.fit_customer_value_model(
            simulate_summary(10).drop(columns="monetary_value")
        )


# --------------------------------------------------------------------------
# Scoring formulas and the SQL series
# --------------------------------------------------------------------------


def test_probability_alive_edge_cases() -> None:
    x = np.array([0, 0, 3, 3, 3, 30])
    recency = np.array([0.0, 0.0, 10.0, 10.0, 40.0, 2.0])
    T = np.array([0.0, 50.0, 10.0, 40.0, 40.0, 60.0])
    alive = clv.probability_alive(BG_NBD, x, recency, T)
    assert alive[0] == alive[1] == 1.0  # no repeat purchase: never seen to drop
    # bought at the as-of date: alive unless they dropped right after buying
    a, b = BG_NBD["a"], BG_NBD["b"]
    assert alive[2] == pytest.approx(1 / (1 + a / (b + 2)))
    assert alive[4] == alive[2]
    assert alive[3] < alive[4]  # silent for 30 weeks: less likely alive
    assert 0 < alive[5] < 1e-12  # a frequent buyer silent for 58 weeks
    assert np.all((alive > 0) & (alive <= 1))


def test_expected_orders_matches_the_published_example() -> None:
    # FHL (2005), section 4, CDNOW: x=2, t_x=30.43, T=38.86, 39 weeks -> 1.226
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    value = clv.expected_orders(published, 39.0, [2], [30.43], [38.86])[0]
    assert value == pytest.approx(1.226, abs=5e-4)


@pytest.mark.parametrize(
    "params",
    [
        BG_NBD,
        {"r": 2.0, "alpha": 30.0, "a": 2.5, "b": 0.8},
        {"r": 0.05, "alpha": 0.5, "a": 0.1, "b": 6.0},
        {"r": 0.7, "alpha": 60.0, "a": 1.001, "b": 3.0},
    ],
)
@pytest.mark.parametrize("horizon", [4.0, 52.0, 104.0])
def test_series_matches_hyp2f1(params: dict[str, float], horizon: float) -> None:
    summary = simulate_summary(2000, bg_nbd=params, T_range=(0.0, 150.0), seed=8)
    x, t_x, T = summary["frequency"], summary["recency"], summary["T"]
    n_terms = clv.series_terms_needed(params, horizon, rtol=1e-10)
    coefficients = clv.series_coefficients(params, n_terms)
    series = clv.expected_orders_series(params, coefficients, horizon, x, t_x, T)
    reference = clv.expected_orders(params, horizon, x, t_x, T)
    np.testing.assert_allclose(series, reference, rtol=1e-9)


def test_series_terms_bound_is_tight_and_sufficient() -> None:
    """N terms reach the tolerance at the worst customer; N / 2 do not."""
    horizon = 52.0
    n_terms = clv.series_terms_needed(BG_NBD, horizon, rtol=1e-8)
    assert 100 < n_terms < 300  # 177 for CDNOW and a year
    # the worst customer: first purchase at the as-of date (z is largest)
    x, t_x, T = np.zeros(1), np.zeros(1), np.zeros(1)
    reference = clv.expected_orders(BG_NBD, horizon, x, t_x, T)
    errors = {}
    for n in (n_terms, n_terms // 2):
        coefficients = clv.series_coefficients(BG_NBD, n)
        value = clv.expected_orders_series(BG_NBD, coefficients, horizon, x, t_x, T)
        errors[n] = abs(value[0] / reference[0] - 1)
    assert errors[n_terms] < 1e-8 < errors[n_terms // 2]


def test_series_is_finite_at_a_equal_one() -> None:
    """At a = 1 the published formula is 0/0; the series form is not."""
    params = dict(BG_NBD, a=1.0)
    x, t_x, T = np.array([0, 2, 5]), np.array([0.0, 20.0, 30.0]), np.full(3, 40.0)
    coefficients = clv.series_coefficients(params, 400)
    at_one = clv.expected_orders_series(params, coefficients, 52.0, x, t_x, T)
    eps = 1e-3  # the formula is smooth in a: the mean of a = 1 +- eps is O(eps^2)
    around = (
        sum(
            clv.expected_orders(dict(BG_NBD, a=1 + s), 52.0, x, t_x, T)
            for s in (eps, -eps)
        )
        / 2
    )
    np.testing.assert_allclose(at_one, around, rtol=1e-5)


def test_series_coefficients_table() -> None:
    table = clv.series_coefficients(BG_NBD, 5)
    assert list(table.columns) == clv.SERIES_COLUMNS
    r, a, b = BG_NBD["r"], BG_NBD["a"], BG_NBD["b"]
    big_a = a + b - 1 - r
    # e_1 = A, e_2 = A (A + 1) a / 2
    values = table["sign"] * np.exp(table["log_abs_coefficient"])
    assert values[0] == pytest.approx(big_a)
    assert values[1] == pytest.approx(big_a * (big_a + 1) * a / 2)
    # A = -1 exactly: the series stops after the first term
    stopping = clv.series_coefficients({"r": 1.0, "alpha": 1, "a": 0.5, "b": 0.5}, 4)
    assert stopping["sign"].tolist() == [-1, 0, 0, 0]


def test_expected_order_value_shrinks_towards_the_population_mean() -> None:
    p, q, v = GAMMA_GAMMA.values()
    population = p * v / (q - 1)
    value = clv.expected_order_value(GAMMA_GAMMA, [0, 1, 100], [np.nan, 80.0, 80.0])
    assert value[0] == pytest.approx(population)
    assert population < value[1] < value[2] < 80.0


# --------------------------------------------------------------------------
# Cross-check with pymc-marketing (only where it is installed)
# --------------------------------------------------------------------------


def test_formulas_match_pymc_marketing() -> None:
    clv_models = pytest.importorskip("pymc_marketing.clv")
    import arviz as az

    summary = simulate_summary(3000, seed=9)
    model = clv_models.BetaGeoModel()
    model.build_model(summary[["customer_id", "frequency", "recency", "T"]])
    model.idata = az.from_dict(
        posterior={name: np.array([[value]]) for name, value in BG_NBD.items()}
    )
    x, t_x, T = summary["frequency"], summary["recency"], summary["T"]
    theirs_alive = model.expected_probability_alive().values.ravel()
    theirs_orders = model.expected_purchases(future_t=52).values.ravel()
    np.testing.assert_allclose(
        clv.probability_alive(BG_NBD, x, t_x, T), theirs_alive, rtol=1e-6
    )
    n_terms = clv.series_terms_needed(BG_NBD, 52.0, rtol=1e-8)
    coefficients = clv.series_coefficients(BG_NBD, n_terms)
    for ours in (
        clv.expected_orders(BG_NBD, 52.0, x, t_x, T),
        clv.expected_orders_series(BG_NBD, coefficients, 52.0, x, t_x, T),
    ):
        np.testing.assert_allclose(ours, theirs_orders, rtol=1e-6)

    spend = clv_models.GammaGammaModel()
    spend.build_model(
        summary.loc[x > 0, ["customer_id", "frequency", "monetary_value"]]
    )
    spend.idata = az.from_dict(
        posterior={name: np.array([[value]]) for name, value in GAMMA_GAMMA.items()}
    )
    theirs_value = spend.expected_customer_spend(spend.data).values.ravel()
    ours_value = clv.expected_order_value(
        GAMMA_GAMMA, spend.data["frequency"], spend.data["monetary_value"]
    )
    np.testing.assert_allclose(ours_value, theirs_value, rtol=1e-6)
