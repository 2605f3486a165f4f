"""The release history (ingestion/figure_releases.py): every landed release parsed once, changes only.

Landed versions are small real version directories (manifest plus a CSV of cells) read by a tidy
function like a source's; the last test lands Kela's earlier sample releases through the real client
and snapshot and finds the retroactive counting the snapshot plants.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ingestion.catalogue import KELA_UNEMPLOYMENT_BENEFIT, LABOUR_MARKET
from ingestion.figure_releases import (
    CACHE_FORMAT,
    HISTORIES,
    ReleaseHistory,
    ReleaseHistoryError,
    build_history,
    history_tidy,
)
from ingestion.http import make_session
from ingestion.kela import land_ckan_csv
from ingestion.landing import VersionManifest
from ingestion.settings import load_settings
from ingestion.snapshot import SnapshotAdapter
from ingestion.staging import FrameStager, stage
from quality.suites import validate_figure_releases
from tests.unit.test_staging import non_negative

MONTH = date(2026, 8, 1)


class CountingTidy:
    """Reads a version's cells.csv and counts the versions it parsed."""

    def __init__(self) -> None:
        self.parsed: list[str] = []

    def __call__(self, version: Path) -> pd.DataFrame:
        self.parsed.append(version.name)
        frame = pd.read_csv(version / "cells.csv")
        frame["month"] = pd.to_datetime(frame["month"]).dt.date
        return frame


def figures(tidy: pd.DataFrame) -> pd.DataFrame:
    return tidy.assign(breakdown="")[["area_code", "month", "measure", "breakdown", "value"]]


def land(landing: Path, version: str, stamp: str, cells: list[tuple[str, float | None]], mode: str = "sample") -> Path:
    """A complete 12r5-like landing version publishing `cells` (area, value) of TYOTTOMATLOPUSSA for 2026-08."""
    path = landing / "statfin" / "labour_market" / version
    path.mkdir(parents=True)
    manifest = VersionManifest("statfin", "labour_market", version, mode, status="ok", source_updated=stamp)
    (path / "manifest.json").write_text(json.dumps(asdict(manifest)), encoding="utf-8")
    rows = pd.DataFrame(
        [{"area_code": a, "month": "2026-08-01", "measure": "TYOTTOMATLOPUSSA", "value": v} for a, v in cells]
    )
    rows.to_csv(path / "cells.csv", index=False)
    return path


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    land(path, "20260923T060000000000Z", "2026-09-23T05:00:00Z", [("KU001", 40.0), ("KU002", None)])
    # the same release landed again (a re-run after a selection change): the newer version stands for it
    land(path, "20260924T060000000000Z", "2026-09-23T05:00:00Z", [("KU001", 41.0), ("KU002", None)])
    land(path, "20261022T060000000000Z", "2026-10-22T05:00:00Z", [("KU001", 41.0), ("KU002", 6.0)])
    land(path, "20261124T060000000000Z", "2026-11-24T06:00:00Z", [("KU001", 43.0), ("KU002", 6.0)])
    failed = path / "statfin" / "labour_market" / "20261125T060000000000Z.failed"
    failed.mkdir()
    return path


def test_distinct_releases_are_kept_and_a_release_landed_twice_counts_once(landing: Path, tmp_path: Path) -> None:
    history = ReleaseHistory(LABOUR_MARKET, CountingTidy(), figures)
    frame, run = build_history(history, landing, tmp_path / "cache")
    assert run.releases == ["2026-09-23T05:00:00Z", "2026-10-22T05:00:00Z", "2026-11-24T06:00:00Z"]
    assert "20260923T060000000000Z" not in run.parsed, "the older version of a release landed twice is not used"
    rows = {(r.area_code, str(r.source_updated_at)): r for r in frame.itertuples()}
    assert rows["KU001", "2026-09-23 05:00:00"].value == 41.0
    # an unchanged re-publication adds no row; a revision and a suppressed cell becoming visible do
    assert sorted(rows) == [
        ("KU001", "2026-09-23 05:00:00"),
        ("KU001", "2026-11-24 06:00:00"),
        ("KU002", "2026-09-23 05:00:00"),
        ("KU002", "2026-10-22 05:00:00"),
    ]
    assert rows["KU002", "2026-09-23 05:00:00"].is_suppressed and pd.isna(rows["KU002", "2026-09-23 05:00:00"].value)
    assert rows["KU001", "2026-11-24 06:00:00"].landing_version == "20261124T060000000000Z"
    assert validate_figure_releases(frame).success


