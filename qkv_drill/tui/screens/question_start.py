"""How practice's first question reaches the screen before numpy and the engine are imported.

A computed first question is shown from its numpy-free preview (`packs.preview`); the engine's
draw of it follows in the same worker once the preview is painted, and either confirms it (the
instance takes the preview's place, nothing on screen changes) or replaces it (the engine re-drew,
or the question could not be drawn). An answer handed in meanwhile waits for that instance. Once
the first question is up, what checking needs is imported in a worker, then torch when the
question has a torch path. Mixed into `QuestionScreen`.
"""

from __future__ import annotations

import sys
import threading
from functools import partial
from typing import TYPE_CHECKING

from textual import work

from qkv_drill import startup_gc
from qkv_drill.packs.preview import Preview, shows_the_same
from qkv_drill.tui.widgets.derivation import DerivationPanel

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from typing import TypeVar

    from qkv_drill.packs.instance import Instance
    from qkv_drill.session.practice import PracticeSession
    from qkv_drill.tui.screens.base import AppScreen
    from qkv_drill.tui.screens.question import Phase

    R = TypeVar("R")
    _Base = AppScreen[None]
else:
    _Base = object


PAINT_WAIT_S = 1.0
"""How long the engine's draw of a preview waits for the preview to be painted, at most."""


def engine_imported() -> bool:
    """The engine (and numpy) is imported: a preview would save nothing."""
    return "qkv_drill.packs.instance" in sys.modules


class QuestionStart(_Base):
    """The first question's preview and warm-up of `QuestionScreen` (see the module docstring)."""

    instance: Instance | None
    preview: Preview | None
    """On screen instead of `instance` until the engine's draw confirms it (first question)."""
    _handed_in: str | None  # an answer handed in while only the preview was up
    _framed: threading.Event  # the question last put on screen is painted

    if TYPE_CHECKING:
        phase: Phase

        def advance(self, how: str) -> object: ...  # a worker

        def check(self, text: str) -> None: ...

        def _then_show(
            self, compute: Callable[[], R], show: Callable[[R], Awaitable[None] | None]
        ) -> None: ...

        async def _show_instance(self, instance: Instance | Preview | None) -> None: ...

    @property
    def shown(self) -> Instance | Preview | None:
        """The question on screen: its instance, or its preview until that is confirmed."""
        return self.instance if self.preview is None else self.preview

    def _draw_previewed(self, session: PracticeSession, preview: Preview) -> None:
        """In the worker that showed `preview`: the engine's draw of it, once it is painted
        (importing numpy and the engine meanwhile would take turns with the painting and hold
        it up)."""
        self._framed.wait(timeout=PAINT_WAIT_S)
        self._complete(session, preview)

    def _complete(self, session: PracticeSession, preview: Preview) -> None:
        """In the worker that showed `preview`: the engine's instance for it, then confirmed."""
        self._then_show(lambda: session.complete(preview), partial(self._confirm, preview))

    async def _confirm(self, preview: Preview, instance: Instance | None) -> None:
        """The preview on screen becomes `instance` when that shows exactly the same; else (the
        engine re-drew, or the question could not be drawn) `instance` is shown instead."""
        if not self.is_attached or self.preview is not preview:
            return
        handed_in, self._handed_in = self._handed_in, None
        if instance is not None and shows_the_same(preview, instance):
            self.instance, self.preview = instance, None
            if handed_in is not None:
                self.check(handed_in)
            return
        await self._show_instance(instance)

    def _hand_in_early(self, text: str) -> bool:
        """True when only the preview is up: `text` is checked once its instance is drawn."""
        if self.instance is not None:
            return False
        self._handed_in = text
        return True

    def _preview_failed(self) -> bool:
        """On an error: True when it was the preview's instance that failed. Nothing on screen
        can be checked then, so the next question is drawn instead."""
        if self.preview is None:
            return False
        self.preview, self._handed_in = None, None
        self.phase = "loading"
        self.advance("next")
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="warm")
    def _warm(self) -> None:
        """What checking and the verdict need (numpy, the engine, the live parser, the verdict's
        widgets), imported once the first question is on screen, so it shows sooner and checking
        stays instant; then torch, when the question on screen has a torch path (loading torch
        while the first question is drawn would hold that drawing up)."""
        import qkv_drill.answers.parse
        import qkv_drill.packs.check
        import qkv_drill.packs.instance
        import qkv_drill.tui.widgets.feedback  # noqa: F401

        startup_gc.resume()  # the first question is up and warmed: start-up is over
        self.app.call_from_thread(self._warm_torch)

    def _warm_torch(self) -> None:
        if self.is_attached and self.instance is not None:
            self.query_one(DerivationPanel).warm_for(self.instance)
