"""The fault matrix: which datasets are attacked where, what each fault must lead to, and the summary table.

Adding a source to the matrix is one `Target` (its land/tidy/validate functions and the route its data
comes from) plus, where its format differs, a body transform in `server.py`. Sources not yet in
the matrix would be listed in `PENDING` and shown as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory

import pandas as pd

from ingestion import classification_items, classifications, kela, pxweb
from ingestion.catalogue import (
    BANKRUPTCIES,
    BUSINESS_DYNAMICS,
    INDUSTRY_CLASSIFICATION,
    KELA_UNEMPLOYMENT_BENEFIT,
    LABOUR_MARKET,
    MUNICIPALITY_AREAS,
    OCCUPATION_CLASSIFICATION,
    OCCUPATIONS,
    POPULATION,
    POPULATION_KEY_FIGURES,
    PRH_COMPANIES,
)
from ingestion.http import SourceSession
from ingestion.landing import Landed
from ingestion.prh import land, parse
from ingestion.refresh import Dataset
from ingestion.settings import Settings
from quality import suites
from quality.runner import SuiteResult
from tests.faults.server import ALL_FAULTS, CONTENT_FAULTS, TRANSIENT, ZIP_FAULTS


@dataclass(frozen=True)
class Target:
    """One dataset under attack: how it lands, parses and validates, and where its data comes from."""

    dataset: Dataset
    land: Callable[[Settings, SourceSession], Landed]
    tidy: Callable[[Path], pd.DataFrame]
    validate: Callable[[pd.DataFrame], SuiteResult]
    route: str
    json_route: str | None = None  # where JSON-only faults go when the data route is not JSON

    @property
    def label(self) -> str:
        return f"{self.dataset.source}/{self.dataset.name}"


PRH_MAX_UNCOMPRESSED = 8 * 1024**3  # the settings' default (TILANNEKUVA_PRH_MAX_UNCOMPRESSED_BYTES)


def tidy_prh(version_dir: Path) -> pd.DataFrame:
    """PRH's parse, as the staging asset runs it (into scratch), read back: companies, with situations in attrs.

    The dump parses into two files; the companies frame carries the situations frame beside it so the
    one-frame `Target.validate` can run the suite on both.
    """
    with TemporaryDirectory(prefix="prh-matrix-") as scratch:
        staged = parse.parse_landed(version_dir, Path(scratch), PRH_MAX_UNCOMPRESSED)
        companies = pd.read_parquet(staged.companies)
        companies.attrs["situations"] = pd.read_parquet(staged.situations)
    return companies


def validate_prh(companies: pd.DataFrame) -> SuiteResult:
    return suites.validate_prh_companies(companies, companies.attrs["situations"])


TARGETS = {
    t.label: t
    for t in (
        Target(
            POPULATION_KEY_FIGURES,
            partial(pxweb.land_pxweb_table, dataset=POPULATION_KEY_FIGURES),
            pxweb.tidy_population_key_figures,
            suites.validate_population_key_figures,
            "px_data",
        ),
        Target(LABOUR_MARKET, pxweb.land_pxweb_table, pxweb.tidy_pxweb_table, suites.validate_labour_market, "px_data"),
        Target(
            POPULATION,
            partial(pxweb.land_pxweb_table, dataset=POPULATION),
            pxweb.tidy_population,
            suites.validate_population,
            "px_data",
        ),
        Target(
            OCCUPATIONS,
            partial(pxweb.land_pxweb_table, dataset=OCCUPATIONS),
            pxweb.tidy_occupations,
            suites.validate_occupations,
            "px_data",
        ),
        Target(
            BANKRUPTCIES,
            partial(pxweb.land_pxweb_table, dataset=BANKRUPTCIES),
            partial(pxweb.tidy_pxweb_table, dataset=BANKRUPTCIES),
            suites.validate_bankruptcies,
            "px_data",
        ),
        Target(
            BUSINESS_DYNAMICS,
            partial(pxweb.land_pxweb_table, dataset=BUSINESS_DYNAMICS),
            pxweb.tidy_business_dynamics,
            suites.validate_business_dynamics,
            "px_data",
        ),
        Target(
            INDUSTRY_CLASSIFICATION,
            partial(classification_items.land_classification_items, dataset=INDUSTRY_CLASSIFICATION),
            partial(classification_items.tidy_classification_items, dataset=INDUSTRY_CLASSIFICATION),
            suites.validate_industry_classification,
            "class_items",
        ),
        Target(
            MUNICIPALITY_AREAS,
            lambda s, session: classifications.land_municipality_areas(s, session),
            classifications.tidy_municipality_areas,
            suites.validate_municipality_areas,
            "class_maps",
        ),
        Target(
            OCCUPATION_CLASSIFICATION,
            classification_items.land_classification_items,
            classification_items.tidy_classification_items,
            suites.validate_occupation_classification,
            "class_items",
        ),
        Target(
            KELA_UNEMPLOYMENT_BENEFIT,
            kela.land_ckan_csv,
            kela.tidy_kela_benefit,
            suites.validate_kela_benefit,
            "ckan_csv",
            json_route="ckan_package",
        ),
        Target(PRH_COMPANIES, land.land_all_companies, tidy_prh, validate_prh, "prh_zip"),
    )
}
PENDING: dict[str, str] = {}

# What each fault must end in. `retried`: the client rode it out and the data landed and validated.
# `failed`: the landing refused it with a message naming source, field and value; the last good version
# stays in use (stale). `tolerated`: the answer still carries exactly the data asked for (a field the
# pipeline does not read); it landed and validated.
FAILS = "failed"
RETRIED = "retried"
SUCCEEDED = "succeeded"  # slow but whole: landed without any retry
TOLERATED = "tolerated"
NOT_APPLICABLE = "n/a"
# PRH only: the landing vets the archive (a complete ZIP, one safe JSON member, under the size cap) but does not
# parse the dump, so a sound ZIP whose JSON is bad lands; the staging parse (or its suite) then refuses it with a
# message naming source, field and value, and the previously staged files stay in use (stale).
STAGING_FAILED = "staging-failed"
# Lands and passes its suite; dbt's relationships test then fails the build, so publish is blocked and the
# serving file stays as it was (a known gap: the landing should refuse it so that only this source goes stale).
BLOCKED_AT_DBT = "dbt-blocked"
DBT_BLOCKED_CELLS = {("unknown_codes", "ckan_csv")}
TOLERATED_CELLS = {
    ("drift_extra", "class_maps"),
    ("drift_extra", "class_items"),
    ("drift_extra", "ckan_package"),
    ("drift_extra", "prh_zip"),
}


def fault_route(fault: str, target: Target) -> str | None:
    """The route a fault is injected on for a target, or None when it does not apply to its formats."""
    if fault in ZIP_FAULTS:
        return target.route if target.route == "prh_zip" else None
    if fault == "deep_json" and target.route == "ckan_csv":
        return target.json_route
    return target.route


def expected(fault: str, target: Target) -> str:
    route = fault_route(fault, target)
    if route is None:
        return NOT_APPLICABLE
    if fault in TRANSIENT:
        return RETRIED
    if fault == "slow_trickle":
        return SUCCEEDED
    if (fault, route) in DBT_BLOCKED_CELLS:
        return BLOCKED_AT_DBT
    if (fault, "*") in TOLERATED_CELLS or (fault, route) in TOLERATED_CELLS:
        return TOLERATED
    if route == "prh_zip" and fault in CONTENT_FAULTS:
        return STAGING_FAILED
    return FAILS


def arm_times(fault: str) -> int | None:
    """Transient faults hit the first two requests (fewer than the retries); the rest hit every request."""
    if fault in TRANSIENT:
        return 2
    return 1 if fault == "slow_trickle" else None


# The CI subset: every fault on the smallest PxWeb table, and a spread of faults on the other formats.
CI_CELLS = {(f, "statfin/population_key_figures") for f in ALL_FAULTS if f not in ZIP_FAULTS} | {
    ("http_503", "classifications/municipality_areas"),
    ("drift_renamed", "classifications/municipality_areas"),
    ("duplicated_keys", "classifications/occupation_classification"),
    ("connection_reset", "kela/unemployment_benefit"),
    ("drift_missing", "kela/unemployment_benefit"),
    ("unknown_codes", "kela/unemployment_benefit"),
    ("truncated_body", "kela/unemployment_benefit"),
    ("http_503", "prh/companies"),
    ("zip_member_escape", "prh/companies"),
    ("drift_missing", "prh/companies"),
}


@dataclass
class CellResult:
    """What one matrix cell did."""

    fault: str
    dataset: str
    outcome: str
    detail: str
    seconds: float


def render_matrix(results: list[CellResult], title: str) -> str:
    """Faults × datasets → outcome as a Markdown table, with the failure messages listed below."""
    datasets = sorted({r.dataset for r in results})
    faults = [f for f in ALL_FAULTS if any(r.fault == f for r in results)]
    cell = {(r.fault, r.dataset): r for r in results}
    lines = [
        f"# Fault matrix — {title}",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {len(results)} cells, "
        f"{sum(r.outcome == RETRIED for r in results)} retried and succeeded, "
        f"{sum(r.outcome == SUCCEEDED for r in results)} succeeded slowly, "
        f"{sum(r.outcome == FAILS for r in results)} failed cleanly (last good version kept), "
        f"{sum(r.outcome == STAGING_FAILED for r in results)} landed but refused at staging (staged files kept), "
        f"{sum(r.outcome == TOLERATED for r in results)} tolerated, "
        f"{sum(r.outcome == BLOCKED_AT_DBT for r in results)} blocked at the dbt build, "
        f"{sum(r.outcome == NOT_APPLICABLE for r in results)} not applicable; "
        "in every cell listed the earlier landing version was intact and a rerun without the fault completed.",
        "",
        "| fault | " + " | ".join(datasets) + " |",
        "|---|" + "---|" * len(datasets),
    ]
    for fault in faults:
        row = [cell[(fault, ds)].outcome if (fault, ds) in cell else "" for ds in datasets]
        lines.append(f"| {fault} | " + " | ".join(row) + " |")
    if PENDING:
        lines += ["", "Pending sources: " + "; ".join(f"`{k}` ({v})" for k, v in PENDING.items())]
    lines += ["", "## Messages", ""]
    for r in sorted(results, key=lambda r: (r.dataset, ALL_FAULTS.index(r.fault))):
        if r.detail:
            lines.append(f"- `{r.dataset}` × `{r.fault}` ({r.seconds:.1f} s): {r.detail}")
    return "\n".join(lines) + "\n"
