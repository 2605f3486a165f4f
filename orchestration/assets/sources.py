"""Landing and staging assets for each catalogued dataset, with blocking quality checks.

The staging asset validates the parsed frame before it replaces the Parquet file dbt reads: data
failing its suite is quarantined (kept in landing and under `staging/_quarantine/`), the previous
good file stays in use, and the failed check names the expectation and example rows.
"""

import json
import shutil
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow.parquet as pq
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from ingestion.catalogue import (
    BANKRUPTCIES,
    BUSINESS_DYNAMICS,
    INDUSTRY_CLASSIFICATION,
    INDUSTRY_CLASSIFICATION_2025,
    INDUSTRY_TOL2025_TOL2008,
    KELA_UNEMPLOYMENT_BENEFIT,
    LABOUR_MARKET,
    MUNICIPALITY_AREAS,
    OCCUPATION_CLASSIFICATION,
    OCCUPATIONS,
    POPULATION,
    POPULATION_KEY_FIGURES,
    PRH_COMPANIES,
)
from ingestion.classification_items import (
    land_classification_items,
    land_item_correspondence,
    tidy_classification_items,
    tidy_item_correspondence,
)
from ingestion.classifications import land_municipality_areas, tidy_municipality_areas, tidy_municipality_harmonisation
from ingestion.errors import TilannekuvaError
from ingestion.http import SourceSession
from ingestion.kela import land_ckan_csv, tidy_kela_benefit
from ingestion.landing import Landed, latest_version, read_manifest
from ingestion.prh.history import apply_dump, dump_date_of, landed_versions, rebuild_history
from ingestion.prh.land import land_all_companies
from ingestion.prh.parse import parse_landed, promote
from ingestion.pxweb import (
    land_pxweb_table,
    tidy_bankruptcies,
    tidy_business_dynamics,
    tidy_occupations,
    tidy_population,
    tidy_population_key_figures,
    tidy_pxweb_table,
)
from ingestion.refresh import (
    STATUS_DATASET,
    STATUS_SOURCE,
    Dataset,
    attempt_landing,
    core_missing_sentence,
    dataset_status,
    is_core,
)
from ingestion.settings import Settings
from ingestion.staged_schemas import write_empty
from ingestion.staging import staging_path, write_parquet_atomic
from orchestration.resources import PipelineSettings

CHECK_NAME = "great_expectations_suite"
FETCH_CHECK = "source_fetch"

if TYPE_CHECKING:
    from quality.runner import SuiteResult


def _suite(name: str) -> Callable[[pd.DataFrame], "SuiteResult"]:
    """A validator of quality.suites, imported on first use.

    great-expectations takes seconds to import, and a refresh in which no staged file changes
    validates nothing, so loading the definitions does not pay for it.
    """

    def validate(frame: pd.DataFrame) -> "SuiteResult":
        from quality import suites

        return getattr(suites, name)(frame)

    validate.__name__ = name
    return validate


validate_kela_benefit = _suite("validate_kela_benefit")
validate_labour_market = _suite("validate_labour_market")
validate_municipality_areas = _suite("validate_municipality_areas")
validate_occupation_classification = _suite("validate_occupation_classification")
validate_occupations = _suite("validate_occupations")
validate_population = _suite("validate_population")
validate_population_key_figures = _suite("validate_population_key_figures")


def _landing_metadata(landed: Landed, status: str) -> dict[str, object]:
    manifest = landed.manifest
    periods = manifest.details.get("periods") or [manifest.details.get("latest_period")]
    return {
        "status": status,
        "unchanged": status != "landed",
        "is_stale": status in ("failed", "disabled"),
        "version": manifest.version,
        "path": MetadataValue.path(str(landed.path)),
        "mode": manifest.mode,
        "source_updated": manifest.source_updated or "",
        "periods": " – ".join(str(p) for p in periods if p),
        "responses": len(manifest.responses),
        "bytes": sum(r.bytes for r in manifest.responses),
    }


