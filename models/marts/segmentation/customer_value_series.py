"""The customer-independent coefficients of the BG/NBD expected-orders series, per
snapshot, with as many terms as the horizon needs for the relative truncation error
prediction_series_rtol. SQL sums them for every customer (customer_value_scores)."""

import json

from segmentation import serial_imports

with serial_imports():
    from segmentation.predictions import series_table
    from segmentation.warehouse import for_warehouse, to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    params_json = dbt.config.get("value_model_params")
    params = json.loads(params_json)
    value_model = to_pandas(dbt.ref("customer_value_model"))
    return for_warehouse(
        session, series_table(value_model, rtol=params["prediction_series_rtol"])
    )
