"""Every candidate clustering (algorithm x k x feature space) with its metrics; one selected.

The fitting lives in the `segmentation` package; this model only moves tables.
"""

import json

from segmentation.candidates import evaluate_candidates


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("segmentation_params")
    params = json.loads(params_json)
    sample = dbt.ref("segment_training_sample").df()
    labels = dbt.ref("stg_labels__true_segments").df()
    return evaluate_candidates(sample, params, true_labels=labels)
