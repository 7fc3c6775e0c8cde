"""Which features drive the segments: random-forest importance for the whole model
(segment_id 0) and per segment (one segment against the rest)."""

import json

from segmentation import serial_imports

with serial_imports():
    from segmentation.explain import feature_importance
    from segmentation.warehouse import for_warehouse, labelled_sample, to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = to_pandas(dbt.ref("segment_training_sample"))
    assignments = to_pandas(dbt.ref("segment_training_assignments"))
    features, segment_ids = labelled_sample(sample, assignments)
    return for_warehouse(session, feature_importance(features, segment_ids, params))
