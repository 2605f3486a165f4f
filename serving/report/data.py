"""Everything the monthly report shows, loaded from the serving warehouse into plain typed records.

One query per section, parameters bound. Each figure keeps a `Ref` naming the mart row and column it
came from, so the HTML can carry it (`data-ref`) and a test can check every shown number against the
mart independently. No computation of figures happens here: the marts own them (dbt); Python only
selects rows and, for the benefit cost tile, sums euros over the benefits paid in each month (euros add up).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ingestion.errors import SettingsError
from serving.report.outlook_data import Outlook, load_outlook
from serving.report.records import Bound, Figure, Ref
from serving.report.records import has_table as _has_table
from serving.report.records import query_rows as _rows

HEADLINE_INDICATORS = (
    "unemployed",
    "unemployment_rate",
    "jobseekers",
    "laid_off",
    "open_vacancies",
    "vacancies_per_unemployed",
    "long_term_unemployed",
    "unemployed_under_25",
)
GROUP_INDICATORS = (
    "unemployed_under_25",
    "unemployed_over_50",
    "long_term_unemployed",
    "long_term_unemployed_share",
    "unemployed_foreign_nationals",
    "laid_off",
)
# Men and women are columns of fct_labour_market_monthly, not indicators of the situational picture.
GENDER_COLUMNS = ("unemployed_men", "unemployed_women")
VACANCY_INDICATORS = ("open_vacancies", "new_vacancies", "vacancies_per_unemployed")
TREND_YEARS = 6
TOP_OCCUPATIONS = 8
BUSINESS_PERIODS = 8


def supported_direction(value: float | None, bound: Bound) -> int | None:
    """+1 or −1 when the bound proves the change's direction (0 counts as +1 when exact), else None."""
    if value is None or bound is Bound.UNKNOWN:
        return None
    if bound is Bound.EXACT:
        return 1 if value >= 0 else -1
    if bound is Bound.LOWER and value > 0:
        return 1
    if bound is Bound.UPPER and value < 0:
        return -1
    return None


def _fig(value: Any, table: str, key: dict[str, Any], column: str, bound: Bound | bool = Bound.EXACT) -> Figure:
    kind = bound if isinstance(bound, Bound) else Bound.of(bound)
    return Figure(None if value is None else float(value), Ref(table, tuple(key.items()), column), kind)


@dataclass(frozen=True)
class IndicatorFigures:
    """An indicator of mart_situational_picture for the area and month, with change and benchmarks."""

    code: str
    name: dict[str, str]
    unit: str
    direction: str
    value: Figure
    value_year_ago: Figure
    change_12m: Figure
    change_12m_pct: Figure
    region_value: Figure
    country_value: Figure
    country_change_12m_pct: Figure
    rank_value: Figure
    ranked_count: Figure


@dataclass(frozen=True)
class BenefitCost:
    """Municipally co-financed unemployment benefit paid in the area (Kela), summed over the benefits."""

    month: dt.date
    euros_paid: Figure
    euros_paid_year_ago: Figure
    is_provisional: bool


@dataclass(frozen=True)
class TrendSeries:
    """One line of the unemployment-rate chart."""

    label: str
    role: str  # area, area_trend, region, country, peer
    months: list[dt.date]
    values: list[float | None]


@dataclass(frozen=True)
class TrendRow:
    """The same month in each year of the trend table: area, region and country."""

    month: dt.date
    area: Figure
    region: Figure
    country: Figure


@dataclass(frozen=True)
class PeerRow:
    """The area's position among its peers on a headline indicator (mart_peer_comparison)."""

    indicator_code: str
    name: dict[str, str]
    unit: str
    compared_measure: str
    area_value: Figure
    peer_median: Figure
    peer_min: Figure
    peer_max: Figure
    rank_in_group: Figure
    group_size: Figure


@dataclass(frozen=True)
class OccupationRow:
    """An occupation in shortage or surplus in the area (mart_occupation_mismatch)."""

    code: str
    name: dict[str, str]
    rank: Figure
    unemployed: Figure
    open_vacancies: Figure
    ratio_12m: Figure
    uses_lower_bounds: bool


@dataclass(frozen=True)
class BusinessRow:
    """One period of mart_business_dynamics for the area, all industries."""

    source: str
    grain: str
    period_start: dt.date
    openings: Figure
    closures: Figure
    net_change: Figure
    bankruptcies: Figure
    stock: Figure
    restructurings: Figure


