"""The sample as a whole: generate every table, write the seed CSVs, command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from segmentation.synth.customers import build_customers
from segmentation.synth.events import build_events
from segmentation.synth.orders import build_orders
from segmentation.synth.plan import draw_plan
from segmentation.synth.profiles import SEGMENT_NAMES
from segmentation.synth.survey import build_survey
from segmentation.synth.text import format_ids, write_csv_tables


def generate_sample(
    random_state: int = 42, n_customers: int = 5000
) -> dict[str, pd.DataFrame]:
    """Generate the dirty retail sample with planted segments.

    Parameters
    ----------
    random_state : int, default 42
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same sample.
    n_customers : int, default 5000
        Number of generated customers (about 12 order lines each).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``raw_orders``, ``raw_customers``, ``raw_events``, ``raw_survey_responses`` and
        ``sample_true_segments``; every column is text, in the order of :data:`COLUMNS`.

    Raises
    ------
    ValueError
        If ``n_customers`` is smaller than 1.
    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    plan_rng, orders_rng, customers_rng, events_rng, survey_rng = np.random.default_rng(
        random_state
    ).spawn(5)
    plan = draw_plan(plan_rng, n_customers)
    width = max(5, len(str(n_customers)))
    customer_ids = format_ids("C", np.arange(1, n_customers + 1), width)
    truth = pd.DataFrame(
        {
            "customer_id": customer_ids,
            "true_segment": np.array(SEGMENT_NAMES, dtype=object)[plan.segment],
        }
    )
    return {
        "raw_orders": build_orders(orders_rng, plan, customer_ids),
        "raw_customers": build_customers(customers_rng, plan, customer_ids),
        "raw_events": build_events(events_rng, plan, customer_ids),
        "raw_survey_responses": build_survey(survey_rng, plan, customer_ids),
        "sample_true_segments": truth.astype(str),
    }


def write_sample(
    out_dir: str | Path, random_state: int = 42, n_customers: int = 5000
) -> dict[str, Path]:
    """Generate the sample and write one CSV per table.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Directory to write into (created if missing).
    random_state : int, default 42
        Seed, see :func:`generate_sample`.
    n_customers : int, default 5000
        Number of customers, see :func:`generate_sample`.

    Returns
    -------
    dict of str to pathlib.Path
        Path of every written file, by table name (``<name>.csv``).
    """
    return write_csv_tables(generate_sample(random_state, n_customers), out_dir)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point: write the sample seeds and print one summary line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status, 0 on success.
    """
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.synth",
        description="Write the deterministic dirty retail sample as seed CSVs.",
    )
    parser.add_argument(
        "--out", default="seeds", help="output directory (default: seeds)"
    )
    parser.add_argument(
        "--seed", type=int, default=42, help="random seed (default: 42)"
    )
    parser.add_argument(
        "--customers",
        type=int,
        default=5000,
        help="number of customers (default: 5000)",
    )
    args = parser.parse_args(argv)
    paths = write_sample(args.out, random_state=args.seed, n_customers=args.customers)
    counts = {
        name: path.read_text(encoding="utf-8").count("\n") - 1
        for name, path in paths.items()
    }
    rows = ", ".join(f"{name}={count}" for name, count in counts.items())
    print(f"wrote {len(paths)} files to {args.out} (seed {args.seed}): {rows} rows")
    return 0
