"""Customer segmentation: the Python half of the dbt project (sample data, ML)."""
