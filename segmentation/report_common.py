"""Building blocks shared by the report's modules (internal to the report).

The display names of methods and feature sets, the formatting of numbers and
dates (a missing value reads "n/a"), the page's HTML pieces (tables, notes,
tiles) and the two kinds of part a section holds: HTML strings and
:class:`_Chart` figures, collected in a :class:`_Section`.  How the report reads
the run's tables lives in :mod:`segmentation.report_data`, how its charts look
in :mod:`segmentation.report_charts`.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

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


def _or_na(format_value: Callable[..., str]) -> Callable[..., str]:
    """Wrap a formatter so that a missing value reads "n/a"."""

    @functools.wraps(format_value)
    def formatted(value: Any, *args: Any, **kwargs: Any) -> str:
        return "n/a" if _missing(value) else format_value(value, *args, **kwargs)

    return formatted


@_or_na
def _num(value: Any, digits: int = 3) -> str:
    return f"{float(value):,.{digits}f}"


@_or_na
def _int(value: Any) -> str:
    return f"{int(value):,}"


@_or_na
def _pct(value: Any, digits: int = 1) -> str:
    return f"{100.0 * float(value):.{digits}f}%"


@_or_na
def _date(value: Any) -> str:
    return str(value)[:10]


def _algorithm_name(algorithm: Any) -> str:
    """The display name of a clustering method (its code when it has none)."""
    return ALGORITHM_NAMES.get(_text(algorithm), _text(algorithm))


def _model_name(algorithm: Any, feature_space: Any) -> str:
    name = _algorithm_name(algorithm) or "unknown"
    space = _text(feature_space)
    if space:
        name += f" on {FEATURE_SPACE_NAMES.get(space, space)}"
    return name


def _series_name(algorithm: Any, feature_space: Any, feature_set: Any = None) -> str:
    name = _algorithm_name(algorithm)
    details = [_text(feature_space)]
    if _text(feature_set):
        details.append(FEATURE_SET_NAMES.get(_text(feature_set), _text(feature_set)))
    details = [d for d in details if d]
    return f"{name} ({', '.join(details)})" if details else name


# ------------------------------------------------------------------------ html


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


def _number_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table whose first column names the row and the others are numbers."""
    return _table_html(headers, rows, numeric=tuple(range(1, len(headers))))


def _tiles(tiles: Iterable[tuple[str, str]]) -> str:
    """Key figures as tiles: (value as HTML, label as text) each."""
    return (
        '<div class="tiles">'
        + "".join(
            f'<div class="tile"><div class="value">{value}</div>'
            f'<div class="label">{html.escape(label)}</div></div>'
            for value, label in tiles
        )
        + "</div>"
    )


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


# ------------------------------------------------------------------- sections


@dataclass
class _Chart:
    div_id: str
    figure: go.Figure


@dataclass
class _Section:
    """One section of the page: HTML strings and charts under a title and caption."""

    anchor: str
    title: str
    caption: str
    parts: list[str | _Chart] = field(default_factory=list)

    def add(self, *parts: str | _Chart) -> _Section:
        """Append ``parts`` and return the section."""
        self.parts.extend(parts)
        return self

    def note(self, text: str) -> _Section:
        """Append a note (why something is not shown) and return the section."""
        return self.add(_note(text))
