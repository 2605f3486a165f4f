"""Deterministic generator of the bundled SAMPLE snapshot.

The snapshot holds recorded-shape API responses (PxWeb v1 and the classification service) that the
fake transport adapter serves to the real HTTP clients in "sample mode", so the whole pipeline can
run offline through the same code path as production.  The figures are synthetic but internally
consistent: municipal series are anchored to the real 2026M06 levels (``anchors.csv``), aggregates
are exact sums of the true municipal values, and small municipal cells are suppressed with the
secrecy symbol ``...`` exactly like Statistics Finland does.

This module makes the labour-market table 12r5 and the classification maps itself and calls one
generator per further source (``population``, ``occupations``, ``kela``, ``prh``, ``business``,
``mergers``, ``industries2025``); all of them share ``basics`` (inputs, paths, encoders) and none
imports this module back.

Run ``python -m ingestion.sample_snapshot.generate [--out DIR]``.  The output is byte-identical
across runs (fixed seed, fixed key order, gzip with ``mtime=0``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ingestion.sample_snapshot.basics import (
    CLASSIFICATION_DATES,
    CORRESPONDENCE_LIST_PATH,
    CURRENT_CLASSIFICATION_DATE,
    LANGUAGES,
    MODULE_DIR,
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
    add_correspondences,
    correspondence_id,
    gzip_bytes,
    json_bytes,
    maps_path,
    read_anchors,
    read_classification,
)
from ingestion.sample_snapshot.business import business_documents
from ingestion.sample_snapshot.industries2025 import tol2025_documents
from ingestion.sample_snapshot.kela import kela_documents
from ingestion.sample_snapshot.mergers import succession_documents
from ingestion.sample_snapshot.occupations import occupation_documents, table_list_entry
from ingestion.sample_snapshot.population import population_documents
from ingestion.sample_snapshot.prh import prh_documents
from ingestion.sample_snapshot.releases import release_documents

SEED = 20260621

FIRST_YEAR = 2019
LAST_YEAR, LAST_MONTH = 2026, 10
ANCHOR_YEAR, ANCHOR_MONTH = 2026, 6  # the month anchors.csv was derived from

TABLE_ID = "12r5"
TABLE_TEXT = "Työttömät työnhakijat eri ryhmissä, palveluissa olevat ja avoimet työpaikat kuukauden lopussa"
TABLE_TITLE = TABLE_TEXT + " muuttujina Alue, Kuukausi ja Tiedot" + SAMPLE_SUFFIX

CUBE_PATH = f"{PXWEB_DIR}/fi/StatFin/tyonv/{TABLE_ID}.px.jsonstat2.json.gz"
META_PATH = f"{PXWEB_DIR}/fi/StatFin/tyonv/{TABLE_ID}.px.meta.json"
TABLE_LIST_PATH = f"{PXWEB_DIR}/fi/StatFin/tyonv.json"
CONFIG_PATH = f"{PXWEB_DIR}/config.json"


# The 23 content codes of tyonv/12r5 with their Finnish texts, in the order of the real table.
CONTENTS: tuple[tuple[str, str], ...] = (
    ("HAKIJALOPUSSA", "Työnhakijoita laskentapäivänä (lkm.)"),
    ("TYOTTOMATLOPUSSA", "Työttömät työnhakijat laskentapäivänä (lkm.)"),
    ("TYOVOIMATK", "TK:n Työssäkäyntitilaston työvoima (lkm.)"),
    ("TYOTOSUUS", "Työttömien työnhakijoiden %-osuus työvoimasta (%)"),
    ("TYOTTOMATMIEHET", "Työttömät työnhakijat, miehet (lkm.)"),
    ("TYOTTOMATNAISET", "Työttömät työnhakijat, naiset (lkm.)"),
    ("TYOTTOMAT20", "Alle 20-v. työttömät työnhakijat (lkm.)"),
    ("TYOTTOMAT25", "Alle 25-v. työttömät työnhakijat (lkm.)"),
    ("TYOTTOMAT50", "Yli 50-v. työttömät työnhakijat (lkm.)"),
    ("TYOTTOMATSAIR", "Vamm./pitkäaik.sair. työttömät työnhakijat (lkm.)"),
    ("TYOTTOMATULK", "Ulkomaalaisia työttömiä työnhakijoita laskentapäivänä (lkm.)"),
    ("PITKAAIKAISTYOTTOMAT", "Pitkäaikaistyöttömät (lkm.)"),
    ("KASSASSA", "Kassan jäseniä työttömistä työnhakijoista laskentapäivänä (lkm.)"),
    ("LOMAUTETTU", "Kokoaikaisesti lomautetut laskentapäivänä (lkm.)"),
    ("LYHTYOVKO", "Lyhennetyllä työviikolla laskentapäivänä (lkm.)"),
    ("TYOLLISTETTYLOP", "Työllistettynä olevat laskentapäivänä (lkm.)"),
    ("TYOHARJOITTELULOP", "Työharj./työelämävalmennuksessa olevat laskentapäivänä (lkm.)"),
    ("KOKEILULOP", "Työ- ja koulutuskokeilussa olevat laskentapäivänä (lkm.)"),
    ("TVKOULUTUSLOP", "Työvoimakoulutuksessa olevat laskentapäivänä (lkm.)"),
    ("VALMENNUSLOP", "Valmennuksessa olevat laskentapäivänä (lkm.)"),
    ("MTPPALVELUTLOP", "Muissa palveluissa olevat laskentapäivänä (lkm.)"),
    ("AVPAIKATLOPUSSA", "Avoimet työpaikat kuukauden laskentapäivänä (lkm.)"),
    ("UUDETAVP", "Uudet avoimet työpaikat kuukauden aikana (lkm.)"),
)
CONTENT_CODES: tuple[str, ...] = tuple(code for code, _ in CONTENTS)
CI = {code: i for i, code in enumerate(CONTENT_CODES)}
RATE_CODE = "TYOTOSUUS"
LABOUR_FORCE_CODE = "TYOVOIMATK"
VACANCY_CODES: tuple[str, ...] = ("AVPAIKATLOPUSSA", "UUDETAVP")
# Person counts: subject to the < 5 secrecy rule (the labour force never is).
PERSON_CODES: tuple[str, ...] = tuple(
    c for c in CONTENT_CODES if c not in (*VACANCY_CODES, RATE_CODE, LABOUR_FORCE_CODE)
)
SERVICE_CODES: tuple[str, ...] = (
    "TYOLLISTETTYLOP",
    "TYOHARJOITTELULOP",
    "KOKEILULOP",
    "TVKOULUTUSLOP",
    "VALMENNUSLOP",
    "MTPPALVELUTLOP",
)

# Swedish and English region (maakunta) names; the source CSV only has the Finnish ones.
REGION_NAMES_SV_EN: dict[str, tuple[str, str]] = {
    "01": ("Nyland", "Uusimaa"),
    "02": ("Egentliga Finland", "Southwest Finland"),
    "04": ("Satakunta", "Satakunta"),
    "05": ("Egentliga Tavastland", "Kanta-Häme"),
    "06": ("Birkaland", "Pirkanmaa"),
    "07": ("Päijänne-Tavastland", "Päijät-Häme"),
    "08": ("Kymmenedalen", "Kymenlaakso"),
    "09": ("Södra Karelen", "South Karelia"),
    "10": ("Södra Savolax", "South Savo"),
    "11": ("Norra Savolax", "North Savo"),
    "12": ("Norra Karelen", "North Karelia"),
    "13": ("Mellersta Finland", "Central Finland"),
    "14": ("Södra Österbotten", "South Ostrobothnia"),
    "15": ("Österbotten", "Ostrobothnia"),
    "16": ("Mellersta Österbotten", "Central Ostrobothnia"),
    "17": ("Norra Österbotten", "North Ostrobothnia"),
    "18": ("Kajanaland", "Kainuu"),
    "19": ("Lappland", "Lapland"),
    "21": ("Åland", "Åland"),
}

# --- the national shape of the series ------------------------------------------------------------

# Deseasonalised national unemployment level relative to 2026M06, knots at (year, month).
CYCLE_KNOTS: tuple[tuple[int, int, float], ...] = (
    (2019, 1, 0.73),
    (2019, 7, 0.72),
    (2019, 12, 0.72),
    (2020, 3, 0.74),
    (2020, 4, 1.05),  # COVID-19: lay-offs push registered unemployment up ~45 %
    (2020, 5, 1.08),
    (2020, 6, 1.06),
    (2020, 9, 0.95),
    (2020, 12, 0.92),
    (2021, 6, 0.85),
    (2021, 12, 0.77),
    (2022, 6, 0.71),
    (2022, 12, 0.70),
    (2023, 6, 0.74),
    (2023, 12, 0.80),
    (2024, 6, 0.87),
    (2024, 12, 0.91),
    (2025, 6, 0.95),
    (2025, 12, 0.98),
    (2026, 6, 1.00),
    (2026, 10, 1.01),
)
# Seasonal factor by calendar month: high in Jan-Feb, summer peak Jun-Jul, lows in May and Oct.
SEASON = np.array([1.06, 1.05, 1.01, 0.98, 0.95, 1.05, 1.06, 0.99, 0.96, 0.94, 0.96, 1.00])
# Long-term unemployed share relative to 2026M06: lower in 2019, diluted by the 2020 lay-offs,
# higher from 2021 on.
LONG_TERM_KNOTS: tuple[tuple[int, int, float], ...] = (
    (2019, 1, 0.72),
    (2020, 3, 0.71),
    (2020, 5, 0.52),
    (2020, 12, 0.72),
    (2021, 6, 0.95),
    (2021, 12, 1.02),
    (2022, 6, 0.97),
    (2023, 1, 0.86),
    (2023, 12, 0.82),
    (2024, 12, 0.90),
    (2025, 12, 0.98),
    (2026, 6, 1.00),
    (2026, 10, 1.00),
)
LAYOFF_KNOTS: tuple[tuple[int, int, float], ...] = (
    (2019, 1, 1.0),
    (2020, 3, 1.1),
    (2020, 4, 4.0),
    (2020, 5, 4.2),
    (2020, 6, 3.8),
    (2020, 9, 2.2),
    (2020, 12, 1.6),
    (2021, 6, 1.2),
    (2022, 1, 1.0),
    (2026, 10, 1.0),
)
SHORT_WEEK_KNOTS: tuple[tuple[int, int, float], ...] = (
    (2019, 1, 1.0),
    (2020, 3, 1.2),
    (2020, 4, 3.5),
    (2020, 6, 3.0),
    (2020, 12, 1.5),
    (2021, 6, 1.0),
    (2026, 10, 1.0),
)
# Services relative to unemployment dip while lay-offs swell the unemployed in spring 2020.
SERVICE_KNOTS: tuple[tuple[int, int, float], ...] = (
    (2019, 1, 1.0),
    (2020, 3, 1.0),
    (2020, 5, 0.7),
    (2020, 12, 0.9),
    (2021, 6, 1.0),
    (2026, 10, 1.0),
)
TRAINING_SEASON = np.array([1.25, 1.3, 1.3, 1.3, 1.2, 1.0, 0.8, 0.95, 1.25, 1.3, 1.3, 1.15])
YOUTH_SEASON = np.array([0.93, 0.92, 0.92, 0.92, 0.92, 1.0, 1.0, 0.93, 0.92, 0.92, 0.93, 0.93])
# Vacancies move against unemployment: a dip in spring 2020, a 2022 peak, cooling to 2025.
VACANCY_KNOTS: tuple[tuple[int, int, float], ...] = (
    (2019, 1, 1.25),
    (2019, 12, 1.2),
    (2020, 3, 1.15),
    (2020, 5, 0.75),
    (2020, 8, 0.95),
    (2021, 1, 1.2),
    (2021, 12, 1.55),
    (2022, 5, 1.7),
    (2022, 12, 1.5),
    (2023, 6, 1.3),
    (2023, 12, 1.15),
    (2024, 6, 1.0),
    (2025, 6, 0.97),
    (2026, 6, 1.0),
    (2026, 10, 1.0),
)
OPEN_VACANCY_SEASON = np.array([0.95, 1.05, 1.15, 1.2, 1.15, 1.0, 0.85, 0.9, 0.95, 0.95, 0.9, 0.8])
NEW_VACANCY_SEASON = np.array([1.1, 1.2, 1.25, 1.15, 1.0, 0.85, 0.75, 1.0, 1.0, 0.95, 0.85, 0.7])
UNKNOWN_MUNICIPALITY_VACANCY_SHARE = 0.29  # share of national vacancies coded to KUJOU

# National ratios to the unemployed (real SSS row, 2026M06) and the spread between municipalities
# (sd of a persistent log-normal factor).
RATIOS: dict[str, tuple[float, float]] = {
    "TYOTTOMAT50": (0.33, 0.10),
    "TYOTTOMATSAIR": (0.12, 0.25),
    "PITKAAIKAISTYOTTOMAT": (0.41, 0.15),
    "KASSASSA": (0.26, 0.15),
    "LOMAUTETTU": (0.044, 0.35),
    "LYHTYOVKO": (0.024, 0.40),
    "TYOLLISTETTYLOP": (0.034, 0.30),
    "KOKEILULOP": (0.01, 0.30),
    "TVKOULUTUSLOP": (0.06, 0.30),
    "VALMENNUSLOP": (0.0015, 0.50),
    "MTPPALVELUTLOP": (0.077, 0.30),
}
MEN_SHARE = 0.54
UNDER25_RATIO = 0.137
UNDER20_OF_UNDER25 = 0.27  # 0.037 / 0.137
OTHER_JOBSEEKERS_RATIO = 0.3335  # jobseekers = unemployed + short week + services + others = 1.54 U
OPEN_VACANCY_RATIO = 0.075
NEW_VACANCY_RATIO = 0.09


@dataclass
class Cube:
    """The generated 12r5 cube: true values plus the secrecy mask."""

    area_codes: list[str]
    area_labels: list[str]
    months: list[str]
    counts: np.ndarray  # int64 (area, month, content); the TYOTOSUUS column is unused (0)
    rates: np.ndarray  # float64 (area, month): TYOTOSUUS, one decimal
    suppressed: np.ndarray  # bool (area, month, content)


def month_codes() -> list[str]:
    """PxWeb month codes 2019M01 … 2026M10."""
    return [
        f"{y}M{m:02d}"
        for y in range(FIRST_YEAR, LAST_YEAR + 1)
        for m in range(1, 13)
        if (y, m) <= (LAST_YEAR, LAST_MONTH)
    ]


def _interp(knots: tuple[tuple[int, int, float], ...], years: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Piecewise-linear curve through (year, month, value) knots, evaluated per month."""
    kx = np.array([y * 12 + m - 1 for y, m, _ in knots], dtype=float)
    ky = np.array([v for _, _, v in knots])
    return np.interp(years * 12 + months - 1, kx, ky)


