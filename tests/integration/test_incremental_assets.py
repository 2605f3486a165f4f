"""The landing and staging assets report "unchanged" when the source is, and isolate a failing source."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dagster import AssetKey, materialize

from ingestion import staged_schemas
from orchestration.assets.sources import dataset_status_parquet, source_asset
from orchestration.resources import PipelineSettings

landing_labour_market = source_asset("landing", "statfin", "labour_market")
landing_population_key_figures = source_asset("landing", "statfin", "population_key_figures")
staging_population_key_figures = source_asset("staging", "statfin", "population_key_figures")

pytestmark = pytest.mark.integration
LANDING = AssetKey(["landing", "statfin", "population_key_figures"])
STAGING = AssetKey(["staging", "statfin", "population_key_figures"])
ASSETS = [landing_population_key_figures, staging_population_key_figures, dataset_status_parquet]


def _metadata(result, key: AssetKey) -> dict:  # type: ignore[no-untyped-def]
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_unchanged_then_failing_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_MODE", "sample")
    resources = {"pipeline": PipelineSettings()}

    first = materialize(ASSETS, resources=resources)
    assert first.success
    landed = _metadata(first, LANDING)
    assert landed["status"] == "landed" and landed["unchanged"] is False and landed["periods"] == "2019 – 2025"
    assert _metadata(first, STAGING)["unchanged"] is False
    staged = tmp_path / "staging" / "statfin" / "population_key_figures.parquet"
    before = (staged.read_bytes(), staged.stat().st_mtime_ns)

    second = materialize(ASSETS, resources=resources)
    assert second.success
    assert _metadata(second, LANDING)["status"] == "unchanged"
    assert _metadata(second, LANDING)["version"] == landed["version"]
    again = _metadata(second, STAGING)
    assert again["unchanged"] is True and again["rows"] == _metadata(first, STAGING)["rows"]
    assert (staged.read_bytes(), staged.stat().st_mtime_ns) == before, "the staged file is left as it was"

    monkeypatch.setenv("TILANNEKUVA_HISTORY_START", "2031M01")
    third = materialize(ASSETS, resources=resources)
    assert third.success, "a failing source does not fail the run while a good version exists"
    stale = _metadata(third, LANDING)
    assert stale["status"] == "failed" and stale["is_stale"] is True and stale["version"] == landed["version"]
    [check] = [c for c in third.get_asset_check_evaluations() if c.asset_key == LANDING]
    assert check.passed is False and check.severity.value == "WARN"
    assert "no periods from this start on" in check.metadata["error"].value
    status = pd.read_parquet(tmp_path / "staging" / "pipeline" / "dataset_status.parquet").set_index("dataset")
    row = status.loc["population_key_figures"]
    assert bool(row["is_stale"]) and row["last_attempt_status"] == "failed"
    assert row["landing_version"] == landed["version"]
    assert (staged.read_bytes(), staged.stat().st_mtime_ns) == before


def test_failing_source_without_a_good_version_is_not_yet_available(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first night with its source failing: a warning and an empty staged file, not a failed run."""
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_MODE", "sample")
    monkeypatch.setenv("TILANNEKUVA_HISTORY_START", "2031M01")
    result = materialize(ASSETS, resources={"pipeline": PipelineSettings()})
    assert result.success
    landing = _metadata(result, LANDING)
    assert landing["status"] == "not_available" and landing["is_stale"] is True
    assert "StatFin/vaerak/11ra.px: variable timeperiod_y = '2031': no periods from this start on" in landing["reason"]
    [check] = [c for c in result.get_asset_check_evaluations() if c.asset_key == LANDING]
    assert check.passed is False and check.severity.value == "WARN"
    staging = _metadata(result, STAGING)
    assert staging["not_yet_available"] is True and staging["rows"] == 0
    staged = pd.read_parquet(tmp_path / "staging" / "statfin" / "population_key_figures.parquet")
    assert staged.empty and list(staged.columns) == staged_schemas.schema_of("statfin", "population_key_figures").names
    status = pd.read_parquet(tmp_path / "staging" / "pipeline" / "dataset_status.parquet").set_index("dataset")
    assert pd.isna(status.loc["population_key_figures", "landing_version"])


def test_failing_core_source_without_a_good_version_fails_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_MODE", "sample")
    monkeypatch.setenv("TILANNEKUVA_HISTORY_START", "2031M01")
    result = materialize([landing_labour_market], resources={"pipeline": PipelineSettings()}, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.event_specific_data.error.message
    assert message.startswith("dagster._core.definitions.events.Failure: statfin/labour_market has no good version yet")
    assert message.rstrip().endswith("the core data (12r5 and the area classification) are needed to publish.")
