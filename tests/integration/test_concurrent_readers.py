"""Readers are never blocked or broken: reader processes query the serving file and exports while publish swaps them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import load_settings
from serving.publish import publish_serving
from tests.conftest import CliRun
from tests.helpers import PROJECT_ROOT
from tests.integration.serving_helpers import copy_data_dir

pytestmark = pytest.mark.integration

READER_MODES = ["reconnect", "reconnect", "persistent", "exports"]
PUBLISHES = 4
MIN_QUERIES = 10
# Publishing goes on past PUBLISHES until every reader has done MIN_QUERIES queries and (all but the
# persistent one) seen two builds, so a loaded machine slows the test instead of failing it.
PUBLISH_DEADLINE_SECONDS = 90


def _mark_build(warehouse: Path, build: int) -> tuple[int, str]:
    """Make the next build distinguishable in two marts; return what a reader of it must see."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE marts.fct_labour_market_monthly SET unemployed = unemployed + 1 WHERE area_code = 'SSS'")
        con.execute("UPDATE marts.dim_area SET name_en = ? WHERE area_code = 'SSS'", [f"build {build}"])
        total = con.execute("SELECT sum(unemployed) FROM marts.fct_labour_market_monthly").fetchone()[0]
    return int(total), f"build {build}"


def _readers_have_enough(readers: list[tuple[str, subprocess.Popen, Path]]) -> bool:
    """True once each reader's progress file shows the queries and builds the assertions need."""
    for mode, _, out in readers:
        try:
            progress = json.loads(Path(f"{out}.progress").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        if progress["queries"] <= MIN_QUERIES or (mode != "persistent" and progress["answers"] < 2):
            return False
    return True


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=None)


def test_readers_see_old_or_new_build_never_a_mix(sample_refresh: CliRun, tmp_path: Path) -> None:
    data_dir = copy_data_dir(sample_refresh, tmp_path)
    settings = load_settings(data_dir=data_dir)
    expected: dict[datetime, tuple[int, str]] = {}
    first = _mark_build(settings.warehouse_path, 0)
    expected[_stamp(publish_serving(settings).published_at)] = first

    stop = tmp_path / "stop"
    readers = []
    for i, mode in enumerate(READER_MODES):
        out = tmp_path / f"reader{i}.json"
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.serving_reader", mode, str(data_dir), str(stop), str(out)],
            cwd=PROJECT_ROOT,
        )
        readers.append((mode, process, out))
    try:
        time.sleep(1.0)
        deadline = time.monotonic() + PUBLISH_DEADLINE_SECONDS
        build = 0
        while build < PUBLISHES or (not _readers_have_enough(readers) and time.monotonic() < deadline):
            build += 1
            marked = _mark_build(settings.warehouse_path, build)
            expected[_stamp(publish_serving(settings).published_at)] = marked
            time.sleep(0.3)
    finally:
        stop.touch()
        for _, process, _ in readers:
            process.wait(timeout=60)

    builds_seen: set[datetime] = set()
    for mode, process, out in readers:
        assert process.returncode == 0, f"{mode} reader crashed"
        summary = json.loads(out.read_text(encoding="utf-8"))
        assert summary["errors"] == [], f"{mode} reader got errors: {summary['errors'][:3]}"
        assert summary["queries"] > MIN_QUERIES, f"{mode} reader did only {summary['queries']} queries"
        for answer in summary["seen"]:
            stamp, total, marker = json.loads(answer)
            build = _stamp(stamp)
            assert build in expected, f"{mode} reader saw a build that was never published: {answer}"
            assert (total, marker) == expected[build], f"{mode} reader saw a mixed answer: {answer}"
            builds_seen.add(build)
        if mode != "persistent":
            assert len(summary["seen"]) >= 2, f"{mode} reader saw only one build; the test proved nothing"
    assert len(builds_seen) >= 3
