"""Forecasts per area and their backtest (serving/outlook.py) on small synthetic series and warehouses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from serving import outlook
from serving.outlook import (
    BACKTEST_FILE,
    FORECAST_FILE,
    HORIZON,
    MIN_TRAIN,
    RATE,
    add_months,
    ets_from_origins,
    fitting_window,
    run_outlook,
    with_rate,
)

START = date(2019, 1, 1)


def _seasonal(n: int, level: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return np.round(level * (1 + 0.08 * np.sin(2 * np.pi * t / 12)) + np.cumsum(rng.normal(0, level * 0.005, n)))


def _warehouse(
    path: Path, months: int, updated: datetime, lower_bound_months: dict[str, set[int]] | None = None
) -> Path:
    """A build warehouse with a two-area fct_labour_market_monthly of `months` months from 2019-01."""
    lower_bound_months = lower_bound_months or {}
    rows = []
    for a, (area, level) in enumerate((("TA01", "employment_area"), ("SSS", "country"))):
        scale = 1 if level == "employment_area" else 40
        series = {
            "unemployed": _seasonal(months, 2000 * scale, 1 + a),
            "labour_force": _seasonal(months, 20000 * scale, 11 + a) * 0 + 20000 * scale + np.arange(months),
            "open_vacancies": _seasonal(months, 800 * scale, 21 + a),
            "long_term_unemployed": _seasonal(months, 600 * scale, 31 + a),
        }
        for i in range(months):
            row = {"area_code": area, "area_level": level, "month": add_months(START, i)}
            for measure, values in series.items():
                row[measure] = float(values[i])
                row[f"{measure}_is_lower_bound"] = i in lower_bound_months.get(f"{area}/{measure}", set())
            row["source_updated_at"] = updated
            row["is_sample_data"] = True
            rows.append(row)
    frame = pd.DataFrame(rows)
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.fct_labour_market_monthly AS SELECT * FROM frame")
    return path


def test_fixed_parameter_origins_match_statsmodels_at_the_fitted_origin() -> None:
    """The closed-form forecast from the filtered states equals statsmodels' own prediction and interval."""
    y = _seasonal(80, 5000, 3)
    ours = ets_from_origins(y, 60, HORIZON)[0][60]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = outlook.ets(y[:60], HORIZON)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    for level in (80, 95):
        np.testing.assert_allclose(ours[1][level][0], theirs[1][level][0], rtol=1e-6)
        np.testing.assert_allclose(ours[1][level][1], theirs[1][level][1], rtol=1e-6)


