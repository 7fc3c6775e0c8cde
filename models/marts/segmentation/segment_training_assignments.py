"""The Python model's own segment for every training customer, computed from the stored
preprocessing and centroid tables: the SQL scorer (customer_segments) must give each of
them the same segment (tested)."""

from segmentation import serial_imports

with serial_imports():
    from segmentation.model import model_from_tables
    from segmentation.warehouse import for_warehouse, to_pandas


def model(dbt, session):
    dbt.config(materialized="table")
    sample = to_pandas(dbt.ref("segment_training_sample"))
    steps = to_pandas(dbt.ref("segment_preprocessing"))
    centroids = to_pandas(dbt.ref("segment_centroids"))
    return for_warehouse(session, model_from_tables(steps, centroids).assign(sample))
