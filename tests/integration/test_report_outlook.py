"""The outlook section of TA24's report on the sample refresh, checked against the marts queried here.

The oracle is this file's own SQL over mart_forecast, mart_forecast_accuracy, mart_benefit_cost_outlook,
mart_benefit_cost_scenarios and fct_benefit_cost_monthly, not the report's loader: each figure shown is
parsed back from the HTML and compared with what the marts say it should be.
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from serving.report.outlook_text import OUTLOOK_LABELS, baseline_verdict, coverage_verdict
from serving.report.render import build_report
from serving.report.text import LANGUAGES
from tests.conftest import CliRun

pytestmark = pytest.mark.integration

AREA = "TA24"


@pytest.fixture(scope="module")
def serving_path(sample_refresh: CliRun) -> Path:
    return sample_refresh.serving_path


@pytest.fixture(scope="module")
def month(serving_path: Path) -> str:
    with duckdb.connect(str(serving_path), read_only=True) as con:
        latest = con.execute("SELECT max(month) FROM mart_situational_picture WHERE area_code = ?", [AREA]).fetchone()
    return f"{latest[0]:%Y-%m}"


@pytest.fixture(scope="module")
def sections(sample_refresh: CliRun, month: str) -> dict[str, str]:
    """The outlook section of the reports the nightly job wrote, by language."""
    folder = sample_refresh.data_dir / "serving" / "reports"
    out = {}
    for lang in LANGUAGES:
        page = (folder / f"tilannekuva_{AREA}_{month}_{lang}.html").read_text(encoding="utf-8")
        out[lang] = re.search(r'<section id="outlook".*?</section>', page, re.DOTALL)[0]
    return out


def numbers(fragment: str, lang: str) -> list[tuple[float, bool]]:
    """Every `<data>` shown in the fragment as (number parsed from its text, preceded by a ≥ mark)."""
    out = []
    for mark, text in re.findall(r'(<span class="lb"[^>]*>≥\xa0</span>)?<data[^>]*>([^<]*)</data>', fragment):
        cleaned = text.replace("%", "").replace("+", "").replace("\u2212", "-")
        for space in ("\u00a0", "\u202f", " "):
            cleaned = cleaned.replace(space, "")
        cleaned = cleaned.replace(",", "") if lang == "en" else cleaned.replace(",", ".")
        out.append((float(cleaned), bool(mark)))
    return out


def close(shown: float, expected: float, decimals: int) -> bool:
    return abs(shown - expected) <= 0.5 * 10**-decimals + 1e-9


@pytest.mark.parametrize("lang", LANGUAGES)
def test_forecast_table_equals_the_latest_release_of_mart_forecast(
    serving_path: Path, sections: dict[str, str], month: str, lang: str
) -> None:
    with duckdb.connect(str(serving_path), read_only=True) as con:
        release = con.execute(
            "SELECT release FROM mart_forecast WHERE area_code = ? AND release_month <= ?::date "
            "ORDER BY release_month DESC, source_updated_at DESC LIMIT 1",
            [AREA, f"{month}-01"],
        ).fetchone()[0]
        rows = con.execute(
            "SELECT indicator, horizon, point, lo80, hi80, is_lower_bound FROM mart_forecast "
            "WHERE release = ? AND area_code = ? AND method = 'ets' AND horizon IN (1, 3, 6, 12)",
            [release, AREA],
        ).fetchall()
    expected = {(r[0], r[1]): r[2:] for r in rows}
    table = re.search(r'<table id="outlook-forecasts">.*?</table>', sections[lang], re.DOTALL)[0]
    checked = 0
    for indicator in ("unemployed", "unemployment_rate", "open_vacancies", "long_term_unemployed"):
        row = re.search(rf'<tr data-indicator="{indicator}">.*?</tr>', table, re.DOTALL)[0]
        shown = numbers(row, lang)
        assert len(shown) == 12, (indicator, shown)
        decimals = 1 if indicator == "unemployment_rate" else 0
        for i, horizon in enumerate((1, 3, 6, 12)):
            point, lo80, hi80, lower = expected[(indicator, horizon)]
            for (value, marked), truth in zip(shown[3 * i : 3 * i + 3], (point, lo80, hi80), strict=True):
                assert close(value, truth, decimals), (indicator, horizon, value, truth)
                assert marked == lower, (indicator, horizon)
                checked += 1
    assert checked == 48
    # the sample has a lower-bound vacancy forecast for TA24, so the ≥ wording is exercised here
    assert expected[("open_vacancies", 1)][3] and 'id="outlook-lower-bound"' in sections[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_accuracy_sentence_equals_mart_forecast_accuracy(
    serving_path: Path, sections: dict[str, str], lang: str
) -> None:
    with duckdb.connect(str(serving_path), read_only=True) as con:
        rows = con.execute(
            "SELECT indicator, horizon, mae, mape, coverage_80, mae_relative_to_snaive, forecasts "
            "FROM mart_forecast_accuracy WHERE evaluation = 'backtest' AND scope = 'area' AND area_code = ? "
            "AND method = 'ets' AND indicator IN ('unemployed', 'unemployment_rate') AND horizon IN (3, 12) "
            "ORDER BY indicator, horizon",
            [AREA],
        ).fetchall()
    assert len(rows) == 4
    words = OUTLOOK_LABELS[lang]
    items = re.findall(
        r"<li>(.*?)</li>", re.search(r'<ul id="outlook-accuracy-list">.*?</ul>', sections[lang], re.DOTALL)[0]
    )
    assert len(items) == 4
    assert words["accuracy_intro_area"] in html_lib.unescape(sections[lang])
    for (indicator, horizon, mae, mape, coverage, relative, forecasts), item in zip(rows, items, strict=True):
        shown = [v for v, _ in numbers(item, lang)]
        decimals = 1 if indicator == "unemployment_rate" else 0
        assert close(shown[0], mae, decimals) and close(shown[1], mape, 1), (item, mae, mape)
        assert close(shown[2], 100 * coverage, 1) and shown[3] == forecasts and close(shown[4], relative, 2)
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", item))
        assert f", {horizon} " in text
        assert words[f"verdict_{baseline_verdict(relative)}"] in text
        assert words[f"coverage_{coverage_verdict(100 * coverage)}"] in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cost_outlook_equals_the_marts_and_the_ledger(serving_path: Path, sections: dict[str, str], lang: str) -> None:
    with duckdb.connect(str(serving_path), read_only=True) as con:
        outlook = con.execute(
            "SELECT min(month), sum(municipal_share_eur), sum(euros_paid), sum(municipal_share_eur_lower), "
            "sum(municipal_share_eur_upper) FROM mart_benefit_cost_outlook WHERE area_code = ? AND is_total_class",
            [AREA],
        ).fetchone()
        ledger = con.execute(
            "SELECT sum(municipal_share_eur), sum(euros_paid), count(DISTINCT month) FROM fct_benefit_cost_monthly "
            "WHERE area_code = ? AND is_total_class AND month < ? AND month >= ? - INTERVAL 12 MONTH",
            [AREA, outlook[0], outlook[0]],
        ).fetchone()
        scenarios = con.execute(
            "SELECT scenario, sum(municipal_share_difference_cumulative) FILTER (WHERE horizon = 12), "
            "sum(euros_paid_difference), any_value(scenario_description_" + lang + ") "
            "FROM mart_benefit_cost_scenarios WHERE area_level = 'employment_area' AND area_code = ? "
            "GROUP BY scenario ORDER BY scenario",
            [AREA],
        ).fetchall()
    assert ledger[2] == 12
    table = re.search(r'<table id="outlook-cost-table">.*?</table>', sections[lang], re.DOTALL)[0]
    shown = [v for v, _ in numbers(table, lang)]
    million = 1_000_000
    expected = [ledger[0], ledger[1], outlook[1], outlook[2], outlook[3], outlook[4]]
    assert all(close(s, e / million, 2) for s, e in zip(shown, expected, strict=False)), (shown, expected)
    comparison = "more" if ledger[0] < outlook[3] else ("less" if ledger[0] > outlook[4] else "same")
    cost_text = html_lib.unescape(
        re.sub(r"<[^>]+>", "", re.search(r'<p id="outlook-cost">.*?</p>', sections[lang], re.DOTALL)[0])
    )
    assert OUTLOOK_LABELS[lang][f"cost_{comparison}"] in cost_text
    assert OUTLOOK_LABELS[lang]["cost_reform"].split("{")[0] in cost_text  # the sample's ledger spans 1.5.2026
    scenario_table = re.search(r'<table id="outlook-scenarios">.*?</table>', sections[lang], re.DOTALL)[0]
    assert len(scenarios) == scenario_table.count("<tr data-scenario=") >= 1
    for scenario, share, paid, description in scenarios:
        row = re.search(rf'<tr data-scenario="{scenario}">.*?</tr>', scenario_table, re.DOTALL)[0]
        (shown_share, _), (shown_paid, _) = numbers(row, lang)
        assert close(shown_share, share / million, 2) and close(shown_paid, paid / million, 2), row
        assert html_lib.escape(description, quote=False) in row


def test_missing_marts_leave_a_sentence_per_part(sample_refresh: CliRun, tmp_path: Path) -> None:
    """A no-forecast, Kela-less build: the section says so part by part and the report still renders."""
    copy = tmp_path / "serving.duckdb"
    shutil.copyfile(sample_refresh.serving_path, copy)
    with duckdb.connect(str(copy)) as con:
        for table in ("mart_forecast", "mart_forecast_accuracy", "mart_benefit_cost_outlook"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute("DELETE FROM mart_benefit_cost_scenarios")
    for lang in LANGUAGES:
        target, data = build_report(copy, AREA, None, lang, tmp_path)
        page = html_lib.unescape(target.read_text(encoding="utf-8"))
        section = re.search(r'<section id="outlook".*?</section>', page, re.DOTALL)[0]
        for part in ("no_forecasts", "no_accuracy", "no_cost", "no_scenarios"):
            assert OUTLOOK_LABELS[lang][part] in section, (lang, part)
        assert "<svg" not in section and data.outlook is not None and not data.outlook.forecasts


def test_an_early_months_report_shows_no_projection_made_from_later_data(serving_path: Path, tmp_path: Path) -> None:
    target, data = build_report(serving_path, AREA, "2024-01", "en", tmp_path)
    assert data.outlook is not None
    assert not data.outlook.forecasts and data.outlook.cost is None and not data.outlook.scenarios
    page = html_lib.unescape(target.read_text(encoding="utf-8"))
    assert OUTLOOK_LABELS["en"]["no_forecasts"] in page and OUTLOOK_LABELS["en"]["no_cost"] in page
