"""A failing blocking check quarantines the new data and keeps the previous staging file in use."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from dagster import AssetKey, materialize

from ingestion.http import make_session
from ingestion.landing import latest_version
from ingestion.pxweb import land_pxweb_table
from ingestion.settings import load_settings
from orchestration.assets.sources import source_asset
from orchestration.resources import PipelineSettings

staging_labour_market = source_asset("staging", "statfin", "labour_market")

pytestmark = pytest.mark.integration


def test_bad_data_is_quarantined_not_promoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TILANNEKUVA_MODE", "sample")
    monkeypatch.setenv("TILANNEKUVA_HISTORY_START", "2026M07")
    settings = load_settings()
    good = land_pxweb_table(settings, make_session(settings))
    resources = {"pipeline": PipelineSettings()}
    assert materialize([staging_labour_market], resources=resources).success
    staged = settings.staging_dir / "statfin" / "labour_market.parquet"
    good_bytes = staged.read_bytes()

    tampered = good.path.with_name("29991231T000000000000Z")
    shutil.copytree(good.path, tampered)
    data = json.loads((tampered / "data_000.json").read_text(encoding="utf-8"))
    first_number = next(i for i, v in enumerate(data["value"]) if v)
    data["value"][first_number] = -5
    (tampered / "data_000.json").write_text(json.dumps(data), encoding="utf-8")
    assert latest_version(settings.landing_dir, "statfin", "labour_market") == tampered

    result = materialize([staging_labour_market], resources=resources, raise_on_error=False)
    assert not result.success
    check = result.get_asset_check_evaluations()[0]
    assert check.asset_check_key.asset_key == AssetKey(["staging", "statfin", "labour_market"])
    assert check.passed is False
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.event_specific_data.error.message
    assert "counts are non-negative" in message and "-5.0" in message
    assert staged.read_bytes() == good_bytes, "the previous good file stays in use"
    assert list((settings.staging_dir / "_quarantine" / "statfin").glob(f"labour_market-{tampered.name}.parquet"))
