"""Sample snapshot: the TOL 2025 industry classification and its correspondence to TOL 2008 (SAMPLE DATA).

Derived from the sample's TOL 2008 items (`industries.csv`), not copied from Statistics Finland: the
sections and divisions are carried over, the subclasses are those of the TOL 2008 sample, those the PRH
sample companies use, and 70100 (the real PRH record's TOIMI4 code), each with its group and class.
One subclass exists only in TOL 2025 (62900). The correspondence maps every TOL 2025 item to the
TOL 2008 item of the same code, and a few subclasses to several TOL 2008 codes, two of them across
sections (70100 → M and K, 68202 → L and N), so that a consumer has to choose. Names of the
TOL 2025-only items end in "(SAMPLE)".

The service's lists are written as it writes them: `classifications.json` a JSON array of URI
strings (with decoys a client must pass over), the TOL 2025 → 2008 table added to the correspondence
list, and the maps as objects (the shape answered to `content=data&meta=max`).
"""

from __future__ import annotations

from ingestion.sample_snapshot.basics import (
    CLASSIFICATION_LIST_PATH,
    CLASSIFICATION_URL,
    CORRESPONDENCE_LIST_PATH,
    add_correspondences,
    json_bytes,
    maps_path,
)
from ingestion.sample_snapshot.business import INDUSTRY_CLASSIFICATION_ID, read_industries
from ingestion.sample_snapshot.occupations import CLASSIFICATION_ID as OCCUPATION_CLASSIFICATION_ID
from ingestion.sample_snapshot.occupations import classification_item_documents

TOL2025_ID = "toimiala_1_20250101"
CORRESPONDENCE_ID = f"{TOL2025_ID}#{INDUSTRY_CLASSIFICATION_ID}"
# Listed classifications besides the ones the sample serves: decoys for a client that must choose by listing.
LISTED_CLASSIFICATIONS = (
    "ammatti_1_20010101",
    "kunta_1_20250101",
    "kunta_1_20260101",
    "toimiala_1_19950101",
    "toimiala_1_20020101",
    "toimialaryhmat_1_20080101",
    "tyollisyysalue_1_20250101",
    "tyollisyysalue_1_20260101",
)
# Correspondences a client must pass over when it looks for TOL 2025 → TOL 2008.
DECOY_CORRESPONDENCES = (
    f"{INDUSTRY_CLASSIFICATION_ID}#{TOL2025_ID}",
    f"toimiala_1_20020101#{INDUSTRY_CLASSIFICATION_ID}",
)
# Subclasses of the PRH sample and the real PRH record: code, fi, sv, en (names abridged).
EXTRA_SUBCLASSES = (
    ("10710", "Leipomotuotteiden valmistus", "Tillverkning av bageriprodukter", "Manufacture of bread"),
    ("25620", "Metallien koneistus", "Bearbetning av metall", "Machining"),
    ("43320", "Rakennuspuusepänasennukset", "Byggnadssnickerier", "Joinery installation"),
    ("43341", "Maalaus", "Målning", "Painting"),
    ("45200", "Moottoriajoneuvojen huolto ja korjaus", "Underhåll av motorfordon", "Repair of motor vehicles"),
    ("46900", "Muu tukkukauppa", "Övrig partihandel", "Non-specialised wholesale trade"),
    ("47190", "Muu vähittäiskauppa", "Övrig detaljhandel", "Other retail sale"),
    ("47910", "Vähittäiskauppa postitse tai Internetissä", "Postorderhandel", "Retail sale via internet"),
    ("49320", "Taksiliikenne", "Taxitrafik", "Taxi operation"),
    ("55100", "Hotellit", "Hotell", "Hotels"),
    ("68202", "Asuntoyhteisöjen huolto", "Förvaltning av bostäder", "Housing management"),
    ("69201", "Kirjanpito ja tilinpäätöspalvelu", "Bokföring", "Accounting"),
    ("70100", "Pääkonttorien toiminta", "Huvudkontorsverksamhet", "Activities of head offices"),
    ("70200", "Liikkeenjohdon konsultointi", "Konsulttjänster", "Management consultancy"),
    ("71121", "Yhdyskuntasuunnittelu", "Samhällsplanering", "Town planning"),
    ("73111", "Mainostoimistot", "Reklambyråer", "Advertising agencies"),
    ("74100", "Taideteollinen muotoilu", "Industriell formgivning", "Specialised design"),
    ("81210", "Kiinteistöjen siivous", "Lokalvård", "Cleaning of buildings"),
    (
        "62900",
        "Muu tietotekniikkapalvelu (SAMPLE)",
        "Övrig IT-service (SAMPLE)",
        "Other information technology services (SAMPLE)",
    ),
)
# TOL 2025 subclass → TOL 2008 codes beyond (or instead of) the same code: code, fi name of the TOL 2008 item.
SPLITS: dict[str, tuple[tuple[str, str], ...]] = {
    "70100": (("70100", "Pääkonttorien toiminta"), ("64200", "Holdingyhtiöiden toiminta")),
    "68202": (("68202", "Asuntoyhteisöjen huolto"), ("81100", "Kiinteistönhoito")),
    "47910": (("47910", "Vähittäiskauppa postitse tai Internetissä"), ("47990", "Muu vähittäiskauppa muualla")),
    "62900": (
        ("63110", "Tietojenkäsittely ja palvelintilan vuokraus"),
        ("62090", "Muu laitteisto- ja tietotekninen palvelutoiminta"),
    ),
}


