"""Tests of the committed SAMPLE snapshot (ingestion/sample_snapshot).

The snapshot feeds the real clients in sample mode and every offline test downstream, so its
shapes must match the real APIs and its figures must obey the same accounting identities as the
real statistics: aggregates add up, subsets never exceed their whole, secrecy only at municipality
level.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ingestion.sample_snapshot import basics, releases
from ingestion.sample_snapshot import generate as gen
from ingestion.snapshot import load_cube, load_release_cube

SNAPSHOT = Path(gen.__file__).resolve().parent
TA24 = ("072", "139", "244", "425", "436", "494", "564", "615", "785", "859", "889")
PERSON_MAX_HIDDEN = 4  # a suppressed person cell hides 1..4
VACANCY_MAX_HIDDEN = 2  # a suppressed vacancy cell hides 1..2


def _load(rel: str) -> Any:
    data = (SNAPSHOT / rel).read_bytes()
    if rel.endswith(".gz"):
        data = gzip.decompress(data)
    return json.loads(data.decode("utf-8"))


@pytest.fixture(scope="module")
def cube() -> dict[str, Any]:
    return _load(gen.CUBE_PATH)


@pytest.fixture(scope="module")
def meta() -> dict[str, Any]:
    return _load(gen.META_PATH)


@pytest.fixture(scope="module")
def arrays(cube: dict[str, Any]) -> dict[str, Any]:
    """The cube as arrays: values (NaN where null), a suppression mask and the code lists."""
    shape = tuple(cube["size"])
    values = np.array([np.nan if v is None else v for v in cube["value"]], dtype=float)
    dims = {d: list(cube["dimension"][d]["category"]["index"]) for d in cube["id"]}
    return {
        "values": values.reshape(shape),
        "null": np.isnan(values).reshape(shape),
        "areas": dims["Alue"],
        "months": dims["timeperiod_m"],
        "contents": dims["contentscode"],
    }


def _maps(target: str, lang: str = "fi") -> list[dict[str, Any]]:
    local_id = basics.correspondence_id(target, basics.CURRENT_CLASSIFICATION_DATE)
    return _load(basics.maps_path(local_id, lang))


def _membership(target: str) -> dict[str, str]:
    return {m["sourceItem"]["code"]: m["targetItem"]["code"] for m in _maps(target)}


def test_config_and_table_list() -> None:
    config = _load(gen.CONFIG_PATH)
    for key in ("maxValues", "maxCells", "maxCalls", "timeWindow"):
        assert isinstance(config[key], int) and config[key] > 0
    tables = _load(gen.TABLE_LIST_PATH)
    assert [t["id"] for t in tables] == ["12r5.px", "12ti.px"]
    assert all(t["type"] == "t" and t["text"].endswith("(SAMPLE DATA)") for t in tables)


def test_metadata_matches_cube(cube: dict[str, Any], meta: dict[str, Any]) -> None:
    assert meta["title"].endswith("(SAMPLE DATA)")
    assert cube["label"].endswith("(SAMPLE DATA)")
    assert any("SAMPLE DATA" in n for n in cube["note"])
    assert cube["version"] == "2.0" and cube["class"] == "dataset"
    assert cube["id"] == [v["code"] for v in meta["variables"]] == ["Alue", "timeperiod_m", "contentscode"]
    assert cube["role"] == {"time": ["timeperiod_m"], "metric": ["contentscode"]}
    assert [v.get("time", False) for v in meta["variables"]] == [False, True, False]
    assert cube["size"] == [len(v["values"]) for v in meta["variables"]]
    assert len(cube["value"]) == int(np.prod(cube["size"]))
    for var in meta["variables"]:
        category = cube["dimension"][var["code"]]["category"]
        assert category["index"] == {c: i for i, c in enumerate(var["values"])}
        assert [category["label"][c] for c in var["values"]] == var["valueTexts"]
    contents = meta["variables"][2]
    assert contents["values"] == list(gen.CONTENT_CODES) and len(contents["values"]) == 23
    assert contents["valueTexts"][0] == "Työnhakijoita laskentapäivänä (lkm.)"


def test_areas_and_months(arrays: dict[str, Any]) -> None:
    areas = arrays["areas"]
    n_sub = len(set(_membership("seutukunta").values()))
    assert areas[0] == "SSS" and areas[-1] == "KUJOU"
    regions = [a for a in areas if a.startswith("MK")]
    subregions = [a for a in areas if a.startswith("SK")]
    municipalities = [a for a in areas if a.startswith("KU") and a != "KUJOU"]
    assert len(regions) == 19 and "MK21" in regions and "MK03" not in regions
    assert len(subregions) == n_sub
    assert len(municipalities) == 308
    assert areas == ["SSS", *regions, *subregions, *municipalities, "KUJOU"]
    assert all(len(a) == 5 for a in subregions + municipalities)
    months = arrays["months"]
    assert len(months) == 94 and months[0] == "2019M01" and months[-1] == "2026M10"
    assert months == sorted(months) and "2026M06" in months


def test_suppression_only_municipal(cube: dict[str, Any], arrays: dict[str, Any]) -> None:
    status = cube["status"]
    assert len(status) > 1000
    assert set(status.values()) == {"..."}
    flat_null = {i for i, v in enumerate(cube["value"]) if v is None}
    assert flat_null == {int(k) for k in status}
    null = arrays["null"]
    areas = np.array(arrays["areas"])
    is_municipal = np.char.startswith(areas, "KU")
    assert not null[~is_municipal].any()
    contents = arrays["contents"]
    assert not null[:, :, contents.index("TYOVOIMATK")].any()
    # The rate is hidden exactly where the unemployed count is.
    rate, unemployed = contents.index("TYOTOSUUS"), contents.index("TYOTTOMATLOPUSSA")
    assert (null[:, :, rate] == null[:, :, unemployed]).all()
    # Only small values are ever hidden: visible municipal counts are 0 or above the threshold.
    values = arrays["values"]
    for code in gen.PERSON_CODES:
        v = values[is_municipal, :, contents.index(code)]
        visible = v[~np.isnan(v)]
        assert not ((visible > 0) & (visible < basics.PERSON_THRESHOLD)).any(), code
    for code in gen.VACANCY_CODES:
        v = values[is_municipal, :, contents.index(code)]
        visible = v[~np.isnan(v)]
        assert not ((visible > 0) & (visible < basics.VACANCY_THRESHOLD)).any(), code


def test_aggregates_add_up(arrays: dict[str, Any]) -> None:
    values, null, areas, contents = arrays["values"], arrays["null"], arrays["areas"], arrays["contents"]
    counts = [i for i, c in enumerate(contents) if c != "TYOTOSUUS"]
    pos = {a: i for i, a in enumerate(areas)}
    v = values[:, :, counts]
    hidden = null[:, :, counts]
    max_hidden = np.array(
        [VACANCY_MAX_HIDDEN if contents[i] in gen.VACANCY_CODES else PERSON_MAX_HIDDEN for i in counts]
    )
    unknown = v[pos["KUJOU"]]
    for prefix, target in (("MK", "maakunta"), ("SK", "seutukunta")):
        members: dict[str, list[int]] = {}
        for muni, group in _membership(target).items():
            members.setdefault(prefix + group, []).append(pos["KU" + muni])
        groups = [a for a in areas if a.startswith(prefix)]
        assert sorted(members) == groups
        # Whole country = Σ groups + unknown municipality, exactly, for every month and measure.
        assert np.array_equal(v[pos["SSS"]], v[[pos[g] for g in groups]].sum(axis=0) + unknown)
        for group, rows in members.items():
            visible = np.nansum(v[rows], axis=0)
            n_hidden = hidden[rows].sum(axis=0)
            total = v[pos[group]]
            # True sum ≥ visible sum, and the gap is what the hidden small cells can hold.
            assert (total >= visible + n_hidden).all(), group
            assert (total <= visible + n_hidden * max_hidden).all(), group
    # The country also equals the municipalities (true values) + KUJOU where nothing is hidden.
    municipal = [i for a, i in pos.items() if a.startswith("KU") and a != "KUJOU"]
    complete = ~hidden[municipal].any(axis=0)
    assert complete.any()
    country = np.nansum(v[municipal], axis=0) + unknown
    assert np.array_equal(country[complete], v[pos["SSS"]][complete])


def test_invariants(arrays: dict[str, Any]) -> None:
    values, contents, areas = arrays["values"], arrays["contents"], arrays["areas"]

    def col(code: str) -> np.ndarray:
        return values[:, :, contents.index(code)]

    counts = np.stack([col(c) for c in contents if c != "TYOTOSUUS"])
    assert (counts[~np.isnan(counts)] >= 0).all()
    assert np.array_equal(counts[~np.isnan(counts)], np.round(counts[~np.isnan(counts)]))

    def holds(ok: np.ndarray) -> bool:
        return bool(ok.all())

    with np.errstate(invalid="ignore"):
        u, jobseekers = col("TYOTTOMATLOPUSSA"), col("HAKIJALOPUSSA")
        assert holds((u <= jobseekers) | np.isnan(u) | np.isnan(jobseekers))
        men, women = col("TYOTTOMATMIEHET"), col("TYOTTOMATNAISET")
        both = ~(np.isnan(u) | np.isnan(men) | np.isnan(women))
        assert np.array_equal(men[both] + women[both], u[both])
        assert holds(
            (col("TYOTTOMAT20") <= col("TYOTTOMAT25")) | np.isnan(col("TYOTTOMAT20")) | np.isnan(col("TYOTTOMAT25"))
        )
        for code in ("TYOTTOMAT25", "TYOTTOMAT50", "TYOTTOMATULK", "PITKAAIKAISTYOTTOMAT", "LOMAUTETTU"):
            assert holds((col(code) <= u) | np.isnan(col(code)) | np.isnan(u)), code
    assert (col("TYOHARJOITTELULOP") == 0).all()

    rate, lf = col("TYOTOSUUS"), col("TYOVOIMATK")
    ok = ~np.isnan(rate) & (lf > 0)
    assert np.allclose(rate[ok], np.round(100 * u[ok] / lf[ok], 1), atol=0.05 + 1e-9)

    unknown = values[areas.index("KUJOU")]
    vacancy = [contents.index(c) for c in gen.VACANCY_CODES]
    others = [i for i in range(len(contents)) if i not in vacancy]
    assert (unknown[:, others] == 0).all()
    share = unknown[:, vacancy] / values[areas.index("SSS")][:, vacancy]
    assert ((share > 0.25) & (share < 0.33)).all()


def test_series_shape(arrays: dict[str, Any]) -> None:
    """The national story: COVID spike in spring 2020, low in 2022, 2026M06 near the real level."""
    contents, months = arrays["contents"], arrays["months"]
    country = arrays["values"][0]
    u = country[:, contents.index("TYOTTOMATLOPUSSA")]
    laid_off = country[:, contents.index("LOMAUTETTU")]
    m = months.index
    assert u[m("2020M05")] > 1.3 * u[m("2020M02")]
    assert laid_off[m("2020M05")] > 3 * laid_off[m("2019M05")]
    assert u[m("2022M10")] < 0.75 * u[m("2026M06")]
    assert abs(u[m("2026M06")] / 352001 - 1) < 0.05
    assert 12.0 <= country[m("2026M06"), contents.index("TYOTOSUUS")] <= 13.5


def test_classification_maps() -> None:
    listing = _load(basics.CORRESPONDENCE_LIST_PATH)
    # the list endpoint answers URI strings on the canonical host, with a literal '#' and '?format=json'
    assert all(isinstance(uri, str) and uri.startswith(basics.CLASSIFICATION_URL) for uri in listing)
    assert all(uri.endswith("?format=json") and "#" in uri for uri in listing)
    ids = {uri[len(basics.CLASSIFICATION_URL) + len("correspondenceTables/") : -len("?format=json")] for uri in listing}
    for date in basics.CLASSIFICATION_DATES:
        for target in ("tyollisyysalue", "seutukunta", "maakunta"):
            assert f"kunta_1_{date}#{target}_1_{date}" in ids

    areas = _membership("tyollisyysalue")
    assert len(areas) == 308 and len(set(areas.values())) == 46
    assert {k for k, v in areas.items() if v == "24"} == set(TA24)
    assert all(len(k) == 3 for k in areas) and all(len(v) == 2 for v in areas.values())
    assert all(len(v) == 3 for v in _membership("seutukunta").values())
    assert len(set(_membership("maakunta").values())) == 19

    for target in ("tyollisyysalue", "seutukunta", "maakunta"):
        for lang in basics.LANGUAGES:
            maps = _maps(target, lang)
            assert len(maps) == 308
            local_id = basics.correspondence_id(target, basics.CURRENT_CLASSIFICATION_DATE)
            for item in maps:
                assert item["correspondenceTable"]["localId"] == local_id
                for side in ("sourceItem", "targetItem"):
                    names = item[side]["classificationItemNames"]
                    assert [n["lang"] for n in names] == [lang] and names[0]["name"]
    oulu = {m["sourceItem"]["code"]: m for m in _maps("tyollisyysalue", "sv")}["564"]
    assert oulu["sourceItem"]["classificationItemNames"][0]["name"] == "Uleåborg"
    region_en = {m["sourceItem"]["code"]: m for m in _maps("maakunta", "en")}["564"]
    assert region_en["targetItem"] == {
        "code": "17",
        "classificationItemNames": [{"lang": "en", "name": "North Ostrobothnia"}],
    }


def test_regeneration_is_byte_identical(tmp_path: Path) -> None:
    """The committed snapshot is exactly what the generator produces."""
    written = gen.generate(tmp_path)
    # + aly, kony (current and archive listings) and TOL 2008 (business.py) + two yearly merger maps (mergers.py)
    # + two dated PRH all_companies ZIPs with their HTTP headers and the YRMU company-form list (ingestion/prh/)
    tol2025 = 5  # TOL 2025 items fi/sv/en, its maps to TOL 2008, the classifications list (industries2025.py)
    kela = 1  # the Data Package descriptor package.json beside data.csv (kela.py)
    earlier = 2 * 4  # two earlier releases: 12r5 patch and metadata, Kela package_show and data.csv (releases.py)
    assert len(written) == 26 + 11 + 2 + 5 + tol2025 + kela + earlier
    for path in written:
        rel = path.relative_to(tmp_path).as_posix()
        committed = (SNAPSHOT / rel).read_bytes()
        fresh = path.read_bytes()
        if rel.endswith(".zip"):
            # Same: compare member names, timestamps and payloads rather than the deflate stream.
            fresh_zip, committed_zip = zipfile.ZipFile(io.BytesIO(fresh)), zipfile.ZipFile(io.BytesIO(committed))
            assert [(i.filename, i.date_time) for i in fresh_zip.infolist()] == [
                (i.filename, i.date_time) for i in committed_zip.infolist()
            ], f"{rel}: members differ"
            for info in fresh_zip.infolist():
                assert fresh_zip.read(info) == committed_zip.read(info.filename), f"{rel} is stale"
        elif rel.endswith(".gz"):
            # Compare the payload: compressed bytes could differ under another zlib build.
            assert fresh[:10] == committed[:10], f"{rel}: gzip header differs"
            assert gzip.decompress(fresh) == gzip.decompress(committed), f"{rel} is stale"
        else:
            assert fresh == committed, f"{rel} is stale: run python -m ingestion.sample_snapshot.generate"


def _cube_frame(rel: str) -> tuple[dict[str, Any], np.ndarray]:
    doc = _load(rel)
    values = np.array([np.nan if v is None else v for v in doc["value"]], dtype=float).reshape(doc["size"])
    return doc, values


def test_population_cubes_add_up_and_match_their_metadata() -> None:
    """11re sums over sex, age and municipalities; 11ra's TA, MK and SSS rows equal the municipal sums."""
    from ingestion.sample_snapshot import population as pop

    re_doc, re_values = _cube_frame(f"{pop.SUBJECT_DIR}/11re.px.jsonstat2.json.gz")
    re_meta = _load(f"{pop.SUBJECT_DIR}/11re.px.meta.json")
    assert re_doc["id"] == [v["code"] for v in re_meta["variables"]]
    assert re_doc["id"][:3] == ["alue_23_20260101", "ikaryhma_10_20180101", "sukupuoli_9_20180101"]
    assert re_doc["updated"] == pop.UPDATED_11RE and "SAMPLE DATA" in re_doc["label"]
    areas = list(re_doc["dimension"]["alue_23_20260101"]["category"]["index"])
    assert areas[0] == "SSS" and len(areas) == 309
    v = re_values[..., 0]  # (area, age, sex, year)
    assert np.array_equal(v[:, :, 0, :], v[:, :, 1, :] + v[:, :, 2, :])
    assert np.array_equal(v[:, 0, :, :], v[:, 1:, :, :].sum(axis=1))
    assert np.array_equal(v[0], v[1:].sum(axis=0))

    ra_doc, ra_values = _cube_frame(f"{pop.SUBJECT_DIR}/11ra.px.jsonstat2.json.gz")
    ra_areas = list(ra_doc["dimension"]["alue_23_20260101"]["category"]["index"])
    population = dict(zip(ra_areas, ra_values[:, -1, 0], strict=True))  # 2025
    municipal = dict(zip(areas, v[:, 0, 0, -1], strict=True))
    members = [f"KU{code}" for code in TA24]
    assert population["TA24"] == sum(municipal[m] for m in members)
    assert population["SSS"] == municipal["SSS"]
    assert sum(1 for a in ra_areas if a.startswith("TA")) == 46
    assert population["KU564"] == municipal["KU564"]
    assert 150_000 < population["KU564"] < 300_000, "Oulu is the size of Oulu"


