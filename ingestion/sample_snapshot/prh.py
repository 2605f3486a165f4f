"""Sample PRH data: two dated `all_companies` dumps in the real YTJ v3 record shape, and the YRMU list.

Synthetic and labelled so: each municipality gets companies in proportion to its population (from
the real labour-force anchors), registered from 1975 on with most of the flow in 2019–2026. Like the
real register, a dump holds only companies registered on its day: a company that ended before it is
absent, and `companySituations` shows only proceedings still open then. Two dumps are shipped
(`all_companies_20260930.zip` and `all_companies_20261127.zip`, each holding `data_YYYYMMDD.json`):
companies ending in between disappear from the second. The snapshot serves the newest; tests land
the older one first to see closures. There are no sole traders (they are not in the open data);
housing companies and mutual property companies are. Industries carry `typeCodeSet` `TOIMI4`
(TOL 2025; PRH re-coded the register on 2026-01-01), some `TOIMI3` (TOL 2008) and a handful the old
`TOIMI2`. The TOL 2025 codes are approximations of the real ones. Business ids start with 9 (no real
id does) and carry a valid check digit; names are plainly fake. The company-form codes follow the YRMU
list shipped here (only 2, 10, 16 and 17 are known from real records or reports). ZIPs are written
with fixed timestamps so regeneration is byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from ingestion.sample_snapshot.basics import (
    Anchor,
    Municipality,
)

SEED = 20261127
PEOPLE_PER_COMPANY = 700
POPULATION_PER_LABOUR_FORCE = 2.0
# (file date, Last-Modified, the last day whose registrations the dump holds), oldest first
DUMPS = (
    ("20260930", "Wed, 30 Sep 2026 03:15:00 GMT", date(2026, 9, 29)),
    ("20261127", "Fri, 27 Nov 2026 03:15:00 GMT", date(2026, 11, 26)),
)
DUMP_DAY = DUMPS[-1][2]
FORMS_TSV_PATH = "prh/description_YRMU_fi.tsv"
FIRST_DAY = date(1975, 1, 1)
FLOW_START = date(2019, 1, 1)
RECODED = date(2026, 1, 1)
LANGUAGES = ("1", "2", "3")  # fi, sv, en

# code, fi, sv, en, weight (no sole traders: they are not in the open data)
FORMS = (
    ("16", "Osakeyhtiö", "Aktiebolag", "Limited company", 0.58),
    ("2", "Asunto-osakeyhtiö", "Bostadsaktiebolag", "Housing company", 0.17),
    ("10", "Keskinäinen kiinteistöosakeyhtiö", "Ömsesidigt fastighetsaktiebolag", "Mutual property company", 0.03),
    ("13", "Kommandiittiyhtiö", "Kommanditbolag", "Limited partnership", 0.09),
    ("6", "Avoin yhtiö", "Öppet bolag", "General partnership", 0.06),
    ("14", "Osuuskunta", "Andelslag", "Co-operative", 0.05),
    ("17", "Julkinen osakeyhtiö", "Publikt aktiebolag", "Public limited company", 0.02),
)
# The rest of the YRMU list: forms no sample company has.
OTHER_FORMS = (
    ("5", "Aatteellinen yhdistys"),
    ("12", "Säätiö"),
    ("26", "Yksityinen elinkeinonharjoittaja"),
)
PROPERTY_FORMS = ("2", "10")
SUFFIX = {"16": "Oy", "2": "As Oy", "10": "Koy", "13": "Ky", "6": "Ay", "14": "osk", "17": "Oyj"}
# TOL 2008 code, TOL 2025 code (approximate), fi, sv, en, weight
INDUSTRIES = (
    ("01110", "01110", "Viljan viljely", "Odling av spannmål", "Growing of cereals", 3),
    ("02200", "02200", "Puunkorjuu", "Drivning", "Logging", 3),
    ("10710", "10710", "Leipomotuotteiden valmistus", "Tillverkning av bageriprodukter", "Manufacture of bread", 1),
    ("25620", "25620", "Metallien koneistus", "Bearbetning av metall", "Machining", 2),
    ("41200", "41000", "Rakennusten rakentaminen", "Byggande av hus", "Construction of buildings", 6),
    ("43320", "43320", "Rakennuspuusepänasennukset", "Byggnadssnickerier", "Joinery installation", 4),
    ("43341", "43341", "Maalaus", "Målning", "Painting", 3),
    ("45200", "95310", "Moottoriajoneuvojen korjaus", "Reparation av motorfordon", "Repair of motor vehicles", 3),
    ("46900", "46900", "Muu tukkukauppa", "Övrig partihandel", "Non-specialised wholesale trade", 2),
    ("47190", "47120", "Muu vähittäiskauppa", "Övrig detaljhandel", "Other retail sale", 3),
    ("49410", "49410", "Tieliikenteen tavarankuljetus", "Vägtransport av gods", "Freight transport by road", 5),
    ("49320", "49320", "Taksiliikenne", "Taxitrafik", "Taxi operation", 3),
    ("55100", "55100", "Hotellit", "Hotell", "Hotels", 1),
    ("56101", "56110", "Ravintolat", "Restauranger", "Restaurants", 4),
    ("62010", "62100", "Ohjelmistojen suunnittelu ja valmistus", "Dataprogrammering", "Computer programming", 5),
    ("62020", "62200", "Atk-konsultointi", "Datakonsultverksamhet", "IT consultancy", 4),
    ("68201", "68200", "Asuntojen vuokraus", "Uthyrning av bostäder", "Renting of dwellings", 5),
    ("69201", "69201", "Kirjanpito ja tilinpäätöspalvelu", "Bokföring", "Accounting", 3),
    ("70200", "70200", "Liikkeenjohdon konsultointi", "Konsulttjänster", "Management consultancy", 6),
    ("71121", "71121", "Yhdyskuntasuunnittelu", "Samhällsplanering", "Town planning", 2),
    ("73111", "73110", "Mainostoimistot", "Reklambyråer", "Advertising agencies", 2),
    ("81210", "81210", "Kiinteistöjen siivous", "Lokalvård", "Cleaning of buildings", 3),
    ("86903", "86950", "Fysioterapia", "Fysioterapi", "Physiotherapy", 3),
    ("88101", "88101", "Kotipalvelut ikääntyneille", "Hemtjänst för äldre", "Home help for the elderly", 2),
    ("93130", "93130", "Kuntokeskukset", "Gymanläggningar", "Fitness facilities", 2),
    ("96021", "96210", "Parturit ja kampaamot", "Frisörer", "Hairdressing", 3),
)
# housing and mutual property companies: management of real estate (TOL 2008 68320, TOL 2025 68320)
PROPERTY_INDUSTRY = ("68320", "68320", "Kiinteistöjen isännöinti", "Fastighetsförvaltning", "Property management")
SITUATIONS = {
    "KONK": ("Konkurssissa", "I konkurs", "Bankrupt"),
    "SELTILA": ("Selvitystilassa", "I likvidation", "In liquidation"),
    "SANE": ("Yrityssaneerauksessa", "I företagssanering", "In restructuring"),
}
NAME_WORDS = ("Näyte", "Testi", "Malli", "Kuvitteellinen", "Esimerkki", "Harjoitus", "Demo", "Koe")
TRADE_WORDS = ("Rakennus", "Palvelu", "Kuljetus", "Konsultointi", "Tekniikka", "Kiinteistö", "Kauppa", "Hoiva")
# season of registrations by month (January and spring busy, July and December quiet)
SEASON = np.array([1.45, 1.05, 1.15, 1.1, 1.05, 0.95, 0.6, 0.9, 1.05, 1.05, 1.0, 0.65])


def zip_path(stamp: str) -> str:
    """Snapshot path of the dump of `stamp` (YYYYMMDD)."""
    return f"prh/all_companies_{stamp}.zip"


def check_digit(base: int) -> str | None:
    """The business-id check digit of a 7-digit base (None when the base is not allowed)."""
    digits = [int(c) for c in f"{base:07d}"]
    remainder = sum(d * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return None
    return "0" if remainder == 0 else str(11 - remainder)


def business_ids(count: int, start: int = 9_000_000) -> list[str]:
    """`count` valid, clearly fake business ids (no real id starts with 9)."""
    out: list[str] = []
    base = start
    while len(out) < count:
        digit = check_digit(base)
        if digit is not None:
            out.append(f"{base:07d}-{digit}")
        base += 1
    return out


def _descriptions(fi: str, sv: str, en: str) -> list[dict[str, str]]:
    return [{"languageCode": c, "description": d} for c, d in zip(LANGUAGES, (fi, sv, en), strict=True)]


def _day(rng: np.random.Generator, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, max(1, (end - start).days) + 1)))


def _flow_day(rng: np.random.Generator, start: date, end: date) -> date:
    """A day between start and end, weighted by the registration season."""
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    weights = np.array([SEASON[mm - 1] * (1 + 0.02 * (yy - 2019)) for yy, mm in months])
    y, m = months[int(rng.choice(len(months), p=weights / weights.sum()))]
    first = max(start, date(y, m, 1))
    last = min(end, (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)))
    return _day(rng, first, last)


@dataclass(frozen=True)
class Life:
    """One company over time: its record as registered, when it ends and its situations."""

    record: dict[str, Any]
    registered: date
    end: date | None
    situations: tuple[dict[str, Any], ...]


def company_life(
    rng: np.random.Generator, business_id: str, number: int, municipality: Municipality, last_day: date = DUMP_DAY
) -> Life:
    """One company in the YTJ v3 `all_companies` record shape (fake name and street) and its fate."""
    if rng.random() < 0.45:
        registered = _day(rng, FIRST_DAY, FLOW_START - timedelta(days=1))
        ends = rng.random() < 0.30
    else:
        registered = _flow_day(rng, FLOW_START, last_day)
        ends = rng.random() < 0.14
    form = FORMS[int(rng.choice(len(FORMS), p=np.array([f[4] for f in FORMS]) / sum(f[4] for f in FORMS)))]
    end = None
    situations: list[dict[str, Any]] = []
    earliest_end = max(registered + timedelta(days=120), FLOW_START)
    if ends and earliest_end < last_day:
        end = _flow_day(rng, earliest_end, last_day)
    if end is not None:
        way = rng.random()
        if way < 0.14:
            start = end - timedelta(days=int(rng.integers(90, 400)))
            situations.append({"type": "KONK", "start": max(start, registered), "end": end})
        elif way < 0.45:
            start = end - timedelta(days=int(rng.integers(60, 200)))
            situations.append({"type": "SELTILA", "start": max(start, registered), "end": end})
    elif registered < date(2026, 6, 1):
        way = rng.random()
        if way < 0.004:
            situations.append({"type": "KONK", "start": _flow_day(rng, max(registered, date(2025, 6, 1)), last_day)})
        elif way < 0.011:
            situations.append({"type": "SELTILA", "start": _flow_day(rng, max(registered, date(2025, 1, 1)), last_day)})
        elif way < 0.016:
            start = _flow_day(rng, max(registered, FLOW_START), last_day)
            closed = start + timedelta(days=int(rng.integers(200, 900)))
            situations.append({"type": "SANE", "start": start, "end": closed if closed < last_day else None})
    main_line: dict[str, Any] | None
    draw = rng.random()
    if form[0] in PROPERTY_FORMS:
        tol2008, tol2025, fi, sv, en = PROPERTY_INDUSTRY
    else:
        weights = np.array([i[5] for i in INDUSTRIES], dtype=float)
        tol2008, tol2025, fi, sv, en, _ = INDUSTRIES[int(rng.choice(len(INDUSTRIES), p=weights / weights.sum()))]
    if draw < 0.03:
        main_line = None
    elif draw < 0.033:
        # an old record still coded in TOL 2002 (TOIMI2): its industry is unknown to the pipeline
        main_line = {"type": tol2008, "descriptions": _descriptions(fi, sv, en), "typeCodeSet": "TOIMI2"}
        main_line.update({"registrationDate": max(registered, date(2002, 1, 1)).isoformat(), "source": "2"})
    elif draw < 0.10:
        main_line = {"type": tol2008, "descriptions": _descriptions(fi, sv, en), "typeCodeSet": "TOIMI3"}
        main_line.update({"registrationDate": max(registered, date(2008, 1, 1)).isoformat(), "source": "2"})
    else:
        main_line = {"type": tol2025, "descriptions": _descriptions(fi, sv, en), "typeCodeSet": "TOIMI4"}
        main_line.update({"registrationDate": max(registered, RECODED).isoformat(), "source": "2"})
    word = NAME_WORDS[number % len(NAME_WORDS)]
    trade = TRADE_WORDS[int(rng.integers(0, len(TRADE_WORDS)))]
    name = f"{word} {trade} {number:06d} {SUFFIX[form[0]]}"
    city = municipality.name_fi.upper()
    post_code = f"{(int(municipality.code) * 271 + 10_000) % 99_000 + 100:05d}"
    offices = [{"city": city, "languageCode": "1", "municipalityCode": municipality.code}]
    if municipality.name_sv and municipality.name_sv != municipality.name_fi:
        offices.append(
            {"city": municipality.name_sv.upper(), "languageCode": "2", "municipalityCode": municipality.code}
        )
    addresses = []
    layout = rng.random()
    since = registered.isoformat()
    if layout >= 0.05:
        addresses.append(
            {
                "type": 1,
                "street": f"Näytekatu {number % 97 + 1}",
                "postCode": post_code,
                "postOffices": offices,
                "registrationDate": since,
                "source": "0",
            }
        )
    if 0.02 <= layout < 0.05 or rng.random() < 0.4:
        addresses.append(
            {
                "type": 2,
                "street": "",
                "postCode": post_code,
                "postOffices": offices,
                "postOfficeBox": str(number % 900 + 10),
                "registrationDate": since,
                "source": "0",
            }
        )
    entries = [
        {
            "type": "1",
            "descriptions": _descriptions("Rekisterissä", "Registrerad", "Registered"),
            "registrationDate": since,
            "register": register,
            "authority": authority,
        }
        for register, authority in (("1", "2"), ("4", "1"))
    ]
    modified = max(registered, date(2024, 1, 1))
    record = {
        "businessId": {"value": business_id, "registrationDate": since, "source": "3"},
        "euId": {"value": f"FIFPRO.{business_id}", "source": "1"},
        "names": [{"name": name, "type": "1", "registrationDate": since, "version": 1, "source": "1"}],
        "mainBusinessLine": main_line,
        "website": None,
        "companyForms": [
            {
                "type": form[0],
                "descriptions": _descriptions(form[1], form[2], form[3]),
                "registrationDate": since,
                "version": 1,
                "source": "1",
            }
        ],
        "companySituations": [],
        "registeredEntries": entries,
        "addresses": addresses,
        "tradeRegisterStatus": "1",
        "status": "2",
        "registrationDate": since,
        "lastModified": f"{modified.isoformat()}T{int(rng.integers(6, 18)):02d}:{int(rng.integers(0, 60)):02d}:00",
    }
    return Life(record, registered, end, tuple(situations))


def record_on(life: Life, day: date) -> dict[str, Any] | None:
    """The company as the dump of `day` shows it: None unless registered then, with only open situations."""
    if life.registered > day or (life.end is not None and life.end <= day):
        return None
    open_now = [s for s in life.situations if s["start"] <= day and (s.get("end") is None or s["end"] > day)]
    record = dict(life.record)
    record["companySituations"] = [
        {
            "type": s["type"],
            "descriptions": _descriptions(*SITUATIONS[s["type"]]),
            "registrationDate": s["start"].isoformat(),
            "source": "1",
        }
        for s in open_now
    ]
    return record


def company_record(
    rng: np.random.Generator, business_id: str, number: int, municipality: Municipality, dump_day: date = DUMP_DAY
) -> dict[str, Any]:
    """One record in the dump shape (for benchmarks that need many): as of `dump_day`, else as registered."""
    life = company_life(rng, business_id, number, municipality, dump_day)
    return record_on(life, dump_day) or life.record


def companies_by_municipality(
    municipalities: list[Municipality], anchors: dict[str, Anchor]
) -> Iterator[tuple[Municipality, int]]:
    """Each municipality with its number of companies ever registered, by population."""
    for m in municipalities:
        population = anchors[m.code].labour_force * POPULATION_PER_LABOUR_FORCE
        yield m, max(3, round(population / PEOPLE_PER_COMPANY))


def company_lives(municipalities: list[Municipality], anchors: dict[str, Anchor], seed: int = SEED) -> list[Life]:
    """Every sample company ever registered, in a fixed order."""
    rng = np.random.default_rng(seed)
    plan = list(companies_by_municipality(municipalities, anchors))
    ids = business_ids(sum(n for _, n in plan))
    lives = []
    number = 0
    for municipality, count in plan:
        for _ in range(count):
            lives.append(company_life(rng, ids[number], number, municipality))
            number += 1
    return lives


def dump_json(lives: list[Life], day: date) -> bytes:
    """The JSON array of the companies registered on `day`, one record per line inside the array."""
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for life in lives if (r := record_on(life, day))]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def zip_bytes(payload: bytes, member: str, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """A ZIP holding `payload` as its one member, with fixed metadata (byte-identical every run)."""
    out = io.BytesIO()
    info = zipfile.ZipInfo(member, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(info, payload, compresslevel=9)
    return out.getvalue()


def forms_tsv() -> bytes:
    """`GET /description?code=YRMU&lang=fi`: code and Finnish description, tab-separated, one a line."""
    rows = sorted([(f[0], f[1]) for f in FORMS] + list(OTHER_FORMS), key=lambda r: int(r[0]))
    return "".join(f"{code}\t{text}\n" for code, text in rows).encode("utf-8")


def prh_documents(municipalities: list[Municipality], anchors: dict[str, Anchor]) -> dict[str, bytes]:
    """Both dumps with the HTTP headers the snapshot serves them with, and the YRMU list."""
    lives = company_lives(municipalities, anchors)
    docs = {FORMS_TSV_PATH: forms_tsv()}
    for stamp, modified, day in DUMPS:
        payload = dump_json(lives, day)
        headers = {
            "ETag": f'"{hashlib.sha256(payload).hexdigest()[:32]}"',
            "Last-Modified": modified,
            "Content-Type": "application/zip",
            "Content-Disposition": f"attachment; filename=all_companies_{stamp}.zip",
        }
        stamp_time = (int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]), 3, 15, 0)
        docs[zip_path(stamp)] = zip_bytes(payload, f"data_{stamp}.json", stamp_time)
        docs[f"{zip_path(stamp)}.headers.json"] = (json.dumps(headers, indent=1) + "\n").encode("utf-8")
    return docs
