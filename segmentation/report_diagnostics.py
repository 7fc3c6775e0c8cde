"""The report's closing sections: the geometry of the candidates and the inputs.

* :func:`k_selection_section` -- the geometric metrics of every candidate
  against the number of segments (``segment_model_candidates``), the deployed
  model starred; they only break ties when the run has a backtest;
* :func:`data_quality_section` -- every raw row accounted for: used, collapsed
  as a duplicate or set aside and why (``data_quality_summary``).
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from segmentation.report_charts import (
    PALETTE,
    TOP_LEGEND,
    _hbars,
    _layout,
    _legend_below,
    _star,
)
from segmentation.report_common import (
    _Chart,
    _int,
    _number_table,
    _pct,
    _Section,
    _series_name,
    _text,
)
from segmentation.report_data import _Warehouse, has_backtest, relation

#: Div ids of this module's charts.
K_SELECTION_CHART = "chart-k-selection"
DATA_QUALITY_CHART = "chart-data-quality"

#: Line styles of the k-selection curves, one per feature set (in name order).
SERIES_DASHES = ("solid", "dash", "dot", "dashdot", "longdash")

#: The geometric metrics drawn, one panel each: column, panel title.
GEOMETRIC_METRICS = (
    ("wcss", "WCSS (elbow; log scale)"),
    ("silhouette", "Silhouette (higher is better)"),
    ("davies_bouldin", "Davies-Bouldin (lower is better)"),
    ("calinski_harabasz", "Calinski-Harabasz (higher is better)"),
)

#: Columns of the data quality table, in order ("erased" only when present).
OUTCOME_LABELS = {
    "clean": "Used",
    "duplicate_collapsed": "Duplicates collapsed",
    "rejected": "Rejected",
    "erased": "Erased on request",
}
#: Colour and legend name of each outcome in the chart of rows not used.
OUTCOME_COLORS = {
    "rejected": "#D55E00",
    "duplicate_collapsed": "#7b8794",
    "erased": "#332288",
}
OUTCOME_NAMES = {
    "rejected": "rejected",
    "duplicate_collapsed": "duplicate (counted once)",
    "erased": "erased on request",
}


# ----------------------------------------------------------------- k-selection


def k_selection_section(wh: _Warehouse) -> _Section:
    """Geometric metrics of every candidate against k, the deployed one starred."""
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
    if not wh.has("segment_model_candidates", "algorithm", "n_clusters"):
        return section.note("Model candidates are not available in this run.")
    cols = wh.columns("segment_model_candidates")
    table = wh.frame(
        f"select * from {relation('segment_model_candidates')} "
        "where n_clusters is not null order by all"
    )
    for column in ("feature_space", "feature_set"):
        if column not in table:
            table[column] = None
    if "is_selected" not in table:
        table["is_selected"] = False
    metrics = [(m, t) for m, t in GEOMETRIC_METRICS if m in cols]
    if table.empty or not metrics:
        return section.note("No model candidate was recorded in this run.")
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
                _star(
                    selected["n_clusters"].astype(int).tolist(),
                    selected[metric].astype(float).round(6).tolist(),
                    16,
                    name="selected model",
                    legendgroup="selected",
                    showlegend=index == 0,
                    hovertemplate="selected, k = %{x}: %{y:.4g}<extra></extra>",
                ),
                row=row,
                col=col,
            )
        fig.update_xaxes(title_text="number of segments (k)", dtick=1, row=row, col=col)
        if metric == "wcss":
            fig.update_yaxes(type="log", row=row, col=col)
    _layout(fig, 760, top=50, bottom=110, legend=_legend_below(-0.12))
    return section.add(_Chart(K_SELECTION_CHART, fig))


# ---------------------------------------------------------------- data quality


def data_quality_section(wh: _Warehouse) -> _Section:
    """Raw rows per input by outcome, and a chart of the rows not used."""
    section = _Section(
        "data-quality",
        "Data quality",
        "Every raw row is accounted for: most were used, exact duplicates were "
        "counted once, and the rest were set aside for the reason shown.",
    )
    if not wh.has("data_quality_summary", "source_table", "outcome", "row_count"):
        return section.note("The data quality summary is not in this run.")
    reason = "reason" if wh.has("data_quality_summary", "reason") else "null"
    dq = wh.frame(
        f"select source_table, outcome, {reason} as reason, "
        "sum(row_count)::bigint as row_count "
        f"from {relation('data_quality_summary')} "
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
    section.add(_number_table(headers, rows))
    dropped = dq[(dq["outcome"] != "clean") & (dq["row_count"] > 0)]
    if dropped.empty:
        return section.note("No raw row was rejected or collapsed.")
    labels = [
        f"{s}: {_text(r) or o}"
        for s, o, r in zip(
            dropped["source_table"], dropped["outcome"], dropped["reason"], strict=True
        )
    ]
    fig = go.Figure()
    for outcome in sorted(dropped["outcome"].astype(str).unique()):
        mask = (dropped["outcome"] == outcome).to_numpy()
        values = dropped["row_count"].to_numpy()[mask].astype(int)
        fig.add_trace(
            _hbars(
                [label for label, m in zip(labels, mask, strict=True) if m],
                values.tolist(),
                [f"{c:,}" for c in values],
                OUTCOME_COLORS.get(outcome, "#999933"),
                "%{y}: %{x:,} rows<extra></extra>",
                name=OUTCOME_NAMES.get(outcome, outcome),
            )
        )
    _layout(
        fig,
        140 + 26 * len(labels),
        top=50,
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
    )
    return section.add(_Chart(DATA_QUALITY_CHART, fig))
