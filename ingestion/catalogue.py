"""The dataset catalogue, declared as data: every pipeline and asset follows from its entries.

Adding a table starts with one entry here; README "Adding a dataset" lists the other places.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dimension:
    """A table variable beyond area, time and content, found by the prefix of its (vintage-dependent) code.

    It is found by code prefix or, as codes change by vintage, by the prefix of its text. An optional one
    may be absent (eliminated) and then reads as the total `SSS`.
    """

    code_prefix: str
    column: str
    required: bool = True
    # Which values are fetched: "all"; "sections" (the total SSS and TOL sections A…X, dropping the
    # divisions some tables mix in); "total" (only SSS, or the variable left out when it can be eliminated).
    values: str = "all"


@dataclass(frozen=True)
class PxWebDataset:
    """A StatFin table pulled through the PxWeb API."""

    source: str
    name: str
    subject: str
    table_id: str
    measures: tuple[str, ...]
    area_prefixes: tuple[str, ...]
    frequency: str
    description: str
    dimensions: tuple[Dimension, ...] = ()
    latest_periods: int | None = None  # fetch only this many latest periods (wide tables), else from history start
    # When set, the table is found in the subject's table list by this regex on its title (ids unverified);
    # `table_id` is then only the id last seen, for documentation.
    title_pattern: str | None = None
    # Folders listed after `subject` when no title there matches (the archive database StatFin_Passiivi).
    archive_subjects: tuple[str, ...] = ()
    # Content values resolved by code or text (codes unverified): (measure as staged, regex on code or text).
    # Staged rows carry the measure name; the source's own code is kept in the landing manifest.
    measure_patterns: tuple[tuple[str, str], ...] = ()

    @property
    def table(self) -> str:
        return f"{self.subject}/{self.table_id}"


@dataclass(frozen=True)
class ClassificationDataset:
    """Municipality correspondences from Statistics Finland's classification service."""

    source: str
    name: str
    targets: tuple[str, ...]
    languages: tuple[str, ...]
    description: str


LABOUR_MARKET = PxWebDataset(
    source="statfin",
    name="labour_market",
    subject="StatFin/tyonv",
    table_id="12r5.px",
    measures=(
        "HAKIJALOPUSSA",
        "TYOTTOMATLOPUSSA",
        "TYOVOIMATK",
        "TYOTOSUUS",
        "TYOTTOMATMIEHET",
        "TYOTTOMATNAISET",
        "TYOTTOMAT20",
        "TYOTTOMAT25",
        "TYOTTOMAT50",
        "TYOTTOMATSAIR",
        "TYOTTOMATULK",
        "PITKAAIKAISTYOTTOMAT",
        "KASSASSA",
        "LOMAUTETTU",
        "LYHTYOVKO",
        "TYOLLISTETTYLOP",
        "TYOHARJOITTELULOP",
        "KOKEILULOP",
        "TVKOULUTUSLOP",
        "VALMENNUSLOP",
        "MTPPALVELUTLOP",
        "AVPAIKATLOPUSSA",
        "UUDETAVP",
    ),
    area_prefixes=("SSS", "MK", "SK", "KU"),
    frequency="monthly",
    description="Employment service statistics: jobseekers, unemployed, services and vacancies by area and month.",
)

MUNICIPALITY_AREAS = ClassificationDataset(
    source="classifications",
    name="municipality_areas",
    targets=("tyollisyysalue", "seutukunta", "maakunta"),
    languages=("fi", "sv", "en"),
    description="Municipality → employment area, sub-region and region, names in Finnish, Swedish and English.",
)

POPULATION = PxWebDataset(
    source="statfin",
    name="population",
    subject="StatFin/vaerak",
    table_id="11re.px",
    measures=("vaerak-vaesto",),
    area_prefixes=("SSS", "KU"),
    frequency="yearly",
    description="Population on 31 December by municipality, age group and sex (vaerak/11re).",
    dimensions=(Dimension("sukupuoli", "sex_code"), Dimension("ikaryhma", "age_code", required=False)),
)

POPULATION_KEY_FIGURES = PxWebDataset(
    source="statfin",
    name="population_key_figures",
    subject="StatFin/vaerak",
    table_id="11ra.px",
    measures=("vaerak-vaesto", "vaesto_alle15_p", "vaesto_yli64_p", "vaesto_keski_ika"),
    area_prefixes=("SSS", "KU", "TA", "SK", "MK"),
    frequency="yearly",
    description="Population key figures on 31 December for the country, regions, sub-regions, employment areas "
    "and municipalities (vaerak/11ra): the official employment-area totals.",
)

