"""Fetch → land → parse for each catalogued dataset; what the orchestration layer calls.

Landing validates every response as it arrives, so a truncated or malformed answer fails the fetch
and never becomes a complete version; staging re-reads only landed files (no network), so the
warehouse can always be rebuilt offline from landing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import requests

from ingestion.catalogue import (
    BANKRUPTCIES,
    BUSINESS_DYNAMICS,
    INDUSTRY_TOL2025_TOL2008,
    KELA_UNEMPLOYMENT_BENEFIT,
    LABOUR_MARKET,
    MUNICIPALITY_AREAS,
    OCCUPATION_CLASSIFICATION,
    OCCUPATIONS,
    POPULATION,
    POPULATION_KEY_FIGURES,
    CkanCsvDataset,
    ClassificationItemsDataset,
    Dimension,
    ItemCorrespondenceDataset,
    PxWebDataset,
)
from ingestion.classification_items import (
    choose_classification,
    choose_item_correspondence,
    fetch_items,
    parse_item_maps,
    parse_items,
)
from ingestion.classifications import (
    ClassificationClient,
    choose_correspondence,
    choose_successions,
    classification_date,
    land_successions,
    parse_classification_id,
    parse_maps,
)
from ingestion.errors import SourceError
from ingestion.http import SourceSession
from ingestion.jsonstat import load_json, parse_jsonstat2
from ingestion.kela import SOURCE as SOURCE_KELA
from ingestion.kela import (
    choose_csv,
    choose_descriptor,
    csv_resources,
    download,
    package_show,
    package_stamp,
    read_csv,
    read_descriptor,
    tidy_benefit,
)
from ingestion.landing import LandingVersion, VersionManifest, latest_version, read_manifest, record_attempt
from ingestion.pxweb import (
    PxWebClient,
    TableMetadata,
    Variable,
    find_table,
    list_folders,
    periods_from,
    plan_queries,
)
from ingestion.settings import Settings

PERIOD = re.compile(r"^(\d{4})M(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
YEAR = re.compile(r"^\d{4}$")
AGE_GROUP = re.compile(r"^(\d{1,3})(?:(-)(\d{1,3})?)?$")


@dataclass(frozen=True)
class Landed:
    """A completed landing version; `unchanged` when the source had nothing new and no download was made."""

    path: Path
    manifest: VersionManifest
    unchanged: bool = False


def write_parquet_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write beside the target and rename, so readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def staging_path(settings: Settings, source: str, dataset: str) -> Path:
    return settings.staging_dir / source / f"{dataset}.parquet"


def _iso_updated(raw: str | None) -> str | None:
    if not raw:
        return None
    date_part, _, time_part = raw.partition("T")
    return f"{date_part}T{time_part.replace('.', ':')}" if time_part else date_part


def fingerprint(selection: object) -> str:
    """A stable hash of what a version asks for: a changed selection means a new download."""
    return hashlib.sha256(json.dumps(selection, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def unchanged_since(settings: Settings, source: str, dataset: str, print_: str, stamp: str | None) -> Landed | None:
    """The last good version when it holds the same selection at the same source version, else None.

    The attempt is logged as `unchanged` in the dataset's manifest.jsonl.
    """
    previous = latest_version(settings.landing_dir, source, dataset)
    if previous is None or stamp is None:
        return None
    manifest = read_manifest(previous)
    if manifest.mode != settings.mode or manifest.source_updated != stamp:
        return None
    if manifest.details.get("fingerprint") != print_:
        return None
    record_attempt(
        settings.landing_dir,
        source,
        dataset,
        settings.mode,
        "unchanged",
        version=manifest.version,
        source_updated=stamp,
    )
    return Landed(previous, manifest, unchanged=True)


# --- Statistics Finland PxWeb tables -----------------------------------------------------------


def _extra_variables(meta: TableMetadata, dataset: PxWebDataset) -> dict[str, Variable]:
    """The catalogue's extra dimensions resolved to this vintage's variable codes (column → variable).

    A variable is found by the prefix of its code, or else of its text (`Toimiala` may be coded anyhow).
    """
    found: dict[str, Variable] = {}
    codes = [v.code for v in meta.variables]
    for dim in dataset.dimensions:
        prefix = dim.code_prefix.lower()
        matches = [v for v in meta.variables if v.code.lower().startswith(prefix)]
        if not matches:
            matches = [v for v in meta.variables if v.text.lower().startswith(prefix)]
        if len(matches) > 1:
            raise SourceError(dataset.table, "variables", codes, f"several variables start with {dim.code_prefix!r}")
        if matches:
            found[dim.column] = matches[0]
        elif dim.required:
            raise SourceError(dataset.table, "variables", codes, f"no variable starting with {dim.code_prefix!r}")
    return found


TOL_SECTION = re.compile(r"^(?:SSS|[A-Z])$")


def _dimension_values(table: str, dim: Dimension, variable: Variable) -> list[str] | None:
    """The values to fetch of an extra dimension; None leaves the variable out (its total by elimination)."""
    if dim.values == "sections":
        sections = [v for v in variable.values if TOL_SECTION.match(v)]
        if not sections:
            raise SourceError(table, f"variable {variable.code}", list(variable.values[:10]), "no TOL sections (A…X)")
        return sections
    if dim.values == "total":
        if "SSS" in variable.values:
            return ["SSS"]
        if variable.elimination:
            return None
        raise SourceError(
            table, f"variable {variable.code}", list(variable.values[:10]), "no total SSS and cannot be eliminated"
        )
    return list(variable.values)


def _measure_codes(table: str, meta: TableMetadata, content: Variable, dataset: PxWebDataset) -> dict[str, str]:
    """Each staged measure name → the table's own content code, resolved by code or value text.

    Without patterns the measures are the codes themselves. A pattern matching no value, or several
    values none of which is coded as the measure, fails naming the values seen.
    """
    if not dataset.measure_patterns:
        meta.require_values(content, dataset.measures)
        return {m: m for m in dataset.measures}
    values = list(zip(content.values, content.value_texts, strict=False))
    seen = "; ".join(f"{code}: {text}" for code, text in values)
    resolved: dict[str, str] = {}
    for measure, raw in dataset.measure_patterns:
        pattern = re.compile(raw)
        matches = [code for code, text in values if pattern.search(code) or pattern.search(text)]
        exact = [code for code in matches if code.lower() == measure.lower()]
        if len(matches) == 1 or len(exact) == 1:
            resolved[measure] = (exact or matches)[0]
            continue
        problem = "no content value" if not matches else f"{len(matches)} content values"
        raise SourceError(
            table, f"variable {content.code}", measure, f"{problem} matching {raw} by code or text; values seen: {seen}"
        )
    return resolved


def _first_period(settings: Settings, dataset: PxWebDataset) -> str:
    if dataset.frequency == "quarterly":
        return f"{settings.history_start[:4]}Q{(int(settings.history_start[5:7]) - 1) // 3 + 1}"
    return settings.history_start if dataset.frequency == "monthly" else settings.history_start[:4]


def land_pxweb_table(settings: Settings, session: SourceSession, dataset: PxWebDataset = LABOUR_MARKET) -> Landed:
    """Fetch a PxWeb table's config, metadata and data (split under the cell limit) into landing.

    Incremental: a one-cell probe query reads the release stamp (`updated`) of the data; when it and
    the selection equal the last good version's, nothing more is downloaded and that version is returned.
    """
    client = PxWebClient(session, settings.pxweb_base_url, settings.language)
    table = dataset.table
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        limits, response = client.config()
        version.add("config.json", response)
        listed: dict[str, object] = {}
        if dataset.title_pattern:
            folders = list_folders(client, (dataset.subject, *dataset.archive_subjects))
            folder_state: dict[str, str] = {}
            for subject, tables, response in folders:
                if response is not None:
                    database = subject.split("/")[0]
                    version.add("tables.json" if subject == dataset.subject else f"tables.{database}.json", response)
                folder_state[subject] = "listed" if tables is not None else "not found"
            choice = find_table([(subject, tables) for subject, tables, _ in folders], dataset.title_pattern)
            table = choice.table
            listed = {"listed_title": choice.title, "folders": folder_state}
        meta, response = client.metadata(table)
        version.add("metadata.json", response)
        area, time, content = meta.area_variable, meta.time_variable, meta.content_variable
        measure_codes = _measure_codes(table, meta, content, dataset)
        extra = _extra_variables(meta, dataset)
        dims = {d.column: d for d in dataset.dimensions}
        extra_values = {column: _dimension_values(table, dims[column], v) for column, v in extra.items()}
        eliminated = [extra[column].code for column, values in extra_values.items() if values is None]
        extra = {column: v for column, v in extra.items() if extra_values[column] is not None}
        areas = [v for v in area.values if v.startswith(dataset.area_prefixes)]
        start = _first_period(settings, dataset)
        periods = periods_from(time, start)
        if not periods:
            raise SourceError(table, f"variable {time.code}", start, "no periods from this start on")
        if dataset.latest_periods:
            periods = periods[-dataset.latest_periods :]
        selections = {area.code: areas, time.code: periods, content.code: list(measure_codes.values())}
        selections.update({v.code: list(extra_values[column] or []) for column, v in extra.items()})
        probe_body = {
            "query": [{"code": k, "selection": {"filter": "item", "values": [v[-1]]}} for k, v in selections.items()],
            "response": {"format": "json-stat2"},
        }
        probe = load_json(client.query(table, probe_body).content, f"{table} probe query")
        stamp = _iso_updated(probe.get("updated") if isinstance(probe, dict) else None)
        print_ = fingerprint({"table": table, "selections": selections})
        same = unchanged_since(settings, dataset.source, dataset.name, print_, stamp)
        if same is not None:
            version.discard()
            return same
        plans = plan_queries(selections, time.code, limits.max_cells)
        stamps = []
        for number, plan in enumerate(plans):
            response = client.query(table, plan.body)
            doc = load_json(response.content, f"{table} data query {number}")
            frame = parse_jsonstat2(doc, f"{table} data query {number}")
            if len(frame) != plan.cells:
                raise SourceError(table, f"data query {number} cells", len(frame), f"expected {plan.cells}")
            stamp = _iso_updated(doc.get("updated"))
            stamps.append(stamp)
            version.add(f"data_{number:03d}.json", response, query=plan.body, source_updated=stamp)
        version.manifest.source_updated = max((s for s in stamps if s), default=None)
        version.manifest.details = {
            "table": table,
            "title": meta.title,
            "dimensions": {"area": area.code, "time": time.code, "content": content.code},
            "extra_dimensions": {column: v.code for column, v in extra.items()},
            **({"eliminated": eliminated} if eliminated else {}),
            **({"measure_codes": measure_codes} if dataset.measure_patterns else {}),
            **listed,
            "areas": len(areas),
            "periods": [periods[0], periods[-1]],
            "latest_period": periods[-1],
            "measures": len(dataset.measures),
            "queries": len(plans),
            "max_cells": limits.max_cells,
            "fingerprint": print_,
        }
    return Landed(version.final_dir, version.manifest)


def _pxweb_long(version_dir: Path, dataset: PxWebDataset) -> tuple[pd.DataFrame, VersionManifest]:
    """The landed data responses as one long frame with area_code, period, measure and extra columns."""
    manifest = read_manifest(version_dir)
    dims = manifest.details["dimensions"]
    extra: dict[str, str] = manifest.details.get("extra_dimensions", {})
    renames = {dims["area"]: "area_code", dims["time"]: "period", dims["content"]: "measure"}
    renames.update({code: column for column, code in extra.items()})
    frames = []
    for entry in manifest.responses:
        if not entry.file.startswith("data_"):
            continue
        raw = (version_dir / entry.file).read_bytes()
        frame = parse_jsonstat2(load_json(raw, f"{dataset.table} {entry.file}"), f"{dataset.table} {entry.file}")
        frame = frame.rename(columns=renames)
        frame["source_updated_at"] = entry.source_updated or manifest.source_updated
        frames.append(frame)
    if not frames:
        raise SourceError(dataset.table, "landing", str(version_dir), "no data responses in this version")
    tidy = pd.concat(frames, ignore_index=True)
    # the table's own content codes back to the staged measure names (aloittaneita → aloittaneet)
    to_measure = {code: measure for measure, code in manifest.details.get("measure_codes", {}).items()}
    if to_measure:
        tidy["measure"] = tidy["measure"].replace(to_measure)
    for dim in dataset.dimensions:
        if dim.column not in tidy.columns:
            tidy[dim.column] = "SSS"
    keys = ["area_code", "period", "measure", *(d.column for d in dataset.dimensions)]
    duplicated = tidy.duplicated(keys, keep=False)
    if duplicated.any():
        first = tidy.loc[duplicated, keys].iloc[0]
        raise SourceError(dataset.table, "/".join(keys), "/".join(map(str, first)), "duplicate cell")
    tidy["source_table"] = manifest.details.get("table", dataset.table)
    tidy["source_updated_at"] = pd.to_datetime(tidy["source_updated_at"], utc=True).dt.tz_localize(None)
    tidy["loaded_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    tidy["is_sample_data"] = manifest.mode == "sample"
    tidy["status"] = tidy["status"].astype("string")
    return tidy, manifest


def tidy_pxweb_table(version_dir: Path, dataset: PxWebDataset = LABOUR_MARKET) -> pd.DataFrame:
    """Parse a landed PxWeb version into tidy rows: area_code, period, month, measure, value, status."""
    tidy, _ = _pxweb_long(version_dir, dataset)
    bad_period = ~tidy["period"].astype(str).str.match(PERIOD)
    if bad_period.any():
        time_code = read_manifest(version_dir).details["dimensions"]["time"]
        raise SourceError(dataset.table, time_code, tidy.loc[bad_period, "period"].iloc[0], "not a month code YYYYMmm")
    tidy["month"] = pd.to_datetime(tidy["period"].str.replace("M", "-", regex=False) + "-01").dt.date
    columns = ["area_code", "period", "month", "measure", "value", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "period", "measure"], ignore_index=True)


def _years(tidy: pd.DataFrame, dataset: PxWebDataset, manifest: VersionManifest) -> pd.Series:
    bad = ~tidy["period"].astype(str).str.match(YEAR)
    if bad.any():
        time_code = manifest.details["dimensions"]["time"]
        raise SourceError(dataset.table, time_code, tidy.loc[bad, "period"].iloc[0], "not a year YYYY")
    return tidy["period"].astype(int)


def parse_age_group(code: str, table: str, variable: str) -> tuple[int | None, int | None]:
    """Age bounds of an age-group code: `SSS` total → (None, None); `15-19`; `75-` open; `42` a single year."""
    if code == "SSS":
        return None, None
    match = AGE_GROUP.match(code)
    if match is None:
        raise SourceError(
            table, f"variable {variable}", code, "age-group code not understood (expected 15-19, 75- or 42)"
        )
    low, dash, high = match.groups()
    if not dash:
        return int(low), int(low)
    return int(low), (int(high) if high else None)


def _check_working_age_bounds(groups: pd.DataFrame, table: str, variable: str) -> None:
    """The age groups must tile 0… without gaps or overlaps and start new groups at 15 and 65."""
    bounds = groups.drop_duplicates("age_code").dropna(subset=["age_from"]).sort_values("age_from")
    if bounds.empty:
        return
    expected_from = 0
    for row in bounds.itertuples():
        if row.age_from != expected_from:
            raise SourceError(
                table, f"variable {variable}", row.age_code, f"age groups leave a gap or overlap at {expected_from}"
            )
        expected_from = None if pd.isna(row.age_to) else int(row.age_to) + 1
        if expected_from is None:
            break
    starts = set(bounds["age_from"].astype(int))
    if not {15, 65} <= starts:
        raise SourceError(
            table, f"variable {variable}", sorted(starts), "no age groups starting at 15 and 65 (working age 15-64)"
        )


def tidy_population(version_dir: Path, dataset: PxWebDataset = POPULATION) -> pd.DataFrame:
    """11re as rows of area_code, year, sex_code, age_code (with age_from/age_to bounds), population."""
    tidy, manifest = _pxweb_long(version_dir, dataset)
    tidy["year"] = _years(tidy, dataset, manifest)
    age_variable = manifest.details.get("extra_dimensions", {}).get("age_code", "age")
    bounds = {code: parse_age_group(code, dataset.table, age_variable) for code in tidy["age_code"].unique()}
    tidy["age_from"] = pd.array([bounds[c][0] for c in tidy["age_code"]], dtype="Int64")
    tidy["age_to"] = pd.array([bounds[c][1] for c in tidy["age_code"]], dtype="Int64")
    _check_working_age_bounds(tidy[["age_code", "age_from", "age_to"]], dataset.table, age_variable)
    tidy = tidy.rename(columns={"value": "population"})
    columns = ["area_code", "year", "sex_code", "age_code", "age_from", "age_to", "population", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "year", "sex_code", "age_code"], ignore_index=True)


def tidy_population_key_figures(version_dir: Path, dataset: PxWebDataset = POPULATION_KEY_FIGURES) -> pd.DataFrame:
    """11ra as rows of area_code, year, measure, value (population, shares under 15 and over 64, mean age)."""
    tidy, manifest = _pxweb_long(version_dir, dataset)
    tidy["year"] = _years(tidy, dataset, manifest)
    columns = ["area_code", "year", "measure", "value", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "year", "measure"], ignore_index=True)


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


def tidy_occupations(version_dir: Path, dataset: PxWebDataset = OCCUPATIONS) -> pd.DataFrame:
    """12ti as rows of area_code, period, month, occupation_code, measure, value, status."""
    tidy, manifest = _pxweb_long(version_dir, dataset)
    bad_period = ~tidy["period"].astype(str).str.match(PERIOD)
    if bad_period.any():
        time_code = manifest.details["dimensions"]["time"]
        raise SourceError(dataset.table, time_code, tidy.loc[bad_period, "period"].iloc[0], "not a month code YYYYMmm")
    tidy["month"] = pd.to_datetime(tidy["period"].str.replace("M", "-", regex=False) + "-01").dt.date
    columns = ["area_code", "period", "month", "occupation_code", "measure", "value", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "period", "occupation_code", "measure"], ignore_index=True)


def tidy_business_dynamics(version_dir: Path, dataset: PxWebDataset = BUSINESS_DYNAMICS) -> pd.DataFrame:
    """aly as rows of area_code, period, quarter (its first day), industry_code, measure, value, status."""
    tidy, manifest = _pxweb_long(version_dir, dataset)
    parts = tidy["period"].astype(str).str.extract(QUARTER)
    bad = parts[0].isna()
    if bad.any():
        time_code = manifest.details["dimensions"]["time"]
        raise SourceError(dataset.table, time_code, tidy.loc[bad, "period"].iloc[0], "not a quarter code YYYYQn")
    first_month = (parts[1].astype(int) - 1) * 3 + 1
    tidy["quarter"] = pd.to_datetime({"year": parts[0].astype(int), "month": first_month, "day": 1}).dt.date
    columns = ["area_code", "period", "quarter", "industry_code", "measure", "value", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "period", "industry_code", "measure"], ignore_index=True)


def tidy_bankruptcies(version_dir: Path, dataset: PxWebDataset = BANKRUPTCIES) -> pd.DataFrame:
    """kony as rows of area_code (SSS, MKnn), period, month, measure, value, status."""
    return tidy_pxweb_table(version_dir, dataset)


# --- Kela via the CKAN API -----------------------------------------------------------------------


def land_ckan_csv(
    settings: Settings, session: SourceSession, dataset: CkanCsvDataset = KELA_UNEMPLOYMENT_BENEFIT
) -> Landed:
    """Find the Data Package through `package_show` and land its `package.json` and `data.csv` together.

    Incremental: the CSV and package.json resources' ids, URLs and `last_modified` are compared with the
    last good version's; when equal nothing is downloaded. Each landing is the whole file, so revised months
    simply replace the earlier figures in the new version. The CSV is read with what package.json declares
    while landing, so a drifted file never becomes a good version.
    """
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        package, response = package_show(session, settings.kela_base_url, dataset.package_id)
        version.add("package_show.json", response, query={"id": dataset.package_id})
        descriptor = choose_descriptor(package)
        candidates = [descriptor, *csv_resources(package, dataset.resource_format)]
        stamp = package_stamp(package, dataset.resource_format)
        print_ = fingerprint(
            {"package": dataset.package_id, "resources": [[r.id, r.url, r.last_modified] for r in candidates]}
        )
        same = unchanged_since(settings, dataset.source, dataset.name, print_, stamp)
        if same is not None:
            version.discard()
            return same
        described = download(session, descriptor)
        layout = read_descriptor(described.content, f"{SOURCE_KELA} {descriptor.url}")
        version.add(
            "package.json", described, query={"resource": descriptor.id}, source_updated=descriptor.last_modified
        )
        resource = choose_csv(package, layout, dataset.resource_format)
        response = download(session, resource)
        where = f"{SOURCE_KELA} {resource.url}"
        tidy = tidy_benefit(read_csv(response.content, layout, where), where)
        version.add("data.csv", response, query={"resource": resource.id}, source_updated=resource.last_modified)
        version.manifest.source_updated = stamp
        version.manifest.details = {
            "package": dataset.package_id,
            "resource": {"id": resource.id, "name": resource.name, "url": resource.url, "format": resource.format},
            "descriptor": {"id": descriptor.id, "url": descriptor.url},
            "fields": layout.names,
            "rows": len(tidy),
            "periods": [str(tidy["month"].min())[:7], str(tidy["month"].max())[:7]],
            "latest_period": str(tidy["month"].max())[:7],
            "fingerprint": print_,
        }
    return Landed(version.final_dir, version.manifest)


def tidy_kela_benefit(version_dir: Path, dataset: CkanCsvDataset = KELA_UNEMPLOYMENT_BENEFIT) -> pd.DataFrame:
    """The landed CSV, read with the landed package.json, as tidy rows with provenance (see kela.tidy_benefit)."""
    manifest = read_manifest(version_dir)
    where = f"{SOURCE_KELA} {manifest.details['resource']['url']}"
    if not (version_dir / "package.json").is_file():
        raise SourceError(where, "package.json", version_dir.name, "not landed with this version; refresh Kela")
    layout = read_descriptor((version_dir / "package.json").read_bytes(), f"{where} package.json")
    tidy = tidy_benefit(read_csv((version_dir / "data.csv").read_bytes(), layout, where), where)
    tidy["source_table"] = f"avoindata.fi/{dataset.package_id}"
    tidy["source_updated_at"] = pd.to_datetime(manifest.source_updated, utc=True).tz_localize(None)
    tidy["loaded_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    tidy["is_sample_data"] = manifest.mode == "sample"
    return tidy.sort_values(["area_code_in_source", "month", "benefit", "days_class"], ignore_index=True)