def _landing_asset(
    dataset: Dataset, description: str, land: Callable[[Settings, SourceSession], Landed]
) -> AssetsDefinition:
    """Land one dataset; a failing source warns and keeps its last good version (stale) instead of stopping the run.

    With no good version yet, the dataset is `not_available` (a warning; staging writes an empty
    file); only a core dataset without one fails the run, in one sentence.
    """
    key = AssetKey(["landing", dataset.source, dataset.name])

    @asset(
        key=key,
        group_name=dataset.source,
        kinds={"python"},
        description=description,
        check_specs=[AssetCheckSpec(FETCH_CHECK, asset=key, blocking=False, description="the source answered")],
    )
    def _landing(context: AssetExecutionContext, pipeline: PipelineSettings) -> MaterializeResult:
        settings = pipeline.get()
        outcome = attempt_landing(settings, dataset, lambda: land(settings, pipeline.session()))
        label = f"{dataset.source}/{dataset.name}"
        check = AssetCheckResult(
            check_name=FETCH_CHECK,
            passed=outcome.status != "failed",
            severity=AssetCheckSeverity.WARN,
            metadata={"status": outcome.status, "error": outcome.error or ""},
        )
        if outcome.landed is None:
            if is_core(dataset):
                raise Failure(description=core_missing_sentence([(label, outcome.reason())]))
            context.log.warning(f"{label}: not yet available ({outcome.reason()}); its marts stay empty")
            return MaterializeResult(
                metadata={
                    "status": outcome.availability,
                    "reason": outcome.reason(),
                    "unchanged": True,
                    "is_stale": True,
                    "version": "",
                },
                check_results=[check],
            )
        if outcome.status == "failed":
            context.log.warning(
                f"{label}: {outcome.error}; keeping last good version {outcome.landed.path.name} (stale)"
            )
        elif outcome.status == "unchanged":
            context.log.info(
                f"{label}: unchanged at the source ({outcome.landed.manifest.source_updated}); no download"
            )
        else:
            context.log.info(f"{label}: {outcome.status}, version {outcome.landed.path.name}")
        return MaterializeResult(metadata=_landing_metadata(outcome.landed, outcome.status), check_results=[check])

    return _landing


def _not_yet_available(
    context: AssetExecutionContext,
    settings: Settings,
    source: str,
    names: dict[AssetKey, str],
    checked: AssetKey,
) -> Iterator[object]:
    """Stage empty, correctly typed files for a dataset with no good version yet, so dbt still builds.

    The staged marker is removed, so the first version that lands is tidied and validated; the
    dataset status keeps its landing_version NULL, which is how the marts tell "not yet available"
    from "no rows".
    """
    for key, name in names.items():
        path = staging_path(settings, source, name)
        write_empty(source, name, path)
        path.with_name(f"{path.name}.landing_version").unlink(missing_ok=True)
        context.log.warning(f"{source}/{name}: not yet available; staged an empty file")
        note = {"note": "not yet available: no good version has landed, nothing to validate (empty file)"}
        yield MaterializeResult(
            asset_key=key,
            metadata={
                "unchanged": False,
                "not_yet_available": True,
                "rows": 0,
                "bytes": path.stat().st_size,
                "path": MetadataValue.path(str(path)),
                "landing_version": "",
            },
            check_results=[AssetCheckResult(asset_key=key, check_name=CHECK_NAME, passed=True, metadata=note)]
            if key == checked
            else [],
        )


