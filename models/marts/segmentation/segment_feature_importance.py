"""Which features drive the segments: random-forest importance for the whole model
(segment_id 0) and per segment (one segment against the rest)."""

import json

from segmentation.explain import feature_importance


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
    return feature_importance(features, labelled["segment_id"], params)
