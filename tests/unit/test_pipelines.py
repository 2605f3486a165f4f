"""The catalogue, the table of pipelines, the Dagster asset graph and the dbt sources agree.

Adding a dataset is its catalogue entry, its suite and its dbt models; these tests name what is
missing when one of them is forgotten. (Staged schemas against the dbt source columns are checked in
test_staged_schemas.py.)
"""

from __future__ import annotations

from pathlib import Path

import yaml
from dagster import AssetKey

from ingestion import staged_schemas
from ingestion.catalogue import DATASETS, PxWebDataset
from ingestion.figure_releases import HISTORIES
from ingestion.pipelines import PIPELINES
from ingestion.refresh import STATUS_DATASET, STATUS_SOURCE
from orchestration.assets.sources import SOURCE_ASSETS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOURCES_YAML = sorted((PROJECT_ROOT / "dbt_project" / "models" / "staging").glob("*/_*__sources.yml"))


def _source_tables() -> dict[tuple[str, str], dict[str, object]]:
    out = {}
    for path in SOURCES_YAML:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for source in doc.get("sources", []):
            for table in source.get("tables", []):
                out[(source["name"], table["name"])] = table
    return out


def test_every_catalogued_dataset_has_one_pipeline() -> None:
    assert [p.dataset for p in PIPELINES] == list(DATASETS)


def test_catalogue_and_asset_graph_agree() -> None:
    """Every catalogued dataset has its landing and staging assets, and no other source asset exists."""
    expected = {AssetKey(["staging", STATUS_SOURCE, STATUS_DATASET])}
    for pipeline in PIPELINES:
        source, name = pipeline.dataset.source, pipeline.dataset.name
        expected.add(AssetKey(["landing", source, name]))
        expected.update(AssetKey(["staging", source, table]) for table in pipeline.staged_names)
    found = [key for asset in SOURCE_ASSETS for key in asset.keys]
    assert len(found) == len(set(found)), "an asset key is defined twice"
    missing = sorted("/".join(k.path) for k in expected - set(found))
    extra = sorted("/".join(k.path) for k in set(found) - expected)
    assert not missing and not extra, f"missing assets: {missing}; assets outside the catalogue: {extra}"


def test_every_staged_table_depends_on_its_landing() -> None:
    by_key = {key: asset for asset in SOURCE_ASSETS for key in asset.keys}
    for pipeline in PIPELINES:
        landing = AssetKey(["landing", pipeline.dataset.source, pipeline.dataset.name])
        for table in pipeline.staged_names:
            key = AssetKey(["staging", pipeline.dataset.source, table])
            assert landing in by_key[key].asset_deps[key], f"{'/'.join(key.path)} does not depend on its landing"


def test_every_staged_table_has_a_declared_schema_and_a_dbt_source() -> None:
    staged = {(p.dataset.source, table) for p in PIPELINES for table in p.staged_names}
    staged |= {(h.source, h.table) for h in HISTORIES}  # release histories, staged from every landed version
    declared = set(staged_schemas.SCHEMAS) - {(STATUS_SOURCE, STATUS_DATASET)}
    assert staged == declared, f"staged, not declared: {staged - declared}; declared, not staged: {declared - staged}"
    assert staged <= set(_source_tables()), f"no dbt source for {sorted(staged - set(_source_tables()))}"


def test_measure_codes_agree_with_the_dbt_sources() -> None:
    """A PxWeb table's catalogued measures are the accepted values of its dbt source's `measure` column."""
    tables = _source_tables()
    problems = []
    checked = 0
    for dataset in DATASETS:
        if not isinstance(dataset, PxWebDataset):
            continue
        table = tables[(dataset.source, dataset.name)]
        columns = {c["name"]: c for c in table.get("columns", [])}
        tests = columns.get("measure", {}).get("data_tests", [])
        listed = [t["accepted_values"]["arguments"]["values"] for t in tests if "accepted_values" in t]
        if not listed:
            continue
        checked += 1
        if set(listed[0]) != set(dataset.measures):
            problems.append(f"{dataset.source}/{dataset.name}: catalogue {dataset.measures}, dbt source {listed[0]}")
    assert checked >= 3, "the dbt sources list the measures of at least labour_market, key figures and occupations"
    assert not problems, "measure codes differ between ingestion/catalogue.py and the dbt sources:\n" + "\n".join(
        problems
    )
