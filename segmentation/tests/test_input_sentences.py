"""When an input cannot be used as it is, the build says why in one sentence.

Each stop and warning sentence of the input checks (macros/inputs/formats.sql,
macros/inputs/raw_input.sql, the input_is_usable test) is asserted word for word: an
empty input, every row rejected, too many rows rejected (a warning), ambiguous dates,
ambiguous amounts, missing columns, and a column mapping that names a column the file
does not have; and the vars those sentences name settle the ambiguity.

The files are written to one path and built with the same vars, so dbt's partial
parse is reused from one build to the next (the file is read when models compile).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from segmentation.tests.dbt_helpers import DATA_QUALITY_BUILD, DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds the dbt project: make test, not test-fast

HEADER = "order_id,customer_id,ordered_at,amount\n"
BUILD = DATA_QUALITY_BUILD


class Builds:
    """Build orders files from one path, with one set of vars (partial parse)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.path = workdir / "orders.csv"

    def build(self, text: str) -> DbtRun:
        self.path.write_text(text)
        return run_dbt(BUILD, self.workdir, variables={"orders_path": str(self.path)})


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("sentences"))


def _rows(count: int, start: int = 0) -> str:
    return "".join(
        f"O{i},C{i % 4},2024-03-{1 + i % 27:02d},{10 + i}\n"
        for i in range(start, start + count)
    )


def _outcomes(run: DbtRun) -> dict[tuple[str, str | None], int]:
    assert run.returncode == 0, run.output[-4000:]
    return {
        (outcome, reason): count
        for outcome, reason, count in run.query(
            "select outcome, reason, row_count from main.data_quality_summary "
            "where source_table = 'orders' and row_count > 0"
        )
    }


def test_an_empty_input_stops_with_a_sentence_naming_it(builds: Builds) -> None:
    run = builds.build(HEADER)
    assert run.returncode != 0
    assert (
        f"The orders input '{builds.path}' has no rows (a header only, or every row "
        "belongs to a customer to forget). Point the var orders_path at a file with "
        "your orders." in run.output
    )


def test_every_row_rejected_stops_with_the_reason_an_example_and_the_var(
    builds: Builds,
) -> None:
    run = builds.build(HEADER + "1,C1,yesterday,10\n2,C2,last week,12\n")
    assert run.returncode != 0
    assert (
        f"The orders input '{builds.path}': every one of its 2 rows was rejected; the "
        "main reason is unparseable_ordered_at (2 rows, e.g. 'last week'). Check the "
        "var date_format (a strftime format such as '%d/%m/%Y %H:%M'); "
        "rejected_orders lists every rejected row." in run.output
    )
    # it stops at once: nothing past staging is built
    assert "model main.data_quality_summary" not in run.output


def test_many_rejected_rows_warn_and_the_build_carries_on(builds: Builds) -> None:
    bad = "X1,C1,2024-03-01,abc\nX2,C2,2024-03-01,abd\nX3,C3,2024-03-01,abe\n"
    run = builds.build(HEADER + _rows(7) + bad)
    outcomes = _outcomes(run)
    assert outcomes == {("clean", None): 7, ("rejected", "unparseable_amount"): 3}
    assert (
        f"The orders input '{builds.path}': 3 of its 10 rows (30.0%, above "
        "max_rejected_share 0.2) were rejected; the main reason is unparseable_amount "
        "(3 rows, e.g. 'abc'). Check the var decimal_separator ('.' or ','), or "
        "orders_columns if another column holds the amount; rejected_orders lists "
        "every rejected row." in run.output
    )
    # 2 of 10 rejected is not above the default share: no warning
    quiet = builds.build(HEADER + _rows(8) + bad.split("\n", 1)[1])
    assert _outcomes(quiet)[("rejected", "unparseable_amount")] == 2
    assert "above max_rejected_share" not in quiet.output


AMBIGUOUS_DATES = [(1, 2), (3, 4), (5, 6), (2, 1), (12, 11)]


def test_ambiguous_dates_stop_and_ask_for_date_format(builds: Builds) -> None:
    rows = "".join(
        f"O{i},C{i % 3},{month:02d}/{day:02d}/2024,{10 + i}\n"
        for i, (month, day) in enumerate(AMBIGUOUS_DATES)
    )
    run = builds.build(HEADER + rows)
    assert run.returncode != 0
    assert (
        "The orders input's ordered_at values (e.g. '01/02/2024') read as month/day "
        "and as day/month alike: no day above 12 in 5 sampled values. Say which with "
        "the var date_format, e.g. --vars \"{date_format: '%m/%d/%Y'}\" (US) or "
        "'%d/%m/%Y' (European); add ' %H:%M:%S' if the values carry a time."
        in run.output
    )


