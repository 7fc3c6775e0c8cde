"""The per-customer prediction models: BG/NBD (purchases and dropout) and Gamma-Gamma
(spend per order), fitted by maximum likelihood on a bounded, stratified sample of
customer summaries, once per snapshot (current and backtest). One row per snapshot,
model and parameter, with the fit's method, sample size, log-likelihood, convergence,
time and a status sentence. SQL scores every customer from it."""

import json

from segmentation import serial_imports

with serial_imports():
    from segmentation.predictions import fit_value_models, snapshot_horizons
    from segmentation.warehouse import for_warehouse, to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("value_model_params")
    params = json.loads(params_json)
    sample = to_pandas(dbt.ref("customer_value_sample"))
    run = to_pandas(dbt.ref("int_run_parameters"))
    horizons = snapshot_horizons(run, params["prediction_horizon_days"])
    return for_warehouse(session, fit_value_models(sample, horizons, params))
