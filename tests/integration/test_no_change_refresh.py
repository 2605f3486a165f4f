"""A refresh in which no source changed downloads nothing and keeps the build and the serving file as they were."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from dagster import DagsterInstance, RunsFilter

from orchestration.jobs import NIGHTLY_REFRESH_JOB
from tests.conftest import CliRun, run_cli

pytestmark = pytest.mark.integration


def _digests(data_dir: Path) -> dict[str, str]:
    """sha256 of the build warehouse, the serving file and every published export file."""
    files = [data_dir / "build" / "warehouse.duckdb", data_dir / "serving" / "tilannekuva.duckdb"]
    files += sorted((data_dir / "serving" / "exports").resolve().iterdir())
    return {str(p.relative_to(data_dir)) if p.is_relative_to(data_dir) else p.name: _sha(p) for p in files}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_change_refresh_keeps_the_warehouse_byte_for_byte(sample_refresh: CliRun, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(sample_refresh.data_dir, data_dir, symlinks=True)
    before = _digests(data_dir)
    exports_before = (data_dir / "serving" / "exports").resolve()

    rerun = run_cli("refresh", data_dir=data_dir)

    assert rerun.returncode == 0, rerun.stderr
    assert "nothing changed, warehouse kept" in rerun.stdout
    assert "nothing changed, serving file kept" in rerun.stdout
    assert "tables published" not in rerun.stdout
    assert "Oulun seutu (TA24)" in rerun.stdout, "the headline is still read from the kept serving file"
    assert _digests(data_dir) == before
    assert (data_dir / "serving" / "exports").resolve() == exports_before
    with DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        [latest] = instance.get_runs(RunsFilter(job_name=NIGHTLY_REFRESH_JOB), limit=1)
        assert latest.tags.get("tilannekuva/warehouse") == "kept"
        log = "\n".join(
            e.user_message for e in instance.all_logs(latest.run_id) if "warehouse kept" in (e.user_message or "")
        )
    assert "every input equals that of the last publish; dbt build skipped" in log