def test_occupation_cube_and_classification_agree() -> None:
    """12ti: the country is the sum of the true municipal values (≥ the visible ones), small cells are
    suppressed only in municipalities, and every occupation is a level-4 item of the classification."""
    from ingestion.sample_snapshot import occupations as occ

    doc, values = _cube_frame(occ.CUBE_PATH)
    meta = _load(occ.META_PATH)
    assert (
        doc["id"] == [v["code"] for v in meta["variables"]] == ["Alue", "Ammattiryhmä", "timeperiod_m", "contentscode"]
    )
    country, municipal = values[0], values[1:]
    assert not np.isnan(country).any()
    assert (np.nansum(municipal, axis=0) <= country).all()
    hidden = np.isnan(municipal)
    assert hidden.any() and set(doc["status"].values()) == {"..."}
    assert (country - np.nansum(municipal, axis=0) <= hidden.sum(axis=0) * PERSON_MAX_HIDDEN).all()
    items = {
        i["code"]: i
        for i in _load(f"classifications/v2/classifications/{occ.CLASSIFICATION_ID}/classificationItems.fi.json")
    }
    for code in doc["dimension"]["Ammattiryhmä"]["category"]["index"]:
        assert items[code]["level"] == 4
        parent = items[code]["parentCode"]
        while parent is not None:
            parent = items[parent]["parentCode"]


