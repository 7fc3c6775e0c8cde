"""Tests of the buy-till-you-die continuum generator (``segmentation.continuum``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from segmentation import continuum
from segmentation.synth import CATEGORIES, CHANNELS, GENDERS

AS_OF = pd.Timestamp(continuum.AS_OF_DATE)
PARAMS = continuum.ContinuumParams()
# CDNOW estimates in weeks (Fader, Hardie & Lee 2005).
WEEKLY = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
TIMESTAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"


def _read(paths: dict[str, Path], name: str) -> pd.DataFrame:
    """Read one written table as text, blanks kept as empty strings."""
    return pd.read_csv(paths[name], dtype=str, keep_default_na=False)


def _within_standard_errors(
    observed: np.ndarray, expected: np.ndarray | float, k: float = 4.0
) -> bool:
    """Whether the mean of ``observed - expected`` is within ``k`` standard errors."""
    difference = np.asarray(observed, dtype=float) - expected
    standard_error = difference.std(ddof=1) / np.sqrt(difference.size)
    return abs(difference.mean()) < k * standard_error


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default data set (5,000 customers), written once."""
    return continuum.write_continuum(tmp_path_factory.mktemp("continuum"))


@pytest.fixture(scope="module")
def tables(written: dict[str, Path]) -> dict[str, pd.DataFrame]:
    """The written CSVs read back as text."""
    return {name: _read(written, name) for name in written if name != "parameters"}


# --- files, determinism, contract ---


def test_same_arguments_write_identical_bytes(tmp_path: Path) -> None:
    first = continuum.write_continuum(tmp_path / "a", n_customers=300, random_state=7)
    second = continuum.write_continuum(tmp_path / "b", n_customers=300, random_state=7)
    other = continuum.write_continuum(tmp_path / "c", n_customers=300, random_state=8)
    assert set(first) == {"orders", "future_orders", "customers", "truth", "parameters"}
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name
    assert first["orders"].read_bytes() != other["orders"].read_bytes()


def test_parameters_file_records_the_generation(
    written: dict[str, Path], tables: dict[str, pd.DataFrame]
) -> None:
    description = json.loads(written["parameters"].read_text(encoding="utf-8"))
    assert description["as_of_date"] == continuum.AS_OF_DATE
    assert description["time_unit"] == "days"
    assert description["params"]["alpha"] == pytest.approx(4.414 * 7)
    assert description["row_counts"] == {name: len(t) for name, t in tables.items()}


def test_orders_follow_the_input_contract(tables: dict[str, pd.DataFrame]) -> None:
    for name in ("orders", "future_orders"):
        orders = tables[name]
        assert tuple(orders.columns) == continuum.ORDER_COLUMNS
        assert orders["order_id"].str.fullmatch(r"O\d{8}").all()
        assert orders["customer_id"].str.fullmatch(r"K\d{7}").all()
        assert orders["ordered_at"].str.fullmatch(TIMESTAMP).all()
        assert orders["amount"].str.fullmatch(r"\d+\.\d{2}").all()
        assert (orders["amount"].astype(float) >= 0.01).all()
        assert set(orders["product_category"]) == set(CATEGORIES)
        assert set(orders["channel"]) == set(CHANNELS)
        assert set(orders["status"]) == {"completed"}
    both = pd.concat([tables["orders"], tables["future_orders"]], ignore_index=True)
    assert both["order_id"].is_unique
    # Order ids number all orders in time order, future ones after past ones.
    assert both["order_id"].is_monotonic_increasing
    assert both["ordered_at"].is_monotonic_increasing


def test_customers_table(tables: dict[str, pd.DataFrame]) -> None:
    customers = tables["customers"]
    assert tuple(customers.columns) == continuum.CUSTOMER_COLUMNS
    assert len(customers) == 5000 and customers["customer_id"].is_unique
    assert customers["age"].astype(int).between(18, 85).all()
    assert set(customers["gender"]) <= set(GENDERS)
    assert customers["signed_up_at"].str.fullmatch(TIMESTAMP).all()
    first_order = tables["truth"].set_index("customer_id")["first_order_at"]
    signed_up = customers.set_index("customer_id")["signed_up_at"]
    assert (signed_up <= first_order.reindex(signed_up.index)).all()


