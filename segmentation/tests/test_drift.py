"""Training distributions: bins cover every customer exactly once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segmentation.drift import training_distribution
from segmentation.prep import FeaturePreparer


def _sample(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(500)],
            "recency_days": rng.integers(1, 400, 500).astype(float),
            "monetary": rng.lognormal(5, 1, 500),
            "frequency": rng.integers(1, 4, 500).astype(float),
        }
    )
    frame.loc[:24, "monetary"] = np.nan
    return frame


def test_bins_partition_the_training_customers() -> None:
    sample = _sample()
    steps = FeaturePreparer().fit(sample).steps_
    table = training_distribution(sample, steps)
    for _, bins in table.groupby("feature"):
        assert bins["training_customers"].sum() == len(sample)
        assert np.isclose(bins["expected_share"].sum(), 1.0)
    missing = table[(table.feature == "monetary") & table.is_missing_bin]
    assert missing["training_customers"].item() == 25
    # ties merge bins: frequency has only three distinct values
    assert (table[table.feature == "frequency"].bin_number > 0).sum() <= 3


def test_same_input_gives_the_same_table() -> None:
    sample = _sample()
    steps = FeaturePreparer().fit(sample).steps_
    pd.testing.assert_frame_equal(
        training_distribution(sample, steps), training_distribution(sample, steps)
    )


def test_no_selected_feature_gives_an_empty_typed_table() -> None:
    sample = pd.DataFrame({"customer_id": ["a", "b"], "monetary": [5.0, 5.0]})
    steps = FeaturePreparer().fit(sample).steps_
    table = training_distribution(sample, steps)
    assert table.empty
    assert table["lower_edge"].dtype == np.float64
