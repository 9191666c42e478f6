"""The tests' own layout: shared code lives in tests/helpers, found without editing sys.path."""

from __future__ import annotations

import ast

from tests.helpers import REPO

TESTS = REPO / "tests"


def python_files() -> list:
    return sorted(p for p in TESTS.rglob("*.py") if "__snapshots__" not in p.parts)


def test_no_test_module_imports_another_or_edits_sys_path():
    local = {p.stem for p in python_files()} - {"__init__"}
    bad = []
    for path in python_files():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and ast.unparse(node) == "sys.path.insert":
                bad.append(f"{path.relative_to(REPO)}: sys.path.insert")
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            for name in names:
                inside = name == "tests" or name.startswith("tests.")
                if (inside and not name.startswith("tests.helpers")) or name in local:
                    bad.append(f"{path.relative_to(REPO)}: imports {name}")
    assert bad == []
