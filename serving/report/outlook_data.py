"""The outlook section's figures (Näkymät / Utsikter / Outlook), loaded from the serving warehouse.

Forecasts and their accuracy record come from mart_forecast and mart_forecast_accuracy (dbt over the
files serving/outlook.py stores per release), the funding-cost outlook from mart_benefit_cost_outlook,
mart_benefit_cost_scenarios and the ledger fct_benefit_cost_monthly. As elsewhere in the report, Python
only selects rows and sums euros over months and benefit regimes (euros add up); every figure keeps a
`Ref` to the rows it came from. A part whose mart is missing or has no rows for the area is None, and
the section says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

from serving.report.records import Bound, Figure, Ref, has_table, query_rows

# The table shows these; the fan charts the first two.
OUTLOOK_INDICATORS = ("unemployed", "unemployment_rate", "open_vacancies", "long_term_unemployed")
FAN_INDICATORS = ("unemployed", "unemployment_rate")
TABLE_HORIZONS = (1, 3, 6, 12)
ACCURACY_HORIZONS = (3, 12)
HISTORY_MONTHS = 24
UNITS = {"unemployed": "persons", "unemployment_rate": "percent", "open_vacancies": "vacancies"}
# Euros of the cost outlook are shown in millions: a projection to the euro would claim a precision it lacks.
MILLION = 1_000_000


def _millions(value: Any, ref: Ref) -> Figure:
    """A sum of euros as millions, its Ref saying so (scale), so a reader of the mart can check it."""
    scaled = Ref(ref.table, ref.key, ref.column, ref.agg, ref.between, 1 / MILLION)
    return Figure(None if value is None else float(value) / MILLION, scaled)


@dataclass(frozen=True)
class ForecastStep:
    """One month ahead of a forecast: ETS point and bands, and the seasonal-naive baseline's point."""

    horizon: int
    target_month: dt.date
    point: Figure
    lo80: Figure
    hi80: Figure
    lo95: Figure
    hi95: Figure
    baseline: Figure | None


@dataclass(frozen=True)
class ForecastSeries:
    """An indicator's forecast 1–12 months ahead with the actuals before it (for the fan chart)."""

    indicator: str
    name: dict[str, str]
    unit: str
    origin_month: dt.date
    is_lower_bound: bool
    steps: list[ForecastStep]
    history: list[tuple[dt.date, float | None]] = field(default_factory=list)

    def step(self, horizon: int) -> ForecastStep | None:
        """The step `horizon` months ahead, if forecast."""
        return next((s for s in self.steps if s.horizon == horizon), None)


@dataclass(frozen=True)
class Accuracy:
    """How accurate ETS forecasts of an indicator were at one horizon (mart_forecast_accuracy)."""

    indicator: str
    horizon: int
    evaluation: str  # backtest or stored
    scope: str  # area (this area's own record) or area_level (all areas of its level pooled)
    forecasts: Figure
    mae: Figure
    mape: Figure
    coverage_80: Figure  # in per cent
    relative_to_snaive: Figure


@dataclass(frozen=True)
class CostOutlook:
    """The municipal share and euros paid over the next 12 months (80 % band) against the previous 12."""

    jump_off_month: dt.date
    first_month: dt.date
    last_month: dt.date
    # euros in millions
    municipal_share: Figure
    municipal_share_lower: Figure
    municipal_share_upper: Figure
    euros_paid: Figure
    euros_paid_lower: Figure
    euros_paid_upper: Figure
    previous_start: dt.date
    previous_end: dt.date
    previous_months: int
    previous_municipal_share: Figure
    previous_euros_paid: Figure
    reform_month: dt.date | None  # first month of the reformed benefit (yleistuki) in the ledger


@dataclass(frozen=True)
class ScenarioRow:
    """A partner scenario's effect over the 12 months ahead (mart_benefit_cost_scenarios)."""

    scenario: str
    description: dict[str, str]
    horizon: int
    municipal_share_difference: Figure  # euros in millions, as the two below
    euros_paid_difference: Figure


