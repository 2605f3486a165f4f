"""PostgreSQL serving target: every served table loaded into a schema per build, switched in one transaction.

BI users query schema `tilannekuva` through the role `tilannekuva_reader` (USAGE on that schema and
SELECT on its tables, nothing else). A build is loaded into `tilannekuva_build_<n>` with the
reader's grants already in place; the switch then renames the live schema to `tilannekuva_previous`
and the build schema to `tilannekuva` in one transaction. Before renaming, the switch takes ACCESS
EXCLUSIVE locks on the live tables, so a statement already reading them finishes on the old build and
a statement that starts during the switch waits and then resolves every name in the new build: a
reader sees old or new, never a mix. The switch gives up quickly when a long reader transaction holds
a lock (so readers are never stuck behind it) and retries.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import psycopg
from psycopg import sql

from serving.errors import PublishError

LIVE_SCHEMA = "tilannekuva"
PREVIOUS_SCHEMA = "tilannekuva_previous"
BUILD_PREFIX = "tilannekuva_build_"
READER_ROLE = "tilannekuva_reader"
SWITCH_LOCK_TIMEOUT_MS = 500
SWITCH_ATTEMPTS = 40
COPY_BLOCK_BYTES = 1 << 20

_SIMPLE_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(39, 0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


def _duckdb_ident(name: str) -> str:
    """A DuckDB identifier quoted with its own quotes doubled (table names are data, not SQL)."""
    return '"' + name.replace('"', '""') + '"'


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    return parsed._replace(netloc=parsed.netloc.replace(f":{parsed.password}@", ":***@")).geturl()


def postgres_type(table: str, column: str, duckdb_type: str) -> str:
    """The PostgreSQL type for a DuckDB column type; an unmapped type stops the publish by name."""
    if duckdb_type in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[duckdb_type]
    if duckdb_type == "VARCHAR[]":
        return "text[]"
    decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", duckdb_type)
    if decimal:
        return f"numeric({decimal[1]}, {decimal[2]})"
    raise PublishError(
        f"PostgreSQL target: column {table}.{column} has DuckDB type {duckdb_type!r}, which has no mapping."
    )


def _connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=15, application_name="tilannekuva publish")
    except psycopg.Error as exc:
        raise PublishError(
            f"PostgreSQL target {redacted(url)} (TILANNEKUVA_POSTGRES_URL) cannot be reached: {str(exc).strip()}"
        ) from exc


def _ensure_reader_role(pg: psycopg.Connection) -> None:
    if pg.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [READER_ROLE]).fetchone():
        return
    try:
        pg.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(READER_ROLE)))
    except psycopg.errors.InsufficientPrivilege as exc:
        raise PublishError(
            f"PostgreSQL target: role {READER_ROLE!r} does not exist and the publishing user may not create it; "
            f"create it once as an administrator: CREATE ROLE {READER_ROLE} NOLOGIN;"
        ) from exc


def _load_build(pg: psycopg.Connection, source: duckdb.DuckDBPyConnection, schema: str, tables: Iterable[str]) -> None:
    """Create the build schema, copy every table in with COPY, and grant the reader role SELECT on it."""
    reader = sql.Identifier(READER_ROLE)
    with pg.transaction():
        pg.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        for table in tables:
            columns = source.execute(f"DESCRIBE main.{_duckdb_ident(table)}").fetchall()
            target = sql.Identifier(schema, table)
            pg.execute(
                sql.SQL("CREATE TABLE {} ({})").format(
                    target,
                    sql.SQL(", ").join(
                        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(postgres_type(table, name, kind)))
                        for name, kind, *_ in columns
                    ),
                )
            )
            _copy_rows(pg, source, table, target, [name for name, *_ in columns])
            _copy_comments(pg, source, table, target)
            pg.execute(sql.SQL("ANALYZE {}").format(target))
        pg.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), reader))
        pg.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(sql.Identifier(schema), reader))


def _copy_comments(pg: psycopg.Connection, source: duckdb.DuckDBPyConnection, table: str, target: sql.Composed) -> None:
    """The serving file's table and column comments (the dbt descriptions), for BI tools that show them."""
    row = source.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()
    if row and row[0]:
        pg.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(target, sql.Literal(row[0])))
    for column, text in source.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ? AND comment IS NOT NULL", [table]
    ).fetchall():
        column_ref = sql.SQL("{}.{}").format(target, sql.Identifier(column))
        pg.execute(sql.SQL("COMMENT ON COLUMN {} IS {}").format(column_ref, sql.Literal(text)))


