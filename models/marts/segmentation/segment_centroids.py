"""The selected model's segments: canonical id, name, description and the centroid in
scaled feature space (one column per selected feature). SQL scores customers from it."""

import json

from segmentation.model import fit_segmentation


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = dbt.ref("segment_training_sample").df()
    candidates = dbt.ref("segment_model_candidates").df()
    return fit_segmentation(sample, candidates, params).centroids
