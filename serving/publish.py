"""Write–audit–publish: copy the marts into a fresh serving file and swap it in atomically.

Readers only ever open `serving/tilannekuva.duckdb` (read-only). It is rebuilt beside the old one
and renamed over it, so a reader sees yesterday's build or today's, never a half-written one; a
failed night leaves the previous file. Only tables are served (views in a copied DuckDB file would
still point at the build file).

The exports (Parquet and CSV per mart, with `manifest.json`) and the dbt docs site are written to a
new version directory under `serving/.versions/`; `serving/exports` and `serving/docs` are symbolic
links switched by one atomic rename, so a reader that resolves the link once reads one whole build.
The last few versions are kept so that a reader still inside an older one is not cut off.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingestion.catalogue import DATASETS
from ingestion.durable import fsync_tree, remove_left_over_temps, replace_durably
from ingestion.landing import latest_version, read_manifest
from ingestion.settings import Settings
from serving.errors import PublishError
from serving.exports import EXPORT_FORMAT, export_table
from serving.postgres import publish_to_postgres
from serving.sql import quote_ident, quote_literal

MART_SCHEMA = "marts"
VERSIONS_DIR = ".versions"
KEEP_VERSIONS = 2
# DuckDB's default (80 % of RAM) lets the copy and exports of a ~1 M-row build keep ~580 MB of
# buffers in the refresh process, which already holds the pipeline's libraries; capped, DuckDB
# evicts or spills instead (measured on the sample build: 646 → 311 MiB peak, no slower).
PUBLISH_MEMORY_LIMIT = "256MB"
DOCS_FILES = {"static_index.html": "index.html", "manifest.json": "manifest.json", "catalog.json": "catalog.json"}
# Beside a published docs site: the digest of what it was made from, so an equal next build reuses it.
DOCS_DIGEST_FILE = ".inputs.sha256"

# (name, DuckDB type, English description, Finnish description): documented in the data dictionary.
PUBLISH_INFO_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("published_at", "TIMESTAMP", "When this serving file was published, UTC.", "Julkaisuhetki (UTC)."),
    (
        "mode",
        "VARCHAR",
        "sample (bundled snapshot, synthetic figures) or live (the public APIs).",
        "sample (mukana tuleva näyte, synteettiset luvut) tai live (julkiset rajapinnat).",
    ),
    (
        "is_sample_data",
        "BOOLEAN",
        "TRUE when the dataset comes from the bundled sample snapshot.",
        "TRUE, kun aineisto on mukana tulevasta näytteestä eikä virallisista tilastoista.",
    ),
    ("dataset", "VARCHAR", "Source and dataset, e.g. statfin/labour_market.", "Lähde ja aineisto."),
    (
        "landing_version",
        "VARCHAR",
        "Landing version (raw responses as received) the build was made from.",
        "Raakavastausten tallenneversio, josta julkaisu on rakennettu.",
    ),
    (
        "source_updated",
        "VARCHAR",
        "The source's own release stamp (`updated`) of that version.",
        "Lähteen oma julkaisuleima (`updated`).",
    ),
)


@dataclass(frozen=True)
class Published:
    """What one publish wrote."""

    serving_path: Path
    exports_dir: Path
    tables: dict[str, int]
    published_at: str
    docs_dir: Path | None = None
    postgres_schema: str | None = None
    # Seconds per sub-step (copy, exports, swap…), logged by the publish asset for the benchmarks.
    timings: dict[str, float] = field(default_factory=dict)


def source_versions(settings: Settings) -> list[dict[str, str | None]]:
    """The landing version and release stamp of every dataset the build was made from."""
    rows = []
    for dataset in DATASETS:
        version = latest_version(settings.landing_dir, dataset.source, dataset.name)
        manifest = read_manifest(version) if version else None
        rows.append(
            {
                "dataset": f"{dataset.source}/{dataset.name}",
                "landing_version": manifest.version if manifest else None,
                "source_updated": manifest.source_updated if manifest else None,
                "mode": manifest.mode if manifest else None,
            }
        )
    return rows


def _write_publish_info(con: duckdb.DuckDBPyConnection, stamp: datetime, versions: list[dict[str, str | None]]) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind, _, _ in PUBLISH_INFO_COLUMNS)
    con.execute(f"CREATE TABLE main.publish_info ({columns})")
    for row in versions:
        con.execute(
            "INSERT INTO main.publish_info VALUES (?, ?, ?, ?, ?, ?)",
            [
                stamp.replace(tzinfo=None),
                row["mode"],
                row["mode"] == "sample",
                row["dataset"],
                row["landing_version"],
                row["source_updated"],
            ],
        )


def descriptions_from_manifest(manifest_path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Mart name → (table description, column → description) from a dbt manifest.json."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return {
        node["name"]: (
            node.get("description", "").strip(),
            {c["name"]: c.get("description", "").strip() for c in node["columns"].values()},
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and len(node["fqn"]) > 2 and node["fqn"][1] == MART_SCHEMA
    }


def _comment(con: duckdb.DuckDBPyConnection, name: str, described: tuple[str, dict[str, str]] | None) -> None:
    """Table and column comments in the serving file, so BI tools show the dbt descriptions."""
    if not described:
        return
    table_text, columns = described
    ident = quote_ident(name)
    if table_text:
        con.execute(f"COMMENT ON TABLE main.{ident} IS {quote_literal(table_text)}")
    present = {row[0] for row in con.execute(f"DESCRIBE main.{ident}").fetchall()}
    for column, text in columns.items():
        if text and column in present:
            con.execute(f"COMMENT ON COLUMN main.{ident}.{quote_ident(column)} IS {quote_literal(text)}")


def _stage_docs(docs_build: Path, target: Path, digest: str | None) -> None:
    """Copy the self-contained dbt docs page (and the JSON it embeds, for tools) into a version dir."""
    missing = [name for name in DOCS_FILES if not (docs_build / name).is_file()]
    if missing:
        raise PublishError(f"dbt docs output in {docs_build} lacks {', '.join(missing)}; cannot publish the docs site.")
    target.mkdir(parents=True)
    for source, published in DOCS_FILES.items():
        shutil.copyfile(docs_build / source, target / published)
    if digest:
        (target / DOCS_DIGEST_FILE).write_text(digest + "\n", encoding="utf-8")


def warehouse_schema(warehouse_path: Path) -> str:
    """The build warehouse's relations, columns, types and comments: all that a dbt docs catalog reads from it."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT schema_name, table_name, NULL AS column_index, NULL AS column_name, 'TABLE', comment
            FROM duckdb_tables() WHERE database_name = current_database()
            UNION ALL
            SELECT schema_name, view_name, NULL, NULL, 'VIEW', comment
            FROM duckdb_views() WHERE database_name = current_database() AND NOT internal
            UNION ALL
            SELECT schema_name, table_name, column_index, column_name, data_type, comment
            FROM duckdb_columns() WHERE database_name = current_database()
            ORDER BY ALL
            """
        ).fetchall()
    finally:
        con.close()
    return json.dumps(rows)


def reuse_published_docs(settings: Settings, digest: str, docs_build: Path) -> bool:
    """Copy the live docs site into `docs_build` (as dbt names its output) when it was made from `digest`.

    The site is the same as long as the project, the settings and the warehouse's schema are: new data
    alone does not change it, so the nightly run need not spend a `dbt docs generate` on it.
    """
    live = settings.serving_dir / "docs"
    try:
        recorded = (live / DOCS_DIGEST_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    if recorded != digest or not all((live / published).is_file() for published in DOCS_FILES.values()):
        return False
    for source, published in DOCS_FILES.items():
        shutil.copyfile(live / published, docs_build / source)
    return True


def publish_serving(settings: Settings, docs_build: Path | None = None, docs_digest: str | None = None) -> Published:
    """Build the serving file, exports (and docs, and the PostgreSQL copy) beside the live ones, then swap.

    `docs_digest` names what the docs in `docs_build` were made from; it is kept beside them for the next publish.
    """
    if not settings.warehouse_path.exists():
        raise FileNotFoundError(f"no build warehouse at {settings.warehouse_path}; run dbt first")
    settings.serving_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    version = stamp.strftime("%Y%m%dT%H%M%S%fZ")
    versions_dir = settings.serving_dir / VERSIONS_DIR
    versions_dir.mkdir(exist_ok=True)
    # A publish killed before its swap left its copy (and WAL): hundreds of MB that nothing reads.
    for dead in remove_left_over_temps(settings.serving_dir, f".{settings.serving_path.name}.*.tmp"):
        Path(f"{dead}.wal").unlink(missing_ok=True)
    tmp_db = settings.serving_path.with_name(f".{settings.serving_path.name}.{os.getpid()}.tmp")
    exports = versions_dir / f"exports-{version}"
    docs = versions_dir / f"docs-{version}" if docs_build else None
    timings: dict[str, float] = {}
    try:
        exports.mkdir()
        versions = source_versions(settings)
        described = descriptions_from_manifest(docs_build / "manifest.json") if docs_build else {}
        tables, marts = _build_serving_file(settings, tmp_db, exports, stamp, versions, described, timings)
        manifest = {
            "published_at": stamp.isoformat(),
            "is_sample_data": any(r["mode"] == "sample" for r in versions),
            "format": EXPORT_FORMAT,
            "tables": tables,
            "marts": marts,
            "sources": versions,
        }
        (exports / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if docs_build and docs:
            _stage_docs(docs_build, docs, docs_digest)
        postgres_schema = None
        if settings.postgres_url:
            began = time.perf_counter()
            postgres_schema = publish_to_postgres(
                settings.postgres_url.get_secret_value(), tmp_db, [*tables, "publish_info"]
            )
            timings["postgres"] = time.perf_counter() - began
        for published in (tmp_db, exports, docs):
            if published:
                read_only_for_others(published)
        for folder in (settings.serving_dir, versions_dir):
            folder.chmod(DIR_MODE)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        for staged in (exports, docs):
            if staged:
                shutil.rmtree(staged, ignore_errors=True)
        raise
    began = time.perf_counter()
    replace_durably(tmp_db, settings.serving_path)
    _switch_link(settings.exports_dir, exports)
    if docs:
        _switch_link(settings.serving_dir / "docs", docs)
    _prune_versions(versions_dir)
    timings["swap"] = time.perf_counter() - began
    return Published(
        settings.serving_path,
        settings.exports_dir,
        tables,
        stamp.isoformat(),
        settings.serving_dir / "docs" if docs else None,
        postgres_schema,
        timings,
    )


def _build_serving_file(
    settings: Settings,
    tmp_db: Path,
    exports: Path,
    stamp: datetime,
    versions: list[dict[str, str | None]],
    described: dict[str, tuple[str, dict[str, str]]],
    timings: dict[str, float],
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Copy every mart table into `tmp_db`, export each, add publish_info; return rows and export entries."""
    began = time.perf_counter()
    exporting = 0.0
    tables: dict[str, int] = {}
    marts: list[dict[str, Any]] = []
    with duckdb.connect(str(tmp_db)) as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET memory_limit = {quote_literal(PUBLISH_MEMORY_LIMIT)}")
        con.execute(f"ATTACH {quote_literal(str(settings.warehouse_path))} AS build (READ_ONLY)")
        names = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = 'build' AND table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1",
                [MART_SCHEMA],
            ).fetchall()
        ]
        if not names:
            raise PublishError(f"the build warehouse has no tables in schema {MART_SCHEMA!r}; nothing to publish")
        for name in names:
            ident = quote_ident(name)
            con.execute(f"CREATE TABLE main.{ident} AS SELECT * FROM build.{MART_SCHEMA}.{ident} ORDER BY ALL")
            tables[name] = con.execute(f"SELECT count(*) FROM main.{ident}").fetchone()[0]  # type: ignore[index]
            _comment(con, name, described.get(name))
            exported = time.perf_counter()
            marts.append({"name": name, "rows": tables[name], **export_table(con, name, exports)})
            exporting += time.perf_counter() - exported
        con.execute("DETACH build")
        _write_publish_info(con, stamp, versions)
        _comment(
            con,
            "publish_info",
            ("When and from what this serving file was published.", {n: en for n, _, en, _ in PUBLISH_INFO_COLUMNS}),
        )
        con.execute("CHECKPOINT")
    timings["exports"] = exporting
    timings["serving_copy"] = time.perf_counter() - began - exporting
    return tables, marts


