"""SIGKILL a real refresh in each of download, parse, dbt build and publish; nothing is torn.

The refresh runs as a subprocess in live mode against the loopback fault server, starting from a
published sample build, so the old and the new build are told apart by `publish_info.mode`
(`sample` vs `live`) and by the marts' own `is_sample_data`. The phase is read from the run's event
log (`logs/last_refresh.jsonl`, one line per Dagster event with its step key); the kill comes a seeded
random delay after the phase starts. After every kill: the serving file opens and is wholly the old or
the new build, every landing version matches its manifest, and the next run completes.
Set `FAULT_SEED` to replay a run; the seed is printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ingestion.landing import read_manifest
from tests.conftest import CliRun, run_cli
from tests.faults.server import FaultServer
from tests.faults.test_exposure import SECRET, secret_leaks
from tests.helpers import PROJECT_ROOT

pytestmark = pytest.mark.integration

PHASES = ("download", "parse", "dbt", "publish")
# How long after a phase starts the kill may come (s): the phase's typical length on two cores.
KILL_WINDOW = {"download": 1.5, "parse": 8.0, "dbt": 20.0, "publish": 4.0}
RUN_TIMEOUT = 600


def phase_of(step: str | None) -> str | None:
    """The phase a Dagster step belongs to, from its step key."""
    if not step:
        return None
    if step.startswith("landing"):
        return "download"
    if step.startswith("staging"):
        return "parse"
    if "dbt" in step:
        return "dbt"
    if step.startswith("serving"):
        return "publish"
    return None


def _env(server: FaultServer, data_dir: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_") and k != "DAGSTER_HOME"}
    environment.update(server.env())
    environment["TILANNEKUVA_DATA_DIR"] = str(data_dir)
    # A secret in the environment of every run: it must appear in no log, output or run history.
    environment["TILANNEKUVA_ALERT_WEBHOOK_URL"] = f"{server.root}/hooks/{SECRET}"
    return environment


def kill_during(server: FaultServer, data_dir: Path, phase: str, rng: random.Random) -> str:
    """Start a refresh and SIGKILL it `rng`-chosen seconds into `phase`; returns what happened."""
    events = data_dir / "logs" / "last_refresh.jsonl"
    events.unlink(missing_ok=True)
    delay = rng.uniform(0, KILL_WINDOW[phase])
    output = data_dir.parent / f"crash-{phase}-{time.monotonic_ns()}.log"
    with output.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", "refresh"],
            cwd=PROJECT_ROOT,
            env=_env(server, data_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kill takes dbt's child process with it
        )
    deadline = time.monotonic() + RUN_TIMEOUT
    seen = 0
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                assert process.returncode == 0, output.read_text(encoding="utf-8")[-4000:]
                return f"finished before {phase} was reached"
            if events.exists():
                lines = events.read_text(encoding="utf-8").splitlines()
                for line in lines[seen:]:
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:
                        break
                    seen += 1
                    if entry.get("event") == "STEP_START" and phase_of(entry.get("step")) == phase:
                        time.sleep(delay)
                        if process.poll() is not None:
                            assert process.returncode == 0, output.read_text(encoding="utf-8")[-4000:]
                            return f"finished {delay:.2f} s into {phase}"
                        os.killpg(process.pid, signal.SIGKILL)
                        process.wait(timeout=30)
                        running = running_steps(events)
                        hit = ", ".join(f"{phase_of(step)}: {step}" for step in running) or "between steps"
                        return f"killed {delay:.2f} s after {phase} began, while running {hit}"
            time.sleep(0.05)
        raise AssertionError(f"{phase} not reached within {RUN_TIMEOUT} s")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def running_steps(events: Path) -> list[str]:
    """Steps started but not finished in the run's event log: what the kill interrupted."""
    running: dict[str, None] = {}
    for line in events.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if entry.get("event") == "STEP_START":
            running[entry["step"]] = None
        elif entry.get("event") in ("STEP_SUCCESS", "STEP_FAILURE"):
            running.pop(entry.get("step"), None)
    return list(running)


