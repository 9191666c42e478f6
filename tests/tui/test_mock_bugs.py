"""The mock interview at 80x24: issue 10's bugs in the running interview, its dialog and report.

A typed draft survives a kill, the question reads as in practice (compact matrices, one choice
widget), a question's budget never exceeds the interview, the end dialog says its keys and
ignores a bare enter, the command line's length skips the set-up form, and the report grades one
open answer at a time, after its rubric is on screen.
"""

from __future__ import annotations

import pytest
from textual.widgets import Button, Checkbox

from qkv_drill.tui.screens.mock import MockScreen
from qkv_drill.tui.widgets.confirm import ConfirmScreen
from tests.helpers.mock_screens import (
    FIXTURE_PACKS,
    TEXT_ANSWER,
    Host,
    finished_report,
    index_of,
    mock_app,
    new_session,
    show_question,
    tick,
    type_text,
    wait_for_report,
)
from tests.helpers.tui import START, settle, shown_flat

SIZE = (80, 24)


async def test_a_killed_mock_keeps_the_draft_being_typed(packset, store, clock, tmp_path):
    from qkv_drill.session.mock import MockSession
    from qkv_drill.store import Store

    session = new_session(packset, store, clock, minutes=10)
    i_num = index_of(session, "numeric")
    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await show_question(pilot, i_num)
        await type_text(pilot, "512/8")  # typed, never entered
        clock.advance(2)  # typing pauses: the next tick checkpoints the draft
        await tick(pilot)
        assert session.answers[i_num] is None  # a draft is not an answer
        session.settle()  # the checkpoint is written (the writer thread takes milliseconds)
    # The process dies here: a new store on the same file is all that is left.
    reopened = Store(tmp_path / "progress.db")
    resumed = MockSession.resume(packset, reopened, session.mock_id, clock)
    assert resumed.drafts == {i_num: "512/8"}
    assert resumed.index == i_num  # it opens where the typing was
    app = mock_app(resumed)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert f"Question {i_num + 1} of" in shown_flat(app)
        assert app.screen.query_one("#answer-input").value == "512/8"
        assert "Restored what you were typing" in shown_flat(app)
    report = MockSession.resume(packset, reopened, session.mock_id, clock).finish()
    assert {i.idx: i.status for i in report.items}[i_num] == "correct"  # graded as it stood
    reopened.close()


async def test_the_mock_uses_the_practice_choice_widget(packset, store, clock):
    session = new_session(packset, store, clock, minutes=10)
    i_choice = index_of(session, "choice")
    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await show_question(pilot, i_choice)
        field = app.screen.query_one("#answer-choice")
        assert app.screen.focused is field
        assert "enter moves on" in str(field.border_title)
        await pilot.press("enter")  # nothing picked: moves on as the hint says, saves nothing
        await pilot.pause()
        assert session.answers[i_choice] is None and session.index == i_choice + 1
        await show_question(pilot, i_choice)
        field = app.screen.query_one("#answer-choice")
        await pilot.press("a")
        assert session.answers[i_choice] == "a"  # a pick is saved at once
        await pilot.press("enter")
        assert session.index != i_choice


async def test_a_question_budget_never_exceeds_the_interview(packset, store, clock):
    session = new_session(packset, store, clock, minutes=1)  # 1:00, budgets of 1:00-2:30
    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for i in range(len(session.instances)):
            await app.screen.go_to(i)
            await pilot.pause()
            assert session.budget_s(i) <= 60
            assert "budget 01:00" in shown_flat(app) or "budget 00:" in shown_flat(app)


async def test_the_leave_dialog_says_its_keys_and_a_bare_enter_does_nothing(packset, store):

    from qkv_drill.tui.screens.report import ReportScreen

    report = finished_report(packset, store)
    app = Host(lambda: ReportScreen(report, store))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # an open answer is ungraded: leaving asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "y leave" in shown_flat(app) and "n or esc grade them" in shown_flat(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # enter alone decides nothing
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)


async def test_the_leave_dialogs_help_names_its_keys_by_its_buttons(packset, store):
    """`?` on a dialog names what y and n do there ("Leave", "Grade them"), never a generic
    "Yes" / "No" that the buttons do not say."""
    from qkv_drill.tui.screens.help import key_rows
    from qkv_drill.tui.screens.report import ReportScreen

    report = finished_report(packset, store)
    app = Host(lambda: ReportScreen(report, store))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        rows = {row.label: row.keys for row in key_rows(dialog)}
        buttons = [str(b.label) for b in dialog.query("Button")]
        assert buttons == ["Leave (y)", "Grade them (n)"]
        assert rows["Leave"] == "y" and rows["Grade them"] == "n, esc"
        assert not {"Yes", "No"} & rows.keys()
        assert dialog.HELP_TITLE == "Leave or grade them"


