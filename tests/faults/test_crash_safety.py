"""SIGKILL a real refresh in each of download, parse, release history, dbt build, forecasts and publish.

The refresh runs as a subprocess in live mode against the loopback fault server, starting from a
published sample build, so the old and the new build are told apart by `publish_info.mode`
(`sample` vs `live`) and by the marts' own `is_sample_data`. The phase is read from the run's event
log (`logs/last_refresh.jsonl`, one line per Dagster event with its step key); the kill comes a seeded
random delay after the phase starts. After every kill: the serving file opens and is wholly the old or
the new build, every landing version matches its manifest, dbt's forecast glob sees whole releases
only, every release-history cache file reads, and the next run completes (and clears what the killed
run left half-written). Set `FAULT_SEED` to replay a run; the seed is printed.
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
import pyarrow.parquet as pq
import pytest

from ingestion.figure_releases import CACHE_DIR
from ingestion.landing import read_manifest
from serving.outlook import BACKTEST_FILE, FORECAST_FILE, PARTIAL_DIR, release_folders, release_problem
from tests.conftest import CliRun, run_cli
from tests.faults.server import FaultServer
from tests.faults.test_exposure import SECRET, secret_leaks
from tests.helpers import PROJECT_ROOT

pytestmark = pytest.mark.integration

PHASES = ("download", "parse", "history", "dbt", "forecast", "publish")
# How long after a phase starts the kill may come (s): the phase's typical length on two cores. The
# forecasts of a first release (the kill's setup removes the stored one) take 25-35 s; the
# labour-market release history, the longer of its two steps, about 3.5 s.
KILL_WINDOW = {"download": 1.5, "parse": 8.0, "history": 3.0, "dbt": 20.0, "forecast": 20.0, "publish": 4.0}
# Phases whose short steps run among other steps: the kill's clock restarts with each of their steps,
# so it lands in one of them; once a step of a following phase starts, none is left and the kill comes at once.
STEPWISE = {"history": {"dbt", "forecast", "publish"}}
RUN_TIMEOUT = 600


def phase_of(step: str | None) -> str | None:
    """The phase a Dagster step belongs to, from its step key."""
    if not step:
        return None
    if step.startswith("landing"):
        return "download"
    if step.startswith("staging") and step.endswith("_releases"):
        return "history"  # staging__statfin__labour_market_releases, staging__kela__unemployment_benefit_releases
    if step.startswith("staging"):
        return "parse"
    if step.startswith("outlook"):
        return "forecast"  # outlook_forecasts (dbt_outlook_models is dbt)
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
    kill_at: float | None = None  # once the phase has begun
    began = phase
    waiting = False  # a stepwise phase's step ended before its kill: wait for the next one
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                assert process.returncode == 0, output.read_text(encoding="utf-8")[-4000:]
                if kill_at is None and not waiting:
                    return f"finished before {phase} was reached"
                return f"finished {delay:.2f} s into {phase}"
            if events.exists():
                lines = events.read_text(encoding="utf-8").splitlines()
                for line in lines[seen:]:
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:
                        break
                    seen += 1
                    event, step = entry.get("event"), entry.get("step")
                    if event == "STEP_START" and phase_of(step) == phase and (kill_at is None or phase in STEPWISE):
                        kill_at, began, waiting = time.monotonic() + delay, step, False
                    elif event in ("STEP_SUCCESS", "STEP_FAILURE") and step == began and phase in STEPWISE:
                        kill_at, waiting = None, True
                    elif event == "STEP_START" and waiting and phase_of(step) in STEPWISE[phase]:
                        kill_at, waiting = time.monotonic(), False
                        began = f"its steps all ended within {delay:.2f} s; killed as {step} began"
            if kill_at is not None and time.monotonic() >= kill_at:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
                running = running_steps(events)
                hit = ", ".join(f"{phase_of(step)}: {step}" for step in running) or "between steps"
                if phase in STEPWISE and began.startswith("its steps"):
                    return f"{began}, while running {hit}"
                which = f" ({began})" if phase in STEPWISE else ""
                return f"killed {delay:.2f} s after {phase}{which} began, while running {hit}"
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


def forecast_problems(data_dir: Path) -> list[str]:
    """dbt's forecast sources (`forecasts/*/<file>.parquet`) read whole, stored releases and nothing else."""
    root = data_dir / "forecasts"
    releases = release_folders(root)
    problems = [f"{folder}: {release_problem(folder)}" for folder in releases if release_problem(folder)]
    with duckdb.connect() as con:
        for name in (FORECAST_FILE, BACKTEST_FILE):
            for (file,) in con.execute("SELECT file FROM glob(?)", [f"{root}/*/{name}"]).fetchall():
                folder = Path(file).parent
                if folder not in releases:
                    problems.append(f"dbt's glob reads {file}, which is not a stored release")
                    continue
                stamped = con.execute("SELECT DISTINCT release FROM read_parquet(?)", [file]).fetchall()
                if stamped != [(folder.name,)]:
                    problems.append(f"{file} holds releases {stamped}, not {folder.name}")
    return problems


