"""One self-contained HTML report of a segmentation run.

:func:`build_report` reads the tables a ``dbt build`` left in a DuckDB database
(read-only) and writes one HTML file a marketer can open from disk: run facts,
segment cards, sizes and revenue, what each segment's customers did next, a
profile heatmap, the RFM grid, a 2-D map of customers, the segment centroids,
the per-customer predictions and how far to trust them, how the segmentation
was chosen (usefulness on the backtest, then the geometric k-selection curves
that only break ties) and the data quality counts.  Every section carries a
one-sentence caption in plain English.  The sections judged on the backtest live
in :mod:`segmentation.report_backtest`; the pieces every section shares in
:mod:`segmentation.report_common`.

The page needs no network: plotly.js is inlined once (with the first chart), all
data is inlined, and no web font is used.  It is deterministic: the same
database gives a byte-identical file (fixed div ids, sorted data, a hash-ordered
customer sample and a fixed ``random_state`` for the PCA).  Optional pieces that
a run may lack (labels, events, categories, whole tables) drop out with a note
instead of failing the report.

Command line::

    python -m segmentation.report --database segmentation.duckdb \\
        --output reports/segment_report.html
"""

from __future__ import annotations

import argparse
import html
import importlib.metadata
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots
from sklearn.decomposition import PCA

from segmentation.prep import apply_steps, selected_steps
from segmentation.report_backtest import (
    BACKTEST_CHART,
    CALIBRATION_CHART,
    OUTCOMES_CHART,
    PROBABILITY_CHART,
    has_backtest,
    outcomes_section,
    prediction_horizon,
    predictions_section,
    selection_section,
)
from segmentation.report_common import (
    FONT,
    PALETTE,
    TOP_LEGEND,
    _Chart,
    _date,
    _esc,
    _int,
    _layout,
    _missing,
    _model_name,
    _note,
    _num,
    _pct,
    _Section,
    _segment_index,
    _Segments,
    _series_name,
    _table_html,
    _text,
    _Warehouse,
    _wrap,
)

DEFAULT_DATABASE = "segmentation.duckdb"
DEFAULT_OUTPUT = "reports/segment_report.html"

#: At most this many customers are drawn on the 2-D map.
SAMPLE_SIZE = 3000
RANDOM_STATE = 0
#: Standardized differences beyond this are drawn with the end colour.
HEATMAP_CLIP = 3.0

#: Div ids of the charts, in page order (a run lacking data omits some).
CHART_IDS = (
    "chart-segment-sizes",
    OUTCOMES_CHART,
    "chart-profile-heatmap",
    "chart-rfm-grid",
    "chart-customer-map",
    "chart-centroids",
    CALIBRATION_CHART,
    PROBABILITY_CHART,
    BACKTEST_CHART,
    "chart-k-selection",
    "chart-data-quality",
)

VERSION_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb", "scikit-learn", "plotly")

#: Line styles of the k-selection curves, one per feature set (in name order).
SERIES_DASHES = ("solid", "dash", "dot", "dashdot", "longdash")

#: Columns of the data quality table, in order ("erased" only when present).
OUTCOME_LABELS = {
    "clean": "Used",
    "duplicate_collapsed": "Duplicates collapsed",
    "rejected": "Rejected",
    "erased": "Erased on request",
}

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}

