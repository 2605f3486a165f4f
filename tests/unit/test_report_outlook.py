"""The report's outlook section (Näkymät / Utsikter / Outlook): wording, verdicts, fallbacks and the fan chart."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re

import duckdb
import pytest

from serving.report import charts
from serving.report.data import Bound, Figure, Ref
from serving.report.outlook_data import (
    Accuracy,
    CostOutlook,
    ForecastSeries,
    ForecastStep,
    Outlook,
    ScenarioRow,
    _accuracy_rows,
    load_outlook,
)
from serving.report.outlook_text import (
    OUTLOOK_LABELS,
    accuracy_sentences,
    baseline_verdict,
    cost_comparison,
    cost_sentences,
    coverage_verdict,
    intro,
)
from serving.report.render import render_report
from serving.report.text import LANGUAGES
from tests.unit.test_report_text import report_data

MONTH = dt.date(2026, 10, 1)
NAMES = {
    "unemployed": {"fi": "Työttömät", "sv": "Arbetslösa", "en": "Unemployed"},
    "unemployment_rate": {"fi": "Työttömyysaste", "sv": "Arbetslöshetsgrad", "en": "Unemployment rate"},
    "open_vacancies": {"fi": "Avoimet työpaikat", "sv": "Lediga platser", "en": "Open vacancies"},
}


def fig(value: float | None, column: str = "point", lower: bool = False) -> Figure:
    return Figure(value, Ref("mart_forecast", (("area_code", "TA24"),), column), Bound.of(lower))


def month_after(months: int) -> dt.date:
    index = MONTH.year * 12 + MONTH.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def series(indicator: str, unit: str, level: float, lower: bool = False) -> ForecastSeries:
    steps = [
        ForecastStep(
            horizon=h,
            target_month=month_after(h),
            point=fig(level + h, lower=lower),
            lo80=fig(level + h - 10 * h, "lo80", lower),
            hi80=fig(level + h + 10 * h, "hi80", lower),
            lo95=fig(level + h - 20 * h, "lo95", lower),
            hi95=fig(level + h + 20 * h, "hi95", lower),
            baseline=fig(level - 5, "point", lower),
        )
        for h in range(1, 13)
    ]
    history = [(month_after(-23 + i), level - 50 + i) for i in range(24)]
    return ForecastSeries(indicator, NAMES[indicator], unit, MONTH, lower, steps, history)


def accuracy(indicator: str, horizon: int, relative: float, coverage: float, scope: str = "area") -> Accuracy:
    def f(value: float, column: str) -> Figure:
        return Figure(value, Ref("mart_forecast_accuracy", (("indicator", indicator),), column))

    return Accuracy(
        indicator=indicator,
        horizon=horizon,
        evaluation="backtest",
        scope=scope,
        forecasts=f(22, "forecasts"),
        mae=f(745.9, "mae"),
        mape=f(4.07, "mape"),
        coverage_80=f(coverage, "coverage_80"),
        relative_to_snaive=f(relative, "mae_relative_to_snaive"),
    )


def euros(value: float, column: str) -> Figure:
    return Figure(value, Ref("mart_benefit_cost_outlook", (("area_code", "TA24"),), column, "sum"))


def cost(previous: float = 25.57, reform: dt.date | None = dt.date(2026, 5, 1)) -> CostOutlook:
    return CostOutlook(
        jump_off_month=MONTH,
        first_month=month_after(1),
        last_month=month_after(12),
        municipal_share=euros(24.44, "municipal_share_eur"),
        municipal_share_lower=euros(20.51, "municipal_share_eur_lower"),
        municipal_share_upper=euros(27.09, "municipal_share_eur_upper"),
        euros_paid=euros(111.2, "euros_paid"),
        euros_paid_lower=euros(93.4, "euros_paid_lower"),
        euros_paid_upper=euros(123.4, "euros_paid_upper"),
        previous_start=month_after(-11),
        previous_end=MONTH,
        previous_months=12,
        previous_municipal_share=euros(previous, "municipal_share_eur"),
        previous_euros_paid=euros(116.2, "euros_paid"),
        reform_month=reform,
    )


def full_outlook(lower_vacancies: bool = True) -> Outlook:
    return Outlook(
        release="2026-10_20261124T060000",
        release_month=MONTH,
        source_updated_at=dt.datetime(2026, 11, 24, 6),
        forecasts={
            "unemployed": series("unemployed", "persons", 18000),
            "unemployment_rate": series("unemployment_rate", "percent", 13),
            "open_vacancies": series("open_vacancies", "vacancies", 500, lower=lower_vacancies),
        },
        accuracy={
            "unemployed": [accuracy("unemployed", 3, 0.46, 100.0), accuracy("unemployed", 12, 0.84, 75.0)],
        },
        cost=cost(),
        scenarios=[
            ScenarioRow(
                "exits_up",
                {"fi": "Poistuma suurempi", "sv": "Utflöde större", "en": "Exits higher"},
                12,
                euros(-1.95, "municipal_share_difference_cumulative"),
                euros(-6.32, "euros_paid_difference"),
            )
        ],
    )


def text(markup: object) -> str:
    return re.sub(r"<[^>]+>", "", str(markup)).replace("\u00a0", " ")


def section(page: str) -> str:
    return html.unescape(re.search(r'<section id="outlook".*?</section>', page, re.DOTALL)[0])


@pytest.mark.parametrize(
    ("relative", "expected"),
    [(0.46, "clearly"), (0.79, "clearly"), (0.8, "slightly"), (0.99, "slightly"), (1.0, "not"), (1.3, "not")],
)
def test_the_baseline_verdict_follows_the_thresholds(relative: float, expected: str) -> None:
    assert baseline_verdict(relative) == expected


@pytest.mark.parametrize(
    ("coverage", "expected"),
    [(55.0, "low"), (69.9, "low"), (70.0, "about"), (80.0, "about"), (90.0, "about"), (90.1, "high"), (100.0, "high")],
)
def test_the_coverage_verdict_follows_the_thresholds(coverage: float, expected: str) -> None:
    assert coverage_verdict(coverage) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("relative", "coverage", "verdict", "held"),
    [(0.5, 100.0, "clearly", "high"), (0.9, 80.0, "slightly", "about"), (1.2, 60.0, "not", "low")],
)
def test_the_accuracy_sentence_words_each_verdict_from_the_numbers(
    lang: str, relative: float, coverage: float, verdict: str, held: str
) -> None:
    outlook = Outlook(accuracy={"unemployed": [accuracy("unemployed", 3, relative, coverage)]})
    words = OUTLOOK_LABELS[lang]
    first, sentence = (text(s) for s in accuracy_sentences(outlook, NAMES, lang))
    assert first == words["accuracy_intro_area"]
    assert words[f"verdict_{verdict}"] in sentence and words[f"coverage_{held}"] in sentence
    others = {"clearly", "slightly", "not"} - {verdict}
    assert not any(words[f"verdict_{o}"] in sentence for o in others)
    assert NAMES["unemployed"][lang] in sentence and "746" in sentence and "4,1" in sentence.replace(".", ",")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_rate_error_is_in_percentage_points(lang: str) -> None:
    outlook = Outlook(accuracy={"unemployment_rate": [accuracy("unemployment_rate", 12, 0.9, 80)]})
    sentence = text(accuracy_sentences(outlook, NAMES, lang)[1])
    assert {"fi": "%-yks.", "sv": "procentenheter", "en": "percentage points"}[lang] in sentence


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_the_areas_own_record_the_level_is_used_and_named(lang: str) -> None:
    level = Outlook(accuracy={"unemployed": [accuracy("unemployed", 3, 0.5, 80, scope="area_level")]})
    assert text(accuracy_sentences(level, NAMES, lang)[0]) == OUTLOOK_LABELS[lang]["accuracy_intro_level"]
    mixed = Outlook(
        accuracy={
            "unemployed": [accuracy("unemployed", 3, 0.5, 80)],
            "unemployment_rate": [accuracy("unemployment_rate", 3, 0.5, 80, scope="area_level")],
        }
    )
    out = [text(s) for s in accuracy_sentences(mixed, NAMES, lang)]
    assert out[0] == OUTLOOK_LABELS[lang]["accuracy_intro_area"]
    assert OUTLOOK_LABELS[lang]["accuracy_mixed"].format(indicator=NAMES["unemployment_rate"][lang]) in out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_stored_forecasts_are_mentioned_when_scored(lang: str) -> None:
    stored = dataclasses.replace(accuracy("unemployed", 3, 0.5, 80), evaluation="stored")
    outlook = Outlook(accuracy={"unemployed": [accuracy("unemployed", 3, 0.5, 80)]})
    head = OUTLOOK_LABELS[lang]["stored"].split("{")[0]
    assert not any(head in text(s) for s in accuracy_sentences(outlook, NAMES, lang))
    outlook.stored_accuracy = {"unemployed": [stored]}
    assert any(head in text(s) for s in accuracy_sentences(outlook, NAMES, lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_intro_names_the_release_and_the_sample(lang: str) -> None:
    outlook = full_outlook()
    words = OUTLOOK_LABELS[lang]
    sample = intro(outlook, MONTH, True, lang)
    assert sample[-1] == words["sample"] and "2026" in sample[0] and words["intro_older"] not in sample[0]
    assert words["sample"] not in intro(outlook, MONTH, False, lang)
    later = intro(outlook, month_after(1), False, lang)
    assert later[0].endswith(words["intro_older"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lower_bound_forecasts_are_never_shown_as_exact(lang: str) -> None:
    data = report_data()
    data.outlook = full_outlook()
    html = section(render_report(data, lang))
    row = re.search(r'<tr data-indicator="open_vacancies">.*?</tr>', html, re.DOTALL)[0]
    numbers = re.findall(r"<data ", row)
    assert len(numbers) == 12 and row.count('class="lb"') == 12  # point, lo80, hi80 at four horizons
    exact = re.search(r'<tr data-indicator="unemployed">.*?</tr>', html, re.DOTALL)[0]
    assert 'class="lb"' not in exact
    assert 'id="outlook-lower-bound"' in html and NAMES["open_vacancies"][lang] in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_section_renders_its_parts_with_numbers_and_provenance(lang: str) -> None:
    data = report_data()
    data.outlook = full_outlook()
    html = section(render_report(data, lang))
    words = OUTLOOK_LABELS[lang]
    assert f'<h2 id="h-outlook">{words["outlook"]}</h2>' in html
    assert html.count('role="img"') == 2 and 'id="chart-fan-unemployed"' in html
    assert 'id="outlook-cost-table"' in html and 'data-scenario="exits_up"' in html
    assert {"fi": "Poistuma suurempi", "sv": "Utflöde större", "en": "Exits higher"}[lang] in html
    assert 'data-ref="' in html and "missing" not in html
    assert words["sample"] in html  # report_data() is the sample


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_marts_are_said_and_the_report_still_renders(lang: str) -> None:
    data = report_data()
    data.outlook = Outlook()
    html = section(render_report(data, lang))
    words = OUTLOOK_LABELS[lang]
    for part in ("no_forecasts", "no_accuracy", "no_cost", "no_scenarios"):
        assert words[part] in html, part
    assert "<svg" not in html and "<table" not in html
    data.outlook = None
    assert words["no_forecasts"] in section(render_report(data, lang))


@pytest.mark.parametrize(
    ("previous", "expected"), [(19.0, "more"), (20.51, "same"), (25.57, "same"), (27.09, "same"), (30.0, "less")]
)
def test_the_cost_comparison_reads_the_band(previous: float, expected: str) -> None:
    assert cost_comparison(cost(previous)) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_cost_sentence_mentions_the_reform_only_inside_the_comparison_period(lang: str) -> None:
    words = OUTLOOK_LABELS[lang]
    head = words["cost_reform"].split("{")[0]
    within = [text(s) for s in cost_sentences(cost(), lang)]
    assert len(within) == 2 and within[1].startswith(head) and "24,44" in within[0].replace("24.44", "24,44")
    assert words["cost_same"] in within[0]
    before = [text(s) for s in cost_sentences(cost(reform=dt.date(2024, 5, 1)), lang)]
    assert len(before) == 1
    assert [text(s) for s in cost_sentences(None, lang)] == [words["no_cost"]]


def fan(lower: bool) -> str:
    s = series("unemployed", "persons", 18000, lower=lower)
    steps = [
        (x.target_month, x.point.value, x.lo80.value, x.hi80.value, x.lo95.value, x.hi95.value, x.baseline.value)
        for x in s.steps
    ]
    legend = {"actual": "Actual", "point": "Point", "band80": "Band 80", "band95": "Band 95", "baseline": "Naive"}
    return str(charts.fan_chart("chart-fan", s.history, steps, "en", "Fan chart alt", legend, lower_bound=lower))


def test_the_fan_chart_draws_both_bands_the_baseline_and_a_legend() -> None:
    svg = fan(lower=False)
    assert svg.startswith("<svg") and 'role="img"' in svg and '<title id="chart-fan-title">Fan chart alt</title>' in svg
    for label in ("Actual", "Point", "Band 80", "Band 95", "Naive"):
        assert f">{label}</text>" in svg, label
    assert svg.count('<g id="chart-fan-FillBetweenPolyCollection_') == 2
    assert charts.FAN_COLOURS["band80"] in svg and charts.FAN_COLOURS["band95"] in svg
    assert "stroke-dasharray" in svg  # the dashed baseline
    assert "<pattern" not in svg and "≥" not in svg
    assert fan(lower=False) == svg  # deterministic


def test_a_lower_bound_fan_is_hatched_and_marked() -> None:
    svg = fan(lower=True)
    assert "<pattern" in svg and "≥" in svg


def test_no_fan_without_forecast_steps() -> None:
    assert charts.fan_chart("c", [(MONTH, 1.0)], [], "en", "alt", {}) is None


def _accuracy_table(rows: list[tuple[object, ...]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE mart_forecast_accuracy (evaluation VARCHAR, scope VARCHAR, area_code VARCHAR, area_level VARCHAR,"
        " indicator VARCHAR, method VARCHAR, horizon INTEGER, forecasts BIGINT, mae DOUBLE, mape DOUBLE,"
        " coverage_80 DOUBLE, coverage_95 DOUBLE, mae_relative_to_snaive DOUBLE)"
    )
    con.executemany("INSERT INTO mart_forecast_accuracy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def test_the_loader_takes_the_areas_record_else_the_levels() -> None:
    level = ("backtest", "area_level", None, "employment_area", "unemployed", "ets", 3, 500, 900.0, 5.0, 0.8, 0.95, 0.5)
    area = ("backtest", "area", "TA24", "employment_area", "unemployed", "ets", 3, 22, 746.0, 4.1, 0.9, 1.0, 0.46)
    con = _accuracy_table([level, area, (*area[:5], "snaive", *area[6:])])
    rows = _accuracy_rows(con, "TA24", "employment_area", "unemployed", "backtest")
    assert [(r.scope, r.mae.value, r.coverage_80.value) for r in rows] == [("area", 746.0, 90.0)]
    assert rows[0].coverage_80.ref.scale == 100 and '"x":100' in rows[0].coverage_80.ref.to_json()
    fallback = _accuracy_rows(con, "TA01", "employment_area", "unemployed", "backtest")
    assert [(r.scope, r.mae.value) for r in fallback] == [("area_level", 900.0)]
    assert dict(fallback[0].mae.ref.key) == {
        "evaluation": "backtest",
        "scope": "area_level",
        "area_level": "employment_area",
        "indicator": "unemployed",
        "method": "ets",
        "horizon": 3,
    }
    assert _accuracy_rows(con, "TA01", "employment_area", "unemployed", "stored") == []


def test_the_loader_leaves_every_part_empty_without_the_marts() -> None:
    outlook = load_outlook(duckdb.connect(), "TA24", "employment_area", MONTH)
    assert outlook == Outlook()


def test_every_language_has_every_outlook_label() -> None:
    keys = set(OUTLOOK_LABELS["fi"])
    assert all(set(OUTLOOK_LABELS[lang]) == keys for lang in LANGUAGES)
    placeholders = {k: set(re.findall(r"\{(\w+)\}", OUTLOOK_LABELS["fi"][k])) for k in keys}
    for lang in LANGUAGES:
        assert {k: set(re.findall(r"\{(\w+)\}", OUTLOOK_LABELS[lang][k])) for k in keys} == placeholders, lang


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("forecasts", "flagged"), [(11, True), (12, False)])
def test_a_thin_record_is_called_indicative(lang: str, forecasts: int, flagged: bool) -> None:
    row = accuracy("unemployed", 12, 0.9, 80)
    row = dataclasses.replace(row, forecasts=dataclasses.replace(row.forecasts, value=forecasts))
    out = accuracy_sentences(Outlook(accuracy={"unemployed": [row]}), NAMES, lang)
    assert text(out[-1]).endswith(OUTLOOK_LABELS[lang]["few"].replace("\u00a0", " ")) is flagged
