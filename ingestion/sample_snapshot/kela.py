"""Sample Kela data: the CKAN `package_show` document and the Data Package it lists (`data.csv` + `package.json`).

Shaped like Kela's real open-data packages (SOURCES.md §4): a `package.json` (profile `data-package`) whose
resource declares the comma-delimited UTF-8 `data.csv` with lower-case fields, and rows split by period type
(`Kuukausi`, `Vuosi`, `Vuosikertymä`), age group and sex, with groups under 4 people pooled (`Tieto puuttuu`,
`Tuntematon`, area `199`). From 2026-05 the benefit is `Yleistuki`, which replaced työmarkkinatuki and
peruspäiväraha.

Synthetic: each employment area's recipients follow its municipalities' unemployed (from the real
labour-force and rate anchors) with a seasonal swing; the accumulated-days classes overlap (a person can move
class within a month), so only the `Yhteensä` class is a total. The employment-area package's own field list
is unverified, so the field names follow the municipal sister package. To stay small the sample starts in
2025-04 (the real data in 2025-01; 2026-04 still has a year-ago month) and has two broad age groups and two
days classes. Labelled sample data.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np

from ingestion.catalogue import KELA_UNEMPLOYMENT_BENEFIT
from ingestion.sample_snapshot.basics import (
    Anchor,
    Municipality,
    json_bytes,
)

SEED = 20261119
PACKAGE = KELA_UNEMPLOYMENT_BENEFIT.package_id
RESOURCE_ID = "3c1f6f0e-5a7b-4d2e-9c61-7a4e2b9d0c15"
DESCRIPTOR_ID = "9e0d7c52-1b8a-4f3e-8d27-5c4a1f6b2e90"
DOWNLOAD = f"https://www.avoindata.fi/data/dataset/{PACKAGE}/resource"
LAST_MODIFIED = "2026-11-19T06:12:33.481907"
MONTHS = [(y, m) for y in (2025, 2026) for m in range(1, 13) if (2025, 4) <= (y, m) <= (2026, 10)]
GENERAL_FROM = (2026, 5)
# name, share of the unemployed, euros per recipient and month
OLD_BENEFITS = (("Työmarkkinatuki", 0.62, 690.0), ("Peruspäiväraha", 0.08, 720.0))
NEW_BENEFITS = (("Yleistuki", 0.68, 700.0),)
# class, share of the recipients, municipal share of the euros
CLASSES = (("1-299", 0.45, 0.10), ("300 tai yli", 0.6, 0.3))
TOTAL = "Yhteensä"
CELLS = (("17-34", "Mies", 0.3), ("17-34", "Nainen", 0.22), ("35-67", "Mies", 0.27), ("35-67", "Nainen", 0.21))
POOLED_CELL = ("Tieto puuttuu", "Tuntematon")
POOLED_AREA = ("199", "Tuntematon")
SEASON = np.array([1.06, 1.05, 1.01, 0.98, 0.95, 1.05, 1.06, 0.99, 0.96, 0.94, 0.96, 1.00])
FIELDS: list[dict[str, Any]] = [
    {"name": "aikatyyppi", "type": "string", "values": ["Kuukausi", "Vuosi", "Vuosikertymä"]},
    {"name": "kuukausi_nro", "type": "integer"},
    {"name": "vuosikuukausi", "type": "integer", "description": "VVVVKK, e.g. 202501"},
    {"name": "vuosi", "type": "integer"},
    {"name": "tyollisyysalue_nro", "type": "string", "description": "199 = group under 4 or unknown"},
    {"name": "tyollisyysalue_nimi", "type": "string"},
    {"name": "etuus", "type": "string", "values": ["Peruspäiväraha", "Työmarkkinatuki", "Yleistuki"]},
    {"name": "ikaryhma", "type": "string", "values": ["17-34", "35-67", "Tieto puuttuu"]},
    {"name": "sukupuoli", "type": "string", "values": ["Mies", "Nainen", "Tuntematon"]},
    {"name": "tyottomyysturvapaiva_luokka", "type": "string", "values": [*sorted(c[0] for c in CLASSES), TOTAL]},
    {"name": "saaja_lkm", "type": "number"},
    {"name": "korvattu_paiva_lkm", "type": "number"},
    {"name": "maksettu_eur", "type": "number"},
    {"name": "kunta_osuus_eur", "type": "number"},
]
PACKAGE_PATH = f"ckan/package_show/{PACKAGE}.json"
CSV_PATH = f"ckan/dataset/{PACKAGE}/resource/{RESOURCE_ID}/download/data.csv"
DESCRIPTOR_PATH = f"ckan/dataset/{PACKAGE}/resource/{DESCRIPTOR_ID}/download/package.json"


def _split(rng: np.random.Generator, total: int) -> list[tuple[str, str, int]]:
    """A class's recipients by age group and sex, cells under 4 people pooled into one unknown cell."""
    counts = rng.multinomial(total, [c[2] for c in CELLS]) if total else np.zeros(len(CELLS), dtype=int)
    cells = [(age, sex, int(n)) for (age, sex, _), n in zip(CELLS, counts, strict=True) if n >= 4]
    pooled = int(sum(n for n in counts if n < 4))
    return [*cells, (*POOLED_CELL, pooled)] if pooled else cells


