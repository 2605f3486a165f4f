"""The report's words, number formats, sentences, charts and template, on small hand-made data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import time

import pytest

from ingestion.errors import SettingsError
from serving.report import charts
from serving.report.data import (
    AlertRow,
    BenefitCost,
    Bound,
    Caveats,
    Figure,
    IndicatorFigures,
    KpiRow,
    Ref,
    ReportData,
    TrendSeries,
    supported_direction,
)
from serving.report.render import render_report, report_filename
from serving.report.text import (
    LABELS,
    LANGUAGES,
    NumberRenderer,
    check_language,
    format_number,
    format_timestamp,
    sentences,
)

NBSP = "\u00a0"
MONTH = dt.date(2026, 6, 1)


def fig(value: float | None, column: str = "value", lower: bool = False) -> Figure:
    key = (("area_code", "TA24"), ("month", MONTH), ("indicator_code", "x"))
    return Figure(value, Ref("mart_situational_picture", key, column), Bound.LOWER if lower else Bound.EXACT)


def indicator(code: str, unit: str, value: float, ago: float, country_pct: float, direction: str) -> IndicatorFigures:
    change = value - ago
    return IndicatorFigures(
        code=code,
        name={"fi": f"{code} fi", "sv": f"{code} sv", "en": f"{code} en"},
        unit=unit,
        direction=direction,
        value=fig(value),
        value_year_ago=fig(ago, "value_year_ago"),
        change_12m=fig(change, "change_12m"),
        change_12m_pct=fig(100 * change / ago, "change_12m_pct"),
        region_value=fig(value * 1.3, "region_value"),
        country_value=fig(value * 17, "country_value"),
        country_change_12m_pct=fig(country_pct, "change_12m_pct"),
        rank_value=fig(None, "rank_value"),
        ranked_count=fig(None, "ranked_on_value_count"),
    )


def report_data(*, is_sample: bool = True, unemployed_now: float = 18272, country_pct: float = 4.2) -> ReportData:
    indicators = {
        "unemployed": indicator("unemployed", "persons", unemployed_now, 17291, country_pct, "lower_is_better"),
        "unemployment_rate": indicator("unemployment_rate", "percent", 13.0, 12.4, 0.3, "lower_is_better"),
        "open_vacancies": indicator("open_vacancies", "vacancies", 497, 452, 2.0, "higher_is_better"),
        "vacancies_per_unemployed": indicator("vacancies_per_unemployed", "ratio", 0.027, 0.026, 1, "higher_is_better"),
    }
    months = [dt.date(2025, m, 1) for m in range(1, 13)]
    return ReportData(
        area_code="TA24",
        area_name={"fi": "Oulun seutu", "sv": "Uleåborgregionen", "en": "Oulu region"},
        region_name={"fi": "Pohjois-Pohjanmaa", "sv": "Norra Österbotten", "en": "North Ostrobothnia"},
        month=MONTH,
        is_sample=is_sample,
        published_at=dt.datetime(2026, 7, 22, 3, 41),
        indicators=indicators,
        benefit_cost=BenefitCost(MONTH, fig(8931241.58, "euros_paid"), fig(8821550.93, "euros_paid_year_ago"), True),
        trend=[
            TrendSeries("Oulun seutu", "area", months, [12.0 + m / 10 for m in range(12)]),
            TrendSeries("Pohjois-Pohjanmaa", "region", months, [11.0] * 12),
            TrendSeries("SSS", "country", months, [10.5] * 11 + [None]),
            TrendSeries("TA39", "peer", months, [9.0] * 12),
        ],
        trend_table=[],
        peer_codes=["TA39"],
        peer_comparison=[],
        shortages=[],
        surpluses=[],
        business=None,
        kpis=[
            KpiRow(
                "unemployed",
                {"fi": "Työttömät", "sv": "Arbetslösa", "en": "Unemployed"},
                "month_value",
                dt.date(2024, 12, 1),
                fig(16926, "baseline_value"),
                dt.date(2027, 12, 1),
                fig(15000, "target_value"),
                fig(15749, "expected_value"),
                fig(18272, "actual_value"),
                "off_track",
                "owner",
                True,
            )
        ],
        alerts=[
            AlertRow(
                "medium",
                "unusual_month",
                False,
                {"fi": "Arvo vaihteluvälin yli <b>.", "sv": "Värdet över intervallet.", "en": "Value above."},
            )
        ],
        municipalities=[],
        sources=[],
        caveats=Caveats(fig(31, "suppressed_cell_count"), ["open_vacancies"], fig(28.97, "country_unknown_area_pct")),
        vacancy_series=[(m, 400.0 + i) for i, m in enumerate(months)],
    )


@pytest.mark.parametrize(
    ("lang", "value", "decimals", "expected"),
    [
        ("fi", 18272, 0, f"18{NBSP}272"),
        ("fi", 13.04, 1, "13,0"),
        ("fi", 1234567.891, 2, f"1{NBSP}234{NBSP}567,89"),
        ("sv", 18272.5, 1, f"18{NBSP}272,5"),
        ("en", 18272.5, 1, "18,272.5"),
        ("en", 0.0272, 3, "0.027"),
    ],
)
def test_numbers_follow_the_language(lang: str, value: float, decimals: int, expected: str) -> None:
    assert format_number(value, lang, decimals) == expected


def test_signed_numbers_carry_their_sign() -> None:
    assert format_number(981, "en", 0, signed=True) == "+981"
    assert format_number(-5.25, "en", 1, signed=True).replace("\u2212", "-") == "-5.2"
    assert format_number(-5.25, "fi", 1, signed=True).replace("\u2212", "-") == "-5,2"


def test_number_renderer_keeps_value_and_provenance() -> None:
    html = str(NumberRenderer("fi")(fig(13.0357, "value"), "percent"))
    assert f">13,0{NBSP}%</data>" in html
    assert 'value="13.0357"' in html
    ref = json.loads(re.search(r'data-ref="([^"]*)"', html).group(1).replace("&#34;", '"'))
    assert ref == {
        "t": "mart_situational_picture",
        "k": {"area_code": "TA24", "month": "2026-06-01", "indicator_code": "x"},
        "c": "value",
    }


def test_lower_bounds_and_missing_values_are_marked() -> None:
    render = NumberRenderer("en")
    assert "≥" in str(render(fig(497, lower=True), "vacancies"))
    missing = str(render(fig(None)))
    assert "<data" not in missing and ">..<" in missing


def test_unknown_language_is_one_sentence() -> None:
    with pytest.raises(SettingsError, match="Unknown report language 'de'"):
        check_language("de")


def test_every_language_has_every_label() -> None:
    keys = set(LABELS["fi"])
    for lang in LANGUAGES:
        assert set(LABELS[lang]) == keys, lang


def test_sentence_compares_the_area_with_the_country() -> None:
    worse = " ".join(str(s) for s in sentences(report_data(country_pct=1.0), "en"))
    assert "more than a year earlier" in worse
    assert "the area did worse than the country" in worse
    better = " ".join(str(s) for s in sentences(report_data(unemployed_now=16000, country_pct=1.0), "en"))
    assert "fewer than a year earlier" in better and "did better" in better
    fi = " ".join(str(s) for s in sentences(report_data(country_pct=1.0), "fi"))
    assert "enemmän kuin vuotta aiemmin" in fi and "heikompi" in fi
    assert "1/1" not in fi and "0/1 on aikataulussa" in fi


def test_magnitude_shows_the_absolute_value_but_keeps_the_signed_value() -> None:
    text = " ".join(str(s) for s in sentences(report_data(unemployed_now=16000), "en"))
    match = re.search(r'<data class="num" value="(-1291(?:\.0)?)"[^>]*data-magnitude="true"[^>]*>([^<]*)</data>', text)
    assert match and match.group(2) == "1,291"


def test_charts_are_accessible_deterministic_and_unique() -> None:
    months = [dt.date(2025, m, 1) for m in range(1, 7)]
    series = [("A", "area", months, [1.0, 2.0, None, 4.0, 5.0, 6.0])]
    first = str(charts.line_chart("chart-a", series, "fi", "Alt <text>"))
    again = str(charts.line_chart("chart-a", series, "fi", "Alt <text>"))
    other = str(charts.line_chart("chart-b", series, "fi", "Alt <text>"))
    assert first == again
    assert (
        first.startswith("<svg")
        and 'role="img"' in first
        and '<title id="chart-a-title">Alt &lt;text&gt;</title>' in first
    )
    assert "<?xml" not in first and "DOCTYPE" not in first and "<metadata" not in first
    ids_a = set(re.findall(r'id="([^"]+)"', first))
    ids_b = set(re.findall(r'id="([^"]+)"', other))
    assert ids_a and not ids_a & ids_b
    assert "<text" in first  # svg.fonttype none: real text, not glyph paths
    bars = str(charts.bar_chart("chart-c", ["x", "y"], [3.5, -1.25], "fi", "bars", decimals=1))
    assert "+3,5" in bars and "1,2" in bars


@pytest.mark.parametrize("lang", LANGUAGES)
def test_template_renders_every_section(lang: str) -> None:
    html = render_report(report_data(), lang)
    assert f'<html lang="{lang}">' in html
    assert 'id="sample-banner"' in html and LABELS[lang]["sample_banner"] in html
    for section in ("summary", "headlines", "trend", "groups", "vacancies", "occupations", "business", "kpis"):
        assert f'<section id="{section}"' in html
    assert 'id="business-missing"' in html
    alert = {"fi": "Arvo vaihteluvälin yli &lt;b&gt;.", "sv": "Värdet över intervallet.", "en": "Value above."}
    assert alert[lang] in html
    assert html.count("<svg") == 2  # trend and vacancies (no count groups in this data)
    assert "@media print" in html


def test_no_sample_banner_for_real_data() -> None:
    html = render_report(report_data(is_sample=False), "fi")
    assert "sample-banner" not in html and LABELS["fi"]["sample_banner"] not in html


def test_report_file_name() -> None:
    assert report_filename("TA24", "2026-06", "sv") == "tilannekuva_TA24_2026-06_sv.html"


def test_business_rows_are_shown_per_source() -> None:
    from dataclasses import replace

    from serving.report.data import BusinessRow

    rows = [
        BusinessRow("prh", "month", MONTH, fig(120), fig(80), fig(40), fig(3), fig(12000), fig(1)),
        BusinessRow(
            "statfin", "quarter", dt.date(2026, 4, 1), fig(300), fig(310), fig(-10), fig(None), fig(9000), fig(None)
        ),
    ]
    html = render_report(replace(report_data(), business=rows), "fi")
    assert 'id="business-missing"' not in html
    assert '<table data-source="prh">' in html and '<table data-source="statfin">' in html
    assert '<th scope="row">2026 Q2</th>' in html and '<th scope="row">kesäkuu 2026</th>' in html
    statfin = re.search(r'<table data-source="statfin">.*?</table>', html, re.DOTALL)[0]
    assert "Saneeraukset" not in statfin and "-10" in statfin.replace("\u2212", "-")


def shown_text(html: object) -> str:
    """The text a reader sees, tags removed."""
    return re.sub(r"<[^>]+>", "", str(html))


def lines(html: object) -> list[str]:
    """The shown text's lines, stripped: one per tile paragraph."""
    return [line.strip() for line in shown_text(html).splitlines()]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("exact", Bound.EXACT),
        ("lower_bound", Bound.LOWER),
        ("upper_bound", Bound.UPPER),
        ("unknown", Bound.UNKNOWN),
        (None, Bound.EXACT),
    ],
)
def test_the_mart_change_bound_maps_to_a_bound(label: str | None, expected: Bound) -> None:
    """The report reads mart_situational_picture.change_12m_bound (macro difference_bound)."""
    assert Bound.from_mart(label) is expected


