"""One table of pipelines, derived from the catalogue: dataset → land, tidy, suite, staged tables.

The orchestration layer loops over `PIPELINES` to build a landing asset and staging assets per
catalogued dataset, so the catalogue, this table and the asset graph cannot drift apart (a test
holds that they agree). Each source family's kind of dataset has its landing function here once;
a monthly PxWeb table needs nothing here, another shape names its tidy function in `PXWEB_TIDY`
(README "Adding a dataset" lists every place a new table touches). Suites are named, not imported,
because `ingestion` never imports `quality`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from ingestion.catalogue import (
    BUSINESS_DYNAMICS,
    DATASETS,
    INDUSTRY_CLASSIFICATION_2025,
    INDUSTRY_TOL2025_TOL2008,
    MUNICIPALITY_AREAS,
    OCCUPATIONS,
    POPULATION,
    POPULATION_KEY_FIGURES,
    CkanCsvDataset,
    ClassificationDataset,
    ClassificationItemsDataset,
    ItemCorrespondenceDataset,
    PxWebDataset,
    ZipDumpDataset,
)
from ingestion.classification_items import (
    land_classification_items,
    land_item_correspondence,
    tidy_classification_items,
    tidy_item_correspondence,
)
from ingestion.classifications import land_municipality_areas, tidy_municipality_areas, tidy_municipality_harmonisation
from ingestion.http import SourceSession
from ingestion.kela import land_ckan_csv, tidy_kela_benefit
from ingestion.landing import Landed
from ingestion.prh.land import land_all_companies
from ingestion.prh.stage import TABLES as PRH_TABLES
from ingestion.pxweb import (
    land_pxweb_table,
    tidy_business_dynamics,
    tidy_occupations,
    tidy_population,
    tidy_population_key_figures,
    tidy_pxweb_table,
)
from ingestion.refresh import Dataset
from ingestion.settings import Settings

Land = Callable[[Settings, SourceSession], Landed]
Tidy = Callable[[Path], pd.DataFrame]

# PxWeb tables whose tidy shape is not the monthly area × period × measure cells of tidy_pxweb_table.
PXWEB_TIDY: dict[str, Callable[..., pd.DataFrame]] = {
    POPULATION.name: tidy_population,
    POPULATION_KEY_FIGURES.name: tidy_population_key_figures,
    OCCUPATIONS.name: tidy_occupations,
    BUSINESS_DYNAMICS.name: tidy_business_dynamics,
}
# Suites not named validate_<dataset name>.
SUITES = {"unemployment_benefit": "validate_kela_benefit", "companies": "validate_prh_companies"}
# Landing descriptions of datasets found by listing rather than by a fixed id.
LANDING_DESCRIPTIONS = {
    INDUSTRY_CLASSIFICATION_2025.name: "Raw classification list and items (fi, sv, en) of the TOL 2025 "
    "classification found by listing.",
    INDUSTRY_TOL2025_TOL2008.name: "Raw correspondence list and maps of the TOL 2025 → TOL 2008 correspondence "
    "found by listing.",
}


@dataclass(frozen=True)
class StagedTable:
    """One staged table of a dataset: its tidy function and the name of its suite in quality.suites."""

    name: str
    tidy: Tidy
    suite: str
    description: str


@dataclass(frozen=True)
class Pipeline:
    """A catalogued dataset's landing and the tables staged from it.

    `tables` is empty for a source staged by its own writer (PRH, ingestion/prh/stage.py), whose
    tables are `staged_as`.
    """

    dataset: Dataset
    land: Land
    landing_description: str
    tables: tuple[StagedTable, ...]
    staged_as: tuple[str, ...] = ()

    @property
    def staged_names(self) -> tuple[str, ...]:
        return self.staged_as or tuple(t.name for t in self.tables)


def suite_of(name: str) -> str:
    """The validator's name in quality.suites of a staged table."""
    return SUITES.get(name, f"validate_{name}")


def _table(dataset: Dataset, tidy: Tidy) -> StagedTable:
    description = f"Tidy Parquet of {dataset.source}/{dataset.name}: {dataset.description}"
    return StagedTable(dataset.name, tidy, suite_of(dataset.name), description)


def _pxweb(dataset: PxWebDataset) -> Pipeline:
    if dataset.title_pattern:
        raw = f"Raw PxWeb responses of the {dataset.subject} table found by title (table list included)."
    else:
        raw = f"Raw PxWeb responses of {dataset.table}."
    tidy = partial(PXWEB_TIDY.get(dataset.name, tidy_pxweb_table), dataset=dataset)
    return Pipeline(dataset, partial(land_pxweb_table, dataset=dataset), raw, (_table(dataset, tidy),))


def _classification(dataset: ClassificationDataset) -> Pipeline:
    assert dataset is MUNICIPALITY_AREAS, "the classification service's correspondences are one dataset"
    harmonisation = StagedTable(
        "municipality_harmonisation",
        tidy_municipality_harmonisation,
        suite_of("municipality_harmonisation"),
        "Tidy Parquet of classifications/municipality_harmonisation: every municipality valid in each "
        "year of the history window mapped to today's municipality (mergers), from the yearly correspondences.",
    )
    return Pipeline(
        dataset,
        land_municipality_areas,
        "Raw correspondence tables of the classification service.",
        (_table(dataset, tidy_municipality_areas), harmonisation),
    )


def _classification_items(dataset: ClassificationItemsDataset) -> Pipeline:
    raw = LANDING_DESCRIPTIONS.get(
        dataset.name, f"Raw classification items of {dataset.classification_id} (fi, sv, en)."
    )
    land = partial(land_classification_items, dataset=dataset)
    return Pipeline(dataset, land, raw, (_table(dataset, partial(tidy_classification_items, dataset=dataset)),))


def _item_correspondence(dataset: ItemCorrespondenceDataset) -> Pipeline:
    assert dataset is INDUSTRY_TOL2025_TOL2008, "tidy_item_correspondence reads the one correspondence catalogued"
    land = partial(land_item_correspondence, dataset=dataset)
    return Pipeline(dataset, land, LANDING_DESCRIPTIONS[dataset.name], (_table(dataset, tidy_item_correspondence),))


def _ckan_csv(dataset: CkanCsvDataset) -> Pipeline:
    raw = (
        "Raw CKAN package document, Data Package package.json and CSV of Kela's municipally co-financed "
        "unemployment benefit."
    )
    land = partial(land_ckan_csv, dataset=dataset)
    return Pipeline(dataset, land, raw, (_table(dataset, partial(tidy_kela_benefit, dataset=dataset)),))


def _zip_dump(dataset: ZipDumpDataset) -> Pipeline:
    land = partial(land_all_companies, dataset=dataset)
    raw = "Raw PRH all_companies ZIP (YTJ open data v3), streamed to disk."
    return Pipeline(dataset, land, raw, (), staged_as=PRH_TABLES)


def pipeline_of(dataset: Dataset) -> Pipeline:
    """The pipeline of one catalogued dataset, by its kind."""
    if isinstance(dataset, PxWebDataset):
        return _pxweb(dataset)
    if isinstance(dataset, ClassificationDataset):
        return _classification(dataset)
    if isinstance(dataset, ClassificationItemsDataset):
        return _classification_items(dataset)
    if isinstance(dataset, ItemCorrespondenceDataset):
        return _item_correspondence(dataset)
    if isinstance(dataset, CkanCsvDataset):
        return _ckan_csv(dataset)
    return _zip_dump(dataset)


PIPELINES: tuple[Pipeline, ...] = tuple(pipeline_of(d) for d in DATASETS)