OCCUPATIONS = PxWebDataset(
    source="statfin",
    name="occupations",
    subject="StatFin/tyonv",
    table_id="12ti.px",
    measures=("TYOTTOMATLOPUSSA", "AVPAIKATLOPUSSA"),
    area_prefixes=("SSS", "KU"),
    frequency="monthly",
    description="Unemployed jobseekers and open vacancies at month end by 4-digit occupation (tyonv/12ti), for the "
    "country and every municipality (employment areas are their sums).",
    dimensions=(Dimension("ammattiryhm", "occupation_code"),),
    latest_periods=25,
)


@dataclass(frozen=True)
class ClassificationItemsDataset:
    """The items of one classification (code, level, parent, names) from the classification service."""

    source: str
    name: str
    classification_id: str
    languages: tuple[str, ...]
    description: str
    # When set, the id is found by listing `classifications`: the newest `<prefix>…` valid from this year;
    # `classification_id` is then only the id last seen, for documentation.
    id_prefix: str | None = None
    id_year: int | None = None


OCCUPATION_CLASSIFICATION = ClassificationItemsDataset(
    source="classifications",
    name="occupation_classification",
    classification_id="ammatti_1_20100101",
    languages=("fi", "sv", "en"),
    description="Classification of Occupations 2010 (Ammattiluokitus 2010): codes, levels, parents and names fi/sv/en.",
)


INDUSTRY_CLASSIFICATION = ClassificationItemsDataset(
    source="classifications",
    name="industry_classification",
    classification_id="toimiala_1_20080101",
    languages=("fi", "sv", "en"),
    description="Standard Industrial Classification TOL 2008: sections, divisions, groups, classes and subclasses "
    "with parents and names fi/sv/en.",
)

INDUSTRY_CLASSIFICATION_2025 = ClassificationItemsDataset(
    source="classifications",
    name="industry_classification_2025",
    classification_id="toimiala_1_20250101",
    languages=("fi", "sv", "en"),
    description="Standard Industrial Classification TOL 2025 (= NACE Rev. 2.1), the code set PRH uses since 2026 "
    "(TOIMI4): sections, divisions, groups, classes and subclasses with parents and names fi/sv/en.",
    id_prefix="toimiala_",
    id_year=2025,
)


@dataclass(frozen=True)
class ItemCorrespondenceDataset:
    """A correspondence between two classifications' items, found by listing `correspondenceTables`.

    The source classification is the one a `ClassificationItemsDataset` finds by listing; the target id
    is a confirmed one.
    """

    source: str
    name: str
    from_classification: ClassificationItemsDataset
    target_id: str
    description: str


INDUSTRY_TOL2025_TOL2008 = ItemCorrespondenceDataset(
    source="classifications",
    name="industry_tol2025_tol2008",
    from_classification=INDUSTRY_CLASSIFICATION_2025,
    target_id="toimiala_1_20080101",
    description="Correspondence TOL 2025 → TOL 2008: every TOL 2025 code with the TOL 2008 code(s) it corresponds "
    "to, so that companies coded in TOL 2025 can be counted in the TOL 2008 sections the marts use.",
)

# Business statistics (SOURCES.md §1.3): ids and codes unverified after June 2026, so the tables are
# found by title in the current and the archive database, and contents by their codes or texts.
BUSINESS_DYNAMICS = PxWebDataset(
    source="statfin",
    name="business_dynamics",
    subject="StatFin/aly",
    archive_subjects=("StatFin_Passiivi/aly",),
    table_id="11yq.px",
    # "Aloittaneet ja lopettaneet yritykset kunnittain ja toimialaluokituksen TOL 2008 mukaisesti, 2013Q1-2020Q4":
    # by municipality, by industry and quarterly (a "…Q…" range or the word neljännes).
    title_pattern=r"(?i)^(?=.*aloittaneet\s+ja\s+lopettaneet\s+yritykset)(?=.*\bkun(?:nittain|ta)\b)"
    r"(?=.*toimial)(?=.*(?:neljännes|\d{4}Q[1-4]))",
    measures=("aloittaneet", "lopettaneet", "yrityskanta"),
    # codes aloittaneita/lopettaneita/yrityskanta, texts Aloittaneet/Lopettaneet/Yrityskanta (not Aloittaneiden …)
    measure_patterns=(
        ("aloittaneet", r"(?i)^aloittane(?:et|ita)\b"),
        ("lopettaneet", r"(?i)^lopettane(?:et|ita)\b"),
        ("yrityskanta", r"(?i)^yrityskanta\b"),
    ),
    area_prefixes=("SSS", "KU"),
    frequency="quarterly",
    description="Enterprise openings, closures and stock by municipality, TOL 2008 section and quarter (aly).",
    dimensions=(Dimension("toimiala", "industry_code", values="sections"),),
)

