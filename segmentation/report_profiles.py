"""The report's sections on who is in each segment.

* :func:`profiles_section` -- a heatmap of each segment against the average
  customer, feature by feature (``segment_profiles``, in the model's feature
  order);
* :func:`rfm_section` -- customers counted on the recency-frequency grid
  (``rfm_scores``);
* :func:`map_section` -- a fixed sample of customers (``segment_model_features``,
  the model's input) projected to 2-D with PCA after the model's own
  preparation, the segment centres on top;
* :func:`centroids_section` -- the segment centres as parallel coordinates.

The model's input, preparation and centres (``segment_model_features``,
``segment_preprocessing``, ``segment_centroids``) are not public tables; they
are read through :func:`segmentation.report_data.relation` like every other
table.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.decomposition import PCA

from segmentation.prep import apply_steps, selected_steps
from segmentation.report_charts import (
    TOP_DOWN,
    TOP_LEGEND,
    _layout,
    _legend_below,
    _wrap,
)
from segmentation.report_common import _Chart, _missing, _num, _Section
from segmentation.report_data import _Segments, _Warehouse, relation

#: Div ids of this module's charts.
PROFILES_CHART = "chart-profile-heatmap"
RFM_CHART = "chart-rfm-grid"
MAP_CHART = "chart-customer-map"
CENTROIDS_CHART = "chart-centroids"

#: At most this many customers are drawn on the 2-D map.
SAMPLE_SIZE = 3000
RANDOM_STATE = 0
#: Standardized differences beyond this are drawn with the end colour.
HEATMAP_CLIP = 3.0


# ------------------------------------------------------------- the model's steps


def _feature_order(wh: _Warehouse) -> dict[str, int]:
    if not wh.has("segment_preprocessing", "feature", "feature_order"):
        return {}
    steps = wh.frame(
        f"select feature, feature_order from {relation('segment_preprocessing')} "
        "where feature_order is not null order by feature_order, feature"
    )
    return {str(f): i for i, f in enumerate(steps["feature"])}


def _steps_and_centroids(
    wh: _Warehouse,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[str]]:
    """The model's preparation steps, its centres and its features in order."""
    steps = wh.table("segment_preprocessing", "feature_order, feature")
    if steps is None or not {"is_selected", "feature", "source_column"} <= set(steps):
        return None, None, []
    chosen = selected_steps(steps)
    features = [str(f) for f in chosen["feature"]]
    centroids = wh.table("segment_centroids", "segment_id")
    if centroids is not None and not set(features) <= set(centroids.columns):
        centroids = None
    return steps, centroids, features


# -------------------------------------------------------------------- profiles


def profiles_section(wh: _Warehouse, segments: _Segments) -> _Section:
    """What each segment has more or less of than the average customer."""
    section = _Section(
        "profiles",
        "What makes each segment different",
        "Red cells show what a segment has much more of than the average customer "
        "and blue cells what it has less of; the number in each cell is the ratio "
        "to the average customer (×2.0 = twice as much).",
    )
    table = wh.table("segment_profiles", "segment_id, feature")
    if table is None or table.empty or "feature" not in table:
        return section.note("Segment profiles are not available in this run.")
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
        top=90,
        bottom=20,
        xaxis={"side": "top", "automargin": True, "tickangle": 0},
        yaxis=TOP_DOWN,
    )
    return section.add(_Chart(PROFILES_CHART, fig))


# ------------------------------------------------------------------------- RFM


def rfm_section(wh: _Warehouse) -> _Section:
    """Customers counted by recency score against frequency score."""
    section = _Section(
        "rfm",
        "RFM grid",
        "Customers placed by how recently (5 = most recent) and how often "
        "(5 = most often) they buy: the top-right corner holds your most engaged "
        "customers, the bottom-left those you are losing.",
    )
    if not wh.has("rfm_scores", "recency_score", "frequency_score"):
        return section.note("RFM scores are not available in this run.")
    monetary = "avg(monetary)" if wh.has("rfm_scores", "monetary") else "null"
    grid = wh.frame(
        "select recency_score, frequency_score, count(*) as customers, "
        f"{monetary} as mean_monetary from {relation('rfm_scores')} "
        "where recency_score is not null and frequency_score is not null "
        "group by all order by all"
    )
    if grid.empty:
        return section.note("No customer has RFM scores in this run.")
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
    return section.add(_Chart(RFM_CHART, fig))


# ------------------------------------------------------------------------- map


def _customer_sample(wh: _Warehouse, source_columns: list[str]) -> pd.DataFrame:
    """Up to :data:`SAMPLE_SIZE` customers, chosen by the md5 of their id."""
    columns = ", ".join(f'f."{c}"' for c in source_columns)
    return wh.frame(
        f"select f.customer_id, s.segment_id, {columns} "
        f"from {relation('segment_model_features')} as f "
        f"inner join {relation('customer_segments')} as s "
        "on s.customer_id = f.customer_id "
        f"order by md5(f.customer_id::varchar), f.customer_id limit {SAMPLE_SIZE}"
    ).sort_values("customer_id", kind="stable", ignore_index=True)


def map_section(wh: _Warehouse, segments: _Segments) -> _Section:
    """A sample of customers and the segment centres, projected to 2-D."""
    section = _Section(
        "map",
        "Map of customers",
        "Each dot is a customer, placed so that customers who buy alike sit close "
        "together; colours show the segment and the outlined crosses mark each "
        "segment's centre.",
    )
    steps, centroids, features = _steps_and_centroids(wh)
    if steps is None or len(features) < 2:
        return section.note("The model's feature scaling is not available in this run.")
    sources = sorted(set(selected_steps(steps)["source_column"].astype(str)))
    if not wh.has("segment_model_features", "customer_id", *sources) or not wh.has(
        "customer_segments", "customer_id", "segment_id"
    ):
        return section.note("Customer features or segments are missing.")
    sample = _customer_sample(wh, sources)
    if len(sample) < 3:
        return section.note("Too few customers to draw a map.")
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
        top=30,
        bottom=60,
        xaxis={"title": {"text": f"component 1 ({explained[0]:.0%} of variation)"}},
        yaxis={"title": {"text": f"component 2 ({explained[1]:.0%} of variation)"}},
        legend=_legend_below(-0.14, itemsizing="constant"),
    )
    return section.add(
        _Chart(MAP_CHART, fig),
        f'<p class="muted">{len(sample):,} customers drawn (a fixed sample), '
        f"projected from {len(features)} scaled features with PCA.</p>",
    )


# ------------------------------------------------------------------- centroids


def centroids_section(wh: _Warehouse, segments: _Segments) -> _Section:
    """Each segment's centre across the model's features, in scaled units."""
    section = _Section(
        "centroids",
        "Segment centres across features (parallel coordinates)",
        "Each line follows one segment's typical customer across the features the "
        "model used, in standard deviations from the average customer (0 = "
        "average), so peaks and dips show what sets the segment apart.",
    )
    _, centroids, features = _steps_and_centroids(wh)
    if centroids is None or centroids.empty or not features:
        return section.note("Segment centroids are not available in this run.")
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
    return section.add(_Chart(CENTROIDS_CHART, fig))
