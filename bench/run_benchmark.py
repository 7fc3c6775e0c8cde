"""Benchmark the project's full ``dbt build`` against a minimal hand-written pipeline.

For every size (number of customers) this script

1. generates the data with :mod:`segmentation.bigdata` under ``--data-dir`` unless a
   complete copy is already there (``orders.parquet``, ``customers.parquet``,
   ``true_segments.parquet``, ``manifest.json``);
2. runs ``bench/minimal_pipeline.py`` (DuckDB RFM, log + standardise, k-means on a
   200k sample, SQL assignment of every customer, result table in a DuckDB file);
3. runs the project's ``dbt build`` on the same files (``orders_path`` /
   ``customers_path`` vars), with a fresh database and target directory;

each in its own process tree, whose wall time and peak RSS (the sum over the process
and all its descendants, sampled every ``--interval`` seconds with psutil) are
recorded. The per-node breakdown comes from dbt's ``run_results.json``; for every node
the peak RSS seen while it executed is kept too.

Results accumulate in ``bench/results.json`` (one entry per size and configuration
label), and the generated part of ``bench/RESULTS.md`` (between the
``BEGIN GENERATED`` / ``END GENERATED`` markers; the hand-written findings around them
are kept) is rewritten from all entries after each run.

Usage::

    .venv/bin/python bench/run_benchmark.py --sizes 100000 1000000 10000000

Nothing here is a test: no assertion fails, the targets are reported as met or not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import psutil

from segmentation.bigdata import GENERATOR_VERSION

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
RESULTS_JSON = BENCH / "results.json"
RESULTS_MD = BENCH / "RESULTS.md"
BEGIN, END = "<!-- BEGIN GENERATED -->", "<!-- END GENERATED -->"
GB = 1024**3

# Targets from the issue (a benchmark, not a test).
TARGET_1M_RATIO = 15.0
TARGET_CHAIN_RATIO = 6.0
TARGET_PYTHON_S = 40.0
TARGET_1M_RSS_GB = 2.0
TARGET_10M_RSS_GB = 6.0
TARGET_10M_VS_1M = 11.0

# The order-line chain of the issue "Faster at scale": staging to the orders mart.
CHAIN = ("stg_shop__order_lines", "int_order_lines_validated", "int_orders", "orders")

# The minimal pipeline's limit when --memory-limit is not given (dbt then derives its
# own, 1.5GB at 20M order lines).
MINIMAL_MEMORY_LIMIT = "1.5GB"

# The Makefile exports these for every dbt run (2-core machines thrash without).
DEFAULT_ENV = ("OMP_NUM_THREADS=1", "OMP_WAIT_POLICY=passive")


def size_label(n: int) -> str:
    for unit, div in (("m", 1_000_000), ("k", 1_000)):
        if n >= div and n % div == 0:
            return f"{n // div}{unit}"
    return str(n)


def log(msg: str) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {msg}", file=sys.stderr, flush=True)


# --- measuring a process tree -------------------------------------------------------


def _tree_rss(proc: psutil.Process) -> tuple[int, dict[str, int]]:
    """Summed RSS of a process and its descendants, and RSS by process name."""
    total, by_name = 0, {}
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, {}
    for p in procs:
        try:
            rss = p.memory_info().rss
            name = p.name()
        except psutil.Error:
            continue
        total += rss
        by_name[name] = by_name.get(name, 0) + rss
    return total, by_name


def _busy_cpu_seconds() -> float:
    """CPU seconds spent by the whole machine (all cores) since boot, idle excluded."""
    t = psutil.cpu_times()
    return sum(
        getattr(t, f, 0.0)
        for f in ("user", "nice", "system", "irq", "softirq", "steal")
    )


def _dir_bytes(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def run_measured(
    cmd: list[str],
    env: dict[str, str],
    cwd: Path,
    log_path: Path,
    interval: float = 0.2,
    disk_path: Path | None = None,
) -> dict[str, object]:
    """Run a command; return wall time, peak tree RSS and an RSS timeline (and the
    peak size of ``disk_path``: database plus DuckDB spill files, every ~2 s)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    samples: list[tuple[float, int]] = []
    peak, peak_by_name, peak_at = 0, {}, 0.0
    peak_disk, last_disk = 0, 0.0
    cpu0, ru0 = _busy_cpu_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log_path, "w") as out:
        start_wall = time.time()
        start = time.perf_counter()
        popen = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=out)
        proc = psutil.Process(popen.pid)
        while popen.poll() is None:
            rss, by_name = _tree_rss(proc)
            now = time.perf_counter() - start
            samples.append((round(now, 2), rss))
            if rss > peak:
                peak, peak_by_name, peak_at = rss, by_name, now
            if disk_path is not None and now - last_disk >= 2.0:
                peak_disk, last_disk = max(peak_disk, _dir_bytes(disk_path)), now
            time.sleep(interval)
        wall = time.perf_counter() - start
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    other_cpu = max(0.0, _busy_cpu_seconds() - cpu0 - own_cpu)
    return {
        "cpu_seconds": round(own_cpu, 1),
        # CPU used by everything else on the machine meanwhile (noise indicator).
        "other_cpu_seconds": round(other_cpu, 1),
        "other_load_share": round(other_cpu / (wall * (os.cpu_count() or 1)), 3),
        "command": shlex.join(cmd),
        "returncode": popen.returncode,
        "wall_seconds": round(wall, 2),
        "peak_rss_bytes": peak,
        "peak_rss_at_seconds": round(peak_at, 2),
        "peak_rss_by_process": peak_by_name,
        "peak_disk_bytes": peak_disk if disk_path is not None else None,
        "started_at_epoch": start_wall,
        "rss_timeline": _thin(samples, 400),
        "log": str(log_path),
    }