@pytest.mark.parametrize(
    ("value", "bound", "expected"),
    [
        (163, Bound.EXACT, 1),
        (0, Bound.EXACT, 1),
        (-5, Bound.EXACT, -1),
        (163, Bound.LOWER, 1),
        (-5, Bound.LOWER, None),
        (163, Bound.UPPER, None),
        (-5, Bound.UPPER, -1),
        (163, Bound.UNKNOWN, None),
        (None, Bound.EXACT, None),
    ],
)
def test_a_direction_is_claimed_only_where_the_bound_proves_it(value: float, bound: Bound, expected: int) -> None:
    assert supported_direction(value, bound) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", f"+0,6{NBSP}%-yks."),
        ("sv", f"+0,6{NBSP}procentenheter"),
        ("en", f"+0.6{NBSP}percentage points"),
    ],
)
def test_a_change_of_a_rate_is_in_percentage_points(lang: str, expected: str) -> None:
    change = fig(13.0 - 12.4, "change_12m")
    assert shown_text(NumberRenderer(lang).change(change, "percent")) == expected
    html = render_report(report_data(), lang)
    tile = re.search(r'data-indicator="unemployment_rate".*?</article>', html, re.DOTALL)[0]
    assert f"{LABELS[lang]['change_year']}: {expected}" in lines(tile)


