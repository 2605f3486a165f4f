"""Kela's Data Package (package.json + data.csv) found through CKAN: schema reading, field mapping, totals, landing."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from ingestion.catalogue import KELA_UNEMPLOYMENT_BENEFIT
from ingestion.errors import SourceError
from ingestion.http import SourceSession, make_session
from ingestion.kela import (
    choose_csv,
    choose_descriptor,
    land_ckan_csv,
    map_fields,
    read_csv,
    read_descriptor,
    tidy_benefit,
    tidy_kela_benefit,
)
from ingestion.landing import latest_version, read_attempts
from ingestion.settings import Settings, load_settings
from ingestion.snapshot import CKAN_RESOURCE_PREFIX, SNAPSHOT_DIR, mount_snapshot
from quality.suites import validate_kela_benefit
from tests.helpers import realdata

REAL = "kela_datapackage_resource_tyomarkkinatuki_kunnittain_2024.json"
PACKAGE = KELA_UNEMPLOYMENT_BENEFIT.package_id
DOWNLOAD = f"{CKAN_RESOURCE_PREFIX}/{PACKAGE}/resource"
WHERE = "kela test"


class FakeCkan(BaseAdapter):
    """Serves package_show, package.json and data.csv like the portal, so the real client path reads them."""

    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__()
        self.files = files
        self.seen: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        url = (request.url or "").split("?")[0]
        self.seen.append(url)
        body = self.files.get(url.rsplit("/", 1)[-1])
        response = requests.Response()
        response.status_code = 200 if body is not None else 404
        response.headers = CaseInsensitiveDict({"Content-Type": "application/octet-stream"})
        response.raw = io.BytesIO(body or b"{}")
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to release."""


def _real_resource() -> dict[str, Any]:
    return json.loads(realdata(REAL).read_text(encoding="utf-8"))


def _package(resource: dict[str, Any]) -> dict[str, Any]:
    return {"profile": "data-package", "name": resource["name"], "resources": [resource]}