def test_a_day_above_12_settles_the_date_format(builds: Builds) -> None:
    rows = "O1,C1,03/04/2024,10\nO2,C2,03/25/2024,12\n"  # 25 cannot be a month
    run = builds.build(HEADER + rows)
    assert _outcomes(run) == {("clean", None): 2}
    assert run.query(
        "select order_id, order_date from main.orders order by order_id"
    ) == [("O1", date(2024, 3, 4)), ("O2", date(2024, 3, 25))]


def test_two_digit_years_are_not_read_as_the_first_century(builds: Builds) -> None:
    # spreadsheets export 1/31/97; %Y alone would read the year 97
    run = builds.build(HEADER + "O1,C1,1/31/97,10\nO2,C2,12/24/98 14:05,12\n")
    assert _outcomes(run) == {("clean", None): 2}
    assert run.query(
        "select order_id, order_date from main.orders order by order_id"
    ) == [("O1", date(1997, 1, 31)), ("O2", date(1998, 12, 24))]


def test_ambiguous_amounts_stop_and_ask_for_decimal_separator(builds: Builds) -> None:
    run = builds.build(HEADER + '1,C1,2024-03-01,"1,234"\n2,C2,2024-03-02,"2,500"\n')
    assert run.returncode != 0
    assert (
        "The orders input's amount values (e.g. '1,234') can be read with ',' or '.' "
        "as the decimal separator: 2 sampled values have three digits after their "
        "only separator and none settles it. Say which with the var "
        "decimal_separator, e.g. --vars \"{decimal_separator: ','}\"" in run.output
    )


def test_a_missing_column_stops_and_names_the_mapping_var(builds: Builds) -> None:
    run = builds.build("Bestellnummer,Kunde,Datum,Betrag\n1,C1,2024-03-01,12.50\n")
    assert run.returncode != 0
    assert (
        f"The orders input '{builds.path}' has no column order_id, customer_id, "
        "ordered_at, amount. Required columns: order_id, customer_id, ordered_at, "
        "amount; found: Bestellnummer, Kunde, Datum, Betrag. If your file calls it "
        "something else, map it with the var orders_columns, e.g. --vars "
        "\"{orders_columns: {order_id: 'Your Column'}}\"." in run.output
    )


GERMAN = "Bestellnummer;Kunde;Datum;Betrag;Order Status\n"
GERMAN_MAPPING = {
    "order_id": "Bestellnummer",
    "customer_id": "Kunde",
    "ordered_at": "Datum",
    "amount": "Betrag",
}


def test_the_vars_the_sentences_name_settle_them(tmp_path: Path) -> None:
    # mapped columns, day-first dates and a decimal comma, none of which the data
    # settles on its own ('Order Status' is found ignoring case and spaces)
    path = tmp_path / "bestellungen.csv"
    path.write_text(
        GERMAN + "1;C1;03/04/2024;1.234;Returned\n2;C2;01/02/2024;2.500;ok\n"
    )
    run = run_dbt(
        BUILD,
        tmp_path,
        variables={
            "orders_path": str(path),
            "orders_columns": GERMAN_MAPPING,
            "date_format": "%d/%m/%Y",
            "decimal_separator": ",",
        },
    )
    assert _outcomes(run) == {("clean", None): 2}
    assert run.query(
        "select order_id, order_date, gross_amount, net_amount, order_status "
        "from main.orders order by order_id"
    ) == [
        ("1", date(2024, 4, 3), Decimal("1234"), Decimal("0"), "returned"),
        ("2", date(2024, 2, 1), Decimal("2500"), Decimal("2500"), "completed"),
    ]
    decisions = {
        (column, setting): (value, decided_by)
        for column, setting, value, decided_by in run.query(
            "select column_name, setting, setting_value, decided_by "
            "from main.input_formats where source_table = 'orders'"
        )
    }
    assert decisions[("ordered_at", "column")] == ("Datum", "var orders_columns")
    assert decisions[("status", "column")] == ("Order Status", "synonym")
    assert decisions[("ordered_at", "date_format")] == (
        "custom (%d/%m/%Y)",
        "var date_format",
    )
    assert decisions[("amount", "decimal_separator")] == (",", "var decimal_separator")
    assert decisions[(None, "delimiter")][0] == "semicolon"


def test_a_mapping_to_a_column_the_file_lacks_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bestellungen.csv"
    path.write_text(GERMAN + "1;C1;2024-03-01;12,50;ok\n")
    run = run_dbt(
        BUILD,
        tmp_path,
        variables={
            "orders_path": str(path),
            "orders_columns": {**GERMAN_MAPPING, "amount": "Sales"},
        },
    )
    assert run.returncode != 0
    assert (
        f"Var orders_columns maps amount to 'Sales', but the orders input '{path}' has "
        "no such column; its columns: Bestellnummer, Kunde, Datum, Betrag, Order "
        "Status." in run.output
    )
