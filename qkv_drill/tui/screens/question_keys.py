"""Which of practice's keys work in which phase, and what each does.

Who owns the keys is the whole interaction design here. While the user is answering, the answer
widget has focus and owns every key (letters type, or pick an option); escape hands the keys back
to the screen. After the verdict the screen owns them: n / r / d / h act without escape. A key
that would act on the wrong question (next while a preview waits for its instance, redraw while
an answer is checked) is off, and the footer shows only the keys that work now. Mixed into
`QuestionScreen`, which binds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.widgets import Input, Static, TextArea

from qkv_drill.session.browser import one_line
from qkv_drill.tui.screens.card_keys import CARD_ACTIONS
from qkv_drill.tui.widgets.answer import typed_text
from qkv_drill.tui.widgets.choices import ChoiceField
from qkv_drill.tui.widgets.derivation import DerivationPanel

if TYPE_CHECKING:
    from textual.widget import Widget

    from qkv_drill.packs.instance import Instance
    from qkv_drill.packs.preview import Preview
    from qkv_drill.session.practice import PracticeSession
    from qkv_drill.tui.screens.base import AppScreen
    from qkv_drill.tui.screens.question import Phase

    _Base = AppScreen[None]
else:
    _Base = object


SAID_CHARS = 60
"""A dropped answer longer than this is named by its length (the whole text is no message)."""


class QuestionKeys(_Base):
    """The keys of `QuestionScreen` (see the module docstring)."""

    hints: list[str]

    if TYPE_CHECKING:
        REDRAW_ANSWERED: ClassVar[bool]
        session: PracticeSession | None
        instance: Instance | None
        preview: Preview | None
        phase: Phase

        def advance(self, how: str) -> object: ...  # a worker

        def card_action_allowed(self, action: str) -> bool | None: ...

        def _answer(self) -> Widget | None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        phase = self.phase
        if action in CARD_ACTIONS:
            return self.card_action_allowed(action)
        if action == "next":
            return phase in ("answered", "empty")
        if action == "skip":
            return phase in ("asking", "self_grade")
        if action == "submit":
            return phase == "asking"
        if action == "grade_self":
            return phase == "self_grade"
        if action == "hint":
            return phase in ("asking", "self_grade", "answered")
        if action == "derivation":
            s = self.session
            return phase == "answered" and s is not None and s.derivation() is not None
        if action == "redraw":
            if not self.REDRAW_ANSWERED and phase in ("answered", "self_grade"):
                return False
            return True if self.instance is not None and phase != "checking" else None
        if action in ("leave_box", "back"):
            return self._in_box() == (action == "leave_box")
        return True

    def _in_box(self) -> bool:
        """The answer box (or list) has the keys: escape hands them back to the screen."""
        return isinstance(self.focused, (Input, TextArea, ChoiceField)) and self.phase == "asking"

    def action_leave_box(self) -> None:
        self.set_focus(None)

    async def action_back(self) -> None:
        if self._in_box():
            self.set_focus(None)
            return
        derivation = self.query_one(DerivationPanel)
        if derivation.is_open:  # escape closes the open panel first, as everywhere
            await derivation.close()
            return
        self._say_not_handed_in()
        self.app.pop_screen()

    def _say_not_handed_in(self) -> None:
        """Skipping, drawing again or leaving drops what is typed and not handed in: say so,
        as the mock never drops what was typed last unsaid (there, moving on saves it)."""
        if self.phase != "asking" or self.preview is not None:
            return
        flat = one_line(typed_text(self._answer()) or "")
        if flat:
            said = flat if len(flat) <= SAID_CHARS else f"what you typed ({len(flat):,} characters)"
            self.notify(f"Not handed in: {said}", timeout=4, markup=False)

    def action_next(self) -> None:
        if self.phase in ("answered", "empty") and self.preview is None:
            self.phase = "loading"
            self.advance("next")

    def action_skip(self) -> None:
        if self.phase in ("asking", "self_grade") and self.preview is None:
            self._say_not_handed_in()
            self.phase = "loading"
            self.advance("skip")

    def action_redraw(self) -> None:
        if self.instance is not None and self.phase != "checking":  # (not while a preview)
            self._say_not_handed_in()
            self.phase = "loading"
            self.advance("redraw")

    def action_hint(self) -> None:
        if self.session is None or self.phase not in ("asking", "self_grade", "answered"):
            return
        if self.preview is not None:  # hints come with the instance, a moment after
            return
        hint = self.session.hint()
        if hint is None:
            self.notify(self.session.no_hint_reason(), timeout=3)
            return
        self.hints.append(hint)
        self._show_hints()

    def _hints_read(self, instance: Instance | Preview | None) -> list[str]:
        """The hints already read for `instance` (an undone answer's question keeps them)."""
        s = self.session
        if instance is None or s is None or s.current is not instance:
            return []
        return list(instance.question.hints or ())[: s.hints_used]

    def _show_hints(self) -> None:
        lines = [Text.assemble((f"Hint {i + 1}: ", "bold"), h) for i, h in enumerate(self.hints)]
        self.query_one("#hints", Static).update(Text("\n").join(lines))

    async def action_derivation(self) -> None:
        if self.phase != "answered":
            self.notify("The derivation opens once you have answered.", timeout=3)
            return
        box = self.query_one(DerivationPanel)
        if box.is_open:
            await box.close()
            return
        trace = self.session.derivation() if self.session is not None else None
        if trace is None or self.instance is None:
            self.notify("No derivation for this question.", timeout=3)
            return
        await box.open(trace, self.instance)
        self.call_after_refresh(
            lambda: self.query_one("#qbody").scroll_to_widget(box, top=True, animate=False)
        )

    def action_focus_answer(self, scroll: bool = True) -> None:
        widget = self._answer()
        if widget is not None and not widget.disabled and self.phase == "asking":
            widget.focus(scroll_visible=scroll)
