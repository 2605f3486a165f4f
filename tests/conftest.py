"""Shared fixtures: one sample refresh per test session, run exactly as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.helpers import PROJECT_ROOT

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def pytest_configure(config: pytest.Config) -> None:
    """Prepare the dbt project (dagster-dbt's preparer) if a model changed: test modules import the dbt assets."""
    from orchestration.dbt_project import prepare_if_stale

    prepare_if_stale()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files that run whole refreshes first (a stable sort, so a file's tests stay together).

    With one worker per core, each taking whole files (`tasks.py test`), the many quick unit files
    then even out the end, instead of one worker running a long crash or refresh file alone.
    """
    items.sort(key=lambda item: item.get_closest_marker("integration") is None)


@dataclass(frozen=True)
class CliRun:
    """A finished `tilannekuva` process."""

    returncode: int
    stdout: str
    stderr: str
    data_dir: Path

    @property
    def serving_path(self) -> Path:
        """The read-only serving database the run published."""
        return self.data_dir / "serving" / "tilannekuva.duckdb"


def run_cli(*args: str, data_dir: Path, env: dict[str, str] | None = None, timeout: int = 600) -> CliRun:
    """Run the console script in a fresh process against `data_dir`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_") and k != "DAGSTER_HOME"}
    environment.update({"TILANNEKUVA_DATA_DIR": str(data_dir), **(env or {})})
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CliRun(completed.returncode, completed.stdout, completed.stderr, data_dir)


@pytest.fixture(scope="session")
def sample_refresh(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """The full sample refresh, once, into a temporary data directory."""
    data_dir = tmp_path_factory.mktemp("refresh") / "data"
    result = run_cli("refresh", data_dir=data_dir)
    assert result.returncode == 0, f"refresh failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def serving(sample_refresh: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the sample refresh's serving database, as an analyst opens it."""
    con = duckdb.connect(str(sample_refresh.serving_path), read_only=True)
    yield con
    con.close()
