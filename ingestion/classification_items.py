"""Statistics Finland classification service: the items of one classification (occupations, industries).

`classifications/{id}/classificationItems?content=data&meta=max&lang=xx` answers one language per call
with items `code`, `level`, `parentCode` and `classificationItemNames[{lang, name}]`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pandas as pd
import requests

from ingestion.classifications import SOURCE
from ingestion.errors import SourceError
from ingestion.http import SourceSession, get_checked


def fetch_items(session: SourceSession, base_url: str, classification_id: str, language: str) -> requests.Response:
    """GET one language of a classification's items."""
    url = f"{base_url.rstrip('/')}/classifications/{quote(classification_id, safe='_')}/classificationItems"
    params = {"content": "data", "meta": "max", "lang": language, "format": "json"}
    return get_checked(session, SOURCE, url, params=params)


def parse_items(doc: Any, classification_id: str, language: str) -> pd.DataFrame:
    """Items → code, level, parent_code, name_<language>; fails naming the item that breaks the shape."""
    where = f"{classification_id} classificationItems ({language})"
    if not isinstance(doc, list) or not doc:
        raise SourceError(SOURCE, where, type(doc).__name__, "expected a non-empty JSON array")
    rows = []
    for item in doc:
        if not isinstance(item, dict) or not str(item.get("code") or "").strip():
            raise SourceError(SOURCE, f"{where} code", item, "item has no code")
        try:
            level = int(item["level"])
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(SOURCE, f"{where} level", item.get("level"), f"item {item['code']} has no level") from exc
        names = item.get("classificationItemNames") or []
        name = next((n.get("name") for n in names if n.get("lang") == language), None)
        if not name:
            raise SourceError(SOURCE, f"{where} classificationItemNames", item["code"], f"no {language} name")
        parent = item.get("parentCode")
        rows.append(
            {
                "code": str(item["code"]).strip(),
                "level": level,
                "parent_code": str(parent).strip() if parent not in (None, "") else None,
                f"name_{language}": name.strip(),
            }
        )
    frame = pd.DataFrame(rows)
    dupes = frame[frame.duplicated("code", keep=False)]
    if not dupes.empty:
        raise SourceError(SOURCE, f"{where} code", dupes["code"].iloc[0], "code listed twice")
    orphans = frame[frame["parent_code"].notna() & ~frame["parent_code"].isin(frame["code"])]
    if not orphans.empty:
        row = orphans.iloc[0]
        raise SourceError(SOURCE, f"{where} parentCode", row["parent_code"], f"parent of {row['code']} is not an item")
    return frame
