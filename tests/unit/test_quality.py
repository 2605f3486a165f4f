"""The great-expectations suites: pass on good data, and name the failed expectation with rows."""

from __future__ import annotations

import gc
import weakref
from datetime import date, datetime

import pandas as pd
import pytest

from quality.suites import LABOUR_MARKET_COLUMNS, validate_labour_market


def _frame(rows: list[tuple[str, str, str, float | None, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["area_code", "period", "measure", "value", "status"])
    frame["month"] = [date(int(p[:4]), int(p[5:]), 1) for p in frame["period"]]
    frame["source_table"] = "StatFin/tyonv/12r5.px"
    frame["source_updated_at"] = datetime(2026, 7, 21, 5)
    frame["loaded_at"] = datetime(2026, 11, 27)
    frame["is_sample_data"] = False
    frame["value"] = frame["value"].astype("float64")
    return frame[LABOUR_MARKET_COLUMNS]


@pytest.fixture
def good() -> pd.DataFrame:
    rows = []
    for period in ("2026M05", "2026M06"):
        rows += [
            ("SSS", period, "HAKIJALOPUSSA", 540_000.0, None),
            ("SSS", period, "TYOTTOMATLOPUSSA", 350_000.0, None),
            ("KU072", period, "HAKIJALOPUSSA", 60.0, None),
            ("KU072", period, "TYOTTOMATLOPUSSA", None, "..."),
        ]
    return _frame(rows)


def test_good_data_passes(good: pd.DataFrame) -> None:
    result = validate_labour_market(good)
    assert result.success, result.summary()
    assert len(result.outcomes) >= 15


def test_unemployed_above_jobseekers_fails_with_the_row(good: pd.DataFrame) -> None:
    good.loc[(good["area_code"] == "SSS") & (good["measure"] == "TYOTTOMATLOPUSSA"), "value"] = 600_000.0
    result = validate_labour_market(good)
    assert [f.description for f in result.failures] == ["unemployed ≤ jobseekers"]
    example = result.failures[0].examples[0]
    assert example["area_code"] == "SSS" and example["TYOTTOMATLOPUSSA"] == 600_000.0
    assert "unemployed ≤ jobseekers" in result.summary() and "SSS" in result.summary()


def test_negative_count_duplicate_and_gap(good: pd.DataFrame) -> None:
    bad = good.copy()
    bad.loc[0, "value"] = -1.0
    bad = pd.concat([bad, bad.iloc[[1]]], ignore_index=True)
    gap = bad.iloc[[2]].copy()
    gap["period"], gap["month"] = "2026M08", date(2026, 8, 1)
    bad = pd.concat([bad, gap], ignore_index=True)
    failed = {f.description for f in validate_labour_market(bad).failures}
    assert {"counts are non-negative", "one row per key", "no gaps in months"} <= failed


def test_zeroed_symbol_and_unknown_codes(good: pd.DataFrame) -> None:
    good.loc[good["status"] == "...", "status"] = None
    good.loc[0, "measure"] = "TYOTTOMAT"
    good.loc[1, "area_code"] = "XX1"
    failed = {f.description for f in validate_labour_market(good).failures}
    assert {"a missing value always carries its symbol", "measures", "area codes are known"} <= failed


def test_a_validated_frame_is_not_kept_alive(good: pd.DataFrame) -> None:
    """The cached great-expectations context must not hold the last frame (hundreds of MB in a refresh)."""
    frame = good.copy()
    seen = weakref.ref(frame)
    assert validate_labour_market(frame).success
    del frame
    gc.collect()
    assert seen() is None
