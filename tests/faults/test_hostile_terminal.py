"""A terminal squeezed to nothing mid-question, and a huge or control-laden paste into the answer
box (issue 9): the session, the typed text and the store survive, and the answer is refused
with a message rather than taking the app down."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.helpers.tui import goto, make_app, open_practice, rows, settle


async def test_a_terminal_squeezed_to_1x1_and_back_keeps_the_question_and_the_typed_text():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        await goto(pilot, "tui.head-dim")
        instance = screen.instance
        box = screen.query_one("#answer-input", Input)
        await pilot.press("1", "2")
        for size in ((1, 1), (10, 5), (2, 40), (200, 1), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert app.size == size
            assert screen.instance is instance and screen.phase == "asking"
            assert box.value == "12"
        assert rows(app) == []


async def test_home_and_the_help_screen_at_1x1_do_not_crash():
    app = make_app()
    async with app.run_test(size=(1, 1)) as pilot:
        await settle(pilot)
        for keys in (("k",), ("escape", "s"), ("escape", "question_mark"), ("escape",)):
            await pilot.press(*keys)
            await settle(pilot)
        await pilot.resize_terminal(10, 5)
        await settle(pilot)
        assert app.is_running


async def test_a_10_mb_paste_with_control_characters_is_refused_and_nothing_is_stored():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        await goto(pilot, "tui.head-dim")
        box = screen.query_one("#answer-input", Input)
        box.post_message(events.Paste("12"))
        await settle(pilot)
        assert box.value == "12"  # an ordinary paste still pastes
        box.post_message(events.Paste("\x1b]52;c;ZXZp\x07" + "9" * 10_000_000 + "\x00\x9b2J"))
        await settle(pilot)
        assert box.value == "12"
        assert any("Not pasted" in str(n.message) for n in app._notifications)
        await pilot.press("enter")
        await settle(pilot)
        assert len(rows(app)) == 1  # the answer typed before the paste, nothing else