def _rows_csv(names: list[str], rows: list[dict[str, Any]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({n: row.get(n, "") for n in names})
    return out.getvalue().encode("utf-8")


def _package_show(stamp: str = "2026-11-20T06:00:00") -> bytes:
    resource = {"last_modified": stamp, "package_id": PACKAGE}
    doc = {
        "success": True,
        "result": {
            "name": PACKAGE,
            "resources": [
                {"id": "r-csv", "name": "data.csv", "format": "CSV", "url": f"{DOWNLOAD}/r-csv/download/data.csv"}
                | resource,
                {
                    "id": "r-json",
                    "name": "package.json",
                    "format": "JSON",
                    "url": f"{DOWNLOAD}/r-json/download/package.json",
                }
                | resource,
            ],
        },
    }
    return json.dumps(doc).encode("utf-8")


def _land(tmp_path: Path, descriptor: dict[str, Any], body: bytes, stamp: str = "2026-11-20T06:00:00") -> Any:
    """Land through the real client path (package_show → package.json → data.csv) served by FakeCkan."""
    settings = load_settings(data_dir=tmp_path, mode="live")
    session = SourceSession(retries=0)
    adapter = FakeCkan(
        {"package_show": _package_show(stamp), "package.json": json.dumps(descriptor).encode(), "data.csv": body}
    )
    session.mount(settings.kela_base_url, adapter)
    session.mount(CKAN_RESOURCE_PREFIX, adapter)
    return land_ckan_csv(settings, session), adapter


def _municipal_row(**values: Any) -> dict[str, Any]:
    row = {
        "aikatyyppi": "Kuukausi",
        "kuukausi_nro": 1,
        "vuosikuukausi": 202401,
        "vuosi": 2024,
        "kunta_nro": "091",
        "kunta_nimi": "Helsinki",
        "ikaryhma": "20-24",
        "sukupuoli": "Mies",
        "tyomarkkinatukipaiva_luokka": "Yhteensä",
        "saaja_lkm": 10,
        "korvattu_paiva_lkm": 200,
        "maksettu_eur": 7000.5,
        "kunta_osuus_eur": 3500.25,
    }
    return row | values


def test_the_real_package_resource_declares_how_the_csv_is_read() -> None:
    layout = read_descriptor(json.dumps(_package(_real_resource())).encode(), WHERE)
    assert layout.delimiter == "," and layout.encoding == "UTF-8" and layout.path == "data.csv"
    assert "tyomarkkinatukipaiva_luokka" in layout.names and layout.missing_values == ("",)
    body = _rows_csv(layout.names, [_municipal_row(), _municipal_row(aikatyyppi="Vuosi", kuukausi_nro="")])
    frame = read_csv(body, layout, WHERE)
    assert frame["kunta_nro"].tolist() == ["091", "091"], "a field declared string keeps its leading zero"
    assert frame["maksettu_eur"].tolist() == [7000.5, 7000.5] and frame["kuukausi_nro"].isna().tolist() == [False, True]
    with pytest.raises(SourceError, match=r"saaja_lkm \(line 2\) = 'x': not a number"):
        read_csv(_rows_csv(layout.names, [_municipal_row(saaja_lkm="x")]), layout, WHERE)


def test_the_real_municipal_package_through_the_client_fails_in_one_sentence(tmp_path: Path) -> None:
    resource = _real_resource()
    body = _rows_csv([f["name"] for f in resource["schema"]["fields"]], [_municipal_row()])
    with pytest.raises(SourceError) as raised:
        _land(tmp_path, _package(resource), body)
    message = str(raised.value)
    assert "expected area_code (tyollisyysalue_nro or tyollisyysalue_koodi or tyollisyysalue_tunnus); " in message
    assert "benefit (etuus or etuus_nimi or etuuslaji), found aikatyyppi, kuukausi_nro, vuosikuukausi" in message
    assert "\n" not in message and message.count(". ") == 0, "one sentence"
    assert latest_version(tmp_path / "landing", "kela", "unemployment_benefit") is None


def _area_descriptor(extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The real resource with the employment-area fields in place of the municipal ones, and an `etuus` field."""
    resource = copy.deepcopy(_real_resource())
    renamed = {"kunta_nro": "tyollisyysalue_nro", "kunta_nimi": "tyollisyysalue_nimi"}
    fields = []
    for field in resource["schema"]["fields"]:
        fields.append(field | {"name": renamed.get(field["name"], field["name"])})
        if field["name"] == "kunta_nimi":
            fields.append({"name": "etuus", "type": "string"})
    resource["schema"]["fields"] = fields + (extra or [])
    return _package(resource)


def _area_row(**values: Any) -> dict[str, Any]:
    row = _municipal_row(tyollisyysalue_nro="24", tyollisyysalue_nimi="Oulun seutu", etuus="Työmarkkinatuki")
    return {k: v for k, v in row.items() if not k.startswith("kunta_n")} | values


def test_real_convention_with_employment_areas_lands_and_stages(tmp_path: Path) -> None:
    descriptor = _area_descriptor()
    names = [f["name"] for f in descriptor["resources"][0]["schema"]["fields"]]
    rows = [
        _area_row(ikaryhma="20-24", sukupuoli="Mies", saaja_lkm=10, maksettu_eur=7000, kunta_osuus_eur=700),
        _area_row(ikaryhma="20-24", sukupuoli="Nainen", saaja_lkm=6, maksettu_eur=4000, kunta_osuus_eur=400),
        _area_row(ikaryhma="Tieto puuttuu", sukupuoli="Tuntematon", saaja_lkm=2, maksettu_eur=-50, kunta_osuus_eur=-5),
        _area_row(tyomarkkinatukipaiva_luokka="300-499", saaja_lkm=9, maksettu_eur=6000),
        _area_row(tyomarkkinatukipaiva_luokka="500-999", saaja_lkm=8, maksettu_eur=5000),
        _area_row(aikatyyppi="Vuosi", kuukausi_nro="", vuosikuukausi="", saaja_lkm=500, maksettu_eur=9e6),
        _area_row(aikatyyppi="Vuosikertymä", saaja_lkm=400, maksettu_eur=8e6),
        _area_row(vuosikuukausi=202605, kuukausi_nro=5, vuosi=2026, etuus="Yleistuki", saaja_lkm=30, maksettu_eur=2e4),
        _area_row(tyollisyysalue_nro="199", tyollisyysalue_nimi="Tuntematon", saaja_lkm=3, maksettu_eur=900),
    ]
    landed, adapter = _land(tmp_path, descriptor, _rows_csv(names, rows))
    assert [r.file for r in landed.manifest.responses] == ["package_show.json", "package.json", "data.csv"]
    assert [u.rsplit("/", 1)[-1] for u in adapter.seen] == ["package_show", "package.json", "data.csv"]
    tidy = tidy_kela_benefit(landed.path).set_index(["area_code_in_source", "month", "benefit", "days_class"])
    jan = tidy.loc[("24", pd_date("2024-01-01"), "Työmarkkinatuki")]
    total = jan.loc["Yhteensä"]
    assert total["recipients"] == 18 and total["euros_paid"] == 10950 and total["municipal_share_eur"] == 1095
    assert total["compensated_days"] == 600 and total["employment_area_code"] == "TA24" and total["is_total_class"]
    assert jan["recipients"].sum() > total["recipients"], "classes overlap: the total is the Yhteensä row only"
    assert len(tidy) == 5, "Vuosi and Vuosikertymä rows are ignored"
    assert tidy.loc[("24", pd_date("2026-05-01"), "Yleistuki", "Yhteensä"), "recipients"] == 30
    pooled = tidy.loc[("199", pd_date("2024-01-01"), "Työmarkkinatuki", "Yhteensä")]
    assert pooled["is_pooled_area"] and pooled["employment_area_code"] is None
    assert pooled["employment_area_name"] == "Tuntematon" and pooled["recipients"] == 3


def pd_date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_age_and_sex_totals_are_used_instead_of_a_sum_and_month_from_year_and_number() -> None:
    names = "vuosi kuukausi_nro tyollisyysalue_nro etuus ikaryhma sukupuoli etuuspaiva_luokka saaja_lkm maksettu_eur"
    names = names.split()
    rows = [
        {"ikaryhma": "Yhteensä", "sukupuoli": "Yhteensä", "saaja_lkm": 10},
        {"ikaryhma": "20-24", "sukupuoli": "Yhteensä", "saaja_lkm": 4},
        {"ikaryhma": "25-29", "sukupuoli": "Yhteensä", "saaja_lkm": 6},
    ]
    base = {"vuosi": 2025, "kuukausi_nro": 3, "tyollisyysalue_nro": "TA05", "etuus": "Yleistuki"}
    base |= {"etuuspaiva_luokka": "Yhteensä", "maksettu_eur": 1}
    integers = ("vuosi", "kuukausi_nro", "saaja_lkm")
    fields = [{"name": n, "type": "integer" if n in integers else "string"} for n in names]
    descriptor = {"path": "x.csv", "dialect": {"delimiter": ";"}, "schema": {"fields": fields}}
    layout = read_descriptor(json.dumps(descriptor).encode(), WHERE)
    frame = read_csv(_rows_csv(names, [base | r for r in rows], delimiter=";"), layout, WHERE)
    tidy = tidy_benefit(frame, WHERE)
    assert tidy[["employment_area_code", "recipients"]].values.tolist() == [["TA05", 10.0]]
    assert str(tidy["month"].iloc[0]) == "2025-03-01" and tidy["municipal_share_eur"].isna().all()


def test_an_unmappable_schema_names_expected_and_found_fields() -> None:
    columns = ["aikatyyppi", "vuosikuukausi", "tyollisyysalue_nro", "etuus", "paiva_luokka", "henkilot", "maksettu_eur"]
    with pytest.raises(SourceError) as raised:
        map_fields(columns, WHERE)
    assert str(raised.value).endswith(
        "cannot map the package's fields: expected recipients (saaja_lkm or saajat or saaja_maara), "
        "found aikatyyppi, vuosikuukausi, tyollisyysalue_nro, etuus, paiva_luokka, henkilot, maksettu_eur"
    )
    with pytest.raises(SourceError, match=r"expected month \(vuosikuukausi, or vuosi and kuukausi_nro\)"):
        map_fields([c for c in columns if c != "vuosikuukausi"] + ["saaja_lkm"], WHERE)
    with pytest.raises(SourceError, match=r"expected euros_paid \(maksettu_eur or maksetut_eur\), found"):
        map_fields([c for c in columns if c != "maksettu_eur"] + ["saaja_lkm"], WHERE)


def test_header_differing_from_package_json_duplicates_and_missing_totals_fail() -> None:
    layout = read_descriptor(json.dumps(_area_descriptor()).encode(), WHERE)
    names = layout.names
    renamed = [n if n != "saaja_lkm" else "saajia" for n in names]
    with pytest.raises(SourceError, match=r"missing \['saaja_lkm'\], unexpected \['saajia'\]"):
        read_csv(_rows_csv(renamed, [_area_row()]), layout, WHERE)
    with pytest.raises(SourceError, match="duplicate row"):
        tidy_benefit(read_csv(_rows_csv(names, [_area_row(), _area_row()]), layout, WHERE), WHERE)
    lone = _area_row(tyomarkkinatukipaiva_luokka="300-499")
    with pytest.raises(
        SourceError, match=r"tyomarkkinatukipaiva_luokka = '24/2024-01-01/Työmarkkinatuki': no 'Yhteensä'"
    ):
        tidy_benefit(read_csv(_rows_csv(names, [lone]), layout, WHERE), WHERE)
    with pytest.raises(SourceError, match=r"aikatyyppi = \['Vuosi'\]: no 'Kuukausi' rows"):
        tidy_benefit(read_csv(_rows_csv(names, [_area_row(aikatyyppi="Vuosi")]), layout, WHERE), WHERE)


def test_resources_are_chosen_by_package_json() -> None:
    package = json.loads(_package_show())["result"]
    assert choose_descriptor(package).id == "r-json"
    layout = read_descriptor(json.dumps(_area_descriptor()).encode(), WHERE)
    other = package["resources"][0] | {"id": "r-old", "url": f"{DOWNLOAD}/r-old/download/vanha.csv"}
    assert choose_csv({"name": "p", "resources": [*package["resources"], other]}, layout).id == "r-csv"
    with pytest.raises(SourceError, match=r"expected one CSV resource named 'data.csv' as package.json declares"):
        choose_csv({"name": "p", "resources": [other, other | {"url": "https://x/b.csv"}]}, layout)
    with pytest.raises(SourceError, match=r"no package.json \(Data Package\) resource"):
        choose_descriptor({"name": "p", "resources": [package["resources"][0]]})


def test_sample_lands_validates_and_is_not_downloaded_again(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    landed = land_ckan_csv(settings, make_session(settings))
    assert landed.manifest.source_updated == "2026-11-19T06:12:33.481907"
    assert [r.file for r in landed.manifest.responses] == ["package_show.json", "package.json", "data.csv"]
    tidy = tidy_kela_benefit(landed.path)
    assert tidy["employment_area_code"].nunique() == 46 and tidy["is_sample_data"].all()
    assert set(tidy.loc[tidy["month"].astype(str) >= "2026-05", "benefit"]) == {"Yleistuki"}
    assert tidy["is_pooled_area"].any() and tidy.loc[tidy["is_pooled_area"], "employment_area_code"].isna().all()
    result = validate_kela_benefit(tidy)
    assert result.success, result.summary()
    session = SourceSession(retries=0)
    adapter = mount_snapshot(session, settings)
    again = land_ckan_csv(settings, session)
    assert again.unchanged and [url for _, url in adapter.requests_seen] == [
        f"{settings.kela_base_url}/package_show?id={PACKAGE}"
    ]


def _copy_snapshot(tmp_path: Path, last_modified: str) -> tuple[Path, Path]:
    root = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR / "ckan", root / "ckan")
    package_path = next((root / "ckan" / "package_show").iterdir())
    package = json.loads(package_path.read_text(encoding="utf-8"))
    for resource in package["result"]["resources"]:
        resource["last_modified"] = last_modified
    package_path.write_text(json.dumps(package), encoding="utf-8")
    return root, next(root.glob("ckan/dataset/*/resource/*/download/data.csv"))


def _mounted(settings: Settings, root: Path) -> SourceSession:
    session = SourceSession(retries=0)
    mount_snapshot(session, settings, root=root)
    return session


def test_a_revised_release_replaces_the_earlier_months(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", mode="sample")
    first = land_ckan_csv(settings, make_session(settings))
    root, csv_path = _copy_snapshot(tmp_path, "2026-12-18T06:00:00")
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = lines[1].split(",")
    row[10] = str(int(row[10]) + 1000)
    csv_path.write_text("".join([lines[0], ",".join(row), *lines[2:]]), encoding="utf-8")
    second = land_ckan_csv(settings, _mounted(settings, root))
    assert not second.unchanged and latest_version(settings.landing_dir, "kela", "unemployment_benefit") == second.path
    key = {"area_code_in_source": row[4], "benefit": row[6], "days_class": row[9]}
    before, after = (tidy_kela_benefit(v.path) for v in (first, second))
    pick = (before[list(key)] == list(key.values())).all(axis=1) & (
        before["month"].astype(str) == f"{row[2][:4]}-{row[2][4:]}-01"
    )
    assert after.loc[pick, "recipients"].iloc[0] == before.loc[pick, "recipients"].iloc[0] + 1000
    assert str(after["source_updated_at"].iloc[0]) == "2026-12-18 06:00:00"


def test_drifted_header_fails_landing_and_keeps_the_good_version(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", mode="sample")
    good = land_ckan_csv(settings, make_session(settings))
    root, csv_path = _copy_snapshot(tmp_path, "2026-12-18T06:00:00")
    csv_path.write_bytes(csv_path.read_bytes().replace(b"saaja_lkm", b"saajat_lkm", 1))
    with pytest.raises(SourceError, match=r"missing \['saaja_lkm'\], unexpected \['saajat_lkm'\]"):
        land_ckan_csv(settings, _mounted(settings, root))
    assert latest_version(settings.landing_dir, "kela", "unemployment_benefit") == good.path
    assert [a["status"] for a in read_attempts(settings.landing_dir, "kela", "unemployment_benefit")] == [
        "ok",
        "failed",
    ]


def _layout(descriptor: dict[str, Any]) -> Any:
    return read_descriptor(json.dumps(descriptor).encode(), WHERE)


def test_the_csv_resource_is_found_by_its_format_or_its_path() -> None:
    """A Data Package's CSV entry: format `CSV` in any case, or a path ending in .csv when format is absent."""
    resource = _area_descriptor()["resources"][0]
    readme = {"path": "lueminut.txt", "format": "txt", "schema": resource["schema"]}
    by_format = resource | {"path": "data", "format": "CSV"}
    by_path = {k: v for k, v in resource.items() if k != "format"} | {"path": "data.csv"}
    for chosen in (by_format, by_path):
        assert _layout({"resources": [readme, chosen]}).path == chosen["path"]


@pytest.mark.parametrize("encoding", ["utf-8", "UTF-8", "utf_8", "utf8"])
def test_a_byte_order_mark_is_not_part_of_the_first_column_name(encoding: str) -> None:
    descriptor = _area_descriptor()
    descriptor["resources"][0]["encoding"] = encoding
    layout = _layout(descriptor)
    frame = read_csv(b"\xef\xbb\xbf" + _rows_csv(layout.names, [_area_row()]), layout, WHERE)
    assert list(frame.columns) == list(layout.names) and frame["aikatyyppi"].tolist() == ["Kuukausi"]


def test_finnish_number_format_and_quoted_text_after_a_space() -> None:
    """decimalChar ',', groupChar ' ' and skipInitialSpace, as a Finnish export declares them."""
    names = ["vuosikuukausi", "tyollisyysalue_nro", "tyollisyysalue_nimi", "etuus", "paiva_luokka"]
    names += ["saaja_lkm", "maksettu_eur"]
    euro = {"name": "maksettu_eur", "type": "number", "decimalChar": ",", "groupChar": " "}
    fields = [{"name": n, "type": "integer" if n == "saaja_lkm" else "string"} for n in names[:-1]] + [euro]
    descriptor = {
        "path": "data.csv",
        "dialect": {"delimiter": ";", "skipInitialSpace": True},
        "schema": {"fields": fields},
    }
    body = (
        ";".join(names) + '\n202401; 24; "Oulun seutu; Kainuu"; Työmarkkinatuki; Yhteensä; 1204; 1 234 567,5\n'
    ).encode()
    frame = read_csv(body, _layout(descriptor), WHERE)
    assert frame["tyollisyysalue_nimi"].tolist() == ["Oulun seutu; Kainuu"]
    assert frame["saaja_lkm"].tolist() == [1204.0] and frame["maksettu_eur"].tolist() == [1234567.5]


def test_sex_totals_are_used_and_a_package_without_age_groups_is_read() -> None:
    names = ["vuosikuukausi", "tyollisyysalue_nro", "tyollisyysalue_nimi", "etuus", "paiva_luokka", "sukupuoli"]
    names += ["saaja_lkm", "maksettu_eur"]
    fields = [{"name": n, "type": "number" if n in ("saaja_lkm", "maksettu_eur") else "string"} for n in names]
    base = {"vuosikuukausi": "202401", "etuus": "Työmarkkinatuki", "paiva_luokka": "Yhteensä"}
    rows = [
        base | {"tyollisyysalue_nro": "24", "tyollisyysalue_nimi": "Oulun seutu", "sukupuoli": sex, "saaja_lkm": n}
        for sex, n in (("Yhteensä", 10), ("Mies", 4), ("Nainen", 6))
    ]
    rows.append(base | {"tyollisyysalue_nimi": "Tuntematon", "sukupuoli": "Yhteensä", "saaja_lkm": 2})
    descriptor = {"path": "data.csv", "schema": {"fields": fields}}
    tidy = tidy_benefit(read_csv(_rows_csv(names, rows), _layout(descriptor), WHERE), WHERE)
    got = tidy[["area_code_in_source", "employment_area_code", "is_pooled_area", "recipients"]]
    assert got.values.tolist() == [["", None, True, 2.0], ["24", "TA24", False, 10.0]]


def test_two_rows_for_one_cell_are_refused_even_with_different_figures() -> None:
    layout = _layout(_area_descriptor())
    rows = [_area_row(saaja_lkm=10), _area_row(saaja_lkm=11)]
    with pytest.raises(SourceError, match="duplicate row"):
        tidy_benefit(read_csv(_rows_csv(layout.names, rows), layout, WHERE), WHERE)


def test_every_dialect_setting_package_json_declares_is_used() -> None:
    names = ["vuosikuukausi", "tyollisyysalue_nro", "tyollisyysalue_nimi", "saaja_lkm"]
    fields = [{"name": n, "type": "integer" if n == "saaja_lkm" else "string"} for n in names]
    dialect = {"delimiter": "|", "quoteChar": "'", "doubleQuote": False, "escapeChar": "\\", "skipInitialSpace": True}
    resource = {"path": "tuki.csv", "encoding": "latin-1", "dialect": dialect}
    layout = _layout(resource | {"schema": {"fields": fields, "missingValues": ["", "-"]}})
    assert (layout.path, layout.double_quote, layout.missing_values) == ("tuki.csv", False, ("", "-"))
    body = "vuosikuukausi|tyollisyysalue_nro|tyollisyysalue_nimi|saaja_lkm\n"
    body += "202401| 24| 'Oulun seutu | Koillismaa'| 10\n202401| 25| 'Kemi\\'n seutu'| -\n"
    frame = read_csv(body.encode("latin-1"), layout, WHERE)
    assert frame["tyollisyysalue_nimi"].tolist() == ["Oulun seutu | Koillismaa", "Kemi'n seutu"]
    assert frame["saaja_lkm"].iloc[0] == 10.0 and pd.isna(frame["saaja_lkm"].iloc[1])


def test_dialect_defaults_when_package_json_declares_none() -> None:
    layout = _layout({"schema": {"fields": [{"name": "saaja_lkm"}]}})
    assert (layout.path, layout.delimiter, layout.quote_char, layout.escape_char) == ("data.csv", ",", '"', None)
    assert layout.double_quote and not layout.skip_initial_space and layout.missing_values == ("",)
    assert layout.encoding.lower() == "utf-8" and layout.fields[0].type == "string"


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        ({"dialect": {"header": False}, "schema": {"fields": [{"name": "a"}]}}, "without a header row"),
        ({"schema": {"fields": []}}, "no field list"),
        ({"schema": {"fields": ["saaja_lkm"]}}, "a field without a name"),
        ({"schema": {"fields": [{"name": " "}]}}, "a field without a name"),
    ],
    ids=["no header", "no fields", "field not an object", "blank name"],
)
def test_a_package_json_that_cannot_describe_the_csv_is_refused(resource: dict[str, Any], message: str) -> None:
    with pytest.raises(SourceError, match=message):
        _layout(resource)
