"""Housekeeping after a good publish: landing retention and old run history.

Runs only after publish succeeded, so a failed night never prunes anything. The landing versions
the serving warehouse was built from (its `publish_info`) are never deleted, whatever N is.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, RunsFilter, asset

from ingestion.catalogue import DATASETS
from ingestion.landing import Pruned, prune_versions
from ingestion.settings import Settings
from orchestration.assets.serving import publish
from orchestration.resources import PipelineSettings

# Dagster's dagster.yaml retention covers schedule and sensor ticks only; runs are pruned here.
RUN_HISTORY_DAYS = 180


def published_versions(serving_path: Path) -> set[str]:
    """Landing versions named in the serving file's `publish_info` (empty when nothing is published)."""
    if not serving_path.exists():
        return set()
    with duckdb.connect(str(serving_path), read_only=True) as con:
        rows = con.execute("SELECT DISTINCT landing_version FROM publish_info WHERE landing_version IS NOT NULL")
        return {row[0] for row in rows.fetchall()}


def prune_landing(settings: Settings) -> dict[str, Pruned]:
    """Apply `TILANNEKUVA_LANDING_KEEP` to every catalogued dataset, protecting the published versions."""
    protected = published_versions(settings.serving_path)
    return {
        f"{d.source}/{d.name}": prune_versions(
            settings.landing_dir, d.source, d.name, settings.landing_keep_versions, protected
        )
        for d in DATASETS
    }


@asset(
    key=["maintenance", "landing_retention"],
    deps=[publish],
    group_name="maintenance",
    kinds={"python"},
    description="Keeps the last N landing versions per dataset (never the published ones) and prunes old runs.",
)
def landing_retention(context: AssetExecutionContext, pipeline: PipelineSettings) -> MaterializeResult:
    settings = pipeline.get()
    pruned = prune_landing(settings)
    for dataset, result in pruned.items():
        if result.removed:
            context.log.info(f"{dataset}: removed {len(result.removed)} old landing versions")
    cutoff = datetime.now(UTC) - timedelta(days=RUN_HISTORY_DAYS)
    old_runs = context.instance.get_run_records(filters=RunsFilter(created_before=cutoff), limit=500)
    for record in old_runs:
        context.instance.delete_run(record.dagster_run.run_id)
    return MaterializeResult(
        metadata={
            "keep": settings.landing_keep_versions,
            "removed": MetadataValue.json({k: v.removed for k, v in pruned.items()}),
            "kept": MetadataValue.json({k: v.kept for k, v in pruned.items()}),
            "runs_deleted": len(old_runs),
        }
    )