def _thin(samples: list[tuple[float, int]], keep: int) -> list[tuple[float, int]]:
    """At most ``keep`` samples, keeping each bucket's maximum."""
    if len(samples) <= keep:
        return samples
    step = len(samples) / keep
    out = []
    for b in range(keep):
        bucket = samples[int(b * step) : int((b + 1) * step)] or samples[-1:]
        out.append(max(bucket, key=lambda s: s[1]))
    return out


# --- the three steps ----------------------------------------------------------------


def ensure_data(n: int, args: argparse.Namespace) -> dict[str, object]:
    out = Path(args.data_dir) / size_label(n)
    manifest_path = out / "manifest.json"
    names = ("orders", "customers", "true_segments")
    if manifest_path.exists() and all((out / f"{f}.parquet").exists() for f in names):
        manifest = json.loads(manifest_path.read_text())
        if (
            manifest.get("n_customers") == n
            and manifest.get("orders_per_customer") == args.orders_per_customer
            and manifest.get("seed") == args.seed
            and manifest.get("generator_version") == GENERATOR_VERSION
        ):
            log(f"data for {n:,} customers already in {out}")
            return manifest
    # Rough size check: ~11 bytes of Parquet per order line and ~14 per customer.
    need = n * (args.orders_per_customer * 11 + 14) * 1.2
    out.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(out).free
    if need > free:
        raise SystemExit(
            f"not enough disk for {n:,} customers: need ~{need / GB:.1f} "
            f"GB, {free / GB:.1f} GB free"
        )
    log(f"generating {n:,} customers x {args.orders_per_customer:g} lines into {out}")
    cmd = [
        sys.executable, "-m", "segmentation.bigdata",
        "--customers", str(n),
        "--orders-per-customer", str(args.orders_per_customer),
        "--seed", str(args.seed),
        "--out", str(out),
    ]  # fmt: skip
    measured = run_measured(cmd, dict(os.environ), REPO, out / "generate.log")
    if measured["returncode"] != 0:
        raise SystemExit(f"generation failed, see {measured['log']}")
    manifest = json.loads(manifest_path.read_text())
    manifest["generation_peak_rss_bytes"] = measured["peak_rss_bytes"]
    manifest["generation_wall_seconds"] = measured["wall_seconds"]
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def child_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    for item in args.env:
        key, _, value = item.partition("=")
        env[key] = value
    project = Path(args.project_dir).resolve()
    env["DBT_PROFILES_DIR"] = str(project)
    if project != REPO:
        # the copy's own `segmentation` package, ahead of the editable install
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(project), env.get("PYTHONPATH", "")) if p
        )
    if args.dbt_threads:
        env["DBT_THREADS"] = str(args.dbt_threads)
    env["DUCKDB_THREADS"] = str(args.duckdb_threads)
    if args.memory_limit:
        env["DUCKDB_MEMORY_LIMIT"] = args.memory_limit
    return env


