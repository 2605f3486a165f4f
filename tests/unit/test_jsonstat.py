"""PxWeb parsers on the real 2026M06 tyonv/12r5 response."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ingestion.errors import SourceError
from ingestion.jsonstat import load_json, parse_jsonstat2, parse_pxweb_json, pxweb_json_updated
from tests.helpers import TYONV_12R5, pxweb_json_to_jsonstat2, realdata

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def real_12r5() -> dict:
    return json.loads(realdata(TYONV_12R5).read_text(encoding="utf-8"))


def _cell(frame: pd.DataFrame, area: str, measure: str, measure_col: str = "contentscode") -> pd.Series:
    row = frame[(frame["Alue"] == area) & (frame[measure_col] == measure)]
    assert len(row) == 1
    return row.iloc[0]


def test_pxweb_json_headline_figures(real_12r5: dict) -> None:
    frame = parse_pxweb_json(real_12r5, "12r5")
    assert _cell(frame, "SSS", "TYOTTOMATLOPUSSA")["value"] == 352_001
    assert _cell(frame, "KU564", "TYOTTOMATLOPUSSA")["value"] == 16_647
    assert _cell(frame, "SSS", "TYOTOSUUS")["value"] == 12.8
    assert _cell(frame, "KU564", "TYOTOSUUS")["value"] == 15.2
    assert len(frame) == 421 * 23


def test_secrecy_symbols_are_kept_not_zeroed(real_12r5: dict) -> None:
    frame = parse_pxweb_json(real_12r5, "12r5")
    suppressed = frame[frame["status"] == "..."]
    assert len(suppressed) == 904
    assert suppressed["value"].isna().all()
    assert not (frame["value"].isna() & frame["status"].isna()).any()


def test_jsonstat2_gives_the_same_cells(real_12r5: dict) -> None:
    expected = parse_pxweb_json(real_12r5, "12r5").sort_values(["Alue", "contentscode"], ignore_index=True)
    parsed = parse_jsonstat2(pxweb_json_to_jsonstat2(real_12r5), "12r5")
    parsed = parsed.sort_values(["Alue", "contentscode"], ignore_index=True)
    pd.testing.assert_frame_equal(parsed[expected.columns], expected, check_dtype=False)


def test_release_stamp_with_dots_is_normalised(real_12r5: dict) -> None:
    assert pxweb_json_updated(real_12r5) == "2026-07-21T05:00:00Z"


def test_truncated_body_names_source_and_field() -> None:
    raw = json.dumps({"class": "dataset", "value": [1, 2, 3]}).encode()[:-7]
    with pytest.raises(SourceError, match=r"^12r5 data: body = .*not valid JSON, probably truncated"):
        load_json(raw, "12r5 data")


def test_missing_cells_are_refused(real_12r5: dict) -> None:
    doc = pxweb_json_to_jsonstat2(real_12r5)
    doc["value"] = doc["value"][:-10]
    with pytest.raises(SourceError, match=r"value = 9673: expected 9683 cells"):
        parse_jsonstat2(doc, "12r5")


def test_non_numeric_cell_is_refused(real_12r5: dict) -> None:
    doc = pxweb_json_to_jsonstat2(real_12r5)
    doc["value"][5] = "12,5"
    with pytest.raises(SourceError, match=r"value = '12,5': cell 5 is neither a number nor null"):
        parse_jsonstat2(doc, "12r5")
