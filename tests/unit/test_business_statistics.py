"""Business statistics: table discovery by title, aly and kony through the real client, TOL 2008 items."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ingestion.catalogue import BANKRUPTCIES, BUSINESS_DYNAMICS, INDUSTRY_CLASSIFICATION
from ingestion.datasets import (
    land_classification_items,
    land_pxweb_table,
    tidy_bankruptcies,
    tidy_business_dynamics,
    tidy_classification_items,
)
from ingestion.errors import SourceError
from ingestion.http import SourceSession, make_session
from ingestion.pxweb import find_table
from ingestion.refresh import dataset_status
from ingestion.sample_snapshot import business
from ingestion.settings import load_settings
from ingestion.snapshot import SNAPSHOT_DIR, mount_snapshot
from quality.suites import validate_bankruptcies, validate_business_dynamics, validate_industry_classification

# A subject listing in the shape PxWeb v1 answers `GET {base}/fi/StatFin/aly` (folders type l, tables type t).
ALY_LISTING = [
    {"id": "aly_arkisto", "type": "l", "text": "Aloittaneet ja lopettaneet yritykset, arkisto", "updated": None},
    {
        "id": "11yq.px",
        "type": "t",
        "text": "Aloittaneet ja lopettaneet yritykset neljännesvuosittain kunnittain ja toimialoittain",
        "updated": "2026-06-08T05:00:00Z",
    },
    {
        "id": "11yr.px",
        "type": "t",
        "text": "Aloittaneet ja lopettaneet yritykset vuosittain toimialoittain",
        "updated": "2026-06-08T05:00:00Z",
    },
]


def test_table_found_by_title() -> None:
    assert find_table(ALY_LISTING, "StatFin/aly", BUSINESS_DYNAMICS.title_pattern or "") == "11yq.px"
    title = "Aloittaneet ja lopettaneet yritykset muuttujina Kunta, Neljännes ja Tiedot"
    reworded = [{**ALY_LISTING[1], "text": title}]
    assert find_table(reworded, "StatFin/aly", BUSINESS_DYNAMICS.title_pattern or "") == "11yq.px"


def test_no_matching_title_fails_naming_subject_pattern_and_titles() -> None:
    listing = [t for t in ALY_LISTING if t["id"] != "11yq.px"]
    with pytest.raises(SourceError) as caught:
        find_table(listing, "StatFin/aly", BUSINESS_DYNAMICS.title_pattern or "")
    message = str(caught.value)
    assert "StatFin/aly" in message and "neljännes" in message, "names the subject and the pattern"
    assert "no table title matches" in message
    assert "11yr.px: Aloittaneet ja lopettaneet yritykset vuosittain toimialoittain" in message, "lists titles seen"
    assert "arkisto" not in message, "folders are not tables"


def test_ambiguous_title_fails() -> None:
    with pytest.raises(SourceError, match=r"2 table titles match; titles seen: 11yq.px: .*; 11yr.px: "):
        find_table(ALY_LISTING, "StatFin/aly", r"(?i)aloittaneet ja lopettaneet")
    with pytest.raises(SourceError, match="expected a JSON array"):
        find_table({"error": "not found"}, "StatFin/aly", "x")


def test_live_table_id_comes_from_the_listing_not_the_catalogue(tmp_path: Path) -> None:
    """A renamed table is followed: the listing's id is queried and recorded as the source table."""
    root = tmp_path / "snapshot"
    (root / "pxweb/fi/StatFin/aly").mkdir(parents=True)
    (root / "pxweb/config.json").write_bytes((SNAPSHOT_DIR / "pxweb/config.json").read_bytes())
    listing = json.loads((SNAPSHOT_DIR / business.ALY_LIST_PATH).read_bytes())
    listing[0]["id"] = "14zz.px"
    (root / business.ALY_LIST_PATH).write_text(json.dumps(listing), encoding="utf-8")
    for suffix in (".meta.json", ".jsonstat2.json.gz"):
        source = SNAPSHOT_DIR / f"{business.ALY_DIR}/{business.ALY_TABLE}.px{suffix}"
        (root / f"{business.ALY_DIR}/14zz.px{suffix}").write_bytes(source.read_bytes())
    settings = load_settings(data_dir=tmp_path / "data", mode="live")
    session = SourceSession(retries=0)
    mount_snapshot(session, settings, root=root)
    landed = land_pxweb_table(settings, session, BUSINESS_DYNAMICS)
    assert landed.manifest.details["table"] == "StatFin/aly/14zz.px"
    assert "tables.json" in [r.file for r in landed.manifest.responses]
    tidy = tidy_business_dynamics(landed.path)
    assert set(tidy["source_table"]) == {"StatFin/aly/14zz.px"}
    status = dataset_status(settings).set_index("dataset")
    assert status.loc["business_dynamics", "source_table"] == "StatFin/aly/14zz.px"


def test_missing_table_fails_the_landing_with_the_titles(tmp_path: Path) -> None:
    root = tmp_path / "snapshot"
    (root / "pxweb/fi/StatFin").mkdir(parents=True)
    (root / "pxweb/config.json").write_bytes((SNAPSHOT_DIR / "pxweb/config.json").read_bytes())
    (root / business.KONY_LIST_PATH).write_text(json.dumps([business.KONY_NEIGHBOUR]), encoding="utf-8")
    settings = load_settings(data_dir=tmp_path / "data", mode="live")
    session = SourceSession(retries=0)
    mount_snapshot(session, settings, root=root)
    with pytest.raises(SourceError, match=r"StatFin/kony: table title = .*konkurss.*: Yrityssaneeraukset kuuk"):
        land_pxweb_table(settings, session, BANKRUPTCIES)


