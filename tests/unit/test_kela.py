"""Kela's employment-area CSV found through the CKAN API: header validation, totals and incremental landing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingestion.catalogue import KELA_UNEMPLOYMENT_BENEFIT
from ingestion.datasets import land_ckan_csv, tidy_kela_benefit
from ingestion.errors import SourceError
from ingestion.http import SourceSession, make_session
from ingestion.kela import choose_resource, parse_csv, tidy_benefit
from ingestion.landing import latest_version, read_attempts
from ingestion.settings import load_settings
from ingestion.snapshot import SNAPSHOT_DIR, mount_snapshot
from quality.suites import validate_kela_benefit

HEADER = ";".join(KELA_UNEMPLOYMENT_BENEFIT.expected_columns)
WHERE = "kela test"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def test_header_mismatch_names_missing_and_unexpected_columns() -> None:
    header = HEADER.replace("SAAJAT", "SAAJIA").replace("ETUUS;", "")
    with pytest.raises(SourceError) as raised:
        parse_csv(_csv("2025-01;24;Oulun seutu;Yhteensä;1;2", header=header), KELA_UNEMPLOYMENT_BENEFIT, WHERE)
    message = str(raised.value)
    assert "missing ['ETUUS', 'SAAJAT'], unexpected ['SAAJIA']" in message and message.startswith("kela test: header")


def test_totals_only_from_yhteensa_and_decimal_commas() -> None:
    body = _csv(
        "2025-01;24;Oulun seutu;Työmarkkinatuki;Yhteensä;1000;690 000,50",
        "2025-01;24;Oulun seutu;Työmarkkinatuki;1-299;600;400000,25",
        "2025-01;24;Oulun seutu;Työmarkkinatuki;300-499;450;300000,00",
    )
    tidy = tidy_benefit(parse_csv(body, KELA_UNEMPLOYMENT_BENEFIT, WHERE), WHERE)
    total = tidy[tidy["is_total_class"]]
    assert total["recipients"].tolist() == [1000] and total["euros_paid"].tolist() == [690000.5]
    assert tidy["recipients"].sum() > 1000, "classes overlap: their sum is not the total"
    assert set(tidy["employment_area_code"]) == {"TA24"}


def test_a_group_without_its_total_row_fails() -> None:
    body = _csv("2025-01;24;Oulun seutu;Työmarkkinatuki;1-299;600;400000,25")
    with pytest.raises(
        SourceError, match=r"KERTYNEET_PAIVAT_LUOKKA = 'TA24/2025-01-01/Työmarkkinatuki': no 'Yhteensä'"
    ):
        tidy_benefit(parse_csv(body, KELA_UNEMPLOYMENT_BENEFIT, WHERE), WHERE)
    with pytest.raises(SourceError, match=r"SAAJAT \(line 2\) = 'x'"):
        parse_csv(_csv("2025-01;24;Oulun seutu;Työmarkkinatuki;Yhteensä;x;1"), KELA_UNEMPLOYMENT_BENEFIT, WHERE)


def test_resource_is_chosen_by_format() -> None:
    package = {"name": "p", "resources": [{"format": "XLSX", "url": "a"}, {"format": "csv", "url": "b", "id": "r"}]}
    assert choose_resource(package, "CSV").url == "b"
    with pytest.raises(SourceError, match=r"resources\[\].format = \['XLSX'\]: no CSV"):
        choose_resource({"name": "p", "resources": [{"format": "XLSX", "url": "a"}]}, "CSV")


def test_sample_lands_validates_and_is_not_downloaded_again(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    landed = land_ckan_csv(settings, make_session(settings))
    assert landed.manifest.source_updated == "2026-11-19T06:12:33.481907"
    assert [r.file for r in landed.manifest.responses] == ["package_show.json", "data.csv"]
    tidy = tidy_kela_benefit(landed.path)
    assert tidy["employment_area_code"].nunique() == 46 and tidy["is_sample_data"].all()
    result = validate_kela_benefit(tidy)
    assert result.success, result.summary()
    session = SourceSession(retries=0)
    adapter = mount_snapshot(session, settings)
    again = land_ckan_csv(settings, session)
    assert again.unchanged and [url for _, url in adapter.requests_seen] == [
        f"{settings.kela_base_url}/package_show?id={KELA_UNEMPLOYMENT_BENEFIT.package_id}"
    ]


def test_drifted_header_fails_landing_and_keeps_the_good_version(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data", mode="sample")
    good = land_ckan_csv(settings, make_session(settings))
    root = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR / "ckan", root / "ckan")
    package_path = next((root / "ckan" / "package_show").iterdir())
    package = json.loads(package_path.read_text(encoding="utf-8"))
    package["result"]["resources"][0]["last_modified"] = "2026-12-18T06:00:00"
    package_path.write_text(json.dumps(package), encoding="utf-8")
    csv_path = next(root.glob("ckan/dataset/*/resource/*/download/data.csv"))
    csv_path.write_bytes(csv_path.read_bytes().replace(b"SAAJAT", b"SAAJAT_LKM", 1))
    session = SourceSession(retries=0)
    mount_snapshot(session, settings, root=root)
    with pytest.raises(SourceError, match=r"missing \['SAAJAT'\], unexpected \['SAAJAT_LKM'\]"):
        land_ckan_csv(settings, session)
    assert latest_version(settings.landing_dir, "kela", "unemployment_benefit") == good.path
    assert [a["status"] for a in read_attempts(settings.landing_dir, "kela", "unemployment_benefit")] == [
        "ok",
        "failed",
    ]
