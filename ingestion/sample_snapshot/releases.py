"""Earlier releases of 12r5 and Kela for the sample snapshot, with believable revisions (sample data).

Each release is a directory `releases/<published month>/` holding only what differs from the newest
release, served by the snapshot adapter when `SnapshotAdapter.release` names it
(`ingestion/sample_releases.py` lands them before a refresh):

- 12r5 (`<table>.release.json` + its metadata): the release stamp, the months then published (one
  or two fewer) and the cells whose value was different then. Unemployed and jobseekers move by a few
  tenths of a per cent in the latest two months of a release, open and new vacancies were a few per
  cent lower (vacancies registered late); sub-region, region and country rows move by their members'
  revisions, and the unemployment rate is recomputed, so each release adds up as the newest does.
- Kela (`package_show` + `data.csv.gz`): the file as it stood a month or two earlier. Recipients are
  counted retroactively for three months, so the release's latest month held some 7 % fewer
  recipients (and days and euros), the month before 2.5 % and the one before that 0.7 %.

Synthetic like the rest of the snapshot: not official statistics.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from typing import Any

import numpy as np

from ingestion.sample_snapshot.basics import Municipality, gzip_bytes, json_bytes
from ingestion.sample_snapshot.kela import CSV_PATH, PACKAGE_PATH

SEED = 20261201
RELEASES_DIR = "releases"
# (directory = month published, months before the newest, 12r5 stamp, Kela resource last_modified)
RELEASES = (
    ("2026-09", 2, "2026-09-23T05:00:00Z", "2026-09-18T06:10:41.000000"),
    ("2026-10", 1, "2026-10-22T05:00:00Z", "2026-10-20T06:11:02.000000"),
)
PERSON_MEASURES = ("HAKIJALOPUSSA", "TYOTTOMATLOPUSSA")
VACANCY_MEASURES = ("AVPAIKATLOPUSSA", "UUDETAVP")
UNEMPLOYED, LABOUR_FORCE, RATE = "TYOTTOMATLOPUSSA", "TYOVOIMATK", "TYOTOSUUS"
# Kela: share of a month's final recipients already counted in a release, by months before its latest.
KELA_COUNTED = (0.93, 0.975, 0.993)
REVISED_MONTHS = 2


def _cube_revisions(
    doc: dict[str, Any], municipalities: list[Municipality], last_period: str, rng: np.random.Generator
) -> list[list[Any]]:
    """The cells of 12r5 that held another value in a release ending at `last_period`."""
    areas = list(doc["dimension"]["Alue"]["category"]["index"])
    months = list(doc["dimension"]["timeperiod_m"]["category"]["index"])
    contents = list(doc["dimension"]["contentscode"]["category"]["index"])
    values = np.array([np.nan if v is None else v for v in doc["value"]], dtype="float64").reshape(doc["size"])
    a_of, c_of = {a: i for i, a in enumerate(areas)}, {c: i for i, c in enumerate(contents)}
    parents = {f"KU{m.code}": (f"SK{m.subregion_code}", f"MK{m.region_code}", "SSS") for m in municipalities}
    end = months.index(last_period)
    cells: list[list[Any]] = []
    for t in range(end - REVISED_MONTHS + 1, end + 1):
        delta = np.zeros((len(areas), len(contents)))
        for code, ups in parents.items():
            a = a_of[code]
            for measure in (*PERSON_MEASURES, *VACANCY_MEASURES):
                c = c_of[measure]
                now = values[a, t, c]
                if np.isnan(now) or now < 50:
                    continue
                share = rng.normal(0, 0.003) if measure in PERSON_MEASURES else -rng.uniform(0, 0.04)
                change = round(now * share)
                for area in (code, *ups):
                    delta[a_of[area], c] += change
        for a, area in enumerate(areas):
            for c, content in enumerate(contents):
                if delta[a, c]:
                    cells.append([area, months[t], content, int(values[a, t, c] + delta[a, c])])
            if delta[a, c_of[UNEMPLOYED]]:
                unemployed = values[a, t, c_of[UNEMPLOYED]] + delta[a, c_of[UNEMPLOYED]]
                labour_force = values[a, t, c_of[LABOUR_FORCE]]
                if labour_force > 0 and not np.isnan(values[a, t, c_of[RATE]]):
                    cells.append([area, months[t], RATE, round(100.0 * unemployed / labour_force, 1)])
    return cells


def _earlier_meta(meta: dict[str, Any], last_period: str) -> dict[str, Any]:
    """The table's metadata listing only the months published by `last_period`."""
    variables = []
    for variable in meta["variables"]:
        if variable.get("time"):
            kept = [i for i, code in enumerate(variable["values"]) if code <= last_period]
            variable = {
                **variable,
                "values": [variable["values"][i] for i in kept],
                "valueTexts": [variable["valueTexts"][i] for i in kept],
            }
        variables.append(variable)
    return {**meta, "variables": variables}


