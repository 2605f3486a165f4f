"""Write–audit–publish: copy the marts into a fresh serving file and swap it in atomically.

Readers only ever open `serving/tilannekuva.duckdb` (read-only). It is rebuilt beside the old one
and renamed over it, so a reader sees yesterday's build or today's, never a half-written one; a
failed night leaves the previous file. Only tables are served (views in a copied DuckDB file would
still point at the build file).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.catalogue import DATASETS
from ingestion.landing import latest_version, read_manifest
from ingestion.settings import Settings

MART_SCHEMA = "marts"


@dataclass(frozen=True)
class Published:
    """What one publish wrote."""

    serving_path: Path
    exports_dir: Path
    tables: dict[str, int]
    published_at: str


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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


def publish_serving(settings: Settings) -> Published:
    """Build the serving file and exports next to the live ones, then swap them in."""
    if not settings.warehouse_path.exists():
        raise FileNotFoundError(f"no build warehouse at {settings.warehouse_path}; run dbt first")
    settings.serving_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    tmp_db = settings.serving_dir / f".tilannekuva.{os.getpid()}.duckdb.tmp"
    tmp_exports = settings.serving_dir / f".exports.{os.getpid()}.tmp"
    for leftover in (tmp_db, Path(f"{tmp_db}.wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(tmp_exports, ignore_errors=True)
    tmp_exports.mkdir(parents=True)
    versions = source_versions(settings)
    tables: dict[str, int] = {}
    with duckdb.connect(str(tmp_db)) as con:
        con.execute(f"ATTACH {_quote_literal(str(settings.warehouse_path))} AS build (READ_ONLY)")
        names = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = 'build' AND table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1",
                [MART_SCHEMA],
            ).fetchall()
        ]
        if not names:
            raise RuntimeError(f"the build warehouse has no tables in schema {MART_SCHEMA!r}; nothing to publish")
        for name in names:
            ident = _quote_ident(name)
            con.execute(f"CREATE TABLE main.{ident} AS SELECT * FROM build.{MART_SCHEMA}.{ident}")
            tables[name] = con.execute(f"SELECT count(*) FROM main.{ident}").fetchone()[0]  # type: ignore[index]
            con.execute(f"COPY main.{ident} TO {_quote_literal(str(tmp_exports / f'{name}.parquet'))} (FORMAT parquet)")
        con.execute(
            "CREATE TABLE main.publish_info (published_at TIMESTAMP, mode VARCHAR, is_sample_data BOOLEAN, "
            "dataset VARCHAR, landing_version VARCHAR, source_updated VARCHAR)"
        )
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
        con.execute("DETACH build")
        con.execute("CHECKPOINT")
    manifest = {
        "published_at": stamp.isoformat(),
        "is_sample_data": any(r["mode"] == "sample" for r in versions),
        "tables": tables,
        "sources": versions,
    }
    (tmp_exports / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp_db, settings.serving_path)
    _swap_directory(tmp_exports, settings.exports_dir)
    return Published(settings.serving_path, settings.exports_dir, tables, stamp.isoformat())


def _swap_directory(new: Path, target: Path) -> None:
    """Put `new` where `target` is; the old one is removed only after the new one is in place."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
