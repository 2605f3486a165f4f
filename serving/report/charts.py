"""Charts as inline SVG, drawn with matplotlib's SVG backend and made accessible and deterministic.

Text stays text (`svg.fonttype: none`, system fonts), element ids come from a per-chart salt (so two
charts in one page never share an id and the same data gives the same bytes), and the file's date
metadata is left out. Each SVG gets `role="img"`, an `aria-label` and a `<title>` with the alt text;
the numbers behind every chart are also in a table next to it.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from markupsafe import Markup, escape
from matplotlib import rc_context
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from serving.report.text import PERCENT_SIGN as PERCENT
from serving.report.text import format_number

COLOURS = {"area": "#0b5394", "region": "#e69138", "country": "#38761d", "peer": "#b7b7b7"}
RC = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _svg(fig: MplFigure, chart_id: str, alt: str) -> Markup:
    """The figure as an inline `<svg>` element with alt text."""
    buffer = io.StringIO()
    with rc_context({**RC, "svg.hashsalt": chart_id}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    # matplotlib numbers its element ids per figure (figure_1, axes_1, …): prefix them so charts can share a page.
    text = re.sub(r'(\sid="|url\(#|href="#)([^")]+)', lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", text)
    title_id = f"{chart_id}-title"
    opening_end = text.index(">") + 1
    opening = text[: opening_end - 1]
    opening = re.sub(r'\swidth="[^"]*"', "", opening, count=1)
    opening = re.sub(r'\sheight="[^"]*"', "", opening, count=1)
    safe_alt = str(escape(alt))
    opening += f' id="{chart_id}" role="img" aria-labelledby="{title_id}" aria-label="{safe_alt}" class="chart">'
    return Markup(opening + f'<title id="{title_id}">{safe_alt}</title>' + text[opening_end:])


def _month_index(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


def _month_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """Tick months for the span: every month up to a year, then quarters, then Januaries (max ~8 ticks)."""
    span = _month_index(last) - _month_index(first)
    step = next(s for s in (1, 2, 3, 6, 12, 24) if span / s <= 8)
    ticks = []
    for index in range(_month_index(first), _month_index(last) + 1):
        if index % step == 0 or (span == 0):
            ticks.append(dt.date(index // 12, index % 12 + 1, 1))
    return ticks or [first]


def _tick_label(month: dt.date, step_is_year: bool) -> str:
    return str(month.year) if step_is_year else f"{month.month}/{month.year}"


PEER_STYLES = (
    ("#8e7cc3", "-"),
    ("#c27ba0", "--"),
    ("#76a5af", "-."),
    ("#a61c00", ":"),
    ("#7f6000", (0, (5, 1, 1, 1))),
    ("#45818e", (0, (1, 1))),
)


def line_chart(
    chart_id: str,
    series: list[tuple[str, str, list[dt.date], list[float | None]]],
    lang: str,
    alt: str,
    decimals: int = 1,
) -> Markup | None:
    """Lines over months; `series` items are (label, role, months, values), role picks colour and style.

    The x axis spans only the months with values, ticks adapt to that span, a lone month is drawn as
    points, and each peer gets its own colour and dash so the legend can tell them apart. None when no
    series has a value (the caller says why instead of drawing an empty axis).
    """
    drawn = [
        (label, role, [(m, v) for m, v in zip(months, values, strict=True) if v is not None])
        for label, role, months, values in series
    ]
    drawn = [d for d in drawn if d[2]]
    if not drawn:
        return None
    with rc_context(RC):
        fig = MplFigure(figsize=(7.2, 3.2))
        ax = fig.add_subplot()
        peer_number = 0
        all_months = sorted({m for _, _, points in drawn for m, _ in points})
        lone = len(all_months) == 1
        for label, role, points in sorted(drawn, key=lambda d: d[1] != "peer"):
            xs = [_month_index(m) for m, _ in points]
            ys = [v for _, v in points]
            if role == "peer":
                colour, dash = PEER_STYLES[peer_number % len(PEER_STYLES)]
                peer_number += 1
                ax.plot(xs, ys, label=label, color=colour, linestyle=dash, linewidth=1.0, marker="o" if lone else None)
                continue
            colour = COLOURS["area" if role == "area_trend" else role]
            width = {"area": 2.4, "area_trend": 1.4}.get(role, 1.5)
            style = (0, (4, 2)) if role == "area_trend" else "-"
            ax.plot(xs, ys, label=label, color=colour, linewidth=width, linestyle=style, marker="o" if lone else None)
        ticks = _month_ticks(all_months[0], all_months[-1])
        by_year = len(ticks) > 1 and (_month_index(ticks[1]) - _month_index(ticks[0])) >= 12
        ax.set_xticks([_month_index(t) for t in ticks], [_tick_label(t, by_year) for t in ticks])
        first, last = _month_index(all_months[0]), _month_index(all_months[-1])
        pad = 1 if lone else 0.5
        ax.set_xlim(first - pad, last + pad)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang, decimals)))
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        handles, labels = ax.get_legend_handles_labels()
        unique = {lab: h for h, lab in zip(handles, labels, strict=True)}
        ax.legend(unique.values(), unique.keys(), loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig, chart_id, alt)


def bar_chart(
    chart_id: str, labels: list[str], values: list[float | None], lang: str, alt: str, decimals: int = 0
) -> Markup | None:
    """Horizontal bars, one per label (missing values left out), with the value at the bar's end.

    None when no value is left, so no empty axis with made-up ticks is drawn.
    """
    shown = [(lab, v) for lab, v in zip(labels, values, strict=True) if v is not None]
    if not shown:
        return None
    with rc_context(RC):
        fig = MplFigure(figsize=(7.2, 0.45 * max(len(shown), 2) + 0.6))
        ax = fig.add_subplot()
        names = [lab for lab, _ in shown][::-1]
        numbers = [v for _, v in shown][::-1]
        colours = [COLOURS["area"] if v >= 0 else COLOURS["region"] for v in numbers]
        ax.barh(names, numbers, color=colours)
        ax.axvline(0, color="#666666", linewidth=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang, 0) + PERCENT[lang]))
        for y, v in enumerate(numbers):
            ax.annotate(
                format_number(v, lang, decimals, signed=True) + PERCENT[lang],
                (v, y),
                xytext=(4 if v >= 0 else -4, 0),
                textcoords="offset points",
                ha="left" if v >= 0 else "right",
                va="center",
            )
        ax.margins(x=0.2)
        return _svg(fig, chart_id, alt)


MIN_COLUMN_SLOTS = 12


def column_chart(
    chart_id: str,
    months: list[dt.date],
    values: list[float | None],
    lang: str,
    alt: str,
    latest_is_lower_bound: bool = False,
) -> Markup | None:
    """Columns per month (e.g. open vacancies), the latest month highlighted and labelled with its value.

    Columns keep one width however many months there are (at least MIN_COLUMN_SLOTS slots, so one month
    does not fill the chart); a missing month gets no column rather than a zero. The latest value is
    marked ≥ when it is a lower bound, as the tables mark it. None without values.
    """
    points = [(i, m, v) for i, (m, v) in enumerate(zip(months, values, strict=True)) if v is not None]
    if not points:
        return None
    with rc_context(RC):
        fig = MplFigure(figsize=(7.2, 2.6))
        ax = fig.add_subplot()
        last = len(months) - 1
        colours = [COLOURS["area"] if i == last else COLOURS["peer"] for i, _, _ in points]
        ax.bar([i for i, _, _ in points], [v for _, _, v in points], color=colours, width=0.7)
        i, _, v = points[-1]
        mark = "≥\u00a0" if latest_is_lower_bound and i == last else ""
        ax.annotate(mark + format_number(v, lang, 0), (i, v), xytext=(0, 3), textcoords="offset points", ha="center")
        slots = max(len(months), MIN_COLUMN_SLOTS)
        ax.set_xlim(last - slots + 0.5, last + 0.5)
        step = max(1, len(months) // 8)
        ticks = [i for i in range(len(months)) if (last - i) % step == 0]
        ax.set_xticks(ticks, [f"{months[i].month}/{months[i].year}" for i in ticks])
        ax.tick_params(axis="x", labelsize=7)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang, 0)))
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        ax.margins(y=0.15)
        return _svg(fig, chart_id, alt)


FAN_COLOURS = {
    "actual": "#1b1b1b",
    "point": COLOURS["area"],
    "band80": "#6fa8dc",
    "band95": "#cfe2f3",
    "baseline": "#777777",
}
LOWER_BOUND_HATCH = "///"


def fan_chart(
    chart_id: str,
    history: list[tuple[dt.date, float | None]],
    steps: list[tuple[dt.date, float, float, float, float, float, float | None]],
    lang: str,
    alt: str,
    legend: dict[str, str],
    decimals: int = 0,
    lower_bound: bool = False,
) -> Markup | None:
    """Actuals, then the forecast's point with its 80 % and 95 % bands and the seasonal-naive baseline dashed.

    `steps` items are (month, point, lo80, hi80, lo95, hi95, baseline). The point line starts at the last
    actual so the two join. A forecast resting on lower bounds gets hatched bands and its last point
    labelled "≥", so the chart never shows it as exact. `legend` names actual, point, band80, band95 and
    baseline. None without forecast steps.
    """
    if not steps:
        return None
    actual = [(m, v) for m, v in history if v is not None]
    with rc_context(RC):
        fig = MplFigure(figsize=(7.2, 3.0))
        ax = fig.add_subplot()
        xs = [_month_index(s[0]) for s in steps]
        hatch = LOWER_BOUND_HATCH if lower_bound else None
        ax.fill_between(
            xs, [s[4] for s in steps], [s[5] for s in steps], color=FAN_COLOURS["band95"], hatch=hatch,
            edgecolor=FAN_COLOURS["band80"] if lower_bound else None, linewidth=0, label=legend["band95"],
        )  # fmt: skip
        ax.fill_between(
            xs, [s[2] for s in steps], [s[3] for s in steps], color=FAN_COLOURS["band80"], hatch=hatch,
            edgecolor=FAN_COLOURS["point"] if lower_bound else None, linewidth=0, label=legend["band80"],
        )  # fmt: skip
        if actual:
            ax.plot(
                [_month_index(m) for m, _ in actual], [v for _, v in actual], color=FAN_COLOURS["actual"],
                linewidth=1.8, label=legend["actual"],
            )  # fmt: skip
        joined = ([(actual[-1][0], actual[-1][1])] if actual else []) + [(s[0], s[1]) for s in steps]
        ax.plot(
            [_month_index(m) for m, _ in joined], [v for _, v in joined], color=FAN_COLOURS["point"], linewidth=2.2,
            label=legend["point"],
        )  # fmt: skip
        baseline = [(s[0], s[6]) for s in steps if s[6] is not None]
        if baseline:
            ax.plot(
                [_month_index(m) for m, _ in baseline], [v for _, v in baseline], color=FAN_COLOURS["baseline"],
                linewidth=1.3, linestyle=(0, (4, 2)), label=legend["baseline"],
            )  # fmt: skip
        last = steps[-1]
        mark = "≥\u00a0" if lower_bound else ""
        ax.annotate(
            mark + format_number(last[1], lang, decimals), (_month_index(last[0]), last[1]), xytext=(4, 0),
            textcoords="offset points", ha="left", va="center", color=FAN_COLOURS["point"],
        )  # fmt: skip
        months = [m for m, _ in actual] + [s[0] for s in steps]
        ticks = _month_ticks(months[0], months[-1])
        by_year = len(ticks) > 1 and (_month_index(ticks[1]) - _month_index(ticks[0])) >= 12
        ax.set_xticks([_month_index(t) for t in ticks], [_tick_label(t, by_year) for t in ticks])
        ax.set_xlim(_month_index(months[0]) - 0.5, _month_index(months[-1]) + 2.5)
        ax.axvline(_month_index(steps[0][0]) - 0.5, color="#999999", linewidth=0.6, linestyle=":")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang, decimals)))
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        handles, labels = ax.get_legend_handles_labels()
        order = [legend[k] for k in ("actual", "point", "band80", "band95", "baseline") if legend[k] in labels]
        by_label = dict(zip(labels, handles, strict=True))
        ax.legend([by_label[k] for k in order], order, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig, chart_id, alt)
