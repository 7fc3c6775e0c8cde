"""Every quality gate fails when its threshold is out of reach, with its sentence.

Each case sets a var that no segmentation can meet (and, for gates that warn by
default, the severity var set to error). The gates' dbt tests run once on the shared
sample build with every case's vars together (each gate reads only its own), and each
case then checks its own gate's line and sentence. A gate that cannot fail protects
nothing; these tests prove each one can.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from segmentation.tests.dbt_helpers import DbtRun, run_dbt

pytestmark = pytest.mark.e2e  # builds or runs the dbt project: make test, not test-fast

# gate test name, the vars that make it fail, the sentence it must log
GATES = [
    (
        "gate_min_silhouette",
        {"min_silhouette": 0.99, "geometric_gate_severity": "error"},
        "Quality gate min_silhouette failed: silhouette is",
    ),
    (
        "gate_max_davies_bouldin",
        {"max_davies_bouldin": 0.01, "geometric_gate_severity": "error"},
        "Quality gate max_davies_bouldin failed: davies_bouldin is",
    ),
    (
        "gate_min_stability",
        {"min_stability": 1.5},
        "Quality gate min_stability failed: stability is",
    ),
    (
        "gate_min_segments",
        {"min_segments": 50, "segment_shape_gate_severity": "error"},
        "Quality gate min_segments failed: segment_count is",
    ),
    (
        "gate_max_segments",
        {"max_segments": 2, "segment_shape_gate_severity": "error"},
        "Quality gate max_segments failed: segment_count is",
    ),
    (
        "gate_min_segment_share",
        {"min_segment_share": 0.5, "segment_shape_gate_severity": "error"},
        "Quality gate min_segment_share failed: min_segment_share is",
    ),
    (
        "gate_max_segment_share",
        {"max_segment_share": 0.01, "segment_shape_gate_severity": "error"},
        "Quality gate max_segment_share failed: max_segment_share is",
    ),
    (
        "gate_min_backtest_auc",
        {"min_backtest_auc": 0.9999, "backtest_gate_severity": "error"},
        "Quality gate min_backtest_auc failed: backtest_auc is",
    ),
    (
        "gate_min_prediction_auc",
        {"min_prediction_auc": 0.9999, "prediction_gate_severity": "error"},
        "Quality gate min_prediction_auc failed: buy_again_auc is",
    ),
    (
        "gate_min_planted_segment_recovery",
        {"min_planted_segment_recovery": 0.999},
        "Quality gate min_planted_segment_recovery failed: planted_segment_recovery",
    ),
    (
        "gate_sql_scoring_matches_python",
        {"min_sql_python_agreement": 1.5},
        "Quality gate min_sql_python_agreement failed: sql_python_agreement is",
    ),
]


# gates that only warn by default: the same impossible bars, default severities
WARN_BY_DEFAULT = [
    (
        "gate_min_silhouette",
        {"min_silhouette": 0.99},
        "Quality gate min_silhouette failed",
    ),
    (
        "gate_max_davies_bouldin",
        {"max_davies_bouldin": 0.01},
        "Quality gate max_davies_bouldin failed",
    ),
    (
        "gate_min_backtest_auc",
        {"min_backtest_auc": 0.9999},
        "they do not predict who buys next",
    ),
    ("gate_max_segments", {"max_segments": 2}, "Quality gate max_segments failed"),
    (
        "gate_min_prediction_auc",
        {"min_prediction_auc": 0.9999},
        "per-customer predictions barely ranked",
    ),
]


def _test_gates(sample_build: DbtRun, workdir: Path, cases: list) -> DbtRun:
    variables = {
        key: value for _, case_vars, _ in cases for key, value in case_vars.items()
    }
    return run_dbt(
        ["test", "--select", *sorted({gate for gate, _, _ in cases})],
        workdir,
        variables=variables,
        database=sample_build.database,
    )


@pytest.fixture(scope="module")
def failing_gates(sample_build: DbtRun, tmp_path_factory) -> DbtRun:
    return _test_gates(sample_build, tmp_path_factory.mktemp("gates_fail"), GATES)


@pytest.fixture(scope="module")
def warning_gates(sample_build: DbtRun, tmp_path_factory) -> DbtRun:
    return _test_gates(
        sample_build, tmp_path_factory.mktemp("gates_warn"), WARN_BY_DEFAULT
    )


@pytest.mark.parametrize(("gate", "variables", "sentence"), GATES)
def test_each_gate_fails_with_its_sentence(
    failing_gates: DbtRun, gate: str, variables: dict, sentence: str
) -> None:
    assert failing_gates.returncode != 0, failing_gates.output[-3000:]
    assert sentence in failing_gates.output
    assert f"FAIL 1 {gate}" in failing_gates.output


@pytest.mark.parametrize(("gate", "variables", "sentence"), WARN_BY_DEFAULT)
def test_geometric_backtest_and_shape_gates_warn_by_default(
    warning_gates: DbtRun, gate: str, variables: dict, sentence: str
) -> None:
    assert warning_gates.returncode == 0, warning_gates.output[-3000:]
    assert f"WARN 1 {gate}" in warning_gates.output
    assert sentence in warning_gates.output


def test_privacy_minimum_fails_the_build(sample_build: DbtRun, tmp_path: Path) -> None:
    # segments.is_below_minimum_size is computed when segments is built
    run = run_dbt(
        ["build", "--select", "segments"],
        tmp_path,
        variables={"min_segment_customers": 100000},
        database=sample_build.database,
    )
    assert run.returncode != 0
    assert "FAIL" in run.output and "gate_min_segment_customers" in run.output
    # put the table back as the shared build had it, for the tests that follow
    restored = run_dbt(
        ["build", "--select", "segments"], tmp_path, database=sample_build.database
    )
    assert restored.returncode == 0, restored.output[-3000:]


def test_untrustworthy_predictions_say_so_in_plain_words(
    sample_build: DbtRun, tmp_path: Path
) -> None:
    """Where the predictions barely rank who buys next (here: a bar no model meets),
    the build still succeeds and the backtest table says so in a sentence."""
    run = run_dbt(
        ["build", "--select", "customer_predictions_backtest"],
        tmp_path,
        variables={"min_prediction_auc": 0.9999},
        database=sample_build.database,
    )
    assert run.returncode == 0, run.output[-3000:]
    note = run.query(
        "select trust_note from main.customer_predictions_backtest "
        "where calibration_group = 'all'"
    )[0][0]
    assert "They barely tell who buys next here" in note
    restored = run_dbt(
        ["build", "--select", "customer_predictions_backtest"],
        tmp_path,
        database=sample_build.database,
    )
    assert restored.returncode == 0, restored.output[-3000:]
