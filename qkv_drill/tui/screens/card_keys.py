"""Undo, suspend and bury on the practice and drill screens (the session does the work).

`u` takes back the last stored answer (and its drill rating) and asks that question again with
the same numbers; in drill `!` suspends the question (no drill until unsuspended in the browser)
and `-` buries it until tomorrow. Each runs in a worker, like every other session call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.binding import Binding

if TYPE_CHECKING:
    from textual.app import App

UNDO = Binding(
    "u",
    "undo",
    "Undo",
    tooltip="Take back the last answer (and its rating) and ask it again",
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
    """Mixed into the question screens, which provide `session`, `phase` and `_show_instance`."""

    if TYPE_CHECKING:
        session: Any
        phase: str
        app: App[Any]

        def _show_instance(self, instance: Any) -> Any: ...

        def _error(self, exc: Exception) -> None: ...

        def notify(self, message: str, **kwargs: Any) -> None: ...

    def card_action_allowed(self, action: str) -> bool | None:
        """Undo once something is stored; suspend and bury while a question is on screen."""
        s = self.session
        if s is None or self.phase in ("loading", "checking"):
            return False
        if action == "undo":
            return bool(getattr(s, "can_undo", False))
        return hasattr(s, action) and s.current is not None

    def action_undo(self) -> None:
        if self.card_action_allowed("undo"):
            self.phase = "loading"
            self._card_call("undo", "Answer taken back: the same question again.")

    def action_suspend(self) -> None:
        if self.card_action_allowed("suspend"):
            qid = self.session.current.question.id
            self.phase = "loading"
            self._card_call(
                "suspend", f"{qid} suspended: press b on Home (the browser) to unsuspend."
            )

    def action_bury(self) -> None:
        if self.card_action_allowed("bury"):
            qid = self.session.current.question.id
            self.phase = "loading"
            self._card_call("bury", f"{qid} buried until tomorrow.")

    @work(thread=True, exclusive=True, exit_on_error=False, group="question")
    def _card_call(self, method: str, told: str) -> None:
        try:
            instance = getattr(self.session, method)()
            refresh = getattr(self, "refresh_in_worker", None)
            if refresh is not None:
                refresh()
        except Exception as exc:  # shown, never fatal
            self.app.call_from_thread(self._error, exc)
            return
        self.app.call_from_thread(self.notify, told, timeout=4)
        self.app.call_from_thread(self._show_instance, instance)
