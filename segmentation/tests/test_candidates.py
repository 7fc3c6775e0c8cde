"""Tests for segmentation.candidates."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from segmentation import candidates as cand
from segmentation.candidates import CANDIDATE_COLUMNS, evaluate_candidates
from segmentation.params import PARALLEL_MIN_ROWS
from segmentation.prep import make_preparer, resolve_params
from segmentation.tests.conftest import make_customer_frame


@pytest.fixture(scope="module")
def blob_table(blobs):
    frame, labels = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = evaluate_candidates(frame, {}, labels)
    return table


def _uniform_frame(n: int = 600, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.uniform(size=(n, 5)), columns=[f"u{j}" for j in range(5)])
    frame.insert(0, "customer_id", [f"u{i:05d}" for i in range(n)])
    return frame


def test_table_contract(blob_table):
    table = blob_table
    assert list(table.columns) == CANDIDATE_COLUMNS
    assert table["candidate_id"].tolist() == list(range(1, len(table) + 1))
    assert table["is_selected"].sum() == 1
    assert table["selection_reason"].notna().sum() == 1
    for column in ("candidate_id", "n_clusters", "n_samples"):
        assert table[column].dtype == np.int64
    for column in ("is_deployable", "is_eligible", "is_selected"):
        assert table[column].dtype == bool
    assert (table["n_samples"] == 600).all()
    for text in table["parameters"]:
        assert json.loads(text) is not None and " " not in text


def test_all_families_and_k_range(blob_table):
    table = blob_table
    scaled = table[table["feature_space"] == "scaled"]
    for algorithm in ("kmeans", "gaussian_mixture", "ward"):
        ks = scaled.loc[scaled["algorithm"] == algorithm, "n_clusters"].tolist()
        assert ks == list(range(3, 11)), algorithm
    hdb = scaled[scaled["algorithm"] == "hdbscan"]
    assert len(hdb) == 3
    assert {json.loads(p)["min_cluster_size"] for p in hdb["parameters"]} == {6, 12, 30}
    auto = table[table["feature_space"] == "autoencoder"]
    assert auto["algorithm"].eq("kmeans").all()
    assert auto["n_clusters"].tolist() == list(range(3, 11))
    assert not auto["is_deployable"].any() and not hdb["is_deployable"].any()
    assert table.loc[table["algorithm"] != "gaussian_mixture", "bic"].isna().all()
    assert table.loc[table["algorithm"] == "gaussian_mixture", "bic"].notna().all()
    # deterministic order: feature space, algorithm, n_clusters, parameters
    order = ["kmeans", "gaussian_mixture", "ward", "hdbscan"]
    ranks = scaled["algorithm"].map(order.index).tolist()
    assert ranks == sorted(ranks)


def test_planted_k_is_selected(blob_table):
    selected = blob_table[blob_table["is_selected"]].iloc[0]
    assert selected["n_clusters"] == 4
    assert selected["is_eligible"] and selected["is_deployable"]
    assert selected["feature_space"] == "scaled"
    assert selected["selection_score"] == pytest.approx(
        blob_table["selection_score"].max(), abs=0.01
    )
    assert selected["adjusted_rand"] == pytest.approx(1.0)
    assert selected["centroid_agreement"] == pytest.approx(1.0)
    assert "highest silhouette" in selected["selection_reason"]
    kmeans = blob_table[
        (blob_table["algorithm"] == "kmeans")
        & (blob_table["feature_space"] == "scaled")
    ]
    assert kmeans["centroid_agreement"].eq(1.0).all()
    assert kmeans["noise_share"].eq(0.0).all()


def test_stability_high_on_blobs_lower_on_noise(blob_table):
    blobs_k = blob_table[
        (blob_table["algorithm"] == "kmeans")
        & (blob_table["feature_space"] == "scaled")
    ].set_index("n_clusters")
    assert blobs_k.loc[4, "stability"] > 0.95
    noise = evaluate_candidates(
        _uniform_frame(), {"algorithms": ["kmeans"], "include_autoencoder": False}
    )
    assert noise["stability"].mean() < blobs_k["stability"].mean() - 0.1
    assert noise["silhouette"].max() < 0.4 < blobs_k.loc[4, "silhouette"]


def test_label_metrics_only_with_labels(blobs, fast_params):
    frame, labels = blobs
    label_columns = ["homogeneity", "completeness", "v_measure", "adjusted_rand"]
    params = {**fast_params, "algorithms": ["kmeans", "hdbscan"]}
    without = evaluate_candidates(frame, params)
    assert without[label_columns].isna().all().all()
    empty = evaluate_candidates(frame, params, labels.head(0))
    assert empty[label_columns].isna().all().all()
    partial = evaluate_candidates(frame, params, labels.sample(100, random_state=0))
    assert partial[label_columns].notna().all().all()
    # labels never change the selection or any unsupervised metric
    pd.testing.assert_frame_equal(
        partial.drop(columns=label_columns), without.drop(columns=label_columns)
    )


def test_deterministic_and_row_order_free(customers, fast_params):
    frame, labels = customers
    first = evaluate_candidates(frame, fast_params, labels)
    second = evaluate_candidates(frame, fast_params, labels)
    shuffled = evaluate_candidates(
        frame.sample(frac=1.0, random_state=5), fast_params, labels
    )
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, shuffled)
    assert first.loc[first["is_selected"], "n_clusters"].item() == 4


def test_worker_processes_give_the_same_candidates(monkeypatch):
    # The families are fitted in worker processes when the cores allow: each is
    # seeded on its own, so the table must not depend on how many workers ran it.
    frame, labels = make_customer_frame(n_samples=PARALLEL_MIN_ROWS + 200)
    params = {
        "algorithms": ["kmeans", "gaussian_mixture", "ward"],
        "k_max": 5,
        "include_autoencoder": True,
        "stability_splits": 1,
    }
    tables = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("SEGMENTATION_JOBS", jobs)
        tables[jobs] = evaluate_candidates(frame, params, labels)
    assert cand.search_jobs(n_tasks=4, n_rows=len(frame)) == 2
    assert set(tables["2"]["feature_space"]) == {"scaled", "autoencoder"}
    pd.testing.assert_frame_equal(tables["1"], tables["2"])


def test_search_jobs_reads_the_environment(monkeypatch):
    monkeypatch.setenv("SEGMENTATION_JOBS", "3")
    assert cand.search_jobs(n_tasks=5, n_rows=5000) == 3
    assert cand.search_jobs(n_tasks=2, n_rows=5000) == 2  # no idle workers
    assert cand.search_jobs(n_tasks=5, n_rows=PARALLEL_MIN_ROWS - 1) == 1
    monkeypatch.setenv("SEGMENTATION_JOBS", "zero")
    with pytest.raises(ValueError, match="SEGMENTATION_JOBS must be a whole number"):
        cand.search_jobs(n_tasks=5, n_rows=5000)


@pytest.mark.parametrize(
    ("n_rows", "identical", "expected"),
    [
        (1, False, "only 1 customer"),
        (3, False, "only 3 customers"),
        (50, True, "nearly constant"),
    ],
)
def test_degenerate_samples_fall_back(n_rows, identical, expected):
    rng = np.random.default_rng(0)
    values = np.ones((n_rows, 3)) if identical else rng.normal(size=(n_rows, 3))
    frame = pd.DataFrame(values, columns=["recency_days", "frequency", "monetary"])
    frame.insert(0, "customer_id", [f"c{i}" for i in range(n_rows)])
    table = evaluate_candidates(frame)
    assert list(table.columns) == CANDIDATE_COLUMNS
    assert len(table) == 1
    row = table.iloc[0]
    assert row["algorithm"] == "single_segment" and row["n_clusters"] == 1
    assert row["is_selected"] and row["candidate_id"] == 1
    assert expected in row["selection_reason"]
    assert "one segment" in row["selection_reason"]
    assert np.isnan(row["silhouette"]) and np.isnan(row["stability"])


def test_no_numeric_columns_fall_back():
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(30)],
            "country": ["DE", "FR", "NL"] * 10,
            "signup": pd.date_range("2024-01-01", periods=30),
        }
    )
    table = evaluate_candidates(frame)
    assert table["algorithm"].tolist() == ["single_segment"]
    assert "no usable numeric feature" in table["selection_reason"].item()


def test_empty_and_invalid_inputs_raise():
    with pytest.raises(ValueError, match="empty"):
        evaluate_candidates(pd.DataFrame({"customer_id": [], "x": []}))
    with pytest.raises(ValueError, match="customer_id"):
        evaluate_candidates(pd.DataFrame({"x": [1.0, 2.0]}))
    with pytest.raises(TypeError):
        evaluate_candidates([[1.0, 2.0]])


def test_k_range_capped_by_distinct_rows():
    frame = pd.DataFrame({"x": np.repeat([0.0, 1.0, 5.0, 9.0], 10)})
    frame["y"] = frame["x"] ** 2
    frame.insert(0, "customer_id", [f"c{i:02d}" for i in range(40)])
    params = {"algorithms": ["kmeans", "ward"], "include_autoencoder": False}
    table = evaluate_candidates(frame, {**params, "correlation_threshold": 1.0})
    assert table["n_clusters"].max() == 3


def test_failed_fit_is_kept_with_note(blobs, fast_params, monkeypatch):
    def broken(X, rows, k, random_state):
        raise ValueError("collapsed component")

    monkeypatch.setattr(cand, "_gmm_fit", broken)
    monkeypatch.setenv("SEGMENTATION_JOBS", "1")  # worker processes would not see it
    frame, _ = blobs
    params = {**fast_params, "algorithms": ["kmeans", "gaussian_mixture"]}
    table = evaluate_candidates(frame, params)
    gmm = table[table["algorithm"] == "gaussian_mixture"]
    assert len(gmm) == fast_params["k_max"] - 3 + 1
    assert gmm["silhouette"].isna().all() and not gmm["is_eligible"].any()
    assert all(
        "collapsed component" in json.loads(p)["note"] for p in gmm["parameters"]
    )
    assert table.loc[table["is_selected"], "algorithm"].item() == "kmeans"


def test_convergence_warning_is_recorded_not_raised(blobs, monkeypatch):
    monkeypatch.setitem(cand.AUTOENCODER, "max_iter", 3)
    frame, _ = blobs
    params = {"algorithms": ["kmeans"], "k_max": 3, "stability_splits": 1}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = evaluate_candidates(frame, params)
    auto = table[table["feature_space"] == "autoencoder"]
    assert all(
        "ConvergenceWarning" in json.loads(p)["note"] for p in auto["parameters"]
    )


def test_fallback_when_nothing_is_eligible(blobs, fast_params):
    frame, _ = blobs
    table = evaluate_candidates(frame, {**fast_params, "min_segment_share": 0.9})
    assert not table["is_eligible"].any()
    assert table["selection_score"].isna().all()
    selected = table[table["is_selected"]].iloc[0]
    assert selected["algorithm"] == "kmeans"
    kmeans = table[table["algorithm"] == "kmeans"]
    assert selected["silhouette"] == kmeans["silhouette"].max()
    assert "fallback: no candidate met" in selected["selection_reason"]


def test_single_segment_when_nothing_is_deployable(blobs, fast_params):
    frame, _ = blobs
    table = evaluate_candidates(frame, {**fast_params, "algorithms": ["hdbscan"]})
    selected = table[table["is_selected"]].iloc[0]
    assert selected["algorithm"] == "single_segment"
    assert selected["candidate_id"] == len(table)
    assert table["is_selected"].sum() == 1


def test_tie_break_uses_mean_rank():
    rows = []
    for i, (sil, db, ch, stab) in enumerate(
        [(0.500, 0.9, 100.0, 0.9), (0.495, 0.5, 200.0, 0.95), (0.40, 0.1, 900.0, 1.0)]
    ):
        rows.append(
            {
                "candidate_id": i + 1,
                "algorithm": "kmeans",
                "feature_space": "scaled",
                "n_samples": 100,
                "silhouette": sil,
                "davies_bouldin": db,
                "calinski_harabasz": ch,
                "stability": stab,
                "min_segment_share": 0.1,
                "max_segment_share": 0.5,
                "centroid_agreement": 1.0,
            }
        )
    params = cand.resolve_params({"min_segment_share": 0.02, "min_stability": 0.6})
    table = cand._select(pd.DataFrame(rows), params)
    # candidate 2 is within 0.01 of the best silhouette and wins 3 of 4 ranks
    assert table["is_selected"].tolist() == [False, True, False]
    assert "within 0.01" in table.loc[1, "selection_reason"]


def test_failed_autoencoder_is_kept_with_note(blobs, monkeypatch):
    def broken(X, random_state):
        raise ValueError("no convergence at all")

    monkeypatch.setattr(cand, "autoencoder_embedding", broken)
    monkeypatch.setenv("SEGMENTATION_JOBS", "1")  # worker processes would not see it
    frame, _ = blobs
    params = {"algorithms": ["kmeans"], "k_max": 4, "stability_splits": 1}
    table = evaluate_candidates(frame, params)
    auto = table[table["feature_space"] == "autoencoder"]
    assert auto["n_clusters"].tolist() == [3, 4]
    assert auto["silhouette"].isna().all()
    assert all(
        "autoencoder failed" in json.loads(p)["note"] for p in auto["parameters"]
    )
    assert table["is_selected"].sum() == 1


def test_large_samples_fit_the_costly_families_on_a_bounded_subsample(blobs):
    # HDBSCAN is quadratic in the rows and the mixture linear with a large constant:
    # both fit on a bounded subsample; every row still gets a label, and the
    # deployable mixture refits to exactly the evaluated labels.
    frame, _ = blobs
    params = {
        "algorithms": ["gaussian_mixture", "hdbscan"],
        "include_autoencoder": False,
        "k_max": 4,
        "stability_splits": 0,
        "hierarchical_max_rows": 200,
        "mixture_max_rows": 150,
    }
    table = evaluate_candidates(frame, params)
    for algorithm, max_rows in (("gaussian_mixture", 150), ("hdbscan", 200)):
        rows = table[table["algorithm"] == algorithm]
        assert len(rows) > 0
        assert all(json.loads(p)["max_rows"] == max_rows for p in rows["parameters"])
        assert (rows["n_samples"] == len(frame)).all()
    hdb = table[table["algorithm"] == "hdbscan"]
    for settings in map(json.loads, hdb["parameters"]):
        # sized from the 200-row subsample, not from the 600 rows
        share = settings["min_cluster_share"]
        assert settings["min_cluster_size"] == cand.hdbscan_min_size(200, share)

    p = resolve_params(params)
    X = make_preparer(p).fit(frame).transform(frame)
    gmm = cand.fit_partitions("gaussian_mixture", X, [3], p)[0]
    refit = cand.fit_candidate_labels(
        "gaussian_mixture", X, json.loads(table.loc[
            (table["algorithm"] == "gaussian_mixture") & (table["n_clusters"] == 3),
            "parameters"].item()),
    )  # fmt: skip
    assert gmm.labels.shape == (len(frame),)
    np.testing.assert_array_equal(refit, gmm.labels)


def test_extend_labels_keeps_subsample_labels_and_assigns_the_rest():
    X = np.array([[0.0], [0.1], [5.0], [5.1], [0.2], [4.9], [9.0]])
    rows = np.array([0, 1, 2, 3, 6])
    sub = np.array([0, 0, 1, 1, -1])
    labels = cand.extend_labels(X, rows, sub)
    assert labels.tolist() == [0, 0, 1, 1, 0, 1, -1]
    assert cand.extend_labels(X, rows, np.full(5, -1)).tolist() == [-1] * 7
