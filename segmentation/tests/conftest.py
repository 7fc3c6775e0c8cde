"""Shared fixtures: planted-cluster data sets for the segmentation tests."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

# name: (recency mean, frequency mean, avg order value, tenure mean, share)
PLANTED = {
    "champions": (8.0, 30.0, 150.0, 1100.0, 0.2),
    "regulars": (35.0, 10.0, 45.0, 700.0, 0.3),
    "new": (12.0, 1.3, 60.0, 25.0, 0.25),
    "lapsed_big_spenders": (320.0, 3.0, 400.0, 900.0, 0.25),
}


def make_blob_frame(
    n_samples: int = 600,
    centers: int = 4,
    n_features: int = 5,
    random_state: int = 12,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Well-separated Gaussian blobs as a customer table and true labels."""
    X, y = make_blobs(
        n_samples=n_samples,
        centers=centers,
        n_features=n_features,
        cluster_std=0.6,
        center_box=(-10.0, 10.0),
        random_state=random_state,
    )
    ids = [f"b{i:05d}" for i in range(n_samples)]
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(n_features)])
    frame.insert(0, "customer_id", ids)
    labels = pd.DataFrame({"customer_id": ids, "true_segment": [f"s{v}" for v in y]})
    return frame, labels


def make_customer_frame(
    n_samples: int = 800, random_state: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Realistic customer features with four planted segments.

    Columns: RFM and tenure features, cadence with NaN for one-order
    customers, category and channel shares, return rate, a near-constant
    ``currency_rate``, a near-copy ``monetary_gross`` of ``monetary`` and
    non-numeric ``gender``, ``country``, ``age_band``, ``first_order_date``.
    """
    rng = np.random.default_rng(random_state)
    names = list(PLANTED)
    shares = np.array([PLANTED[k][4] for k in names])
    segment = rng.choice(len(names), size=n_samples, p=shares / shares.sum())
    params = np.array([PLANTED[names[s]][:4] for s in segment])
    recency = rng.gamma(4.0, params[:, 0] / 4.0).round()
    frequency = 1 + rng.poisson(np.maximum(params[:, 1] - 1, 0.05))
    aov = params[:, 2] * rng.lognormal(0.0, 0.25, n_samples)
    monetary = (frequency * aov).round(2)
    tenure = np.maximum(recency + 1, params[:, 3] * rng.lognormal(0.0, 0.2, n_samples))
    cadence = np.where(frequency > 1, tenure / np.maximum(frequency - 1, 1), np.nan)
    grocery = np.clip(rng.beta(2 + 6 * (segment == 1), 4, n_samples), 0, 1)
    electronics = np.clip(
        (1 - grocery) * rng.beta(1 + 4 * (segment == 3), 3, n_samples), 0, 1
    )
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i:06d}" for i in range(n_samples)],
            "recency_days": recency,
            "frequency": frequency.astype(np.int64),
            "monetary": monetary,
            "avg_order_value": (monetary / frequency).round(2),
            "tenure_days": tenure.round(),
            "mean_days_between_orders": cadence,
            "share_grocery": grocery,
            "share_electronics": electronics,
            "channel_share_app": rng.beta(2 + 3 * (segment == 0), 2, n_samples),
            "return_rate": rng.beta(1, 20 - 10 * (segment == 3), n_samples),
            "currency_rate": np.where(rng.random(n_samples) < 0.01, 1.1, 1.0),
            "monetary_gross": (monetary * 1.19 + rng.normal(0, 0.5, n_samples)).round(
                2
            ),
            "gender": rng.choice(["f", "m", "x"], n_samples),
            "country": rng.choice(["DE", "FR", "NL"], n_samples),
            "age_band": pd.Categorical(
                rng.choice(["18-29", "30-49", "50+"], n_samples)
            ),
            "first_order_date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 700, n_samples), unit="D"),
        }
    )
    labels = pd.DataFrame(
        {
            "customer_id": frame["customer_id"],
            "true_segment": [names[s] for s in segment],
        }
    )
    return frame, labels


@pytest.fixture(scope="session")
def blobs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four well-separated blobs in five dimensions (600 rows)."""
    return make_blob_frame()


@pytest.fixture(scope="session")
def blob_array() -> tuple[np.ndarray, np.ndarray]:
    """The blob data set as a numpy matrix and its planted labels."""
    frame, labels = make_blob_frame()
    y = labels["true_segment"].str[1:].astype(int).to_numpy()
    return frame.drop(columns="customer_id").to_numpy(), y


@pytest.fixture(scope="session")
def customers() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Realistic customer feature table with planted segments (800 rows)."""
    return make_customer_frame()


@pytest.fixture
def fast_params() -> dict:
    """Parameters that keep candidate evaluation quick in tests."""
    return {"k_max": 6, "include_autoencoder": False, "stability_splits": 1}


# --- dbt builds shared by the end-to-end tests (each build is a minute or so) ---------

#: Vars for end-to-end builds that test something other than the model search
#: (refreshes, erasure, degenerate inputs): k-means only, k up to 6, fewer
#: resamples, and no bar on recovering the planted segments (a quality of the
#: search). The search itself is tested on the default settings (sample_build).
QUICK_SEARCH = {
    "segmentation_algorithms": ["kmeans"],
    "include_autoencoder": False,
    "k_max": 6,
    "stability_splits": 1,
    "backtest_bootstrap_samples": 10,
    "min_planted_segment_recovery": 0.0,
}


def assert_build_ok(run):
    """Fail with the tail of dbt's output when a dbt command did not succeed."""
    assert run.returncode == 0, run.output[-6000:]
    return run


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """`dbt build` of the bundled sample, in its own database.

    `make test` has just built the sample (every model and test) before it runs
    pytest, and says so in SEGMENTATION_SAMPLE_BUILD (``<database>:<target dir>``):
    then that build's database and manifest are copied instead of built again.
    """
    import shutil
    from pathlib import Path

    from segmentation.tests.dbt_helpers import DbtRun, run_dbt

    workdir = tmp_path_factory.mktemp("sample")
    reuse = os.environ.get("SEGMENTATION_SAMPLE_BUILD")
    if not reuse:
        return assert_build_ok(run_dbt(["build"], workdir))
    database, target = (Path(part) for part in reuse.split(":"))
    copy = DbtRun(
        0, f"(the build of {database})", workdir / "test.duckdb", workdir / "target"
    )
    shutil.copyfile(database, copy.database)
    copy.target.mkdir()
    shutil.copyfile(target / "manifest.json", copy.target / "manifest.json")
    return copy


def _shared_dir(tmp_path_factory, name: str):
    """A directory all pytest-xdist workers of this run share (their own otherwise)."""

    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp().parent / name
        shared.mkdir(exist_ok=True)
        return shared
    return tmp_path_factory.mktemp(name)


@pytest.fixture(scope="session")
def orders_only_csv(tmp_path_factory):
    """The sample's orders reduced to the four required columns."""
    import csv

    from segmentation.tests.dbt_helpers import PROJECT_DIR

    path = _shared_dir(tmp_path_factory, "orders_only") / "orders.csv"
    with open(PROJECT_DIR / "seeds" / "raw_orders.csv", newline="") as source:
        rows = list(csv.DictReader(source))
    columns = ["order_id", "customer_id", "ordered_at", "amount"]
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with open(partial, "w", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    partial.replace(path)  # identical content from every worker, replaced atomically
    return path


@pytest.fixture(scope="session")
def orders_only_build(tmp_path_factory, orders_only_csv):
    """`dbt build` on a transactions-only file (no customers, events or survey),
    built once per test run: parallel workers wait for the first one's build."""
    import json

    from filelock import FileLock

    from segmentation.tests.dbt_helpers import DbtRun, run_dbt

    workdir = _shared_dir(tmp_path_factory, "orders_only_build")
    record = workdir / "run.json"
    with FileLock(str(workdir / "build.lock")):
        if not record.exists():
            variables = {"orders_path": str(orders_only_csv)}
            run = run_dbt(["build"], workdir, variables=variables)
            record.write_text(json.dumps([run.returncode, run.output]))
    returncode, output = json.loads(record.read_text())
    run = DbtRun(returncode, output, workdir / "test.duckdb", workdir / "target")
    return assert_build_ok(run)
