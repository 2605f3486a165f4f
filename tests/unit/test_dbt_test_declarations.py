"""The dbt YAML uses each kind of check the way dbt means it (issue 15, item 5).

- Uniqueness of one column is dbt's built-in `unique` on the column; the project's generic
  `unique_combination_of_columns` is for two or more columns.
- A mart (contract enforced) declares a column non-null as a `not_null` constraint, which DuckDB
  enforces when the table is built; a `not_null` test beside it would check the same thing again.
- No source declares dbt source freshness (`freshness`, `loaded_at_field`): nothing runs
  `dbt source freshness`, and the sources' `loaded_at` is when the ingestion parsed a landing, not
  when the source released it. Freshness is evaluated in `mart_data_freshness` (release calendar in
  the seed `dataset_release_schedule`: `is_stale`, `is_overdue`), raised as `source_stale` alerts in
  `mart_alerts`, and shown by `tilannekuva status`, the refresh summary and the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from tests.helpers import PROJECT_ROOT

DBT = PROJECT_ROOT / "dbt_project"
YAML_FILES = sorted([*(DBT / "models").rglob("*.yml"), *(DBT / "seeds").rglob("*.yml")])


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _tests(node: dict[str, Any]) -> list[Any]:
    return list(node.get("data_tests") or []) + list(node.get("tests") or [])


def _test_name(test: Any) -> str:
    return test if isinstance(test, str) else next(iter(test))


def _nodes() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every model, seed, source and source table of the YAML, named by file and node."""
    for path in YAML_FILES:
        doc = _load(path)
        where = path.relative_to(DBT)
        for kind in ("models", "seeds"):
            for node in doc.get(kind) or []:
                yield f"{where}: {node['name']}", node
        for source in doc.get("sources") or []:
            yield f"{where}: source {source['name']}", source
            for table in source.get("tables") or []:
                yield f"{where}: {source['name']}.{table['name']}", table


def _combination_columns(test: Any) -> list[str]:
    body = test["unique_combination_of_columns"]
    return (body.get("arguments") or body)["combination_of_columns"]


def test_the_yaml_files_are_found() -> None:
    names = {name for name, _ in _nodes()}
    assert any(name.endswith(": dim_area") for name in names), names
    assert any(name.endswith(": statfin.labour_market") for name in names), names


def test_unique_combination_of_columns_is_used_only_for_several_columns() -> None:
    single = [
        f"{name}: {_combination_columns(test)}"
        for name, node in _nodes()
        for test in _tests(node)
        if _test_name(test) == "unique_combination_of_columns" and len(_combination_columns(test)) < 2
    ]
    assert not single, "use the column-level `unique` test instead:\n" + "\n".join(single)


def _is_contracted_mart(path: Path, model: dict[str, Any]) -> bool:
    """dbt_project.yml enforces the contract of every model under models/marts unless the model says not."""
    in_marts = (DBT / "models" / "marts") in path.parents
    contract = (model.get("config") or {}).get("contract") or {}
    return in_marts and contract.get("enforced", True)


def test_marts_declare_not_null_as_a_constraint_and_not_again_as_a_test() -> None:
    assert "enforced: true" in (DBT / "dbt_project.yml").read_text(encoding="utf-8")
    duplicated, as_test = [], []
    for path in YAML_FILES:
        for model in _load(path).get("models") or []:
            if not _is_contracted_mart(path, model):
                continue
            for column in model.get("columns") or []:
                if "not_null" not in {_test_name(t) for t in _tests(column)}:
                    continue
                constraints = {c["type"] for c in column.get("constraints") or []}
                where = f"{path.relative_to(DBT)}: {model['name']}.{column['name']}"
                (duplicated if "not_null" in constraints else as_test).append(where)
    assert not duplicated, "a not_null test repeats the enforced not_null constraint:\n" + "\n".join(duplicated)
    assert not as_test, "on a contracted mart, declare `constraints: [{type: not_null}]`:\n" + "\n".join(as_test)


def test_no_source_declares_dbt_source_freshness() -> None:
    declared = [
        f"{name}: {key}"
        for name, node in _nodes()
        for key in ("freshness", "loaded_at_field", "loaded_at_query")
        if key in node or key in (node.get("config") or {})
    ]
    message = "dbt source freshness is not run; freshness lives in mart_data_freshness:\n"
    assert not declared, message + "\n".join(declared)


def test_freshness_is_evaluated_in_mart_data_freshness() -> None:
    doc = _load(DBT / "models" / "marts" / "situational_picture" / "mart_data_freshness.yml")
    (model,) = (m for m in doc["models"] if m["name"] == "mart_data_freshness")
    columns = {c["name"] for c in model["columns"]}
    assert {"is_stale", "is_overdue", "expected_next_release", "overdue_after", "age_days"} <= columns
    sql = (DBT / "models" / "marts" / "situational_picture" / "mart_data_freshness.sql").read_text(encoding="utf-8")
    assert "ref('dataset_release_schedule')" in sql
    alerts = (DBT / "models" / "marts" / "situational_picture" / "mart_alerts.sql").read_text(encoding="utf-8")
    assert "ref('mart_data_freshness')" in alerts and "'source_stale'" in alerts