def _ar1(rng: np.random.Generator, sd: np.ndarray, n_time: int, phi: float) -> np.ndarray:
    """Stationary AR(1) paths, one per row, with per-row marginal standard deviation ``sd``."""
    sd = np.asarray(sd, dtype=float).reshape(-1, 1)
    shocks = rng.standard_normal((sd.shape[0], n_time))
    out = np.empty_like(shocks)
    out[:, 0] = shocks[:, 0]
    innovation = np.sqrt(1.0 - phi * phi)
    for t in range(1, n_time):
        out[:, t] = phi * out[:, t - 1] + innovation * shocks[:, t]
    return out * sd


def _lognormal_factor(rng: np.random.Generator, sd: float, n: int, weights: np.ndarray) -> np.ndarray:
    """Persistent municipality factors, normalised so the weighted national mean is exactly 1."""
    f = np.exp(sd * rng.standard_normal(n))
    return f * weights.sum() / (weights * f).sum()


def simulate_municipalities(
    municipalities: list[Municipality], anchors: dict[str, Anchor], seed: int = SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate true municipal counts and the KUJOU vacancy row.

    Returns ``(counts, unknown)``: int64 arrays of shape (municipality, month, content) and
    (month, content).  Every person measure is derived from the unemployed count so the
    invariants (subsets never exceed their whole) hold by construction.
    """
    rng = np.random.default_rng(seed)
    months = month_codes()
    n_t, n_m, n_c = len(months), len(municipalities), len(CONTENT_CODES)
    years = np.array([int(c[:4]) for c in months])
    mons = np.array([int(c[5:]) for c in months])
    t_anchor = months.index(f"{ANCHOR_YEAR}M{ANCHOR_MONTH:02d}")
    moy = mons - 1  # month-of-year index for the seasonal tables

    lf0 = np.array([anchors[m.code].labour_force for m in municipalities], dtype=float)
    rate0 = np.array([anchors[m.code].unemployment_rate for m in municipalities]) / 100.0
    fshare = np.array([anchors[m.code].foreign_share for m in municipalities])
    u0 = lf0 * rate0  # unemployed at the anchor month

    # Labour force: Statistics Finland's employment-statistics figure, constant within a year,
    # drifting <= 1 %/yr (larger municipalities growing, small ones shrinking).
    drift = np.clip(0.005 * (np.log10(lf0) - 3.7) + 0.003 * rng.standard_normal(n_m), -0.01, 0.01)
    lf = np.rint(lf0[:, None] * (1.0 + drift[:, None]) ** (years[None, :] - ANCHOR_YEAR))

    # Unemployed: national cycle and seasonality with a municipal sensitivity, times persistent
    # AR(1) noise pinned to zero at the anchor month (so 2026M06 reproduces the anchors).
    cycle = _interp(CYCLE_KNOTS, years, mons) * SEASON[moy] / SEASON[ANCHOR_MONTH - 1]
    beta = np.clip(1.0 + 0.15 * rng.standard_normal(n_m) + 0.08 * (np.log10(lf0) - 4.0), 0.6, 1.4)
    level = 1.0 + beta[:, None] * (cycle[None, :] - 1.0)
    sigma = 0.03 * np.clip(np.sqrt(2000.0 / np.maximum(u0, 1.0)), 1.0, 4.0)
    e = _ar1(rng, sigma / np.sqrt(2.0), n_t, phi=0.85)
    noise = np.exp(e - e[:, [t_anchor]])
    unemployed = np.rint(lf * rate0[:, None] * level * noise)
    unemployed = np.clip(unemployed, 0, lf).astype(np.int64)
    u_f = unemployed.astype(float)

    def jitter(sd: float) -> np.ndarray:
        return np.exp(sd * rng.standard_normal((n_m, n_t)))

    def share_of_unemployed(code: str, profile: np.ndarray | float = 1.0) -> np.ndarray:
        ratio, spread = RATIOS[code]
        factor = _lognormal_factor(rng, spread, n_m, u0)
        x = np.rint(u_f * ratio * factor[:, None] * profile * jitter(0.04))
        return x.astype(np.int64)

    counts = np.zeros((n_m, n_t, n_c), dtype=np.int64)
    counts[:, :, CI["TYOTTOMATLOPUSSA"]] = unemployed
    counts[:, :, CI[LABOUR_FORCE_CODE]] = lf.astype(np.int64)

    men_share = MEN_SHARE * _lognormal_factor(rng, 0.04, n_m, u0)[:, None] * jitter(0.02)
    men = np.minimum(np.rint(u_f * men_share).astype(np.int64), unemployed)
    counts[:, :, CI["TYOTTOMATMIEHET"]] = men
    counts[:, :, CI["TYOTTOMATNAISET"]] = unemployed - men

    youth = YOUTH_SEASON[moy][None, :]
    u25 = np.rint(u_f * UNDER25_RATIO * _lognormal_factor(rng, 0.15, n_m, u0)[:, None] * youth * jitter(0.04))
    u25 = np.minimum(u25.astype(np.int64), unemployed)
    u20 = np.rint(u25 * UNDER20_OF_UNDER25 * _lognormal_factor(rng, 0.15, n_m, u0)[:, None] * jitter(0.06))
    counts[:, :, CI["TYOTTOMAT25"]] = u25
    counts[:, :, CI["TYOTTOMAT20"]] = np.minimum(u20.astype(np.int64), u25)
    # Under 25 and over 50 are disjoint groups of the unemployed.
    counts[:, :, CI["TYOTTOMAT50"]] = np.minimum(share_of_unemployed("TYOTTOMAT50"), unemployed - u25)

    counts[:, :, CI["TYOTTOMATSAIR"]] = np.minimum(share_of_unemployed("TYOTTOMATSAIR"), unemployed)
    # Foreign nationals: the municipal share from the anchors, grown over time to today's level.
    foreign_trend = np.interp(np.arange(n_t), [0, t_anchor], [0.75, 1.0])
    foreign = np.rint(u_f * fshare[:, None] * foreign_trend[None, :] * jitter(0.04)).astype(np.int64)
    counts[:, :, CI["TYOTTOMATULK"]] = np.minimum(foreign, unemployed)
    long_term = share_of_unemployed("PITKAAIKAISTYOTTOMAT", _interp(LONG_TERM_KNOTS, years, mons)[None, :])
    counts[:, :, CI["PITKAAIKAISTYOTTOMAT"]] = np.minimum(long_term, unemployed)
    counts[:, :, CI["KASSASSA"]] = np.minimum(share_of_unemployed("KASSASSA"), unemployed)
    laid_off = share_of_unemployed("LOMAUTETTU", _interp(LAYOFF_KNOTS, years, mons)[None, :])
    counts[:, :, CI["LOMAUTETTU"]] = np.minimum(laid_off, unemployed)

    # Jobseekers who are not unemployed: short working week, persons in services, others.
    counts[:, :, CI["LYHTYOVKO"]] = share_of_unemployed("LYHTYOVKO", _interp(SHORT_WEEK_KNOTS, years, mons)[None, :])
    services = _interp(SERVICE_KNOTS, years, mons)[None, :]
    for code in SERVICE_CODES:
        if code == "TYOHARJOITTELULOP":
            continue  # 0 in the real 2026M06 row; kept at 0 throughout
        profile = services * (TRAINING_SEASON[moy][None, :] if code == "TVKOULUTUSLOP" else 1.0)
        counts[:, :, CI[code]] = share_of_unemployed(code, profile)
    others = np.rint(
        u_f * OTHER_JOBSEEKERS_RATIO * _lognormal_factor(rng, 0.10, n_m, u0)[:, None] * jitter(0.03)
    ).astype(np.int64)
    counts[:, :, CI["HAKIJALOPUSSA"]] = (
        unemployed + counts[:, :, CI["LYHTYOVKO"]] + sum(counts[:, :, CI[c]] for c in SERVICE_CODES) + others
    )

    # Vacancies: national totals against the cycle, shared to municipalities by labour force with
    # a persistent municipal factor; the rest (~29 %) sits in KUJOU, the unknown municipality.
    unknown = np.zeros((n_t, n_c), dtype=np.int64)
    national_u = u_f[:, t_anchor].sum()
    vcycle = _interp(VACANCY_KNOTS, years, mons)
    for code, ratio, season in (
        ("AVPAIKATLOPUSSA", OPEN_VACANCY_RATIO, OPEN_VACANCY_SEASON),
        ("UUDETAVP", NEW_VACANCY_RATIO, NEW_VACANCY_SEASON),
    ):
        total = np.rint(national_u * ratio * vcycle * season[moy] / season[ANCHOR_MONTH - 1])
        weight = lf * np.exp(0.35 * rng.standard_normal(n_m))[:, None] * np.exp(_ar1(rng, np.full(n_m, 0.15), n_t, 0.7))
        weight /= weight.sum(axis=0, keepdims=True)
        muni = np.rint((1.0 - UNKNOWN_MUNICIPALITY_VACANCY_SHARE) * total[None, :] * weight).astype(np.int64)
        counts[:, :, CI[code]] = muni
        unknown[:, CI[code]] = total.astype(np.int64) - muni.sum(axis=0)
    return counts, unknown


def _rate(unemployed: np.ndarray, labour_force: np.ndarray) -> np.ndarray:
    """TYOTOSUUS: unemployed as % of labour force, one decimal (0.0 where there is no labour force)."""
    lf = labour_force.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(lf > 0, 100.0 * unemployed / np.where(lf > 0, lf, 1.0), 0.0)
    return np.round(r, 1)


def build_cube(municipalities: list[Municipality], anchors: dict[str, Anchor], seed: int = SEED) -> Cube:
    """Assemble the full 12r5 cube: SSS, regions, sub-regions, municipalities and KUJOU.

    Aggregates are exact sums of the true municipal values (SSS also of KUJOU) and are never
    suppressed; only municipal cells get the secrecy symbol.
    """
    counts_m, unknown = simulate_municipalities(municipalities, anchors, seed)
    regions = sorted({(m.region_code, m.region_fi) for m in municipalities})
    subregions = sorted({(m.subregion_code, m.subregion_fi) for m in municipalities})

    def group_sum(keys: list[str], key_of: list[str]) -> np.ndarray:
        member = np.array([[k == km for km in key_of] for k in keys], dtype=np.int64)
        flat = counts_m.reshape(len(municipalities), -1)
        return (member @ flat).reshape((len(keys), *counts_m.shape[1:]))

    region_counts = group_sum([c for c, _ in regions], [m.region_code for m in municipalities])
    subregion_counts = group_sum([c for c, _ in subregions], [m.subregion_code for m in municipalities])
    country = counts_m.sum(axis=0) + unknown

    counts = np.concatenate([country[None], region_counts, subregion_counts, counts_m, unknown[None]], axis=0)
    area_codes = (
        ["SSS"]
        + [f"MK{c}" for c, _ in regions]
        + [f"SK{c}" for c, _ in subregions]
        + [f"KU{m.code}" for m in municipalities]
        + ["KUJOU"]
    )
    area_labels = (
        ["KOKO MAA"]
        + [n for _, n in regions]
        + [n for _, n in subregions]
        + [m.name_fi for m in municipalities]
        + ["Tuntematon kunta"]
    )
    rates = _rate(counts[:, :, CI["TYOTTOMATLOPUSSA"]], counts[:, :, CI[LABOUR_FORCE_CODE]])

    suppressed = np.zeros(counts.shape, dtype=bool)
    is_municipal = np.array([a.startswith("KU") for a in area_codes])
    person = [CI[c] for c in PERSON_CODES]
    vacancy = [CI[c] for c in VACANCY_CODES]
    sub = counts[is_municipal]
    mask = np.zeros(sub.shape, dtype=bool)
    mask[:, :, person] = (sub[:, :, person] > 0) & (sub[:, :, person] < PERSON_THRESHOLD)
    mask[:, :, vacancy] = (sub[:, :, vacancy] > 0) & (sub[:, :, vacancy] < VACANCY_THRESHOLD)
    mask[:, :, CI[RATE_CODE]] = mask[:, :, CI["TYOTTOMATLOPUSSA"]]
    suppressed[is_municipal] = mask
    return Cube(area_codes, area_labels, month_codes(), counts, rates, suppressed)


# --- serialisation -------------------------------------------------------------------------------


def cube_values(cube: Cube) -> tuple[list[Any], dict[str, str]]:
    """Flatten the cube row-major (last dimension fastest) into json-stat2 ``value`` and ``status``."""
    n_a, n_t, n_c = cube.counts.shape
    values: list[Any] = cube.counts.reshape(-1).tolist()
    rate_positions = (np.arange(n_a * n_t) * n_c + CI[RATE_CODE]).tolist()
    for pos, rate in zip(rate_positions, cube.rates.reshape(-1).tolist(), strict=True):
        values[pos] = rate
    status: dict[str, str] = {}
    for pos in np.flatnonzero(cube.suppressed.reshape(-1)).tolist():
        values[pos] = None
        status[str(pos)] = SECRECY
    return values, status


def jsonstat2_document(cube: Cube) -> dict[str, Any]:
    """The json-stat2 dataset a POST selecting every value of 12r5 would return."""
    content_units = {
        code: {"base": "%" if code == RATE_CODE else "lkm.", "decimals": 1 if code == RATE_CODE else 0}
        for code in CONTENT_CODES
    }
    values, status = cube_values(cube)

    def category(codes: list[str], labels: list[str]) -> dict[str, Any]:
        return {
            "index": {c: i for i, c in enumerate(codes)},
            "label": dict(zip(codes, labels, strict=True)),
        }

    contents = category(list(CONTENT_CODES), [t for _, t in CONTENTS])
    contents["unit"] = content_units
    return {
        "version": "2.0",
        "class": "dataset",
        "label": TABLE_TITLE,
        "source": SOURCE,
        "updated": UPDATED,
        "note": [SAMPLE_NOTE],
        "role": {"time": ["timeperiod_m"], "metric": ["contentscode"]},
        "id": ["Alue", "timeperiod_m", "contentscode"],
        "size": list(cube.counts.shape),
        "dimension": {
            "Alue": {"label": "Alue", "category": category(cube.area_codes, cube.area_labels)},
            "timeperiod_m": {"label": "Kuukausi", "category": category(cube.months, cube.months)},
            "contentscode": {"label": "Tiedot", "category": contents},
        },
        "extension": {"px": {"tableid": TABLE_ID, "language": "fi"}},
        "value": values,
        "status": status,
    }


def pxweb_documents(cube: Cube) -> dict[str, bytes]:
    """PxWeb v1 responses: ``?config``, the tyonv table list, 12r5 metadata and the full cube."""
    config = {
        "apiVersion": "1.1.0",
        "languages": [
            {"id": "fi", "text": "Finnish"},
            {"id": "sv", "text": "Swedish"},
            {"id": "en", "text": "English"},
        ],
        "defaultLanguage": "fi",
        "maxValues": 120000,
        "maxCells": 120000,
        "maxCalls": 40,
        "timeWindow": 60,
        "sourceReferences": [{"language": "fi", "text": "Lähde: PxWeb-demo"}],
        "cors": {"enabled": True},
    }
    table_list = [{"id": f"{TABLE_ID}.px", "type": "t", "text": TABLE_TEXT + SAMPLE_SUFFIX, "updated": UPDATED}]
    meta = {
        "title": TABLE_TITLE,
        "variables": [
            {"code": "Alue", "text": "Alue", "values": cube.area_codes, "valueTexts": cube.area_labels},
            {
                "code": "timeperiod_m",
                "text": "Kuukausi",
                "values": cube.months,
                "valueTexts": cube.months,
                "time": True,
            },
            {
                "code": "contentscode",
                "text": "Tiedot",
                "values": list(CONTENT_CODES),
                "valueTexts": [t for _, t in CONTENTS],
            },
        ],
    }
    return {
        CONFIG_PATH: json_bytes(config),
        TABLE_LIST_PATH: json_bytes(table_list),
        META_PATH: json_bytes(meta),
        CUBE_PATH: gzip_bytes(json_bytes(jsonstat2_document(cube))),
    }


CORRESPONDENCE_TARGETS: tuple[tuple[str, str], ...] = (
    ("tyollisyysalue", "Työllisyysalue"),
    ("seutukunta", "Seutukunta"),
    ("maakunta", "Maakunta"),
)


def classification_documents(municipalities: list[Municipality]) -> dict[str, bytes]:
    """Classification-service responses: the correspondence-table list and the 2026 maps.

    The list also carries the 2025 tables so a client has to choose the latest valid one.
    """
    listing = [correspondence_id(target, date) for date in CLASSIFICATION_DATES for target, _ in CORRESPONDENCE_TARGETS]
    # Decoys a client must pass over: another target of today's municipalities, and an older municipality list.
    listing += ["kunta_1_20260101#vaalipiiri_1_20260101", "kunta_1_20240101#tyollisyysalue_1_20240101"]
    docs = {CORRESPONDENCE_LIST_PATH: add_correspondences(b"[]", listing)}

    def target_item(m: Municipality, target: str, lang: str) -> tuple[str, str]:
        if target == "tyollisyysalue":
            names = {"fi": m.employment_area_fi, "sv": m.employment_area_sv, "en": m.employment_area_en}
            return m.employment_area_code, names[lang]
        if target == "seutukunta":
            # The source CSV has no Swedish or English sub-region names: the Finnish one stands in.
            return m.subregion_code, m.subregion_fi
        sv, en = REGION_NAMES_SV_EN[m.region_code]
        return m.region_code, {"fi": m.region_fi, "sv": sv, "en": en}[lang]

    for target, _ in CORRESPONDENCE_TARGETS:
        local_id = correspondence_id(target, CURRENT_CLASSIFICATION_DATE)
        for lang in LANGUAGES:
            maps = []
            for m in municipalities:
                source_name = m.name_sv if lang == "sv" else m.name_fi  # no English municipality names
                code, name = target_item(m, target, lang)
                maps.append(
                    {
                        "sourceItem": {
                            "code": m.code,
                            "classificationItemNames": [{"lang": lang, "name": source_name}],
                        },
                        "targetItem": {"code": code, "classificationItemNames": [{"lang": lang, "name": name}]},
                        "correspondenceTable": {"localId": local_id},
                    }
                )
            docs[maps_path(local_id, lang)] = json_bytes(maps)
    return docs


def build_documents(seed: int = SEED) -> dict[str, bytes]:
    """Every snapshot file, keyed by its path relative to the snapshot directory."""
    municipalities = read_classification()
    anchors = read_anchors()
    missing = sorted({m.code for m in municipalities} - set(anchors))
    if missing:
        raise ValueError(f"anchors.csv lacks municipalities of the classification: {missing}")
    docs = pxweb_documents(build_cube(municipalities, anchors, seed))
    docs.update(classification_documents(municipalities))
    docs.update(succession_documents(municipalities, docs[CORRESPONDENCE_LIST_PATH]))
    docs.update(tol2025_documents(docs[CORRESPONDENCE_LIST_PATH]))
    docs.update(population_documents(municipalities, anchors))
    docs.update(occupation_documents(municipalities, anchors))
    docs.update(kela_documents(municipalities, anchors))
    docs.update(prh_documents(municipalities, anchors))
    docs.update(business_documents(municipalities, anchors))
    docs.update(release_documents(docs, municipalities, CUBE_PATH, META_PATH))
    tables = [*json.loads(docs[TABLE_LIST_PATH]), table_list_entry()]
    docs[TABLE_LIST_PATH] = json_bytes(sorted(tables, key=lambda t: t["id"]))
    return dict(sorted(docs.items()))


def generate(out_dir: Path = MODULE_DIR, seed: int = SEED) -> list[Path]:
    """Write the snapshot under ``out_dir`` and return the written paths."""
    written = []
    for rel, data in build_documents(seed).items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: regenerate the committed sample snapshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODULE_DIR, help="output directory (default: the module's)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = generate(args.out)
    elapsed = time.perf_counter() - started
    for p in paths:
        print(f"{p.stat().st_size:>10}  {p}")
    print(f"wrote {len(paths)} files in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
