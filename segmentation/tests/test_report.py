"""The HTML report: built from a real dbt run, offline, deterministic, and drawn.

One bundled-sample build is shared by the tests of this module (session fixture);
the orders-only test builds its own. The charts' numbers are read back from the
page (the data plotly is given) and compared with the tables they come from; a
copy of the sample's database with the backtest skipped and the predictions
unfitted checks that those sections turn into sentences. The browser test needs
headless Chromium (`apt-get install -y chromium`) and fails, with that hint, when
it is missing. It also takes a screenshot, in a temporary directory (`make
screenshot` refreshes the one the README shows, docs/report_screenshot.png).
"""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from segmentation import publish, report, report_backtest, report_common, report_data
from segmentation.tests import browser
from segmentation.tests.dbt_helpers import PROJECT_DIR, DbtRun

pytestmark = pytest.mark.e2e  # builds or runs the dbt project: make test, not test-fast

REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CHART_DIV = re.compile(r'<div id="([^"]+)" class="plotly-graph-div"')
NEW_PLOT = re.compile(r'Plotly\.newPlot\(\s*"([^"]+)",\s*')
#: Charts of a full run: sizes, outcomes, profiles, RFM, map, centroids,
#: calibration, probability boxes, usefulness, geometric metrics, data quality.
EXPECTED_CHARTS = 11


def _ok(run: DbtRun) -> DbtRun:
    assert run.returncode == 0, run.output[-6000:]
    return run


@pytest.fixture(scope="session")
def sample_run(sample_build: DbtRun) -> DbtRun:
    return sample_build


