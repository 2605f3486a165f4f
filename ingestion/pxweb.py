"""Statistics Finland PxWeb API v1 client.

Variable codes, value lists and cell limits are read from the table metadata and `?config` at run
time (the June 2026 renaming showed constants copied off a web page break silently).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from ingestion.errors import SourceError
from ingestion.http import RateLimit, SourceSession, get_checked
from ingestion.jsonstat import load_json

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
