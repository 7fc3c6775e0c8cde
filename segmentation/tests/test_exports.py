"""Export variants: each file reads back to the same orders as the clean one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from segmentation.exports import (
    COLUMNS,
    SPREADSHEET_COLUMNS,
    base_orders,
    main,
    refunds_by_customer,
    write_variants,
)
from segmentation.project import PROJECT_DIR

SEED = PROJECT_DIR / "seeds" / "raw_orders.csv"
TEXT = {"order_id": str, "customer_id": str, "ordered_at": str, "product_category": str}

# How a reader must be told to read each variant (written here, not taken from
# the module, so a file written in the wrong layout fails to read back).
READ_OPTIONS = {
    "clean": {},
    "us_dates": {"dates": "%m/%d/%Y %H:%M:%S"},
    "european_dates": {"dates": "%d.%m.%Y %H:%M:%S"},
    "currency_amounts": {
        "converters": {"amount": lambda s: float(s.replace("$", "").replace(",", ""))}
    },
    "semicolon_decimal_comma": {
        "sep": ";",
        "decimal": ",",
        "thousands": ".",
        "dates": "%d.%m.%Y %H:%M:%S",
    },
    "tab": {"sep": "\t"},
    "pipe": {"sep": "|"},
    "latin1": {"encoding": "latin-1"},
    "crlf": {},
    "bom": {"encoding": "utf-8-sig"},
    "spreadsheet_names": {"names": SPREADSHEET_COLUMNS},
    "spaced_amounts": {
        "converters": {"amount": lambda s: float(s.strip().removeprefix("EUR "))}
    },
}


def read_orders(path: Path, **options) -> pd.DataFrame:
    """Read an export with the given options into comparable, sorted orders."""
    dates = options.pop("dates", "%Y-%m-%d %H:%M:%S")
    names = options.pop("names", None)
    encoding = options.pop("encoding", "utf-8")
    dtype = dict(TEXT)
    if names is not None:
        renamed = dict(zip(COLUMNS, names, strict=True))
        dtype = {renamed[old]: kind for old, kind in dtype.items()}
    frame = pd.read_csv(
        path, dtype=dtype, encoding=encoding, keep_default_na=False, **options
    )
    if names is not None:
        assert list(frame.columns) == list(names)
        frame.columns = COLUMNS
    assert list(frame.columns) == COLUMNS
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"], format=dates)
    frame["amount"] = frame["amount"].astype(float).round(2)
    return frame.sort_values(COLUMNS, ignore_index=True)


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return base_orders(SEED)


@pytest.fixture(scope="module")
def variants(orders, tmp_path_factory) -> dict[str, Path]:
    return write_variants(orders, tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="module")
def clean(variants) -> pd.DataFrame:
    return read_orders(variants["clean"])


def test_base_orders_is_deterministic_and_clean(orders) -> None:
    pd.testing.assert_frame_equal(orders, base_orders(SEED))
    assert list(orders.columns) == COLUMNS
    assert len(orders) > 50_000
    assert not orders.duplicated().any()
    assert (orders.groupby("order_id")["customer_id"].nunique() == 1).all()
    assert orders["ordered_at"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    years = pd.to_datetime(orders["ordered_at"]).dt.year
    assert years.between(2000, 2030).all()
    assert orders["amount"].str.fullmatch(r"\d+\.\d{2}").all()
    amounts = orders["amount"].astype(float)
    assert (amounts > 0).all()
    assert (amounts >= 1000).sum() > 100
    assert {"Décor", "Épicerie"} <= set(orders["product_category"])
    assert not {"home", "grocery", ""} & set(orders["product_category"])
    assert orders.equals(
        orders.sort_values(["order_id", "customer_id", "ordered_at"], kind="stable")
    )


def test_base_orders_applies_its_rules(tmp_path) -> None:
    seed = tmp_path / "raw_orders.csv"
    good = [
        f"O{i},C{i},2024-03-0{i} 10:00:00,10.00, beauty ,web,x" for i in range(1, 8)
    ]
    seed.write_text(
        "order_id,customer_id,ordered_at,amount,product_category,channel,status\n"
        + "\n".join(good)
        + "\n"
        + "O1,C1,2024-03-01 10:00:00,10.00, beauty ,web,x\n"  # duplicate of O1
        + "O8,C8,2024-03-08,12.5,,web,x\n"  # date only, empty category
        + "O9,C9,2024-03-09 10:00:00,3.00,home,web,x\n"
        + "O9,C0,2024-03-09 10:00:00,4.00,home,web,x\n"  # O9: two customers
        + " ,C1,2024-03-01 10:00:00,1.00,home,web,x\n"
        + "O10, ,2024-03-01 10:00:00,1.00,home,web,x\n"
        + "O11,C1,2099-03-01 10:00:00,1.00,home,web,x\n"
        + "O12,C1,31/02/2024,1.00,home,web,x\n"
        + "O13,C1,2024-03-01 10:00:00,0,home,web,x\n"
        + "O14,C1,2024-03-01 10:00:00,-5.00,home,web,x\n"
        + "O15,C1,2024-03-01 10:00:00,1.234,home,web,x\n"
        + 'O16,C1,2024-03-01 10:00:00,"12,34.5",home,web,x\n'
        + "O17,C1,2024-03-01 10:00:00,N/A,grocery,web,x\n"
        + "O18,C2,2024-03-01 10:00:00,7.5,grocery,web,x\n",
        encoding="utf-8",
    )
    orders = base_orders(seed).set_index("order_id")
    assert list(orders.index) == [f"O{i}" for i in (1, 18, 2, 3, 4, 5, 6, 7, 8)]
    # 7th line after sorting by order_id (O1, O18, O2, ..., O6) is O6: x 25
    assert orders.loc["O6", "amount"] == "250.00"
    assert (orders.drop(index="O6")["amount"].isin(["10.00", "12.50", "7.50"])).all()
    assert orders.loc["O8", "ordered_at"] == "2024-03-08 00:00:00"
    assert orders.loc["O8", "product_category"] == "other"
    assert orders.loc["O1", "product_category"] == "beauty"
    assert orders.loc["O18", "product_category"] == "Épicerie"


@pytest.mark.parametrize("name", sorted(READ_OPTIONS))
def test_variant_reads_back_to_the_clean_orders(name, variants, clean) -> None:
    read = read_orders(variants[name], **READ_OPTIONS[name])
    pd.testing.assert_frame_equal(read, clean)


def test_clean_holds_the_base_orders(orders, clean) -> None:
    expected = orders.assign(
        ordered_at=pd.to_datetime(orders["ordered_at"]),
        amount=orders["amount"].astype(float),
    ).sort_values(COLUMNS, ignore_index=True)
    pd.testing.assert_frame_equal(clean, expected)


def test_variants_differ_where_they_should(variants) -> None:
    raw = {name: path.read_bytes() for name, path in variants.items()}
    assert raw["bom"].startswith(b"\xef\xbb\xbf")
    assert not raw["clean"].startswith(b"\xef\xbb\xbf")
    assert raw["crlf"].count(b"\r\n") == raw["crlf"].count(b"\n") > 1
    assert b"\r" not in raw["clean"]
    with pytest.raises(UnicodeDecodeError):
        raw["latin1"].decode("utf-8")
    assert raw["latin1"].decode("latin-1") == raw["clean"].decode("utf-8")
    assert raw["header_only"] == (",".join(COLUMNS) + "\n").encode()


def test_currency_amounts_are_quoted_only_deep_in_the_file(variants, clean) -> None:
    lines = variants["currency_amounts"].read_text(encoding="utf-8").splitlines()
    quoted = [number for number, line in enumerate(lines, start=1) if '"' in line]
    assert quoted[0] > 2
    # exactly the amounts with a thousands comma are quoted
    assert len(quoted) == (clean["amount"] >= 1000).sum()


def test_ambiguous_us_dates_hold_the_early_days_only(variants, clean) -> None:
    read = read_orders(variants["us_dates_ambiguous"], dates="%m/%d/%Y %H:%M:%S")
    early = clean[clean["ordered_at"].dt.day <= 12].reset_index(drop=True)
    pd.testing.assert_frame_equal(read, early)
    assert 0 < len(read) < len(clean)
    # day-first reads every line too: the data cannot tell the format
    text = pd.read_csv(variants["us_dates_ambiguous"], dtype=str)["ordered_at"]
    assert pd.to_datetime(text, format="%d/%m/%Y %H:%M:%S").notna().all()


def test_compact_dates_keep_the_date_only(variants, clean) -> None:
    read = read_orders(variants["compact_dates"], dates="%Y%m%d")
    assert (read["ordered_at"] == read["ordered_at"].dt.normalize()).all()
    expected = clean.assign(ordered_at=clean["ordered_at"].dt.normalize())
    pd.testing.assert_frame_equal(
        read, expected.sort_values(COLUMNS, ignore_index=True)
    )


def test_refunds_add_a_full_refund_of_every_twentieth_order(
    orders, variants, clean
) -> None:
    read = read_orders(variants["refunds"])
    is_refund = read["order_id"].str.endswith("-R")
    pd.testing.assert_frame_equal(read[~is_refund].reset_index(drop=True), clean)

    refunds = read[is_refund]
    order_ids = orders["order_id"].drop_duplicates().tolist()
    refunded = set(order_ids[19::20])
    assert set(refunds["order_id"].str.removesuffix("-R")) == refunded
    originals = clean[clean["order_id"].isin(refunded)]
    expected = originals.assign(
        order_id=originals["order_id"] + "-R",
        ordered_at=originals["ordered_at"] + pd.Timedelta(days=1),
        amount=-originals["amount"],
    ).sort_values(COLUMNS, ignore_index=True)
    pd.testing.assert_frame_equal(
        refunds.sort_values(COLUMNS, ignore_index=True), expected
    )

    totals = refunds_by_customer(orders)
    from_file = (-refunds.groupby("customer_id")["amount"].sum()).sort_index()
    assert list(totals.index) == list(from_file.index)
    assert (totals > 0).all()
    pd.testing.assert_series_equal(
        totals.round(2), from_file.round(2), check_names=False
    )


def test_refund_lines_follow_their_order(variants) -> None:
    ids = pd.read_csv(variants["refunds"], dtype=str)["order_id"]
    refund_at = ids.index[ids.str.endswith("-R")]
    previous = ids.shift()[refund_at].str.removesuffix("-R")
    assert (previous == ids[refund_at].str.removesuffix("-R")).all()


def test_main_writes_and_lists_every_variant(tmp_path, capsys) -> None:
    seed = tmp_path / "raw_orders.csv"
    seed.write_text(
        "order_id,customer_id,ordered_at,amount,product_category\n"
        + "".join(
            f"O{i:02d},C{i % 3},2024-01-{i:02d} 10:00:00,99.99,home\n"
            for i in range(1, 26)
        ),
        encoding="utf-8",
    )
    assert main(["--seed", str(seed), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out.splitlines()
    listed = {line.split("\t")[0]: line.split("\t")[1] for line in printed}
    assert len(listed) == 16
    assert listed["clean"] == "25 rows"
    assert listed["us_dates_ambiguous"] == "12 rows"
    assert listed["refunds"] == "26 rows"
    assert listed["header_only"] == "0 rows"
    assert len(list((tmp_path / "out").iterdir())) == 16