BANKRUPTCIES = PxWebDataset(
    source="statfin",
    name="bankruptcies",
    subject="StatFin/kony",
    archive_subjects=("StatFin_Passiivi/kony",),
    table_id="13fe.px",
    # "Konkurssit kuukausittain alueittain ja toimialoittain, 2003M01-2023M05" (region × industry), never the
    # national "Konkurssit kuukausittain vuodesta 1986" (13fb).
    title_pattern=r"(?i)^(?=.*\bkonkurssit\b)(?=.*(?:kuukausittain|\d{4}M\d{2}))(?=.*\b(?:alueittain|maakunnittain)\b)",
    measures=("konkurssit",),
    # "Konkurssit", "Vireille pannut konkurssit", "Konkurssien lukumäärä" — not "Konkurssiyritysten henkilöstö"
    measure_patterns=(("konkurssit", r"(?i)^(?:vireille\s+pannut\s+)?konkurssi(?:t|a|en\s+lukumäärä)?\b"),),
    area_prefixes=("SSS", "MK"),
    frequency="monthly",
    description="Bankruptcies filed by month for the whole country and each region, all industries (kony).",
    dimensions=(Dimension("toimiala", "industry_code", required=False, values="total"),),
)


@dataclass(frozen=True)
class CkanCsvDataset:
    """A CSV resource of an open-data portal package, found through the CKAN API (`package_show`).

    The package is a Frictionless Data Package: its `package.json` declares the CSV's dialect and fields,
    which are read at run time and mapped by meaning (ingestion/kela.py), so no column list is kept here.
    """

    source: str
    name: str
    package_id: str
    resource_format: str
    description: str


KELA_UNEMPLOYMENT_BENEFIT = CkanCsvDataset(
    source="kela",
    name="unemployment_benefit",
    package_id="kunnan-osarahoittaman-tyottomyysturvan-saajat-ja-maksetut-etuudet-tyollisyysalueittain",
    resource_format="CSV",
    description="Recipients, compensated days, euros paid and the municipal share of municipally co-financed "
    "unemployment benefit by employment area, month, benefit and accumulated-benefit-days class (Kela's Data "
    "Package `package.json` + `data.csv`, via the avoindata.fi CKAN API).",
)


@dataclass(frozen=True)
class ZipDumpDataset:
    """A whole-register dump served as one ZIP (PRH `all_companies`), streamed rather than loaded."""

    source: str
    name: str
    endpoint: str
    description: str


PRH_COMPANIES = ZipDumpDataset(
    source="prh",
    name="companies",
    endpoint="/all_companies",
    description="Every company currently in the PRH trade and business register (YTJ open data, daily "
    "all_companies ZIP; sole traders are not in the open data) reduced to business id, company form, main "
    "industry, municipality, registration and end dates, and its open bankruptcy, liquidation and "
    "restructuring proceedings; landed with the YRMU company-form list. No names or addresses are kept.",
)

DATASETS: tuple[
    PxWebDataset
    | ClassificationDataset
    | ClassificationItemsDataset
    | ItemCorrespondenceDataset
    | CkanCsvDataset
    | ZipDumpDataset,
    ...,
] = (
    LABOUR_MARKET,
    MUNICIPALITY_AREAS,
    POPULATION,
    POPULATION_KEY_FIGURES,
    OCCUPATIONS,
    OCCUPATION_CLASSIFICATION,
    KELA_UNEMPLOYMENT_BENEFIT,
    PRH_COMPANIES,
    INDUSTRY_CLASSIFICATION,
    BUSINESS_DYNAMICS,
    BANKRUPTCIES,
    INDUSTRY_CLASSIFICATION_2025,
    INDUSTRY_TOL2025_TOL2008,
)
SOURCES: tuple[str, ...] = tuple(dict.fromkeys(d.source for d in DATASETS))


def is_enabled(
    dataset: PxWebDataset
    | ClassificationDataset
    | ClassificationItemsDataset
    | ItemCorrespondenceDataset
    | CkanCsvDataset
    | ZipDumpDataset,
    enabled: tuple[str, ...] | None,
) -> bool:
    """Whether `TILANNEKUVA_SOURCES` (source names or source/dataset pairs; None = all) selects a dataset."""
    return enabled is None or dataset.source in enabled or f"{dataset.source}/{dataset.name}" in enabled


# Measures that are head counts: never negative, and summed when areas are aggregated.
RATE_MEASURES = frozenset({"TYOTOSUUS"})