def test_every_customer_joins_with_an_order_before_as_of(
    tables: dict[str, pd.DataFrame],
) -> None:
    orders, truth = tables["orders"], tables["truth"]
    assert set(orders["customer_id"]) == set(tables["customers"]["customer_id"])
    first = orders.groupby("customer_id")["ordered_at"].min()
    assert first.to_dict() == truth.set_index("customer_id")["first_order_at"].to_dict()
    joined = pd.to_datetime(first)
    assert joined.min() >= AS_OF - pd.Timedelta(days=PARAMS.history_days)
    # Acquisition grows: more customers join in the last year than in the first.
    assert (joined >= AS_OF - pd.Timedelta(days=365)).sum() > (
        joined < AS_OF - pd.Timedelta(days=PARAMS.history_days - 365)
    ).sum()


def test_orders_are_split_at_as_of_date(tables: dict[str, pd.DataFrame]) -> None:
    past = pd.to_datetime(tables["orders"]["ordered_at"])
    future = pd.to_datetime(tables["future_orders"]["ordered_at"])
    assert past.max() < AS_OF
    assert future.min() >= AS_OF
    assert future.max() < AS_OF + pd.Timedelta(days=365)
    assert len(future) > 0


# --- truth ---


def test_truth_matches_the_future_orders(tables: dict[str, pd.DataFrame]) -> None:
    truth = tables["truth"].set_index("customer_id")
    future = tables["future_orders"].assign(
        moment=lambda frame: pd.to_datetime(frame["ordered_at"]),
        amount=lambda frame: frame["amount"].astype(float),
    )
    for horizon in continuum.HORIZONS:
        window = future[future["moment"] < AS_OF + pd.Timedelta(days=horizon)]
        grouped = window.groupby("customer_id")
        count = grouped.size().reindex(truth.index, fill_value=0)
        revenue = grouped["amount"].sum().reindex(truth.index, fill_value=0.0)
        assert (truth[f"future_orders_{horizon}d"].astype(int) == count).all()
        np.testing.assert_allclose(
            truth[f"future_revenue_{horizon}d"].astype(float), revenue, atol=1e-6
        )
    next_order = future.groupby("customer_id")["ordered_at"].min()
    expected_next = next_order.reindex(truth.index, fill_value="")
    assert (truth["next_order_at"] == expected_next).all()
    # "Bought again within H days" from next_order_at, for any H.
    bought_90 = truth["next_order_at"].ne("") & (
        pd.to_datetime(truth["next_order_at"]) < AS_OF + pd.Timedelta(days=90)
    )
    assert (bought_90 == (truth["future_orders_90d"].astype(int) > 0)).all()


def test_dropout_is_consistent_with_the_orders(tables: dict[str, pd.DataFrame]) -> None:
    truth = tables["truth"].set_index("customer_id")
    both = pd.concat([tables["orders"], tables["future_orders"]])
    last_order = both.groupby("customer_id")["ordered_at"].max()
    dropped = truth["dropped_out_at"] != ""
    # A customer drops out right after an order and never orders again.
    assert (truth.loc[dropped, "dropped_out_at"] == last_order[dropped]).all()
    alive = truth["is_alive_at_as_of"] == "true"
    assert set(truth["is_alive_at_as_of"]) == {"true", "false"}
    dropped_before = dropped & (
        pd.to_datetime(truth["dropped_out_at"].replace("", None)) < AS_OF
    )
    assert (alive == ~dropped_before).all()
    assert (truth.loc[~alive, "future_orders_365d"] == "0").all()
    assert (truth.loc[~alive, "expected_orders_365d"].astype(float) == 0).all()


def test_expected_future_orders_match_the_realised_ones(
    tables: dict[str, pd.DataFrame],
) -> None:
    truth = tables["truth"]
    for horizon in continuum.HORIZONS:
        realised = truth[f"future_orders_{horizon}d"].astype(float).to_numpy()
        expected = truth[f"expected_orders_{horizon}d"].astype(float).to_numpy()
        assert _within_standard_errors(realised, expected)
    # The truth is informative: customers alive at as_of buy far more often.
    bought = truth["future_orders_365d"].astype(int) > 0
    alive = truth["is_alive_at_as_of"] == "true"
    assert bought[alive].mean() > 0.3 > bought[~alive].mean() == 0