def run_minimal(data: Path, work: Path, args: argparse.Namespace) -> dict[str, object]:
    steps = work / "minimal_steps.json"
    cmd = [
        sys.executable, str(BENCH / "minimal_pipeline.py"),
        "--orders", str(data / "orders.parquet"),
        "--db", str(work / "minimal.duckdb"),
        "--k", "6", "--n-init", str(args.n_init),
        "--sample-size", str(args.minimal_sample),
        "--threads", str(args.duckdb_threads),
        "--memory-limit", args.memory_limit or MINIMAL_MEMORY_LIMIT,
        "--json", str(steps),
    ]  # fmt: skip
    log(f"minimal pipeline: {shlex.join(cmd)}")
    result = run_measured(
        cmd, child_env(args), REPO, work / "minimal.log", disk_path=work
    )
    if steps.exists():
        result["steps"] = json.loads(steps.read_text())
    return result


def dbt_command(data: Path, work: Path, args: argparse.Namespace) -> list[str]:
    dbt_vars = {
        "orders_path": str(data / "orders.parquet"),
        "customers_path": str(data / "customers.parquet"),
    }
    if args.with_labels:
        dbt_vars["labels_path"] = str(data / "true_segments.parquet")
    dbt_vars.update(json.loads(args.extra_vars) if args.extra_vars else {})
    return [
        str(REPO / ".venv" / "bin" / "dbt"), "build",
        "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"),
        "--vars", json.dumps(dbt_vars),
    ]  # fmt: skip


def run_dbt(data: Path, work: Path, args: argparse.Namespace) -> dict[str, object]:
    db = work / "project.duckdb"
    for stale in (db, Path(str(db) + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(work / "target", ignore_errors=True)
    env = child_env(args)
    env["DBT_DUCKDB_PATH"] = str(db)
    cmd = dbt_command(data, work, args)
    log(f"dbt build: DBT_DUCKDB_PATH={db} {shlex.join(cmd)}")
    project = Path(args.project_dir).resolve()
    result = run_measured(cmd, env, project, work / "dbt_build.log", disk_path=work)
    result["nodes"] = node_breakdown(work / "target" / "run_results.json", result)
    result["database_bytes"] = db.stat().st_size if db.exists() else None
    return result


def _epoch(stamp: str | None) -> float | None:
    if not stamp:
        return None
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def node_breakdown(run_results: Path, measured: dict[str, object]) -> list[dict]:
    """Every node of run_results.json with its time and the peak RSS while it ran."""
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text())["results"]
    start = float(measured["started_at_epoch"])
    timeline = measured["rss_timeline"]
    nodes = []
    for r in results:
        execute = next((t for t in r.get("timing", []) if t["name"] == "execute"), {})
        t0, t1 = _epoch(execute.get("started_at")), _epoch(execute.get("completed_at"))
        peak = None
        if t0 is not None and t1 is not None:
            inside = [rss for at, rss in timeline if t0 - start <= at <= t1 - start]
            peak = max(inside) if inside else None
        nodes.append(
            {
                "node": r["unique_id"],
                "status": r["status"],
                "seconds": round(r["execution_time"], 2),
                "peak_rss_bytes": peak,
                "start_offset": round(t0 - start, 2) if t0 else None,
            }
        )
    nodes.sort(key=lambda n: -n["seconds"])
    return nodes


# --- environment and reporting ------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for pkg in ("dbt-core", "dbt-duckdb", "duckdb", "scikit-learn", "numpy", "pandas"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "absent"
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / GB, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
    }


