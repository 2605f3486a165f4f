"""The monthly report on the sample refresh's serving file: figures, languages, form, browser, CLI.

Every number in the HTML is a `<data value=… data-ref=…>` element; the test re-reads each one from
the mart its `data-ref` names with its own SQL, and parses the shown text back in the report's
language, so a wrong figure, a wrong format or a number without provenance fails here.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.jobs import NIGHTLY_REFRESH_JOB
from serving.report.outlook_text import OUTLOOK_LABELS
from serving.report.render import CHROMIUM_BATCH_FLAGS, build_report
from serving.report.text import LABELS, LANGUAGES
from tests.conftest import CliRun, run_cli
from tests.helpers import PROJECT_ROOT

pytestmark = pytest.mark.integration

ARTIFACTS = PROJECT_ROOT / "artifacts"
MIN_NUMBERS = 60


class _Numbers(HTMLParser):
    """Collects every `<data>` element (attributes and text), the `lang` attribute and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.numbers: list[dict[str, Any]] = []
        self.lang: str | None = None
        self.links: list[tuple[str, str, str]] = []
        self._open: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "data":
            self._open = {**attributes, "text": ""}
        for name in ("src", "href", "xlink:href", "action", "poster"):
            if name in attributes:
                self.links.append((tag, name, attributes[name]))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "data" and self._open is not None:
            self.numbers.append(self._open)
            self._open = None


def _parse(html: str) -> _Numbers:
    parser = _Numbers()
    parser.feed(html)
    return parser


def _serving(run: CliRun) -> Path:
    return run.serving_path


def _latest_month(serving: Path) -> str:
    with duckdb.connect(str(serving), read_only=True) as con:
        month = con.execute("SELECT max(month) FROM mart_situational_picture WHERE area_code = 'TA24'").fetchone()[0]
    return f"{month:%Y-%m}"


def _mart_value(con: duckdb.DuckDBPyConnection, ref: dict[str, Any]) -> float | None:
    """The referenced figure, read independently: identifiers checked against the catalogue, values bound."""
    columns = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [ref["t"]]
        ).fetchall()
    }
    assert columns, f"unknown table {ref['t']}"
    assert ref["c"] in columns and set(ref["k"]) <= columns, ref
    where = " AND ".join(f'"{k}" = ?' for k in ref["k"])
    params = list(ref["k"].values())
    if "r" in ref:  # a range of a column, both ends included (months of a ledger)
        column, start, end = ref["r"]
        assert column in columns, ref
        where += f' AND "{column}" BETWEEN ? AND ?'
        params += [start, end]
    scale = float(ref.get("x", 1))  # shown as the column times this (a share in per cent, euros in millions)
    if ref.get("agg") == "sum":
        row = con.execute(f'SELECT sum("{ref["c"]}"), count(*) FROM "{ref["t"]}" WHERE {where}', params).fetchone()
        assert row[1] >= 1, f"no rows for {ref}"
        return None if row[0] is None else float(row[0]) * scale
    rows = con.execute(f'SELECT "{ref["c"]}" FROM "{ref["t"]}" WHERE {where}', params).fetchall()
    assert len(rows) == 1, f"{len(rows)} rows for {ref}"
    return None if rows[0][0] is None else float(rows[0][0]) * scale


def _parse_shown(text: str, lang: str) -> float:
    """A number as shown in `lang` back to a float: 18 272,5 (fi, sv) or 18,272.5 (en)."""
    cleaned = text.replace("\u2212", "-").replace("%", "").replace("+", "")
    for space in ("\u00a0", "\u202f", " "):
        cleaned = cleaned.replace(space, "")
    if lang == "en":
        assert re.fullmatch(r"-?\d{1,3}(,\d{3})*(\.\d+)?", cleaned), f"not an English number: {text!r}"
        return float(cleaned.replace(",", ""))
    assert re.fullmatch(r"-?\d+(,\d+)?", cleaned), f"not a {lang} number: {text!r}"
    return float(cleaned.replace(",", "."))


