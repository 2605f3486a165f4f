"""Statistics Finland classification service: the client, and landing and tidying municipality
correspondences with names (municipality_areas) and the mergers between them (municipality_harmonisation).

The employment-area mapping comes from here in live mode (and from the recorded snapshot in sample
mode) — never from a hand-typed list. The service's list endpoints answer with JSON arrays of URI
strings (`…/correspondenceTables/kunta_1_20260101#tyollisyysalue_1_20260101?format=json`, the `#`
literal or `%23`); objects come only with `content=data&meta=max&lang=xx`. Ids are read from either,
and correspondences are chosen from the list by their parts, never from a guessed id or date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pandas as pd
import requests

from ingestion.catalogue import MUNICIPALITY_AREAS
from ingestion.errors import SourceError
from ingestion.http import SourceSession, get_checked
from ingestion.jsonstat import load_json
from ingestion.landing import Landed, LandingVersion, fingerprint, read_manifest, unchanged_since
from ingestion.settings import Settings

SOURCE = "Statistics Finland classification service"
# `<name>_<n>_<YYYYMMDD>`, e.g. kunta_1_20260101, toimiala_1_20250101, tyollisyysalue_1_20250101
CLASSIFICATION_ID = re.compile(r"^([a-z][a-z0-9_]*?)_(\d+)_(\d{8})$")
PREFIX = {"tyollisyysalue": ("TA", 2), "seutukunta": ("SK", 3), "maakunta": ("MK", 2)}
COLUMN = {"tyollisyysalue": "employment_area", "seutukunta": "subregion", "maakunta": "region"}
OBJECTS = {"content": "data", "meta": "max", "format": "json"}
ID_KEYS = ("localId", "id", "uri", "url", "href")


@dataclass(frozen=True, order=True)
class ClassificationRef:
    """A classification id split into its parts; orders by date, then version number."""

    valid_from: date
    number: int
    name: str
    local_id: str


def parse_classification_id(text: str) -> ClassificationRef | None:
    """`kunta_1_20260101` → its name, number and validity date; None when the text is not such an id."""
    match = CLASSIFICATION_ID.match(text.strip())
    if not match:
        return None
    raw = match.group(3)
    try:
        valid_from = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return None
    return ClassificationRef(valid_from, int(match.group(2)), match.group(1), match.group(0))


def _after(uri: str, marker: str) -> str:
    """The part of a (decoded) URI after `/<marker>/`, without the query string."""
    text = unquote(uri).strip()
    head = text.split("?", 1)[0]
    if f"/{marker}/" in head:
        # the last occurrence: the canonical path itself contains `/classifications/`
        return head.rsplit(f"/{marker}/", 1)[1].strip("/")
    return head.strip("/")


def id_from_entry(entry: Any, marker: str, where: str) -> str:
    """The id of one list entry: a URI string or an object with `localId`/`url`; anything else fails by name.

    `marker` is the path segment before the id (`correspondenceTables`, `classifications`); URIs may
    carry the canonical host, a literal `#` or `%23`, and a `?format=json` suffix.
    """
    if isinstance(entry, str):
        text = entry
    elif isinstance(entry, dict):
        found = next((entry[k] for k in ID_KEYS if isinstance(entry.get(k), str) and entry[k].strip()), None)
        if found is None:
            raise SourceError(SOURCE, f"{where}[]", entry, f"entry has none of {', '.join(ID_KEYS)}")
        text = found
    else:
        raise SourceError(SOURCE, f"{where}[]", entry, "expected a URI string or an object")
    local_id = _after(text, marker).split("/", 1)[0]
    if not local_id:
        raise SourceError(SOURCE, f"{where}[]", entry, "no id in the entry")
    return local_id


def ids_from_list(doc: Any, marker: str) -> list[str]:
    """Every id of a list endpoint's answer (URI strings or objects), in listed order, without repeats."""
    if not isinstance(doc, list):
        raise SourceError(SOURCE, marker, type(doc).__name__, "expected a JSON array")
    return list(dict.fromkeys(id_from_entry(entry, marker, marker) for entry in doc))


