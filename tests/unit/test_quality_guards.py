"""Each expectation of the population, key figure, municipality-area and Kela suites, fed its bad data.

The sample's tidy frames pass; each test breaks one thing and expects exactly the check that guards it
to fail (and no other), so an expectation that always passes, or one that checks the wrong thing, fails here.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from ingestion.catalogue import POPULATION, POPULATION_KEY_FIGURES
from ingestion.classifications import land_municipality_areas, tidy_municipality_areas
from ingestion.http import make_session
from ingestion.kela import land_ckan_csv, tidy_kela_benefit
from ingestion.pxweb import land_pxweb_table, tidy_population, tidy_population_key_figures
from ingestion.settings import load_settings
from quality.suites import (
    validate_kela_benefit,
    validate_municipality_areas,
    validate_population,
    validate_population_key_figures,
)


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("population"), mode="sample")
    return tidy_population(land_pxweb_table(settings, make_session(settings), POPULATION).path)


@pytest.fixture(scope="module")
def kela(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("kela"), mode="sample")
    return tidy_kela_benefit(land_ckan_csv(settings, make_session(settings)).path)


def _failed(result: object) -> set[str]:
    return {f.description for f in result.failures}  # type: ignore[attr-defined]


def _one_total(frame: pd.DataFrame, sex: str) -> pd.Index:
    """The row label of one municipality's all-ages row of `sex` ('SSS' for the total)."""
    rows = frame[(frame["area_code"] == "KU564") & (frame["age_code"] == "SSS") & (frame["sex_code"] == sex)]
    return rows.index[:1]


def _more_men(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[_one_total(frame, "1"), "population"] += 1
    return frame


def _missing_total(frame: pd.DataFrame) -> pd.DataFrame:
    """A municipality-year without its total (its men and women missing too, so they cannot disagree)."""
    for sex in ("SSS", "1", "2"):
        frame.loc[_one_total(frame, sex), "population"] = None
    return frame


def _negative(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[(frame["age_code"] != "SSS") & (frame["sex_code"] != "SSS")].index[:1]
    frame.loc[rows, "population"] = -1
    return frame


POPULATION_CASES: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "men + women = total": _more_men,
    "every total is present": _missing_total,
    "non-negative": _negative,
    "sex codes": lambda f: f.assign(sex_code=f["sex_code"].where(f.index != f.index[-1], "3")),
    "areas": lambda f: f.assign(area_code=f["area_code"].where(f.index != f.index[-1], "TA24")),
    "years": lambda f: f.assign(year=f["year"].where(f.index != f.index[-1], 1900)),
    "one row per key": lambda f: pd.concat([f, f.iloc[[-1]]], ignore_index=True),
    "PX symbols": lambda f: f.assign(status=f["status"].where(f.index != f.index[-1], "x")),
}


def _every_check_has_its_case(result: object, cases: dict[str, object]) -> None:
    """A new expectation without a case here fails this (the shared schema checks are tested elsewhere, though
    a suite may give a never-null check a case of its own)."""
    described = {o.description for o in result.outcomes}  # type: ignore[attr-defined]
    shared = {d for d in described if d == "schema" or d.endswith(" is never null")}
    assert described - shared == set(cases) - shared and set(cases) <= described


def test_the_sample_population_passes(population: pd.DataFrame) -> None:
    result = validate_population(population)
    assert result.success, result.summary()
    _every_check_has_its_case(result, POPULATION_CASES)


@pytest.mark.parametrize("check", sorted(POPULATION_CASES))
def test_each_population_expectation_catches_its_case(population: pd.DataFrame, check: str) -> None:
    broken = POPULATION_CASES[check](population.copy())
    assert _failed(validate_population(broken)) == {check}


def _class_above_total(frame: pd.DataFrame) -> pd.DataFrame:
    """One days class of one area, month and benefit with more recipients than its Yhteensä row."""
    total = frame[frame["is_total_class"] & ~frame["is_pooled_area"] & frame["recipients"].notna()].iloc[0]
    same = (
        ~frame["is_total_class"]
        & (frame["area_code_in_source"] == total["area_code_in_source"])
        & (frame["month"] == total["month"])
        & (frame["benefit"] == total["benefit"])
    )
    frame.loc[frame[same].index[:1], "recipients"] = total["recipients"] + 1
    return frame


def _pooled_and_labelled(frame: pd.DataFrame) -> pd.DataFrame:
    pooled = frame[frame["is_pooled_area"]].index[:1]
    frame.loc[pooled, "employment_area_code"] = "TA24"
    return frame


KELA_CASES: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "no class has more recipients than the Yhteensä total": _class_above_total,
    "employment-area codes": lambda f: f.assign(
        employment_area_code=f["employment_area_code"].where(f.index != f.index[0], "MK17")
    ),
    "recipients ≥ 0": lambda f: f.assign(recipients=f["recipients"].where(f.index != f.index[0], -1)),
    "every row has an employment area or is a labelled pooled group, never both": _pooled_and_labelled,
    "one row per key": lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True),
    "compensated days ≥ 0": lambda f: f.assign(compensated_days=f["compensated_days"].where(f.index != f.index[0], -1)),
    "every employment area has totals": lambda f: f[
        ~(f["is_total_class"] & f["employment_area_code"].isin(sorted(f["employment_area_code"].dropna().unique())[:7]))
    ],
}


