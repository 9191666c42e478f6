"""One widget for every list of options: single choice, multiple choice and rubric points.

Options wrap (a long option is never cut with "…"), and what is *picked* is drawn differently
from where the *cursor* is: a ticked box `[x]` / a filled dot `(•)` in bold for the pick, the
usual bar for the cursor. Enter hands in the pick; with nothing picked it hands in nothing and
says how to pick, because the highlighted first option is not an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qkv_drill.present.formats import option_letter
from qkv_drill.tui.widgets.lightmark import code_inline_css, code_spans

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.style import Style

LETTERS = "abcdefghij"
"""The options a key picks (the letter bindings); an eleventh option is picked with the cursor."""
MARKS = {False: {True: "(•) ", False: "( ) "}, True: {True: "[x] ", False: "[ ] "}}
"""[multiple][picked]: a filled dot for the one choice, a ticked box for each of several."""


def option_text(text: str, style: str = "", code: str = ".code_inline") -> Content:
    """An option as the prompt shows it: code spans read as the prompt's (lightmark) and drawn
    in `code` (by default as the prompt draws them), the rest literal (never markup, so `[b]`
    stays `[b]`), all of it in `style`."""
    content = code_spans(text, code)
    return content.stylize_before(style) if style else content


class HangingOption(Visual):
    """`[x] b) ` and then the option's text, which wraps under itself, not under the mark. A
    Textual visual, so its code spans take the list's `.code_inline` style over whatever row
    they are on, as a prompt's take it over the screen."""

    def __init__(self, head: Content, body: Content) -> None:
        self.head = head
        self.body = body

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        indent = self.head.cell_length
        return indent + self.body.get_optimal_width(rules, container_width - indent)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return max(1, self.body.get_height(rules, max(1, width - self.head.cell_length)))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        indent = self.head.cell_length
        lines = self.body.render_strips(max(1, width - indent), height, style, options)
        head = self.head.render_strips(indent, 1, style, options)
        blank = Strip.blank(indent, style.rich_style)
        return [
            Strip.join([head[0] if row == 0 and head else blank, line])
            for row, line in enumerate(lines or [Strip.blank(0)])
        ]


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
    """ + code_inline_css("ChoiceField")
    COMPONENT_CLASSES: ClassVar[set[str]] = {"code_inline"}
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
        super().__init__(
            *(Option(self._prompt(i), id=str(i)) for i in range(len(self.texts))), **kwargs
        )

    # -- drawing -------------------------------------------------------------------------------

    def _prompt(self, index: int) -> HangingOption:
        """`[x] b) text`: the mark says picked, the letter says which key, the text is literal
        (never markup) and wraps under itself, not under the mark."""
        on = index in self.picked
        mark = MARKS[self.multiple][on]
        letter = f"{option_letter(index)}) " if self.lettered and index < len(LETTERS) else ""
        picked = f"bold {self._colour}" if on else ""
        head = Content.assemble((mark, picked or "dim"), (letter, "bold"))
        return HangingOption(head, option_text(self.texts[index], picked))

    def on_mount(self) -> None:
        """Picks are drawn in the theme's success colour: readable in light and dark themes,
        and drawn again when the theme changes."""
        self._theme_changed()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._theme_changed())

    def _theme_changed(self) -> None:
        variables = self.app.get_css_variables()
        self._colour = variables.get("text-success", "green")
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
