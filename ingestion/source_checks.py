"""`tilannekuva check-sources`: the smallest request per source, held against the shape the clients expect.

Run it on a machine with internet before enabling the nightly schedule, and whenever a night fails
on a source: each probe sends one small request through the same session and client code the
refresh uses, and reports whether the source answered and whether the answer still has the shape
the pipeline reads. A probe that needs an earlier one (a one-cell query needs the table's metadata)
is skipped when that one failed, and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from ingestion.catalogue import KELA_UNEMPLOYMENT_BENEFIT, LABOUR_MARKET, OCCUPATION_CLASSIFICATION
from ingestion.classifications import SOURCE as CLASSIFICATION_SOURCE
from ingestion.classifications import ClassificationClient, choose_correspondence, parse_maps
from ingestion.errors import SourceError, TilannekuvaError
from ingestion.http import SourceSession, get_checked
from ingestion.jsonstat import load_json, parse_jsonstat2
from ingestion.kela import SOURCE as KELA_SOURCE
from ingestion.kela import choose_descriptor, csv_resources, download, map_fields, package_show, read_descriptor
from ingestion.prh.client import CompaniesClient
from ingestion.prh.forms import parse_company_forms
from ingestion.prh.records import reduce_company
from ingestion.prh.schemas import FORMS_ENDPOINT, FORMS_PARAMS
from ingestion.prh.schemas import SOURCE as PRH_SOURCE
from ingestion.pxweb import PxLimits, PxWebClient, TableMetadata
from ingestion.settings import Settings

# A SourceError on these fields means the request itself failed (see ingestion.http.get_checked).
TRANSPORT_FIELDS = frozenset({"URL", "HTTP status"})


@dataclass(frozen=True)
class CheckResult:
    """One probe's row of the report."""

    source: str
    endpoint: str
    reachable: bool | None
    shape_ok: bool | None
    difference: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.reachable and self.shape_ok)


@dataclass
class Probe:
    """A named request and the check of its answer; `run` returns what later probes need, or raises."""

    source: str
    endpoint: str
    run: Callable[[dict[str, Any]], Any]
    name: str
    needs: tuple[str, ...] = ()


def _classify(exc: TilannekuvaError) -> tuple[bool, str]:
    """(reachable, what differed) for a failed probe."""
    if isinstance(exc, SourceError) and exc.field in TRANSPORT_FIELDS:
        return False, str(exc)
    return True, str(exc)


def run_probes(probes: list[Probe]) -> Iterator[CheckResult]:
    """Run the probes in order; each result is yielded as soon as it is known."""
    found: dict[str, Any] = {}
    failed: set[str] = set()
    for probe in probes:
        missing = [n for n in probe.needs if n in failed or n not in found]
        if missing:
            failed.add(probe.name)
            yield CheckResult(probe.source, probe.endpoint, None, None, f"skipped: needs {', '.join(missing)}")
            continue
        try:
            found[probe.name] = probe.run(found)
        except TilannekuvaError as exc:
            failed.add(probe.name)
            reachable, difference = _classify(exc)
            yield CheckResult(probe.source, probe.endpoint, reachable, False if reachable else None, difference)
            continue
        yield CheckResult(probe.source, probe.endpoint, True, True, "")


def render(results: list[CheckResult]) -> str:
    """The report as a plain-text table, then one line of totals."""
    from tabulate import tabulate

    def mark(value: bool | None) -> str:
        return "–" if value is None else ("yes" if value else "NO")

    def short(endpoint: str) -> str:
        parts = urlsplit(endpoint)
        return endpoint[len(f"{parts.scheme}://{parts.netloc}") :] if parts.scheme else endpoint

    rows = [(r.source, short(r.endpoint), mark(r.reachable), mark(r.shape_ok), r.difference) for r in results]
    table = tabulate(
        rows,
        headers=["source", "endpoint", "reachable", "shape as expected", "what differed"],
        tablefmt="simple",
        maxcolwidths=[None, 70, None, None, 70],
    )
    drifted = sum(not r.ok for r in results)
    verdict = "every source answered as expected" if not drifted else f"{drifted} of {len(results)} checks differ"
    return f"{table}\n\n{verdict}."


