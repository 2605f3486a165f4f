"""Incremental refresh and per-source isolation: unchanged sources are not downloaded again, failing ones
keep their last good version and say so in the dataset status."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ingestion.catalogue import LABOUR_MARKET, MUNICIPALITY_AREAS, POPULATION_KEY_FIGURES
from ingestion.classifications import land_municipality_areas
from ingestion.errors import SettingsError
from ingestion.http import SourceSession, make_session
from ingestion.landing import latest_version, read_attempts
from ingestion.pxweb import land_pxweb_table
from ingestion.refresh import STATUS_COLUMNS, attempt_landing, dataset_status
from ingestion.settings import Settings, load_settings
from ingestion.snapshot import SNAPSHOT_DIR, SnapshotAdapter, mount_snapshot

TABLE = "StatFin/vaerak/11ra.px"


def _snapshot_copy(tmp_path: Path, name: str, updated: str | None = None) -> Path:
    """A private copy of the sample snapshot's PxWeb part, optionally with a new release stamp on 11ra."""
    root = tmp_path / name
    shutil.copytree(SNAPSHOT_DIR / "pxweb", root / "pxweb")
    if updated:
        cube_path = root / "pxweb" / "fi" / f"{TABLE}.jsonstat2.json.gz"
        doc = json.loads(gzip.decompress(cube_path.read_bytes()))
        doc["updated"] = updated
        cube_path.write_bytes(gzip.compress(json.dumps(doc).encode("utf-8")))
    return root


def _session(settings: Settings, root: Path) -> tuple[SourceSession, SnapshotAdapter]:
    session = SourceSession(retries=0)
    return session, mount_snapshot(session, settings, root=root)


def test_unchanged_source_is_not_downloaded_again(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", mode="sample")
    root = _snapshot_copy(tmp_path, "snap1")
    first = land_pxweb_table(settings, _session(settings, root)[0], POPULATION_KEY_FIGURES)
    assert not first.unchanged

    session, adapter = _session(settings, root)
    again = land_pxweb_table(settings, session, POPULATION_KEY_FIGURES)
    assert again.unchanged and again.path == first.path
    posts = [url for method, url in adapter.requests_seen if method == "POST"]
    assert len(posts) == 1, "only the one-cell probe query; no data download"
    dataset_dir = first.path.parent
    assert sorted(p.name for p in dataset_dir.iterdir()) == sorted([first.path.name, "manifest.jsonl"])
    attempts = read_attempts(settings.landing_dir, "statfin", "population_key_figures")
    assert [a["status"] for a in attempts] == ["ok", "unchanged"]
    assert attempts[-1]["version"] == first.manifest.version


def test_changed_source_lands_a_new_version_beside_the_old(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", mode="sample")
    first = land_pxweb_table(settings, _session(settings, _snapshot_copy(tmp_path, "a"))[0], POPULATION_KEY_FIGURES)
    revised = _snapshot_copy(tmp_path, "b", updated="2026-12-01T06:00:00Z")
    second = land_pxweb_table(settings, _session(settings, revised)[0], POPULATION_KEY_FIGURES)
    assert not second.unchanged and second.path != first.path
    assert second.manifest.source_updated == "2026-12-01T06:00:00Z"
    assert first.path.is_dir() and latest_version(settings.landing_dir, "statfin", "population_key_figures") == (
        second.path
    )


def test_classification_unchanged_when_the_same_tables_are_valid(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    first = land_municipality_areas(settings, make_session(settings))
    session = make_session(settings)
    again = land_municipality_areas(settings, session)
    assert again.unchanged and again.path == first.path


def test_failing_source_keeps_its_last_good_version_and_is_stale(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", mode="sample")
    good_root = _snapshot_copy(tmp_path, "good")
    good = land_pxweb_table(settings, _session(settings, good_root)[0], POPULATION_KEY_FIGURES)
    broken = _snapshot_copy(tmp_path, "broken")
    (broken / "pxweb" / "fi" / f"{TABLE}.meta.json").unlink()
    session, _ = _session(settings, broken)
    outcome = attempt_landing(
        settings, POPULATION_KEY_FIGURES, lambda: land_pxweb_table(settings, session, POPULATION_KEY_FIGURES)
    )
    assert outcome.status == "failed" and outcome.is_stale
    assert outcome.landed is not None and outcome.landed.path == good.path
    assert "HTTP status = 404" in (outcome.error or "")
    frame = dataset_status(settings)
    assert list(frame.columns) == STATUS_COLUMNS
    status = frame.set_index("dataset")
    row = status.loc["population_key_figures"]
    assert bool(row["is_stale"]) and row["last_attempt_status"] == "failed"
    assert row["landing_version"] == good.manifest.version and row["latest_period"] == "2025"
    assert "Statistics Finland PxWeb: HTTP status = 404" in row["last_error"]
    assert str(row["source_updated"]) == "2026-05-29 05:00:00"
    never = status.loc["labour_market"]
    assert bool(never["is_stale"]) and pd.isna(never["landing_version"]) and pd.isna(never["last_attempt_status"])


def test_failing_source_without_any_good_version_has_nothing_to_fall_back_on(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", mode="sample", history_start="2031M01")
    outcome = attempt_landing(
        settings, LABOUR_MARKET, lambda: land_pxweb_table(settings, make_session(settings), LABOUR_MARKET)
    )
    assert outcome.status == "failed" and outcome.landed is None
    assert "timeperiod_m = '2031M01': no periods from this start on" in (outcome.error or "")
    attempts = read_attempts(settings.landing_dir, "statfin", "labour_market")
    assert [a["status"] for a in attempts] == ["failed"], "logged once, by the landing version"


def test_sources_setting_disables_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_SOURCES", "statfin/labour_market, classifications")
    settings = load_settings(data_dir=tmp_path, mode="sample")
    assert settings.sources == ("statfin/labour_market", "classifications")

    def must_not_run() -> None:
        raise AssertionError("a disabled dataset is not fetched")

    outcome = attempt_landing(settings, POPULATION_KEY_FIGURES, must_not_run)  # type: ignore[arg-type]
    assert outcome.status == "disabled" and outcome.landed is None
    enabled = attempt_landing(
        settings, MUNICIPALITY_AREAS, lambda: land_municipality_areas(settings, make_session(settings))
    )
    assert enabled.status == "landed"
    monkeypatch.setenv("TILANNEKUVA_SOURCES", "statfin,nosuchsource")
    with pytest.raises(SettingsError, match=r"TILANNEKUVA_SOURCES names unknown sources \['nosuchsource'\]"):
        load_settings(data_dir=tmp_path)
