"""Sample business statistics in the real PxWeb shapes: StatFin/aly and StatFin/kony, and TOL 2008 items.

Synthetic but consistent and believable:
- aly (enterprise openings, closures and stock by municipality, TOL 2008 section and quarter): each
  municipality's levels scale with its population (≈ 2 × its real labour-force anchor), spread over
  the sections with fixed national shares and a persistent local tilt; flows follow the business
  cycle and the season (openings peak in Q1, closures in Q4) with Poisson noise; the stock moves by
  the flows. The all-industries row (`SSS`) and the country row are exact sums. Like the real table
  it lives in the archive database (`StatFin_Passiivi/aly`), has the variables `Kunta`, `Toimiala`,
  `Vuosineljännes`, `Tiedot`, mixes some divisions (`A01`, …) in among the sections and has the
  content codes `aloittaneita`, `lopettaneita`, `yrityskanta`.
- kony (bankruptcies filed by month by region and industry): monthly Poisson counts with the national
  level of 2019-2026 (a dip in 2020-2021, a rise from 2023) shared out by region population and over
  the sections; the country and all-industries (`SSS`) rows are exact sums. A second content (the
  personnel of the bankrupt enterprises) is there to be left out.
- the subject folders of both databases (`StatFin`, `StatFin_Passiivi`) list the tables with titles
  worded as the real ones (SOURCES.md §1.3, with the sample's period range), among decoys such as the
  national bankruptcies table `13fb`, so the client has to choose by title exactly as in live mode.
- the TOL 2008 classification (`industries.csv`): the complete 21 sections and 88 divisions, and an
  abridged, labelled subset of groups, classes and subclasses.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from ingestion.sample_snapshot.basics import (
    PXWEB_DIR,
    SAMPLE_NOTE,
    SAMPLE_SUFFIX,
    Anchor,
    Municipality,
    data_lines,
    gzip_bytes,
    json_bytes,
)
from ingestion.sample_snapshot.occupations import classification_item_documents

MODULE_DIR = Path(__file__).resolve().parent
INDUSTRIES_CSV = MODULE_DIR / "industries.csv"
SEED = 20261001
POPULATION_PER_LABOUR_FORCE = 2.0
SOURCE = "Tilastokeskus, aloittaneet ja lopettaneet yritykset"
KONY_SOURCE = "Tilastokeskus, konkurssit ja yrityssaneeraukset"
INDUSTRY_CLASSIFICATION_ID = "toimiala_1_20080101"

ARCHIVE_DIR = f"{PXWEB_DIR}/fi/StatFin_Passiivi"
ALY_DIR = f"{ARCHIVE_DIR}/aly"
ALY_LIST_PATH = f"{PXWEB_DIR}/fi/StatFin/aly.json"
ALY_ARCHIVE_LIST_PATH = f"{ARCHIVE_DIR}/aly.json"
ALY_TABLE = "11yq"
QUARTERS = [f"{y}Q{q}" for y in range(2019, 2027) for q in range(1, 5) if (y, q) <= (2026, 2)]
# Worded as the real title (SOURCES.md §1.3: "…, 2013Q1-2020Q4"), with the sample's own period range.
ALY_TEXT = (
    "Aloittaneet ja lopettaneet yritykset kunnittain ja toimialaluokituksen TOL 2008 mukaisesti, "
    f"{QUARTERS[0]}-{QUARTERS[-1]}"
)
ALY_TITLE = "Aloittaneet ja lopettaneet yritykset muuttujina Kunta, Toimiala, Vuosineljännes ja Tiedot" + SAMPLE_SUFFIX
ALY_UPDATED = "2026-10-29T05:00:00Z"  # 2026Q2, published about four months after the quarter
ALY_CONTENTS = [
    ("aloittaneita", "Aloittaneet"),
    ("lopettaneita", "Lopettaneet"),
    ("yrityskanta", "Yrityskanta"),
]
# Tables the title pattern must pass over: by region, yearly, and an older TOL 2002 series (also by
# municipality and quarter: the later period range wins).
ALY_CURRENT_DECOYS = [
    {
        "id": "14ty.px",
        "type": "t",
        "text": "Aloittaneet ja lopettaneet yritykset maakunnittain ja toimialaluokituksen TOL 2008 mukaisesti, "
        "2013Q1-2026Q2" + SAMPLE_SUFFIX,
        "updated": ALY_UPDATED,
    },
    {
        "id": "14tz.px",
        "type": "t",
        "text": "Aloittaneet ja lopettaneet yritykset kunnittain, 2013-2025" + SAMPLE_SUFFIX,
        "updated": ALY_UPDATED,
    },
]
ALY_ARCHIVE_DECOYS = [
    {
        "id": "11yp.px",
        "type": "t",
        "text": "Aloittaneet ja lopettaneet yritykset kunnittain ja toimialaluokituksen TOL 2002 mukaisesti, "
        "2005Q1-2012Q4" + SAMPLE_SUFFIX,
        "updated": "2013-06-28T05:00:00Z",
    },
    {
        "id": "11yr.px",
        "type": "t",
        "text": "Aloittaneet ja lopettaneet yritykset toimialoittain vuosittain, 2013-2020" + SAMPLE_SUFFIX,
        "updated": "2021-06-30T05:00:00Z",
    },
]
# Divisions the real aly table mixes in among the sections (SSS, A, A01, A02, …, X); fixed shares of their section.
DIVISIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "A": (("01", 0.62), ("02", 0.33), ("03", 0.05)),
    "F": (("41", 0.32), ("42", 0.08), ("43", 0.60)),
    "M": (("69", 0.22), ("70", 0.30), ("71", 0.28), ("73", 0.08), ("74", 0.12)),
}

KONY_DIR = f"{PXWEB_DIR}/fi/StatFin/kony"
KONY_LIST_PATH = f"{PXWEB_DIR}/fi/StatFin/kony.json"
KONY_ARCHIVE_LIST_PATH = f"{ARCHIVE_DIR}/kony.json"
KONY_TABLE = "13fe"
MONTHS = [f"{y}M{m:02d}" for y in range(2019, 2027) for m in range(1, 13) if (y, m) <= (2026, 10)]
# Worded as the real title (SOURCES.md §1.3: "…, 2003M01-2023M05"), with the sample's own period range.
KONY_TEXT = f"Konkurssit kuukausittain alueittain ja toimialoittain, {MONTHS[0]}-{MONTHS[-1]}"
KONY_TITLE = "Konkurssit muuttujina Alue, Toimiala, Kuukausi ja Tiedot" + SAMPLE_SUFFIX
KONY_UPDATED = "2026-11-20T06:00:00Z"  # 2026M10, about three weeks after the month
# The content code is unverified: the sample's is not the staged name, so it is resolved by its text.
KONY_CONTENTS = [("konkurssit_lkm", "Vireille pannut konkurssit"), ("henkilosto", "Konkurssiyritysten henkilöstö")]
PERSONNEL_PER_BANKRUPTCY = 2.4
# The national table (must never be chosen for the regional dataset) and a neighbour.
KONY_NATIONAL = {
    "id": "13fb.px",
    "type": "t",
    "text": "Konkurssit kuukausittain vuodesta 1986" + SAMPLE_SUFFIX,
    "updated": KONY_UPDATED,
}
KONY_NEIGHBOUR = {
    "id": "13ff.px",
    "type": "t",
    "text": "Yrityssaneeraukset kuukausittain alueittain ja toimialoittain, 2019M01-2026M10" + SAMPLE_SUFFIX,
    "updated": KONY_UPDATED,
}
# An archived regional series that also matches: the current database comes first.
KONY_ARCHIVE = {
    "id": "13fd.px",
    "type": "t",
    "text": "Konkurssit kuukausittain maakunnittain, 1986M01-2018M12" + SAMPLE_SUFFIX,
    "updated": "2019-02-15T06:00:00Z",
}

# TOL 2008 sections: share of the enterprise stock and of openings (national, sample).
SECTION_SHARES: dict[str, tuple[float, float]] = {
    "A": (0.140, 0.045),
    "B": (0.002, 0.002),
    "C": (0.060, 0.045),
    "D": (0.010, 0.008),
    "E": (0.004, 0.003),
    "F": (0.135, 0.145),
    "G": (0.120, 0.120),
    "H": (0.075, 0.080),
    "I": (0.035, 0.050),
    "J": (0.040, 0.055),
    "K": (0.015, 0.015),
    "L": (0.085, 0.040),
    "M": (0.120, 0.150),
    "N": (0.050, 0.070),
    "O": (0.0005, 0.0005),
    "P": (0.015, 0.025),
    "Q": (0.040, 0.050),
    "R": (0.025, 0.035),
    "S": (0.0335, 0.0605),
    "T": (0.0005, 0.0005),
    "U": (0.0005, 0.0005),
}
SECTION_LABELS = {
    "SSS": "Kaikki toimialat",
    "X": "Toimiala tuntematon",
}
UNKNOWN_SHARE = 0.01  # openings with the industry not yet known
STOCK_PER_1000 = 68.0  # enterprises per 1000 residents
OPENINGS_PER_1000 = 1.6  # per quarter
CLOSURE_RATIO = 0.85  # closures / openings on average
OPENING_SEASON = np.array([1.18, 0.98, 0.86, 0.98])
CLOSURE_SEASON = np.array([0.95, 0.90, 0.85, 1.30])
# Business cycle of openings by year (relative), and of bankruptcies per month in the whole country.
OPENING_CYCLE = {2019: 1.0, 2020: 0.92, 2021: 1.05, 2022: 0.98, 2023: 0.93, 2024: 0.95, 2025: 0.97, 2026: 0.99}
BANKRUPTCIES_PER_MONTH = {2019: 225, 2020: 200, 2021: 170, 2022: 215, 2023: 270, 2024: 300, 2025: 290, 2026: 280}
BANKRUPTCY_SEASON = np.array([1.05, 1.05, 1.1, 1.05, 1.0, 0.9, 0.6, 0.95, 1.1, 1.15, 1.1, 0.95])


def read_industries(path: Path = INDUSTRIES_CSV) -> list[dict[str, str]]:
    """The TOL 2008 rows of the sample, in file order."""
    return list(csv.DictReader(data_lines(path)))


def _population(municipalities: list[Municipality], anchors: dict[str, Anchor]) -> np.ndarray:
    return np.array([anchors[m.code].labour_force * POPULATION_PER_LABOUR_FORCE for m in municipalities])


def simulate_aly(
    municipalities: list[Municipality], anchors: dict[str, Anchor], seed: int = SEED
) -> tuple[list[str], np.ndarray]:
    """Section codes and true counts as int64 (municipality, section, quarter, [openings, closures, stock])."""
    rng = np.random.default_rng(seed)
    sections = [*SECTION_SHARES, "X"]
    stock_share = np.array([s for s, _ in SECTION_SHARES.values()] + [0.0])
    open_share = np.array([o for _, o in SECTION_SHARES.values()] + [UNKNOWN_SHARE])
    stock_share, open_share = stock_share / stock_share.sum(), open_share / open_share.sum()
    population = _population(municipalities, anchors)
    n_m, n_s, n_q = len(municipalities), len(sections), len(QUARTERS)
    # Rural municipalities have relatively more farms, towns more services: a tilt by size, plus noise.
    rural = (np.log(population.max()) - np.log(population)) / np.log(population.max())
    tilt = np.exp(rng.normal(0.0, 0.25, (n_m, n_s)))
    tilt[:, sections.index("A")] *= 0.4 + 2.4 * rural
    years = np.array([int(q[:4]) for q in QUARTERS])
    qoy = np.array([int(q[-1]) - 1 for q in QUARTERS])
    cycle = np.array([OPENING_CYCLE[y] for y in years])
    out = np.zeros((n_m, n_s, n_q, 3), dtype=np.int64)
    base_stock = population[:, None] * STOCK_PER_1000 / 1000 * stock_share[None, :] * tilt
    opening_mean = (
        population[:, None, None]
        * OPENINGS_PER_1000
        / 1000
        * (open_share[None, :] * tilt)[:, :, None]
        * (cycle * OPENING_SEASON[qoy])[None, None, :]
    )
    openings = rng.poisson(opening_mean)
    closure_mean = opening_mean * CLOSURE_RATIO * (CLOSURE_SEASON[qoy] / OPENING_SEASON[qoy])[None, None, :]
    closures = rng.poisson(closure_mean)
    stock = np.round(base_stock).astype(np.int64)
    for q in range(n_q):
        stock = stock + openings[:, :, q] - closures[:, :, q]
        # Unknown-industry openings are classified within the quarter: they never stay in the stock.
        stock[:, sections.index("X")] = 0
        stock = np.maximum(stock, 0)
        out[:, :, q, 2] = stock
    out[..., 0], out[..., 1] = openings, closures
    return sections, out


def simulate_kony(
    municipalities: list[Municipality], anchors: dict[str, Anchor], seed: int = SEED + 1
) -> tuple[list[str], list[str], np.ndarray]:
    """Region codes, Finnish names and true bankruptcies as int64 (region, month)."""
    rng = np.random.default_rng(seed)
    population = _population(municipalities, anchors)
    regions = sorted({m.region_code for m in municipalities})
    names = {m.region_code: m.region_fi for m in municipalities}
    weight = np.array([population[[m.region_code == r for m in municipalities]].sum() for r in regions])
    weight = weight / weight.sum()
    national = np.array([BANKRUPTCIES_PER_MONTH[int(m[:4])] * BANKRUPTCY_SEASON[int(m[-2:]) - 1] for m in MONTHS])
    counts = rng.poisson(weight[:, None] * national[None, :]).astype(np.int64)
    return [f"MK{r}" for r in regions], [names[r] for r in regions], counts


def _cube(
    title: str,
    source: str,
    updated: str,
    table_id: str,
    dims: list[tuple[str, str, list[str], list[str]]],
    values: np.ndarray,
    time_code: str,
    content_code: str,
    eliminable: tuple[str, ...] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A json-stat2 cube and the table metadata for the same dimensions."""
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": title,
        "source": source,
        "updated": updated,
        "note": [SAMPLE_NOTE],
        "role": {"time": [time_code], "metric": [content_code]},
        "id": [d[0] for d in dims],
        "size": [len(d[2]) for d in dims],
        "dimension": {
            code: {
                "label": label,
                "category": {"index": {c: i for i, c in enumerate(cs)}, "label": dict(zip(cs, ts, strict=True))},
            }
            for code, label, cs, ts in dims
        },
        "extension": {"px": {"tableid": table_id, "language": "fi"}},
        "value": values.reshape(-1).tolist(),
    }
    meta = {
        "title": title,
        "variables": [
            {
                "code": code,
                "text": label,
                "values": cs,
                "valueTexts": ts,
                **({"time": True} if code == time_code else {}),
                **({"elimination": True} if code in eliminable else {}),
            }
            for code, label, cs, ts in dims
        ],
    }
    return doc, meta


