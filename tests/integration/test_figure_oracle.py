"""Source cell → published number, recomputed without the dbt SQL.

The expected figures are built here from the staged Parquet files alone (the 12r5 cells, the
municipality → area classification and the municipal harmonisation) with pandas, using a content-code
mapping written out below from SOURCES.md §1.1 — not the dbt macro's list — and compared with
fct_labour_market_monthly, mart_situational_picture and the TA24 report in fi, sv and en.
A swapped measure (men ↔ women, open ↔ new vacancies), a dropped service column, a wrong lower-bound
rule or an inverted direction word fails here.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.conftest import CliRun

pytestmark = pytest.mark.integration

# 12r5 content code → fct_labour_market_monthly column (SOURCES.md §1.1).
COUNT_CODES = {
    "HAKIJALOPUSSA": "jobseekers",
    "TYOTTOMATLOPUSSA": "unemployed",
    "TYOVOIMATK": "labour_force",
    "TYOTTOMATMIEHET": "unemployed_men",
    "TYOTTOMATNAISET": "unemployed_women",
    "TYOTTOMAT20": "unemployed_under_20",
    "TYOTTOMAT25": "unemployed_under_25",
    "TYOTTOMAT50": "unemployed_over_50",
    "TYOTTOMATSAIR": "unemployed_disabled_or_ill",
    "TYOTTOMATULK": "unemployed_foreign_nationals",
    "PITKAAIKAISTYOTTOMAT": "long_term_unemployed",
    "KASSASSA": "unemployment_fund_members",
    "LOMAUTETTU": "laid_off",
    "LYHTYOVKO": "on_shortened_week",
    "TYOLLISTETTYLOP": "in_subsidised_employment",
    "TYOHARJOITTELULOP": "in_work_practice",
    "KOKEILULOP": "in_work_trial",
    "TVKOULUTUSLOP": "in_labour_market_training",
    "VALMENNUSLOP": "in_coaching",
    "MTPPALVELUTLOP": "in_other_services",
    "AVPAIKATLOPUSSA": "open_vacancies",
    "UUDETAVP": "new_vacancies",
}
RATE_CODE = "TYOTOSUUS"
SERVICES = [
    "in_subsidised_employment",
    "in_work_practice",
    "in_work_trial",
    "in_labour_market_training",
    "in_coaching",
    "in_other_services",
]
COUNTS = list(COUNT_CODES.values())


def fact_lower_bound(facts: pd.DataFrame, column: str) -> pd.Series:
    """Whether the fact flags `column` as a lower bound on each row (its own `<column>_is_lower_bound`)."""
    return facts[f"{column}_is_lower_bound"].fillna(False).astype(bool)


def identical_published_areas(areas: pd.DataFrame) -> dict[str, str]:
    """Employment area → the region (else sub-region) with exactly the same member municipalities."""

    def members(column: str) -> dict[str, frozenset[str]]:
        return {code: frozenset(group["municipality_code"]) for code, group in areas.groupby(column)}

    regions, subregions = members("region_code"), members("subregion_code")
    out = {}
    for area, those in members("employment_area_code").items():
        match = [code for code, theirs in regions.items() if theirs == those]
        match = match or [code for code, theirs in subregions.items() if theirs == those]
        if match:
            out[area] = match[0]
    return out


class Expected:
    """Every figure of the fact, rebuilt from the staged files: `values` and, per column, `lower_bound`."""

    def __init__(self, staging: Path) -> None:
        cells = pd.read_parquet(staging / "statfin" / "labour_market.parquet")
        cells["month"] = pd.to_datetime(cells["month"])
        harmonisation = pd.read_parquet(staging / "classifications" / "municipality_harmonisation.parquet")
        current = dict(
            zip(
                zip(harmonisation["municipality_code"], harmonisation["valid_year"], strict=True),
                harmonisation["current_municipality_code"],
                strict=True,
            )
        )
        years = cells["month"].dt.year
        cells["area_code"] = [current.get((a, y), a) for a, y in zip(cells["area_code"], years, strict=True)]
        counts = cells[cells["measure"].isin(COUNT_CODES)].assign(column=lambda d: d["measure"].map(COUNT_CODES))
        # a merged municipality's cell is the sum of its parts only when every part is visible
        parts = counts.groupby(["area_code", "month", "column"])["value"].agg(["sum", "count", "size"])
        source = parts["sum"].where(parts["count"] == parts["size"]).unstack("column")
        rate = cells[cells["measure"] == RATE_CODE].groupby(["area_code", "month"])["value"].agg(["first", "size"])
        source["published_unemployment_rate"] = rate["first"].where(rate["size"] == 1)
        source["persons_in_services"] = source[SERVICES].sum(axis=1, min_count=6)

        areas = pd.read_parquet(staging / "classifications" / "municipality_areas.parquet")
        member_of = dict(zip(areas["municipality_code"], areas["employment_area_code"], strict=True))
        municipal = source[source.index.get_level_values("area_code").isin(member_of)].copy()
        municipal["employment_area"] = municipal.index.get_level_values("area_code").map(member_of)
        municipal = municipal.reset_index()
        grouped = municipal.groupby(["employment_area", "month"])
        sums = grouped[COUNTS].sum(min_count=1)
        nulls = grouped[COUNTS].count().lt(grouped.size(), axis=0)
        sums.index = sums.index.set_names(["area_code", "month"])
        nulls.index = sums.index
        sums["published_unemployment_rate"] = np.nan
        # an area with exactly the members of a region or sub-region takes that published row, cell by
        # cell; a suppressed published cell falls back to the members' sum
        for area, published_code in identical_published_areas(areas).items():
            rows = sums.index.get_level_values("area_code") == area
            months = sums.index[rows].get_level_values("month")
            published = source.reindex(pd.MultiIndex.from_arrays([[published_code] * len(months), months]))
            published.index = sums.index[rows]
            has_cell = published[COUNTS].notna()
            sums.loc[rows, COUNTS] = published[COUNTS].where(has_cell, sums.loc[rows, COUNTS])
            nulls.loc[rows, COUNTS] = nulls.loc[rows, COUNTS] & ~has_cell
            sums.loc[rows, "published_unemployment_rate"] = published["published_unemployment_rate"]
        sums["persons_in_services"] = sums[SERVICES].sum(axis=1, min_count=1)
        nulls["persons_in_services"] = nulls[SERVICES].any(axis=1) & sums["persons_in_services"].notna()

        self.values = pd.concat([source, sums]).sort_index()
        bounds = pd.DataFrame(False, index=source.index, columns=nulls.columns)
        self.lower_bound = pd.concat([bounds, nulls]).reindex(self.values.index).fillna(False).astype(bool)
        self.employment_areas = set(sums.index.get_level_values("area_code"))

    def indicator(self, code: str) -> tuple[pd.Series, pd.Series]:
        """(value, is_lower_bound) of a situational-picture indicator, from its definition in words."""
        v, lb = self.values, self.lower_bound
        ratios = {
            "unemployment_rate": (100, "unemployed", ["labour_force"], ["labour_force"]),
            "vacancies_per_unemployed": (1, "open_vacancies", ["unemployed"], ["unemployed"]),
            "long_term_unemployed_share": (100, "long_term_unemployed", ["unemployed"], ["unemployed"]),
            # n / (n + u) rises with n: a partial n over an exact u still bounds from below
            "activation_rate": (100, "persons_in_services", ["persons_in_services", "unemployed"], ["unemployed"]),
        }
        if code not in ratios:
            return v[code], lb[code]
        scale, numerator, denominator, bounding = ratios[code]
        below = v[denominator].sum(axis=1, min_count=len(denominator)).replace(0, np.nan)
        partial = lb[bounding].any(axis=1)
        value = (scale * v[numerator] / below).where(~partial)
        return value, lb[numerator] & value.notna()


@pytest.fixture(scope="module")
def expected(sample_refresh: CliRun) -> Expected:
    return Expected(sample_refresh.data_dir / "staging")


@pytest.fixture(scope="module")
def facts(serving: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = serving.execute("SELECT * FROM fct_labour_market_monthly").df()
    frame["month"] = pd.to_datetime(frame["month"])
    return frame.set_index(["area_code", "month"]).sort_index()


def _assert_same(actual: pd.Series, wanted: pd.Series, what: str, atol: float = 1e-9) -> None:
    """Equal values (missing where missing) on every row; the message names the first rows that differ."""
    wanted = wanted.reindex(actual.index).astype(float)
    actual = actual.astype(float)
    equal = np.isclose(actual, wanted, rtol=0, atol=atol, equal_nan=True)
    differing = pd.DataFrame({"published": actual, "expected": wanted})[~equal]
    assert differing.empty, f"{what}: {len(differing)} rows differ, e.g.\n{differing.head(8)}"


def test_every_fact_row_is_a_source_area_or_an_employment_area(facts: pd.DataFrame, expected: Expected) -> None:
    missing = facts.index.difference(expected.values.index)
    assert missing.empty, f"fact rows without source cells: {list(missing[:5])}"
    assert set(facts.index.get_level_values("area_code")) >= expected.employment_areas | {"SSS", "KU564"}


@pytest.mark.parametrize("column", [*COUNTS, "persons_in_services", "published_unemployment_rate"])
def test_every_fact_column_equals_its_source_cells(facts: pd.DataFrame, expected: Expected, column: str) -> None:
    """Source rows equal their cell; employment-area rows equal the sum of their members' visible cells."""
    _assert_same(facts[column], expected.values[column], column)


