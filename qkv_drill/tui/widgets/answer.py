"""Typed answer boxes (one line, or a matrix row by row) and the live "parses as ..." line.

Choices have their own widget (`choices.ChoiceField`); these boxes own every key while they have
focus, and escape hands the keys back to the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea
from textual.widgets.text_area import EditResult, Location

from qkv_drill.packs.limits import MAX_ANSWER_CHARS
from qkv_drill.present.formats import option_letters, shape_tuple
from qkv_drill.present.forms import answer_placeholder
from qkv_drill.tui.widgets.choices import LETTERS, ChoiceField, SaveNextChoices
from qkv_drill.tui.widgets.literal import literal

if TYPE_CHECKING:
    from qkv_drill.packs.instance import Instance
    from qkv_drill.packs.preview import Preview

OPEN_KINDS = frozenset({"text", "code"})  # answered in a multi-line text area
CHOICE_KINDS = frozenset({"choice", "multi"})

MATRIX_PLACEHOLDER = "one row per line (ctrl+j or shift+enter: new row) or rows split by ';'"
"""The matrix box says how its keys make rows, which a one-line form cannot."""


def describe_parsed(kind: str, value: Any) -> str:
    """A short confirmation of what was understood, so a typo is caught before submitting.
    Free text and code are taken as typed: echoing them back would confirm nothing."""
    if kind in OPEN_KINDS:
        return ""
    if kind == "shape":
        return "parses as " + shape_tuple(value)
    if kind == "numeric":
        x = float(value)
        text = str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:.6g}"
        return f"parses as {text}"
    if kind == "matrix":
        shape = getattr(value, "shape", None)
        if shape is not None:
            dims = " x ".join(str(s) for s in shape)
            return (
                f"parses as a {dims} matrix" if len(shape) == 2 else f"parses as a vector of {dims}"
            )
    return f"parses as {value!r}"


def live_parse(kind: str, text: str, n_options: int | None = None) -> tuple[bool, str]:
    """(ok, message) for the status line under the answer box; empty text says what is expected."""
    try:
        from qkv_drill.answers.parse import parse_answer
    except ImportError:
        return True, ""
    if not text.strip():
        return True, ""
    result = parse_answer(kind, text, n_options)
    if hasattr(result, "value") and not hasattr(result, "message"):
        return True, describe_parsed(kind, result.value)
    return False, str(getattr(result, "message", result))


class AnswerStatus(Static):
    """The line under the answer box: what the draft reads as, why it cannot be read, or which
    keys work. `-ok` and `-error` colour it; the text is shown literally."""

    def say(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        self.set_class(error, "-error")
        self.set_class(ok, "-ok")
        self.update(literal(text))


def letter_keys(n_options: int) -> str:
    """The letters that pick one of `n_options` options: `a-c` for three, never a letter the
    list does not have (a later option is picked with the cursor)."""
    last = min(n_options, len(LETTERS)) - 1
    return "a" if last <= 0 else f"a-{LETTERS[last]}"


def redraw_words(kind: str) -> str:
    """What `r` does: computed questions get new numbers; the others are simply asked again
    (options reshuffled where the pack allows)."""
    return "new numbers" if kind in ("numeric", "shape", "matrix") else "ask again"


def _picks(kind: str) -> str:
    return "ticks" if kind == "multi" else "picks"


def _free_keys(n_options: int) -> str:
    """In a choice list h, s and r act at once unless an option's letter is one of them (h is
    the eighth letter): then that key needs esc first."""
    taken = set(LETTERS[: min(n_options, len(LETTERS))])
    acting = [f"{k} {what}" for k, what in _LIST_KEYS if k not in taken]
    freed = [f"{k} {what}" for k, what in _LIST_KEYS if k in taken]
    said = " · ".join(acting)
    return f"{said} · esc frees {', '.join(freed)}" if freed else said


_LIST_KEYS = (("h", "hint"), ("s", "skip"), ("r", "ask again"))


def practice_keys(kind: str, n_options: int = 0) -> str:
    """Practice, nothing typed yet: how to hand in, and how to free the keys for h, s and r."""
    if kind == "text":
        return "ctrl+s submits · esc frees the keys: h hint, s skip, r ask again"
    if kind in CHOICE_KINDS:
        return f"{letter_keys(n_options)} {_picks(kind)} · enter submits · {_free_keys(n_options)}"
    if kind == "matrix":
        return "enter submits · ctrl+j new row · esc frees the keys: h hint, s skip"
    return "enter submits · esc frees the keys: h hint, s skip, r new numbers"


def mock_keys(kind: str, n_options: int = 0) -> str:
    """The mock, nothing saved yet: how an answer is saved and how to move on."""
    if kind == "code":
        return "Write the function; ctrl+s saves, ctrl+n moves on."
    if kind in OPEN_KINDS:
        return "Answer as you would out loud; ctrl+s saves, ctrl+n moves on."
    if kind in CHOICE_KINDS:
        return (
            f"{letter_keys(n_options)} or space {_picks(kind)} (saved at once) · "
            "enter moves on · ctrl+f flags"
        )
    return "enter saves and moves on · ctrl+n/ctrl+b move · ctrl+f flags · ctrl+e review"


# The most a box takes is what will be accepted from it, never more: a typed answer (text, a
# matrix, one line) is read up to MAX_ANSWER_CHARS (answers/parse.py refuses longer ones), code up
# to an exercise's whole file (exercises.runner.MAX_CODE_CHARS; not imported here, it brings numpy).
MAX_AREA_CHARS = 100_000
"""The code editor's limit."""


