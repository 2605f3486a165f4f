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

from ingestion.errors import SettingsError
from ingestion.settings import Settings
from serving.report import charts
from serving.report.data import (
    GROUP_INDICATORS,
    HEADLINE_INDICATORS,
    VACANCY_INDICATORS,
    Bound,
    ReportData,
    load_report_data,
)
from serving.report.text import (
    DECIMALS,
    LABELS,
    NumberRenderer,
    alert_notes,
    check_language,
    format_day,
    format_month,
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


def _period_label(grain: str, start: dt.date, lang: str) -> str:
    if grain == "quarter":
        return f"Q{(start.month - 1) // 3 + 1}/{start.year}"
    return format_short_month(start, lang)


def _charts(data: ReportData, lang: str) -> dict[str, object]:
    labels = LABELS[lang]
    trend = data.trend
    area_series = trend[0] if trend else None
    out: dict[str, object] = {}
    if area_series and area_series.months:
        names = {
            "area": data.area_name[lang],
            "region": data.region_name[lang],
            "country": labels["country"],
        }
        series = [(names.get(s.role, s.label), s.role, s.months, s.values) for s in trend]
        alt = labels["trend_alt"].format(
            area=data.area_name[lang],
            start=format_short_month(area_series.months[0], lang),
            end=format_short_month(area_series.months[-1], lang),
            peers=", ".join(data.peer_codes),
        )
        out["trend"] = charts.line_chart("chart-trend", series, lang, alt)
    groups = [
        data.indicators[c] for c in GROUP_INDICATORS if c in data.indicators and data.indicators[c].unit != "percent"
    ]
    if groups:
        out["groups"] = charts.bar_chart(
            "chart-groups",
            [g.name[lang] for g in groups],
            [g.change_12m_pct.value if g.change_12m_pct.bound is Bound.EXACT else None for g in groups],
            lang,
            labels["groups_alt"],
            decimals=1,
        )
    if data.vacancy_series:
        out["vacancies"] = charts.column_chart(
            "chart-vacancies",
            [m for m, _ in data.vacancy_series],
            [v for _, v in data.vacancy_series],
            lang,
            labels["vacancies_alt"],
        )
    return out


def render_report(data: ReportData, lang: str = "fi") -> str:
    """The report as one HTML document in `lang` (fi, sv or en)."""
    check_language(lang)
    template = _ENV.get_template("report.html.j2")
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
        period_label=lambda grain, start: _period_label(grain, start, lang),
        sentences=sentences(data, lang),
        alert_notes=alert_notes(data, lang),
        charts=_charts(data, lang),
        headline_codes=[c for c in HEADLINE_INDICATORS if c in data.indicators],
        group_codes=[c for c in GROUP_INDICATORS if c in data.indicators],
        vacancy_codes=[c for c in VACANCY_INDICATORS if c in data.indicators],
        lower_bound_names=[
            data.indicators[c].name[lang] if c in data.indicators else c for c in data.caveats.lower_bound_indicators
        ],
    )


def write_atomically(path: Path, text: str) -> None:
    """Write beside and rename, so a reader never opens a half-written report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
        os.replace(tmp, path)
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
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
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
    os.replace(tmp_pdf, pdf_path)
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
