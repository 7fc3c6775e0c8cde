"""The selected model's segments: id, name, description and the centroid in scaled
feature space (one column per selected feature), clustered on exactly the features
segment_preprocessing's stored steps produce. SQL scores customers from both.
A refit keeps the ids and names of the segments it finds again (matched against the
latest earlier snapshot in segment_catalog, read as the source segmentation_history).
With refit: false, the stored table is kept as it is."""

import json

import duckdb

from segmentation import serial_imports

with serial_imports():
    from segmentation.model import fit_segmentation
    from segmentation.warehouse import previous_segments, stored_table, to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = to_pandas(dbt.ref("segment_training_sample"))
    candidates = to_pandas(dbt.ref("segment_model_candidates"))
    steps = to_pandas(dbt.ref("segment_preprocessing"))
    if not params["refit"]:
        return stored_table(session, str(dbt.this))
    try:
        history = to_pandas(dbt.source("segmentation_history", "segment_catalog"))
    except duckdb.CatalogException:  # a first run: no catalog yet
        history = None
    previous, max_known_id = previous_segments(history, sample)
    return fit_segmentation(
        sample, candidates, params, previous, max_known_id, steps=steps
    ).centroids
