"""Screen tests run on a fixture pack, a fixed seed and a fake clock, so they reproduce exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea
from tui_helpers import REPO, make_app


@pytest.fixture(autouse=True)
def _steady_screen(monkeypatch):
    """No blinking cursor (stable snapshots), and run from the repo so the pack path is short."""
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)
    monkeypatch.chdir(REPO)


@pytest.fixture
def app():
    return make_app()


@pytest.fixture
def snapshot_home(monkeypatch, request):
    """A data folder whose path depends only on the test's name (paths appear on screen)."""
    home = Path("/tmp/qkv-drill-snapshots") / request.node.name.replace("[", "-").strip("]")
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    monkeypatch.setenv("QKV_DRILL_HOME", str(home))
    yield home
    shutil.rmtree(home, ignore_errors=True)
