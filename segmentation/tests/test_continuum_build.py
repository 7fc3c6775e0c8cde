"""The project on customers without planted clusters, judged against the true future.

The continuum generator (:mod:`segmentation.continuum`) simulates a population of
50,000 customers from a buy-till-you-die process (BG/NBD purchasing and dropout,
Gamma-Gamma spend) past ``as_of_date``, so what every customer does next is known.
The build sees only the orders before ``as_of_date`` (and a customers file). Its
segment choice and its per-customer predictions are then scored against the truth
over the horizon the build uses (``prediction_horizon_days``, 90 days).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from segmentation import clv
from segmentation.backtest import segment_auc
from segmentation.continuum import write_continuum
from segmentation.model import fit_segmentation
from segmentation.tests.dbt_helpers import DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds or runs the dbt project: make test, not test-fast

AS_OF_DATE = "2026-07-01"
HORIZON_DAYS = 90
CUSTOMERS = 50_000
SEED = 11


def _ok(run: DbtRun) -> DbtRun:
    assert run.returncode == 0, run.output[-6000:]
    return run


@pytest.fixture(scope="module")
def continuum(tmp_path_factory) -> dict[str, Path]:
    """The 50,000-customer continuum written as CSV files."""
    out = tmp_path_factory.mktemp("continuum")
    return write_continuum(out, n_customers=CUSTOMERS, random_state=SEED)


@pytest.fixture(scope="module")
def continuum_build(continuum, tmp_path_factory) -> DbtRun:
    """`dbt build` with the default vars on the continuum's orders and customers."""
    variables = {
        "orders_path": str(continuum["orders"]),
        "customers_path": str(continuum["customers"]),
        "as_of_date": AS_OF_DATE,
    }
    return run_dbt(["build"], tmp_path_factory.mktemp("continuum_build"), variables)


@pytest.fixture(scope="module")
def truth(continuum, continuum_build) -> pd.DataFrame:
    """Every scored customer with whether they bought in the 90 days after as_of."""
    frame = pd.read_csv(continuum["truth"])
    horizon_end = pd.Timestamp(AS_OF_DATE) + pd.Timedelta(days=HORIZON_DAYS)
    frame["bought"] = (pd.to_datetime(frame["next_order_at"]) < horizon_end).astype(int)
    return frame[["customer_id", "bought", f"future_orders_{HORIZON_DAYS}d"]]


def _frame(run: DbtRun, sql: str) -> pd.DataFrame:
    import duckdb

    with duckdb.connect(str(run.database), read_only=True) as con:
        return con.sql(sql).df()


def test_default_build_succeeds_without_failing_a_geometric_gate(
    continuum_build: DbtRun,
) -> None:
    _ok(continuum_build)
    for gate in ("gate_min_silhouette", "gate_max_davies_bouldin"):
        assert f"FAIL 1 {gate}" not in continuum_build.output


def test_selected_segmentation_predicts_nearly_as_well_as_the_best_candidate(
    continuum_build: DbtRun, truth: pd.DataFrame
) -> None:
    """Refit every deployable candidate as the build would deploy it, score every
    customer, and compare the buy-again AUC over the true next 90 days."""
    run = _ok(continuum_build)
    candidates = _frame(run, "select * from main.segment_model_candidates")
    sample = _frame(run, "select * from main.segment_training_sample")
    features = _frame(run, "select * from main.segment_model_features")
    quality = _frame(run, "select * from main.segment_quality")
    bought = features[["customer_id"]].merge(truth, on="customer_id")["bought"]
    assert len(bought) == len(features)

    in_range = candidates[
        candidates["is_deployable"]
        & candidates["evaluated_on"].eq("backtest")
        & candidates["n_clusters"].between(3, 10)
    ]
    true_auc = {}
    for candidate_id in in_range["candidate_id"]:
        one = candidates.assign(is_selected=candidates["candidate_id"] == candidate_id)
        model = fit_segmentation(sample, one, json.loads("{}"))
        true_auc[candidate_id] = segment_auc(model.predict(features), bought)
    selected = candidates[candidates["is_selected"]].iloc[0]
    best_id = max(true_auc, key=true_auc.get)
    print(
        f"\nselected: {selected['algorithm']} k={selected['n_clusters']} on "
        f"{selected['feature_set']}, backtest AUC {selected['backtest_auc']:.4f}, "
        f"true 90-day AUC {true_auc[selected['candidate_id']]:.4f}; best candidate "
        f"in k 3-10: #{best_id} with true AUC {true_auc[best_id]:.4f} "
        f"({len(true_auc)} candidates)"
    )
    assert 3 <= int(quality["segment_count"].iloc[0]) <= 10
    assert selected["evaluated_on"] == "backtest"
    assert true_auc[selected["candidate_id"]] >= true_auc[best_id] - 0.01