@pytest.fixture(scope="module")
def aly(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    data_dir = tmp_path_factory.mktemp("aly")
    settings = load_settings(data_dir=data_dir, mode="sample")
    landed = land_pxweb_table(settings, make_session(settings), BUSINESS_DYNAMICS)
    assert landed.manifest.details["periods"] == ["2019Q1", "2026Q2"]
    assert landed.manifest.details["extra_dimensions"] == {"industry_code": "Toimiala"}
    assert landed.manifest.details["queries"] > 1, "split under the 120 000-cell limit"
    return tidy_business_dynamics(landed.path)


def test_aly_parses_to_quarters_by_municipality_and_section(aly: pd.DataFrame) -> None:
    assert list(aly.columns[:7]) == ["area_code", "period", "quarter", "industry_code", "measure", "value", "status"]
    cells = aly.set_index(["area_code", "period", "industry_code", "measure"])["value"]
    assert str(aly.loc[aly["period"] == "2024Q3", "quarter"].iloc[0]) == "2024-07-01"
    assert aly["area_code"].nunique() == 309 and aly["period"].nunique() == 30
    assert set(aly["industry_code"]) == {"SSS", "X", *"ABCDEFGHIJKLMNOPQRSTU"}
    # the all-industries row is the sum of the sections, the country the sum of the municipalities
    sections = aly[(aly["industry_code"] != "SSS") & (aly["area_code"] == "KU564")]
    by_section = sections.groupby(["period", "measure"])["value"].sum()
    total = aly[(aly["industry_code"] == "SSS") & (aly["area_code"] == "KU564")].set_index(["period", "measure"])
    assert (by_section == total["value"]).all()
    municipalities = aly[aly["area_code"] != "SSS"].groupby(["period", "industry_code", "measure"])["value"].sum()
    country = aly[aly["area_code"] == "SSS"].set_index(["period", "industry_code", "measure"])["value"]
    assert (municipalities == country.loc[municipalities.index]).all()
    # believable levels: Oulu has thousands of enterprises, hundreds of openings a quarter
    assert 10_000 < cells[("KU564", "2026Q2", "SSS", "yrityskanta")] < 40_000
    assert 100 < cells[("KU564", "2026Q2", "SSS", "aloittaneet")] < 1_000
    assert validate_business_dynamics(aly).success


def test_aly_suite_catches_a_gap_and_negative_counts(aly: pd.DataFrame) -> None:
    gap = aly[aly["period"] != "2022Q3"]
    result = validate_business_dynamics(gap)
    assert not result.success and "no gaps in quarters" in result.summary()
    negative = aly.copy()
    negative.loc[0, "value"] = -1
    assert "counts are non-negative" in validate_business_dynamics(negative).summary()
    duplicated = pd.concat([aly, aly.head(1)], ignore_index=True)
    assert "one row per key" in validate_business_dynamics(duplicated).summary()


def test_kony_bankruptcies_by_region_and_month(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    landed = land_pxweb_table(settings, make_session(settings), BANKRUPTCIES)
    assert landed.manifest.details["table"] == "StatFin/kony/13fd.px"
    tidy = tidy_bankruptcies(landed.path)
    assert set(tidy["area_code"].str[:2]) == {"SS", "MK"} and tidy["area_code"].nunique() == 20
    assert tidy["period"].min() == "2019M01" and tidy["period"].max() == "2026M10"
    regions = tidy[tidy["area_code"] != "SSS"].groupby("period")["value"].sum()
    country = tidy[tidy["area_code"] == "SSS"].set_index("period")["value"]
    assert (regions == country.loc[regions.index]).all()
    yearly = country.groupby(country.index.str[:4]).sum()
    assert 1_500 < yearly["2021"] < yearly["2024"] < 4_500, "a low in 2021, a rise by 2024"
    assert validate_bankruptcies(tidy).success
    bad = tidy.copy()
    bad.loc[0, "area_code"] = "KU564"
    assert "areas" in validate_bankruptcies(bad).summary()


def test_tol_2008_sections_and_divisions_in_three_languages(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    landed = land_classification_items(settings, make_session(settings), INDUSTRY_CLASSIFICATION)
    items = tidy_classification_items(landed.path, INDUSTRY_CLASSIFICATION)
    by_code = items.set_index("code")
    assert (items["level"] == 1).sum() == 21 and (items["level"] == 2).sum() == 88
    assert by_code.loc["62", ["level", "parent_code", "name_en"]].tolist() == [
        2,
        "J",
        "Computer programming, consultancy and related activities",
    ]
    assert by_code.loc["C", "name_fi"] == "Teollisuus" and by_code.loc["C", "name_sv"] == "Tillverkning"
    assert by_code.loc["62010", "parent_code"] == "6201"
    assert set(items["classification_id"]) == {"toimiala_1_20080101"}
    assert validate_industry_classification(items).success
    assert not validate_industry_classification(items[items["code"] != "Q"]).success, "a section missing"
