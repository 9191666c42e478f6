"""Screen tests run on a fixture pack, a fixed seed and a fake clock, so they reproduce exactly."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from qkv_drill.session.clock import FakeClock
from tests.helpers.mock_screens import FIXTURE_PACKS
from tests.helpers.tui import START, make_app, steady_screen


@pytest.fixture(autouse=True)
def _steady_screen(monkeypatch):
    steady_screen(monkeypatch)


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


# --- the mock interview screens: their fixture pack, a store, a fake clock ---------------------


@pytest.fixture
def packset():
    from qkv_drill.packs.loader import load_packs

    ps = load_packs([FIXTURE_PACKS], include_shipped=False, include_user=False)
    assert not ps.issues, ps.issues
    assert len(ps.questions) == 4
    return ps


@pytest.fixture
def store(tmp_path):
    from qkv_drill.store import Store

    s = Store(tmp_path / "progress.db", now=lambda: START)  # stored timestamps are stable
    yield s
    s.close()


@pytest.fixture
def clock():
    return FakeClock(start=START)


@pytest.fixture
def utc_local_time(monkeypatch):
    """Local time is UTC (the `store` fixture stamps a fixed start), so times shown are stable."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