def tol2025_rows() -> list[dict[str, str]]:
    """The sample TOL 2025 items (sections, divisions, and the subclasses with their groups and classes)."""
    tol2008 = read_industries()
    rows = {r["code"]: r for r in tol2008}
    for code, fi, sv, en in EXTRA_SUBCLASSES:
        names = {"name_fi": fi, "name_sv": sv, "name_en": en}
        for width, level in ((3, "3"), (4, "4"), (5, "5")):
            part = code[:width]
            if part not in rows:
                rows[part] = {
                    "code": part,
                    "level": level,
                    "parent_code": code[: width - 1 if width > 3 else 2],
                    **names,
                }
    return sorted(rows.values(), key=lambda r: (int(r["level"]), r["code"]))


def _maps(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    names_2008 = {r["code"]: r["name_fi"] for r in read_industries()}
    maps = []
    for r in rows:
        targets = SPLITS.get(r["code"]) or ((r["code"], names_2008.get(r["code"], r["name_fi"])),)
        for target, target_name in targets:
            maps.append(
                {
                    "sourceItem": {
                        "localId": f"{TOL2025_ID}/{r['code']}",
                        "code": r["code"],
                        "classificationItemNames": [{"langName": "suomi", "lang": "fi", "name": r["name_fi"]}],
                    },
                    "targetItem": {
                        "localId": f"{INDUSTRY_CLASSIFICATION_ID}/{target}",
                        "code": target,
                        "classificationItemNames": [{"langName": "suomi", "lang": "fi", "name": target_name}],
                    },
                    "correspondenceTable": {"localId": CORRESPONDENCE_ID},
                }
            )
    return maps


def tol2025_documents(correspondence_listing: bytes) -> dict[str, bytes]:
    """TOL 2025 items (fi, sv, en), its maps to TOL 2008, the classification list, the correspondence list."""
    rows = tol2025_rows()
    listed = {
        *LISTED_CLASSIFICATIONS,
        TOL2025_ID,
        INDUSTRY_CLASSIFICATION_ID,
        OCCUPATION_CLASSIFICATION_ID,
    }
    return {
        **classification_item_documents(TOL2025_ID, rows),
        maps_path(CORRESPONDENCE_ID, "fi"): json_bytes(_maps(rows)),
        CLASSIFICATION_LIST_PATH: json_bytes(
            sorted(f"{CLASSIFICATION_URL}classifications/{i}?format=json" for i in listed)
        ),
        CORRESPONDENCE_LIST_PATH: add_correspondences(
            correspondence_listing, [CORRESPONDENCE_ID, *DECOY_CORRESPONDENCES]
        ),
    }
