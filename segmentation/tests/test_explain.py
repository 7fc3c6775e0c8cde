"""Tests for segmentation.explain."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from segmentation.candidates import evaluate_candidates
from segmentation.explain import (
    IMPORTANCE_COLUMNS,
    NO_RULE_TEXT,
    RULE_COLUMNS,
    feature_importance,
    fit_surrogate_tree,
    source_matrix,
    surrogate_rules,
)
from segmentation.model import fit_segmentation
from segmentation.params import PARALLEL_MIN_ROWS
from segmentation.tests.conftest import make_customer_frame

PARAMS = {"k_max": 6, "include_autoencoder": False, "stability_splits": 1}
_COALESCE = re.compile(r'coalesce\("([^"]+)", ([^)]+)\)')


@pytest.fixture(scope="module")
def segmented(customers):
    frame, labels = customers
    model = fit_segmentation(frame, evaluate_candidates(frame, PARAMS, labels), PARAMS)
    return frame, model


@pytest.fixture(scope="module")
def rules(segmented):
    frame, model = segmented
    return surrogate_rules(frame, model.sample_assignments, PARAMS)


def evaluate_rule_sql(sql: str, frame: pd.DataFrame) -> np.ndarray:
    """Evaluate a rule_sql predicate with pandas (coalesce -> fillna)."""
    data = frame.copy()
    for column, literal in set(_COALESCE.findall(sql)):
        data[column] = data[column].astype(float).fillna(float(literal))
    expression = _COALESCE.sub(lambda m: f"`{m.group(1)}`", sql)
    expression = expression.replace("true", "True").replace("false", "False")
    result = data.eval(expression) if expression not in ("True", "False") else None
    if result is None:
        return np.full(len(frame), expression == "True")
    return np.asarray(result, dtype=bool)


def test_rules_contract(segmented, rules):
    _, model = segmented
    assert list(rules.columns) == RULE_COLUMNS
    assert rules["segment_id"].tolist() == model.centroids["segment_id"].tolist()
    assert rules["support"].tolist() == model.centroids["training_customers"].tolist()
    assert rules["tree_accuracy"].nunique() == 1
    assert rules["tree_accuracy"].iloc[0] > 0.9
    # leaves partition the customers: every customer is covered by one rule
    assert rules["rule_customers"].sum() == rules["support"].sum()
    assert rules["rule_text"].str.len().gt(0).all()


def test_rule_sql_reproduces_the_tree(segmented, rules):
    frame, model = segmented
    source = source_matrix(frame, model.sample_assignments, PARAMS)
    tree = fit_surrogate_tree(source, PARAMS)
    predicted = tree.predict(source.X)
    ordered = frame.set_index("customer_id").loc[source.customer_ids].reset_index()
    covered = np.column_stack(
        [evaluate_rule_sql(sql, ordered) for sql in rules["rule_sql"]]
    )
    assert (covered.sum(axis=1) == 1).all()
    from_sql = rules["segment_id"].to_numpy()[covered.argmax(axis=1)]
    np.testing.assert_array_equal(from_sql, predicted)
    for row in rules.itertuples():
        hits = covered[:, row.Index]
        assert hits.sum() == row.rule_customers
        if hits.any():
            actual = source.y == row.segment_id
            assert row.precision == pytest.approx((hits & actual).sum() / hits.sum())


def test_rule_sql_runs_in_duckdb(segmented, rules):
    duckdb = pytest.importorskip("duckdb")
    frame, model = segmented
    con = duckdb.connect()
    con.register("customer_features", frame.drop(columns=["age_band"]))
    counts = [
        con.execute(f"select count(*) from customer_features where {sql}").fetchone()[0]
        for sql in rules["rule_sql"]
    ]
    assert counts == rules["rule_customers"].tolist()


def test_rule_text_is_readable(rules):
    text = " ".join(rules["rule_text"])
    assert "e+" not in text and "coalesce" not in text
    assert re.search(r"(<=|>) \d", text)
    sql = " ".join(rules["rule_sql"])
    assert "coalesce(" in sql


def test_missing_values_are_explained():
    rng = np.random.default_rng(0)
    n = 300
    cadence = rng.uniform(1, 100, n)
    cadence[:60] = np.nan
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i:03d}" for i in range(n)],
            "mean_days_between_orders": cadence,
            "monetary": rng.uniform(0, 10, n),
        }
    )
    labels = np.where(np.nan_to_num(cadence, nan=50.0) > 40, 2, 1)
    rules = surrogate_rules(frame, labels, {"rule_max_depth": 2})
    assert "(missing counts as" in " ".join(rules["rule_text"])
    median = np.nanmedian(cadence)
    source = source_matrix(frame, labels, {"rule_max_depth": 2})
    assert source.medians[0] == pytest.approx(median)
    tree = fit_surrogate_tree(source, {"rule_max_depth": 2})
    covered = np.column_stack(
        [evaluate_rule_sql(sql, frame) for sql in rules["rule_sql"]]
    )
    np.testing.assert_array_equal(
        rules["segment_id"].to_numpy()[covered.argmax(axis=1)],
        tree.predict(source.X),
    )


def test_segment_without_leaf_and_single_segment():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {"customer_id": [f"c{i:03d}" for i in range(200)], "x": rng.normal(size=200)}
    )
    labels = np.ones(200, dtype=int)
    labels[:3] = 2  # too small to ever win a leaf
    rules = surrogate_rules(frame, labels, {})
    tiny = rules.set_index("segment_id").loc[2]
    assert tiny["rule_text"] == NO_RULE_TEXT and tiny["rule_sql"] == "false"
    assert tiny["rule_customers"] == 0 and tiny["recall"] == 0.0
    big = rules.set_index("segment_id").loc[1]
    assert big["rule_text"] == "all customers" and big["rule_sql"] == "true"
    single = surrogate_rules(frame, np.ones(200, dtype=int), {})
    assert single["rule_sql"].tolist() == ["true"]
    assert single["tree_accuracy"].item() == 1.0


def test_labels_as_array_or_table_agree(segmented):
    frame, model = segmented
    table = surrogate_rules(frame, model.sample_assignments, PARAMS)
    array = surrogate_rules(frame, model.predict(frame), PARAMS)
    pd.testing.assert_frame_equal(table, array)
    with pytest.raises(ValueError, match="one segment id per row"):
        surrogate_rules(frame, [1, 2, 3], PARAMS)


def test_feature_importance(segmented):
    frame, model = segmented
    importance = feature_importance(frame, model.sample_assignments, PARAMS)
    assert list(importance.columns) == IMPORTANCE_COLUMNS
    k = len(model.centroids)
    assert importance["segment_id"].unique().tolist() == list(range(0, k + 1))
    columns = list(
        dict.fromkeys(model.steps.loc[model.steps["is_selected"], "source_column"])
    )
    for _, group in importance.groupby("segment_id"):
        assert sorted(group["feature"]) == sorted(columns)
        assert group["importance_rank"].tolist() == list(range(1, len(columns) + 1))
        assert group["importance"].is_monotonic_decreasing
        assert group["importance"].sum() == pytest.approx(1.0)
    again = feature_importance(frame, model.sample_assignments, PARAMS)
    pd.testing.assert_frame_equal(importance, again)


def test_feature_importance_is_the_same_on_more_cores(monkeypatch):
    # The forests grow their trees on threads, one per core: every tree is seeded
    # up front, so the importances must not depend on the number of threads.
    frame, labels = make_customer_frame(n_samples=PARALLEL_MIN_ROWS + 200)
    segment_ids = pd.factorize(labels["true_segment"], sort=True)[0] + 1
    tables = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("SEGMENTATION_JOBS", jobs)
        tables.append(feature_importance(frame, segment_ids, PARAMS))
    assert tables[0]["segment_id"].nunique() > 2
    pd.testing.assert_frame_equal(tables[0], tables[1])
