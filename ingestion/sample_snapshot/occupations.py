"""Sample occupation data: table tyonv/12ti and the occupation classification, in the real shapes.

Synthetic but consistent: each municipality's unemployed and open vacancies (scaled from its real
labour-force and unemployment-rate anchors) are spread over an abridged list of 4-digit occupations
(``occupations.csv``) with fixed weights, seasonal swings and Poisson noise. The country row is the
exact sum of the true municipal values; municipal cells 1-4 persons (1-2 vacancies) are suppressed
with ``...`` as Statistics Finland does.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from ingestion.sample_snapshot.basics import (
    CLASSIFICATIONS_DIR,
    PERSON_THRESHOLD,
    PXWEB_DIR,
    SAMPLE_NOTE,
    SAMPLE_SUFFIX,
    SECRECY,
    SOURCE,
    UPDATED,
    VACANCY_THRESHOLD,
    Anchor,
    Municipality,
    data_lines,
    gzip_bytes,
    json_bytes,
)

MODULE_DIR = Path(__file__).resolve().parent
OCCUPATIONS_CSV = MODULE_DIR / "occupations.csv"
SEED = 20260721
TABLE_ID = "12ti"
TABLE_TEXT = "Työttömät työnhakijat ja avoimet työpaikat ammattiryhmän mukaan kk:n lopussa"
TABLE_TITLE = TABLE_TEXT + " muuttujina Alue, Ammattiryhmä, Kuukausi ja Tiedot" + SAMPLE_SUFFIX
MONTHS = [f"{y}M{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13) if (2024, 7) <= (y, m) <= (2026, 10)]
CONTENTS = [
    ("TYOTTOMATLOPUSSA", "Työttömät työnhakijat laskentapäivänä (lkm.)"),
    ("AVPAIKATLOPUSSA", "Avoimet työpaikat kuukauden laskentapäivänä (lkm.)"),
]
CLASSIFICATION_ID = "ammatti_1_20100101"
CUBE_PATH = f"{PXWEB_DIR}/fi/StatFin/tyonv/{TABLE_ID}.px.jsonstat2.json.gz"
META_PATH = f"{PXWEB_DIR}/fi/StatFin/tyonv/{TABLE_ID}.px.meta.json"
COVERAGE_UNEMPLOYED = 0.32  # share of all unemployed in the listed occupations
VACANCIES_PER_UNEMPLOYED = 0.12
SEASON = np.array([1.06, 1.05, 1.01, 0.98, 0.95, 1.05, 1.06, 0.99, 0.96, 0.94, 0.96, 1.00])


def read_occupations(path: Path = OCCUPATIONS_CSV) -> list[dict[str, str]]:
    """The abridged classification rows, in file order."""
    return list(csv.DictReader(data_lines(path)))


def table_list_entry() -> dict[str, Any]:
    return {"id": f"{TABLE_ID}.px", "type": "t", "text": TABLE_TEXT + SAMPLE_SUFFIX, "updated": UPDATED}


def simulate(
    municipalities: list[Municipality], anchors: dict[str, Anchor], occupations: list[dict[str, str]], seed: int = SEED
) -> np.ndarray:
    """True counts as int64 (municipality, occupation, month, content)."""
    rng = np.random.default_rng(seed)
    unemployed = np.array(
        [anchors[m.code].labour_force * anchors[m.code].unemployment_rate / 100 for m in municipalities]
    )
    weights = {
        "TYOTTOMATLOPUSSA": np.array([float(o["weight_unemployed"]) for o in occupations]),
        "AVPAIKATLOPUSSA": np.array([float(o["weight_vacancies"]) for o in occupations]),
    }
    season = np.array([SEASON[int(m[-2:]) - 1] for m in MONTHS])
    trend = np.linspace(0.9, 1.05, len(MONTHS))
    out = np.empty((len(municipalities), len(occupations), len(MONTHS), len(CONTENTS)), dtype=np.int64)
    for c, (code, _) in enumerate(CONTENTS):
        share = weights[code] / weights[code].sum()
        local = share[None, :] * rng.lognormal(0.0, 0.35, (len(municipalities), len(occupations)))
        level = unemployed * COVERAGE_UNEMPLOYED * (1.0 if c == 0 else VACANCIES_PER_UNEMPLOYED)
        mean = level[:, None, None] * local[:, :, None] * (season * trend)[None, None, :]
        out[..., c] = rng.poisson(mean)
    return out


def occupation_documents(municipalities: list[Municipality], anchors: dict[str, Anchor]) -> dict[str, bytes]:
    """12ti metadata and cube, and the occupation classification's items in fi, sv and en."""
    rows = read_occupations()
    occupations = [r for r in rows if r["level"] == "4"]
    counts = simulate(municipalities, anchors, occupations)
    country = counts.sum(axis=0, keepdims=True)
    cube = np.concatenate([country, counts], axis=0)
    suppressed = np.zeros(cube.shape, dtype=bool)
    thresholds = np.array([PERSON_THRESHOLD, VACANCY_THRESHOLD])
    suppressed[1:] = (cube[1:] > 0) & (cube[1:] < thresholds[None, None, None, :])
    values: list[Any] = cube.reshape(-1).tolist()
    status: dict[str, str] = {}
    for pos in np.flatnonzero(suppressed.reshape(-1)).tolist():
        values[pos] = None
        status[str(pos)] = SECRECY
    area_codes = ["SSS", *(f"KU{m.code}" for m in municipalities)]
    area_labels = ["KOKO MAA", *(m.name_fi for m in municipalities)]
    occ_codes = [o["code"] for o in occupations]
    occ_labels = [f"{o['code']} {o['name_fi']}" for o in occupations]
    dims = [
        ("Alue", "Alue", area_codes, area_labels),
        ("Ammattiryhmä", "Ammattiryhmä", occ_codes, occ_labels),
        ("timeperiod_m", "Kuukausi", MONTHS, MONTHS),
        ("contentscode", "Tiedot", [c for c, _ in CONTENTS], [t for _, t in CONTENTS]),
    ]
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": TABLE_TITLE,
        "source": SOURCE,
        "updated": UPDATED,
        "note": [SAMPLE_NOTE],
        "role": {"time": ["timeperiod_m"], "metric": ["contentscode"]},
        "id": [d[0] for d in dims],
        "size": [len(d[2]) for d in dims],
        "dimension": {
            code: {
                "label": label,
                "category": {"index": {c: i for i, c in enumerate(cs)}, "label": dict(zip(cs, ts, strict=True))},
            }
            for code, label, cs, ts in dims
        },
        "extension": {"px": {"tableid": TABLE_ID, "language": "fi"}},
        "value": values,
        "status": status,
    }
    meta = {
        "title": TABLE_TITLE,
        "variables": [
            {
                "code": code,
                "text": label,
                "values": cs,
                "valueTexts": ts,
                **({"time": True} if code == "timeperiod_m" else {}),
            }
            for code, label, cs, ts in dims
        ],
    }
    return {
        META_PATH: json_bytes(meta),
        CUBE_PATH: gzip_bytes(json_bytes(doc)),
        **classification_item_documents(CLASSIFICATION_ID, rows),
    }


