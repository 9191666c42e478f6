"""One widget for every list of options: single choice, multiple choice and rubric points.

Options wrap (a long option is never cut with "…"), and what is *picked* is drawn differently
from where the *cursor* is: a ticked box `[x]` / a filled dot `(•)` in bold for the pick, the
usual bar for the cursor. Enter hands in the pick; with nothing picked it hands in nothing and
says how to pick, because the highlighted first option is not an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qkv_drill.present.formats import option_letter

LETTERS = "abcdefghij"
"""The options a key picks (the letter bindings); an eleventh option is picked with the cursor."""
MARKS = {False: {True: "(•) ", False: "( ) "}, True: {True: "[x] ", False: "[ ] "}}
"""[multiple][picked]: a filled dot for the one choice, a ticked box for each of several."""


CODE_SPAN = re.compile(r"`([^`\n]+)`")
"""An inline code span, as a prompt's Markdown reads one: `Q @ K.T` on one line."""


def option_text(text: str, style: str = "", code: str = "") -> Text:
    """An option as the prompt shows it: inline code spans drawn in `code` without their
    backticks, the rest literal (a Rich `Text`, never markup, so `[b]` stays `[b]`)."""
    out = Text(style=style)
    at = 0
    for span in CODE_SPAN.finditer(text):
        out.append(text[at : span.start()])
        out.append(span.group(1), style=code)
        at = span.end()
    out.append(text[at:])
    return out


def _letter_bindings() -> list[BindingType]:
    return [
        Binding(k, f"pick({i})", f"Pick {k}", show=False, id=f"choices.{k}")
        for i, k in enumerate(LETTERS)
    ]


class ChoiceField(OptionList):
    """Lettered options; space or a letter picks (toggles when `multiple`), enter submits."""

    DEFAULT_CSS = """
    ChoiceField { height: auto; max-height: 100%; border: round $primary; padding: 0; }
    ChoiceField:focus { border: round $accent; }
    ChoiceField > .option-list--option { padding: 0 1 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit", tooltip="Hand in what is picked", id="choices.submit"),
        Binding(  # the list's title says "a-e or space picks": the footer keeps its room
            "space",
            "select",
            "Pick",
            tooltip="Pick the highlighted option",
            id="choices.pick",
            show=False,
        ),
        *_letter_bindings(),
    ]

    class Picked(Message):
        """What is picked, as sorted option indices."""

        def __init__(self, field: ChoiceField, picked: tuple[int, ...]) -> None:
            super().__init__()
            self.field = field
            self.picked = picked

        @property
        def control(self) -> ChoiceField:
            return self.field

    class Submitted(Picked):
        """Enter with something picked (or a rubric, where none is an answer too)."""

    class Changed(Picked):
        """The pick changed (the mock saves it; screens may say what is picked)."""

    def __init__(
        self,
        options: Sequence[str],
        *,
        multiple: bool = False,
        picked: Iterable[int] = (),
        allow_empty: bool = False,
        lettered: bool = True,
        **kwargs: Any,
    ) -> None:
        self.texts = [str(o) for o in options]
        self.multiple = multiple
        self.allow_empty = allow_empty
        self.lettered = lettered
        self.picked: set[int] = {i for i in picked if 0 <= i < len(self.texts)}
        self._colour = "green"  # until mounted and the theme is known
        self._code_colour = "yellow"  # inline code, as the prompt's Markdown draws it
        super().__init__(
            *(Option(self._prompt(i), id=str(i)) for i in range(len(self.texts))), **kwargs
        )

    # -- drawing -------------------------------------------------------------------------------

    def _prompt(self, index: int) -> Table:
        """`[x] b) text`: the mark says picked, the letter says which key, the text is literal
        (a Rich `Text`, never markup) and wraps under itself, not under the mark."""
        on = index in self.picked
        mark = MARKS[self.multiple][on]
        letter = f"{option_letter(index)}) " if self.lettered and index < len(LETTERS) else ""
        picked = f"bold {self._colour}" if on else ""
        grid = Table.grid(padding=0)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        head = Text.assemble((mark, picked or "dim"), (letter, "bold"))
        grid.add_row(head, option_text(self.texts[index], picked, self._code_colour))
        return grid

    def on_mount(self) -> None:
        """Picks are drawn in the theme's success colour: readable in light and dark themes,
        and drawn again when the theme changes."""
        self._theme_changed()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._theme_changed())

    def _theme_changed(self) -> None:
        variables = self.app.get_css_variables()
        self._colour = variables.get("text-success", "green")
        self._code_colour = variables.get("text-warning", "yellow")
        self._redraw(range(len(self.texts)))

    def _redraw(self, indices: Iterable[int]) -> None:
        for i in indices:
            self.replace_option_prompt_at_index(i, self._prompt(i))

    @property
    def picked_sorted(self) -> tuple[int, ...]:
        return tuple(sorted(self.picked))

    def set_picked(self, indices: Iterable[int]) -> None:
        """Restore a pick (e.g. a saved mock answer) without posting Changed."""
        before = set(self.picked)
        self.picked = {i for i in indices if 0 <= i < len(self.texts)}
        self._redraw(before ^ self.picked)

    # -- keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A letter past the last option is not this widget's: h, for one, stays the hint key."""
        if action == "pick" and parameters:
            index = parameters[0]
            return isinstance(index, int) and 0 <= index < len(self.texts)
        return True

    def action_pick(self, index: int) -> None:
        self.highlighted = index
        self._toggle(index)

    def action_select(self) -> None:
        """Space or a click picks the highlighted option (OptionList's select, repurposed)."""
        if self.highlighted is not None:
            self._toggle(self.highlighted)

    def _toggle(self, index: int) -> None:
        before = set(self.picked)
        if self.multiple:
            self.picked ^= {index}
        else:
            self.picked = {index}
        self._redraw(before ^ self.picked)
        self.border_subtitle = ""
        self.post_message(self.Changed(self, self.picked_sorted))

    def action_submit(self) -> None:
        if not self.picked and not self.allow_empty:
            self.border_subtitle = "nothing picked yet: a letter or space picks"
            return
        self.post_message(self.Submitted(self, self.picked_sorted))


class SaveNextChoices(ChoiceField):
    """The mock's choices: a pick is saved at once, and enter goes on to the next question,
    picked or not (nothing picked records nothing: the question stays unanswered, as ctrl+n
    leaves it)."""

    def __init__(self, options: Sequence[str], **kwargs: Any) -> None:
        kwargs.setdefault("allow_empty", True)
        super().__init__(options, **kwargs)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "submit",
            "Next",
            tooltip="Keep what is picked and go to the next question",
            id="choices.save_next",
        ),
    ]


class RubricChoices(ChoiceField):
    """A rubric to tick after an open answer: enter grades the answer by the points ticked."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "submit",
            "Grade",
            tooltip="Grade your answer by the points ticked",
            id="choices.grade",
        ),
    ]
