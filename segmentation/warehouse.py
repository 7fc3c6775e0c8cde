"""Reading what earlier runs left in the warehouse, from inside a dbt Python model.

dbt hands Python models a session (a DuckDB connection on dbt-duckdb, a
SparkSession on dbt-spark). These helpers
read tables of *previous* runs: the model's own stored table for score-only mode
(``dbt.this``), and the segment catalog for stable ids. The catalog is downstream
of the models that read it, so it is declared as a dbt source
(``segmentation_history``) rather than a ``ref``: the dependency shows in the
lineage without making a cycle.
"""

from __future__ import annotations

import numbers
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from segmentation.matching import PREVIOUS_COLUMNS


def to_pandas(relation: Any) -> pd.DataFrame:
    """A relation a Python model got from ``dbt.ref`` / ``dbt.source``, as pandas.

    The one place that knows each engine's relation type: DuckDB (dbt-duckdb) has
    ``.df()``, Spark and Databricks ``.toPandas()``, Snowpark ``.to_pandas()``. The
    models only read bounded samples and small model tables this way.

    Examples
    --------
    >>> import duckdb
    >>> to_pandas(duckdb.sql("select 1 as x")).to_dict("list")
    {'x': [1]}
    """
    for method in ("df", "toPandas", "to_pandas"):
        convert = getattr(relation, method, None)
        if callable(convert):
            return convert()
    raise TypeError(f"cannot read a {type(relation).__name__} as pandas")


def for_warehouse(session: Any, frame: pd.DataFrame) -> Any:
    """What a Python model returns to dbt: its pandas table, in the engine's form.

    DuckDB takes the pandas frame as it is (NaN becomes NULL). Spark gets a Spark
    DataFrame built here, because converting pandas without Arrow keeps NaN as a
    float NaN rather than NULL and cannot type a column that is all missing: here
    every missing value is NULL and each column keeps its pandas type.
    """
    if not hasattr(session, "createDataFrame"):  # DuckDB
        return frame
    from pyspark.sql import types

    def spark_type(column: pd.Series) -> types.DataType:
        kind = column.dtype.kind
        if kind == "b":
            return types.BooleanType()
        if kind in "iu":
            return types.LongType()
        if kind == "f":
            return types.DoubleType()
        if kind == "M":
            return types.TimestampType()
        present = column.dropna()
        first = present.iloc[0] if len(present) else None
        if isinstance(first, bool | np.bool_):
            return types.BooleanType()
        if isinstance(first, numbers.Integral):
            return types.LongType()
        if isinstance(first, numbers.Real):
            return types.DoubleType()
        if isinstance(first, pd.Timestamp):
            return types.TimestampType()
        if isinstance(first, date):
            return types.DateType()
        return types.StringType()

    schema = types.StructType(
        [types.StructField(str(name), spark_type(frame[name])) for name in frame]
    )
    rows = frame.astype(object).where(frame.notna(), None)
    return session.createDataFrame(rows.itertuples(index=False, name=None), schema)


def read_relation(session: Any, relation: str) -> pd.DataFrame | None:
    """All rows of a table, or None when it does not exist (yet).

    Parameters
    ----------
    session : duckdb.DuckDBPyConnection or pyspark.sql.SparkSession
        The session dbt passes to a Python model.
    relation : str
        A table name the session can resolve, e.g. ``main.segment_catalog``.
    """
    name = relation.replace('"', "").replace("`", "")
    if hasattr(session, "catalog"):  # Spark, Databricks
        if not session.catalog.tableExists(name):
            return None
        return session.table(name).toPandas()
    schema, _, table = name.rpartition(".")
    schema = schema.rpartition(".")[2] or "main"
    found = session.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()[0][0]
    if not found:
        return None
    return session.sql(f"select * from {relation}").df()


def is_missing_table(error: Exception) -> bool:
    """Whether an engine's error says "no such table".

    For a ``dbt.source`` that an earlier run creates (the segment catalog). Each
    engine has its own exception: DuckDB's ``CatalogException``, Spark's
    ``AnalysisException``.
    """
    return type(error).__name__ in ("CatalogException", "AnalysisException")


def stored_table(session: Any, relation: str) -> pd.DataFrame:
    """The table as the previous run left it, for score-only mode (``refit: false``).

    Raises
    ------
    ValueError
        When there is no previous run to score with.
    """
    table = read_relation(session, relation)
    if table is None or table.empty:
        raise ValueError(
            f"refit is false, but {relation} holds no fitted model yet: build once "
            "with refit: true (the default) before scoring without refitting."
        )
    return table


def previous_segments(
    table: pd.DataFrame | None, sample: pd.DataFrame
) -> tuple[pd.DataFrame | None, int | None]:
    """The latest segments published before this run's as_of_date.

    Parameters
    ----------
    table : pandas.DataFrame or None
        The segment catalog as earlier runs left it (one snapshot of segment
        profiles per as_of_date; source ``segmentation_history.segment_catalog``),
        None on a first run.
    sample : pandas.DataFrame
        This run's training sample; its ``as_of_date`` column says "now".

    Returns
    -------
    previous : pandas.DataFrame or None
        ``segment_id, segment_name, feature, segment_mean`` of the latest
        earlier snapshot, or None on a first run.
    max_known_id : int or None
        The highest segment id in the whole catalog.
    """
    if table is None or table.empty or "as_of_date" not in sample:
        return None, None
    now = pd.Timestamp(sample["as_of_date"].iloc[0]).date() if len(sample) else None
    dates = pd.to_datetime(table["as_of_date"]).dt.date
    earlier = table[dates < now] if isinstance(now, date) else table.iloc[0:0]
    if earlier.empty:
        return None, int(table["segment_id"].max())
    latest = pd.to_datetime(earlier["as_of_date"]).dt.date.max()
    snapshot = earlier[pd.to_datetime(earlier["as_of_date"]).dt.date == latest]
    return (
        snapshot[PREVIOUS_COLUMNS].reset_index(drop=True),
        int(table["segment_id"].max()),
    )


def labelled_sample(
    sample: pd.DataFrame, assignments: pd.DataFrame
) -> tuple[pd.DataFrame, pd.Series]:
    """The training customers and the segment each was assigned.

    Parameters
    ----------
    sample : pandas.DataFrame
        ``segment_training_sample``.
    assignments : pandas.DataFrame
        ``segment_training_assignments`` (``customer_id, segment_id, ...``).

    Returns
    -------
    features : pandas.DataFrame
        The sample's rows that have a segment, in the merged order.
    segment_ids : pandas.Series
        Their segment ids, aligned with ``features``.
    """
    labelled = sample.merge(
        assignments[["customer_id", "segment_id"]], on="customer_id"
    )
    return labelled.drop(columns=["segment_id"]), labelled["segment_id"]