CSS = """
body { font-family: __FONT__; color: #1f2933; background: #f7f8fa; margin: 0; }
main { max-width: 940px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 28px; margin: 8px 0 4px; }
h2 { font-size: 21px; margin: 0 0 4px; }
section { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px;
  padding: 18px 20px; margin: 18px 0; }
p.caption { color: #52606d; margin: 0 0 14px; font-size: 15px; }
p.note { color: #8a6d3b; background: #fcf8e3; padding: 8px 12px; border-radius: 4px; }
p.lead { font-size: 16px; font-weight: 600; margin: 0 0 8px; }
p.trust { font-size: 16px; background: #fff4e5; border-left: 6px solid #D55E00;
  padding: 10px 14px; border-radius: 4px; margin: 0 0 14px; }
nav.toc { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px;
  padding: 10px 20px; margin: 18px 0; }
nav.toc ol { margin: 6px 0; padding-left: 22px; columns: 2; }
nav.toc a { color: #0b5cad; text-decoration: none; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 6px 0 12px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e9ecef;
  vertical-align: top; }
th { background: #f1f3f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: 220px 1fr; gap: 4px 12px; margin: 0; }
dl.facts dt { color: #52606d; }
dl.facts dd { margin: 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr));
  gap: 10px; margin: 14px 0; }
.tile { border: 1px solid #e1e4e8; border-radius: 6px; padding: 8px 10px; }
.tile .value { font-size: 22px; font-weight: 600; }
.tile .label { font-size: 13px; color: #52606d; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr));
  gap: 12px; }
.card { border: 1px solid #e1e4e8; border-left: 6px solid #999; border-radius: 6px;
  padding: 10px 12px; }
.card h3 { font-size: 17px; margin: 0 0 4px; }
.card .shares { font-size: 14px; font-weight: 600; margin: 0 0 6px; }
.card p { margin: 4px 0; font-size: 14px; }
.card code, td code { font-size: 13px; background: #f1f3f5; padding: 1px 4px;
  border-radius: 3px; white-space: normal; }
.muted { color: #7b8794; font-size: 13px; }
""".replace("__FONT__", FONT)


def _package_version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _render_chart(chart: _Chart, include_plotlyjs: bool) -> str:
    return pio.to_html(
        chart.figure,
        config=PLOTLY_CONFIG,
        include_plotlyjs=include_plotlyjs,
        full_html=False,
        div_id=chart.div_id,
        validate=True,
    )


# -------------------------------------------------------------------- sections


def _header(wh: _Warehouse, segments: _Segments) -> tuple[str, str]:
    """Title block HTML and a one-line subtitle."""
    facts: list[tuple[str, str]] = []
    params = None
    if wh.has("intermediate.int_run_parameters"):
        params = wh.frame("select * from intermediate.int_run_parameters limit 1")
    first = last = as_of = None
    if params is not None and len(params):
        row = params.iloc[0]
        first, last = row.get("first_order_date"), row.get("last_order_date")
        as_of = row.get("as_of_date")
    elif wh.has("main.customer_features", "first_order_date", "last_order_date"):
        row = wh.frame(
            "select min(first_order_date) as f, max(last_order_date) as l, "
            "max(as_of_date) as a from main.customer_features"
        ).iloc[0]
        first, last, as_of = row["f"], row["l"], row["a"]
    facts.append(("Orders from", f"{_date(first)} to {_date(last)}"))
    facts.append(("Segments as of", _date(as_of)))

    quality = wh.table("main.segment_quality", "1")
    model: dict[str, Any] = {}
    if quality is not None and len(quality):
        model = quality.iloc[0].to_dict()
    elif wh.has("main.segment_model_candidates", "is_selected"):
        chosen = wh.frame(
            "select * from main.segment_model_candidates where is_selected "
            "order by n_clusters limit 1"
        )
        if len(chosen):
            model = chosen.iloc[0].to_dict()
    if model:
        facts.append(
            (
                "Selected model",
                html.escape(
                    f"{_model_name(model.get('algorithm'), model.get('feature_space'))}"
                    f", k = {_int(model.get('n_clusters'))} segments"
                ),
            )
        )
        if not _missing(model.get("selection_reason")):
            facts.append(("Why this model", _esc(model.get("selection_reason"))))
    else:
        facts.append(("Selected model", "not recorded in this run"))

    scored = model.get("customers_scored")
    if _missing(scored) and wh.has("main.customer_segments"):
        scored = wh.frame("select count(*) as n from main.customer_segments")["n"][0]
    facts.append(("Customers scored", _int(scored)))
    facts.append(("Segments", _int(len(segments.ids))))
    versions = ", ".join(f"{p} {_package_version(p)}" for p in VERSION_PACKAGES)
    facts.append(("Software", html.escape(versions)))

    tiles = [
        ("silhouette", "Silhouette (−1 to 1, higher = clearer groups)", 3),
        ("davies_bouldin", "Davies-Bouldin (lower = better separated)", 3),
        ("calinski_harabasz", "Calinski-Harabasz (higher = tighter groups)", 0),
        ("backtest_auc", "Usefulness: buy-again AUC on the backtest (0.5 = chance)", 3),
        ("stability", "Stability (0 to 1, same groups on resampling)", 3),
        ("planted_segment_recovery", "Recovery of known labels (adjusted Rand)", 3),
        ("sql_python_agreement", "SQL vs Python agreement", 3),
    ]
    tile_html = "".join(
        f'<div class="tile"><div class="value">{_num(model[key], digits)}</div>'
        f'<div class="label">{html.escape(label)}</div></div>'
        for key, label, digits in tiles
        if key in model and not _missing(model[key])
    )
    facts_html = "".join(f"<dt>{html.escape(k)}</dt><dd>{v}</dd>" for k, v in facts)
    subtitle = (
        "What this run found: who your customer groups are, how big and valuable "
        "each one is, and how much to trust the grouping."
    )
    block = (
        f'<header id="run"><h1>Customer segmentation report</h1>'
        f'<p class="caption">{html.escape(subtitle)}</p>'
        f'<section><h2>Run facts</h2><p class="caption">When the data was taken, '
        "which model grouped the customers and how well its groups hold together."
        f'</p><dl class="facts">{facts_html}</dl>'
        f'<div class="tiles">{tile_html}</div></section></header>'
    )
    return block, subtitle


