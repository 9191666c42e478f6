"""The mock interview grades its exercise with a warm child, as the code screen does: one is
started off the UI thread when the exercise is shown, it runs the answer at hand-in with the
same limits and outcome as a cold child, and none outlives the app."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.widgets import Checkbox, TextArea

from qkv_drill.exercises import runner
from qkv_drill.exercises.warm import POOL
from qkv_drill.packs.loader import load_packs
from qkv_drill.session.clock import FakeClock
from qkv_drill.store import Store
from tests.helpers.code_fixture import FIXTURE, MINI, RIGHT, UNSCALED
from tests.helpers.mock_screens import mock_app, show_question, wait_for_report


def interview(store):
    from qkv_drill.session.mock import MockSession, MockSettings

    packs = load_packs(extra=[FIXTURE, MINI], include_shipped=False, include_user=False)
    clock = FakeClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    settings = MockSettings(minutes=10, questions=2, seed=2, code=True)
    session = MockSession.create(packs, store, settings, clock)
    index = next(i for i, x in enumerate(session.instances) if x.question.type == "code")
    return session, index


@pytest.fixture
def warm_runs(monkeypatch):
    """Each run a warm child took, with its result."""
    taken = []
    real = runner._run_warm

    def spy(warm, job, limits):
        result = real(warm, job, limits)
        taken.append((warm, limits, result))
        return result

    monkeypatch.setattr(runner, "_run_warm", spy)
    return taken


async def ready_child(pilot):
    for _ in range(600):  # imports are slow on a loaded machine
        await pilot.pause(0.05)
        ready = [c for c in POOL.waiting() if c.ready()]
        if ready:
            return ready[0]
    raise AssertionError("no warm child became ready while the exercise was shown")


async def test_the_mock_grades_its_exercise_with_the_child_started_when_it_was_shown(
    tmp_path, warm_runs
):
    store = Store.open(tmp_path / "progress.db")
    session, index = interview(store)
    app = mock_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        assert POOL.waiting() == []  # nothing started before the exercise is shown
        await show_question(pilot, index)
        child = await ready_child(pilot)
        app.screen.query_one("#answer-box").query_one(TextArea).load_text(RIGHT)
        await pilot.press("ctrl+s", "ctrl+e")
        await pilot.pause()
        await pilot.press("ctrl+e")  # from the review: hand in
        await wait_for_report(app, pilot)
        item = app.screen.report.items[index]
        assert item.status == "correct"
        [(used, limits, result)] = warm_runs
        assert used is child and limits == runner.limits_for(RIGHT, "numpy")
        assert result is not None and result.status == "ok"
        assert child.proc.poll() is not None and not child.dir.exists()  # it ran that one job
    assert all(c.proc.poll() is not None for c in POOL.waiting()), "a child outlived the app"
    store.close()


def test_a_named_bug_is_named_at_hand_in_warm_as_cold(tmp_path, warm_runs):
    """Grading at hand-in takes a warm child (one is started then if none waits); the verdict is
    the one a cold child gives."""
    from qkv_drill.packs.check import check

    with Store.open(tmp_path / "progress.db") as store:
        session, index = interview(store)
        session.goto(index)
        assert session.answer(UNSCALED) is None
        cold = check(session.instances[index], UNSCALED)
        assert warm_runs == []  # nothing waited: that check ran cold
        report = session.finish()
    item = report.items[index]
    assert len(warm_runs) == 1 and warm_runs[0][2] is not None
    assert (item.status, item.misconception) == (cold.status, cold.misconception.name)
    assert item.misconception == "no_scaling"
    assert POOL.waiting() == []


async def test_mock_code_through_the_set_up_form_keeps_its_exercise(tmp_path):
    """`qkv-drill mock --code` without --minutes opens the form with "Code exercise" ticked;
    starting from it asks the exercise."""
    from qkv_drill.session.mock import MockSettings
    from qkv_drill.tui.screens.mock import MockScreen
    from qkv_drill.tui.screens.mock_setup import MockSetupScreen
    from tests.helpers.mock_screens import Host
    from tests.helpers.tui import settle

    packs = load_packs(extra=[FIXTURE, MINI], include_shipped=False, include_user=False)
    clock = FakeClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    with Store.open(tmp_path / "progress.db") as store:
        told = MockSettings(minutes=10, questions=2, seed=2, code=True)
        app = Host(lambda: MockSetupScreen(packs, store, clock=clock, settings=told))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert app.screen.query_one("#setup-code", Checkbox).value
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MockScreen)
            kinds = [i.question.type for i in app.screen.session.instances]
            assert kinds.count("code") == 1


async def test_the_starter_left_as_shown_is_no_answer(tmp_path):
    """Moving on from the exercise, or handing in, with only its starter in the editor saved
    the starter as the answer: the navigator marked it answered and the report graded the
    starter's '...' as wrong code, where an untouched question is 'not answered'."""
    from qkv_drill.tui.screens.mock_review import MockReviewScreen

    store = Store.open(tmp_path / "progress.db")
    session, index = interview(store)
    app = mock_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_question(pilot, index)
        editor = app.screen.query_one("#answer-box").query_one(TextArea)
        assert editor.text.strip() == session.instances[index].question.code.starter.strip()
        status = " ".join(str(app.screen.query_one("#answer-status").content).split())
        assert status == "Write the function; ctrl+s saves, ctrl+n moves on."  # not 'out loud'
        await pilot.press("ctrl+n", "ctrl+b")  # away and back (ctrl+n at the end stays)
        await pilot.pause()
        assert session.answers[index] is None
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, MockReviewScreen)
        assert not next(r for r in app.screen.rows if r.index == index).answered
        await pilot.press("ctrl+e")  # hand in
        await wait_for_report(app, pilot)
        item = app.screen.report.items[index]
        assert item.status == "unanswered" and not item.user_answer
    store.close()
