"""Order logs as people export them: one set of orders, many file layouts.

A test corpus for readers of order files. :func:`base_orders` derives one clean
order log from the bundled sample ``seeds/raw_orders.csv`` and makes it exercise
what exports do (amounts of 1,000 and more, non-ASCII categories);
:func:`write_variants` writes the same orders the way spreadsheets, shops and
accounting tools export them: US, European and compact dates, currency symbols,
thousands separators, decimal commas, semicolon / tab / pipe delimiters, Latin-1,
CRLF, a byte-order mark, spreadsheet column names, refund lines, a header alone.

Every variant but ``us_dates_ambiguous``, ``compact_dates``, ``refunds`` and
``header_only`` holds exactly the orders of ``clean``; those four say in
:func:`write_variants` how they differ.

Run ``python -m segmentation.exports --seed seeds/raw_orders.csv --out DIR`` to
write the corpus.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from segmentation.project import PROJECT_DIR

COLUMNS = ["order_id", "customer_id", "ordered_at", "amount", "product_category"]
SPREADSHEET_COLUMNS = ["Order ID", "Customer ID", "Order Date", "Sales", "Category"]

ISO_FORMAT = "%Y-%m-%d %H:%M:%S"
US_FORMAT = "%m/%d/%Y %H:%M:%S"
EUROPEAN_FORMAT = "%d.%m.%Y %H:%M:%S"
COMPACT_FORMAT = "%Y%m%d"

FIRST_YEAR, LAST_YEAR = 2000, 2030
LARGE_AMOUNT_EVERY = 7  # every 7th line ...
LARGE_AMOUNT_FACTOR = 25  # ... is multiplied by 25, so some amounts are >= 1,000
REFUND_EVERY = 20  # every 20th order is refunded in full (5% of orders)
REFUND_SUFFIX = "-R"
CATEGORY_RENAMES = {"home": "Décor", "grocery": "Épicerie"}

_AMOUNT_PATTERN = r"-?\d+\.\d{2}"


@dataclass(frozen=True)
class _Layout:
    """How a table of text becomes bytes: delimiter, encoding, line ends."""

    delimiter: str = ","
    encoding: str = "utf-8"
    lineterminator: str = "\n"


def _cents(text: str) -> int | None:
    """Positive amount with at most two decimals, in cents; None otherwise."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)


def _amount_text(cents: int, thousands: str = "", decimal: str = ".") -> str:
    """Amount in cents as text with two decimals.

    Examples
    --------
    >>> _amount_text(128601, thousands=".", decimal=",")
    '1.286,01'
    >>> _amount_text(-950)
    '-9.50'
    """
    units, hundredths = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", thousands)
    return f"{'-' if cents < 0 else ''}{grouped}{decimal}{hundredths:02d}"