def test_true_parameters_follow_their_distributions(
    tables: dict[str, pd.DataFrame],
) -> None:
    truth = tables["truth"]
    rate = truth["purchase_rate_per_day"].astype(float)
    dropout = truth["dropout_probability"].astype(float)
    nu = PARAMS.spend_p / truth["expected_order_value"].astype(float)
    gamma_rate = stats.gamma(PARAMS.r, scale=1 / PARAMS.alpha)
    assert stats.kstest(rate, gamma_rate.cdf).pvalue > 0.001
    assert stats.kstest(dropout, stats.beta(PARAMS.a, PARAMS.b).cdf).pvalue > 0.001
    spend_rate = stats.gamma(PARAMS.spend_q, scale=1 / PARAMS.spend_v)
    assert stats.kstest(nu, spend_rate.cdf).pvalue > 0.001


# --- the population follows BG/NBD and Gamma-Gamma ---


def test_data_set_summary_matches_bgnbd_theory(
    tables: dict[str, pd.DataFrame],
) -> None:
    summary = continuum.summarise_orders(tables["orders"], continuum.AS_OF_DATE)
    assert len(summary) == 5000
    age = summary["T"].to_numpy()
    expected = continuum.expected_repeat_purchases(
        age, PARAMS.r, PARAMS.alpha, PARAMS.a, PARAMS.b
    )
    assert _within_standard_errors(summary["frequency"].to_numpy(), expected)
    # Nobody drops out after the first order: P(X(T) = 0) = (alpha / (alpha + T))^r.
    no_repeat = (PARAMS.alpha / (PARAMS.alpha + age)) ** PARAMS.r
    assert _within_standard_errors(summary["frequency"].to_numpy() == 0, no_repeat)


def test_order_values_match_gamma_gamma_theory(
    tables: dict[str, pd.DataFrame],
) -> None:
    amounts = tables["orders"]["amount"].astype(float).to_numpy()
    mean = PARAMS.spend_p * PARAMS.spend_v / (PARAMS.spend_q - 1)
    assert abs(amounts.mean() / mean - 1) < 0.05


def test_simulate_bgnbd_matches_theory() -> None:
    sample = continuum.simulate_bgnbd(
        100_000, T=39.0, rng=np.random.default_rng(0), **WEEKLY
    )
    summary = sample.summary()
    frequency = summary["frequency"].to_numpy()
    expected = continuum.expected_repeat_purchases(39.0, **WEEKLY)
    assert expected == pytest.approx(1.197, abs=1e-3)
    assert _within_standard_errors(frequency, expected)
    no_repeat = (WEEKLY["alpha"] / (WEEKLY["alpha"] + 39.0)) ** WEEKLY["r"]
    assert _within_standard_errors(frequency == 0, no_repeat)
    assert (summary["recency"] <= summary["T"]).all()
    assert (summary.loc[frequency == 0, "recency"] == 0).all()
    # Dead customers stopped at their last purchase; alive ones ran to T.
    dead = ~sample.is_alive
    assert np.array_equal(sample.dropout_time[dead], summary["recency"][dead])
    assert not dead[frequency == 0].any()


def test_simulate_bgnbd_windows_per_customer() -> None:
    window = np.array([0.0, 1.0, 500.0])
    sample = continuum.simulate_bgnbd(
        3, 5.0, 1.0, 1.0, 1e6, window, np.random.default_rng(3)
    )
    summary = sample.summary()
    assert summary["T"].tolist() == window.tolist()
    assert summary["frequency"].iloc[0] == 0
    assert (summary["recency"] <= window).all()
    assert summary["frequency"].iloc[2] > summary["frequency"].iloc[1]


