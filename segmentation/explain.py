"""Explain segments with readable rules and feature importances.

Both functions work on the *original-unit* source columns of the selected
features (the step table's ``source_column`` values, each once), with NaN
replaced by the training median (the step table's ``impute_value``), so that
rules read in the units marketers know.

* :func:`surrogate_rules` fits a shallow
  :class:`~sklearn.tree.DecisionTreeClassifier` that mimics the segment
  assignment and turns the leaves predicting each segment into a readable
  rule and an equivalent SQL predicate.  The SQL uses the tree's exact
  thresholds (written as DOUBLE literals) and ``coalesce(col, median)``;
  the text rounds thresholds to 4 significant digits.  Sibling leaves
  predicting the same segment are merged first, which does not change any
  prediction.
* :func:`feature_importance` reports the impurity-based importance of a
  :class:`~sklearn.ensemble.RandomForestClassifier` for all segments
  (``segment_id = 0``) and, per segment, of a one-vs-rest forest that
  separates that segment from all others (100 trees of depth 8, each on a
  bootstrap sample of at most 5,000 rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from segmentation.params import worker_count
from segmentation.prep import (
    ID_COLUMN,
    as_float,
    check_features,
    make_preparer,
    resolve_params,
    selected_steps,
)

RULE_COLUMNS = [
    "segment_id",
    "rule_text",
    "rule_sql",
    "precision",
    "recall",
    "f1",
    "support",
    "rule_customers",
    "tree_accuracy",
]
IMPORTANCE_COLUMNS = ["segment_id", "feature", "importance", "importance_rank"]
IMPORTANCE_MAX_SAMPLES = 5000
NO_RULE_TEXT = "no rule: never the majority of a leaf"
_LABEL = "__segment_label__"
_CONSTANT = "__constant__"
_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(eq=False)
class SourceMatrix:
    """Original-unit features used by the explanations.

    Attributes
    ----------
    X : numpy.ndarray of shape (n_samples, n_columns)
        Values with NaN replaced by ``medians`` (infinities clipped to the
        float32 range, which keeps every comparison's outcome).
    y : numpy.ndarray of shape (n_samples,)
        Segment id of each row.
    columns : list of str
        Source column names.
    medians : list of float
        Imputation value of each column.
    has_missing : list of bool
        Whether the column had missing values in the sample.
    customer_ids : numpy.ndarray
        Customer id of each row (rows are sorted by customer id).
    """

    X: np.ndarray
    y: np.ndarray
    columns: list[str]
    medians: list[float]
    has_missing: list[bool]
    customer_ids: np.ndarray


def _attach_labels(features: pd.DataFrame, labels: Any) -> pd.DataFrame:
    """Return ``features`` sorted by id with the segment in ``_LABEL``."""
    if isinstance(labels, pd.DataFrame):
        for column in (ID_COLUMN, "segment_id"):
            if column not in labels.columns:
                raise ValueError(f"labels must have a '{column}' column.")
        lookup = dict(
            zip(labels[ID_COLUMN].astype(str), labels["segment_id"], strict=True)
        )
        mapped = features[ID_COLUMN].astype(str).map(lookup)
        if mapped.isna().any():
            raise ValueError("labels has no segment_id for some customers.")
        values = mapped.to_numpy()
    else:
        values = np.asarray(labels)
        if values.shape != (len(features),):
            raise ValueError(
                f"labels must have one segment id per row ({len(features)}), "
                f"got shape {values.shape}."
            )
    frame = features.copy()
    frame[_LABEL] = values.astype(np.int64)
    return check_features(frame)


def source_matrix(
    features: pd.DataFrame, labels: Any, params: Mapping[str, Any] | None = None
) -> SourceMatrix:
    """Original-unit, median-imputed selected source columns and labels.

    Parameters
    ----------
    features : pandas.DataFrame
        Customer sample (as passed to ``fit_segmentation``).
    labels : array-like or pandas.DataFrame
        Segment id per row of ``features``, or a table with ``customer_id``
        and ``segment_id`` (e.g. ``SegmentationModel.sample_assignments``).
    params : mapping, optional
        Run parameters (selects the same features as the model).

    Returns
    -------
    SourceMatrix
        Rows sorted by customer id.
    """
    p = resolve_params(params)
    sample = _attach_labels(features, labels)
    y = sample.pop(_LABEL).to_numpy()
    steps = make_preparer(p).fit(sample).steps_
    columns = list(dict.fromkeys(selected_steps(steps)["source_column"]))
    medians, has_missing, matrix = [], [], []
    for column in columns:
        row = steps[
            (steps["source_column"] == column)
            & (steps["transform"] != "missing_indicator")
        ].iloc[0]
        values = as_float(sample[column])
        missing = np.isnan(values)
        medians.append(float(row["impute_value"]))
        has_missing.append(bool(missing.any()))
        matrix.append(
            np.clip(np.where(missing, medians[-1], values), -_FLOAT32_MAX, _FLOAT32_MAX)
        )
    X = np.column_stack(matrix) if matrix else np.empty((len(sample), 0))
    return SourceMatrix(
        X, y, columns, medians, has_missing, sample[ID_COLUMN].to_numpy()
    )


def fit_surrogate_tree(
    source: SourceMatrix, params: Mapping[str, Any] | None = None
) -> DecisionTreeClassifier:
    """Fit the shallow surrogate tree on a :class:`SourceMatrix`.

    ``max_depth = rule_max_depth``, ``min_samples_leaf = max(5, 1% of
    rows)``.  Without any column the tree is fitted on one constant column,
    which gives a single leaf predicting the largest segment.
    """
    p = resolve_params(params)
    n = source.X.shape[0]
    tree = DecisionTreeClassifier(
        max_depth=p["rule_max_depth"],
        min_samples_leaf=max(5, int(0.01 * n)),
        random_state=p["random_state"],
    )
    X = source.X if source.X.shape[1] else np.zeros((n, 1))
    return tree.fit(X, source.y)


def tree_leaf_rules(
    tree: DecisionTreeClassifier,
) -> list[tuple[Any, list[tuple[int, str, float]]]]:
    """Leaves as ``(predicted class, [(feature index, op, threshold)])``.

    ``op`` is ``'<='`` (left branch) or ``'>'`` (right branch).  Subtrees
    whose leaves all predict the same class are merged into one leaf.
    """
    t = tree.tree_

    def walk(node: int, path: list[tuple[int, str, float]]) -> list:
        if t.children_left[node] == -1:
            return [(tree.classes_[int(np.argmax(t.value[node][0]))], path)]
        feature, threshold = int(t.feature[node]), float(t.threshold[node])
        leaves = walk(t.children_left[node], [*path, (feature, "<=", threshold)])
        leaves += walk(t.children_right[node], [*path, (feature, ">", threshold)])
        if len({leaf[0] for leaf in leaves}) == 1:
            return [(leaves[0][0], path)]
        return leaves

    return walk(0, [])


def _bounds(path: list[tuple[int, str, float]]) -> dict[int, list[float | None]]:
    """Tightest ``(lower, upper)`` bound per feature along a path."""
    bounds: dict[int, list[float | None]] = {}
    for feature, op, threshold in path:
        low, high = bounds.setdefault(feature, [None, None])
        if op == ">":
            bounds[feature][0] = threshold if low is None else max(low, threshold)
        else:
            bounds[feature][1] = threshold if high is None else min(high, threshold)
    return bounds


def _round(value: float) -> str:
    """Threshold for reading: 4 significant digits, no exponent."""
    return np.format_float_positional(
        value, precision=4, unique=False, fractional=False, trim="-"
    )


def sql_float(value: float) -> str:
    """Exact DOUBLE literal (shortest round-trip scientific notation)."""
    return np.format_float_scientific(float(value), unique=True, trim="-")


def sql_identifier(name: str) -> str:
    """Double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _leaf_text(source: SourceMatrix, path: list[tuple[int, str, float]]) -> str:
    parts = []
    for feature, (low, high) in sorted(_bounds(path).items()):
        name = source.columns[feature]
        if low is not None and high is not None:
            text = f"{_round(low)} < {name} <= {_round(high)}"
        elif high is not None:
            text = f"{name} <= {_round(high)}"
        else:
            text = f"{name} > {_round(low)}"
        if source.has_missing[feature]:
            text += f" (missing counts as {_round(source.medians[feature])})"
        parts.append(text)
    return " and ".join(parts) if parts else "all customers"


def _leaf_sql(source: SourceMatrix, path: list[tuple[int, str, float]]) -> str:
    parts = []
    for feature, (low, high) in sorted(_bounds(path).items()):
        expr = (
            f"coalesce({sql_identifier(source.columns[feature])}, "
            f"{sql_float(source.medians[feature])})"
        )
        if low is not None:
            parts.append(f"{expr} > {sql_float(low)}")
        if high is not None:
            parts.append(f"{expr} <= {sql_float(high)}")
    return "(" + " and ".join(parts) + ")" if parts else "true"


def surrogate_rules(
    features: pd.DataFrame, labels: Any, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Readable rules (and SQL predicates) that approximate each segment.

    Parameters
    ----------
    features : pandas.DataFrame
        Customer sample.
    labels : array-like or pandas.DataFrame
        Segment id per row, or ``customer_id, segment_id`` table.
    params : mapping, optional
        Run parameters (``rule_max_depth``, ``random_state``, feature
        selection).

    Returns
    -------
    pandas.DataFrame
        One row per segment with :data:`RULE_COLUMNS`: the rule as text and
        as a SQL boolean expression (``false`` when no leaf predicts the
        segment), precision/recall/F1 of the rule against the actual
        segments, ``support`` (customers in the segment), ``rule_customers``
        (customers the rule covers) and the tree's overall accuracy.
    """
    source = source_matrix(features, labels, params)
    tree = fit_surrogate_tree(source, params)
    X = source.X if source.X.shape[1] else np.zeros((len(source.y), 1))
    predicted = tree.predict(X)
    leaves = tree_leaf_rules(tree)
    accuracy = float(np.mean(predicted == source.y))
    rows = []
    for segment in np.unique(source.y):
        paths = [path for cls, path in leaves if cls == segment]
        if paths:
            texts = [_leaf_text(source, path) for path in paths]
            if len(texts) > 1:
                texts = [f"({t})" if " and " in t else t for t in texts]
            rule_text = " or ".join(texts)
            rule_sql = " or ".join(_leaf_sql(source, path) for path in paths)
        else:
            rule_text, rule_sql = NO_RULE_TEXT, "false"
        actual, covered = source.y == segment, predicted == segment
        hits = int(np.sum(actual & covered))
        precision = hits / covered.sum() if covered.any() else np.nan
        recall = hits / actual.sum()
        f1 = (
            2 * precision * recall / (precision + recall)
            if covered.any() and precision + recall > 0
            else 0.0
        )
        rows.append(
            {
                "segment_id": int(segment),
                "rule_text": rule_text,
                "rule_sql": rule_sql,
                "precision": float(precision),
                "recall": float(recall),
                "f1": float(f1),
                "support": int(actual.sum()),
                "rule_customers": int(covered.sum()),
                "tree_accuracy": accuracy,
            }
        )
    table = pd.DataFrame(rows, columns=RULE_COLUMNS)
    for column in ("rule_text", "rule_sql"):
        table[column] = table[column].astype(object)
    return table


def _ranked_importance(
    segment: int, columns: list[str], importances: np.ndarray
) -> pd.DataFrame:
    order = sorted(range(len(columns)), key=lambda j: (-importances[j], columns[j]))
    return pd.DataFrame(
        {
            "segment_id": np.full(len(columns), segment, dtype=np.int64),
            "feature": pd.Series([columns[j] for j in order], dtype=object),
            "importance": importances[order].astype(np.float64),
            "importance_rank": np.arange(1, len(columns) + 1, dtype=np.int64),
        }
    )


def feature_importance(
    features: pd.DataFrame, labels: Any, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Random-forest feature importance overall and per segment.

    Parameters
    ----------
    features : pandas.DataFrame
        Customer sample.
    labels : array-like or pandas.DataFrame
        Segment id per row, or ``customer_id, segment_id`` table.
    params : mapping, optional
        Run parameters (``random_state``, feature selection).

    Returns
    -------
    pandas.DataFrame
        :data:`IMPORTANCE_COLUMNS`; ``segment_id = 0`` holds the importance
        for telling all segments apart (multi-class forest), other ids the
        importance for telling that segment from the rest (one-vs-rest
        forest).  Importances are mean decrease in impurity and sum to 1 per
        ``segment_id`` (0 everywhere when nothing can be split);
        ``importance_rank`` 1 is the most important, ties by feature name.
    """
    p = resolve_params(params)
    source = source_matrix(features, labels, p)
    if not source.columns:
        return pd.DataFrame(
            {
                "segment_id": pd.Series(dtype=np.int64),
                "feature": pd.Series(dtype=object),
                "importance": pd.Series(dtype=np.float64),
                "importance_rank": pd.Series(dtype=np.int64),
            }
        )

    # each tree sees a bootstrap sample of at most IMPORTANCE_MAX_SAMPLES rows:
    # 4x faster on a 20,000-customer training sample, the same forests below that
    n_rows = source.X.shape[0]
    max_samples = IMPORTANCE_MAX_SAMPLES if n_rows > IMPORTANCE_MAX_SAMPLES else None
    forest_trees = 100

    def importances(target: np.ndarray) -> np.ndarray:
        forest = RandomForestClassifier(
            n_estimators=forest_trees,
            max_depth=8,
            max_samples=max_samples,
            random_state=p["random_state"],
            # threads: the trees are seeded up front, so the forest is the same
            n_jobs=worker_count(forest_trees, n_rows),
        )
        return forest.fit(source.X, target).feature_importances_

    frames = [_ranked_importance(0, source.columns, importances(source.y))]
    for segment in np.unique(source.y):
        frames.append(
            _ranked_importance(
                int(segment), source.columns, importances(source.y == segment)
            )
        )
    return pd.concat(frames, ignore_index=True)
