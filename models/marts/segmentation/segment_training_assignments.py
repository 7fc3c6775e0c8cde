"""The Python model's own segment for every training customer, computed from the stored
preprocessing and centroid tables: the SQL scorer (customer_segments) must give each of
them the same segment (tested)."""

from segmentation.model import model_from_tables


def model(dbt, session):
    dbt.config(materialized="table")
    sample = dbt.ref("segment_training_sample").df()
    steps = dbt.ref("segment_preprocessing").df()
    centroids = dbt.ref("segment_centroids").df()
    return model_from_tables(steps, centroids).assign(sample)