def _row(
    kind: str, year: int, month: int | None, area: tuple[str, str], benefit: str, cell: tuple[str, str]
) -> list[Any]:
    """The dimension cells of one CSV row (the measures follow from `_measures`)."""
    return [kind, month or "", f"{year}{month:02d}" if month else "", year, *area, benefit, *cell]


def _measures(days_class: str, recipients: float, euros_each: float, municipal: float) -> list[Any]:
    euros = round(recipients * euros_each, 2)
    return [days_class, int(recipients), round(recipients * 21.5), f"{euros:.2f}", f"{euros * municipal:.2f}"]


def kela_documents(municipalities: list[Municipality], anchors: dict[str, Anchor]) -> dict[str, bytes]:
    """The package document, `package.json` and `data.csv` (comma-separated, decimal point, UTF-8)."""
    rng = np.random.default_rng(SEED)
    areas: dict[str, tuple[str, float]] = {}
    for m in municipalities:
        name, unemployed = areas.get(m.employment_area_code, (m.employment_area_fi, 0.0))
        anchor = anchors[m.code]
        areas[m.employment_area_code] = (name, unemployed + anchor.labour_force * anchor.unemployment_rate / 100)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=",", lineterminator="\n")
    writer.writerow([f["name"] for f in FIELDS])
    for code in sorted(areas):
        name, unemployed = areas[code]
        area = (str(int(code)), name)
        yearly: dict[tuple[int, str, str], float] = {}
        for year, month in MONTHS:
            season = SEASON[month - 1]
            for benefit, share, each in NEW_BENEFITS if (year, month) >= GENERAL_FROM else OLD_BENEFITS:
                each_now = each * rng.normal(1, 0.02)
                total = int(rng.poisson(unemployed * share * season))
                classes = [(TOTAL, total, 0.22)] + [
                    (label, int(rng.binomial(total, min(1.0, cs * 1.08))) if total else 0, ms)
                    for label, cs, ms in CLASSES
                ]
                for label, count, municipal in classes:
                    for age, sex, n in _split(rng, count):
                        dims = _row("Kuukausi", year, month, area, benefit, (age, sex))
                        writer.writerow([*dims, *_measures(label, n, each_now, municipal)])
                key = (year, benefit, "Kuukausi")
                yearly[key] = max(yearly.get(key, 0.0), total)
        for (year, benefit, _), peak in sorted(yearly.items()):
            kind, month = ("Vuosi", None) if year == 2025 else ("Vuosikertymä", MONTHS[-1][1])
            dims = _row(kind, year, month, area, benefit, POOLED_CELL)
            writer.writerow([*dims, *_measures(TOTAL, peak * 1.4, 690.0 * 9, 0.22)])
    for year, month in MONTHS[-4:]:
        benefit = (NEW_BENEFITS if (year, month) >= GENERAL_FROM else OLD_BENEFITS)[0][0]
        dims = _row("Kuukausi", year, month, POOLED_AREA, benefit, POOLED_CELL)
        writer.writerow([*dims, *_measures(TOTAL, 3, 650.0, 0.22)])
    body = out.getvalue().encode("utf-8")
    descriptor = {
        "profile": "data-package",
        "name": PACKAGE,
        "title": "Kunnan osarahoittaman työttömyysturvan saajat ja maksetut etuudet työllisyysalueittain (SAMPLE DATA)",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [
            {
                "name": PACKAGE,
                "path": "data.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "UTF-8",
                "dialect": {"delimiter": ","},
                "schema": {"fields": FIELDS, "missingValues": [""]},
            }
        ],
    }
    descriptor_body = json_bytes(descriptor)
    resource = {"created": "2025-03-20T07:00:00.000000", "last_modified": LAST_MODIFIED, "package_id": PACKAGE}
    package: dict[str, Any] = {
        "help": "https://www.avoindata.fi/data/api/3/action/help_show?name=package_show",
        "success": True,
        "result": {
            "name": PACKAGE,
            "title": descriptor["title"],
            "notes": "SAMPLE DATA generated by tilannekuva's sample generator; not official statistics.",
            "license_id": "cc-by-4.0",
            "organization": {"name": "kela", "title": "Kela"},
            "metadata_modified": LAST_MODIFIED,
            "resources": [
                {
                    "id": RESOURCE_ID,
                    "name": "data.csv",
                    "format": "CSV",
                    "mimetype": "text/csv",
                    "url": f"{DOWNLOAD}/{RESOURCE_ID}/download/data.csv",
                    "size": len(body),
                    **resource,
                },
                {
                    "id": DESCRIPTOR_ID,
                    "name": "package.json",
                    "format": "JSON",
                    "mimetype": "application/json",
                    "url": f"{DOWNLOAD}/{DESCRIPTOR_ID}/download/package.json",
                    "size": len(descriptor_body),
                    **resource,
                },
            ],
        },
    }
    return {PACKAGE_PATH: json_bytes(package), CSV_PATH: body, DESCRIPTOR_PATH: descriptor_body}
