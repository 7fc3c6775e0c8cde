"""Reading what earlier runs left in the warehouse, from inside a dbt Python model.

dbt-duckdb hands Python models a DuckDB connection as ``session``. These helpers
read tables of *previous* runs: the model's own stored table for score-only mode
(``dbt.this``), and the segment catalog for stable ids. The catalog is downstream
of the models that read it, so it is declared as a dbt source
(``segmentation_history``) rather than a ``ref``: the dependency shows in the
lineage without making a cycle.
"""

from __future__ import annotations

from datetime import date
from typing import Any

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


def read_relation(session: Any, relation: str) -> pd.DataFrame | None:
    """All rows of a table, or None when it does not exist (yet).

    Parameters
    ----------
    session : duckdb.DuckDBPyConnection
        The connection dbt-duckdb passes to a Python model.
    relation : str
        A table name the connection can resolve, e.g. ``main.segment_catalog``.
    """
    schema, _, table = relation.replace('"', "").rpartition(".")
    schema = schema.rpartition(".")[2] or "main"
    found = session.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()[0][0]
    if not found:
        return None
    return session.sql(f"select * from {relation}").df()


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
