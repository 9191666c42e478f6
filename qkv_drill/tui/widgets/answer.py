"""Answer widgets that fit the question type, and the live "parses as ..." line."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input, OptionList

from qkv_drill.tui.widgets.ticks import TickList

LETTERS = "abcdefghij"

PLACEHOLDERS = {
    "numeric": "a number or expression, e.g. 64, 512/8, 1/sqrt(64)",
    "shape": "a shape, e.g. (2, 10, 64)",
    "matrix": "rows separated by ';', e.g. 0.25 0.75; 0.5 0.5",
}


def _letter_bindings(prefix: str, verb: str) -> list[BindingType]:
    return [
        Binding(k, f"pick({i})", f"{verb} {k}", show=False, id=f"{prefix}.{k}")
        for i, k in enumerate(LETTERS[:6])
    ]


class ChoiceList(OptionList):
    """Options labelled a), b) ...; a letter key moves to that option, enter submits it."""

    BINDINGS: ClassVar[list[BindingType]] = _letter_bindings("choice", "Pick")

    def action_pick(self, index: int) -> None:
        if index < self.option_count:
            self.highlighted = index


class MultiSelect(TickList[int]):
    """A SelectionList where space or a letter toggles and enter submits (multi, rubrics)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit", tooltip="Submit what is ticked", id="multi.submit"),
        *_letter_bindings("multi", "Tick"),
    ]

    def action_pick(self, index: int) -> None:
        if index < self.option_count:
            self.toggle(self.get_option_at_index(index).value)
            self.highlighted = index

    class Submitted(Message):
        """The user pressed enter on the list."""

        def __init__(self, widget: MultiSelect) -> None:
            super().__init__()
            self.widget = widget

        @property
        def control(self) -> MultiSelect:
            return self.widget

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))


def letters_for(indices: Any) -> str:
    """Selected option indices (0-based) as letters the checker accepts: "a c"."""
    return " ".join(LETTERS[i] for i in sorted(indices))


def describe_parsed(kind: str, value: Any) -> str:
    """A short confirmation of what was understood, so a typo is caught before submitting."""
    if kind == "shape":
        return (
            "parses as ("
            + ", ".join(str(int(v)) for v in value)
            + ("," if len(value) == 1 else "")
            + ")"
        )
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


class AnswerInput(Input):
    """One-line answer box; escape hands the keys back to the screen (n, s, h, r, d)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "leave", "Leave box", tooltip="Let h s r d work as keys", id="answer.leave"
        ),
    ]

    def action_leave(self) -> None:
        self.screen.set_focus(None)