def _staging_asset(
    dataset: Dataset,
    tidy: Callable[[Path], pd.DataFrame],
    validate: Callable[[pd.DataFrame], "SuiteResult"],
    staged_as: str | None = None,
    description: str | None = None,
) -> AssetsDefinition:
    """The staging asset of a dataset; `staged_as` names a second table staged from the same landing."""
    source, landed_name = dataset.source, dataset.name
    name = staged_as or landed_name
    description = description or f"Tidy Parquet of {source}/{name}: {dataset.description}"
    key = AssetKey(["staging", source, name])

    @asset(
        key=key,
        deps=[AssetKey(["landing", source, landed_name])],
        group_name=source,
        kinds={"python", "parquet"},
        description=description,
        check_specs=[AssetCheckSpec(CHECK_NAME, asset=key, blocking=True, description="great-expectations suite")],
    )
    def _staging(context: AssetExecutionContext, pipeline: PipelineSettings) -> Iterator[object]:
        settings: Settings = pipeline.get()
        version = latest_version(settings.landing_dir, source, landed_name)
        if version is None:
            yield from _not_yet_available(context, settings, source, {key: name}, key)
            return
        path = staging_path(settings, source, name)
        marker = path.with_name(f"{path.name}.landing_version")
        if path.exists() and marker.exists() and marker.read_text(encoding="utf-8") == version.name:
            context.log.info(f"{source}/{name}: landing version {version.name} is already staged; unchanged")
            manifest = read_manifest(version)
            yield MaterializeResult(
                metadata={
                    "unchanged": True,
                    "rows": pq.read_metadata(path).num_rows,
                    "bytes": path.stat().st_size,
                    "path": MetadataValue.path(str(path)),
                    "landing_version": version.name,
                    "source_updated": manifest.source_updated or "",
                    "periods": str(manifest.details.get("latest_period") or ""),
                    "is_sample_data": manifest.mode == "sample",
                },
                check_results=[
                    AssetCheckResult(
                        check_name=CHECK_NAME,
                        passed=True,
                        metadata={"landing_version": version.name, "note": "validated when it was promoted"},
                    )
                ],
            )
            return
        try:
            frame = tidy(version)
        except TilannekuvaError as exc:
            raise Failure(description=str(exc)) from exc
        result = validate(frame)
        check_metadata = {
            "expectations": len(result.outcomes),
            "failed": len(result.failures),
            "landing_version": version.name,
            "summary": MetadataValue.md(f"```\n{result.summary()}\n```"),
        }
        if not result.success:
            quarantine = settings.staging_dir / "_quarantine" / source / f"{name}-{version.name}.parquet"
            write_parquet_atomic(frame, quarantine)
            yield AssetCheckResult(
                check_name=CHECK_NAME, passed=False, severity=AssetCheckSeverity.ERROR, metadata=check_metadata
            )
            raise Failure(
                description=f"{result.summary()}\nNot promoted; quarantined in {quarantine}; the previous file stays.",
            )
        write_parquet_atomic(frame, path)
        marker.write_text(version.name, encoding="utf-8")
        manifest = read_manifest(version)
        context.log.info(f"{source}/{name}: {len(frame)} rows → {path}")
        yield MaterializeResult(
            metadata={
                "unchanged": False,
                "rows": len(frame),
                "bytes": path.stat().st_size,
                "periods": str(manifest.details.get("latest_period") or ""),
                "path": MetadataValue.path(str(path)),
                "landing_version": version.name,
                "source_updated": manifest.source_updated or "",
                "is_sample_data": manifest.mode == "sample",
            },
            check_results=[AssetCheckResult(check_name=CHECK_NAME, passed=True, metadata=check_metadata)],
        )

    return _staging


def _dataset_assets(
    dataset: Dataset,
    raw_description: str,
    land: Callable[[Settings, SourceSession], Landed],
    tidy: Callable[[Path], pd.DataFrame],
    validate: Callable[[pd.DataFrame], "SuiteResult"],
) -> tuple[AssetsDefinition, AssetsDefinition]:
    """The landing and staging assets of one catalogued dataset."""
    return _landing_asset(dataset, raw_description, land), _staging_asset(dataset, tidy, validate)


