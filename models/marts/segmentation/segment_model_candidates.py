"""Every candidate clustering (algorithm x k x feature set) with its backtest
usefulness and metrics; one selected. With refit: false, the stored table is kept."""

import json

from segmentation.candidates import evaluate_candidates
from segmentation.warehouse import stored_table


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = dbt.ref("segment_training_sample").df()
    backtest = dbt.ref("segment_backtest_sample").df()
    labels = dbt.ref("stg_labels__true_segments").df()
    if not params["refit"]:
        return stored_table(session, str(dbt.this))
    return evaluate_candidates(sample, params, true_labels=labels, backtest=backtest)
