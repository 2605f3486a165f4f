"""The forecast asset and the dbt models over its files: after the dbt build of the fact, before publish.

`outlook_forecasts` reads `fct_labour_market_monthly` from the build warehouse and writes the
forecasts and backtest of its release under `data/forecasts/<release>/` (plain Python in
`serving.outlook`). The dbt sources `forecasts.forecast` and `forecasts.backtest` read those files;
the models over them (staging/forecasts, marts/outlook) are a dbt asset of their own,
`dbt_outlook_models`, left out of `dbt_models`. One subsettable dbt asset on both sides of the
forecasts would work too, but Dagster then splits it into four dbt invocations (measured: every
one starts dbt again); two are the least this order needs.
"""

import os
from collections.abc import Iterator

import pyarrow.parquet as pq
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, multi_asset
from dagster_dbt import DbtCliResource, dbt_assets

from ingestion.settings import settings_env
from orchestration.dbt import OUTLOOK_MODELS, TilannekuvaTranslator, build_and_clean
from orchestration.dbt_project import DBT_PROJECT
from orchestration.resources import PipelineSettings

FACT_KEY = AssetKey(["marts", "fct_labour_market_monthly"])
FORECAST_KEYS = (AssetKey(["staging", "forecasts", "forecast"]), AssetKey(["staging", "forecasts", "backtest"]))
FORECASTS_DIR = "forecasts"
WORKERS = 2  # the machine's two cores; measured in bench/outlook_benchmark.py


@multi_asset(
    name="outlook_forecasts",
    specs=[AssetSpec(key, deps=[FACT_KEY], group_name="outlook", kinds={"parquet"}) for key in FORECAST_KEYS],
    pool="warehouse",
    description=(
        "Forecasts 1–12 months ahead per area (ETS and seasonal naive, 80 %/95 % intervals) and their "
        "rolling-origin backtest, written once per data release under data/forecasts/<release>/."
    ),
)
def outlook_forecasts(context: AssetExecutionContext, pipeline: PipelineSettings) -> Iterator[MaterializeResult]:
    """Computes only a release not stored yet; the same release again is reused as written.

    A failed fit of one series or a quarantined release folder is a warning here, not a failure.
    """
    # Imported here: statsmodels would add to every Dagster code-location load.
    from serving.outlook import BACKTEST_FILE, FORECAST_FILE, run_outlook

    settings = pipeline.get()
    workers = min(WORKERS, os.cpu_count() or 1)
    run = run_outlook(settings.warehouse_path, settings.data_dir / FORECASTS_DIR, workers=workers)
    for warning in run.warnings:
        context.log.warning(warning)
    context.log.info(run.describe())
    for key, name in zip(FORECAST_KEYS, (FORECAST_FILE, BACKTEST_FILE), strict=True):
        path = run.folder / name
        metadata = {
            "release": run.release.key,
            "unchanged": run.reused,
            "rows": pq.ParquetFile(path).metadata.num_rows,
            "path": MetadataValue.path(str(path)),
            "summary": run.describe(),
            "warnings": len(run.warnings),
        }
        yield MaterializeResult(asset_key=key, metadata=metadata)


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=TilannekuvaTranslator(),
    pool="warehouse",
    select=OUTLOOK_MODELS,
    name="dbt_outlook_models",
)
def dbt_outlook_models(context: AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineSettings) -> Iterator:
    """`dbt build` of mart_forecast and mart_forecast_accuracy (and their staging) over the stored forecasts.

    Runs only after the forecasts materialised, so it is skipped with them when nothing changed.
    """
    settings = pipeline.get()
    os.environ.update(settings_env(settings))
    yield from build_and_clean(dbt, context, settings)