@pytest.mark.parametrize(
    ("lang", "points", "count", "pct"),
    [
        ("fi", f"+3,5{NBSP}%-yks.", "+981", f"+5,7{NBSP}%"),
        ("sv", f"+3,5{NBSP}procentenheter", "+981", f"+5,7{NBSP}%"),
        ("en", f"+3.5{NBSP}percentage points", "+981", "+5.7%"),
    ],
)
def test_a_share_changes_in_points_and_a_count_in_per_cent(lang: str, points: str, count: str, pct: str) -> None:
    data = report_data()
    data.indicators["long_term_unemployed_share"] = indicator(
        "long_term_unemployed_share", "percent", 33.5, 30.0, 1.0, "lower_is_better"
    )
    html = render_report(data, lang)
    table = shown_text(re.search(r'<section id="groups".*?</section>', html, re.DOTALL)[0])
    assert f"{points}–" in table  # the share's change in points; no per-cent change of a share
    old_unit = points.split(NBSP)[0] + ("%" if lang == "en" else f"{NBSP}%")
    assert old_unit not in table.replace(points, "")  # the share's change was shown as per cent before
    tile = shown_text(re.search(r'data-indicator="unemployed".*?</article>', html, re.DOTALL)[0])
    assert f"{LABELS[lang]['change_year']}: {count} ({pct})" in tile