async def test_report_says_which_questions_are_flagged(packset, store, clock):

    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.screen.go_to(1)
        await pilot.press("ctrl+f")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("h")  # hand in from the review
        await wait_for_report(app, pilot)
        assert "flagged: question 2" in shown_flat(app)


async def test_g_grades_one_open_answer_after_its_rubric_is_read(packset, store, clock):

    session = new_session(packset, store, clock, minutes=10)
    i_text = index_of(session, "text")
    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await show_question(pilot, i_text)
        await type_text(pilot, TEXT_ANSWER)
        await pilot.press("ctrl+s", "ctrl+e")
        await pilot.pause()
        await pilot.press("h")  # hand in from the review
        await wait_for_report(app, pilot)
        report = app.screen.report
        assert [i.idx for i in report.pending] == [i_text]
        await pilot.press("g")  # opens that answer's rubric: grades nothing yet
        await pilot.pause()
        assert [i.idx for i in report.pending] == [i_text]
        assert isinstance(app.screen.focused, Checkbox)
        await pilot.press("g")  # read and ticked: now this one answer is graded
        await settle(pilot)  # graded in a worker
        assert report.pending == []


@pytest.mark.parametrize(
    ("flags", "form"),
    [(["--minutes", "2", "--questions", "4"], False), (["--minutes", "2"], False), ([], True)],
)
async def test_mock_length_from_the_command_line_skips_the_form(flags, form, tmp_path):
    """`qkv-drill mock --minutes 2 --questions 4` starts the interview: the form would only ask
    again what the command line said. Without either flag the form comes first."""
    from qkv_drill.cli import parse
    from qkv_drill.cli_options import session_options
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.store import Store
    from qkv_drill.tui.app import QkvDrillApp
    from qkv_drill.tui.screens.home import HomeScreen
    from qkv_drill.tui.screens.mock_setup import MockSetupScreen

    args = parse(["mock", *flags, "--seed", "3"])
    assert not isinstance(args, int)
    app = QkvDrillApp(
        extra_packs=[FIXTURE_PACKS],
        include_shipped=False,
        include_user=False,
        store=Store(tmp_path / "p.db"),
        clock=FakeClock(START),
        start="mock",
        options=session_options(args),
    )
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):  # loading runs in a worker: wait for it, however slow the machine
            await settle(pilot)
            if app.ready and not isinstance(app.screen, HomeScreen):
                break
        if form:
            assert isinstance(app.screen, MockSetupScreen)
            assert app.screen.query_one("#setup-numbers").display
            return
        if isinstance(app.screen, MockSetupScreen):  # drawing in its worker, the form hidden
            assert not app.screen.query_one("#setup-numbers").display
            await settle(pilot)
        assert isinstance(app.screen, MockScreen)
        session = app.screen.session
        assert session.duration_s == 120
        assert len(session.instances) == 4  # all the fixture pack has


def footer_hints(screen) -> list[str]:
    """What the footer is asked to show: one "key label" per action, as Textual's Footer does."""
    first: dict[str, str] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.show:
            shown = f"{screen.app.get_key_display(binding)} {binding.description}"
            first.setdefault(binding.action, shown)
    return list(first.values())


async def test_every_key_hint_of_the_mock_footer_shows_at_80_columns():
    """Each answer widget focused, and none: every hint whole on the footer row (the last one,
    "^o Pause", used to be cut to "^o Pa")."""
    from qkv_drill.session.mock import MockSession, MockSettings
    from tests.helpers.tui import make_app, screen_text

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await settle(pilot)
            if app.ready:
                break
        settings = MockSettings(minutes=20, questions=5, seed=3, allow_pause=True)
        session = MockSession.create(app.packset, app.store, settings, app.clock)
        assert {i.question.type for i in session.instances} >= {"choice", "matrix", "text"}
        screen = MockScreen(session)
        app.push_screen(screen)
        await settle(pilot)
        seen = set()
        for i in range(len(session.instances)):
            await screen.go_to(i)
            screen.action_type_answer()
            for focus in ("box", "none"):
                if focus == "none":
                    app.set_focus(None)
                await settle(pilot)
                footer = screen_text(app).splitlines()[-1]
                hints = footer_hints(screen)
                assert "^o Pause" in hints
                missing = [h for h in hints if h not in footer]
                assert not missing, (session.instances[i].question.type, focus, footer)
                seen.add(type(app.focused).__name__)
        assert {"SaveNextChoices", "MatrixInput", "AnswerArea", "AnswerInput", "NoneType"} <= seen