def base_orders(seed_orders: Path) -> pd.DataFrame:
    """One clean order log derived from the bundled sample, deterministically.

    Kept: lines with a non-empty ``order_id`` and ``customer_id`` (after strip),
    an ``ordered_at`` that parses as ISO 8601 with a year in 2000-2030, and an
    ``amount`` that is a number > 0 with at most two decimals. Exact duplicate
    lines (on the output columns) are dropped, and so is every line of an order
    id that appears with two different customer ids.

    Then, so the log exercises what exports do, the amount of every 7th line
    (by position after sorting by ``order_id, ordered_at, customer_id``) is
    multiplied by 25 (some amounts reach 1,000 and more) and the categories
    ``home`` and ``grocery`` become ``Décor`` and ``Épicerie`` (non-ASCII text,
    so the encoding matters). Categories are otherwise kept as the sample spells
    them, stripped; an empty one becomes ``other``.

    Parameters
    ----------
    seed_orders : pathlib.Path
        The sample order log (``seeds/raw_orders.csv``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, all text: ``ordered_at`` as
        ``YYYY-MM-DD HH:MM:SS``, ``amount`` with exactly two decimals and a ``.``
        decimal point. Sorted by ``order_id``, ``customer_id``, ``ordered_at``;
        an order may have several lines.

    Examples
    --------
    >>> orders = base_orders(PROJECT_DIR / "seeds" / "raw_orders.csv")
    >>> list(orders.columns)
    ['order_id', 'customer_id', 'ordered_at', 'amount', 'product_category']
    >>> orders["amount"].str.fullmatch(r"\\d+\\.\\d{2}").all()
    np.True_
    """
    raw = pd.read_csv(seed_orders, dtype=str, keep_default_na=False)
    ordered_at = pd.to_datetime(
        raw["ordered_at"].str.strip(), format="ISO8601", errors="coerce"
    )
    frame = pd.DataFrame(
        {
            "order_id": raw["order_id"].str.strip(),
            "customer_id": raw["customer_id"].str.strip(),
            "ordered_at": ordered_at.dt.strftime(ISO_FORMAT),
            "cents": raw["amount"].map(_cents),
            "product_category": raw["product_category"].str.strip(),
        }
    )
    keep = (
        (frame["order_id"] != "")
        & (frame["customer_id"] != "")
        & ordered_at.dt.year.between(FIRST_YEAR, LAST_YEAR)
        & frame["cents"].notna()
    )
    frame = frame[keep].astype({"cents": np.int64})
    frame["product_category"] = frame["product_category"].replace("", "other")
    frame = frame.drop_duplicates()
    customers_per_order = frame.groupby("order_id")["customer_id"].transform("nunique")
    frame = frame[customers_per_order == 1]

    frame = frame.sort_values(
        ["order_id", "ordered_at", "customer_id", "cents", "product_category"],
        kind="stable",
        ignore_index=True,
    )
    large = np.arange(len(frame)) % LARGE_AMOUNT_EVERY == LARGE_AMOUNT_EVERY - 1
    frame.loc[large, "cents"] *= LARGE_AMOUNT_FACTOR
    frame["product_category"] = frame["product_category"].replace(CATEGORY_RENAMES)
    frame["amount"] = frame["cents"].map(_amount_text)
    # customer_id is constant within an order, so this keeps the order above
    frame = frame.sort_values(
        ["order_id", "customer_id", "ordered_at"], kind="stable", ignore_index=True
    )
    return frame[COLUMNS]


def _refunded_orders(orders: pd.DataFrame) -> pd.Series:
    """Whether each line belongs to a refunded order: every 20th distinct order."""
    order_ids = orders["order_id"].drop_duplicates().to_numpy()
    chosen = order_ids[REFUND_EVERY - 1 :: REFUND_EVERY]
    return orders["order_id"].isin(chosen)


def _refund_lines(orders: pd.DataFrame) -> pd.DataFrame:
    """One refund line per line of every refunded order (see :func:`write_variants`)."""
    refunded = orders[_refunded_orders(orders)]
    ordered_at = pd.to_datetime(refunded["ordered_at"], format=ISO_FORMAT)
    lines = refunded.assign(
        order_id=refunded["order_id"] + REFUND_SUFFIX,
        ordered_at=(ordered_at + pd.Timedelta(days=1)).dt.strftime(ISO_FORMAT),
        amount="-" + refunded["amount"],
    )
    clash = lines["order_id"].isin(orders["order_id"])
    if clash.any():
        raise ValueError(
            f"refund order ids already in use: {sorted(set(lines['order_id'][clash]))}"
        )
    return lines


def refunds_by_customer(orders: pd.DataFrame) -> pd.Series:
    """Total refunded per customer in the ``refunds`` variant.

    Parameters
    ----------
    orders : pandas.DataFrame
        Orders as returned by :func:`base_orders`.

    Returns
    -------
    pandas.Series
        Refunded amount (positive float, cents exact) indexed by ``customer_id``;
        only customers with a refund, sorted by id.

    Examples
    --------
    >>> orders = pd.DataFrame(
    ...     {
    ...         "order_id": [f"O{i:02d}" for i in range(20)],
    ...         "customer_id": ["C1"] * 19 + ["C2"],
    ...         "ordered_at": ["2024-01-31 10:00:00"] * 20,
    ...         "amount": ["5.00"] * 19 + ["1250.50"],
    ...         "product_category": ["beauty"] * 20,
    ...     }
    ... )
    >>> refunds_by_customer(orders)
    customer_id
    C2    1250.5
    Name: refunded_amount, dtype: float64
    """
    refunded = orders[_refunded_orders(orders)]
    cents = _parse_cents(refunded["amount"])
    totals = cents.groupby(refunded["customer_id"]).sum().sort_index()
    return (totals / 100).rename("refunded_amount")


