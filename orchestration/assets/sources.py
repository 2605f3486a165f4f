"""Landing and staging assets for each catalogued dataset, with blocking quality checks.

The assets are looped from the table of pipelines (`ingestion/pipelines.py`, derived from the
catalogue): one landing asset per dataset and one staging asset per staged table (PRH's five tables
are one multi-asset, parsed once). Staging itself is the plain procedure `ingestion.staging.stage`
(tidy → validate → quarantine or promote); an asset here only runs it with the dataset's suite and
turns the outcome into Dagster results. Data failing its suite is quarantined (kept in landing and
under `staging/_quarantine/`), the previous good file stays in use, and the failed check names the
expectation and example rows.
"""

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
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

from ingestion.landing import Landed
from ingestion.pipelines import PIPELINES, Land, Pipeline, StagedTable, suite_of
from ingestion.prh.parse import StagedPrh
from ingestion.prh.stage import PrhStager
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
from ingestion.staging import FrameStager, StageOutcome, stage, staging_path, write_parquet_atomic
from orchestration.resources import PipelineSettings

T = TypeVar("T")
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


def _validate_prh(staged: StagedPrh) -> "SuiteResult":
    """PRH's suite on the parsed (not yet promoted) companies and their open situations."""
    from quality import suites

    validate = getattr(suites, suite_of("companies"))
    return validate(pd.read_parquet(staged.companies), pd.read_parquet(staged.situations))


def _timed(validate: Callable[[T], "SuiteResult"], spent: list[float]) -> Callable[[T], "SuiteResult"]:
    """The validator, adding its seconds to `spent`: the step logs them as `timing: staging.quality=…`."""

    def timed(tidied: T) -> "SuiteResult":
        began = time.perf_counter()
        try:
            return validate(tidied)
        finally:
            spent.append(time.perf_counter() - began)

    return timed


def _log_quality_time(context: AssetExecutionContext, spent: list[float]) -> None:
    if spent:
        context.log.info(f"timing: staging.quality={sum(spent):.3f}")


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


def _landing_asset(dataset: Dataset, description: str, land: Land) -> AssetsDefinition:
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


def _stage_results(
    context: AssetExecutionContext, outcome: StageOutcome, keys: dict[str, AssetKey], checked: AssetKey
) -> Iterator[object]:
    """The Dagster results of one staging outcome: a materialisation per table, the suite on `checked`."""
    for level, message in outcome.notes:
        getattr(context.log, level)(message)
    if outcome.status == "failed":
        raise Failure(description=outcome.failure)
    validation = outcome.validation
    check_metadata: dict[str, object] = {}
    if validation is not None and outcome.version is not None:
        check_metadata = {
            "expectations": len(validation.outcomes),
            "failed": len(validation.failures),
            "landing_version": outcome.version.name,
            "summary": MetadataValue.md(f"```\n{validation.summary()}\n```"),
        }
    if outcome.status == "quarantined":
        yield AssetCheckResult(
            asset_key=checked,
            check_name=CHECK_NAME,
            passed=False,
            severity=AssetCheckSeverity.ERROR,
            metadata=check_metadata,
        )
        raise Failure(description=outcome.failure)
    if outcome.status == "not_yet_available":
        # No good version has landed: empty, correctly typed files so dbt still builds; the dataset
        # status keeps its landing_version NULL, which is how the marts tell "not yet available" from "no rows".
        note = {"note": "not yet available: no good version has landed, nothing to validate (empty file)"}
        for name, key in keys.items():
            path = outcome.paths[name]
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
        return
    version, manifest = outcome.version, outcome.manifest
    assert version is not None and manifest is not None
    unchanged = outcome.status == "unchanged"
    if unchanged:
        check_metadata = {"landing_version": version.name, "note": "validated when it was promoted"}
    common = {
        "landing_version": version.name,
        "source_updated": manifest.source_updated or "",
        "periods": str(manifest.details.get("latest_period") or ""),
        "is_sample_data": manifest.mode == "sample",
    }
    for name, key in keys.items():
        path = outcome.paths[name]
        yield MaterializeResult(
            asset_key=key,
            metadata={
                "unchanged": unchanged,
                "rows": outcome.rows[name],
                "bytes": path.stat().st_size,
                "path": MetadataValue.path(str(path)),
                **outcome.extra.get(name, {}),
                **common,
            },
            check_results=[AssetCheckResult(asset_key=key, check_name=CHECK_NAME, passed=True, metadata=check_metadata)]
            if key == checked
            else [],
        )


