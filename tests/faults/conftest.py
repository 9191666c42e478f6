"""Screen tests here run like those in tests/tui: from the repo, with a steady cursor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "tui"))  # tui_helpers: the fixture pack, settle, rows


@pytest.fixture(autouse=True)
def _steady_screen(monkeypatch):
    """No blinking cursor; run from the repo (the fixture pack path is relative)."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)
    monkeypatch.chdir(REPO)
