"""Forecasts per area 1–12 months ahead, kept per data release, and the rolling-origin backtest behind them.

From `fct_labour_market_monthly` in the build warehouse (read-only), for every employment area, region
and the country: unemployed jobseekers, the labour force, open vacancies and the long-term unemployed,
with 80 % and 95 % intervals, by the method chosen in docs/forecasting.md (statsmodels ETS: additive
error, damped additive trend, additive seasonality, on log1p) and a seasonal-naive baseline beside it.
The unemployment rate is 100 × forecast unemployed ÷ forecast labour force, never a forecast of the
ratio itself; its interval combines the two on the log scale as if their errors were independent.

Each release of the fact (its latest month and `source_updated_at`) gets its own folder under
`data/forecasts/<release>/` with `forecast.parquet` and `backtest.parquet`, written once and never
replaced: a later run on the same release reuses it, a new release adds a folder. The backtest scores
the latest 24 origins; origins an earlier release already scored, or already forecast, are taken from
there, so a new release normally computes only its own forecasts.

A series is the latest run of consecutive months with a value. When a month in it is a lower bound
(an employment-area sum over a suppressed member cell), the series is fitted from the exact months
after it if there are enough of them; otherwise from the whole run, and its forecasts are flagged
`is_lower_bound` (a forecast of sums that understate the true count, never presented as exact).

Crash safety (docs/reliability.md): a release is written under `.partial/<release>.<pid>/`, two levels
down where dbt's source glob `forecasts/*/forecast.parquet` cannot see it, and renamed into place
whole; a run removes the partial folders of processes that are gone. A stored release that is damaged
(a file missing or unreadable) is moved to `_quarantine/<release>.<time>/`, also out of the glob's
reach, and computed again if it is the current release. One series whose ETS fit raises keeps its
seasonal-naive forecast and is named in a warning; only when every fit fails does the run stop.
"""

from __future__ import annotations

import logging
import os
import shutil
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

# One BLAS thread per process: with numpy's default pool per worker the fits spent most of their CPU
# spinning (docs/forecasting.md). Set before numpy loads here and inherited by the spawned workers.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # noqa: E402

from ingestion.durable import fsync_dir, remove_left_over_temps, replace_durably  # noqa: E402
from ingestion.errors import TilannekuvaError, exception_phrase  # noqa: E402

log = logging.getLogger(__name__)

MEASURES = ("unemployed", "labour_force", "open_vacancies", "long_term_unemployed")
RATE = "unemployment_rate"
LEVELS = ("employment_area", "region", "country")
METHODS = ("ets", "snaive")
HORIZON = 12
SEASON = 12
MIN_TRAIN = 4 * SEASON  # the shortest history a forecast is made from
BACKTEST_ORIGINS = 24
Z = {80: 1.2815515655446004, 95: 1.959963984540054}
FORECAST_FILE = "forecast.parquet"
PARAMS_FILE = "ets_params.parquet"  # each series' fitted ETS parameters: the next release's fit starts there
BACKTEST_FILE = "backtest.parquet"
FACT = "marts.fct_labour_market_monthly"
# Beside the releases, out of reach of dbt's glob `forecasts/*/<file>.parquet` (its `*` matches dot-folders,
# so a hidden folder directly under forecasts/ would be read as a release): what is under these is two
# levels down. Neither is a release (release_folders skips names starting with "." or "_").
PARTIAL_DIR = ".partial"
QUARANTINE_DIR = "_quarantine"

Bands = dict[int, tuple[np.ndarray, np.ndarray]]
Forecast = tuple[np.ndarray, Bands]

BAND_COLUMNS = ("lo80", "hi80", "lo95", "hi95")
KEY_COLUMNS = ("area_code", "area_level", "indicator", "method", "origin_month", "target_month", "horizon")


class OutlookError(TilannekuvaError):
    """The forecasts of a release cannot be made; the releases stored earlier are left as they are."""


