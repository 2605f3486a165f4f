"""Serving for tilannekuva: what readers get from a good build, in plain Python without Dagster.

`publish` copies the dbt marts into the read-only serving DuckDB file and swaps it in atomically,
with the `exports` (Parquet, CSV, manifest) and, when configured, the `postgres` copy; `query` is
the engine of the read-only query CLI, `dictionary` writes the data dictionary, `dashboard_queries`
holds the BI dashboard's queries and `report` renders the monthly report. Orchestration calls these;
nothing here imports orchestration or Dagster.
"""