# The level-0 total item the service lists before the classification proper (`SSSSS` for occupations);
# the sample writes it for every classification, with its names in fi, sv and en.
TOTAL_CODE = "SSSSS"
TOTAL_NAMES = {"fi": "Yhteensä", "sv": "Totalt", "en": "Total"}
LANG_NAMES = {"fi": "suomi", "sv": "ruotsi", "en": "englanti"}


def classification_item_documents(classification_id: str, rows: list[dict[str, str]]) -> dict[str, bytes]:
    """A classification's items in fi, sv and en, shaped like the service's `content=data&meta=max` answer.

    As the real service does: a level-0 total first, levels as floats (`4.0`), `localId` and
    `parentItemLocalId` (`<id>/<code>`), `order`, and names with `langName`.
    """
    total = {"code": TOTAL_CODE, "level": "0", "parent_code": "", **{f"name_{k}": v for k, v in TOTAL_NAMES.items()}}
    everything = [total, *rows]
    docs = {}
    for lang in ("fi", "sv", "en"):
        items = []
        for order, r in enumerate(everything, start=1):
            parent = r["parent_code"] or (TOTAL_CODE if r["level"] == "1" else "")
            items.append(
                {
                    "localId": f"{classification_id}/{r['code']}",
                    "level": float(r["level"]),
                    "code": r["code"],
                    "order": order,
                    "parentItemLocalId": f"{classification_id}/{parent}" if parent else None,
                    "parentCode": parent or None,
                    "classificationItemNames": [
                        {"langName": LANG_NAMES[lang], "lang": lang, "name": r[f"name_{lang}"]}
                    ],
                    "explanatoryNotes": [],
                }
            )
        docs[f"{CLASSIFICATIONS_DIR}/classifications/{classification_id}/classificationItems.{lang}.json"] = json_bytes(
            items
        )
    return docs
