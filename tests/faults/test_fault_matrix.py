"""Every fault × every source: the outcome, that landing lost nothing, and that a rerun without the fault completes.

Each cell runs the dataset's real landing (live mode, against the loopback fault server) through
`attempt_landing` — the call the landing asset makes — then parses and validates what landed, exactly
the functions the staging asset calls. The earlier good version (a sample-mode landing) must be intact
afterwards, and the manifests must agree with the files. `-m full_matrix` runs every cell.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

import pytest

from ingestion.errors import SourceError
from ingestion.http import make_session
from ingestion.landing import latest_version, read_attempts, read_manifest
from ingestion.refresh import attempt_landing
from tests.faults.conftest import RESULTS, live_settings
from tests.faults.matrix import (
    BLOCKED_AT_DBT,
    CI_CELLS,
    FAILS,
    RETRIED,
    STAGING_FAILED,
    SUCCEEDED,
    TARGETS,
    TOLERATED,
    CellResult,
    arm_times,
    expected,
    fault_route,
)
from tests.faults.server import ALL_FAULTS, TRANSIENT, FaultServer

# "source: field = value: problem" — the shape of every SourceError message.
CLEAR_MESSAGE = re.compile(r"^.+?: .+? = .+?: .+", re.DOTALL)


def _cells() -> list[object]:
    cells = []
    for label, target in TARGETS.items():
        for fault in ALL_FAULTS:
            if fault_route(fault, target) is None:
                continue
            marks = [] if (fault, label) in CI_CELLS else [pytest.mark.full_matrix]
            cells.append(pytest.param(fault, label, marks=marks, id=f"{label}-{fault}"))
    return cells


def _version_consistent(version_dir: Path) -> list[str]:
    """Files of a complete version match its manifest (names, sizes, hashes); returns the problems."""
    manifest = read_manifest(version_dir)
    problems = [] if manifest.status == "ok" else [f"{version_dir.name}: status {manifest.status}"]
    for entry in manifest.responses:
        path = version_dir / entry.file
        if not path.is_file():
            problems.append(f"{version_dir.name}/{entry.file} missing")
            continue
        body = path.read_bytes()
        if len(body) != entry.bytes or hashlib.sha256(body).hexdigest() != entry.sha256:
            problems.append(f"{version_dir.name}/{entry.file} differs from its manifest")
    return problems


def _same_bodies(version_dir: Path, reference_dir: Path) -> bool:
    """Every landed body equals the reference version's.

    Aside: package documents (they name the server's URL) and PxWeb's `?config` (the fault server announces
    a window scaled down to seconds).
    """
    names = [e.file for e in read_manifest(version_dir).responses if e.file not in ("package_show.json", "config.json")]
    assert names, f"nothing landed in {version_dir}"
    digest = {e.file: e.sha256 for e in read_manifest(reference_dir).responses}
    return all(digest.get(name) == hashlib.sha256((version_dir / name).read_bytes()).hexdigest() for name in names)


def _landing_state(data_dir: Path, source: str, name: str) -> dict[str, object]:
    root = data_dir / "landing" / source / name
    return {
        "complete": sorted(p.name for p in root.iterdir() if p.is_dir() and p.suffix == ""),
        "partial": sorted(p.name for p in root.iterdir() if p.suffix == ".partial"),
        "failed": sorted(p.name for p in root.iterdir() if p.suffix == ".failed"),
    }


@pytest.mark.parametrize(("fault", "label"), _cells())
def test_fault_cell(fault: str, label: str, armed_server: FaultServer, cell_dir: Path) -> None:
    target = TARGETS[label]
    dataset = target.dataset
    source, name = dataset.source, dataset.name
    before = _landing_state(cell_dir, source, name)
    [earlier] = before["complete"]
    earlier_dir = cell_dir / "landing" / source / name / earlier
    earlier_hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in earlier_dir.iterdir()}
    settings = live_settings(armed_server, cell_dir)
    route = fault_route(fault, target)
    assert route is not None
    armed_server.arm(fault, route, times=arm_times(fault))
    hits_before = armed_server.hits(fault)

    started = time.monotonic()
    outcome = attempt_landing(settings, dataset, lambda: target.land(settings, make_session(settings)))
    hits = armed_server.hits(fault) - hits_before
    armed_server.disarm()
    assert hits >= 1, f"the fault {fault} was never injected on {route}"

    detail = ""
    if outcome.status == "failed":
        got = FAILS
        detail = str(outcome.error)
        assert CLEAR_MESSAGE.match(detail), f"unclear message: {detail!r}"
        assert "Traceback" not in detail
        assert outcome.landed is not None and outcome.landed.path.name == earlier, "the last good version is kept"
        assert latest_version(settings.landing_dir, source, name) == earlier_dir
        assert read_attempts(settings.landing_dir, source, name)[-1]["status"] == "failed"
    else:
        assert outcome.status == "landed", outcome
        assert outcome.landed is not None and outcome.landed.manifest.mode == "live"
        if fault in TRANSIENT or fault == "slow_trickle":
            # Correctly updated: byte for byte what the clean (sample-mode) fetch of the same source landed.
            assert _same_bodies(outcome.landed.path, earlier_dir)
            got = RETRIED if fault in TRANSIENT else SUCCEEDED
        else:
            try:
                frame = target.tidy(outcome.landed.path)
                suite = target.validate(frame)
            except SourceError as exc:  # the staging parse refused what landed
                detail, suite = f"landed; refused at staging: {exc}", None
                assert CLEAR_MESSAGE.match(str(exc)) and "Traceback" not in str(exc), f"unclear message: {exc!r}"
                assert str(exc).startswith(f"{source}: "), f"message does not name {source}: {exc}"
            if suite is not None and not suite.success:  # the staging suite refused it: quarantined
                detail = "landed; refused at staging by its suite: " + suite.summary().replace("\n", " ")
                assert suite.suite.startswith(f"{source}/"), detail
            if suite is None or not suite.success:
                got = STAGING_FAILED
                # The refused data is the latest landing version; staging keeps its previous files.
                assert latest_version(settings.landing_dir, source, name) == outcome.landed.path
                assert _version_consistent(outcome.landed.path) == []
            else:
                got = TOLERATED
            if expected(fault, target) == BLOCKED_AT_DBT:
                assert "TA99" in set(frame["employment_area_code"]), "the unknown area reaches staging"
                got = BLOCKED_AT_DBT
        if got != STAGING_FAILED:
            detail = {
                RETRIED: f"landed after {hits} faulty response(s)",
                SUCCEEDED: "landed whole after a slow transfer",
                TOLERATED: "landed; the extra field was ignored",
                BLOCKED_AT_DBT: "landed and passed its suite with unknown area TA99; the dbt relationships test "
                "stg_kela__unemployment_benefit.area_code → dim_area fails the build, so publish is blocked, and "
                "reruns keep the bad version until the source's version changes (gap)",
            }[got]
    elapsed = time.monotonic() - started
    assert got == expected(fault, target), f"{label} × {fault}: expected {expected(fault, target)}, got {got}: {detail}"

    # Landing lost nothing: the earlier version is byte for byte as it was; nothing half-written is left.
    after = _landing_state(cell_dir, source, name)
    assert earlier in after["complete"] and not after["partial"], after
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in earlier_dir.iterdir()} == earlier_hashes
    for version in after["complete"]:
        assert _version_consistent(cell_dir / "landing" / source / name / version) == []
    new_failed = set(after["failed"]) - set(before["failed"])
    assert len(new_failed) <= (1 if got == FAILS else 0), new_failed

    # A rerun without the fault completes and lands a validated live version.
    rerun = attempt_landing(settings, dataset, lambda: target.land(settings, make_session(settings)))
    assert rerun.status in ("landed", "unchanged"), rerun.error
    assert rerun.landed is not None and rerun.landed.manifest.mode == "live"
    if got == BLOCKED_AT_DBT:
        # The source's version stamp did not change, so the rerun keeps the bad version: the sticky part of the gap.
        assert rerun.status == "unchanged" and rerun.landed.path == outcome.landed.path
    elif got == TOLERATED and rerun.status == "unchanged":
        assert outcome.landed is not None and rerun.landed.path == outcome.landed.path  # the validated version
    else:
        assert _same_bodies(rerun.landed.path, earlier_dir)
    assert _version_consistent(rerun.landed.path) == []
    RESULTS.append(CellResult(fault, label, got, detail, elapsed))  # only cells whose every check passed