def test_a_version_of_another_mode_is_left_out(landing: Path, tmp_path: Path) -> None:
    land(landing, "20261201T060000000000Z", "2026-12-01T06:00:00Z", [("KU001", 99.0)], mode="live")
    frame, run = build_history(ReleaseHistory(LABOUR_MARKET, CountingTidy(), figures), landing, tmp_path / "cache")
    assert run.releases == ["2026-12-01T06:00:00Z"], "the newest version's mode decides"
    assert frame["value"].tolist() == [99.0]


def test_parsed_versions_come_from_the_cache_and_a_rebuild_reproduces_the_rows(landing: Path, tmp_path: Path) -> None:
    tidy = CountingTidy()
    history = ReleaseHistory(LABOUR_MARKET, tidy, figures)
    first, _ = build_history(history, landing, tmp_path / "cache")
    assert len(tidy.parsed) == 3
    again, run = build_history(history, landing, tmp_path / "cache")
    assert len(tidy.parsed) == 3 and run.parsed == [] and len(run.cached) == 3, "nothing parsed twice"
    pd.testing.assert_frame_equal(first, again)
    land(landing, "20261222T060000000000Z", "2026-12-22T06:00:00Z", [("KU001", 43.0), ("KU002", 7.0)])
    newer, run = build_history(history, landing, tmp_path / "cache")
    assert run.parsed == ["20261222T060000000000Z"], "a new release parses only the new version"
    rebuilt, run = build_history(history, landing, tmp_path / "fresh-cache")
    assert len(run.parsed) == 4
    pd.testing.assert_frame_equal(newer, rebuilt)


def test_a_corrupt_older_version_fails_the_history_by_name_and_leaves_the_latest_staging(
    landing: Path, tmp_path: Path
) -> None:
    corrupt = landing / "statfin" / "labour_market" / "20261022T060000000000Z" / "cells.csv"
    corrupt.write_text("not,a\ncells file", encoding="utf-8")
    history = ReleaseHistory(LABOUR_MARKET, CountingTidy(), figures)
    with pytest.raises(
        ReleaseHistoryError,
        match=r"statfin/labour_market: landing version 20261022T060000000000Z "
        r"\(release 2026-10-22T05:00:00Z\) cannot be parsed",
    ):
        build_history(history, landing, tmp_path / "cache")

    settings = load_settings(data_dir=tmp_path, mode="sample")
    history_stager = FrameStager.of(settings, "statfin", history.table, history_tidy(history, tmp_path / "cache"))
    failed = stage(landing, LABOUR_MARKET, history_stager, non_negative)
    assert failed.status == "failed" and "landing version 20261022T060000000000Z" in failed.failure
    assert not history_stager.path.exists(), "nothing promoted"
    latest = FrameStager.of(settings, "statfin", "labour_market", CountingTidy())
    outcome = stage(landing, LABOUR_MARKET, latest, non_negative)
    assert outcome.status == "promoted" and outcome.rows == {"labour_market": 2}