def _cards(wh: _Warehouse, segments: _Segments) -> _Section:
    section = _Section(
        "segments",
        "The segments",
        "Each card is one group of customers who buy alike; the rule is a simple "
        "if-then test for who belongs, and its F1 score (0 to 1) says how exactly "
        "that test picks out the group.",
    )
    table = wh.table("main.segments", "segment_id")
    if table is None or table.empty:
        section.parts.append(_note("No segments table in this database."))
        return section
    rules = wh.table("main.segment_rules", "segment_id")
    rule_by_id: dict[int, dict[str, Any]] = {}
    if rules is not None:
        rule_by_id = {int(r["segment_id"]): r for r in rules.to_dict("records")}
    horizon = prediction_horizon(wh)
    cards = []
    for row in table.to_dict("records"):
        sid = int(row["segment_id"])
        rule = rule_by_id.get(sid, {})
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
                "<p><strong>Stands out on:</strong> "
                f"{_esc(row.get('top_features'))}</p>"
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
        cards.append("".join(parts))
    section.parts.append(f'<div class="cards">{"".join(cards)}</div>')
    return section


def _sizes(wh: _Warehouse, segments: _Segments) -> _Section:
    section = _Section(
        "sizes",
        "Segment size and revenue",
        "Compare how many customers each segment holds with how much revenue it "
        "brings: a revenue bar longer than the customer bar marks a segment worth "
        "more than its size suggests.",
    )
    if not wh.has("main.segments", "segment_id", "customer_share", "revenue_share"):
        section.parts.append(_note("Segment shares are not available in this run."))
        return section
    table = wh.frame(
        "select segment_id, customers, customer_share, revenue, revenue_share "
        "from main.segments order by segment_id"
    )
    labels = [segments.label(s) for s in table["segment_id"]]
    fig = go.Figure()
    for column, name, color in (
        ("customer_share", "Share of customers", "#7b8794"),
        ("revenue_share", "Share of revenue", "#0072B2"),
    ):
        values = table[column].astype(float).fillna(0.0).to_numpy() * 100.0
        fig.add_trace(
            go.Bar(
                y=labels,
                x=values,
                name=name,
                orientation="h",
                marker={"color": color},
                text=[f"{v:.1f}%" for v in values],
                textposition="outside",
                hovertemplate="%{y}<br>" + name + ": %{x:.1f}%<extra></extra>",
            )
        )
    shares = table[["customer_share", "revenue_share"]].astype(float) * 100.0
    top = max(1.0, float(np.nan_to_num(shares.to_numpy(), nan=0.0).max()))
    _layout(
        fig,
        140 + 56 * len(labels),
        barmode="group",
        xaxis={
            "title": {"text": "% of all customers / of all revenue"},
            "range": [0, top * 1.12],
        },
        yaxis={"autorange": "reversed", "automargin": True},
        legend=TOP_LEGEND,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    section.parts.append(_Chart("chart-segment-sizes", fig))
    return section


def _feature_order(wh: _Warehouse) -> dict[str, int]:
    if not wh.has("main.segment_preprocessing", "feature", "feature_order"):
        return {}
    steps = wh.frame(
        "select feature, feature_order from main.segment_preprocessing "
        "where feature_order is not null order by feature_order, feature"
    )
    return {str(f): i for i, f in enumerate(steps["feature"])}


def _profile_heatmap(wh: _Warehouse, segments: _Segments) -> _Section:
    section = _Section(
        "profiles",
        "What makes each segment different",
        "Red cells show what a segment has much more of than the average customer "
        "and blue cells what it has less of; the number in each cell is the ratio "
        "to the average customer (×2.0 = twice as much).",
    )
    table = wh.table("main.segment_profiles", "segment_id, feature")
    if table is None or table.empty or "feature" not in table:
        section.parts.append(_note("Segment profiles are not available in this run."))
        return section
    order = _feature_order(wh)
    features = sorted(
        table["feature"].astype(str).unique(),
        key=lambda f: (order.get(f, len(order)), f),
    )
    ids = [s for s in segments.ids if s in set(table["segment_id"].astype(int))]
    use_std = (
        "standardized_difference" in table
        and table["standardized_difference"].notna().any()
    )
    lift = (
        table["lift"].astype(float)
        if "lift" in table
        else pd.Series(np.nan, index=table.index)
    )
    if use_std:
        score = table["standardized_difference"].astype(float)
        scale_title = "standard deviations<br>from average"
    else:
        score = np.log2(lift.where(lift > 0))
        scale_title = "log2 ratio<br>to average"
    cells = table.assign(_score=score, _lift=lift, feature=table["feature"].astype(str))
    cells = cells.set_index(["segment_id", "feature"])
    z, text, hover = [], [], []
    for feature in features:
        z_row, text_row, hover_row = [], [], []
        for sid in ids:
            key = (sid, feature)
            if key in cells.index:
                cell = cells.loc[key]
                value = float(cell["_score"])
                z_row.append(
                    None
                    if math.isnan(value)
                    else round(max(-HEATMAP_CLIP, min(HEATMAP_CLIP, value)), 4)
                )
                text_row.append(
                    "" if _missing(cell["_lift"]) else f"×{float(cell['_lift']):.1f}"
                )
                hover_row.append(
                    f"segment mean {_num(cell.get('segment_mean'), 3)}<br>"
                    f"average customer {_num(cell.get('base_mean'), 3)}<br>"
                    f"ratio {_num(cell['_lift'], 2)}, "
                    f"{_num(cell.get('standardized_difference'), 2)} std. dev."
                )
            else:
                z_row.append(None)
                text_row.append("")
                hover_row.append("not measured")
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    labels = [_wrap(segments.label(s), 12) for s in ids]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=features,
            text=text,
            customdata=hover,
            texttemplate="%{text}",
            textfont={"size": 11},
            colorscale="RdBu",
            reversescale=True,
            zmid=0.0,
            zmin=-HEATMAP_CLIP,
            zmax=HEATMAP_CLIP,
            xgap=1,
            ygap=1,
            colorbar={"title": {"text": scale_title}, "thickness": 14},
            hovertemplate="%{x}<br>%{y}<br>%{customdata}<extra></extra>",
        )
    )
    _layout(
        fig,
        180 + 24 * len(features),
        xaxis={"side": "top", "automargin": True, "tickangle": 0},
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 60, "r": 20, "t": 90, "b": 20},
    )
    section.parts.append(_Chart("chart-profile-heatmap", fig))
    return section