@dataclass(frozen=True)
class Correspondence:
    """A correspondence table id `<source>#<target>` with both sides parsed."""

    local_id: str
    source: ClassificationRef
    target: ClassificationRef


def parse_correspondence_id(local_id: str) -> Correspondence | None:
    """`kunta_1_20260101#tyollisyysalue_1_20260101` → both sides; None when it is not of that form."""
    parts = local_id.split("#") if isinstance(local_id, str) else []
    if len(parts) != 2:
        return None
    source, target = parse_classification_id(parts[0]), parse_classification_id(parts[1])
    if source is None or target is None:
        return None
    return Correspondence(f"{source.local_id}#{target.local_id}", source, target)


def correspondences_of(ids: list[str]) -> list[Correspondence]:
    """The listed ids that are correspondence tables of two `<name>_<n>_<date>` classifications."""
    return [c for c in (parse_correspondence_id(i) for i in ids) if c is not None]


def listed_text(ids: list[str], limit: int = 12) -> str:
    """Ids for an error message: the first `limit`, then how many in all."""
    shown = ", ".join(ids[:limit])
    return f"{shown}, … ({len(ids)} in all)" if len(ids) > limit else shown or "nothing"


class ClassificationClient:
    """Reads correspondence tables and classification lists from the classification service."""

    def __init__(self, session: SourceSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")

    def list_correspondences(self) -> tuple[list[str], requests.Response]:
        """Every listed correspondence-table id (`src#target`), from URI strings or objects."""
        response = get_checked(self.session, SOURCE, f"{self.base_url}/correspondenceTables", params={"format": "json"})
        doc = load_json(response.content, f"{SOURCE} correspondenceTables")
        return ids_from_list(doc, "correspondenceTables"), response

    def list_classifications(self) -> tuple[list[str], requests.Response]:
        """Every listed classification id, from URI strings or objects."""
        response = get_checked(self.session, SOURCE, f"{self.base_url}/classifications", params={"format": "json"})
        doc = load_json(response.content, f"{SOURCE} classifications")
        return ids_from_list(doc, "classifications"), response

    def maps(self, local_id: str, language: str) -> requests.Response:
        """A correspondence's maps as objects (`content=data&meta=max`) in one language."""
        url = f"{self.base_url}/correspondenceTables/{quote(local_id, safe='_')}/maps"
        return get_checked(self.session, SOURCE, url, params={**OBJECTS, "lang": language})


def current_municipality_classification(correspondences: list[Correspondence], on: date) -> ClassificationRef:
    """The newest listed `kunta_…` classification valid on `on` (as source or target of any correspondence)."""
    seen = [side for c in correspondences for side in (c.source, c.target) if side.name == "kunta"]
    valid = [ref for ref in seen if ref.valid_from <= on]
    if not valid:
        listed = sorted({ref.local_id for ref in seen})
        raise SourceError(
            SOURCE,
            "correspondenceTables",
            f"kunta_* valid on {on.isoformat()}",
            f"no municipality classification valid then is listed; seen: {listed_text(listed)}",
        )
    return max(valid)


def choose_correspondence(ids: list[str], target: str, on: date) -> str:
    """The correspondence from today's municipality classification to the newest valid `target…` classification.

    Chosen by listing: the source is the newest `kunta_…` valid on `on`, the target's name starts with
    `target` and is valid on `on`. Fails in one sentence listing the correspondences of that source seen.
    """
    correspondences = correspondences_of(ids)
    municipality = current_municipality_classification(correspondences, on)
    of_source = [c for c in correspondences if c.source == municipality]
    candidates = [c for c in of_source if c.target.name.startswith(target) and c.target.valid_from <= on]
    if not candidates:
        raise SourceError(
            SOURCE,
            "correspondenceTables",
            f"{municipality.local_id}#{target}_*",
            f"no such correspondence table listed; tables from {municipality.local_id} seen: "
            f"{listed_text(sorted(c.local_id for c in of_source))}",
        )
    return max(candidates, key=lambda c: c.target).local_id


def _name(item: dict[str, Any], language: str) -> str | None:
    """The item's name in `language` (else its first name); None when the names are missing or odd."""
    names = item.get("classificationItemNames")
    if not isinstance(names, list):
        return None
    texts = [(n.get("lang"), n.get("name")) for n in names if isinstance(n, dict) and isinstance(n.get("name"), str)]
    return next((name for lang, name in texts if lang == language), texts[0][1] if texts else None)


def _code(raw: Any, target: str, local_id: str) -> str:
    prefix, width = PREFIX.get(target, ("KU", 3))
    text = str(raw).strip() if isinstance(raw, str | int) else ""
    if not text.isdigit():
        raise SourceError(SOURCE, f"{local_id} code", raw, "expected a numeric classification code")
    return f"{prefix}{int(text):0{width}d}"


def map_items(doc: Any, local_id: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The (sourceItem, targetItem) objects of a maps answer; URI strings or other shapes fail by name."""
    where = f"{local_id} maps"
    if not isinstance(doc, list) or not doc:
        raise SourceError(SOURCE, where, type(doc).__name__, "expected a non-empty JSON array")
    pairs = []
    for entry in doc:
        if isinstance(entry, str):
            raise SourceError(
                SOURCE, f"{where}[]", entry, "a URI, not a map object (maps are asked with content=data&meta=max)"
            )
        source_item = entry.get("sourceItem") if isinstance(entry, dict) else None
        target_item = entry.get("targetItem") if isinstance(entry, dict) else None
        if not isinstance(source_item, dict) or not isinstance(target_item, dict):
            raise SourceError(SOURCE, f"{where}[]", entry, "entry lacks sourceItem/targetItem objects")
        pairs.append((source_item, target_item))
    return pairs


def parse_maps(doc: Any, local_id: str, target: str, language: str) -> pd.DataFrame:
    """One correspondence's maps → municipality_code, <target>_code and names in one language."""
    column = COLUMN[target]
    rows = []
    for source_item, target_item in map_items(doc, local_id):
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
    """The validity date of a correspondence's source classification (`kunta_1_YYYYMMDD#…`)."""
    parsed = parse_correspondence_id(local_id)
    if parsed is None:
        raise SourceError(SOURCE, "localId", local_id, "not of the form <name>_<n>_YYYYMMDD#<name>_<n>_YYYYMMDD")
    return parsed.source.valid_from


# Municipal mergers take effect on 1 January. The service's municipality-to-municipality
# correspondence of two consecutive years (`kunta_1_20200101#kunta_1_20210101`) maps every
# municipality of the earlier year to the one it belongs to a year later: itself, or the municipality
# it merged into (Valtimo KU911 → Nurmes KU541 on 1.1.2020, Honkajoki KU099 → Kankaanpää KU214 on
# 1.1.2021).
HARMONISATION_COLUMNS = ["valid_year", "municipality_code", "current_municipality_code", "is_merged"]


def _succession(local_id: str) -> Correspondence | None:
    parsed = parse_correspondence_id(local_id)
    if parsed is None or parsed.source.name != "kunta" or parsed.target.name != "kunta":
        return None
    if parsed.target.valid_from.year != parsed.source.valid_from.year + 1:
        return None
    return parsed


def choose_successions(ids: list[str], first_year: int, current_year: int) -> dict[int, str]:
    """Year Y → the listed `kunta_…_Y…#kunta_…_(Y+1)…` table, for every Y from first_year to current_year − 1.

    Found by listing (any version number, any date in the year); where a year has several, the newest
    pair wins. A year without such a table is left out: no municipality changed at its end.
    """
    chosen: dict[int, Correspondence] = {}
    for item in ids:
        parsed = _succession(item)
        if parsed is None or not first_year <= parsed.source.valid_from.year < current_year:
            continue
        year = parsed.source.valid_from.year
        if year not in chosen or (parsed.source, parsed.target) > (chosen[year].source, chosen[year].target):
            chosen[year] = parsed
    return {year: chosen[year].local_id for year in sorted(chosen)}


def parse_successions(doc: Any, local_id: str) -> pd.DataFrame:
    """One year's municipality correspondence → valid_year, municipality_code, successor_code."""
    parsed = _succession(local_id)
    if parsed is None:
        raise SourceError(SOURCE, "localId", local_id, "not of the form kunta_<n>_YYYY….#kunta_<n>_(YYYY+1)…")
    rows = [
        {
            "valid_year": parsed.source.valid_from.year,
            "municipality_code": _code(source_item.get("code"), "kunta", local_id),
            "successor_code": _code(target_item.get("code"), "kunta", local_id),
        }
        for source_item, target_item in map_items(doc, local_id)
    ]
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


# --- Classification service --------------------------------------------------------------------


def land_municipality_areas(settings: Settings, session: SourceSession, on: date | None = None) -> Landed:
    """Fetch the current municipality correspondences (fi, sv, en) into landing.

    Incremental: the correspondence list (one small request) names the tables valid today; when they
    are the ones of the last good version, the maps are not downloaded again.
    """
    dataset = MUNICIPALITY_AREAS
    client = ClassificationClient(session, settings.classification_base_url)
    on = on or date.today()
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        entries, response = client.list_correspondences()
        version.add("correspondence_tables.json", response)
        chosen = {target: choose_correspondence(entries, target, on) for target in dataset.targets}
        stamp = max(classification_date(i) for i in chosen.values()).isoformat()
        # Municipal mergers: every yearly municipality correspondence listed up to the current year
        # (not only the history window's, so that a different TILANNEKUVA_HISTORY_START is no change).
        successions = choose_successions(entries, 0, int(stamp[:4]))
        print_ = fingerprint(
            {"correspondences": chosen, "languages": list(dataset.languages), "successions": successions}
        )
        same = unchanged_since(settings, dataset.source, dataset.name, print_, stamp)
        if same is not None:
            version.discard()
            return same
        for target, local_id in chosen.items():
            for language in dataset.languages:
                response = client.maps(local_id, language)
                parse_maps(load_json(response.content, local_id), local_id, target, language)
                version.add(f"{target}.{language}.json", response, query={"localId": local_id, "lang": language})
        land_successions(client, version, successions)
        version.manifest.source_updated = stamp
        version.manifest.details = {
            "correspondences": chosen,
            "successions": {str(year): local_id for year, local_id in successions.items()},
            "first_year": min(successions, default=int(stamp[:4])),
            "languages": list(dataset.languages),
            "latest_period": stamp,
            "fingerprint": print_,
        }
    return Landed(version.final_dir, version.manifest)


def tidy_municipality_areas(version_dir: Path) -> pd.DataFrame:
    """Join the landed correspondences into one row per municipality with every parent and name."""
    dataset = MUNICIPALITY_AREAS
    manifest = read_manifest(version_dir)
    chosen: dict[str, str] = manifest.details["correspondences"]
    merged: pd.DataFrame | None = None
    for target, local_id in chosen.items():
        for language in manifest.details["languages"]:
            raw = (version_dir / f"{target}.{language}.json").read_bytes()
            part = parse_maps(load_json(raw, local_id), local_id, target, language)
            if merged is None:
                merged = part
                continue
            part = part.drop(columns=[c for c in part.columns if c in merged.columns and c != "municipality_code"])
            merged = merged.merge(part, on="municipality_code", how="outer", validate="one_to_one")
    assert merged is not None
    missing = merged[merged.isna().any(axis=1)]
    if not missing.empty:
        row = missing.iloc[0]
        gaps = [c for c in merged.columns if pd.isna(row[c])]
        raise SourceError(
            dataset.source, gaps[0], row["municipality_code"], "municipality missing from a correspondence"
        )
    merged["classification_date"] = classification_date(next(iter(chosen.values())))
    merged["source_table"] = ";".join(chosen.values())
    merged["loaded_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    merged["is_sample_data"] = manifest.mode == "sample"
    order = ["municipality_code"]
    for level in ("municipality", "employment_area", "subregion", "region"):
        if level != "municipality":
            order.append(f"{level}_code")
        order += [f"{level}_name_{lang}" for lang in ("fi", "sv", "en")]
    merged = merged[[*order, "classification_date", "source_table", "loaded_at", "is_sample_data"]]
    return merged.sort_values("municipality_code", ignore_index=True)
