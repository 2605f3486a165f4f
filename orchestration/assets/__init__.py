"""Assets by layer: landing (raw responses), staging (validated Parquet), dbt models, publish."""
