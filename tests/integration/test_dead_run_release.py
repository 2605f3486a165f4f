"""A CLI run whose process was killed holding the `warehouse` pool slot does not block the next run.

Real processes against a real instance made from the project's dagster.yaml: a run claims the
slot and is SIGKILLed; a second run then waits for the slot; `release_dead_runs` (public Dagster
API only: `get_run_records`, `delete_run`) releases it and the next run completes. Should a Dagster
upgrade stop `delete_run` from freeing a deleted run's slots, the last run hangs and this test fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from orchestration.cli import DAGSTER_YAML, HOST_TAG, PID_TAG, release_dead_runs
from tests.helpers import PROJECT_ROOT

pytestmark = pytest.mark.integration

RUN = textwrap.dedent(
    f"""
    import os, socket, sys, time
    from pathlib import Path
    from dagster import DagsterInstance, Definitions, asset, define_asset_job

    marker, mode = Path(sys.argv[1]), sys.argv[2]

    @asset(pool="warehouse")
    def writer():
        marker.write_text("slot claimed")
        if mode == "hang":
            time.sleep(600)

    job = Definitions(assets=[writer], jobs=[define_asset_job("j", [writer])]).resolve_job_def("j")
    tags = {{{PID_TAG!r}: str(os.getpid()), {HOST_TAG!r}: socket.gethostname()}}
    with DagsterInstance.get() as instance:
        sys.exit(0 if job.execute_in_process(instance=instance, tags=tags).success else 1)
    """
)


def _start(home: Path, marker: Path, mode: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-c", RUN, str(marker), mode], cwd=PROJECT_ROOT, env=env)


def _wait_for(marker: Path, process: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if marker.exists():
            return True
        time.sleep(0.1)
    return marker.exists()


def test_a_killed_run_is_released_and_the_next_run_gets_the_slot(tmp_path: Path) -> None:
    from dagster import DagsterInstance

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")

    dead = _start(home, tmp_path / "dead", "hang")
    assert _wait_for(tmp_path / "dead", dead, 120), "the first run never claimed the slot"
    dead.send_signal(signal.SIGKILL)
    dead.wait(timeout=30)

    waiting = _start(home, tmp_path / "waiting", "finish")
    try:
        assert not _wait_for(tmp_path / "waiting", waiting, 25), "the dead run's slot was free without a release"
        with DagsterInstance.from_config(str(home)) as instance:
            [dead_run] = [
                r.dagster_run for r in instance.get_run_records() if r.dagster_run.tags.get(PID_TAG) == str(dead.pid)
            ]
            assert dead_run.tags[HOST_TAG] == socket.gethostname()
            # Only the dead run: the waiting run's process is alive.
            assert release_dead_runs(instance) == [dead_run.run_id]
            assert instance.get_run_by_id(dead_run.run_id) is None
        assert waiting.wait(timeout=120) == 0, "the waiting run did not get the released slot"
    finally:
        if waiting.poll() is None:
            waiting.kill()
            waiting.wait(timeout=30)
    assert (tmp_path / "waiting").exists()