def git_revision(project: Path = REPO) -> str:
    if project != REPO:
        return f"copy at {project}"
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "models", "macros", "segmentation"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return rev + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def gb(n: int | None) -> str:
    return "-" if n is None else f"{n / GB:.2f}"


def summarise(entry: dict[str, object]) -> dict[str, object]:
    minimal, project = entry.get("minimal"), entry.get("dbt")
    row = {
        "label": entry["label"],
        "customers": entry["customers"],
        "order_lines": entry["order_lines"],
    }
    if minimal:
        row["minimal_s"] = minimal["wall_seconds"]
        row["minimal_rss"] = minimal["peak_rss_bytes"]
    if project:
        row["dbt_s"] = project["wall_seconds"]
        row["dbt_rss"] = project["peak_rss_bytes"]
        row["dbt_rc"] = project["returncode"]
        row["dbt_cpu"] = project.get("cpu_seconds", "-")
        if "other_load_share" in project:
            row["dbt_other_load"] = f"{project['other_load_share']:.0%}"
        statuses = [n["status"] for n in project["nodes"]]
        row["dbt_failed"] = sum(s in ("error", "fail") for s in statuses)
        seconds = {n["node"]: n["seconds"] or 0 for n in project["nodes"]}
        row["chain_s"] = sum(seconds.get(f"model.segmentation.{m}", 0) for m in CHAIN)
        row["python_s"] = sum(
            seconds.get(f"model.segmentation.{m}", 0) for m in python_models()
        )
    if minimal and project:
        row["ratio"] = project["wall_seconds"] / minimal["wall_seconds"]
        row["chain_ratio"] = row["chain_s"] / minimal["wall_seconds"]
    return row


def python_models() -> list[str]:
    """The project's dbt Python models (the fits), by file name."""
    return sorted(p.stem for p in (REPO / "models").rglob("*.py"))


