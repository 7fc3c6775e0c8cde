"""What the training sample looked like: quantile bins and shares of every selected
feature, kept so later runs can measure drift (segment_drift). With refit: false, the
stored table (the training run's) is kept."""

import json

from segmentation import serial_imports

with serial_imports():
    from segmentation.drift import training_distribution
    from segmentation.warehouse import for_warehouse, stored_table, to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = to_pandas(dbt.ref("segment_training_sample"))
    steps = to_pandas(dbt.ref("segment_preprocessing"))
    if not params["refit"]:
        return for_warehouse(session, stored_table(session, str(dbt.this)))
    return for_warehouse(session, training_distribution(sample, steps))
