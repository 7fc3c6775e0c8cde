"""The selected model's segments: id, name, description and the centroid in scaled
feature space (one column per selected feature), clustered on exactly the features
segment_preprocessing's stored steps produce. SQL scores customers from both.
A refit keeps the ids and names of the segments it finds again (matched against the
latest earlier snapshot in segment_catalog, read as the source segmentation_history).
With refit: false, the stored table is kept as it is."""

import json

import duckdb

from segmentation.model import fit_segmentation
from segmentation.warehouse import previous_segments, stored_table


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = dbt.ref("segment_training_sample").df()
    candidates = dbt.ref("segment_model_candidates").df()
    steps = dbt.ref("segment_preprocessing").df()
    if not params["refit"]:
        return stored_table(session, str(dbt.this))
    try:
        history = dbt.source("segmentation_history", "segment_catalog").df()
    except duckdb.CatalogException:  # a first run: no catalog yet
        history = None
    previous, max_known_id = previous_segments(history, sample)
    return fit_segmentation(
        sample, candidates, params, previous, max_known_id, steps=steps
    ).centroids