def table(rows: list[dict[str, object]]) -> list[str]:
    lines = [
        "| config | customers | order lines | minimal s | minimal peak RSS GB "
        "| dbt build s | dbt CPU s | dbt peak RSS GB | dbt / minimal "
        "| dbt exit (failed nodes) | other load during dbt |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        ratio = f"{r['ratio']:.1f}x" if "ratio" in r else "-"
        exit_ = f"{r['dbt_rc']} ({r['dbt_failed']})" if "dbt_rc" in r else "-"
        lines.append(
            f"| {r['label']} | {r['customers']:,} | {r['order_lines']:,} "
            f"| {r.get('minimal_s', '-')} | {gb(r.get('minimal_rss'))} "
            f"| {r.get('dbt_s', '-')} | {r.get('dbt_cpu', '-')} "
            f"| {gb(r.get('dbt_rss'))} | {ratio} | {exit_} "
            f"| {r.get('dbt_other_load', '-')} |"
        )
    return lines


def targets(entries: list[dict[str, object]]) -> list[str]:
    """The issue's targets, per configuration label that has a 1M or 10M run."""
    lines = []
    labels = sorted({e["label"] for e in entries}, key=lambda x: (x != "default", x))
    for label in labels:
        by_size = {e["customers"]: summarise(e) for e in entries if e["label"] == label}
        one, ten = by_size.get(1_000_000), by_size.get(10_000_000)
        if one and "dbt_s" in one:
            ok_m = one["dbt_rss"] < TARGET_1M_RSS_GB * GB
            ratio = (
                f"dbt build / minimal = {one['ratio']:.1f}x (target <= "
                f"{TARGET_1M_RATIO:g}x: "
                f"{'met' if one['ratio'] <= TARGET_1M_RATIO else 'NOT met'})"
                if "ratio" in one
                else "no minimal run"
            )
            chain = (
                f"; order-line chain {one['chain_s']:.0f} s = "
                f"{one['chain_ratio']:.1f}x (target <= {TARGET_CHAIN_RATIO:g}x: "
                f"{'met' if one['chain_ratio'] <= TARGET_CHAIN_RATIO else 'NOT met'})"
                if "chain_ratio" in one
                else ""
            )
            fits = (
                f"; Python fits {one['python_s']:.0f} s (target <= "
                f"{TARGET_PYTHON_S:g} s: "
                f"{'met' if one['python_s'] <= TARGET_PYTHON_S else 'NOT met'})"
            )
            lines.append(
                f"- `{label}`, 1M customers: {ratio}; peak RSS {gb(one['dbt_rss'])} GB "
                f"(target < {TARGET_1M_RSS_GB:g} GB: {'met' if ok_m else 'NOT met'})"
                + chain
                + fits
                + ("" if one["dbt_rc"] == 0 else f"; dbt exit {one['dbt_rc']}")
                + "."
            )
        if ten and "dbt_s" in ten:
            done = ten["dbt_rc"] == 0
            ok_m = ten["dbt_rss"] < TARGET_10M_RSS_GB * GB
            vs = ten["dbt_s"] / one["dbt_s"] if one and "dbt_s" in one else None
            vs_text = (
                f"{ten['dbt_s']:.0f} s = {vs:.1f}x the 1M run (target <= "
                f"{TARGET_10M_VS_1M:g}x: "
                f"{'met' if done and vs <= TARGET_10M_VS_1M else 'NOT met'})"
                if vs
                else "no 1M run with this configuration to compare"
            )
            if not done:
                lines.append(
                    f"- `{label}`, 10M customers: did NOT complete (exit "
                    f"{ten['dbt_rc']}, after {ten['dbt_s']:.0f} s; peak RSS "
                    f"{gb(ten['dbt_rss'])} GB until then): no target can be met."
                )
                continue
            lines.append(
                f"- `{label}`, 10M customers: completed (exit 0); "
                f"peak RSS {gb(ten['dbt_rss'])} GB (target < {TARGET_10M_RSS_GB:g} GB: "
                f"{'met' if ok_m else 'NOT met'}); {vs_text}."
            )
    return lines or ["- no 1M / 10M run recorded yet."]


def render(entries: list[dict[str, object]], top: int) -> str:
    entries = sorted(
        entries, key=lambda e: (e["customers"], e["label"] != "default", e["label"])
    )
    out = [BEGIN, "", "## Results (generated by bench/run_benchmark.py)", ""]
    out += table([summarise(e) for e in entries])
    out += ["", "### Targets", ""] + targets(entries)
    for e in entries:
        out += [
            "",
            f"### {size_label(e['customers'])} customers, config `{e['label']}`",
        ]
        out += ["", f"- recorded {e['recorded_at']} at revision {e['revision']}"]
        if e.get("note"):
            out += [f"- note: {e['note']}"]
        out += [f"- settings: {json.dumps(e['settings'])}"]
        if e.get("data"):
            d = e["data"]
            out += [
                f"- data: {d['files']['orders']['rows']:,} order lines "
                f"({d['files']['orders']['bytes'] / 1e6:.0f} MB), "
                f"{d['files']['customers']['rows']:,} customer rows; generated in "
                f"{d.get('generation_wall_seconds', d['seconds'])} s, peak RSS "
                f"{gb(d.get('generation_peak_rss_bytes'))} GB"
            ]
        if e.get("minimal"):
            m = e["minimal"]
            steps = m.get("steps", {}).get("timings", {})
            out += [
                f"- minimal: {m['wall_seconds']} s wall, {m.get('cpu_seconds', '?')} s "
                f"CPU (others: {m.get('other_cpu_seconds', '?')} s), peak RSS "
                f"{gb(m['peak_rss_bytes'])} GB; steps (s): "
                + ", ".join(f"{k} {v}" for k, v in steps.items())
            ]
        if e.get("dbt"):
            d = e["dbt"]
            node_sum = sum(n["seconds"] for n in d["nodes"])
            models = sum(
                n["seconds"]
                for n in d["nodes"]
                if n["node"].startswith(("model.", "seed."))
            )
            out += [
                f"- dbt build: {d['wall_seconds']} s wall (exit {d['returncode']}), "
                f"{d.get('cpu_seconds', '?')} s CPU (other processes on the machine "
                f"meanwhile: {d.get('other_cpu_seconds', '?')} s CPU), "
                f"peak RSS {gb(d['peak_rss_bytes'])} GB at "
                f"{d['peak_rss_at_seconds']} s; peak disk (database + spill) "
                f"{gb(d.get('peak_disk_bytes'))} GB; "
                f"sum of node times {node_sum:.0f} s "
                f"(models {models:.0f} s, tests {node_sum - models:.0f} s); database "
                f"{(d['database_bytes'] or 0) / 1e6:.0f} MB",
                "",
                "| node | status | seconds | share of wall "
                "| peak RSS GB while running |",
                "|---|---|---:|---:|---:|",
            ]
            for n in d["nodes"][:top]:
                out.append(
                    f"| `{n['node']}` | {n['status']} | {n['seconds']} "
                    f"| {n['seconds'] / d['wall_seconds']:.0%} "
                    f"| {gb(n['peak_rss_bytes'])} |"
                )
    m = entries[-1]["machine"] if entries else machine()
    out += [
        "",
        "### Machine",
        "",
        f"- CPU: {m['cpu']}, {m['logical_cores']} logical cores, "
        f"{m['ram_gb']} GB RAM, {m['os']}, Python {m['python']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        "",
        "### Commands",
        "",
    ]
    for cmd in dict.fromkeys(e["command"] for e in entries):
        out.append(f"    {cmd}")
    out += ["", END]
    return "\n".join(out)


def write_markdown(entries: list[dict[str, object]], top: int) -> None:
    generated = render(entries, top)
    if RESULTS_MD.exists():
        text = RESULTS_MD.read_text()
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            RESULTS_MD.write_text(head + generated + tail)
            return
        RESULTS_MD.write_text(text.rstrip() + "\n\n" + generated + "\n")
        return
    RESULTS_MD.write_text("# Benchmark results\n\n" + generated + "\n")


def print_summary(entries: list[dict[str, object]], top: int) -> None:
    print("\n".join(table([summarise(e) for e in entries])))
    for e in entries:
        if e.get("dbt"):
            print(f"\n{size_label(e['customers'])} [{e['label']}] top nodes:")
            for n in e["dbt"]["nodes"][:top]:
                print(
                    f"  {n['seconds']:8.2f}s  {gb(n['peak_rss_bytes']):>5} GB  "
                    f"{n['status']:<7} {n['node']}"
                )
    print()
    print("\n".join(targets(entries)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--orders-per-customer", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", default="/tmp/bench_data")
    parser.add_argument("--work-dir", default="/tmp/bench_runs")
    parser.add_argument(
        "--label", default="default", help="name of this configuration in results.json"
    )
    parser.add_argument(
        "--project-dir",
        default=str(REPO),
        help="dbt project to build (e.g. a patched copy; dbt and Python from this "
        "repo's .venv, the copy's segmentation package first on PYTHONPATH)",
    )
    parser.add_argument("--note", help="free text stored with the entry")
    parser.add_argument(
        "--dbt-threads",
        type=int,
        help="DBT_THREADS; by default the profile's (1: models at once share the "
        "memory limit and the cores, RESULTS.md session 7)",
    )
    parser.add_argument("--duckdb-threads", type=int, default=2)
    parser.add_argument(
        "--memory-limit",
        help="DUCKDB_MEMORY_LIMIT for both pipelines; by default dbt derives its own "
        "(macros/run/memory_limit.sql) and the minimal pipeline gets "
        + MINIMAL_MEMORY_LIMIT,
    )
    parser.add_argument(
        "--env",
        nargs="*",
        default=list(DEFAULT_ENV),
        help="KEY=VALUE set for both pipelines",
    )
    parser.add_argument("--extra-vars", help="JSON dict of extra dbt vars")
    parser.add_argument(
        "--with-labels",
        action="store_true",
        help="also pass true_segments.parquet as labels_path",
    )
    parser.add_argument("--n-init", type=int, default=3)
    parser.add_argument("--minimal-sample", type=int, default=200_000)
    parser.add_argument("--skip-minimal", action="store_true")
    parser.add_argument("--skip-dbt", action="store_true")
    parser.add_argument("--top", type=int, default=12, help="nodes in the breakdown")
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument(
        "--no-write",
        action="store_true",
        help="do not update results.json / RESULTS.md",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="run nothing: rewrite the generated block of RESULTS.md from results.json",
    )
    args = parser.parse_args(argv)
    if args.render_only:
        write_markdown(json.loads(RESULTS_JSON.read_text()), args.top)
        return 0

    command = ".venv/bin/python bench/run_benchmark.py " + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    all_entries = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else []
    this_run = []
    for n in args.sizes:
        manifest = ensure_data(n, args)
        data = Path(args.data_dir) / size_label(n)
        work = Path(args.work_dir) / f"{size_label(n)}-{args.label}"
        work.mkdir(parents=True, exist_ok=True)
        entry = {
            "label": args.label,
            "customers": n,
            "order_lines": manifest["files"]["orders"]["rows"],
            "recorded_at": dt.datetime.now().isoformat(timespec="seconds"),
            "revision": git_revision(Path(args.project_dir).resolve()),
            "command": command,
            "settings": {
                "DBT_THREADS": args.dbt_threads or "profile default (1)",
                "DUCKDB_THREADS": args.duckdb_threads,
                "DUCKDB_MEMORY_LIMIT": args.memory_limit or "derived",
                "env": args.env,
                "extra_vars": args.extra_vars,
                "with_labels": args.with_labels,
                "project_dir": args.project_dir,
            },
            "machine": machine(),
            "note": args.note,
            "data": manifest,
        }
        previous = next(
            (
                e
                for e in all_entries
                if e["customers"] == n and e["label"] == args.label
            ),
            {},
        )
        if not args.skip_minimal:
            entry["minimal"] = run_minimal(data, work, args)
            log(
                f"minimal: {entry['minimal']['wall_seconds']} s, peak "
                f"{gb(entry['minimal']['peak_rss_bytes'])} GB"
            )
        elif previous.get("minimal"):
            entry["minimal"] = previous["minimal"]
        if not args.skip_dbt:
            entry["dbt"] = run_dbt(data, work, args)
            log(
                f"dbt build: {entry['dbt']['wall_seconds']} s, peak "
                f"{gb(entry['dbt']['peak_rss_bytes'])} GB, exit "
                f"{entry['dbt']['returncode']}"
            )
        elif previous.get("dbt"):
            entry["dbt"] = previous["dbt"]
        this_run.append(entry)
        if not args.no_write:
            all_entries = [
                e for e in all_entries
                if not (e["customers"] == n and e["label"] == args.label)
            ] + [entry]  # fmt: skip
            RESULTS_JSON.write_text(json.dumps(all_entries, indent=1) + "\n")
            write_markdown(all_entries, args.top)
    print_summary(this_run, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
