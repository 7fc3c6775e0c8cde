"""Render a local HTML page in headless Chromium, as a person's browser would.

:func:`render` loads a copy of the page with a small probe script injected at
the top of ``<head>``; the probe collects uncaught errors, failed resource
loads, unhandled promise rejections and ``console.error`` / ``console.warn``
calls, and after the page has loaded writes them, together with a summary of
every plotly chart and every resource the page fetched, into a hidden
``<pre>`` that ``--dump-dom`` returns.  Chromium's own console log (stderr,
``--enable-logging=stderr``) is kept as a second witness.

:func:`screenshot` saves a PNG of the whole page.  Chromium is found on PATH
(``chromium``, ``chromium-browser``, ``google-chrome``) or through the
``CHROMIUM`` environment variable; when it is missing, :class:`ChromiumNotFound`
says how to install it.

By hand: ``python -m segmentation.tests.browser PAGE.html SHOT.png`` saves a
screenshot of a page and prints any error the page raised.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
INSTALL_HINT = (
    "headless Chromium is needed to render the report in a browser but was not "
    "found on PATH (looked for: " + ", ".join(CHROMIUM_NAMES) + "). Install it with "
    "`apt-get install -y chromium` (Debian/Ubuntu, as root), or point the CHROMIUM "
    "environment variable at a Chromium/Chrome binary."
)
BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
)
VIRTUAL_TIME_BUDGET_MS = 10000
TIMEOUT_S = 180
PROBE_ID = "__browser_probe"
# Chromium logs console messages as: [..:INFO:CONSOLE:12] "message", source: url (12)
CONSOLE_LINE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)?\]\s*(.*)$")

PROBE_SCRIPT = """<script>(function () {
  var report = {errors: [], warnings: []};
  function text(args) {
    return Array.prototype.map.call(args, function (a) {
      try { return (a && a.stack) ? String(a.stack) : String(a); }
      catch (e) { return "?"; }
    }).join(" ");
  }
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      report.errors.push("failed to load " + (target.src || target.href));
    } else {
      report.errors.push("uncaught: " + (event.message || "error") + " at " +
        (event.filename || "?") + ":" + (event.lineno || 0));
    }
  }, true);
  window.addEventListener("unhandledrejection", function (event) {
    report.errors.push("unhandled rejection: " + text([event.reason]));
  });
  var error = console.error, warn = console.warn;
  console.error = function () {
    report.errors.push("console.error: " + text(arguments));
    return error.apply(console, arguments);
  };
  console.warn = function () {
    report.warnings.push("console.warn: " + text(arguments));
    return warn.apply(console, arguments);
  };
  window.addEventListener("load", function () {
    setTimeout(function () {
      var charts = Array.prototype.map.call(
        document.querySelectorAll(".plotly-graph-div"), function (div) {
          return {
            id: div.id,
            plotted: div.classList.contains("js-plotly-plot"),
            main_svgs: div.querySelectorAll("svg.main-svg").length,
            traces: (div.data || []).length,
            drawn: div.querySelectorAll(
              "g.trace, g.hm, .heatmaplayer image, g.point, path.point").length,
            width: Math.round(div.getBoundingClientRect().width),
            height: Math.round(div.getBoundingClientRect().height)
          };
        });
      report.charts = charts;
      report.resources = performance.getEntriesByType("resource").map(
        function (entry) { return entry.name; });
      report.plotly = typeof window.Plotly === "object" ? window.Plotly.version : null;
      report.width = document.documentElement.scrollWidth;
      report.height = document.documentElement.scrollHeight;
      var out = document.createElement("pre");
      out.id = "%(probe)s";
      out.hidden = true;
      out.textContent = JSON.stringify(report);
      document.body.appendChild(out);
    }, 1000);
  });
})();</script>""".replace("%(probe)s", PROBE_ID)


class ChromiumNotFound(RuntimeError):
    """No Chromium binary is available; the message says how to install one."""


@dataclass
class PageRender:
    """What headless Chromium saw when it loaded a page."""

    dom: str
    stderr: str
    probe: dict[str, Any] | None
    console: list[str] = field(default_factory=list)

    @property
    def charts(self) -> list[dict[str, Any]]:
        return list((self.probe or {}).get("charts", []))

    @property
    def resources(self) -> list[str]:
        return list((self.probe or {}).get("resources", []))

    @property
    def errors(self) -> list[str]:
        """Page errors: the probe's, and error lines of Chromium's console log."""
        found = list((self.probe or {}).get("errors", []))
        if self.probe is None:
            found.append("the probe did not report: the page never finished loading")
        found += [
            f"console: {line}"
            for line in self.console
            if "Uncaught" in line or "Error" in line
        ]
        return found


def find_chromium() -> str:
    """Path of a Chromium binary, or :class:`ChromiumNotFound` with an install hint."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        path = shutil.which(configured)
        if path:
            return path
        raise ChromiumNotFound(
            f"CHROMIUM={configured!r} is not executable. " + INSTALL_HINT
        )
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise ChromiumNotFound(INSTALL_HINT)


