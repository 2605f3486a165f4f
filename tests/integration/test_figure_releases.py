"""Release history end to end: the sample snapshot's earlier releases of 12r5 and Kela landed first,
then a sample refresh lands the newest and publishes the vintages and the revisions they show."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingestion.sample_releases import land_earlier_releases
from ingestion.settings import load_settings
from tests.conftest import run_cli

pytestmark = pytest.mark.integration

# The datasets with a release history and what their marts need; the others are not yet available.
ENV = {
    "TILANNEKUVA_SOURCES": "statfin/labour_market,classifications,kela",
    "TILANNEKUVA_HISTORY_START": "2025M01",
}
KELA_TOTAL = "Yleistuki / Yhteensä"


def test_earlier_sample_releases_give_the_planted_revisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    landed = land_earlier_releases(load_settings(data_dir=data_dir, mode="sample"))
    assert len(landed) == 4, "two earlier releases of 12r5 and of Kela"

    run = run_cli("refresh", data_dir=data_dir, env=ENV, timeout=1500)
    assert run.returncode == 0, f"refresh failed:\n{run.stdout}\n{run.stderr}"

    with duckdb.connect(str(data_dir / "serving" / "tilannekuva.duckdb"), read_only=True) as con:
        releases = con.execute(
            "SELECT dataset, count(DISTINCT source_updated_at) FROM fct_figure_releases GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        kela = con.execute(
            "SELECT month, first_value, latest_value, revision_pct, release_count, change_count FROM mart_revisions "
            "WHERE dataset = 'kela/unemployment_benefit' AND area_code = 'TA24' AND measure = 'recipients' "
            "AND breakdown = ? ORDER BY month",
            [KELA_TOTAL],
        ).df()
        labour = con.execute(
            "SELECT area_level, measure, revision_pct, is_revised FROM mart_revisions "
            "WHERE dataset = 'statfin/labour_market'"
        ).df()
        summary = con.execute(
            "SELECT revised_count, median_abs_revision_when_revised, mean_revision FROM mart_revision_summary "
            "WHERE area_code = 'TA24' AND measure = 'recipients' AND breakdown = ?",
            [KELA_TOTAL],
        ).fetchone()
        latest = con.execute(
            "SELECT value FROM fct_figure_releases WHERE area_code = 'TA24' AND measure = 'unemployed' "
            "AND month = DATE '2026-10-01' AND is_latest_release"
        ).fetchone()
        fact = con.execute(
            "SELECT unemployed FROM fct_labour_market_monthly WHERE area_code = 'TA24' AND month = DATE '2026-10-01'"
        ).fetchone()

    assert releases == [("kela/unemployment_benefit", 3), ("statfin/labour_market", 3)]
    kela["month"] = pd.to_datetime(kela["month"]).dt.date
    revised = kela.set_index("month")
    # retroactive counting: a month first published as a release's latest was counted ~7 % short
    assert revised.loc[date(2026, 8, 1), "first_value"] < revised.loc[date(2026, 8, 1), "latest_value"]
    assert revised.loc[date(2026, 8, 1), "revision_pct"] == pytest.approx(100 / 0.93 - 100, abs=0.5)
    assert revised.loc[date(2026, 8, 1), "change_count"] == 2 and revised.loc[date(2026, 8, 1), "release_count"] == 3
    assert revised.loc[date(2026, 9, 1), "release_count"] == 2
    assert revised.loc[date(2026, 5, 1), "revision_pct"] == 0, "a month older than three is not revised"
    assert date(2026, 10, 1) not in revised.index, "published once, it cannot have been revised"
    assert summary is not None and summary[0] == 4 and summary[2] > 0, "first releases run low"

    moved = labour[labour["is_revised"]]
    assert set(moved["area_level"]) == {"municipality", "employment_area", "subregion", "region", "country"}
    assert moved["revision_pct"].abs().max() < 5, "12r5 revisions are small"
    # four of 22 measures in the latest two months of a release, of 22 months since 2025M01: about 1 %
    assert len(moved) < 0.03 * len(labour), "few 12r5 figures move"
    assert latest == fact, "the latest release is the figure the fact publishes"
