"""The project's import graph: the layers of the README's layout and no cycles.

Data flows ingestion → quality → dbt_project → serving, with orchestration on top. The graph is
built by grimp (the library behind import-linter) from every import statement, including imports
inside functions, so a cycle hidden behind a function-level import is still a cycle here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest

PACKAGES = ("ingestion", "quality", "serving", "orchestration")
PLAIN_PYTHON = ("ingestion", "quality", "serving")
# (importer package, packages it must never import)
FORBIDDEN = (
    ("ingestion", ("quality", "serving", "orchestration")),
    ("quality", ("serving", "orchestration")),
    ("serving", ("orchestration",)),
)

Graph = Mapping[str, Iterable[str]]


def import_cycles(graph: Graph) -> list[list[str]]:
    """Every group of modules that import one another round in a circle (Tarjan's strongly connected components).

    A group is sorted, and so is the list; a module that imports itself is a group of one.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.get(module, ()):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph.get(module, ()):
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(groups)


def _package(module: str) -> str:
    return module.split(".", 1)[0]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=True, cache_dir=None)


@pytest.fixture(scope="module")
def imports(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """Module → modules it imports directly, for the project's own modules (external packages kept as leaves)."""
    return {
        module: set(graph.find_modules_directly_imported_by(module))
        for module in graph.modules
        if _package(module) in PACKAGES
    }


def _where(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(f"{importer}:{d['line_number']} {d['line_contents']!r}" for d in details) or importer


def test_the_checker_finds_a_planted_cycle() -> None:
    synthetic = {
        "a.one": {"a.two"},
        "a.two": {"a.three", "b.leaf"},
        "a.three": {"a.one"},
        "b.leaf": set(),
        "c.self": {"c.self"},
        "d.root": {"a.one", "b.leaf"},
    }
    assert import_cycles(synthetic) == [["a.one", "a.three", "a.two"], ["c.self"]]
    del synthetic["a.three"]
    assert import_cycles(synthetic) == [["c.self"]]


def test_the_graph_covers_every_package(imports: dict[str, set[str]]) -> None:
    for package in PACKAGES:
        assert any(_package(m) == package and "." in m for m in imports), f"no modules found in {package}"
    assert "serving.publish" in imports and "ingestion.sample_snapshot.basics" in imports


def test_no_import_cycles(imports: dict[str, set[str]]) -> None:
    own = {module: {m for m in imported if m in imports} for module, imported in imports.items()}
    assert import_cycles(own) == []


@pytest.mark.parametrize(("importer", "forbidden"), FORBIDDEN)
def test_lower_layers_never_import_upper_ones(
    graph: grimp.ImportGraph, imports: dict[str, set[str]], importer: str, forbidden: tuple[str, ...]
) -> None:
    wrong = [
        _where(graph, module, imported)
        for module, imported_modules in sorted(imports.items())
        if _package(module) == importer
        for imported in sorted(imported_modules)
        if _package(imported) in forbidden
    ]
    assert wrong == [], f"{importer} imports {' or '.join(forbidden)}"


def test_plain_python_packages_never_import_dagster(graph: grimp.ImportGraph, imports: dict[str, set[str]]) -> None:
    wrong = [
        _where(graph, module, imported)
        for module, imported_modules in sorted(imports.items())
        if _package(module) in PLAIN_PYTHON
        for imported in sorted(imported_modules)
        if _package(imported).startswith("dagster")
    ]
    assert wrong == [], "ingestion, quality and serving must run without Dagster"


def test_orchestration_uses_dagster(imports: dict[str, set[str]]) -> None:
    """The Dagster check above is not vacuous: external packages are in the graph."""
    assert "dagster" in imports["orchestration.definitions"]
