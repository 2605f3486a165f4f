"""The PxWeb client, landing and parsing, run on the real 12r5 response through the real session."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ingestion.errors import SourceError
from ingestion.http import SourceSession
from ingestion.landing import latest_version, read_manifest
from ingestion.pxweb import TableMetadata, Variable, land_pxweb_table, parse_metadata, plan_queries, tidy_pxweb_table
from ingestion.settings import Settings, load_settings
from ingestion.snapshot import SnapshotAdapter, mount_snapshot
from tests.helpers import TYONV_12R5, metadata_for, pxweb_json_to_jsonstat2, realdata, write_pxweb_snapshot

TABLE = "StatFin/tyonv/12r5.px"


@pytest.fixture(scope="module")
def real_cube() -> dict:
    return pxweb_json_to_jsonstat2(json.loads(realdata(TYONV_12R5).read_text(encoding="utf-8")))


def _setup(tmp_path: Path, cube: dict, max_cells: int) -> tuple[Settings, SourceSession, SnapshotAdapter]:
    root = write_pxweb_snapshot(tmp_path / "snapshot", TABLE, cube, max_cells=max_cells)
    settings = load_settings(data_dir=tmp_path / "data", history_start="2026M01", mode="live")
    session = SourceSession(retries=0)
    return settings, session, mount_snapshot(session, settings, root=root)


@pytest.mark.realdata
def test_split_queries_reassemble_the_real_table(tmp_path: Path, real_cube: dict) -> None:
    settings, session, adapter = _setup(tmp_path, real_cube, max_cells=2_500)
    landed = land_pxweb_table(settings, session)
    posts = [url for method, url in adapter.requests_seen if method == "POST"]
    assert landed.manifest.details["queries"] == len(posts) - 1 > 1, "one probe query, then the split data queries"
    assert all(r.http_status == 200 for r in landed.manifest.responses)
    assert landed.manifest.source_updated == "2026-07-21T05:00:00Z"
    tidy = tidy_pxweb_table(landed.path)
    unemployed = tidy[tidy["measure"] == "TYOTTOMATLOPUSSA"].set_index("area_code")["value"]
    assert unemployed["SSS"] == 352_001
    assert unemployed["KU564"] == 16_647
    assert tidy.loc[tidy["status"] == "...", "value"].isna().all()
    assert set(tidy["area_code"].str[:2]) <= {"SS", "MK", "SK", "KU"}, "ELY areas are not requested"
    assert tidy["month"].unique().tolist() == [pd.Timestamp("2026-06-01").date()]


@pytest.mark.realdata
def test_landing_keeps_every_response_with_provenance(tmp_path: Path, real_cube: dict) -> None:
    settings, session, _ = _setup(tmp_path, real_cube, max_cells=120_000)
    landed = land_pxweb_table(settings, session)
    manifest = read_manifest(landed.path)
    assert [r.file for r in manifest.responses] == ["config.json", "metadata.json", "data_000.json"]
    data = manifest.responses[-1]
    assert data.method == "POST" and data.query["response"] == {"format": "json-stat2"}
    assert data.bytes == (landed.path / "data_000.json").stat().st_size
    assert len(data.sha256) == 64 and data.url.endswith("/fi/StatFin/tyonv/12r5.px")


@pytest.mark.realdata
def test_vanished_code_names_table_variable_and_code(tmp_path: Path, real_cube: dict) -> None:
    settings, session, _ = _setup(tmp_path, real_cube, max_cells=120_000)
    meta_path = tmp_path / "snapshot" / "pxweb" / "fi" / f"{TABLE}.meta.json"
    meta = metadata_for(real_cube)
    contents = meta["variables"][2]
    position = contents["values"].index("AVPAIKATLOPUSSA")
    del contents["values"][position], contents["valueTexts"][position]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(
        SourceError, match=r"StatFin/tyonv/12r5.px: variable contentscode = 'AVPAIKATLOPUSSA': expected"
    ):
        land_pxweb_table(settings, session)


@pytest.mark.realdata
def test_truncated_response_fails_and_keeps_earlier_landing(tmp_path: Path, real_cube: dict) -> None:
    settings, session, adapter = _setup(tmp_path, real_cube, max_cells=120_000)
    good = land_pxweb_table(settings, session)
    before = {p.name: p.read_bytes() for p in good.path.iterdir()}

    original_send = adapter.send

    def truncating_send(request, **kwargs):  # type: ignore[no-untyped-def]
        response = original_send(request, **kwargs)
        if request.method == "POST":
            body = response.raw.read()
            response.raw = __import__("io").BytesIO(body[: len(body) // 2])
            response.headers["Content-Length"] = str(len(body) // 2)
        return response

    adapter.send = truncating_send  # type: ignore[method-assign]
    with pytest.raises(SourceError, match="not valid JSON, probably truncated"):
        land_pxweb_table(settings, session)
    assert latest_version(settings.landing_dir, "statfin", "labour_market") == good.path
    assert {p.name: p.read_bytes() for p in good.path.iterdir()} == before
    failed = list(good.path.parent.glob("*.failed"))
    assert len(failed) == 1 and read_manifest(failed[0]).status == "failed"
    log = (good.path.parent / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["status"] for line in log] == ["ok", "failed"]


@pytest.mark.realdata
def test_server_refuses_an_over_limit_query(tmp_path: Path, real_cube: dict) -> None:
    """The snapshot server enforces the cell limit, so the splitting above is really exercised."""
    settings, session, _ = _setup(tmp_path, real_cube, max_cells=10)
    measures = real_cube["dimension"]["contentscode"]["category"]["index"]
    selections = {"Alue": ["SSS", "KU564"], "timeperiod_m": ["2026M06"], "contentscode": list(measures)}
    body = plan_queries(selections, "timeperiod_m", 10**6)[0].body
    response = session.post(f"{settings.pxweb_base_url}/fi/{TABLE}", json=body)
    assert response.status_code == 403
    assert "Too many cells" in response.text


def test_plan_queries_cuts_time_then_the_largest_variable() -> None:
    selections = {"area": [f"KU{i:03d}" for i in range(400)], "time": ["2025M01", "2025M02"], "measure": list("abcde")}
    plans = plan_queries(selections, "time", max_cells=1_000)
    assert all(p.cells <= 1_000 for p in plans)
    assert sum(p.cells for p in plans) == 400 * 2 * 5
    covered = {(a, t) for p in plans for a in p.selections["area"] for t in p.selections["time"]}
    assert len(covered) == 800
    assert len(plan_queries(selections, "time", max_cells=10_000)) == 1


REAL_AREA_VARIABLES = {
    "statfin_tyonv_12r5_all_areas_2026M06_pxweb-json.json": "Alue",
    "statfin_tyonv_12ti_occ2513-2514-2519_all_areas_2026M06_pxweb-json.json": "Alue",
    "statfin_vaerak_11re_population_by_sex_kunnat_2025_pxweb-json.json": "alue_23_20260101",
    "statfin_vaerak_11ra_keyfigures_all_areas_2025_pxweb-json.json": "alue_23_20260101",
    "statfin_ssaaty_121w_vital_stats_kunnat_2025_pxweb-json.json": None,  # whatever it is called: the KU one
}


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REAL_AREA_VARIABLES))
def test_area_variable_of_every_real_table_is_the_one_with_municipality_codes(name: str) -> None:
    """12r5, 12ti, 11re, 11ra and 121w: the municipality variable, though the sex variable offers SSS too."""
    meta = parse_metadata(name, metadata_for(pxweb_json_to_jsonstat2(json.loads(realdata(name).read_text("utf-8")))))
    area = meta.area_variable
    assert area.code == (REAL_AREA_VARIABLES[name] or area.code)
    assert any(v.startswith("KU") for v in area.values)


def _variable(code: str, values: list[str], **flags: bool) -> Variable:
    return Variable(code=code, text=code, values=tuple(values), value_texts=tuple(values), **flags)


MONTH = _variable("timeperiod_m", ["2023M04", "2023M05"], time=True)
CONTENTS = _variable("contentscode", ["konkurssit"])
SECTIONS = ["SSS", *"ABCDEFGHIJKLMNOPQRSTU", "X"]


def test_area_variable_in_a_region_by_industry_table_offers_the_region_codes() -> None:
    """Both variables offer SSS: the area variable is the one offering MK (or KU) codes, in any order."""
    industry = _variable("Toimiala", SECTIONS)
    regions = _variable("Alue", ["SSS", "MK01", "MK02", "MK17"])
    for variables in ((industry, regions, MONTH, CONTENTS), (regions, industry, MONTH, CONTENTS)):
        assert TableMetadata("StatFin/kony/13fe.px", "", variables).area_variable is regions
    municipalities = _variable("Kunta", ["SSS", "KU005", "KU564"])
    assert TableMetadata("aly", "", (industry, municipalities, MONTH)).area_variable is municipalities
    mixed = _variable("Alue", ["SSS", "MK17", "KU564"])
    assert TableMetadata("x", "", (industry, mixed, MONTH)).area_variable is mixed, "KU and MK in one variable"


def test_area_variable_fallback_and_ambiguity() -> None:
    country = _variable("Alue", ["SSS"])
    assert TableMetadata("13fb", "", (country, MONTH, CONTENTS)).area_variable is country, "SSS-only fallback"
    twice = (_variable("Alue", ["SSS", "KU564"]), _variable("Kotikunta", ["KU091", "KU564"]), MONTH)
    with pytest.raises(SourceError, match=r"x: variables = \['Alue', 'Kotikunta'\]: several variables offer muni"):
        _ = TableMetadata("x", "", twice).area_variable
    both_sss = (_variable("Toimiala", SECTIONS), _variable("Sukupuoli", ["SSS", "1", "2"]), MONTH)
    with pytest.raises(SourceError, match="no single area variable offering KU/MK/SSS codes"):
        _ = TableMetadata("x", "", both_sss).area_variable


def _tidy_functions() -> list[tuple[object, object]]:
    from ingestion import pxweb
    from ingestion.catalogue import BUSINESS_DYNAMICS, LABOUR_MARKET, OCCUPATIONS, POPULATION, POPULATION_KEY_FIGURES

    return [
        (LABOUR_MARKET, pxweb.tidy_pxweb_table),
        (POPULATION, pxweb.tidy_population),
        (POPULATION_KEY_FIGURES, pxweb.tidy_population_key_figures),
        (OCCUPATIONS, pxweb.tidy_occupations),
        (BUSINESS_DYNAMICS, pxweb.tidy_business_dynamics),
    ]


@pytest.mark.parametrize(("dataset", "tidy"), _tidy_functions(), ids=["12r5", "11re", "11ra", "12ti", "14zz"])
def test_a_period_of_the_wrong_grain_names_the_time_variable(tmp_path: Path, dataset, tidy) -> None:  # type: ignore[no-untyped-def]
    """A period code the table's grain does not allow fails as the source's error, naming the time variable."""
    from ingestion.http import make_session

    settings = load_settings(data_dir=tmp_path, mode="sample")
    landed = land_pxweb_table(settings, make_session(settings), dataset)
    time = landed.manifest.details["dimensions"]["time"]
    data = sorted(landed.path.glob("data_*.json"))[0]
    doc = json.loads(data.read_text(encoding="utf-8"))
    index = doc["dimension"][time]["category"]["index"]
    index["2026X1"] = index.pop(next(iter(index)))
    data.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SourceError, match=rf"{time} = '2026X1': not a"):
        tidy(landed.path)


def test_release_stamp_with_dots_is_read_as_utc_without_a_zone(tmp_path: Path) -> None:
    """PxWeb writes times with dots (05.00.00); the staged stamp is naive UTC, as the warehouse keeps it."""
    from ingestion.catalogue import LABOUR_MARKET
    from ingestion.http import make_session
    from ingestion.pxweb import _iso_updated

    assert _iso_updated("2026-07-21T05.00.00Z") == "2026-07-21T05:00:00Z"
    assert _iso_updated("2026-07-21") == "2026-07-21" and _iso_updated(None) is None
    settings = load_settings(data_dir=tmp_path, mode="sample")
    landed = land_pxweb_table(settings, make_session(settings), LABOUR_MARKET)
    stamps = tidy_pxweb_table(landed.path)["source_updated_at"]
    expected = pd.Timestamp(landed.manifest.source_updated).tz_convert("UTC").tz_localize(None)
    assert str(stamps.dtype).startswith("datetime64") and (stamps == expected).all()


def _answer(dimensions: dict[str, list[str]]) -> dict:
    """A json-stat2 answer holding these dimensions and codes."""
    return {
        "class": "dataset",
        "id": list(dimensions),
        "dimension": {
            d: {"category": {"index": {c: i for i, c in enumerate(codes)}}} for d, codes in dimensions.items()
        },
    }


ASKED = {
    "query": [
        {"code": "Alue", "selection": {"filter": "item", "values": ["KU091", "KU564"]}},
        {"code": "Tiedot", "selection": {"filter": "all", "values": ["*"]}},
    ]
}


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"Alue": ["KU091", "KU564", "KU049"], "Tiedot": ["x"]}, r"Alue = 'KU049': code in the answer that was not"),
        ({"Alue": ["KU091"], "Tiedot": ["x"]}, r"Alue = 'KU564': asked-for code missing from the answer"),
        ({"Alue": ["KU091", "KU564"], "Tiedot": ["x"], "Vuosi": ["2026"]}, r"'Vuosi': in the answer but not in"),
        ({"Alue": ["KU091", "KU564"]}, r"'Tiedot': asked for but missing from the answer"),
    ],
    ids=["foreign code", "missing code", "foreign dimension", "missing dimension"],
)
def test_an_answer_with_other_codes_than_asked_names_them(answer: dict[str, list[str]], problem: str) -> None:
    from ingestion.pxweb import check_answer

    check_answer("12r5", ASKED, _answer({"Alue": ["KU564", "KU091"], "Tiedot": ["a", "b"]}))  # as asked, any order
    with pytest.raises(SourceError, match=problem):
        check_answer("12r5", ASKED, _answer(answer))


def test_metadata_variables_keep_their_time_and_elimination_flags() -> None:
    doc = {
        "variables": [
            {"code": "Vuosi", "text": "Vuosi", "values": ["2025"], "time": True},
            {"code": "Ikä", "values": ["SSS", "15-19"], "valueTexts": ["Yhteensä", "15-19"], "elimination": True},
            {"code": "Alue", "text": "Alue", "values": ["KU091"]},
        ]
    }
    meta = parse_metadata("11re", doc)
    flags = [(v.code, v.text, v.time, v.elimination) for v in meta.variables]
    assert flags == [("Vuosi", "Vuosi", True, False), ("Ikä", "Ikä", False, True), ("Alue", "Alue", False, False)]
    assert meta.title == "", "a response without a title has none"
    assert parse_metadata("11re", doc | {"title": "Väestö"}).title == "Väestö"