BOUND_CASES = {
    # foreign nationals: 1 246 exact now, 1 083 a year ago (a lower bound unless stated); the change's
    # bound as mart_situational_picture states it (macro difference_bound)
    "exact_exact": (Bound.EXACT, Bound.EXACT, "exact"),
    "lower_exact": (Bound.LOWER, Bound.EXACT, "lower_bound"),
    "exact_lower": (Bound.EXACT, Bound.LOWER, "upper_bound"),
    "lower_lower": (Bound.LOWER, Bound.LOWER, "unknown"),
}
EXPECTED_CHANGES = {
    "fi": {
        "exact_exact": f"+163 (+15,1{NBSP}%)",
        "lower_exact": f"≥{NBSP}+163 (≥{NBSP}+15,1{NBSP}%)",
        "exact_lower": f"≤{NBSP}+163 (≤{NBSP}+15,1{NBSP}%)",
        "lower_lower": "ei vertailukelpoinen",
    },
    "sv": {
        "exact_exact": f"+163 (+15,1{NBSP}%)",
        "lower_exact": f"≥{NBSP}+163 (≥{NBSP}+15,1{NBSP}%)",
        "exact_lower": f"≤{NBSP}+163 (≤{NBSP}+15,1{NBSP}%)",
        "lower_lower": "ej jämförbar",
    },
    "en": {
        "exact_exact": "+163 (+15.1%)",
        "lower_exact": f"≥{NBSP}+163 (≥{NBSP}+15.1%)",
        "exact_lower": f"≤{NBSP}+163 (≤{NBSP}+15.1%)",
        "lower_lower": "not comparable",
    },
}


def bounded_indicator(code: str, now: float, ago: float, case: str, unit: str = "persons") -> IndicatorFigures:
    """An indicator whose current and year-ago values carry the case's bounds, the change derived from them."""
    from dataclasses import replace

    current, year_ago, change_label = BOUND_CASES[case]
    change = Bound.from_mart(change_label)
    base = indicator(code, unit, now, ago, 1.0, "lower_is_better")
    return replace(
        base,
        value=replace(base.value, bound=current),
        value_year_ago=replace(base.value_year_ago, bound=year_ago),
        change_12m=replace(base.change_12m, bound=change),
        change_12m_pct=replace(base.change_12m_pct, bound=change),
    )


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", list(BOUND_CASES))
def test_a_change_shows_its_bound_in_every_language(lang: str, case: str) -> None:
    data = report_data()
    data.indicators["unemployed_foreign_nationals"] = bounded_indicator(
        "unemployed_foreign_nationals", 1246, 1083, case
    )
    html = render_report(data, lang)
    tile_like = re.search(r'<section id="groups".*?</section>', html, re.DOTALL)[0]
    row = shown_text(re.search(r"<tr><th scope=\"row\">unemployed_foreign_nationals.*?</tr>", tile_like)[0])
    expected = EXPECTED_CHANGES[lang][case]
    if case == "lower_lower":
        assert row.count(expected) == 2 and "163" not in row
    else:
        change, pct = expected.split(" (")
        assert f"{change}{pct[:-1]}" in row.replace(" ", ""), row


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", list(BOUND_CASES))
def test_a_tile_shows_the_change_with_its_bound(lang: str, case: str) -> None:
    data = report_data()
    data.indicators["unemployed"] = bounded_indicator("unemployed", 1246, 1083, case)
    tile = shown_text(re.search(r'data-indicator="unemployed".*?</article>', render_report(data, lang), re.DOTALL)[0])
    assert f"{LABELS[lang]['change_year']}: {EXPECTED_CHANGES[lang][case]}" in lines(tile)