@dataclass(frozen=True)
class KpiRow:
    """A KPI target's latest state (mart_kpi_progress, is_latest_actual)."""

    indicator_code: str
    name: dict[str, str]
    value_basis: str
    baseline_month: dt.date
    baseline_value: Figure
    target_month: dt.date
    target_value: Figure
    expected_value: Figure
    actual_value: Figure
    status: str
    owner: str | None
    is_example: bool


@dataclass(frozen=True)
class AlertRow:
    """An alert of the month (mart_alerts)."""

    severity: str
    alert_type: str
    is_favourable: bool | None
    explanation: dict[str, str]


@dataclass(frozen=True)
class MonthChange:
    """An indicator's change from the previous month (mart_situational_picture change_1m, change_1m_pct)."""

    change: Figure
    change_pct: Figure


@dataclass(frozen=True)
class GenderRow:
    """Unemployed men or women in the month and a year earlier (fct_labour_market_monthly)."""

    column: str
    value: Figure
    value_year_ago: Figure


@dataclass(frozen=True)
class MunicipalityRow:
    """A member municipality's figures in the month and a year earlier."""

    code: str
    name: dict[str, str]
    unemployed: Figure
    unemployed_year_ago: Figure
    change_12m_pct: Figure
    unemployment_rate: Figure
    unemployment_rate_year_ago: Figure
    unemployment_rate_change: Figure
    long_term_unemployed: Figure
    unemployed_under_25: Figure
    unemployed_foreign_nationals: Figure
    open_vacancies: Figure


@dataclass(frozen=True)
class SourceRow:
    """A dataset's provenance (mart_data_freshness)."""

    dataset: str
    source: str
    source_table: str
    source_updated_at: dt.datetime | None
    latest_period: str | None
    latest_period_start: dt.date | None
    period_type: str | None
    expected_next_release: dt.date | None
    is_stale: bool
    is_overdue: bool
    is_available: bool = True


@dataclass(frozen=True)
class Caveats:
    """What the reader must know to read the figures right."""

    suppressed_cells: Figure
    lower_bound_indicators: list[str]
    country_unknown_area_pct: Figure


@dataclass
class ReportData:
    """All sections of one area's monthly report."""

    area_code: str
    area_name: dict[str, str]
    region_name: dict[str, str]
    month: dt.date
    is_sample: bool
    published_at: dt.datetime | None
    indicators: dict[str, IndicatorFigures]
    benefit_cost: BenefitCost | None
    trend: list[TrendSeries]
    trend_table: list[TrendRow]
    peer_codes: list[str]
    peer_comparison: list[PeerRow]
    shortages: list[OccupationRow]
    surpluses: list[OccupationRow]
    business: list[BusinessRow] | None
    kpis: list[KpiRow]
    alerts: list[AlertRow]
    municipalities: list[MunicipalityRow]
    sources: list[SourceRow]
    caveats: Caveats
    vacancy_series: list[tuple[dt.date, float | None]] = field(default_factory=list)
    peer_names: dict[str, dict[str, str]] = field(default_factory=dict)
    month_changes: dict[str, MonthChange] = field(default_factory=dict)
    gender: list[GenderRow] = field(default_factory=list)
    occupation_months: tuple[dt.date, dt.date, int] | None = None
    peer_comparison_month: dt.date | None = None
    first_month: dt.date | None = None
    # k of each statistical alert rule (mart_alerts.rule_k) that fired anywhere this month
    alert_rules: dict[str, float] = field(default_factory=dict)
    # forecasts, their accuracy and the funding-cost outlook; None when not loaded
    outlook: Outlook | None = None

    @property
    def kpi_kind(self) -> str:
        """`example` when every target shown is an example, `agreed` when none is, else `mixed`.

        The targets file marks each row (is_example); headings and the summary must not call example
        targets agreed ones.
        """
        examples = sum(1 for k in self.kpis if k.is_example)
        if examples and examples == len(self.kpis):
            return "example"
        return "mixed" if examples else "agreed"


LANGS = ("fi", "sv", "en")


def _names(row: dict[str, Any], prefix: str = "name") -> dict[str, str]:
    return {lang: row[f"{prefix}_{lang}"] for lang in LANGS}


