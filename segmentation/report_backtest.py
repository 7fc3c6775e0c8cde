"""The report's sections judged on what customers did next.

The dbt build refits the segmentation and the per-customer predictions on the
customers as they were on ``backtest_as_of_date`` and compares them with what
those customers did up to ``as_of_date``.  Three sections show the result:

* :func:`outcomes_section` -- what each deployed segment's customers did next
  (``segment_outcomes``): buy-again rate against the whole base, revenue per
  customer;
* :func:`selection_section` -- how the segmentation was chosen
  (``segment_backtest``): usefulness (buy-again AUC) against the number of
  segments for every candidate, the deployed one starred, and the selection
  reason;
* :func:`predictions_section` -- the per-customer predictions
  (``customer_predictions``, ``customer_predictions_backtest``): how far to
  trust them in one sentence, their calibration per decile and the chance each
  segment's customers are still active.

A run whose history is too short skips the backtest: its tables are then empty
and each section says so in one sentence instead of drawing a chart.  The
predictions may be null for everyone when the model could not be fitted;
``prediction_note`` then says why, and that sentence replaces the charts.

Everything drawn is an aggregate computed in SQL (the probability boxes are
drawn from quantiles, not from customers), so the page stays small and the
same database gives the same bytes.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from segmentation.report_charts import (
    PALETTE,
    TOP_DOWN,
    TOP_LEGEND,
    _hbars,
    _layout,
    _legend_below,
    _star,
)
from segmentation.report_common import (
    ALGORITHM_NAMES,
    FEATURE_SET_NAMES,
    _algorithm_name,
    _Chart,
    _date,
    _esc,
    _int,
    _missing,
    _note,
    _num,
    _number_table,
    _pct,
    _Section,
    _text,
    _tiles,
)
from segmentation.report_data import _Segments, _Warehouse, relation

#: Div ids of this module's charts.
OUTCOMES_CHART = "chart-segment-outcomes"
BACKTEST_CHART = "chart-backtest-usefulness"
CALIBRATION_CHART = "chart-prediction-calibration"
PROBABILITY_CHART = "chart-probability-active"

#: Methods that find the number of segments themselves: drawn as points, no line.
SELF_SIZING_ALGORITHMS = frozenset({"hdbscan"})

#: Quantiles of probability_active drawn as each segment's box (whiskers, box,
#: median).
BOX_QUANTILES = (
    ("lowerfence", 0.05),
    ("q1", 0.25),
    ("median", 0.5),
    ("q3", 0.75),
    ("upperfence", 0.95),
)

#: A candidate flag a run does not record counts as this.
FLAG_DEFAULTS = {"is_eligible": True, "is_tied_with_best": False, "is_selected": False}

REFERENCE_LINE = {"dash": "dash", "color": "#1f2933", "width": 1.5}

#: How the trust note of a run that skipped its backtest begins (the reason
#: follows): customer_predictions_backtest.sql writes it.
SKIPPED_NOTE = "No backtest: "


# ------------------------------------------------------------------- helpers


def _first(frame: pd.DataFrame, column: str) -> Any:
    """The first non-missing value of ``column``, or None."""
    if column not in frame:
        return None
    values = frame[column].dropna()
    return values.iloc[0] if len(values) else None


def _window(row: Any) -> str:
    """'Customers known on <date>, what they did in the next <n> days (to <end>)'."""
    return (
        f"Customers known on {_date(row['backtest_as_of_date'])}, what they did in "
        f"the next {_int(row['backtest_horizon_days'])} days "
        f"(to {_date(row['outcome_end_date'])})."
    )


def _rounded(values: pd.Series, digits: int = 6, scale: float = 1.0) -> list[Any]:
    """Floats rounded for a stable page; missing values become null."""
    return [None if _missing(v) else round(float(v) * scale, digits) for v in values]


def _skipped_reason(wh: _Warehouse) -> str | None:
    """Why the run skipped its backtest, or None when it did not skip it.

    customer_predictions_backtest keeps its row for all customers when the run
    skips the backtest: its backtest_as_of_date is then null and its trust_note
    reads :data:`SKIPPED_NOTE` followed by the reason and a full stop.
    """
    needed = ("calibration_group", "backtest_as_of_date", "trust_note")
    if not wh.has("customer_predictions_backtest", *needed):
        return None
    rows = wh.frame(
        f"select trust_note from {relation('customer_predictions_backtest')} "
        "where calibration_group = 'all' and backtest_as_of_date is null"
    )
    note = _text(_first(rows, "trust_note"))
    if not note.startswith(SKIPPED_NOTE):
        return None
    return note.removeprefix(SKIPPED_NOTE).removesuffix(".") or None


def _no_backtest(wh: _Warehouse, what: str) -> str:
    """One sentence saying ``what`` cannot be shown because nothing was backtested."""
    sentence = f"There is no backtest in this run, so {what} cannot be shown."
    reason = _skipped_reason(wh)
    return f"{sentence} Why: {reason}." if reason else sentence


def selection_reason(wh: _Warehouse) -> str | None:
    """Why the deployed model was chosen, from segment_quality or the candidates."""
    for table, where in (
        ("segment_quality", ""),
        ("segment_model_candidates", "where is_selected "),
    ):
        needed = ("selection_reason", "is_selected") if where else ("selection_reason",)
        if wh.has(table, *needed):
            rows = wh.frame(
                f"select selection_reason from {relation(table)} {where}"
                "order by selection_reason nulls last limit 1"
            )
            if len(rows) and not _missing(rows["selection_reason"].iloc[0]):
                return str(rows["selection_reason"].iloc[0])
    return None


# ------------------------------------------------------------------ outcomes


def outcomes_section(wh: _Warehouse, segments: _Segments) -> _Section:
    """What each segment's customers did next, against all customers."""
    section = _Section(
        "outcomes",
        "What customers did next",
        "Segments that predict: the deployed model put each customer known on the "
        "backtest date in a segment, and the bars show what those customers did "
        "afterwards; the dashed line is all customers, so a bar far from it marks a "
        "segment that behaves differently.",
    )
    needed = (
        "segment_id",
        "backtest_as_of_date",
        "outcome_end_date",
        "backtest_horizon_days",
        "customers_at_backtest_date",
        "buy_again_rate",
        "revenue_per_customer",
    )
    if not wh.has("segment_outcomes", *needed):
        return section.note("What customers did next is not recorded in this run.")
    table = wh.table("segment_outcomes", "segment_id")
    if table is None or table.empty:
        return section.note(_no_backtest(wh, "what each segment's customers did next"))
    first = table.iloc[0]
    horizon = _int(first["backtest_horizon_days"])
    section.add(f'<p class="lead">{html.escape(_window(first))}</p>')
    if not table["buy_again_rate"].fillna(0).gt(0).any():
        section.note(
            "None of these customers bought again in the horizon, so no segment "
            "stands out yet."
        )

    customers = table["customers_at_backtest_date"].astype(float)
    rate = table["buy_again_rate"].astype(float)
    per_customer = table["revenue_per_customer"].astype(float)
    total = float(customers.sum())
    base_rate = _first(table, "base_buy_again_rate")
    if _missing(base_rate) and total:
        base_rate = float((rate * customers).sum()) / total
    base_revenue = float((per_customer * customers).sum()) / total if total else None
    labels = [segments.label(s) for s in table["segment_id"]]
    colors = [segments.color(s) for s in table["segment_id"]]
    shares = table["customer_share"] if "customer_share" in table else customers / total
    who = [
        f"{_int(n)} customers ({_pct(s)} of all)"
        for n, s in zip(customers, shares, strict=True)
    ]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.05,
        subplot_titles=[
            f"bought again within {horizon} days<br>"
            f"<sup>dashed: all customers, {_pct(base_rate)}</sup>",
            f"revenue per customer in those {horizon} days<br>"
            f"<sup>dashed: all customers, {_num(base_revenue, 2)}</sup>",
        ],
    )
    for col, values, scale, text, unit in (
        (1, rate, 100.0, [_pct(v) for v in rate], "%{x:.1f}% bought again"),
        (2, per_customer, 1.0, [_num(v, 2) for v in per_customer], "%{x:,.2f} each"),
    ):
        fig.add_trace(
            _hbars(
                labels,
                _rounded(values, 4, scale),
                text,
                colors,
                "%{y}<br>" + unit + "<br>%{customdata}<extra></extra>",
                cliponaxis=False,
                customdata=who,
                showlegend=False,
            ),
            row=1,
            col=col,
        )
    for col, value in (
        (1, None if _missing(base_rate) else 100.0 * float(base_rate)),
        (2, base_revenue),
    ):
        if value is not None:
            fig.add_vline(x=round(value, 4), line=REFERENCE_LINE, row=1, col=col)
    top_revenue = max(float(per_customer.max()), base_revenue or 0.0, 1.0)
    _layout(
        fig,
        160 + 56 * len(labels),
        top=70,
        yaxis=TOP_DOWN,
        xaxis={"range": [0, 118], "ticksuffix": "%"},
        xaxis2={"range": [0, top_revenue * 1.25]},
    )
    section.add(_Chart(OUTCOMES_CHART, fig))

    rows = []
    for row in table.to_dict("records"):
        lift = row.get("buy_again_lift")
        rows.append(
            [
                html.escape(segments.label(row["segment_id"])),
                _int(row["customers_at_backtest_date"]),
                _pct(row["buy_again_rate"]),
                "n/a" if _missing(lift) else f"×{float(lift):.2f}",
                _num(row.get("orders_per_customer"), 2),
                _num(row["revenue_per_customer"], 2),
                _num(row.get("revenue"), 0),
            ]
        )
    headers = [
        "Segment",
        "Customers then",
        "Bought again",
        "vs all customers",
        "Orders per customer",
        "Revenue per customer",
        "Revenue",
    ]
    return section.add(_number_table(headers, rows))