def _copy_rows(
    pg: psycopg.Connection, source: duckdb.DuckDBPyConnection, table: str, target: sql.Composed, columns: list[str]
) -> None:
    """Stream one table through a CSV file written by DuckDB into COPY FROM STDIN (lossless, fast).

    A list column is written as a PostgreSQL array literal ({"a","b"}), since DuckDB's CSV form ([a, b])
    is not one; its JSON form differs from that literal only in the brackets.
    """
    kinds = dict(row[:2] for row in source.execute(f"DESCRIBE main.{_duckdb_ident(table)}").fetchall())
    as_array = "'{{' || trim(to_json({0})::varchar, '[]') || '}}'"
    select = ", ".join(
        as_array.format(_duckdb_ident(c)) if kinds[c].endswith("[]") else _duckdb_ident(c) for c in columns
    )
    with tempfile.TemporaryDirectory(prefix="tilannekuva-pg-") as tmp:
        path = Path(tmp) / "rows.csv"
        literal = "'" + str(path).replace("'", "''") + "'"
        source.execute(
            f"COPY (SELECT {select} FROM main.{_duckdb_ident(table)}) TO {literal} (FORMAT csv, HEADER false)"
        )
        names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(target, names)
        with pg.cursor().copy(copy_sql) as copy, path.open("rb") as fh:
            while block := fh.read(COPY_BLOCK_BYTES):
                copy.write(block)


def _schema_exists(pg: psycopg.Connection, name: str) -> bool:
    return pg.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name]).fetchone() is not None


def _switch(pg: psycopg.Connection, build: str) -> None:
    """Make `build` the live schema in one transaction; the old live one becomes tilannekuva_previous."""
    live, previous = sql.Identifier(LIVE_SCHEMA), sql.Identifier(PREVIOUS_SCHEMA)
    for attempt in range(SWITCH_ATTEMPTS):
        try:
            with pg.transaction():
                pg.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{SWITCH_LOCK_TIMEOUT_MS}ms")))
                live_tables = [
                    row[0]
                    for row in pg.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [LIVE_SCHEMA]
                    ).fetchall()
                ]
                if live_tables:
                    pg.execute(
                        sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                            sql.SQL(", ").join(sql.Identifier(LIVE_SCHEMA, t) for t in live_tables)
                        )
                    )
                pg.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(previous))
                if _schema_exists(pg, LIVE_SCHEMA):
                    pg.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(live, previous))
                    pg.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM {}").format(previous, sql.Identifier(READER_ROLE)))
                pg.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(build), live))
            return
        except psycopg.errors.LockNotAvailable:
            time.sleep(min(0.05 * (attempt + 1), 1.0))
    raise PublishError(
        f"PostgreSQL target: could not switch schema {LIVE_SCHEMA!r} to the new build: readers held locks on it "
        f"through {SWITCH_ATTEMPTS} attempts (long-running transactions?); the old build stays live."
    )


def _drop_stale_builds(pg: psycopg.Connection, keep: str) -> None:
    """Drop build schemas left by crashed publishes."""
    stale = pg.execute(
        "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) AND nspname <> %s", [BUILD_PREFIX, keep]
    ).fetchall()
    for (name,) in stale:
        pg.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def publish_to_postgres(url: str, duckdb_path: Path, tables: list[str]) -> str:
    """Load `tables` of the (not yet published) serving file into a new schema and switch it live."""
    with _connect(url) as pg, duckdb.connect(str(duckdb_path), read_only=True) as source:
        source.execute("SET enable_progress_bar = false")
        build = f"{BUILD_PREFIX}{time.time_ns()}"
        try:
            _ensure_reader_role(pg)
            _drop_stale_builds(pg, keep=build)
            _load_build(pg, source, build, tables)
            _switch(pg, build)
        except psycopg.Error as exc:
            if not pg.closed:
                pg.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(build)))
            raise PublishError(f"PostgreSQL target {redacted(url)}: {str(exc).strip()}") from exc
        except PublishError:
            pg.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(build)))
            raise
    return LIVE_SCHEMA
