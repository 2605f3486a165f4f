"""The dataset catalogue, declared as data: adding a table is one entry here plus its dbt models."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dimension:
    """A table variable beyond area, time and content, found by the prefix of its (vintage-dependent) code.

    All its values are fetched. An optional one may be absent (eliminated) and then reads as the total `SSS`.
    """

    code_prefix: str
    column: str
    required: bool = True


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

# Business statistics (SOURCES.md §1.3): ids and codes unverified after June 2026, so the tables are
# found by title in the subject's table list; a missing content code fails naming the code.
BUSINESS_DYNAMICS = PxWebDataset(
    source="statfin",
    name="business_dynamics",
    subject="StatFin/aly",
    table_id="11yq.px",
    # any word order: "…yritykset neljännesvuosittain kunnittain…" or "…muuttujina Kunta, Toimiala, Neljännes…"
    title_pattern=r"(?i)^(?=.*aloittaneet\s+ja\s+lopettaneet\s+yritykset)(?=.*neljännes)(?=.*kun[nt])",
    measures=("aloittaneet", "lopettaneet", "yrityskanta"),
    area_prefixes=("SSS", "KU"),
    frequency="quarterly",
    description="Enterprise openings, closures and stock by municipality, TOL 2008 section and quarter (aly).",
    dimensions=(Dimension("toimiala", "industry_code"),),
)

BANKRUPTCIES = PxWebDataset(
    source="statfin",
    name="bankruptcies",
    subject="StatFin/kony",
    table_id="13fd.px",
    title_pattern=r"(?i)^(?=.*konkurss)(?=.*kuukau)(?=.*maakun)",
    measures=("konkurssit",),
    area_prefixes=("SSS", "MK"),
    frequency="monthly",
    description="Bankruptcies filed by month for the whole country and each region (kony).",
)


@dataclass(frozen=True)
class CkanCsvDataset:
    """A CSV resource of an open-data portal package, found through the CKAN API (`package_show`)."""

    source: str
    name: str
    package_id: str
    resource_format: str
    expected_columns: tuple[str, ...]
    description: str


KELA_UNEMPLOYMENT_BENEFIT = CkanCsvDataset(
    source="kela",
    name="unemployment_benefit",
    package_id="kunnan-osarahoittaman-tyottomyysturvan-saajat-ja-maksetut-etuudet-tyollisyysalueittain",
    resource_format="CSV",
    # Column names are unverified (SOURCES.md §4): the header must match this set exactly.
    expected_columns=(
        "TILASTOKUUKAUSI",
        "TYOLLISYYSALUE_KOODI",
        "TYOLLISYYSALUE_NIMI",
        "ETUUS",
        "KERTYNEET_PAIVAT_LUOKKA",
        "SAAJAT",
        "MAKSETUT_EUROA",
    ),
    description="Recipients and euros paid of municipally co-financed unemployment benefit by employment area, "
    "month, benefit and accumulated-benefit-days class (Kela, via the avoindata.fi CKAN API).",
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
    PxWebDataset | ClassificationDataset | ClassificationItemsDataset | CkanCsvDataset | ZipDumpDataset, ...
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
)
SOURCES: tuple[str, ...] = tuple(dict.fromkeys(d.source for d in DATASETS))


def is_enabled(
    dataset: PxWebDataset | ClassificationDataset | ClassificationItemsDataset | CkanCsvDataset | ZipDumpDataset,
    enabled: tuple[str, ...] | None,
) -> bool:
    """Whether `TILANNEKUVA_SOURCES` (source names or source/dataset pairs; None = all) selects a dataset."""
    return enabled is None or dataset.source in enabled or f"{dataset.source}/{dataset.name}" in enabled


# Measures that are head counts: never negative, and summed when areas are aggregated.
RATE_MEASURES = frozenset({"TYOTOSUUS"})
