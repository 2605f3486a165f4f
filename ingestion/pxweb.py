"""Statistics Finland PxWeb tables: the API v1 client, landing each catalogued table and tidying it.

Variable codes, value lists and cell limits are read from the table metadata and `?config` at run
time (the June 2026 renaming showed constants copied off a web page break silently).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from ingestion.catalogue import (
    BUSINESS_DYNAMICS,
    LABOUR_MARKET,
    OCCUPATIONS,
    POPULATION,
    POPULATION_KEY_FIGURES,
    Dimension,
    PxWebDataset,
)
from ingestion.errors import SourceError
from ingestion.http import RateLimit, SourceSession, get_checked
from ingestion.jsonstat import load_json, parse_jsonstat2
from ingestion.landing import Landed, LandingVersion, VersionManifest, fingerprint, read_manifest, unchanged_since
from ingestion.settings import Settings

SOURCE = "Statistics Finland PxWeb"


@dataclass(frozen=True)
class PxLimits:
    """Limits the API announces in `?config`."""

    max_cells: int = 100_000
    max_calls: int = 30
    time_window: int = 10


@dataclass(frozen=True)
class Variable:
    """One variable of a table's metadata."""

    code: str
    text: str
    values: tuple[str, ...]
    value_texts: tuple[str, ...]
    time: bool = False
    elimination: bool = False


@dataclass(frozen=True)
class TableMetadata:
    """A table's metadata and the roles resolved from it."""

    table: str
    title: str
    variables: tuple[Variable, ...]

    def variable(self, code: str) -> Variable:
        for var in self.variables:
            if var.code == code:
                return var
        raise SourceError(self.table, "variables", code, "variable not found in table metadata")

    @property
    def time_variable(self) -> Variable:
        found = [v for v in self.variables if v.time]
        if len(found) != 1:
            raise SourceError(self.table, "variables[time=true]", [v.code for v in found], "expected one time variable")
        return found[0]

    @property
    def content_variable(self) -> Variable:
        found = [v for v in self.variables if v.code.lower() == "contentscode" or v.text in ("Tiedot", "Information")]
        if len(found) != 1:
            codes = [v.code for v in self.variables]
            raise SourceError(self.table, "variables", codes, "no single content variable (contentscode) found")
        return found[0]

    @property
    def area_variable(self) -> Variable:
        """The variable offering municipality (`KU…`), else region (`MK…`) codes, else the only one offering `SSS`.

        A total coded `SSS` is offered by other variables too (sex, age, industry in a region × industry
        table), so `SSS` alone decides only when no variable offers area codes.
        """
        codes = [v.code for v in self.variables]
        for kind, prefix in (("municipality", "KU"), ("region", "MK")):
            area_code = re.compile(rf"^{prefix}\d")
            found = [v for v in self.variables if any(area_code.match(val) for val in v.values)]
            if len(found) > 1:
                raise SourceError(
                    self.table, "variables", [v.code for v in found], f"several variables offer {kind} codes {prefix}…"
                )
            if found:
                return found[0]
        found = [v for v in self.variables if "SSS" in v.values and not v.time]
        if len(found) != 1:
            raise SourceError(self.table, "variables", codes, "no single area variable offering KU/MK/SSS codes found")
        return found[0]

    def require_values(self, variable: Variable, wanted: Sequence[str]) -> None:
        """Fail naming table, variable and code when an expected code has vanished."""
        known = set(variable.values)
        for code in wanted:
            if code not in known:
                raise SourceError(
                    self.table, f"variable {variable.code}", code, "expected code has vanished from the table metadata"
                )


def parse_metadata(table: str, doc: Any) -> TableMetadata:
    """Validate and read a PxWeb table-metadata response."""
    if not isinstance(doc, dict) or not isinstance(doc.get("variables"), list):
        raise SourceError(table, "variables", type(doc).__name__, "metadata response has no variables list")
    variables = []
    for raw in doc["variables"]:
        try:
            values = tuple(raw["values"])
            texts = tuple(raw.get("valueTexts") or values)
            variables.append(
                Variable(
                    code=raw["code"],
                    text=raw.get("text", raw["code"]),
                    values=values,
                    value_texts=texts,
                    time=bool(raw.get("time", False)),
                    elimination=bool(raw.get("elimination", False)),
                )
            )
        except (KeyError, TypeError) as exc:
            raise SourceError(table, "variables[]", raw, f"variable lacks {exc}") from exc
    return TableMetadata(table=table, title=str(doc.get("title", "")), variables=tuple(variables))


