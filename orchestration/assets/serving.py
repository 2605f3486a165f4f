"""The publish asset: swaps in the serving DuckDB file and Parquet exports after a good build."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from orchestration.dbt import dbt_models
from orchestration.publish import publish_serving
from orchestration.resources import PipelineSettings


@asset(
    key=["serving", "tilannekuva"],
    deps=[dbt_models],
    group_name="serving",
    kinds={"duckdb", "parquet"},
    pool="warehouse",
    description="Read-only serving warehouse (tables only) and Parquet exports, swapped in atomically.",
)
def publish(context: AssetExecutionContext, pipeline: PipelineSettings) -> MaterializeResult:
    """Runs only when every upstream asset and blocking check succeeded in this run."""
    published = publish_serving(pipeline.get())
    context.log.info(f"published {len(published.tables)} tables to {published.serving_path}")
    return MaterializeResult(
        metadata={
            "serving_path": MetadataValue.path(str(published.serving_path)),
            "exports_dir": MetadataValue.path(str(published.exports_dir)),
            "tables": MetadataValue.json(published.tables),
            "published_at": published.published_at,
        }
    )
