"""Business statistics: table discovery by title, aly and kony through the real client, TOL 2008 items."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ingestion.catalogue import BANKRUPTCIES, BUSINESS_DYNAMICS, INDUSTRY_CLASSIFICATION, Dimension, PxWebDataset
from ingestion.classification_items import land_classification_items, tidy_classification_items
from ingestion.errors import SourceError
from ingestion.http import SourceSession, make_session
from ingestion.landing import latest_version
from ingestion.pxweb import (
    TableChoice,
    TableMetadata,
    Variable,
    _dimension_values,
    _extra_variables,
    _measure_codes,
    find_table,
    land_pxweb_table,
    tidy_business_dynamics,
    tidy_pxweb_table,
)
from ingestion.refresh import dataset_status
from ingestion.releases import pxweb_release
from ingestion.sample_snapshot import business
from ingestion.settings import load_settings
from ingestion.snapshot import SNAPSHOT_DIR, mount_snapshot
from quality.suites import validate_bankruptcies, validate_business_dynamics, validate_industry_classification

# The real titles (SOURCES.md §1.3), in listings shaped as PxWeb v1 answers `GET {base}/fi/{database}/{subject}`.
ALY_REAL = "Aloittaneet ja lopettaneet yritykset kunnittain ja toimialaluokituksen TOL 2008 mukaisesti, 2013Q1-2020Q4"
KONY_REAL = "Konkurssit kuukausittain alueittain ja toimialoittain, 2003M01-2023M05"
KONY_NATIONAL = "Konkurssit kuukausittain vuodesta 1986"


def _t(table_id: str, text: str, updated: str = "2026-06-08T05:00:00Z") -> dict[str, str]:
    return {"id": table_id, "type": "t", "text": text, "updated": updated}


ALY_CURRENT = [
    {"id": "arkisto", "type": "l", "text": "Aloittaneet ja lopettaneet yritykset kunnittain, arkisto", "updated": ""},
    _t("14ty.px", "Aloittaneet ja lopettaneet yritykset maakunnittain ja toimialoittain, 2013Q1-2025Q4"),
    _t("14tz.px", "Aloittaneet ja lopettaneet yritykset kunnittain, 2013-2025"),
]
ALY_ARCHIVE = [
    _t("11yq.px", ALY_REAL),
    _t("11yr.px", "Aloittaneet ja lopettaneet yritykset toimialoittain vuosittain, 2013-2020"),
]
KONY_CURRENT = [
    _t("13fb.px", KONY_NATIONAL),
    _t("13fe.px", KONY_REAL),
    _t("13ff.px", "Yrityssaneeraukset kuukausittain alueittain ja toimialoittain, 2003M01-2023M05"),
]


def _choose(dataset: PxWebDataset, current: list | None, archive: list | None) -> TableChoice:
    listings = [(dataset.subject, current), (dataset.archive_subjects[0], archive)]
    return find_table(listings, dataset.title_pattern or "")


def test_real_titles_are_chosen_and_decoys_are_not() -> None:
    choice = _choose(BUSINESS_DYNAMICS, ALY_CURRENT, ALY_ARCHIVE)
    assert (choice.table, choice.title) == ("StatFin_Passiivi/aly/11yq.px", ALY_REAL), "found in the archive"
    choice = _choose(BANKRUPTCIES, KONY_CURRENT, None)
    assert choice.table == "StatFin/kony/13fe.px", "the region × industry table, not the national 13fb"
    for decoy in [*ALY_CURRENT[1:], ALY_ARCHIVE[1]]:
        assert not re.search(BUSINESS_DYNAMICS.title_pattern or "", decoy["text"]), decoy["text"]
    for decoy in (KONY_NATIONAL, KONY_CURRENT[2]["text"]):
        assert not re.search(BANKRUPTCIES.title_pattern or "", decoy), decoy
    # other wordings of the same tables still match
    for title in (
        "Aloittaneet ja lopettaneet yritykset neljännesvuosittain kunnittain ja toimialoittain",
        "Aloittaneet ja lopettaneet yritykset muuttujina Kunta, Toimiala, Vuosineljännes ja Tiedot",
    ):
        assert re.search(BUSINESS_DYNAMICS.title_pattern or "", title), title
    assert re.search(BANKRUPTCIES.title_pattern or "", "Konkurssit kuukausittain maakunnittain")


def test_current_database_first_then_latest_period_then_updated_then_id() -> None:
    moved_back = [*ALY_CURRENT, _t("15aa.px", ALY_REAL.replace("2013Q1-2020Q4", "2021Q1-2026Q2"))]
    assert _choose(BUSINESS_DYNAMICS, moved_back, ALY_ARCHIVE).table == "StatFin/aly/15aa.px"
    older = _t("11yp.px", ALY_REAL.replace("TOL 2008", "TOL 2002").replace("2013Q1-2020Q4", "2005Q1-2012Q4"))
    assert _choose(BUSINESS_DYNAMICS, [], [older, *ALY_ARCHIVE]).table_id == "11yq.px", "the later range wins"
    stamped = [_t("11yx.px", ALY_REAL, "2026-01-01T05:00:00Z"), _t("11yw.px", ALY_REAL, "2025-01-01T05:00:00Z")]
    assert _choose(BUSINESS_DYNAMICS, None, stamped).table_id == "11yx.px", "then the latest updated"
    same = [_t("11yz.px", ALY_REAL), _t("11yq.px", ALY_REAL)]
    assert _choose(BUSINESS_DYNAMICS, None, same).table_id == "11yq.px", "then the smallest id"


def test_nothing_matches_lists_every_id_and_title_of_both_databases() -> None:
    with pytest.raises(SourceError) as caught:
        _choose(BUSINESS_DYNAMICS, ALY_CURRENT, ALY_ARCHIVE[1:])
    message = str(caught.value)
    assert message.startswith("Statistics Finland PxWeb StatFin/aly and StatFin_Passiivi/aly: table title = ")
    assert "no table title matches; tables seen in StatFin/aly: 14ty.px: Aloittaneet" in message
    for entry in [*ALY_CURRENT[1:], ALY_ARCHIVE[1]]:
        assert f"{entry['id']}: {entry['text']}" in message
    assert "in StatFin_Passiivi/aly: 11yr.px: " in message and "arkisto" not in message, "folders are not tables"
    assert "\n" not in message and ". " not in message, "one sentence"
    with pytest.raises(
        SourceError,
        match=r"in StatFin/kony: 13fb.px: Konkurssit kuukausittain vuodesta 1986; .*"
        r"in StatFin_Passiivi/kony: \(no such folder\)",
    ):
        _choose(BANKRUPTCIES, [KONY_CURRENT[0], KONY_CURRENT[2]], None)
    with pytest.raises(SourceError, match="StatFin/aly: table list = 'dict': expected a JSON array"):
        _choose(BUSINESS_DYNAMICS, {"error": "not found"}, [])  # type: ignore[arg-type]


def _meta(content: Variable, industry: Variable | None = None) -> TableMetadata:
    area = Variable("Alue", "Alue", ("SSS", "MK17"), ("KOKO MAA", "Pohjois-Pohjanmaa"))
    time = Variable("Kuukausi", "Kuukausi", ("2023M05",), ("2023M05",), time=True)
    return TableMetadata("t", "", (area, *((industry,) if industry else ()), time, content))


def _contents(code: str, **values: str) -> Variable:
    return Variable(code, "Tiedot", tuple(values), tuple(values.values()))


def test_contents_resolve_by_code_or_text() -> None:
    aly = _contents("Tiedot", aloittaneita="Aloittaneet", lopettaneita="Lopettaneet", yrityskanta="Yrityskanta")
    meta = _meta(aly)
    assert _measure_codes("t", meta, aly, BUSINESS_DYNAMICS) == {
        "aloittaneet": "aloittaneita",
        "lopettaneet": "lopettaneita",
        "yrityskanta": "yrityskanta",
    }
    by_text = _contents(
        "contentscode",
        x1="Aloittaneiden osuus",
        x2="Aloittaneet yritykset",
        x3="Lopettaneet yritykset",
        x4="Yrityskanta",
    )
    assert _measure_codes("t", _meta(by_text), by_text, BUSINESS_DYNAMICS)["aloittaneet"] == "x2"
    kony = Variable(
        "contentscode", "Tiedot", ("vp_lkm", "henk"), ("Vireille pannut konkurssit", "Konkurssiyritysten henkilöstö")
    )
    assert _measure_codes("t", _meta(kony), kony, BANKRUPTCIES) == {"konkurssit": "vp_lkm"}
    plain = Variable("contentscode", "Tiedot", ("konkurssit",), ("Konkurssit",))
    assert _measure_codes("t", _meta(plain), plain, BANKRUPTCIES) == {"konkurssit": "konkurssit"}


def test_contents_missing_or_ambiguous_fail_naming_the_values() -> None:
    gone = Variable("contentscode", "Tiedot", ("henk",), ("Konkurssiyritysten henkilöstö",))
    with pytest.raises(
        SourceError,
        match=r"variable contentscode = 'konkurssit': no content value matching .*; "
        r"values seen: henk: Konkurssiyritysten henkilöstö",
    ):
        _measure_codes("t", _meta(gone), gone, BANKRUPTCIES)
    twice = Variable("contentscode", "Tiedot", ("a", "b"), ("Konkurssit", "Konkurssit, lkm"))
    with pytest.raises(SourceError, match="2 content values matching"):
        _measure_codes("t", _meta(twice), twice, BANKRUPTCIES)


def test_sections_kept_divisions_dropped_and_the_industry_total() -> None:
    sections = Dimension("toimiala", "industry_code", values="sections")
    mixed = Variable("Toimiala", "Toimiala", ("SSS", "A", "A01", "A02", "A03", "B", "B05", "X"), ("",) * 8)
    assert _dimension_values("t", sections, mixed) == ["SSS", "A", "B", "X"]
    with pytest.raises(SourceError, match="no TOL sections"):
        _dimension_values("t", sections, Variable("Toimiala", "Toimiala", ("01", "02"), ("", "")))
    total = Dimension("toimiala", "industry_code", required=False, values="total")
    industry = Variable("Toimiala", "Toimiala", ("SSS", "A", "B"), ("", "", ""), elimination=True)
    assert _dimension_values("t", total, industry) == ["SSS"], "the explicit total when offered"
    no_total = Variable("Toimiala", "Toimiala", ("A", "B"), ("", ""), elimination=True)
    assert _dimension_values("t", total, no_total) is None, "else left out to get its total"
    with pytest.raises(SourceError, match="no total SSS and cannot be eliminated"):
        _dimension_values("t", total, Variable("Toimiala", "Toimiala", ("A", "B"), ("", "")))
    # found by its text when its code is something else
    coded = Variable("tol_2008", "Toimiala", ("SSS", "A"), ("", ""))
    assert _extra_variables(_meta(CONTENTS_KONY, coded), BANKRUPTCIES) == {"industry_code": coded}


CONTENTS_KONY = Variable("contentscode", "Tiedot", ("konkurssit",), ("Konkurssit",))


def _sample_copy(tmp_path: Path) -> Path:
    """The sample snapshot's PxWeb part, to be edited by a test."""
    root = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR / "pxweb", root / "pxweb")
    return root