def test_earlier_releases_add_up_and_are_labelled_sample_data() -> None:
    """Each earlier 12r5 release ends earlier, carries an earlier stamp, moves a few cells by little and still
    adds up (region = Σ its municipalities' revisions); Kela's package is the labelled sample package."""
    newest = load_cube(SNAPSHOT / gen.CUBE_PATH)
    table = gen.CUBE_PATH.removesuffix(".jsonstat2.json.gz")
    regions = _membership("maakunta")
    stamps = []
    for name, back, updated, kela_stamp in releases.RELEASES:
        base = SNAPSHOT / releases.RELEASES_DIR / name
        earlier = load_release_cube(SNAPSHOT / gen.CUBE_PATH, base / f"{table}.release.json")
        stamps.append(updated)
        assert earlier.doc["updated"] == updated < basics.UPDATED
        assert earlier.codes["timeperiod_m"] == newest.codes["timeperiod_m"][:-back]
        now = newest.values[:, : -back or None, :]
        changed = ~np.isclose(earlier.values, now, equal_nan=True)
        assert 0 < changed.sum() < 0.005 * changed.size, "a few cells are revised"
        rel = np.abs(earlier.values[changed] - now[changed]) / now[changed]
        assert rel.max() < 0.05, "by little"
        area = {a: i for i, a in enumerate(earlier.codes["Alue"])}
        unemployed = earlier.codes["contentscode"].index("TYOTTOMATLOPUSSA")
        delta = earlier.values[:, :, unemployed] - now[:, :, unemployed]
        for region in {f"MK{g}" for g in regions.values()}:
            members = [area[f"KU{m}"] for m, g in regions.items() if f"MK{g}" == region]
            assert np.nansum(delta[members], axis=0) == pytest.approx(np.nan_to_num(delta[area[region]]))
        package = json.loads((base / releases.PACKAGE_PATH).read_bytes())
        assert "SAMPLE DATA" in package["result"]["title"]
        assert {r["last_modified"] for r in package["result"]["resources"]} == {kela_stamp}
    assert stamps == sorted(stamps)
