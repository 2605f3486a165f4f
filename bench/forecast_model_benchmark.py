"""Choose the forecasting method by measuring it on this machine (a benchmark, not a test).

    .venv/bin/python bench/forecast_model_benchmark.py [--serving PATH] [--origins 24] [--max-series N]

Issue 14 asks for forecasts of unemployed jobseekers, the labour force (the rate's denominator), open
vacancies and the long-term unemployed for every employment area, region and the country, 1–12 months
ahead with 80 % and 95 % intervals, from a maintained library chosen after measuring accuracy and speed
here, beside a seasonal-naive baseline. This script is that measurement: a rolling-origin backtest
(the last `--origins` months as forecast origins, every horizon scored where the actual exists) of

- `snaive`: the value 12 months earlier; intervals from the spread of 12-month differences (baseline);
- `ets`: statsmodels ETSModel, additive error, damped additive trend, additive seasonality on log1p;
- `theta`: statsmodels ThetaModel (deseasonalised by classical decomposition, the M3 winner) on log1p;
- `airline`: statsmodels SARIMAX (0,1,1)(0,1,1)12 on log1p, Box and Jenkins' airline model.

statsmodels is already a dependency (the STL trend of int_indicator_trend_monthly). statsforecast 2.1
was the other candidate the issue names; it pins pandas < 3 while the project runs pandas 3.1, so
adding it would downgrade pandas for the whole pipeline. It is measured only when it is importable.

Printed: MAE, MAPE and the 80 %/95 % interval coverage by horizon and model, the MAE relative to the
baseline, and the time of one fit-and-forecast per series, projected to a nightly run (one origin for
every series) on the worker processes. Series with a lower-bound value (a suppressed member cell) in
their history are left out and counted: a forecast built on them could not be presented as exact.

The sample snapshot's series are synthetic (generated, see ingestion/sample_snapshot), so its accuracy
figures rank the methods on sample data only; rerun on the live warehouse (`--serving`) to choose.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# isort: off
# serving.outlook first: it sets the one-BLAS-thread limits, which apply only when set before numpy
# loads. From it the production pieces: the method and baseline, horizon, and the series as fitted.
from serving.outlook import HORIZON, MIN_TRAIN, SEASON, Z, Forecast, back_transform, ets, snaive
from serving.outlook import load_series as load_outlook_series

import numpy as np
from statsmodels.tsa.forecasting.theta import ThetaModel
from statsmodels.tsa.statespace.sarimax import SARIMAX
# isort: on

ROOT = Path(__file__).resolve().parents[1]


def theta(y: np.ndarray, h: int) -> Forecast:
    fit = ThetaModel(np.log1p(y), period=SEASON).fit()
    bands = {}
    for level in Z:
        interval = np.asarray(fit.prediction_intervals(h, alpha=1 - level / 100))
        bands[level] = (interval[:, 0], interval[:, 1])
    return back_transform(np.asarray(fit.forecast(h)), bands)


def airline(y: np.ndarray, h: int) -> Forecast:
    fit = SARIMAX(np.log1p(y), order=(0, 1, 1), seasonal_order=(0, 1, 1, SEASON)).fit(disp=False)
    forecast = fit.get_forecast(h)
    bands = {}
    for level in Z:
        interval = np.asarray(forecast.conf_int(alpha=1 - level / 100))
        bands[level] = (interval[:, 0], interval[:, 1])
    return back_transform(np.asarray(forecast.predicted_mean), bands)


MODELS: dict[str, Callable[[np.ndarray, int], Forecast]] = {
    "snaive": snaive,
    "ets": ets,
    "theta": theta,
    "airline": airline,
}


def _statsforecast_model() -> Callable[[np.ndarray, int], Forecast] | None:
    """statsforecast's AutoETS when the library is importable (it is not a dependency; see the docstring)."""
    try:
        from statsforecast.models import AutoETS
    except ImportError:
        return None

    def auto_ets(y: np.ndarray, h: int) -> Forecast:
        result = AutoETS(season_length=SEASON).forecast(y=np.log1p(y), h=h, level=list(Z))
        bands = {level: (result[f"lo-{level}"], result[f"hi-{level}"]) for level in Z}
        return back_transform(result["mean"], bands)

    return auto_ets


def backtest_series(job: tuple[str, np.ndarray, int, tuple[str, ...]]) -> dict:
    """Every origin and model for one series: absolute errors, APEs and coverage per horizon, and timings."""
    name, y, origins, models = job
    chosen = {m: MODELS[m] for m in models if m in MODELS}
    if "statsforecast_autoets" in models and (auto := _statsforecast_model()) is not None:
        chosen["statsforecast_autoets"] = auto
    errors: dict[tuple[str, int], list[tuple[float, float | None, bool, bool]]] = defaultdict(list)
    seconds: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    for origin in range(len(y) - origins, len(y)):
        train, actual = y[:origin], y[origin : origin + HORIZON]
        if len(train) < MIN_TRAIN:
            continue
        for model, forecast in chosen.items():
            started = time.process_time()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    mean, bands = forecast(train, HORIZON)
            except (ValueError, np.linalg.LinAlgError):
                failures[model] += 1
                continue
            seconds[model].append(time.process_time() - started)
            if not np.all(np.isfinite(mean)):
                failures[model] += 1
                continue
            for step, value in enumerate(actual):
                error = abs(mean[step] - value)
                ape = 100 * error / value if value else None
                inside = {level: bool(lo[step] <= value <= hi[step]) for level, (lo, hi) in bands.items()}
                errors[(model, step + 1)].append((error, ape, inside[80], inside[95]))
    return {"series": name, "errors": dict(errors), "seconds": dict(seconds), "failures": dict(failures)}


