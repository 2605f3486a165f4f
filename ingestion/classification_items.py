"""Statistics Finland classification service: the items of one classification (occupations, industries).

`classifications/{id}/classificationItems?content=data&meta=max&lang=xx` answers one language per call
with items `localId` (`ammatti_1_20100101/2512`), `level` (a float such as `4.0`, sometimes a string),
`code`, `order`, `parentItemLocalId`, `parentCode` and `classificationItemNames[{langName, lang, name}]`.
A level-0 item is the classification's total (`SSSSS` for occupations): it is kept with level 0 and no
parent, and is expected, not an error. Without `content=data` the service answers URIs only, which
fails here by name.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any
from urllib.parse import quote

import pandas as pd
import requests

from ingestion.classifications import (
    OBJECTS,
    SOURCE,
    ClassificationRef,
    correspondences_of,
    listed_text,
    map_items,
    parse_classification_id,
)
from ingestion.errors import SourceError
from ingestion.http import SourceSession, get_checked

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
