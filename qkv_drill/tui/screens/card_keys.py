"""Undo, suspend and bury on the practice and drill screens (the session does the work).

`u` takes back the last stored answer (and its drill rating) and asks that question again with
the same numbers; in drill `!` suspends the question (no drill until unsuspended in the browser)
and `-` buries it until tomorrow. Each runs in a worker, like every other session call.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work
from textual.binding import Binding

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from typing import TypeVar

    from textual.app import App

    from qkv_drill.packs.instance import Instance
    from qkv_drill.session.practice import PracticeSession
    from qkv_drill.tui.screens.question import Phase

    R = TypeVar("R")

UNDO = Binding(
    "u",
    "undo",
    "Undo",
    tooltip="Take back the last answer (in drill, its rating too) and ask it again",
    id="question.undo",
)
SUSPEND = Binding(
    "exclamation_mark",
    "suspend",
    "Suspend",
    key_display="!",
    tooltip="Leave this question out of drill until unsuspended in the browser",
    id="drill.suspend",
    show=False,
)
BURY = Binding(
    "minus",
    "bury",
    "Bury",
    key_display="-",
    tooltip="Leave this question out of drill until tomorrow",
    id="drill.bury",
    show=False,
)
CARD_ACTIONS = ("undo", "suspend", "bury")


class CardKeys:
    """Mixed into the question screens, which provide `session`, `phase`, `_show_instance` and
    `_then_show` (a session call in the worker, its result shown on the UI thread)."""

    if TYPE_CHECKING:
        session: PracticeSession | None
        phase: Phase
        app: App[Any]

        async def _show_instance(self, instance: Instance | None) -> None: ...

        def _then_show(
            self, compute: Callable[[], R], show: Callable[[R], Awaitable[None] | None]
        ) -> None: ...

        def notify(self, message: str, **kwargs: Any) -> None: ...

    def card_action_allowed(self, action: str) -> bool | None:
        """Undo once something is stored; suspend and bury while a question is on screen."""
        s = self.session
        if s is None or self.phase in ("loading", "checking"):
            return False
        if action == "undo":
            return s.can_undo
        return hasattr(s, action) and s.current is not None  # suspend and bury: drill only

    def action_undo(self) -> None:
        if self.card_action_allowed("undo"):
            self.phase = "loading"
            self._card_call("undo", "Answer taken back: the same question again.")

    def action_suspend(self) -> None:
        current = self.session.current if self.session is not None else None
        if self.card_action_allowed("suspend") and current is not None:
            qid = current.question.id
            self.phase = "loading"
            self._card_call(
                "suspend", f"{qid} suspended: press b on Home (the browser) to unsuspend."
            )

    def action_bury(self) -> None:
        current = self.session.current if self.session is not None else None
        if self.card_action_allowed("bury") and current is not None:
            qid = current.question.id
            self.phase = "loading"
            self._card_call("bury", f"{qid} buried until tomorrow.")

    @work(thread=True, exclusive=True, exit_on_error=False, group="question")
    def _card_call(self, method: str, told: str) -> None:
        def call() -> Instance | None:
            return getattr(self.session, method)()  # undo, or drill's suspend / bury

        self._then_show(call, partial(self._card_called, told))

    async def _card_called(self, told: str, instance: Instance | None) -> None:
        self.notify(told, timeout=4)
        await self._show_instance(instance)
