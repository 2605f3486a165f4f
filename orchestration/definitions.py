"""The one Dagster `Definitions` object: assets by layer, checks, the nightly and rebuild jobs, the schedule."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    ScheduleDefinition,
    colored_console_logger,
    define_asset_job,
    in_process_executor,
)

from ingestion.memory import freeze_start_up_objects, use_system_pool_for_arrow
from orchestration.alerts import CHECK_HOOKS, alert_on_run_failure
from orchestration.assets.outlook import dbt_outlook_models, outlook_forecasts
from orchestration.assets.releases import RELEASE_ASSETS
from orchestration.assets.report import monthly_report
from orchestration.assets.retention import landing_retention
from orchestration.assets.serving import publish
from orchestration.assets.sources import SOURCE_ASSETS
from orchestration.dbt import dbt_models, dbt_resource
from orchestration.jobs import NIGHTLY_REFRESH_JOB, NIGHTLY_REFRESH_SCHEDULE, REBUILD_JOB
from orchestration.progress import progress_logger
from orchestration.resources import PipelineSettings
from orchestration.sensors import source_release_sensor
from orchestration.sqlite_storage import RUN_SHARD_DIR  # noqa: F401  (registers the SQLite commit hook)

# Every step runs in this one process, which hands back what each staging step freed
# (ingestion.memory); Arrow's buffers must come from the allocator that can.
use_system_pool_for_arrow()

# In-process: on two cores a multiprocess executor costs more in start-up than it wins, and the
# DuckDB writers (dbt, publish) must run one at a time anyway.
nightly_refresh = define_asset_job(
    NIGHTLY_REFRESH_JOB,
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    hooks=CHECK_HOOKS,
    description="Fetch every source, validate, build the marts with dbt and publish the serving warehouse.",
)

# `tilannekuva rebuild`: no landing (no network) and no housekeeping; the CLI also clears the staging
# markers first so that staging re-parses every landed version instead of skipping the staged ones.
rebuild = define_asset_job(
    REBUILD_JOB,
    selection=AssetSelection.all() - AssetSelection.key_prefixes(["landing"], ["maintenance"]),
    executor_def=in_process_executor,
    hooks=CHECK_HOOKS,
    description="Re-parse every landed version, validate, build the marts and publish, without the network.",
)

nightly_refresh_schedule = ScheduleDefinition(
    name=NIGHTLY_REFRESH_SCHEDULE,
    job=nightly_refresh,
    cron_schedule="30 3 * * *",
    execution_timezone="Europe/Helsinki",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Every night at 03:30 Finnish time, after the day's releases (StatFin publishes at 08:00).",
)

defs = Definitions(
    assets=[
        *SOURCE_ASSETS,
        *RELEASE_ASSETS,
        dbt_models,
        outlook_forecasts,
        dbt_outlook_models,
        publish,
        monthly_report,
        landing_retention,
    ],
    jobs=[nightly_refresh, rebuild],
    schedules=[nightly_refresh_schedule],
    sensors=[source_release_sensor, alert_on_run_failure],
    # `progress` runs only when run config names it (the CLI); other runs log to the console.
    loggers={"console": colored_console_logger, "progress": progress_logger},
    resources={"pipeline": PipelineSettings(), "dbt": dbt_resource()},
)

# Loaded once per process; the steps' own objects are what garbage collection should look at.
freeze_start_up_objects()
