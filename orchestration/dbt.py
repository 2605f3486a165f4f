"""dbt models as Dagster assets; dbt tests become asset checks.

The manifest is prepared once (a `dbt parse` when it is missing or older than the project files)
and cached in `dbt_project/target`, so loading the definitions does not re-parse dbt every time.
"""

import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from ingestion.settings import settings_env
from orchestration.resources import PipelineSettings

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt installed beside this Python (the venv's), even when the venv is not on PATH.
_VENV_DBT = Path(sys.executable).with_name("dbt")
DBT_EXECUTABLE = str(_VENV_DBT) if _VENV_DBT.exists() else (shutil.which("dbt") or "dbt")


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


def _project_files_newest_mtime() -> float:
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in ("models", "macros", "tests", "seeds"):
        files.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return max(p.stat().st_mtime for p in files if p.exists())


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or stale; return the manifest path."""
    manifest = DBT_PROJECT.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _project_files_newest_mtime():
        dbt_resource().cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path).wait()
    return manifest


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


@dbt_assets(
    manifest=ensure_manifest(),
    project=DBT_PROJECT,
    dagster_dbt_translator=TilannekuvaTranslator(),
    pool="warehouse",
)
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineSettings) -> Iterator[Any]:
    """`dbt build` (models, data tests and unit tests) into the private build warehouse."""
    settings = pipeline.get()
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(settings_env(settings))
    yield from dbt.cli(["build"], context=context).stream()
