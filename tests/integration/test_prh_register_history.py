"""PRH closures end to end: the older sample dump landed first, then a sample refresh lands the newest,
folds both into the register history and publishes closures from `closures_known_from` on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingestion.http import make_session
from ingestion.prh.land import land_all_companies
from ingestion.settings import load_settings
from ingestion.snapshot import SnapshotAdapter
from tests.conftest import run_cli

pytestmark = pytest.mark.integration

OCTOBER = date(2026, 10, 1)
# The register and what its marts need (the core and the classifications); the other datasets are
# not yet available, which the first night handles, so the refresh stays short.
ENV = {
    "TILANNEKUVA_SOURCES": "statfin/labour_market,classifications,prh",
    "TILANNEKUVA_HISTORY_START": "2025M01",
}


def test_two_sample_dumps_give_closures_in_the_mart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = load_settings(data_dir=data_dir, mode="sample")
    session = make_session(settings)
    adapter = session.get_adapter(settings.prh_base_url)
    assert isinstance(adapter, SnapshotAdapter)
    adapter.prh_dump_date = "20260930"
    assert not land_all_companies(settings, session).unchanged

    run = run_cli("refresh", data_dir=data_dir, env=ENV, timeout=1200)
    assert run.returncode == 0, f"refresh failed:\n{run.stdout}\n{run.stderr}"

    staging = data_dir / "staging" / "prh"
    dumps = pd.read_parquet(staging / "register_dumps.parquet")
    assert dumps["dump_date"].tolist() == [date(2026, 9, 30), date(2026, 11, 27)], "older dump rebuilt, newest folded"
    history = pd.read_parquet(staging / "register_history.parquet")
    forms = pd.read_parquet(staging / "company_forms.parquet")
    housing = set(forms.loc[forms["is_housing_or_property_company"], "company_form_code"])
    counted = history[~history["company_form_code"].isin(housing)]
    left = counted[counted["left_register_dump"].notna()]
    assert len(left) > 50 and (pd.to_datetime(left["last_seen_dump"]).dt.date == date(2026, 9, 30)).all()

    query = """SELECT period_start, closures, net_change, closures_known_from FROM mart_business_dynamics
        WHERE source = 'prh' AND area_code = 'SSS' AND industry_section_code = 'SSS' ORDER BY period_start"""
    with duckdb.connect(str(data_dir / "serving" / "tilannekuva.duckdb"), read_only=True) as con:
        mart = con.execute(query).df()
    mart["period_start"] = pd.to_datetime(mart["period_start"]).dt.date
    assert (pd.to_datetime(mart["closures_known_from"]) == pd.Timestamp(2026, 10, 1)).all()
    october = mart[mart["period_start"] == OCTOBER].iloc[0]
    assert october["closures"] == len(left), "every company that left is a closure the day after the older dump"
    assert mart.loc[mart["period_start"] < OCTOBER, "closures"].isna().all(), "unknown before the first dump"