def test_live_table_id_comes_from_the_listing_not_the_catalogue(tmp_path: Path) -> None:
    """A renamed table is followed: the listing's id is queried and recorded as the source table."""
    root = _sample_copy(tmp_path)
    listing = json.loads((root / business.ALY_ARCHIVE_LIST_PATH).read_bytes())
    for entry in listing:
        if entry["id"] == "11yq.px":
            entry["id"] = "14zz.px"
    (root / business.ALY_ARCHIVE_LIST_PATH).write_text(json.dumps(listing), encoding="utf-8")
    for suffix in (".meta.json", ".jsonstat2.json.gz"):
        (root / f"{business.ALY_DIR}/{business.ALY_TABLE}.px{suffix}").rename(
            root / f"{business.ALY_DIR}/14zz.px{suffix}"
        )
    settings = load_settings(data_dir=tmp_path / "data", mode="live")
    session = SourceSession(retries=0)
    mount_snapshot(session, settings, root=root)
    landed = land_pxweb_table(settings, session, BUSINESS_DYNAMICS)
    assert landed.manifest.details["table"] == "StatFin_Passiivi/aly/14zz.px"
    assert [r.file for r in landed.manifest.responses][:4] == [
        "config.json",
        "tables.json",
        "tables.StatFin_Passiivi.json",
        "metadata.json",
    ], "both listings landed"
    tidy = tidy_business_dynamics(landed.path)
    assert set(tidy["source_table"]) == {"StatFin_Passiivi/aly/14zz.px"}
    status = dataset_status(settings).set_index("dataset")
    assert status.loc["business_dynamics", "source_table"] == "StatFin_Passiivi/aly/14zz.px"


