"""The mock interview screens, driven the way a user drives them: keys, a fake clock, a real store.

State (session, report, store rows) is asserted first; snapshots only pin the look. The fixture
pack in fixtures_mock/ has one question of each answer style and never changes, so the seeded
plans and the pictures stay put.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Digits, Input, TextArea

from qkv_drill.present.formats import mm_ss
from qkv_drill.session.clock import FakeClock
from qkv_drill.tui.commands import ScreenCommands
from qkv_drill.tui.screens.mock import MockScreen
from qkv_drill.tui.screens.mock_review import MockReviewScreen, PauseScreen
from qkv_drill.tui.screens.mock_setup import MockSetupScreen
from qkv_drill.tui.widgets.confirm import ConfirmScreen
from qkv_drill.tui.widgets.navigator import NavCell
from tests.helpers.mock_screens import (
    RIGHT_NUMERIC,
    START,
    TEXT_ANSWER,
    WRONG_SHAPE,
    Host,
    finished_report,
    index_of,
    mock_app,
    new_session,
    show_question,
    steady_cursors,
    tick,
    type_text,
    wait_for_report,
)
from tests.helpers.tui import settle, shown_flat

# --- the full interview -----------------------------------------------------------------------


async def test_full_short_mock_from_setup_to_report(packset, store, clock):
    from qkv_drill.tui.screens.report import ReportScreen

    app = Host(lambda: MockSetupScreen(packset, store, clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        setup = app.screen
        assert isinstance(setup, MockSetupScreen)
        setup.query_one("#setup-minutes", Input).value = "2"
        setup.query_one("#setup-count", Input).value = "4"
        setup.query_one("#setup-seed", Input).value = "7"
        await pilot.click("#setup-start")
        await settle(pilot)  # drawn and stored in a worker

        screen = app.screen
        assert isinstance(screen, MockScreen)
        session = screen.session
        assert len(session.instances) == 4
        assert session.remaining() == pytest.approx(120.0)
        assert screen.query_one("#countdown", Digits).value == "02:00"
        i_num, i_shape = index_of(session, "numeric"), index_of(session, "shape")
        i_choice, i_text = index_of(session, "choice"), index_of(session, "text")

        for _ in range(4):
            i = session.index
            qtype = session.instances[i].question.type
            if qtype == "numeric":
                # Unreadable: the parser's message shows, nothing is saved, we stay here.
                await type_text(pilot, "six")
                await pilot.press("enter")
                assert session.answers[i] is None
                assert session.index == i
                assert screen.query_one("#answer-status").has_class("-error")
                screen.query_one("#answer-input", Input).value = ""
                await type_text(pilot, RIGHT_NUMERIC)
                await pilot.press("enter")
            elif qtype == "shape":
                await type_text(pilot, WRONG_SHAPE)
                await pilot.press("ctrl+f")
                await pilot.press("enter")
            elif qtype == "choice":
                await pilot.press("ctrl+n")  # left unanswered
            else:
                assert screen.query_one("#answer-text", TextArea).display
                await type_text(pilot, TEXT_ANSWER)
                await pilot.press("ctrl+s")
                await pilot.press("ctrl+n")
            await pilot.pause()
            # Saved the moment it was given, to the store as well as the session.
            saved = store.mock_answers(session.mock_id)
            assert (i in saved and saved[i].answer_text is not None) == (qtype != "choice")

        assert session.answers[i_num] == RIGHT_NUMERIC
        assert session.answers[i_shape] == WRONG_SHAPE
        assert session.answers[i_choice] is None
        assert session.answers[i_text] == TEXT_ANSWER
        assert session.flagged == {i_shape}

        # Going back shows what was saved there.
        while session.index > i_num:
            await pilot.press("ctrl+b")
        await pilot.pause()
        assert session.index == i_num
        assert screen.query_one("#answer-input", Input).value == RIGHT_NUMERIC
        cells = {cell.index: cell for cell in screen.query(NavCell)}
        assert cells[i_num].has_class("-current") and cells[i_num].has_class("-answered")
        assert cells[i_shape].has_class("-flagged")
        assert not cells[i_choice].has_class("-answered")

        # The countdown follows the clock; at zero the interview hands itself in.
        clock.advance(30)
        await tick(pilot)
        assert screen.query_one("#countdown", Digits).value == "01:30"
        clock.advance(90)
        await wait_for_report(app, pilot)

        report_screen = app.screen
        assert isinstance(report_screen, ReportScreen)
        report = report_screen.report
        assert report.total == 4
        assert report.correct == 1
        status = {item.idx: item.status for item in report.items}
        assert status == {
            i_num: "correct",
            i_shape: "wrong",
            i_choice: "unanswered",
            i_text: "pending",
        }
        text_topic = session.instances[i_text].question.topic
        assert report.by_topic == {  # the open answer is not graded yet: not a wrong one
            topic: (0, 0, 1) if topic == text_topic else cell
            for topic, cell in {
                "multihead": (1, 1, 0),
                "roles": (0, 1, 0),
                "scaling": (0, 1, 0),
                "shapes": (0, 1, 0),
            }.items()
        }
        headline = str(report_screen.query_one("#report-headline").content)
        assert "1 / 3 correct (33%), 1 to grade" in headline
        assert "1 to grade" in shown_flat(app)
        assert report.flagged == [i_shape]
        # All two minutes were spent looking at the numeric question.
        times = {item.idx: item.time_s for item in report.items}
        assert times[i_num] == pytest.approx(120.0)
        assert sum(times.values()) == pytest.approx(120.0)
        row = store.get_mock(session.mock_id)
        assert row.state == "finished"
        assert store.unfinished_mock() is None
        mock_rows = list(store.iter_answers(mode="mock"))
        assert sorted(r.verdict for r in mock_rows) == ["correct", "skipped", "wrong"]

        # The open answer is graded here, against its rubric.
        review = report_screen.query_one(f"#review-{i_text}")
        review.collapsed = False
        await pilot.pause()
        for box in report_screen.query(f"#rubric-{i_text} Checkbox").results(Checkbox):
            box.value = True
        await pilot.pause()
        report_screen.query_one(f"#grade-{i_text}").press()
        await settle(pilot)  # graded in a worker
        assert report.correct == 2
        assert report.by_topic[text_topic] == (1, 1, 0)  # graded: now it counts
        assert "to grade" not in shown_flat(app)
        assert {item.idx: item.status for item in report.items}[i_text] == "correct"
        graded = [r for r in store.iter_answers(mode="mock") if r.qtype == "text"]
        assert [r.verdict for r in graded] == ["correct"]
        headline = str(report_screen.query_one("#report-headline").content)
        assert "2 / 4 correct (50%)" in headline

        # Exports land in the data folder and say where.
        await pilot.press("m")
        await pilot.press("j")
        await settle(pilot)  # written in workers
        exports = Path(os.environ["QKV_DRILL_HOME"]) / "exports"
        md = exports / f"mock-{report.mock_id}-2026-01-05.md"
        js = exports / f"mock-{report.mock_id}-2026-01-05.json"
        assert md.read_text(encoding="utf-8") == report.to_markdown()
        assert json.loads(js.read_text(encoding="utf-8"))["summary"]["correct"] == 2


async def test_export_writes_in_a_worker_and_a_failure_is_one_line(
    packset, store, clock, monkeypatch
):
    import threading

    from qkv_drill.session import export as export_module
    from qkv_drill.tui.screens.report import ReportScreen

    report = new_session(packset, store, clock, minutes=10).finish()
    threads = []
    real = export_module.write_replacing

    def recording(target, text):
        threads.append(threading.current_thread())
        real(target, text)

    monkeypatch.setattr(export_module, "write_replacing", recording)
    app = Host(lambda: ReportScreen(report, store, clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("m")
        await settle(pilot)
        assert threads and threads[0] is not threading.main_thread()
        md = screen.export_path("md")
        assert md.read_text(encoding="utf-8") == report.to_markdown()
        assert [n.message for n in app._notifications][-1] == str(md)
        # A file where the exports folder should be: said in one line, nothing written.
        folder = md.parent
        for old in folder.iterdir():
            old.unlink()
        folder.rmdir()
        folder.write_text("not a folder")
        await pilot.press("j")
        await settle(pilot)
        told = [n for n in app._notifications if n.title == "Export failed"]
        assert len(told) == 1 and "\n" not in told[0].message
        assert told[0].message.startswith(f"Could not write {screen.export_path('json')}: ")
        assert told[0].message.endswith("; nothing was changed.")
        assert folder.read_text() == "not a folder"
    folder.unlink()


async def test_keys_typed_in_the_answer_box_stay_in_it(packset, store, clock):
    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        start = session.index
        await type_text(pilot, "[f]")
        assert app.screen.query_one("#answer-input", Input).value == "[f]"
        assert session.index == start and session.flagged == set()
        # Out of the box, the single keys navigate and flag.
        app.screen.query_one("#answer-input", Input).value = ""
        await pilot.press("escape")
        await pilot.press("f")
        assert session.flagged == {start}
        await pilot.press("]")
        assert session.index == start + 1
        await pilot.press("[")
        assert session.index == start
        # enter goes back into the box; ctrl+f works from inside it too, and toggles.
        await pilot.press("enter")
        assert app.screen.focused is app.screen.query_one("#answer-input", Input)
        await pilot.press("ctrl+f")
        assert session.flagged == set()
        # The navigator jumps straight to a question, keeping what was typed where it was.
        i_num = index_of(session, "numeric")
        other = (i_num + 1) % len(session.instances)
        await app.screen.go_to(i_num)
        await pilot.pause()
        await type_text(pilot, "7")
        await pilot.click(f"#nav-{other}")
        await pilot.pause()
        assert session.index == other
        assert session.answers[i_num] == "7"


async def test_warnings_at_five_minutes_and_one_minute(packset, store, clock):
    session = new_session(packset, store, clock, minutes=6)
    app = mock_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        said: list[str] = []
        original = screen.notify
        screen.notify = lambda message, **kw: (said.append(message), original(message, **kw))
        digits = screen.query_one("#countdown", Digits)
        await tick(pilot)
        assert not digits.has_class("-warn") and not digits.has_class("-danger")
        clock.advance(61)
        await tick(pilot)
        assert digits.value == "04:59"
        assert digits.has_class("-warn") and not digits.has_class("-danger")
        clock.advance(240)
        await tick(pilot)
        assert digits.value == "00:59"
        assert digits.has_class("-danger") and not digits.has_class("-warn")
        assert said == ["5 minutes left", "1 minute left"]
        assert isinstance(app.screen, MockScreen)  # still going


async def test_end_early_goes_through_the_review(packset, store, clock):
    from qkv_drill.tui.screens.report import ReportScreen

    session = new_session(packset, store, clock, minutes=10)
    i_num = index_of(session, "numeric")
    app = mock_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_question(pilot, i_num)
        await type_text(pilot, "12")  # a draft, not yet saved with enter
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, MockReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MockScreen)
        assert session.report is None
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("h")
        await wait_for_report(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        # The readable draft was handed in with the rest.
        assert session.answers[i_num] == "12"
        assert {i.idx: i.user_answer for i in app.screen.report.items}[i_num] == "12"
        assert store.get_mock(session.mock_id).state == "finished"


def _grading_fails(session) -> None:
    def broken() -> None:
        raise RuntimeError("disk on fire")

    session.finish = broken


async def _hand_in(app, pilot) -> None:
    """ctrl+e opens the review, ctrl+e there hands in; then the grading worker is done."""
    await pilot.pause()
    await pilot.press("ctrl+e")
    await pilot.pause()
    await pilot.press("ctrl+e")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_grading_failure_keeps_the_interview_for_later(packset, store, clock):
    session = new_session(packset, store, clock, minutes=10)
    _grading_fails(session)
    app = mock_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await _hand_in(app, pilot)
        assert isinstance(app.screen, MockScreen)
        assert "disk on fire" in str(app.screen.query_one("#answer-status").content)
        assert store.unfinished_mock().id == session.mock_id  # offered again at start-up
        told = " ".join(n.message for n in app._notifications)
        assert "Every answer is saved" in told and "resume screen" in told


async def test_a_grading_failure_in_memory_never_says_saved(packset, tmp_path, clock):
    """A store that fell back to memory has nothing a restart could grade: the notice says so."""
    from qkv_drill.store import Store

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with Store.open(blocker / "progress.db") as store:
        session = new_session(packset, store, clock, minutes=10)
        _grading_fails(session)
        app = mock_app(session)
        async with app.run_test(size=(100, 30)) as pilot:
            await _hand_in(app, pilot)
            told = " ".join(n.message for n in app._notifications)
            assert "Every answer is saved" not in told
            assert "memory only" in told and "lost when qkv-drill closes" in told


async def test_pens_down_keeps_a_typed_answer_in_the_last_second(packset, store, clock):
    session = new_session(packset, store, clock, minutes=1)
    i_num = index_of(session, "numeric")
    app = mock_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_question(pilot, i_num)
        await type_text(pilot, RIGHT_NUMERIC)  # typed, never entered
        clock.advance(58)
        await tick(pilot)
        assert session.answers[i_num] is None  # not yet: still time to change it
        clock.advance(1.5)
        await tick(pilot)
        assert session.answers[i_num] == RIGHT_NUMERIC
        clock.advance(1)
        await wait_for_report(app, pilot)
        assert {i.idx: i.status for i in app.screen.report.items}[i_num] == "correct"


async def test_time_up_while_the_review_is_open_still_hands_in(packset, store, clock):
    from qkv_drill.tui.screens.report import ReportScreen

    session = new_session(packset, store, clock, minutes=1)
    app = mock_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, MockReviewScreen)
        clock.advance(61)
        await wait_for_report(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        assert len(app.screen_stack) == 2  # the dialog is gone, not left under the report
        assert store.get_mock(session.mock_id).state == "finished"


async def test_command_palette_lists_the_interview_actions(packset, store, clock):
    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        provider = ScreenCommands(app.screen)
        hits = {hit.text: hit async for hit in provider.discover()}
        assert {"Mock: next question", "Mock: flag question", "Mock: review and hand in"} <= set(
            hits
        )
        found = [hit async for hit in provider.search("flag")]
        assert [hit.text for hit in found] == ["Mock: flag question"]
        await found[0].command()
        await pilot.pause()
        assert session.flagged == {session.index}


async def test_setup_refuses_nonsense_and_counts_the_pool(packset, store, clock):
    app = Host(lambda: MockSetupScreen(packset, store, clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        setup = app.screen
        await pilot.pause()
        assert "4 questions match" in str(setup.query_one("#setup-pool").content)
        setup.query_one("#setup-topics").select("roles")
        await pilot.pause()
        assert "1 questions match" in str(setup.query_one("#setup-pool").content)
        setup.query_one("#setup-minutes", Input).value = "0"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MockSetupScreen)
        assert store.unfinished_mock() is None
        said = str(setup.query_one("#setup-pool").content)
        assert said == "Cannot start: Minutes must be between 1 and 180"
        assert setup.query_one("#setup-pool").has_class("-empty")


async def test_start_draws_and_stores_in_a_worker_and_says_so(packset, store, clock, monkeypatch):
    """The questions are drawn and the interview stored off the UI thread; meanwhile the form
    says so and start is not taken twice."""
    import threading

    from textual.widgets import Button

    from qkv_drill.session.mock import MockSession

    threads, release = [], threading.Event()
    real = MockSession.create.__func__

    def slow_create(cls, *args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(MockSession, "create", classmethod(slow_create))
    app = Host(lambda: MockSetupScreen(packset, store, clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        setup = app.screen
        await pilot.pause()
        await pilot.press("ctrl+s")
        for _ in range(100):
            await pilot.pause(0.02)
            if threads:
                break
        assert threads and threads[0] is not threading.main_thread()
        assert str(setup.query_one("#setup-pool").content) == "Drawing the questions…"
        assert setup.query_one("#setup-start", Button).disabled
        await pilot.press("ctrl+s", "escape")  # neither a second start nor leaving mid-way
        await pilot.pause()
        assert app.screen is setup and len(threads) == 1
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, MockScreen)
        assert store.unfinished_mock().id == app.screen.session.mock_id


async def test_a_start_that_fails_says_why_in_one_line_and_keeps_the_form(packset, store, clock):
    from textual.widgets import Button

    app = Host(lambda: MockSetupScreen(packset, store, clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        setup = app.screen
        await pilot.pause()
        setup.query_one("#setup-topics").select("roles")
        setup.query_one("#setup-difficulties").select("easy")  # the roles question is hard
        await pilot.pause()
        assert "0 questions match" in str(setup.query_one("#setup-pool").content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is setup and store.unfinished_mock() is None
        said = str(setup.query_one("#setup-pool").content)
        assert said.startswith("Cannot start: no questions match") and "\n" not in said
        assert not setup.query_one("#setup-start", Button).disabled  # fix the form, try again
        setup.query_one("#setup-difficulties").deselect("easy")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MockScreen)


async def test_a_start_from_the_command_line_that_fails_shows_the_form_and_why(
    packset, store, clock
):
    from qkv_drill.session.mock import MockSettings

    told = MockSettings(minutes=5, questions=2, topics=("no-such-topic",))
    app = Host(
        lambda: MockSetupScreen(packset, store, clock=clock, settings=told, start_at_once=True)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        setup = app.screen
        assert isinstance(setup, MockSetupScreen) and store.unfinished_mock() is None
        assert setup.query_one("#setup-numbers").display  # the form, to change what was asked
        said = str(setup.query_one("#setup-pool").content)
        assert said.startswith("Cannot start: no questions match")


async def test_report_trend_appears_with_earlier_interviews(packset, store, clock):
    from textual_plotext import PlotextPlot

    from qkv_drill.tui.screens.report import ReportScreen

    first = new_session(packset, store, clock, seed=1)
    first.finish()
    second = new_session(packset, store, clock, seed=2)
    report = second.finish()
    assert [p.mock_id for p in report.history] == [first.mock_id]
    app = Host(lambda: ReportScreen(report, store))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert len(app.screen.query(PlotextPlot)) == 1


async def test_leaving_the_report_with_ungraded_answers_asks_first(packset, store):
    from qkv_drill.tui.screens.report import ReportScreen

    report = finished_report(packset, store)
    assert len(report.pending) == 1
    app = Host(lambda: ReportScreen(report, store))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        # Nothing grades it later (no screen reopens a past report): the question says so,
        # where it said the answer 'will not count until graded'.
        asked = shown_flat(app)
        assert "only place to grade" in asked and "until graded" not in asked
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("g", "g")  # open the open answer's rubric, then grade it as ticked
        await settle(pilot)
        assert not report.pending
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReportScreen | ConfirmScreen)


# --- resuming ---------------------------------------------------------------------------------


def interrupted_mock(packset, store):
    """An interview with one answer given and 30 s used, then the process 'dies'."""
    clock = FakeClock(start=START)
    session = new_session(packset, store, clock)
    i = index_of(session, "numeric")
    session.goto(i)
    assert session.answer(RIGHT_NUMERIC) is None
    session.toggle_flag()
    clock.advance(30)
    session.tick()
    return session.mock_id, i


async def test_resume_screen_offers_the_interrupted_interview(packset, store, utc_local_time):
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    mock_id, answered = interrupted_mock(packset, store)
    clock = FakeClock(start=START)
    app = Host(lambda: ResumeMockScreen(store, packset, clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one("#resume-text").content)
        assert "Mon 05 Jan 09:00" in text
        assert "01:30" in text and "1 of 4 questions answered" in text
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MockScreen)
        assert screen.session.mock_id == mock_id
        assert screen.session.answers[answered] == RIGHT_NUMERIC
        assert screen.session.flagged == {answered}
        assert screen.session.remaining() == pytest.approx(90.0)
        assert screen.query_one("#countdown", Digits).value == "01:30"
        assert screen.query_one(f"#nav-{answered}").has_class("-answered")


def test_snapshot_resume(packset, store, utc_local_time, snap_compare):
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    interrupted_mock(packset, store)
    clock = FakeClock(start=START)

    assert snap_compare(
        Host(lambda: ResumeMockScreen(store, packset, clock=clock)),
        terminal_size=(80, 24),
        run_before=settle,  # the interview is read from the store in a worker
    )


async def test_discard_asks_first_then_forgets_the_interview(packset, store, utc_local_time):
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    mock_id, _ = interrupted_mock(packset, store)
    app = Host(lambda: ResumeMockScreen(store, packset, clock=FakeClock(start=START)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ResumeMockScreen)
        assert store.unfinished_mock().id == mock_id
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert store.unfinished_mock() is None
        assert store.get_mock(mock_id) is None
        assert not isinstance(app.screen, ResumeMockScreen | ConfirmScreen)


async def test_resume_refused_when_a_question_left_the_packs(packset, store, utc_local_time):
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    interrupted_mock(packset, store)
    empty = load_packs([], include_shipped=False, include_user=False)
    app = Host(lambda: ResumeMockScreen(store, empty, clock=FakeClock(start=START)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ResumeMockScreen)  # says why instead of crashing
        assert store.unfinished_mock() is not None  # and the interview is still kept


async def test_resume_screen_grades_as_it_stands(packset, store, utc_local_time):
    from qkv_drill.tui.screens.report import ReportScreen
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    mock_id, answered = interrupted_mock(packset, store)
    app = Host(lambda: ResumeMockScreen(store, packset, clock=FakeClock(start=START)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await wait_for_report(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        report = app.screen.report
        assert report.mock_id == mock_id
        assert [i.idx for i in report.items if i.status == "correct"] == [answered]
        assert report.flagged == [answered]
        assert store.unfinished_mock() is None


# --- snapshots --------------------------------------------------------------------------------


def running_app(packset, store):
    session = new_session(packset, store, FakeClock(start=START), minutes=20)
    return mock_app(session), session


async def _answer_one_flag_next(pilot) -> None:
    """Q1 answered, Q2 flagged with a draft typed: the navigator shows every state."""
    app = pilot.app
    await pilot.pause()  # the screen has finished showing its first question
    session = app.screen.session
    session.goto(index_of(session, "numeric"))
    await app.screen._show_question()
    await pilot.pause()
    await type_text(pilot, RIGHT_NUMERIC)
    await pilot.press("enter")
    await pilot.press("ctrl+f")
    await pilot.pause()
    steady_cursors(app)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_running_interview(packset, store, size, snap_compare):
    app, session = running_app(packset, store)
    assert snap_compare(app, terminal_size=size, run_before=_answer_one_flag_next)
    assert sum(a is not None for a in session.answers) == 1
    assert len(session.flagged) == 1


def test_snapshot_running_interview_light_theme(packset, store, snap_compare):
    app, session = running_app(packset, store)

    async def light(pilot) -> None:
        pilot.app.theme = "textual-light"
        await _answer_one_flag_next(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=light)
    assert sum(a is not None for a in session.answers) == 1
    assert len(session.flagged) == 1


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_report(packset, store, size, snap_compare):
    from qkv_drill.tui.screens.report import ReportScreen

    report = finished_report(packset, store)
    assert (report.correct, report.total, len(report.pending)) == (1, 4, 1)

    async def settle(pilot) -> None:
        await pilot.pause()

    assert snap_compare(
        Host(lambda: ReportScreen(report, store)), terminal_size=size, run_before=settle
    )


# --- review before hand-in, pause, time on the question ---------------------------------------


async def test_review_lists_unanswered_and_flagged_and_jumps(packset, store, clock):
    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        i_num = index_of(session, "numeric")
        await app.screen.go_to(i_num)
        await pilot.pause()
        await type_text(pilot, RIGHT_NUMERIC)
        await pilot.press("enter")
        await pilot.press("ctrl+f")  # flags the question after it
        flagged = session.index
        await pilot.press("ctrl+e")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, MockReviewScreen)
        assert [(r.answered, r.flagged) for r in review.rows] == [
            (i == i_num, i == flagged) for i in range(4)
        ]
        summary = str(review.query_one("#review-summary").content)
        assert "1 of 4 answered" in summary and "3 unanswered" in summary
        assert "1 flagged" in summary
        listing = review.query_one("#review-list")
        await pilot.press("f")  # to the flagged one
        assert listing.highlighted == flagged
        await pilot.press("u")  # to the next unanswered after it
        target = listing.highlighted
        assert not review.rows[target].answered
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MockScreen)
        assert session.index == target
        assert session.report is None


async def test_no_pause_unless_set_up_with_pauses(packset, store, clock):
    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not session.paused
        assert isinstance(app.screen, MockScreen)
        assert app.screen.check_action("pause", ()) is False


async def test_pause_stops_the_clock_hides_the_question_and_is_reported(packset, store, clock):
    from qkv_drill.session.mock import MockSession, MockSettings

    settings = MockSettings(minutes=2, questions=4, seed=7, allow_pause=True)
    session = MockSession.create(packset, store, settings, clock)
    app = mock_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        clock.advance(20)
        screen._on_tick()  # driven directly: no waiting on real timers
        assert "00:20 of" in str(screen.query_one("#mock-meta").content)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert session.paused and isinstance(app.screen, PauseScreen)
        clock.advance(300)
        screen._on_tick()
        assert session.remaining() == pytest.approx(100)
        assert screen.query_one("#countdown", Digits).value == "01:40"
        await pilot.press("p")
        await pilot.pause()
        assert not session.paused and app.screen is screen
        clock.advance(5)
        screen._on_tick()
        assert "00:25 of" in str(screen.query_one("#mock-meta").content)
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("h")
        await wait_for_report(app, pilot)
        report = app.screen.report
        assert report.pauses == [pytest.approx(300)]
        assert "paused 1x, 5:00 in all" in str(app.screen.query_one("#report-headline").content)


async def test_setup_checkbox_allows_pauses(packset, store, clock):
    from qkv_drill.tui.widgets.ticks import TickBox

    app = Host(lambda: MockSetupScreen(packset, store, clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        setup = app.screen
        await pilot.pause()
        box = setup.query_one("#setup-pause", TickBox)
        assert box.value is False  # off by default
        assert setup.settings().allow_pause is False
        box.value = True
        await pilot.pause()
        assert setup.settings().allow_pause is True
        await pilot.click("#setup-start")
        await settle(pilot)
        assert isinstance(app.screen, MockScreen) and app.screen.session.allow_pause


def test_snapshot_review_before_hand_in(packset, store, snap_compare):
    app, session = running_app(packset, store)

    async def review(pilot) -> None:
        await _answer_one_flag_next(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MockReviewScreen)

    assert snap_compare(app, terminal_size=(80, 24), run_before=review)
    assert session.report is None  # reviewing hands nothing in


@pytest.mark.parametrize(("size", "side_by_side"), [((60, 20), False), ((80, 24), True)])
async def test_report_score_tables_stack_when_narrow(packset, store, size, side_by_side):
    """At 60 columns the topic and difficulty tables stack, so no word breaks mid-word
    ("why-att / ention"); at 80 they sit side by side."""
    from qkv_drill.tui.screens.report import ReportScreen

    report = finished_report(packset, store)
    app = Host(lambda: ReportScreen(report, store))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        topic = app.screen.query_one("#report-by-topic").region
        difficulty = app.screen.query_one("#report-by-difficulty").region
        assert (topic.y == difficulty.y) is side_by_side
        assert "difficulty" in shown_flat(app)  # the header whole, never "difficu / lty"


async def test_report_score_tables_keep_their_headers_whole_with_answers_to_grade(packset, store):
    """A group with both graded answers and one to grade ("0 / 1 · 1 to grade" on one line) took
    the name column's width at 80x24: the header read "diffic / ulty" and "medi / um"."""
    import dataclasses

    from qkv_drill.tui.screens.report import ReportScreen

    report = finished_report(packset, store)
    assert report.pending  # the open answer waits for its self-grade
    report.items = [dataclasses.replace(i, difficulty="medium") for i in report.items]
    assert "1 to grade" in report.by_difficulty["medium"].words()
    assert report.by_difficulty["medium"].graded
    app = Host(lambda: ReportScreen(report, store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#report-by-difficulty")
        rows = [strip.text for strip in table.render_lines(table.region.reset_offset)]
        assert any("difficulty" in row for row in rows)
        assert any("medium" in row for row in rows)
        assert any("1 to grade" in row for row in rows)


async def test_the_review_counts_the_time_left_down(packset, store, clock):
    """The interview's clock runs while the review is open (at zero it hands in from there), so
    its 'left' counts down too; it stayed at the minute the review was opened."""
    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_question(pilot, 0)
        await pilot.press("ctrl+e")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, MockReviewScreen)
        summary = review.query_one("#review-summary")
        before = str(summary.render())
        clock.advance(180)
        left = mm_ss(session.remaining())
        assert left not in before
        for _ in range(50):  # the screen's own one-second timer repaints it
            await pilot.pause(0.1)
            if left in str(summary.render()):
                break
        assert f"{left} left" in str(summary.render())
