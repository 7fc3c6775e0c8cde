"""Tests for segmentation.backtest and the backtest path of evaluate_candidates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from segmentation.backtest import (
    bootstrap_weights,
    feature_sets,
    outcomes_usable,
    segment_auc,
    select_by_backtest,
    usefulness,
)
from segmentation.candidates import evaluate_candidates
from segmentation.prep import resolve_params


def test_segment_auc_is_the_roc_auc_of_segment_rates():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 5, 2000)
    bought = (rng.random(2000) < 0.1 + 0.15 * labels).astype(int)
    rates = pd.Series(bought).groupby(labels).mean()
    expected = roc_auc_score(bought, rates.loc[labels].to_numpy())
    assert segment_auc(labels, bought) == pytest.approx(expected, abs=1e-12)


def test_segments_with_equal_rates_say_nothing():
    labels = np.array([0, 0, 1, 1])
    assert segment_auc(labels, np.array([1, 0, 1, 0])) == 0.5
    assert segment_auc(np.zeros(4, dtype=int), np.array([1, 0, 1, 0])) == 0.5


def test_noise_rows_are_left_out():
    labels = np.array([0, 0, 1, 1, -1, -1])
    bought = np.array([0, 0, 1, 1, 1, 0])
    assert segment_auc(labels, bought) == 1.0


def test_feature_sets_grow_and_skip_duplicates():
    params = {"features": None, "exclude_features": []}
    rfm = ["recency_days", "frequency", "monetary"]
    sets = feature_sets([*rfm, "tenure_days", "category_share_x"], params)
    assert sets == {
        "rfm": rfm,
        "rfm_behaviour": [*rfm, "tenure_days"],
        "all": [*rfm, "tenure_days", "category_share_x"],
    }
    # transactions only: behaviour adds nothing beyond "all"
    only = feature_sets([*rfm, "tenure_days"], params)
    assert list(only) == ["rfm", "rfm_behaviour"]
    excluded = feature_sets(rfm, {"features": None, "exclude_features": ["monetary"]})
    assert excluded == {"rfm": ["recency_days", "frequency"]}
    custom = feature_sets(rfm, {"features": ["frequency"], "exclude_features": []})
    assert custom == {"custom": ["frequency"]}


def test_bootstrap_is_paired_and_deterministic():
    first = bootstrap_weights(100, 5, 7)
    assert first.shape == (5, 100) and (first.sum(axis=1) == 100).all()
    np.testing.assert_array_equal(first, bootstrap_weights(100, 5, 7))


def test_usefulness_averages_fits_and_measures_its_noise():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 4, 3000)
    bought = rng.random(3000) < 0.05 + 0.1 * labels
    outcomes = pd.DataFrame(
        {"bought_again": bought, "future_revenue": bought * rng.gamma(2, 50, 3000)}
    )
    weights = bootstrap_weights(3000, 30, 0)
    one, resampled = usefulness([labels], outcomes, weights)
    assert one["backtest_auc"] == pytest.approx(segment_auc(labels, bought))
    assert 0 < one["backtest_auc_se"] < 0.05
    assert resampled.shape == (30,)
    assert 0 < one["revenue_explained"] < 1
    shuffled = rng.permutation(labels)
    both, _ = usefulness([labels, shuffled], outcomes, weights)
    expected = (segment_auc(labels, bought) + segment_auc(shuffled, bought)) / 2
    assert both["backtest_auc"] == pytest.approx(expected)
    empty, _ = usefulness([], outcomes, weights)
    assert np.isnan(empty["backtest_auc"])


def test_outcomes_that_cannot_separate_anything_are_refused():
    assert "fewer than 20" in outcomes_usable(pd.DataFrame({"bought_again": [True]}))
    alike = pd.DataFrame({"bought_again": [False] * 50})
    assert outcomes_usable(alike).startswith("none of the 50 customers")
    mixed = pd.DataFrame({"bought_again": [False, True] * 25})
    assert outcomes_usable(mixed) is None


def _table(aucs, ks, eligible=None):
    n = len(aucs)
    return pd.DataFrame(
        {
            "candidate_id": np.arange(1, n + 1),
            "algorithm": ["kmeans"] * n,
            "feature_set": ["rfm"] * n,
            "n_clusters": ks,
            "backtest_auc": aucs,
            "silhouette": [0.3] * n,
            "davies_bouldin": [1.0] * n,
            "calinski_harabasz": [100.0] * n,
            "stability": [0.9] * n,
            "is_deployable": [True] * n,
            "is_eligible": eligible if eligible is not None else [True] * n,
            "is_selected": [False] * n,
            "selection_reason": [None] * n,
        }
    )


def test_the_fewest_segments_within_the_tolerance_win():
    table = _table([0.70, 0.745, 0.748, 0.75], [3, 4, 6, 8])
    flat = {i: np.full(10, table.at[i, "backtest_auc"]) for i in table.index}
    params = {"backtest_auc_tolerance": 0.005}
    chosen = select_by_backtest(table, flat, params, "rules")
    assert chosen["is_selected"].tolist() == [False, True, False, False]
    assert chosen["is_tied_with_best"].tolist() == [False, True, True, True]
    assert "the fewest segments (4)" in chosen.loc[1, "selection_reason"]
    strict = select_by_backtest(table, flat, {"backtest_auc_tolerance": 0.001}, "r")
    assert strict["is_selected"].tolist() == [False, False, False, True]


def test_differences_within_the_bootstrap_noise_count_as_ties():
    table = _table([0.70, 0.75], [3, 8])
    rng = np.random.default_rng(0)
    noisy = {0: 0.70 + rng.normal(0, 0.1, 50), 1: 0.75 + rng.normal(0, 0.1, 50)}
    chosen = select_by_backtest(table, noisy, {"backtest_auc_tolerance": 0.0}, "r")
    assert chosen["is_selected"].tolist() == [True, False]
    assert chosen.loc[0, "backtest_gap_noise"] > 0.05


def test_ineligible_candidates_never_set_the_bar():
    table = _table([0.80, 0.70, 0.71], [3, 4, 5], eligible=[False, True, True])
    flat = {i: np.full(10, table.at[i, "backtest_auc"]) for i in table.index}
    chosen = select_by_backtest(table, flat, {"backtest_auc_tolerance": 0.005}, "r")
    assert chosen["is_selected"].tolist() == [False, False, True]


def _customers(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customers whose next purchase depends on recency and frequency only."""
    rng = np.random.default_rng(seed)
    recency = rng.gamma(2.0, 60.0, n)
    frequency = 1 + rng.poisson(rng.gamma(1.0, 3.0, n))
    monetary = frequency * rng.gamma(4.0, 15.0, n)
    noise = rng.normal(0, 1, n)
    chance = 1 / (1 + np.exp(-(1.5 - recency / 40 + 0.3 * np.log(frequency))))
    bought = rng.random(n) < chance
    ids = [f"c{i:05d}" for i in range(n)]
    features = pd.DataFrame(
        {
            "customer_id": ids,
            "recency_days": recency,
            "frequency": frequency,
            "monetary": monetary,
            "unrelated": noise,
        }
    )
    backtest = features.assign(
        bought_again=bought,
        future_orders=bought.astype(int),
        future_revenue=bought * 40.0,
        population_customers=n,
    )
    return features, backtest


