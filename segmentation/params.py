"""Run parameters: one object, built from the dbt project's vars.

Every default lives in one place, the ``vars:`` of ``dbt_project.yml``. The dbt
Python models receive the parameters as one JSON config per family, rendered
from those vars in the model YAML (``segmentation_params`` in
``_segmentation__models.yml``, ``value_model_params`` in
``_predictions__models.yml``); :data:`SEGMENTATION_VARS` and
:data:`VALUE_MODEL_VARS` list the same names, and a test keeps them equal.
Code that runs outside dbt (tests, benchmarks, notebooks) leaves a parameter out
to take its default, read from ``dbt_project.yml`` next to the package
(:func:`segmentation.project.project_vars`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from segmentation.project import project_vars

# parameter name -> the dbt var it comes from (the same name but for two)
SEGMENTATION_VARS: dict[str, str] = {
    "features": "segmentation_features",
    "exclude_features": "exclude_features",
    "k_min": "k_min",
    "k_max": "k_max",
    "algorithms": "segmentation_algorithms",
    "include_autoencoder": "include_autoencoder",
    "random_state": "random_state",
    "silhouette_sample_size": "silhouette_sample_size",
    "stability_splits": "stability_splits",
    "min_segment_share": "min_segment_share",
    "min_stability": "min_stability",
    "max_segment_share": "max_segment_share",
    "min_segment_customers": "min_segment_customers",
    "backtest_auc_tolerance": "backtest_auc_tolerance",
    "backtest_bootstrap_samples": "backtest_bootstrap_samples",
    "correlation_threshold": "correlation_threshold",
    "skew_threshold": "skew_threshold",
    "outlier_iqr_factor": "outlier_iqr_factor",
    "outlier_quantile": "outlier_quantile",
    "hierarchical_max_rows": "hierarchical_max_rows",
    "mixture_max_rows": "mixture_max_rows",
    "rule_max_depth": "rule_max_depth",
    "segment_match_max_distance": "segment_match_max_distance",
    "refit": "refit",
}

VALUE_MODEL_VARS: dict[str, str] = {
    "prediction_horizon_days": "prediction_horizon_days",
    "value_model_sample_size": "value_model_sample_size",
    "value_model_min_customers": "value_model_min_customers",
    "value_model_min_repeat_buyers": "value_model_min_repeat_buyers",
    "value_model_max_iterations": "value_model_max_iterations",
    "prediction_series_rtol": "prediction_series_rtol",
    "random_state": "random_state",
}


def with_defaults(
    params: Mapping[str, Any] | None, names: Mapping[str, str]
) -> dict[str, Any]:
    """``params`` completed with the project's defaults for ``names``.

    Parameters
    ----------
    params : mapping or None
        Given parameters. A key set to ``None`` takes its default unless the
        default itself is ``None`` (e.g. ``features``); keys outside ``names``
        are kept as given.
    names : mapping
        Parameter name to dbt var name (:data:`SEGMENTATION_VARS` or
        :data:`VALUE_MODEL_VARS`).

    Returns
    -------
    dict
        A new dictionary with every parameter of ``names`` present.
    """
    given = dict(params or {})
    merged = dict(given)
    missing = [name for name in names if given.get(name) is None]
    if missing:
        defaults = project_vars()
        for name in missing:
            merged[name] = defaults[names[name]]
    return merged


# Below this many customers a fit takes less than starting workers for it.
PARALLEL_MIN_ROWS = 1000
JOBS_ENV = "SEGMENTATION_JOBS"


def worker_count(n_tasks: int, n_rows: int) -> int:
    """Workers for independent fits (the model search, the importance forests).

    The cores this process may use; ``SEGMENTATION_JOBS`` overrides the count
    (1 = everything in this process).  Small samples, and a single task, run
    in this process.  Results never depend on the count: every task is seeded
    on its own.
    """
    given = os.environ.get(JOBS_ENV, "").strip()
    if given:
        if not given.isdigit() or int(given) < 1:
            raise ValueError(
                f"{JOBS_ENV} must be a whole number of at least 1, got {given!r}."
            )
        jobs = int(given)
    else:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if n_rows < PARALLEL_MIN_ROWS:
        return 1
    return max(1, min(jobs, n_tasks))
