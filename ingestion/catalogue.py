"""The dataset catalogue, declared as data: adding a table is one entry here plus its dbt models."""

from __future__ import annotations

from dataclasses import dataclass


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

DATASETS: tuple[PxWebDataset | ClassificationDataset, ...] = (LABOUR_MARKET, MUNICIPALITY_AREAS)

# Measures that are head counts: never negative, and summed when areas are aggregated.
RATE_MEASURES = frozenset({"TYOTOSUUS"})