def test_a_warm_started_fit_reaches_the_cold_fit() -> None:
    """The next release's fit starts from the previous parameters and lands where a cold fit does."""
    y = _seasonal(80, 5000, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (cold, _bands), params = outlook.ets_with_params(y[:79], HORIZON)
        (warm, _bands), _ = outlook.ets_with_params(y, HORIZON, start_params=params)
        (fresh, _bands), _ = outlook.ets_with_params(y, HORIZON)
    np.testing.assert_allclose(warm, fresh, rtol=0.01)
    assert not np.allclose(cold, fresh, rtol=1e-9)


def test_later_origins_never_see_the_months_after_them() -> None:
    y = _seasonal(80, 5000, 4)
    changed = y.copy()
    changed[70:] *= 3
    before, after = ets_from_origins(y, 60, HORIZON)[0], ets_from_origins(changed, 60, HORIZON)[0]
    for origin in range(60, 71):
        np.testing.assert_allclose(before[origin][0], after[origin][0])
    assert not np.allclose(before[72][0], after[72][0])


def test_fitting_window_cuts_at_a_lower_bound_or_flags_the_series() -> None:
    months = [add_months(START, i) for i in range(70)]
    values: list[float | None] = [100.0] * 70
    exact = fitting_window(months, values, [i == 10 for i in range(70)])
    assert exact is not None and len(exact[1]) == 59 and exact[2] is False
    flagged = fitting_window(months, values, [i == 40 for i in range(70)])
    assert flagged is not None and len(flagged[1]) == 70 and flagged[2] is True
    values[30] = None  # a missing month ends the run: 39 months are too few
    assert fitting_window(months, values, [False] * 70) is None
    assert fitting_window(months, values[:29] + [None] * 41, [False] * 70) is None


def test_rate_is_numerator_over_denominator_with_a_wider_interval() -> None:
    base = {"area_code": "TA01", "area_level": "employment_area", "method": "ets", "horizon": 1}
    base |= {"origin_month": date(2026, 1, 1), "target_month": date(2026, 2, 1)}
    rows = pd.DataFrame(
        [
            base
            | {"indicator": "unemployed", "point": 1000.0, "lo80": 950.0, "hi80": 1050.0}
            | {"lo95": 920.0, "hi95": 1080.0, "is_lower_bound": False},
            base
            | {"indicator": "labour_force", "point": 10000.0, "lo80": 9900.0, "hi80": 10100.0}
            | {"lo95": 9800.0, "hi95": 10200.0, "is_lower_bound": False},
        ]
    )
    rate = with_rate(rows).query("indicator == @RATE").iloc[0]
    assert rate["point"] == pytest.approx(10.0)
    assert rate["lo95"] < rate["lo80"] < rate["point"] < rate["hi80"] < rate["hi95"]
    # Wider than the numerator's own relative band: the denominator's uncertainty adds to it.
    assert rate["hi95"] / rate["point"] > 1080 / 1000
    lower = rows.assign(is_lower_bound=[True, False])
    assert bool(with_rate(lower).query("indicator == @RATE").iloc[0]["is_lower_bound"])
    assert with_rate(rows.assign(is_lower_bound=[False, True])).query("indicator == @RATE").empty


def test_forecasts_have_every_horizon_ordered_intervals_and_a_rate(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "w.duckdb", 80, datetime(2025, 9, 1, 8))
    run = run_outlook(warehouse, tmp_path / "forecasts", workers=1)
    assert not run.reused and run.series == 8 and run.failed_fits == 0
    forecast = pd.read_parquet(run.folder / FORECAST_FILE)
    counts = forecast.groupby(["area_code", "indicator", "method"])["horizon"].agg(["count", "min", "max"])
    assert len(counts) == 2 * 5 * 2  # areas × (4 measures + rate) × methods
    assert (counts["count"] == HORIZON).all() and (counts["min"] == 1).all() and (counts["max"] == HORIZON).all()
    ordered = (
        (forecast["lo95"] <= forecast["lo80"])
        & (forecast["lo80"] <= forecast["point"])
        & (forecast["point"] <= forecast["hi80"])
        & (forecast["hi80"] <= forecast["hi95"])
    )
    assert ordered.all()
    assert (forecast["origin_month"] == date(2025, 8, 1)).all()
    first = forecast[forecast["horizon"] == 1]
    assert (pd.to_datetime(first["target_month"]).dt.date == date(2025, 9, 1)).all()
    wide = forecast.pivot_table(index=["area_code", "method", "horizon"], columns="indicator", values="point")
    np.testing.assert_allclose(wide[RATE], 100 * wide["unemployed"] / wide["labour_force"])
    backtest = pd.read_parquet(run.folder / BACKTEST_FILE)
    assert backtest["origin_month"].nunique() == outlook.BACKTEST_ORIGINS
    assert backtest["actual"].notna().all() and not backtest["is_lower_bound"].any()


def test_a_lower_bound_series_is_flagged_and_its_rate_too(tmp_path: Path) -> None:
    lower = {"TA01/unemployed": {75}}  # too recent to cut at: the whole run is fitted and flagged
    run = run_outlook(_warehouse(tmp_path / "w.duckdb", 80, datetime(2025, 9, 1)), tmp_path / "f", workers=1)
    assert run.lower_bound_series == 0
    run = run_outlook(_warehouse(tmp_path / "w2.duckdb", 80, datetime(2025, 9, 1), lower), tmp_path / "g", workers=1)
    assert run.lower_bound_series == 1
    forecast = pd.read_parquet(run.folder / FORECAST_FILE)
    flagged = forecast[forecast["is_lower_bound"]]
    assert set(flagged["indicator"]) == {"unemployed", RATE} and set(flagged["area_code"]) == {"TA01"}


def test_same_release_is_reused_and_a_new_release_adds_a_folder(tmp_path: Path) -> None:
    root = tmp_path / "forecasts"
    first = run_outlook(_warehouse(tmp_path / "a.duckdb", 80, datetime(2025, 9, 1)), root, workers=1)
    written = (first.folder / FORECAST_FILE).stat().st_mtime_ns
    again = run_outlook(_warehouse(tmp_path / "b.duckdb", 80, datetime(2025, 9, 1)), root, workers=1)
    assert again.reused and again.folder == first.folder
    assert (first.folder / FORECAST_FILE).stat().st_mtime_ns == written
    later = run_outlook(_warehouse(tmp_path / "c.duckdb", 81, datetime(2025, 10, 1)), root, workers=1)
    assert not later.reused and later.folder != first.folder
    assert [p.name for p in outlook.release_folders(root)] == [first.folder.name, later.folder.name]
    assert (first.folder / FORECAST_FILE).stat().st_mtime_ns == written
    # The new release's backtest takes 23 origins from the first one and its forecast origin as the 24th:
    # nothing to fit again, and the first release's forecast is now scored at horizon 1.
    assert later.backtest_origins_computed == 0 and later.backtest_origins_reused == 8 * outlook.BACKTEST_ORIGINS
    assert len(pd.read_parquet(later.folder / outlook.PARAMS_FILE)) == 8  # the next release's fits start there
    backtest = pd.read_parquet(later.folder / BACKTEST_FILE)
    scored = backtest[(backtest["origin_month"] == date(2025, 8, 1)) & (backtest["indicator"] == "unemployed")]
    assert len(scored) == 2 * 2 and (scored["horizon"] == 1).all() and scored["actual"].notna().all()


def test_a_release_folder_is_never_replaced(tmp_path: Path) -> None:
    root = tmp_path / "forecasts"
    run = run_outlook(_warehouse(tmp_path / "a.duckdb", 80, datetime(2025, 9, 1)), root, workers=1)
    with pytest.raises(FileExistsError):
        outlook._write_release(root, run.folder, {FORECAST_FILE: pd.DataFrame({"x": [1]})})
    assert len(pd.read_parquet(run.folder / FORECAST_FILE)) > 1
    assert [p.name for p in root.iterdir() if p.name != outlook.PARTIAL_DIR] == [run.folder.name]
    assert list((root / outlook.PARTIAL_DIR).iterdir()) == [], "the refused write left nothing behind"


def test_too_short_history_is_counted_not_forecast(tmp_path: Path) -> None:
    run = run_outlook(_warehouse(tmp_path / "a.duckdb", MIN_TRAIN - 1, datetime(2025, 9, 1)), tmp_path / "f", workers=1)
    assert run.series == 0 and run.skipped_short == 8


def test_a_fact_without_a_release_stamp_is_refused(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "a.duckdb", 60, datetime(2025, 9, 1))
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE marts.fct_labour_market_monthly SET source_updated_at = NULL")
    with pytest.raises(ValueError, match="source_updated_at is NULL"):
        run_outlook(warehouse, tmp_path / "f", workers=1)


def _glob_files(root: Path, name: str = FORECAST_FILE) -> set[str]:
    """The files dbt's source glob reads (`forecasts/*/<name>`), relative to `root`."""
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT DISTINCT filename FROM read_parquet(?, filename = true, union_by_name = true)", [f"{root}/*/{name}"]
        ).fetchall()
    return {str(Path(r[0]).relative_to(root)) for r in rows}


def _dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_partial_release_is_invisible_to_the_glob_and_removed_once_its_writer_is_gone(tmp_path: Path) -> None:
    root = tmp_path / "forecasts"
    run = run_outlook(_warehouse(tmp_path / "a.duckdb", 80, datetime(2025, 9, 1)), root, workers=1)
    dead, alive = _dead_pid(), os.getppid()
    planted = {
        "dead": root / outlook.PARTIAL_DIR / f"2025-09_20251001T000000.{dead}",
        "alive": root / outlook.PARTIAL_DIR / f"2025-09_20251001T000000.{alive}",
        "old layout": root / f".2025-09_20251001T000000.{dead}.tmp",  # what the writer before .partial left
    }
    for folder in planted.values():
        folder.mkdir(parents=True)
        shutil.copy(run.folder / FORECAST_FILE, folder / FORECAST_FILE)
    # DuckDB's `*` matches a hidden folder (the old layout's problem) but not two levels down.
    assert _glob_files(root) == {f"{run.folder.name}/{FORECAST_FILE}", f"{planted['old layout'].name}/{FORECAST_FILE}"}
    again = run_outlook(_warehouse(tmp_path / "b.duckdb", 80, datetime(2025, 9, 1)), root, workers=1)
    assert again.reused
    assert sorted(again.removed_partials) == sorted([planted["dead"], planted["old layout"]])
    assert not planted["dead"].exists() and not planted["old layout"].exists()
    assert planted["alive"].exists(), "a running process's partial folder is left to it"
    assert _glob_files(root) == {f"{run.folder.name}/{FORECAST_FILE}"}
    assert outlook.release_folders(root) == [run.folder]


def test_a_release_being_written_is_out_of_the_globs_sight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the last moment before the rename the whole release is written, and dbt's glob still sees none of it."""
    root = tmp_path / "forecasts"
    first = run_outlook(_warehouse(tmp_path / "a.duckdb", 80, datetime(2025, 9, 1)), root, workers=1)
    seen: list[tuple[Path, set[str]]] = []
    rename = outlook.replace_durably

    def watched(source: Path, target: Path) -> None:
        seen.append((source, _glob_files(root) | _glob_files(root, BACKTEST_FILE)))
        rename(source, target)

    monkeypatch.setattr(outlook, "replace_durably", watched)
    later = run_outlook(_warehouse(tmp_path / "b.duckdb", 81, datetime(2025, 10, 1)), root, workers=1)
    [(source, visible)] = seen
    assert source.parent == root / outlook.PARTIAL_DIR and source.name == f"{later.folder.name}.{os.getpid()}"
    assert visible == {f"{first.folder.name}/{FORECAST_FILE}", f"{first.folder.name}/{BACKTEST_FILE}"}


def test_a_damaged_release_is_quarantined_and_the_current_one_computed_again(tmp_path: Path) -> None:
    root = tmp_path / "forecasts"
    old = run_outlook(_warehouse(tmp_path / "a.duckdb", 80, datetime(2025, 9, 1)), root, workers=1).folder
    good = run_outlook(_warehouse(tmp_path / "b.duckdb", 81, datetime(2025, 10, 1)), root, workers=1).folder
    current = _warehouse(tmp_path / "c.duckdb", 82, datetime(2025, 11, 1))
    folder = run_outlook(current, root, workers=1).folder
    (old / BACKTEST_FILE).unlink()
    cut = (folder / FORECAST_FILE).read_bytes()[:500]
    (folder / FORECAST_FILE).write_bytes(cut)
    untouched = {p.name: p.stat().st_mtime_ns for p in good.iterdir()}

    run = run_outlook(current, root, workers=1)

    assert not run.reused and run.folder == folder and run.failed_fits == 0
    assert len(run.quarantined) == 2 and all(p.parent == root / outlook.QUARANTINE_DIR for p in run.quarantined)
    moved_old, moved_current = sorted(run.quarantined)
    assert moved_old.name.startswith(f"{old.name}.") and moved_current.name.startswith(f"{folder.name}.")
    assert (moved_current / FORECAST_FILE).read_bytes() == cut, "the damaged folder is kept as it was"
    assert not (moved_old / BACKTEST_FILE).exists() and (moved_old / FORECAST_FILE).exists()
    assert any(f"{old} is damaged ({BACKTEST_FILE} is missing)" in w for w in run.warnings)
    assert any(
        f"{folder} is damaged ({FORECAST_FILE} cannot be read" in w and "computed again" in w for w in run.warnings
    )
    assert outlook.release_folders(root) == [good, folder], "the old release is not recomputed, the good one kept"
    assert {p.name: p.stat().st_mtime_ns for p in good.iterdir()} == untouched
    assert outlook.release_problem(folder) is None
    assert _glob_files(root) == {f"{good.name}/{FORECAST_FILE}", f"{folder.name}/{FORECAST_FILE}"}
    assert len(_glob_files(root, BACKTEST_FILE)) == 2


def test_a_release_without_the_parameters_file_is_not_damaged(tmp_path: Path) -> None:
    """Releases stored before the ETS parameters were kept have no ets_params.parquet: still good."""
    run = run_outlook(_warehouse(tmp_path / "a.duckdb", 80, datetime(2025, 9, 1)), tmp_path / "f", workers=1)
    (run.folder / outlook.PARAMS_FILE).unlink()
    assert outlook.release_problem(run.folder) is None
    (run.folder / BACKTEST_FILE).write_bytes(b"PAR1 not parquet")
    assert "backtest.parquet cannot be read" in (outlook.release_problem(run.folder) or "")


def test_a_raising_fit_is_named_and_its_seasonal_naive_rows_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = _warehouse(tmp_path / "a.duckdb", 80, datetime(2025, 9, 1))
    odd = next(s for s in outlook.load_series(warehouse)[1] if (s.area_code, s.measure) == ("TA01", "unemployed"))
    fit, fit_from_origins = outlook.ets_with_params, outlook.ets_from_origins

    def raising_fit(y: np.ndarray, *args: object) -> object:
        if np.array_equal(y, odd.values):
            raise IndexError("index 12 is out of bounds for axis 0 with size 12")  # not only ValueError
        return fit(y, *args)  # type: ignore[arg-type]

    def raising_origins(y: np.ndarray, *args: object) -> object:
        if np.array_equal(y, odd.values):
            raise ZeroDivisionError("float division by zero")
        return fit_from_origins(y, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(outlook, "ets_with_params", raising_fit)
    monkeypatch.setattr(outlook, "ets_from_origins", raising_origins)
    run = run_outlook(warehouse, tmp_path / "f", workers=1)

    assert run.failed_fits == 2 and run.series == 8
    assert any("ETS forecast fit of TA01 unemployed failed (IndexError: index 12" in w for w in run.warnings)
    assert any("ETS backtest fit of TA01 unemployed failed (ZeroDivisionError: float" in w for w in run.warnings)
    forecast = pd.read_parquet(run.folder / FORECAST_FILE)
    methods = forecast.groupby(["area_code", "indicator"])["method"].agg(lambda m: sorted(set(m)))
    assert methods["TA01", "unemployed"] == ["snaive"] and methods["TA01", RATE] == ["snaive"]
    assert methods["TA01", "labour_force"] == ["ets", "snaive"] and methods["SSS", "unemployed"] == ["ets", "snaive"]
    assert len(forecast.query("area_code == 'TA01' and indicator == 'unemployed'")) == HORIZON
    backtest = pd.read_parquet(run.folder / BACKTEST_FILE)
    odd_rows = backtest.query("area_code == 'TA01' and indicator == 'unemployed'")
    assert set(odd_rows["method"]) == {"snaive"} and odd_rows["origin_month"].nunique() == outlook.BACKTEST_ORIGINS


def test_when_every_fit_fails_the_run_stops_in_one_sentence_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "forecasts"
    earlier = run_outlook(_warehouse(tmp_path / "a.duckdb", 80, datetime(2025, 9, 1)), root, workers=1).folder

    def failing_fit(*_args: object) -> object:
        raise ValueError("exog contains inf or nans\nsecond line")

    monkeypatch.setattr(outlook, "ets_with_params", failing_fit)
    with pytest.raises(outlook.OutlookError) as raised:
        run_outlook(_warehouse(tmp_path / "b.duckdb", 81, datetime(2025, 10, 1)), root, workers=1)
    message = str(raised.value)
    assert message.startswith("Every ETS forecast fit of release 2025-09_20251001T000000 failed (8 series, first ")
    assert "ValueError: exog contains inf or nans)" in message and "\n" not in message
    assert outlook.release_folders(root) == [earlier]
    assert list((root / outlook.PARTIAL_DIR).iterdir()) == []


def test_a_damaged_release_that_cannot_be_moved_aside_stops_the_run_in_one_sentence(tmp_path: Path) -> None:
    root = tmp_path / "forecasts"
    warehouse = _warehouse(tmp_path / "a.duckdb", 80, datetime(2025, 9, 1))
    folder = run_outlook(warehouse, root, workers=1).folder
    (folder / FORECAST_FILE).unlink()
    (root / outlook.QUARANTINE_DIR).write_text("a file where the quarantine folder should be", encoding="utf-8")
    with pytest.raises(outlook.OutlookError, match=rf"folder {folder} is damaged \(forecast.parquet is missing\) and"):
        run_outlook(warehouse, root, workers=1)
    assert (folder / BACKTEST_FILE).exists(), "left where it was"
