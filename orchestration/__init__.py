"""Dagster wiring for tilannekuva: assets, checks, dbt, publish, jobs, schedules and the CLI."""
