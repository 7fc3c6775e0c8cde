"""Keep segment ids and names stable across refits.

A refit at a later ``as_of_date`` finds its segments again: each new segment is
matched to one segment of the previous run by optimal assignment (Hungarian
algorithm, :func:`scipy.optimize.linear_sum_assignment`) on the distance between
their profiles. Profiles are the segments' mean feature values in original units,
put through the *current* model's preparation (log1p where it applies, then
standardised), so the distance is in the same units as the clustering itself.

A matched segment inherits the previous id and name. A segment farther than
``max_distance`` from every unmatched previous segment is genuinely new: it gets
the next unused id and its own name (suffixed "(new)" if that name is taken).
Previous segments left without a match have vanished; the warehouse reports
them (model ``segment_changes``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from segmentation.prep import log1p_nonnegative, selected_steps

PREVIOUS_COLUMNS = ["segment_id", "segment_name", "feature", "segment_mean"]


@dataclass(frozen=True)
class SegmentMatch:
    """How the segments of a refit map onto the previous run's.

    Attributes
    ----------
    new_ids : dict
        Canonical id of the refit -> id to publish.
    inherited_names : dict
        Published id -> name taken over from the previous run (matched only).
    distances : dict
        Published id -> profile distance to its matched previous segment.
    """

    new_ids: dict[int, int]
    inherited_names: dict[int, str]
    distances: dict[int, float]


def _embed(means: pd.DataFrame, steps: pd.DataFrame) -> np.ndarray:
    """Segment mean profiles (rows) in the model's scaled units."""
    columns = []
    for _, step in steps.iterrows():
        values = means[step["source_column"]].to_numpy(dtype=np.float64)
        values = np.where(np.isnan(values), step["impute_value"], values)
        if step["transform"] == "log1p":
            values = log1p_nonnegative(values)
        values = np.clip(values, step["lower_bound"], step["upper_bound"])
        columns.append((values - step["center"]) / step["scale"])
    return np.column_stack(columns) if columns else np.zeros((len(means), 0))


def match_segments(
    profile: pd.DataFrame,
    steps: pd.DataFrame,
    previous: pd.DataFrame | None,
    max_distance: float,
    max_known_id: int | None = None,
) -> SegmentMatch:
    """Match this fit's segments to the previous run's.

    Parameters
    ----------
    profile : pandas.DataFrame
        This fit's long profile (``segment_id, feature, mean_value``), ids
        canonical (1..k).
    steps : pandas.DataFrame
        This fit's preparation table (``FeaturePreparer.steps_``).
    previous : pandas.DataFrame or None
        The previous run's segments, long: ``segment_id, segment_name, feature,
        segment_mean``. None or empty: nothing to match (ids stay canonical).
    max_distance : float
        Largest profile distance (scaled units) that still counts as the same
        segment.
    max_known_id : int, optional
        Highest segment id ever published; new segments are numbered after it
        (default: the highest previous id).

    Returns
    -------
    SegmentMatch
    """
    current_ids = sorted(int(s) for s in profile["segment_id"].unique())
    identity = SegmentMatch({s: s for s in current_ids}, {}, {})
    if previous is None or previous.empty:
        return identity
    usable = selected_steps(steps)
    usable = usable[
        (usable["transform"] != "missing_indicator")
        & usable["source_column"].isin(set(previous["feature"]))
        & usable["source_column"].isin(set(profile["feature"]))
    ]
    if usable.empty:
        return identity
    features = usable["source_column"].tolist()
    current = profile.pivot_table(
        index="segment_id", columns="feature", values="mean_value", aggfunc="first"
    ).reindex(index=current_ids, columns=features)
    previous_ids = sorted(int(s) for s in previous["segment_id"].unique())
    before = previous.pivot_table(
        index="segment_id", columns="feature", values="segment_mean", aggfunc="first"
    ).reindex(index=previous_ids, columns=features)
    names = previous.drop_duplicates("segment_id").set_index("segment_id")
    cost = cdist(_embed(current, usable), _embed(before, usable))
    # Pairs farther than max_distance all cost the same, so the assignment
    # maximises the number of close matches instead of trading one good match
    # for two cheaper-in-total bad ones.
    capped = np.where(cost <= max_distance, cost, 2 * max_distance + 1.0)
    rows, cols = linear_sum_assignment(capped)
    new_ids: dict[int, int] = {}
    inherited: dict[int, str] = {}
    distances: dict[int, float] = {}
    for row, col in zip(rows, cols, strict=True):
        if cost[row, col] <= max_distance:
            old = previous_ids[col]
            new_ids[current_ids[row]] = old
            inherited[old] = str(names.loc[old, "segment_name"])
            distances[old] = float(cost[row, col])
    next_id = max([max_known_id or 0, *previous_ids]) + 1
    for segment in current_ids:  # canonical order, so new ids are deterministic
        if segment not in new_ids:
            new_ids[segment] = next_id
            next_id += 1
    return SegmentMatch(new_ids, inherited, distances)
