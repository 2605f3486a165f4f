"""Statistics Finland classification service: landing and tidying the items of one classification
(occupations, industries) and classification-to-classification correspondences (TOL 2025 → TOL 2008).

`classifications/{id}/classificationItems?content=data&meta=max&lang=xx` answers one language per call
with items `localId` (`ammatti_1_20100101/2512`), `level` (a float such as `4.0`, sometimes a string),
`code`, `order`, `parentItemLocalId`, `parentCode` and `classificationItemNames[{langName, lang, name}]`.
A level-0 item is the classification's total (`SSSSS` for occupations): it is kept with level 0 and no
parent, and is expected, not an error. Without `content=data` the service answers URIs only, which
fails here by name.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import requests

from ingestion.catalogue import (
    INDUSTRY_TOL2025_TOL2008,
    OCCUPATION_CLASSIFICATION,
    ClassificationItemsDataset,
    ItemCorrespondenceDataset,
)
from ingestion.classifications import (
    OBJECTS,
    SOURCE,
    ClassificationClient,
    ClassificationRef,
    correspondences_of,
    listed_text,
    map_items,
    parse_classification_id,
)
from ingestion.errors import SourceError
from ingestion.http import SourceSession, get_checked
from ingestion.jsonstat import load_json
from ingestion.landing import Landed, LandingVersion, fingerprint, read_manifest, unchanged_since
from ingestion.settings import Settings

ITEM_COLUMNS = ["code", "level", "parent_code"]


def fetch_items(session: SourceSession, base_url: str, classification_id: str, language: str) -> requests.Response:
    """GET one language of a classification's items, as objects."""
    url = f"{base_url.rstrip('/')}/classifications/{quote(classification_id, safe='_')}/classificationItems"
    return get_checked(session, SOURCE, url, params={**OBJECTS, "lang": language})


def _level(raw: Any, where: str, code: str) -> int:
    """`4.0`, `4`, `"4.0"` → 4; anything else (fractions, booleans, text) fails naming the item."""
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError) as exc:
        raise SourceError(SOURCE, f"{where} level", raw, f"item {code} has no numeric level") from exc
    if not math.isfinite(value) or not value.is_integer() or value < 0:
        raise SourceError(SOURCE, f"{where} level", raw, f"item {code} has no whole, non-negative level")
    return int(value)