def test_kela_sample_releases_show_the_retroactive_counting(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", mode="sample")
    session = make_session(settings)
    adapter = session.get_adapter(settings.kela_base_url)
    assert isinstance(adapter, SnapshotAdapter)
    for release in adapter.releases():
        adapter.release = release
        land_ckan_csv(settings, session, KELA_UNEMPLOYMENT_BENEFIT)
    adapter.release = None
    land_ckan_csv(settings, session, KELA_UNEMPLOYMENT_BENEFIT)
    kela = next(h for h in HISTORIES if h.dataset is KELA_UNEMPLOYMENT_BENEFIT)
    frame, run = build_history(kela, settings.landing_dir, settings.data_dir / "cache")
    assert len(run.releases) == 3
    assert validate_figure_releases(frame).success
    totals = frame[(frame["measure"] == "recipients") & frame["breakdown"].str.endswith("/ Yhteensä")]
    august = totals[totals["month"] == MONTH].groupby("source_updated_at")["value"].sum()
    assert list(august.index.month) == [9, 10, 11], "2026-08 first published in September, revised twice"
    first, second, latest = august.tolist()
    assert first / latest == pytest.approx(0.93, abs=0.003), "the latest month of a release is counted short"
    assert second / latest == pytest.approx(0.975, abs=0.003)
    april = totals[totals["month"] == date(2026, 4, 1)]
    assert april["source_updated_at"].nunique() == 1, "months older than three are never revised"


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_damaged_cache_file_is_parsed_again_from_its_landing_version(landing: Path, tmp_path: Path) -> None:
    tidy = CountingTidy()
    history = ReleaseHistory(LABOUR_MARKET, tidy, figures)
    cache = tmp_path / "cache"
    first, _ = build_history(history, landing, cache)
    folder = cache / "statfin" / "labour_market"
    cut = folder / f"20261022T060000000000Z.v{CACHE_FORMAT}.parquet"
    cut.write_bytes(cut.read_bytes()[:300])  # a torn write or a bad sector
    foreign = folder / f"20261124T060000000000Z.v{CACHE_FORMAT}.parquet"
    pd.DataFrame({"area_code": ["KU001"], "value": [1.0]}).to_parquet(foreign)  # not the staged columns
    warned: list[str] = []

    again, run = build_history(history, landing, cache, warned.append)

    assert run.parsed == ["20261022T060000000000Z", "20261124T060000000000Z"] and len(run.cached) == 1
    pd.testing.assert_frame_equal(first, again)
    assert len(warned) == 2
    assert warned[0].startswith(f"statfin/labour_market: release-history cache {cut} of landing version ")
    assert "cannot be read (" in warned[0] and warned[0].endswith("); parsing the version again")
    assert "columns area_code, value are not dataset, area_code" in warned[1]
    _, healed = build_history(history, landing, cache, warned.append)
    assert healed.parsed == [] and len(warned) == 2, "the cache was written again, whole"


def test_left_over_temp_files_of_a_killed_run_are_removed(landing: Path, tmp_path: Path) -> None:
    history = ReleaseHistory(LABOUR_MARKET, CountingTidy(), figures)
    folder = tmp_path / "cache" / "statfin" / "labour_market"
    folder.mkdir(parents=True)
    name = f"20261124T060000000000Z.v{CACHE_FORMAT}.parquet"
    dead = folder / f".{name}.{_dead_pid()}.tmp"
    alive = folder / f".{name}.{os.getppid()}.tmp"
    for path in (dead, alive):
        path.write_bytes(b"PAR1 half written")
    _, run = build_history(history, landing, tmp_path / "cache")
    assert run.removed_temps == [dead] and not dead.exists()
    assert alive.exists(), "a running process may still be writing it"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        f"20260924T060000000000Z.v{CACHE_FORMAT}.parquet",
        f"20261022T060000000000Z.v{CACHE_FORMAT}.parquet",
        name,
    ]


def test_a_cache_that_cannot_be_written_warns_and_the_history_is_built(landing: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    warned: list[str] = []
    frame, run = build_history(ReleaseHistory(LABOUR_MARKET, CountingTidy(), figures), landing, blocked, warned.append)
    assert len(run.parsed) == 3 and len(frame) == 4
    assert len(warned) == 3 and all("cannot be written" in w for w in warned)