def _run(args: list[str], workdir: Path) -> subprocess.CompletedProcess[str]:
    profile = workdir / "profile"
    profile.mkdir(exist_ok=True)
    command = [find_chromium(), *BASE_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(
        command,
        cwd=workdir,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=TIMEOUT_S,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def _inject_probe(page: str) -> str:
    match = re.search(r"<head[^>]*>", page, flags=re.IGNORECASE)
    if match is None:
        return PROBE_SCRIPT + page
    return page[: match.end()] + PROBE_SCRIPT + page[match.end() :]


def _read_probe(dom: str) -> dict[str, Any] | None:
    match = re.search(rf'<pre id="{PROBE_ID}"[^>]*>(.*?)</pre>', dom, flags=re.DOTALL)
    if match is None:
        return None
    return json.loads(html.unescape(match.group(1)))


def _console_lines(stderr: str, url: str) -> list[str]:
    lines = []
    for line in stderr.splitlines():
        match = CONSOLE_LINE.search(line)
        if match and url in line:
            lines.append(match.group(1))
    return lines


def render(
    page: str | Path,
    *,
    window: tuple[int, int] = (1000, 1200),
    budget_ms: int = VIRTUAL_TIME_BUDGET_MS,
) -> PageRender:
    """Load ``page`` (a local HTML file) with the probe and return what was seen."""
    source = Path(page).resolve()
    with tempfile.TemporaryDirectory(prefix="browser-") as tmp:
        workdir = Path(tmp)
        probed = workdir / source.name
        probed.write_text(
            _inject_probe(source.read_text(encoding="utf-8")), encoding="utf-8"
        )
        url = probed.as_uri()
        completed = _run(
            [
                "--enable-logging=stderr",
                "--v=0",
                f"--window-size={window[0]},{window[1]}",
                f"--virtual-time-budget={budget_ms}",
                "--dump-dom",
                url,
            ],
            workdir,
        )
    return PageRender(
        dom=completed.stdout,
        stderr=completed.stderr,
        probe=_read_probe(completed.stdout),
        console=_console_lines(completed.stderr, url),
    )


def screenshot(
    page: str | Path,
    png: str | Path,
    *,
    width: int = 1000,
    height: int | None = None,
    max_height: int = 16000,
    budget_ms: int = VIRTUAL_TIME_BUDGET_MS,
) -> Path:
    """Save a PNG of ``page``; with no ``height``, of the whole page."""
    source = Path(page).resolve()
    png = Path(png).resolve()
    if height is None:
        probe = render(source, window=(width, 1200), budget_ms=budget_ms).probe or {}
        height = int(probe.get("height") or 1200)
    height = max(200, min(int(height), max_height))
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="browser-") as tmp:
        workdir = Path(tmp)
        target = workdir / "page.png"
        completed = _run(
            [
                f"--window-size={width},{height}",
                f"--virtual-time-budget={budget_ms}",
                f"--screenshot={target}",
                source.as_uri(),
            ],
            workdir,
        )
        if not target.is_file():
            raise RuntimeError(
                f"Chromium wrote no screenshot:\n{completed.stderr[-3000:]}"
            )
        shutil.copyfile(target, png)
    return png


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m segmentation.tests.browser PAGE.html SHOT.png")
        return 2
    seen = render(args[0])
    for error in seen.errors:
        print(f"page error: {error}", file=sys.stderr)
    print(f"wrote {screenshot(args[0], args[1])}")
    return 1 if seen.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
