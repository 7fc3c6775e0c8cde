"""The bad-input corpus: every malformed orders file gives a clear message naming the
problem, or its bad rows are quarantined with a reason and every row is accounted for.

Most cases build only the data-quality part of the project (staging to
data_quality_summary, with the reconciliation tests); the degenerate-segmentation cases
build everything.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from segmentation.tests.conftest import QUICK_SEARCH
from segmentation.tests.dbt_helpers import DATA_QUALITY_BUILD, DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds or runs the dbt project: make test, not test-fast

HEADER = "order_id,customer_id,ordered_at,amount\n"
DATA_QUALITY = DATA_QUALITY_BUILD


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


def test_empty_file_names_the_file(tmp_path: Path) -> None:
    path = _orders(tmp_path, "")
    run = _build_quality(tmp_path, path)
    assert run.returncode != 0
    assert str(path) in run.output


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