def _earlier_csv(body: bytes, months_back: int) -> bytes:
    """Kela's CSV as it stood `months_back` months earlier: later months absent, recent ones counted short."""
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    header, data = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    monthly = sorted({int(r[col["vuosikuukausi"]]) for r in data if r[col["aikatyyppi"]] == "Kuukausi"})
    published = monthly[: len(monthly) - months_back]
    last = published[-1]
    recent = {month: share for month, share in zip(reversed(published), KELA_COUNTED, strict=False)}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=",", lineterminator="\n")
    writer.writerow(header)
    for row in data:
        row = list(row)
        if row[col["aikatyyppi"]] == "Kuukausi":
            month = int(row[col["vuosikuukausi"]])
            if month > last:
                continue
            share = recent.get(month, 1.0)
            if share != 1.0:
                row[col["saaja_lkm"]] = str(round(int(row[col["saaja_lkm"]]) * share))
                row[col["korvattu_paiva_lkm"]] = str(round(int(row[col["korvattu_paiva_lkm"]]) * share))
                for name in ("maksettu_eur", "kunta_osuus_eur"):
                    row[col[name]] = f"{float(row[col[name]]) * share:.2f}"
        elif row[col["aikatyyppi"]] == "Vuosikertymä" and str(row[col["vuosi"]]) == str(last // 100):
            row[col["kuukausi_nro"]] = str(last % 100)
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _earlier_package(package: dict[str, Any], stamp: str, size: int) -> dict[str, Any]:
    """`package_show` as it answered then: the earlier stamps and the earlier CSV's size."""
    result = dict(package["result"], metadata_modified=stamp)
    result["resources"] = [
        dict(r, last_modified=stamp, **({"size": size} if r["name"] == "data.csv" else {})) for r in result["resources"]
    ]
    return {**package, "result": result}


def release_documents(
    docs: dict[str, bytes], municipalities: list[Municipality], cube_path: str, meta_path: str
) -> dict[str, bytes]:
    """Every earlier release's files, keyed by path under the snapshot, from the newest release's documents."""
    rng = np.random.default_rng(SEED)
    doc = json.loads(gzip.decompress(docs[cube_path]))
    meta = json.loads(docs[meta_path])
    package = json.loads(docs[PACKAGE_PATH])
    months = list(doc["dimension"]["timeperiod_m"]["category"]["index"])
    table = cube_path.removesuffix(".jsonstat2.json.gz")
    out: dict[str, bytes] = {}
    for name, back, updated, kela_stamp in RELEASES:
        base = f"{RELEASES_DIR}/{name}"
        last_period = months[-1 - back]
        patch = {
            "updated": updated,
            "last_period": last_period,
            "cells": _cube_revisions(doc, municipalities, last_period, rng),
        }
        out[f"{base}/{table}.release.json"] = json_bytes(patch)
        out[f"{base}/{meta_path}"] = json_bytes(_earlier_meta(meta, last_period))
        body = _earlier_csv(docs[CSV_PATH], back)
        out[f"{base}/{CSV_PATH}.gz"] = gzip_bytes(body)
        out[f"{base}/{PACKAGE_PATH}"] = json_bytes(_earlier_package(package, kela_stamp, len(body)))
    return out