def serving_build(data_dir: Path) -> tuple[str, str]:
    """(`sample` for the old build or `live` for the new one, published_at); fails if the file is torn.

    The labour-market mart must agree with publish_info's labour_market row, and the exports manifest
    must come from the same publish as the serving file.
    """
    serving = data_dir / "serving" / "tilannekuva.duckdb"
    with duckdb.connect(str(serving), read_only=True) as con:
        [(mode, published_at)] = con.execute(
            "SELECT mode, published_at FROM publish_info WHERE dataset = 'statfin/labour_market'"
        ).fetchall()
        flags = {r[0] for r in con.execute("SELECT DISTINCT is_sample_data FROM fct_labour_market_monthly").fetchall()}
        rows = con.execute("SELECT count(*) FROM fct_labour_market_monthly").fetchone()[0]  # type: ignore[index]
    assert rows > 0
    assert flags == {mode == "sample"}, f"publish_info says {mode} but the mart says is_sample_data={flags}"
    exports = json.loads((data_dir / "serving" / "exports" / "manifest.json").read_text(encoding="utf-8"))
    assert exports["published_at"][:19] == published_at.isoformat()[:19], "exports and serving file differ in build"
    return mode, published_at.isoformat()


def landing_problems(data_dir: Path) -> list[str]:
    """Every complete landing version matches its manifest; every attempt log line parses."""
    problems = []
    for log in (data_dir / "landing").glob("*/*/manifest.jsonl"):
        for number, line in enumerate(log.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                json.loads(line)
            except json.JSONDecodeError:
                problems.append(f"{log}: line {number} torn")
        for version in log.parent.iterdir():
            if not version.is_dir() or version.suffix:
                continue
            manifest = read_manifest(version)
            for entry in manifest.responses:
                body = (version / entry.file).read_bytes()
                if hashlib.sha256(body).hexdigest() != entry.sha256:
                    problems.append(f"{version}/{entry.file} differs from its manifest")
    return problems


@pytest.fixture
def crash_dir(sample_refresh: CliRun, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(sample_refresh.data_dir, target, symlinks=True)
    return target


def _seed() -> int:
    seed = int(os.environ.get("FAULT_SEED") or random.SystemRandom().randrange(1_000_000))
    print(f"\ncrash-safety seed: FAULT_SEED={seed}")
    return seed


def _kill_sequence(server: FaultServer, data_dir: Path, phases: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    report = []
    for phase in phases:
        what = kill_during(server, data_dir, phase, rng)
        build, published_at = serving_build(data_dir)
        assert landing_problems(data_dir) == []
        report.append(f"{phase}: {what}; serving is whole, the {build} build published {published_at}")
        print(report[-1])
    final = run_cli("refresh", data_dir=data_dir, env=_env(server, data_dir), timeout=RUN_TIMEOUT)
    assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]
    assert serving_build(data_dir)[0] == "live"
    assert landing_problems(data_dir) == []
    assert secret_leaks(data_dir, final.stdout, final.stderr) == []
    return report


def test_a_killed_refresh_leaves_whole_files_and_the_next_run_completes(
    fault_server: FaultServer, crash_dir: Path
) -> None:
    """CI: one kill in every phase (download, parse, dbt, publish) at a seeded random moment, then a completing run.

    The kills follow one another on the same data dir, so each later run finds the earlier phases'
    work done and reaches its phase sooner: every phase is covered on every run, not one at random.
    """
    seed = _seed()
    _kill_sequence(fault_server, crash_dir, list(PHASES), seed)


@pytest.mark.full_matrix
def test_kills_in_every_phase(fault_server: FaultServer, crash_dir: Path) -> None:
    """Full matrix: two kills in each phase, one after another on the same data dir, then a completing run."""
    seed = _seed()
    _kill_sequence(fault_server, crash_dir, [p for p in PHASES for _ in range(2)], seed)
