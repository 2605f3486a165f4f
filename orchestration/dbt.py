"""dbt models as Dagster assets; dbt tests become asset checks.

The assets are defined from the manifest of the `DbtProject` in `orchestration.dbt_project`, which
says how and when it is prepared (`dagster dev`, `dagster-dbt project prepare-and-package`, or the
CLI before a run); loading the definitions does not parse dbt.

A refresh in which nothing changed skips the build: the inputs of a build (every staged Parquet
file, the freshness facts of the dataset status, the dbt project, the settings dbt and publish read)
are digested, and when they equal those of the last publish, the dbt asset yields no
materialization. Its outputs are optional (dagster-dbt marks them skippable), so Dagster skips
publish and everything downstream: the build warehouse, serving file and exports stay as they were.
"""

import hashlib
import json
import os
import secrets
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation, DbtCliResource, dbt_assets

from ingestion.durable import replace_durably, written_beside
from ingestion.refresh import STATUS_DATASET, STATUS_SOURCE
from ingestion.settings import Settings, settings_env
from orchestration.dbt_project import DBT_PROJECT, DBT_PROJECT_DIR, project_files
from orchestration.jobs import NIGHTLY_REFRESH_JOB
from orchestration.resources import PipelineSettings

# The dbt installed beside this Python (the venv's), even when the venv is not on PATH.
_VENV_DBT = Path(sys.executable).with_name("dbt")
DBT_EXECUTABLE = str(_VENV_DBT) if _VENV_DBT.exists() else (shutil.which("dbt") or "dbt")


# Unit tests check SQL logic against fixed inputs, so they belong in CI (tests/integration/
# test_dbt_unit_tests.py runs them), not in every nightly build; data tests stay in the nightly.
NIGHTLY_BUILD_ARGS = ("--exclude-resource-type", "unit_test")


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


class TilannekuvaTranslator(DagsterDbtTranslator):
    """Sources map onto the staging Parquet assets; models sit under their layer (staging, marts…)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey(["staging", dbt_resource_props["source_name"], dbt_resource_props["name"]])
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else "dbt"
        return AssetKey([layer, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


PUBLISHED_INPUTS_FILE = "published_inputs.json"
REBUILD_TRIGGER = ("tilannekuva/trigger", "rebuild")
KEPT_TAG = "tilannekuva/warehouse"
KEPT_MESSAGE = "nothing changed, warehouse kept"
# The freshness facts a build publishes; the time and outcome of the last attempt are left out, so
# that an attempt answering "unchanged" does not count as a change (a failed one does: is_stale).
STATUS_INPUT_COLUMNS = (
    "source",
    "dataset",
    "source_table",
    "landing_version",
    "source_updated",
    "fetched_at",
    "is_stale",
    "latest_period",
    "is_sample_data",
)
# Settings that change what dbt or publish produce (the data dir, area, alerts and retention do not).
SETTINGS_INPUTS = ("TILANNEKUVA_MODE", "TILANNEKUVA_SOURCES", "TILANNEKUVA_POSTGRES_URL")


def digest(*chunks: bytes) -> str:
    """sha256 of the chunks, hex: the one fingerprint the build and docs inputs are compared by."""
    hasher = hashlib.sha256()
    for chunk in chunks:
        hasher.update(chunk)
    return hasher.hexdigest()


def build_inputs(settings: Settings) -> dict[str, str]:
    """Digest of everything a build and publish are made from; equal digests mean an identical build."""
    status_path = settings.staging_dir / STATUS_SOURCE / f"{STATUS_DATASET}.parquet"
    inputs: dict[str, str] = {}
    for path in sorted(settings.staging_dir.rglob("*.parquet")):
        relative = path.relative_to(settings.staging_dir)
        if relative.parts[0] != "_quarantine" and path != status_path:
            inputs[f"staging/{relative.as_posix()}"] = digest(path.read_bytes())
    if status_path.exists():
        status = pq.read_table(status_path, columns=list(STATUS_INPUT_COLUMNS)).to_pandas()
        inputs["dataset_status"] = digest(status.to_json(orient="records", date_format="iso").encode())
    # One entry per project file, so that a rebuild's reason names the model, macro or seed that changed.
    for path in project_files(DBT_PROJECT_DIR):
        inputs[f"dbt_project/{path.relative_to(DBT_PROJECT_DIR).as_posix()}"] = digest(path.read_bytes())
    env = settings_env(settings)
    for name in SETTINGS_INPUTS:
        inputs[f"settings/{name}"] = digest(json.dumps(env[name]).encode())
    return inputs


def published_inputs_path(settings: Settings) -> Path:
    return settings.build_dir / PUBLISHED_INPUTS_FILE


def record_published_inputs(settings: Settings, inputs: dict[str, str]) -> None:
    """Remember what the serving file now published was built from (written after a good publish)."""
    path = published_inputs_path(settings)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(inputs, indent=1, sort_keys=True), encoding="utf-8")
    replace_durably(tmp, path)


def _overdue_flag_is_current(serving_path: Path) -> bool:
    """Whether every `is_overdue` the serving file holds is still true today (it flips by date alone)."""
    try:
        with duckdb.connect(str(serving_path), read_only=True) as con:
            flipped = con.execute(
                "SELECT count(*) FROM mart_data_freshness "
                "WHERE coalesce(current_date > overdue_after, false) <> is_overdue"
            ).fetchone()
    except duckdb.Error:
        return False
    return flipped is not None and flipped[0] == 0


def rebuild_reason(settings: Settings) -> str | None:
    """Why this run must build and publish, or None when nothing changed since the last publish."""
    recorded = published_inputs_path(settings)
    if not settings.serving_path.exists() or not recorded.exists():
        return "no earlier publish to keep"
    try:
        before = json.loads(recorded.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{recorded.name} is unreadable"
    now = build_inputs(settings)
    changed = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    if changed:
        return f"changed since the last publish: {', '.join(changed)}"
    if not _overdue_flag_is_current(settings.serving_path):
        return "a dataset's overdue flag in mart_data_freshness changes today"
    return None


PARTIAL_PARSE = "partial_parse.msgpack"


def dbt_work_dir(settings: Settings) -> Path:
    """`<data dir>/build/dbt`: each build's own folder and the parse state the builds share."""
    return settings.build_dir / "dbt"


