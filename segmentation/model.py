"""Refit the selected candidate and build the deployable scorer tables.

The deployed scorer is *nearest centroid in scaled space*: a customer's
features are prepared with the step table (:func:`segmentation.prep.apply_steps`,
or the equivalent SQL) and the customer goes to the segment whose centroid is
closest in Euclidean distance, ties to the lowest ``segment_id``.  For k-means
this is its own ``predict``; for Gaussian mixtures and Ward the centroids are
the cluster means of the selected partition (``centroid_agreement`` in the
candidate table says how often both agree).

Segment ids are canonical: ordered by the mean ``monetary`` (original units)
of the segment's training customers, descending, then by mean ``frequency``
descending, then by the centroid vector.  Without a ``monetary`` column the
first selected feature's source column replaces it.  Sizes, shares, outlier
thresholds and the profile all refer to the nearest-centroid assignment, i.e.
to exactly what the SQL scorer reproduces.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from segmentation.candidates import (
    cluster_means,
    fit_candidate_labels,
    squared_distances,
)
from segmentation.matching import SegmentMatch, match_segments
from segmentation.naming import name_segments, unique_names
from segmentation.prep import (
    ID_COLUMN,
    apply_steps,
    as_float,
    check_features,
    is_numeric_column,
    make_preparer,
    resolve_params,
    selected_steps,
)

CENTROID_BASE_COLUMNS = [
    "segment_id",
    "segment_name",
    "segment_description",
    "training_customers",
    "training_share",
    "outlier_distance_threshold",
]
ASSIGNMENT_COLUMNS = [ID_COLUMN, "segment_id", "distance"]
PROFILE_COLUMNS = [
    "segment_id",
    "feature",
    "mean_value",
    "median_value",
    "population_mean",
    "lift",
]


@dataclass(eq=False)
class SegmentationModel:
    """Deployable nearest-centroid segmentation.

    Attributes
    ----------
    steps : pandas.DataFrame
        Feature preparation table (``FeaturePreparer.steps_``).
    centroids : pandas.DataFrame
        One row per segment: :data:`CENTROID_BASE_COLUMNS` then one float
        column per selected feature (``steps.feature`` in ``feature_order``)
        with the centroid in scaled space.
    sample_assignments : pandas.DataFrame
        ``customer_id, segment_id, distance`` for every training customer,
        sorted by ``customer_id``.
    profile : pandas.DataFrame
        Long table ``segment_id, feature, mean_value, median_value,
        population_mean, lift`` in original units for every numeric column.
    algorithm : str
        Algorithm of the selected candidate.
    candidate_id : int
        ``candidate_id`` of the selected candidate.
    """

    steps: pd.DataFrame
    centroids: pd.DataFrame
    sample_assignments: pd.DataFrame
    profile: pd.DataFrame
    algorithm: str
    candidate_id: int

    @property
    def feature_columns(self) -> list[str]:
        """Selected feature names in scoring order."""
        return selected_steps(self.steps)["feature"].tolist()

    def assign(self, features: pd.DataFrame) -> pd.DataFrame:
        """Score customers: nearest centroid and distance to it.

        Parameters
        ----------
        features : pandas.DataFrame
            Customer features with ``customer_id`` and every source column.

        Returns
        -------
        pandas.DataFrame
            ``customer_id, segment_id, distance`` in the input row order.
        """
        segment_ids, distances = _nearest(
            apply_steps(self.steps, features), self._centers()
        )
        return pd.DataFrame(
            {
                ID_COLUMN: features[ID_COLUMN].to_numpy(),
                "segment_id": self.centroids["segment_id"].to_numpy()[segment_ids],
                "distance": distances,
            }
        )

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """Segment id of each row (nearest centroid, ties -> lowest id).

        Parameters
        ----------
        features : pandas.DataFrame
            Customer features with every source column.

        Returns
        -------
        numpy.ndarray of int
            Segment ids in the input row order.
        """
        segment_ids, _ = _nearest(apply_steps(self.steps, features), self._centers())
        return self.centroids["segment_id"].to_numpy()[segment_ids]

    def _centers(self) -> np.ndarray:
        return self.centroids[self.feature_columns].to_numpy(dtype=np.float64)


def _nearest(X: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest center index (ties -> lowest) and Euclidean distance."""
    squared = squared_distances(X, centers)
    index = np.argmin(squared, axis=1)
    return index, np.sqrt(squared[np.arange(X.shape[0]), index])