@dataclass
class Outlook:
    """Every part of the outlook section; None for a part the serving file has nothing for."""

    release: str | None = None
    release_month: dt.date | None = None
    source_updated_at: dt.datetime | None = None
    forecasts: dict[str, ForecastSeries] = field(default_factory=dict)
    accuracy: dict[str, list[Accuracy]] = field(default_factory=dict)
    stored_accuracy: dict[str, list[Accuracy]] = field(default_factory=dict)
    cost: CostOutlook | None = None
    scenarios: list[ScenarioRow] | None = None


def _release(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> dict[str, Any] | None:
    """The latest release made from data up to the report month that has forecasts for the area."""
    rows = query_rows(
        con,
        """
        SELECT release, release_month, source_updated_at FROM mart_forecast
        WHERE area_code = ? AND release_month <= ?
        ORDER BY release_month DESC, source_updated_at DESC, made_at DESC LIMIT 1
        """,
        [area, month],
    )
    return rows[0] if rows else None


def _load_forecasts(con: duckdb.DuckDBPyConnection, area: str, release: str) -> dict[str, ForecastSeries]:
    rows = query_rows(
        con,
        """
        SELECT f.indicator, f.method, f.horizon, f.origin_month, f.target_month, f.point, f.lo80, f.hi80,
               f.lo95, f.hi95, f.is_lower_bound, i.name_fi, i.name_sv, i.name_en
        FROM mart_forecast f LEFT JOIN dim_indicator i ON i.indicator_code = f.indicator
        WHERE f.release = ? AND f.area_code = ? AND f.indicator IN ?
        ORDER BY f.indicator, f.method, f.horizon
        """,
        [release, area, list(OUTLOOK_INDICATORS)],
    )
    table = "mart_forecast"
    baselines = {(r["indicator"], r["horizon"]): r for r in rows if r["method"] == "snaive"}
    out: dict[str, ForecastSeries] = {}
    for indicator in OUTLOOK_INDICATORS:
        ets = [r for r in rows if r["indicator"] == indicator and r["method"] == "ets"]
        if not ets:
            continue
        lower = any(r["is_lower_bound"] for r in ets)
        steps = []
        for r in ets:
            key = {"release": release, "area_code": area, "indicator": indicator, "method": "ets"}
            key["horizon"] = r["horizon"]
            bound = Bound.of(r["is_lower_bound"])
            base = baselines.get((indicator, r["horizon"]))
            steps.append(
                ForecastStep(
                    horizon=r["horizon"],
                    target_month=r["target_month"],
                    point=Figure(r["point"], Ref(table, tuple(key.items()), "point"), bound),
                    lo80=Figure(r["lo80"], Ref(table, tuple(key.items()), "lo80"), bound),
                    hi80=Figure(r["hi80"], Ref(table, tuple(key.items()), "hi80"), bound),
                    lo95=Figure(r["lo95"], Ref(table, tuple(key.items()), "lo95"), bound),
                    hi95=Figure(r["hi95"], Ref(table, tuple(key.items()), "hi95"), bound),
                    baseline=None
                    if base is None
                    else Figure(
                        base["point"],
                        Ref(table, tuple({**key, "method": "snaive"}.items()), "point"),
                        Bound.of(base["is_lower_bound"]),
                    ),
                )
            )
        first = ets[0]
        name = (
            {"fi": first["name_fi"], "sv": first["name_sv"], "en": first["name_en"]}
            if first["name_fi"]
            else dict.fromkeys(("fi", "sv", "en"), indicator)
        )
        out[indicator] = ForecastSeries(
            indicator=indicator,
            name=name,
            unit=UNITS.get(indicator, "persons"),
            origin_month=first["origin_month"],
            is_lower_bound=lower,
            steps=steps,
            history=_history(con, area, indicator, first["origin_month"]) if indicator in FAN_INDICATORS else [],
        )
    return out


def _history(con: duckdb.DuckDBPyConnection, area: str, indicator: str, origin: dt.date) -> list[tuple[dt.date, Any]]:
    """The actuals of the HISTORY_MONTHS months up to the forecast's origin."""
    start = dt.date(origin.year - HISTORY_MONTHS // 12, origin.month, 1)
    rows = con.execute(
        """
        SELECT month, value FROM mart_situational_picture
        WHERE area_code = ? AND indicator_code = ? AND month > ? AND month <= ? ORDER BY month
        """,
        [area, indicator, start, origin],
    ).fetchall()
    return [(m, v) for m, v in rows]


def _accuracy_rows(
    con: duckdb.DuckDBPyConnection, area: str, area_level: str, indicator: str, evaluation: str
) -> list[Accuracy]:
    """ETS's record at ACCURACY_HORIZONS: the area's own rows, else its level's pooled rows."""
    table = "mart_forecast_accuracy"
    for scope in ("area", "area_level"):
        where = "area_code = ?" if scope == "area" else "area_code IS NULL AND area_level = ?"
        rows = query_rows(
            con,
            f"""
            SELECT horizon, forecasts, mae, mape, coverage_80, mae_relative_to_snaive FROM {table}
            WHERE evaluation = ? AND scope = ? AND {where} AND indicator = ? AND method = 'ets' AND horizon IN ?
            ORDER BY horizon
            """,
            [evaluation, scope, area if scope == "area" else area_level, indicator, list(ACCURACY_HORIZONS)],
        )
        if rows:
            out = []
            for r in rows:
                key: dict[str, Any] = {"evaluation": evaluation, "scope": scope}
                key.update({"area_code": area} if scope == "area" else {"area_level": area_level})
                key.update({"indicator": indicator, "method": "ets", "horizon": r["horizon"]})
                k = tuple(key.items())

                def fig(column: str, k: tuple[tuple[str, Any], ...] = k, r: dict[str, Any] = r) -> Figure:
                    return Figure(None if r[column] is None else float(r[column]), Ref(table, k, column))

                coverage = r["coverage_80"]
                out.append(
                    Accuracy(
                        indicator=indicator,
                        horizon=r["horizon"],
                        evaluation=evaluation,
                        scope=scope,
                        forecasts=fig("forecasts"),
                        mae=fig("mae"),
                        mape=fig("mape"),
                        coverage_80=Figure(
                            None if coverage is None else 100 * float(coverage),
                            Ref(table, k, "coverage_80", scale=100),
                        ),
                        relative_to_snaive=fig("mae_relative_to_snaive"),
                    )
                )
            return out
    return []


def _load_cost(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> CostOutlook | None:
    """The outlook's 12 months summed over regimes, and the same number of ledger months before it.

    None when the outlook starts after the report month: a report of an earlier month must not show a
    projection made from later data.
    """
    rows = query_rows(
        con,
        """
        SELECT jump_off_month, min(month) AS first_month, max(month) AS last_month, count(DISTINCT month) AS months,
               sum(municipal_share_eur) AS share, sum(municipal_share_eur_lower) AS share_lo,
               sum(municipal_share_eur_upper) AS share_hi, sum(euros_paid) AS paid,
               sum(euros_paid_lower) AS paid_lo, sum(euros_paid_upper) AS paid_hi
        FROM mart_benefit_cost_outlook
        WHERE area_code = ? AND is_total_class
          AND jump_off_month = (SELECT max(jump_off_month) FROM mart_benefit_cost_outlook WHERE area_code = ?)
          AND jump_off_month <= ?
        GROUP BY jump_off_month
        """,
        [area, area, month],
    )
    if not rows or rows[0]["share"] is None:
        return None
    r = rows[0]
    jump_off = r["jump_off_month"]
    previous_start = _months_before(jump_off, r["months"] - 1)
    ledger = query_rows(
        con,
        """
        SELECT count(DISTINCT month) AS months, sum(municipal_share_eur) AS share, sum(euros_paid) AS paid,
               (SELECT min(month) FROM fct_benefit_cost_monthly WHERE area_code = ? AND is_after_reform) AS reform
        FROM fct_benefit_cost_monthly
        WHERE area_code = ? AND is_total_class AND month BETWEEN ? AND ?
        """,
        [area, area, previous_start, jump_off],
    )[0]
    table = "mart_benefit_cost_outlook"
    key = (("area_code", area), ("jump_off_month", jump_off), ("is_total_class", True))

    def fig(column: str, value: Any) -> Figure:
        return _millions(value, Ref(table, key, column, "sum"))

    ledger_key = (("area_code", area), ("is_total_class", True))
    span = ("month", previous_start, jump_off)
    return CostOutlook(
        jump_off_month=jump_off,
        first_month=r["first_month"],
        last_month=r["last_month"],
        municipal_share=fig("municipal_share_eur", r["share"]),
        municipal_share_lower=fig("municipal_share_eur_lower", r["share_lo"]),
        municipal_share_upper=fig("municipal_share_eur_upper", r["share_hi"]),
        euros_paid=fig("euros_paid", r["paid"]),
        euros_paid_lower=fig("euros_paid_lower", r["paid_lo"]),
        euros_paid_upper=fig("euros_paid_upper", r["paid_hi"]),
        previous_start=previous_start,
        previous_end=jump_off,
        previous_months=int(ledger["months"]),
        previous_municipal_share=_millions(
            ledger["share"], Ref("fct_benefit_cost_monthly", ledger_key, "municipal_share_eur", "sum", span)
        ),
        previous_euros_paid=_millions(
            ledger["paid"], Ref("fct_benefit_cost_monthly", ledger_key, "euros_paid", "sum", span)
        ),
        reform_month=ledger["reform"],
    )


def _months_before(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def _load_scenarios(con: duckdb.DuckDBPyConnection, area: str, month: dt.date) -> list[ScenarioRow]:
    """Each scenario's difference over the whole horizon for the area (summed over benefit regimes).

    Like the cost outlook, left out of reports of months before the projection starts.
    """
    rows = query_rows(
        con,
        """
        SELECT scenario, any_value(scenario_description_fi) AS fi, any_value(scenario_description_sv) AS sv,
               any_value(scenario_description_en) AS en, max(horizon) AS horizon,
               sum(municipal_share_difference_cumulative) FILTER (WHERE horizon = max_horizon) AS share_diff,
               sum(euros_paid_difference) AS paid_diff
        FROM (
            SELECT *, max(horizon) OVER (PARTITION BY scenario) AS max_horizon FROM mart_benefit_cost_scenarios
            WHERE area_level = 'employment_area' AND area_code = ? AND jump_off_month <= ?
        )
        GROUP BY scenario ORDER BY scenario
        """,
        [area, month],
    )
    table = "mart_benefit_cost_scenarios"
    out = []
    for r in rows:
        key = (("scenario", r["scenario"]), ("area_level", "employment_area"), ("area_code", area))
        out.append(
            ScenarioRow(
                scenario=r["scenario"],
                description={"fi": r["fi"], "sv": r["sv"] or r["fi"], "en": r["en"] or r["fi"]},
                horizon=int(r["horizon"]),
                municipal_share_difference=_millions(
                    r["share_diff"],
                    Ref(table, (*key, ("horizon", r["horizon"])), "municipal_share_difference_cumulative", "sum"),
                ),
                euros_paid_difference=_millions(r["paid_diff"], Ref(table, key, "euros_paid_difference", "sum")),
            )
        )
    return out


def load_outlook(con: duckdb.DuckDBPyConnection, area: str, area_level: str, month: dt.date) -> Outlook:
    """Every part of the outlook for `area` as of the report month; missing marts leave their part empty."""
    outlook = Outlook()
    if has_table(con, "mart_forecast"):
        release = _release(con, area, month)
        if release is not None:
            outlook.release = release["release"]
            outlook.release_month = release["release_month"]
            outlook.source_updated_at = release["source_updated_at"]
            outlook.forecasts = _load_forecasts(con, area, release["release"])
    if has_table(con, "mart_forecast_accuracy"):
        for indicator in FAN_INDICATORS:
            rows = _accuracy_rows(con, area, area_level, indicator, "backtest")
            if rows:
                outlook.accuracy[indicator] = rows
            stored = _accuracy_rows(con, area, area_level, indicator, "stored")
            if stored:
                outlook.stored_accuracy[indicator] = stored
    if has_table(con, "mart_benefit_cost_outlook") and has_table(con, "fct_benefit_cost_monthly"):
        outlook.cost = _load_cost(con, area, month)
    if has_table(con, "mart_benefit_cost_scenarios"):
        outlook.scenarios = _load_scenarios(con, area, month)
    return outlook
