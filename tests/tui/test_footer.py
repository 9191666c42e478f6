"""The one-line key footer: the same hints and look as Textual's Footer, clicks press keys, and
it repaints only when the hints change."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Input, Static

from qkv_drill.tui.widgets.footer import KeyFooter


class Keys(App[None]):
    """Shown, hidden, disabled (d) and focus-dependent (an Input takes enter) bindings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "pressed('p')", "Practice", tooltip="Practise a question"),
        Binding("d", "pressed('d')", "Drill"),
        Binding("ctrl+o", "pressed('ctrl+o')", "Pause"),
        Binding("q", "pressed('q')", "Hidden", show=False),
        Binding("enter", "pressed('enter')", "Submit"),
        Binding("x,y", "pressed('x')", "Two keys"),
    ]

    def __init__(self, footer: Footer | KeyFooter, theme: str = "textual-dark") -> None:
        super().__init__()
        self.footer = footer
        self.pressed: list[str] = []
        self.chosen_theme = theme

    def compose(self) -> ComposeResult:
        yield Static("hello")
        yield Input(id="box")
        yield self.footer

    def on_mount(self) -> None:
        self.theme = self.chosen_theme

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if parameters == ("d",) else True  # None: shown, but dimmed

    def action_pressed(self, key: str) -> None:
        self.pressed.append(key)


async def footer_row(footer: Footer | KeyFooter, size, theme: str, box_focused: bool) -> list:
    """The bottom row as drawn on screen: (character, style) per cell."""
    app = Keys(footer, theme)
    async with app.run_test(size=size) as pilot:
        if not box_focused:
            app.set_focus(None)
        await pilot.pause()
        await pilot.pause()
        row = app.screen._compositor.render_strips()[-1]
        return [(ch, str(seg.style)) for seg in row for ch in seg.text]


# Widths where every hint fits: where they do not, Textual's Footer cuts them and this one
# makes room instead (test_hints_that_do_not_fit_make_room_and_the_help_key_stays).
@pytest.mark.parametrize(
    "compact,palette,width",
    [
        (False, True, 80),
        (False, True, 120),
        (True, False, 80),
        (True, True, 80),
        (True, True, 120),
    ],
)
async def test_the_row_is_textuals_footer_cell_for_cell(compact, palette, width):
    """Every hint, its colours, the dimmed (disabled) one and the palette key at the right end:
    what Textual's Footer draws, in both themes and both focus states
    (the Input hides the enter hint)."""
    for theme in ("textual-dark", "textual-light"):
        for box_focused in (True, False):
            theirs = await footer_row(
                Footer(compact=compact, show_command_palette=palette),
                (width, 5),
                theme,
                box_focused,
            )
            ours = await footer_row(
                KeyFooter(compact=compact, show_command_palette=palette),
                (width, 5),
                theme,
                box_focused,
            )
            assert "".join(c for c, _ in ours) == "".join(c for c, _ in theirs)
            assert ours == theirs, (theme, box_focused)


