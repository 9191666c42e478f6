"""Unwritable storage: practice goes on, the user is told, and earlier progress is untouched.

Works as root: the read-only case goes through the store's connection hook (a genuinely
read-only SQLite connection, in a small start-up shim for the subprocess), the missing-folder
case uses a data folder path whose parent is a file, and disk full caps the file's page count.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from textual.widgets import Input

from qkv_drill.store import Store
from qkv_drill.store import store as store_mod
from tests.helpers.kill import PACK, PACK_ID, ROOT
from tests.helpers.plain_faults import (
    COUNT,
    NOT_SAVED,
    SHIM,
    digest,
    earlier_progress,
    practise,
    right_answers,
)
from tests.helpers.tui import FIXTURE_PACK, rows, settle


def assert_practice_worked(done: subprocess.CompletedProcess[str]) -> int:
    """Every question asked and marked; returns how many were acknowledged as on disk."""
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("Answer (") == COUNT  # every question was asked
    saved = out.count("saved: correct")
    kept = out.count("not saved (progress is in memory only): correct")
    verdicts = [line for line in out.splitlines() if line.startswith("Correct")]
    assert saved + kept == COUNT and len(verdicts) == COUNT  # "Correct: 64." or "Correct. ..."
    assert f"Summary: {COUNT} recorded: {COUNT} correct" in out
    return saved


def test_read_only_progress_file_plain_practice_still_works(tmp_path):
    home = tmp_path / "home"
    db = home / "progress.db"
    earlier_progress(db)
    before = digest(db)

    done = practise(home, "ro", right_answers(COUNT))

    assert assert_practice_worked(done) == 0  # nothing reached the disk, nothing said so
    assert NOT_SAVED in done.stderr + done.stdout
    assert "untouched" in done.stderr
    assert digest(db) == before  # the earlier answers, byte for byte
    # SQLite's readers may leave an empty -wal and a -shm; no answer went anywhere, no copies.
    assert {p.name for p in home.iterdir()} <= {"progress.db", "progress.db-wal", "progress.db-shm"}
    wal = home / "progress.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    with Store.open(db) as s:
        assert [r.answer_text for r in s.iter_answers()] == ["0", "1", "2", "3"]


def test_data_folder_that_cannot_be_created_plain_practice_still_works(tmp_path):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the data folder should be\n")

    done = practise(blocker, "none", right_answers(COUNT))

    assert assert_practice_worked(done) == 0
    assert NOT_SAVED in done.stderr and "cannot create the folder" in done.stderr
    assert blocker.read_text() == "a file where the data folder should be\n"


def test_disk_full_keeps_earlier_answers_and_a_sound_file(tmp_path):
    home = tmp_path / "home"
    db = home / "progress.db"
    earlier_progress(db)

    done = practise(home, "full", right_answers(COUNT))

    saved = assert_practice_worked(done)
    with Store.open(db) as s:
        assert s.persistent and s.warnings == []
        texts = [r.answer_text for r in s.iter_answers()]
        assert s._conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert texts[:4] == ["0", "1", "2", "3"]  # what was there survives a full disk
    assert len(texts) == 4 + saved  # `saved:` means on disk, exactly


def test_disk_full_mid_session_is_reported(tmp_path):
    home = tmp_path / "home"
    earlier_progress(home / "progress.db")
    n = 100
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SHIM,
            "full",
            "--pack",
            str(PACK),
            "practice",
            "--plain",
            "--pack-id",
            PACK_ID,
            "--topic",
            "multihead",
            "--count",
            str(n),
        ],
        input=("1" * 140 + "\n") * n,  # wrong, and long enough to fill the capped file
        capture_output=True,
        text=True,
        env=dict(os.environ, QKV_DRILL_HOME=str(home)),
        cwd=ROOT,
        timeout=60,
    )
    saved = done.stdout.count("saved: wrong")
    kept = done.stdout.count("not saved (progress is in memory only): wrong")
    assert saved + kept == n and kept > 0  # the cap did bite: some answers live only in memory
    with Store.open(home / "progress.db") as s:
        on_disk = len(list(s.iter_answers()))
    assert on_disk == 4 + saved  # `saved:` was printed for exactly the answers on disk
    assert NOT_SAVED in done.stderr + done.stdout  # ... and the user should hear about it


def read_only_connect(path):
    return sqlite3.connect(
        f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )


async def test_tui_warns_and_practice_still_works(monkeypatch):
    from qkv_drill import paths
    from qkv_drill.tui.app import QkvDrillApp

    db = paths.progress_db_path()
    earlier_progress(db)
    before = digest(db)
    monkeypatch.setattr(store_mod, "_connect", read_only_connect)
    app = QkvDrillApp(extra_packs=[FIXTURE_PACK], include_shipped=False, seed=7)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        warnings = [n for n in app._notifications if NOT_SAVED in n.message]
        assert len(warnings) == 1 and warnings[0].severity == "warning"
        assert not app.store.persistent
        assert len(rows(app)) == 4  # earlier progress still shown
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "PracticeScreen"
        for _ in range(10):  # to a numeric or shape question: typed into the answer box
            if screen.instance.question.type in ("numeric", "shape"):
                break
            screen.set_focus(None)
            await pilot.press("s")
            await settle(pilot)
        skipped = len(rows(app)) - 4
        box = screen.query_one("#answer-input", Input)
        box.focus()
        box.value = screen.instance.expected_display
        await pilot.press("enter")
        await settle(pilot)
        assert screen.phase == "answered"
        assert screen.query_one("#verdict").has_class("-correct")
        assert [r.verdict for r in rows(app)][4 + skipped :] == ["correct"]
    assert digest(db) == before