SENTENCE_CASES = {
    "fi": {
        "exact_exact": "163 (15,1\u00a0%) enemmän kuin vuotta aiemmin",
        "lower_exact": f"≥{NBSP}163 (≥{NBSP}15,1{NBSP}%) enemmän kuin vuotta aiemmin",
        "exact_lower": f"muutos vuodessa ≤{NBSP}+163 (≤{NBSP}+15,1{NBSP}%), joten suunta ei ole varma",
        "lower_lower": "muutos vuodessa ei ole vertailukelpoinen",
    },
    "sv": {
        "exact_exact": "163 (15,1\u00a0%) fler än för ett år sedan",
        "lower_exact": f"≥{NBSP}163 (≥{NBSP}15,1{NBSP}%) fler än för ett år sedan",
        "exact_lower": f"förändringen på ett år var ≤{NBSP}+163 (≤{NBSP}+15,1{NBSP}%), så riktningen är osäker",
        "lower_lower": "förändringen på ett år är ej jämförbar",
    },
    "en": {
        "exact_exact": "163 (15.1%) more than a year earlier",
        "lower_exact": f"≥{NBSP}163 (≥{NBSP}15.1%) more than a year earlier",
        "exact_lower": f"the change in a year was ≤{NBSP}+163 (≤{NBSP}+15.1%), so its direction is uncertain",
        "lower_lower": "the change in a year is not comparable",
    },
}
DIRECTION_WORDS = {"fi": ("enemmän", "vähemmän"), "sv": ("fler", "färre"), "en": ("more", "fewer")}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", list(BOUND_CASES))
def test_the_summary_claims_no_direction_the_bound_does_not_prove(lang: str, case: str) -> None:
    data = report_data()
    data.indicators["unemployed"] = bounded_indicator("unemployed", 1246, 1083, case)
    first = shown_text(sentences(data, lang)[0])
    assert SENTENCE_CASES[lang][case] in first, first
    if case in ("exact_lower", "lower_lower"):
        assert not any(f" {word} " in first for word in DIRECTION_WORDS[lang])


@pytest.mark.parametrize(("lang", "expected"), [("fi", "vähemmän"), ("sv", "färre"), ("en", "fewer")])
def test_an_upper_bound_below_zero_proves_a_decrease(lang: str, expected: str) -> None:
    data = report_data()
    data.indicators["unemployed"] = bounded_indicator("unemployed", 1000, 1083, "exact_lower")
    first = shown_text(sentences(data, lang)[0])
    assert f"≥{NBSP}83 (≥{NBSP}" in first and f" {expected} " in first, first


def svg_texts(svg: object) -> list[str]:
    """The text elements of an SVG chart (tick labels, legend, annotations)."""
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", str(svg)) if t.strip()]


def test_charts_without_values_are_not_drawn() -> None:
    months = [dt.date(2019, 1, 1)]
    assert charts.line_chart("chart-x", [("A", "area", months, [None])], "fi", "alt") is None
    assert charts.bar_chart("chart-y", ["a", "b"], [None, None], "fi", "alt") is None
    assert charts.column_chart("chart-z", months, [None], "fi", "alt") is None


def test_a_lone_month_gets_one_tick_not_a_span_of_years() -> None:
    months = [dt.date(2019, 1, 1)]
    line = charts.line_chart("chart-x", [("A", "area", months, [9.5]), ("B", "region", months, [10.0])], "fi", "alt")
    texts = svg_texts(line)
    assert "1/2019" in texts
    assert not [t for t in texts if re.fullmatch(r"20\d\d", t) or re.fullmatch(r"\d+/20(1[0-8]|2\d)", t)], texts
    column = charts.column_chart("chart-z", months, [497.0], "fi", "alt")
    assert [t for t in svg_texts(column) if "/" in t] == ["1/2019"]
    assert "497" in svg_texts(column)


