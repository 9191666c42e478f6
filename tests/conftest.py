"""Shared test set-up: every test gets its own data folder, so nothing touches the real one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("qkv-home")
    monkeypatch.setenv("QKV_DRILL_HOME", str(home))
    monkeypatch.delenv("QKV_DRILL_PACKS", raising=False)
    return home