@pytest.fixture(scope="module")
def reports(sample_refresh: CliRun) -> dict[str, str]:
    """The reports the nightly job's asset wrote for TA24's latest month, by language."""
    month = _latest_month(_serving(sample_refresh))
    folder = sample_refresh.data_dir / "serving" / "reports"
    return {lang: (folder / f"tilannekuva_TA24_{month}_{lang}.html").read_text(encoding="utf-8") for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_number_shown_equals_its_mart(sample_refresh: CliRun, reports: dict[str, str], lang: str) -> None:
    parsed = _parse(reports[lang])
    assert parsed.lang == lang
    assert len(parsed.numbers) >= MIN_NUMBERS, f"only {len(parsed.numbers)} numbers rendered"
    tables = set()
    with duckdb.connect(str(_serving(sample_refresh)), read_only=True) as con:
        for number in parsed.numbers:
            assert number.get("data-ref"), f"number without provenance: {number}"
            ref = json.loads(number["data-ref"])
            tables.add(ref["t"])
            expected = _mart_value(con, ref)
            value = float(number["value"])
            assert expected is not None and math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-9), (ref, value)
            shown = abs(value) if number.get("data-magnitude") == "true" else value
            decimals = int(number["data-decimals"])
            parsed_text = _parse_shown(number["text"], lang)
            assert abs(parsed_text - shown) <= 0.5 * 10**-decimals + 1e-9, (number["text"], shown, ref)
    assert {
        "mart_situational_picture",
        "mart_kpi_progress",
        "mart_occupation_mismatch",
        "mart_municipal_benefit_cost",
        "fct_labour_market_monthly",
        "mart_forecast",
        "mart_forecast_accuracy",
        "mart_benefit_cost_outlook",
        "mart_benefit_cost_scenarios",
        "fct_benefit_cost_monthly",
    } <= tables


def test_report_asset_runs_after_publish_in_the_nightly_job() -> None:
    from dagster import AssetKey

    from orchestration.definitions import defs

    key = AssetKey(["report", "monthly_report"])
    node = defs.resolve_asset_graph().get(key)
    assert node.group_name == "report"
    assert AssetKey(["serving", "tilannekuva"]) in node.parent_keys
    job = defs.resolve_job_def(NIGHTLY_REFRESH_JOB)
    assert "report__monthly_report" in {n.name for n in job.graph.nodes}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_number_cell_without_provenance(reports: dict[str, str], lang: str) -> None:
    """Every numeric table cell holds `<data>` elements (or the missing mark): no figure slips in as plain text."""
    cells = re.findall(r'<td class="n">(.*?)</td>', reports[lang], re.DOTALL)
    assert len(cells) > 100
    for cell in cells:
        bare = re.sub(r"<data[^>]*>.*?</data>|<span class=\"(?:note|lb)\"[^>]*>.*?</span>", "", cell, flags=re.DOTALL)
        assert not re.search(r"\d", bare), f"a number without provenance: {cell!r}"