def test_missing_table_fails_the_landing_with_the_titles(tmp_path: Path) -> None:
    root = _sample_copy(tmp_path)
    (root / business.KONY_LIST_PATH).write_text(json.dumps([business.KONY_NATIONAL]), encoding="utf-8")
    (root / business.KONY_ARCHIVE_LIST_PATH).unlink()
    settings = load_settings(data_dir=tmp_path / "data", mode="live")
    session = SourceSession(retries=0)
    mount_snapshot(session, settings, root=root)
    with pytest.raises(
        SourceError,
        match=r"StatFin/kony and StatFin_Passiivi/kony: table title = .*konkurssit.*: no table title matches; "
        r"tables seen in StatFin/kony: 13fb.px: Konkurssit kuukausittain vuodesta 1986 \(SAMPLE DATA\); "
        r"in StatFin_Passiivi/kony: \(no such folder\)$",
    ):
        land_pxweb_table(settings, session, BANKRUPTCIES)
    assert latest_version(settings.landing_dir, "statfin", "bankruptcies") is None


def test_release_stamp_comes_from_the_table_chosen_by_title(tmp_path: Path) -> None:
    """The release sensor looks where the landing looks: aly in the archive database, kony's 13fe."""
    settings = load_settings(data_dir=tmp_path, mode="sample")
    session = make_session(settings)
    assert pxweb_release(settings, session, BUSINESS_DYNAMICS).published == business.ALY_UPDATED
    assert pxweb_release(settings, session, BANKRUPTCIES).published == business.KONY_UPDATED