def _rfm_grid(wh: _Warehouse) -> _Section:
    section = _Section(
        "rfm",
        "RFM grid",
        "Customers placed by how recently (5 = most recent) and how often "
        "(5 = most often) they buy: the top-right corner holds your most engaged "
        "customers, the bottom-left those you are losing.",
    )
    if not wh.has("main.rfm_scores", "recency_score", "frequency_score"):
        section.parts.append(_note("RFM scores are not available in this run."))
        return section
    monetary = "avg(monetary)" if wh.has("main.rfm_scores", "monetary") else "null"
    grid = wh.frame(
        "select recency_score, frequency_score, count(*) as customers, "
        f"{monetary} as mean_monetary from main.rfm_scores "
        "where recency_score is not null and frequency_score is not null "
        "group by all order by all"
    )
    if grid.empty:
        section.parts.append(_note("No customer has RFM scores in this run."))
        return section
    scores_r = sorted(set(grid["recency_score"].astype(int)) | {1, 2, 3, 4, 5})
    scores_f = sorted(set(grid["frequency_score"].astype(int)) | {1, 2, 3, 4, 5})
    cells = {
        (int(r.recency_score), int(r.frequency_score)): r
        for r in grid.itertuples(index=False)
    }
    z, text = [], []
    for r in scores_r:
        z_row, text_row = [], []
        for f in scores_f:
            cell = cells.get((r, f))
            if cell is None:
                z_row.append(0)
                text_row.append("0")
            else:
                z_row.append(int(cell.customers))
                text_row.append(
                    f"{int(cell.customers):,}<br>avg {_num(cell.mean_monetary, 0)}"
                )
        z.append(z_row)
        text.append(text_row)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(f) for f in scores_f],
            y=[str(r) for r in scores_r],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            colorscale="Blues",
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "customers"}, "thickness": 14},
            hovertemplate="recency score %{y}, frequency score %{x}<br>"
            "%{text}<extra></extra>",
        )
    )
    _layout(
        fig,
        520,
        xaxis={"title": {"text": "frequency score (5 = buys most often)"}},
        yaxis={"title": {"text": "recency score (5 = bought most recently)"}},
    )
    section.parts.append(_Chart("chart-rfm-grid", fig))
    return section


