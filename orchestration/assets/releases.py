"""Staging assets of the release history (vintages) of 12r5 and Kela, from every landed version.

Each runs the same staging procedure as the newest version (`ingestion.staging.stage`: tidy →
validate → quarantine or promote) with a tidy function that reads every landed release
(`ingestion.figure_releases`). A version failing to parse fails only this asset; the staging of the
newest version is its own asset and goes on.
"""

from collections.abc import Iterator

from dagster import AssetCheckSpec, AssetExecutionContext, AssetKey, AssetsDefinition, asset

from ingestion.figure_releases import CACHE_DIR, HISTORIES, ReleaseHistory, history_tidy
from ingestion.settings import Settings
from ingestion.staging import FrameStager, stage
from orchestration.assets.sources import CHECK_NAME, _stage_results, _suite
from orchestration.resources import PipelineSettings


def _history_asset(history: ReleaseHistory) -> AssetsDefinition:
    key = AssetKey(["staging", history.source, history.table])
    validate = _suite("validate_figure_releases")

    @asset(
        key=key,
        deps=[AssetKey(["landing", history.source, history.name])],
        group_name=history.source,
        kinds={"python", "parquet"},
        description=f"Release history of {history.label}: every landed version with a distinct source release "
        "parsed with the same tidy function as the newest, one row per figure (area, month, measure, breakdown) "
        "and release (source_updated_at). Parsed versions are cached by version; nothing is downloaded.",
        check_specs=[AssetCheckSpec(CHECK_NAME, asset=key, blocking=True, description="great-expectations suite")],
    )
    def _staging(context: AssetExecutionContext, pipeline: PipelineSettings) -> Iterator[object]:
        settings: Settings = pipeline.get()
        tidy = history_tidy(history, settings.data_dir / CACHE_DIR, context.log.warning)
        stager = FrameStager.of(settings, history.source, history.table, tidy)
        outcome = stage(settings.landing_dir, history.dataset, stager, validate)
        yield from _stage_results(context, outcome, {history.table: key}, key)

    return _staging


RELEASE_ASSETS = [_history_asset(h) for h in HISTORIES]
