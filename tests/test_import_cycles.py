"""No module of the project imports itself back, at the top or inside a function.

Every ``import`` and ``from … import`` in ``plugins/``, ``importers/`` and ``reports/`` is
read with ``ast`` (those inside functions too: an import deferred into a function hides a
cycle, it does not remove one), and the graph of project modules they draw must have no
cycle. The rule catalogue, and the vocabulary the importers share, import nothing of the
project at all, so that anything may import them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("plugins", "importers", "reports")

KNOWN: set[frozenset[str]] = set()
"""Cycles known and not yet broken; any other fails the test."""


def module_name(path: Path, root: Path = ROOT) -> str:
    """``plugins/policy/__init__.py`` -> ``plugins.policy``; ``plugins/engine.py`` ->
    ``plugins.engine``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(
    root: Path = ROOT, packages: Iterable[str] = PACKAGES
) -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                found[module_name(path, root)] = path
    return found


Graph = Mapping[str, Mapping[str, int]]
"""Each module's imports of project modules, each with the line of its first import."""


def imports_of(name: str, source: str, known: Mapping[str, object]) -> dict[str, int]:
    """The project modules ``name`` imports, each with the line of its first import.

    ``from plugins import engine`` is an import of ``plugins.engine`` where that is a
    module, else of the package ``plugins``; relative imports are resolved against
    ``name``. Imports anywhere in the file count, inside functions and classes too.
    """
    package = (
        name if name in known and _is_package(name, known) else name.rpartition(".")[0]
    )
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        if target in known and target != name:
            found.setdefault(target, line)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(_nearest(alias.name, known), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                add(full if full in known else _nearest(base, known), node.lineno)
    return found


def _is_package(name: str, known: Mapping[str, object]) -> bool:
    path = known[name]
    return isinstance(path, Path) and path.name == "__init__.py"


def _nearest(dotted: str, known: Mapping[str, object]) -> str:
    """The longest prefix of ``dotted`` that is a project module (``plugins.rules.check``
    -> ``plugins.rules``), or ``dotted`` itself."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return dotted


def import_graph(sources: Mapping[str, str], known: Mapping[str, object]) -> Graph:
    return {name: imports_of(name, text, known) for name, text in sources.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """The import cycles of ``graph``: each strongly connected group of modules that
    import one another, as ``a -> b -> … -> a`` through the imports that close it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm; the graphs here are small
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_through(sorted(group), graph) for group in groups]


def _path_through(group: list[str], graph: Graph) -> list[str]:
    """One closed path ``a -> b -> a`` inside a group, naming the line of each import."""
    members = set(group)
    path = [group[0]]
    while path[-1] not in path[:-1]:
        path.append(next(t for t in sorted(graph[path[-1]]) if t in members))
    path = path[path.index(path[-1]) :]
    steps = zip(path, path[1:], strict=False)
    return [f"{a} (line {graph[a][b]})" for a, b in steps] + [path[0]]


def project_graph() -> Graph:
    modules = project_modules()
    sources = {name: path.read_text(encoding="utf-8") for name, path in modules.items()}
    return import_graph(sources, modules)


def _members(cycle: list[str]) -> frozenset[str]:
    return frozenset(step.split(" ")[0] for step in cycle)


def test_no_module_of_the_project_is_in_an_import_cycle():
    graph = project_graph()
    assert {"plugins.rules", "plugins.engine", "reports.cli"} <= set(graph)
    found = cycles(graph)
    assert [c for c in found if _members(c) not in KNOWN] == []
    gone = KNOWN - {_members(c) for c in found}
    assert not gone, f"no longer a cycle, remove it from KNOWN: {sorted(map(sorted, gone))}"


def test_no_cycle_at_all_in_plugins():
    graph = project_graph()
    plugins = {
        name: {t: line for t, line in targets.items() if t.startswith("plugins.")}
        for name, targets in graph.items()
        if name.startswith("plugins.")
    }
    assert len(plugins) >= 10
    assert cycles(plugins) == []


def test_the_catalogue_and_the_vocabulary_import_nothing_of_the_project():
    graph = project_graph()
    assert graph["plugins.catalogue"] == {}
    assert graph["plugins.vocabulary"] == {}


def test_the_plugin_entry_imports_the_engine_and_the_engine_the_rule_families():
    """What made the old cycle: rules -> engine -> (the catalogue) and the finders."""
    graph = project_graph()
    assert "plugins.engine" in graph["plugins.rules"]
    assert {"plugins.offices", "plugins.disposals", "plugins.catalogue"} <= set(
        graph["plugins.engine"]
    )
    assert "plugins.rules" not in graph["plugins.engine"]


# --- the test catches what it is for -------------------------------------------------


def _fake(**sources: str) -> tuple[dict[str, str], dict[str, object]]:
    names = {name.replace("_", "."): text for name, text in sources.items()}
    known: dict[str, object] = dict.fromkeys(names, None)
    known["pkg"] = Path("pkg/__init__.py")
    names.setdefault("pkg", "")
    return names, known


def test_a_cycle_closed_inside_a_function_is_found():
    sources, known = _fake(
        pkg_rules="from pkg import engine\n",
        pkg_engine="def finders():\n    from pkg.rules import check\n    return check\n",
        pkg_model="import pkg.rules\n",
    )
    found = cycles(import_graph(sources, known))
    assert found == [["pkg.engine (line 2)", "pkg.rules (line 1)", "pkg.engine"]]


def test_relative_and_dotted_imports_are_followed_and_a_tree_has_no_cycle():
    sources, known = _fake(
        pkg_a="from . import b\nfrom .c import thing\n",
        pkg_b="import pkg.c.thing\n",
        pkg_c="import json\nfrom pkg import d\n",
        pkg_d="",
    )
    graph = import_graph(sources, known)
    assert set(graph["pkg.a"]) == {"pkg.b", "pkg.c"}
    assert set(graph["pkg.b"]) == {"pkg.c"}
    assert set(graph["pkg.c"]) == {"pkg.d"}
    assert cycles(graph) == []
    sources["pkg.d"] = "if True:\n    from .a import x\n"
    assert cycles(import_graph(sources, known)) == [
        ["pkg.a (line 1)", "pkg.b (line 1)", "pkg.c (line 2)", "pkg.d (line 2)", "pkg.a"]
    ]
