"""The key hints at the bottom of every screen, drawn as one line of text.

Textual's Footer is a container of one widget per key: on every change of bindings or focus it
removes them all, mounts new ones and styles each again, which is most of the CPU a screen spends
on being shown (on Home's start-up and on each question of practice and the mock). This footer
lists the same hints, with the same look, from the screen's active bindings, but as one rendered
line: when bindings change it compares the new hints with the ones drawn and repaints only if
they differ. A click on a hint presses its key, as on Textual's Footer; hovering shows its tooltip.

Where Textual's Footer cuts the hints that do not fit mid-word, this one never draws a hint in
part: the palette's key goes first, then hints from the right end, and the `?` hint (the keys
that work right now, every one of them) always stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

DIM = Style(dim=True)
PALETTE_EDGE = "▏"
"""The thin bar Textual's Footer draws left of the command-palette key (a `vkey` border)."""


@dataclass(frozen=True)
class Hint:
    """One key hint: what is drawn, and what a click on it does."""

    key: str
    """The key a click presses (the binding's first key)."""
    display: str
    """How the key is shown, e.g. "^p" or "⏎"."""
    description: str
    enabled: bool
    tooltip: str
    keeps_room: bool = False
    """The help key: kept when hints must make room, since it lists every key left out."""


HELP_ACTIONS = frozenset({"help", "app.help"})


class KeyFooter(Widget, can_focus=False):
    """One line of key hints from the screen's active bindings (one per action, as Textual's
    Footer lists them), the command palette's key at the right end."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--edge",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--hover { background: $block-hover-background; }
        & > .key-footer--edge { color: $foreground 20%; }
    }
    """

    def __init__(
        self,
        *,
        compact: bool = False,
        show_command_palette: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.compact = compact
        """Less space: "k Label" with one space between hints, as Footer(compact=True)."""
        self.show_command_palette = show_command_palette
        self.hints: tuple[Hint, ...] = ()
        """What is drawn, left to right."""
        self.palette: Hint | None = None
        """The command palette's key, drawn at the right end (None: not shown)."""
        self._spans: list[tuple[int, int, Hint]] = []
        """(first column, end column, hint) of each hint as last drawn, for clicks and hovers."""
        self._hover: Hint | None = None

    # -- following the bindings ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed, immediate=True)
        self._update()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # Textual's Footer keeps its keys while the terminal has no focus (the focused widget is
        # gone then, and its keys would flicker out): the same here. Read at once, not after the
        # next refresh: comparing costs little, and the hints land in the frame that changed them.
        if screen.app.app_focus and screen is self.screen:
            self._update()

    def _update(self) -> None:
        """Read the active bindings; repaint only when the hints drawn would differ."""
        if not self.is_attached:
            return
        hints, palette = self.read_hints()
        if (hints, palette) != (self.hints, self.palette):
            self.hints, self.palette = hints, palette
            self.refresh()

    def read_hints(self) -> tuple[tuple[Hint, ...], Hint | None]:
        """The hints the screen's bindings ask for now: the first binding of each action whose
        `show` is set, in the order Textual's Footer lists them, and the palette's key."""
        app = self.app
        active = self.screen.active_bindings
        seen: dict[str, Hint] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                display = app.get_key_display(binding)
                seen[binding.action] = Hint(
                    binding.key,
                    display,
                    binding.description,
                    enabled,
                    tooltip,
                    keeps_room=binding.action in HELP_ACTIONS,
                )
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                palette = Hint(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    enabled,
                    binding.tooltip or binding.description,
                )
        return tuple(seen.values()), palette

    # -- drawing -------------------------------------------------------------------------------

    def _hint_segments(self, hint: Hint, *, compact: bool) -> list[Segment]:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        if hint == self._hover:  # the hint's background changes, its colours stay
            hover = Style(bgcolor=self.get_component_rich_style("key-footer--hover").bgcolor)
            key_style += hover
            description_style += hover
        if not hint.enabled:
            key_style += DIM
            description_style += DIM
        if compact:
            key, description = hint.display, f" {hint.description}"
        else:
            key, description = f" {hint.display} ", f"{hint.description} "
        return [Segment(key, key_style), Segment(description, description_style)]

    def _drawn(self, hint: Hint, blank: Style) -> list[Segment]:
        drawn = self._hint_segments(hint, compact=self.compact)
        if self.compact:
            drawn.append(Segment(" ", blank))
        return drawn

    def _palette_drawn(self, palette: Hint, blank: Style) -> list[Segment]:
        """Drawn compact in both styles, as Textual's Footer does, behind a thin bar."""
        edge = Segment(PALETTE_EDGE, self.get_component_rich_style("key-footer--edge"))
        return [edge, *self._hint_segments(palette, compact=True), Segment(" ", blank)]

    def fitting(self, width: int) -> tuple[tuple[Hint, ...], Hint | None]:
        """The hints and palette key drawn at `width`: all of them when they fit; else without
        the palette key, then without hints from the right end, the help key always kept."""
        blank = Style()
        sized = [(hint, Segment.get_line_length(self._drawn(hint, blank))) for hint in self.hints]
        palette = self.palette
        palette_width = (
            Segment.get_line_length(self._palette_drawn(palette, blank)) if palette else 0
        )
        if sum(w for _, w in sized) + palette_width <= width:
            return self.hints, palette
        while sum(w for _, w in sized) > width:
            droppable = [i for i, (hint, _) in enumerate(sized) if not hint.keeps_room]
            if not droppable:
                break
            del sized[droppable[-1]]
        hints = [hint for hint, _ in sized]
        return tuple(hints), None

    def render_line(self, y: int) -> Strip:
        """The hints on the footer's one row, as Textual's Footer draws them: gaps and the space
        left over in the footer's background only."""
        width = self.size.width
        blank = Style(bgcolor=self.rich_style.bgcolor)
        if y != 0:
            return Strip.blank(width, blank)
        hints, palette = self.fitting(width)
        right = self._palette_drawn(palette, blank) if palette is not None else []
        room = max(0, width - Segment.get_line_length(right))
        left: list[Segment] = []
        spans: list[tuple[int, int, Hint]] = []
        used = 0
        for hint in hints:
            if used >= room:
                break
            drawn = self._drawn(hint, blank)
            start, used = used, used + Segment.get_line_length(drawn)
            spans.append((start, min(used, room), hint))
            left += drawn
        strip = Strip(left).crop_extend(0, room, blank)
        if palette is not None:
            spans.append((room + len(PALETTE_EDGE), width - 1, palette))
        self._spans = spans
        return Strip.join([strip, Strip(right)]).crop(0, width)

    # -- mouse ---------------------------------------------------------------------------------

    def hint_at(self, x: int) -> Hint | None:
        """The hint drawn at column `x`, if any."""
        for start, end, hint in self._spans:
            if start <= x < end:
                return hint
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        hint = self.hint_at(event.x)
        if hint is None:
            return
        if hint.enabled:
            self.app.simulate_key(hint.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self.hint_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, hint: Hint | None) -> None:
        if hint != self._hover:
            self._hover = hint
            self.tooltip = (hint.tooltip or hint.description) if hint is not None else None
            self.refresh()