def test_segment_backtest_and_outcomes_are_published(continuum_build: DbtRun) -> None:
    run = _ok(continuum_build)
    backtest = _frame(run, "select * from main.segment_backtest")
    outcomes = _frame(run, "select * from main.segment_outcomes order by segment_id")
    segments = _frame(run, "select * from main.segments order by segment_id")
    assert backtest["is_selected"].sum() == 1
    assert set(backtest["feature_set"]) >= {"rfm", "all"}
    assert (backtest["backtest_as_of_date"].astype(str).str[:10] == "2026-04-02").all()
    assert outcomes["segment_id"].tolist() == segments["segment_id"].tolist()
    # the segments separate who bought again: rates differ across segments
    assert outcomes["buy_again_rate"].max() - outcomes["buy_again_rate"].min() > 0.1


def test_expected_orders_rank_future_buyers_better_than_the_segments(
    continuum_build: DbtRun, truth: pd.DataFrame
) -> None:
    run = _ok(continuum_build)
    scored = _frame(
        run,
        "select p.customer_id, p.expected_orders, s.segment_id "
        "from main.customer_predictions as p "
        "inner join main.customer_segments as s using (customer_id)",
    ).merge(truth, on="customer_id")
    prediction_auc = roc_auc_score(scored["bought"], scored["expected_orders"])
    segments_auc = segment_auc(scored["segment_id"].to_numpy(), scored["bought"])
    expected = scored["expected_orders"].sum()
    actual = scored[f"future_orders_{HORIZON_DAYS}d"].sum()
    print(
        f"\nnext {HORIZON_DAYS} days: expected_orders AUC {prediction_auc:.4f}, "
        f"selected segments AUC {segments_auc:.4f}; expected {expected:,.0f} "
        f"orders, {actual:,} happened"
    )
    assert prediction_auc >= segments_auc + 0.01


def test_backtest_predictions_sum_to_the_actual_orders(
    continuum_build: DbtRun,
) -> None:
    run = _ok(continuum_build)
    row = _frame(
        run,
        "select * from main.customer_predictions_backtest "
        "where calibration_group = 'all'",
    ).iloc[0]
    print(f"\n{row['trust_note']}")
    assert abs(row["predicted_orders"] / row["actual_orders"] - 1) <= 0.15
    assert row["buy_again_auc"] > 0.7
    assert "rank customers usefully" in row["trust_note"]


def _scores_and_parameters(run: DbtRun) -> tuple[pd.DataFrame, dict, dict, int]:
    scores = _frame(
        run,
        "select * from main.customer_value_scores where snapshot = 'current' "
        "order by customer_id",
    )
    model = _frame(
        run, "select * from main.customer_value_model where snapshot = 'current'"
    )
    assert (model["status"] == "fitted").all(), model["status_reason"].unique()
    bg_nbd = clv.parameters_from_table(model, "bg_nbd")
    gamma_gamma = clv.parameters_from_table(model, "gamma_gamma")
    return scores, bg_nbd, gamma_gamma, int(model["horizon_days"].iloc[0])


