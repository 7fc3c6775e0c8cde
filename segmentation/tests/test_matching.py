"""Segment ids and names survive a refit; genuinely new segments get new ids."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.candidates import evaluate_candidates
from segmentation.matching import match_segments
from segmentation.model import fit_segmentation, model_from_tables

PARAMS = {
    "k_min": 3,
    "k_max": 5,
    "algorithms": ["kmeans"],
    "include_autoencoder": False,
    "stability_splits": 1,
    "random_state": 0,
}


def _customers(centres: list[tuple[float, float, float]], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for number, (recency, frequency, monetary) in enumerate(centres):
        for i in range(150):
            rows.append(
                {
                    "customer_id": f"c{number}_{i:03d}",
                    "recency_days": recency * rng.lognormal(0, 0.1),
                    "frequency": max(1.0, frequency + rng.normal(0, 0.5)),
                    "monetary": monetary * rng.lognormal(0, 0.1),
                }
            )
    return pd.DataFrame(rows)


def _previous_table(model) -> pd.DataFrame:
    """The long snapshot segment_catalog would hold for a fitted model."""
    profile = model.profile.merge(
        model.centroids[["segment_id", "segment_name"]], on="segment_id"
    )
    return profile.rename(columns={"mean_value": "segment_mean"})[
        ["segment_id", "segment_name", "feature", "segment_mean"]
    ]


def _fit(sample: pd.DataFrame, previous=None, max_known_id=None):
    candidates = evaluate_candidates(sample, PARAMS)
    return fit_segmentation(sample, candidates, PARAMS, previous, max_known_id)


def test_refit_on_drifted_data_keeps_ids_and_names():
    first = _fit(_customers([(10, 20, 3000), (300, 8, 600), (30, 2, 80)], seed=1))
    # A month later: same three groups, a little drift, different customers.
    later = _customers([(12, 21, 3100), (320, 8, 580), (28, 2, 90)], seed=2)
    refit = _fit(later, previous=_previous_table(first))
    before = first.centroids.set_index("segment_id")["segment_name"]
    after = refit.centroids.set_index("segment_id")["segment_name"]
    assert after.to_dict() == before.to_dict()
    # the same people are in the segment with the same id
    big = refit.sample_assignments.set_index("customer_id")["segment_id"]
    assert big.loc["c0_000"] == first.predict(later[later.customer_id == "c0_000"])[0]


def test_new_segment_gets_a_new_id_and_a_vanished_one_is_left_out():
    first = _fit(_customers([(10, 20, 3000), (300, 8, 600), (30, 2, 80)], seed=1))
    # The lapsed group is gone; a new group of very frequent small buyers appears.
    later = _customers([(10, 20, 3000), (5, 40, 200), (30, 2, 80)], seed=3)
    refit = _fit(later, previous=_previous_table(first), max_known_id=7)
    ids = set(refit.centroids["segment_id"])
    kept = ids & set(first.centroids["segment_id"])
    assert len(kept) == 2
    assert ids - kept == {8}
    names = refit.centroids.set_index("segment_id")["segment_name"]
    for segment in kept:
        assert (
            names[segment]
            == first.centroids.set_index("segment_id").loc[segment, "segment_name"]
        )
    assert names.is_unique


def test_no_previous_run_keeps_canonical_ids():
    sample = _customers([(10, 20, 3000), (300, 8, 600), (30, 2, 80)], seed=1)
    model = _fit(sample)
    match = match_segments(model.profile, model.steps, None, 1.5)
    assert match.new_ids == {s: s for s in model.centroids["segment_id"]}


def test_model_from_tables_scores_like_the_fitted_model():
    sample = _customers([(10, 20, 3000), (300, 8, 600), (30, 2, 80)], seed=1)
    model = _fit(sample)
    stored = model_from_tables(model.steps, model.centroids)
    pd.testing.assert_frame_equal(
        stored.assign(sample).sort_values("customer_id").reset_index(drop=True),
        model.sample_assignments,
    )


def test_previous_segments_are_the_latest_snapshot_before_this_run():
    from segmentation.warehouse import previous_segments

    sample = pd.DataFrame({"customer_id": ["a"], "as_of_date": ["2026-07-01"]})
    assert previous_segments(None, sample) == (None, None)  # a first run
    catalog = pd.DataFrame(
        {
            "as_of_date": ["2026-05-01", "2026-06-01", "2026-06-01", "2026-08-01"],
            "segment_id": [1, 2, 3, 9],
            "segment_name": ["old", "kept", "also kept", "later"],
            "feature": ["monetary"] * 4,
            "segment_mean": [1.0, 2.0, 3.0, 9.0],
        }
    )
    previous, max_known_id = previous_segments(catalog, sample)
    assert previous["segment_name"].tolist() == ["kept", "also kept"]
    assert list(previous.columns) == [
        "segment_id",
        "segment_name",
        "feature",
        "segment_mean",
    ]
    assert max_known_id == 9  # ids are never reused, even those of a later snapshot
