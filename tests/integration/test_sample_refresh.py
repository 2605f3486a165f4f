"""The whole graph materialised on the sample snapshot, checked from the published serving file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingestion.settings import load_settings
from orchestration.dbt import parse_state_path
from tests.conftest import CliRun, run_cli

pytestmark = pytest.mark.integration

SUMMED = ["unemployed", "jobseekers", "labour_force", "open_vacancies", "new_vacancies", "long_term_unemployed"]


def _serving(run: CliRun) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(run.serving_path), read_only=True)


def test_refresh_prints_where_and_headline(sample_refresh: CliRun) -> None:
    out = sample_refresh.stdout
    assert "serving/tilannekuva.duckdb" in out and "serving/exports" in out and "serving/reports" in out
    assert re.search(r"report/monthly_report\s+ok\s+3 files, TA24 2026-10", out), out
    assert "Oulun seutu (TA24), 2026-10" in out
    assert "SAMPLE DATA" in out
    assert "unemployment rate" in out
    # TA24's open vacancies are a lower bound on the sample (suppressed member cells), its unemployed exact
    assert re.search(r"open vacancies\s+≥ \d", out) and re.search(r"unemployed jobseekers\s+\d", out), out


def test_serving_file_holds_the_marts_as_tables(sample_refresh: CliRun) -> None:
    with _serving(sample_refresh) as con:
        kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
        assert set(kinds.values()) == {"BASE TABLE"}, "tables only, no views"
        assert {"dim_area", "fct_labour_market_monthly", "fct_population_yearly", "publish_info"} <= set(kinds)
        levels = dict(con.execute("SELECT area_level, count(*) FROM dim_area GROUP BY 1").fetchall())
        assert levels == {"municipality": 308, "employment_area": 46, "subregion": 69, "region": 19, "country": 1}
        months = con.execute("SELECT min(month), max(month), count(DISTINCT month) FROM fct_labour_market_monthly")
        assert [str(v) for v in months.fetchone()] == ["2019-01-01", "2026-10-01", "94"]
        assert con.execute("SELECT bool_and(is_sample_data) FROM fct_labour_market_monthly").fetchone() == (True,)
        assert con.execute("SELECT DISTINCT mode FROM publish_info").fetchall() == [("sample",)]


def test_every_employment_area_is_the_sum_of_its_municipalities(sample_refresh: CliRun) -> None:
    with _serving(sample_refresh) as con:
        facts = con.execute("SELECT * FROM fct_labour_market_monthly").df()
        areas = con.execute(
            "SELECT area_code, employment_area_code FROM dim_area WHERE area_level = 'municipality'"
        ).df()
    municipal = facts.merge(areas, on="area_code")
    expected = municipal.groupby(["employment_area_code", "month"])[SUMMED].sum(min_count=1)
    expected["rate"] = 100 * expected["unemployed"] / expected["labour_force"]
    actual = facts[facts["area_level"] == "employment_area"].set_index(["area_code", "month"]).sort_index()
    actual.index.names = expected.index.names
    assert len(actual) == 46 * 94
    summed = actual[~actual["is_published_total"]]
    pd.testing.assert_frame_equal(
        summed[SUMMED].astype("float64"), expected.loc[summed.index, SUMMED].astype("float64")
    )
    # an area identical to a published region or sub-region carries that exact total, never below the
    # visible members' sum (which misses the suppressed cells)
    published = actual[actual["is_published_total"]]
    assert len(published) == 9 * 94
    assert (published[SUMMED].fillna(0) >= expected.loc[published.index, SUMMED].fillna(0)).all().all()
    exact = summed["suppressed_cell_count"] == 0
    assert exact.any()
    rates = summed.loc[exact & summed["unemployment_rate"].notna(), "unemployment_rate"]
    assert (rates - expected.loc[rates.index, "rate"]).abs().max() < 0.05 + 1e-9


def test_oulu_area_has_its_eleven_municipalities(sample_refresh: CliRun) -> None:
    with _serving(sample_refresh) as con:
        members = con.execute(
            "SELECT count(*) FROM dim_area WHERE employment_area_code = 'TA24' AND area_level = 'municipality'"
        ).fetchone()
        row = con.execute(
            "SELECT member_count, unemployed, labour_force FROM fct_labour_market_monthly "
            "WHERE area_code = 'TA24' AND month = DATE '2026-06-01'"
        ).fetchone()
    assert members == (11,)
    assert row[0] == 11 and 10_000 < row[1] < 40_000 and 100_000 < row[2] < 200_000


def test_suppressed_cells_stay_null_and_flag_lower_bounds(sample_refresh: CliRun) -> None:
    with _serving(sample_refresh) as con:
        nulls = con.execute(
            "SELECT count(*) FROM fct_labour_market_monthly "
            "WHERE area_level = 'municipality' AND unemployed_under_20 IS NULL"
        ).fetchone()[0]
        flagged = con.execute(
            "SELECT count(*), bool_and(any_measure_is_lower_bound) FROM fct_labour_market_monthly "
            "WHERE area_level = 'employment_area' AND suppressed_cell_count > 0 AND NOT is_published_total"
        ).fetchone()
    assert nulls > 0
    assert flagged[0] > 0 and flagged[1] is True


def test_country_and_regions_come_from_the_source(sample_refresh: CliRun) -> None:
    with _serving(sample_refresh) as con:
        check = con.execute(
            """
            SELECT c.unemployed, sum(r.unemployed)
            FROM fct_labour_market_monthly c
            JOIN fct_labour_market_monthly r ON r.month = c.month AND r.area_level = 'region'
            WHERE c.area_code = 'SSS' AND c.month = DATE '2026-06-01'
            GROUP BY c.unemployed
            """
        ).fetchone()
    assert check[0] >= check[1] > 0, "the country includes the unknown-municipality bucket on top of the regions"


def test_exports_and_their_manifest(sample_refresh: CliRun) -> None:
    exports = sample_refresh.data_dir / "serving" / "exports"
    manifest = json.loads((exports / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["is_sample_data"] is True
    for table, rows in manifest["tables"].items():
        assert len(pd.read_parquet(exports / f"{table}.parquet")) == rows
        # revisions need a second release; the default sample lands one (python -m ingestion.sample_releases
        # lands the earlier ones, tests/integration/test_figure_releases.py)
        assert rows > 0 or table in ("mart_revisions", "mart_revision_summary"), table


def test_dbt_keeps_its_parse_state_and_no_run_folders(sample_refresh: CliRun) -> None:
    """The next dbt invocation on this data dir starts from the parse state (not a full parse); the
    per-run folders of the successful builds are gone."""
    state = parse_state_path(load_settings(data_dir=sample_refresh.data_dir))
    assert list(state.parent.iterdir()) == [state]


def test_landing_is_kept_with_manifests(sample_refresh: CliRun) -> None:
    landing = sample_refresh.data_dir / "landing"
    for dataset in ("statfin/labour_market", "classifications/municipality_areas"):
        versions = [p for p in (landing / dataset).iterdir() if p.is_dir()]
        assert len(versions) == 1 and (versions[0] / "manifest.json").exists()


def test_population_mart_matches_the_official_area_totals(sample_refresh: CliRun) -> None:
    with _serving(sample_refresh) as con:
        rows = con.execute(
            "SELECT area_level, count(*), count(DISTINCT year), bool_and(population = official_population), "
            "bool_and(working_age_population < population) FROM fct_population_yearly GROUP BY 1 ORDER BY 1"
        ).fetchall()
        oulu = con.execute(
            "SELECT member_count, population, population_men + population_women, working_age_share "
            "FROM fct_population_yearly WHERE area_code = 'TA24' AND year = 2025"
        ).fetchone()
    assert rows == [
        ("country", 1 * 7, 7, True, True),
        ("employment_area", 46 * 7, 7, True, True),
        ("municipality", 308 * 7, 7, True, True),
        ("region", 19 * 7, 7, True, True),
    ]
    assert oulu[0] == 11 and oulu[1] == oulu[2] and 55 < oulu[3] < 70


def test_failing_source_keeps_its_last_good_data_marked_stale(sample_refresh: CliRun, tmp_path: Path) -> None:
    """A source that fails does not stop the refresh: its last good data is published and marked stale;
    the unchanged classification is not downloaded again and the marts stay as they were.
    Runs on a copy, so the session's refresh stays as it was for the other tests."""
    data_dir = tmp_path / "data"
    shutil.copytree(sample_refresh.data_dir, data_dir, symlinks=True)
    sample_refresh = CliRun(0, sample_refresh.stdout, sample_refresh.stderr, data_dir)
    with _serving(sample_refresh) as con:
        before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in ("dim_area", "fct_population_yearly")}
        labour_before = con.execute("SELECT count(*), max(source_updated_at) FROM fct_labour_market_monthly").fetchone()
    landing = sample_refresh.data_dir / "landing"
    versions_before = sorted(p.name for p in landing.glob("*/*/*") if p.is_dir())
    rerun = run_cli("refresh", data_dir=sample_refresh.data_dir, env={"TILANNEKUVA_HISTORY_START": "2031M01"})
    assert rerun.returncode == 0, rerun.stderr
    assert "Traceback" not in rerun.stderr
    for dataset in ("labour_market", "population", "population_key_figures"):
        assert f"landing/statfin/{dataset}" in rerun.stdout
    assert "STALE" in rerun.stdout and "unchanged at the source" in rerun.stdout
    versions_after = sorted(p.name for p in landing.glob("*/*/*") if p.is_dir() and not p.name.endswith(".failed"))
    assert versions_after == versions_before, "nothing new landed and nothing was lost"
    status = pd.read_parquet(sample_refresh.data_dir / "staging" / "pipeline" / "dataset_status.parquet")
    status = status.set_index("dataset")
    assert status.loc["labour_market", "is_stale"] and status.loc["labour_market", "last_attempt_status"] == "failed"
    assert "no periods from this start on" in status.loc["labour_market", "last_error"]
    assert not status.loc["municipality_areas", "is_stale"]
    assert status.loc["municipality_areas", "last_attempt_status"] == "unchanged"
    with _serving(sample_refresh) as con:
        for table, frame in before.items():
            pd.testing.assert_frame_equal(con.execute(f"SELECT * FROM {table} ORDER BY ALL").df(), frame)
        labour_after = con.execute("SELECT count(*), max(source_updated_at) FROM fct_labour_market_monthly").fetchone()
    assert labour_after == labour_before
