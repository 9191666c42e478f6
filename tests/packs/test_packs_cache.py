"""The start-up cache of loaded packs: used only when nothing changed, rebuilt otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qkv_drill.packs import cache, loader
from tests.helpers import REPO

MINI = REPO / "tests" / "session" / "fixtures" / "mini.yaml"


@pytest.fixture
def pack(tmp_path):
    target = tmp_path / "packs" / "mini.yaml"
    target.parent.mkdir()
    shutil.copy(MINI, target)
    return target


def cached(pack: Path, store: Path):
    return cache.load_packs_cached(
        [pack], include_shipped=False, include_user=False, cache=store / cache.CACHE_NAME
    )


def test_a_second_load_comes_from_the_cache(pack, tmp_path, monkeypatch):
    first = cached(pack, tmp_path)
    assert (tmp_path / cache.CACHE_NAME).exists()

    def no_yaml(*_a, **_k):
        raise AssertionError("the packs were read again")

    monkeypatch.setattr(loader, "load_sources", no_yaml)
    second = cached(pack, tmp_path)
    assert second.questions == first.questions
    assert [lp.path for lp in second.packs] == [lp.path for lp in first.packs]


def test_an_edited_pack_is_read_again(pack, tmp_path):
    first = cached(pack, tmp_path)
    text = pack.read_text().replace("Split d_model evenly", "Divide d_model evenly")
    pack.write_text(text)
    os.utime(pack, ns=(1, 1))  # even with an old timestamp: the size changed
    second = cached(pack, tmp_path)
    assert second.questions["mini.head-dim"].hints[0].startswith("Divide")
    assert first.questions["mini.head-dim"].hints[0].startswith("Split")


def test_a_new_pack_file_is_noticed(pack, tmp_path):
    cached(pack, tmp_path)
    other = pack.parent / "other.yaml"
    other.write_text(pack.read_text().replace("id: mini", "id: other"))
    again = cache.load_packs_cached(
        [pack.parent],
        include_shipped=False,
        include_user=False,
        cache=tmp_path / cache.CACHE_NAME,
    )
    assert any(q.startswith("other.") for q in again.questions)


def test_a_damaged_cache_is_ignored_and_rewritten(pack, tmp_path):
    store = tmp_path / cache.CACHE_NAME
    first = cached(pack, tmp_path)
    store.write_bytes(b"\x80\x05 not a pickle")
    again = cached(pack, tmp_path)
    assert again.questions == first.questions
    assert cache.load(store, cache.fingerprint([(pack, "extra")])) is not None


def imported_after_a_cache_hit(pack: Path, tmp_path: Path, then: str, watched: tuple) -> str:
    """Which of `watched` a fresh interpreter has imported once it has loaded the packs from the
    cache and run `then` (with the packs as `ps`)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from qkv_drill.packs.cache import load_packs_cached\n"
        f"ps = load_packs_cached([Path({str(pack)!r})], include_shipped=False,"
        f" include_user=False, cache=Path({str(tmp_path / cache.CACHE_NAME)!r}))\n"
        f"{then}"
        f"print(sorted(m for m in {watched!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    return out.stdout.strip()


def test_a_cache_hit_loads_neither_numpy_nor_the_validator(pack, tmp_path):
    cached(pack, tmp_path)
    watched = ("numpy", "qkv_drill.packs.checks.document", "torch")
    assert imported_after_a_cache_hit(pack, tmp_path, "assert ps.questions\n", watched) == "[]"


def test_home_due_counts_need_neither_fsrs_nor_numpy(pack, tmp_path):
    """Home's "N due · M new" comes from the store and the question list alone."""
    cached(pack, tmp_path)
    due = (
        "from qkv_drill.session.drill import DrillSession\n"
        "from qkv_drill.store import Store\n"
        "s = DrillSession(ps, Store.in_memory())\n"
        "assert s.due_count() == 0 and len(s.queue()) == len(ps.questions)\n"
    )
    assert imported_after_a_cache_hit(pack, tmp_path, due, ("numpy", "fsrs", "torch")) == "[]"
