"""mart_business_dynamics on the sample refresh, checked against the staged Parquet computed independently."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from tests.conftest import CliRun

pytestmark = pytest.mark.integration

MONTH = date(2025, 3, 1)
MONTH_END = date(2025, 3, 31)
QUARTER = date(2025, 4, 1)


def _mart(run: CliRun, area: str, source: str, period: date, *, sections: bool = False) -> pd.DataFrame:
    """The area's rows of one source and period: all industries, or (sections=True) each section."""
    industry = "industry_section_code != 'SSS'" if sections else "industry_section_code = 'SSS'"
    query = f"""SELECT * FROM mart_business_dynamics
        WHERE area_code = ? AND source = ? AND period_start = ? AND {industry}"""
    with duckdb.connect(str(run.serving_path), read_only=True) as con:
        return con.execute(query, [area, source, period]).df()


def _ta24_municipalities(run: CliRun) -> set[str]:
    areas = pd.read_parquet(run.data_dir / "staging" / "classifications" / "municipality_areas.parquet")
    codes = set(areas.loc[areas["employment_area_code"] == "TA24", "municipality_code"])
    assert len(codes) == 11
    return codes


def test_ta24_monthly_register_figures_equal_the_staged_prh_register_history(sample_refresh: CliRun) -> None:
    """Openings and stock from the register history without housing companies; the sample refresh lands one
    dump, which gives the stock only, so closures are not known yet (NULL) and no bankruptcies come from PRH."""
    staging = sample_refresh.data_dir / "staging" / "prh"
    history = pd.read_parquet(staging / "register_history.parquet")
    forms = pd.read_parquet(staging / "company_forms.parquet")
    housing = set(forms.loc[forms["is_housing_or_property_company"], "company_form_code"])
    assert housing and history["company_form_code"].isin(housing).any(), "housing companies are in the register"
    members = {code.removeprefix("KU") for code in _ta24_municipalities(sample_refresh)}
    ta24 = history[history["municipality_code"].isin(members) & ~history["company_form_code"].isin(housing)]
    registered = pd.to_datetime(ta24["registration_date"]).dt.date
    openings = int(((registered >= MONTH) & (registered <= MONTH_END)).sum())
    stock = int((registered <= MONTH_END).sum())
    assert openings > 0 and stock > openings, "the sample month has register activity"

    row = _mart(sample_refresh, "TA24", "prh", MONTH)
    assert len(row) == 1
    figures = row.iloc[0]
    assert figures["area_level"] == "employment_area" and figures["period_grain"] == "month"
    assert (figures["openings"], figures["stock"]) == (openings, stock)
    assert pd.isna(figures["closures"]) and pd.isna(figures["net_change"]), "one dump gives the stock only"
    assert pd.Timestamp(figures["closures_known_from"]) == pd.Timestamp(2026, 11, 28), "the day after the one dump"
    assert pd.isna(figures["bankruptcies"]), "PRH's open proceedings are no bankruptcy count"
    assert bool(figures["is_sample"])

    sections = _mart(sample_refresh, "TA24", "prh", MONTH, sections=True)
    assert sections["openings"].sum() == openings, "sections add up to all industries"


def test_ta24_quarterly_statistics_equal_the_staged_aly_municipalities(sample_refresh: CliRun) -> None:
    aly = pd.read_parquet(sample_refresh.data_dir / "staging" / "statfin" / "business_dynamics.parquet")
    members = _ta24_municipalities(sample_refresh)
    cells = aly[aly["area_code"].isin(members) & (aly["industry_code"] == "SSS") & (aly["period"] == "2025Q2")]
    expected = cells.groupby("measure")["value"].sum()

    row = _mart(sample_refresh, "TA24", "statfin", QUARTER).iloc[0]
    assert row["period_grain"] == "quarter"
    assert row["openings"] == expected["aloittaneet"] and row["closures"] == expected["lopettaneet"]
    assert row["stock"] == expected["yrityskanta"]
    assert pd.isna(row["bankruptcies"]) and pd.isna(row["restructurings"]), "kony has no employment areas"


def test_region_quarter_bankruptcies_are_the_sum_of_kony_months(sample_refresh: CliRun) -> None:
    kony = pd.read_parquet(sample_refresh.data_dir / "staging" / "statfin" / "bankruptcies.parquet")
    months = kony[(kony["area_code"] == "MK17") & kony["period"].isin(["2025M04", "2025M05", "2025M06"])]
    row = _mart(sample_refresh, "MK17", "statfin", QUARTER).iloc[0]
    assert len(months) == 3 and row["bankruptcies"] == months["value"].sum()
