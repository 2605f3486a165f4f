"""Employment-area mapping from the classification service equals the official reference."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ingestion.classifications import land_municipality_areas, tidy_municipality_areas
from ingestion.errors import SourceError
from ingestion.http import make_session
from ingestion.settings import load_settings
from quality.suites import validate_municipality_areas
from tests.helpers import GEOFI_2026, realdata

OULU_AREA = {"072", "139", "244", "425", "436", "494", "564", "615", "785", "859", "889"}


@pytest.fixture(scope="module")
def areas(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("cls"), mode="sample")
    landed = land_municipality_areas(settings, make_session(settings), on=date(2026, 11, 27))
    assert landed.manifest.details["correspondences"]["tyollisyysalue"] == "kunta_1_20260101#tyollisyysalue_1_20260101"
    return tidy_municipality_areas(landed.path)


def test_oulu_employment_area(areas: pd.DataFrame) -> None:
    members = areas[areas["employment_area_code"] == "TA24"]
    assert set(members["municipality_code"].str[2:]) == OULU_AREA
    assert set(members["employment_area_name_fi"]) == {"Oulun seutu"}
    assert members.loc[members["municipality_code"] == "KU564", "region_name_en"].item() == "North Ostrobothnia"


@pytest.mark.realdata
def test_mapping_equals_the_2026_reference(areas: pd.DataFrame) -> None:
    reference = pd.read_csv(realdata(GEOFI_2026), dtype=str)
    expected = {
        f"KU{int(k):03d}": f"TA{int(t):02d}"
        for k, t in zip(reference["kunta"], reference["tyollisyysalue_code"], strict=True)
    }
    assert dict(zip(areas["municipality_code"], areas["employment_area_code"], strict=True)) == expected
    names = dict(
        zip(reference["kunta"].map(lambda k: f"KU{int(k):03d}"), reference["municipality_name_sv"], strict=True)
    )
    assert dict(zip(areas["municipality_code"], areas["municipality_name_sv"], strict=True)) == names


def test_suite_passes_and_catches_a_missing_parent(areas: pd.DataFrame) -> None:
    assert validate_municipality_areas(areas).success
    broken = areas.copy()
    broken.loc[0, "employment_area_code"] = "24"
    failed = [f.description for f in validate_municipality_areas(broken).failures]
    assert failed == ["TA codes"]


def test_no_valid_correspondence_is_a_clear_error(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    expected = (
        r"correspondenceTables = 'kunta_1_20200101#tyollisyysalue_\*': no such correspondence table listed; "
        r"tables from kunta_1_20200101 seen: kunta_1_20200101#kunta_1_20210101$"
    )
    with pytest.raises(SourceError, match=expected):
        land_municipality_areas(settings, make_session(settings), on=date(2020, 1, 1))
