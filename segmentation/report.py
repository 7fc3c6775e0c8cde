"""One self-contained HTML report of a segmentation run.

:func:`build_report` reads the tables a ``dbt build`` left in a DuckDB database
(read-only) and writes one HTML file a marketer can open from disk: run facts,
segment cards, sizes and revenue, what each segment's customers did next, a
profile heatmap, the RFM grid, a 2-D map of customers, the segment centroids,
the per-customer predictions and how far to trust them, how the segmentation
was chosen (usefulness on the backtest, then the geometric k-selection curves
that only break ties) and the data quality counts.  Every section carries a
one-sentence caption in plain English.

The report reads the public tables (those ``make publish`` copies for BI tools)
and, for the model's preparation and centres, two more; every table is named
through :func:`segmentation.report_data.relation`.  The modules, by concern:

* :mod:`segmentation.report_data` -- reading the tables: the resolver, the
  warehouse, the segments' labels and colours;
* :mod:`segmentation.report_common` -- formatting, HTML pieces, sections;
* :mod:`segmentation.report_charts` -- how every chart looks, shared traces;
* :mod:`segmentation.report_overview` -- run facts, segment cards, sizes;
* :mod:`segmentation.report_backtest` -- the sections judged on the backtest:
  outcomes, how the segmentation was chosen, the predictions;
* :mod:`segmentation.report_profiles` -- profiles, RFM grid, map, centroids;
* :mod:`segmentation.report_diagnostics` -- geometric metrics, data quality;
* :mod:`segmentation.report_page` -- the HTML page around the sections.

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

from collections.abc import Sequence
from pathlib import Path

import duckdb

from segmentation.publish import run_database_command
from segmentation.report_backtest import (
    BACKTEST_CHART,
    CALIBRATION_CHART,
    OUTCOMES_CHART,
    PROBABILITY_CHART,
    outcomes_section,
    predictions_section,
    selection_section,
)
from segmentation.report_data import _segment_index, _Warehouse
from segmentation.report_diagnostics import (
    DATA_QUALITY_CHART,
    K_SELECTION_CHART,
    data_quality_section,
    k_selection_section,
)
from segmentation.report_overview import (
    SIZES_CHART,
    VERSION_PACKAGES,
    cards_section,
    header_block,
    sizes_section,
)
from segmentation.report_page import page
from segmentation.report_profiles import (
    CENTROIDS_CHART,
    MAP_CHART,
    PROFILES_CHART,
    RFM_CHART,
    centroids_section,
    map_section,
    profiles_section,
    rfm_section,
)

__all__ = [
    "CHART_IDS",
    "DEFAULT_DATABASE",
    "DEFAULT_OUTPUT",
    "VERSION_PACKAGES",
    "build_report",
    "main",
    "render_report",
]

DEFAULT_DATABASE = "segmentation.duckdb"
DEFAULT_OUTPUT = "reports/segment_report.html"

#: Div ids of the charts, in page order (a run lacking data omits some).
CHART_IDS = (
    SIZES_CHART,
    OUTCOMES_CHART,
    PROFILES_CHART,
    RFM_CHART,
    MAP_CHART,
    CENTROIDS_CHART,
    CALIBRATION_CHART,
    PROBABILITY_CHART,
    BACKTEST_CHART,
    K_SELECTION_CHART,
    DATA_QUALITY_CHART,
)


def render_report(con: duckdb.DuckDBPyConnection) -> str:
    """The report page for the tables behind ``con``, as an HTML string."""
    wh = _Warehouse(con)
    segments = _segment_index(wh)
    header, subtitle = header_block(wh, segments)
    sections = [
        cards_section(wh, segments),
        sizes_section(wh, segments),
        outcomes_section(wh, segments),
        profiles_section(wh, segments),
        rfm_section(wh),
        map_section(wh, segments),
        centroids_section(wh, segments),
        predictions_section(wh, segments),
        selection_section(wh),
        k_selection_section(wh),
        data_quality_section(wh),
    ]
    return page(header, subtitle, sections)


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
        html = render_report(con)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8", newline="\n")
    return output


def main(argv: Sequence[str] | None = None) -> int:
    return run_database_command(
        argv,
        build_report,
        prog="python -m segmentation.report",
        description="Write a self-contained HTML report of a segmentation run.",
        default_database=DEFAULT_DATABASE,
        default_output=DEFAULT_OUTPUT,
        output_help="HTML file to write",
        done="wrote",
    )


if __name__ == "__main__":
    raise SystemExit(main())
