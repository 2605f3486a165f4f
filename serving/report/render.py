"""Render the monthly report to one self-contained HTML file (and optionally PDF with headless Chromium).

Plain Python without Dagster, so the CLI, the Dagster asset and the tests share it. The file embeds
its CSS and SVG charts and references nothing outside itself, so it opens offline and prints as is.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ingestion.durable import replace_durably
from ingestion.errors import SettingsError
from ingestion.settings import Settings
from serving.report import charts
from serving.report.data import (
    GROUP_INDICATORS,
    HEADLINE_INDICATORS,
    TREND_YEARS,
    VACANCY_INDICATORS,
    Bound,
    ReportData,
    SourceRow,
    load_report_data,
)
from serving.report.outlook_data import FAN_INDICATORS, OUTLOOK_INDICATORS, TABLE_HORIZONS, Outlook
from serving.report.outlook_text import (
    OUTLOOK_LABELS,
    accuracy_sentences,
    cost_sentences,
    intro,
    lower_bound_note,
)
from serving.report.text import (
    DATASET_TITLES,
    DECIMALS,
    LABELS,
    PUBLISHERS,
    NumberRenderer,
    alert_notes,
    check_language,
    format_day,
    format_month,
    format_period,
    format_short_month,
    format_timestamp,
    sentences,
)

_ENV = Environment(
    loader=PackageLoader("serving.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def report_filename(area: str, data_month: str, lang: str) -> str:
    """`tilannekuva_<AREA>_<YYYY-MM>_<lang>.html`."""
    return f"tilannekuva_{area}_{data_month}_{lang}.html"


def _charts(data: ReportData, lang: str) -> dict[str, Markup]:
    """The three charts, each left out (and its section's note says why) when there is nothing to draw."""
    labels = LABELS[lang]
    out: dict[str, Markup] = {}
    area_series = next((s for s in data.trend if s.role == "area"), None)
    if area_series and area_series.months:
        names = {
            "area": data.area_name[lang],
            "area_trend": f"{data.area_name[lang]}, {labels['trend_series']}",
            "region": data.region_name[lang],
            "country": labels["country"],
        }
        series = [
            (data.peer_names.get(s.label, {}).get(lang, s.label) if s.role == "peer" else names[s.role], s.role,
             s.months, s.values)
            for s in data.trend
        ]  # fmt: skip
        alt = labels["trend_alt"].format(
            area=data.area_name[lang],
            start=format_short_month(area_series.months[0], lang),
            end=format_short_month(area_series.months[-1], lang),
            peers=peer_list(data, lang),
        )
        chart = charts.line_chart("chart-trend", series, lang, alt)
        if chart is not None:
            out["trend"] = chart
    groups = [
        data.indicators[c] for c in GROUP_INDICATORS if c in data.indicators and data.indicators[c].unit != "percent"
    ]
    if groups:
        chart = charts.bar_chart(
            "chart-groups",
            [g.name[lang] for g in groups],
            [g.change_12m_pct.value if g.change_12m_pct.bound is Bound.EXACT else None for g in groups],
            lang,
            labels["groups_alt"],
            decimals=1,
        )
        if chart is not None:
            out["groups"] = chart
    vacancies = data.indicators.get("open_vacancies")
    if data.vacancy_series:
        chart = charts.column_chart(
            "chart-vacancies",
            [m for m, _ in data.vacancy_series],
            [v for _, v in data.vacancy_series],
            lang,
            vacancies_caption(data, lang),
            latest_is_lower_bound=vacancies is not None and vacancies.value.bound is Bound.LOWER,
        )
        if chart is not None:
            out["vacancies"] = chart
    return out


def _outlook_context(data: ReportData, lang: str) -> dict[str, object]:
    """What the outlook section shows: fan charts, the horizons table's rows, and its sentences."""
    words = OUTLOOK_LABELS[lang]
    outlook = data.outlook or Outlook()
    fans: dict[str, dict[str, object]] = {}
    for code in FAN_INDICATORS:
        series = outlook.forecasts.get(code)
        if series is None:
            continue
        history = [(m, v) for m, v in series.history if v is not None]
        alt = words["fan_alt"].format(
            indicator=series.name[lang],
            start=format_short_month(history[0][0], lang) if history else "–",
            end=format_short_month(history[-1][0], lang) if history else "–",
            first=format_short_month(series.steps[0].target_month, lang),
            last=format_short_month(series.steps[-1].target_month, lang),
        ) + (words["fan_alt_lower"] if series.is_lower_bound else "")
        legend = {
            "actual": words["legend_actual"],
            "point": words["legend_point_lower" if series.is_lower_bound else "legend_point"],
            "band80": words["legend_80"],
            "band95": words["legend_95"],
            "baseline": words["legend_baseline"],
        }
        steps = [
            (s.target_month, s.point.value, s.lo80.value, s.hi80.value, s.lo95.value, s.hi95.value,
             s.baseline.value if s.baseline else None)
            for s in series.steps
        ]  # fmt: skip
        chart = charts.fan_chart(
            f"chart-fan-{code.replace('_', '-')}",
            history,
            steps,
            lang,
            alt,
            legend,
            decimals=DECIMALS.get(series.unit, 0),
            lower_bound=series.is_lower_bound,
        )
        if chart is not None:
            fans[code] = {"chart": chart, "alt": alt}
    first = next(iter(outlook.forecasts.values()), None)
    return {
        "o": outlook,
        "ow": words,
        "fans": fans,
        "outlook_intro": intro(outlook, data.month, data.is_sample, lang),
        "outlook_codes": [c for c in OUTLOOK_INDICATORS if c in outlook.forecasts],
        "outlook_horizons": [
            (h, first.step(h).target_month if first and first.step(h) else None) for h in TABLE_HORIZONS
        ],
        "outlook_lower_note": lower_bound_note(outlook.forecasts, lang),
        "accuracy_sentences": accuracy_sentences(
            outlook, {c: f.name for c, f in outlook.forecasts.items()} | _indicator_names(data), lang
        ),
        "cost_sentences": cost_sentences(outlook.cost, lang),
    }


def _indicator_names(data: ReportData) -> dict[str, dict[str, str]]:
    return {code: ind.name for code, ind in data.indicators.items()}


def vacancies_caption(data: ReportData, lang: str) -> str:
    """The vacancy chart's caption with the months it actually covers."""
    months = [m for m, _ in data.vacancy_series] or [data.month]
    return LABELS[lang]["vacancies_alt"].format(
        start=format_short_month(months[0], lang), end=format_short_month(months[-1], lang)
    )


def peer_list(data: ReportData, lang: str) -> str:
    """The peer areas by name with their code: 'Kuopion seutu (TA39), …'."""
    return ", ".join(f"{data.peer_names.get(c, {}).get(lang, c)} ({c})" for c in data.peer_codes)


def _trend_span_note(data: ReportData, lang: str) -> str | None:
    """Say where the rate chart starts when the history is shorter than the TREND_YEARS it normally shows."""
    area_series = next((s for s in data.trend if s.role == "area"), None)
    if area_series is None or not area_series.months:
        return None
    first, last = area_series.months[0], area_series.months[-1]
    if first <= dt.date(data.month.year - TREND_YEARS + 1, 1, 1):
        return None
    key = "trend_single" if first == last else "trend_short"
    return LABELS[lang][key].format(start=format_month(first, lang), end=format_month(last, lang))


def _groups_note(data: ReportData, lang: str, has_chart: bool) -> str | None:
    """Why the groups chart is missing: no year-ago month in the data, or only bounds and gaps."""
    if has_chart:
        return None
    labels = LABELS[lang]
    year_ago = dt.date(data.month.year - 1, data.month.month, 1)
    if data.first_month is not None and data.first_month > year_ago:
        return labels["groups_missing"].format(start=format_month(data.first_month, lang))
    return labels["groups_no_change"]


def _occupation_note(data: ReportData, lang: str) -> str | None:
    """Why the occupation tables are empty when the report month lies outside the occupation data's window."""
    if data.occupation_months is None or data.shortages or data.surpluses:
        return None
    start, end, count = data.occupation_months
    if start <= data.month <= end:
        return None
    return LABELS[lang]["occupations_outside"].format(
        n=count, start=format_month(start, lang), end=format_month(end, lang)
    )


def breakable_id(identifier: str) -> Markup:
    """A source id that may wrap only after '/' or '#' (a `<wbr>` there), never inside a name."""
    escaped = str(escape(identifier.strip()))
    return Markup(escaped.replace("/", "/<wbr>").replace("#", "#<wbr>"))


def source_period(source: SourceRow, lang: str) -> str:
    """The latest period a dataset covers, in the report's one style: month, quarter, year or a dump's day."""
    start = source.latest_period_start
    if start is None and source.latest_period and len(source.latest_period) == 7:
        try:
            start = dt.date.fromisoformat(f"{source.latest_period}-01")
        except ValueError:
            return source.latest_period
    if start is None:
        return source.latest_period or "–"
    if source.period_type in ("none", "annual_version") or (source.period_type is None and start.day == 1):
        return str(start.year)  # a classification's version
    if source.period_type is None:
        return format_day(start, lang)  # a register dump's date
    return format_period(source.period_type, start, lang)


def page_margin_css(data: ReportData, lang: str) -> str:
    """CSS paged-media margin boxes: area, month and SAMPLE mark at the top, 'sivu 2/8' at the bottom.

    Headless Chromium's --print-to-pdf draws @page margin boxes on every page; the texts are CSS strings,
    so quotes and backslashes in names are escaped.
    """
    labels = LABELS[lang]

    def css_string(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    left = f"{data.area_name[lang]} ({data.area_code}) — {format_month(data.month, lang)}"
    sample = labels["sample_short"] if data.is_sample else ""
    page = f'{css_string(labels["page"] + " ")} counter(page) "/" counter(pages)'
    return (
        "@page { size: A4; margin: 18mm 15mm 16mm;"
        f" @top-left {{ content: {css_string(left)}; font-size: 8pt; color: #555; }}"
        f" @top-right {{ content: {css_string(sample)}; font-size: 8pt; font-weight: 700; color: #b45f06; }}"
        f" @bottom-left {{ content: {css_string(labels['title'])}; font-size: 8pt; color: #555; }}"
        f" @bottom-right {{ content: {page}; font-size: 8pt; color: #555; }} }}"
    )


def render_report(data: ReportData, lang: str = "fi") -> str:
    """The report as one HTML document in `lang` (fi, sv or en)."""
    check_language(lang)
    template = _ENV.get_template("report.html.j2")
    drawn = _charts(data, lang)
    return template.render(
        d=data,
        lang=lang,
        t=LABELS[lang],
        num=NumberRenderer(lang),
        decimals=DECIMALS,
        month_label=format_month(data.month, lang),
        published=format_timestamp(data.published_at, lang),
        fmt_day=lambda day: format_day(day, lang),
        fmt_stamp=lambda stamp: format_timestamp(stamp, lang),
        fmt_month=lambda month: format_short_month(month, lang),
        fmt_long_month=lambda month: format_month(month, lang),
        period_label=lambda grain, start: format_period(grain, start, lang),
        source_period=lambda source: source_period(source, lang),
        breakable_id=breakable_id,
        sentences=sentences(data, lang),
        charts=drawn,
        peer_list=peer_list(data, lang),
        vacancies_caption=vacancies_caption(data, lang),
        trend_span_note=_trend_span_note(data, lang),
        groups_note=_groups_note(data, lang, "groups" in drawn),
        occupation_note=_occupation_note(data, lang),
        page_css=Markup(page_margin_css(data, lang)),
        publishers=PUBLISHERS,
        dataset_titles=DATASET_TITLES,
        alert_notes=alert_notes(data, lang),
        headline_codes=[c for c in HEADLINE_INDICATORS if c in data.indicators],
        group_codes=[c for c in GROUP_INDICATORS if c in data.indicators],
        vacancy_codes=[c for c in VACANCY_INDICATORS if c in data.indicators],
        lower_bound_names=[
            data.indicators[c].name[lang] if c in data.indicators else c for c in data.caveats.lower_bound_indicators
        ],
        **_outlook_context(data, lang),
    )


def write_atomically(path: Path, text: str) -> None:
    """Write beside and rename, so a reader never opens a half-written report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
        replace_durably(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def chromium_binary() -> str | None:
    """The headless Chromium on PATH, if any."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


# Headless Chromium as a batch renderer: no sandbox (runs as a service user or in a container), no GPU,
# no first-run screens, no network beyond the page itself.
CHROMIUM_BATCH_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
)


def html_to_pdf(html_path: Path, pdf_path: Path, timeout: int = 120) -> Path:
    """Print the report to PDF with headless Chromium (`--print-to-pdf`); a clear error when there is none."""
    chromium = chromium_binary()
    if chromium is None:
        raise SettingsError("PDF needs Chromium on PATH (e.g. `apt-get install chromium`); the HTML report is written.")
    with tempfile.TemporaryDirectory(prefix="tilannekuva-pdf-") as profile:
        tmp_pdf = pdf_path.with_name(f".{pdf_path.name}.tmp")
        done = subprocess.run(
            [
                chromium,
                *CHROMIUM_BATCH_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp_pdf}",
                html_path.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if done.returncode != 0 or not tmp_pdf.exists():
        tmp_pdf.unlink(missing_ok=True)
        raise SettingsError(f"Chromium could not print {html_path} to PDF: {done.stderr.strip()[-300:]}")
    replace_durably(tmp_pdf, pdf_path)
    return pdf_path


def build_report(serving_path: Path, area: str, month: str | None, lang: str, out: Path) -> tuple[Path, ReportData]:
    """Load, render and write one report; `out` is a directory (standard file name) or a file path."""
    check_language(lang)
    data = load_report_data(serving_path, area, month)
    target = out / report_filename(area, f"{data.month:%Y-%m}", lang) if out.is_dir() or not out.suffix else out
    try:
        write_atomically(target, render_report(data, lang))
    except OSError as exc:
        raise SettingsError(f"The report cannot be written to {target}: {unwritable_reason(target, exc)}.") from None
    return target, data


def unwritable_reason(target: Path, exc: OSError) -> str:
    """Why `target` cannot be written, in words: a file where a folder should be is the usual surprise."""
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                return f"{parent} is a file, not a directory"
            break
    if target.is_dir():
        return "it is a directory"
    return (exc.strerror or str(exc)).lower()


def write_reports(
    serving_path: Path, area: str, out_dir: Path, languages: tuple[str, ...], month: str | None = None
) -> tuple[list[Path], ReportData]:
    """Every language of one area's report for `month` (latest if None), loading the data once."""
    data = load_report_data(serving_path, area, month)
    written = []
    for lang in languages:
        target = out_dir / report_filename(area, f"{data.month:%Y-%m}", check_language(lang))
        write_atomically(target, render_report(data, lang))
        written.append(target)
    return written, data


def report_command(settings: Settings, month: str | None, lang: str, out: Path | None, pdf: bool) -> int:
    """`tilannekuva report`: write one report and say where; bad input raises SettingsError (exit 2)."""
    target, data = build_report(
        settings.serving_path, settings.area, month, lang, out or settings.serving_dir / "reports"
    )
    label = "  [SAMPLE DATA]" if data.is_sample else ""
    print(f"Report for {settings.area} {data.month:%Y-%m} ({lang}): {target}{label}")
    if pdf:
        print(f"PDF: {html_to_pdf(target, target.with_suffix('.pdf'))}")
    return 0