def test_long_spans_tick_by_year_and_short_ones_by_month() -> None:
    long = [dt.date(2021 + i // 12, i % 12 + 1, 1) for i in range(70)]
    texts = svg_texts(charts.line_chart("chart-l", [("A", "area", long, [5.0] * 70)], "en", "alt"))
    assert {"2022", "2026"} <= set(texts) and not [t for t in texts if re.fullmatch(r"\d+/\d{4}", t)]
    short = [dt.date(2026, m, 1) for m in range(1, 6)]
    texts = svg_texts(charts.line_chart("chart-s", [("A", "area", short, [5.0] * 5)], "en", "alt"))
    assert {"1/2026", "5/2026"} <= set(texts)


def test_group_bars_are_labelled_in_per_cent() -> None:
    texts = svg_texts(charts.bar_chart("chart-g", ["x"], [-4.0], "fi", "bars", decimals=1))
    assert any(t.replace("\u2212", "-") == f"-4,0{NBSP}%" for t in texts), texts


def with_history(**changes: object) -> ReportData:
    from dataclasses import replace

    return replace(report_data(), **changes)


PEER_NAMES = {"TA39": {"fi": "Kuopion seutu", "sv": "Kuopioregionen", "en": "Kuopio region"}}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_peers_are_named_in_the_caption_and_the_legend(lang: str) -> None:
    base = report_data()
    months = base.trend[0].months
    trend = [*base.trend, TrendSeries("trend", "area_trend", months, [12.5] * len(months))]
    html = render_report(with_history(peer_names=PEER_NAMES, trend=trend), lang)
    name = PEER_NAMES["TA39"][lang]
    assert f"{name} (TA39)" in html
    trend_svg = re.search(r'<svg[^>]*id="chart-trend".*?</svg>', html, re.DOTALL)[0]
    assert name in svg_texts(trend_svg) and "TA39" not in svg_texts(trend_svg)
    assert f"{LABELS[lang]['trend_series']}" in " ".join(svg_texts(trend_svg))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sections_say_why_data_are_missing(lang: str) -> None:
    early = dt.date(2019, 1, 1)
    html = render_report(
        with_history(
            month=early,
            first_month=early,
            trend=[TrendSeries("Oulun seutu", "area", [], [])],
            vacancy_series=[(early, None)],
            occupation_months=(dt.date(2024, 10, 1), dt.date(2026, 10, 1), 25),
            peer_comparison_month=dt.date(2026, 10, 1),
        ),
        lang,
    )
    assert "<svg" not in html
    for note in ("trend-missing", "groups-missing", "vacancies-missing", "occupations-missing", "peers-missing"):
        assert f'id="{note}"' in html, note
    assert LABELS[lang]["none"] not in html
    occupations = re.search(r'<section id="occupations".*?</section>', html, re.DOTALL)[0]
    assert "25" in occupations and "2024" in occupations


def test_occupation_footnote_mark_is_explained_in_print() -> None:
    from serving.report.data import OccupationRow

    row = OccupationRow("2512", {"fi": "Ohjelmistokehittäjät"} | {"sv": "x", "en": "x"}, fig(1), fig(10), fig(3),
                        fig(0.3), uses_lower_bounds=True)  # fmt: skip
    html = render_report(with_history(shortages=[row]), "fi")
    footnote = re.search(r'<p class="footnote" id="occupation-footnote">([^<]*)</p>', html)
    assert footnote and footnote[1].startswith("* ") and "alaraj" in footnote[1]
    assert 'id="occupation-footnote"' not in render_report(report_data(), "fi")


@pytest.mark.parametrize(("sample", "expected"), [(True, True), (False, False)])
def test_every_printed_page_has_area_month_sample_mark_and_page_numbers(sample: bool, expected: bool) -> None:
    from serving.report.render import page_margin_css

    css = page_margin_css(report_data(is_sample=sample), "fi")
    assert "@top-left" in css and "Oulun seutu (TA24) — kesäkuu 2026" in css
    assert '"sivu " counter(page) "/" counter(pages)' in css
    assert ("ESIMERKKIAINEISTO" in css) is expected
    assert css in render_report(report_data(is_sample=sample), "fi")


@pytest.mark.parametrize(
    ("lang", "day", "quarter", "month"),
    [
        ("fi", "30.11.2026", "2026 Q2", "lokakuu 2026"),
        ("sv", "30.11.2026", "2026 Q2", "oktober 2026"),
        ("en", "30 November 2026", "2026 Q2", "October 2026"),
    ],
)
def test_dates_and_periods_have_one_style_per_language(lang: str, day: str, quarter: str, month: str) -> None:
    from serving.report.text import format_day, format_period

    assert format_day(dt.date(2026, 11, 30), lang) == day
    assert format_period("quarter", dt.date(2026, 4, 1), lang) == quarter
    assert format_period("month", dt.date(2026, 10, 1), lang) == month


@pytest.mark.parametrize(
    ("month", "quarter"),
    [(1, "2026 Q1"), (3, "2026 Q1"), (4, "2026 Q2"), (9, "2026 Q3"), (10, "2026 Q4"), (12, "2026 Q4")],
)
def test_a_quarter_is_named_from_any_of_its_months(month: int, quarter: str) -> None:
    from serving.report.text import format_period

    assert format_period("quarter", dt.date(2026, month, 1), "fi") == quarter


def test_years_and_missing_periods() -> None:
    from serving.report.text import format_day, format_period

    assert format_period("year", dt.date(2025, 1, 1), "fi") == "2025"
    assert format_period("annual_version", dt.date(2025, 1, 1), "en") == "2025"
    assert format_period("month", None, "sv") == "–"
    assert format_day(None, "fi") == "–"


def test_english_dates_do_not_follow_the_machine_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    import babel.dates

    from serving.report.text import format_day

    monkeypatch.setattr(babel.dates, "LC_TIME", "fi_FI")  # the default locale of a Finnish machine
    assert format_day(dt.date(2026, 11, 30), "en") == "30 November 2026"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", "22.7.2026 klo 6.41 Suomen aikaa (Europe/Helsinki)"),
        ("en", "22 July 2026 06:41 Finnish time (Europe/Helsinki)"),
    ],
)
def test_publish_time_is_finnish_local_time_with_the_zone_named(lang: str, expected: str) -> None:
    html = render_report(report_data(), lang)
    assert expected in re.search(r'<p id="published">([^<]*)</p>', html)[1]