@dataclass
class PlannedQuery:
    """One POST body that stays under the cell limit."""

    body: dict[str, Any]
    cells: int
    selections: dict[str, list[str]] = field(default_factory=dict)


def _chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def plan_queries(selections: dict[str, list[str]], time_code: str, max_cells: int) -> list[PlannedQuery]:
    """Split a selection into queries of at most `max_cells` cells, cutting along time first.

    When even one period is over the limit, the largest other variable is cut as well.
    """
    if any(not v for v in selections.values()):
        empty = [k for k, v in selections.items() if not v]
        raise ValueError(f"empty selection for {empty}")
    other = {k: v for k, v in selections.items() if k != time_code}
    per_period = math.prod(len(v) for v in other.values())
    cut_code, cut_size = None, 0
    if per_period > max_cells:
        cut_code = max(other, key=lambda k: len(other[k]))
        rest = per_period // len(other[cut_code])
        cut_size = max(1, max_cells // rest)
        if rest > max_cells:
            raise ValueError(f"one period of one {cut_code} value is {rest} cells, over the limit {max_cells}")
        per_period = rest * cut_size
    periods_per_query = max(1, max_cells // per_period)
    plans: list[PlannedQuery] = []
    cut_parts = list(_chunks(other[cut_code], cut_size)) if cut_code else [None]
    for period_chunk in _chunks(selections[time_code], periods_per_query):
        for part in cut_parts:
            chosen = {k: (part if k == cut_code and part is not None else list(v)) for k, v in selections.items()}
            chosen[time_code] = period_chunk
            cells = math.prod(len(v) for v in chosen.values())
            body = {
                "query": [{"code": k, "selection": {"filter": "item", "values": v}} for k, v in chosen.items()],
                "response": {"format": "json-stat2"},
            }
            plans.append(PlannedQuery(body=body, cells=cells, selections=chosen))
    return plans


class PxWebClient:
    """Reads config, table lists, metadata and data from one PxWeb v1 API."""

    def __init__(self, session: SourceSession, base_url: str, language: str = "fi") -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.language = language

    def url(self, path: str = "") -> str:
        return f"{self.base_url}/{self.language}/{path}".rstrip("/")

    def config(self) -> tuple[PxLimits, requests.Response]:
        """Read the API limits and throttle the session to them."""
        response = get_checked(self.session, SOURCE, f"{self.base_url}/{self.language}/?config")
        doc = load_json(response.content, f"{SOURCE} ?config")
        try:
            limits = PxLimits(
                max_cells=int(doc.get("maxCells") or doc["maxValues"]),
                max_calls=int(doc["maxCalls"]),
                time_window=int(doc["timeWindow"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(f"{SOURCE} ?config", "maxCells/maxCalls/timeWindow", doc, "limits missing") from exc
        self.session.set_rate_limit(self.base_url, RateLimit(limits.max_calls, limits.time_window, announced=True))
        return limits, response

    def list_tables(self, subject: str) -> tuple[list[dict[str, Any]], requests.Response]:
        """The tables of a subject folder such as `StatFin/tyonv`."""
        response = get_checked(self.session, SOURCE, self.url(subject))
        doc = load_json(response.content, f"{SOURCE} {subject}")
        if not isinstance(doc, list):
            raise SourceError(f"{SOURCE} {subject}", "table list", type(doc).__name__, "expected a JSON array")
        return doc, response

    def metadata(self, table: str) -> tuple[TableMetadata, requests.Response]:
        """Read a table's metadata (`table` like `StatFin/tyonv/12r5.px`)."""
        response = get_checked(self.session, SOURCE, self.url(table))
        return parse_metadata(table, load_json(response.content, f"{SOURCE} {table} metadata")), response

    def query(self, table: str, body: dict[str, Any]) -> requests.Response:
        """POST one data query; the body must already respect the cell limit.

        The answer is checked against the question (dimensions and codes), so a drifted or foreign
        answer fails here, while landing, instead of becoming a good version that breaks later.
        """
        response = get_checked(self.session, SOURCE, self.url(table), json=body)
        check_answer(table, body, load_json(response.content, f"{table} data query"))
        return response


def check_answer(table: str, body: dict[str, Any], doc: Any) -> None:
    """Fail naming table, dimension and code when a json-stat2 answer holds other dimensions or codes than asked."""
    if not isinstance(doc, dict) or doc.get("class") != "dataset" or not isinstance(doc.get("id"), list):
        return  # not json-stat2 at all: parse_jsonstat2 names what is wrong
    asked = {q["code"]: q["selection"] for q in body.get("query", [])}
    answered = [str(d) for d in doc["id"]]
    for code in answered:
        if code not in asked:
            raise SourceError(table, "dimension", code, f"in the answer but not in the query {sorted(asked)}")
    for code, selection in asked.items():
        if code not in answered:
            raise SourceError(table, "dimension", code, "asked for but missing from the answer")
        if selection.get("filter") != "item":
            continue
        category = ((doc.get("dimension") or {}).get(code) or {}).get("category") or {}
        index = category.get("index")
        got = list(index) if isinstance(index, dict | list) else []
        wanted = set(selection.get("values", []))
        foreign = [c for c in got if c not in wanted]
        if foreign:
            raise SourceError(table, f"dimension {code}", foreign[0], "code in the answer that was not asked for")
        absent = sorted(wanted - set(got))
        if absent:
            raise SourceError(table, f"dimension {code}", absent[0], "asked-for code missing from the answer")


@dataclass(frozen=True)
class TableChoice:
    """The table chosen by title: the folder it was found in (current or archive database) and its listing entry."""

    subject: str
    table_id: str
    title: str
    updated: str | None

    @property
    def table(self) -> str:
        return f"{self.subject}/{self.table_id}"


# A period range closing a title, as in "…, 2013Q1-2020Q4" or "…, 2003M01-2023M05" or "…, 1990-2025".
_TITLE_RANGE = re.compile(r"(\d{4})(?:[QM]\d{1,2})?\s*[-–]\s*(\d{4})(?:([QM])(\d{1,2}))?")


def _title_end(title: str) -> tuple[int, int]:
    """(year, month) at which the last period range of a title ends; (0, 0) when the title has none."""
    ranges = list(_TITLE_RANGE.finditer(title))
    if not ranges:
        return 0, 0
    _, year, kind, number = ranges[-1].groups()
    month = 12 if kind is None else int(number) * (3 if kind == "Q" else 1)
    return int(year), month


def list_folders(
    client: PxWebClient, subjects: Sequence[str]
) -> list[tuple[str, list[dict[str, Any]] | None, requests.Response | None]]:
    """Each subject folder's table list, in order; a folder the database does not have (HTTP 404) lists as None."""
    found: list[tuple[str, list[dict[str, Any]] | None, requests.Response | None]] = []
    for subject in subjects:
        try:
            tables, response = client.list_tables(subject)
        except SourceError as exc:
            if exc.field != "HTTP status" or exc.value != 404:
                raise
            found.append((subject, None, None))
            continue
        found.append((subject, tables, response))
    return found


def find_table(listings: Sequence[tuple[str, Any]], title_pattern: str) -> TableChoice:
    """The table whose title matches `title_pattern`, from subject listings given in order of preference.

    Table ids are not stable (the June 2026 renaming) and tables move to the archive database
    (`StatFin_Passiivi`); titles are what identifies a table. The rule, deterministic:
    the first listing (current `StatFin` before the archive) with any match wins; within it, the
    title whose period range ends latest ("…, 2013Q1-2020Q4"), then the latest `updated`, then the
    smallest id. When nothing matches, one sentence names the pattern and every `id: title` seen.
    A listing of None is a folder the database does not have.
    """
    pattern = re.compile(title_pattern)
    seen: list[str] = []
    for subject, tables in listings:
        if tables is None:
            seen.append(f"in {subject}: (no such folder)")
            continue
        if not isinstance(tables, list):
            raise SourceError(f"{SOURCE} {subject}", "table list", type(tables).__name__, "expected a JSON array")
        entries = [t for t in tables if isinstance(t, dict) and t.get("type") == "t"]
        matches = sorted(
            (t for t in entries if pattern.search(str(t.get("text") or ""))), key=lambda t: str(t.get("id") or "")
        )
        if matches:
            best = sorted(
                matches, key=lambda t: (_title_end(str(t.get("text") or "")), str(t.get("updated") or "")), reverse=True
            )[0]
            table_id = str(best.get("id") or "")
            if not table_id:
                raise SourceError(f"{SOURCE} {subject}", "table id", best, "the matching table has no id")
            updated = best.get("updated")
            return TableChoice(subject, table_id, str(best.get("text") or ""), str(updated) if updated else None)
        titles = "; ".join(f"{t.get('id')}: {t.get('text')}" for t in entries) or "(no tables)"
        seen.append(f"in {subject}: {titles}")
    where = " and ".join(subject for subject, _ in listings)
    raise SourceError(
        f"{SOURCE} {where}", "table title", title_pattern, f"no table title matches; tables seen {'; '.join(seen)}"
    )


def periods_from(variable: Variable, start: str) -> list[str]:
    """The time codes from `start` on, in the metadata's order (codes like 2019M01 sort as text)."""
    return [v for v in variable.values if v >= start]


PERIOD = re.compile(r"^(\d{4})M(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
YEAR = re.compile(r"^\d{4}$")
AGE_GROUP = re.compile(r"^(\d{1,3})(?:(-)(\d{1,3})?)?$")


def _iso_updated(raw: str | None) -> str | None:
    if not raw:
        return None
    date_part, _, time_part = raw.partition("T")
    return f"{date_part}T{time_part.replace('.', ':')}" if time_part else date_part


# --- landing and tidying the catalogued PxWeb tables -------------------------------------------


def _extra_variables(meta: TableMetadata, dataset: PxWebDataset) -> dict[str, Variable]:
    """The catalogue's extra dimensions resolved to this vintage's variable codes (column → variable).

    A variable is found by the prefix of its code, or else of its text (`Toimiala` may be coded anyhow).
    """
    found: dict[str, Variable] = {}
    codes = [v.code for v in meta.variables]
    for dim in dataset.dimensions:
        prefix = dim.code_prefix.lower()
        matches = [v for v in meta.variables if v.code.lower().startswith(prefix)]
        if not matches:
            matches = [v for v in meta.variables if v.text.lower().startswith(prefix)]
        if len(matches) > 1:
            raise SourceError(dataset.table, "variables", codes, f"several variables start with {dim.code_prefix!r}")
        if matches:
            found[dim.column] = matches[0]
        elif dim.required:
            raise SourceError(dataset.table, "variables", codes, f"no variable starting with {dim.code_prefix!r}")
    return found


TOL_SECTION = re.compile(r"^(?:SSS|[A-Z])$")


def _dimension_values(table: str, dim: Dimension, variable: Variable) -> list[str] | None:
    """The values to fetch of an extra dimension; None leaves the variable out (its total by elimination)."""
    if dim.values == "sections":
        sections = [v for v in variable.values if TOL_SECTION.match(v)]
        if not sections:
            raise SourceError(table, f"variable {variable.code}", list(variable.values[:10]), "no TOL sections (A…X)")
        return sections
    if dim.values == "total":
        if "SSS" in variable.values:
            return ["SSS"]
        if variable.elimination:
            return None
        raise SourceError(
            table, f"variable {variable.code}", list(variable.values[:10]), "no total SSS and cannot be eliminated"
        )
    return list(variable.values)


def _measure_codes(table: str, meta: TableMetadata, content: Variable, dataset: PxWebDataset) -> dict[str, str]:
    """Each staged measure name → the table's own content code, resolved by code or value text.

    Without patterns the measures are the codes themselves. A pattern matching no value, or several
    values none of which is coded as the measure, fails naming the values seen.
    """
    if not dataset.measure_patterns:
        meta.require_values(content, dataset.measures)
        return {m: m for m in dataset.measures}
    values = list(zip(content.values, content.value_texts, strict=False))
    seen = "; ".join(f"{code}: {text}" for code, text in values)
    resolved: dict[str, str] = {}
    for measure, raw in dataset.measure_patterns:
        pattern = re.compile(raw)
        matches = [code for code, text in values if pattern.search(code) or pattern.search(text)]
        exact = [code for code in matches if code.lower() == measure.lower()]
        if len(matches) == 1 or len(exact) == 1:
            resolved[measure] = (exact or matches)[0]
            continue
        problem = "no content value" if not matches else f"{len(matches)} content values"
        raise SourceError(
            table, f"variable {content.code}", measure, f"{problem} matching {raw} by code or text; values seen: {seen}"
        )
    return resolved


def _first_period(settings: Settings, dataset: PxWebDataset) -> str:
    if dataset.frequency == "quarterly":
        return f"{settings.history_start[:4]}Q{(int(settings.history_start[5:7]) - 1) // 3 + 1}"
    return settings.history_start if dataset.frequency == "monthly" else settings.history_start[:4]


def land_pxweb_table(settings: Settings, session: SourceSession, dataset: PxWebDataset = LABOUR_MARKET) -> Landed:
    """Fetch a PxWeb table's config, metadata and data (split under the cell limit) into landing.

    Incremental: a one-cell probe query reads the release stamp (`updated`) of the data; when it and
    the selection equal the last good version's, nothing more is downloaded and that version is returned.
    """
    client = PxWebClient(session, settings.pxweb_base_url, settings.language)
    table = dataset.table
    with LandingVersion(settings.landing_dir, dataset.source, dataset.name, settings.mode) as version:
        limits, response = client.config()
        version.add("config.json", response)
        listed: dict[str, object] = {}
        if dataset.title_pattern:
            folders = list_folders(client, (dataset.subject, *dataset.archive_subjects))
            folder_state: dict[str, str] = {}
            for subject, tables, response in folders:
                if response is not None:
                    database = subject.split("/")[0]
                    version.add("tables.json" if subject == dataset.subject else f"tables.{database}.json", response)
                folder_state[subject] = "listed" if tables is not None else "not found"
            choice = find_table([(subject, tables) for subject, tables, _ in folders], dataset.title_pattern)
            table = choice.table
            listed = {"listed_title": choice.title, "folders": folder_state}
        meta, response = client.metadata(table)
        version.add("metadata.json", response)
        area, time, content = meta.area_variable, meta.time_variable, meta.content_variable
        measure_codes = _measure_codes(table, meta, content, dataset)
        extra = _extra_variables(meta, dataset)
        dims = {d.column: d for d in dataset.dimensions}
        extra_values = {column: _dimension_values(table, dims[column], v) for column, v in extra.items()}
        eliminated = [extra[column].code for column, values in extra_values.items() if values is None]
        extra = {column: v for column, v in extra.items() if extra_values[column] is not None}
        areas = [v for v in area.values if v.startswith(dataset.area_prefixes)]
        start = _first_period(settings, dataset)
        periods = periods_from(time, start)
        if not periods:
            raise SourceError(table, f"variable {time.code}", start, "no periods from this start on")
        if dataset.latest_periods:
            periods = periods[-dataset.latest_periods :]
        selections = {area.code: areas, time.code: periods, content.code: list(measure_codes.values())}
        selections.update({v.code: list(extra_values[column] or []) for column, v in extra.items()})
        probe_body = {
            "query": [{"code": k, "selection": {"filter": "item", "values": [v[-1]]}} for k, v in selections.items()],
            "response": {"format": "json-stat2"},
        }
        probe = load_json(client.query(table, probe_body).content, f"{table} probe query")
        stamp = _iso_updated(probe.get("updated") if isinstance(probe, dict) else None)
        print_ = fingerprint({"table": table, "selections": selections})
        same = unchanged_since(settings, dataset.source, dataset.name, print_, stamp)
        if same is not None:
            version.discard()
            return same
        plans = plan_queries(selections, time.code, limits.max_cells)
        stamps = []
        for number, plan in enumerate(plans):
            response = client.query(table, plan.body)
            doc = load_json(response.content, f"{table} data query {number}")
            frame = parse_jsonstat2(doc, f"{table} data query {number}")
            if len(frame) != plan.cells:
                raise SourceError(table, f"data query {number} cells", len(frame), f"expected {plan.cells}")
            stamp = _iso_updated(doc.get("updated"))
            stamps.append(stamp)
            version.add(f"data_{number:03d}.json", response, query=plan.body, source_updated=stamp)
        version.manifest.source_updated = max((s for s in stamps if s), default=None)
        version.manifest.details = {
            "table": table,
            "title": meta.title,
            "dimensions": {"area": area.code, "time": time.code, "content": content.code},
            "extra_dimensions": {column: v.code for column, v in extra.items()},
            **({"eliminated": eliminated} if eliminated else {}),
            **({"measure_codes": measure_codes} if dataset.measure_patterns else {}),
            **listed,
            "areas": len(areas),
            "periods": [periods[0], periods[-1]],
            "latest_period": periods[-1],
            "measures": len(dataset.measures),
            "queries": len(plans),
            "max_cells": limits.max_cells,
            "fingerprint": print_,
        }
    return Landed(version.final_dir, version.manifest)


def _pxweb_long(version_dir: Path, dataset: PxWebDataset) -> tuple[pd.DataFrame, VersionManifest]:
    """The landed data responses as one long frame with area_code, period, measure and extra columns."""
    manifest = read_manifest(version_dir)
    dims = manifest.details["dimensions"]
    extra: dict[str, str] = manifest.details.get("extra_dimensions", {})
    renames = {dims["area"]: "area_code", dims["time"]: "period", dims["content"]: "measure"}
    renames.update({code: column for column, code in extra.items()})
    frames = []
    for entry in manifest.responses:
        if not entry.file.startswith("data_"):
            continue
        raw = (version_dir / entry.file).read_bytes()
        frame = parse_jsonstat2(load_json(raw, f"{dataset.table} {entry.file}"), f"{dataset.table} {entry.file}")
        frame = frame.rename(columns=renames)
        frame["source_updated_at"] = entry.source_updated or manifest.source_updated
        frames.append(frame)
    if not frames:
        raise SourceError(dataset.table, "landing", str(version_dir), "no data responses in this version")
    tidy = pd.concat(frames, ignore_index=True)
    # the table's own content codes back to the staged measure names (aloittaneita → aloittaneet)
    to_measure = {code: measure for measure, code in manifest.details.get("measure_codes", {}).items()}
    if to_measure:
        tidy["measure"] = tidy["measure"].replace(to_measure)
    for dim in dataset.dimensions:
        if dim.column not in tidy.columns:
            tidy[dim.column] = "SSS"
    keys = ["area_code", "period", "measure", *(d.column for d in dataset.dimensions)]
    duplicated = tidy.duplicated(keys, keep=False)
    if duplicated.any():
        first = tidy.loc[duplicated, keys].iloc[0]
        raise SourceError(dataset.table, "/".join(keys), "/".join(map(str, first)), "duplicate cell")
    tidy["source_table"] = manifest.details.get("table", dataset.table)
    tidy["source_updated_at"] = pd.to_datetime(tidy["source_updated_at"], utc=True).dt.tz_localize(None)
    tidy["loaded_at"] = pd.Timestamp(datetime.now(UTC)).tz_localize(None)
    tidy["is_sample_data"] = manifest.mode == "sample"
    tidy["status"] = tidy["status"].astype("string")
    return tidy, manifest


def _period_values(
    tidy: pd.DataFrame,
    dataset: PxWebDataset,
    manifest: VersionManifest,
    pattern: re.Pattern[str],
    expected: str,
    value: Callable[[re.Match[str]], object],
) -> pd.Series:
    """Each row's period code checked against `pattern` and turned into `value(match)`.

    Done once per distinct code and mapped onto the rows: a table has tens of periods but up to a
    million rows, and string methods over every row took seconds of each refresh.
    """
    codes = tidy["period"].astype(str)
    values = {}
    for code in codes.unique():
        match = pattern.match(code)
        if match is None:
            raise SourceError(dataset.table, manifest.details["dimensions"]["time"], code, expected)
        values[code] = value(match)
    return codes.map(values)


def _months(tidy: pd.DataFrame, dataset: PxWebDataset, manifest: VersionManifest) -> pd.Series:
    """The first day of each row's month code (2026M10 → 2026-10-01)."""
    return _period_values(
        tidy, dataset, manifest, PERIOD, "not a month code YYYYMmm", lambda m: date(int(m[1]), int(m[2]), 1)
    )


def tidy_pxweb_table(version_dir: Path, dataset: PxWebDataset = LABOUR_MARKET) -> pd.DataFrame:
    """Parse a landed PxWeb version into tidy rows: area_code, period, month, measure, value, status."""
    tidy, manifest = _pxweb_long(version_dir, dataset)
    tidy["month"] = _months(tidy, dataset, manifest)
    columns = ["area_code", "period", "month", "measure", "value", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "period", "measure"], ignore_index=True)


def _years(tidy: pd.DataFrame, dataset: PxWebDataset, manifest: VersionManifest) -> pd.Series:
    return _period_values(tidy, dataset, manifest, YEAR, "not a year YYYY", lambda m: int(m[0])).astype("int64")


def parse_age_group(code: str, table: str, variable: str) -> tuple[int | None, int | None]:
    """Age bounds of an age-group code: `SSS` total → (None, None); `15-19`; `75-` open; `42` a single year."""
    if code == "SSS":
        return None, None
    match = AGE_GROUP.match(code)
    if match is None:
        raise SourceError(
            table, f"variable {variable}", code, "age-group code not understood (expected 15-19, 75- or 42)"
        )
    low, dash, high = match.groups()
    if not dash:
        return int(low), int(low)
    return int(low), (int(high) if high else None)


def _check_working_age_bounds(groups: pd.DataFrame, table: str, variable: str) -> None:
    """The age groups must tile 0… without gaps or overlaps and start new groups at 15 and 65."""
    bounds = groups.drop_duplicates("age_code").dropna(subset=["age_from"]).sort_values("age_from")
    if bounds.empty:
        return
    expected_from = 0
    for row in bounds.itertuples():
        if row.age_from != expected_from:
            raise SourceError(
                table, f"variable {variable}", row.age_code, f"age groups leave a gap or overlap at {expected_from}"
            )
        expected_from = None if pd.isna(row.age_to) else int(row.age_to) + 1
        if expected_from is None:
            break
    starts = set(bounds["age_from"].astype(int))
    if not {15, 65} <= starts:
        raise SourceError(
            table, f"variable {variable}", sorted(starts), "no age groups starting at 15 and 65 (working age 15-64)"
        )


def tidy_population(version_dir: Path, dataset: PxWebDataset = POPULATION) -> pd.DataFrame:
    """11re as rows of area_code, year, sex_code, age_code (with age_from/age_to bounds), population."""
    tidy, manifest = _pxweb_long(version_dir, dataset)
    tidy["year"] = _years(tidy, dataset, manifest)
    age_variable = manifest.details.get("extra_dimensions", {}).get("age_code", "age")
    bounds = {code: parse_age_group(code, dataset.table, age_variable) for code in tidy["age_code"].unique()}
    tidy["age_from"] = pd.array([bounds[c][0] for c in tidy["age_code"]], dtype="Int64")
    tidy["age_to"] = pd.array([bounds[c][1] for c in tidy["age_code"]], dtype="Int64")
    _check_working_age_bounds(tidy[["age_code", "age_from", "age_to"]], dataset.table, age_variable)
    tidy = tidy.rename(columns={"value": "population"})
    columns = ["area_code", "year", "sex_code", "age_code", "age_from", "age_to", "population", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "year", "sex_code", "age_code"], ignore_index=True)


def tidy_population_key_figures(version_dir: Path, dataset: PxWebDataset = POPULATION_KEY_FIGURES) -> pd.DataFrame:
    """11ra as rows of area_code, year, measure, value (population, shares under 15 and over 64, mean age)."""
    tidy, manifest = _pxweb_long(version_dir, dataset)
    tidy["year"] = _years(tidy, dataset, manifest)
    columns = ["area_code", "year", "measure", "value", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "year", "measure"], ignore_index=True)


def tidy_occupations(version_dir: Path, dataset: PxWebDataset = OCCUPATIONS) -> pd.DataFrame:
    """12ti as rows of area_code, period, month, occupation_code, measure, value, status."""
    tidy, manifest = _pxweb_long(version_dir, dataset)
    tidy["month"] = _months(tidy, dataset, manifest)
    columns = ["area_code", "period", "month", "occupation_code", "measure", "value", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "period", "occupation_code", "measure"], ignore_index=True)


def tidy_business_dynamics(version_dir: Path, dataset: PxWebDataset = BUSINESS_DYNAMICS) -> pd.DataFrame:
    """aly as rows of area_code, period, quarter (its first day), industry_code, measure, value, status."""
    tidy, manifest = _pxweb_long(version_dir, dataset)
    tidy["quarter"] = _period_values(
        tidy, dataset, manifest, QUARTER, "not a quarter code YYYYQn", lambda m: date(int(m[1]), int(m[2]) * 3 - 2, 1)
    )
    columns = ["area_code", "period", "quarter", "industry_code", "measure", "value", "status"]
    tidy = tidy[[*columns, "source_table", "source_updated_at", "loaded_at", "is_sample_data"]]
    return tidy.sort_values(["area_code", "period", "industry_code", "measure"], ignore_index=True)