# --- Statistics Finland PxWeb --------------------------------------------------------------------


def pxweb_probes(settings: Settings, session: SourceSession) -> list[Probe]:
    """`?config`, the tyonv table list, 12r5's metadata and a one-cell json-stat2 query."""
    client = PxWebClient(session, settings.pxweb_base_url, settings.language)
    dataset = LABOUR_MARKET
    source = "Statistics Finland PxWeb"

    def config(_: dict[str, Any]) -> PxLimits:
        limits, _response = client.config()
        return limits

    def table_list(_: dict[str, Any]) -> list[dict[str, Any]]:
        tables, _response = client.list_tables(dataset.subject)
        ids = [str(t.get("id")) for t in tables if isinstance(t, dict)]
        if dataset.table_id not in ids:
            raise SourceError(f"{source} {dataset.subject}", "table id", dataset.table_id, f"not listed; ids: {ids}")
        return tables

    def metadata(_: dict[str, Any]) -> TableMetadata:
        meta, _response = client.metadata(dataset.table)
        meta.require_values(meta.content_variable, dataset.measures)
        meta.time_variable  # noqa: B018 - resolving the role is the check
        if "KU564" not in meta.area_variable.values:
            raise SourceError(dataset.table, f"variable {meta.area_variable.code}", "KU564", "Oulu is not offered")
        return meta

    def one_cell(found: dict[str, Any]) -> None:
        meta: TableMetadata = found["pxweb/metadata"]
        picks = {
            meta.area_variable.code: "SSS",
            meta.time_variable.code: meta.time_variable.values[-1],
            meta.content_variable.code: "TYOTTOMATLOPUSSA",
        }
        body = {
            "query": [{"code": c, "selection": {"filter": "item", "values": [v]}} for c, v in picks.items()],
            "response": {"format": "json-stat2"},
        }
        doc = load_json(client.query(dataset.table, body).content, f"{dataset.table} one-cell query")
        frame = parse_jsonstat2(doc, f"{dataset.table} one-cell query")
        if len(frame) != 1:
            raise SourceError(dataset.table, "one-cell query", len(frame), "expected exactly one cell")
        if not doc.get("updated"):
            raise SourceError(dataset.table, "updated", doc.get("updated"), "no release stamp in the answer")

    base = f"{settings.pxweb_base_url}/{settings.language}"
    return [
        Probe(source, f"{base}/?config", config, name="pxweb/config"),
        Probe(source, f"{base}/{dataset.subject}", table_list, needs=("pxweb/config",), name="pxweb/tables"),
        Probe(source, f"{base}/{dataset.table}", metadata, needs=("pxweb/config",), name="pxweb/metadata"),
        Probe(source, f"{base}/{dataset.table} POST 1 cell", one_cell, needs=("pxweb/metadata",), name="pxweb/query"),
    ]


# --- Statistics Finland classification service ----------------------------------------------------


