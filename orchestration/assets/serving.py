"""The publish asset: swaps in the serving DuckDB file, exports, docs site (and PostgreSQL copy) after a good build."""

import json
import os
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_dbt import DbtCliResource

from ingestion.settings import Settings, settings_env
from orchestration.assets.outlook import dbt_outlook_models
from orchestration.dbt import build_inputs, dbt_models, digest, invoke_dbt, keep_parse_state, record_published_inputs
from orchestration.resources import PipelineSettings
from serving.publish import publish_serving, reuse_published_docs, warehouse_schema

# The build inputs that shape the docs site besides the project files (new data does not).
DOCS_SETTINGS_INPUTS = ("settings/TILANNEKUVA_MODE", "settings/TILANNEKUVA_SOURCES")


def timing_message(phase: str, seconds: dict[str, float]) -> str:
    """`timing: publish.copy=1.23 …`: a log line the refresh benchmarks read to say where the time went."""
    return "timing: " + " ".join(f"{phase}.{name}={value:.3f}" for name, value in seconds.items())


def generate_dbt_docs(dbt: DbtCliResource, settings: Settings, target: Path) -> Path:
    """`dbt docs generate --static` against the build warehouse: one self-contained page plus its JSON."""
    invocation = invoke_dbt(dbt, ["docs", "generate", "--static", "--quiet"], settings, target_path=target).wait()
    keep_parse_state(settings, invocation)
    return target


def docs_digest(settings: Settings, inputs: dict[str, str]) -> str:
    """Digest of what `dbt docs generate` reads: the project, settings, the data dir, dbt's version, the schema."""
    made_from = {
        "inputs": {k: v for k, v in inputs.items() if k.startswith("dbt_project/") or k in DOCS_SETTINGS_INPUTS},
        # Compiled SQL names the staging files under the data dir.
        "data_dir": str(settings.data_dir.resolve()),
        "dbt": [version("dbt-core"), version("dbt-duckdb")],
        "schema": warehouse_schema(settings.warehouse_path),
    }
    return digest(json.dumps(made_from, sort_keys=True).encode())


@asset(
    key=["serving", "tilannekuva"],
    deps=[dbt_models, dbt_outlook_models],
    group_name="serving",
    kinds={"duckdb", "parquet", "csv"},
    pool="warehouse",
    description=(
        "Read-only serving warehouse (tables only), Parquet and CSV exports with a manifest, the dbt docs site "
        "and, when TILANNEKUVA_POSTGRES_URL is set, a PostgreSQL copy; all swapped in atomically."
    ),
)
def publish(context: AssetExecutionContext, pipeline: PipelineSettings, dbt: DbtCliResource) -> MaterializeResult:
    """Runs only when every upstream asset and blocking check succeeded in this run.

    Skipped by Dagster when the dbt asset kept the warehouse (nothing changed); after a good publish
    it records what the build was made from, which the next run compares against.
    """
    settings = pipeline.get()
    os.environ.update(settings_env(settings))
    began = time.perf_counter()
    inputs = build_inputs(settings)
    timings = {"build_inputs": time.perf_counter() - began}
    with tempfile.TemporaryDirectory(prefix="tilannekuva-docs-") as tmp:
        began = time.perf_counter()
        made_from = docs_digest(settings, inputs)
        docs_build = Path(tmp)
        if reuse_published_docs(settings, made_from, docs_build):
            context.log.info("docs site reused: the project, settings and warehouse schema are as last published")
            timings["docs_reused"] = time.perf_counter() - began
        else:
            generate_dbt_docs(dbt, settings, docs_build)
            timings["docs_generate"] = time.perf_counter() - began
        published = publish_serving(settings, docs_build=docs_build, docs_digest=made_from)
    record_published_inputs(settings, inputs)
    context.log.info(f"published {len(published.tables)} tables to {published.serving_path}")
    context.log.info(timing_message("publish", {**timings, **published.timings}))
    metadata = {
        "serving_path": MetadataValue.path(str(published.serving_path)),
        "exports_dir": MetadataValue.path(str(published.exports_dir)),
        "tables": MetadataValue.json(published.tables),
        "published_at": published.published_at,
    }
    if published.docs_dir:
        metadata["docs_site"] = MetadataValue.path(str(published.docs_dir / "index.html"))
    if published.postgres_schema:
        metadata["postgres_schema"] = published.postgres_schema
    return MaterializeResult(metadata=metadata)