def _text(raw: Any) -> str | None:
    """A code-like field as stripped text (numbers as digits); None when empty or not a scalar."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | str):
        return str(raw).strip() or None
    return None


def _parent(item: dict[str, Any], where: str, code: str) -> str | None:
    """`parentCode`, or the code part of `parentItemLocalId` (`ammatti_1_20100101/251`)."""
    parent = _text(item.get("parentCode"))
    if parent is not None:
        return parent
    local = item.get("parentItemLocalId")
    if local in (None, ""):
        return None
    if not isinstance(local, str):
        raise SourceError(SOURCE, f"{where} parentItemLocalId", local, f"item {code} has an unreadable parent")
    return local.rsplit("/", 1)[-1].strip() or None


def _item_name(item: dict[str, Any], where: str, code: str, language: str) -> str:
    names = item.get("classificationItemNames")
    if not isinstance(names, list):
        raise SourceError(SOURCE, f"{where} classificationItemNames", names, f"item {code} has no name list")
    for entry in names:
        name = entry.get("name") if isinstance(entry, dict) and entry.get("lang") == language else None
        if isinstance(name, str) and name.strip():
            return name.strip()
    raise SourceError(SOURCE, f"{where} classificationItemNames", code, f"no {language} name")


def parse_items(doc: Any, classification_id: str, language: str) -> pd.DataFrame:
    """Items → code, level, parent_code, name_<language>; fails naming the item that breaks the shape.

    The level-0 total is kept (level 0, no parent); items directly under it keep it as their parent.
    """
    where = f"{classification_id} classificationItems ({language})"
    if not isinstance(doc, list) or not doc:
        raise SourceError(SOURCE, where, type(doc).__name__, "expected a non-empty JSON array")
    rows = []
    for item in doc:
        if isinstance(item, str):
            raise SourceError(
                SOURCE, f"{where}[]", item, "a URI, not an item object: items must be asked with content=data&meta=max"
            )
        if not isinstance(item, dict):
            raise SourceError(SOURCE, f"{where}[]", item, "expected an item object")
        code = _text(item.get("code"))
        if code is None:
            raise SourceError(SOURCE, f"{where} code", item, "item has no code")
        level = _level(item.get("level"), where, code)
        parent = None if level == 0 else _parent(item, where, code)
        name = _item_name(item, where, code, language)
        rows.append({"code": code, "level": level, "parent_code": parent, f"name_{language}": name})
    frame = pd.DataFrame(rows)
    dupes = frame[frame.duplicated("code", keep=False)]
    if not dupes.empty:
        raise SourceError(SOURCE, f"{where} code", dupes["code"].iloc[0], "code listed twice")
    orphans = frame[frame["parent_code"].notna() & ~frame["parent_code"].isin(frame["code"])]
    if not orphans.empty:
        row = orphans.iloc[0]
        raise SourceError(SOURCE, f"{where} parentCode", row["parent_code"], f"parent of {row['code']} is not an item")
    return frame


def choose_classification(ids: list[str], name_prefix: str, year: int, on: date) -> str:
    """The newest listed `<name_prefix>…_<n>_<year>MMDD` classification valid on `on`.

    Fails in one sentence listing the classifications with that prefix that were seen.
    """
    refs = [r for r in (parse_classification_id(i) for i in ids) if r is not None]
    matching = [r for r in refs if r.local_id.startswith(name_prefix)]
    valid = [r for r in matching if r.valid_from.year == year and r.valid_from <= on]
    if not valid:
        raise SourceError(
            SOURCE,
            "classifications",
            f"{name_prefix}*_{year}*",
            f"no such classification valid on {on.isoformat()} is listed; {name_prefix}* seen: "
            f"{listed_text(sorted(r.local_id for r in matching))}",
        )
    return max(valid).local_id


def choose_item_correspondence(ids: list[str], source: ClassificationRef, target_id: str) -> str:
    """The listed correspondence from the classification `source` to `target_id` (chosen by listing, newest first)."""
    listed = correspondences_of(ids)
    candidates = [c for c in listed if c.source == source and c.target.local_id == target_id]
    if not candidates:
        related = sorted(c.local_id for c in listed if target_id in (c.source.local_id, c.target.local_id))
        raise SourceError(
            SOURCE,
            "correspondenceTables",
            f"{source.local_id}#{target_id}",
            f"no such correspondence table listed; tables with {target_id} seen: {listed_text(related)}",
        )
    return max(candidates, key=lambda c: c.target).local_id


def parse_item_maps(doc: Any, local_id: str) -> pd.DataFrame:
    """A classification-to-classification correspondence's maps → source_code, target_code (one row per pair)."""
    rows = []
    for source_item, target_item in map_items(doc, local_id):
        source_code, target_code = _text(source_item.get("code")), _text(target_item.get("code"))
        if source_code is None:
            raise SourceError(SOURCE, f"{local_id} maps sourceItem.code", source_item.get("code"), "map has no code")
        if target_code is None:
            raise SourceError(SOURCE, f"{local_id} maps targetItem.code", target_item.get("code"), "map has no code")
        rows.append({"source_code": source_code, "target_code": target_code})
    return pd.DataFrame(rows).drop_duplicates(ignore_index=True)


# --- Classification items (occupations) ----------------------------------------------------------


def resolve_classification_id(
    settings: Settings, session: SourceSession, dataset: ClassificationItemsDataset, on: date | None = None
) -> tuple[str, requests.Response | None]:
    """The dataset's classification id: the catalogued one, or (with `id_prefix`) the newest listed match."""
    if dataset.id_prefix is None or dataset.id_year is None:
        return dataset.classification_id, None
    client = ClassificationClient(session, settings.classification_base_url)
    ids, response = client.list_classifications()
    return choose_classification(ids, dataset.id_prefix, dataset.id_year, on or date.today()), response


def land_classification_items(
    settings: Settings,
    session: SourceSession,
    dataset: ClassificationItemsDataset = OCCUPATION_CLASSIFICATION,
    on: date | None = None,
) -> Landed:
    """Fetch a classification's items in every language into landing.

    Incremental: a classification is versioned by its id (a revision gets a new id), so once a version
    of this id has landed the items are not downloaded again. A dataset with `id_prefix` lists the
    classifications first (one small request) to find its id.
    """
    classification_id, listing = resolve_classification_id(settings, session, dataset, on)
    stamp = classification_id_date(classification_id)
    print_ = fingerprint({"classification": classification_id, "languages": list(dataset.languages)})
    same = unchanged_since(settings, dataset.source, dataset.name, print_, stamp)
    if same is not None:
        return same
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        if listing is not None:
            version.add("classifications.json", listing)
        counts = {}
        for language in dataset.languages:
            response = fetch_items(session, settings.classification_base_url, classification_id, language)
            items = parse_items(load_json(response.content, classification_id), classification_id, language)
            counts[language] = len(items)
            version.add(f"items.{language}.json", response, query={"lang": language})
        if len(set(counts.values())) != 1:
            raise SourceError(classification_id, "items per language", counts, "languages list different items")
        version.manifest.source_updated = stamp
        version.manifest.details = {
            "classification_id": classification_id,
            "languages": list(dataset.languages),
            "items": counts[dataset.languages[0]],
            "latest_period": stamp,
            "fingerprint": print_,
        }
    return Landed(version.final_dir, version.manifest)