def _listing(tables: list[dict[str, Any]]) -> bytes:
    """A subject folder's table list as PxWeb v1 answers it: `[{id, type: "t", text, updated}]` by id."""
    return json_bytes(sorted(tables, key=lambda t: t["id"]))


def _with_divisions(
    sections: list[str], labels: dict[str, str], counts: np.ndarray, seed: int = SEED + 2
) -> tuple[list[str], list[str], np.ndarray]:
    """Industry codes and labels with divisions after their section (SSS, A, A01, …), and the counts to match.

    `counts` has the industry on axis 1 (with SSS first); a division's counts are a multinomial share
    of its section's, so the divisions of a section add up to it.
    """
    rng = np.random.default_rng(seed)
    divisions = {r["code"]: r["name_fi"] for r in read_industries() if r["level"] == "2"}
    codes, texts, parts = ["SSS"], [labels["SSS"]], [counts[:, :1]]
    for position, section in enumerate(sections, start=1):
        codes.append(section)
        texts.append(labels[section])
        parts.append(counts[:, position : position + 1])
        if section in DIVISIONS:
            shares = np.array([share for _, share in DIVISIONS[section]])
            split = rng.multinomial(counts[:, position], shares / shares.sum())  # (..., divisions)
            for index, (division, _) in enumerate(DIVISIONS[section]):
                codes.append(f"{section}{division}")
                texts.append(f"{division} {divisions[division]}")
                parts.append(split[..., index][:, None])
    return codes, texts, np.concatenate(parts, axis=1)