def test_sources_name_publisher_title_and_period_without_breaking_ids() -> None:
    from serving.report.data import SourceRow

    source = SourceRow(
        "statfin/labour_market", "statfin", "StatFin/tyonv/statfin_tyonv_pxt_12r5.px",
        dt.datetime(2026, 11, 20, 6, 0), "2026M10", dt.date(2026, 10, 1), "month", dt.date(2026, 12, 21),
        False, False,
    )  # fmt: skip
    html = render_report(with_history(sources=[source]), "fi")
    row = re.search(r'<tr data-dataset="statfin/labour_market">(.*?)</tr>', html, re.DOTALL)[1]
    text = shown_text(row)
    assert "Tilastokeskus" in text and "Työnvälitystilasto" in text and "lokakuu 2026" in text
    assert "20.11.2026" in text and "21.12.2026" in text and "2026M10" not in text
    assert '<span class="id">StatFin/<wbr>tyonv/<wbr>statfin_tyonv_pxt_12r5.px</span>' in row
    assert "overflow-wrap: anywhere" not in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tiles_show_the_month_on_month_change(lang: str) -> None:
    from serving.report.data import MonthChange

    changes = {"unemployed": MonthChange(fig(-120, "change_1m"), fig(-0.65, "change_1m_pct"))}
    html = render_report(with_history(month_changes=changes), lang)
    tile = re.search(r'data-indicator="unemployed".*?</article>', html, re.DOTALL)[0]
    assert LABELS[lang]["change_month"] in tile and 'value="-120' in tile


def test_peer_table_shows_a_lower_bound_where_the_mart_leaves_it_out() -> None:
    from serving.report.data import PeerRow

    indicators = dict(report_data().indicators)
    vacancies = indicators["open_vacancies"]
    from dataclasses import replace

    indicators["open_vacancies"] = replace(vacancies, value=fig(497, lower=True))
    row = PeerRow("open_vacancies", vacancies.name, "vacancies", "value", fig(None), fig(610), fig(300), fig(900),
                  fig(None), fig(6))  # fmt: skip
    html = render_report(with_history(indicators=indicators, peer_comparison=[row]), "fi")
    peer_row = re.search(r'<tr><th scope="row">open_vacancies fi</th>.*?</tr>', html, re.DOTALL)[0]
    assert "≥" in peer_row and 'value="497' in peer_row


