"""The rows of the screen go to what the user works in: the code editor takes what the prompt,
its status line and the footer leave (no empty rows under it), in practice and in the mock, from
60x20 to 100x30; a check run's report shows beside the editor instead of below the fold."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from qkv_drill.tui.widgets.footer import KeyFooter
from tests.helpers import REPO
from tests.helpers.tui import make_app, on_screen, settle

SIZES = [(80, 24), (100, 30), (60, 20)]
IMPLEMENT = REPO / "questions" / "implement.yaml"
SEED = 1


def longest_numpy_exercise():
    """The shipped numpy exercise with the longest prompt (numpy: its check child starts fast)."""
    from qkv_drill.packs.loader import load_packs

    packset = load_packs([IMPLEMENT], include_shipped=False, include_user=False)
    exercises = [
        q for q in packset.questions.values() if q.code is not None and q.code.language == "numpy"
    ]
    return max(exercises, key=lambda q: len(q.prompt))


async def until(pilot, ready, tries: int = 50) -> None:
    for _ in range(tries):
        await pilot.pause()
        if ready():
            return
    raise AssertionError("the screen never got ready")


async def code_screen(pilot):
    """Practice opens the code screen on the longest numpy exercise."""
    from qkv_drill.packs.instance import draw
    from qkv_drill.tui.screens.question import PracticeScreen

    app = pilot.app
    await until(pilot, lambda: app.ready)
    app.action_go("practice")
    await until(pilot, lambda: any(isinstance(s, PracticeScreen) for s in app.screen_stack))
    await settle(pilot)
    (practice,) = (s for s in app.screen_stack if isinstance(s, PracticeScreen))
    while app.screen is not practice:  # whichever question came first
        app.pop_screen()
        await pilot.pause()
    await practice._show_instance(draw(longest_numpy_exercise(), SEED))
    await until(pilot, lambda: isinstance(app.focused, TextArea))
    await settle(pilot)
    return app.screen


def rows_between(upper, lower) -> int:
    return lower.region.y - upper.region.bottom


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_code_editor_takes_the_rows_the_prompt_leaves(size):
    app = make_app(packs=[IMPLEMENT], include_user=False, seed=SEED)
    async with app.run_test(size=size) as pilot:
        code = await code_screen(pilot)
        editor = code.query_one("#code-editor", TextArea)
        sentence = code.query_one("#code-prompt").children[0]  # "Write f(...) in numpy: ..."
        status = code.query_one("#code-status")
        footer = code.query_one(KeyFooter)
        assert app.focused is editor
        for widget in (sentence, editor, footer):
            assert on_screen(widget), widget
        assert footer.region.bottom == size[1]
        # only the status line between the editor and the footer: no empty rows
        assert rows_between(editor, footer) <= 1, (editor.region, footer.region)
        assert status.region.y >= editor.region.bottom
        assert status.region.bottom <= footer.region.y
        assert editor.region.height >= 7  # five lines of code and the border, at least


async def test_a_check_run_shows_its_verdict_beside_the_editor():
    app = make_app(packs=[IMPLEMENT], include_user=False, seed=SEED)
    async with app.run_test(size=(60, 20)) as pilot:
        code = await code_screen(pilot)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: code.report is not None and code.phase == "editing", 400)
        await settle(pilot)
        report = code.query_one("#code-report")
        editor = code.query_one("#code-editor", TextArea)
        assert app.focused is editor
        assert on_screen(editor)
        assert on_screen(code.query_one("#code-status"))
        verdict_row = report.region.y
        assert report.region.height > 0
        assert code.query_one("#code-body").region.contains(report.region.x + 2, verdict_row)
        assert verdict_row < code.query_one(KeyFooter).region.y
        assert editor.region.height >= 5


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_mock_code_editor_takes_the_rows_the_prompt_leaves(size):
    from qkv_drill.packs.instance import draw
    from qkv_drill.session.mock import MockSession
    from qkv_drill.tui.screens.mock import MockScreen
    from qkv_drill.tui.widgets.answer import AnswerStatus
    from qkv_drill.tui.widgets.prompt import PromptView

    app = make_app(packs=[IMPLEMENT], include_user=False, seed=SEED)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.ready)
        mock_id = app.store.create_mock("{}", SEED, 600.0, "[]")
        instance = draw(longest_numpy_exercise(), SEED)
        session = MockSession(app.store, mock_id, [instance], 600.0, 0.0, app.clock, SEED)
        screen = MockScreen(session)
        app.push_screen(screen)
        await until(pilot, lambda: screen.is_mounted and isinstance(app.focused, TextArea))
        await settle(pilot)
        editor = screen.query_one("#answer-box").children[0]
        sentence = screen.query_one(PromptView).ask.children[0]
        status = screen.query_one(AnswerStatus)
        footer = screen.query_one(KeyFooter)
        assert app.focused is editor
        for widget in (sentence, editor, status, footer):
            assert on_screen(widget), widget
        assert rows_between(editor, footer) <= 1, (editor.region, footer.region)
        assert editor.region.height >= 6


async def test_the_mock_status_line_wraps_instead_of_cutting(packset, store, clock):
    """Under the answer box the mock says which keys work, or why an answer was not saved: at
    60 columns that line wraps; it used to be one row, cut mid-word."""
    from tests.helpers.mock_screens import index_of, mock_app, new_session, show_question
    from tests.helpers.tui import shown_flat

    session = new_session(packset, store, clock)
    app = mock_app(session)
    async with app.run_test(size=(60, 20)) as pilot:
        await show_question(pilot, index_of(session, "numeric"))
        await settle(pilot)
        status = app.screen.query_one("#answer-status")
        said = " ".join(str(status.content).split())
        assert len(said) > 58  # longer than the row: the case this test is about
        assert said in shown_flat(app)
        await pilot.press(*"six", "enter")  # unreadable: not saved, and why
        await settle(pilot)
        said = " ".join(str(status.content).split())
        assert said.startswith("Not saved"), said
        assert said in shown_flat(app)
        assert on_screen(status)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_browser_search_hint_is_drawn_whole(app, size):
    from textual.widgets import Input

    from qkv_drill.tui.screens.browser import SEARCH_HINTS, BrowserScreen
    from tests.helpers.tui import press, screen_text

    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        assert isinstance(app.screen, BrowserScreen)
        hint = app.screen.query_one("#browser-search", Input).placeholder
        assert hint in screen_text(app)
        assert hint != SEARCH_HINTS[-1]  # the filters are named at either size
        if size == (80, 24):
            assert hint == SEARCH_HINTS[0]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_navigator_shows_the_current_question_whole(packset, store, clock, size):
    """Thirty questions: the navigator's cells wrap at its width (they ran off the right edge,
    the 10th to 15th at 60 columns) and the current one stays in its two rows."""
    from qkv_drill.packs.instance import draw
    from qkv_drill.session.mock import MockSession
    from qkv_drill.tui.widgets.navigator import NavCell, Navigator
    from tests.helpers.mock_screens import mock_app

    questions = sorted(packset.questions.values(), key=lambda q: q.id)
    instances = [draw(q, seed) for seed in range(8) for q in questions][:30]
    mock_id = store.create_mock("{}", 1, 3600.0, "[]")
    session = MockSession(store, mock_id, instances, 3600.0, 0.0, clock, 1)
    app = mock_app(session)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        navigator = app.screen.query_one(Navigator)
        for index in (0, 11, 14, 22, 29):
            await app.screen.go_to(index)
            await settle(pilot)
            current = navigator.query_one(f"#nav-{index}", NavCell)
            assert navigator.region.contains_region(current.region), (index, current.region)
            row = [c for c in navigator.query(NavCell) if c.region.y == current.region.y]
            for cell in row:
                assert navigator.region.contains_region(cell.region), (cell.index, cell.region)