async def test_help_lists_the_mocks_single_keys_even_from_the_answer_box(packset, store, clock):
    """`]`, `[` and `f` move and flag once out of the box; `?` lists them whether the box has
    focus (where they type, so they are listed as keys for after escape) or not."""
    from qkv_drill.tui.screens.help import HelpScreen

    session = new_session(packset, store, clock)
    app = Host(lambda: MockScreen(session))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await screen.go_to(index_of(session, "numeric"))
        await pilot.pause()
        assert app.focused is screen.query_one("#answer-input")
        for place in ("box", "outside"):
            if place == "outside":
                await pilot.press("escape")
            app.push_screen(HelpScreen(screen))
            await pilot.pause()
            rows = {(r.label, r.where): r.keys for r in app.screen.rows}
            where = "outside" if place == "box" else "screen"
            for label, key in (("Next", "]"), ("Prev", "["), ("Flag", "f")):
                assert key in rows[(label, where)].split(", "), (place, rows)
            text = shown_flat(app)
            assert ("After escape" in text) == (place == "box")
            app.pop_screen()
            await pilot.pause()
        await pilot.press("]")
        assert session.index == index_of(session, "numeric") + 1


async def test_the_pick_colour_follows_a_theme_switch(packset, store, clock):
    """Picked options are drawn in the theme's success colour; after F2 they take the new
    theme's, in both directions (they used to keep the colour of the theme they were made in)."""
    session = new_session(packset, store, clock)
    app = Host(lambda: MockScreen(session))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await screen.go_to(index_of(session, "choice"))
        await pilot.pause()
        field = screen.query_one("#answer-choice")
        await pilot.press("b")
        await pilot.pause()
        assert field.picked == {1}

        text = field.texts[1]

        def drawn_colour() -> str:
            """The colour the screen draws option b's text in."""
            for strip in screen._compositor.render_strips():
                for segment in strip:
                    if segment.text.strip() == text and segment.style:
                        return segment.style.color.triplet.hex
            raise AssertionError(f"{text!r} is not on screen")

        for theme in ("textual-light", "textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            assert drawn_colour() == app.get_css_variables()["text-success"].lower(), theme
        themes = {"textual-light": None, "textual-dark": None}
        for theme in themes:
            app.theme = theme
            await pilot.pause()
            themes[theme] = app.get_css_variables()["text-success"]
        assert themes["textual-light"] != themes["textual-dark"]  # else the test proves nothing


async def test_a_pause_survives_a_crash_and_resume_into_the_report(packset, store, clock):
    """Paused 30 s in the app, then the process dies; the resumed interview, graded as it
    stands, still reports the pause."""
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.tui.screens.mock_review import PauseScreen
    from qkv_drill.tui.screens.report import ReportScreen
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    settings = MockSettings(minutes=2, questions=4, seed=7, allow_pause=True)
    session = MockSession.create(packset, store, settings, clock)
    app = Host(lambda: MockScreen(session))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock.advance(10)
        await tick(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PauseScreen)
        clock.advance(30)
        await tick(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert not session.paused
    # The process is gone: only the store is left.
    app = Host(lambda: ResumeMockScreen(store, packset, clock=clock))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await wait_for_report(app, pilot)
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.report.pauses == [pytest.approx(30)]
        assert "paused 1x, 0:30 in all" in shown_flat(app)


async def test_g_after_grading_does_not_grade_the_same_answer_again(packset, store, clock):
    """The headline says "g opens the next one": once an answer is graded, the next g moves on
    (here: there is none left) instead of grading the answer just graded a second time."""
    from qkv_drill.tui.screens.report import ReportScreen, RubricGrader

    report = finished_report(packset, store)
    app = Host(lambda: ReportScreen(report, store))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")  # opens the open answer's rubric
        await pilot.pause()
        await pilot.press("g")  # grades it
        await settle(pilot)
        assert report.pending == []
        (button,) = app.screen.query(".grade-button").results(Button)
        assert str(button.label) == "Graded: grade again"  # no longer "Grade this answer"
        focused = app.screen.focused
        assert focused is None or not any(isinstance(a, RubricGrader) for a in focused.ancestors)
        app.clear_notifications()
        await pilot.press("g")
        await settle(pilot)
        assert [n.message for n in app._notifications] == ["There are no open answers to grade."]
