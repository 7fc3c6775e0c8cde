"""Tests for segmentation.prep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from segmentation.prep import (
    STEP_COLUMNS,
    FeaturePreparer,
    apply_steps,
    check_features,
    resolve_params,
)


@pytest.fixture(scope="module")
def fitted(customers):
    frame, _ = customers
    return FeaturePreparer().fit(frame), frame


def _step(prep: FeaturePreparer, feature: str) -> pd.Series:
    steps = prep.steps_
    return steps[steps["feature"] == feature].iloc[0]


def test_steps_table_contract(fitted):
    prep, frame = fitted
    steps = prep.steps_
    assert list(steps.columns) == STEP_COLUMNS
    # one row per input column except the id, plus one indicator row
    assert len(steps) == frame.shape[1] - 1 + 1
    assert steps["feature_order"].dtype == "Int64"
    assert steps["is_selected"].dtype == bool
    selected = steps[steps["is_selected"]]
    assert selected["feature_order"].tolist() == list(range(1, len(selected) + 1))
    assert steps.loc[~steps["is_selected"], "feature_order"].isna().all()
    assert selected["drop_reason"].map(lambda v: v is None).all()
    assert prep.feature_names_out_ == selected["feature"].tolist()
    assert list(prep.get_feature_names_out()) == prep.feature_names_out_
    assert set(steps["transform"].dropna()) <= {
        "identity",
        "log1p",
        "missing_indicator",
    }


def test_selection_drops_near_constant_and_copy(fitted):
    prep, _ = fitted
    assert _step(prep, "currency_rate")["drop_reason"] == "near_constant"
    assert _step(prep, "monetary_gross")["drop_reason"] == "correlated_with:monetary"
    for column in ("gender", "country", "age_band", "first_order_date"):
        assert _step(prep, column)["drop_reason"] == "non_numeric"
    for column in (
        "recency_days",
        "frequency",
        "monetary",
        "avg_order_value",
        "tenure_days",
        "mean_days_between_orders",
        "share_grocery",
        "share_electronics",
        "channel_share_app",
        "return_rate",
    ):
        assert _step(prep, column)["is_selected"], column


def test_missing_indicator_and_transforms(fitted):
    prep, frame = fitted
    indicator = _step(prep, "mean_days_between_orders__missing")
    share = frame["mean_days_between_orders"].isna().mean()
    assert indicator["transform"] == "missing_indicator"
    assert indicator["source_column"] == "mean_days_between_orders"
    assert indicator["is_selected"]
    assert np.isnan(indicator["lower_bound"]) and np.isnan(indicator["upper_bound"])
    assert indicator["center"] == pytest.approx(share)
    assert indicator["scale"] == pytest.approx(np.sqrt(share * (1 - share)))
    cadence = _step(prep, "mean_days_between_orders")
    assert cadence["impute_value"] == pytest.approx(
        frame["mean_days_between_orders"].median()
    )
    assert cadence["missing_share"] == pytest.approx(share)
    # skewed non-negative money -> log1p; bounded shares stay identity
    assert _step(prep, "monetary")["transform"] == "log1p"
    assert _step(prep, "share_grocery")["transform"] == "identity"
    assert "recency_days__missing" not in prep.feature_names_out_


def test_scaled_training_columns_are_standardised(fitted):
    prep, frame = fitted
    X = prep.transform(frame)
    assert X.shape == (len(frame), len(prep.feature_names_out_))
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(X.std(axis=0), 1.0, atol=1e-9)


def test_apply_steps_equals_transform(fitted):
    prep, frame = fitted
    np.testing.assert_allclose(
        apply_steps(prep.steps_, frame), prep.transform(frame), rtol=0, atol=1e-9
    )


def test_apply_steps_equals_transform_on_new_extreme_data(fitted):
    prep, frame = fitted
    new = frame.head(6).copy()
    new["monetary"] = [np.nan, -50.0, 1e9, 0.0, np.inf, 10.0]
    new["recency_days"] = [np.nan, np.nan, -3.0, 1e6, 5.0, 7.0]
    new["share_grocery"] = [np.nan, 2.0, -1.0, 0.5, 0.5, 0.5]
    expected = prep.transform(new)
    np.testing.assert_allclose(
        apply_steps(prep.steps_, new), expected, rtol=0, atol=1e-9
    )
    assert np.isfinite(expected).all()
    money = _step(prep, "monetary")
    j = prep.feature_names_out_.index("monetary")
    upper = (money["upper_bound"] - money["center"]) / money["scale"]
    assert expected[2, j] == pytest.approx(upper)  # outlier is clipped
    assert expected[4, j] == pytest.approx(upper)  # +inf is clipped too
    # negative value in a log1p column is safe: ln(1 + max(x, 0)) = 0
    zero = (max(0.0, money["lower_bound"]) - money["center"]) / money["scale"]
    assert expected[1, j] == pytest.approx(zero)


def test_apply_steps_survives_warehouse_round_trip(fitted):
    prep, frame = fitted
    steps = prep.steps_.astype({"feature_order": "float64", "is_selected": object})
    steps = steps.sample(frac=1.0, random_state=0)
    np.testing.assert_allclose(
        apply_steps(steps, frame), prep.transform(frame), rtol=0, atol=1e-12
    )


def test_features_and_exclude_params(customers):
    frame, _ = customers
    prep = FeaturePreparer(
        features=["recency_days", "frequency", "monetary", "gender"],
        exclude_features=["frequency"],
    ).fit(frame)
    steps = prep.steps_.set_index("feature")
    assert prep.feature_names_out_ == ["recency_days", "monetary"]
    assert steps.loc["frequency", "drop_reason"] == "excluded"
    assert steps.loc["tenure_days", "drop_reason"] == "excluded"
    assert steps.loc["gender", "drop_reason"] == "non_numeric"
    with pytest.raises(ValueError, match="not in the input"):
        FeaturePreparer(features=["no_such_column"]).fit(frame)


def test_edge_columns():
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(40)],
            "all_missing": np.full(40, np.nan),
            "flag": np.arange(40) % 2 == 0,
            "nullable": pd.array([None, *range(39)], dtype="Int64"),
            "value": np.linspace(0.0, 1.0, 40),
        }
    )
    prep = FeaturePreparer().fit(frame)
    steps = prep.steps_.set_index("feature")
    assert steps.loc["all_missing", "drop_reason"] == "all_missing"
    assert steps.loc["flag", "drop_reason"] == "non_numeric"
    # nullable integers are numeric; the later near-identical column is dropped
    assert steps.loc["nullable", "is_selected"]
    assert steps.loc["value", "drop_reason"] == "correlated_with:nullable"
    assert "all_missing__missing" not in prep.feature_names_out_
    np.testing.assert_allclose(
        apply_steps(prep.steps_, frame), prep.transform(frame), atol=1e-12
    )


def test_single_row_has_no_usable_feature():
    frame = pd.DataFrame({"customer_id": ["a"], "x": [1.0], "y": [2.0]})
    prep = FeaturePreparer().fit(frame)
    assert prep.feature_names_out_ == []
    assert set(prep.steps_["drop_reason"]) == {"near_constant"}
    assert prep.transform(frame).shape == (1, 0)


def test_sklearn_conventions(customers):
    frame, _ = customers
    prep = FeaturePreparer(exclude_features=["monetary"])
    assert prep.fit(frame) is prep
    assert prep.get_params()["exclude_features"] == ["monetary"]
    cloned = clone(prep)
    assert not hasattr(cloned, "steps_")
    pd.testing.assert_frame_equal(cloned.fit(frame).steps_, prep.steps_)
    with pytest.raises(ValueError, match="no rows"):
        FeaturePreparer().fit(frame.head(0))
    with pytest.raises(ValueError, match="missing the model's source"):
        prep.transform(frame.drop(columns=["recency_days"]))


def test_params_and_input_checks(customers):
    frame, _ = customers
    params = resolve_params({"k_max": None, "algorithms": "kmeans"})
    assert params["k_max"] == 10 and params["algorithms"] == ["kmeans"]
    with pytest.raises(ValueError, match="k_max"):
        resolve_params({"k_min": 5, "k_max": 3})
    with pytest.raises(ValueError, match="unknown algorithm"):
        resolve_params({"algorithms": ["dbscan"]})
    with pytest.raises(ValueError, match="unique"):
        check_features(pd.concat([frame.head(2), frame.head(1)]))
    with pytest.raises(ValueError, match="customer_id"):
        check_features(frame.drop(columns="customer_id"))
    shuffled = check_features(frame.sample(frac=1.0, random_state=1))
    pd.testing.assert_frame_equal(shuffled, check_features(frame))