def _staging_asset(dataset: Dataset, table: StagedTable) -> AssetsDefinition:
    """The staging asset of one table staged from a dataset's landing (one tidy frame, one Parquet file)."""
    source = dataset.source
    key = AssetKey(["staging", source, table.name])
    validate = _suite(table.suite)

    @asset(
        key=key,
        deps=[AssetKey(["landing", source, dataset.name])],
        group_name=source,
        kinds={"python", "parquet"},
        description=table.description,
        check_specs=[AssetCheckSpec(CHECK_NAME, asset=key, blocking=True, description="great-expectations suite")],
    )
    def _staging(context: AssetExecutionContext, pipeline: PipelineSettings) -> Iterator[object]:
        settings: Settings = pipeline.get()
        stager = FrameStager.of(settings, source, table.name, table.tidy)
        spent: list[float] = []
        outcome = stage(settings.landing_dir, dataset, stager, _timed(validate, spent))
        _log_quality_time(context, spent)
        yield from _stage_results(context, outcome, {table.name: key}, key)

    return _staging


PRH_DESCRIPTIONS = {
    "companies": "Tidy Parquet of prh/companies: {description} The dump holds only companies "
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


def _prh_staging_asset(pipeline_: Pipeline) -> AssetsDefinition:
    """Stream-parse the landed PRH dump into companies, company_situations and company_forms Parquet,
    validated first, then fold it into the register history across dumps (ingestion/prh/stage.py).

    One asset writes every file (one parse of the dump); the blocking suite sits on companies.
    """
    dataset = pipeline_.dataset
    landing_key = AssetKey(["landing", dataset.source, dataset.name])
    keys = {name: AssetKey(["staging", dataset.source, name]) for name in pipeline_.staged_names}
    companies_key = keys["companies"]
    specs = [
        AssetSpec(
            key,
            deps=[landing_key],
            group_name=dataset.source,
            kinds={"python", "parquet"},
            description=PRH_DESCRIPTIONS[name].format(description=dataset.description),
        )
        for name, key in keys.items()
    ]
    check = AssetCheckSpec(CHECK_NAME, asset=companies_key, blocking=True, description="great-expectations suite")

    @multi_asset(name="staging_prh_companies", specs=specs, check_specs=[check])
    def _staging(context: AssetExecutionContext, pipeline: PipelineSettings) -> Iterator[object]:
        settings: Settings = pipeline.get()
        spent: list[float] = []
        outcome = stage(settings.landing_dir, dataset, PrhStager(settings), _timed(_validate_prh, spent))
        _log_quality_time(context, spent)
        yield from _stage_results(context, outcome, keys, companies_key)

    return _staging


def _pipeline_assets(pipeline_: Pipeline) -> list[AssetsDefinition]:
    """The landing asset of one catalogued dataset and the staging assets of its tables."""
    landing = _landing_asset(pipeline_.dataset, pipeline_.landing_description, pipeline_.land)
    if not pipeline_.tables:
        return [landing, _prh_staging_asset(pipeline_)]
    return [landing, *(_staging_asset(pipeline_.dataset, table) for table in pipeline_.tables)]


_DATASET_ASSETS = [a for p in PIPELINES for a in _pipeline_assets(p)]


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
_BY_KEY = {key: a for a in SOURCE_ASSETS for key in a.keys}


def source_asset(*path: str) -> AssetsDefinition:
    """The asset (or PRH's multi-asset) holding the key `path`: `source_asset("staging", "statfin", "population")`."""
    return _BY_KEY[AssetKey(list(path))]
