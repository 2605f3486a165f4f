"""A live refresh end to end against the loopback server answering for every source, with StatFin's limits.

`tilannekuva refresh --mode live` runs as a user runs it, with every base URL pointing at the server,
which answers through the sample snapshot's generic routes (PxWeb, classification service, CKAN/Kela,
PRH) in the sources' real formats and enforces the PxWeb limits it announces in `?config` (the window
scaled down to one second, so the budget costs seconds, not minutes). The run must publish the
serving file from live versions of every dataset, without a single 429.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingestion.catalogue import DATASETS
from tests.conftest import run_cli
from tests.faults.server import FaultServer

pytestmark = [pytest.mark.integration]

MAX_CALLS = 10
TIME_WINDOW = 1
MAX_CELLS = 60_000


def test_live_refresh_publishes_from_every_source(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with FaultServer(max_requests=5_000, max_seconds=600) as server:
        server.announce(MAX_CALLS, TIME_WINDOW, MAX_CELLS, retry_after=None)
        # From 2025 on: every source, table and mart still takes part, with a quarter of the monthly rows.
        env = {**server.env(), "TILANNEKUVA_HTTP_BACKOFF": "0", "TILANNEKUVA_HISTORY_START": "2025M01"}
        result = run_cli("refresh", "--mode", "live", data_dir=data_dir, env=env, timeout=900)
        routes = {route for route, *_ in server.log}
        refused = server.px_statuses(429)
        busiest = server.max_calls_in_window()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert refused == 0, f"{refused} PxWeb calls answered 429"
    assert busiest <= MAX_CALLS, f"{busiest} PxWeb calls in one {TIME_WINDOW} s window (announced {MAX_CALLS})"
    for route in ("px_config", "px_meta", "px_data"):
        assert route in routes, f"the refresh never asked the server for {route}"
    for source in ("class_", "ckan_", "prh_"):
        assert any(r.startswith(source) for r in routes), f"the refresh never asked the server for {source}*"

    serving = data_dir / "serving" / "tilannekuva.duckdb"
    assert serving.is_file(), "nothing was published"
    with duckdb.connect(str(serving), read_only=True) as con:
        published = dict(con.execute("SELECT dataset, mode FROM publish_info").fetchall())
    expected = {f"{d.source}/{d.name}" for d in DATASETS}
    assert expected <= set(published), f"not published: {sorted(expected - set(published))}"
    assert {published[name] for name in expected} == {"live"}, published
