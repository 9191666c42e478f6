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


def test_a_cache_hit_loads_neither_yaml_nor_numpy_nor_the_validator(pack, tmp_path):
    cached(pack, tmp_path)
    watched = ("yaml", "numpy", "qkv_drill.packs.checks.document", "torch")
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


# --- a hostile or odd cache file (issue 9) ---------------------------------------------------


class _Payload:
    """Unpickles by calling exec: what a crafted cache would do with a plain pickle.load."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


def _fresh(pack: Path):
    questions = loader.load_paths([pack]).questions.keys()
    assert questions
    return questions


def _sources(pack: Path) -> list[tuple[Path, loader.Source]]:
    return [(pack, "extra")]


@pytest.mark.parametrize("where", ["key", "packs"])
def test_a_crafted_cache_never_runs_code_and_the_packs_are_read_again(pack, tmp_path, where):
    import pickle

    store = tmp_path / cache.CACHE_NAME
    marker = tmp_path / "ran"
    key = cache.fingerprint(_sources(pack))
    first, second = (_Payload(marker), None) if where == "key" else (key, _Payload(marker))
    store.write_bytes(pickle.dumps(first) + pickle.dumps(second))
    os.chmod(store, 0o600)
    packset = cached(pack, tmp_path)
    assert not marker.exists(), "the cache ran code"
    assert packset.questions.keys() == _fresh(pack)
    assert cache.load(store, key) is not None  # rewritten as a real cache


def test_a_cache_naming_a_dotted_global_is_refused(pack, tmp_path):
    import io
    import pickle
    import pickletools

    store = tmp_path / cache.CACHE_NAME
    key = cache.fingerprint(_sources(pack))
    # protocol 4 resolves "Path.touch" through getattr: a method, not a class to build
    evil = (
        b"\x80\x04\x8c\x07pathlib\x94\x8c\nPath.touch\x94\x93\x94"
        + pickle.dumps(str(tmp_path / "touched"), protocol=4)[2:-1]
        + b"\x85R."
    )
    pickletools.dis(evil, out=io.StringIO())  # a well-formed pickle
    store.write_bytes(pickle.dumps(key) + evil)
    os.chmod(store, 0o600)
    assert cache.load(store, key) is None
    assert not (tmp_path / "touched").exists()


def test_a_fifo_in_place_of_the_cache_is_not_waited_on(pack, tmp_path):
    import threading

    os.mkfifo(tmp_path / cache.CACHE_NAME)
    out: list[loader.PackSet] = []
    worker = threading.Thread(target=lambda: out.append(cached(pack, tmp_path)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "start-up blocked on a FIFO named packs.cache"
    assert out[0].questions.keys() == _fresh(pack)


def test_a_folder_in_place_of_the_cache_is_ignored(pack, tmp_path):
    (tmp_path / cache.CACHE_NAME).mkdir()
    assert cached(pack, tmp_path).questions.keys() == _fresh(pack)


def test_a_cache_others_could_write_is_not_trusted(pack, tmp_path, monkeypatch):
    store = tmp_path / cache.CACHE_NAME
    cached(pack, tmp_path)
    assert oct(store.stat().st_mode & 0o777) == oct(0o600)
    key = cache.fingerprint(_sources(pack))
    assert cache.load(store, key) is not None
    os.chmod(store, 0o666)
    assert cache.load(store, key) is None


def test_a_cache_holding_something_else_than_packs_is_a_miss(pack, tmp_path):
    import pickle

    store = tmp_path / cache.CACHE_NAME
    key = cache.fingerprint(_sources(pack))
    store.write_bytes(pickle.dumps(key) + pickle.dumps(["not", "packs"]))
    os.chmod(store, 0o600)
    assert cache.load(store, key) is None
