"""The report's opening: run facts, one card per segment, sizes and revenue.

* :func:`header_block` -- when the data was taken (``customer_features``), which
  model grouped the customers and how well (``segment_quality``, else the
  selected row of ``segment_model_candidates``), the software that ran;
* :func:`cards_section` -- each segment's shares, description, outlook and the
  if-then rule that picks it out (``segments``, ``segment_rules``);
* :func:`sizes_section` -- each segment's share of customers against its share
  of revenue.
"""

from __future__ import annotations

import html
import importlib.metadata
from typing import Any

import numpy as np
import plotly.graph_objects as go

from segmentation.report_charts import TOP_DOWN, TOP_LEGEND, _hbars, _layout
from segmentation.report_common import (
    _Chart,
    _date,
    _esc,
    _int,
    _missing,
    _model_name,
    _num,
    _pct,
    _Section,
    _text,
    _tiles,
)
from segmentation.report_data import (
    _Segments,
    _Warehouse,
    prediction_horizon,
    relation,
)

#: Div id of this module's chart.
SIZES_CHART = "chart-segment-sizes"

VERSION_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb", "scikit-learn", "plotly")

#: The selected model's measures shown as tiles: column, label, decimals.
MODEL_TILES = (
    ("silhouette", "Silhouette (−1 to 1, higher = clearer groups)", 3),
    ("davies_bouldin", "Davies-Bouldin (lower = better separated)", 3),
    ("calinski_harabasz", "Calinski-Harabasz (higher = tighter groups)", 0),
    ("backtest_auc", "Usefulness: buy-again AUC on the backtest (0.5 = chance)", 3),
    ("stability", "Stability (0 to 1, same groups on resampling)", 3),
    ("planted_segment_recovery", "Recovery of known labels (adjusted Rand)", 3),
    ("sql_python_agreement", "SQL vs Python agreement", 3),
)

SUBTITLE = (
    "What this run found: who your customer groups are, how big and valuable "
    "each one is, and how much to trust the grouping."
)


# ------------------------------------------------------------------- run facts


def _package_version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _data_window(wh: _Warehouse) -> tuple[Any, Any, Any]:
    """The first and last order date the segments saw, and their as_of_date."""
    if not wh.has(
        "customer_features", "first_order_date", "last_order_date", "as_of_date"
    ):
        return None, None, None
    row = wh.frame(
        "select min(first_order_date) as f, max(last_order_date) as l, "
        f"max(as_of_date) as a from {relation('customer_features')}"
    ).iloc[0]
    return row["f"], row["l"], row["a"]


def _selected_model(wh: _Warehouse) -> dict[str, Any]:
    """The deployed model's row of segment_quality, else of the candidates."""
    quality = wh.table("segment_quality", "1")
    if quality is not None and len(quality):
        return quality.iloc[0].to_dict()
    if wh.has("segment_model_candidates", "is_selected"):
        chosen = wh.frame(
            f"select * from {relation('segment_model_candidates')} where is_selected "
            "order by n_clusters limit 1"
        )
        if len(chosen):
            return chosen.iloc[0].to_dict()
    return {}


def header_block(wh: _Warehouse, segments: _Segments) -> tuple[str, str]:
    """Title block HTML and a one-line subtitle."""
    first, last, as_of = _data_window(wh)
    facts: list[tuple[str, str]] = [
        ("Orders from", f"{_date(first)} to {_date(last)}"),
        ("Segments as of", _date(as_of)),
    ]
    model = _selected_model(wh)
    if model:
        name = _model_name(model.get("algorithm"), model.get("feature_space"))
        facts.append(
            (
                "Selected model",
                html.escape(f"{name}, k = {_int(model.get('n_clusters'))} segments"),
            )
        )
        if not _missing(model.get("selection_reason")):
            facts.append(("Why this model", _esc(model.get("selection_reason"))))
    else:
        facts.append(("Selected model", "not recorded in this run"))

    scored = model.get("customers_scored")
    if _missing(scored) and wh.has("customer_segments"):
        scored = wh.value(f"select count(*) from {relation('customer_segments')}")
    facts.append(("Customers scored", _int(scored)))
    facts.append(("Segments", _int(len(segments.ids))))
    versions = ", ".join(f"{p} {_package_version(p)}" for p in VERSION_PACKAGES)
    facts.append(("Software", html.escape(versions)))

    tiles = _tiles(
        (_num(model[key], digits), label)
        for key, label, digits in MODEL_TILES
        if key in model and not _missing(model[key])
    )
    facts_html = "".join(f"<dt>{html.escape(k)}</dt><dd>{v}</dd>" for k, v in facts)
    block = (
        f'<header id="run"><h1>Customer segmentation report</h1>'
        f'<p class="caption">{html.escape(SUBTITLE)}</p>'
        f'<section><h2>Run facts</h2><p class="caption">When the data was taken, '
        "which model grouped the customers and how well its groups hold together."
        f'</p><dl class="facts">{facts_html}</dl>{tiles}</section></header>'
    )
    return block, SUBTITLE