def _selected_candidate(candidates: pd.DataFrame) -> pd.Series:
    """The single selected row of a candidate table."""
    if len(candidates) == 0 or "is_selected" not in candidates.columns:
        raise ValueError("candidates is empty or has no 'is_selected' column.")
    chosen = candidates[candidates["is_selected"].fillna(False).astype(bool)]
    if len(chosen) != 1:
        raise ValueError(
            f"candidates must have exactly one selected row, found {len(chosen)}."
        )
    return chosen.iloc[0]


def _raw_centers(algorithm: str, parameters: str, X: np.ndarray) -> np.ndarray:
    """Scaled-space centroids of the selected partition (zeros for k=1)."""
    if algorithm == "single_segment" or X.shape[1] == 0:
        return np.zeros((1, X.shape[1]))
    labels = fit_candidate_labels(algorithm, X, json.loads(parameters))
    _, means = cluster_means(X, labels)
    return means


def _drop_empty(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Remove centroids that no training customer is nearest to."""
    index, _ = _nearest(X, centers)
    return centers[np.isin(np.arange(len(centers)), index)]


def _order_key_columns(sample: pd.DataFrame, steps: pd.DataFrame) -> list[str]:
    """Original-unit columns used to order segments canonically."""

    def usable(name: str) -> bool:
        return name in sample.columns and is_numeric_column(sample[name])

    primary = "monetary"
    if not usable(primary):
        sources = selected_steps(steps)["source_column"].tolist()
        primary = sources[0] if sources else None
    keys = [c for c in (primary, "frequency") if c is not None and usable(c)]
    return list(dict.fromkeys(keys))


def _canonical_order(
    sample: pd.DataFrame, index: np.ndarray, centers: np.ndarray, keys: list[str]
) -> np.ndarray:
    """Permutation of centers sorted by descending key means, then vector."""

    def sort_key(j: int) -> tuple:
        members = index == j
        means = []
        for column in keys:
            values = as_float(sample[column])[members]
            values = values[~np.isnan(values)]
            means.append(-values.mean() if values.size else np.inf)
        return (*means, *centers[j].tolist())

    return np.array(sorted(range(len(centers)), key=sort_key), dtype=np.int64)


def _numeric_columns(sample: pd.DataFrame) -> list[str]:
    """Numeric (non-boolean) columns other than the id, in input order."""
    return [
        c for c in sample.columns if c != ID_COLUMN and is_numeric_column(sample[c])
    ]


def build_profile(sample: pd.DataFrame, segment_ids: np.ndarray) -> pd.DataFrame:
    """Per segment and numeric column: mean, median, population mean, lift.

    Parameters
    ----------
    sample : pandas.DataFrame
        Training customers (original units).
    segment_ids : numpy.ndarray
        Segment of each row.

    Returns
    -------
    pandas.DataFrame
        Long table with :data:`PROFILE_COLUMNS`, ordered by segment_id and
        input column order.  ``lift`` is ``mean_value / population_mean``
        (NaN when the population mean is 0 or missing).
    """
    columns = _numeric_columns(sample)
    rows = []
    values = {c: as_float(sample[c]) for c in columns}
    population = {
        c: float(np.nanmean(v)) if np.isfinite(v).any() else np.nan
        for c, v in values.items()
    }
    for segment in np.unique(segment_ids):
        members = segment_ids == segment
        for column in columns:
            v = values[column][members]
            v = v[~np.isnan(v)]
            mean = float(v.mean()) if v.size else np.nan
            pop = population[column]
            rows.append(
                {
                    "segment_id": int(segment),
                    "feature": column,
                    "mean_value": mean,
                    "median_value": float(np.median(v)) if v.size else np.nan,
                    "population_mean": pop,
                    "lift": mean / pop if pop and np.isfinite(pop) else np.nan,
                }
            )
    profile = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    profile["segment_id"] = profile["segment_id"].astype(np.int64)
    profile["feature"] = profile["feature"].astype(object)
    return profile


def _centroid_table(
    centers: np.ndarray,
    feature_names: list[str],
    segment_ids: np.ndarray,
    distances: np.ndarray,
    names: pd.DataFrame,
    outlier_quantile: float,
) -> pd.DataFrame:
    """Assemble the centroid table (see :class:`SegmentationModel`)."""
    clash = sorted(set(feature_names) & set(CENTROID_BASE_COLUMNS))
    if clash:
        raise ValueError(f"feature names {clash} clash with centroid table columns.")
    k = len(centers)
    ids = np.arange(1, k + 1)
    counts = np.array([(segment_ids == s).sum() for s in ids], dtype=np.int64)
    thresholds = [
        float(np.quantile(distances[segment_ids == s], outlier_quantile))
        if counts[s - 1]
        else np.nan
        for s in ids
    ]
    names = names.set_index("segment_id").reindex(ids)
    table = pd.DataFrame(
        {
            "segment_id": ids.astype(np.int64),
            "segment_name": names["segment_name"].astype(object).to_numpy(),
            "segment_description": names["segment_description"]
            .astype(object)
            .to_numpy(),
            "training_customers": counts,
            "training_share": counts / max(len(segment_ids), 1),
            "outlier_distance_threshold": np.asarray(thresholds, dtype=np.float64),
        }
    )
    for j, name in enumerate(feature_names):
        table[name] = centers[:, j].astype(np.float64)
    return table


def fit_preparation(
    features: pd.DataFrame,
    candidates: pd.DataFrame,
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Fit the selected candidate's feature preparation (the step table).

    The first half of the deployed model's fit; :func:`fit_segmentation` with
    ``steps`` does the clustering half on exactly these steps, so the stored
    preparation and centroids come from one fit.

    Parameters
    ----------
    features, candidates, params
        As for :func:`fit_segmentation`.

    Returns
    -------
    pandas.DataFrame
        The preparation steps (``FeaturePreparer.steps_``).
    """
    p, sample, _ = _selected_setup(features, candidates, params)
    return make_preparer(p).fit(sample).steps_


def _selected_setup(
    features: pd.DataFrame,
    candidates: pd.DataFrame,
    params: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], pd.DataFrame, pd.Series]:
    """Parameters, checked sample and selected candidate row of a refit."""
    p = resolve_params(params)
    sample = check_features(features)
    chosen = _selected_candidate(candidates)
    settings = json.loads(str(chosen["parameters"]))
    if settings.get("features"):
        # chosen on the backtest: refit the same configuration on today's features
        p = {**p, "features": list(settings["features"])}
    elif int(chosen["n_samples"]) != len(sample):
        raise ValueError(
            f"the selected candidate was evaluated on {int(chosen['n_samples'])} "
            f"customers but features has {len(sample)}; pass the same sample to "
            "evaluate_candidates and fit_segmentation."
        )
    return p, sample, chosen


