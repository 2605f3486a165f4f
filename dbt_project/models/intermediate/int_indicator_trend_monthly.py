"""Seasonal adjustment and trend of every count indicator by STL (statsmodels), inside the dbt build.

Method (documented in int_indicator_trend_monthly.yml): for each area and count indicator, the
longest run of consecutive months with a value that ends at the series' latest month is decomposed
by STL (Cleveland et al. 1990) with period 12, seasonal smoother 13, trend smoother statsmodels'
default (23 for these settings), non-robust, with
Cleveland's jumps (2, 3, 2). seasonally_adjusted = observed − seasonal. Runs shorter
than 36 months (three seasons) get no decomposition. Municipalities are not decomposed: their series
are small and often suppressed, so STL would mostly model noise (and they are 70 % of the work); use
their 12-month rolling average. Ratio indicators are not decomposed here: their trend is the ratio of
their parts' trends (see mart_situational_picture).
"""

from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

PERIOD = 12
SEASONAL = 13
MIN_MONTHS = 3 * PERIOD
# Cleveland et al.'s recommended jumps (about a tenth of each smoother's span): the smoothers are
# evaluated at every 2nd/3rd point and interpolated, which is 2.5 times faster at no visible cost.
JUMPS = {"seasonal_jump": 2, "trend_jump": 3, "low_pass_jump": 2}


def _run_starts(new_series: np.ndarray, months: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For every row, the index where its run of consecutive, non-missing months began."""
    index = np.arange(len(values))
    gap = np.diff(months, prepend=months[:1]).astype("timedelta64[D]").astype(np.int64) > 31
    previous_missing = np.concatenate([[True], np.isnan(values[:-1])])
    breaks = new_series | gap | previous_missing
    return np.maximum.accumulate(np.where(breaks, index, 0))


def decompose(frame: pd.DataFrame) -> pd.DataFrame:
    """STL of every (area_code, indicator_code) series in `frame` (sorted by area, indicator, month)."""
    keys = frame["area_code"].to_numpy(dtype=object) + "\x00" + frame["indicator_code"].to_numpy(dtype=object)
    new_series = np.concatenate([[True], keys[1:] != keys[:-1]])
    ends = np.append(np.flatnonzero(new_series)[1:], len(frame))
    months = frame["month"].to_numpy(dtype="datetime64[D]")
    values = frame["value"].to_numpy(dtype="float64", na_value=np.nan)
    run_starts = _run_starts(new_series, months, values)
    partial = frame["is_lower_bound"].to_numpy(dtype=bool, na_value=False)
    adjusted = np.full(len(frame), np.nan)
    trend = np.full(len(frame), np.nan)
    trend_partial = np.zeros(len(frame), dtype=bool)
    for last in ends:
        run = run_starts[last - 1]
        if np.isnan(values[last - 1]) or last - run < MIN_MONTHS:
            continue
        fit = STL(values[run:last], period=PERIOD, seasonal=SEASONAL, robust=False, **JUMPS).fit()
        adjusted[run:last] = values[run:last] - fit.seasonal
        trend[run:last] = fit.trend
        trend_partial[run:last] = partial[run:last].any()
    result = frame[["area_code", "month", "indicator_code"]].copy()
    result["seasonally_adjusted"] = adjusted
    result["trend"] = trend
    result["is_lower_bound"] = trend_partial
    return result[result["trend"].notna()].reset_index(drop=True)


def model(dbt: Any, session: Any) -> pd.DataFrame:
    """dbt-duckdb Python model: the count indicators of int_indicator_values_monthly above municipalities."""
    dbt.config(materialized="table")
    values = (
        dbt.ref("int_indicator_values_monthly")
        .filter("not is_ratio and area_level != 'municipality'")
        .project("area_code, indicator_code, month, value, is_lower_bound")
        .order("area_code, indicator_code, month")
        .df()
    )
    return decompose(values)