def _parse_cents(amounts: pd.Series) -> pd.Series:
    """Amounts written ``-?digits.dd`` as integer cents."""
    if not amounts.str.fullmatch(_AMOUNT_PATTERN).all():
        raise ValueError("amounts must be text with two decimals, like 12.50")
    return (amounts.astype(np.float64) * 100).round().astype(np.int64)


def _table(
    orders: pd.DataFrame,
    dates: str = ISO_FORMAT,
    amount: Callable[[int], str] = _amount_text,
    header: Sequence[str] = COLUMNS,
) -> list[list[str]]:
    """Header and lines of one export, every field as text."""
    ordered_at = pd.to_datetime(orders["ordered_at"], format=ISO_FORMAT)
    body = zip(
        orders["order_id"],
        orders["customer_id"],
        ordered_at.dt.strftime(dates),
        _parse_cents(orders["amount"]).map(amount),
        orders["product_category"],
        strict=True,
    )
    return [list(header), *(list(line) for line in body)]


def _write(path: Path, table: list[list[str]], layout: _Layout) -> Path:
    """Write a table with the csv module (minimal quoting) in the given layout."""
    if layout.encoding == "latin-1":
        # Latin-1 bytes 0x80-0x9F are control characters, not cp1252's letters
        text = "".join(field for line in table for field in line)
        if any("\x80" <= char <= "\x9f" for char in text):
            raise ValueError(f"{path.name}: text outside cp1252's Latin-1 subset")
    with open(path, "w", encoding=layout.encoding, newline="") as handle:
        writer = csv.writer(
            handle,
            delimiter=layout.delimiter,
            lineterminator=layout.lineterminator,
            quoting=csv.QUOTE_MINIMAL,
        )
        writer.writerows(table)
    return path


