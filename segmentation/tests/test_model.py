"""Tests for segmentation.model."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from segmentation.candidates import evaluate_candidates
from segmentation.model import (
    ASSIGNMENT_COLUMNS,
    CENTROID_BASE_COLUMNS,
    PROFILE_COLUMNS,
    fit_preparation,
    fit_segmentation,
)
from segmentation.prep import apply_steps, selected_steps

PARAMS = {"k_max": 6, "include_autoencoder": False, "stability_splits": 1}


@pytest.fixture(scope="module")
def fitted(customers):
    frame, labels = customers
    candidates = evaluate_candidates(frame, PARAMS, labels)
    return frame, candidates, fit_segmentation(frame, candidates, PARAMS)


def _with_selected(candidates: pd.DataFrame, algorithm: str, k: int) -> pd.DataFrame:
    table = candidates.copy()
    table["is_selected"] = (table["algorithm"] == algorithm) & (
        table["n_clusters"] == k
    )
    return table


def test_tables_contract(fitted):
    frame, candidates, model = fitted
    features = selected_steps(model.steps)["feature"].tolist()
    assert list(model.centroids.columns) == CENTROID_BASE_COLUMNS + features
    assert list(model.sample_assignments.columns) == ASSIGNMENT_COLUMNS
    assert list(model.profile.columns) == PROFILE_COLUMNS
    k = candidates.loc[candidates["is_selected"], "n_clusters"].item()
    assert model.centroids["segment_id"].tolist() == list(range(1, k + 1))
    assert model.centroids["training_customers"].sum() == len(frame)
    assert model.centroids["training_share"].sum() == pytest.approx(1.0)
    assert model.centroids["segment_name"].is_unique
    assert (model.centroids["outlier_distance_threshold"] > 0).all()
    assert len(model.sample_assignments) == len(frame)
    assert model.sample_assignments["customer_id"].is_monotonic_increasing
    assert model.sample_assignments["segment_id"].dtype == np.int64
    assert set(model.profile["segment_id"]) == set(range(1, k + 1))
    assert "monetary_gross" in set(model.profile["feature"])  # dropped but profiled
    assert "gender" not in set(model.profile["feature"])


def test_centroids_are_fitted_on_the_stored_preparation(fitted):
    """segment_preprocessing fits the steps once; segment_centroids clusters what
    those stored steps produce, so the two tables come from one fit."""
    frame, candidates, model = fitted
    steps = fit_preparation(frame, candidates, PARAMS)
    pd.testing.assert_frame_equal(steps, model.steps)
    # as read back from the warehouse: same values, fresh objects
    stored = steps.copy(deep=True)
    again = fit_segmentation(frame, candidates, PARAMS, steps=stored)
    assert again.steps is stored
    pd.testing.assert_frame_equal(again.centroids, model.centroids)
    # different steps give different centroids: the steps are really used
    shifted = stored.copy()
    shifted.loc[shifted["is_selected"], "center"] += 1.0
    moved = fit_segmentation(frame, candidates, PARAMS, steps=shifted)
    features = selected_steps(shifted)["feature"].tolist()
    assert not np.allclose(
        moved.centroids[features].to_numpy(), model.centroids[features].to_numpy()
    )


def test_deterministic(customers, fitted):
    frame, candidates, model = fitted
    again = fit_segmentation(frame.sample(frac=1.0, random_state=3), candidates, PARAMS)
    for name in ("steps", "centroids", "sample_assignments", "profile"):
        pd.testing.assert_frame_equal(getattr(model, name), getattr(again, name))


def test_canonical_ids_follow_monetary(fitted):
    _, _, model = fitted
    money = model.profile[model.profile["feature"] == "monetary"]
    means = money.sort_values("segment_id")["mean_value"].to_numpy()
    assert (np.diff(means) < 0).all()
    assert model.centroids.loc[0, "segment_name"] == "Champions"


def test_sample_assignments_equal_predict(fitted):
    frame, _, model = fitted
    assigned = model.sample_assignments.set_index("customer_id")
    predicted = pd.Series(model.predict(frame), index=frame["customer_id"].to_numpy())
    pd.testing.assert_series_equal(
        predicted.loc[assigned.index], assigned["segment_id"], check_names=False
    )
    scored = model.assign(frame).set_index("customer_id").loc[assigned.index]
    np.testing.assert_array_equal(scored["distance"], assigned["distance"])


def test_centroids_are_partition_means(fitted):
    frame, candidates, model = fitted
    chosen = candidates[candidates["is_selected"]].iloc[0]
    assert chosen["algorithm"] == model.algorithm == "kmeans"
    assert chosen["centroid_agreement"] == 1.0
    X = apply_steps(model.steps, frame.sort_values("customer_id"))
    labels = model.sample_assignments["segment_id"].to_numpy()
    means = np.vstack(
        [X[labels == s].mean(axis=0) for s in model.centroids["segment_id"]]
    )
    np.testing.assert_allclose(
        model.centroids[model.feature_columns].to_numpy(), means, atol=1e-9
    )
    joined = model.sample_assignments.merge(model.centroids, on="segment_id")
    share_over = (joined["distance"] > joined["outlier_distance_threshold"]).mean()
    assert 0 < share_over < 0.02


@pytest.mark.parametrize("algorithm", ["gaussian_mixture", "ward"])
def test_other_deployable_algorithms(customers, fitted, algorithm):
    frame, candidates, _ = fitted
    model = fit_segmentation(frame, _with_selected(candidates, algorithm, 4), PARAMS)
    assert model.algorithm == algorithm
    assert len(model.centroids) == 4
    predicted = model.predict(frame.sort_values("customer_id"))
    np.testing.assert_array_equal(predicted, model.sample_assignments["segment_id"])
    params = json.loads(
        candidates.loc[
            (candidates["algorithm"] == algorithm) & (candidates["n_clusters"] == 4),
            "parameters",
        ].item()
    )
    assert params["random_state"] == 42


def test_without_monetary_uses_first_feature(blobs):
    frame, _ = blobs
    candidates = evaluate_candidates(frame, PARAMS)
    model = fit_segmentation(frame, candidates, PARAMS)
    f0 = model.profile[model.profile["feature"] == "f0"].sort_values("segment_id")
    assert (np.diff(f0["mean_value"].to_numpy()) < 0).all()
    assert model.centroids["segment_name"].is_unique


def test_single_segment_fallback():
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "monetary": [1.0, 5.0, 9.0],
            "frequency": [1, 2, 3],
        }
    )
    candidates = evaluate_candidates(frame)
    model = fit_segmentation(frame, candidates)
    assert len(model.centroids) == 1
    row = model.centroids.iloc[0]
    assert row["segment_id"] == 1 and row["segment_name"] == "All customers"
    assert row["training_customers"] == 3
    features = model.feature_columns
    assert (model.centroids[features].to_numpy() == 0).all()
    assert model.sample_assignments["segment_id"].eq(1).all()
    assert (model.predict(frame) == 1).all()


def test_single_segment_without_features():
    frame = pd.DataFrame(
        {"customer_id": [f"c{i}" for i in range(20)], "country": ["DE", "FR"] * 10}
    )
    model = fit_segmentation(frame, evaluate_candidates(frame))
    assert model.feature_columns == []
    assert list(model.centroids.columns) == CENTROID_BASE_COLUMNS
    assert model.sample_assignments["distance"].eq(0.0).all()


def test_mismatched_inputs_raise(fitted):
    frame, candidates, _ = fitted
    with pytest.raises(ValueError, match="same sample"):
        fit_segmentation(frame.head(100), candidates, PARAMS)
    with pytest.raises(ValueError, match="exactly one selected"):
        fit_segmentation(frame, candidates.assign(is_selected=False), PARAMS)


def _names(model) -> dict[int, str]:
    return model.centroids.set_index("segment_id")["segment_name"].to_dict()


def _as_catalog(model, ids: dict[int, int] | None = None) -> pd.DataFrame:
    """A fitted model's segments as segment_catalog stores them (``ids`` relabels)."""
    names = _names(model)
    previous = model.profile.rename(columns={"mean_value": "segment_mean"})
    previous["segment_name"] = previous["segment_id"].map(names)
    if ids:
        previous["segment_id"] = previous["segment_id"].map(ids)
    return previous[["segment_id", "segment_name", "feature", "segment_mean"]]