def cache_problems(data_dir: Path) -> list[str]:
    """Every release-history cache file (not a temporary one) reads whole."""
    problems = []
    for path in sorted((data_dir / CACHE_DIR).rglob("*.parquet")):
        try:
            pq.read_table(path)
        except Exception as exc:  # any failure to read is the finding
            problems.append(f"{path}: {exc}")
    return problems


def left_overs(data_dir: Path) -> list[Path]:
    """What a killed run may leave half-written and the next run must clear: partial releases, temp files."""
    partial = data_dir / "forecasts" / PARTIAL_DIR
    found = sorted(partial.iterdir()) if partial.is_dir() else []
    temps = [*(data_dir / CACHE_DIR).rglob(".*.tmp"), *(data_dir / "staging").rglob(".*.tmp")]
    return found + sorted(temps) + sorted((data_dir / "serving").glob(".*.tmp*"))


def forget_stored_forecasts(data_dir: Path) -> None:
    """Move the stored forecast releases out of the data dir, so the next run computes its release.

    The live build has the sample build's release (the fault server plays the same snapshot), which is
    stored: without this the forecast step would reuse it and do nothing worth killing. It then computes
    a first release (every backtest origin), the installation's first night.
    """
    aside = data_dir.parent / "forecasts-set-aside"
    aside.mkdir(exist_ok=True)
    for folder in release_folders(data_dir / "forecasts"):
        shutil.move(folder, aside / folder.name)


# Done before a phase's kill so that the killed run does real work in it.
SETUP = {"forecast": forget_stored_forecasts}


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
        if phase in SETUP:
            SETUP[phase](data_dir)
        started = time.monotonic()
        what = kill_during(server, data_dir, phase, rng)
        took = time.monotonic() - started
        build, published_at = serving_build(data_dir)
        assert landing_problems(data_dir) == []
        assert forecast_problems(data_dir) == []
        assert cache_problems(data_dir) == []
        left = f"; left half-written: {', '.join(p.name for p in left_overs(data_dir))}" if left_overs(data_dir) else ""
        report.append(
            f"{phase}: {what} (run {took:.0f} s); serving is whole, the {build} build published {published_at}{left}"
        )
        print(report[-1])
    started = time.monotonic()
    final = run_cli("refresh", data_dir=data_dir, env=_env(server, data_dir), timeout=RUN_TIMEOUT)
    print(f"completing run: {time.monotonic() - started:.0f} s")
    assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]
    assert serving_build(data_dir)[0] == "live"
    assert landing_problems(data_dir) == []
    assert forecast_problems(data_dir) == [] and cache_problems(data_dir) == []
    assert left_overs(data_dir) == [], "the runs after the kills clear what the killed runs left half-written"
    assert len(release_folders(data_dir / "forecasts")) == 1, "the live build's release, computed again"
    assert secret_leaks(data_dir, final.stdout, final.stderr) == []
    return report


def test_a_killed_refresh_leaves_whole_files_and_the_next_run_completes(
    fault_server: FaultServer, crash_dir: Path
) -> None:
    """CI: one kill in every phase at a seeded random moment, then a completing run.

    The phases: download, parse, release history, dbt, forecasts, publish. The kills follow one another
    on the same data dir, so each later run finds the earlier phases' work done and reaches its phase
    sooner: every phase is covered on every run, not one at random.
    """
    seed = _seed()
    _kill_sequence(fault_server, crash_dir, list(PHASES), seed)


@pytest.mark.full_matrix
def test_kills_in_every_phase(fault_server: FaultServer, crash_dir: Path) -> None:
    """Full matrix: two kills in each phase, one after another on the same data dir, then a completing run."""
    seed = _seed()
    _kill_sequence(fault_server, crash_dir, [p for p in PHASES for _ in range(2)], seed)
