"""The dbt project is prepared by dagster-dbt's own preparer, and only when a project file changed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from dagster_dbt import DagsterDbtProjectPreparer

from orchestration import dbt_project
from orchestration.dbt_project import DBT_PROJECT, DBT_PROJECT_DIR, prepare_if_stale


def test_the_project_uses_dagster_dbts_preparer_and_needs_no_packages() -> None:
    assert isinstance(DBT_PROJECT.preparer, DagsterDbtProjectPreparer)
    assert DBT_PROJECT.project_dir == DBT_PROJECT_DIR
    # No packages: preparing never runs `dbt deps` (which would need the network).
    assert not (DBT_PROJECT_DIR / "packages.yml").exists() and not (DBT_PROJECT_DIR / "dependencies.yml").exists()
    assert not DBT_PROJECT.has_uninstalled_deps


@pytest.fixture
def prepared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record calls of the preparer instead of running dbt."""
    calls: list[str] = []
    monkeypatch.setattr(DBT_PROJECT.preparer, "prepare", lambda project: calls.append(project.name))
    return calls


def test_a_fresh_manifest_is_not_prepared_again(
    prepared: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    model = tmp_path / "model.sql"
    model.write_text("select 1")
    old = DBT_PROJECT.manifest_path.stat().st_mtime - 60
    os.utime(model, (old, old))
    monkeypatch.setattr(dbt_project, "project_files", lambda: [model])
    assert prepare_if_stale() == DBT_PROJECT.manifest_path
    assert prepared == []


def test_an_edited_model_is_prepared_again(
    prepared: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    model = tmp_path / "model.sql"
    model.write_text("select 2")
    new = time.time() + 60
    os.utime(model, (new, new))
    monkeypatch.setattr(dbt_project, "project_files", lambda: [model])
    prepare_if_stale()
    assert prepared == [DBT_PROJECT.name]
