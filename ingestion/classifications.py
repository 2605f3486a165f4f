"""Statistics Finland classification service: municipality correspondences with names.

The employment-area mapping comes from here in live mode (and from the recorded snapshot in sample
mode) — never from a hand-typed list.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
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


# Municipal mergers take effect on 1 January. The service's municipality-to-municipality
# correspondence of two consecutive years (`kunta_1_20200101#kunta_1_20210101`) maps every
# municipality of the earlier year to the one it belongs to a year later: itself, or the municipality
# it merged into (Valtimo KU911 → Nurmes KU541 on 1.1.2020, Honkajoki KU099 → Kankaanpää KU214 on
# 1.1.2021).
SUCCESSION_ID = re.compile(r"^kunta_1_(\d{4})0101#kunta_1_(\d{4})0101$")
HARMONISATION_COLUMNS = ["valid_year", "municipality_code", "current_municipality_code", "is_merged"]


def choose_successions(entries: list[dict[str, Any]], first_year: int, current_year: int) -> dict[int, str]:
    """Year Y → the listed `kunta_1_Y0101#kunta_1_(Y+1)0101` table, for every Y from first_year to current_year − 1.

    A year without such a table is left out: no municipality changed at its end (the caller checks
    that against the year's own municipality list where it has one).
    """
    chosen = {}
    for entry in entries:
        match = SUCCESSION_ID.match(local_id_of(entry))
        if (
            match
            and int(match.group(2)) == int(match.group(1)) + 1
            and first_year <= int(match.group(1)) < current_year
        ):
            chosen[int(match.group(1))] = match.group(0)
    return dict(sorted(chosen.items()))


def parse_successions(doc: Any, local_id: str) -> pd.DataFrame:
    """One year's municipality correspondence → valid_year, municipality_code, successor_code."""
    match = SUCCESSION_ID.match(local_id)
    if not match:
        raise SourceError(SOURCE, "localId", local_id, "not of the form kunta_1_YYYY0101#kunta_1_YYYY0101")
    if not isinstance(doc, list) or not doc:
        raise SourceError(SOURCE, f"{local_id} maps", type(doc).__name__, "expected a non-empty JSON array")
    rows = []
    for entry in doc:
        try:
            source_item, target_item = entry["sourceItem"], entry["targetItem"]
        except (KeyError, TypeError) as exc:
            raise SourceError(SOURCE, f"{local_id} maps[]", entry, "entry lacks sourceItem/targetItem") from exc
        rows.append(
            {
                "valid_year": int(match.group(1)),
                "municipality_code": _code(source_item.get("code"), "kunta", local_id),
                "successor_code": _code(target_item.get("code"), "kunta", local_id),
            }
        )
    frame = pd.DataFrame(rows)
    dupes = frame[frame.duplicated("municipality_code", keep=False)]
    if not dupes.empty:
        raise SourceError(
            SOURCE,
            f"{local_id} sourceItem.code",
            dupes["municipality_code"].iloc[0],
            "municipality split between successors; only whole-municipality mergers are supported",
        )
    return frame


def harmonise(successions: pd.DataFrame, current_codes: set[str], first_year: int, current_year: int) -> pd.DataFrame:
    """Every (year, municipality valid that year) → today's municipality, by following the yearly successions.

    Years without a succession table carry every code over unchanged. A chain that ends in a code
    missing from today's classification fails, naming the year and code.
    """
    rows = []
    by_year = {
        int(y): dict(zip(f["municipality_code"], f["successor_code"], strict=True))
        for y, f in successions.groupby("valid_year")
    }
    for year in range(first_year, current_year + 1):
        codes = set(current_codes) if year == current_year else set(by_year.get(year, {})) or None
        if codes is None:
            # no table for this year: the year's municipalities are those of the next year with a table, or today's
            later = [y for y in by_year if y > year]
            codes = set(by_year[min(later)]) if later else set(current_codes)
        for code in sorted(codes):
            current = code
            for step in range(year, current_year):
                current = by_year.get(step, {}).get(current, current)
            if current not in current_codes:
                raise SourceError(
                    SOURCE,
                    f"kunta_1_{year}0101 municipality_code",
                    code,
                    f"maps to {current}, not a municipality today",
                )
            rows.append((year, code, current, current != code))
    return pd.DataFrame(rows, columns=HARMONISATION_COLUMNS)


def land_successions(client: ClassificationClient, version: Any, successions: dict[int, str]) -> None:
    """Fetch each chosen yearly municipality correspondence (Finnish) into the landing `version`, checked."""
    for year, local_id in successions.items():
        response = client.maps(local_id, "fi")
        parse_successions(load_json(response.content, local_id), local_id)
        version.add(f"succession.{year}.json", response, query={"localId": local_id, "lang": "fi"})


def tidy_municipality_harmonisation(version_dir: Path) -> pd.DataFrame:
    """The landed yearly correspondences → one row per (year, municipality valid then) with today's municipality.

    Today's municipalities are those of the landed current employment-area correspondence; the years
    run from the first year of the history window to the current classification's year.
    """
    from ingestion.landing import read_manifest

    manifest = read_manifest(version_dir)
    current_id = manifest.details["correspondences"]["tyollisyysalue"]
    current = parse_maps(
        load_json((version_dir / "tyollisyysalue.fi.json").read_bytes(), current_id), current_id, "tyollisyysalue", "fi"
    )
    current_year = classification_date(current_id).year
    successions: dict[str, str] = manifest.details.get("successions") or {}
    first_year = int(manifest.details.get("first_year") or current_year)
    parts = [
        parse_successions(load_json((version_dir / f"succession.{year}.json").read_bytes(), local_id), local_id)
        for year, local_id in successions.items()
    ]
    frames = parts or [pd.DataFrame(columns=["valid_year", "municipality_code", "successor_code"])]
    frame = harmonise(pd.concat(frames, ignore_index=True), set(current["municipality_code"]), first_year, current_year)
    frame["valid_year"] = frame["valid_year"].astype("int32")
    frame["is_merged"] = frame["is_merged"].astype(bool)
    frame["source_table"] = ";".join([*successions.values(), current_id])
    frame["loaded_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    frame["is_sample_data"] = manifest.mode == "sample"
    return frame