landing_labour_market, staging_labour_market = _dataset_assets(
    LABOUR_MARKET,
    f"Raw PxWeb responses of {LABOUR_MARKET.table}.",
    land_pxweb_table,
    tidy_pxweb_table,
    validate_labour_market,
)
landing_municipality_areas, staging_municipality_areas = _dataset_assets(
    MUNICIPALITY_AREAS,
    "Raw correspondence tables of the classification service.",
    land_municipality_areas,
    tidy_municipality_areas,
    validate_municipality_areas,
)
staging_municipality_harmonisation = _staging_asset(
    MUNICIPALITY_AREAS,
    tidy_municipality_harmonisation,
    _suite("validate_municipality_harmonisation"),
    staged_as="municipality_harmonisation",
    description="Tidy Parquet of classifications/municipality_harmonisation: every municipality valid in each "
    "year of the history window mapped to today's municipality (mergers), from the yearly correspondences.",
)
landing_population, staging_population = _dataset_assets(
    POPULATION,
    f"Raw PxWeb responses of {POPULATION.table}.",
    partial(land_pxweb_table, dataset=POPULATION),
    tidy_population,
    validate_population,
)
landing_population_key_figures, staging_population_key_figures = _dataset_assets(
    POPULATION_KEY_FIGURES,
    f"Raw PxWeb responses of {POPULATION_KEY_FIGURES.table}.",
    partial(land_pxweb_table, dataset=POPULATION_KEY_FIGURES),
    tidy_population_key_figures,
    validate_population_key_figures,
)
landing_occupations, staging_occupations = _dataset_assets(
    OCCUPATIONS,
    f"Raw PxWeb responses of {OCCUPATIONS.table}.",
    partial(land_pxweb_table, dataset=OCCUPATIONS),
    tidy_occupations,
    validate_occupations,
)
landing_occupation_classification, staging_occupation_classification = _dataset_assets(
    OCCUPATION_CLASSIFICATION,
    f"Raw classification items of {OCCUPATION_CLASSIFICATION.classification_id} (fi, sv, en).",
    land_classification_items,
    tidy_classification_items,
    validate_occupation_classification,
)
landing_kela_benefit, staging_kela_benefit = _dataset_assets(
    KELA_UNEMPLOYMENT_BENEFIT,
    "Raw CKAN package document, Data Package package.json and CSV of Kela's municipally co-financed "
    "unemployment benefit.",
    land_ckan_csv,
    tidy_kela_benefit,
    validate_kela_benefit,
)
landing_industry_classification, staging_industry_classification = _dataset_assets(
    INDUSTRY_CLASSIFICATION,
    f"Raw classification items of {INDUSTRY_CLASSIFICATION.classification_id} (fi, sv, en).",
    partial(land_classification_items, dataset=INDUSTRY_CLASSIFICATION),
    partial(tidy_classification_items, dataset=INDUSTRY_CLASSIFICATION),
    _suite("validate_industry_classification"),
)
landing_industry_classification_2025, staging_industry_classification_2025 = _dataset_assets(
    INDUSTRY_CLASSIFICATION_2025,
    "Raw classification list and items (fi, sv, en) of the TOL 2025 classification found by listing.",
    partial(land_classification_items, dataset=INDUSTRY_CLASSIFICATION_2025),
    partial(tidy_classification_items, dataset=INDUSTRY_CLASSIFICATION_2025),
    _suite("validate_industry_classification_2025"),
)
landing_industry_tol2025_tol2008, staging_industry_tol2025_tol2008 = _dataset_assets(
    INDUSTRY_TOL2025_TOL2008,
    "Raw correspondence list and maps of the TOL 2025 → TOL 2008 correspondence found by listing.",
    land_item_correspondence,
    tidy_item_correspondence,
    _suite("validate_industry_tol2025_tol2008"),
)
landing_business_dynamics, staging_business_dynamics = _dataset_assets(
    BUSINESS_DYNAMICS,
    f"Raw PxWeb responses of the {BUSINESS_DYNAMICS.subject} table found by title (table list included).",
    partial(land_pxweb_table, dataset=BUSINESS_DYNAMICS),
    tidy_business_dynamics,
    _suite("validate_business_dynamics"),
)
landing_bankruptcies, staging_bankruptcies = _dataset_assets(
    BANKRUPTCIES,
    f"Raw PxWeb responses of the {BANKRUPTCIES.subject} table found by title (table list included).",
    partial(land_pxweb_table, dataset=BANKRUPTCIES),
    tidy_bankruptcies,
    _suite("validate_bankruptcies"),
)


