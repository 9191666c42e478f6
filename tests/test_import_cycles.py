"""No import circle in qkv_drill: every import statement, at module level or inside a function,
is an edge of the module graph, and the graph has no cycle.

A circle hidden in a function body still ties two modules together (each needs the other to
work), so function-level imports count. Imports under `if TYPE_CHECKING:` do not: they never run,
and they are how a module names the types of another layer without importing it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import qkv_drill

ROOT = Path(qkv_drill.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its __init__.py)."""
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = ["qkv_drill", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, however deeply nested."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for branch in node.orelse:  # an `else:` under TYPE_CHECKING does run
                yield from _imports_in(branch)
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    yield from _imports(node)


def _targets(node: ast.Import | ast.ImportFrom, name: str, is_package: bool, known: set[str]):
    """The qkv_drill modules one import statement loads (`from pkg import mod` loads pkg.mod)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in known}
    base = node.module or ""
    if node.level:
        package = name.split(".") if is_package else name.split(".")[:-1]
        anchor = package[: len(package) - node.level + 1]
        base = ".".join(anchor + ([node.module] if node.module else []))
    out = set()
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        if sub in known:
            out.add(sub)
        elif base in known:
            out.add(base)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _imports(tree):
            edges |= _targets(node, name, is_package, known)
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative), each
    as one circle through it, so a failure names the imports to cut."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(_circle(graph, set(component)))
    return components


def _circle(graph: dict[str, set[str]], members: set[str]) -> list[str]:
    """One concrete circle inside a component: start anywhere, follow edges inside it."""
    start = min(members)
    path = [start]
    seen = {start}
    while True:
        step = min(m for m in graph[path[-1]] if m in members)
        if step in seen:
            return [*path[path.index(step) :], step]
        path.append(step)
        seen.add(step)


def test_finder_sees_function_level_imports_and_skips_type_checking():
    source = """
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from qkv_drill.b import B
def f():
    from qkv_drill import c
    from . import d
"""
    tree = ast.parse(source)
    known = {"qkv_drill.a", "qkv_drill.b", "qkv_drill.c", "qkv_drill.d"}
    edges = set()
    for node in _imports(tree):
        edges |= _targets(node, "qkv_drill.a", False, known)
    assert edges == {"qkv_drill.c", "qkv_drill.d"}


def test_cycle_finder_names_a_circle_and_passes_a_tree():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_graph_covers_the_package():
    graph = import_graph()
    assert "qkv_drill.tui.screens.mock" in graph
    assert "qkv_drill.tui.screens.mock_ending" in graph["qkv_drill.tui.screens.mock"]
    assert "qkv_drill.tui.screens.report" in graph["qkv_drill.tui.screens.mock_ending"]


def test_qkv_drill_has_no_import_circle():
    found = cycles(import_graph())
    assert not found, "import circles:\n" + "\n".join(" -> ".join(c) for c in found)


# The engine is the bottom layer: it computes and keeps data. Presentation, sessions, the store and
# the terminal build on it, never the other way round.
LOWER_THAN = {
    "qkv_drill.engine": ("present", "session", "store", "tui", "packs", "plain", "exercises"),
}


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for layer, above in LOWER_THAN.items():
        banned = tuple(f"qkv_drill.{name}" for name in above)
        for module, targets in graph.items():
            if module != layer and not module.startswith(layer + "."):
                continue
            for target in sorted(targets):
                if target.startswith(banned):
                    found.append(f"{module} -> {target}")
    return found


def test_layer_check_names_an_upward_import():
    graph = {"qkv_drill.engine.trace": {"qkv_drill.present.formats", "qkv_drill.engine.masks"}}
    assert layer_violations(graph) == ["qkv_drill.engine.trace -> qkv_drill.present.formats"]
    assert layer_violations({"qkv_drill.present.formats": {"qkv_drill.engine.trace"}}) == []


def test_the_engine_imports_nothing_above_it():
    found = layer_violations(import_graph())
    assert not found, "the engine imports from a higher layer:\n" + "\n".join(found)


def test_what_was_asked_is_declared_once():
    """The fields that say what was asked live on store.records.Asked; a record type that needs
    them inherits it instead of declaring them again, so the copies cannot drift apart."""
    declaring = []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            names = {
                s.target.id
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            }
            if {"question_id", "params_json", "seed"} <= names:
                declaring.append(f"{name}.{node.name}")
    assert declaring == ["qkv_drill.store.records.Asked"]
