"""A yes/no dialog for irreversible steps (end the interview, leave ungraded answers, discard).

It says which key does what, and enter alone does nothing: no button has focus, so a habitual
enter can neither end an interview nor be read as "keep going" by accident.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from qkv_drill.tui.keys import reworded
from qkv_drill.tui.screens.base import KeysModal


class ConfirmScreen(KeysModal[bool]):
    """y does it, n or escape goes back; the buttons say the same for the mouse, and `?` names
    both keys by the buttons' own words."""

    AUTO_FOCUS = ""  # nothing: enter alone must not press a button
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #confirm-box {
        width: 64; max-width: 95%; height: auto; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    ConfirmScreen #confirm-question { height: auto; margin-bottom: 1; }
    ConfirmScreen #confirm-keys { height: auto; margin-bottom: 1; color: $text-muted; }
    ConfirmScreen #confirm-buttons { height: auto; align-horizontal: right; }
    ConfirmScreen #confirm-buttons Button { margin-left: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", tooltip="Confirm", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", tooltip="Go back", id="confirm.no"),
    ]

    def __init__(
        self, question: str, yes: str, no: str, *, yes_tip: str = "", no_tip: str = ""
    ) -> None:
        """`yes` and `no` label the buttons, and name the keys in `?` (with the tips)."""
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        words = {"confirm.yes": (yes, yes_tip), "confirm.no": (no, no_tip)}
        self._bindings = reworded(self._bindings, words)
        self.HELP_TITLE = f"{yes} or {no[:1].lower()}{no[1:]}"  # "Keys: Discard or keep it"

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.question), id="confirm-question")
            yield Static(
                Text.assemble(
                    ("y", "bold"),
                    f" {self.yes.lower()}   ·   ",
                    ("n", "bold"),
                    " or ",
                    ("esc", "bold"),
                    f" {self.no.lower()}",
                ),
                id="confirm-keys",
            )
            with Horizontal(id="confirm-buttons"):
                yield Button(Text(f"{self.yes} (y)"), id="confirm-yes", variant="error")
                yield Button(Text(f"{self.no} (n)"), id="confirm-no", variant="primary")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