def test_number_formats_follow_the_language(reports: dict[str, str]) -> None:
    tile = {
        lang: re.search(r'data-indicator="unemployed".*?<p class="big"><data[^>]*>([^<]+)</data>', html, re.DOTALL)[1]
        for lang, html in reports.items()
    }
    assert re.fullmatch(r"\d{1,3}\u00a0\d{3}", tile["fi"]), tile
    assert tile["sv"] == tile["fi"]
    assert re.fullmatch(r"\d{1,3},\d{3}", tile["en"]), tile
    rate = {
        lang: re.search(
            r'data-indicator="unemployment_rate".*?<p class="big"><data[^>]*>([^<]+)</data>', html, re.DOTALL
        )[1]
        for lang, html in reports.items()
    }
    assert re.fullmatch(r"\d+,\d\u00a0%", rate["fi"]) and re.fullmatch(r"\d+\.\d%", rate["en"]), rate


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sample_banner_sentences_and_sections(reports: dict[str, str], lang: str) -> None:
    html = reports[lang]
    assert 'id="sample-banner"' in html and LABELS[lang]["sample_banner"] in html
    summary = re.search(r'<section id="summary".*?</section>', html, re.DOTALL)[0]
    assert summary.count("<data") >= 8
    for key in ("headlines", "trend", "groups", "vacancies", "occupations", "business", "alerts"):
        assert f'<h2 id="h-{key}">{LABELS[lang][key]}</h2>' in html
    assert f'<h2 id="h-outlook">{OUTLOOK_LABELS[lang]["outlook"]}</h2>' in html
    # the shipped targets are examples, and the alerts do not repeat the targets' status
    assert f'<h2 id="h-kpis">{LABELS[lang]["kpis_example"]}</h2>' in html
    alerts = re.search(r'<section id="alerts".*?</section>', html, re.DOTALL)[0]
    assert LABELS[lang]["example_note"] not in alerts and "12/2027" not in alerts
    # rate trend, groups, vacancies, and the outlook's two fan charts
    assert html.count('role="img"') == 5 and html.count('<title id="chart-') == 5
    assert html.count("<caption>") >= 7


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_is_self_contained(reports: dict[str, str], lang: str) -> None:
    html = reports[lang]
    parsed = _parse(html)
    for tag, attribute, target in parsed.links:
        assert target.startswith("#"), f"<{tag} {attribute}={target!r}> points outside the file"
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"url\((?!#)", html) and "@import" not in html
    assert "@media print" in html


def test_business_section_without_the_mart_says_so(sample_refresh: CliRun, tmp_path: Path) -> None:
    copy = tmp_path / "serving.duckdb"
    shutil.copyfile(_serving(sample_refresh), copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("DROP TABLE IF EXISTS mart_business_dynamics")
    target, data = build_report(copy, "TA24", None, "en", tmp_path)
    assert data.business is None
    html = target.read_text(encoding="utf-8")
    assert 'id="business-missing"' in html and LABELS["en"]["business_missing"] in html


def test_business_section_reads_the_mart_when_published(sample_refresh: CliRun, reports: dict[str, str]) -> None:
    with duckdb.connect(str(_serving(sample_refresh)), read_only=True) as con:
        published = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'mart_business_dynamics'"
        ).fetchone()[0]
    if not published:
        pytest.skip("mart_business_dynamics is not in this build's serving file yet")
    section = re.search(r'<section id="business".*?</section>', reports["fi"], re.DOTALL)[0]
    assert "business-missing" not in section and "mart_business_dynamics" in section


def test_cli_writes_another_month_and_language(sample_refresh: CliRun, tmp_path: Path) -> None:
    result = run_cli(
        "report", "--month", "2026-06", "--lang", "sv", "--out", str(tmp_path), data_dir=sample_refresh.data_dir
    )
    assert result.returncode == 0, result.stderr
    written = tmp_path / "tilannekuva_TA24_2026-06_sv.html"
    assert str(written) in result.stdout and "SAMPLE DATA" in result.stdout
    assert "juni 2026" in written.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--area", "TA99"), "Unknown employment area 'TA99'"),
        (("--month", "2031-01"), "No figures for TA24 in 2031-01"),
        (("--lang", "de"), "Unknown report language 'de'"),
        (("--area", "Savo"), "--area 'Savo' matches 3 employment areas: TA13 Keski-Savo, TA36 Savonlinna, TA45"),
        (("--area", "Oulo"), "--area 'Oulo' is not an employment-area code or name; did you mean TA24 Oulun seutu?"),
    ],
)
def test_cli_bad_input_is_one_sentence(sample_refresh: CliRun, args: tuple[str, ...], message: str) -> None:
    result = run_cli("report", *args, data_dir=sample_refresh.data_dir)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_takes_an_area_name_and_any_case(sample_refresh: CliRun, tmp_path: Path) -> None:
    """`--area "oulun seutu" --lang EN` is `--area TA24 --lang en`: names and case are forgiven."""
    result = run_cli(
        "report", "--area", "oulun seutu", "--lang", "EN", "--out", str(tmp_path), data_dir=sample_refresh.data_dir
    )
    assert result.returncode == 0, result.stderr
    assert "Report for TA24" in result.stdout and "(en)" in result.stdout