def snaive(y: np.ndarray, h: int) -> Forecast:
    """Seasonal naive with normal intervals whose spread grows with the number of seasons ahead."""
    steps = np.arange(h)
    mean = y[len(y) - SEASON + steps % SEASON]
    sd = np.std(y[SEASON:] - y[:-SEASON], ddof=1) * np.sqrt(steps // SEASON + 1)
    return mean, {level: (mean - z * sd, mean + z * sd) for level, z in Z.items()}


def back_transform(mean: np.ndarray, bands: Bands) -> Forecast:
    """From the log1p scale back to counts (quantiles map through a monotone transform)."""
    return np.expm1(mean), {level: (np.expm1(lo), np.expm1(hi)) for level, (lo, hi) in bands.items()}


def _ets_model(log_y: np.ndarray) -> ETSModel:
    # A Series: ETS prediction intervals need an index (statsmodels 0.15).
    return ETSModel(
        pd.Series(log_y), error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=SEASON
    )


def ets(y: np.ndarray, h: int) -> Forecast:
    """statsmodels ETS(A,Ad,A) on log1p, fitted by maximum likelihood, with its exact prediction intervals."""
    return ets_with_params(y, h)[0]


def ets_with_params(y: np.ndarray, h: int, start_params: np.ndarray | None = None) -> tuple[Forecast, np.ndarray]:
    """`ets` and the fitted parameters.

    `start_params` (the same series' fit at an earlier origin) starts the optimiser near its optimum:
    about a third of the time of a cold fit, measured here.
    """
    fit = _ets_model(np.log1p(y)).fit(disp=False, start_params=start_params)
    prediction = fit.get_prediction(start=len(y), end=len(y) + h - 1)
    bands = {}
    for level in Z:
        frame = prediction.summary_frame(alpha=1 - level / 100)
        bands[level] = (frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy())
    return back_transform(np.asarray(prediction.predicted_mean), bands), np.asarray(fit.params)


def ets_from_origins(y: np.ndarray, first_origin: int, h: int) -> tuple[dict[int, Forecast], np.ndarray]:
    """ETS forecasts from every origin `first_origin`…len(y)-1 with parameters fitted once, on y[:first_origin].

    No origin sees data after it: the parameters come from the earliest origin, and the states at a
    later origin are the same causal filter run over the months up to it. The forecast and its
    variance are the closed forms of ETS(A,Ad,A) (Hyndman et al. 2008, table 6.1), σ² being the mean
    squared one-step error up to the origin, as statsmodels estimates it. One fit and one filter per
    series instead of one fit per origin keeps the backtest inside the nightly budget. Returned with
    the fitted parameters.
    """
    log_y = np.log1p(y)
    fit = _ets_model(log_y[:first_origin]).fit(disp=False)
    alpha, beta, gamma, phi = (float(v) for v in np.asarray(fit.params)[:4])
    smoothed = _ets_model(log_y).smooth(fit.params)
    states = smoothed.states.to_numpy()
    residuals = np.asarray(smoothed.resid)
    steps = np.arange(1, h + 1)
    damped = np.cumsum(phi**steps)  # φ + φ² + … + φ^j
    c = alpha + beta * damped + gamma * (steps % SEASON == 0)
    relative_variance = 1 + np.concatenate(([0.0], np.cumsum(c[:-1] ** 2)))
    out: dict[int, Forecast] = {}
    for origin in range(first_origin, len(y)):
        level, trend = states[origin - 1, 0], states[origin - 1, 1]
        seasonal_rows = origin - 1 + steps - SEASON * ((steps - 1) // SEASON + 1)
        mean = level + damped * trend + states[seasonal_rows, 2]
        sd = np.sqrt(np.mean(residuals[:origin] ** 2) * relative_variance)
        out[origin] = back_transform(mean, {lv: (mean - z * sd, mean + z * sd) for lv, z in Z.items()})
    return out, np.asarray(fit.params)


@dataclass(frozen=True)
class Series:
    """One area's measure: consecutive monthly values ending at `end` (the forecast origin month)."""

    area_code: str
    area_level: str
    measure: str
    end: date
    values: np.ndarray
    is_lower_bound: bool


@dataclass(frozen=True)
class Release:
    """The data release forecasts are made from: the fact's latest month and its source stamp."""

    latest_month: date
    source_updated_at: datetime
    is_sample_data: bool

    @property
    def key(self) -> str:
        """Folder name: sorts by month, then by release stamp."""
        return f"{self.latest_month:%Y-%m}_{self.source_updated_at:%Y%m%dT%H%M%S}"


@dataclass
class OutlookRun:
    """What one run did for one release."""

    release: Release
    folder: Path
    reused: bool
    series: int = 0
    skipped_short: int = 0
    lower_bound_series: int = 0
    failed_fits: int = 0
    forecast_rows: int = 0
    backtest_rows: int = 0
    backtest_origins_reused: int = 0
    backtest_origins_computed: int = 0
    warnings: list[str] = field(default_factory=list)  # one sentence each: a failed fit, a quarantined folder
    quarantined: list[Path] = field(default_factory=list)
    removed_partials: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the run's log."""
        aside = f"; {len(self.quarantined)} damaged release folders quarantined" if self.quarantined else ""
        if self.reused:
            return f"release {self.release.key}: forecasts and backtest already stored, reused{aside}"
        return (
            f"release {self.release.key}: {self.series} series ({self.lower_bound_series} lower-bound, "
            f"{self.skipped_short} too short), {self.failed_fits} failed fits, {self.forecast_rows} forecast rows; "
            f"backtest origins {self.backtest_origins_computed} computed, {self.backtest_origins_reused} reused"
            f"{aside}"
        )


def add_months(month: date, months: int) -> date:
    """The first day of the month `months` after `month`."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def fitting_window(
    months: list[date], values: list[float | None], lower_bound: list[bool]
) -> tuple[date, np.ndarray, bool] | None:
    """The months a series is fitted on, ending at its latest value; None when fewer than MIN_TRAIN.

    The latest run of consecutive months with a value; cut after its last lower-bound month when the
    exact months left are enough, otherwise kept whole and flagged as a lower bound.
    """
    run: list[int] = []
    for i in range(len(months) - 1, -1, -1):
        if values[i] is None or (run and add_months(months[i], 1) != months[run[-1]]):
            break
        run.append(i)
    run.reverse()
    if not run:
        return None
    flagged = [j for j, i in enumerate(run) if lower_bound[i]]
    exact = run[flagged[-1] + 1 :] if flagged else run
    if len(exact) >= MIN_TRAIN:
        return months[run[-1]], np.array([float(values[i]) for i in exact]), False  # type: ignore[arg-type]
    if len(run) >= MIN_TRAIN:
        return months[run[-1]], np.array([float(values[i]) for i in run]), True  # type: ignore[arg-type]
    return None


def load_series(warehouse: Path, fact: str = FACT) -> tuple[Release, list[Series], int]:
    """Every area's measure series, the release they are from, and how many were too short.

    `fact` names the table: the build warehouse's by default, `fct_labour_market_monthly` in a serving file.
    """
    columns = ", ".join(f"{m}, coalesce({m}_is_lower_bound, false)" for m in MEASURES)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        head = con.execute(
            "SELECT max(month), max(source_updated_at), bool_or(is_sample_data) "
            f"FROM {fact} WHERE area_level IN {LEVELS}"
        ).fetchone()
        rows = con.execute(
            f"SELECT area_code, area_level, month, {columns} FROM {fact} "
            f"WHERE area_level IN {LEVELS} ORDER BY area_code, month"
        ).fetchall()
    if head is None or head[0] is None:
        raise ValueError(f"{fact} in {warehouse} has no rows at levels {', '.join(LEVELS)}; nothing to forecast")
    if head[1] is None:
        raise ValueError(f"{fact} in {warehouse}: source_updated_at is NULL on every row, so the release is unknown")
    release = Release(_month(head[0]), head[1], bool(head[2]))
    by_area: dict[tuple[str, str], list[tuple]] = {}
    for row in rows:
        by_area.setdefault((row[0], row[1]), []).append(row)
    series: list[Series] = []
    short = 0
    for (area, level), area_rows in by_area.items():
        months = [_month(r[2]) for r in area_rows]
        for position, measure in enumerate(MEASURES):
            values = [r[3 + 2 * position] for r in area_rows]
            flags = [bool(r[4 + 2 * position]) for r in area_rows]
            window = fitting_window(months, values, flags)
            if window is None:
                short += 1
                continue
            series.append(Series(area, level, measure, window[0], window[1], window[2]))
    return release, series, short


def _month(value: date | datetime) -> date:
    return date(value.year, value.month, 1)


def _rows(
    s: Series, method: str, origin_month: date, forecast: Forecast, actual: np.ndarray | None = None
) -> list[dict]:
    mean, bands = forecast
    rows = []
    for step in range(len(mean)):
        if actual is not None and step >= len(actual):
            break
        row = {
            "area_code": s.area_code,
            "area_level": s.area_level,
            "indicator": s.measure,
            "method": method,
            "origin_month": origin_month,
            "target_month": add_months(origin_month, step + 1),
            "horizon": step + 1,
            "point": float(mean[step]),
            "lo80": float(bands[80][0][step]),
            "hi80": float(bands[80][1][step]),
            "lo95": float(bands[95][0][step]),
            "hi95": float(bands[95][1][step]),
            "is_lower_bound": s.is_lower_bound,
        }
        if actual is not None:
            row["actual"] = float(actual[step])
        rows.append(row)
    return rows


def _finite(forecast: Forecast) -> bool:
    mean, bands = forecast
    return bool(np.all(np.isfinite(mean)) and all(np.all(np.isfinite(b)) for pair in bands.values() for b in pair))


def series_outlook(
    job: tuple[Series, frozenset[date], np.ndarray | None],
) -> tuple[list[dict], list[dict], np.ndarray | None, list[tuple[str, str]]]:
    """One series' forecasts (both methods, from its last month), backtest rows, ETS parameters and failed fits.

    The backtest covers the latest BACKTEST_ORIGINS origins not in `done` (already scored by an
    earlier release), scored where the actuals exist. The forecast's fit starts from the previous
    release's parameters when given, else from the backtest's. A fit that raises (statsmodels can,
    on odd data, with more than ValueError) or gives non-finite values is returned as
    (`backtest` or `forecast`, why) and that fit's ETS rows are left out; the seasonal-naive rows
    are always there.
    """
    s, done, previous_params = job
    y = s.values
    n = len(y)
    origins = [o for o in range(max(MIN_TRAIN, n - BACKTEST_ORIGINS), n) if add_months(s.end, o - n) not in done]
    backtest: list[dict] = []
    failures: list[tuple[str, str]] = []
    start_params = None
    if origins:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                by_origin, start_params = ets_from_origins(y, origins[0], HORIZON)
        except Exception as exc:  # any failure of one series' fit: its baseline stands, the night goes on
            by_origin = {}
            failures.append(("backtest", exception_phrase(exc)))
        for origin in origins:
            origin_month = add_months(s.end, origin - n)
            actual = y[origin : origin + HORIZON]
            ets_forecast = by_origin.get(origin)
            if ets_forecast is not None and _finite(ets_forecast):
                backtest.extend(_rows(s, "ets", origin_month, ets_forecast, actual))
            backtest.extend(_rows(s, "snaive", origin_month, snaive(y[:origin], HORIZON), actual))
    if previous_params is not None:
        start_params = previous_params
    forecast: list[dict] = []
    params = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ets_forecast, params = ets_with_params(y, HORIZON, start_params)
    except Exception as exc:  # as above
        failures.append(("forecast", exception_phrase(exc)))
    else:
        if _finite(ets_forecast):
            forecast.extend(_rows(s, "ets", s.end, ets_forecast))
        else:
            params = None
            failures.append(("forecast", "the forecast or its interval is not finite"))
    forecast.extend(_rows(s, "snaive", s.end, snaive(y, HORIZON)))
    return forecast, backtest, params, failures


def with_rate(frame: pd.DataFrame) -> pd.DataFrame:
    """Add unemployment-rate rows: 100 × unemployed ÷ labour force per area, method, origin and target.

    The point is the ratio of the two points. The interval treats the two forecast errors as
    independent on the log scale: log-scale spreads (from each 95 % band) add in quadrature. The
    rate is a lower bound when the unemployed are; over a lower-bound labour force it is left out,
    as in the fact.
    """
    keys = ["area_code", "area_level", "method", "origin_month", "target_month", "horizon"]
    extra = [c for c in ("actual",) if c in frame.columns]
    num = frame[frame["indicator"] == "unemployed"]
    den = frame[(frame["indicator"] == "labour_force") & ~frame["is_lower_bound"]]
    both = num.merge(den, on=keys, suffixes=("_n", "_d"))
    both = both[(both["point_d"] > 0) & (both["lo95_d"] > -1) & (both["lo95_n"] > -1)]
    if both.empty:
        return frame
    spread = np.sqrt(
        ((np.log1p(both["hi95_n"]) - np.log1p(both["lo95_n"])) / (2 * Z[95])) ** 2
        + ((np.log1p(both["hi95_d"]) - np.log1p(both["lo95_d"])) / (2 * Z[95])) ** 2
    )
    point = 100 * both["point_n"] / both["point_d"]
    rate = both[keys].assign(indicator=RATE, point=point, is_lower_bound=both["is_lower_bound_n"])
    for level, z in Z.items():
        rate[f"lo{level}"] = point * np.exp(-z * spread)
        rate[f"hi{level}"] = point * np.exp(z * spread)
    for column in extra:
        rate[column] = 100 * both[f"{column}_n"] / both[f"{column}_d"]
    return pd.concat([frame, rate[frame.columns]], ignore_index=True)


def release_folders(root: Path) -> list[Path]:
    """Completed release folders under `root`, oldest first (a folder is complete once renamed into place).

    Names starting with "." or "_" are not releases: `.partial/` (being written), `_quarantine/`
    (damaged), and hidden folders an earlier layout wrote beside the releases.
    """
    if not root.exists():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def remove_left_over_partials(root: Path) -> list[Path]:
    """Remove the partial release folders of processes that are gone; returns what was removed.

    A run killed while writing leaves `.partial/<release>.<pid>/`. A folder whose process still runs
    is left: another process (a second Dagster instance or a benchmark on the same data directory)
    may be writing it, and it is out of dbt's sight anyway. Also removed: the hidden
    `.<release>.<pid>.tmp/` folders the layout before `.partial` wrote directly under `root`, where
    dbt's glob reads them.
    """
    return remove_left_over_temps(root / PARTIAL_DIR, "*") + remove_left_over_temps(root, ".*.tmp")


# The columns readers take from each file of a release: dbt's staging models and the next release's run.
RELEASE_FILES: dict[str, tuple[str, ...]] = {
    FORECAST_FILE: (*KEY_COLUMNS, "point", *BAND_COLUMNS, "is_lower_bound", "release"),
    BACKTEST_FILE: (*KEY_COLUMNS, "point", *BAND_COLUMNS, "is_lower_bound", "actual", "release"),
    PARAMS_FILE: ("area_code", "indicator", "params"),
}
# Releases stored before the parameters were kept have no ets_params.parquet: that is not damage.
OPTIONAL_FILES = frozenset({PARAMS_FILE})


def release_problem(folder: Path) -> str | None:
    """What is wrong with a stored release folder (a file missing, unreadable or without its columns), or None."""
    for name, columns in RELEASE_FILES.items():
        path = folder / name
        if not path.is_file():
            if name in OPTIONAL_FILES:
                continue
            return f"{name} is missing"
        try:
            table = pq.read_table(path)
        except (OSError, ValueError, pa.ArrowException) as exc:
            return f"{name} cannot be read ({exception_phrase(exc)})"
        missing = [c for c in columns if c not in table.column_names]
        if missing:
            return f"{name} lacks the columns {', '.join(missing)}"
    return None


def quarantine_damaged(root: Path, now: datetime | None = None) -> list[tuple[Path, str]]:
    """Move every damaged release folder to `_quarantine/<release>.<time>/`; returns (new place, problem) each.

    Nothing is deleted: the folder is kept whole for inspection, where neither dbt's glob nor
    `release_folders` sees it. A good folder is never touched.
    """
    moved = []
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    for folder in release_folders(root):
        problem = release_problem(folder)
        if problem is None:
            continue
        target = root / QUARANTINE_DIR / f"{folder.name}.{stamp}"
        try:
            target.parent.mkdir(exist_ok=True)
            os.rename(folder, target)
            fsync_dir(target.parent)
            fsync_dir(root)
        except OSError as exc:
            raise OutlookError(
                f"forecast release folder {folder} is damaged ({problem}) and cannot be moved to {target} ({exc})"
            ) from exc
        moved.append((target, problem))
    return moved


def _earlier_origins(root: Path, release_key: str) -> tuple[pd.DataFrame, set[tuple[str, str, date]]]:
    """Backtest rows earlier releases hold (their own backtests and their forecasts, now with actuals to score).

    Returned are the rows and the (area, measure, origin) they cover; the newest release wins for a key.
    """
    frames = []
    for folder in release_folders(root):
        if folder.name >= release_key:
            continue
        for name in (BACKTEST_FILE, FORECAST_FILE):
            path = folder / name
            if path.exists():
                frames.append(pd.read_parquet(path).assign(_release=folder.name))
    if not frames:
        return pd.DataFrame(), set()
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[rows["indicator"] != RATE]
    rows = rows.sort_values("_release").drop_duplicates(list(KEY_COLUMNS), keep="last")
    rows["origin_month"] = pd.to_datetime(rows["origin_month"]).dt.date
    rows["target_month"] = pd.to_datetime(rows["target_month"]).dt.date
    covered = set(zip(rows["area_code"], rows["indicator"], rows["origin_month"], strict=True))
    return rows.drop(columns=["_release"]), covered


def _previous_params(root: Path, release_key: str) -> dict[tuple[str, str], np.ndarray]:
    """Each series' ETS parameters from the newest earlier release that stored them."""
    for folder in reversed(release_folders(root)):
        path = folder / PARAMS_FILE
        if folder.name < release_key and path.exists():
            frame = pd.read_parquet(path)
            return {
                (a, m): np.asarray(p, dtype=float)
                for a, m, p in zip(frame["area_code"], frame["indicator"], frame["params"], strict=True)
            }
    return {}


def _reused_backtest(earlier: pd.DataFrame, series: list[Series]) -> pd.DataFrame:
    """Earlier rows at this release's backtest origins whose target this release holds, with that actual."""
    if earlier.empty:
        return earlier
    actuals: dict[tuple[str, str, date], float] = {}
    origins: set[tuple[str, str, date]] = set()
    for s in series:
        n = len(s.values)
        for i, value in enumerate(s.values):
            actuals[(s.area_code, s.measure, add_months(s.end, i - n + 1))] = float(value)
        for o in range(max(MIN_TRAIN, n - BACKTEST_ORIGINS), n):
            origins.add((s.area_code, s.measure, add_months(s.end, o - n)))
    keys = list(zip(earlier["area_code"], earlier["indicator"], earlier["origin_month"], strict=True))
    targets = list(zip(earlier["area_code"], earlier["indicator"], earlier["target_month"], strict=True))
    kept = earlier.assign(actual=[actuals.get(t) for t in targets])
    return kept[np.array([k in origins for k in keys]) & kept["actual"].notna().to_numpy()]


MEASURE_COLUMNS = [*KEY_COLUMNS, "point", *BAND_COLUMNS, "is_lower_bound"]


def _frame(measures: pd.DataFrame, release: Release, made_at: datetime) -> pd.DataFrame:
    """The measures' rows with the rate rows added and the release stamped on every row."""
    numbers = {c: float for c in ("point", *BAND_COLUMNS, "actual") if c in measures.columns}
    measures = measures.astype({"is_lower_bound": bool, "horizon": int, **numbers})
    return with_rate(measures).assign(
        release=release.key,
        release_month=release.latest_month,
        source_updated_at=release.source_updated_at,
        made_at=made_at,
        is_sample_data=release.is_sample_data,
    )


def _run_pool(function: Callable[[Any], Any], jobs: list, workers: int) -> list:
    if workers <= 1 or len(jobs) < 2:
        return [function(job) for job in jobs]
    # spawn: fresh workers load numpy under the one-thread limits above (a forked worker keeps the
    # parent's BLAS pool); chunks keep the pickling small against the fit time.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(function, jobs, chunksize=max(1, len(jobs) // (4 * workers))))


def _note(run: OutlookRun, message: str) -> None:
    log.warning(message)
    run.warnings.append(message)


def _tidy_root(root: Path, run: OutlookRun) -> None:
    """Before anything is read: partial folders of dead runs removed, damaged releases quarantined."""
    run.removed_partials = remove_left_over_partials(root)
    for target, problem in quarantine_damaged(root):
        run.quarantined.append(target)
        release = target.name.rpartition(".")[0]
        again = "; it is the current release and is computed again" if release == run.release.key else ""
        _note(run, f"forecast release folder {root / release} is damaged ({problem}): moved to {target}{again}")


def run_outlook(warehouse: Path, root: Path, workers: int = 2) -> OutlookRun:
    """Forecast and backtest the warehouse's release into `root/<release>/`, unless that folder exists.

    Never replaces a folder: the files are written under `.partial/`, synced, and renamed into place
    in one step, so a crash leaves either nothing dbt can see or the whole release. A stored folder
    found damaged is quarantined first (and, if it is this release, computed again).
    """
    release, series, short = load_series(warehouse)
    folder = root / release.key
    run = OutlookRun(release, folder, reused=True)
    _tidy_root(root, run)
    if folder.exists():
        return run
    run.reused, run.series, run.skipped_short = False, len(series), short
    run.lower_bound_series = sum(s.is_lower_bound for s in series)
    made_at = datetime.now(UTC).replace(tzinfo=None)
    earlier, covered = _earlier_origins(root, release.key)
    reused = _reused_backtest(earlier, series)
    if not reused.empty:
        run.backtest_origins_reused = len(reused[["area_code", "indicator", "origin_month"]].drop_duplicates())
    done: dict[tuple[str, str], set[date]] = {}
    for area, measure, origin in covered:
        done.setdefault((area, measure), set()).add(origin)
    previous = _previous_params(root, release.key)
    jobs = [
        (s, frozenset(done.get((s.area_code, s.measure), ())), previous.get((s.area_code, s.measure))) for s in series
    ]
    forecast_rows: list[dict] = []
    backtest_rows: list[dict] = []
    params_rows: list[dict] = []
    forecasts_failed = []
    for (s, _done, _previous), (forecast_part, backtest_part, params, failures) in zip(
        jobs, _run_pool(series_outlook, jobs, workers), strict=True
    ):
        if params is not None:
            params_rows.append({"area_code": s.area_code, "indicator": s.measure, "params": params.tolist()})
        forecast_rows.extend(forecast_part)
        backtest_rows.extend(backtest_part)
        run.failed_fits += len(failures)
        for fit, why in failures:
            if fit == "forecast":
                forecasts_failed.append(f"{s.area_code} {s.measure}: {why}")
            kept = "forecast is" if fit == "forecast" else "backtest rows are"
            _note(run, f"ETS {fit} fit of {s.area_code} {s.measure} failed ({why}); its seasonal-naive {kept} kept")
    if series and len(forecasts_failed) == len(series):
        raise OutlookError(
            f"Every ETS forecast fit of release {release.key} failed ({len(series)} series, first "
            f"{forecasts_failed[0]}); nothing is stored for it and earlier releases are unchanged."
        )
    run.backtest_origins_computed = len({(r["area_code"], r["indicator"], r["origin_month"]) for r in backtest_rows})
    forecast = _frame(pd.DataFrame(forecast_rows, columns=MEASURE_COLUMNS), release, made_at)
    computed = pd.DataFrame(backtest_rows, columns=[*MEASURE_COLUMNS, "actual"])
    measures = pd.concat([computed, reused[computed.columns]], ignore_index=True) if not reused.empty else computed
    backtest = _frame(measures, release, made_at)
    params_frame = pd.DataFrame(params_rows, columns=["area_code", "indicator", "params"])
    _write_release(root, folder, {FORECAST_FILE: forecast, BACKTEST_FILE: backtest, PARAMS_FILE: params_frame})
    run.forecast_rows, run.backtest_rows = len(forecast), len(backtest)
    return run


def _write_release(root: Path, folder: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Write the files under `.partial/<release>.<pid>/` (out of dbt's glob), sync, rename into place."""
    staging = root / PARTIAL_DIR / f"{folder.name}.{os.getpid()}"
    staging.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for name, frame in frames.items():
            frame.to_parquet(staging / name, index=False)
        if folder.exists():
            raise FileExistsError(f"forecast release folder {folder} appeared during the run; it is not replaced")
        replace_durably(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