def test_the_sample_kela_benefit_passes(kela: pd.DataFrame) -> None:
    result = validate_kela_benefit(kela)
    assert result.success, result.summary()
    _every_check_has_its_case(result, KELA_CASES)


@pytest.mark.parametrize("check", sorted(KELA_CASES))
def test_each_kela_expectation_catches_its_case(kela: pd.DataFrame, check: str) -> None:
    broken = KELA_CASES[check](kela.copy())
    assert _failed(validate_kela_benefit(broken)) == {check}


@pytest.fixture(scope="module")
def key_figures(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("key_figures"), mode="sample")
    return tidy_population_key_figures(land_pxweb_table(settings, make_session(settings), POPULATION_KEY_FIGURES).path)


def _first(frame: pd.DataFrame, measure: str, column: str, value: object) -> pd.DataFrame:
    """`column` of the first row of `measure` set to `value`."""
    frame.loc[frame[frame["measure"] == measure].index[:1], column] = value
    return frame


KEY_FIGURE_CASES: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "areas": lambda f: _first(f, "vaerak-vaesto", "area_code", "ELY01"),
    "measures": lambda f: _first(f, "vaerak-vaesto", "measure", "vaesto_yli74_p"),
    "PX symbols": lambda f: _first(f, "vaerak-vaesto", "status", "x"),
    "unique": lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True),
    "population ≥ 0": lambda f: _first(f, "vaerak-vaesto", "value", -1.0),
    "shares in %": lambda f: _first(f, "vaesto_alle15_p", "value", 100.5),
}


def test_the_sample_key_figures_pass(key_figures: pd.DataFrame) -> None:
    result = validate_population_key_figures(key_figures)
    assert result.success, result.summary()
    _every_check_has_its_case(result, KEY_FIGURE_CASES)


@pytest.mark.parametrize("check", sorted(KEY_FIGURE_CASES))
def test_each_key_figure_expectation_catches_its_case(key_figures: pd.DataFrame, check: str) -> None:
    broken = KEY_FIGURE_CASES[check](key_figures.copy())
    assert _failed(validate_population_key_figures(broken)) == {check}


@pytest.fixture(scope="module")
def municipality_areas(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("areas"), mode="sample")
    return tidy_municipality_areas(land_municipality_areas(settings, make_session(settings)).path)


def _set_first(column: str, value: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda f: f.assign(**{column: f[column].where(f.index != f.index[0], value)})


AREA_CASES: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "one row per municipality": lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True),
    "KU codes": _set_first("municipality_code", "564"),
    "TA codes": _set_first("employment_area_code", "TA024"),
    "SK codes": _set_first("subregion_code", "SK17"),
    "MK codes": _set_first("region_code", "MK1"),
    "about 300 municipalities": lambda f: f.iloc[:200],
    "employment_area_name_fi is never null": _set_first("employment_area_name_fi", None),
    # areas merged into one: every municipality still there, but only 30 areas
    "45 + 1 areas": lambda f: f.assign(
        employment_area_code=f["employment_area_code"].where(
            f["employment_area_code"].isin(sorted(f["employment_area_code"].unique())[:29]), "TA01"
        )
    ),
}


def test_the_sample_municipality_areas_pass(municipality_areas: pd.DataFrame) -> None:
    result = validate_municipality_areas(municipality_areas)
    assert result.success, result.summary()
    _every_check_has_its_case(result, AREA_CASES)


def test_a_failed_table_check_reports_what_it_observed(municipality_areas: pd.DataFrame) -> None:
    (failure,) = validate_municipality_areas(municipality_areas.iloc[:200]).failures
    assert failure.description == "about 300 municipalities" and failure.observed == 200


@pytest.mark.parametrize("check", sorted(AREA_CASES))
def test_each_municipality_area_expectation_catches_its_case(municipality_areas: pd.DataFrame, check: str) -> None:
    broken = AREA_CASES[check](municipality_areas.copy())
    assert _failed(validate_municipality_areas(broken)) == {check}
