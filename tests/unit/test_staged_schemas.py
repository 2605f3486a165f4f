"""Every staged dataset has one declared schema (ingestion/staged_schemas.py).

A dataset with no good version yet is staged as an empty file of that schema, so the declaration
must be exactly what the tidy code writes (names and types) and what the dbt sources list. Each
dataset is landed from the sample snapshot through the real client path, tidied, and compared.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from ingestion import staged_schemas
from ingestion.figure_releases import HISTORIES, build_history
from ingestion.http import make_session
from ingestion.pipelines import PIPELINES
from ingestion.prh.history import apply_dump, dump_date_of
from ingestion.prh.land import land_all_companies
from ingestion.prh.parse import parse_landed
from ingestion.prh.stage import TABLES as PRH_STAGED
from ingestion.refresh import dataset_status
from ingestion.settings import Settings, load_settings
from tests.helpers import PROJECT_ROOT

# Every table the pipelines stage through a tidy function (the table the nightly run uses, not a second list).
TIDIED = {(p.dataset.source, t.name): p for p in PIPELINES for t in p.tables}
PRH_TABLES = {("prh", name) for name in PRH_STAGED}
# The release histories staged from every landed version (ingestion/figure_releases.py).
HISTORY_TABLES = {(h.source, h.table) for h in HISTORIES}
# The sources over staged datasets; `forecasts` reads the files serving/outlook.py keeps per release, which
# staging does not write (tests/unit/test_outlook.py covers them).
SOURCES_YAML = sorted(
    path
    for path in (PROJECT_ROOT / "dbt_project" / "models" / "staging").glob("*/_*__sources.yml")
    if path.parent.name != "forecasts"
)


def _differences(where: str, declared: pa.Schema, found: pa.Schema) -> list[str]:
    """Each column that differs, in one line naming the column, the declared and the found type."""
    declared_types = {f.name: str(f.type) for f in declared}
    found_types = {f.name: str(f.type) for f in found}
    lines = [f"{where}: column {n!r} is declared but not written" for n in declared_types if n not in found_types]
    lines += [
        f"{where}: column {n!r} ({t}) is written but not declared"
        for n, t in found_types.items()
        if n not in declared_types
    ]
    lines += [
        f"{where}: column {n!r} is declared {declared_types[n]} but written {t}"
        for n, t in found_types.items()
        if n in declared_types and declared_types[n] != t
    ]
    if not lines and declared.names != found.names:
        lines.append(f"{where}: column order differs: declared {declared.names}, written {found.names}")
    return lines


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch) -> Settings:
    data_dir = tmp_path_factory.mktemp("schemas") / "data"
    for key in ("TILANNEKUVA_MODE", "TILANNEKUVA_SOURCES"):
        monkeypatch_module.delenv(key, raising=False)
    return load_settings(data_dir=data_dir, mode="sample")


@pytest.fixture(scope="module")
def monkeypatch_module() -> pytest.MonkeyPatch:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def written(settings: Settings) -> dict[tuple[str, str], pa.Schema]:
    """The schema each dataset's tidy code writes on the sample snapshot (each landing done once)."""
    session = make_session(settings)
    out: dict[tuple[str, str], pa.Schema] = {}
    for pipeline in PIPELINES:
        if not pipeline.tables:
            continue
        version = pipeline.land(settings, session).path
        for table in pipeline.tables:
            tidied = table.tidy(version)
            out[(pipeline.dataset.source, table.name)] = pa.Table.from_pandas(tidied, preserve_index=False).schema
    version = land_all_companies(settings, session).path
    staged = parse_landed(version, settings.staging_dir / "scratch", settings.prh_max_uncompressed_bytes)
    out[("prh", "companies")] = pq.read_schema(staged.companies)
    out[("prh", "company_situations")] = pq.read_schema(staged.situations)
    assert staged.forms is not None
    out[("prh", "company_forms")] = pq.read_schema(staged.forms)
    history, dumps = settings.staging_dir / "history.parquet", settings.staging_dir / "dumps.parquet"
    apply_dump(history, dumps, staged.companies, dump_date_of(version), version.name, is_sample_data=True)
    out[("prh", "register_history")] = pq.read_schema(history)
    out[("prh", "register_dumps")] = pq.read_schema(dumps)
    status = dataset_status(settings)
    out[("pipeline", "dataset_status")] = pa.Table.from_pandas(status, preserve_index=False).schema
    for history in HISTORIES:
        frame, _ = build_history(history, settings.landing_dir, settings.data_dir / "cache")
        out[(history.source, history.table)] = pa.Table.from_pandas(frame, preserve_index=False).schema
    return out


def test_every_staged_table_is_declared_and_tested() -> None:
    """Nothing staged lacks a declaration, and nothing declared lacks a check here."""
    staged = {*TIDIED, *PRH_TABLES, *HISTORY_TABLES, ("pipeline", "dataset_status")}
    undeclared = sorted("/".join(t) for t in staged - set(staged_schemas.SCHEMAS))
    unstaged = sorted("/".join(t) for t in set(staged_schemas.SCHEMAS) - staged)
    assert not undeclared, f"staged but without a schema in ingestion/staged_schemas.py: {undeclared}"
    assert not unstaged, f"declared in ingestion/staged_schemas.py but staged by no pipeline: {unstaged}"


def test_tidy_output_has_the_declared_schema(written: dict[tuple[str, str], pa.Schema]) -> None:
    problems = [
        line
        for table, schema in written.items()
        for line in _differences("/".join(table), staged_schemas.schema_of(*table), schema)
    ]
    assert not problems, "staged schema drift (update ingestion/staged_schemas.py or the tidy code):\n" + "\n".join(
        problems
    )


def _source_columns() -> dict[tuple[str, str], tuple[Path, list[str]]]:
    out = {}
    for path in SOURCES_YAML:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for source in doc.get("sources", []):
            for table in source.get("tables", []):
                out[(source["name"], table["name"])] = (path, [c["name"] for c in table.get("columns", [])])
    return out


def test_dbt_sources_list_the_declared_columns() -> None:
    sources = _source_columns()
    problems = []
    for table, schema in staged_schemas.SCHEMAS.items():
        label = "/".join(table)
        if table not in sources:
            problems.append(f"{label}: no dbt source table in {', '.join(p.name for p in SOURCES_YAML)}")
            continue
        path, listed = sources[table]
        where = f"{label} ({path.relative_to(PROJECT_ROOT)})"
        problems += [f"{where}: column {n!r} is declared but not listed" for n in schema.names if n not in listed]
        problems += [f"{where}: column {n!r} is listed but not declared" for n in listed if n not in schema.names]
    problems += [
        f"{'/'.join(t)}: a dbt source without a declared schema" for t in sources if t not in staged_schemas.SCHEMAS
    ]
    assert not problems, "dbt sources and staged schemas differ:\n" + "\n".join(problems)


def test_empty_file_reads_back_with_the_declared_schema(tmp_path: Path) -> None:
    for (source, table), schema in staged_schemas.SCHEMAS.items():
        path = tmp_path / source / f"{table}.parquet"
        staged_schemas.write_empty(source, table, path)
        read = pq.read_table(path)
        assert read.num_rows == 0
        assert _differences(f"{source}/{table}", schema, read.schema) == []


def test_an_unknown_table_is_refused_in_one_sentence() -> None:
    with pytest.raises(KeyError, match="no declared staged schema for statfin/nope"):
        staged_schemas.schema_of("statfin", "nope")
