"""Every real recorded response in ../shared/realdata goes through the real client path.

The PxWeb files (API v1 `json` format) are served as the json-stat2 the pipeline asks for, by the same
transport adapter sample mode uses, and read back through `PxWebClient` (metadata, one data query
for the whole table) and the json-stat2 parser: every cell must equal the recorded one, symbols kept.
The other files each have their own test module that drives them through their client; the
inventory below fails when a file is added to realdata without a route through the pipeline's code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ingestion.http import SourceSession
from ingestion.jsonstat import load_json, parse_jsonstat2
from ingestion.pxweb import PxWebClient
from ingestion.settings import load_settings
from ingestion.snapshot import mount_snapshot
from tests.helpers import GEOFI_2026, PROJECT_ROOT, REALDATA, pxweb_json_to_jsonstat2, realdata, write_pxweb_snapshot

# realdata file → the test module that pushes it through the client that reads its source, and how it names it.
DRIVEN_ELSEWHERE = {
    "kunta_tyollisyysalue_2025_geofi.csv": ("tests/unit/test_municipal_mergers.py", "kunta_tyollisyysalue_2025_geofi"),
    GEOFI_2026: ("tests/unit/test_classifications.py", "GEOFI_2026"),
    "prh_ytj_v3_companies_0112038-9_2026-10-05.json": ("tests/unit/test_prh.py", "prh_ytj_v3_companies_0112038-9"),
    "kela_datapackage_resource_tyomarkkinatuki_kunnittain_2024.json": ("tests/unit/test_kela.py", "kela_datapackage"),
}
PXWEB_FILES = {
    "statfin_tyonv_12r5_all_areas_2026M06_pxweb-json.json": "StatFin/tyonv/12r5.px",
    "statfin_tyonv_12ti_occ2513-2514-2519_all_areas_2026M06_pxweb-json.json": "StatFin/tyonv/12ti.px",
    "statfin_vaerak_11ra_keyfigures_all_areas_2025_pxweb-json.json": "StatFin/vaerak/11ra.px",
    "statfin_vaerak_11re_population_by_sex_kunnat_2025_pxweb-json.json": "StatFin/vaerak/11re.px",
    "statfin_ssaaty_121w_vital_stats_kunnat_2025_pxweb-json.json": "StatFin/ssaaty/121w.px",
    "statfin_tyti_135z_lfs_keyfigures_national_2026M06_pxweb-json.json": "StatFin/tyti/135z.px",
}


@pytest.mark.realdata
def test_every_realdata_file_has_a_route_through_the_clients() -> None:
    present = {p.name for p in realdata("README.md").parent.iterdir() if p.name != "README.md"}
    routed = set(DRIVEN_ELSEWHERE) | set(PXWEB_FILES)
    assert present - routed == set(), "a realdata file no test drives through the pipeline's clients"
    for name, (module, named_as) in DRIVEN_ELSEWHERE.items():
        assert named_as in (PROJECT_ROOT / module).read_text(encoding="utf-8"), f"{module} does not read {name}"


def _recorded_cells(doc: dict) -> pd.DataFrame:
    """The `json` response's cells: key codes, content code, value text as recorded."""
    keys = [c["code"] for c in doc["columns"] if c["type"] in ("d", "t")]
    contents = [c["code"] for c in doc["columns"] if c["type"] == "c"]
    rows = [
        {**dict(zip(keys, row["key"], strict=True)), "contentscode": code, "raw": raw}
        for row in doc["data"]
        for code, raw in zip(contents, row["values"], strict=True)
    ]
    return pd.DataFrame(rows)


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(PXWEB_FILES))
def test_the_pxweb_client_reads_the_real_table_cell_for_cell(tmp_path: Path, name: str) -> None:
    recorded = json.loads(realdata(name).read_text(encoding="utf-8"))
    cube = pxweb_json_to_jsonstat2(recorded)
    table = PXWEB_FILES[name]
    root = write_pxweb_snapshot(tmp_path / "snapshot", table, cube, max_cells=10**7)
    settings = load_settings(data_dir=tmp_path / "data", mode="live")
    session = SourceSession(retries=0)
    mount_snapshot(session, settings, root=root)
    client = PxWebClient(session, settings.pxweb_base_url, "fi")
    client.config()
    meta, _ = client.metadata(table)
    assert meta.time_variable.values, "the time variable is found by its role"
    body = {
        "query": [{"code": v.code, "selection": {"filter": "all", "values": ["*"]}} for v in meta.variables],
        "response": {"format": "json-stat2"},
    }
    answer = load_json(client.query(table, body).content, f"{table} data")
    parsed = parse_jsonstat2(answer, f"{table} data")
    expected = _recorded_cells(recorded)
    assert len(parsed) == len(expected)
    keys = [c for c in expected.columns if c != "raw"]
    merged = expected.merge(parsed, on=keys, how="left", validate="one_to_one")
    symbols = merged["raw"].isin(["...", "..", ".", "-"])
    assert (merged.loc[symbols, "status"] == merged.loc[symbols, "raw"]).all()
    assert merged.loc[symbols, "value"].isna().all(), "a suppressed cell is never coerced to a number"
    numbers = pd.to_numeric(merged.loc[~symbols, "raw"])
    assert (merged.loc[~symbols, "value"].astype(float) == numbers.astype(float)).all()
    assert answer["updated"].startswith(recorded["metadata"][0]["updated"][:10])


def test_realdata_is_read_in_place() -> None:
    """The real files are read from ../shared/realdata, never copied into the project."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata not present")
    names = {p.name for p in REALDATA.iterdir() if p.name != "README.md"}
    copies = [p for p in PROJECT_ROOT.rglob("*") if p.name in names and ".venv" not in p.parts and p.is_file()]
    assert copies == []
