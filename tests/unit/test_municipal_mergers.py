"""Municipal mergers: yearly municipality correspondences composed into a map to today's municipalities."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ingestion.classifications import (
    choose_successions,
    harmonise,
    ids_from_list,
    land_municipality_areas,
    parse_successions,
    tidy_municipality_harmonisation,
)
from ingestion.errors import SourceError
from ingestion.http import make_session
from ingestion.settings import load_settings
from quality.suites import validate_municipality_harmonisation
from tests.helpers import GEOFI_2026, realdata


def _maps(pairs: list[tuple[str, str]]) -> list[dict]:
    """A maps document in the service's shape: sourceItem (year Y) → targetItem (year Y + 1)."""
    return [
        {"sourceItem": {"code": source, "classificationItemNames": []}, "targetItem": {"code": target}}
        for source, target in pairs
    ]


# 2019: Valtimo (911) merges into Nurmes (541) on 1.1.2020; 2020: Honkajoki (099) into Kankaanpää (214) on 1.1.2021.
Y2019 = _maps([("911", "541"), ("541", "541"), ("099", "099"), ("214", "214"), ("564", "564")])
Y2020 = _maps([("541", "541"), ("099", "214"), ("214", "214"), ("564", "564")])
TODAY = {"KU541", "KU214", "KU564"}


def _successions() -> pd.DataFrame:
    return pd.concat(
        [
            parse_successions(Y2019, "kunta_1_20190101#kunta_1_20200101"),
            parse_successions(Y2020, "kunta_1_20200101#kunta_1_20210101"),
        ]
    )


def test_choose_successions_takes_consecutive_years_in_the_window() -> None:
    entries = [
        {"localId": "kunta_1_20190101#kunta_1_20200101"},
        {"localId": "kunta_1_20200101#kunta_1_20210101"},
        {"url": "https://data.stat.fi/api/classifications/v2/correspondenceTables/kunta_1_20180101%23kunta_1_20190101"},
        {"localId": "kunta_1_20200101#kunta_1_20220101"},
        {"localId": "kunta_1_20260101#tyollisyysalue_1_20260101"},
    ]
    assert choose_successions(ids_from_list(entries, "correspondenceTables"), 2019, 2026) == {
        2019: "kunta_1_20190101#kunta_1_20200101",
        2020: "kunta_1_20200101#kunta_1_20210101",
    }


def test_merged_history_maps_to_the_successor() -> None:
    frame = harmonise(_successions(), TODAY, 2019, 2026).set_index(["valid_year", "municipality_code"])
    assert frame.loc[(2019, "KU911"), "current_municipality_code"] == "KU541"
    assert frame.loc[(2019, "KU099"), "current_municipality_code"] == "KU214", "2019 Honkajoki follows two steps"
    assert frame.loc[(2020, "KU099"), "current_municipality_code"] == "KU214"
    assert bool(frame.loc[(2020, "KU099"), "is_merged"]) and not bool(frame.loc[(2020, "KU214"), "is_merged"])
    assert (2020, "KU911") not in frame.index, "Valtimo no longer exists in 2020"
    assert sorted(frame.loc[2021].index) == sorted(TODAY)
    assert sorted(frame.loc[2026].index) == sorted(TODAY)
    assert len(frame.loc[2019]) == 5


def test_a_chain_ending_outside_todays_classification_fails() -> None:
    with pytest.raises(SourceError) as err:
        harmonise(_successions(), {"KU541", "KU564"}, 2019, 2026)
    assert "kunta_1_20190101 municipality_code" in str(err.value) and "KU099" in str(err.value)


def test_a_split_municipality_fails_naming_it() -> None:
    split = _maps([("911", "541"), ("911", "564")])
    with pytest.raises(SourceError, match="KU911"):
        parse_successions(split, "kunta_1_20190101#kunta_1_20200101")


def test_real_2025_and_2026_divisions_harmonise_to_themselves() -> None:
    """geofi's 2025 and 2026 keys (from the classification service): no merger at 1.1.2026, so every
    2025 municipality is its own 2026 successor and keeps its employment area."""
    old = pd.read_csv(realdata("kunta_tyollisyysalue_2025_geofi.csv"), dtype=str)
    new = pd.read_csv(realdata(GEOFI_2026), dtype=str)
    today = {f"KU{int(c):03d}" for c in new["kunta"]}
    frame = harmonise(pd.DataFrame(columns=["valid_year", "municipality_code", "successor_code"]), today, 2025, 2026)
    year_2025 = frame[frame["valid_year"] == 2025]
    assert len(year_2025) == 308 and not year_2025["is_merged"].any()
    assert set(year_2025["municipality_code"]) == {f"KU{int(c):03d}" for c in old["kunta"]}
    area = {
        year: dict(zip(df["kunta"], df["tyollisyysalue_code"], strict=True)) for year, df in ((2025, old), (2026, new))
    }
    assert area[2025] == area[2026]
    assert sorted(k for k, v in area[2026].items() if v == "24") == sorted(
        ["072", "139", "244", "425", "436", "494", "564", "615", "785", "859", "889"]
    )


def test_sample_snapshot_lands_and_tidies_the_real_mergers(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, mode="sample")
    landed = land_municipality_areas(settings, make_session(settings))
    assert landed.manifest.details["successions"] == {
        "2019": "kunta_1_20190101#kunta_1_20200101",
        "2020": "kunta_1_20200101#kunta_1_20210101",
    }
    frame = tidy_municipality_harmonisation(landed.path)
    merged = frame[frame["is_merged"]].set_index(["valid_year", "municipality_code"])["current_municipality_code"]
    assert merged.to_dict() == {(2019, "KU911"): "KU541", (2019, "KU099"): "KU214", (2020, "KU099"): "KU214"}
    assert frame.groupby("valid_year").size().to_dict() == {2019: 310, 2020: 309, **{y: 308 for y in range(2021, 2027)}}
    assert validate_municipality_harmonisation(frame).success
    assert land_municipality_areas(settings, make_session(settings)).unchanged
