"""An answer box stops at the longest answer it can hand in and says so: it never holds text
that would be refused later ("that answer is too long"), and a huge paste is turned away before
the box lays it out."""

from __future__ import annotations

import time

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from qkv_drill.answers.parse import Ok, parse_answer
from qkv_drill.packs.limits import MAX_ANSWER_CHARS
from qkv_drill.tui.widgets.answer import (
    MAX_AREA_CHARS,
    AnswerArea,
    AnswerInput,
    CodeEditor,
    MatrixInput,
)


class Boxes(App[None]):
    def compose(self) -> ComposeResult:
        yield AnswerArea(id="text", soft_wrap=True)
        yield MatrixInput(id="matrix")
        yield CodeEditor.code_editor(id="code")
        yield AnswerInput(id="line")


# A terminal's paste reaches the app, which hands it to the focused box (posted to the box
# itself, it would also bubble up to the app and be handed over a second time).


def told(app: App[None]) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_typing_into_a_full_text_box_stops_at_the_limit_and_says_so_once():
    app = Boxes()
    async with app.run_test(size=(80, 30)) as pilot:
        box = app.query_one("#text", AnswerArea)
        box.focus()
        box.load_text("x" * (MAX_ANSWER_CHARS - 1))
        box.move_cursor(box.document.end)
        await pilot.press("a", "b", "c", "enter")
        await pilot.pause()
        assert len(box.text) == MAX_ANSWER_CHARS and box.text.endswith("xa")
        full = [m for m in told(app) if m.startswith("The box is full")]
        assert full == [f"The box is full: it takes at most {MAX_ANSWER_CHARS:,} characters."]
        assert parse_answer("text", box.text) == Ok(box.text.strip())  # handed in as it is
        await pilot.press("backspace", "z")
        await pilot.pause()
        assert box.text.endswith("xz")


async def test_a_paste_past_the_limit_is_refused_whole_and_the_box_keeps_its_text():
    app = Boxes()
    async with app.run_test(size=(80, 30)) as pilot:
        box = app.query_one("#text", AnswerArea)
        box.focus()
        box.load_text("typed so far ")
        box.move_cursor(box.document.end)
        app.post_message(events.Paste("y" * MAX_ANSWER_CHARS))
        await pilot.pause()
        assert box.text == "typed so far "
        assert any(
            m.startswith("Not pasted: the answer would be 10,013 characters") for m in told(app)
        )
        app.post_message(events.Paste("fits"))  # an ordinary paste still pastes
        await pilot.pause()
        assert box.text == "typed so far fits"
        box.select_all()  # pasting over a selection replaces it: the selection does not count
        app.post_message(events.Paste("z" * MAX_ANSWER_CHARS))
        await pilot.pause()
        assert box.text == "z" * MAX_ANSWER_CHARS


async def test_the_matrix_box_takes_what_the_parser_reads_not_ten_times_more():
    """It took 100,000 characters, and an answer over 10,000 was then refused on submit."""
    app = Boxes()
    async with app.run_test(size=(80, 30)) as pilot:
        box = app.query_one("#matrix", MatrixInput)
        box.focus()
        rows = "1 0; " * 2_500  # 12,500 characters
        app.post_message(events.Paste(rows))
        await pilot.pause()
        assert box.text == ""
        box.load_text("1" * MAX_ANSWER_CHARS)
        box.move_cursor(box.document.end)
        await pilot.press("ctrl+j", "2")
        await pilot.pause()
        assert box.text == "1" * MAX_ANSWER_CHARS  # no new row past the limit either
        assert any(m.startswith("The box is full") for m in told(app))


async def test_the_code_editor_takes_a_whole_file_and_its_enter_stops_at_the_limit():
    app = Boxes()
    async with app.run_test(size=(80, 30)) as pilot:
        editor = app.query_one("#code", CodeEditor)
        editor.focus()
        app.post_message(events.Paste("#" * (MAX_ANSWER_CHARS * 2)))  # beyond a typed answer
        await pilot.pause()
        assert len(editor.text) == MAX_ANSWER_CHARS * 2
        editor.load_text("def f():" + " " * (MAX_AREA_CHARS - 9))
        editor.move_cursor(editor.document.end)
        await pilot.press("enter")  # a new line and an indent would not fit
        await pilot.pause()
        assert len(editor.text) == MAX_AREA_CHARS - 1
        await pilot.press("x", "y")
        await pilot.pause()
        assert len(editor.text) == MAX_AREA_CHARS


async def test_a_10_mb_paste_into_any_box_is_refused_at_once():
    app = Boxes()
    async with app.run_test(size=(80, 30)) as pilot:
        huge = "\x1b]52;c;ZXZp\x07" + "9" * 10_000_000 + "\n" + "8" * 10
        for name in ("#text", "#matrix", "#code", "#line"):
            box = app.query_one(name)
            box.focus()
            began = time.process_time()
            app.post_message(events.Paste(huge))
            await pilot.pause()
            assert time.process_time() - began < 5  # laid out, it took minutes
            held = box.text if isinstance(box, TextArea) else box.value
            assert held == "", name
        assert sum(m.startswith("Not pasted") for m in told(app)) == 4


async def test_the_one_line_box_says_so_when_typing_reaches_its_limit():
    app = Boxes()
    async with app.run_test(size=(80, 30)) as pilot:
        box = app.query_one("#line", AnswerInput)
        box.value = "1" * MAX_ANSWER_CHARS
        box.focus()
        await pilot.pause()
        box.action_end()  # focusing selected the whole value
        await pilot.press("2")
        await pilot.pause()
        assert box.value == "1" * MAX_ANSWER_CHARS
        assert any(m.startswith("The box is full") for m in told(app))