def test_simulate_gamma_gamma_matches_theory() -> None:
    rng = np.random.default_rng(1)
    frequency = rng.integers(0, 6, size=50_000)
    nu, value = continuum.simulate_gamma_gamma(frequency, 6.25, 3.74, 15.44, rng)
    assert (value[frequency == 0] == 0).all() and (value[frequency > 0] > 0).all()
    # E[mean value | nu] = p / nu, whatever the number of orders.
    bought = frequency > 0
    assert _within_standard_errors(value[bought], 6.25 / nu[bought])
    assert _within_standard_errors(value[bought], 6.25 * 15.44 / 2.74)
    assert stats.kstest(nu, stats.gamma(3.74, scale=1 / 15.44).cdf).pvalue > 0.001


def test_demographics_are_mildly_tied_to_behaviour(
    tables: dict[str, pd.DataFrame],
) -> None:
    customers = tables["customers"].set_index("customer_id")
    truth = tables["truth"].set_index("customer_id")
    age = customers["age"].astype(int)
    value = truth["expected_order_value"].astype(float)
    correlation = stats.spearmanr(age, value.reindex(age.index)).statistic
    assert 0.1 < correlation < 0.5


# --- summaries ---


def test_summarise_orders_conventions() -> None:
    orders = pd.DataFrame(
        {
            "customer_id": ["K2", "K1", "K1", "K1", "K1"],
            "ordered_at": [
                "2026-06-17 00:00:00",
                "2026-06-03 00:00:00",
                "2026-06-03 00:00:00",
                "2026-05-20 00:00:00",
                "2026-07-01 00:00:00",
            ],
            "amount": ["5.00", "20.00", "40.00", "100.00", "999.00"],
        }
    )
    days = continuum.summarise_orders(orders, "2026-07-01")
    assert days.index.tolist() == ["K1", "K2"]
    # K1: first order 42 days before as_of, two repeats (same day) 14 days later;
    # the order on as_of_date is not counted.
    assert days.loc["K1"].tolist() == [2.0, 14.0, 42.0, 30.0]
    assert days.loc["K2"].tolist() == [0.0, 0.0, 14.0, 0.0]
    weeks = continuum.summarise_orders(orders, "2026-07-01", unit="weeks")
    assert weeks.loc["K1"].tolist() == [2.0, 2.0, 6.0, 30.0]
    with pytest.raises(ValueError, match="unit"):
        continuum.summarise_orders(orders, unit="months")


def test_summarise_purchases_counts_repeats_from_the_first() -> None:
    summary = continuum.summarise_purchases(
        np.array([0, 0, 2]), np.array([1.5, 4.0, 3.0]), np.array([10.0, 8.0, 3.0])
    )
    assert summary.to_numpy().tolist() == [
        [2.0, 4.0, 10.0],
        [0.0, 0.0, 8.0],
        [1.0, 3.0, 3.0],
    ]


# --- arguments and command line ---


def test_invalid_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="n_customers"):
        continuum.generate_continuum(n_customers=0)
    with pytest.raises(ValueError, match="horizons"):
        continuum.generate_continuum(n_customers=10, future_days=30, horizons=(90,))


def test_as_of_date_and_horizons_are_parameters() -> None:
    tables = continuum.generate_continuum(
        n_customers=200, as_of_date="2025-01-15", future_days=60, horizons=(7, 60)
    )
    assert tables["orders"]["ordered_at"].max() < "2025-01-15"
    assert tables["future_orders"]["ordered_at"].min() >= "2025-01-15"
    assert tables["future_orders"]["ordered_at"].max() < "2025-03-16"
    assert [c for c in tables["truth"].columns if c.startswith("future_orders")] == [
        "future_orders_7d",
        "future_orders_60d",
    ]


def test_command_line_writes_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = continuum.main(
        ["--out", str(tmp_path), "--customers", "120", "--random-state", "5"]
    )
    assert status == 0
    names = {"orders", "future_orders", "customers", "truth"}
    assert {path.name for path in tmp_path.iterdir()} == {
        *(f"{name}.csv" for name in names),
        "parameters.json",
    }
    assert "customers=120" in capsys.readouterr().out
    expected = continuum.write_continuum(tmp_path / "api", 120, 5)
    assert (tmp_path / "orders.csv").read_bytes() == expected["orders"].read_bytes()
