"""Every PxWeb dataset refreshed live against a server that enforces StatFin's announced limits.

The loopback server announces its limits in `?config` and answers 429 to a client that makes more
calls in a window than announced (across config, listings, metadata, probes and data), and 403 to a
query over the cell limit. The window is scaled down to a second, so a national refresh that needs
several windows still runs in seconds. One process, then two processes landing at the same time
with one data directory: the server must count no more calls in any window than it announced.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestion.catalogue import DATASETS
from ingestion.http import make_session
from ingestion.pxweb import PxWebClient, land_pxweb_table
from ingestion.settings import load_settings
from tests.faults.server import FaultServer
from tests.helpers import PROJECT_ROOT

PXWEB_DATASETS = [d for d in DATASETS if d.source == "statfin"]
MAX_CALLS = 5
TIME_WINDOW = 1
MAX_CELLS = 60_000

CHILD = """
import sys
import time
from ingestion.catalogue import DATASETS
from ingestion.pxweb import land_pxweb_table
from ingestion.http import make_session
from ingestion.settings import load_settings

settings = load_settings(data_dir=sys.argv[1], mode="live", pxweb_base_url=sys.argv[2], backoff_factor=0.0)
session = make_session(settings)
started = time.time()
for dataset in DATASETS:
    if f"{dataset.source}/{dataset.name}" in sys.argv[3:]:
        land_pxweb_table(settings, session, dataset)
print(started, time.time())
"""


@pytest.fixture
def limited_server() -> Iterator[FaultServer]:
    with FaultServer(max_requests=2_000, max_seconds=300) as server:
        server.announce(MAX_CALLS, TIME_WINDOW, MAX_CELLS, retry_after=None)
        yield server


def test_every_pxweb_dataset_is_covered() -> None:
    names = {d.name for d in PXWEB_DATASETS}
    expected = {"labour_market", "population", "population_key_figures", "occupations"}
    assert expected | {"business_dynamics", "bankruptcies"} <= names


def test_server_enforces_what_it_announces(limited_server: FaultServer, tmp_path: Path) -> None:
    """The stand-in must be able to refuse: a burst past the limit gets 429s, an oversized query 403."""
    import requests

    url = f"{limited_server.pxweb_base_url}/fi/?config"
    statuses = [requests.get(url, timeout=5).status_code for _ in range(MAX_CALLS + 2)]
    assert statuses[:MAX_CALLS] == [200] * MAX_CALLS and statuses[MAX_CALLS:] == [429, 429]
    assert "Retry-After" not in requests.get(url, timeout=5).headers
    time.sleep(TIME_WINDOW + 0.1)
    settings = load_settings(data_dir=tmp_path, mode="live", pxweb_base_url=limited_server.pxweb_base_url)
    limits, _ = PxWebClient(make_session(settings), settings.pxweb_base_url).config()
    assert (limits.max_calls, limits.time_window, limits.max_cells) == (MAX_CALLS, TIME_WINDOW, MAX_CELLS)
    big = {"query": [{"code": "a", "selection": {"filter": "item", "values": [str(i) for i in range(MAX_CELLS + 1)]}}]}
    answer = requests.post(f"{limited_server.pxweb_base_url}/fi/StatFin/tyonv/12r5.px", json=big, timeout=5)
    assert answer.status_code == 403


def test_national_refresh_of_every_pxweb_dataset_gets_no_429(limited_server: FaultServer, tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path / "data", mode="live", pxweb_base_url=limited_server.pxweb_base_url, backoff_factor=0.0
    )
    session = make_session(settings)
    started = time.monotonic()
    for dataset in PXWEB_DATASETS:
        land_pxweb_table(settings, session, dataset)
    elapsed = time.monotonic() - started
    calls = len(limited_server.px_calls)
    assert limited_server.px_statuses(429) == 0
    assert limited_server.px_statuses(403) == 0
    assert limited_server.max_calls_in_window() <= MAX_CALLS
    assert calls > 2 * MAX_CALLS, "the refresh needed more than one window (else the test proves nothing)"
    assert elapsed < 120, f"{elapsed:.0f} s for {calls} calls at {MAX_CALLS} per {TIME_WINDOW} s"


def test_parallel_processes_share_the_budget(limited_server: FaultServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    halves = [PXWEB_DATASETS[0::2], PXWEB_DATASETS[1::2]]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_")}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(data_dir), limited_server.pxweb_base_url]
            + [f"{d.source}/{d.name}" for d in half],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in halves
    ]
    spans = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err[-3000:]
        spans.append([float(x) for x in out.split()[-2:]])
    assert max(s for s, _ in spans) < min(e for _, e in spans), "the two processes did not land at the same time"
    assert limited_server.px_statuses(429) == 0, f"{limited_server.px_statuses(429)} calls refused with 429"
    assert limited_server.max_calls_in_window() <= MAX_CALLS
    assert len(limited_server.px_calls) > 2 * MAX_CALLS