def fit_segmentation(
    features: pd.DataFrame,
    candidates: pd.DataFrame,
    params: Mapping[str, Any] | None = None,
    previous: pd.DataFrame | None = None,
    max_known_id: int | None = None,
    steps: pd.DataFrame | None = None,
) -> SegmentationModel:
    """Refit the selected candidate and build the scorer tables.

    Parameters
    ----------
    features : pandas.DataFrame
        The same training sample that was passed to
        :func:`~segmentation.candidates.evaluate_candidates` (row order does
        not matter).
    candidates : pandas.DataFrame
        Candidate table (possibly read back from the warehouse) with exactly
        one ``is_selected`` row.
    params : mapping, optional
        The same parameters as for the candidate evaluation.
    previous : pandas.DataFrame, optional
        The previous run's segments (``segment_id, segment_name, feature,
        segment_mean``). When given, segments that match a previous one keep
        its id and name (:func:`segmentation.matching.match_segments`); new
        ones are numbered after ``max_known_id``. Without it, ids are
        canonical: 1 = highest mean monetary.
    max_known_id : int, optional
        Highest segment id published so far.
    steps : pandas.DataFrame, optional
        The preparation already fitted by :func:`fit_preparation` (e.g. read
        back from ``segment_preprocessing``); the clustering is fitted on the
        features these steps produce. Without it the preparation is fitted
        here too.

    Returns
    -------
    SegmentationModel
        Steps, centroids, sample assignments and profile; deterministic for a
        given input.

    Raises
    ------
    ValueError
        If the candidate table has no single selected row or was evaluated on
        a different number of customers.
    """
    p, sample, chosen = _selected_setup(features, candidates, params)
    if steps is None:
        steps = make_preparer(p).fit(sample).steps_
    feature_names = selected_steps(steps)["feature"].tolist()
    # The clustering sees exactly what the deployed scorer computes from the steps.
    X_score = apply_steps(steps, sample)
    with threadpool_limits(limits=1):
        raw = _raw_centers(str(chosen["algorithm"]), str(chosen["parameters"]), X_score)
    centers = _drop_empty(X_score, raw)
    index, _ = _nearest(X_score, centers)
    order = _canonical_order(sample, index, centers, _order_key_columns(sample, steps))
    centers = centers[order]
    index, distances = _nearest(X_score, centers)
    segment_ids = index + 1
    profile = build_profile(sample, segment_ids)
    sizes = pd.Series(
        np.bincount(segment_ids, minlength=len(centers) + 1)[1:],
        index=pd.Index(np.arange(1, len(centers) + 1), name="segment_id"),
    )
    if len(centers) == 1 and (
        chosen["algorithm"] == "single_segment" or X_score.shape[1] == 0
    ):
        names = pd.DataFrame(
            {
                "segment_id": [1],
                "segment_name": ["All customers"],
                "segment_description": [
                    "Everyone is in one segment because the data could not be split."
                ],
            }
        )
    else:
        names = name_segments(profile, sizes)
    centroids = _centroid_table(
        centers,
        feature_names,
        segment_ids,
        distances,
        names,
        p["outlier_quantile"],
    )
    model = SegmentationModel(
        steps=steps,
        centroids=centroids,
        sample_assignments=pd.DataFrame(),
        profile=profile,
        algorithm=str(chosen["algorithm"]),
        candidate_id=int(chosen["candidate_id"]),
    )
    if previous is not None and not previous.empty:
        match = match_segments(
            profile,
            steps,
            previous,
            p["segment_match_max_distance"],
            max_known_id,
        )
        model = _relabel(model, match)
    model.sample_assignments = (
        model.assign(sample).sort_values(ID_COLUMN).reset_index(drop=True)
    )
    return model


