"""The HTML report: built from a real dbt run, offline, deterministic, and drawn.

One bundled-sample build is shared by the tests of this module (session fixture);
the orders-only test builds its own. The browser test needs headless Chromium
(`apt-get install -y chromium`) and fails, with that hint, when it is missing.
It also saves the screenshot the README shows: docs/report_screenshot.png.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from segmentation import report
from segmentation.tests import browser
from segmentation.tests.dbt_helpers import PROJECT_DIR, DbtRun

SCREENSHOT = PROJECT_DIR / "docs" / "report_screenshot.png"
REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CHART_DIV = re.compile(r'<div id="([^"]+)" class="plotly-graph-div"')


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
    # run facts: the data window, the selected model and the software versions
    (first, last), (algorithm, k, recovery) = sample_run.query(
        "select first_order_date, last_order_date from intermediate.int_run_parameters"
    ) + sample_run.query(
        "select algorithm, n_clusters, planted_segment_recovery "
        "from main.segment_quality"
    )
    assert f"{first} to {last}" in page
    assert f"{report.ALGORITHM_NAMES[algorithm]} on " in page
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
    assert _charts(page) == list(report.CHART_IDS)
    for anchor in ("segments", "sizes", "profiles", "rfm", "map", "centroids"):
        assert f'<section id="{anchor}">' in page
        assert f'href="#{anchor}"' in page


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


def test_cli_reports_a_missing_database(tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    code = report.main(
        ["--database", str(tmp_path / "nope.duckdb"), "--output", str(output)]
    )
    assert code == 1
    assert not output.exists()


# Tables a reduced run keeps: no candidates, centroids, rules, data quality or
# run parameters; segment_quality without the label-recovery column.
KEPT_TABLES = (
    "segments",
    "segment_profiles",
    "rfm_scores",
    "customer_segments",
    "customer_features",
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
    # without run parameters the data window comes from customer_features
    assert re.search(r"<dd>\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d</dd>", page)


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
    for chart in seen.charts:
        assert chart["plotted"], chart
        assert chart["main_svgs"] >= 1, chart
        assert chart["traces"] >= 1 and chart["drawn"] >= 1, chart
        assert 850 <= chart["width"] <= 950, chart
    assert seen.dom.count('class="main-svg"') >= len(report.CHART_IDS)


def test_screenshot_of_the_report(sample_report: Path, chromium: str) -> None:
    png = browser.screenshot(sample_report, SCREENSHOT.with_suffix(".new.png"))
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 1000 and height > 3000, (width, height)
    assert len(data) > 100_000  # a blank page compresses to a few kB
    if not SCREENSHOT.exists() or SCREENSHOT.read_bytes() != data:
        png.replace(SCREENSHOT)
    else:
        png.unlink()