def available_months(con: duckdb.DuckDBPyConnection, area: str) -> list[dt.date]:
    """Months the situational picture has for the area, latest last."""
    rows = con.execute(
        "SELECT DISTINCT month FROM mart_situational_picture WHERE area_code = ? ORDER BY month", [area]
    ).fetchall()
    return [r[0] for r in rows]


def resolve_area_month(con: duckdb.DuckDBPyConnection, area: str, month: str | None) -> dt.date:
    """The report month for `area` (latest if None); a one-sentence SettingsError when either is unknown."""
    known = _rows(con, "SELECT area_code FROM dim_area WHERE area_level = 'employment_area'", [])
    codes = sorted(r["area_code"] for r in known)
    if area not in codes:
        raise SettingsError(
            f"Unknown employment area {area!r}: the serving file has {codes[0]}–{codes[-1]} ({len(codes)} areas)."
        )
    months = available_months(con, area)
    if not months:
        raise SettingsError(f"The serving file has no figures for {area}; run `tilannekuva refresh` first.")
    if month is None:
        return months[-1]
    try:
        wanted = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise SettingsError(f"Month {month!r} is not of the form YYYY-MM (e.g. 2026-06).") from None
    if wanted not in months:
        raise SettingsError(
            f"No figures for {area} in {month}: the serving file has {months[0]:%Y-%m}–{months[-1]:%Y-%m}."
        )
    return wanted


def _load_area(con: duckdb.DuckDBPyConnection, area: str) -> dict[str, Any]:
    rows = _rows(
        con,
        """
        SELECT a.name_fi, a.name_sv, a.name_en, r.name_fi AS region_fi, r.name_sv AS region_sv,
               r.name_en AS region_en, a.is_sample_data
        FROM dim_area a LEFT JOIN dim_area r ON r.area_code = a.region_code
        WHERE a.area_code = ?
        """,
        [area],
    )
    return rows[0]


