"""Exports: every mart as Parquet and CSV with a manifest, in one version directory switched by a link."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingestion.settings import load_settings
from serving.publish import KEEP_VERSIONS, PublishError, publish_serving
from tests.conftest import CliRun
from tests.helpers import finished_pid
from tests.integration.serving_helpers import copy_data_dir

pytestmark = pytest.mark.integration


def _exports(run: CliRun) -> Path:
    return run.data_dir / "serving" / "exports"


def _manifest(run: CliRun) -> dict:
    return json.loads((_exports(run) / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_lists_every_mart_with_rows_columns_files_and_sources(sample_refresh: CliRun) -> None:
    manifest = _manifest(sample_refresh)
    serving = sample_refresh.serving_path
    with duckdb.connect(str(serving), read_only=True) as con:
        published_at = con.execute("SELECT max(published_at) FROM publish_info").fetchone()[0]
        served = {
            name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
            if name != "publish_info"
        }
    assert manifest["tables"] == served and {"dim_area", "fct_labour_market_monthly"} <= set(served)
    assert manifest["published_at"].startswith(published_at.isoformat()[:19])
    assert {s["dataset"] for s in manifest["sources"]} >= {
        "statfin/labour_market",
        "classifications/municipality_areas",
    }
    core = [
        s
        for s in manifest["sources"]
        if s["dataset"] in ("statfin/labour_market", "classifications/municipality_areas")
    ]
    assert len(core) == 2 and all(s["landing_version"] and s["mode"] == "sample" for s in core)
    for mart in manifest["marts"]:
        assert mart["rows"] == served[mart["name"]]
        assert mart["columns"] and all(c["name"] and c["type"] for c in mart["columns"])
        for kind in ("parquet", "csv"):
            entry = mart["files"][kind]
            path = _exports(sample_refresh) / entry["file"]
            assert path.stat().st_size == entry["bytes"]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]


def test_csv_is_utf8_with_header_iso_dates_and_point_decimals(sample_refresh: CliRun) -> None:
    folder = _exports(sample_refresh)
    manifest = _manifest(sample_refresh)
    facts = folder / "fct_labour_market_monthly.csv"
    with facts.open(encoding="utf-8", newline="") as fh:
        assert not fh.read(1).startswith("\ufeff")
        fh.seek(0)
        rows = list(csv.DictReader(fh))
    columns = [
        c["name"] for c in next(m for m in manifest["marts"] if m["name"] == "fct_labour_market_monthly")["columns"]
    ]
    assert list(rows[0]) == columns and len(rows) == manifest["tables"]["fct_labour_market_monthly"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-01", r["month"]) for r in rows)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}", r["source_updated_at"]) for r in rows)
    rates = [r["unemployment_rate"] for r in rows if r["unemployment_rate"]]
    assert rates and all(re.fullmatch(r"\d+(\.\d+)?", v) for v in rates) and any("." in v for v in rates)
    names = (folder / "dim_area.csv").read_text(encoding="utf-8")
    assert "Hämeenlinna" in names and "Tavastehus" in names


def test_csv_and_parquet_hold_the_same_data_as_the_serving_table(sample_refresh: CliRun) -> None:
    folder = _exports(sample_refresh)
    serving = sample_refresh.serving_path
    with duckdb.connect(str(serving), read_only=True) as con:
        for name in ("dim_area", "fct_labour_market_monthly"):
            table = con.execute(f"SELECT * FROM {name} ORDER BY ALL").df()
            parquet = con.execute(f"SELECT * FROM read_parquet('{folder / name}.parquet') ORDER BY ALL").df()
            types = ", ".join(
                f"'{column}': '{kind}'" for column, kind, *_ in con.execute(f"DESCRIBE {name}").fetchall()
            )
            from_csv = con.execute(
                f"SELECT * FROM read_csv('{folder / name}.csv', header = true, quote = '\"', columns = {{{types}}}) "
                "ORDER BY ALL"
            ).df()
            pd.testing.assert_frame_equal(parquet, table)
            pd.testing.assert_frame_equal(from_csv, table)


def test_exports_switch_by_one_link_and_old_versions_are_pruned(sample_refresh: CliRun, tmp_path: Path) -> None:
    settings = load_settings(data_dir=copy_data_dir(sample_refresh, tmp_path))
    killed_copy = settings.serving_dir / f".{settings.serving_path.name}.{finished_pid()}.tmp"  # a killed publish
    for left in (killed_copy, Path(f"{killed_copy}.wal")):
        left.write_bytes(b"half a serving file")
    links = []
    for _ in range(KEEP_VERSIONS + 1):
        published = publish_serving(settings)
        assert settings.exports_dir.is_symlink()
        target = Path(os.path.realpath(settings.exports_dir))
        assert (
            json.loads((target / "manifest.json").read_text(encoding="utf-8"))["published_at"] == published.published_at
        )
        links.append(target)
    assert len(set(links)) == KEEP_VERSIONS + 1
    kept = sorted(p.name for p in (settings.serving_dir / ".versions").glob("exports-*"))
    assert kept == sorted(p.name for p in links[-KEEP_VERSIONS:])
    assert not [p for p in settings.serving_dir.iterdir() if p.name.startswith(".") and p.name != ".versions"]
    assert {"serving_copy", "exports", "swap"} <= set(published.timings)


def test_the_refresh_log_says_where_publish_spent_its_time(sample_refresh: CliRun) -> None:
    """bench/refresh_benchmark.py reads these lines to print the publish sub-steps."""
    messages = [
        json.loads(line)["message"]
        for line in (sample_refresh.data_dir / "logs" / "last_refresh.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    timing = next(m for m in messages if m and m.startswith("timing: publish."))
    steps = dict(pair.split("=") for pair in timing.removeprefix("timing: ").split())
    assert {"publish.docs_generate", "publish.serving_copy", "publish.exports"} <= set(steps)
    assert all(float(seconds) >= 0 for seconds in steps.values())
    assert any(m and m.startswith("timing: staging.quality=") for m in messages)


def test_failed_publish_leaves_serving_file_and_exports_untouched(sample_refresh: CliRun, tmp_path: Path) -> None:
    settings = load_settings(data_dir=copy_data_dir(sample_refresh, tmp_path))
    before_db = settings.serving_path.read_bytes()
    before_link = os.readlink(settings.exports_dir)
    versions = sorted((settings.serving_dir / ".versions").iterdir())
    unreachable = settings.with_overrides(postgres_url="postgresql://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(
        PublishError, match=r"127\.0\.0\.1:1/none \(TILANNEKUVA_POSTGRES_URL\) cannot be reached"
    ) as failure:
        publish_serving(unreachable)
    assert "secret" not in str(failure.value)
    assert settings.serving_path.read_bytes() == before_db
    assert os.readlink(settings.exports_dir) == before_link
    assert sorted((settings.serving_dir / ".versions").iterdir()) == versions
    assert not [p for p in settings.serving_dir.iterdir() if p.name.endswith(".tmp")]


def test_plain_exports_directory_of_an_older_publish_becomes_a_link(sample_refresh: CliRun, tmp_path: Path) -> None:
    settings = load_settings(data_dir=copy_data_dir(sample_refresh, tmp_path))
    plain = Path(os.path.realpath(settings.exports_dir))
    settings.exports_dir.unlink()
    os.replace(plain, settings.exports_dir)
    published = publish_serving(settings)
    assert settings.exports_dir.is_symlink()
    manifest = json.loads((settings.exports_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["published_at"] == published.published_at
    assert [p.name for p in (settings.serving_dir / ".versions").glob("exports-0-legacy-*")]