FILE_MODE = 0o644
DIR_MODE = 0o755


def read_only_for_others(path: Path) -> None:
    """Files 0644 and directories 0755 whatever the umask: everyone may read what is served, only the owner write."""
    if path.is_dir():
        path.chmod(DIR_MODE)
        for child in path.rglob("*"):
            if not child.is_symlink():
                child.chmod(DIR_MODE if child.is_dir() else FILE_MODE)
    elif path.exists():
        path.chmod(FILE_MODE)


def _switch_link(link: Path, target: Path) -> None:
    """Point `link` at `target` with one atomic rename (a plain directory left by an older publish is moved aside)."""
    if link.exists() and not link.is_symlink():
        os.replace(link, link.parent / VERSIONS_DIR / f"{link.name}-0-legacy-{os.getpid()}")
    tmp_link = link.with_name(f".{link.name}.{os.getpid()}.link")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(target.relative_to(link.parent))
    fsync_tree(target)
    replace_durably(tmp_link, link)


def _prune_versions(versions_dir: Path) -> None:
    """Keep the newest KEEP_VERSIONS of each kind; older ones are no longer linked from anywhere."""
    for kind in ("exports", "docs"):
        old = sorted(p for p in versions_dir.glob(f"{kind}-*") if p.is_dir())
        for path in old[:-KEEP_VERSIONS]:
            shutil.rmtree(path, ignore_errors=True)