def _load_indicators(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> dict[str, IndicatorFigures]:
    rows = _rows(
        con,
        """
        SELECT p.indicator_code, i.name_fi, i.name_sv, i.name_en, i.unit, i.direction,
               p.value, p.is_lower_bound, p.value_year_ago, p.year_ago_is_lower_bound,
               p.change_12m, p.change_12m_pct, p.change_12m_bound, p.region_value, p.country_value, p.rank_value,
               p.ranked_on_value_count, c.change_12m_pct AS country_change_12m_pct,
               c.change_12m_bound AS country_change_12m_bound
        FROM mart_situational_picture p
        JOIN dim_indicator i USING (indicator_code)
        LEFT JOIN mart_situational_picture c
          ON c.area_code = 'SSS' AND c.month = p.month AND c.indicator_code = p.indicator_code
        WHERE p.area_code = ? AND p.month = ?
        ORDER BY i.sort_order
        """,
        [area, month],
    )
    out = {}
    table = "mart_situational_picture"
    for r in rows:
        key = {"area_code": area, "month": month, "indicator_code": r["indicator_code"]}
        country_key = {**key, "area_code": "SSS"}
        change = Bound.from_mart(r["change_12m_bound"])
        country_change = Bound.from_mart(r["country_change_12m_bound"])
        out[r["indicator_code"]] = IndicatorFigures(
            code=r["indicator_code"],
            name=_names(r),
            unit=r["unit"],
            direction=r["direction"],
            value=_fig(r["value"], table, key, "value", r["is_lower_bound"]),
            value_year_ago=_fig(r["value_year_ago"], table, key, "value_year_ago", r["year_ago_is_lower_bound"]),
            change_12m=_fig(r["change_12m"], table, key, "change_12m", change),
            change_12m_pct=_fig(r["change_12m_pct"], table, key, "change_12m_pct", change),
            region_value=_fig(r["region_value"], table, key, "region_value"),
            country_value=_fig(r["country_value"], table, key, "country_value"),
            country_change_12m_pct=_fig(
                r["country_change_12m_pct"], table, country_key, "change_12m_pct", country_change
            ),
            rank_value=_fig(r["rank_value"], table, key, "rank_value"),
            ranked_count=_fig(r["ranked_on_value_count"], table, key, "ranked_on_value_count"),
        )
    return out


def _load_benefit_cost(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> BenefitCost | None:
    """Kela's latest month at or before the report month (Kela publishes with its own lag).

    Both months are summed over every benefit paid then: from 1.5.2026 yleistuki replaced
    työmarkkinatuki and peruspäiväraha, so a benefit's own year-ago figure would miss the switch.
    """
    rows = _rows(
        con,
        """
        WITH latest AS (
            SELECT max(month) AS month FROM mart_municipal_benefit_cost WHERE area_code = ? AND month <= ?
        )
        SELECT latest.month,
               cast(latest.month - INTERVAL 12 MONTH AS date) AS year_ago,
               sum(cost.euros_paid) FILTER (WHERE cost.month = latest.month) AS euros_paid,
               sum(cost.euros_paid) FILTER (WHERE cost.month = latest.month - INTERVAL 12 MONTH)
                   AS euros_paid_year_ago,
               bool_or(cost.is_provisional) FILTER (WHERE cost.month = latest.month) AS is_provisional
        FROM mart_municipal_benefit_cost AS cost, latest
        WHERE cost.area_code = ? AND cost.is_total_class
          AND cost.month IN (latest.month, latest.month - INTERVAL 12 MONTH)
        GROUP BY latest.month
        """,
        [area, month, area],
    )
    if not rows:
        return None
    r = rows[0]
    table = "mart_municipal_benefit_cost"

    def ref(on: dt.date) -> Ref:
        return Ref(table, (("area_code", area), ("month", on), ("is_total_class", True)), "euros_paid", "sum")

    return BenefitCost(
        month=r["month"],
        euros_paid=Figure(r["euros_paid"], ref(r["month"])),
        euros_paid_year_ago=Figure(r["euros_paid_year_ago"], ref(r["year_ago"])),
        is_provisional=bool(r["is_provisional"]),
    )


def _load_trend(
    con: duckdb.DuckDBPyConnection, area: str, month: dt.date, names: dict[str, Any]
) -> tuple[list[TrendSeries], list[TrendRow], list[str], dict[str, dict[str, str]]]:
    """Unemployment rate over TREND_YEARS years: the area (and its STL trend), region, country and peers.

    Only months with an observed rate are kept, so a report early in the history draws the months it has
    instead of an empty axis reaching back to before the data start.
    """
    start = dt.date(month.year - TREND_YEARS + 1, 1, 1)
    rows = _rows(
        con,
        """
        WITH peers AS (
            SELECT peer_area_code, peer_rank FROM mart_peer_groups WHERE area_code = ? AND peer_rank > 0
        )
        SELECT p.area_code, p.month, p.value, p.trend, p.region_value, p.country_value, p.region_code,
               peers.peer_rank, a.name_fi, a.name_sv, a.name_en
        FROM mart_situational_picture p
        LEFT JOIN peers ON peers.peer_area_code = p.area_code
        LEFT JOIN dim_area a ON a.area_code = p.area_code
        WHERE p.indicator_code = 'unemployment_rate' AND p.month BETWEEN ? AND ?
          AND (p.area_code = ? OR peers.peer_rank IS NOT NULL)
        ORDER BY peers.peer_rank NULLS FIRST, p.area_code, p.month
        """,
        [area, start, month, area],
    )
    own = [r for r in rows if r["area_code"] == area]
    observed = [r for r in own if r["value"] is not None]
    months = [r["month"] for r in observed]
    series = [
        TrendSeries(names["name_fi"], "area", months, [r["value"] for r in observed]),
        TrendSeries("trend", "area_trend", months, [r["trend"] for r in observed]),
        TrendSeries(names["region_fi"] or "", "region", months, [r["region_value"] for r in observed]),
        TrendSeries("SSS", "country", months, [r["country_value"] for r in observed]),
    ]
    peer_codes: list[str] = []
    peer_names: dict[str, dict[str, str]] = {}
    for r in rows:
        if r["peer_rank"] is not None and r["area_code"] not in peer_codes:
            peer_codes.append(r["area_code"])
            peer_names[r["area_code"]] = _names(r) if r["name_fi"] else dict.fromkeys(LANGS, r["area_code"])
    for code in peer_codes:
        mine = {r["month"]: r["value"] for r in rows if r["area_code"] == code}
        series.append(TrendSeries(code, "peer", months, [mine.get(m) for m in months]))
    table = "mart_situational_picture"
    trend_table = []
    for r in own:
        if r["month"].month == month.month:
            key = {"area_code": area, "month": r["month"], "indicator_code": "unemployment_rate"}
            trend_table.append(
                TrendRow(
                    r["month"],
                    _fig(r["value"], table, key, "value"),
                    _fig(r["region_value"], table, key, "region_value"),
                    _fig(r["country_value"], table, key, "country_value"),
                )
            )
    return series, trend_table, peer_codes, peer_names


def _load_month_changes(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> dict[str, MonthChange]:
    """Month-on-month changes the mart computes (change_1m, change_1m_pct) with the bound it states."""
    rows = _rows(
        con,
        """
        SELECT indicator_code, change_1m, change_1m_pct, change_1m_bound
        FROM mart_situational_picture
        WHERE area_code = ? AND month = ?
        """,
        [area, month],
    )
    table = "mart_situational_picture"
    out = {}
    for r in rows:
        key = {"area_code": area, "month": month, "indicator_code": r["indicator_code"]}
        bound = Bound.from_mart(r["change_1m_bound"])
        out[r["indicator_code"]] = MonthChange(
            _fig(r["change_1m"], table, key, "change_1m", bound),
            _fig(r["change_1m_pct"], table, key, "change_1m_pct", bound),
        )
    return out


def _load_gender(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> list[GenderRow]:
    """Unemployed men and women now and a year ago, each with its own lower-bound flag from the fact."""
    year_ago = dt.date(month.year - 1, month.month, 1)
    columns = ", ".join(f"{c}, {c}_is_lower_bound" for c in GENDER_COLUMNS)
    rows = _rows(
        con,
        f"SELECT month, {columns} FROM fct_labour_market_monthly WHERE area_code = ? AND month IN (?, ?)",
        [area, month, year_ago],
    )
    by_month = {r["month"]: r for r in rows}
    table = "fct_labour_market_monthly"

    def figure(on: dt.date, column: str) -> Figure:
        row = by_month.get(on)
        if row is None:
            return _fig(None, table, {"area_code": area, "month": on}, column)
        return _fig(row[column], table, {"area_code": area, "month": on}, column, row[f"{column}_is_lower_bound"])

    return [GenderRow(column, figure(month, column), figure(year_ago, column)) for column in GENDER_COLUMNS]


def _load_peer_comparison(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> list[PeerRow]:
    """mart_peer_comparison holds the latest month only; an earlier report month gets no rows."""
    rows = _rows(
        con,
        """
        SELECT c.*, i.name_fi, i.name_sv, i.name_en, i.unit
        FROM mart_peer_comparison c JOIN dim_indicator i USING (indicator_code)
        WHERE c.area_code = ? AND c.month = ?
        ORDER BY i.sort_order
        """,
        [area, month],
    )
    table = "mart_peer_comparison"
    out = []
    for r in rows:
        key = {"area_code": area, "indicator_code": r["indicator_code"], "month": month}
        out.append(
            PeerRow(
                r["indicator_code"],
                _names(r),
                r["unit"],
                r["compared_measure"],
                *(_fig(r[c], table, key, c) for c in ("area_value", "peer_median", "peer_min", "peer_max")),
                rank_in_group=_fig(r["rank_in_group"], table, key, "rank_in_group"),
                group_size=_fig(r["group_size"], table, key, "group_size"),
            )
        )
    return out


def _load_vacancy_series(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> list[tuple[dt.date, Any]]:
    start = dt.date(month.year - 2, month.month, 1)
    rows = con.execute(
        """
        SELECT month, value FROM mart_situational_picture
        WHERE area_code = ? AND indicator_code = 'open_vacancies' AND month > ? AND month <= ?
        ORDER BY month
        """,
        [area, start, month],
    ).fetchall()
    return [(m, v) for m, v in rows]


def _load_occupations(
    con: duckdb.DuckDBPyConnection, area: str, month: dt.date
) -> tuple[list[OccupationRow], list[OccupationRow]]:
    rows = _rows(
        con,
        """
        SELECT m.occupation_code, o.name_fi, o.name_sv, o.name_en, m.shortage_rank, m.surplus_rank,
               m.unemployed, m.open_vacancies, m.unemployed_is_lower_bound, m.open_vacancies_is_lower_bound,
               m.vacancies_per_unemployed_12m, m.class_uses_lower_bounds
        FROM mart_occupation_mismatch m LEFT JOIN dim_occupation o USING (occupation_code)
        WHERE m.area_code = ? AND m.month = ? AND (m.shortage_rank <= ? OR m.surplus_rank <= ?)
        ORDER BY m.shortage_rank NULLS LAST, m.surplus_rank
        """,
        [area, month, TOP_OCCUPATIONS, TOP_OCCUPATIONS],
    )
    table = "mart_occupation_mismatch"
    shortages, surpluses = [], []
    for r in rows:
        key = {"area_code": area, "month": month, "occupation_code": r["occupation_code"]}
        rank_column = "shortage_rank" if r["shortage_rank"] is not None else "surplus_rank"
        names = _names(r) if r["name_fi"] else dict.fromkeys(("fi", "sv", "en"), r["occupation_code"])
        item = OccupationRow(
            code=r["occupation_code"],
            name=names,
            rank=_fig(r[rank_column], table, key, rank_column),
            unemployed=_fig(r["unemployed"], table, key, "unemployed", r["unemployed_is_lower_bound"]),
            open_vacancies=_fig(r["open_vacancies"], table, key, "open_vacancies", r["open_vacancies_is_lower_bound"]),
            ratio_12m=_fig(r["vacancies_per_unemployed_12m"], table, key, "vacancies_per_unemployed_12m"),
            uses_lower_bounds=bool(r["class_uses_lower_bounds"]),
        )
        (shortages if rank_column == "shortage_rank" else surpluses).append(item)
    return shortages, surpluses


def _load_occupation_months(con: duckdb.DuckDBPyConnection, area: str) -> tuple[dt.date, dt.date, int] | None:
    """First and last month of mart_occupation_mismatch for the area and how many months it holds.

    The occupation data cover a shorter window than the labour-market series, so a report month outside
    it needs the reason rather than an empty table.
    """
    row = con.execute(
        "SELECT min(month), max(month), count(DISTINCT month) FROM mart_occupation_mismatch WHERE area_code = ?",
        [area],
    ).fetchone()
    return None if row[0] is None else (row[0], row[1], int(row[2]))


def _load_peer_comparison_month(con: duckdb.DuckDBPyConnection, area: str) -> dt.date | None:
    """The one month mart_peer_comparison holds for the area (its latest), to say so in earlier reports."""
    return con.execute("SELECT max(month) FROM mart_peer_comparison WHERE area_code = ?", [area]).fetchone()[0]


def _load_business(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> list[BusinessRow] | None:
    """The latest periods of mart_business_dynamics for all industries; None when the mart is not published."""
    if not _has_table(con, "mart_business_dynamics"):
        return None
    rows = _rows(
        con,
        """
        SELECT * FROM (
            SELECT source, period_grain, period_start, openings, closures, net_change, bankruptcies, stock,
                   restructurings, is_lower_bound,
                   row_number() OVER (PARTITION BY source, period_grain ORDER BY period_start DESC) AS recency
            FROM mart_business_dynamics
            WHERE area_code = ? AND industry_section_code = 'SSS' AND period_start <= ?
        ) WHERE recency <= ?
        ORDER BY source, period_grain, period_start
        """,
        [area, month, BUSINESS_PERIODS],
    )
    table = "mart_business_dynamics"
    out = []
    for r in rows:
        key = {
            "area_code": area,
            "source": r["source"],
            "period_grain": r["period_grain"],
            "period_start": r["period_start"],
            "industry_section_code": "SSS",
        }
        out.append(
            BusinessRow(
                r["source"],
                r["period_grain"],
                r["period_start"],
                *(
                    _fig(r[c], table, key, c, r["is_lower_bound"])
                    for c in ("openings", "closures", "net_change", "bankruptcies", "stock", "restructurings")
                ),
            )
        )
    return out


def _load_kpis(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> list[KpiRow]:
    """Each target's state in the report month (or its latest month with data before it)."""
    rows = _rows(
        con,
        """
        SELECT k.*, i.name_fi, i.name_sv, i.name_en
        FROM mart_kpi_progress k JOIN dim_indicator i USING (indicator_code)
        WHERE k.area_code = ? AND k.actual_value IS NOT NULL
          AND k.month = (SELECT max(month) FROM mart_kpi_progress x
                         WHERE x.area_code = k.area_code AND x.indicator_code = k.indicator_code
                           AND x.actual_value IS NOT NULL AND x.month <= ?)
        ORDER BY i.sort_order
        """,
        [area, month],
    )
    table = "mart_kpi_progress"
    out = []
    for r in rows:
        key = {"area_code": area, "indicator_code": r["indicator_code"], "month": r["month"]}
        out.append(
            KpiRow(
                indicator_code=r["indicator_code"],
                name=_names(r),
                value_basis=r["value_basis"],
                baseline_month=r["baseline_month"],
                baseline_value=_fig(r["baseline_value"], table, key, "baseline_value"),
                target_month=r["target_month"],
                target_value=_fig(r["target_value"], table, key, "target_value"),
                expected_value=_fig(r["expected_value"], table, key, "expected_value"),
                actual_value=_fig(r["actual_value"], table, key, "actual_value", r["actual_is_lower_bound"]),
                status=r["status"],
                owner=r["owner"],
                is_example=bool(r["is_example"]),
            )
        )
    return out


def _load_alerts(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> list[AlertRow]:
    """The area's statistical and data alerts of the month and the dataset-wide ones (stale sources).

    Target status (kpi_off_track) is left out: the targets section already shows it, row by row.
    """
    rows = _rows(
        con,
        """
        SELECT severity, alert_type, is_favourable, explanation_fi, explanation_sv, explanation_en
        FROM mart_alerts
        WHERE month = ? AND (area_code = ? OR area_code IS NULL) AND alert_type != 'kpi_off_track'
        ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END, alert_type
        """,
        [month, area],
    )
    return [
        AlertRow(
            r["severity"],
            r["alert_type"],
            r["is_favourable"],
            {"fi": r["explanation_fi"], "sv": r["explanation_sv"], "en": r["explanation_en"]},
        )
        for r in rows
    ]


def _load_alert_rules(con: duckdb.DuckDBPyConnection, month: dt.date) -> dict[str, float]:
    """k of each statistical rule, as the mart that applied it records it (one source for the report's note)."""
    rows = _rows(
        con,
        """
        SELECT alert_type, max(rule_k) AS rule_k
        FROM mart_alerts
        WHERE month = ? AND rule_k IS NOT NULL
        GROUP BY alert_type
        ORDER BY alert_type DESC
        """,
        [month],
    )
    return {r["alert_type"]: float(r["rule_k"]) for r in rows}


def _load_municipalities(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> list[MunicipalityRow]:
    """Member municipalities now and a year ago: counts, the rate and its change in points, and groups."""
    rows = _rows(
        con,
        """
        SELECT a.area_code, a.name_fi, a.name_sv, a.name_en, p.indicator_code, p.value, p.value_year_ago,
               p.change_12m, p.change_12m_pct
        FROM dim_area a
        LEFT JOIN mart_situational_picture p ON p.area_code = a.area_code AND p.month = ?
        WHERE a.area_level = 'municipality' AND a.employment_area_code = ?
        """,
        [month, area],
    )
    table = "mart_situational_picture"
    by_code: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = by_code.setdefault(r["area_code"], {"names": _names(r), "values": {}})
        if r["indicator_code"] is not None:
            entry["values"][r["indicator_code"]] = r
    out = []
    for code, entry in by_code.items():
        values = entry["values"]

        def fig(indicator: str, column: str = "value", code: str = code, values: dict[str, Any] = values) -> Figure:
            row = values.get(indicator)
            key = {"area_code": code, "month": month, "indicator_code": indicator}
            return _fig(None if row is None else row[column], table, key, column)

        out.append(
            MunicipalityRow(
                code=code,
                name=entry["names"],
                unemployed=fig("unemployed"),
                unemployed_year_ago=fig("unemployed", "value_year_ago"),
                change_12m_pct=fig("unemployed", "change_12m_pct"),
                unemployment_rate=fig("unemployment_rate"),
                unemployment_rate_year_ago=fig("unemployment_rate", "value_year_ago"),
                unemployment_rate_change=fig("unemployment_rate", "change_12m"),
                long_term_unemployed=fig("long_term_unemployed"),
                unemployed_under_25=fig("unemployed_under_25"),
                unemployed_foreign_nationals=fig("unemployed_foreign_nationals"),
                open_vacancies=fig("open_vacancies"),
            )
        )
    out.sort(key=lambda m: (m.unemployed.value is None, -(m.unemployed.value or 0), m.name["fi"]))
    return out


def _load_sources(con: duckdb.DuckDBPyConnection) -> list[SourceRow]:
    rows = _rows(
        con,
        """
        SELECT source || '/' || dataset AS dataset, source, source_table, source_updated_at, latest_period,
               latest_period_start, period_type, expected_next_release, is_stale, is_overdue, is_available
        FROM mart_data_freshness ORDER BY source, dataset
        """,
        [],
    )
    return [SourceRow(**r) for r in rows]


def _load_caveats(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> Caveats:
    rows = _rows(
        con,
        """
        SELECT
            (SELECT suppressed_cell_count FROM fct_labour_market_monthly
             WHERE area_code = ? AND month = ?) AS suppressed,
            (SELECT list(indicator_code ORDER BY indicator_code) FROM mart_situational_picture
             WHERE area_code = ? AND month = ? AND is_lower_bound) AS lower_bounds,
            (SELECT country_unknown_area_pct FROM mart_situational_picture
             WHERE area_code = ? AND month = ? AND indicator_code = 'open_vacancies') AS unknown_pct
        """,
        [area, month, area, month, area, month],
    )
    r = rows[0]
    return Caveats(
        suppressed_cells=_fig(
            r["suppressed"], "fct_labour_market_monthly", {"area_code": area, "month": month}, "suppressed_cell_count"
        ),
        lower_bound_indicators=list(r["lower_bounds"] or []),
        country_unknown_area_pct=_fig(
            r["unknown_pct"],
            "mart_situational_picture",
            {"area_code": area, "month": month, "indicator_code": "open_vacancies"},
            "country_unknown_area_pct",
        ),
    )


def _load_publish(con: duckdb.DuckDBPyConnection) -> tuple[bool, dt.datetime | None]:
    row = con.execute("SELECT bool_or(is_sample_data), max(published_at) FROM publish_info").fetchone()
    return bool(row[0]), row[1]


def load_report_data(serving_path: Path, area: str, month: str | None = None) -> ReportData:
    """Open the serving file read-only and load every section of `area`'s report for `month` (latest if None)."""
    if not serving_path.exists():
        raise SettingsError(f"No serving file at {serving_path}; run `tilannekuva refresh` first.")
    with duckdb.connect(str(serving_path), read_only=True) as con:
        report_month = resolve_area_month(con, area, month)
        names = _load_area(con, area)
        is_sample, published_at = _load_publish(con)
        trend, trend_table, peers, peer_names = _load_trend(con, area, report_month, names)
        shortages, surpluses = _load_occupations(con, area, report_month)
        return ReportData(
            area_code=area,
            area_name=_names(names),
            region_name={lang: names[f"region_{lang}"] or "" for lang in ("fi", "sv", "en")},
            month=report_month,
            is_sample=is_sample or bool(names["is_sample_data"]),
            published_at=published_at,
            indicators=_load_indicators(con, area, report_month),
            benefit_cost=_load_benefit_cost(con, area, report_month),
            trend=trend,
            trend_table=trend_table,
            peer_codes=peers,
            peer_comparison=_load_peer_comparison(con, area, report_month),
            shortages=shortages,
            surpluses=surpluses,
            business=_load_business(con, area, report_month),
            kpis=_load_kpis(con, area, report_month),
            alerts=_load_alerts(con, area, report_month),
            municipalities=_load_municipalities(con, area, report_month),
            sources=_load_sources(con),
            caveats=_load_caveats(con, area, report_month),
            vacancy_series=_load_vacancy_series(con, area, report_month),
            peer_names=peer_names,
            month_changes=_load_month_changes(con, area, report_month),
            gender=_load_gender(con, area, report_month),
            occupation_months=_load_occupation_months(con, area),
            peer_comparison_month=_load_peer_comparison_month(con, area),
            first_month=available_months(con, area)[0],
            alert_rules=_load_alert_rules(con, report_month),
            outlook=_load_outlook(con, area, report_month),
        )


def _load_outlook(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> Outlook:
    """The outlook section: forecasts, their accuracy and the funding-cost outlook of the area."""
    return load_outlook(con, area, "employment_area", month)
