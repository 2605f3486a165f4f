"""`tilannekuva query "SQL"`: one read-only query against the serving file, as a table, CSV or JSON.

Two locks keep it read-only: the statement must be a single SELECT (DESCRIBE, SHOW, SUMMARIZE,
VALUES and WITH … SELECT parse as SELECT), checked with DuckDB's own parser, and the connection is
opened read-only with file access outside the database switched off and the configuration locked,
so neither the serving file nor any other file can be written, whatever the statement.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from tabulate import tabulate

from ingestion.errors import TilannekuvaError

FORMATS = ("table", "csv", "json")
ALLOWED = {duckdb.StatementType.SELECT}


class QueryError(TilannekuvaError):
    """The query was refused or failed; nothing was changed."""


def check_read_only(text: str) -> str:
    """Return the single SELECT statement in `text`; refuse anything else with the statement type named."""
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as exc:
        raise QueryError(f"the query does not parse: {str(exc).strip()}") from exc
    if len(statements) != 1:
        raise QueryError(f"give exactly one statement, got {len(statements)}.")
    kind = statements[0].type
    if kind not in ALLOWED:
        name = getattr(kind, "name", str(kind))
        raise QueryError(f"only SELECT queries are allowed against the serving file; refused a {name} statement.")
    return statements[0].query


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot touch any file but the serving database."""
    if not path.is_file():
        raise QueryError(f"no serving file at {path}; run `tilannekuva refresh` first.")
    return duckdb.connect(
        str(path), read_only=True, config={"enable_external_access": False, "lock_configuration": True}
    )


def run_query(path: Path, text: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of one checked SELECT against the serving file."""
    statement = check_read_only(text)
    with connect_read_only(path) as con:
        try:
            result = con.execute(statement)
            return [d[0] for d in result.description or []], result.fetchall()
        except duckdb.Error as exc:
            raise QueryError(str(exc).strip()) from exc


def _plain(value: Any) -> Any:
    """JSON/CSV-friendly value: ISO dates and times, decimals as numbers."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def render(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """Rows as an aligned text table, CSV (header, ISO dates, `.` decimal) or a JSON array of objects."""
    if fmt == "json":
        return json.dumps(
            [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows], ensure_ascii=False
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([["" if v is None else _plain(v) for v in row] for row in rows])
        return out.getvalue().rstrip("\n")
    if fmt == "table":
        body = [[_plain(v) for v in row] for row in rows]
        numeric = [
            any(isinstance(row[i], int | float | Decimal) and not isinstance(row[i], bool) for row in rows)
            for i in range(len(columns))
        ]
        table = tabulate(
            body,
            headers=list(columns),
            tablefmt="simple",
            missingval="NULL",
            disable_numparse=True,
            colalign=["right" if n else "left" for n in numeric] or None,
        )
        return f"{table}\n({len(rows)} row{'s' if len(rows) != 1 else ''})"
    raise QueryError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}.")


def query_command(serving_path: Path, text: str, fmt: str) -> int:
    """The CLI's `query`: print the result; a refused or failed query raises QueryError (exit 2)."""
    columns, rows = run_query(serving_path, text)
    print(render(columns, rows, fmt))
    return 0