def aly_documents(municipalities: list[Municipality], anchors: dict[str, Anchor]) -> dict[str, bytes]:
    """aly table lists of both databases, 11yq metadata and cube; the SSS and country rows are exact sums."""
    sections, counts = simulate_aly(municipalities, anchors)
    industries = {r["code"]: r["name_fi"] for r in read_industries() if r["level"] == "1"}
    with_total = np.concatenate([counts.sum(axis=1, keepdims=True), counts], axis=1)
    cube = np.concatenate([with_total.sum(axis=0, keepdims=True), with_total], axis=0)
    labels = {c: SECTION_LABELS.get(c) or f"{c} {industries[c]}" for c in ["SSS", *sections]}
    industry_codes, industry_labels, cube = _with_divisions(sections, labels, cube)
    dims = [
        (
            "Kunta",
            "Kunta",
            ["SSS", *(f"KU{m.code}" for m in municipalities)],
            ["KOKO MAA"] + [m.name_fi for m in municipalities],
        ),
        ("Toimiala", "Toimiala", industry_codes, industry_labels),
        ("Vuosineljännes", "Vuosineljännes", QUARTERS, QUARTERS),
        ("Tiedot", "Tiedot", [c for c, _ in ALY_CONTENTS], [t for _, t in ALY_CONTENTS]),
    ]
    doc, meta = _cube(ALY_TITLE, SOURCE, ALY_UPDATED, ALY_TABLE, dims, cube, "Vuosineljännes", "Tiedot", ("Toimiala",))
    table = {"id": f"{ALY_TABLE}.px", "type": "t", "text": ALY_TEXT + SAMPLE_SUFFIX, "updated": ALY_UPDATED}
    return {
        ALY_LIST_PATH: _listing(ALY_CURRENT_DECOYS),
        ALY_ARCHIVE_LIST_PATH: _listing([table, *ALY_ARCHIVE_DECOYS]),
        f"{ALY_DIR}/{ALY_TABLE}.px.meta.json": json_bytes(meta),
        f"{ALY_DIR}/{ALY_TABLE}.px.jsonstat2.json.gz": gzip_bytes(json_bytes(doc)),
    }


