"""The dbt unit tests, run in CI instead of in every nightly build.

They check SQL logic against fixed inputs, so they cannot change from night to night; the nightly
`dbt build` excludes them (orchestration.dbt.NIGHTLY_BUILD_ARGS) and keeps the data tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from orchestration.dbt import DBT_EXECUTABLE, DBT_PROJECT_DIR, NIGHTLY_BUILD_ARGS
from tests.conftest import CliRun

pytestmark = pytest.mark.integration


def test_the_nightly_build_leaves_unit_tests_to_ci() -> None:
    assert NIGHTLY_BUILD_ARGS == ("--exclude-resource-type", "unit_test")


def _declared_unit_tests() -> int:
    return sum(
        len((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests") or [])
        for path in (DBT_PROJECT_DIR / "models").rglob("*.yml")
    )


def test_every_dbt_unit_test_passes_against_the_sample_build(sample_refresh: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    cached = DBT_PROJECT_DIR / "target" / "partial_parse.msgpack"
    if cached.exists():
        shutil.copyfile(cached, target / cached.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_")}
    env["TILANNEKUVA_DATA_DIR"] = str(sample_refresh.data_dir)
    done = subprocess.run(
        [DBT_EXECUTABLE, "test", "--select", "test_type:unit", "--target-path", str(target)],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    summary = next(line for line in done.stdout.splitlines() if "Done. PASS=" in line)
    passed = int(summary.split("PASS=")[1].split()[0])
    assert passed == _declared_unit_tests() > 0, summary