def refuse_paste(widget: Widget, event: events.Paste, pasted: int, limit: int) -> bool:
    """Refuse (with a notification) a paste that would take the box past `limit` characters:
    a 10 MB paste froze the app for minutes while the box laid it out, and no answer is that long.
    The box keeps what it held. Returns True when refused; the box's own paste handler then
    never runs."""
    if pasted <= limit:
        return False
    event.prevent_default()
    event.stop()
    tell_too_long(widget, pasted, limit, pasting=True)
    return True


def tell_too_long(widget: Widget, length: int, limit: int, *, pasting: bool) -> None:
    """Say why the box did not take the text: it would be refused when handed in."""
    if pasting:
        message = (
            f"Not pasted: the answer would be {length:,} characters, and this box takes at "
            f"most {limit:,}."
        )
    else:
        message = f"The box is full: it takes at most {limit:,} characters."
    widget.app.notify(message, severity="warning", timeout=4)


class AnswerInput(Input):
    """One-line answer box; escape hands the keys back to the screen (n, s, h, r, d)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "leave",
            "Leave box",
            tooltip="Hand the keys back to the screen (? lists them)",
            id="answer.leave",
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_length = MAX_ANSWER_CHARS  # typing past it is refused like any restricted key

    def _kept(self) -> int:
        """Characters that stay when the selection is replaced."""
        start, end = sorted(self.selection)
        return len(self.value) - (end - start)

    def _on_paste(self, event: events.Paste) -> None:
        if len(event.text) + self._kept() > MAX_ANSWER_CHARS:
            line = event.text.splitlines()[0] if event.text else ""  # what Input would paste
            refuse_paste(self, event, len(line) + self._kept(), MAX_ANSWER_CHARS)

    def restricted(self) -> None:
        """A key refused because the box is full: say so instead of only ringing the bell."""
        super().restricted()
        if len(self.value) >= MAX_ANSWER_CHARS:
            tell_too_long(self, len(self.value) + 1, MAX_ANSWER_CHARS, pasting=False)

    def action_leave(self) -> None:
        self.screen.set_focus(None)


class AnswerArea(TextArea):
    """A text area that stops at the longest answer it can hand in (`MAX_CHARS`), and draws
    nothing once it is taken off the screen.

    Typing stops at the limit and a paste that would pass it is refused whole, each with a
    notification: the box never holds text that would be refused when handed in, and a 10 MB
    paste is turned away before the box lays it out. Swapping questions removes the old box; a
    repaint that comes between its removal and the next layout would draw it with its styles
    already cleared, which raises inside Textual and stops the app. A removed box has nothing to
    show, so it draws blank lines.
    """

    MAX_CHARS: ClassVar[int] = MAX_ANSWER_CHARS
    _told_full = False

    async def _on_paste(self, event: events.Paste) -> None:
        if not self.read_only:
            kept = len(self.text) - len(self.selected_text)
            refuse_paste(self, event, len(event.text) + kept, self.MAX_CHARS)

    def _replace_via_keyboard(
        self, insert: str, start: Location, end: Location
    ) -> EditResult | None:
        """Every keyboard edit (typed keys, enter, tab, a paste, ctrl+v) passes here: one that
        would take the box past its limit is refused whole and said."""
        if self.read_only or not insert:
            return super()._replace_via_keyboard(insert, start, end)
        length = len(self.text) - len(self.get_text_range(start, end)) + len(insert)
        if length <= self.MAX_CHARS:
            self._told_full = False
            return super()._replace_via_keyboard(insert, start, end)
        pasting = len(insert) > 1 and not insert.isspace()  # (an indent or a new row is typed)
        if pasting or not self._told_full:  # a key held down says it once
            tell_too_long(self, length, self.MAX_CHARS, pasting=pasting)
        self._told_full = not pasting
        return None

    def insert_typed(self, text: str) -> None:
        """Insert `text` at the cursor as a typed key does, within the limit (ctrl+j's new
        row, the editor's indented enter)."""
        if result := self._replace_via_keyboard(text, *self.selection):
            self.move_cursor(result.end_location)

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self.is_attached:
            return [Strip.blank(crop.width)] * crop.height
        return super().render_lines(crop)


class CodeEditor(AnswerArea):
    """A Python editor whose enter keeps the line's indentation, one level deeper after a
    line ending in `:`, as every code editor does; without it each body line starts at
    column 0 and has to be indented by hand. It takes an exercise's whole file."""

    MAX_CHARS: ClassVar[int] = MAX_AREA_CHARS

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            row, column = self.cursor_location
            before = self.document.get_line(row)[:column]
            indent = before[: len(before) - len(before.lstrip(" \t"))]
            if before.rstrip().endswith(":"):
                indent += " " * self.indent_width
            self.insert_typed("\n" + indent)
            return
        await super()._on_key(event)


class MatrixInput(AnswerArea):
    """A matrix typed as on paper: one row per line. Enter submits; ctrl+j or shift+enter
    starts the next row (terminals without the kitty protocol send shift+enter as enter, so
    ctrl+j is the key that works everywhere). `;` still separates rows on one line."""

    DEFAULT_CSS = """
    MatrixInput { height: auto; min-height: 3; max-height: 10; border: tall $border-blurred; }
    MatrixInput:focus { border: tall $border; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "leave",
            "Leave box",
            tooltip="Hand the keys back to the screen (? lists them)",
            id="matrix.leave",
        ),
    ]

    class Submitted(Message):
        """Enter in the box: hand in what is typed."""

        def __init__(self, box: MatrixInput, value: str) -> None:
            super().__init__()
            self.box = box
            self.value = value

        @property
        def control(self) -> MatrixInput:
            return self.box

    def __init__(self, *, placeholder: str = "", **kwargs: Any) -> None:
        super().__init__(soft_wrap=False, show_line_numbers=False, tab_behavior="focus", **kwargs)
        self.placeholder = placeholder

    @property
    def value(self) -> str:
        return self.text

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in ("ctrl+j", "shift+enter"):
            event.stop()
            event.prevent_default()
            self.insert_typed("\n")
            return
        await super()._on_key(event)

    def action_leave(self) -> None:
        self.screen.set_focus(None)


def answer_widget(instance: Instance | Preview, *, mock: bool = False) -> Widget:
    """The widget that fits the question type (shared with the mock through `ChoiceField`).
    In the mock nothing is submitted before the hand-in: a pick is saved at once, enter moves on
    to the next question and ctrl+s saves."""
    kind = instance.question.type
    if kind in ("choice", "multi"):
        field = (SaveNextChoices if mock else ChoiceField)(
            instance.options, multiple=kind == "multi", id="answer-choice"
        )
        then = "enter moves on" if mock else "enter submits once picked"
        field.border_title = (
            f"{letter_keys(len(instance.options))} or space {_picks(kind)} · {then}"
        )
        return field
    if kind == "text":
        area = AnswerArea(id="answer-text", soft_wrap=True, show_line_numbers=False)
        keys = "ctrl+s saves" if mock else "ctrl+s submits"
        area.border_title = f"Say it as in an interview · {keys}"
        return area
    if kind == "code":  # the mock's editor; practice opens the code screen instead
        python = "python" if "python" in TextArea().available_languages else None
        editor = CodeEditor.code_editor(id="answer-text", language=python, soft_wrap=False)
        editor.border_title = "Your code · ctrl+s saves"
        return editor
    if kind == "matrix":
        return MatrixInput(placeholder=MATRIX_PLACEHOLDER, id="answer-matrix")
    return AnswerInput(placeholder=answer_placeholder(kind), id="answer-input")


def answer_in(box: Widget) -> Widget | None:
    """The answer widget mounted in `box` (a screen's `#answer-box`), if one is there yet."""
    return box.children[0] if box.children else None


def keep_status_in_view(answer: Widget | None, body: Widget, status: Widget) -> None:
    """A matrix box grows a row at a time: after the repaint, `body` scrolls the status line
    under it into view, so a new row never slides under the fold."""
    if isinstance(answer, MatrixInput):
        status.screen.call_after_refresh(
            body.scroll_to_widget, status, animate=False, immediate=True
        )


def typed_text(widget: Widget | None) -> str | None:
    """What an answer widget holds, as the text the checker reads; None if nothing to read."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, ChoiceField):
        return option_letters(widget.picked) if widget.picked else ""
    return None


def fill_answer(widget: Widget, kind: str, text: str | None, n_options: int) -> None:
    """Put a saved answer (or a draft) back into a freshly mounted answer widget: the inverse
    of `typed_text`."""
    if not text:
        return
    if isinstance(widget, ChoiceField):
        from qkv_drill.answers.parse import Ok, parse_answer

        parsed = parse_answer(kind, text, n_options)
        if isinstance(parsed, Ok):
            value = parsed.value
            widget.set_picked(value if isinstance(value, frozenset) else {int(value)})
    elif isinstance(widget, Input):
        widget.value = text
    elif isinstance(widget, TextArea):
        widget.text = text