def test_a_refit_on_unchanged_data_keeps_every_customers_segment(fitted):
    """Matching against the previous run (not determinism alone): every customer
    keeps the segment id and name they had."""
    frame, candidates, model = fitted
    previous = _as_catalog(model)
    again = fit_segmentation(
        frame.sample(frac=1.0, random_state=5),
        candidates,
        PARAMS,
        previous,
        max_known_id=int(model.centroids["segment_id"].max()),
    )
    pd.testing.assert_frame_equal(again.sample_assignments, model.sample_assignments)
    pd.testing.assert_frame_equal(
        again.centroids[["segment_id", "segment_name"]],
        model.centroids[["segment_id", "segment_name"]],
    )


def test_ids_follow_the_profiles_when_two_segments_swap(fitted):
    """The previous run knew segment 1's profile as id 2 and segment 2's as id 1:
    the refit publishes each profile under the id it had before, so every
    customer of canonical segment 1 gets id 2 and the other way round."""
    frame, candidates, model = fitted
    k = int(model.centroids["segment_id"].max())
    swap = {1: 2, 2: 1, **{s: s for s in range(3, k + 1)}}
    previous = _as_catalog(model, swap)
    refit = fit_segmentation(frame, candidates, PARAMS, previous, max_known_id=k)
    expected = model.sample_assignments["segment_id"].map(swap)
    np.testing.assert_array_equal(
        refit.sample_assignments["segment_id"].to_numpy(), expected.to_numpy()
    )
    names, published = _names(model), _names(refit)
    assert published[2] == names[1] and published[1] == names[2]
