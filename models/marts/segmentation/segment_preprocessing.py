"""The selected model's preparation, one row per feature considered: imputation value,
transform, clipping bounds, centre and scale, and why a feature was dropped."""

import json

from segmentation.model import fit_segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = dbt.ref("segment_training_sample").df()
    candidates = dbt.ref("segment_model_candidates").df()
    return fit_segmentation(sample, candidates, params).steps
