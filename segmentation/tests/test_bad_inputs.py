"""The bad-input corpus: every malformed orders file gives a clear message naming the
problem, or its bad rows are quarantined with a reason and every row is accounted for.

Most cases build only the data-quality part of the project (staging to
data_quality_summary, with the reconciliation tests); the degenerate-segmentation cases
build everything.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from segmentation.tests.conftest import QUICK_SEARCH
from segmentation.tests.dbt_helpers import DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds or runs the dbt project: make test, not test-fast

HEADER = "order_id,customer_id,ordered_at,amount\n"
DATA_QUALITY = [
    "build",
    "--select",
    "+data_quality_summary",
    "+input_formats",
    "+orders",
    "--indirect-selection",
    "cautious",
]


def _orders(tmp_path: Path, text: str | bytes, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def _regular_rows(customers: int = 20, orders_each: int = 3) -> str:
    rows = []
    for customer in range(customers):
        for order in range(orders_each):
            day = 1 + (customer * 7 + order * 11) % 27
            amount = 10 + (customer * 13 + order * 29) % 200
            rows.append(
                f"O{customer:03d}{order},C{customer:03d},2024-03-{day:02d},{amount}"
            )
    return "\n".join(rows) + "\n"


def _outcomes(run: DbtRun) -> dict[tuple[str, str | None], int]:
    rows = run.query(
        "select outcome, reason, row_count from main.data_quality_summary "
        "where source_table = 'orders'"
    )
    return {(outcome, reason): count for outcome, reason, count in rows}


def _build_quality(tmp_path: Path, path: Path) -> DbtRun:
    return run_dbt(DATA_QUALITY, tmp_path, variables={"orders_path": str(path)})


def _assert_accounted(run: DbtRun, raw_rows: int) -> dict:
    assert run.returncode == 0, run.output[-4000:]
    outcomes = _outcomes(run)
    assert sum(outcomes.values()) == raw_rows, outcomes
    return outcomes


def test_semicolon_delimiter_is_detected(tmp_path: Path) -> None:
    text = (HEADER + _regular_rows(5, 2)).replace(",", ";")
    run = _build_quality(tmp_path, _orders(tmp_path, text))
    outcomes = _assert_accounted(run, 10)
    assert outcomes[("clean", None)] == 10


def test_empty_file_names_the_file(tmp_path: Path) -> None:
    path = _orders(tmp_path, "")
    run = _build_quality(tmp_path, path)
    assert run.returncode != 0
    assert str(path) in run.output


def test_header_only_stops_with_a_sentence_naming_the_input(tmp_path: Path) -> None:
    path = _orders(tmp_path, HEADER)
    run = _build_quality(tmp_path, path)
    assert run.returncode != 0
    assert (
        f"The orders input '{path}' has no rows (a header only, or every row belongs "
        "to a customer to forget). Point the var orders_path at a file with your "
        "orders." in run.output
    )


def test_every_row_rejected_stops_with_the_reason_an_example_and_the_var(
    tmp_path: Path,
) -> None:
    path = _orders(tmp_path, HEADER + "1,C1,yesterday,10\n2,C2,last week,12\n")
    run = _build_quality(tmp_path, path)
    assert run.returncode != 0
    assert (
        f"The orders input '{path}': every one of its 2 rows was rejected; the main "
        "reason is unparseable_ordered_at (2 rows, e.g. 'last week'). Check the var "
        "date_format (a strftime format such as '%d/%m/%Y %H:%M'); rejected_orders "
        "lists every rejected row." in run.output
    )
    # it stops at once: nothing past staging is built
    assert "START sql table model main.data_quality_summary" not in run.output


def test_many_rejected_rows_warn_and_the_build_carries_on(tmp_path: Path) -> None:
    rows = _regular_rows(7, 1) + "X1,C1,2024-03-01,abc\nX2,C2,2024-03-01,abd\n"
    rows += "X3,C3,2024-03-01,abe\n"
    path = _orders(tmp_path, HEADER + rows)
    run = _build_quality(tmp_path, path)
    outcomes = _assert_accounted(run, 10)
    assert outcomes[("rejected", "unparseable_amount")] == 3
    assert (
        f"The orders input '{path}': 3 of its 10 rows (30.0%, above "
        "max_rejected_share 0.2) were rejected; the main reason is unparseable_amount "
        "(3 rows, e.g. 'abc'). Check the var decimal_separator ('.' or ','), or "
        "orders_columns if another column holds the amount" in run.output
    )
    # at or below the share, no warning
    quiet = run_dbt(
        DATA_QUALITY,
        tmp_path,
        variables={"orders_path": str(path), "max_rejected_share": 0.3},
    )
    assert quiet.returncode == 0, quiet.output[-3000:]
    assert "above max_rejected_share" not in quiet.output


def test_ambiguous_dates_ask_for_date_format_and_the_var_settles_it(
    tmp_path: Path,
) -> None:
    rows = "".join(
        f"O{i},C{i % 3},{month:02d}/{day:02d}/2024,{10 + i}\n"
        for i, (month, day) in enumerate([(1, 2), (3, 4), (5, 6), (2, 1), (12, 11)])
    )
    path = _orders(tmp_path, HEADER + rows)
    run = _build_quality(tmp_path, path)
    assert run.returncode != 0
    assert (
        "The orders input's ordered_at values (e.g. '01/02/2024') read as month/day "
        "and as day/month alike: no day above 12 in 5 sampled values. Say which with "
        "the var date_format" in run.output
    )
    settled = run_dbt(
        DATA_QUALITY,
        tmp_path,
        variables={"orders_path": str(path), "date_format": "%d/%m/%Y"},
    )
    outcomes = _assert_accounted(settled, 5)
    assert outcomes[("clean", None)] == 5
    assert settled.query(
        "select cast(ordered_at as date) from main.orders where order_id = 'O1'"
    ) == [(date(2024, 4, 3),)]


def test_ambiguous_amounts_ask_for_decimal_separator_and_the_var_settles_it(
    tmp_path: Path,
) -> None:
    path = _orders(
        tmp_path, HEADER + '1,C1,2024-03-01,"1,234"\n2,C2,2024-03-02,"2,500"\n'
    )
    run = _build_quality(tmp_path, path)
    assert run.returncode != 0
    assert (
        "The orders input's amount values (e.g. '1,234') can be read with ',' or '.' "
        "as the decimal separator: 2 sampled values have three digits after their only "
        "separator and none settles it. Say which with the var decimal_separator"
        in run.output
    )
    settled = run_dbt(
        DATA_QUALITY,
        tmp_path,
        variables={"orders_path": str(path), "decimal_separator": ","},
    )
    _assert_accounted(settled, 2)
    assert settled.query("select gross_amount from main.orders order by order_id") == [
        (Decimal("1.234"),),
        (Decimal("2.5"),),
    ]


def test_columns_are_mapped_by_a_var_or_matched_by_name(tmp_path: Path) -> None:
    header = "Bestellnummer;Kunde;Datum;Betrag;Order Status\n"
    path = _orders(
        tmp_path, header + "1;C1;2024-03-01;12,50;Returned\n2;C2;2024-03-02;3,10;ok\n"
    )
    run = _build_quality(tmp_path, path)
    assert run.returncode != 0
    assert (
        f"The orders input '{path}' has no column order_id, customer_id, ordered_at, "
        "amount. Required columns: order_id, customer_id, ordered_at, amount; found: "
        "Bestellnummer, Kunde, Datum, Betrag, Order Status. If your file calls it "
        "something else, map it with the var orders_columns" in run.output
    )
    mapping = {
        "order_id": "Bestellnummer",
        "customer_id": "Kunde",
        "ordered_at": "Datum",
        "amount": "Betrag",
    }
    mapped = run_dbt(
        DATA_QUALITY,
        tmp_path,
        variables={"orders_path": str(path), "orders_columns": mapping},
    )
    _assert_accounted(mapped, 2)
    # 'Order Status' matched status ignoring case and spaces; Returned is a return
    assert mapped.query(
        "select order_id, gross_amount, net_amount, order_status from main.orders "
        "order by order_id"
    ) == [
        ("1", Decimal("12.5"), Decimal("0"), "returned"),
        ("2", Decimal("3.1"), Decimal("3.1"), "completed"),
    ]
    wrong = run_dbt(
        DATA_QUALITY,
        tmp_path,
        variables={
            "orders_path": str(path),
            "orders_columns": {**mapping, "amount": "Sales"},
        },
    )
    assert wrong.returncode != 0
    assert (
        f"Var orders_columns maps amount to 'Sales', but the orders input '{path}' has "
        "no such column" in wrong.output
    )


BAD_AMOUNTS = [
    ("abc", "unparseable_amount"),
    ('"12,34.5"', "unparseable_amount"),
    ("NaN", "missing_amount"),
    ("inf", "unparseable_amount"),
    ("-Infinity", "unparseable_amount"),
    ("1e300", "unparseable_amount"),
    ("0", "zero_amount"),
    ("0.00", "zero_amount"),
]
BAD_DATES = [
    ("2999-01-01", "ordered_in_the_future"),
    ("31/02/2024", "unparseable_ordered_at"),
    ("yesterday", "unparseable_ordered_at"),
    ("", "missing_ordered_at"),
]
NASTY = "x'); drop table main.orders; --"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """One orders file holding every row-level case, each under its own order id,
    built once (each case is asserted on its own rows)."""
    workdir = tmp_path_factory.mktemp("bad_rows")
    rows = [_regular_rows(3, 2)]
    rows += [f"AMOUNT{i},C999,2024-03-01,{a}\n" for i, (a, _) in enumerate(BAD_AMOUNTS)]
    rows += [f"DATE{i},C998,{d},10\n" for i, (d, _) in enumerate(BAD_DATES)]
    rows += ["DUP,C001,2024-03-02,10\n"] * 3
    rows += ["SHARED,C001,2024-03-02,10\n", "SHARED,C002,2024-03-02,12\n"]
    rows += [f'NASTY,"{NASTY}",2024-03-01,10\n']
    rows += ["REFUND,C001,2024-03-03,-5\n"]  # a return, not bad data
    path = _orders(workdir, HEADER + "".join(rows))
    return _build_quality(workdir, path)


def _reason(run: DbtRun, order_id: str) -> str | None:
    found = run.query(
        "select rejection_reason from main.rejected_orders "
        f"where order_id = '{order_id}'"
    )
    return found[0][0] if found else None


def test_every_row_of_the_corpus_is_accounted_for(corpus: DbtRun) -> None:
    outcomes = _assert_accounted(corpus, 6 + len(BAD_AMOUNTS) + len(BAD_DATES) + 7)
    # regular rows, DUP once, NASTY, the refund
    assert outcomes[("clean", None)] == 6 + 1 + 1 + 1
    assert outcomes[("duplicate_collapsed", "exact_duplicate_row")] == 2
    assert outcomes[("rejected", "order_id_shared_by_customers")] == 2


@pytest.mark.parametrize(("index", "case"), list(enumerate(BAD_AMOUNTS)))
def test_bad_amounts_are_quarantined(corpus: DbtRun, index: int, case: tuple) -> None:
    amount, reason = case
    assert _reason(corpus, f"AMOUNT{index}") == reason
    (raw_amount,) = corpus.query(
        f"select amount from main.rejected_orders where order_id = 'AMOUNT{index}'"
    )[0]
    assert raw_amount == amount.strip('"')


@pytest.mark.parametrize(("index", "case"), list(enumerate(BAD_DATES)))
def test_bad_dates_are_quarantined(corpus: DbtRun, index: int, case: tuple) -> None:
    assert _reason(corpus, f"DATE{index}") == case[1]


def test_duplicate_rows_and_shared_order_ids(corpus: DbtRun) -> None:
    assert _reason(corpus, "DUP") is None
    # a cross-row rejection parsed fine: its values are shown, cleaned, as text
    shown = corpus.query(
        "select customer_id, amount, raw_row_count from main.rejected_orders "
        "where order_id = 'SHARED' order by customer_id"
    )
    assert [(c, float(a), n) for c, a, n in shown] == [
        ("C001", 10.0, 1),
        ("C002", 12.0, 1),
    ]


def test_sql_looking_text_is_only_data(corpus: DbtRun) -> None:
    (found,) = corpus.query(
        "select count(*) from intermediate.int_order_lines_validated "
        f"where customer_id = $${NASTY}$$ and rejection_reason is null"
    )[0]
    assert found == 1


def test_a_negative_amount_is_a_return(corpus: DbtRun) -> None:
    assert _reason(corpus, "REFUND") is None
    assert corpus.query(
        "select gross_amount, returned_amount, net_amount, is_purchase "
        "from main.orders where order_id = 'REFUND'"
    ) == [(Decimal("0"), Decimal("5"), Decimal("-5"), False)]


def test_latin1_bytes_are_read_as_latin1(tmp_path: Path) -> None:
    data = (HEADER + "1,C\xe9line,2024-03-01,10\n").encode("latin-1")
    path = _orders(tmp_path, data)
    run = _build_quality(tmp_path, path)
    _assert_accounted(run, 1)
    assert run.query("select customer_id from main.orders") == [("C\u00e9line",)]
    assert run.query(
        "select setting_value, decided_by from main.input_formats "
        "where setting = 'encoding'"
    ) == [("latin-1", "detected: the file is not valid UTF-8")]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"as_of_date": "2024-01-01'; drop table x; --"}, "must be a date written"),
        ({"as_of_date": "2024-13-01"}, "not a valid date"),
        ({"orders_path": "x.csv'); drop table y; --"}, "must be a plain file path"),
    ],
)
def test_sql_looking_vars_are_refused(
    tmp_path: Path, variables: dict, message: str
) -> None:
    run = run_dbt(["compile", "--select", "int_run_parameters"], tmp_path, variables)
    assert run.returncode != 0
    assert message in run.output


@pytest.mark.parametrize(
    ("text", "case"),
    [
        (HEADER + "1,C1,2024-03-01,10\n2,C1,2024-03-05,20\n", "one customer"),
        (HEADER + _regular_rows(4, 2), "fewer customers than k"),
        (
            HEADER + "".join(f"{i},C{i},2024-03-01,10\n" for i in range(30)),
            "identical features",
        ),
    ],
)
def test_degenerate_segmentation_gives_a_clear_message(
    tmp_path: Path, text: str, case: str
) -> None:
    variables = {**QUICK_SEARCH, "orders_path": str(_orders(tmp_path, text))}
    run = run_dbt(["build"], tmp_path, variables=variables)
    # Too little to split: the model falls back to one documented segment, every
    # customer is scored into it, and a failing gate stops the build in words.
    assert run.returncode != 0, case
    assert "Quality gate" in run.output, (case, run.output[-3000:])
    assert "Failure in test gate_" in run.output, case
    assert "Traceback" not in run.output, case
    ((name, description),) = run.query(
        "select segment_name, segment_description from main.segments"
    )
    assert name == "All customers", case
    assert description.endswith("because the data could not be split."), case
    (scored, features) = run.query(
        "select (select count(*) from main.customer_segments), "
        "(select count(*) from main.customer_features)"
    )[0]
    assert scored == features > 0, case


def test_out_of_memory_says_which_setting_to_change(tmp_path: Path) -> None:
    text = HEADER + _regular_rows(50, 3)
    variables = {"orders_path": str(_orders(tmp_path, text))}
    run = run_dbt(
        ["build", "--select", "customers_to_forget", "stg_shop__order_lines"],
        tmp_path,
        variables,
        env={"DUCKDB_MEMORY_LIMIT": "4MB"},
    )
    assert run.returncode != 0
    assert "Out of Memory" in run.output
    assert "DuckDB ran out of memory in stg_shop__order_lines" in run.output
    assert "Raise DUCKDB_MEMORY_LIMIT" in run.output
