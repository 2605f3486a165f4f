"""Occupation statistics tyonv/12ti and the occupation classification: clients, landing and tidy."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ingestion.catalogue import OCCUPATIONS
from ingestion.classification_items import land_classification_items, parse_items, tidy_classification_items
from ingestion.errors import SourceError
from ingestion.http import SourceSession, make_session
from ingestion.pxweb import land_pxweb_table, tidy_occupations
from ingestion.settings import load_settings
from ingestion.snapshot import mount_snapshot
from quality.suites import validate_occupation_classification, validate_occupations
from tests.helpers import pxweb_json_to_jsonstat2, realdata, write_pxweb_snapshot

TYONV_12TI = "statfin_tyonv_12ti_occ2513-2514-2519_all_areas_2026M06_pxweb-json.json"


@pytest.mark.realdata
def test_real_12ti_by_occupation_and_area(tmp_path: Path) -> None:
    cube = pxweb_json_to_jsonstat2(json.loads(realdata(TYONV_12TI).read_text(encoding="utf-8")))
    root = write_pxweb_snapshot(tmp_path / "snapshot", OCCUPATIONS.table, cube, max_cells=500)
    settings = load_settings(data_dir=tmp_path / "data", history_start="2019M01", mode="live")
    session = SourceSession(retries=0)
    adapter = mount_snapshot(session, settings, root=root)
    landed = land_pxweb_table(settings, session, OCCUPATIONS)
    assert landed.manifest.details["extra_dimensions"] == {"occupation_code": "Ammattiryhmä"}
    assert landed.manifest.details["queries"] > 1, "split under the 500-cell limit"
    assert len([m for m, _ in adapter.requests_seen if m == "POST"]) == landed.manifest.details["queries"] + 1
    assert landed.manifest.source_updated == "2026-07-21T05:00:00Z"
    tidy = tidy_occupations(landed.path)
    cells = tidy.set_index(["area_code", "occupation_code", "measure"])
    assert cells.loc[("SSS", "2514", "TYOTTOMATLOPUSSA"), "value"] == 1288
    assert cells.loc[("SSS", "2514", "AVPAIKATLOPUSSA"), "value"] == 34
    assert cells.loc[("KU564", "2513", "TYOTTOMATLOPUSSA"), "value"] == 36
    secret = cells.loc[("SSS", "2513", "AVPAIKATLOPUSSA")]
    assert secret["status"] == "..." and secret["value"] != secret["value"], "suppressed stays NULL with its symbol"
    assert set(tidy["area_code"].str[:2]) <= {"SS", "KU"}, "regions, sub-regions and ELY areas are not requested"
    assert tidy["area_code"].nunique() == 311  # SSS + 308 municipalities + the KU199 and KUJOU buckets
    result = validate_occupations(tidy)
    assert result.success, result.summary()


def test_sample_12ti_fetches_only_the_latest_months(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    landed = land_pxweb_table(settings, make_session(settings), OCCUPATIONS)
    assert landed.manifest.details["periods"] == ["2024M10", "2026M10"]
    tidy = tidy_occupations(landed.path)
    assert tidy["period"].nunique() == 25 and (tidy["status"] == "...").any()
    assert validate_occupations(tidy).success
    bad = tidy.copy()
    bad.loc[bad["occupation_code"] == bad["occupation_code"].iloc[0], "occupation_code"] = "25AB"
    assert {f.description for f in validate_occupations(bad).failures} == {
        "4-digit occupation codes (or X… unknown classes)"
    }


def test_occupation_classification_in_three_languages(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    landed = land_classification_items(settings, make_session(settings))
    items = tidy_classification_items(landed.path).set_index("code")
    assert items.loc["2512", ["level", "parent_code", "name_fi"]].tolist() == [4, "251", "Sovellussuunnittelijat"]
    assert items.loc["2512", "name_en"] == "Software developers" and items.loc["2", "parent_code"] == "SSSSS"
    # the level-0 total is kept as the service lists it, without a parent, and passes the suite
    assert items.loc["SSSSS", "level"] == 0 and pd.isna(items.loc["SSSSS", "parent_code"])
    assert validate_occupation_classification(items.reset_index()).success
    again = land_classification_items(settings, make_session(settings))
    assert again.unchanged and again.path == landed.path


def test_classification_items_with_a_missing_parent_fail_by_name() -> None:
    doc = [
        {"code": "2", "level": 1, "parentCode": None, "classificationItemNames": [{"lang": "fi", "name": "A"}]},
        {"code": "2512", "level": 4, "parentCode": "251", "classificationItemNames": [{"lang": "fi", "name": "B"}]},
    ]
    with pytest.raises(SourceError, match=r"ammatti_1_20100101 classificationItems \(fi\) parentCode = '251'"):
        parse_items(doc, "ammatti_1_20100101", "fi")
    with pytest.raises(SourceError, match=r"no sv name"):
        parse_items(doc[:1], "ammatti_1_20100101", "sv")
