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
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widgets import Checkbox, OptionList, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

TICK = "✔"
EMPTY = " "
T = TypeVar("T")


class TickList(SelectionList[T], Generic[T]):
    """A SelectionList whose boxes are empty or checked, and whose long options wrap.

    Textual's SelectionList keeps each option on one line and cuts it with an ellipsis, so a
    topic longer than the column lost its end. Here an option wraps under its own text and its
    box is drawn on its first line only.
    """

    DEFAULT_CSS = """
    TickList { text-wrap: wrap; text-overflow: fold; }
    """

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # OptionList measures the wrapped height without the box's columns; the lines are then
        # laid out with them, so an option that wraps would need one more line than measured.
        gutter = self._get_left_gutter_width()
        return super().get_content_height(container, viewport, width - gutter)

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)  # one (wrapped) line of the option's text
        try:
            index, offset = self._lines[self.scroll_offset.y + y]
            selection = self.get_option_at_index(index)
        except (IndexError, OptionDoesNotExist):
            return line
        underlying = next(iter(line)).style or self.rich_style
        gutter = self._get_left_gutter_width()
        if offset > 0:  # a continuation: under the text, no box
            return Strip([Segment(" " * gutter, underlying), *line], gutter + line.cell_length)
        ticked = selection.value in self._selected
        component = "selection-list--button" + ("-selected" if ticked else "")
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component)
        side = Style.from_color(button.bgcolor, underlying.bgcolor)
        meta = Style(meta={"option": index})  # a click on the box toggles this option
        return Strip(
            [
                Segment(ToggleButton.BUTTON_LEFT, side + meta),
                Segment(TICK if ticked else EMPTY, button + Style(bold=True) + meta),
                Segment(ToggleButton.BUTTON_RIGHT, side + meta),
                Segment(" ", underlying),
                *line,
            ],
            gutter + line.cell_length,
        )


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