def _customer_sample(wh: _Warehouse, source_columns: list[str]) -> pd.DataFrame:
    """Up to :data:`SAMPLE_SIZE` customers, chosen by the md5 of their id."""
    columns = ", ".join(f'f."{c}"' for c in source_columns)
    return wh.frame(
        f"select f.customer_id, s.segment_id, {columns} "
        "from main.customer_features as f "
        "join main.customer_segments as s on s.customer_id = f.customer_id "
        f"order by md5(f.customer_id::varchar), f.customer_id limit {SAMPLE_SIZE}"
    ).sort_values("customer_id", kind="stable", ignore_index=True)


def _steps_and_centroids(
    wh: _Warehouse,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[str]]:
    steps = wh.table("main.segment_preprocessing", "feature_order, feature")
    if steps is None or not {"is_selected", "feature", "source_column"} <= set(steps):
        return None, None, []
    chosen = selected_steps(steps)
    features = [str(f) for f in chosen["feature"]]
    centroids = wh.table("main.segment_centroids", "segment_id")
    if centroids is not None and not set(features) <= set(centroids.columns):
        centroids = None
    return steps, centroids, features


def _customer_map(wh: _Warehouse, segments: _Segments) -> _Section:
    section = _Section(
        "map",
        "Map of customers",
        "Each dot is a customer, placed so that customers who buy alike sit close "
        "together; colours show the segment and the outlined crosses mark each "
        "segment's centre.",
    )
    steps, centroids, features = _steps_and_centroids(wh)
    if steps is None or len(features) < 2:
        section.parts.append(
            _note("The model's feature scaling is not available in this run.")
        )
        return section
    sources = sorted(set(selected_steps(steps)["source_column"].astype(str)))
    if not wh.has("main.customer_features", "customer_id", *sources) or not wh.has(
        "main.customer_segments", "customer_id", "segment_id"
    ):
        section.parts.append(_note("Customer features or segments are missing."))
        return section
    sample = _customer_sample(wh, sources)
    if len(sample) < 3:
        section.parts.append(_note("Too few customers to draw a map."))
        return section
    X = apply_steps(steps, sample)
    pca = PCA(n_components=2, svd_solver="full", random_state=RANDOM_STATE).fit(X)
    xy = pca.transform(X)
    explained = pca.explained_variance_ratio_
    fig = go.Figure()
    seg_ids = sample["segment_id"]
    order = [*segments.ids, *(s for s in seg_ids.unique() if _missing(s))]
    for sid in order:
        mask = (seg_ids.isna() if _missing(sid) else seg_ids == sid).to_numpy()
        if not mask.any():
            continue
        fig.add_trace(
            go.Scatter(
                x=np.round(xy[mask, 0], 4),
                y=np.round(xy[mask, 1], 4),
                mode="markers",
                name=segments.label(sid),
                marker={"size": 5, "opacity": 0.55, "color": segments.color(sid)},
                hoverinfo="name",
            )
        )
    if centroids is not None and len(centroids):
        centers = pca.transform(centroids[features].to_numpy(dtype=float))
        fig.add_trace(
            go.Scatter(
                x=np.round(centers[:, 0], 4),
                y=np.round(centers[:, 1], 4),
                mode="markers",
                name="Segment centres",
                text=[segments.label(s) for s in centroids["segment_id"]],
                marker={
                    "symbol": "x",
                    "size": 15,
                    "color": [segments.color(s) for s in centroids["segment_id"]],
                    "line": {"color": "#000000", "width": 2},
                },
                hovertemplate="centre of %{text}<extra></extra>",
            )
        )
    _layout(
        fig,
        720,
        xaxis={"title": {"text": f"component 1 ({explained[0]:.0%} of variation)"}},
        yaxis={"title": {"text": f"component 2 ({explained[1]:.0%} of variation)"}},
        legend={
            "itemsizing": "constant",
            "orientation": "h",
            "y": -0.14,
            "yanchor": "top",
            "x": 0,
        },
        margin={"l": 60, "r": 20, "t": 30, "b": 60},
    )
    section.parts.append(_Chart("chart-customer-map", fig))
    section.parts.append(
        f'<p class="muted">{len(sample):,} customers drawn (a fixed sample), '
        f"projected from {len(features)} scaled features with PCA.</p>"
    )
    return section


