"""The data dictionary (docs/data_dictionary.md) and the dbt docs site published with every build."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import load_settings
from orchestration.assets.serving import docs_digest
from orchestration.dbt import build_inputs
from serving.dictionary import DICTIONARY_PATH, MISSING_FI, REGENERATE, generate, render, tables_from_manifest
from serving.publish import DOCS_DIGEST_FILE, reuse_published_docs
from tests.conftest import CliRun
from tests.integration.serving_helpers import copy_data_dir

pytestmark = pytest.mark.integration


def test_committed_dictionary_matches_the_dbt_project() -> None:
    from orchestration.dbt_project import prepare_if_stale

    expected = generate(prepare_if_stale())
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == expected, (
        f"docs/data_dictionary.md is out of date with the dbt YAML; regenerate it with `{REGENERATE}`"
    )


def test_dictionary_documents_every_served_table_and_column(sample_refresh: CliRun) -> None:
    text = DICTIONARY_PATH.read_text(encoding="utf-8")
    serving = sample_refresh.serving_path
    with duckdb.connect(str(serving), read_only=True) as con:
        columns = con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()
    for table, column in columns:
        assert f"\n## {table}\n" in text, f"{table} is served but not in the dictionary"
        section = text.split(f"\n## {table}\n", 1)[1].split("\n## ", 1)[0]
        assert f"| `{column}` |" in section, f"{table}.{column} is served but not in the dictionary"


def test_existing_marts_have_finnish_descriptions() -> None:
    text = DICTIONARY_PATH.read_text(encoding="utf-8")
    for table in ("dim_area", "fct_labour_market_monthly", "publish_info"):
        section = text.split(f"\n## {table}\n", 1)[1].split("\n## ", 1)[0]
        assert MISSING_FI not in section, f"{table} lacks a Finnish description"
    assert "| `unemployment_rate` | double | Unemployed jobseekers as % of the labour force" in text
    assert "Työttömien työnhakijoiden osuus työvoimasta (%)" in text


def test_missing_finnish_is_flagged_not_fatal() -> None:
    manifest = {
        "nodes": {
            "model.x.mart_new": {
                "resource_type": "model",
                "name": "mart_new",
                "fqn": ["x", "marts", "new", "mart_new"],
                "original_file_path": "models/marts/new/mart_new.sql",
                "description": "A new mart.",
                "config": {"meta": {"description_fi": "Uusi mart."}},
                "columns": {
                    "a": {"name": "a", "data_type": "INTEGER", "description": "Column a.", "config": {"meta": {}}},
                    "b": {"name": "b", "data_type": "date", "description": "", "meta": {"description_fi": "Sarake b."}},
                },
            },
            "model.x.stg_x": {"resource_type": "model", "name": "stg_x", "fqn": ["x", "staging", "stg_x"]},
        }
    }
    tables = tables_from_manifest(manifest)
    assert [t.name for t in tables] == ["mart_new"]
    text = render(tables)
    assert "- `mart_new`: `a`" in text
    assert f"| `a` | integer | Column a. | {MISSING_FI} |" in text
    assert "| `b` | date | ⚠ *no description* | Sarake b. |" in text


def test_dbt_docs_site_is_published_with_the_build(sample_refresh: CliRun) -> None:
    docs = sample_refresh.data_dir / "serving" / "docs"
    assert docs.is_symlink() and (docs / "index.html").is_file()
    page = (docs / "index.html").read_text(encoding="utf-8")
    assert 'ng-app="dbt"' in page and "model.tilannekuva.fct_labour_market_monthly" in page
    catalog = json.loads((docs / "catalog.json").read_text(encoding="utf-8"))
    assert "model.tilannekuva.fct_labour_market_monthly" in catalog["nodes"]
    manifest = json.loads((docs / "manifest.json").read_text(encoding="utf-8"))
    unemployed = manifest["nodes"]["model.tilannekuva.fct_labour_market_monthly"]["columns"]["unemployed"]
    assert unemployed["meta"]["description_fi"].startswith("Työttömät työnhakijat laskentapäivänä")
    serving = sample_refresh.serving_path
    with duckdb.connect(str(serving), read_only=True) as con:
        comment = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'fct_labour_market_monthly' "
            "AND column_name = 'unemployed'"
        ).fetchone()
    assert comment == (unemployed["description"],)


def test_dbt_docs_front_page_is_the_projects_overview() -> None:
    """The docs site opens on what the warehouse is and how to read it, not dbt's generic welcome."""
    from orchestration.dbt_project import prepare_if_stale

    manifest = json.loads(prepare_if_stale().read_text(encoding="utf-8"))
    overview = manifest["docs"]["doc.tilannekuva.__overview__"]["block_contents"]
    for needed in ("data/serving/tilannekuva.duckdb", "read-only", "main.fct_labour_market_monthly", "README"):
        assert needed in overview, needed


def test_the_next_publish_of_the_same_project_and_schema_reuses_the_docs_site(
    sample_refresh: CliRun, tmp_path: Path
) -> None:
    """New data alone leaves the docs as they are; the digest kept beside them is the one the next publish computes."""
    settings = load_settings(data_dir=sample_refresh.data_dir)
    digest = docs_digest(settings, build_inputs(settings))
    live = settings.serving_dir / "docs"
    assert (live / DOCS_DIGEST_FILE).read_text(encoding="utf-8").strip() == digest

    build = tmp_path / "docs-build"
    build.mkdir()
    assert reuse_published_docs(settings, digest, build)
    assert (build / "static_index.html").read_bytes() == (live / "index.html").read_bytes()
    assert not reuse_published_docs(settings, "0" * 64, tmp_path), "another project or schema regenerates"

    copied = load_settings(data_dir=copy_data_dir(sample_refresh, tmp_path))
    before = docs_digest(copied, build_inputs(copied))
    assert before != digest, "compiled SQL names the data dir, so another data dir regenerates"
    for change, keeps_docs in (
        ("INSERT INTO marts.fct_labour_market_monthly SELECT * FROM marts.fct_labour_market_monthly LIMIT 1", True),
        ("COMMENT ON COLUMN marts.fct_labour_market_monthly.unemployed IS 'changed'", False),
    ):
        with duckdb.connect(str(copied.warehouse_path)) as con:
            con.execute(change)
        assert (docs_digest(copied, build_inputs(copied)) == before) is keeps_docs, change