def kony_documents(municipalities: list[Municipality], anchors: dict[str, Anchor]) -> dict[str, bytes]:
    """kony table lists of both databases, 13fe metadata and cube by region × industry × month."""
    region_codes, region_names, counts = simulate_kony(municipalities, anchors)
    rng = np.random.default_rng(SEED + 3)
    sections = [*SECTION_SHARES, "X"]
    shares = np.array([o for _, o in SECTION_SHARES.values()] + [UNKNOWN_SHARE])
    by_section = rng.multinomial(counts, shares / shares.sum())  # (region, month, section)
    by_section = np.moveaxis(by_section, 2, 1)  # (region, section, month)
    with_total = np.concatenate([by_section.sum(axis=1, keepdims=True), by_section], axis=1)
    bankruptcies = np.concatenate([with_total.sum(axis=0, keepdims=True), with_total], axis=0)
    personnel = rng.poisson(bankruptcies * PERSONNEL_PER_BANKRUPTCY)
    cube = np.stack([bankruptcies, personnel], axis=-1)
    industries = {r["code"]: r["name_fi"] for r in read_industries() if r["level"] == "1"}
    industry_labels = [SECTION_LABELS.get(c) or f"{c} {industries[c]}" for c in ["SSS", *sections]]
    dims = [
        ("Alue", "Alue", ["SSS", *region_codes], ["KOKO MAA", *region_names]),
        ("Toimiala", "Toimiala", ["SSS", *sections], industry_labels),
        ("timeperiod_m", "Kuukausi", MONTHS, MONTHS),
        ("contentscode", "Tiedot", [c for c, _ in KONY_CONTENTS], [t for _, t in KONY_CONTENTS]),
    ]
    doc, meta = _cube(
        KONY_TITLE, KONY_SOURCE, KONY_UPDATED, KONY_TABLE, dims, cube, "timeperiod_m", "contentscode", ("Toimiala",)
    )
    table = {"id": f"{KONY_TABLE}.px", "type": "t", "text": KONY_TEXT + SAMPLE_SUFFIX, "updated": KONY_UPDATED}
    return {
        KONY_LIST_PATH: _listing([KONY_NATIONAL, table, KONY_NEIGHBOUR]),
        KONY_ARCHIVE_LIST_PATH: _listing([KONY_ARCHIVE]),
        f"{KONY_DIR}/{KONY_TABLE}.px.meta.json": json_bytes(meta),
        f"{KONY_DIR}/{KONY_TABLE}.px.jsonstat2.json.gz": gzip_bytes(json_bytes(doc)),
    }


def industry_documents() -> dict[str, bytes]:
    """The TOL 2008 items in fi, sv and en, shaped like the classification service's answer."""
    return classification_item_documents(INDUSTRY_CLASSIFICATION_ID, read_industries())


def business_documents(municipalities: list[Municipality], anchors: dict[str, Anchor]) -> dict[str, bytes]:
    """Every business-statistics file of the snapshot."""
    return {
        **aly_documents(municipalities, anchors),
        **kony_documents(municipalities, anchors),
        **industry_documents(),
    }
