"""How the report reads the run's tables (internal to the report).

Every table the report reads is named through :func:`relation`, the one place
that maps a table to the relation it is read from, and that refuses any table
that is neither public (:data:`segmentation.publish.PUBLIC_TABLES`, the tables
BI tools read) nor one of :data:`MODEL_TABLES`.  :class:`_Warehouse` reads
those relations read-only and tolerates missing ones; :func:`_segment_index`
gives every segment the label and colour all charts share; the facts more than
one section needs (:func:`prediction_horizon`, :func:`has_backtest`) live here
too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from segmentation.publish import PUBLIC_TABLES
from segmentation.report_charts import PALETTE
from segmentation.report_common import _missing, _text

#: The schema dbt builds the public tables in (and ``make publish`` copies to).
SCHEMA = "main"

#: Tables the report reads although they are not public: the fitted model's
#: preparation (its features, their order and scaling) for the profile order
#: and the customer map, its segment centres in scaled units, and its input
#: (the customers' features pivoted as the model clusters them) for the map.
#: No public table holds these facts.
MODEL_TABLES = ("segment_preprocessing", "segment_centroids", "segment_model_features")


def relation(table: str) -> str:
    """The relation the report reads ``table`` from.

    Parameters
    ----------
    table : str
        A public table (:data:`segmentation.publish.PUBLIC_TABLES`) or one of
        :data:`MODEL_TABLES`.

    Returns
    -------
    str
        The schema-qualified name to use in SQL.

    Raises
    ------
    ValueError
        For any other table: the report reads no intermediate table.

    Examples
    --------
    >>> relation("segments")
    'main.segments'
    """
    if table not in PUBLIC_TABLES and table not in MODEL_TABLES:
        raise ValueError(
            f"the report reads public tables only, not {table!r}: find the fact in "
            "one of segmentation.publish.PUBLIC_TABLES"
        )
    return f"{SCHEMA}.{table}"


class _Warehouse:
    """Read-only access to the run's tables, tolerant of missing ones.

    Tables are named as :func:`relation` takes them (``"segments"``).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        rows = con.sql(
            "select table_schema, table_name, column_name "
            "from information_schema.columns"
        ).fetchall()
        self._columns: dict[str, set[str]] = {}
        for schema, table, column in rows:
            self._columns.setdefault(f"{schema}.{table}", set()).add(column)

    def has(self, table: str, *columns: str) -> bool:
        """Whether ``table`` exists with every given column."""
        known = self._columns.get(relation(table))
        return known is not None and set(columns) <= known

    def columns(self, table: str) -> set[str]:
        return set(self._columns.get(relation(table), set()))

    def frame(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def value(self, sql: str) -> Any:
        """The first column of the first row ``sql`` returns."""
        return self.frame(sql).iloc[0, 0]

    def table(self, table: str, order_by: str) -> pd.DataFrame | None:
        """The whole table sorted, or None when it does not exist."""
        if not self.has(table):
            return None
        return self.frame(f"select * from {relation(table)} order by {order_by}")


@dataclass
class _Segments:
    """Segment ids in order with unique display labels and colours."""

    ids: list[int]
    labels: dict[int, str]
    colors: dict[int, str]

    def label(self, segment_id: Any) -> str:
        if _missing(segment_id):
            return "Unassigned"
        return self.labels.get(int(segment_id), f"Segment {int(segment_id)}")

    def color(self, segment_id: Any) -> str:
        if _missing(segment_id):
            return "#888888"
        return self.colors.get(int(segment_id), "#888888")


def _segment_index(wh: _Warehouse) -> _Segments:
    names: dict[int, str] = {}
    for table in ("segments", "segment_centroids"):
        if wh.has(table, "segment_id", "segment_name"):
            rows = wh.frame(
                f"select segment_id, segment_name from {relation(table)} "
                "where segment_id is not null order by segment_id"
            )
            for row in rows.itertuples(index=False):
                names.setdefault(int(row.segment_id), _text(row.segment_name))
    if not names and wh.has("customer_segments", "segment_id", "segment_name"):
        rows = wh.frame(
            "select segment_id, min(segment_name) as segment_name "
            f"from {relation('customer_segments')} where segment_id is not null "
            "group by segment_id order by segment_id"
        )
        names = {int(r.segment_id): _text(r.segment_name) for r in rows.itertuples()}
    ids = sorted(names)
    labels: dict[int, str] = {}
    seen: set[str] = set()
    for segment_id in ids:
        label = names[segment_id] or f"Segment {segment_id}"
        if label in seen:
            label = f"{label} (#{segment_id})"
        seen.add(label)
        labels[segment_id] = label
    colors = {sid: PALETTE[i % len(PALETTE)] for i, sid in enumerate(ids)}
    return _Segments(ids=ids, labels=labels, colors=colors)


def has_backtest(wh: _Warehouse) -> bool:
    """Whether the run backtested its candidates (segment_backtest has rows)."""
    if not wh.has("segment_backtest", "candidate_id"):
        return False
    return int(wh.value(f"select count(*) from {relation('segment_backtest')}")) > 0


def prediction_horizon(wh: _Warehouse) -> int | None:
    """Days ahead the per-customer predictions look (None without predictions)."""
    if not wh.has("customer_predictions", "prediction_horizon_days"):
        return None
    value = wh.value(
        f"select max(prediction_horizon_days) from {relation('customer_predictions')}"
    )
    return None if _missing(value) else int(value)
