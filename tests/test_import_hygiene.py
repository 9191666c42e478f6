"""The headless core must not import textual or torch: each module is imported in a fresh
interpreter and sys.modules inspected. Modules are discovered, so new ones are covered."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import qkv_drill

HEAVY = ("torch", "textual")
# The UI is Textual by definition; the torch backend is torch by definition (loaded on demand).
EXEMPT_PREFIXES = ("qkv_drill.tui", "qkv_drill.engine.torch_backend")


def _core_modules() -> list[str]:
    names = ["qkv_drill"]
    for info in pkgutil.walk_packages(qkv_drill.__path__, prefix="qkv_drill."):
        # `python -m qkv_drill` entry points run the app when imported: not a library module
        if not info.name.startswith(EXEMPT_PREFIXES) and not info.name.endswith(".__main__"):
            names.append(info.name)
    return sorted(names)


# The package's parent folder, so the child finds it whether or not it is installed.
ENV = {**os.environ, "PYTHONPATH": str(Path(qkv_drill.__file__).resolve().parents[1])}

CHECK = """
import importlib, sys
importlib.import_module({name!r})
print(" ".join(m for m in {heavy!r} if m in sys.modules))
"""


def test_discovery_finds_the_engine():
    found = _core_modules()
    assert "qkv_drill.engine.reference" in found
    assert "qkv_drill.engine.torch_backend" not in found


@pytest.mark.parametrize("name", _core_modules())
def test_core_module_imports_without_torch_or_textual(name):
    done = subprocess.run(
        [sys.executable, "-c", CHECK.format(name=name, heavy=HEAVY)],
        capture_output=True,
        env=ENV,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"importing {name} failed:\n{done.stderr}"
    assert done.stdout.strip() == "", f"importing {name} pulled in: {done.stdout.strip()}"