def classification_id_date(classification_id: str) -> str:
    """The validity date in an id like `ammatti_1_20100101`, as ISO (the classification's version)."""
    raw = classification_id.rsplit("_", 1)[-1]
    if not (len(raw) == 8 and raw.isdigit()):
        raise SourceError("classification service", "classification id", classification_id, "no _YYYYMMDD suffix")
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"


def tidy_classification_items(
    version_dir: Path, dataset: ClassificationItemsDataset = OCCUPATION_CLASSIFICATION
) -> pd.DataFrame:
    """One row per classification item with its level, parent and names in every language."""
    manifest = read_manifest(version_dir)
    merged: pd.DataFrame | None = None
    classification_id = str(manifest.details["classification_id"])
    for language in manifest.details["languages"]:
        raw = (version_dir / f"items.{language}.json").read_bytes()
        part = parse_items(load_json(raw, classification_id), classification_id, language)
        if merged is None:
            merged = part
            continue
        merged = merged.merge(part, on=["code", "level", "parent_code"], how="outer", validate="one_to_one")
    assert merged is not None
    gaps = merged[merged.isna().drop(columns="parent_code").any(axis=1)]
    if not gaps.empty:
        raise SourceError(classification_id, "code", gaps["code"].iloc[0], "item differs between languages")
    merged["classification_id"] = manifest.details["classification_id"]
    merged["loaded_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    merged["is_sample_data"] = manifest.mode == "sample"
    columns = ["code", "level", "parent_code", "name_fi", "name_sv", "name_en"]
    merged = merged[[*columns, "classification_id", "loaded_at", "is_sample_data"]]
    return merged.sort_values(["level", "code"], ignore_index=True)


def land_item_correspondence(
    settings: Settings,
    session: SourceSession,
    dataset: ItemCorrespondenceDataset = INDUSTRY_TOL2025_TOL2008,
    on: date | None = None,
) -> Landed:
    """Fetch a classification-to-classification correspondence (Finnish maps) into landing, chosen by listing.

    The source classification is found by listing `classifications` (as its items dataset does), the
    table by listing `correspondenceTables`; incremental like the items: a correspondence is versioned
    by its id.
    """
    client = ClassificationClient(session, settings.classification_base_url)
    source_id, _ = resolve_classification_id(settings, session, dataset.from_classification, on)
    source = parse_classification_id(source_id)
    if source is None:
        raise SourceError(dataset.source, "classification id", source_id, "not of the form <name>_<n>_YYYYMMDD")
    ids, listing = client.list_correspondences()
    local_id = choose_item_correspondence(ids, source, dataset.target_id)
    stamp = source.valid_from.isoformat()
    print_ = fingerprint({"correspondence": local_id})
    same = unchanged_since(settings, dataset.source, dataset.name, print_, stamp)
    if same is not None:
        return same
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        version.add("correspondence_tables.json", listing)
        response = client.maps(local_id, "fi")
        maps = parse_item_maps(load_json(response.content, local_id), local_id)
        version.add("maps.fi.json", response, query={"localId": local_id, "lang": "fi"})
        version.manifest.source_updated = stamp
        version.manifest.details = {
            "correspondence": local_id,
            "maps": len(maps),
            "latest_period": stamp,
            "fingerprint": print_,
        }
    return Landed(version.final_dir, version.manifest)


def tidy_item_correspondence(version_dir: Path) -> pd.DataFrame:
    """One row per (source code, target code) pair of the landed correspondence, with its id."""
    manifest = read_manifest(version_dir)
    local_id = str(manifest.details["correspondence"])
    frame = parse_item_maps(load_json((version_dir / "maps.fi.json").read_bytes(), local_id), local_id)
    source_id, _, target_id = local_id.partition("#")
    frame["source_classification_id"] = source_id
    frame["target_classification_id"] = target_id
    frame["loaded_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    frame["is_sample_data"] = manifest.mode == "sample"
    return frame.sort_values(["source_code", "target_code"], ignore_index=True)
