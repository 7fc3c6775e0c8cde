"""How the report's charts look (internal to the report).

One width, font and margin for every figure (:func:`_layout`), a colour-blind
friendly palette, the legend positions, and the traces more than one chart
draws: bars whose values are printed past their ends (:func:`_hbars`) and the
black star that marks the chosen model (:func:`_star`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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

TOP_LEGEND = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0}

#: A category axis read from the top down, its labels given the room they need.
TOP_DOWN = {"autorange": "reversed", "automargin": True}


def _layout(
    fig: go.Figure, height: int, *, top: int = 40, bottom: int = 50, **kwargs: Any
) -> go.Figure:
    """Give ``fig`` the report's width, font and margins (``top``, ``bottom`` px)."""
    settings: dict[str, Any] = {
        "template": "plotly_white",
        "width": CHART_WIDTH,
        "height": height,
        "font": {"family": FONT, "size": 13},
        "margin": {"l": 60, "r": 20, "t": top, "b": bottom},
        "hoverlabel": {"font": {"family": FONT}},
    }
    fig.update_layout(**{**settings, **kwargs})
    return fig


def _legend_below(y: float, **kwargs: Any) -> dict[str, Any]:
    """A horizontal legend under the plot, its top ``y`` (a fraction of the plot
    height, negative) below the plot area."""
    return {**kwargs, "orientation": "h", "y": y, "yanchor": "top", "x": 0}


def _wrap(label: str, width: int = 14) -> str:
    """Break a label into lines of about ``width`` characters (plotly ``<br>``)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines) or label


def _hbars(
    labels: Sequence[str],
    values: Any,
    text: Sequence[str],
    color: str | Sequence[str],
    hovertemplate: str,
    **kwargs: Any,
) -> go.Bar:
    """Horizontal bars, one per label, each with its ``text`` printed past its end."""
    return go.Bar(
        y=labels,
        x=values,
        orientation="h",
        marker={"color": color},
        text=text,
        textposition="outside",
        hovertemplate=hovertemplate,
        **kwargs,
    )


def _star(x: Sequence[Any], y: Sequence[Any], size: int, **kwargs: Any) -> go.Scatter:
    """The chosen model: a black star outlined in white at (``x``, ``y``)."""
    return go.Scatter(
        x=x,
        y=y,
        mode="markers",
        marker={
            "symbol": "star",
            "size": size,
            "color": "#000000",
            "line": {"color": "#ffffff", "width": 1},
        },
        **kwargs,
    )
