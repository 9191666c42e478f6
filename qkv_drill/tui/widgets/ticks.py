"""Tick boxes that read as ticked or unticked at a glance, in the light and the dark theme.

Textual draws every box with an "X" and tells ticked from unticked by colour alone (a faint X
versus a green one), which is hard to read, and unreadable for colour-blind eyes or on a
monochrome terminal. Here an unticked box is empty and a ticked one holds a bold check mark: the
shape differs, not just the colour.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton

TICK = "✔"
EMPTY = " "
T = TypeVar("T")


class TickList(SelectionList[T], Generic[T]):
    """A SelectionList whose boxes are empty or checked."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip  # not a line with a box (past the end, or a wrapped continuation)
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except Exception:  # the line is not an option
            return strip
        ticked = selection.value in self._selected
        inner = segments[1]
        style = (inner.style or Style()) + Style(bold=True)
        segments[1] = Segment(TICK if ticked else EMPTY, style)
        return Strip(segments, strip.cell_length)


class TickBox(Checkbox):
    """A Checkbox whose box is empty or checked."""

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = VisualStyle(
            foreground=button_style.background, background=self.background_colors[1]
        )
        inner = TICK if self.value else EMPTY
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            (inner, button_style + VisualStyle(bold=True)),
            (self.BUTTON_RIGHT, side_style),
        )
