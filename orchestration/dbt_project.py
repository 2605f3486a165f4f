"""The dbt project as dagster-dbt describes it (`DbtProject`), prepared the way dagster-dbt documents.

Preparing means `dbt parse` into `dbt_project/target/manifest.json`, which the dbt assets are
defined from. The project has no dbt packages, so dagster-dbt's preparer never runs `dbt deps`.

- `dagster dev`: `DBT_PROJECT.prepare_if_dev()` below re-parses on every load of the definitions.
- Deploy time (the daemon and webserver): `dagster-dbt project prepare-and-package --file
  orchestration/dbt_project.py` writes the manifest; `python3 tasks.py setup` runs it after an
  install, and a server runs it again after pulling changes to `dbt_project/`.
- The project's own entry points, which run straight from the checkout (`tilannekuva refresh`,
  `rebuild` and `status`, the dictionary writer, the tests), call `prepare_if_stale()` first: the
  same dagster-dbt preparer, run only when a project file is newer than the manifest (or there is
  none), so a fresh clone gets a manifest and an edited model is seen without a separate step.

This module imports nothing but dagster-dbt, so the `prepare-and-package` command can load it
without a manifest.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

# dagster-dbt runs the `dbt` it finds on PATH. `.venv/bin/tilannekuva` and the other venv scripts
# run without the venv activated, so put the venv's bin directory (beside this Python) first on
# PATH, as activating it would.
_BIN = Path(sys.executable).parent
if (_BIN / "dbt").exists() and str(_BIN) not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join(filter(None, [str(_BIN), os.environ.get("PATH")]))

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
DBT_PROJECT.prepare_if_dev()


def project_files(project_dir: Path = DBT_PROJECT_DIR) -> list[Path]:
    """The files a dbt parse and build read: the project and profile settings, models, macros, tests, seeds."""
    files = [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    for folder in ("models", "macros", "tests", "seeds"):
        files.extend(sorted(p for p in (project_dir / folder).rglob("*") if p.is_file()))
    return [p for p in files if p.exists()]


def manifest_is_stale() -> bool:
    """Whether the manifest is missing or older than a project file."""
    manifest = DBT_PROJECT.manifest_path
    return not manifest.exists() or manifest.stat().st_mtime < max(p.stat().st_mtime for p in project_files())


def prepare_if_stale() -> Path:
    """Prepare the project with dagster-dbt's own preparer when the manifest is stale; return its path."""
    if manifest_is_stale():
        DBT_PROJECT.preparer.prepare(DBT_PROJECT)
    return DBT_PROJECT.manifest_path
