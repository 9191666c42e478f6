"""`?` (or F1): the keys that work right now on the screen below, read from its live bindings.

Nothing here is a hand-kept list: the rows come from `Screen.active_bindings`, which already
asks each screen's `check_action`, so a key that is off at this moment (say `n` before an answer)
is not listed, and a new binding appears without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.keys import key_to_character
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.screen import Screen

HIDDEN_ACTIONS = {
    "help",
    "app.help",
    "command_palette",
}  # help itself; the palette has its own line


@dataclass(frozen=True)
class KeyRow:
    keys: str
    label: str
    tip: str
    where: str  # "screen", "focused", "outside" (typed by the focused box) or "app"


def key_rows(screen: Screen[Any]) -> list[KeyRow]:
    """The enabled bindings of `screen` at this moment, one row per action, screen's first."""
    app = screen.app
    rows: dict[tuple[str, str], KeyRow] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not active.enabled or binding.action in HIDDEN_ACTIONS or binding.system:
            continue
        node = active.node
        where = "app" if node is app else "screen" if node is screen else "focused"
        ident = (where, binding.action)
        shown = app.get_key_display(binding) if key == binding.key else key
        label = binding.description or binding.action.replace("_", " ")
        old = rows.get(ident)
        if old is not None:
            rows[ident] = KeyRow(f"{old.keys}, {shown}", old.label, old.tip, where)
        else:
            rows[ident] = KeyRow(shown, label, binding.tooltip or "", where)
    order = {"screen": 0, "outside": 1, "focused": 2, "app": 3}
    every = [*rows.values(), *typed_away(screen)]
    return sorted(every, key=lambda r: order[r.where])


def typed_away(screen: Screen[Any]) -> list[KeyRow]:
    """The screen's keys that the focused box takes as typing (the mock's `]`, `[` and `f`):
    they work after escape, so they are listed apart rather than left out."""
    focused = screen.focused
    if focused is None:
        return []
    rows: dict[str, KeyRow] = {}
    for key, binding in screen._bindings:
        if not focused.check_consume_key(key, key_to_character(key)):
            continue
        _, action, params = parse_action(binding.action)
        if action in HIDDEN_ACTIONS or not screen.check_action(action, params):
            continue
        shown = screen.app.get_key_display(binding)
        old = rows.get(action)
        keys = f"{old.keys}, {shown}" if old is not None else shown
        label = binding.description or action.replace("_", " ")
        rows[action] = KeyRow(keys, label, binding.tooltip or "", "outside")
    return list(rows.values())


TITLES = {
    "screen": "On this screen",
    "outside": "After escape (in the box these keys type)",
    "focused": "In the focused box",
    "app": "Everywhere",
}


def keys_table(rows: list[KeyRow]) -> Group:
    """One titled table per place a key comes from, the key column the same width in each."""
    key_width = min(18, max((len(r.keys) for r in rows), default=4))
    parts: list[Text | Table] = []
    for where in TITLES:
        group = [r for r in rows if r.where == where]
        if not group:
            continue
        if parts:
            parts.append(Text(""))
        parts.append(Text(TITLES[where], style="bold underline"))
        table = Table(box=None, show_header=False, pad_edge=False, expand=True, padding=(0, 1))
        table.add_column("key", style="bold", no_wrap=True, width=key_width)
        table.add_column("what", ratio=1)
        for row in group:
            what = Text(row.label, style="bold")
            if row.tip and row.tip != row.label:
                what.append(f"  {row.tip}", style="dim")
            table.add_row(Text(row.keys, style="bold"), what)
        parts.append(table)
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """Keys for the screen it was opened from; any of escape, ? or q closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help-box { width: 76; max-width: 100%; height: auto; max-height: 100%;
                border: round $accent; background: $surface; padding: 0 1; }
    #help-keys { height: auto; max-height: 18; }
    #help-foot { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q,f1", "close", "Close", id="help.close"),
    ]

    def __init__(self, under: Screen[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.under = under
        self.rows = key_rows(under)

    def compose(self) -> ComposeResult:
        name = getattr(self.under, "HELP_TITLE", None) or type(self.under).__name__.removesuffix(
            "Screen"
        )
        with Vertical(id="help-box") as box:
            box.border_title = f"Keys: {name}"
            with VerticalScroll(id="help-keys"):
                yield Static(keys_table(self.rows), id="help-table")
            yield Static(
                "Keys that work right now. While you type in an answer box, letters go "
                "into the box: press escape first. escape closes.",
                id="help-foot",
            )

    def action_close(self) -> None:
        self.dismiss(None)
