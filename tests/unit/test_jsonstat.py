"""PxWeb parsers on the real 2026M06 tyonv/12r5 response."""

from __future__ import annotations

import json

import numpy as np
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


# One small table, written by hand: rows are (area, measure, value, status), last dimension fastest.
SMALL_CELLS = [
    ("KU564", "UNEMPLOYED", 16647.0, None),
    ("KU564", "VACANCIES", None, "..."),
    ("KU564", "RATE", 15.2, None),
    ("SSS", "UNEMPLOYED", 352001.0, None),
    ("SSS", "VACANCIES", 51234.0, None),
    ("SSS", "RATE", None, "."),
]


def _small_doc(index_form: str, value_form: str, status_form: str) -> dict:
    """SMALL_CELLS in one of json-stat2's encodings: index dict/list, value dense/sparse, status dict/list."""
    areas, measures = ["KU564", "SSS"], ["UNEMPLOYED", "VACANCIES", "RATE"]
    if index_form == "dict":
        # written out of order on purpose: the positions, not the key order, place the codes
        area_index: dict | list = {"SSS": 1, "KU564": 0}
        measure_index: dict | list = {"RATE": 2, "UNEMPLOYED": 0, "VACANCIES": 1}
    else:
        area_index, measure_index = list(areas), list(measures)
    values = [cell[2] for cell in SMALL_CELLS]
    value: dict | list = values if value_form == "dense" else {str(i): v for i, v in enumerate(values) if v is not None}
    statuses = [cell[3] for cell in SMALL_CELLS]
    status: dict | list = (
        {str(i): s for i, s in enumerate(statuses) if s is not None} if status_form == "dict" else statuses
    )
    return {
        "class": "dataset",
        "id": ["Alue", "contentscode"],
        "size": [2, 3],
        "dimension": {
            "Alue": {"category": {"index": area_index}},
            "contentscode": {"category": {"index": measure_index}},
        },
        "value": value,
        "status": status,
    }


@pytest.mark.parametrize("status_form", ["dict", "list"])
@pytest.mark.parametrize("value_form", ["dense", "sparse"])
@pytest.mark.parametrize("index_form", ["dict", "list"])
def test_every_jsonstat2_encoding_gives_the_same_cells(index_form: str, value_form: str, status_form: str) -> None:
    """Each encoding the format allows is read cell for cell as the hand-written table (no cell shifted)."""
    frame = parse_jsonstat2(_small_doc(index_form, value_form, status_form), "test")
    got = [
        (a, m, None if np.isnan(v) else v, s if isinstance(s, str) else None)
        for a, m, v, s in frame[["Alue", "contentscode", "value", "status"]].itertuples(index=False)
    ]
    assert got == SMALL_CELLS


# Small hand-written PxWeb `json` documents: the edges the real response does not exercise.
_COLUMNS = [
    {"code": "Alue", "text": "Alue", "type": "d"},
    {"code": "Kuukausi", "text": "Kuukausi", "type": "t"},
    {"code": "TYOTTOMATLOPUSSA", "text": "Työttömät", "type": "c"},
    {"code": "TYOTOSUUS", "text": "Työttömien osuus", "type": "c"},
]


def _pxweb_doc(*rows: tuple[list[str], list[object]]) -> dict:
    return {"columns": _COLUMNS, "data": [{"key": key, "values": values} for key, values in rows]}


def test_pxweb_json_cells_padded_symbols_and_nulls() -> None:
    doc = _pxweb_doc((["KU091", "2026M06"], [" 1234 ", ".."]), (["KU092", "2026M06"], [None, "-"]))
    frame = parse_pxweb_json(doc, "12r5")
    assert list(frame.columns) == ["Alue", "Kuukausi", "contentscode", "value", "status"]
    assert frame.iloc[0].tolist()[:4] == ["KU091", "2026M06", "TYOTTOMATLOPUSSA", 1234.0]
    assert pd.isna(frame.iloc[0]["status"])
    assert np.isnan(frame.iloc[1]["value"]) and frame.iloc[1]["status"] == ".."
    assert np.isnan(frame.iloc[2]["value"]) and pd.isna(frame.iloc[2]["status"])
    assert np.isnan(frame.iloc[3]["value"]) and frame.iloc[3]["status"] == "-"
    assert len(frame) == 4


@pytest.mark.parametrize("doc", [[], {"columns": _COLUMNS}, {"data": []}], ids=["list", "no data", "no columns"])
def test_pxweb_json_that_is_not_a_pxweb_response_is_refused(doc: object) -> None:
    with pytest.raises(SourceError, match=r"^12r5: columns/data = .*expected a PxWeb json response"):
        parse_pxweb_json(doc, "12r5")


@pytest.mark.parametrize(
    "row",
    [(["KU091"], [1, 2]), (["KU091", "2026M06"], [1]), (["KU091", "2026M06", "x"], [1, 2])],
    ids=["short key", "short values", "long key"],
)
def test_pxweb_json_row_not_matching_the_columns_is_refused(row: tuple[list[str], list[object]]) -> None:
    with pytest.raises(SourceError, match=r"^12r5: data\.key/values = .*row does not match the columns"):
        parse_pxweb_json(_pxweb_doc(row), "12r5")


@pytest.mark.parametrize("row", [{"key": ["KU091", "2026M06"]}, {"values": [1, 2]}], ids=["no values", "no key"])
def test_pxweb_json_row_without_key_or_values_is_refused(row: dict) -> None:
    with pytest.raises(SourceError, match=r"^12r5: data\.key/values = .*row does not match the columns"):
        parse_pxweb_json({"columns": _COLUMNS, "data": [row]}, "12r5")


def test_pxweb_json_value_that_is_not_a_number_names_the_cell() -> None:
    doc = _pxweb_doc((["KU091", "2026M06"], ["12", "n/a"]))
    with pytest.raises(SourceError, match=r"^12r5: data\[\['KU091', '2026M06'\]\]\.TYOTOSUUS = 'n/a': not a number"):
        parse_pxweb_json(doc, "12r5")


def test_release_stamp_without_time_or_metadata() -> None:
    assert pxweb_json_updated({"metadata": [{"updated": "2026-07-21"}]}) == "2026-07-21"
    assert pxweb_json_updated({"metadata": [{}]}) is None
    assert pxweb_json_updated({}) is None


def test_one_status_for_the_whole_table_marks_every_cell() -> None:
    """json-stat2 allows `status` as one string that applies to every cell."""
    doc = _small_doc("list", "dense", "list")
    doc["value"] = [None] * len(SMALL_CELLS)
    doc["status"] = ".."
    frame = parse_jsonstat2(doc, "test")
    assert frame["status"].tolist() == [".."] * len(SMALL_CELLS) and frame["value"].isna().all()
