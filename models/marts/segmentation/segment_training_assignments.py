"""The Python model's own segment for every training customer: the SQL scorer
(customer_segments) must give each of them the same segment (tested)."""

import json

from segmentation.model import fit_segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = dbt.ref("segment_training_sample").df()
    candidates = dbt.ref("segment_model_candidates").df()
    return fit_segmentation(sample, candidates, params).sample_assignments