def classification_probes(settings: Settings, session: SourceSession) -> list[Probe]:
    """Both list endpoints, the employment-area correspondence chosen by listing, and its maps in Finnish."""
    client = ClassificationClient(session, settings.classification_base_url)
    base = settings.classification_base_url.rstrip("/")

    def classifications(_: dict[str, Any]) -> list[str]:
        ids, _response = client.list_classifications()
        wanted = OCCUPATION_CLASSIFICATION.classification_id
        if wanted not in ids:
            raise SourceError(CLASSIFICATION_SOURCE, "classifications", wanted, f"not listed ({len(ids)} ids listed)")
        return ids

    def correspondences(_: dict[str, Any]) -> str:
        ids, _response = client.list_correspondences()
        return choose_correspondence(ids, "tyollisyysalue", date.today())

    def maps(found: dict[str, Any]) -> None:
        local_id: str = found["classifications/correspondences"]
        doc = load_json(client.maps(local_id, "fi").content, local_id)
        frame = parse_maps(doc, local_id, "tyollisyysalue", "fi")
        if "KU564" not in set(frame["municipality_code"]):
            raise SourceError(CLASSIFICATION_SOURCE, f"{local_id} maps", "564", "Oulu is not mapped")

    return [
        Probe(
            CLASSIFICATION_SOURCE, f"{base}/classifications?format=json", classifications, name="classifications/list"
        ),
        Probe(
            CLASSIFICATION_SOURCE,
            f"{base}/correspondenceTables?format=json",
            correspondences,
            name="classifications/correspondences",
        ),
        Probe(
            CLASSIFICATION_SOURCE,
            f"{base}/correspondenceTables/<kunta…#tyollisyysalue…>/maps?content=data&meta=max&lang=fi",
            maps,
            needs=("classifications/correspondences",),
            name="classifications/maps",
        ),
    ]


# --- Kela through the avoindata.fi CKAN API ---------------------------------------------------------


def kela_probes(settings: Settings, session: SourceSession) -> list[Probe]:
    """`package_show` of Kela's package and its `package.json`, mapped to the fields the pipeline reads."""
    dataset = KELA_UNEMPLOYMENT_BENEFIT
    base = settings.kela_base_url.rstrip("/")

    def package(_: dict[str, Any]) -> dict[str, Any]:
        document, _response = package_show(session, settings.kela_base_url, dataset.package_id)
        csv_resources(document, dataset.resource_format)
        return document

    def descriptor(found: dict[str, Any]) -> None:
        resource = choose_descriptor(found["kela/package"])
        where = f"{KELA_SOURCE} {resource.url}"
        layout = read_descriptor(download(session, resource).content, where)
        map_fields(layout.names, where)

    return [
        Probe(KELA_SOURCE, f"{base}/package_show?id={dataset.package_id}", package, name="kela/package"),
        Probe(
            KELA_SOURCE,
            "package.json (Data Package descriptor)",
            descriptor,
            needs=("kela/package",),
            name="kela/descriptor",
        ),
    ]


# --- PRH company register (YTJ open data v3) -------------------------------------------------------

# A company that has been in the register for decades (Nokia Oyj): the real service always finds it.
PROBE_BUSINESS_ID = "0112038-9"


def prh_probes(settings: Settings, session: SourceSession) -> list[Probe]:
    """One `/companies` page reduced like the dump's records, and the company-form code list (YRMU)."""
    base = settings.prh_base_url.rstrip("/")

    def companies(_: dict[str, Any]) -> None:
        doc = CompaniesClient(session, base).page(1, businessId=PROBE_BUSINESS_ID)
        for record in doc["companies"]:
            reduce_company(record)

    def company_forms(_: dict[str, Any]) -> None:
        response = get_checked(session, PRH_SOURCE, f"{base}{FORMS_ENDPOINT}", params=FORMS_PARAMS)
        parse_company_forms(response.content.decode("utf-8", errors="replace"))

    return [
        Probe(PRH_SOURCE, f"{base}/companies?businessId={PROBE_BUSINESS_ID}", companies, name="prh/companies"),
        Probe(PRH_SOURCE, f"{base}{FORMS_ENDPOINT}?code=YRMU&lang=fi", company_forms, name="prh/company_forms"),
    ]


def build_probes(settings: Settings, session: SourceSession) -> list[Probe]:
    """Every source's probes, in the order a refresh meets them."""
    return [
        *pxweb_probes(settings, session),
        *classification_probes(settings, session),
        *kela_probes(settings, session),
        *prh_probes(settings, session),
    ]


def check_sources(settings: Settings, session: SourceSession) -> list[CheckResult]:
    """Run every probe and return the rows of the report."""
    return list(run_probes(build_probes(settings, session)))
