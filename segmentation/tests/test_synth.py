"""Tests of the deterministic dirty sample generator (``segmentation.synth``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from segmentation import synth

REPO_SEEDS = Path(__file__).resolve().parents[2] / "seeds"
EXTRACT = pd.Timestamp(synth.EXTRACT_DATE)
WINDOW_START = pd.Timestamp(synth.WINDOW_START)
MISSING_IDS = {"", "unknown", "null"}
SKEWED = (
    "recency_days",
    "tenure_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "mean_days_between_orders",
)


# --- staging-like cleaning, in pandas ---


def _norm(values: pd.Series) -> pd.Series:
    """Trim and lower-case text, as staging does."""
    return values.str.strip().str.lower()


def _parse_timestamps(values: pd.Series) -> pd.Series:
    """Parse ``YYYY-MM-DD HH:MM:SS`` or ``YYYY-MM-DD``; anything else becomes NaT."""
    text = values.str.strip()
    full = pd.to_datetime(text, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    return full.fillna(pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"))


def _order_problems(orders: pd.DataFrame) -> pd.DataFrame:
    """Flag every rejectable problem of each raw order line (one column per kind)."""
    amount = pd.to_numeric(orders["amount"].str.strip(), errors="coerce")
    ordered_at = _parse_timestamps(orders["ordered_at"])
    return pd.DataFrame(
        {
            "missing_customer_id": _norm(orders["customer_id"]).isin(MISSING_IDS),
            "unparseable_amount": amount.isna(),
            "non_positive_amount": amount <= 0,
            "unparseable_ordered_at": ordered_at.isna(),
            "future_ordered_at": ordered_at >= EXTRACT,
        }
    )


def _clean_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """Drop rejected and duplicate lines, parse and normalise the rest."""
    keep = ~_order_problems(orders).any(axis=1)
    clean = orders[keep].drop_duplicates().copy()
    clean["amount"] = pd.to_numeric(clean["amount"])
    clean["ordered_at"] = _parse_timestamps(clean["ordered_at"])
    for column in ("product_category", "channel", "status"):
        clean[column] = _norm(clean[column])
    return clean


def _clean_events(events: pd.DataFrame) -> pd.DataFrame:
    """Drop duplicate events and those without customer or parseable time."""
    occurred_at = _parse_timestamps(events["occurred_at"])
    keep = ~_norm(events["customer_id"]).isin(MISSING_IDS) & occurred_at.notna()
    return events[keep].drop_duplicates()


def _customer_features(sample: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per-customer behavioural features, as the dbt feature models define them.

    Single-order customers get ``mean_days_between_orders = 0``.
    """
    lines = _clean_orders(sample["raw_orders"])
    orders = lines.groupby("order_id").agg(
        customer_id=("customer_id", "first"),
        day=("ordered_at", lambda moments: moments.iloc[0].normalize()),
        channel=("channel", "first"),
        status=("status", "first"),
        value=("amount", "sum"),
    )
    valid = orders[orders["status"] != "cancelled"]
    as_of = valid["day"].max() + pd.Timedelta(days=1)
    by_customer = valid.groupby("customer_id")
    first, last = by_customer["day"].min(), by_customer["day"].max()
    features = pd.DataFrame(
        {
            "recency_days": (as_of - last).dt.days,
            "tenure_days": (as_of - first).dt.days,
            "frequency": by_customer.size(),
        }
    )
    gaps = (last - first).dt.days / (features["frequency"] - 1)
    features["mean_days_between_orders"] = gaps.where(features["frequency"] > 1, 0.0)
    completed = valid[valid["status"] == "completed"].groupby("customer_id")["value"]
    features["monetary"] = completed.sum().reindex(features.index, fill_value=0.0)
    n_completed = completed.size().reindex(features.index, fill_value=0)
    features["avg_order_value"] = (
        features["monetary"] / n_completed.where(n_completed > 0)
    ).fillna(0.0)
    valid_lines = lines[lines["order_id"].isin(valid.index)]
    shares = [
        pd.crosstab(valid_lines["customer_id"], valid_lines["product_category"])
        .reindex(columns=synth.CATEGORIES, fill_value=0)
        .pipe(lambda counts: counts.div(counts.sum(axis=1), axis=0))
        .add_prefix("category_share_"),
        pd.crosstab(valid["customer_id"], valid["channel"])
        .reindex(columns=synth.CHANNELS, fill_value=0)
        .pipe(lambda counts: counts.div(counts.sum(axis=1), axis=0))
        .add_prefix("channel_share_"),
    ]
    features = features.join(shares)
    statuses = pd.crosstab(orders["customer_id"], orders["status"]).reindex(
        index=features.index, columns=synth.STATUSES, fill_value=0
    )
    features["return_rate"] = statuses["returned"] / statuses.sum(axis=1)
    features["cancel_rate"] = statuses["cancelled"] / statuses.sum(axis=1)
    events = _clean_events(sample["raw_events"])
    counts = (
        pd.crosstab(events["customer_id"], _norm(events["event_type"]))
        .reindex(index=features.index, columns=synth.EVENT_TYPES, fill_value=0)
        .add_prefix("events_")
    )
    return features.join(counts.fillna(0))


