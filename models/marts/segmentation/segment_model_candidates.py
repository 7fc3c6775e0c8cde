"""Every candidate clustering (algorithm x k x feature set) with its backtest
usefulness and metrics; one selected. With refit: false, the stored table is kept."""

import json

from segmentation import serial_imports

with serial_imports():
    from segmentation.candidates import evaluate_candidates
    from segmentation.warehouse import for_warehouse, stored_table, to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = to_pandas(dbt.ref("segment_training_sample"))
    backtest = to_pandas(dbt.ref("segment_backtest_sample"))
    labels = to_pandas(dbt.ref("stg_labels__true_segments"))
    if not params["refit"]:
        return for_warehouse(session, stored_table(session, str(dbt.this)))
    return for_warehouse(
        session,
        evaluate_candidates(sample, params, true_labels=labels, backtest=backtest),
    )