def test_the_vacancy_chart_marks_a_lower_bound_as_the_tables_do() -> None:
    months = [dt.date(2026, m, 1) for m in range(1, 4)]
    bounded = svg_texts(charts.column_chart("chart-v", months, [400.0, 450.0, 497.0], "fi", "alt", True))
    assert f"≥{NBSP}497" in bounded
    assert "497" in svg_texts(charts.column_chart("chart-v", months, [400.0, 450.0, 497.0], "fi", "alt"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_mark_is_explained_in_print(lang: str) -> None:
    legend = re.search(r'<li id="marks-legend">([^<]*)</li>', render_report(report_data(), lang))[1]
    for mark in ("≥", "≤", ".."):
        assert mark in legend


@pytest.mark.parametrize(
    ("lang", "heading", "summary"),
    [
        ("fi", "Esimerkkitavoitteet ja niiden tila", "Esimerkkitavoitteista 0/1 on aikataulussa"),
        ("sv", "Exempelmål och deras läge", "Av exempelmålen är 0/1 enligt plan"),
        ("en", "Example targets and their status", "Of the example targets, 0/1 are on track"),
    ],
)
def test_example_targets_are_called_examples_everywhere(lang: str, heading: str, summary: str) -> None:
    html = render_report(report_data(), lang)
    assert f'<h2 id="h-kpis">{heading}</h2>' in html
    assert LABELS[lang]["kpi_caption_example"] in html and LABELS[lang]["kpi_caption"] not in html
    assert LABELS[lang]["example_note"] in html
    assert summary in shown_text(html)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_agreed_targets_are_called_agreed(lang: str) -> None:
    data = report_data()
    agreed = dataclasses.replace(data, kpis=[dataclasses.replace(k, is_example=False) for k in data.kpis])
    html = render_report(agreed, lang)
    assert f'<h2 id="h-kpis">{LABELS[lang]["kpis"]}</h2>' in html
    assert LABELS[lang]["kpi_caption"] in html and LABELS[lang]["example_note"] not in html
    mixed = dataclasses.replace(data, kpis=[*data.kpis, *agreed.kpis])
    assert mixed.kpi_kind == "mixed"
    assert LABELS[lang]["kpi_caption_mixed"] in render_report(mixed, lang)


def test_no_alert_says_what_was_checked() -> None:
    text = html.unescape(shown_text(render_report(dataclasses.replace(report_data(), alerts=[]), "en")))
    assert LABELS["en"]["no_alerts"] in text and LABELS["en"]["alerts_note_targets"] in text


@pytest.mark.parametrize(
    ("lang", "month_k", "change_k"),
    [
        ("fi", "yli 2,5-kertainen", "yli 3-kertaisesti"),
        ("sv", "över 2,5 gånger", "över 3 gånger"),
        ("en", "over 2.5 times", "over 3 times"),
    ],
)
def test_the_alert_note_takes_each_rules_k_from_the_mart(lang: str, month_k: str, change_k: str) -> None:
    data = dataclasses.replace(report_data(), alert_rules={"unusual_month": 2.5, "unusual_change_12m": 3.0})
    text = html.unescape(shown_text(render_report(data, lang)))
    assert month_k in text and change_k in text
    other = html.unescape(
        shown_text(render_report(dataclasses.replace(data, alert_rules={"unusual_month": 3.5}), lang))
    )
    assert month_k.replace("2,5", "3,5").replace("2.5", "3.5") in other
    assert change_k not in other


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_area_without_targets_says_none_are_set_and_how_to_add_them(lang: str) -> None:
    html_text = render_report(dataclasses.replace(report_data(), kpis=[]), lang)
    assert LABELS[lang]["no_targets"] in html_text and "kpi_targets.csv" in LABELS[lang]["no_targets"]
    for key in ("kpi_caption", "kpi_caption_example", "kpi_caption_mixed"):
        assert LABELS[lang][key] not in html_text


@pytest.mark.parametrize(
    ("area", "country", "direction", "bound", "expected"),
    [
        (12.9, 12.8, "lower_is_better", Bound.EXACT, "same"),
        (10.5, 10.0, "lower_is_better", Bound.EXACT, "worse"),  # half a point apart is a difference
        (10.0, 12.8, "lower_is_better", Bound.EXACT, "better"),
        (14.0, 12.0, "higher_is_better", Bound.EXACT, "better"),
        (12.0, 12.8, "lower_is_better", Bound.LOWER, None),  # at least 12.0: could be above the country
        (13.8, 12.8, "lower_is_better", Bound.LOWER, "worse"),  # at least 13.8: above it whatever is hidden
        (12.8, 12.8, "lower_is_better", Bound.UPPER, None),  # at most 12.8
        (11.8, 12.8, "lower_is_better", Bound.UPPER, "better"),  # at most 11.8: below it
        (5.0, 12.8, "lower_is_better", Bound.UNKNOWN, None),
    ],
)
def test_an_area_is_compared_with_the_country_only_as_far_as_its_bound_allows(
    area: float, country: float, direction: str, bound: Bound, expected: str | None
) -> None:
    from serving.report.text import _compare

    assert _compare(area, country, direction, bound) == expected


@pytest.mark.parametrize(
    ("lang", "afternoon", "summer"),
    [
        ("fi", "30.11.2026 klo 19.43 Suomen aikaa", "1.7.2026 klo 11.05 Suomen aikaa"),
        ("sv", "30.11.2026 kl. 19.43 finsk tid", "1.7.2026 kl. 11.05 finsk tid"),
        ("en", "30 November 2026 19:43 Finnish time", "1 July 2026 11:05 Finnish time"),
    ],
)
def test_a_stamp_is_written_in_finnish_local_time_whatever_the_machine_locale(
    lang: str, afternoon: str, summer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the warehouse's naive stamps are UTC (winter: +2 h), not the machine's local time; an aware stamp is
    # converted from its own zone (summer: +3 h); month names follow the report's language, not the
    # machine's locale (babel reads it once, at import)
    monkeypatch.setattr("babel.dates.LC_TIME", "fi_FI")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert format_timestamp(dt.datetime(2026, 11, 30, 17, 43), lang) == f"{afternoon} (Europe/Helsinki)"
        five_hours_behind = dt.timezone(dt.timedelta(hours=-5))
        assert format_timestamp(dt.datetime(2026, 7, 1, 3, 5, tzinfo=five_hours_behind), lang) == (
            f"{summer} (Europe/Helsinki)"
        )
        assert format_timestamp(None, lang) == "–"
    finally:
        monkeypatch.undo()
        time.tzset()
