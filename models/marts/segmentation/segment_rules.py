"""Readable rules that explain the segments: a shallow decision tree fitted on the
training customers' segments, per segment as text and as a SQL expression, with
precision, recall and F1 against the segments (its fidelity)."""

import json

from segmentation.explain import surrogate_rules


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = dbt.ref("segment_training_sample").df()
    assignments = dbt.ref("segment_training_assignments").df()
    labelled = sample.merge(
        assignments[["customer_id", "segment_id"]], on="customer_id"
    )
    features = labelled.drop(columns=["segment_id"])
    return surrogate_rules(features, labelled["segment_id"], params)
