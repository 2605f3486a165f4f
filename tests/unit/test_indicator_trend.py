"""The STL decomposition that the dbt Python model int_indicator_trend_monthly runs inside the build."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from tests.helpers import PROJECT_ROOT

MODEL = PROJECT_ROOT / "dbt_project" / "models" / "intermediate" / "int_indicator_trend_monthly.py"


@pytest.fixture(scope="module")
def trend_model() -> ModuleType:
    spec = importlib.util.spec_from_file_location("int_indicator_trend_monthly", MODEL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _series(area: str, values: np.ndarray, lower_bound_at: int | None = None) -> pd.DataFrame:
    months = pd.date_range("2019-01-01", periods=len(values), freq="MS")
    partial = np.zeros(len(values), dtype=bool)
    if lower_bound_at is not None:
        partial[lower_bound_at] = True
    return pd.DataFrame(
        {
            "area_code": area,
            "indicator_code": "unemployed",
            "month": months,
            "value": values,
            "is_lower_bound": partial,
        }
    )


def _seasonal_series(n: int) -> np.ndarray:
    t = np.arange(n)
    return 1000 + 5 * t + 100 * np.sin(2 * np.pi * t / 12)


def test_removes_the_season_and_keeps_the_trend(trend_model: ModuleType) -> None:
    values = _seasonal_series(96)
    result = trend_model.decompose(_series("KU001", values))
    assert len(result) == 96
    linear = 1000 + 5 * np.arange(96)
    # away from the ends, the adjusted series is the linear trend within 1 % of the seasonal amplitude
    middle = slice(12, -12)
    assert np.abs(result["seasonally_adjusted"].to_numpy()[middle] - linear[middle]).max() < 1.0
    assert np.abs(result["trend"].to_numpy()[middle] - linear[middle]).max() < 1.0
    assert not result["is_lower_bound"].any()


def test_only_the_latest_unbroken_run_is_decomposed(trend_model: ModuleType) -> None:
    values = _seasonal_series(96)
    values[40] = np.nan  # a suppressed month breaks the series
    short = _seasonal_series(60)
    short[30] = np.nan  # leaves 29 months: fewer than three seasons
    frame = pd.concat([_series("KU001", values, lower_bound_at=70), _series("KU002", short)], ignore_index=True)
    result = trend_model.decompose(frame)
    assert set(result["area_code"]) == {"KU001"}
    assert result["month"].min() == pd.Timestamp("2019-01-01") + pd.DateOffset(months=41)
    assert len(result) == 96 - 41
    assert result["is_lower_bound"].all(), "a lower bound inside the run flags the whole decomposition"


def test_a_missing_latest_month_leaves_no_trend(trend_model: ModuleType) -> None:
    values = _seasonal_series(60)
    values[-1] = np.nan
    assert trend_model.decompose(_series("KU001", values)).empty
