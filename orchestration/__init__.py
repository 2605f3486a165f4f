"""Dagster wiring on top of the pipeline: assets, checks, dbt, jobs, schedules, sensors, the CLI and operations.

Data flows ingestion → quality → dbt_project → serving; this package only schedules and connects those
steps (and reports on them: alerts, status, progress). Nothing below imports it.
"""
