"""The selected model's preparation, one row per feature considered: imputation value,
transform, clipping bounds, centre and scale, and why a feature was dropped.
The preparation is fitted here once; segment_centroids clusters what these steps
produce. With refit: false, the stored table is kept as it is."""

import json

from segmentation import serial_imports

with serial_imports():
    from segmentation.model import fit_preparation
    from segmentation.warehouse import for_warehouse, stored_table, to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = to_pandas(dbt.ref("segment_training_sample"))
    candidates = to_pandas(dbt.ref("segment_model_candidates"))
    if not params["refit"]:
        return for_warehouse(session, stored_table(session, str(dbt.this)))
    return for_warehouse(session, fit_preparation(sample, candidates, params))
