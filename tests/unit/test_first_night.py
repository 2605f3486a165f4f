"""The "no good version yet" path of ingestion/refresh.py: outcome, status marker and the core sentence."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ingestion.catalogue import KELA_UNEMPLOYMENT_BENEFIT, LABOUR_MARKET, MUNICIPALITY_AREAS
from ingestion.errors import SourceError
from ingestion.refresh import (
    NOT_AVAILABLE,
    attempt_landing,
    core_missing_sentence,
    dataset_status,
    is_core,
    missing_core,
)
from ingestion.settings import Settings, load_settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("TILANNEKUVA_SOURCES", raising=False)
    return load_settings(data_dir=tmp_path / "data", mode="sample")


def _fail() -> None:
    raise SourceError("kela", "HTTP status", 503, "unavailable")


def test_a_failed_first_attempt_is_not_available_with_its_reason(settings: Settings) -> None:
    outcome = attempt_landing(settings, KELA_UNEMPLOYMENT_BENEFIT, _fail)  # type: ignore[arg-type]
    assert (outcome.status, outcome.is_available, outcome.availability) == ("failed", False, NOT_AVAILABLE)
    assert outcome.reason() == "its source failed: kela: HTTP status = 503: unavailable"
    row = dataset_status(settings).set_index("dataset").loc["unemployment_benefit"]
    assert pd.isna(row["landing_version"])  # the marker: never mistaken for a good version
    assert bool(row["is_stale"]) and row["last_attempt_status"] == "failed"


def test_a_disabled_dataset_names_the_setting(settings: Settings) -> None:
    disabled = settings.with_overrides(sources=("statfin/labour_market",))
    outcome = attempt_landing(disabled, KELA_UNEMPLOYMENT_BENEFIT, _fail)  # type: ignore[arg-type]
    assert outcome.availability == NOT_AVAILABLE
    assert outcome.reason() == "its source is disabled by TILANNEKUVA_SOURCES=statfin/labour_market"


def test_only_12r5_and_the_area_classification_are_core() -> None:
    assert is_core(LABOUR_MARKET) and is_core(MUNICIPALITY_AREAS)
    assert not is_core(KELA_UNEMPLOYMENT_BENEFIT)


def test_missing_core_is_one_sentence_naming_dataset_and_reason(settings: Settings) -> None:
    attempt_landing(settings, LABOUR_MARKET, _fail)  # type: ignore[arg-type]
    sentence = missing_core(settings)
    assert sentence == (
        "statfin/labour_market and classifications/municipality_areas have no good version yet "
        "(statfin/labour_market: its source failed: kela: HTTP status = 503: unavailable); "
        "the core data (12r5 and the area classification) are needed to publish."
    )
    assert core_missing_sentence([("statfin/labour_market", "its source failed: boom")]) == (
        "statfin/labour_market has no good version yet (its source failed: boom); "
        "the core data (12r5 and the area classification) are needed to publish."
    )
