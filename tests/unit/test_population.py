"""Population tables vaerak/11re and 11ra: client, landing and tidy on the real recorded responses."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ingestion.catalogue import POPULATION, POPULATION_KEY_FIGURES
from ingestion.errors import SourceError
from ingestion.http import SourceSession
from ingestion.pxweb import land_pxweb_table, parse_age_group, tidy_population, tidy_population_key_figures
from ingestion.settings import load_settings
from ingestion.snapshot import mount_snapshot
from quality.suites import validate_population, validate_population_key_figures
from tests.helpers import GEOFI_2026, pxweb_json_to_jsonstat2, realdata, write_pxweb_snapshot

POPULATION_11RE = "statfin_vaerak_11re_population_by_sex_kunnat_2025_pxweb-json.json"
KEY_FIGURES_11RA = "statfin_vaerak_11ra_keyfigures_all_areas_2025_pxweb-json.json"


def _land_real(tmp_path: Path, name: str, dataset):  # type: ignore[no-untyped-def]
    cube = pxweb_json_to_jsonstat2(json.loads(realdata(name).read_text(encoding="utf-8")))
    root = write_pxweb_snapshot(tmp_path / "snapshot", dataset.table, cube)
    settings = load_settings(data_dir=tmp_path / "data", history_start="2019M01", mode="live")
    session = SourceSession(retries=0)
    mount_snapshot(session, settings, root=root)
    return land_pxweb_table(settings, session, dataset)


@pytest.mark.realdata
def test_real_11re_by_municipality_and_sex(tmp_path: Path) -> None:
    landed = _land_real(tmp_path, POPULATION_11RE, POPULATION)
    assert landed.manifest.source_updated == "2026-04-01T05:00:00Z"
    assert landed.manifest.details["extra_dimensions"] == {"sex_code": "sukupuoli_9_20180101"}
    tidy = tidy_population(landed.path)
    assert set(tidy["age_code"]) == {"SSS"}, "the recorded query eliminated age: it reads as the all-ages total"
    totals = tidy[tidy["age_code"] == "SSS"].set_index(["area_code", "sex_code"])["population"]
    assert totals["SSS", "SSS"] == 5_652_881
    assert totals["SSS", "1"] + totals["SSS", "2"] == 5_652_881
    assert totals["KU564", "SSS"] == 217_469 and totals["KU564", "1"] == 108_842
    assert tidy["area_code"].nunique() == 309 and set(tidy["year"]) == {2025}
    result = validate_population(tidy)
    assert result.success, result.summary()


@pytest.mark.realdata
def test_real_11ra_employment_area_total_is_the_sum_of_its_municipalities(tmp_path: Path) -> None:
    landed = _land_real(tmp_path, KEY_FIGURES_11RA, POPULATION_KEY_FIGURES)
    tidy = tidy_population_key_figures(landed.path)
    population = tidy[tidy["measure"] == "vaerak-vaesto"].set_index("area_code")["value"]
    assert population["TA24"] == 287_320
    assert population["SSS"] == 5_652_881
    assert {c[:2] for c in population.index} == {"SS", "KU", "TA", "SK", "MK"}, "other area families not requested"
    assert population.index.str.startswith("TA").sum() == 46
    with realdata(GEOFI_2026).open(encoding="utf-8") as fh:
        members = [f"KU{int(r['kunta']):03d}" for r in csv.DictReader(fh) if int(r["tyollisyysalue_code"]) == 24]
    assert len(members) == 11 and population[members].sum() == 287_320
    shares = tidy[tidy["measure"] == "vaesto_alle15_p"].set_index("area_code")["value"]
    assert shares["TA24"] == 16.6
    result = validate_population_key_figures(tidy)
    assert result.success, result.summary()


def test_age_group_codes() -> None:
    assert parse_age_group("SSS", "t", "v") == (None, None)
    assert parse_age_group("15-19", "t", "v") == (15, 19)
    assert parse_age_group("75-", "t", "v") == (75, None)
    assert parse_age_group("42", "t", "v") == (42, 42)
    with pytest.raises(SourceError, match=r"StatFin/vaerak/11re.px: variable ikaryhma_10 = 'yli 75'"):
        parse_age_group("yli 75", "StatFin/vaerak/11re.px", "ikaryhma_10")


def test_sample_11re_has_working_age_groups(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    from ingestion.http import make_session

    tidy = tidy_population(land_pxweb_table(settings, make_session(settings), POPULATION).path)
    groups = tidy.drop_duplicates("age_code").dropna(subset=["age_from"])
    working = groups[(groups["age_from"] >= 15) & (groups["age_to"] <= 64)]
    assert working["age_from"].min() == 15 and working["age_to"].max() == 64 and len(working) == 10
    assert tidy["is_sample_data"].all()
    assert validate_population(tidy).success


def test_age_groups_that_do_not_split_at_15_fail_clearly(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    from ingestion.http import make_session

    landed = land_pxweb_table(settings, make_session(settings), POPULATION)
    data = landed.path / "data_000.json"
    doc = json.loads(data.read_text(encoding="utf-8"))
    index = doc["dimension"]["ikaryhma_10_20180101"]["category"]["index"]
    index["13-17"] = index.pop("15-19")
    data.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SourceError, match=r"ikaryhma_10_20180101 = '13-17': age groups leave a gap or overlap at 15"):
        tidy_population(landed.path)