def test_cli_unwritable_out_is_one_sentence(sample_refresh: CliRun, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run_cli("report", "--out", str(blocker / "reports" / "r.html"), data_dir=sample_refresh.data_dir)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"tilannekuva: The report cannot be written to {blocker / 'reports' / 'r.html'}: "
        f"{blocker} is a file, not a directory."
    ), result.stderr


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (CI installs Debian's chromium in .ci/run); the browser test needs it")


def _render(chromium: str, page: Path, shot: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with the console logged to stderr (`--enable-logging=stderr --v=0`) and a screenshot."""
    return subprocess.run(
        [
            chromium,
            *CHROMIUM_BATCH_FLAGS,
            "--disable-component-update",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,4000",
            f"--screenshot={shot}",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_console_capture_catches_errors(tmp_path: Path) -> None:
    """The detector itself: a page with a script error must show up, or the next test proves nothing."""
    chromium = _chromium()
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html lang="en"><title>x</title><script>missingFunction();</script></html>')
    result = _render(chromium, page, tmp_path / "broken.png", tmp_path / "profile")
    assert any("missingFunction" in line for line in _console_lines(result.stderr)), result.stderr[-2000:]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_renders_in_chromium_without_console_errors(
    sample_refresh: CliRun, reports: dict[str, str], tmp_path: Path, lang: str
) -> None:
    chromium = _chromium()
    month = _latest_month(_serving(sample_refresh))
    page = sample_refresh.data_dir / "serving" / "reports" / f"tilannekuva_TA24_{month}_{lang}.html"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report_{lang}.png"
    shot.unlink(missing_ok=True)
    result = _render(chromium, page, shot, tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    assert _console_lines(result.stderr) == []
    assert shot.stat().st_size > 50_000, "the screenshot is (nearly) empty"


def test_cli_prints_a_pdf_with_chromium(sample_refresh: CliRun, tmp_path: Path) -> None:
    _chromium()
    target = tmp_path / "report.html"
    result = run_cli("report", "--lang", "en", "--out", str(target), "--pdf", data_dir=sample_refresh.data_dir)
    assert result.returncode == 0, result.stderr
    pdf = target.with_suffix(".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000


def _section(html: str, name: str) -> str:
    return re.search(rf'<section id="{name}".*?</section>', html, re.DOTALL)[0]


def _svg_texts(html: str, chart_id: str) -> list[str]:
    svg = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', html, re.DOTALL)
    assert svg, f"no {chart_id}"
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg[0]) if t.strip()]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_month_of_the_history_renders_without_empty_axes(
    sample_refresh: CliRun, tmp_path: Path, lang: str
) -> None:
    """TA01 2019-01, the first month: charts draw only what exists and sections say why the rest is missing."""
    serving = _serving(sample_refresh)
    with duckdb.connect(str(serving), read_only=True) as con:
        first = con.execute("SELECT min(month) FROM mart_situational_picture WHERE area_code = 'TA01'").fetchone()[0]
        occupation_months = con.execute(
            "SELECT count(DISTINCT month) FROM mart_occupation_mismatch WHERE area_code = 'TA01'"
        ).fetchone()[0]
    target, data = build_report(serving, "TA01", f"{first:%Y-%m}", lang, tmp_path)
    html = target.read_text(encoding="utf-8")
    label = f"{first.month}/{first.year}"
    if "chart-trend" in html:
        ticks = [t for t in _svg_texts(html, "chart-trend") if re.fullmatch(r"(\d+/)?\d{4}", t)]
        assert ticks == [label], ticks
    else:
        assert 'id="trend-missing"' in html
    if "chart-vacancies" in html:
        assert [t for t in _svg_texts(html, "chart-vacancies") if "/" in t] == [label]
    assert "chart-groups" not in html and 'id="groups-missing"' in html
    occupations = _section(html, "occupations")
    assert 'id="occupations-missing"' in occupations and f">{LABELS[lang]['none']}<" not in occupations
    assert str(occupation_months) in occupations
    assert 'id="peers-missing"' in html
    assert data.month == first


@pytest.mark.parametrize("lang", LANGUAGES)
def test_peers_are_named_as_in_dim_area(sample_refresh: CliRun, reports: dict[str, str], lang: str) -> None:
    with duckdb.connect(str(_serving(sample_refresh)), read_only=True) as con:
        peers = con.execute(
            f"SELECT g.peer_area_code, a.name_{lang} FROM mart_peer_groups g "
            "JOIN dim_area a ON a.area_code = g.peer_area_code WHERE g.area_code = 'TA24' AND g.peer_rank > 0"
        ).fetchall()
    assert peers
    html = reports[lang]
    legend = _svg_texts(html, "chart-trend")
    for code, name in peers:
        assert f"{name} ({code})" in _section(html, "trend") and name in legend
        assert code not in legend
    assert any(LABELS[lang]["trend_series"] in t for t in legend)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_municipality_table_has_year_ago_and_rate_change_in_points(reports: dict[str, str], lang: str) -> None:
    from serving.report.text import POINTS_UNIT

    section = _section(reports[lang], "municipalities")
    columns = ("value_year_ago", "change_12m")
    groups = ("long_term_unemployed", "unemployed_under_25", "unemployed_foreign_nationals")
    refs = section.replace("&#34;", '"')
    for wanted in [f'"c":"{c}"' for c in columns] + [f'"indicator_code":"{g}"' for g in groups]:
        assert wanted in refs, wanted
    assert POINTS_UNIT[lang] in section


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tiles_add_jobseekers_laid_off_and_month_on_month(reports: dict[str, str], lang: str) -> None:
    html = reports[lang]
    for code in ("jobseekers", "laid_off"):
        assert f'data-indicator="{code}"' in html
    headlines = _section(html, "headlines")
    assert headlines.count(f"{LABELS[lang]['change_month']}:") >= 6
    groups = _section(html, "groups")
    assert LABELS[lang]["unemployed_men"] in groups and LABELS[lang]["unemployed_women"] in groups


def test_business_section_says_what_each_stock_counts(reports: dict[str, str]) -> None:
    section = _section(reports["fi"], "business")
    assert '<table data-source="prh">' in section and '<table data-source="statfin">' in section
    assert 'id="business-stock-note"' in section and "kaupparekisteri" in section


@pytest.mark.parametrize("lang", LANGUAGES)
def test_print_has_running_header_footer_and_sources_in_one_date_style(reports: dict[str, str], lang: str) -> None:
    html = reports[lang]
    assert f'"{LABELS[lang]["page"]} " counter(page) "/" counter(pages)' in html
    assert f'@top-right {{ content: "{LABELS[lang]["sample_short"]}"' in html
    sources = re.sub(r"<[^>]+>", " ", _section(html, "sources"))  # the text a reader sees
    dates = re.findall(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b|\b\d{1,2} [A-Z][a-z]+ \d{4}\b|\d{4}-\d{2}-\d{2}", sources)
    assert dates
    pattern = r"\d{1,2} [A-Z][a-z]+ \d{4}" if lang == "en" else r"\d{1,2}\.\d{1,2}\.\d{4}"
    assert all(re.fullmatch(pattern, d) for d in dates), dates
    assert not re.search(r"\d{4}M\d{2}|\d{4}Q\d", sources)
    assert "Europe/Helsinki" in re.search(r'<p id="published">([^<]*)</p>', html)[1]
