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
from matplotlib.ticker import FuncFormatter

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


def line_chart(
    chart_id: str,
    series: list[tuple[str, str, list[dt.date], list[float | None]]],
    lang: str,
    alt: str,
    decimals: int = 1,
) -> Markup:
    """Lines over months; `series` items are (label, role, months, values), role picks colour and weight."""
    with rc_context(RC):
        fig = MplFigure(figsize=(7.2, 3.2))
        ax = fig.add_subplot()
        for label, role, months, values in sorted(series, key=lambda s: s[1] != "peer", reverse=False):
            points = [(m, v) for m, v in zip(months, values, strict=True) if v is not None]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            width = 2.4 if role == "area" else (0.8 if role == "peer" else 1.5)
            ax.plot(xs, ys, label=label, color=COLOURS[role], linewidth=width)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang, decimals)))
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        handles, labels = ax.get_legend_handles_labels()
        unique = {lab: h for h, lab in zip(handles, labels, strict=True)}
        ax.legend(unique.values(), unique.keys(), loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return _svg(fig, chart_id, alt)


def bar_chart(
    chart_id: str, labels: list[str], values: list[float | None], lang: str, alt: str, decimals: int = 0
) -> Markup:
    """Horizontal bars, one per label (missing values left out), with the value at the bar's end."""
    with rc_context(RC):
        fig = MplFigure(figsize=(7.2, 0.45 * max(len(labels), 2) + 0.6))
        ax = fig.add_subplot()
        shown = [(lab, v) for lab, v in zip(labels, values, strict=True) if v is not None]
        names = [lab for lab, _ in shown][::-1]
        numbers = [v for _, v in shown][::-1]
        colours = [COLOURS["area"] if v >= 0 else COLOURS["region"] for v in numbers]
        ax.barh(names, numbers, color=colours)
        ax.axvline(0, color="#666666", linewidth=0.8)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang, decimals)))
        for y, v in enumerate(numbers):
            ax.annotate(
                format_number(v, lang, decimals, signed=True),
                (v, y),
                xytext=(4 if v >= 0 else -4, 0),
                textcoords="offset points",
                ha="left" if v >= 0 else "right",
                va="center",
            )
        ax.margins(x=0.2)
        return _svg(fig, chart_id, alt)


def column_chart(chart_id: str, months: list[dt.date], values: list[float | None], lang: str, alt: str) -> Markup:
    """Columns per month (e.g. open vacancies), the latest month highlighted."""
    with rc_context(RC):
        fig = MplFigure(figsize=(7.2, 2.6))
        ax = fig.add_subplot()
        xs = [f"{m.month}/{m.year % 100:02d}" for m in months]
        ys = [0.0 if v is None else v for v in values]
        colours = [COLOURS["peer"]] * (len(xs) - 1) + [COLOURS["area"]]
        ax.bar(xs, ys, color=colours)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang, 0)))
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        return _svg(fig, chart_id, alt)
