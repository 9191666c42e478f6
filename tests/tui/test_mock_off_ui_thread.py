"""The running mock interview never touches SQLite on the UI thread: its answers, flags, drafts,
pauses and time checkpoints go to the store's writer thread, hand-in grades in a worker, and the
start-up's "resume an interrupted interview?" query runs in the load worker. The status line says
"Saved" only once the answer is on disk."""

from __future__ import annotations

import threading

import pytest

from qkv_drill.store import Store
from qkv_drill.store.writes import Writes
from tests.helpers.mock_screens import (
    RIGHT_NUMERIC,
    index_of,
    mock_app,
    new_session,
    show_question,
    tick,
    type_text,
    wait_for_report,
)
from tests.helpers.tui import make_app, settle, shown_flat

SIZE = (80, 24)


@pytest.fixture
def store_calls(monkeypatch):
    """(kind, name, on the UI thread) for every store write and read, in order."""
    calls: list[tuple[str, str, bool]] = []
    write_now, rows = Writes._write_now, Store._rows

    def on_main() -> bool:
        return threading.current_thread() is threading.main_thread()

    def write(self, op, args):
        calls.append(("write", op.__name__, on_main()))
        return write_now(self, op, args)

    def read(self, sql, params=()):
        calls.append(("read", sql.split()[0], on_main()))
        return rows(self, sql, params)

    monkeypatch.setattr(Writes, "_write_now", write)
    monkeypatch.setattr(Store, "_rows", read)
    return calls


async def test_no_mock_save_runs_on_the_ui_thread(packset, store, clock, store_calls):
    assert threading.current_thread() is threading.main_thread()  # Pilot drives it from here
    session = new_session(packset, store, clock, minutes=10)
    session.allow_pause = True
    store_calls.clear()  # the set-up form stores the interview in its own worker
    i_num, i_text = index_of(session, "numeric"), index_of(session, "text")
    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await show_question(pilot, i_num)
        await type_text(pilot, RIGHT_NUMERIC)
        await pilot.press("enter")  # the answer: issued, then "Saved" once written
        await settle(pilot)
        await show_question(pilot, i_num)
        assert f"Saved: {RIGHT_NUMERIC}" in shown_flat(app)
        await pilot.press("ctrl+f")  # flag
        await show_question(pilot, i_text)
        await type_text(pilot, "Q seeks")  # a draft, checkpointed once typing pauses
        clock.advance(4)
        await tick(pilot)  # the draft and the time used
        await pilot.press("ctrl+o")  # a pause, saved as it is taken
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("ctrl+e")  # review, then hand in
        await pilot.pause()
        await pilot.press("ctrl+e")
        await wait_for_report(app, pilot)
    writes = [name for kind, name, _ in store_calls if kind == "write"]
    for needed in ("save_mock_answer", "checkpoint_mock", "record_answer", "finish_mock"):
        assert needed in writes
    on_ui = [(kind, name) for kind, name, main in store_calls if main]
    assert on_ui == []
    saved = store.mock_answers(session.mock_id)
    assert saved[i_num].answer_text == RIGHT_NUMERIC and saved[i_num].flagged


async def test_saved_is_said_only_once_the_answer_is_written(packset, store, clock, monkeypatch):
    session = new_session(packset, store, clock, minutes=10)
    i_num = index_of(session, "numeric")
    gate = threading.Event()
    write_now = Writes._write_now

    def stuck(self, op, args):
        assert gate.wait(10)
        return write_now(self, op, args)

    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await show_question(pilot, i_num)
        monkeypatch.setattr(Writes, "_write_now", stuck)  # the disk stops answering
        await type_text(pilot, RIGHT_NUMERIC)
        await pilot.press("ctrl+s")  # save and stay: the screen does not wait for the disk
        await pilot.pause()
        assert f"Saving: {RIGHT_NUMERIC}" in shown_flat(app)
        assert "Saved:" not in shown_flat(app)
        gate.set()
        await settle(pilot)
        assert f"Saved: {RIGHT_NUMERIC}" in shown_flat(app)
    assert store.mock_answers(session.mock_id)[i_num].answer_text == RIGHT_NUMERIC


async def test_the_resume_offer_is_read_off_the_ui_thread(store_calls):
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.tui.screens.question import PracticeScreen
    from qkv_drill.tui.screens.resume import ResumeMockScreen
    from tests.helpers.tui import FIXTURE_PACK, START

    app = make_app(start="practice")
    packset = load_packs([FIXTURE_PACK], include_shipped=False, include_user=False)
    session = MockSession.create(
        packset, app.store, MockSettings(minutes=10, questions=2), FakeClock(START)
    )
    app.store.settle()
    store_calls.clear()
    shown: list[list[str]] = []  # the screen stack each time the offer is mounted

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        offer = app.screen
        assert isinstance(offer, ResumeMockScreen)
        shown.append([type(s).__name__ for s in app.screen_stack])
        assert offer.pending is not None and offer.pending.id == session.mock_id
        await pilot.press("escape")  # later: on to the practice asked for
        await settle(pilot)
        assert isinstance(app.screen, PracticeScreen)
    assert ("read", "SELECT", False) in store_calls
    assert [c for c in store_calls if c[2]] == []  # nothing read or written on the UI thread
    assert shown == [["HomeLater", "ResumeMockScreen"]]  # straight over the stand-in
