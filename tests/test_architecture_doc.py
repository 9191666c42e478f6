"""docs/ARCHITECTURE.md stays true: its tree names every module of qkv_drill, and nothing else
(and every path CONTRIBUTING.md names exists).

When a module is added, moved or removed, its line in the tree moves with it.
"""

from __future__ import annotations

import re

from tests.helpers import REPO

DOC = REPO / "docs" / "ARCHITECTURE.md"
PACKAGE = REPO / "qkv_drill"


def tree_entries() -> set[str]:
    """Paths named by the doc's first code block, a tree indented two spaces a level."""
    block = DOC.read_text(encoding="utf-8").split("```", 2)[1]
    parents: list[tuple[int, str]] = []  # (indent, "folder/") of the entries enclosing this one
    entries = set()
    for line in block.splitlines()[1:]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        name = line.split()[0]
        while parents and parents[-1][0] >= indent:
            parents.pop()
        path = "".join(folder for _, folder in parents) + name
        if name.endswith("/"):
            parents.append((indent, name))
        entries.add(path)
    return {e for e in entries if e.startswith("qkv_drill/")}


def code_modules() -> set[str]:
    """Every module and package of qkv_drill, as `qkv_drill/a/b.py` and `qkv_drill/a/`."""
    out = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(REPO)
        if "__pycache__" in rel.parts:
            continue
        if path.name == "__init__.py":
            out.add(rel.parent.as_posix() + "/")
        elif not path.name.startswith("__"):
            out.add(rel.as_posix())
    return out


def test_the_tree_reads_as_paths():
    entries = tree_entries()
    assert "qkv_drill/" in entries and "qkv_drill/engine/reference.py" in entries


def test_every_module_is_in_the_architecture_tree():
    missing = sorted(code_modules() - tree_entries())
    assert missing == [], f"add these to the tree in {DOC.name}: {missing}"


def test_every_module_in_the_architecture_tree_exists():
    gone = sorted(e for e in tree_entries() if not (REPO / e).exists())
    assert gone == [], f"{DOC.name} names modules that do not exist: {gone}"


def test_every_path_contributing_names_exists():
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:qkv_drill|tests|docs|benchmarks)/[^`\s<]*)`", text))
    assert len(named) > 10
    gone = sorted(p for p in named if not (REPO / p).exists())
    assert gone == [], f"CONTRIBUTING.md names paths that do not exist: {gone}"
