"""Fetch → land → parse for each catalogued dataset; what the orchestration layer calls.

Landing validates every response as it arrives, so a truncated or malformed answer fails the fetch
and never becomes a complete version; staging re-reads only landed files (no network), so the
warehouse can always be rebuilt offline from landing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from ingestion.catalogue import LABOUR_MARKET, MUNICIPALITY_AREAS, PxWebDataset
from ingestion.classifications import ClassificationClient, choose_correspondence, classification_date, parse_maps
from ingestion.errors import SourceError
from ingestion.http import SourceSession
from ingestion.jsonstat import load_json, parse_jsonstat2
from ingestion.landing import LandingVersion, VersionManifest, read_manifest
from ingestion.pxweb import PxWebClient, periods_from, plan_queries
from ingestion.settings import Settings

PERIOD = re.compile(r"^(\d{4})M(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Landed:
    """A completed landing version."""

    path: Path
    manifest: VersionManifest


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


# --- Statistics Finland tyonv/12r5 -------------------------------------------------------------


def land_pxweb_table(settings: Settings, session: SourceSession, dataset: PxWebDataset = LABOUR_MARKET) -> Landed:
    """Fetch a PxWeb table's config, metadata and data (split under the cell limit) into landing."""
    client = PxWebClient(session, settings.pxweb_base_url, settings.language)
    table = dataset.table
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        limits, response = client.config()
        version.add("config.json", response)
        meta, response = client.metadata(table)
        version.add("metadata.json", response)
        area, time, content = meta.area_variable, meta.time_variable, meta.content_variable
        meta.require_values(content, dataset.measures)
        areas = [v for v in area.values if v.startswith(dataset.area_prefixes)]
        periods = periods_from(time, settings.history_start)
        if not periods:
            raise SourceError(table, f"variable {time.code}", settings.history_start, "no periods from this start on")
        plans = plan_queries(
            {area.code: areas, time.code: periods, content.code: list(dataset.measures)}, time.code, limits.max_cells
        )
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
            "areas": len(areas),
            "periods": [periods[0], periods[-1]],
            "measures": len(dataset.measures),
            "queries": len(plans),
            "max_cells": limits.max_cells,
        }
    return Landed(version.final_dir, version.manifest)


def tidy_pxweb_table(version_dir: Path, dataset: PxWebDataset = LABOUR_MARKET) -> pd.DataFrame:
    """Parse a landed PxWeb version into tidy rows: area_code, period, month, measure, value, status."""
    manifest = read_manifest(version_dir)
    dims = manifest.details["dimensions"]
    frames = []
    for entry in manifest.responses:
        if not entry.file.startswith("data_"):
            continue
        raw = (version_dir / entry.file).read_bytes()
        frame = parse_jsonstat2(load_json(raw, f"{dataset.table} {entry.file}"), f"{dataset.table} {entry.file}")
        frame = frame.rename(columns={dims["area"]: "area_code", dims["time"]: "period", dims["content"]: "measure"})
        frame["source_updated_at"] = entry.source_updated or manifest.source_updated
        frames.append(frame)
    if not frames:
        raise SourceError(dataset.table, "landing", str(version_dir), "no data responses in this version")
    tidy = pd.concat(frames, ignore_index=True)
    bad_period = ~tidy["period"].astype(str).str.match(PERIOD)
    if bad_period.any():
        raise SourceError(
            dataset.table, dims["time"], tidy.loc[bad_period, "period"].iloc[0], "not a month code YYYYMmm"
        )
    duplicated = tidy.duplicated(["area_code", "period", "measure"], keep=False)
    if duplicated.any():
        first = tidy.loc[duplicated].iloc[0]
        raise SourceError(
            dataset.table,
            "area_code/period/measure",
            f"{first.area_code}/{first.period}/{first.measure}",
            "duplicate cell",
        )
    tidy["month"] = pd.to_datetime(tidy["period"].str.replace("M", "-", regex=False) + "-01").dt.date
    tidy["source_table"] = f"{dataset.table}"
    tidy["source_updated_at"] = pd.to_datetime(tidy["source_updated_at"], utc=True).dt.tz_localize(None)
    tidy["loaded_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    tidy["is_sample_data"] = manifest.mode == "sample"
    tidy["status"] = tidy["status"].astype("string")
    columns = ["area_code", "period", "month", "measure", "value", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "period", "measure"], ignore_index=True)


# --- Classification service --------------------------------------------------------------------


def land_municipality_areas(settings: Settings, session: SourceSession, on: date | None = None) -> Landed:
    """Fetch the current municipality correspondences (fi, sv, en) into landing."""
    dataset = MUNICIPALITY_AREAS
    client = ClassificationClient(session, settings.classification_base_url)
    on = on or date.today()
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        entries, response = client.list_correspondences()
        version.add("correspondence_tables.json", response)
        chosen = {}
        for target in dataset.targets:
            local_id = choose_correspondence(entries, target, on)
            chosen[target] = local_id
            for language in dataset.languages:
                response = client.maps(local_id, language)
                parse_maps(load_json(response.content, local_id), local_id, target, language)
                version.add(f"{target}.{language}.json", response, query={"localId": local_id, "lang": language})
        version.manifest.source_updated = max(classification_date(i) for i in chosen.values()).isoformat()
        version.manifest.details = {"correspondences": chosen, "languages": list(dataset.languages)}
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
