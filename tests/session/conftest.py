"""Fixtures for the session tests: a small fixture pack, a fresh store, a fake clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from qkv_drill.session.clock import FakeClock

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"
BALANCE = FIXTURES / "balance.yaml"


def load(*paths: Path):
    from qkv_drill.packs.loader import load_packs

    packset = load_packs(extra=list(paths), include_shipped=False, include_user=False)
    assert not packset.issues, [str(i) for i in packset.issues]
    return packset


@pytest.fixture(scope="session")
def mini_packs():
    return load(MINI)


@pytest.fixture(scope="session")
def balance_packs():
    return load(BALANCE)


@pytest.fixture
def store(tmp_path):
    from qkv_drill.store import Store

    s = Store.open(tmp_path / "progress.db")
    yield s
    close = getattr(s, "close", None)
    if close:
        close()


@pytest.fixture
def clock():
    return FakeClock()