def test_candidates_are_chosen_by_the_backtest_not_the_labels():
    features, backtest = _customers(1500, 3)
    params = {"k_max": 5, "include_autoencoder": False, "stability_splits": 1}
    table = evaluate_candidates(features, params, backtest=backtest)
    chosen = table[table["is_selected"]].iloc[0]
    assert (table["evaluated_on"] == "backtest").all()
    assert set(table["feature_set"]) == {"rfm", "all"}
    assert chosen["selection_reason"].startswith("backtest:")
    assert chosen["backtest_auc"] > 0.65
    labels = pd.DataFrame(
        {"customer_id": features["customer_id"], "true_segment": features.index % 3}
    )
    with_labels = evaluate_candidates(features, params, labels, backtest=backtest)
    assert with_labels["is_selected"].tolist() == table["is_selected"].tolist()


def test_without_usable_outcomes_the_choice_falls_back_to_geometry():
    features, backtest = _customers(600, 4)
    params = {"k_max": 4, "include_autoencoder": False, "stability_splits": 1}
    table = evaluate_candidates(
        features, params, backtest=backtest.assign(bought_again=True)
    )
    reason = table.loc[table["is_selected"], "selection_reason"].item()
    assert reason.startswith("no backtest (all of the 600 customers")
    assert (table["evaluated_on"] == "current").all()
    assert table["backtest_auc"].isna().all()


def _python_model_config(yml: str, key: str) -> dict[str, str]:
    """Parameter name -> var name of a Python model config rendered from dbt vars."""
    import re

    import yaml

    from segmentation.tests.dbt_helpers import PROJECT_DIR

    path = PROJECT_DIR / "models" / "marts" / "segmentation" / yml
    models = yaml.safe_load(path.read_text())["models"]
    templates = {m["config"][key] for m in models if key in m.get("config", {})}
    assert len(templates) == 1, f"every model shares one {key} config"
    return dict(re.findall(r"'(\w+)': var\('(\w+)'\)", templates.pop()))


def test_parameters_come_from_the_dbt_vars_only():
    """The Python models get exactly the parameters segmentation.params knows,
    each from its var, and a parameter left out takes the var's default."""
    from segmentation.clv import resolve_value_model_params
    from segmentation.params import SEGMENTATION_VARS, VALUE_MODEL_VARS, project_vars

    assert _python_model_config("_segmentation__models.yml", "segmentation_params") == (
        SEGMENTATION_VARS
    )
    assert _python_model_config("_predictions__models.yml", "value_model_params") == (
        VALUE_MODEL_VARS
    )
    project = project_vars()
    params = resolve_params({})
    for name, var in SEGMENTATION_VARS.items():
        assert params[name] == project[var], name
    value = resolve_value_model_params({})
    for name, var in VALUE_MODEL_VARS.items():
        assert value[name] == project[var], name
    assert resolve_params({"rule_max_depth": 2})["rule_max_depth"] == 2