@pytest.mark.parametrize("column", [*COUNTS, "persons_in_services"])
def test_a_sum_over_a_missing_member_cell_is_flagged_a_lower_bound(
    facts: pd.DataFrame, expected: Expected, column: str
) -> None:
    shown = facts[column].notna()
    flagged = fact_lower_bound(facts, column)[shown]
    wanted = expected.lower_bound[column].reindex(facts.index)[shown]
    wrong = flagged.index[flagged.to_numpy() != wanted.to_numpy()]
    assert wrong.empty, f"{column}: lower-bound flag wrong on {len(wrong)} rows, e.g. {list(wrong[:5])}"


def test_the_sample_exercises_lower_bounds(expected: Expected) -> None:
    """Without suppressed member cells the lower-bound tests above would prove nothing."""
    bounded = expected.lower_bound.loc[list(expected.employment_areas)]
    assert bounded["open_vacancies"].any() and bounded["persons_in_services"].any()
    assert bounded[COUNTS].any().sum() >= 5, "lower bounds in at least five count columns"


def test_every_rate_is_the_rounded_ratio_of_its_sums(facts: pd.DataFrame, expected: Expected) -> None:
    """A rate needs a complete denominator; over a partial numerator it is a lower bound, flagged so."""
    v, lb = expected.values, expected.lower_bound
    rate = (100 * v["unemployed"] / v["labour_force"].replace(0, np.nan)).where(~lb["labour_force"])
    _assert_same(facts["unemployment_rate"], rate, "unemployment_rate", atol=0.05 + 1e-9)
    wanted_bound = (lb["unemployed"] & rate.notna()).reindex(facts.index)
    _assert_same(fact_lower_bound(facts, "unemployment_rate"), wanted_bound, "unemployment_rate_is_lower_bound")
    published = facts[["unemployment_rate", "published_unemployment_rate"]].dropna()
    assert len(published) > 1000
    assert (published["unemployment_rate"] - published["published_unemployment_rate"]).abs().max() <= 0.1 + 1e-9