def _centroid_lines(wh: _Warehouse, segments: _Segments) -> _Section:
    section = _Section(
        "centroids",
        "Segment centres across features (parallel coordinates)",
        "Each line follows one segment's typical customer across the features the "
        "model used, in standard deviations from the average customer (0 = "
        "average), so peaks and dips show what sets the segment apart.",
    )
    _, centroids, features = _steps_and_centroids(wh)
    if centroids is None or centroids.empty or not features:
        section.parts.append(_note("Segment centroids are not available in this run."))
        return section
    fig = go.Figure()
    for row in centroids.to_dict("records"):
        sid = row["segment_id"]
        fig.add_trace(
            go.Scatter(
                x=features,
                y=[round(float(row[f]), 4) for f in features],
                mode="lines+markers",
                name=segments.label(sid),
                line={"color": segments.color(sid), "width": 2},
                marker={"size": 6},
                hovertemplate="%{x}: %{y:.2f}<extra>"
                + segments.label(sid)
                + "</extra>",
            )
        )
    _layout(
        fig,
        560,
        xaxis={"tickangle": -45, "automargin": True},
        yaxis={"title": {"text": "centre (scaled units)"}, "zeroline": True},
        legend=TOP_LEGEND,
    )
    section.parts.append(_Chart("chart-centroids", fig))
    return section


