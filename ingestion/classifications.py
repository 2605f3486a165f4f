"""Statistics Finland classification service: municipality correspondences with names.

The employment-area mapping comes from here in live mode (and from the recorded snapshot in sample
mode) — never from a hand-typed list.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote

import pandas as pd
import requests

from ingestion.errors import SourceError
from ingestion.http import SourceSession, get_checked
from ingestion.jsonstat import load_json

SOURCE = "Statistics Finland classification service"
LOCAL_ID = re.compile(r"^kunta_1_(\d{8})#(\w+?)_1_(\d{8})$")
PREFIX = {"tyollisyysalue": ("TA", 2), "seutukunta": ("SK", 3), "maakunta": ("MK", 2)}
COLUMN = {"tyollisyysalue": "employment_area", "seutukunta": "subregion", "maakunta": "region"}


class ClassificationClient:
    """Reads correspondence tables from the classification service."""

    def __init__(self, session: SourceSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")

    def list_correspondences(self) -> tuple[list[dict[str, Any]], requests.Response]:
        response = get_checked(self.session, SOURCE, f"{self.base_url}/correspondenceTables", params={"format": "json"})
        doc = load_json(response.content, f"{SOURCE} correspondenceTables")
        if not isinstance(doc, list):
            raise SourceError(SOURCE, "correspondenceTables", type(doc).__name__, "expected a JSON array")
        return doc, response

    def maps(self, local_id: str, language: str) -> requests.Response:
        url = f"{self.base_url}/correspondenceTables/{quote(local_id, safe='_')}/maps"
        return get_checked(self.session, SOURCE, url, params={"format": "json", "lang": language})


def local_id_of(entry: dict[str, Any]) -> str:
    """The `kunta_1_YYYYMMDD#target_1_YYYYMMDD` id of a list entry (from `localId` or its URL)."""
    if entry.get("localId"):
        return str(entry["localId"])
    url = str(entry.get("url", ""))
    return url.rsplit("/", 1)[-1].replace("%23", "#")


def choose_correspondence(entries: list[dict[str, Any]], target: str, on: date) -> str:
    """The newest kunta→target table valid on `on`; fails naming the target when none exists."""
    candidates = []
    for entry in entries:
        match = LOCAL_ID.match(local_id_of(entry))
        if (
            match
            and match.group(2) == target
            and match.group(1) == match.group(3)
            and match.group(1) <= on.strftime("%Y%m%d")
        ):
            candidates.append(match.group(0))
    if not candidates:
        raise SourceError(
            SOURCE, "correspondenceTables", f"kunta_1_*#{target}_1_*", "no such correspondence table listed"
        )
    return max(candidates)


def _name(item: dict[str, Any], language: str) -> str | None:
    names = item.get("classificationItemNames") or []
    for entry in names:
        if entry.get("lang") == language:
            return entry.get("name")
    return names[0].get("name") if names else None


def _code(raw: Any, target: str, local_id: str) -> str:
    prefix, width = PREFIX.get(target, ("KU", 3))
    text = str(raw).strip()
    if not text.isdigit():
        raise SourceError(SOURCE, f"{local_id} code", raw, "expected a numeric classification code")
    return f"{prefix}{int(text):0{width}d}"


def parse_maps(doc: Any, local_id: str, target: str, language: str) -> pd.DataFrame:
    """One correspondence's maps → municipality_code, <target>_code and names in one language."""
    if not isinstance(doc, list) or not doc:
        raise SourceError(SOURCE, f"{local_id} maps", type(doc).__name__, "expected a non-empty JSON array")
    column = COLUMN[target]
    rows = []
    for entry in doc:
        try:
            source_item, target_item = entry["sourceItem"], entry["targetItem"]
        except (KeyError, TypeError) as exc:
            raise SourceError(SOURCE, f"{local_id} maps[]", entry, "entry lacks sourceItem/targetItem") from exc
        rows.append(
            {
                "municipality_code": _code(source_item.get("code"), "kunta", local_id),
                f"municipality_name_{language}": _name(source_item, language),
                f"{column}_code": _code(target_item.get("code"), target, local_id),
                f"{column}_name_{language}": _name(target_item, language),
            }
        )
    frame = pd.DataFrame(rows)
    dupes = frame[frame.duplicated("municipality_code", keep=False)]
    if not dupes.empty:
        raise SourceError(
            SOURCE, f"{local_id} sourceItem.code", dupes["municipality_code"].iloc[0], "municipality mapped twice"
        )
    return frame


def classification_date(local_id: str) -> date:
    stamp = LOCAL_ID.match(local_id)
    if not stamp:
        raise SourceError(SOURCE, "localId", local_id, "not of the form kunta_1_YYYYMMDD#target_1_YYYYMMDD")
    raw = stamp.group(1)
    return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
