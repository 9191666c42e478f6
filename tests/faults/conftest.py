"""Screen tests here run like those in tests/tui: from the repo, with a steady cursor."""

from __future__ import annotations

import pytest

from tests.helpers.tui import steady_screen


@pytest.fixture(autouse=True)
def _steady_screen(monkeypatch):
    steady_screen(monkeypatch)