def _k_selection(wh: _Warehouse) -> _Section:
    if has_backtest(wh):
        role = (
            "Geometric metrics, used only to break ties between candidates the "
            "backtest finds equally useful: they say how compact and well separated "
            "the segments are, not whether they predict anything."
        )
    else:
        role = (
            "Geometric metrics: they say how compact and well separated the "
            "segments are, not whether they predict anything, yet with no backtest "
            "recorded in this run they chose the model."
        )
    section = _Section(
        "k-selection",
        "Geometric metrics (information)",
        f"{role} Each line is one clustering method as the number of segments grows "
        "(look for the bend in WCSS, high silhouette and Calinski-Harabasz, low "
        "Davies-Bouldin); the star marks the deployed model.",
    )
    needed = ("algorithm", "n_clusters")
    if not wh.has("main.segment_model_candidates", *needed):
        section.parts.append(_note("Model candidates are not available in this run."))
        return section
    cols = wh.columns("main.segment_model_candidates")
    table = wh.frame(
        "select * from main.segment_model_candidates "
        "where n_clusters is not null order by all"
    )
    for column in ("feature_space", "feature_set"):
        if column not in table:
            table[column] = None
    if "is_selected" not in table:
        table["is_selected"] = False
    metrics = [
        ("wcss", "WCSS (elbow; log scale)"),
        ("silhouette", "Silhouette (higher is better)"),
        ("davies_bouldin", "Davies-Bouldin (lower is better)"),
        ("calinski_harabasz", "Calinski-Harabasz (higher is better)"),
    ]
    metrics = [(m, t) for m, t in metrics if m in cols]
    if table.empty or not metrics:
        section.parts.append(_note("No model candidate was recorded in this run."))
        return section
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[t for _, t in metrics],
        horizontal_spacing=0.1,
        vertical_spacing=0.16,
    )
    keys = ["algorithm", "feature_space", "feature_set"]
    table = table.sort_values([*keys, "n_clusters"], kind="stable", na_position="last")
    # one line per method and feature set: colour = method, dash = feature set
    groups = table.groupby(keys, sort=True, dropna=False)
    methods = sorted({(_text(a), _text(s)) for a, s, _ in groups.groups})
    feature_sets = sorted({_text(f) for _, _, f in groups.groups})
    dashes = dict(zip(feature_sets, SERIES_DASHES, strict=False))
    selected = table[table["is_selected"].fillna(False).astype(bool)]
    for index, (metric, _) in enumerate(metrics):
        row, col = index // 2 + 1, index % 2 + 1
        for number, ((algorithm, space, feature_set), group) in enumerate(groups):
            name = _series_name(algorithm, space, feature_set)
            method = methods.index((_text(algorithm), _text(space)))
            color = PALETTE[method % len(PALETTE)]
            fig.add_trace(
                go.Scatter(
                    x=group["n_clusters"].astype(int).tolist(),
                    y=group[metric].astype(float).round(6).tolist(),
                    mode="lines+markers",
                    name=name,
                    legendgroup=f"series-{number}",
                    showlegend=index == 0,
                    line={
                        "color": color,
                        "dash": dashes.get(_text(feature_set), "solid"),
                        "width": 1.5,
                    },
                    marker={"size": 5},
                    hovertemplate="k = %{x}: %{y:.4g}<extra>" + name + "</extra>",
                ),
                row=row,
                col=col,
            )
        if len(selected):
            fig.add_trace(
                go.Scatter(
                    x=selected["n_clusters"].astype(int).tolist(),
                    y=selected[metric].astype(float).round(6).tolist(),
                    mode="markers",
                    name="selected model",
                    legendgroup="selected",
                    showlegend=index == 0,
                    marker={
                        "symbol": "star",
                        "size": 16,
                        "color": "#000000",
                        "line": {"color": "#ffffff", "width": 1},
                    },
                    hovertemplate="selected, k = %{x}: %{y:.4g}<extra></extra>",
                ),
                row=row,
                col=col,
            )
        fig.update_xaxes(title_text="number of segments (k)", dtick=1, row=row, col=col)
        if metric == "wcss":
            fig.update_yaxes(type="log", row=row, col=col)
    _layout(
        fig,
        760,
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0},
        margin={"l": 60, "r": 20, "t": 50, "b": 110},
    )
    section.parts.append(_Chart("chart-k-selection", fig))
    return section


