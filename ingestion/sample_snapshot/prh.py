"""Sample PRH data: the `all_companies` ZIP in the YTJ v3 record shape, for every municipality.

Synthetic and labelled so: each municipality gets companies in proportion to its population (from
the real labour-force anchors), registered from 1975 on with most of the flow in 2019–2026, some
ended, some through bankruptcy or liquidation, a few in restructuring. Business ids start with 9
(no real id does) and carry a valid check digit; names are plainly fake ("Näyte…", "Esimerkki…").
Industry codes are TOL 2008, with some TOL 2025 codes on recent registrations. The company-form
codes and register/status codes follow the API's code lists as far as this project knows them.
The ZIP is written with fixed timestamps so regeneration is byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import numpy as np

from ingestion.sample_snapshot.generate import Anchor, Municipality

SEED = 20261127
PEOPLE_PER_COMPANY = 430
POPULATION_PER_LABOUR_FORCE = 2.0
ZIP_PATH = "prh/all_companies.zip"
HEADERS_PATH = "prh/all_companies.zip.headers.json"
MEMBER = "all_companies.json"
LAST_MODIFIED = "Fri, 27 Nov 2026 03:15:00 GMT"
DUMP_DAY = date(2026, 11, 26)
ZIP_TIME = (2026, 11, 27, 3, 15, 0)
FIRST_DAY = date(1975, 1, 1)
FLOW_START = date(2019, 1, 1)
TOL2025_FROM = date(2025, 1, 1)
LANGUAGES = ("1", "2", "3")  # fi, sv, en

# code, fi, sv, en, weight
FORMS = (
    ("16", "Osakeyhtiö", "Aktiebolag", "Limited company", 0.55),
    ("26", "Yksityinen elinkeinonharjoittaja", "Enskild näringsidkare", "Private trader", 0.30),
    ("13", "Kommandiittiyhtiö", "Kommanditbolag", "Limited partnership", 0.07),
    ("10", "Avoin yhtiö", "Öppet bolag", "General partnership", 0.04),
    ("14", "Osuuskunta", "Andelslag", "Co-operative", 0.04),
)
SOLE_TRADER = "26"
# TOL 2008 code, fi, sv, en, weight
INDUSTRIES = (
    ("01110", "Viljan viljely", "Odling av spannmål", "Growing of cereals", 3),
    ("02200", "Puunkorjuu", "Drivning", "Logging", 3),
    ("10710", "Leipomotuotteiden valmistus", "Tillverkning av bageriprodukter", "Manufacture of bread", 1),
    ("25620", "Metallien koneistus", "Bearbetning av metall", "Machining", 2),
    ("41200", "Asuin- ja muiden rakennusten rakentaminen", "Byggande av bostadshus", "Construction of buildings", 6),
    ("43320", "Rakennuspuusepänasennukset", "Byggnadssnickerier", "Joinery installation", 4),
    ("43341", "Maalaus", "Målning", "Painting", 3),
    ("45200", "Moottoriajoneuvojen huolto ja korjaus", "Underhåll av motorfordon", "Repair of motor vehicles", 3),
    ("46900", "Muu tukkukauppa", "Övrig partihandel", "Non-specialised wholesale trade", 2),
    ("47190", "Muu vähittäiskauppa", "Övrig detaljhandel", "Other retail sale", 3),
    ("47910", "Vähittäiskauppa postitse tai Internetissä", "Postorderhandel", "Retail sale via internet", 3),
    ("49410", "Tieliikenteen tavarankuljetus", "Vägtransport av gods", "Freight transport by road", 5),
    ("49320", "Taksiliikenne", "Taxitrafik", "Taxi operation", 3),
    ("55100", "Hotellit", "Hotell", "Hotels", 1),
    ("56101", "Ravintolat", "Restauranger", "Restaurants", 4),
    ("62010", "Ohjelmistojen suunnittelu ja valmistus", "Dataprogrammering", "Computer programming", 5),
    ("62020", "Atk-laitteisto- ja ohjelmistokonsultointi", "Datakonsultverksamhet", "IT consultancy", 4),
    ("68201", "Asuntojen vuokraus", "Uthyrning av bostäder", "Renting of dwellings", 5),
    ("68202", "Asuntoyhteisöjen huolto", "Förvaltning av bostäder", "Housing management", 4),
    ("69201", "Kirjanpito ja tilinpäätöspalvelu", "Bokföring", "Accounting", 3),
    ("70200", "Liikkeenjohdon konsultointi", "Konsulttjänster", "Management consultancy", 6),
    ("71121", "Yhdyskuntasuunnittelu", "Samhällsplanering", "Town planning", 2),
    ("73111", "Mainostoimistot", "Reklambyråer", "Advertising agencies", 2),
    ("74100", "Taideteollinen muotoilu", "Industriell formgivning", "Specialised design", 2),
    ("81210", "Kiinteistöjen siivous", "Lokalvård", "Cleaning of buildings", 3),
    ("85600", "Koulutusta palveleva toiminta", "Stödtjänster till utbildning", "Educational support", 1),
    ("86903", "Fysioterapia", "Fysioterapi", "Physiotherapy", 3),
    ("88101", "Kotipalvelut ikääntyneille", "Hemtjänst för äldre", "Home help for the elderly", 2),
    ("90030", "Taiteellinen luominen", "Konstnärligt skapande", "Artistic creation", 3),
    ("93130", "Kuntokeskukset", "Gymanläggningar", "Fitness facilities", 2),
    ("96021", "Parturit ja kampaamot", "Frisörer", "Hairdressing", 3),
)
TOL2025 = (
    ("62100", "Ohjelmistojen suunnittelu ja valmistus", "Dataprogrammering", "Computer programming"),
    ("47110", "Vähittäiskauppa", "Detaljhandel", "Retail sale"),
    ("68210", "Asuntojen vuokraus", "Uthyrning av bostäder", "Renting of dwellings"),
    ("70200", "Liikkeenjohdon konsultointi", "Konsulttjänster", "Management consultancy"),
)
SITUATIONS = {
    "KONK": ("Konkurssissa", "I konkurs", "Bankrupt"),
    "SELTILA": ("Selvitystilassa", "I likvidation", "In liquidation"),
    "SANE": ("Yrityssaneerauksessa", "I företagssanering", "In restructuring"),
}
NAME_WORDS = ("Näyte", "Testi", "Malli", "Kuvitteellinen", "Esimerkki", "Harjoitus", "Demo", "Koe")
TRADE_WORDS = ("Rakennus", "Palvelu", "Kuljetus", "Konsultointi", "Tekniikka", "Kiinteistö", "Kauppa", "Hoiva")
# season of registrations by month (January and spring busy, July and December quiet)
SEASON = np.array([1.45, 1.05, 1.15, 1.1, 1.05, 0.95, 0.6, 0.9, 1.05, 1.05, 1.0, 0.65])


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


def company_record(
    rng: np.random.Generator, business_id: str, number: int, municipality: Municipality, dump_day: date = DUMP_DAY
) -> dict[str, Any]:
    """One company in the YTJ v3 `all_companies` record shape (fake name and street)."""
    if rng.random() < 0.45:
        registered = _day(rng, FIRST_DAY, FLOW_START - timedelta(days=1))
        ends = rng.random() < 0.30
    else:
        registered = _flow_day(rng, FLOW_START, dump_day)
        ends = rng.random() < 0.14
    form = FORMS[int(rng.choice(len(FORMS), p=np.array([f[4] for f in FORMS]) / sum(f[4] for f in FORMS)))]
    end = None
    situations: list[dict[str, Any]] = []
    earliest_end = max(registered + timedelta(days=120), FLOW_START)
    if ends and earliest_end < dump_day:
        end = _flow_day(rng, earliest_end, dump_day)
    if end is not None and form[0] != SOLE_TRADER:
        way = rng.random()
        if way < 0.14:
            start = end - timedelta(days=int(rng.integers(90, 400)))
            situations.append({"type": "KONK", "start": max(start, registered), "end": end})
        elif way < 0.45:
            start = end - timedelta(days=int(rng.integers(60, 200)))
            situations.append({"type": "SELTILA", "start": max(start, registered), "end": end})
    elif end is None and form[0] != SOLE_TRADER and registered < date(2026, 6, 1):
        way = rng.random()
        if way < 0.004:
            situations.append({"type": "KONK", "start": _flow_day(rng, max(registered, date(2025, 6, 1)), dump_day)})
        elif way < 0.011:
            situations.append({"type": "SELTILA", "start": _flow_day(rng, max(registered, date(2025, 1, 1)), dump_day)})
        elif way < 0.016:
            start = _flow_day(rng, max(registered, FLOW_START), dump_day)
            closed = start + timedelta(days=int(rng.integers(200, 900)))
            situations.append({"type": "SANE", "start": start, "end": closed if closed < dump_day else None})
    main_line: dict[str, Any] | None
    draw = rng.random()
    if draw < 0.03:
        main_line = None
    elif registered >= TOL2025_FROM and draw < 0.35:
        code, fi, sv, en = TOL2025[int(rng.integers(0, len(TOL2025)))]
        main_line = {"type": code, "descriptions": _descriptions(fi, sv, en), "typeCodeSet": "TOL2025"}
        main_line.update({"registrationDate": registered.isoformat(), "source": "2"})
    else:
        weights = np.array([i[4] for i in INDUSTRIES], dtype=float)
        code, fi, sv, en, _ = INDUSTRIES[int(rng.choice(len(INDUSTRIES), p=weights / weights.sum()))]
        main_line = {"type": code, "descriptions": _descriptions(fi, sv, en), "typeCodeSet": "TOL2008"}
        main_line.update({"registrationDate": max(registered, date(2008, 1, 1)).isoformat(), "source": "2"})
    if form[0] == SOLE_TRADER:
        name = f"Esimerkki Henkilö {number:06d}"
    else:
        suffix = {"16": "Oy", "13": "Ky", "10": "Ay", "14": "osk"}[form[0]]
        word = NAME_WORDS[number % len(NAME_WORDS)]
        trade = TRADE_WORDS[int(rng.integers(0, len(TRADE_WORDS)))]
        name = f"{word} {trade} {number:06d} {suffix}"
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
            "endDate": end.isoformat() if end else None,
            "register": "1",
            "authority": "2",
        },
        {
            "type": "1",
            "descriptions": _descriptions("Rekisterissä", "Registrerad", "Registered"),
            "registrationDate": since,
            "endDate": end.isoformat() if end else None,
            "register": "4",
            "authority": "1",
        },
    ]
    modified = end or max(registered, date(2024, 1, 1))
    return {
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
        "companySituations": [
            {
                "type": s["type"],
                "descriptions": _descriptions(*SITUATIONS[s["type"]]),
                "registrationDate": s["start"].isoformat(),
                "endDate": s["end"].isoformat() if s.get("end") else None,
                "source": "1",
            }
            for s in situations
        ],
        "registeredEntries": entries,
        "addresses": addresses,
        "tradeRegisterStatus": "1" if end is None else "4",
        "status": "2" if end is None else "3",
        "registrationDate": since,
        "endDate": end.isoformat() if end else None,
        "lastModified": f"{modified.isoformat()}T{int(rng.integers(6, 18)):02d}:{int(rng.integers(0, 60)):02d}:00",
    }


def companies_by_municipality(
    municipalities: list[Municipality], anchors: dict[str, Anchor]
) -> Iterator[tuple[Municipality, int]]:
    """Each municipality with its number of companies ever registered, by population."""
    for m in municipalities:
        population = anchors[m.code].labour_force * POPULATION_PER_LABOUR_FORCE
        yield m, max(3, round(population / PEOPLE_PER_COMPANY))


def dump_json(municipalities: list[Municipality], anchors: dict[str, Anchor], seed: int = SEED) -> bytes:
    """The JSON array of every sample company, one record per line inside the array."""
    rng = np.random.default_rng(seed)
    plan = list(companies_by_municipality(municipalities, anchors))
    ids = business_ids(sum(n for _, n in plan))
    lines = []
    number = 0
    for municipality, count in plan:
        for _ in range(count):
            record = company_record(rng, ids[number], number, municipality)
            lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            number += 1
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def zip_bytes(payload: bytes, member: str = MEMBER) -> bytes:
    """A ZIP holding `payload` as its one member, with fixed metadata (byte-identical every run)."""
    out = io.BytesIO()
    info = zipfile.ZipInfo(member, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(info, payload, compresslevel=9)
    return out.getvalue()


def prh_documents(municipalities: list[Municipality], anchors: dict[str, Anchor]) -> dict[str, bytes]:
    """The ZIP and the HTTP validators the snapshot serves with it (ETag from the JSON payload)."""
    payload = dump_json(municipalities, anchors)
    headers = {
        "ETag": f'"{hashlib.sha256(payload).hexdigest()[:32]}"',
        "Last-Modified": LAST_MODIFIED,
        "Content-Type": "application/zip",
    }
    return {
        ZIP_PATH: zip_bytes(payload),
        HEADERS_PATH: (json.dumps(headers, indent=1) + "\n").encode("utf-8"),
    }