# ----------------------------------------------------------------------- cards


def _card(
    row: dict[str, Any],
    rule: dict[str, Any],
    segments: _Segments,
    horizon: int | None,
) -> str:
    """One segment's card: its row of segments, with segment_rules filling gaps."""
    sid = int(row["segment_id"])
    rule_text = row.get("rule_text") if "rule_text" in row else None
    if _missing(rule_text):
        rule_text = rule.get("rule_text")
    f1 = row.get("rule_f1") if "rule_f1" in row else None
    if _missing(f1):
        f1 = rule.get("f1")
    parts = [
        f'<div class="card" style="border-left-color:{segments.color(sid)}">',
        f"<h3>{html.escape(segments.label(sid))}</h3>",
        f'<p class="shares">{_int(row.get("customers"))} customers · '
        f"{_pct(row.get('customer_share'))} of customers · "
        f"{_pct(row.get('revenue_share'))} of revenue</p>",
    ]
    if not _missing(row.get("segment_description")):
        parts.append(f"<p>{_esc(row.get('segment_description'))}</p>")
    if not _missing(row.get("top_features")):
        parts.append(
            f"<p><strong>Stands out on:</strong> {_esc(row.get('top_features'))}</p>"
        )
    if horizon is not None and not _missing(row.get("mean_probability_active")):
        parts.append(
            f"<p><strong>Next {horizon} days:</strong> "
            f"{_pct(row.get('mean_probability_active'))} chance still active on "
            f"average · {_num(row.get('expected_revenue'), 0)} revenue "
            "expected</p>"
        )
    if _text(rule_text).startswith("no rule"):
        parts.append(
            f'<p><strong>Rule:</strong> <span class="muted">{_esc(rule_text)}'
            "</span></p>"
        )
    elif not _missing(rule_text):
        parts.append(
            f"<p><strong>Rule:</strong> <code>{_esc(rule_text)}</code> "
            f'<span class="muted">(F1 {_num(f1, 2)})</span></p>'
        )
    parts.append("</div>")
    return "".join(parts)


def cards_section(wh: _Warehouse, segments: _Segments) -> _Section:
    """One card per segment: who is in it and the rule that picks them out."""
    section = _Section(
        "segments",
        "The segments",
        "Each card is one group of customers who buy alike; the rule is a simple "
        "if-then test for who belongs, and its F1 score (0 to 1) says how exactly "
        "that test picks out the group.",
    )
    table = wh.table("segments", "segment_id")
    if table is None or table.empty:
        return section.note("No segments table in this database.")
    rules = wh.table("segment_rules", "segment_id")
    rule_by_id: dict[int, dict[str, Any]] = {}
    if rules is not None:
        rule_by_id = {int(r["segment_id"]): r for r in rules.to_dict("records")}
    horizon = prediction_horizon(wh)
    cards = "".join(
        _card(row, rule_by_id.get(int(row["segment_id"]), {}), segments, horizon)
        for row in table.to_dict("records")
    )
    return section.add(f'<div class="cards">{cards}</div>')


# ----------------------------------------------------------------------- sizes


def sizes_section(wh: _Warehouse, segments: _Segments) -> _Section:
    """Each segment's share of customers beside its share of revenue."""
    section = _Section(
        "sizes",
        "Segment size and revenue",
        "Compare how many customers each segment holds with how much revenue it "
        "brings: a revenue bar longer than the customer bar marks a segment worth "
        "more than its size suggests.",
    )
    if not wh.has("segments", "segment_id", "customer_share", "revenue_share"):
        return section.note("Segment shares are not available in this run.")
    table = wh.frame(
        "select segment_id, customers, customer_share, revenue, revenue_share "
        f"from {relation('segments')} order by segment_id"
    )
    labels = [segments.label(s) for s in table["segment_id"]]
    fig = go.Figure()
    for column, name, color in (
        ("customer_share", "Share of customers", "#7b8794"),
        ("revenue_share", "Share of revenue", "#0072B2"),
    ):
        values = table[column].astype(float).fillna(0.0).to_numpy() * 100.0
        fig.add_trace(
            _hbars(
                labels,
                values,
                [f"{v:.1f}%" for v in values],
                color,
                "%{y}<br>" + name + ": %{x:.1f}%<extra></extra>",
                name=name,
            )
        )
    shares = table[["customer_share", "revenue_share"]].astype(float) * 100.0
    top = max(1.0, float(np.nan_to_num(shares.to_numpy(), nan=0.0).max()))
    _layout(
        fig,
        140 + 56 * len(labels),
        top=50,
        barmode="group",
        xaxis={
            "title": {"text": "% of all customers / of all revenue"},
            "range": [0, top * 1.12],
        },
        yaxis=TOP_DOWN,
        legend=TOP_LEGEND,
    )
    return section.add(_Chart(SIZES_CHART, fig))
