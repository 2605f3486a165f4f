"""The classification service's real shapes (SOURCES.md §2): URI-string lists, objects only with content=data.

Every wrong shape ends in a SourceError naming the source, the field and the value — never an
AttributeError, KeyError or TypeError.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import requests

from ingestion.catalogue import INDUSTRY_CLASSIFICATION_2025, INDUSTRY_TOL2025_TOL2008
from ingestion.classification_items import (
    choose_classification,
    choose_item_correspondence,
    land_classification_items,
    land_item_correspondence,
    parse_item_maps,
    parse_items,
    tidy_classification_items,
    tidy_item_correspondence,
)
from ingestion.classifications import (
    ClassificationClient,
    choose_correspondence,
    choose_successions,
    ids_from_list,
    land_municipality_areas,
    parse_classification_id,
    parse_maps,
    parse_successions,
    tidy_municipality_areas,
)
from ingestion.errors import SourceError
from ingestion.http import make_session
from ingestion.settings import load_settings
from ingestion.snapshot import SnapshotAdapter
from quality.suites import (
    validate_industry_classification,
    validate_industry_classification_2025,
    validate_industry_tol2025_tol2008,
    validate_municipality_areas,
    validate_occupation_classification,
)

HOST = "https://api.stat.fi/classificationservice/open/api/classifications/v2"
ON = date(2026, 11, 27)


def _uri(local_id: str, encode: bool = False) -> str:
    return f"{HOST}/correspondenceTables/{local_id.replace('#', '%23') if encode else local_id}?format=json"


# --- ids from list answers ---------------------------------------------------------------------


def test_ids_from_uri_strings_with_hash_percent_23_and_format_suffix() -> None:
    doc = [
        _uri("kunta_1_20260101#tyollisyysalue_1_20260101"),
        _uri("kunta_1_20260101#seutukunta_1_20260101", encode=True),
        "https://data.stat.fi/api/classifications/v2/correspondenceTables/kunta_1_20260101%23maakunta_1_20260101",
        f"{HOST}/correspondenceTables/kunta_1_20260101%23maakunta_1_20260101?format=json",  # a repeat
    ]
    assert ids_from_list(doc, "correspondenceTables") == [
        "kunta_1_20260101#tyollisyysalue_1_20260101",
        "kunta_1_20260101#seutukunta_1_20260101",
        "kunta_1_20260101#maakunta_1_20260101",
    ]


def test_ids_from_object_lists_and_maps_uris() -> None:
    doc = [
        {"localId": "kunta_1_20260101#tyollisyysalue_1_20260101", "correspondenceTableTexts": []},
        {"url": f"{HOST}/correspondenceTables/kunta_1_20190101%23kunta_1_20200101"},
        # a maps URI (…/maps/{sourceCode}/{targetCode}?format=json) still names its table
        f"{HOST}/correspondenceTables/kunta_1_20260101#tyollisyysalue_1_20260101/maps/564/24?format=json",
    ]
    assert ids_from_list(doc, "correspondenceTables") == [
        "kunta_1_20260101#tyollisyysalue_1_20260101",
        "kunta_1_20190101#kunta_1_20200101",
    ]
    assert ids_from_list([f"{HOST}/classifications/toimiala_1_20250101?format=json"], "classifications") == [
        "toimiala_1_20250101"
    ]


@pytest.mark.parametrize(
    ("doc", "field", "value"),
    [
        ({"correspondenceTables": []}, "correspondenceTables", "dict"),
        ("a string", "correspondenceTables", "str"),
        (None, "correspondenceTables", "NoneType"),
        ([17], "correspondenceTables[]", "17"),
        ([None], "correspondenceTables[]", "None"),
        ([["nested"]], "correspondenceTables[]", "['nested']"),
        ([{"name": "Kunta 2026 - Työllisyysalue 2026"}], "correspondenceTables[]", "{'name'"),
        ([{"localId": 5}], "correspondenceTables[]", "{'localId': 5}"),
        ([f"{HOST}/correspondenceTables/"], "correspondenceTables[]", "https://"),
    ],
)
def test_wrong_list_shapes_fail_by_name(doc: Any, field: str, value: str) -> None:
    with pytest.raises(SourceError) as caught:
        ids_from_list(doc, "correspondenceTables")
    assert caught.value.source == "Statistics Finland classification service"
    assert caught.value.field == field and value in repr(caught.value.value)


def test_classification_ids_parse_by_parts() -> None:
    ref = parse_classification_id("tyollisyysalue_2_20250701")
    assert ref is not None and (ref.name, ref.number, ref.valid_from) == ("tyollisyysalue", 2, date(2025, 7, 1))
    assert parse_classification_id("kunta_1_20261301") is None  # no such date
    assert parse_classification_id("kunta") is None


# --- choosing correspondences by listing --------------------------------------------------------

LISTING = [
    _uri("kunta_1_20250101#tyollisyysalue_1_20250101"),
    _uri("kunta_1_20250101#seutukunta_1_20250101", encode=True),
    _uri("kunta_1_20260101#tyollisyysalue_2_20260315"),  # today's municipalities, a newer employment-area list
    _uri("kunta_1_20260101#tyollisyysalue_1_20260101"),
    _uri("kunta_1_20260101#seutukunta_1_20260101", encode=True),
    _uri("kunta_1_20260101#maakunta_1_20260101"),
    _uri("kunta_1_20260101#vaalipiiri_1_20260101"),
    _uri("kunta_1_20260101#tyollisyysalue_1_20270101"),  # target not valid yet
    _uri("kunta_1_20270101#tyollisyysalue_1_20270101"),  # municipalities not valid yet
    _uri("maakunta_1_20260101#tyollisyysalue_1_20260101"),  # wrong source
    _uri("kunta_1_20250101#kunta_1_20260101"),
    _uri("kunta_1_20190101#kunta_1_20200101", encode=True),
    _uri("kunta_2_20200101#kunta_1_20210101"),
    f"{HOST}/correspondenceTables/something-else?format=json",
]


def test_correspondences_are_chosen_by_listing_with_decoys() -> None:
    ids = ids_from_list(LISTING, "correspondenceTables")
    assert choose_correspondence(ids, "tyollisyysalue", ON) == "kunta_1_20260101#tyollisyysalue_2_20260315"
    assert choose_correspondence(ids, "seutukunta", ON) == "kunta_1_20260101#seutukunta_1_20260101"
    assert choose_correspondence(ids, "maakunta", ON) == "kunta_1_20260101#maakunta_1_20260101"
    # on the first of 2026, before the newer employment-area list
    assert (
        choose_correspondence(ids, "tyollisyysalue", date(2026, 1, 1)) == "kunta_1_20260101#tyollisyysalue_1_20260101"
    )
    # in 2025, today's municipality classification is the 2025 one
    assert choose_correspondence(ids, "seutukunta", date(2025, 6, 1)) == "kunta_1_20250101#seutukunta_1_20250101"
    assert choose_successions(ids, 2019, 2026) == {
        2019: "kunta_1_20190101#kunta_1_20200101",
        2020: "kunta_2_20200101#kunta_1_20210101",
        2025: "kunta_1_20250101#kunta_1_20260101",
    }


def test_nothing_found_is_one_sentence_listing_what_was_seen() -> None:
    ids = ids_from_list(LISTING, "correspondenceTables")
    with pytest.raises(SourceError) as caught:
        choose_correspondence(ids, "maakunta", date(2025, 6, 1))
    message = str(caught.value)
    assert "'kunta_1_20250101#maakunta_*': no such correspondence table listed" in message
    assert "seen: kunta_1_20250101#kunta_1_20260101, kunta_1_20250101#seutukunta_1_20250101" in message
    assert message.count(".") <= 1 and "\n" not in message
    with pytest.raises(SourceError, match=r"no municipality classification valid then is listed; seen: kunta_1_2019"):
        choose_correspondence(ids, "maakunta", date(2018, 1, 1))
    with pytest.raises(SourceError, match=r"seen: nothing"):
        choose_correspondence([], "maakunta", ON)


# --- maps ---------------------------------------------------------------------------------------


def _map(source: Any, target: Any) -> dict[str, Any]:
    return {
        "sourceItem": {"code": source, "classificationItemNames": [{"lang": "fi", "name": "Oulu"}]},
        "targetItem": {"code": target, "classificationItemNames": [{"lang": "fi", "name": "Oulun seutu"}]},
    }


@pytest.mark.parametrize(
    ("doc", "field", "problem"),
    [
        (
            [f"{HOST}/correspondenceTables/kunta_1_20260101%23tyollisyysalue_1_20260101/maps/564/24?format=json"],
            "maps[]",
            "content=data&meta=max",
        ),
        ({"maps": []}, "maps", "non-empty JSON array"),
        ([], "maps", "non-empty JSON array"),
        ([17], "maps[]", "sourceItem/targetItem"),
        ([{"sourceItem": {"code": "564"}}], "maps[]", "sourceItem/targetItem"),
        ([{"sourceItem": "564", "targetItem": "24"}], "maps[]", "sourceItem/targetItem"),
        ([_map({"value": "564"}, "24")], "code", "numeric classification code"),
        ([_map("564", None)], "code", "numeric classification code"),
        ([_map("564", "TA24")], "code", "numeric classification code"),
        ([_map("564", "24"), _map("564", "25")], "sourceItem.code", "mapped twice"),
    ],
)
def test_wrong_maps_shapes_fail_by_name(doc: Any, field: str, problem: str) -> None:
    local_id = "kunta_1_20260101#tyollisyysalue_1_20260101"
    with pytest.raises(SourceError) as caught:
        parse_maps(doc, local_id, "tyollisyysalue", "fi")
    assert caught.value.field == f"{local_id} {field}" and problem in caught.value.problem
    with pytest.raises(SourceError):
        parse_successions(doc, "kunta_1_20190101#kunta_1_20200101")


def test_names_in_odd_shapes_do_not_crash() -> None:
    doc = [
        {"sourceItem": {"code": "564", "classificationItemNames": "Oulu"}, "targetItem": {"code": 24}},
        {
            "sourceItem": {"code": "72", "classificationItemNames": [None, {"lang": "sv", "name": "Karlö"}]},
            "targetItem": {"code": "24"},
        },
    ]
    frame = parse_maps(doc, "kunta_1_20260101#tyollisyysalue_1_20260101", "tyollisyysalue", "fi")
    assert frame["employment_area_code"].tolist() == ["TA24", "TA24"]
    assert pd.isna(frame["municipality_name_fi"].iloc[0]) and frame["municipality_name_fi"].iloc[1] == "Karlö"


def test_successions_need_consecutive_years() -> None:
    with pytest.raises(SourceError, match="localId = 'kunta_1_20190101#kunta_1_20210101'"):
        parse_successions([_map("911", "541")], "kunta_1_20190101#kunta_1_20210101")


# --- items --------------------------------------------------------------------------------------


def _item(code: Any, level: Any, parent: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "localId": f"ammatti_1_20100101/{code}",
        "level": level,
        "code": code,
        "order": 1,
        "parentItemLocalId": f"ammatti_1_20100101/{parent}" if parent else None,
        "parentCode": parent,
        "classificationItemNames": [{"langName": "suomi", "lang": "fi", "name": f"nimi {code}"}],
        "explanatoryNotes": [],
        **extra,
    }


REAL_ITEMS = [
    _item("SSSSS", 0.0),
    _item("2", 1.0, "SSSSS"),
    _item("25", "2.0", "2"),
    _item("251", 3, "25"),
    {**_item("2512", 4.0), "parentCode": None, "parentItemLocalId": "ammatti_1_20100101/251"},
]


def test_real_item_shape_with_float_levels_and_the_total() -> None:
    frame = parse_items(REAL_ITEMS, "ammatti_1_20100101", "fi").set_index("code")
    assert frame["level"].tolist() == [0, 1, 2, 3, 4]
    assert pd.isna(frame.loc["SSSSS", "parent_code"]) and frame.loc["2", "parent_code"] == "SSSSS"
    assert frame.loc["2512", "parent_code"] == "251"  # from parentItemLocalId


@pytest.mark.parametrize(
    ("doc", "field", "value"),
    [
        ({"items": []}, "classificationItems (fi)", "dict"),
        ([f"{HOST}/classifications/ammatti_1_20100101/classificationItems/2512?format=json"], "[]", "https://"),
        ([17], "[]", "17"),
        ([{"level": 1.0, "classificationItemNames": []}], "code", "{'level'"),
        ([{**_item("2", 1.0), "code": {"value": "2"}}], "code", "{'value'"),
        ([_item("2", None)], "level", "None"),
        ([_item("2", "first")], "level", "'first'"),
        ([_item("2", 1.5)], "level", "1.5"),
        ([_item("2", -1.0)], "level", "-1.0"),
        ([_item("2", True)], "level", "True"),
        ([_item("2", [1])], "level", "[1]"),
        ([{**_item("2", 1.0), "classificationItemNames": None}], "classificationItemNames", "None"),
        ([{**_item("2", 1.0), "classificationItemNames": [None, "x"]}], "classificationItemNames", "'2'"),
        (
            [{**_item("2", 1.0), "parentItemLocalId": 7, "parentCode": None}, _item("SSSSS", 0.0)],
            "parentItemLocalId",
            "7",
        ),
        ([_item("2", 1.0), _item("2", 1.0)], "code", "'2'"),
        ([_item("25", 2.0, "2")], "parentCode", "'2'"),
    ],
)
def test_wrong_item_shapes_fail_by_name(doc: Any, field: str, value: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_items(doc, "ammatti_1_20100101", "fi")
    assert caught.value.field.endswith(field) and value in repr(caught.value.value)


def test_the_level_0_total_passes_the_item_suites() -> None:
    frame = parse_items(REAL_ITEMS, "ammatti_1_20100101", "fi")
    for lang in ("sv", "en"):
        frame[f"name_{lang}"] = frame["name_fi"]
    frame["classification_id"] = "ammatti_1_20100101"
    major_groups = pd.DataFrame(
        {
            "code": [str(i) for i in range(3, 13)],
            "level": 1,
            "parent_code": "SSSSS",
            "name_fi": "x",
            "name_sv": "x",
            "name_en": "x",
            "classification_id": "ammatti_1_20100101",
        }
    )
    items = pd.concat([frame, major_groups], ignore_index=True)
    assert validate_occupation_classification(items).success
    two_totals = pd.concat([items, items[items["level"] == 0].assign(code="XXXXX")], ignore_index=True)
    failed = {f.description for f in validate_occupation_classification(two_totals).failures}
    assert failed == {"at most one level-0 total"}
    bad = items.copy()
    bad.loc[bad["code"] == "25", "code"] = "2A"
    assert {f.description for f in validate_occupation_classification(bad).failures} >= {
        "numeric codes (or X… unknown) below the total"
    }


# --- TOL 2025 by listing ------------------------------------------------------------------------

CLASSIFICATIONS = [
    f"{HOST}/classifications/{i}?format=json"
    for i in (
        "toimiala_1_19950101",
        "toimiala_1_20080101",
        "toimialaryhmat_1_20250101",
        "toimiala_1_20250101",
        "toimiala_2_20250601",
        "toimiala_1_20260101",
        "ammatti_1_20100101",
    )
]


def test_tol2025_is_chosen_by_listing() -> None:
    ids = ids_from_list(CLASSIFICATIONS, "classifications")
    assert choose_classification(ids, "toimiala_", 2025, ON) == "toimiala_2_20250601"
    assert choose_classification(ids, "toimiala_", 2025, date(2025, 3, 1)) == "toimiala_1_20250101"
    with pytest.raises(
        SourceError, match=r"'toimiala_\*_2024\*': no such classification .* toimiala_\* seen: toimiala_1_1995"
    ):
        choose_classification(ids, "toimiala_", 2024, ON)
    source = parse_classification_id("toimiala_1_20250101")
    assert source is not None
    listing = ids_from_list(
        [
            _uri("toimiala_1_20080101#toimiala_1_20250101"),
            _uri("toimiala_1_20250101#toimiala_1_20080101", encode=True),
            _uri("toimiala_1_20020101#toimiala_1_20080101"),
        ],
        "correspondenceTables",
    )
    assert (
        choose_item_correspondence(listing, source, "toimiala_1_20080101") == "toimiala_1_20250101#toimiala_1_20080101"
    )
    with pytest.raises(SourceError, match=r"no such correspondence table listed; tables with toimiala_1_20080101 seen"):
        choose_item_correspondence(listing[:1], source, "toimiala_1_20080101")


def test_item_maps_wrong_shapes() -> None:
    local_id = "toimiala_1_20250101#toimiala_1_20080101"
    with pytest.raises(SourceError, match="content=data&meta=max"):
        parse_item_maps([f"{HOST}/correspondenceTables/x/maps/70100/70100?format=json"], local_id)
    with pytest.raises(SourceError, match=r"targetItem.code = None"):
        parse_item_maps([{"sourceItem": {"code": "70100"}, "targetItem": {"code": None}}], local_id)
    assert parse_item_maps([_map("70100", "70100"), _map("70100", "70100")], local_id).shape == (1, 2)


# --- the whole landing through the real client on the sample snapshot ----------------------------


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(data_dir=tmp_path, mode="sample")


def test_snapshot_answers_like_the_service(settings) -> None:
    session = make_session(settings)
    base = settings.classification_base_url.rstrip("/")
    listing = session.get(f"{base}/correspondenceTables", params={"format": "json"}).json()
    assert all(isinstance(uri, str) and "#" in uri and uri.endswith("?format=json") for uri in listing)
    local_id = "kunta_1_20260101%23tyollisyysalue_1_20260101"
    bare = session.get(f"{base}/correspondenceTables/{local_id}/maps", params={"format": "json"}).json()
    assert bare[0].startswith(f"{HOST}/correspondenceTables/kunta_1_20260101#tyollisyysalue_1_20260101/maps/")
    assert bare[0].endswith("?format=json")
    objects = session.get(
        f"{base}/correspondenceTables/{local_id}/maps",
        params={"format": "json", "content": "data", "meta": "max", "lang": "fi"},
    ).json()
    assert isinstance(objects[0]["sourceItem"], dict)
    items = session.get(f"{base}/classifications/ammatti_1_20100101/classificationItems", params={"lang": "fi"}).json()
    assert all(isinstance(i, str) for i in items)
    catalogue = session.get(f"{base}/classifications", params={"format": "json"}).json()
    assert f"{HOST}/classifications/toimiala_1_20250101?format=json" in catalogue


def test_tol2025_and_its_correspondence_land_and_validate(settings) -> None:
    session = make_session(settings)
    landed = land_classification_items(settings, session, INDUSTRY_CLASSIFICATION_2025, on=ON)
    assert landed.manifest.details["classification_id"] == "toimiala_1_20250101"
    items = tidy_classification_items(landed.path, INDUSTRY_CLASSIFICATION_2025)
    assert validate_industry_classification_2025(items).success
    assert items.loc[items["level"] == 0, "code"].tolist() == ["SSSSS"]
    assert {"70100", "62900", "41200"} <= set(items.loc[items["level"] == 5, "code"])
    again = land_classification_items(settings, session, INDUSTRY_CLASSIFICATION_2025, on=ON)
    assert again.unchanged

    maps_landed = land_item_correspondence(settings, session, INDUSTRY_TOL2025_TOL2008, on=ON)
    assert maps_landed.manifest.details["correspondence"] == "toimiala_1_20250101#toimiala_1_20080101"
    maps = tidy_item_correspondence(maps_landed.path)
    assert validate_industry_tol2025_tol2008(maps).success
    assert set(maps.loc[maps["source_code"] == "70100", "target_code"]) == {"70100", "64200"}
    subclasses = set(items.loc[items["level"] == 5, "code"])
    assert subclasses <= set(maps["source_code"]), "every sample TOL 2025 subclass is mapped"
    assert maps["is_sample_data"].all()
    broken = maps.copy()
    broken.loc[broken["source_code"] == "70100", "target_code"] = "M"
    assert not validate_industry_tol2025_tol2008(broken).success


def test_tol2008_items_with_the_total_pass_their_suite(settings) -> None:
    from ingestion.catalogue import INDUSTRY_CLASSIFICATION

    landed = land_classification_items(settings, make_session(settings), INDUSTRY_CLASSIFICATION)
    items = tidy_classification_items(landed.path, INDUSTRY_CLASSIFICATION)
    assert items.loc[items["level"] == 0, "code"].tolist() == ["SSSSS"]
    assert validate_industry_classification(items).success


class PercentEncodedListing(SnapshotAdapter):
    """The snapshot, but the correspondence list answers `%23`-encoded URIs on another host alias."""

    def _classification(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        status, body = super()._classification(path, query)
        if path == "correspondenceTables":
            uris = [
                u.replace("#", "%23").replace(HOST, "https://data.stat.fi/api/classifications/v2")
                for u in json.loads(body)
            ]
            body = json.dumps(uris).encode()
        return status, body


def test_municipality_areas_land_from_percent_encoded_uris(settings) -> None:
    session = make_session(settings)
    adapter = PercentEncodedListing(
        Path(__file__).resolve().parents[2] / "ingestion" / "sample_snapshot",
        settings.pxweb_base_url,
        settings.classification_base_url,
    )
    session.mount(settings.classification_base_url, adapter)
    landed = land_municipality_areas(settings, session, on=ON)
    assert landed.manifest.details["correspondences"] == {
        "tyollisyysalue": "kunta_1_20260101#tyollisyysalue_1_20260101",
        "seutukunta": "kunta_1_20260101#seutukunta_1_20260101",
        "maakunta": "kunta_1_20260101#maakunta_1_20260101",
    }
    areas = tidy_municipality_areas(landed.path)
    assert validate_municipality_areas(areas).success
    sent = [url for _, url in adapter.requests_seen if "/maps" in url]
    assert sent and all("content=data" in url and "meta=max" in url for url in sent)


def test_client_lists_through_the_session(settings) -> None:
    client = ClassificationClient(make_session(settings), settings.classification_base_url)
    ids, response = client.list_classifications()
    assert isinstance(response, requests.Response) and "toimiala_1_20250101" in ids