def _scaled(features: pd.DataFrame) -> np.ndarray:
    """log1p of the skewed features and counts, then standard scaling."""
    transformed = features.astype(float).copy()
    for column in transformed.columns:
        if column in SKEWED or column.startswith("events_"):
            transformed[column] = np.log1p(transformed[column])
    return StandardScaler().fit_transform(transformed.to_numpy())


# --- fixtures ---


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return synth.generate_sample()


@pytest.fixture(scope="module")
def truth(sample: dict[str, pd.DataFrame]) -> pd.Series:
    return sample["sample_true_segments"].set_index("customer_id")["true_segment"]


@pytest.fixture(scope="module")
def features(sample: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return _customer_features(sample)


@pytest.fixture(scope="module")
def scaled(features: pd.DataFrame) -> np.ndarray:
    return _scaled(features)


# --- determinism and files ---


def test_generate_sample_is_deterministic(sample: dict[str, pd.DataFrame]) -> None:
    again = synth.generate_sample()
    assert list(again) == list(sample)
    for name, frame in sample.items():
        pd.testing.assert_frame_equal(again[name], frame)


def test_other_seed_gives_other_sample() -> None:
    first = synth.generate_sample(random_state=1, n_customers=300)
    second = synth.generate_sample(random_state=2, n_customers=300)
    assert not first["raw_orders"].equals(second["raw_orders"])


def test_write_sample_is_byte_identical(tmp_path: Path) -> None:
    first = synth.write_sample(tmp_path / "a", random_state=7, n_customers=800)
    second = synth.write_sample(tmp_path / "b", random_state=7, n_customers=800)
    assert set(first) == set(synth.COLUMNS)
    for name, path in first.items():
        assert path.name == f"{name}.csv"
        data = path.read_bytes()
        assert data == second[name].read_bytes()
        assert b"\r" not in data
        header = data.decode("utf-8").split("\n", 1)[0]
        assert header == ",".join(synth.COLUMNS[name])


def test_csv_round_trips_as_text(
    tmp_path: Path, sample: dict[str, pd.DataFrame]
) -> None:
    paths = synth.write_sample(tmp_path, n_customers=400)
    small = synth.generate_sample(n_customers=400)
    for name, path in paths.items():
        read = pd.read_csv(path, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(read, small[name], check_dtype=False)


def test_committed_seeds_match_the_generator(
    sample: dict[str, pd.DataFrame],
) -> None:
    if not (REPO_SEEDS / "raw_orders.csv").exists():
        pytest.skip("sample seeds not written yet")
    for name, frame in sample.items():
        expected = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        assert (REPO_SEEDS / f"{name}.csv").read_bytes() == expected, name


def test_cli_writes_files_and_one_summary_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = synth.main(["--out", str(tmp_path), "--seed", "3", "--customers", "300"])
    assert status == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert "raw_orders=" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{name}.csv" for name in synth.COLUMNS
    )


def test_rejects_empty_sample() -> None:
    with pytest.raises(ValueError, match="n_customers"):
        synth.generate_sample(n_customers=0)


def test_tiny_sample_still_has_every_table() -> None:
    tiny = synth.generate_sample(n_customers=30)
    assert len(tiny["sample_true_segments"]) == 30
    assert all(len(frame) > 0 for frame in tiny.values())


# --- shape ---


def test_columns_are_exact_and_text(sample: dict[str, pd.DataFrame]) -> None:
    assert set(sample) == set(synth.COLUMNS)
    for name, frame in sample.items():
        assert tuple(frame.columns) == synth.COLUMNS[name]
        assert frame.map(lambda value: isinstance(value, str)).all().all(), name


def test_row_counts(sample: dict[str, pd.DataFrame]) -> None:
    assert 55_000 <= len(sample["raw_orders"]) <= 66_000
    assert 5_000 <= len(sample["raw_customers"]) <= 5_150
    assert 30_000 <= len(sample["raw_events"]) <= 50_000
    assert 4_000 <= len(sample["raw_survey_responses"]) <= 8_000
    assert len(sample["sample_true_segments"]) == 5_000
    assert sample["sample_true_segments"]["customer_id"].is_unique


def test_segment_shares(truth: pd.Series) -> None:
    shares = truth.value_counts(normalize=True)
    expected = {segment.name: segment.share for segment in synth.SEGMENTS}
    assert set(shares.index) == set(expected)
    for name, share in expected.items():
        assert shares[name] == pytest.approx(share, abs=0.01), name


# --- orders ---


def test_order_ids_and_formats(sample: dict[str, pd.DataFrame]) -> None:
    orders = sample["raw_orders"]
    assert orders["order_id"].str.fullmatch(r"O\d{7}").all()
    assert orders["order_id"].is_monotonic_increasing
    known = orders["customer_id"].str.fullmatch(r"C\d{5}")
    assert (known | _norm(orders["customer_id"]).isin(MISSING_IDS)).all()
    clean = orders[~_order_problems(orders).any(axis=1)]
    assert clean["amount"].str.fullmatch(r"\d+\.\d{2}").all()
    assert clean["quantity"].str.fullmatch(r"[1-9]\d?").all()
    stamps = clean["ordered_at"]
    with_time = stamps.str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
    date_only = stamps.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    assert (with_time | date_only).all()
    assert 0.07 <= date_only.mean() <= 0.13


def test_order_dirt_shares(sample: dict[str, pd.DataFrame]) -> None:
    orders = sample["raw_orders"]
    problems = _order_problems(orders)
    shares = problems.mean()
    assert 0.002 <= shares["missing_customer_id"] <= 0.01
    assert 0.002 <= shares["non_positive_amount"] <= 0.01
    assert 0.001 <= shares["unparseable_amount"] <= 0.006
    assert 0.001 <= shares["unparseable_ordered_at"] <= 0.006
    assert 0.0005 <= shares["future_ordered_at"] <= 0.005
    assert 0.008 <= orders.duplicated().mean() <= 0.025
    # each rejected row carries exactly one corruption, under an order id of its own
    rejected = problems.any(axis=1)
    assert (problems.sum(axis=1) <= 1).all()
    assert not orders.loc[rejected, "order_id"].duplicated().any()
    assert (
        not orders.loc[rejected, "order_id"]
        .isin(orders.loc[~rejected, "order_id"])
        .any()
    )
    assert set(orders.loc[problems["missing_customer_id"], "customer_id"]) == {
        "",
        "unknown",
        "NULL",
    }
    assert set(orders.loc[problems["unparseable_amount"], "amount"]) == set(
        synth.BAD_AMOUNTS
    )
    future_years = orders.loc[problems["future_ordered_at"], "ordered_at"].str[:4]
    assert set(future_years) == {"2031", "2099"}


def test_stray_case_and_whitespace_normalise(sample: dict[str, pd.DataFrame]) -> None:
    orders = sample["raw_orders"]
    domains = {
        "product_category": synth.CATEGORIES,
        "channel": synth.CHANNELS,
        "status": synth.STATUSES,
    }
    messy = pd.Series(False, index=orders.index)
    for column, canonical in domains.items():
        assert set(_norm(orders[column])) == set(canonical), column
        messy |= orders[column] != _norm(orders[column])
    assert 0.02 <= messy.mean() <= 0.08


def test_order_lines_share_order_header(sample: dict[str, pd.DataFrame]) -> None:
    lines = _clean_orders(sample["raw_orders"])
    per_order = lines.groupby("order_id").agg(
        customers=("customer_id", "nunique"),
        moments=("ordered_at", "nunique"),
        channels=("channel", "nunique"),
        statuses=("status", "nunique"),
        lines=("product_category", "size"),
        categories=("product_category", "nunique"),
    )
    assert (
        (per_order[["customers", "moments", "channels", "statuses"]] == 1).all().all()
    )
    assert (per_order["categories"] == per_order["lines"]).all()
    assert per_order["lines"].between(1, 3).all()
    assert 0.09 <= (per_order["lines"] > 1).mean() <= 0.15


def test_status_shares(sample: dict[str, pd.DataFrame]) -> None:
    lines = _clean_orders(sample["raw_orders"])
    status = lines.drop_duplicates("order_id")["status"].value_counts(normalize=True)
    assert 0.02 <= status["returned"] <= 0.06
    assert 0.015 <= status["cancelled"] <= 0.05


def test_valid_orders_fill_the_window(sample: dict[str, pd.DataFrame]) -> None:
    lines = _clean_orders(sample["raw_orders"])
    assert lines["ordered_at"].min() >= WINDOW_START
    assert lines["ordered_at"].max() < EXTRACT
    valid = lines[lines["status"] != "cancelled"]
    # the dbt default as_of_date (day after the latest valid order) is the extract date
    assert valid["ordered_at"].max().normalize() == EXTRACT - pd.Timedelta(days=1)
    assert 0.5 <= valid["amount"].min() and valid["amount"].max() < 10_000


def test_orders_only_customers(
    sample: dict[str, pd.DataFrame], truth: pd.Series
) -> None:
    buyers = set(_clean_orders(sample["raw_orders"])["customer_id"])
    assert buyers == set(truth.index)
    known = set(sample["raw_customers"]["customer_id"]) - {""}
    orders_only = buyers - known
    assert 0.005 <= len(orders_only) / len(buyers) <= 0.02
    assert known <= buyers


# --- customers ---


def test_customer_dirt(sample: dict[str, pd.DataFrame]) -> None:
    customers = sample["raw_customers"]
    n = len(customers)
    assert 0.005 <= customers.duplicated().sum() / n <= 0.02
    blank = customers["customer_id"] == ""
    assert 0.001 <= blank.mean() <= 0.006
    distinct = customers[~blank].drop_duplicates()
    conflicting = distinct[distinct["customer_id"].duplicated(keep=False)]
    assert 0.005 <= conflicting["customer_id"].nunique() / n <= 0.02
    assert (conflicting.groupby("customer_id").size() == 2).all()
    for _, pair in conflicting.groupby("customer_id"):
        assert pair["email"].nunique() == 2
        assert pair["city"].nunique() == 2
        assert pair["signed_up_at"].nunique() == 2
        assert (
            pair[["birth_date", "gender", "occupation", "name"]].nunique() == 1
        ).all()


def test_customer_fields(sample: dict[str, pd.DataFrame]) -> None:
    customers = sample["raw_customers"]
    birth = customers["birth_date"]
    parsed = pd.to_datetime(birth, format="%Y-%m-%d", errors="coerce")
    assert 0.015 <= (birth == "").mean() <= 0.05
    unparseable = (birth != "") & parsed.isna()
    assert 0.001 <= unparseable.mean() <= 0.01
    assert birth[unparseable].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    age_years = (EXTRACT - parsed.dropna()).dt.days / 365.2425
    assert age_years.between(18, 86).all()
    gender = customers["gender"]
    assert set(_norm(gender)) == set(synth.GENDERS) | {""}
    assert 0.01 <= (gender == "").mean() <= 0.04
    assert (gender != _norm(gender)).mean() > 0.01
    income = customers["income"]
    assert 0.03 <= (income == "").mean() <= 0.08
    assert income[income != ""].str.fullmatch(r"\d+").all()
    assert set(customers["occupation"]) == set(synth.OCCUPATIONS)
    assert set(customers["education"]) == set(synth.EDUCATIONS)
    assert set(customers["marital_status"]) == set(synth.MARITAL_STATUSES)
    assert set(customers["country"]) == {
        "United States",
        "United Kingdom",
        "Germany",
        "Canada",
    }
    # every city lies in one region of one country
    assert (customers.groupby("city")[["country", "region"]].nunique() == 1).all().all()
    assert customers["email"].str.fullmatch(r"[a-z0-9._]+@[a-z.]+").all()
    named = customers[customers["customer_id"] != ""].drop_duplicates("customer_id")
    assert named["email"].is_unique


def test_sign_up_not_after_first_order(sample: dict[str, pd.DataFrame]) -> None:
    lines = _clean_orders(sample["raw_orders"])
    first_day = lines.groupby("customer_id")["ordered_at"].min().dt.normalize()
    customers = sample["raw_customers"]
    customers = customers[customers["customer_id"] != ""]
    signed_up = pd.to_datetime(customers["signed_up_at"], format="%Y-%m-%d")
    first = first_day.reindex(customers["customer_id"]).to_numpy()
    assert (signed_up.to_numpy() <= first).all()


# --- events and survey ---


def test_event_dirt_and_domain(sample: dict[str, pd.DataFrame]) -> None:
    events = sample["raw_events"]
    assert 0.005 <= events.duplicated().mean() <= 0.02
    assert 0.002 <= (events["customer_id"] == "").mean() <= 0.01
    unparseable = _parse_timestamps(events["occurred_at"]).isna()
    assert 0.001 <= unparseable.mean() <= 0.006
    assert set(events["event_type"]) == set(synth.EVENT_TYPES)
    clean = _clean_events(events)
    moments = _parse_timestamps(clean["occurred_at"])
    assert moments.min() >= WINDOW_START and moments.max() < EXTRACT


def test_events_follow_segments(
    sample: dict[str, pd.DataFrame], truth: pd.Series
) -> None:
    events = _clean_events(sample["raw_events"])
    counts = events.groupby("customer_id").size().reindex(truth.index, fill_value=0)
    assert 0.5 <= (counts > 0).mean() <= 0.7
    per_segment = counts.groupby(truth).mean()
    most_active = min(per_segment["champions"], per_segment["bargain_hunters"])
    assert most_active > per_segment.drop(["champions", "bargain_hunters"]).max()
    assert (
        per_segment["hibernating_big_spenders"]
        < per_segment.drop("hibernating_big_spenders").min()
    )


def test_survey(sample: dict[str, pd.DataFrame], truth: pd.Series) -> None:
    survey = sample["raw_survey_responses"]
    assert 0.005 <= survey.duplicated().mean() <= 0.02
    assert 0 < (survey["customer_id"] == "").sum() <= 0.01 * len(survey)
    assert 0 < (survey["value"] == "").sum() <= 0.01 * len(survey)
    answered = survey[(survey["customer_id"] != "") & (survey["value"] != "")]
    answered = answered.drop_duplicates()
    domains = {
        "interest": set(synth.INTERESTS),
        "price_sensitivity": set(synth.PRICE_SENSITIVITIES),
        "preferred_contact": set(synth.CONTACT_PREFERENCES),
    }
    assert set(answered["attribute"]) == set(domains)
    for attribute, values in domains.items():
        assert set(answered.loc[answered["attribute"] == attribute, "value"]) == values
    respondents = answered["customer_id"].nunique()
    assert 0.25 <= respondents / len(truth) <= 0.35
    interests = answered[answered["attribute"] == "interest"].groupby("customer_id")
    assert interests.size().between(1, 3).all()


# --- planted segments ---


def test_planted_behaviour(features: pd.DataFrame, truth: pd.Series) -> None:
    medians = features.groupby(truth.reindex(features.index)).median()
    assert medians.loc["champions", "recency_days"] <= 30
    assert medians.loc["champions", "frequency"] >= 20
    assert medians.loc["champions", "avg_order_value"] == pytest.approx(150, rel=0.25)
    assert medians.loc["loyal", "frequency"] >= 11
    assert medians.loc["loyal", "avg_order_value"] == pytest.approx(60, rel=0.25)
    assert medians.loc["new", "tenure_days"] <= 90
    assert medians.loc["at_risk", "recency_days"] == pytest.approx(350, abs=60)
    assert medians.loc["hibernating_big_spenders", "recency_days"] >= 550
    assert medians.loc["hibernating_big_spenders", "avg_order_value"] >= 300
    assert medians.loc["bargain_hunters", "avg_order_value"] <= 25
    assert medians.loc["bargain_hunters", "channel_share_app"] >= 0.6


def test_kmeans_recovers_planted_segments(
    features: pd.DataFrame, scaled: np.ndarray, truth: pd.Series
) -> None:
    assert len(features) == len(truth)
    labels = KMeans(6, n_init=10, random_state=0).fit_predict(scaled)
    assert adjusted_rand_score(truth.reindex(features.index), labels) >= 0.85


def test_silhouette_peaks_at_six(scaled: np.ndarray) -> None:
    silhouettes = {
        k: silhouette_score(
            scaled, KMeans(k, n_init=10, random_state=0).fit_predict(scaled)
        )
        for k in range(2, 11)
    }
    assert silhouettes[6] >= max(silhouettes.values()) - 0.005
    assert silhouettes[6] > 0.25