@pytest.fixture(scope="module")
def aly(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    data_dir = tmp_path_factory.mktemp("aly")
    settings = load_settings(data_dir=data_dir, mode="sample")
    landed = land_pxweb_table(settings, make_session(settings), BUSINESS_DYNAMICS)
    details = landed.manifest.details
    assert details["table"] == "StatFin_Passiivi/aly/11yq.px", "found by its real title in the archive database"
    assert details["listed_title"].startswith("Aloittaneet ja lopettaneet yritykset kunnittain ja toimialaluokituksen")
    assert details["folders"] == {"StatFin/aly": "listed", "StatFin_Passiivi/aly": "listed"}
    assert details["dimensions"] == {"area": "Kunta", "time": "Vuosineljännes", "content": "Tiedot"}
    assert details["measure_codes"] == {
        "aloittaneet": "aloittaneita",
        "lopettaneet": "lopettaneita",
        "yrityskanta": "yrityskanta",
    }, "the source's own codes stay traceable"
    assert details["periods"] == ["2019Q1", "2026Q2"]
    assert details["extra_dimensions"] == {"industry_code": "Toimiala"}
    assert details["queries"] > 1, "split under the 120 000-cell limit"
    offered = json.loads((landed.path / "metadata.json").read_bytes())["variables"][1]["values"]
    assert {"A01", "F43", "M74"} <= set(offered), "the table mixes divisions in among the sections"
    for entry in landed.manifest.responses:
        if entry.file.startswith("data_"):
            asked = {q["code"]: q["selection"]["values"] for q in entry.query["query"]}
            assert asked["Toimiala"] == ["SSS", *"ABCDEFGHIJKLMNOPQRSTU", "X"], "sections only are asked for"
            assert asked["Tiedot"] == ["aloittaneita", "lopettaneita", "yrityskanta"]
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
    details = landed.manifest.details
    assert details["table"] == "StatFin/kony/13fe.px", "the region × industry table, not 13fb nor the archive's"
    assert details["dimensions"]["area"] == "Alue", "the variable offering MK codes, though Toimiala offers SSS too"
    assert details["measure_codes"] == {"konkurssit": "konkurssit_lkm"}, "resolved by its text"
    (data,) = [e for e in landed.manifest.responses if e.file.startswith("data_")]
    asked = {q["code"]: q["selection"]["values"] for q in data.query["query"]}
    assert asked["Toimiala"] == ["SSS"] and asked["contentscode"] == ["konkurssit_lkm"], "the industry total only"
    tidy = tidy_pxweb_table(landed.path, BANKRUPTCIES)
    assert list(tidy.columns) == [
        "area_code",
        "period",
        "month",
        "measure",
        "value",
        "status",
        "source_table",
        "source_updated_at",
        "loaded_at",
        "is_sample_data",
    ], "the staged columns are unchanged"
    assert set(tidy["measure"]) == {"konkurssit"} and set(tidy["source_table"]) == {"StatFin/kony/13fe.px"}
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
    negative = tidy.copy()
    negative.loc[negative["value"].notna().idxmax(), "value"] = -1
    assert {f.description for f in validate_bankruptcies(negative).failures} == {"counts are non-negative"}


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