def _relabel(model: SegmentationModel, match: SegmentMatch) -> SegmentationModel:
    """Publish matched ids and inherited names (:mod:`segmentation.matching`)."""
    centroids = model.centroids.copy()
    centroids["segment_id"] = (
        centroids["segment_id"].map(match.new_ids).astype(np.int64)
    )
    inherited = match.inherited_names
    names = []
    for segment_id, name in zip(
        centroids["segment_id"], centroids["segment_name"], strict=True
    ):
        if segment_id in inherited:
            names.append(inherited[segment_id])
        elif name in inherited.values():
            names.append(f"{name} (new)")
        else:
            names.append(name)
    centroids["segment_name"] = pd.Series(unique_names(names), dtype=object).to_numpy()
    profile = model.profile.copy()
    profile["segment_id"] = profile["segment_id"].map(match.new_ids).astype(np.int64)
    return SegmentationModel(
        steps=model.steps,
        centroids=centroids.sort_values("segment_id").reset_index(drop=True),
        sample_assignments=model.sample_assignments,
        profile=profile.sort_values(["segment_id", "feature"]).reset_index(drop=True),
        algorithm=model.algorithm,
        candidate_id=model.candidate_id,
    )


def model_from_tables(
    steps: pd.DataFrame, centroids: pd.DataFrame
) -> SegmentationModel:
    """A scorer rebuilt from its stored preprocessing and centroid tables.

    Used to score without refitting and to produce the Python side of the
    SQL-versus-Python check from exactly what the warehouse holds.
    """
    return SegmentationModel(
        steps=steps,
        centroids=centroids.sort_values("segment_id").reset_index(drop=True),
        sample_assignments=pd.DataFrame(),
        profile=pd.DataFrame(columns=PROFILE_COLUMNS),
        algorithm="stored",
        candidate_id=0,
    )
