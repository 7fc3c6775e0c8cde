"""Building blocks shared by the report's modules (internal to the report).

How the report reads the run's tables (:class:`_Warehouse`, read-only and
tolerant of missing tables), the segment labels and colours every chart shares
(:func:`_segment_index`), the formatting of numbers and dates, and the page's
pieces: a :class:`_Section` holds HTML strings and :class:`_Chart` figures,
laid out with :func:`_layout`.  :mod:`segmentation.report` assembles the page;
:mod:`segmentation.report_backtest` adds the sections judged on the backtest.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
import plotly.graph_objects as go

CHART_WIDTH = 900

# Colour-blind friendly qualitative palette (Okabe-Ito, then Tol's muted).
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#332288",
    "#117733",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#661100",
    "#6699CC",
    "#888888",
    "#F0E442",
)

FONT = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
)

ALGORITHM_NAMES = {
    "kmeans": "k-means",
    "gaussian_mixture": "Gaussian mixture",
    "ward": "Ward hierarchical",
    "hdbscan": "HDBSCAN",
}
FEATURE_SPACE_NAMES = {
    "scaled": "scaled features",
    "autoencoder": "autoencoder embedding",
}
#: Display names of the feature sets a candidate may use.
FEATURE_SET_NAMES = {
    "rfm": "RFM only",
    "rfm_behaviour": "RFM + behaviour",
    "all": "all features",
    "custom": "custom features",
}

TOP_LEGEND = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0}


# --------------------------------------------------------------------------- data


class _Warehouse:
    """Read-only access to the run's tables, tolerant of missing ones."""

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
        """Whether ``schema.table`` exists with every given column."""
        known = self._columns.get(table)
        return known is not None and set(columns) <= known

    def columns(self, table: str) -> set[str]:
        return set(self._columns.get(table, set()))

    def frame(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def table(self, table: str, order_by: str) -> pd.DataFrame | None:
        """The whole table sorted, or None when it does not exist."""
        if not self.has(table):
            return None
        return self.frame(f"select * from {table} order by {order_by}")


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
    for table in ("main.segments", "main.segment_centroids"):
        if wh.has(table, "segment_id", "segment_name"):
            rows = wh.frame(
                f"select segment_id, segment_name from {table} "
                "where segment_id is not null order by segment_id"
            )
            for row in rows.itertuples(index=False):
                names.setdefault(int(row.segment_id), _text(row.segment_name))
    if not names and wh.has("main.customer_segments", "segment_id", "segment_name"):
        rows = wh.frame(
            "select segment_id, min(segment_name) as segment_name "
            "from main.customer_segments where segment_id is not null "
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


# ------------------------------------------------------------------ formatting


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(math.isnan(value))
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _esc(value: Any) -> str:
    return html.escape(_text(value))


def _num(value: Any, digits: int = 3) -> str:
    if _missing(value):
        return "n/a"
    return f"{float(value):,.{digits}f}"


def _int(value: Any) -> str:
    if _missing(value):
        return "n/a"
    return f"{int(value):,}"


def _pct(value: Any, digits: int = 1) -> str:
    if _missing(value):
        return "n/a"
    return f"{100.0 * float(value):.{digits}f}%"


def _date(value: Any) -> str:
    if _missing(value):
        return "n/a"
    return str(value)[:10]


def _model_name(algorithm: Any, feature_space: Any) -> str:
    name = ALGORITHM_NAMES.get(_text(algorithm), _text(algorithm) or "unknown")
    space = _text(feature_space)
    if space:
        name += f" on {FEATURE_SPACE_NAMES.get(space, space)}"
    return name


def _series_name(algorithm: Any, feature_space: Any, feature_set: Any = None) -> str:
    name = ALGORITHM_NAMES.get(_text(algorithm), _text(algorithm))
    details = [_text(feature_space)]
    if _text(feature_set):
        details.append(FEATURE_SET_NAMES.get(_text(feature_set), _text(feature_set)))
    details = [d for d in details if d]
    return f"{name} ({', '.join(details)})" if details else name


def _wrap(label: str, width: int = 14) -> str:
    """Break a label into lines of about ``width`` characters (plotly ``<br>``)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines) or label


def _table_html(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()
) -> str:
    """An HTML table; cells are already-escaped HTML, ``numeric`` right-aligned."""

    def cell(tag: str, index: int, content: str) -> str:
        cls = ' class="num"' if index in numeric else ""
        return f"<{tag}{cls}>{content}</{tag}>"

    head = "".join(cell("th", i, html.escape(h)) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


# ---------------------------------------------------------------------- layout


@dataclass
class _Chart:
    div_id: str
    figure: go.Figure


@dataclass
class _Section:
    anchor: str
    title: str
    caption: str
    parts: list[str | _Chart] = field(default_factory=list)


def _layout(fig: go.Figure, height: int, **kwargs: Any) -> go.Figure:
    settings: dict[str, Any] = {
        "template": "plotly_white",
        "width": CHART_WIDTH,
        "height": height,
        "font": {"family": FONT, "size": 13},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "hoverlabel": {"font": {"family": FONT}},
    }
    fig.update_layout(**{**settings, **kwargs})
    return fig