def _prh_staging_asset() -> AssetsDefinition:
    """Stream-parse the landed PRH dump into companies, company_situations and company_forms Parquet,
    validated first, then fold it into the register history across dumps.

    One asset writes every file (one parse of the dump); the blocking suite sits on companies. Data
    failing it is kept under `staging/_quarantine/prh/` and the previous good files (and the history)
    stay in use. A missing history is rebuilt from the landed versions kept, oldest first.
    """
    dataset = PRH_COMPANIES
    landing_key = AssetKey(["landing", dataset.source, dataset.name])
    tables = {
        "companies": f"Tidy Parquet of prh/companies: {dataset.description} The dump holds only companies "
        "currently registered; sole traders are not in the open data.",
        "company_situations": "Tidy Parquet of prh/company_situations: one row per bankruptcy, liquidation or "
        "restructuring proceeding still open at the dump date (the register shows open proceedings only; "
        "they are not bankruptcy counts, which come from kony).",
        "company_forms": "Tidy Parquet of prh/company_forms: the YRMU company-form code list landed with the dump, "
        "flagging housing and mutual property companies (left out of business counts).",
        "register_history": "Tidy Parquet of prh/register_history: one row per company ever seen in a folded dump "
        "(first and last dump seen, the first dump without it, form, industry, municipality, dates).",
        "register_dumps": "Tidy Parquet of prh/register_dumps: one row per dump folded into the register history, "
        "with its companies, new, left and returned companies and unknown industry code sets.",
    }
    keys = {name: AssetKey(["staging", dataset.source, name]) for name in tables}
    companies_key = keys["companies"]
    specs = [
        AssetSpec(
            key, deps=[landing_key], group_name=dataset.source, kinds={"python", "parquet"}, description=tables[name]
        )
        for name, key in keys.items()
    ]
    check = AssetCheckSpec(CHECK_NAME, asset=companies_key, blocking=True, description="great-expectations suite")

    @multi_asset(name="staging_prh_companies", specs=specs, check_specs=[check])
    def _staging(context: AssetExecutionContext, pipeline: PipelineSettings) -> Iterator[object]:
        settings: Settings = pipeline.get()
        version = latest_version(settings.landing_dir, dataset.source, dataset.name)
        if version is None:
            names = {key: name for name, key in keys.items()}
            yield from _not_yet_available(context, settings, dataset.source, names, companies_key)
            return
        manifest = read_manifest(version)
        paths = {name: staging_path(settings, dataset.source, name) for name in tables}
        marker = paths["companies"].with_name(f"{paths['companies'].name}.landing_version")
        common = {
            "landing_version": version.name,
            "source_updated": manifest.source_updated or "",
            "periods": str(manifest.details.get("latest_period") or ""),
            "is_sample_data": manifest.mode == "sample",
        }
        already = marker.exists() and marker.read_text(encoding="utf-8") == version.name
        if already and all(p.exists() for p in paths.values()):
            context.log.info(f"prh/companies: landing version {version.name} is already staged; unchanged")
            note = {"landing_version": version.name, "note": "validated when it was promoted"}
            for name, path in paths.items():
                yield MaterializeResult(
                    asset_key=keys[name],
                    metadata={
                        "unchanged": True,
                        "rows": pq.read_metadata(path).num_rows,
                        "bytes": path.stat().st_size,
                        "path": MetadataValue.path(str(path)),
                        **common,
                    },
                    check_results=[AssetCheckResult(check_name=CHECK_NAME, passed=True, metadata=note)]
                    if name == "companies"
                    else [],
                )
            return
        scratch = settings.staging_dir / dataset.source / f".scratch-{version.name}"
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            staged = parse_landed(
                version, scratch, settings.prh_max_uncompressed_bytes, settings.prh_max_unknown_code_set_share
            )
        except TilannekuvaError as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            raise Failure(description=str(exc)) from exc
        from quality.suites import validate_prh_companies

        result = validate_prh_companies(pd.read_parquet(staged.companies), pd.read_parquet(staged.situations))
        check_metadata = {
            "expectations": len(result.outcomes),
            "failed": len(result.failures),
            "landing_version": version.name,
            "summary": MetadataValue.md(f"```\n{result.summary()}\n```"),
        }
        if not result.success:
            quarantine = settings.staging_dir / "_quarantine" / dataset.source / f"companies-{version.name}"
            shutil.rmtree(quarantine, ignore_errors=True)
            quarantine.parent.mkdir(parents=True, exist_ok=True)
            scratch.rename(quarantine)
            yield AssetCheckResult(
                asset_key=companies_key,
                check_name=CHECK_NAME,
                passed=False,
                severity=AssetCheckSeverity.ERROR,
                metadata=check_metadata,
            )
            raise Failure(
                description=f"{result.summary()}\nNot promoted; quarantined in {quarantine}; the previous files stay."
            )
        promote(staged, paths["companies"], paths["company_situations"], paths["company_forms"])
        shutil.rmtree(scratch, ignore_errors=True)
        history, dumps = paths["register_history"], paths["register_dumps"]
        if not history.exists() or not dumps.exists():
            older = [v for v in landed_versions(settings.landing_dir) if v.name < version.name]
            for rebuilt in rebuild_history(
                older, history, dumps, settings.prh_max_uncompressed_bytes, settings.prh_max_unknown_code_set_share
            ):
                context.log.info(f"prh register history rebuilt with the dump of {rebuilt.dump_date}: {rebuilt}")
        updated, sample = common["source_updated"], bool(common["is_sample_data"])
        folded = apply_dump(
            history,
            dumps,
            paths["companies"],
            dump_date_of(version),
            version.name,
            source_updated_at=pd.Timestamp(updated).tz_localize(None).to_pydatetime() if updated else None,
            is_sample_data=sample,
            unknown_code_set_companies=staged.unknown_code_set_rows,
        )
        marker.write_text(version.name, encoding="utf-8")
        unknown = staged.unknown_code_set_rows
        if unknown:
            context.log.warning(
                f"prh: {unknown} of {staged.companies_rows} companies carry an unknown industry code set "
                f"({json.dumps(staged.unknown_code_sets)}); their industry is left unknown"
            )
        rows = {
            "companies": staged.companies_rows,
            "company_situations": staged.situation_rows,
            "company_forms": pq.read_metadata(paths["company_forms"]).num_rows,
            "register_history": pq.read_metadata(history).num_rows,
            "register_dumps": pq.read_metadata(dumps).num_rows,
        }
        extra = {
            "companies": {
                "uncompressed_bytes": staged.uncompressed_bytes,
                "unknown_code_set_companies": unknown,
                "unknown_code_set_share": round(unknown / staged.companies_rows, 6),
                "unknown_code_sets": json.dumps(staged.unknown_code_sets, sort_keys=True),
            },
            "register_history": {
                "dump_date": str(folded.dump_date),
                "folded": folded.applied,
                "new_companies": folded.new_companies,
                "left_companies": folded.left_companies,
                "returned_companies": folded.returned_companies,
                "note": folded.note,
            },
        }
        context.log.info(
            f"prh: {staged.companies_rows} companies, {staged.situation_rows} open situations staged; history: {folded}"
        )
        for name, path in paths.items():
            yield MaterializeResult(
                asset_key=keys[name],
                metadata={
                    "unchanged": False,
                    "rows": rows[name],
                    "bytes": path.stat().st_size,
                    "path": MetadataValue.path(str(path)),
                    **extra.get(name, {}),
                    **common,
                },
                check_results=[AssetCheckResult(check_name=CHECK_NAME, passed=True, metadata=check_metadata)]
                if name == "companies"
                else [],
            )

    return _staging


