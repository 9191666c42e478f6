"""What was typed last is never dropped without saying so.

In the mock, moving to another question saves an edited answer, as it saves a first one. What
cannot be saved (it cannot be read as an answer) stays a draft: the review before hand-in shows
it as typed and not saved, and hand-in asks before dropping it, naming the question, the text and
what is graded instead. In practice, where moving on without handing in is a skip, skipping,
drawing again or leaving says what typed text it drops.
"""

from __future__ import annotations

import pytest

from qkv_drill.tui.screens.mock import MockScreen
from qkv_drill.tui.screens.mock_review import MockReviewScreen
from qkv_drill.tui.widgets.confirm import ConfirmScreen
from qkv_drill.tui.widgets.navigator import Navigator
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
from tests.helpers.tui import make_app, open_practice, settle, shown_flat, type_answer

SIZE = (80, 24)


async def answered_then_edited(pilot, session, clock, edit: str) -> int:
    """Answer the numeric question, come back to it, and change its box to `edit` without
    saving; the draft checkpoint runs (typing paused). Returns the question's index."""
    i = index_of(session, "numeric")
    await show_question(pilot, i)
    await type_text(pilot, RIGHT_NUMERIC)
    await pilot.press("ctrl+s")
    await pilot.app.screen.go_to((i + 1) % len(session.instances))
    await pilot.app.screen.go_to(i)
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(RIGHT_NUMERIC))
    await type_text(pilot, edit)
    clock.advance(2)
    await tick(pilot)
    assert session.answers[i] == RIGHT_NUMERIC  # not saved yet
    return i


@pytest.mark.parametrize("move", ["ctrl+n", "navigator", "escape ]"])
async def test_moving_away_saves_an_edited_answer(packset, store, clock, move):
    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        i = await answered_then_edited(pilot, session, clock, "1024/16")
        if move == "navigator":
            app.screen.post_message(Navigator.Jump((i + 2) % len(session.instances)))
        else:
            await pilot.press(*move.split())
        await pilot.pause()
        assert session.index != i or move == "ctrl+n"  # (ctrl+n on the last stays, saved)
        assert session.answers[i] == "1024/16"
        assert i not in session.drafts
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "1024/16" in shown_flat(app)
        assert "not saved" not in shown_flat(app)


async def test_an_edit_that_cannot_be_read_is_shown_and_hand_in_asks(packset, store, clock):
    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        i = await answered_then_edited(pilot, session, clock, "512/")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, MockReviewScreen)
        shown = shown_flat(app)
        assert "typed, not saved: 512/" in shown
        assert "cannot be read, so dropped at hand-in (saved: 512/8)" in shown
        assert f"Typed last but cannot be read: {i + 1}." in shown

        await pilot.press("h")  # hand in: asked first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        asked = shown_flat(app)
        assert f"Question {i + 1}: what you typed last, 512/, cannot be read" in asked
        assert "the saved answer 512/8 is graded" in asked

        await pilot.press("n")  # fix it: back on that question, the typed text still there
        await pilot.pause()
        assert isinstance(app.screen, MockScreen)
        assert session.index == i
        assert app.screen.query_one("#answer-input").value == "512/"
        app.screen.query_one("#answer-input").focus()
        await type_text(pilot, "16")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert "not saved" not in shown_flat(app)
        await pilot.press("h")  # nothing left to ask about
        await wait_for_report(app, pilot)
        items = {item.idx: item for item in app.screen.report.items}
        assert items[i].user_answer == "512/16"


async def test_handing_in_anyway_grades_the_saved_answer_as_it_said(packset, store, clock):
    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    async with app.run_test(size=SIZE) as pilot:
        i = await answered_then_edited(pilot, session, clock, "512/")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("y")
        await wait_for_report(app, pilot)
        items = {item.idx: item for item in app.screen.report.items}
        assert items[i].user_answer == RIGHT_NUMERIC
        assert items[i].status == "correct"


async def test_typing_right_after_moving_twice_goes_into_the_box(packset, store, clock):
    """Moving on again before the last box took its focus: the next box still takes the keys
    (they went nowhere, or acted as single-key commands such as f for flag)."""
    session = new_session(packset, store, clock, minutes=10)
    app = mock_app(session)
    i = index_of(session, "numeric")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.screen.go_to((i + 1) % len(session.instances))
        await app.screen.go_to(i)  # at once, as a second ctrl+n or click does
        await pilot.pause()
        await type_text(pilot, "2f")
        assert app.screen.query_one("#answer-input").value == "2f"
        assert not session.flagged


@pytest.mark.parametrize("key", ["s", "r", "escape"])
async def test_practice_says_what_a_skip_redraw_or_leaving_drops(key):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_practice(pilot, {"multihead"})
        await type_answer(pilot, "511/8")
        await pilot.press("escape", key)  # out of the box, then the key
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert "Not handed in: 511/8" in told
