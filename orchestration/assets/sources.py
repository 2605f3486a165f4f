"""Landing and staging assets for each catalogued dataset, with blocking quality checks.

The staging asset validates the parsed frame before it replaces the Parquet file dbt reads: data
failing its suite is quarantined (kept in landing and under `staging/_quarantine/`), the previous
good file stays in use, and the failed check names the expectation and example rows.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ingestion.catalogue import LABOUR_MARKET, MUNICIPALITY_AREAS
from ingestion.datasets import (
    Landed,
    land_municipality_areas,
    land_pxweb_table,
    staging_path,
    tidy_municipality_areas,
    tidy_pxweb_table,
    write_parquet_atomic,
)
from ingestion.errors import TilannekuvaError
from ingestion.landing import latest_version, read_manifest
from ingestion.settings import Settings
from orchestration.resources import PipelineSettings
from quality.runner import SuiteResult
from quality.suites import validate_labour_market, validate_municipality_areas

CHECK_NAME = "great_expectations_suite"


def _landing_asset(source: str, name: str, description: str, land: Callable[..., Landed]) -> AssetsDefinition:
    @asset(key=["landing", source, name], group_name=source, kinds={"python"}, description=description)
    def _landing(context: AssetExecutionContext, pipeline: PipelineSettings) -> MaterializeResult:
        settings = pipeline.get()
        try:
            landed = land(settings, pipeline.session())
        except TilannekuvaError as exc:
            raise Failure(description=str(exc)) from exc
        manifest = landed.manifest
        context.log.info(f"{source}/{name}: landed {len(manifest.responses)} responses in {landed.path}")
        return MaterializeResult(
            metadata={
                "version": manifest.version,
                "path": MetadataValue.path(str(landed.path)),
                "mode": manifest.mode,
                "source_updated": manifest.source_updated or "",
                "responses": len(manifest.responses),
                "bytes": sum(r.bytes for r in manifest.responses),
            }
        )

    return _landing


def _staging_asset(
    source: str,
    name: str,
    description: str,
    tidy: Callable[[Path], pd.DataFrame],
    validate: Callable[[pd.DataFrame], SuiteResult],
) -> AssetsDefinition:
    key = AssetKey(["staging", source, name])

    @asset(
        key=key,
        deps=[AssetKey(["landing", source, name])],
        group_name=source,
        kinds={"python", "parquet"},
        description=description,
        check_specs=[AssetCheckSpec(CHECK_NAME, asset=key, blocking=True, description="great-expectations suite")],
    )
    def _staging(context: AssetExecutionContext, pipeline: PipelineSettings) -> Iterator[object]:
        settings: Settings = pipeline.get()
        version = latest_version(settings.landing_dir, source, name)
        if version is None:
            raise Failure(description=f"{source}/{name}: nothing has landed yet under {settings.landing_dir}")
        try:
            frame = tidy(version)
        except TilannekuvaError as exc:
            raise Failure(description=str(exc)) from exc
        result = validate(frame)
        check_metadata = {
            "expectations": len(result.outcomes),
            "failed": len(result.failures),
            "landing_version": version.name,
            "summary": MetadataValue.md(f"```\n{result.summary()}\n```"),
        }
        if not result.success:
            quarantine = settings.staging_dir / "_quarantine" / source / f"{name}-{version.name}.parquet"
            write_parquet_atomic(frame, quarantine)
            yield AssetCheckResult(
                check_name=CHECK_NAME, passed=False, severity=AssetCheckSeverity.ERROR, metadata=check_metadata
            )
            raise Failure(
                description=f"{result.summary()}\nNot promoted; quarantined in {quarantine}; the previous file stays.",
            )
        path = staging_path(settings, source, name)
        write_parquet_atomic(frame, path)
        manifest = read_manifest(version)
        context.log.info(f"{source}/{name}: {len(frame)} rows → {path}")
        yield MaterializeResult(
            metadata={
                "rows": len(frame),
                "path": MetadataValue.path(str(path)),
                "landing_version": version.name,
                "source_updated": manifest.source_updated or "",
                "is_sample_data": manifest.mode == "sample",
            },
            check_results=[AssetCheckResult(check_name=CHECK_NAME, passed=True, metadata=check_metadata)],
        )

    return _staging


landing_labour_market = _landing_asset(
    LABOUR_MARKET.source, LABOUR_MARKET.name, f"Raw PxWeb responses of {LABOUR_MARKET.table}.", land_pxweb_table
)
staging_labour_market = _staging_asset(
    LABOUR_MARKET.source,
    LABOUR_MARKET.name,
    f"Tidy Parquet of {LABOUR_MARKET.table}: {LABOUR_MARKET.description}",
    tidy_pxweb_table,
    validate_labour_market,
)
landing_municipality_areas = _landing_asset(
    MUNICIPALITY_AREAS.source,
    MUNICIPALITY_AREAS.name,
    "Raw correspondence tables of the classification service.",
    land_municipality_areas,
)
staging_municipality_areas = _staging_asset(
    MUNICIPALITY_AREAS.source,
    MUNICIPALITY_AREAS.name,
    f"Tidy Parquet: {MUNICIPALITY_AREAS.description}",
    tidy_municipality_areas,
    validate_municipality_areas,
)

SOURCE_ASSETS = [landing_labour_market, staging_labour_market, landing_municipality_areas, staging_municipality_areas]