landing_prh_companies = _landing_asset(
    PRH_COMPANIES, "Raw PRH all_companies ZIP (YTJ open data v3), streamed to disk.", land_all_companies
)
staging_prh_companies = _prh_staging_asset()

_DATASET_ASSETS = [
    landing_prh_companies,
    staging_prh_companies,
    landing_labour_market,
    staging_labour_market,
    landing_municipality_areas,
    staging_municipality_areas,
    staging_municipality_harmonisation,
    landing_population,
    staging_population,
    landing_population_key_figures,
    staging_population_key_figures,
    landing_occupations,
    staging_occupations,
    landing_occupation_classification,
    staging_occupation_classification,
    landing_kela_benefit,
    staging_kela_benefit,
    landing_industry_classification,
    staging_industry_classification,
    landing_industry_classification_2025,
    staging_industry_classification_2025,
    landing_industry_tol2025_tol2008,
    staging_industry_tol2025_tol2008,
    landing_business_dynamics,
    staging_business_dynamics,
    landing_bankruptcies,
    staging_bankruptcies,
]


@asset(
    key=["staging", STATUS_SOURCE, STATUS_DATASET],
    deps=[key for a in _DATASET_ASSETS for key in a.keys],
    group_name=STATUS_SOURCE,
    kinds={"python", "parquet"},
    description="One row per dataset: last good landing version, source version, last attempt and whether the "
    "data in use is stale (its source failed or is disabled). Read by dbt as source pipeline.dataset_status.",
)
def dataset_status_parquet(context: AssetExecutionContext, pipeline: PipelineSettings) -> MaterializeResult:
    settings = pipeline.get()
    frame = dataset_status(settings)
    path = staging_path(settings, STATUS_SOURCE, STATUS_DATASET)
    write_parquet_atomic(frame, path)
    stale = frame.loc[frame["is_stale"], "dataset"].tolist()
    if stale:
        context.log.warning(f"stale datasets (last good data kept): {', '.join(stale)}")
    return MaterializeResult(
        metadata={"rows": len(frame), "path": MetadataValue.path(str(path)), "stale": ", ".join(stale) or "none"}
    )


SOURCE_ASSETS = [*_DATASET_ASSETS, dataset_status_parquet]