@pytest.fixture(scope="session")
def sample_report(sample_run: DbtRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("report") / "reports" / "segment_report.html"
    path = report.build_report(sample_run.database, output)
    assert path == output
    return path


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        return browser.find_chromium()
    except browser.ChromiumNotFound as missing:
        message = str(missing)
    pytest.fail(message, pytrace=False)


def _segment_names(database: Path) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.sql("select segment_name from main.segments order by 1").fetchall()
    return [row[0] for row in rows]


class _Resources(HTMLParser):
    """Every URL the page's own markup would load (script bodies are not markup)."""

    ATTRIBUTES = {"src", "href", "srcset", "data", "poster", "background"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in self.ATTRIBUTES and value is not None and tag != "a":
                self.urls.append((tag, value))
            if name == "style" and value:
                self.styles.append(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _charts(page: str) -> list[str]:
    return CHART_DIV.findall(page)


def _plotted(page: str, div_id: str) -> tuple[list[dict], dict]:
    """The traces and layout the page hands to plotly for one chart."""
    decoder = json.JSONDecoder()
    for match in NEW_PLOT.finditer(page):
        if match.group(1) == div_id:
            data, end = decoder.raw_decode(page, match.end())
            start = re.compile(r",\s*").match(page, end).end()
            layout, _ = decoder.raw_decode(page, start)
            return data, layout
    raise AssertionError(f"no chart {div_id} in the page")


def _values(array: Any) -> list[Any]:
    """A plotly data array as a list (plotly may pack numbers as base64)."""
    if isinstance(array, dict) and "bdata" in array:
        raw = base64.b64decode(array["bdata"])
        return np.frombuffer(raw, dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def _section(page: str, anchor: str) -> str:
    start = page.index(f'<section id="{anchor}">')
    return page[start : page.index("</section>", start)]


def test_report_is_written_with_every_segment(
    sample_run: DbtRun, sample_report: Path
) -> None:
    page = sample_report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    names = _segment_names(sample_run.database)
    assert len(names) >= 2
    for name in names:
        assert html.escape(name) in page, name
    for section in ("Run facts", "Data quality", "RFM grid", "Contents"):
        assert section in page
    # run facts: the data window (read from customer_features, checked against the
    # run's parameters), the selected model and the software versions
    (first, last), (algorithm, k, recovery) = sample_run.query(
        "select first_order_date, last_order_date from intermediate.int_run_parameters"
    ) + sample_run.query(
        "select algorithm, n_clusters, planted_segment_recovery "
        "from main.segment_quality"
    )
    assert f"{first} to {last}" in page
    assert f"{report_common.ALGORITHM_NAMES[algorithm]} on " in page
    assert f", k = {k} segments" in page
    assert recovery is not None and "Recovery of known labels" in page
    for package in report.VERSION_PACKAGES:
        assert f"{package} " in page


def test_report_needs_no_network(sample_report: Path) -> None:
    page = sample_report.read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(page)
    remote = [(tag, url) for tag, url in parser.urls if REMOTE.match(url)]
    assert remote == [], remote
    assert not [url for tag, url in parser.urls if tag in {"script", "link"}]
    for style in parser.styles:
        assert "@import" not in style and "url(" not in style, style
        assert "@font-face" not in style
    assert re.search(r"<script[^>]*\ssrc=", page) is None
    # plotly.js is inlined exactly once, before the first chart
    assert page.count("* plotly.js v") == 1
    assert page.index("* plotly.js v") < page.index('class="plotly-graph-div"')


def test_report_has_one_chart_per_section(sample_report: Path) -> None:
    page = sample_report.read_text(encoding="utf-8")
    assert len(report.CHART_IDS) == EXPECTED_CHARTS
    assert _charts(page) == list(report.CHART_IDS)
    for anchor in (
        "segments",
        "sizes",
        "outcomes",
        "profiles",
        "rfm",
        "map",
        "centroids",
        "predictions",
        "selection",
        "k-selection",
        "data-quality",
    ):
        assert f'<section id="{anchor}">' in page
        assert f'href="#{anchor}"' in page


def test_outcomes_chart_draws_each_segments_future_against_the_base(
    sample_run: DbtRun, sample_report: Path
) -> None:
    page = sample_report.read_text(encoding="utf-8")
    rows = sample_run.query(
        "select o.segment_id, s.segment_name, o.buy_again_rate, "
        "o.revenue_per_customer, o.base_buy_again_rate, o.backtest_as_of_date, "
        "o.backtest_horizon_days, o.outcome_end_date "
        "from main.segment_outcomes as o "
        "inner join main.segments as s on s.segment_id = o.segment_id "
        "order by o.segment_id"
    )
    assert len(rows) >= 2
    _, _, _, _, base, as_of, horizon, end = rows[0]
    section = _section(page, "outcomes")
    assert (
        f"Customers known on {as_of}, what they did in the next {horizon} days "
        f"(to {end})." in section
    )
    data, layout = _plotted(page, report_backtest.OUTCOMES_CHART)
    rates, revenue = data
    assert _values(rates["y"]) == [name for _, name, *_ in rows]
    assert _values(rates["x"]) == pytest.approx([100 * r[2] for r in rows], abs=1e-4)
    assert _values(revenue["x"]) == pytest.approx([r[3] for r in rows], abs=1e-4)
    # the dashed reference line sits at the base buy-again rate
    assert layout["shapes"][0]["x0"] == pytest.approx(100 * base, abs=1e-4)
    assert layout["shapes"][0]["line"]["dash"] == "dash"


def test_selection_chart_stars_the_deployed_candidate(
    sample_run: DbtRun, sample_report: Path
) -> None:
    page = sample_report.read_text(encoding="utf-8")
    (reason,) = sample_run.query("select selection_reason from main.segment_quality")[0]
    assert reason.startswith("backtest")
    assert html.escape(reason) in _section(page, "selection")
    scaled = sample_run.query(
        "select n_clusters, backtest_auc, backtest_auc_se from main.segment_backtest "
        "where feature_space = 'scaled' order by all"
    )
    (total,) = sample_run.query("select count(*) from main.segment_backtest")[0]
    assert 0 < len(scaled) < total  # the autoencoder's candidates are left out
    data, layout = _plotted(page, report_backtest.BACKTEST_CHART)
    names = set(report_common.ALGORITHM_NAMES.values())
    lines = [t for t in data if t.get("name") in names]
    drawn = sorted(
        (k, round(auc, 6), round(se, 6))
        for t in lines
        for k, auc, se in zip(
            _values(t["x"]),
            _values(t["y"]),
            _values(t["error_y"]["array"]),
            strict=True,
        )
    )
    expected = sorted((k, round(a, 6), round(s, 6)) for k, a, s in scaled)
    assert drawn == expected
    (k, auc, algorithm), *others = sample_run.query(
        "select n_clusters, backtest_auc, algorithm from main.segment_backtest "
        "where is_selected"
    )
    assert others == []
    (star,) = [t for t in data if t.get("name") == "deployed model"]
    assert star["marker"]["symbol"] == "star"
    assert (_values(star["x"]), _values(star["y"])) == ([k], [round(auc, 6)])
    (note,) = layout["annotations"][-1:]
    assert note["text"].startswith(
        f"deployed: {report_common.ALGORITHM_NAMES[algorithm]}, k = {k}"
    )
    # the geometric metrics stay, labelled as what they are now
    assert "used only to break ties" in _section(page, "k-selection")


def test_predictions_say_how_far_to_trust_them_and_draw_what_they_say(
    sample_run: DbtRun, sample_report: Path
) -> None:
    page = sample_report.read_text(encoding="utf-8")
    section = _section(page, "predictions")
    (note,) = sample_run.query(
        "select trust_note from main.customer_predictions_backtest "
        "where calibration_group = 'all'"
    )[0]
    assert note and f"{html.escape(note)}</p>" in section
    assert section.index('<p class="trust">') < section.index("plotly-graph-div")
    # calibration: orders per customer, expected and placed, per decile
    deciles = sample_run.query(
        "select customers, predicted_orders, actual_orders "
        "from main.customer_predictions_backtest "
        "where calibration_group like 'decile%' order by calibration_group"
    )
    assert len(deciles) == 10
    data, _ = _plotted(page, report_backtest.CALIBRATION_CHART)
    expected, placed = data
    assert _values(expected["y"]) == pytest.approx(
        [p / n for n, p, _ in deciles], abs=1e-4
    )
    assert _values(placed["y"]) == pytest.approx(
        [a / n for n, _, a in deciles], abs=1e-4
    )
    # probability boxes: the quantiles of each segment's customers, from SQL,
    # against numpy's on the customers themselves
    customers = sample_run.query(
        "select s.segment_id, p.probability_active "
        "from main.customer_predictions as p "
        "inner join main.customer_segments as s on s.customer_id = p.customer_id"
    )
    names = dict(sample_run.query("select segment_id, segment_name from main.segments"))
    data, _ = _plotted(page, report_backtest.PROBABILITY_CHART)
    assert [t["name"] for t in data] == [names[s] for s in sorted(names)]
    for trace, segment_id in zip(data, sorted(names), strict=True):
        values = np.array([p for s, p in customers if s == segment_id])
        for key, q in report_backtest.BOX_QUANTILES:
            assert _values(trace[key])[0] == pytest.approx(
                np.quantile(values, q), abs=1e-6
            ), (segment_id, key)
    # the at-risk and high-value counts, and each card's outlook
    at_risk, high_value, horizon = sample_run.query(
        "select count(*) filter (where is_at_risk), "
        "count(*) filter (where is_high_value), max(prediction_horizon_days) "
        "from main.customer_predictions"
    )[0]
    assert at_risk > 0 and high_value > 0
    for count, label in ((at_risk, "at risk"), (high_value, "high value")):
        assert (
            f'<div class="value">{count:,}</div><div class="label">{label}' in section
        )
    assert _section(page, "segments").count(f"Next {horizon} days:") == len(names)


def test_report_is_byte_identical_when_built_twice(
    sample_run: DbtRun, sample_report: Path, tmp_path: Path
) -> None:
    again = report.build_report(sample_run.database, tmp_path / "again.html")
    assert again.read_bytes() == sample_report.read_bytes()


def test_cli_writes_the_same_report(
    sample_run: DbtRun, sample_report: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out" / "segment_report.html"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "segmentation.report",
            "--database",
            str(sample_run.database),
            "--output",
            str(output),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert str(output) in completed.stdout
    # another process (another hash seed) writes the very same bytes
    assert output.read_bytes() == sample_report.read_bytes()


def test_report_reads_public_tables_and_the_models_own_only(
    sample_run: DbtRun, sample_report: Path, tmp_path: Path
) -> None:
    """Every table goes through report_data.relation: a database holding only the
    public tables and the model's preparation and centres gives the same page."""
    tables = (*publish.PUBLIC_TABLES, *report_data.MODEL_TABLES)
    reduced = publish.publish(sample_run.database, tmp_path / "public.duckdb", tables)
    again = report.build_report(reduced, tmp_path / "public.html")
    assert again.read_bytes() == sample_report.read_bytes()
    assert report_data.relation("segments") == "main.segments"
    with pytest.raises(ValueError, match="public tables only"):
        report_data.relation("int_run_parameters")


def test_the_report_exposure_lists_every_table_the_report_reads(
    sample_run: DbtRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The segment_report exposure (dbt docs lineage) is what the report reads."""
    read: set[str] = set()
    original = report_data.relation

    def recording(table: str) -> str:
        read.add(table)
        return original(table)

    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if name.startswith("segmentation.report") and hasattr(module, "relation"):
            monkeypatch.setattr(module, "relation", recording)
    report.build_report(sample_run.database, tmp_path / "report.html")
    manifest = json.loads((sample_run.target / "manifest.json").read_text())
    (exposure,) = [
        e for e in manifest["exposures"].values() if e["name"] == "segment_report"
    ]
    declared = {node.rsplit(".", 1)[1] for node in exposure["depends_on"]["nodes"]}
    assert read == declared


def test_cli_reports_a_missing_database(tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    code = report.main(
        ["--database", str(tmp_path / "nope.duckdb"), "--output", str(output)]
    )
    assert code == 1
    assert not output.exists()


# Tables a reduced run keeps: no candidates, centroids, rules or data quality;
# segment_quality without the label-recovery column.
KEPT_TABLES = (
    "segments",
    "segment_profiles",
    "rfm_scores",
    "customer_segments",
    "customer_features",
    "segment_model_features",
    "segment_preprocessing",
)


def test_report_renders_without_optional_tables(
    sample_run: DbtRun, tmp_path: Path
) -> None:
    reduced = tmp_path / "reduced.duckdb"
    with duckdb.connect(str(reduced)) as con:
        con.execute(f"attach '{sample_run.database}' as src (read_only)")
        for table in KEPT_TABLES:
            con.execute(f"create table main.{table} as select * from src.main.{table}")
        con.execute(
            "create table main.segment_quality as select * exclude "
            "(planted_segment_recovery, labelled_customers) "
            "from src.main.segment_quality"
        )
        con.execute("alter table main.segments drop column rule_text")
        # markup in a name stays text
        con.execute(
            "update main.segments set segment_name = segment_name || ' <b>&\"x\"' "
            "where segment_id = (select min(segment_id) from main.segments)"
        )
        con.execute("detach src")
    page = report.build_report(reduced, tmp_path / "reduced.html").read_text("utf-8")
    names = _segment_names(reduced)
    assert any("<b>" in name for name in names)
    for name in names:
        assert html.escape(name) in page
    assert "<b>&" not in page
    assert _charts(page) == [
        "chart-segment-sizes",
        "chart-profile-heatmap",
        "chart-rfm-grid",
        "chart-customer-map",
    ]
    assert "Segment centroids are not available in this run." in page
    assert "Model candidates are not available in this run." in page
    assert "The data quality summary is not in this run." in page
    assert "Recovery of known labels" not in page
    # the data window comes from customer_features
    assert re.search(r"<dd>\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d</dd>", page)


SKIPPED_BECAUSE = (
    "history of 40 days is shorter than two minimum horizons of 28 days: no "
    "backtest, segments chosen by geometry alone"
)
UNFITTED_BECAUSE = (
    "Every customer has a single order (frequency = 0), so BG/NBD cannot tell the "
    "purchase rate from the dropout probability."
)


def test_report_says_why_when_nothing_could_be_backtested_or_predicted(
    sample_run: DbtRun, tmp_path: Path, chromium: str
) -> None:
    """The states a short or one-order history leaves (see
    test_degenerate_predictions): the backtest tables are empty, the selection
    reason starts with "no backtest", the predictions are null with a note."""
    database = tmp_path / "degenerate.duckdb"
    shutil.copyfile(sample_run.database, database)
    with duckdb.connect(str(database)) as con:
        for table in ("segment_backtest", "segment_outcomes"):
            con.execute(f"delete from main.{table}")
        con.execute(
            "update main.segment_quality set selection_reason = "
            "'no backtest, so chosen by geometry alone: highest silhouette'"
        )
        con.execute(
            "delete from main.customer_predictions_backtest "
            "where calibration_group <> 'all'"
        )
        # a skipped backtest leaves the row for all customers without a backtest
        # date, its trust note saying why (the report reads the reason there)
        con.execute(
            "update main.customer_predictions_backtest set predicted_orders = null, "
            "buy_again_auc = null, backtest_as_of_date = null, trust_note = ?",
            [f"No backtest: {SKIPPED_BECAUSE}."],
        )
        con.execute(
            "update main.customer_predictions set probability_active = null, "
            "expected_orders = null, expected_revenue = null, clv = null, "
            "churn_risk = null, is_at_risk = false, is_high_value = false, "
            "prediction_note = ?",
            [UNFITTED_BECAUSE],
        )
        con.execute(
            "update main.segments set mean_probability_active = null, "
            "expected_revenue = null"
        )
    output = report.build_report(database, tmp_path / "degenerate.html")
    page = output.read_text(encoding="utf-8")
    gone = {
        report_backtest.OUTCOMES_CHART,
        report_backtest.CALIBRATION_CHART,
        report_backtest.PROBABILITY_CHART,
        report_backtest.BACKTEST_CHART,
    }
    assert _charts(page) == [c for c in report.CHART_IDS if c not in gone]
    assert (
        "There is no backtest in this run, so what each segment&#x27;s customers "
        f"did next cannot be shown. Why: {SKIPPED_BECAUSE}."
    ) in _section(page, "outcomes")
    selection = _section(page, "selection")
    assert "no backtest, so chosen by geometry alone" in selection
    assert "No candidate was backtested in this run" in selection
    assert "with no backtest recorded in this run they chose the model" in (
        _section(page, "k-selection")
    )
    predictions = _section(page, "predictions")
    assert '<p class="trust">' in predictions
    assert html.escape(f"No backtest: {SKIPPED_BECAUSE}.") in predictions
    assert (
        f"No customer has a prediction in this run: {html.escape(UNFITTED_BECAUSE)}"
        in predictions
    )
    assert "Next 90 days:" not in page
    seen = browser.render(output)
    assert seen.errors == [], seen.errors
    assert [c["id"] for c in seen.charts if c["plotted"]] == _charts(page)


@pytest.fixture(scope="session")
def orders_only_run(orders_only_build: DbtRun) -> DbtRun:
    """A run on the sample's orders with the four required columns only."""
    return orders_only_build


def test_orders_only_run_gets_a_full_report(
    orders_only_run: DbtRun, tmp_path: Path, chromium: str
) -> None:
    output = report.build_report(orders_only_run.database, tmp_path / "orders.html")
    page = output.read_text(encoding="utf-8")
    for name in _segment_names(orders_only_run.database):
        assert html.escape(name) in page
    assert "category_share" not in page
    assert "Recovery of known labels" not in page
    assert _charts(page) == list(report.CHART_IDS)
    seen = browser.render(output)
    assert seen.errors == [], seen.errors
    assert [c["id"] for c in seen.charts if c["plotted"]] == list(report.CHART_IDS)


def test_chromium_draws_every_chart_without_errors(
    sample_report: Path, chromium: str
) -> None:
    seen = browser.render(sample_report)
    assert seen.probe is not None, seen.stderr[-3000:]
    assert seen.errors == [], seen.errors
    assert seen.probe["warnings"] == []
    # nothing was fetched: the page is complete on its own
    assert [url for url in seen.resources if not url.startswith("data:")] == []
    assert [c["id"] for c in seen.charts] == list(report.CHART_IDS)
    assert len(seen.charts) == EXPECTED_CHARTS
    for chart in seen.charts:
        assert chart["plotted"], chart
        assert chart["main_svgs"] >= 1, chart
        assert chart["traces"] >= 1 and chart["drawn"] >= 1, chart
        assert 850 <= chart["width"] <= 950, chart
    assert seen.dom.count('class="main-svg"') >= len(report.CHART_IDS)


def test_screenshot_of_the_report(
    sample_report: Path, chromium: str, tmp_path: Path
) -> None:
    # Tests write to temporary paths only; `make screenshot` refreshes the README's.
    png = browser.screenshot(sample_report, tmp_path / "report.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 1000 and height > 3000, (width, height)
    assert len(data) > 100_000  # a blank page compresses to a few kB
