"""Where the time of the segment_model_candidates Python model goes.

Reads the training sample of a benchmark run (``main.segment_training_sample``), then
times :func:`segmentation.candidates.evaluate_candidates` once per algorithm family
(and the autoencoder) with the run's parameters, and runs the full evaluation under
cProfile, printing the functions with the most cumulative time::

    OMP_NUM_THREADS=1 .venv/bin/python bench/profile_candidates.py \\
        --run /tmp/bench_runs/1m-default

``--sample-size`` takes the first N rows of the sample (by customer_id hash) to show
how the cost grows with ``training_sample_size``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from pathlib import Path

import duckdb

from segmentation.candidates import evaluate_candidates

RUN_PARAMS = {
    "k_min": 2,
    "k_max": 10,
    "random_state": 42,
    "silhouette_sample_size": 5000,
    "min_segment_share": 0.02,
    "min_stability": 0.6,
}


def load_sample(run: Path, sample_size: int | None):
    con = duckdb.connect(str(run / "project.duckdb"), read_only=True)
    limit = (
        f"order by hash(customer_id) limit {int(sample_size)}" if sample_size else ""
    )
    frame = con.execute(f"select * from main.segment_training_sample {limit}").df()
    con.close()
    return frame.drop(columns=["sample_stratum"], errors="ignore")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", required=True, help="a bench run directory")
    parser.add_argument("--sample-size", type=int)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--skip-families", action="store_true")
    args = parser.parse_args(argv)
    sample = load_sample(Path(args.run), args.sample_size)
    print(f"sample: {len(sample):,} rows x {sample.shape[1] - 1} columns")

    if not args.skip_families:
        seconds = {}
        for name in ("kmeans", "gaussian_mixture", "ward", "hdbscan", "autoencoder"):
            extra = {"algorithms": [name], "include_autoencoder": False}
            if name == "autoencoder":  # needs one algorithm: k-means, subtracted below
                extra = {"algorithms": ["kmeans"], "include_autoencoder": True}
            started = time.perf_counter()
            evaluate_candidates(sample, {**RUN_PARAMS, **extra})
            seconds[name] = time.perf_counter() - started
        seconds["autoencoder"] -= seconds["kmeans"]
        for name, value in seconds.items():
            print(f"{name:>20}: {value:7.1f} s")

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    evaluate_candidates(sample, RUN_PARAMS)
    profiler.disable()
    print(
        f"{'everything':>20}: {time.perf_counter() - started:7.1f} s (under cProfile)"
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
