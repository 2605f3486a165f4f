"""Fixtures of the fault suite: the loopback server, a landing template, and the matrix summary at the end."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestion.http import make_session
from ingestion.refresh import attempt_landing
from ingestion.settings import Settings, load_settings
from tests.faults.matrix import TARGETS, CellResult, render_matrix
from tests.faults.server import FaultServer
from tests.helpers import PROJECT_ROOT

READ_TIMEOUT = 2.0
MAX_RESPONSE_BYTES = 4 * 1024 * 1024  # the largest recorded response is ~0.9 MB
RESULTS: list[CellResult] = []
ARTIFACT = PROJECT_ROOT / "artifacts" / "fault_matrix.md"


@pytest.fixture(scope="session")
def fault_server() -> Iterator[FaultServer]:
    """One server for the session, bounded in requests and lifetime.

    It announces StatFin's 40 calls per window with the window scaled down to two seconds (not enforced:
    the cells inject their own faults), so an injected 429 without Retry-After, which the client answers
    by waiting out the announced window, costs seconds rather than a minute.
    """
    with FaultServer(max_requests=20_000, max_seconds=1800, read_timeout=READ_TIMEOUT) as server:
        server.announce(max_calls=40, time_window=2, enforce=False)
        yield server


@pytest.fixture
def armed_server(fault_server: FaultServer) -> Iterator[FaultServer]:
    """The session's server with no fault armed before and after the test."""
    fault_server.disarm()
    yield fault_server
    fault_server.disarm()


def live_settings(server: FaultServer, data_dir: Path, **overrides: object) -> Settings:
    """Live mode pointed at the fault server; retries without real sleeps, short timeouts, a small size cap."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "mode": "live",
        "pxweb_base_url": server.pxweb_base_url,
        "classification_base_url": server.classification_base_url,
        "kela_base_url": server.kela_base_url,
        "prh_base_url": server.prh_base_url,
        "retries": 3,
        "backoff_factor": 0.0,
        "connect_timeout": 2.0,
        "read_timeout": READ_TIMEOUT,
        "max_response_bytes": MAX_RESPONSE_BYTES,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture(scope="session")
def landing_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One good (sample-mode) landing version of every matrix dataset: the "earlier version" each cell must keep."""
    data_dir = tmp_path_factory.mktemp("fault-template") / "data"
    settings = load_settings(data_dir=data_dir, mode="sample")
    session = make_session(settings)
    for target in TARGETS.values():
        outcome = attempt_landing(settings, target.dataset, lambda t=target: t.land(settings, session))
        assert outcome.status == "landed", outcome.error
    return data_dir


@pytest.fixture
def cell_dir(landing_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(landing_template, target)
    return target


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the faults × datasets table and write it to artifacts/fault_matrix.md."""
    if not RESULTS:
        return
    failed = [r for r in terminalreporter.stats.get("failed", []) if "test_fault_cell" in r.nodeid]
    full = len(RESULTS) + len(failed) > 40
    title = "full matrix" if full else "CI subset"
    if failed:
        title += f" — {len(failed)} cells FAILED and are not in the table: " + ", ".join(
            r.nodeid.split("[")[-1].rstrip("]") for r in failed
        )
    text = render_matrix(RESULTS, title)
    terminalreporter.write_sep("=", "fault matrix")
    for line in text.splitlines():
        if line.startswith("|") or line.startswith("Run "):
            terminalreporter.write_line(line)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(text, encoding="utf-8")
    terminalreporter.write_line(f"written to {ARTIFACT}")