def parse_state_path(settings: Settings) -> Path:
    """Where dbt's partial-parse state is kept for this data dir and checkout, between invocations.

    dbt parses the whole project again (4-6 s of each invocation) when the profile differs from the
    one that wrote the state, and the profile names the warehouse under the data dir: the state the
    prepare step leaves in `dbt_project/target` matches no data dir but its own. Parsed seeds carry
    the checkout's path, hence its digest in the name.
    """
    checkout = digest(str(DBT_PROJECT_DIR).encode())[:12]
    return dbt_work_dir(settings) / f"partial_parse.{checkout}.msgpack"


def invoke_dbt(
    dbt: DbtCliResource,
    args: list[str],
    settings: Settings,
    *,
    target_path: Path,
    context: AssetExecutionContext | None = None,
) -> DbtCliInvocation:
    """`dbt <args>` in `target_path`, starting from this data dir's parse state when there is one.

    dagster-dbt would copy the state of `dbt_project/target`, which never matches (see
    `parse_state_path`); a state already in the target folder is left as it is.
    """
    target_path.mkdir(parents=True, exist_ok=True)
    state = parse_state_path(settings)
    if state.exists():
        shutil.copyfile(state, target_path / PARTIAL_PARSE)
    return dbt.cli(args, context=context, target_path=target_path)


def keep_parse_state(settings: Settings, invocation: DbtCliInvocation) -> None:
    """Make a successful invocation's parse state the one the next invocation on this data dir starts from."""
    produced = invocation.target_path / PARTIAL_PARSE
    if produced.exists():
        with written_beside(parse_state_path(settings)) as tmp:
            shutil.copyfile(produced, tmp)


def build_and_clean(dbt: DbtCliResource, context: AssetExecutionContext, settings: Settings) -> Iterator[Any]:
    """`dbt build` streamed to Dagster; its per-run target folder is removed once the build succeeded.

    Every invocation gets its own `<data dir>/build/dbt/<op>-<run>-<random>/` (manifest, run results,
    compiled SQL: 27 MB a night for the two builds), named as dagster-dbt names them, which a nightly
    schedule would pile up by the gigabyte. A failed build keeps its folder, for reading what dbt compiled.
    """
    name = f"{context.op_execution_context.op.name}-{context.run.run_id[:7]}-{secrets.token_hex(4)}"
    target = dbt_work_dir(settings) / name
    invocation = invoke_dbt(dbt, ["build", *NIGHTLY_BUILD_ARGS], settings, target_path=target, context=context)
    yield from invocation.stream()
    if invocation.is_successful():
        keep_parse_state(settings, invocation)
        shutil.rmtree(invocation.target_path, ignore_errors=True)


# The models over the stored forecasts: a dbt asset of their own (orchestration.assets.outlook), built
# after the forecast asset, which itself follows the labour-market fact built here.
OUTLOOK_MODELS = "path:models/staging/forecasts path:models/marts/outlook"


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=TilannekuvaTranslator(),
    pool="warehouse",
    exclude=OUTLOOK_MODELS,
)
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineSettings) -> Iterator[Any]:
    """`dbt build` (models and data tests) into the private build warehouse, unless nothing changed.

    In the nightly job, when nothing changed, no output is yielded, so Dagster skips publish and
    what follows it; a rebuild (`tilannekuva rebuild`) and a materialization asked for in the UI
    always build.
    """
    settings = pipeline.get()
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    rebuild = context.run.tags.get(REBUILD_TRIGGER[0]) == REBUILD_TRIGGER[1]
    if context.run.job_name == NIGHTLY_REFRESH_JOB and not rebuild:
        reason = rebuild_reason(settings)
        if reason is None:
            context.log.info(f"{KEPT_MESSAGE}: every input equals that of the last publish; dbt build skipped")
            context.instance.add_run_tags(context.run_id, {KEPT_TAG: "kept"})
            return
        context.log.info(f"building: {reason}")
    os.environ.update(settings_env(settings))
    yield from build_and_clean(dbt, context, settings)
