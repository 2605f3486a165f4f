"""The release sensor reads release stamps through the real clients and requests only affected assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import AssetKey, SensorResult, SkipReason, build_sensor_context

from ingestion.catalogue import LABOUR_MARKET, MUNICIPALITY_AREAS
from ingestion.http import make_session
from ingestion.landing import LandingVersion
from ingestion.releases import classification_release, poll_releases, pxweb_release
from ingestion.settings import Settings, load_settings
from orchestration.definitions import defs
from orchestration.jobs import NIGHTLY_REFRESH_JOB
from orchestration.sensors import source_release_sensor

pytestmark = pytest.mark.integration

SNAPSHOT_STAMP = "2026-11-24T06:00:00Z"  # StatFin/tyonv.json of the sample snapshot


def _land(settings: Settings, source: str, name: str, stamp: str, details: dict[str, object] | None = None) -> None:
    with LandingVersion(settings.landing_dir, source, name, settings.mode) as version:
        version.manifest.source_updated = stamp
        version.manifest.details = details or {}


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_MODE", "sample")
    return load_settings()


def _land_current_classification(settings: Settings) -> None:
    state = classification_release(settings, make_session(settings), MUNICIPALITY_AREAS)
    chosen = dict(part.split("=") for part in state.published.split(";"))
    _land(settings, MUNICIPALITY_AREAS.source, MUNICIPALITY_AREAS.name, "2026-01-01", {"correspondences": chosen})


def test_release_states_from_metadata(settings: Settings) -> None:
    session = make_session(settings)
    assert pxweb_release(settings, session, LABOUR_MARKET).landed is None
    _land(settings, "statfin", "labour_market", "2026-10-20T05.00.00Z")
    state = pxweb_release(settings, session, LABOUR_MARKET)
    assert (state.published, state.is_new) == (SNAPSHOT_STAMP, True)
    _land(settings, "statfin", "labour_market", SNAPSHOT_STAMP)
    assert pxweb_release(settings, session, LABOUR_MARKET).is_new is False
    _land_current_classification(settings)
    assert classification_release(settings, session, MUNICIPALITY_AREAS).is_new is False
    posted = [method for method, _ in session.adapters[settings.pxweb_base_url].requests_seen if method != "GET"]
    assert posted == [], "polling reads metadata only"


def test_unreachable_source_is_reported_not_raised(settings: Settings) -> None:
    dead = settings.with_overrides(mode="live", pxweb_base_url="http://127.0.0.1:9/api/v1", retries=0)
    states, problems = poll_releases(dead, make_session(dead))
    assert any("127.0.0.1:9" in str(p) for p in problems)
    assert all(s.source != "statfin" for s in states)


def test_sensor_requests_only_the_released_dataset_and_downstream(settings: Settings) -> None:
    _land(settings, "statfin", "labour_market", "2026-10-20T05:00:00Z")
    _land_current_classification(settings)
    result = source_release_sensor(build_sensor_context(definitions=defs))
    assert isinstance(result, SensorResult)
    [request] = result.run_requests
    keys = set(request.asset_selection)
    assert {
        AssetKey(["landing", "statfin", "labour_market"]),
        AssetKey(["staging", "statfin", "labour_market"]),
        AssetKey(["marts", "fct_labour_market_monthly"]),
        AssetKey(["serving", "tilannekuva"]),
    } <= keys
    assert AssetKey(["landing", "classifications", "municipality_areas"]) not in keys
    assert AssetKey(["landing", "statfin", "population"]) not in keys
    assert request.run_key == f"release:statfin/labour_market@{SNAPSHOT_STAMP}"
    defs.resolve_job_def(NIGHTLY_REFRESH_JOB).get_subset(asset_selection=keys)

    again = source_release_sensor(build_sensor_context(definitions=defs, cursor=result.cursor))
    assert isinstance(again, SkipReason) and "no new releases" in (again.skip_message or "")


def test_sensor_skips_when_landing_is_current(settings: Settings) -> None:
    _land(settings, "statfin", "labour_market", SNAPSHOT_STAMP)
    _land_current_classification(settings)
    result = source_release_sensor(build_sensor_context(definitions=defs))
    assert isinstance(result, SkipReason)
    assert "no new releases" in (result.skip_message or "")


def test_sensors_and_alert_hooks_are_registered() -> None:
    assert defs.resolve_sensor_def("source_release_sensor").job_name == NIGHTLY_REFRESH_JOB
    assert defs.resolve_sensor_def("alert_on_run_failure") is not None
    job = defs.resolve_job_def(NIGHTLY_REFRESH_JOB)
    assert {h.name for h in job.hook_defs} == {
        "alert_on_failed_checks_after_success",
        "alert_on_failed_checks_after_failure",
    }
    assert set(job.loggers) == {"console", "progress"}
