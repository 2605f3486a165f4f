"""Sample population tables vaerak/11re and vaerak/11ra, in the real PxWeb shapes.

Synthetic but consistent: each municipality's 2025 population is scaled from its real labour-force
anchor, spread over five-year age groups and two sexes with a deterministic profile, and carried back
to 2019 with a small yearly drift. 11ra's areas (country, regions, sub-regions, employment areas) are
exact sums of the municipalities, as in the real table (whose TA totals equal the municipal sums).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ingestion.sample_snapshot.basics import (
    PXWEB_DIR,
    SAMPLE_NOTE,
    SAMPLE_SUFFIX,
    Anchor,
    Municipality,
    gzip_bytes,
    json_bytes,
)

SEED = 20260401
YEARS = [str(y) for y in range(2019, 2026)]
UPDATED_11RE = "2026-04-01T05:00:00Z"
UPDATED_11RA = "2026-05-29T05:00:00Z"
SOURCE = "Tilastokeskus, väestörakenne"
AREA_VARIABLE = "alue_23_20260101"
AGE_VARIABLE = "ikaryhma_10_20180101"
SEX_VARIABLE = "sukupuoli_9_20180101"
TIME_VARIABLE = "timeperiod_y"
AGE_GROUPS = [f"{a}-{a + 4}" for a in range(0, 75, 5)] + ["75-"]
AGE_LABELS = [f"{a} - {a + 4}" for a in range(0, 75, 5)] + ["75 -"]
SEXES = [("SSS", "Yhteensä"), ("1", "Miehet"), ("2", "Naiset")]
# Share of each age group in a typical municipality (sums to 1), and how much an older municipality tilts.
AGE_PROFILE = np.array([4.6, 5.2, 5.6, 5.6, 5.9, 6.3, 6.5, 6.4, 6.2, 5.9, 6.3, 6.6, 6.8, 6.5, 6.0, 9.6])
AGE_PROFILE = AGE_PROFILE / AGE_PROFILE.sum()
OLD_TILT = np.linspace(-1.0, 1.0, len(AGE_GROUPS))
MEN_SHARE_BY_AGE = np.linspace(0.512, 0.43, len(AGE_GROUPS))
POPULATION_PER_LABOUR_FORCE = 2.0
KEY_MEASURES = [
    ("vaerak-vaesto", "Väestö 31.12."),
    ("vaesto_alle15_p", "Alle 15-vuotiaiden osuus, %"),
    ("vaesto_yli64_p", "65 vuotta täyttäneiden osuus, %"),
    ("vaesto_keski_ika", "Keski-ikä, molemmat sukupuolet"),
]
TABLE_11RE = "11re"
TABLE_11RA = "11ra"
TEXT_11RE = "Väestö 31.12. muuttujina Alue, Ikä, Sukupuoli, Vuosi ja Tiedot"
TEXT_11RA = "Tunnuslukuja väestöstä muuttujina Alue, Vuosi ja Tiedot"
SUBJECT_DIR = f"{PXWEB_DIR}/fi/StatFin/vaerak"


def simulate(municipalities: list[Municipality], anchors: dict[str, Anchor], seed: int = SEED) -> np.ndarray:
    """Population counts as int64 (municipality, age group, sex [men, women], year)."""
    rng = np.random.default_rng(seed)
    n_m, n_a, n_y = len(municipalities), len(AGE_GROUPS), len(YEARS)
    base = np.array([anchors[m.code].labour_force for m in municipalities], dtype=float)
    size_2025 = base * POPULATION_PER_LABOUR_FORCE * rng.lognormal(0.0, 0.08, n_m)
    tilt = rng.normal(0.0, 0.18, n_m) - 0.12 * np.log(size_2025 / np.median(size_2025))
    profile = AGE_PROFILE[None, :] * np.exp(tilt[:, None] * OLD_TILT[None, :])
    profile /= profile.sum(axis=1, keepdims=True)
    drift = rng.normal(-0.004, 0.008, n_m)
    steps = np.arange(n_y) - (n_y - 1)
    size = size_2025[:, None] * np.exp(drift[:, None] * steps[None, :])
    men = MEN_SHARE_BY_AGE[None, :, None] + rng.normal(0.0, 0.006, (n_m, 1, 1))
    counts = size[:, None, :] * profile[:, :, None]
    out = np.empty((n_m, n_a, 2, n_y), dtype=np.int64)
    out[:, :, 0, :] = np.rint(counts * men).astype(np.int64)
    out[:, :, 1, :] = np.rint(counts * (1 - men)).astype(np.int64)
    return out


def _category(codes: list[str], labels: list[str]) -> dict[str, Any]:
    return {"index": {c: i for i, c in enumerate(codes)}, "label": dict(zip(codes, labels, strict=True))}


def _document(
    title: str, updated: str, table_id: str, dims: list[tuple[str, str, list[str], list[str]]], values: list[Any]
) -> dict[str, Any]:
    content_code = dims[-1][0]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": title,
        "source": SOURCE,
        "updated": updated,
        "note": [SAMPLE_NOTE],
        "role": {"time": [TIME_VARIABLE], "metric": [content_code]},
        "id": [d[0] for d in dims],
        "size": [len(d[2]) for d in dims],
        "dimension": {code: {"label": label, "category": _category(c, t)} for code, label, c, t in dims},
        "extension": {"px": {"tableid": table_id, "language": "fi"}},
        "value": values,
    }


def _metadata(title: str, dims: list[tuple[str, str, list[str], list[str]]]) -> dict[str, Any]:
    variables = []
    for code, label, codes, texts in dims:
        variable: dict[str, Any] = {"code": code, "text": label, "values": codes, "valueTexts": texts}
        if code == TIME_VARIABLE:
            variable["time"] = True
        elif code != "contentscode":
            variable["elimination"] = True
        variables.append(variable)
    return {"title": title, "variables": variables}


def _key_figures(counts: np.ndarray) -> np.ndarray:
    """(area, year, 4): population, % under 15, % 65 and over, mean age (group midpoints + 0.5)."""
    by_age = counts.sum(axis=2)  # (area, age, year)
    total = by_age.sum(axis=1)
    under15 = by_age[:, :3, :].sum(axis=1)
    over64 = by_age[:, 13:, :].sum(axis=1)
    mids = np.array([a + 2.5 for a in range(0, 75, 5)] + [82.0])
    mean_age = (by_age * mids[None, :, None]).sum(axis=1) / total
    return np.stack(
        [total, np.round(100 * under15 / total, 1), np.round(100 * over64 / total, 1), np.round(mean_age, 1)], axis=-1
    )


def population_documents(municipalities: list[Municipality], anchors: dict[str, Anchor]) -> dict[str, bytes]:
    """The vaerak table list, 11re and 11ra metadata and full cubes."""
    counts = simulate(municipalities, anchors)
    municipal_codes = [f"KU{m.code}" for m in municipalities]
    municipal_names = [m.name_fi for m in municipalities]

    # 11re: area (SSS + KU) × age (SSS + groups) × sex (SSS, 1, 2) × year × content.
    with_country = np.concatenate([counts.sum(axis=0, keepdims=True), counts], axis=0)
    with_age_total = np.concatenate([with_country.sum(axis=1, keepdims=True), with_country], axis=1)
    full = np.concatenate([with_age_total.sum(axis=2, keepdims=True), with_age_total], axis=2)
    dims_11re = [
        (AREA_VARIABLE, "Alue", ["SSS", *municipal_codes], ["KOKO MAA", *municipal_names]),
        (AGE_VARIABLE, "Ikä", ["SSS", *AGE_GROUPS], ["Yhteensä", *AGE_LABELS]),
        (SEX_VARIABLE, "Sukupuoli", [c for c, _ in SEXES], [t for _, t in SEXES]),
        (TIME_VARIABLE, "Vuosi", YEARS, YEARS),
        ("contentscode", "Tiedot", ["vaerak-vaesto"], ["Väestö 31.12."]),
    ]
    values_11re = full[..., None].reshape(-1).tolist()

    # 11ra: country, regions, sub-regions, employment areas and municipalities × year × 4 key figures.
    groups: list[tuple[str, str, list[int]]] = [("SSS", "KOKO MAA", list(range(len(municipalities))))]
    for prefix, key, name in (
        ("MK", lambda m: m.region_code, lambda m: m.region_fi),
        ("SK", lambda m: m.subregion_code, lambda m: m.subregion_fi),
        ("TA", lambda m: m.employment_area_code, lambda m: m.employment_area_fi),
    ):
        members: dict[str, list[int]] = {}
        names: dict[str, str] = {}
        for i, m in enumerate(municipalities):
            members.setdefault(key(m), []).append(i)
            names[key(m)] = name(m)
        groups += [(f"{prefix}{code}", names[code], members[code]) for code in sorted(members)]
    groups += [(code, name, [i]) for i, (code, name) in enumerate(zip(municipal_codes, municipal_names, strict=True))]
    area_counts = np.stack([counts[idx].sum(axis=0) for _, _, idx in groups])
    figures = _key_figures(area_counts)
    values_11ra: list[Any] = []
    for row in figures.reshape(-1, len(KEY_MEASURES)).tolist():
        values_11ra += [int(row[0]), *(round(v, 1) for v in row[1:])]
    dims_11ra = [
        (AREA_VARIABLE, "Alue", [g[0] for g in groups], [g[1] for g in groups]),
        (TIME_VARIABLE, "Vuosi", YEARS, YEARS),
        ("contentscode", "Tiedot", [c for c, _ in KEY_MEASURES], [t for _, t in KEY_MEASURES]),
    ]
    table_list = [
        {
            "id": f"{TABLE_11RA}.px",
            "type": "t",
            "text": "Tunnuslukuja väestöstä" + SAMPLE_SUFFIX,
            "updated": UPDATED_11RA,
        },
        {"id": f"{TABLE_11RE}.px", "type": "t", "text": "Väestö 31.12." + SAMPLE_SUFFIX, "updated": UPDATED_11RE},
    ]
    title_11re, title_11ra = TEXT_11RE + SAMPLE_SUFFIX, TEXT_11RA + SAMPLE_SUFFIX
    return {
        f"{PXWEB_DIR}/fi/StatFin/vaerak.json": json_bytes(table_list),
        f"{SUBJECT_DIR}/{TABLE_11RE}.px.meta.json": json_bytes(_metadata(title_11re, dims_11re)),
        f"{SUBJECT_DIR}/{TABLE_11RE}.px.jsonstat2.json.gz": gzip_bytes(
            json_bytes(_document(title_11re, UPDATED_11RE, TABLE_11RE, dims_11re, values_11re))
        ),
        f"{SUBJECT_DIR}/{TABLE_11RA}.px.meta.json": json_bytes(_metadata(title_11ra, dims_11ra)),
        f"{SUBJECT_DIR}/{TABLE_11RA}.px.jsonstat2.json.gz": gzip_bytes(
            json_bytes(_document(title_11ra, UPDATED_11RA, TABLE_11RA, dims_11ra, values_11ra))
        ),
    }