def load_series(serving: Path) -> tuple[dict[str, np.ndarray], int]:
    """Each area's and measure's series as the outlook fits them (serving.outlook.fitting_window).

    A series whose latest exact run is too short is fitted whole and flagged there; the benchmark
    leaves those out and counts them, so that its accuracy is that of exact figures.
    """
    _release, series, _short = load_outlook_series(serving, fact="fct_labour_market_monthly")
    exact = {f"{s.area_code}/{s.measure}": s.values for s in series if not s.is_lower_bound}
    return exact, len(series) - len(exact)


def sample_serving(data_dir: Path) -> Path:
    """A cold sample refresh into `data_dir`; the serving database it published."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_") and k != "DAGSTER_HOME"}
    env["TILANNEKUVA_DATA_DIR"] = str(data_dir)
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", "refresh"], cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        sys.exit("the sample refresh failed; see its output above")
    return data_dir / "serving" / "tilannekuva.duckdb"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def report(results: list[dict], models: list[str], workers: int, n_series: int) -> None:
    """Accuracy by horizon and model, then the time per fit and the projected nightly time."""
    pooled: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    seconds: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    for result in results:
        for key, values in result["errors"].items():
            pooled[key].extend(values)
        for model, values in result["seconds"].items():
            seconds[model].extend(values)
        for model, count in result["failures"].items():
            failures[model] += count
    models = [m for m in models if seconds.get(m)]
    horizons = [
        h for h in range(1, HORIZON + 1) if pooled[("snaive", h)]
    ]  # origins late in the series score only short horizons
    baseline = {h: statistics.fmean(e[0] for e in pooled[("snaive", h)]) for h in horizons}
    print("\nAccuracy by horizon (MAE in persons; MAPE %; rel = MAE / seasonal-naive MAE; cover80/95 in %)\n")
    print(_row(["model", "h", "forecasts", "MAE", "rel", "MAPE", "cover80", "cover95"]))
    print(_row(["---"] * 8))
    for model in models:
        for h in (1, 3, 6, 12):
            errors = pooled[(model, h)] if h in horizons else []
            if not errors:
                continue
            mae = statistics.fmean(e[0] for e in errors)
            apes = [e[1] for e in errors if e[1] is not None]
            cells = [
                model,
                str(h),
                str(len(errors)),
                f"{mae:,.0f}",
                f"{mae / baseline[h]:.2f}" if baseline[h] else "–",
                f"{statistics.fmean(apes):.1f}" if apes else "–",
                f"{100 * statistics.fmean(e[2] for e in errors):.0f}",
                f"{100 * statistics.fmean(e[3] for e in errors):.0f}",
            ]
            print(_row(cells))
    print(f"\nOverall, horizons 1–{horizons[-1]}\n")
    print(_row(["model", "MAE rel. to snaive", "MAPE", "cover80", "cover95", "failed fits"]))
    print(_row(["---"] * 6))
    for model in models:
        errors = [e for h in horizons for e in pooled[(model, h)]]
        rel = statistics.fmean(statistics.fmean(e[0] for e in pooled[(model, h)]) / baseline[h] for h in horizons)
        apes = [e[1] for e in errors if e[1] is not None]
        cells = [
            model,
            f"{rel:.3f}",
            f"{statistics.fmean(apes):.2f}",
            f"{100 * statistics.fmean(e[2] for e in errors):.1f}",
            f"{100 * statistics.fmean(e[3] for e in errors):.1f}",
            str(failures.get(model, 0)),
        ]
        print(_row(cells))
    print(f"\nSpeed (CPU seconds per fit and 12-month forecast; nightly = one origin for {n_series} series)\n")
    print(_row(["model", "fits", "median s", "mean s", "nightly CPU s", f"nightly wall s on {workers} workers"]))
    print(_row(["---"] * 6))
    for model in models:
        mean = statistics.fmean(seconds[model])
        cells = [
            model,
            str(len(seconds[model])),
            f"{statistics.median(seconds[model]):.4f}",
            f"{mean:.4f}",
            f"{mean * n_series:.1f}",
            f"{mean * n_series / workers:.1f}",
        ]
        print(_row(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving", type=Path, help="a serving database (default: a fresh sample refresh)")
    parser.add_argument("--origins", type=int, default=24, help="forecast origins, the latest months (24)")
    parser.add_argument("--max-series", type=int, help="backtest about N series, evenly spread")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--models", nargs="+", default=[*MODELS, "statsforecast_autoets"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="forecast-bench-") as tmp:
        serving = args.serving or sample_serving(Path(tmp) / "data")
        series, lower_bound = load_series(serving)
    names = sorted(series)
    usable = [n for n in names if len(series[n]) >= MIN_TRAIN + args.origins]
    step = math.ceil(len(usable) / args.max_series) if args.max_series else 1
    chosen = usable[::step]  # every step-th series: all measures and area levels stay represented
    print(
        f"{len(names)} series ({lower_bound} cut at a lower-bound value), {len(usable)} with at least "
        f"{MIN_TRAIN + args.origins} months, backtesting {len(chosen)} over {args.origins} origins "
        f"on {args.workers} workers"
    )
    started = time.perf_counter()
    jobs = [(n, series[n], args.origins, tuple(args.models)) for n in chosen]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(backtest_series, jobs, chunksize=max(1, math.ceil(len(jobs) / (8 * args.workers)))))
    print(f"backtest wall time {time.perf_counter() - started:.1f} s")
    report(results, [m for m in args.models if m in MODELS or m == "statsforecast_autoets"], args.workers, len(names))


if __name__ == "__main__":
    main()
