"""Faults never cost earlier progress: corrupt files, unwritable storage, failing writes."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qkv_drill.store import AnswerRecord, Store, health
from qkv_drill.store import store as store_mod


def rec(text="64", verdict="correct"):
    return AnswerRecord("q1", "core", "shapes", "easy", "numeric", "{}", 1, text, verdict)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def filled(path: Path, n: int = 300) -> None:
    """A valid store with enough rows to span many pages, checkpointed into the main file."""
    with Store.open(path) as s:
        s._conn.execute("PRAGMA synchronous = OFF")  # set-up speed only
        for i in range(n):
            s.record_answer(rec(f"answer number {i} " + "x" * 200))
        s._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def assert_fresh_and_working(s: Store) -> None:
    assert s.persistent
    assert list(s.iter_answers()) == []
    s.record_answer(rec())
    assert s.accuracy_by_topic() == {"shapes": (1, 1)}


# --- corrupt files ------------------------------------------------------------------------


def test_random_bytes_are_moved_aside_with_the_copy_kept(tmp_path):
    path = tmp_path / "progress.db"
    junk = random.Random(1).randbytes(8192)
    path.write_bytes(junk)
    (tmp_path / "progress.db-wal").write_bytes(b"stale wal")
    with Store.open(path) as s:
        (moved,) = tmp_path.glob("progress.db.corrupt-*[0-9TZ]")
        assert moved.read_bytes() == junk
        assert (tmp_path / f"{moved.name}-wal").read_bytes() == b"stale wal"
        assert len(s.warnings) == 1
        assert moved.name in s.warnings[0] and "fresh" in s.warnings[0]
        assert_fresh_and_working(s)
    with Store.open(path) as again:  # the fresh file is fine next time
        assert again.warnings == []
        assert len(list(again.iter_answers())) == 1


def test_a_store_truncated_to_half_is_moved_aside(tmp_path):
    path = tmp_path / "progress.db"
    filled(path)
    data = path.read_bytes()
    assert len(data) > 16 * 4096
    half = data[: len(data) // 2]
    path.write_bytes(half)
    with Store.open(path) as s:
        (moved,) = tmp_path.glob("progress.db.corrupt-*")
        assert moved.read_bytes() == half
        assert "damaged" in s.warnings[0]
        assert_fresh_and_working(s)


def test_a_text_file_is_not_mistaken_for_progress(tmp_path):
    path = tmp_path / "progress.db"
    path.write_text("these are my notes, not a database\n" * 50)
    with Store.open(path) as s:
        assert len(list(tmp_path.glob("progress.db.corrupt-*"))) == 1
        assert_fresh_and_working(s)


def test_two_corruptions_in_the_same_second_keep_both_copies(tmp_path, monkeypatch):
    path = tmp_path / "progress.db"
    for payload in (b"first" * 500, b"second" * 500):
        path.write_bytes(payload)
        Store.open(path).close()
    kept = sorted(p.read_bytes()[:6] for p in tmp_path.glob("progress.db.corrupt-*"))
    assert kept == [b"firstf", b"second"]


def test_a_newer_schema_is_left_alone(tmp_path):
    path = tmp_path / "progress.db"
    filled(path, 3)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = digest(path)
    with Store.open(path) as s:
        assert not s.persistent
        assert "newer" in s.warnings[0]
        s.record_answer(rec())
    assert digest(path) == before
    assert not list(tmp_path.glob("progress.db.corrupt-*"))


# --- storage that cannot be written -------------------------------------------------------


def read_only_connect(path):
    """A genuinely read-only SQLite connection: the way an unwritable file behaves, as root too."""
    return sqlite3.connect(
        f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )


def test_read_only_file_falls_back_to_memory_with_earlier_progress(tmp_path, monkeypatch):
    path = tmp_path / "progress.db"
    filled(path, 5)
    before = digest(path)
    monkeypatch.setattr(store_mod, "_connect", read_only_connect)
    with Store.open(path) as s:
        assert not s.persistent
        (warning,) = s.warnings
        assert warning.startswith("progress is not being saved")
        assert "your earlier progress is untouched" in warning
        assert len(list(s.iter_answers())) == 5  # earlier progress still shown
        s.record_answer(rec("new"))
        assert len(list(s.iter_answers())) == 6
        assert s.accuracy_by_topic() == {"shapes": (6, 6)}
    assert digest(path) == before


def test_missing_file_in_read_only_place_starts_empty_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "_connect", read_only_connect)
    path = tmp_path / "progress.db"
    with Store.open(path) as s:
        assert not s.persistent
        assert "not being saved" in s.warnings[0]
        s.record_answer(rec())
        assert len(list(s.iter_answers())) == 1
    assert not path.exists()


def test_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with Store.open(blocker / "progress.db") as s:
        assert not s.persistent
        assert "cannot create the folder" in s.warnings[0]
        s.record_answer(rec())
        assert len(list(s.iter_answers())) == 1
    assert blocker.read_text() == "a file where the data folder should be"


def test_path_that_is_a_directory_cannot_be_opened(tmp_path):
    path = tmp_path / "progress.db"
    path.mkdir()
    with Store.open(path) as s:
        assert not s.persistent
        assert "not being saved" in s.warnings[0]
    assert path.is_dir()
    assert not list(tmp_path.glob("progress.db.corrupt-*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_with_chmod(tmp_path):
    path = tmp_path / "data" / "progress.db"
    filled(path, 4)
    before = digest(path)
    path.parent.chmod(0o500)
    path.chmod(0o400)
    try:
        with Store.open(path) as s:
            assert not s.persistent
            s.record_answer(rec())
            assert len(list(s.iter_answers())) == 5
    finally:
        path.parent.chmod(0o700)
        path.chmod(0o600)
    assert digest(path) == before


# --- a write that fails mid-session -------------------------------------------------------


def test_disk_full_mid_session_keeps_the_session_in_memory(tmp_path):
    path = tmp_path / "progress.db"
    s = Store.open(path)
    for i in range(5):
        s.record_answer(rec(f"early {i}"))
    mock_id = s.create_mock("{}", 1, 60.0, "[]")
    # A real SQLITE_FULL: cap the file at the pages it already has.
    pages = s._conn.execute("PRAGMA page_count").fetchone()[0]
    s._conn.execute(f"PRAGMA max_page_count = {pages}")
    big = "y" * 5000
    for i in range(20):
        s.record_answer(rec(f"late {i} {big}"))
    assert not s.persistent
    (warning,) = s.warnings
    assert "database or disk is full" in warning and "untouched" in warning
    texts = [r.answer_text[:7] for r in s.iter_answers()]
    assert texts[:5] == [f"early {i}" for i in range(5)]
    assert len(texts) == 25  # nothing recorded this session was lost
    s.save_mock_answer(mock_id, 0, "64", 10, False)  # earlier rows are still referable
    assert s.mock_answers(mock_id)[0].answer_text == "64"
    s.close()
    with Store.open(path) as again:  # the file itself is intact
        assert again.persistent
        assert again._conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert 5 <= len(list(again.iter_answers())) < 25


def test_read_only_mid_session_replays_when_the_copy_fails(tmp_path, monkeypatch):
    path = tmp_path / "progress.db"
    s = Store.open(path)
    first = s.record_answer(rec("one"))
    mock_id = s.create_mock("{}", 9, 30.0, "[]")
    s.put_card("q1", "{}", datetime.now(UTC))
    # Make the storage read-only and the copy impossible, so the session log is replayed.
    s._conn.execute("PRAGMA query_only = ON")
    monkeypatch.setattr(Store, "_copy_into", staticmethod(lambda *a, **k: False))
    second = s.record_answer(rec("two"))
    assert not s.persistent
    assert "readonly" in s.warnings[0]
    assert [r.answer_text for r in s.iter_answers()] == ["one", "two"]
    assert [r.id for r in s.iter_answers()] == [first, second]  # ids survive the switch
    assert s.get_mock(mock_id).seed == 9
    assert s.get_card("q1") == "{}"
    s.close()


def test_programming_errors_are_not_hidden_as_storage_faults(tmp_path):
    with Store.open(tmp_path / "progress.db") as s:
        with pytest.raises(sqlite3.IntegrityError):
            s.save_mock_answer(12345, 0, "x", 1, False)  # no such mock
        assert s.persistent
        assert s.warnings == []


def schema_pages(data: bytes, page_size: int) -> set[int]:
    """The pages of the schema's b-tree (1-based): page 1, and, once the schema outgrows it, the
    pages its interior cells point to (read from the file format's page headers)."""
    pages, todo = set(), [1]
    while todo:
        number = todo.pop()
        pages.add(number)
        start = (number - 1) * page_size
        header = start + (100 if number == 1 else 0)
        if data[header] != 0x05:  # a leaf: no children
            continue
        cells = int.from_bytes(data[header + 3 : header + 5], "big")
        todo.append(int.from_bytes(data[header + 8 : header + 12], "big"))  # rightmost child
        for k in range(cells):
            at = int.from_bytes(data[header + 12 + 2 * k : header + 14 + 2 * k], "big")
            todo.append(int.from_bytes(data[start + at : start + at + 4], "big"))
    return pages


def zero_pages_after_the_schema(path: Path) -> None:
    """Wipe every page but the schema's (the header and the tables' definitions): damage that
    the O(1) header checks cannot see, only reading the pages can."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    keep = schema_pages(bytes(data), page)
    for number in range(1, len(data) // page + 1):
        if number not in keep:
            data[(number - 1) * page : number * page] = bytes(page)
    path.write_bytes(bytes(data))


def test_damage_inside_a_small_file_is_found_at_open(tmp_path):
    path = tmp_path / "progress.db"
    filled(path, 50)
    zero_pages_after_the_schema(path)
    with Store.open(path) as s:
        assert len(list(tmp_path.glob("progress.db.corrupt-*"))) == 1
        assert "damaged" in s.warnings[0]
        assert_fresh_and_working(s)


@pytest.mark.parametrize("first", ["read", "write"])
def test_damage_in_a_large_file_found_mid_session_keeps_the_session(tmp_path, monkeypatch, first):
    # Large clean files skip the full check at open; damage then surfaces on first use.
    monkeypatch.setattr(health, "QUICK_CHECK_MAX_BYTES", 0)
    path = tmp_path / "progress.db"
    filled(path, 50)
    zero_pages_after_the_schema(path)
    damaged = digest(path)
    s = Store.open(path)
    assert s.persistent and s.warnings == []
    if first == "read":
        assert s.accuracy_by_topic(since=datetime(2000, 1, 1, tzinfo=UTC)) == {}
    s.record_answer(rec("kept"))
    s.record_answer(rec("kept too"))
    assert s.persistent
    assert "damaged" in s.warnings[0] and "fresh file" in s.warnings[0]
    (moved,) = tmp_path.glob("progress.db.corrupt-*[0-9TZ]")
    assert digest(moved) == damaged  # the damaged file is kept as it was
    s.close()
    with Store.open(path) as again:
        assert again.warnings == []
        assert [r.answer_text for r in again.iter_answers()] == ["kept", "kept too"]