class KeysWithHelp(Keys):
    """Keys plus a `?` help binding listed last, as the app's own is."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *Keys.BINDINGS,
        Binding("question_mark", "help", "Keys", key_display="?"),
    ]

    def action_help(self) -> None:
        self.pressed.append("?")


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("width", [20, 30, 40, 50, 60])
async def test_hints_that_do_not_fit_make_room_and_the_help_key_stays(compact, width):
    """Too narrow for every hint: no hint is drawn in part, the palette's key goes first, then
    hints from the right end, and `?` (which lists every key) is always drawn."""
    footer = KeyFooter(compact=compact)
    app = KeysWithHelp(footer)
    async with app.run_test(size=(width, 5)) as pilot:
        app.set_focus(None)
        await pilot.pause()
        await pilot.pause()
        row = "".join(seg.text for seg in app.screen._compositor.render_strips()[-1])
        every = [f"{h.display} {h.description}" for h in footer.hints]
        assert footer.palette is not None and len(every) == 6
        shown = [text for text in every if text in row]
        assert "? Keys" in shown
        assert "palette" not in row  # nothing fits with it, so it makes room first
        # What is drawn is a run of whole hints from the left, then `?`, and nothing else.
        kept = shown[:-1]
        assert kept == every[: len(kept)]
        drawn = "".join(f" {t} " if not compact else f"{t} " for t in shown)
        assert row.rstrip() == drawn.rstrip()
        # The help key is reachable by a click where it is drawn.
        await pilot.click(KeyFooter, offset=(row.index("? Keys"), 0))
        assert app.pressed[-1] == "?"


async def test_hints_follow_focus_and_leave_hidden_bindings_out():
    app = Keys(KeyFooter())
    async with app.run_test(size=(100, 5)) as pilot:
        footer = app.footer
        assert isinstance(footer, KeyFooter)
        app.set_focus(None)
        await pilot.pause()
        await pilot.pause()
        shown = [(h.display, h.description, h.enabled) for h in footer.hints]
        assert shown == [
            ("p", "Practice", True),
            ("d", "Drill", False),
            ("^o", "Pause", True),
            ("⏎", "Submit", True),
            ("x", "Two keys", True),
        ]
        app.query_one("#box").focus()  # the Input takes enter and printable keys
        await pilot.pause()
        await pilot.pause()
        assert [h.description for h in footer.hints] == ["Pause"]


async def test_hints_are_read_when_the_screen_says_its_bindings_changed():
    """Not one refresh later (as Textual's Footer recomposes): they land in the same frame."""
    app = Keys(KeyFooter())
    async with app.run_test(size=(100, 5)) as pilot:
        footer = app.footer
        assert isinstance(footer, KeyFooter)
        await pilot.pause()
        assert [h.description for h in footer.hints] == ["Pause"]  # the Input has focus
        app.set_focus(None, scroll_visible=False)
        app.screen.bindings_updated_signal.publish(app.screen)
        assert "Submit" in [h.description for h in footer.hints]  # no await in between


async def test_a_click_on_a_hint_presses_its_key_and_a_dimmed_one_does_nothing():
    app = Keys(KeyFooter(show_command_palette=False))
    async with app.run_test(size=(100, 5)) as pilot:
        app.set_focus(None)
        await pilot.pause()
        await pilot.pause()
        footer = app.footer
        assert isinstance(footer, KeyFooter)
        row = "".join(c for c, _ in drawn_row(app))
        await pilot.click(KeyFooter, offset=(row.index("Pause"), 0))
        await pilot.click(KeyFooter, offset=(row.index("Two keys"), 0))
        await pilot.click(KeyFooter, offset=(row.index("Drill"), 0))  # disabled: a bell
        await pilot.click(KeyFooter, offset=(len(row) - 2, 0))  # past the last hint
        await pilot.pause()
        assert app.pressed == ["ctrl+o", "x"]


async def test_hovering_a_hint_shows_its_tooltip():
    app = Keys(KeyFooter())
    async with app.run_test(size=(100, 5)) as pilot:
        app.set_focus(None)
        await pilot.pause()
        await pilot.pause()
        row = "".join(c for c, _ in drawn_row(app))
        await pilot.hover(KeyFooter, offset=(row.index("Practice"), 0))
        assert app.footer.tooltip == "Practise a question"
        await pilot.hover(KeyFooter, offset=(row.index("Pause"), 0))
        assert app.footer.tooltip == "Pause"  # no tooltip given: its label


async def test_it_repaints_only_when_the_hints_change(monkeypatch):
    app = Keys(KeyFooter())
    async with app.run_test(size=(100, 5)) as pilot:
        app.set_focus(None)
        await pilot.pause()
        await pilot.pause()
        footer = app.footer
        assert isinstance(footer, KeyFooter)
        repaints = []
        monkeypatch.setattr(footer, "refresh", lambda *a, **k: repaints.append(1))
        app.screen.refresh_bindings()  # same focus, same bindings: nothing to redraw
        await pilot.pause()
        await pilot.pause()
        assert repaints == []
        app.query_one("#box").focus()
        await pilot.pause()
        await pilot.pause()
        assert repaints, "the hints changed but the footer was not repainted"


def drawn_row(app: App[None]) -> list:
    row = app.screen._compositor.render_strips()[-1]
    return [(ch, str(seg.style)) for seg in row for ch in seg.text]


def test_no_screen_uses_textuals_footer():
    """Textual's Footer re-mounts a widget per key on every focus change (most of a screen's
    CPU when shown): every screen draws its hints with KeyFooter."""
    import ast

    from tests.helpers import REPO

    users = []
    for path in sorted((REPO / "qkv_drill" / "tui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("textual")
                and any(alias.name == "Footer" for alias in node.names)
            ):
                users.append(path.name)
    assert users == []
