"""Tests for segmentation.naming."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.naming import archetype, describe, name_segments

RFM = ["recency_days", "frequency", "monetary", "avg_order_value", "tenure_days"]

# recency_days, frequency, monetary, avg_order_value, tenure_days
SIX = {
    "champions": (10, 30, 5000, 167, 1000),
    "loyal": (20, 20, 2800, 140, 1000),
    "new": (7, 1.5, 100, 67, 20),
    "at_risk": (130, 15, 1500, 100, 800),
    "lapsed_big_spenders": (300, 3, 2100, 700, 1200),
    "bargain_hunters": (15, 25, 600, 24, 700),
}
EXPECTED = {
    "champions": "Champions",
    "loyal": "Loyal regulars",
    "new": "New customers",
    "at_risk": "At-risk regulars",
    "lapsed_big_spenders": "Lapsed big spenders",
    "bargain_hunters": "Frequent bargain hunters",
}


def make_profile(
    means: dict[str, tuple], columns: list[str], sizes: list[int] | None = None
) -> tuple[pd.DataFrame, pd.Series]:
    """Profile table (as built by fit_segmentation) from segment means."""
    sizes = sizes or [100] * len(means)
    values = np.array(list(means.values()), dtype=float)
    weights = np.array(sizes, dtype=float)
    population = (values * weights[:, None]).sum(axis=0) / weights.sum()
    rows = []
    for i, row in enumerate(values):
        for j, column in enumerate(columns):
            rows.append(
                {
                    "segment_id": i + 1,
                    "feature": column,
                    "mean_value": row[j],
                    "median_value": row[j],
                    "population_mean": population[j],
                    "lift": row[j] / population[j],
                }
            )
    index = pd.Index(range(1, len(means) + 1), name="segment_id")
    return pd.DataFrame(rows), pd.Series(sizes, index=index)


def test_six_planted_profiles_get_six_sensible_names():
    profile, sizes = make_profile(SIX, RFM)
    names = name_segments(profile, sizes)
    assert list(names.columns) == ["segment_id", "segment_name", "segment_description"]
    assert names["segment_id"].tolist() == list(range(1, 7))
    assert names["segment_name"].tolist() == list(EXPECTED.values())
    assert names["segment_name"].is_unique


def test_deterministic_and_order_free():
    profile, sizes = make_profile(SIX, RFM)
    first = name_segments(profile, sizes)
    shuffled = profile.sample(frac=1.0, random_state=2)
    pd.testing.assert_frame_equal(first, name_segments(shuffled, sizes.iloc[::-1]))


def test_description_has_size_and_figures():
    means = {
        "recency_days": 18.0,
        "frequency": 24.0,
        "monetary": 3612.0,
        "avg_order_value": 151.0,
    }
    lifts = {"monetary": 3.1}
    text = describe(means, lifts, 512, 0.1)
    assert text == (
        "512 customers (10%): last order ~18 days ago, ~24 orders, ~3,600 spent "
        "in total, average order ~150; 3.1x the average customer's value."
    )
    assert describe({}, {}, 1, 0.001) == "1 customer (<1%)."


def test_transactions_only_data():
    profiles = {
        "best": (5, 25, 4000),
        "new_or_rare": (10, 1, 50),
        "gone": (400, 2, 150),
        "middle": (60, 6, 600),
    }
    profile, sizes = make_profile(profiles, RFM[:3])
    names = name_segments(profile, sizes)["segment_name"].tolist()
    assert names[0] == "Champions"
    assert names[1] == "Occasional buyers"
    assert names[2] == "Lapsed customers"
    assert len(set(names)) == 4
    descriptions = name_segments(profile, sizes)["segment_description"]
    assert descriptions.str.contains("Last order").all()
    assert not descriptions.str.contains("average order").any()


def test_without_known_columns_uses_largest_lifts():
    profiles = {"a": (0.8, 0.02), "b": (0.2, 0.10), "c": (0.45, 0.05)}
    profile, sizes = make_profile(profiles, ["share_grocery", "return_rate"])
    names = name_segments(profile, sizes)
    assert names["segment_name"].tolist() == [
        "Rare returns, high share grocery",
        "Low share grocery, frequent returns",
        "Average customers",
    ]
    assert (
        names["segment_description"]
        .iloc[0]
        .startswith("Return rate ~0.02 (0.4x average), share grocery ~0.8")
    )


def test_generated_features_get_marketer_wording():
    profiles = {"a": (0.8, 0.7), "b": (0.1, 0.1), "c": (0.45, 0.4)}
    profile, sizes = make_profile(
        profiles, ["category_share_grocery", "channel_share_store"]
    )
    names = name_segments(profile, sizes)["segment_name"].tolist()
    assert names[0] == "Grocery buyers, in-store shoppers"
    assert names[1] == "Few grocery purchases, rarely in-store"


def test_duplicates_get_distinctive_feature_then_number():
    profiles = {
        "grocery_regulars": (30, 10, 500, 50, 700, 0.8),
        "electronics_regulars": (30, 10, 500, 50, 700, 0.1),
        "twin_a": (30, 10, 500, 50, 700, 0.45),
        "twin_b": (30, 10, 500, 50, 700, 0.45),
        "champions": (5, 40, 6000, 150, 1500, 0.45),
    }
    profile, sizes = make_profile(profiles, [*RFM, "share_grocery"])
    names = name_segments(profile, sizes)["segment_name"].tolist()
    assert len(set(names)) == 5
    assert names[0].endswith("(high share grocery)")
    assert names[1].endswith("(low share grocery)")
    assert names[2].endswith(" 1") and names[3].endswith(" 2")
    assert names[4] == "Champions"


def test_twins_are_told_apart_by_what_differs_between_them():
    # Two at-risk segments, both with far fewer visits than average (their own most
    # distinctive feature): the name must use what sets them apart from each other,
    # here returns, not the low engagement they share.
    profiles = {
        "champions": (10, 30, 5000, 167, 1000, 40, 0.02),
        "loyal": (20, 20, 2800, 140, 1000, 35, 0.03),
        "at_risk_returns": (130, 15, 1500, 100, 800, 2, 0.30),
        "at_risk_quiet": (130, 15, 1500, 100, 800, 1, 0.01),
    }
    columns = [*RFM, "event_count", "return_rate"]
    profile, sizes = make_profile(profiles, columns)
    names = name_segments(profile, sizes)["segment_name"].tolist()
    assert names[2:] == [
        "At-risk regulars (frequent returns)",
        "At-risk regulars (rare returns)",
    ]


@pytest.mark.parametrize(
    ("lifts", "expected"),
    [
        ({"recency_days": 0.5, "monetary": 1.0}, "Mid-value active customers"),
        (
            {"recency_days": 1.5, "monetary": 0.3, "frequency": 0.5},
            "Lapsing occasional buyers",
        ),
        ({"recency_days": 3.0, "frequency": 1.2, "monetary": 0.8}, "Lapsed regulars"),
        ({"avg_order_value": 2.5, "frequency": 0.9}, "Big-ticket buyers"),
        ({"frequency": 1.5, "monetary": 2.0, "recency_days": 1.0}, "High-value loyal"),
        ({"monetary": 0.2}, "Low-value customers"),
        (
            {"frequency": 1.3, "avg_order_value": 0.5, "monetary": 1.0},
            "Loyal regulars",  # small baskets but average value: not bargain
        ),
        ({"monetary": float("nan"), "x": 1.0}, "Average customers"),
    ],
)
def test_archetype_rules(lifts, expected):
    assert archetype(lifts)[0] == expected


def test_a_segment_holding_much_of_the_base_is_not_called_champions():
    lifts = {"recency_days": 0.5, "frequency": 2.0, "monetary": 2.2}
    assert archetype(lifts, share=0.10)[0] == "Champions"
    assert archetype(lifts, share=0.41)[0] == "Loyal regulars"
    big_baskets = {"avg_order_value": 2.5, "frequency": 0.9}
    assert archetype(big_baskets, share=0.1)[0] == "Big-ticket buyers"
    assert archetype(big_baskets, share=0.5)[0] != "Big-ticket buyers"


def test_descriptions_carry_no_sample_size():
    # segments puts the count of every scored customer in front (SQL)
    profile, sizes = make_profile(SIX, RFM, sizes=[8141, 100, 100, 100, 100, 100])
    descriptions = name_segments(profile, sizes)["segment_description"]
    assert not descriptions.str.contains("customers").any()
    assert not descriptions.str.contains("8,141").any()