def _data_quality(wh: _Warehouse) -> _Section:
    section = _Section(
        "data-quality",
        "Data quality",
        "Every raw row is accounted for: most were used, exact duplicates were "
        "counted once, and the rest were set aside for the reason shown.",
    )
    needed = ("source_table", "outcome", "row_count")
    if not wh.has("main.data_quality_summary", *needed):
        section.parts.append(_note("The data quality summary is not in this run."))
        return section
    reason = "reason" if wh.has("main.data_quality_summary", "reason") else "null"
    dq = wh.frame(
        f"select source_table, outcome, {reason} as reason, "
        "sum(row_count)::bigint as row_count from main.data_quality_summary "
        "group by all order by source_table, outcome, reason nulls first"
    )
    dq["outcome"] = dq["outcome"].astype(str)
    present = set(dq["outcome"])
    outcomes = [o for o in OUTCOME_LABELS if o in present or o != "erased"]
    outcomes += sorted(present - set(outcomes))
    counts = dq.pivot_table(
        index="source_table",
        columns="outcome",
        values="row_count",
        aggfunc="sum",
        fill_value=0,
    ).reindex(columns=outcomes, fill_value=0)
    rows = []
    for source, row in counts.sort_index().iterrows():
        total = int(row.sum())
        rows.append(
            [
                html.escape(str(source)),
                _int(total),
                *(_int(row[o]) for o in outcomes),
                _pct(row.get("clean", 0) / total) if total else "not provided",
            ]
        )
    headers = [
        "Input",
        "Rows read",
        *(OUTCOME_LABELS.get(o, o.replace("_", " ").capitalize()) for o in outcomes),
        "% used",
    ]
    section.parts.append(
        _table_html(headers, rows, numeric=tuple(range(1, len(headers))))
    )
    dropped = dq[(dq["outcome"] != "clean") & (dq["row_count"] > 0)]
    if dropped.empty:
        section.parts.append(_note("No raw row was rejected or collapsed."))
        return section
    labels = [
        f"{s}: {_text(r) or o}"
        for s, o, r in zip(
            dropped["source_table"], dropped["outcome"], dropped["reason"], strict=True
        )
    ]
    fig = go.Figure()
    outcome_colors = {
        "rejected": "#D55E00",
        "duplicate_collapsed": "#7b8794",
        "erased": "#332288",
    }
    outcome_names = {
        "rejected": "rejected",
        "duplicate_collapsed": "duplicate (counted once)",
        "erased": "erased on request",
    }
    for outcome in sorted(dropped["outcome"].astype(str).unique()):
        mask = (dropped["outcome"] == outcome).to_numpy()
        values = dropped["row_count"].to_numpy()[mask].astype(int)
        fig.add_trace(
            go.Bar(
                y=[label for label, m in zip(labels, mask, strict=True) if m],
                x=values.tolist(),
                orientation="h",
                name=outcome_names.get(outcome, outcome),
                marker={"color": outcome_colors.get(outcome, "#999933")},
                text=[f"{c:,}" for c in values],
                textposition="outside",
                hovertemplate="%{y}: %{x:,} rows<extra></extra>",
            )
        )
    _layout(
        fig,
        140 + 26 * len(labels),
        xaxis={
            "title": {"text": "raw rows not used"},
            "range": [0, float(dropped["row_count"].max()) * 1.12],
        },
        yaxis={
            "automargin": True,
            "categoryorder": "array",
            "categoryarray": labels[::-1],
        },
        legend=TOP_LEGEND,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    section.parts.append(_Chart("chart-data-quality", fig))
    return section


# ----------------------------------------------------------------------- build


def render_report(con: duckdb.DuckDBPyConnection) -> str:
    """The report page for the tables behind ``con``, as an HTML string."""
    wh = _Warehouse(con)
    segments = _segment_index(wh)
    header, subtitle = _header(wh, segments)
    sections = [
        _cards(wh, segments),
        _sizes(wh, segments),
        outcomes_section(wh, segments),
        _profile_heatmap(wh, segments),
        _rfm_grid(wh),
        _customer_map(wh, segments),
        _centroid_lines(wh, segments),
        predictions_section(wh, segments),
        selection_section(wh),
        _k_selection(wh),
        _data_quality(wh),
    ]
    toc = "".join(
        f'<li><a href="#{s.anchor}">{html.escape(s.title)}</a></li>' for s in sections
    )
    body = [
        header,
        f'<nav class="toc"><strong>Contents</strong><ol>'
        f'<li><a href="#run">Run facts</a></li>{toc}</ol></nav>',
    ]
    plotly_loaded = False
    for section in sections:
        body.append(
            f'<section id="{section.anchor}"><h2>{html.escape(section.title)}</h2>'
            f'<p class="caption">{html.escape(section.caption)}</p>'
        )
        for part in section.parts:
            if isinstance(part, _Chart):
                body.append(_render_chart(part, include_plotlyjs=not plotly_loaded))
                plotly_loaded = True
            else:
                body.append(part)
        body.append("</section>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="description" content="{html.escape(subtitle)}">\n'
        "<title>Customer segmentation report</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def build_report(database: str | Path, output: str | Path) -> Path:
    """Write the HTML report of the run in ``database`` to ``output``.

    Parameters
    ----------
    database : str or Path
        DuckDB file written by ``dbt build`` (opened read-only).
    output : str or Path
        HTML file to write; missing parent folders are created.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    FileNotFoundError
        If ``database`` does not exist.
    """
    database = Path(database)
    output = Path(output)
    if not database.is_file():
        raise FileNotFoundError(f"database not found: {database}")
    with duckdb.connect(str(database), read_only=True) as con:
        page = render_report(con)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8", newline="\n")
    return output


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.report",
        description="Write a self-contained HTML report of a segmentation run.",
    )
    parser.add_argument(
        "--database",
        default=DEFAULT_DATABASE,
        help=f"DuckDB file built by dbt (default: {DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--output",
        default=DEFAULT_OUTPUT,
        help=f"HTML file to write (default: {DEFAULT_OUTPUT})",
    )
    args = parser.parse_args(argv)
    try:
        path = build_report(args.database, args.output)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
