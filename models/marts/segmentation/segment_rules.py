"""Readable rules that explain the segments: a shallow decision tree fitted on the
training customers' segments, per segment as text and as a SQL expression, with
precision, recall and F1 against the segments (its fidelity)."""

import json

from segmentation import serial_imports

with serial_imports():
    from segmentation.explain import surrogate_rules
    from segmentation.warehouse import for_warehouse, labelled_sample, to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = to_pandas(dbt.ref("segment_training_sample"))
    assignments = to_pandas(dbt.ref("segment_training_assignments"))
    features, segment_ids = labelled_sample(sample, assignments)
    return for_warehouse(session, surrogate_rules(features, segment_ids, params))
