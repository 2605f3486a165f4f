"""Plain-Python data quality: great-expectations suites per dataset and a runner (no Dagster)."""