INDICATORS = [
    "unemployed",
    "jobseekers",
    "open_vacancies",
    "new_vacancies",
    "long_term_unemployed",
    "unemployed_under_25",
    "unemployed_over_50",
    "unemployed_foreign_nationals",
    "laid_off",
    "persons_in_services",
    "unemployment_rate",
    "vacancies_per_unemployed",
    "long_term_unemployed_share",
    "activation_rate",
]


@pytest.fixture(scope="module")
def picture(serving: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = serving.execute(
        "SELECT area_code, month, indicator_code, value, is_lower_bound, value_year_ago, change_12m, "
        "change_12m_pct, region_code, region_value, country_value FROM mart_situational_picture"
    ).df()
    frame["month"] = pd.to_datetime(frame["month"])
    return frame.set_index(["indicator_code", "area_code", "month"]).sort_index()


def test_the_picture_has_every_indicator(picture: pd.DataFrame) -> None:
    assert set(picture.index.get_level_values("indicator_code")) == set(INDICATORS)


@pytest.mark.parametrize("indicator", INDICATORS)
def test_picture_values_and_changes_equal_the_source_cells(
    picture: pd.DataFrame, expected: Expected, indicator: str
) -> None:
    """Value, lower-bound flag, year-ago value, 12-month change and the country's value of one indicator."""
    rows = picture.loc[indicator]
    value, bound = expected.indicator(indicator)
    _assert_same(rows["value"], value, f"{indicator} value")
    flagged = rows["is_lower_bound"].fillna(False).astype(bool)[rows["value"].notna()]
    assert (flagged == bound.reindex(flagged.index)).all(), f"{indicator}: lower-bound flags differ"

    frame = value.rename("value").reset_index()
    frame["month"] = frame["month"] + pd.DateOffset(years=1)
    year_ago = frame.set_index(["area_code", "month"])["value"]
    _assert_same(rows["value_year_ago"], year_ago, f"{indicator} value_year_ago")
    ago_bound = bound.rename("b").reset_index().assign(month=lambda d: d["month"] + pd.DateOffset(years=1))
    exact = ~bound.reindex(rows.index) & ~ago_bound.set_index(["area_code", "month"])["b"].reindex(rows.index).fillna(
        False
    ).astype(bool)
    change = (value.reindex(rows.index) - year_ago.reindex(rows.index))[exact]
    _assert_same(rows.loc[exact, "change_12m"], change, f"{indicator} change_12m")
    if indicator not in ("unemployment_rate", "vacancies_per_unemployed", "long_term_unemployed_share"):
        pct = 100 * (value.reindex(rows.index) / year_ago.reindex(rows.index).replace(0, np.nan) - 1)
        _assert_same(rows.loc[exact, "change_12m_pct"], pct[exact], f"{indicator} change_12m_pct")

    country = value.xs("SSS", level="area_code")
    months = rows.index.get_level_values("month")
    _assert_same(rows["country_value"], pd.Series(country.reindex(months).to_numpy(), index=rows.index), "country")
    with_region = rows[rows["region_code"].notna()]
    assert len(with_region) > len(rows) / 2
    keys = pd.MultiIndex.from_arrays([with_region["region_code"], with_region.index.get_level_values("month")])
    region = pd.Series(value.reindex(keys).to_numpy(), index=with_region.index)
    _assert_same(with_region["region_value"], region, f"{indicator} region_value")


# The report's direction words, per language (SOURCES: none; these are the plain meanings of the words).
MORE = {"fi": "enemmän", "sv": "fler", "en": "more"}
FEWER = {"fi": "vähemmän", "sv": "färre", "en": "fewer"}
BETTER = {"fi": "parempi", "sv": "bättre", "en": "better"}
WORSE = {"fi": "heikompi", "sv": "sämre", "en": "worse"}
ROSE = {"fi": "kasvoi", "sv": "ökade", "en": "rose"}
FELL = {"fi": "laski", "sv": "minskade", "en": "fell"}
IN_STEP = {"fi": "samaan tahtiin", "sv": "samma takt", "en": "in step"}


def _summary_numbers(html: str) -> tuple[str, list[float]]:
    """The summary's first sentence as text, and the `value` of every `<data>` in it."""
    summary = re.search(r'<section id="summary".*?</section>', html, re.DOTALL)[0]
    first = re.search(r"<p[^>]*>(.*?)</p>", summary, re.DOTALL)[1]
    values = [float(v) for v in re.findall(r'<data[^>]*\bvalue="([^"]+)"', first)]
    return unescape(re.sub(r"<[^>]+>", "", first)), values


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_report_numbers_and_direction_words_follow_the_cells(
    sample_refresh: CliRun, expected: Expected, lang: str
) -> None:
    """TA24's unemployed, its change in a year and the comparison with the country, in every language."""
    v = expected.values["unemployed"]
    latest = v.xs("TA24", level="area_code").index.max()
    year_ago = latest - pd.DateOffset(years=1)
    assert not expected.lower_bound.loc[("TA24", latest), "unemployed"], "sample TA24 should be exact"
    now, then = v[("TA24", latest)], v[("TA24", year_ago)]
    country_pct = 100 * (v[("SSS", latest)] / v[("SSS", year_ago)] - 1)
    area_pct = 100 * (now / then - 1)

    report = sample_refresh.data_dir / "serving" / "reports" / f"tilannekuva_TA24_{latest:%Y-%m}_{lang}.html"
    text, numbers = _summary_numbers(report.read_text(encoding="utf-8"))
    assert numbers[:3] == pytest.approx([now, abs(now - then), abs(area_pct)], abs=1e-9), text
    assert (MORE if now > then else FEWER)[lang] in text and (FEWER if now > then else MORE)[lang] not in text, text
    assert (ROSE if country_pct > 0 else FELL)[lang] in text, text
    assert numbers[3] == pytest.approx(abs(country_pct), abs=1e-9), text
    if abs(area_pct - country_pct) < 0.5:
        assert IN_STEP[lang] in text, text
    else:
        # fewer unemployed is better: the area did better when its number grew less than the country's
        good, bad = (BETTER, WORSE) if area_pct < country_pct else (WORSE, BETTER)
        assert good[lang] in text and bad[lang] not in text, text