# ----------------------------------------------------------------- selection


def _candidate_hover(row: dict[str, Any]) -> str:
    status = "eligible" if bool(row.get("is_eligible")) else "not eligible"
    if bool(row.get("is_tied_with_best")):
        status += ", tied with the best"
    if bool(row.get("is_selected")):
        status += ", deployed"
    return (
        f"{html.escape(_algorithm_name(row['algorithm']))}"
        f", k = {_int(row['n_clusters'])}<br>"
        f"AUC {_num(row['backtest_auc'], 3)} ± {_num(row.get('backtest_auc_se'), 3)}"
        f"<br>{status}"
    )


def selection_section(wh: _Warehouse) -> _Section:
    """Usefulness of every candidate against k, the deployed one starred."""
    section = _Section(
        "selection",
        "How the segmentation was chosen",
        "Every candidate (a method, a number of segments k and a set of features) "
        "was fitted on the customers as they were on the backtest date and judged "
        "by how well its segments told apart who bought again afterwards: the "
        "buy-again AUC, where 0.5 is chance and 1 is perfect. Error bars are its "
        "bootstrap noise, open circles are candidates the rules exclude, and the "
        "star marks the deployed model.",
    )
    reason = selection_reason(wh)
    if reason is not None:
        section.add(f"<p><strong>Why this one:</strong> {_esc(reason)}</p>")
    needed = ("candidate_id", "algorithm", "feature_set", "n_clusters", "backtest_auc")
    if not wh.has("segment_backtest", *needed):
        return section.note(
            "The backtest of the candidates is not available in this run."
        )
    table = wh.table("segment_backtest", "candidate_id")
    if table is None or table.empty:
        return section.note(
            "No candidate was backtested in this run (the reason is above), so "
            "how useful each one was cannot be shown; the geometric metrics "
            "below chose the model instead."
        )
    for flag, default in FLAG_DEFAULTS.items():
        table[flag] = (
            table[flag].fillna(default).astype(bool) if flag in table else default
        )
    if "feature_space" not in table:
        table["feature_space"] = "scaled"
    if "backtest_auc_se" not in table:
        table["backtest_auc_se"] = None
    scaled = table[table["feature_space"].fillna("scaled") == "scaled"]
    selected = table[table["is_selected"]]
    shown = pd.concat([scaled, selected]).drop_duplicates("candidate_id")
    present = set(shown["feature_set"].astype(str))
    sets = [s for s in FEATURE_SET_NAMES if s in present]
    sets += sorted(present - set(sets))
    algorithms_present = set(shown["algorithm"].astype(str))
    algorithms = [a for a in ALGORITHM_NAMES if a in algorithms_present]
    algorithms += sorted(algorithms_present - set(algorithms))
    colors = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(algorithms)}

    fig = make_subplots(
        rows=1,
        cols=len(sets),
        shared_yaxes=True,
        horizontal_spacing=0.025,
        subplot_titles=[FEATURE_SET_NAMES.get(s, s) for s in sets],
    )
    in_legend: set[str] = set()
    for col, feature_set in enumerate(sets, start=1):
        for algorithm in algorithms:
            group = scaled[
                (scaled["feature_set"].astype(str) == feature_set)
                & (scaled["algorithm"].astype(str) == algorithm)
            ].sort_values(["n_clusters", "candidate_id"], kind="stable")
            if group.empty:
                continue
            k = group["n_clusters"].astype(int)
            # a method that finds k itself may repeat it: no line through its points
            self_sizing = algorithm in SELF_SIZING_ALGORITHMS or k.duplicated().any()
            hover = [_candidate_hover(r) for r in group.to_dict("records")]
            fig.add_trace(
                go.Scatter(
                    x=k.tolist(),
                    y=_rounded(group["backtest_auc"]),
                    error_y={
                        "type": "data",
                        "array": _rounded(group["backtest_auc_se"]),
                        "visible": True,
                        "thickness": 1,
                        "width": 3,
                    },
                    mode="markers" if self_sizing else "lines+markers",
                    name=_algorithm_name(algorithm),
                    legendgroup=algorithm,
                    showlegend=algorithm not in in_legend,
                    line={"color": colors[algorithm], "width": 1.5},
                    marker={"size": 7, "color": colors[algorithm]},
                    customdata=hover,
                    hovertemplate="%{customdata}<extra></extra>",
                ),
                row=1,
                col=col,
            )
            in_legend.add(algorithm)
            excluded = ~group["is_eligible"].to_numpy()
            if excluded.any():  # hollow markers over the candidates the rules exclude
                fig.add_trace(
                    go.Scatter(
                        x=k[excluded].tolist(),
                        y=_rounded(group["backtest_auc"][excluded]),
                        mode="markers",
                        legendgroup=algorithm,
                        showlegend=False,
                        marker={
                            "size": 7,
                            "color": "#ffffff",
                            "line": {"color": colors[algorithm], "width": 1.5},
                        },
                        customdata=[
                            h for h, e in zip(hover, excluded, strict=True) if e
                        ],
                        hovertemplate="%{customdata}<extra></extra>",
                    ),
                    row=1,
                    col=col,
                )
    for number, row in enumerate(selected.to_dict("records")):
        feature_set = _text(row["feature_set"])
        if feature_set not in sets or _missing(row["backtest_auc"]):
            continue
        col = sets.index(feature_set) + 1
        k, auc = int(row["n_clusters"]), round(float(row["backtest_auc"]), 6)
        fig.add_trace(
            _star(
                [k],
                [auc],
                18,
                name="deployed model",
                legendgroup="deployed",
                showlegend=number == 0,
                customdata=[_candidate_hover(row)],
                hovertemplate="%{customdata}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.add_annotation(
            x=k,
            y=auc,
            text=(
                f"deployed: {html.escape(_algorithm_name(row['algorithm']))}, k = {k}"
                f"<br>AUC {auc:.3f}"
            ),
            showarrow=True,
            arrowhead=0,
            ax=50,
            ay=70,
            bgcolor="rgba(255,255,255,0.9)",
            bordercolor="#000000",
            borderwidth=1,
            font={"size": 12},
            row=1,
            col=col,
        )
    fig.update_xaxes(title_text="segments (k)", dtick=1)
    fig.update_yaxes(title_text="buy-again AUC (0.5 = chance)", row=1, col=1)
    _layout(fig, 520, bottom=90, legend=_legend_below(-0.2))
    window = _window(table.iloc[0]) if "outcome_end_date" in table else ""
    return section.add(
        _Chart(BACKTEST_CHART, fig),
        f'<p class="muted">{html.escape(window)} Candidates on the scaled features '
        f"are drawn ({_int(len(scaled))} of {_int(len(table))}); each was judged on "
        f"{_int(_first(table, 'customers_evaluated'))} customers.</p>",
    )


# --------------------------------------------------------------- predictions


def _trust(wh: _Warehouse) -> tuple[str, pd.DataFrame]:
    """The trust sentence as HTML, and the calibration deciles (maybe empty)."""
    needed = (
        "calibration_group",
        "customers",
        "predicted_orders",
        "actual_orders",
        "trust_note",
    )
    if not wh.has("customer_predictions_backtest", *needed):
        return (
            _note(
                "The predictions' backtest is not in this run, so how far to "
                "trust them is not known."
            ),
            pd.DataFrame(),
        )
    table = wh.table("customer_predictions_backtest", "calibration_group")
    overall = table[table["calibration_group"] == "all"]
    note = _first(overall, "trust_note")
    sentence = (
        _text(note)
        if not _missing(note)
        else "The backtest of the predictions left no verdict in this run."
    )
    block = (
        '<p class="trust"><strong>How far to trust these predictions:</strong> '
        f"{html.escape(sentence)}</p>"
    )
    deciles = table[
        table["calibration_group"].astype(str).str.startswith("decile")
        & table["predicted_orders"].notna()
        & table["customers"].fillna(0).gt(0)
    ]
    return block, deciles.reset_index(drop=True)


def _calibration_chart(deciles: pd.DataFrame) -> go.Figure:
    customers = deciles["customers"].astype(float)
    labels = [f"{int(str(g).split()[-1])}" for g in deciles["calibration_group"]]
    labels[0] += "<br>highest"
    labels[-1] += "<br>lowest"
    fig = go.Figure()
    for column, name, color in (
        ("predicted_orders", "expected by the model", "#7b8794"),
        ("actual_orders", "actually placed", "#0072B2"),
    ):
        values = deciles[column].astype(float) / customers
        fig.add_trace(
            go.Bar(
                x=labels,
                y=_rounded(values, 4),
                name=name,
                marker={"color": color},
                customdata=[_int(n) for n in customers],
                hovertemplate="decile %{x}: %{y:.2f} orders per customer ("
                "%{customdata} customers)<extra>" + name + "</extra>",
            )
        )
    _layout(
        fig,
        420,
        top=50,
        bottom=70,
        barmode="group",
        xaxis={"title": {"text": "customers ranked by expected orders, in tenths"}},
        yaxis={"title": {"text": "orders per customer in the horizon"}},
        legend=TOP_LEGEND,
    )
    return fig


def _probability_by_segment(wh: _Warehouse) -> pd.DataFrame:
    """Per segment: customers, how many have a prediction, the box quantiles and
    the at-risk and high-value counts."""
    quantiles = ", ".join(
        f"percentile_cont({q}) within group (order by p.probability_active) as {name}"
        for name, q in BOX_QUANTILES
    )
    return wh.frame(
        "select s.segment_id, count(*) as customers, "
        "count(p.probability_active) as predicted, "
        f"avg(p.probability_active) as mean, {quantiles}, "
        "count(*) filter (where p.is_at_risk) as at_risk, "
        "count(*) filter (where p.is_high_value) as high_value "
        f"from {relation('customer_predictions')} as p "
        f"inner join {relation('customer_segments')} as s "
        "on s.customer_id = p.customer_id "
        "group by s.segment_id order by s.segment_id nulls last"
    )


def _probability_chart(boxes: pd.DataFrame, segments: _Segments) -> go.Figure:
    fig = go.Figure()
    for row in boxes.to_dict("records"):
        sid = row["segment_id"]
        label = segments.label(sid)
        fig.add_trace(
            go.Box(
                y=[label],
                orientation="h",
                name=label,
                mean=[round(float(row["mean"]), 6)],
                boxmean=True,
                marker={"color": segments.color(sid)},
                line={"color": segments.color(sid)},
                fillcolor=segments.color(sid),
                opacity=0.8,
                showlegend=False,
                hoverinfo="x",
                **{name: [round(float(row[name]), 6)] for name, _ in BOX_QUANTILES},
            )
        )
    _layout(
        fig,
        140 + 52 * len(boxes),
        top=30,
        xaxis={
            "title": {"text": "chance the customer is still active"},
            "range": [0, 1.02],
            "tickformat": ".0%",
        },
        yaxis=TOP_DOWN,
    )
    return fig


def predictions_section(wh: _Warehouse, segments: _Segments) -> _Section:
    """How far to trust the per-customer predictions, and what they say."""
    section = _Section(
        "predictions",
        "Per-customer predictions",
        "For each customer a buy-till-you-die model (BG/NBD for whether and how "
        "often they buy, Gamma-Gamma for how much) estimates the chance they are "
        "still a customer and the orders and revenue to expect; the same model "
        "fitted on the history before the backtest date says how far to trust it.",
    )
    block, deciles = _trust(wh)
    section.add(block)
    needed = (
        "customer_id",
        "prediction_horizon_days",
        "probability_active",
        "expected_orders",
        "expected_revenue",
        "is_at_risk",
        "is_high_value",
        "prediction_note",
    )
    if not wh.has("customer_predictions", *needed):
        return section.note("Per-customer predictions are not available in this run.")
    summary = wh.frame(
        "select count(*) as customers, count(probability_active) as predicted, "
        "count(*) filter (where is_at_risk) as at_risk, "
        "count(*) filter (where is_high_value) as high_value, "
        "sum(expected_orders) as expected_orders, "
        "sum(expected_revenue) as expected_revenue, "
        "max(prediction_horizon_days) as horizon, max(as_of_date) as as_of_date "
        f"from {relation('customer_predictions')}"
    ).iloc[0]
    notes = wh.frame(
        f"select distinct prediction_note from {relation('customer_predictions')} "
        "where prediction_note is not null order by 1"
    )["prediction_note"].tolist()
    if not int(summary["predicted"]):
        why = " ".join(str(n) for n in notes) or "the model could not be fitted."
        said = html.escape(why) in block  # the trust sentence may give the reason
        return section.note(
            "No customer has a prediction in this run"
            + (", for the reason above." if said else f": {why}")
        )
    horizon = _int(summary["horizon"])
    tiles = [
        (_int(summary["predicted"]), "customers with a prediction"),
        (_int(summary["at_risk"]), "at risk: valuable so far, probably lapsing"),
        (_int(summary["high_value"]), "high value: most revenue expected"),
        (_num(summary["expected_orders"], 0), f"orders expected in {horizon} days"),
        (_num(summary["expected_revenue"], 0), f"revenue expected in {horizon} days"),
    ]
    section.add(_tiles(tiles))
    for note in notes:
        section.add(f'<p class="muted"><strong>Model note:</strong> {_esc(note)}</p>')

    if len(deciles):
        section.add(
            _Chart(CALIBRATION_CHART, _calibration_chart(deciles)),
            f'<p class="muted">{html.escape(_window(deciles.iloc[0]))} Customers '
            "are ranked by the orders the model fitted before the backtest date "
            "expected of them and cut into ten equal groups (1 = most expected); a "
            "calibrated model has the two bars of each group alike.</p>",
        )
    else:
        section.note("There is no backtest of the predictions to compare, per decile.")

    if not wh.has("customer_segments", "customer_id", "segment_id"):
        return section
    boxes = _probability_by_segment(wh)
    drawn = boxes[boxes["predicted"] > 0]
    if len(drawn):
        section.add(
            f"<p><strong>Chance each segment's customers are still active</strong> "
            f"(on {_date(summary['as_of_date'])}): the box holds the middle half of "
            "the customers, the line their median, the dashed line the mean and the "
            "whiskers run from the 5th to the 95th percentile.</p>",
            _Chart(PROBABILITY_CHART, _probability_chart(drawn, segments)),
        )
    segment_columns = {"mean_probability_active", "expected_revenue"}
    by_segment = (
        wh.table("segments", "segment_id")
        if wh.has("segments", "segment_id", *segment_columns)
        else None
    )
    known = (
        {int(r["segment_id"]): r for r in by_segment.to_dict("records")}
        if by_segment is not None
        else {}
    )
    rows = []
    for row in boxes.to_dict("records"):
        sid = row["segment_id"]
        facts = {} if _missing(sid) else known.get(int(sid), {})
        rows.append(
            [
                html.escape(segments.label(sid)),
                _int(row["customers"]),
                _pct(facts.get("mean_probability_active", row["mean"])),
                _int(row["at_risk"]),
                _int(row["high_value"]),
                _num(facts.get("expected_revenue"), 0),
            ]
        )
    headers = [
        "Segment",
        "Customers",
        "Mean chance still active",
        "At risk",
        "High value",
        f"Revenue expected in {horizon} days",
    ]
    return section.add(_number_table(headers, rows))
