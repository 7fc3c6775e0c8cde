"""The report's HTML page: style sheet, contents, sections and charts in one file.

:func:`page` lays out the title block and the sections; plotly.js is inlined
once, with the first chart, so the page needs no network.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.io as pio

from segmentation.report_charts import FONT
from segmentation.report_common import _Chart, _Section

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


def _render_chart(chart: _Chart, include_plotlyjs: bool) -> str:
    return pio.to_html(
        chart.figure,
        config=PLOTLY_CONFIG,
        include_plotlyjs=include_plotlyjs,
        full_html=False,
        div_id=chart.div_id,
        validate=True,
    )


def page(header: str, subtitle: str, sections: Sequence[_Section]) -> str:
    """The whole HTML document.

    Parameters
    ----------
    header : str
        The title block (HTML), anchored ``#run``.
    subtitle : str
        One sentence saying what the page shows (text), its meta description.
    sections : sequence of _Section
        The sections in page order; the contents list links to each.

    Returns
    -------
    str
        The page, plotly.js inlined with the first chart.
    """
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
