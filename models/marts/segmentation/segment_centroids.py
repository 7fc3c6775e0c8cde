"""The selected model's segments: id, name, description and the centroid in scaled
feature space (one column per selected feature), clustered on exactly the features
segment_preprocessing's stored steps produce. SQL scores customers from both.
A refit keeps the ids and names of the segments it finds again (matched against the
latest earlier snapshot in segment_catalog, read as the source segmentation_history).
With refit: false, the stored table is kept as it is."""

import json

from segmentation import serial_imports

with serial_imports():
    from segmentation.model import fit_segmentation
    from segmentation.warehouse import (
        for_warehouse,
        is_missing_table,
        previous_segments,
        stored_table,
        to_pandas,
    )


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = to_pandas(dbt.ref("segment_training_sample"))
    candidates = to_pandas(dbt.ref("segment_model_candidates"))
    steps = to_pandas(dbt.ref("segment_preprocessing"))
    if not params["refit"]:
        return for_warehouse(session, stored_table(session, str(dbt.this)))
    try:
        history = to_pandas(dbt.source("segmentation_history", "segment_catalog"))
    except Exception as error:
        if not is_missing_table(error):
            raise
        history = None  # a first run: no catalog yet
    previous, max_known_id = previous_segments(history, sample)
    fitted = fit_segmentation(
        sample, candidates, params, previous, max_known_id, steps=steps
    )
    return for_warehouse(session, fitted.centroids)