def test_sql_scoring_equals_the_reference_formulas(continuum_build: DbtRun) -> None:
    """Every customer: SQL's series against scipy's Gauss hypergeometric function."""
    scores, bg_nbd, gamma_gamma, horizon = _scores_and_parameters(_ok(continuum_build))
    x, t_x, age = scores["frequency"], scores["recency_weeks"], scores["age_weeks"]
    np.testing.assert_allclose(
        scores["probability_active"],
        clv.probability_alive(bg_nbd, x, t_x, age),
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        scores["expected_orders"],
        clv.expected_orders(bg_nbd, horizon / 7.0, x, t_x, age),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        scores["expected_order_value"],
        clv.expected_order_value(gamma_gamma, x, scores["monetary_value"]),
        rtol=1e-9,
    )


def test_sql_scoring_equals_pymc_marketing(continuum_build: DbtRun) -> None:
    """5,000 customers: SQL against pymc-marketing's own predictions at the stored
    parameters (its BetaGeoModel and GammaGammaModel)."""
    clv_models = pytest.importorskip("pymc_marketing.clv")
    import arviz as az

    scores, bg_nbd, gamma_gamma, horizon = _scores_and_parameters(_ok(continuum_build))
    some = scores.sample(5000, random_state=0).reset_index(drop=True)
    data = pd.DataFrame(
        {
            "customer_id": np.arange(len(some)),
            "frequency": some["frequency"].astype(float),
            "recency": some["recency_weeks"],
            "T": some["age_weeks"],
        }
    )
    model = clv_models.BetaGeoModel()
    model.build_model(data)
    model.idata = az.from_dict(
        posterior={name: np.array([[value]]) for name, value in bg_nbd.items()}
    )
    theirs = model.expected_purchases(future_t=horizon / 7.0).values.ravel()
    alive = model.expected_probability_alive().values.ravel()
    np.testing.assert_allclose(some["expected_orders"], theirs, rtol=1e-6)
    np.testing.assert_allclose(some["probability_active"], alive, rtol=1e-6)

    repeat = some[some["frequency"] > 0].reset_index(drop=True)
    spend = clv_models.GammaGammaModel()
    spend_data = pd.DataFrame(
        {
            "customer_id": np.arange(len(repeat)),
            "frequency": repeat["frequency"].astype(float),
            "monetary_value": repeat["monetary_value"],
        }
    )
    spend.build_model(spend_data)
    spend.idata = az.from_dict(
        posterior={name: np.array([[value]]) for name, value in gamma_gamma.items()}
    )
    theirs_value = spend.expected_customer_spend(spend_data).values.ravel()
    np.testing.assert_allclose(repeat["expected_order_value"], theirs_value, rtol=1e-6)
    print(f"\nSQL = pymc-marketing on {len(some):,} customers (rtol 1e-6)")


@pytest.fixture(scope="module")
def transactions_only_build(tmp_path_factory) -> DbtRun:
    """A weakly structured order log alone: 5,000 continuum customers, no customers
    file, default vars."""
    out = tmp_path_factory.mktemp("continuum_orders_only")
    files = write_continuum(out, n_customers=5000, random_state=3)
    return run_dbt(
        ["build"],
        out / "build",
        {"orders_path": str(files["orders"]), "as_of_date": AS_OF_DATE},
    )


def test_transactions_only_build_succeeds_with_the_defaults(
    transactions_only_build: DbtRun,
) -> None:
    run = _ok(transactions_only_build)
    count = run.query("select segment_count from main.segment_quality")[0][0]
    evaluated = run.query(
        "select evaluated_on from main.segment_model_candidates where is_selected"
    )[0][0]
    assert 3 <= count <= 10
    assert evaluated == "backtest"
    predictions = run.query(
        "select count(*), count(probability_active) from main.customer_predictions"
    )[0]
    assert predictions[0] == predictions[1] > 0
