"""A damaged progress.db: the app and the plain mode start, keep the broken file as an exact copy,
say so, and record new answers in a fresh file that is still there next time.

tests/tui/test_flows.py checks that the TUI reports the damage; these add the copy's bytes and
name, the fresh file's answers surviving the session, and the plain mode.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from textual.widgets import Input

from qkv_drill.store import Store
from tests.helpers.plain_faults import COUNT, earlier_progress, practise, right_answers
from tests.helpers.tui import FIXTURE_PACK, rows, settle


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def damage(db: Path, how: str) -> bytes:
    """Break the file the way disks and tools do; returns the broken bytes."""
    if how == "junk":
        broken = random.Random(3).randbytes(12288)
    else:  # truncated: a real store with earlier answers, cut in half
        earlier_progress(db, 200)
        whole = db.read_bytes()
        broken = whole[: len(whole) // 2]
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(broken)
    return broken


def only_copy(db: Path) -> Path:
    (copy,) = db.parent.glob("progress.db.corrupt-*")
    return copy


@pytest.mark.parametrize("how", ["junk", "truncated"])
def test_plain_practice_on_a_damaged_file(tmp_path, how):
    home = tmp_path / "home"
    db = home / "progress.db"
    broken = damage(db, how)

    done = practise(home, "none", right_answers(COUNT))

    assert done.returncode == 0, done.stderr
    copy = only_copy(db)
    assert digest(copy.read_bytes()) == digest(broken)
    assert "damaged" in done.stderr and copy.name in done.stderr
    assert done.stdout.count("saved: correct") == COUNT
    with Store.open(db) as s:
        assert s.persistent and s.warnings == []
        assert [r.verdict for r in s.iter_answers()] == ["correct"] * COUNT
    assert only_copy(db) == copy  # opening again made no second copy


async def test_app_on_a_damaged_file_records_in_a_fresh_one():
    from qkv_drill import paths
    from qkv_drill.tui.app import QkvDrillApp

    db = paths.progress_db_path()
    broken = damage(db, "truncated")
    app = QkvDrillApp(extra_packs=[FIXTURE_PACK], include_shipped=False, seed=7)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        copy = only_copy(db)
        told = [n for n in app._notifications if "damaged" in n.message]
        assert len(told) == 1 and copy.name in told[0].message
        assert app.store.persistent and rows(app) == []
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        for _ in range(10):
            if screen.instance.question.type in ("numeric", "shape"):
                break
            screen.set_focus(None)
            await pilot.press("s")
            await settle(pilot)
        box = screen.query_one("#answer-input", Input)
        box.focus()
        box.value = screen.instance.expected_display
        await pilot.press("enter")
        await settle(pilot)
        stored = [(r.question_id, r.verdict) for r in rows(app)]
        assert stored[-1] == (screen.instance.question.id, "correct")
    app.store.close()
    assert digest(copy.read_bytes()) == digest(broken)
    with Store.open(db) as s:
        assert s.persistent and s.warnings == []
        assert [(r.question_id, r.verdict) for r in s.iter_answers()] == stored
    assert only_copy(db) == copy
