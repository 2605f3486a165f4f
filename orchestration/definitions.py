"""The one Dagster `Definitions` object: assets by layer, checks, the nightly job and its schedule."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)

from orchestration.assets.serving import publish
from orchestration.assets.sources import SOURCE_ASSETS
from orchestration.dbt import dbt_models, dbt_resource
from orchestration.resources import PipelineSettings

# In-process: on two cores a multiprocess executor costs more in start-up than it wins, and the
# DuckDB writers (dbt, publish) must run one at a time anyway.
nightly_refresh = define_asset_job(
    "nightly_refresh",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Fetch every source, validate, build the marts with dbt and publish the serving warehouse.",
)

nightly_refresh_schedule = ScheduleDefinition(
    name="nightly_refresh_schedule",
    job=nightly_refresh,
    cron_schedule="30 3 * * *",
    execution_timezone="Europe/Helsinki",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every night at 03:30 Finnish time, after the day's releases (StatFin publishes at 08:00).",
)

defs = Definitions(
    assets=[*SOURCE_ASSETS, dbt_models, publish],
    jobs=[nightly_refresh],
    schedules=[nightly_refresh_schedule],
    resources={"pipeline": PipelineSettings(), "dbt": dbt_resource()},
)