def write_variants(orders: pd.DataFrame, out_dir: Path) -> dict[str, Path]:
    """Write the same orders in the layouts people export, one file each.

    Unless said otherwise a file is comma-separated UTF-8 with LF line ends,
    the header :data:`COLUMNS`, dates ``YYYY-MM-DD HH:MM:SS`` and amounts like
    ``1286.01``; quoting is minimal (Python's csv module).

    - ``clean``: as above.
    - ``us_dates``: dates ``MM/DD/YYYY HH:MM:SS`` (``01/31/1997 14:05:09``).
    - ``us_dates_ambiguous``: only the lines whose day of month is 12 or less,
      in US form, so the date format cannot be told from the data. Holds
      **fewer orders** than ``clean``.
    - ``european_dates``: dates ``DD.MM.YYYY HH:MM:SS``.
    - ``compact_dates``: dates ``YYYYMMDD``. The time of day is **lost**:
      compare on dates.
    - ``currency_amounts``: amounts like ``$1,286.01``; the thousands comma
      makes the csv module quote amounts of 1,000 and more only, so the first
      quote appears some lines into the file.
    - ``semicolon_decimal_comma``: ``;``-separated, amounts like ``1.286,01``,
      dates ``DD.MM.YYYY HH:MM:SS``.
    - ``tab``: tab-separated (``tab.tsv``).
    - ``pipe``: ``|``-separated.
    - ``latin1``: encoded Latin-1 (the categories ``Décor``, ``Épicerie`` are
      not valid UTF-8 there).
    - ``crlf``: CRLF line ends.
    - ``bom``: UTF-8 with a byte-order mark.
    - ``spreadsheet_names``: header :data:`SPREADSHEET_COLUMNS`.
    - ``spaced_amounts``: amounts with spaces and a currency code,
      ``" EUR 12.50 "``.
    - ``refunds``: the clean lines plus, for every 20th order (5% of orders,
      by position of first line), a refund of each of its lines: order id
      ``<order_id>-R``, same customer and category, one day later, minus the
      amount. Each refund follows its order. :func:`refunds_by_customer` gives
      the totals. Holds **more lines** than ``clean``.
    - ``header_only``: the clean header line and nothing else.

    Parameters
    ----------
    orders : pandas.DataFrame
        Orders as returned by :func:`base_orders` (text columns :data:`COLUMNS`).
    out_dir : pathlib.Path
        Folder to write into; created if missing, files in it overwritten.

    Returns
    -------
    dict of str to pathlib.Path
        Variant name to file, in the order above.

    Raises
    ------
    ValueError
        If an amount is not text with two decimals, or if a category cannot be
        written in Latin-1 as cp1252 reads it.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    day = pd.to_datetime(orders["ordered_at"], format=ISO_FORMAT).dt.day
    refunds = pd.concat([orders, _refund_lines(orders)], ignore_index=True)
    refunds = refunds.sort_values("order_id", kind="stable")

    def euro(cents: int) -> str:
        return _amount_text(cents, thousands=".", decimal=",")

    def dollars(cents: int) -> str:
        return "$" + _amount_text(cents, thousands=",")

    def spaced(cents: int) -> str:
        return f" EUR {_amount_text(cents)} "

    clean = _table(orders)
    comma = _Layout()
    files: dict[str, tuple[str, list[list[str]], _Layout]] = {
        "clean": ("clean.csv", clean, comma),
        "us_dates": ("us_dates.csv", _table(orders, dates=US_FORMAT), comma),
        "us_dates_ambiguous": (
            "us_dates_ambiguous.csv",
            _table(orders[day <= 12], dates=US_FORMAT),
            comma,
        ),
        "european_dates": (
            "european_dates.csv",
            _table(orders, dates=EUROPEAN_FORMAT),
            comma,
        ),
        "compact_dates": (
            "compact_dates.csv",
            _table(orders, dates=COMPACT_FORMAT),
            comma,
        ),
        "currency_amounts": (
            "currency_amounts.csv",
            _table(orders, amount=dollars),
            comma,
        ),
        "semicolon_decimal_comma": (
            "semicolon_decimal_comma.csv",
            _table(orders, dates=EUROPEAN_FORMAT, amount=euro),
            _Layout(delimiter=";"),
        ),
        "tab": ("tab.tsv", clean, _Layout(delimiter="\t")),
        "pipe": ("pipe.csv", clean, _Layout(delimiter="|")),
        "latin1": ("latin1.csv", clean, _Layout(encoding="latin-1")),
        "crlf": ("crlf.csv", clean, _Layout(lineterminator="\r\n")),
        "bom": ("bom.csv", clean, _Layout(encoding="utf-8-sig")),
        "spreadsheet_names": (
            "spreadsheet_names.csv",
            _table(orders, header=SPREADSHEET_COLUMNS),
            comma,
        ),
        "spaced_amounts": (
            "spaced_amounts.csv",
            _table(orders, amount=spaced),
            comma,
        ),
        "refunds": ("refunds.csv", _table(refunds), comma),
        "header_only": ("header_only.csv", clean[:1], comma),
    }
    return {
        name: _write(out_dir / filename, table, layout)
        for name, (filename, table, layout) in files.items()
    }


def _data_lines(path: Path) -> int:
    """Lines after the header (no field of an export holds a line break)."""
    return path.read_bytes().count(b"\n") - 1


def main(argv: Sequence[str] | None = None) -> int:
    """Write every export variant of the sample and list them.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments (``--seed``, ``--out``); default ``sys.argv``.

    Returns
    -------
    int
        Exit status, 0.
    """
    parser = argparse.ArgumentParser(
        prog="python -m segmentation.exports",
        description="Write one order log in the layouts people export it.",
    )
    parser.add_argument(
        "--seed",
        type=Path,
        default=PROJECT_DIR / "seeds" / "raw_orders.csv",
        help="sample order log (default: the bundled seeds/raw_orders.csv)",
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    paths = write_variants(base_orders(args.seed), args.out)
    for name, path in paths.items():
        print(f"{name}\t{_data_lines(path)} rows\t{path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
