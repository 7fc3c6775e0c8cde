"""EXPLAIN ANALYZE a compiled dbt model (or any SQL file) against a benchmark database.

The project database of a benchmark run is attached read-only under its own name (so
the compiled SQL's ``"project"."staging"...`` references resolve) and the model is
re-created into a scratch database, so nothing of the run is modified::

    .venv/bin/python bench/explain_model.py --run /tmp/bench_runs/1m-default \\
        --model stg_shop__order_lines

``--sql FILE`` runs a hand-edited copy instead (how the fixes in RESULTS.md were
measured); ``--no-explain`` only times it. Prints wall time, peak RSS of this process
and DuckDB's operator tree with per-operator timings.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import duckdb


def _extra(node: dict) -> str:
    info = node.get("extra_info") or {}
    for key in ("Conditions", "Groups", "Projections", "Function", "Expression"):
        if key in info:
            value = info[key]
            text = " ".join(value) if isinstance(value, list) else str(value)
            return f"{key}: {' '.join(text.split())}"[:110]
    return ""


def print_tree(node: dict, min_seconds: float, depth: int = 0) -> None:
    """Operators with their own time and output rows (DuckDB JSON profile)."""
    seconds = float(node.get("timing", 0.0) or 0.0)
    if seconds >= min_seconds:
        rows = node.get("intermediate_rows", 0)
        line = f"{'  ' * depth}{node.get('name', '?')}: {seconds:.2f} s, {rows:,} rows"
        print(f"{line}  {_extra(node)}")
    for child in node.get("children", []):
        print_tree(child, min_seconds, depth + 1)


def print_profile(profile: dict, min_seconds: float) -> None:
    query, system = profile.get("query", {}), profile.get("system", {})
    gib = 1024**3
    print(
        f"cpu {query.get('cpu_time', 0):.1f} s; peak buffer memory "
        f"{system.get('peak_buffer_memory', 0) / gib:.2f} GB; spilled "
        f"{system.get('total_bytes_spilled', 0) / gib:.2f} GB; peak temp dir "
        f"{system.get('peak_temp_dir_size', 0) / gib:.2f} GB"
    )
    print(f"operators taking >= {min_seconds} s (summed over threads):")
    for node in profile.get("operator", []):
        print_tree(node, min_seconds)


def find_compiled(target: Path, model: str) -> Path:
    hits = sorted((target / "compiled").rglob(f"{model}.sql"))
    hits = [h for h in hits if "/models/" in str(h) and ".yml" not in str(h)]
    if not hits:
        raise SystemExit(f"no compiled SQL for {model} under {target}/compiled")
    return hits[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", required=True, help="a bench run directory")
    parser.add_argument("--model", help="model name (compiled SQL from the run)")
    parser.add_argument("--sql", help="a SQL file to run instead of the model")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--scratch", default="/tmp/bench_scratch.duckdb")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--setting", nargs="*", default=[], help="extra SET k=v")
    parser.add_argument(
        "--compare",
        help="table of the run to compare with, e.g. staging.stg_shop__order_lines: "
        "row count and an order-independent checksum of every row must match",
    )
    parser.add_argument(
        "--min-seconds",
        type=float,
        default=0.05,
        help="hide operators faster than this",
    )
    args = parser.parse_args(argv)

    run = Path(args.run)
    sql_path = Path(args.sql) if args.sql else find_compiled(run / "target", args.model)
    sql = sql_path.read_text().strip().rstrip(";")
    Path(args.scratch).unlink(missing_ok=True)
    con = duckdb.connect(args.scratch)
    con.execute(f"set threads = {args.threads}")
    con.execute(f"set memory_limit = '{args.memory_limit}'")
    con.execute("set enable_progress_bar = false")
    for item in args.setting:
        key, _, value = item.partition("=")
        con.execute(f"set {key} = {value}")
    con.execute(f"attach '{run / 'project.duckdb'}' as project (read_only)")
    statement = f"create table scratch_result as {sql}"
    profile = Path(args.scratch + ".profile.json")
    started = time.perf_counter()
    cpu0 = time.process_time()
    if not args.no_explain:
        con.execute("pragma enable_profiling = 'json'")
        con.execute(f"pragma profiling_output = '{profile}'")
    con.execute(statement)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    con.execute("pragma disable_profiling")
    n = con.execute("select count(*) from scratch_result").fetchone()[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"{sql_path.name}: {wall:.2f} s wall, {cpu:.1f} s CPU, {n:,} rows, "
        f"peak RSS {peak / 1024**3:.2f} GB"
    )
    if args.compare:
        checksum = "select count(*), bit_xor(hash(t)) from {} as t"
        ours = con.execute(checksum.format("scratch_result")).fetchone()
        theirs = con.execute(checksum.format(f"project.{args.compare}")).fetchone()
        verdict = "identical" if ours == theirs else "DIFFERENT"
        print(f"compared with {args.compare}: {verdict} ({ours} vs {theirs})")
    if profile.exists():
        tree = json.loads(profile.read_text())
        print_profile(tree, args.min_seconds)
        profile.unlink()
    con.close()
    Path(args.scratch).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
