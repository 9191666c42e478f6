"""What the app's own screens share: one typed way to reach the app, `?` on dialogs, how a
failed worker is told, and how many questions a filter lets through.

Textual types `self.app` as any `App`; the screens need this app's packs, store, filter and
session factory. They reach them through `qkv_app`, so mypy checks every use (the cast is checked
nowhere else: the app class is only imported for type checking, never at run time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.session.filters import Filter
    from qkv_drill.tui.app import QkvDrillApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A screen of `QkvDrillApp`."""

    @property
    def qkv_app(self) -> QkvDrillApp:
        return cast("QkvDrillApp", self.app)


class KeysModal(ModalScreen[ResultT]):
    """A dialog where `?` (or F1) still lists the keys: a modal screen cuts the key chain
    before the app, so the app's own `?` never hears it. Every dialog of the app is one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "question_mark,f1",
            "app.help",
            "Keys",
            key_display="?",
            tooltip="The keys that work right now on this screen",
            id="dialog.help",
        ),
    ]


def notify_failure(screen: Screen[Any], exc: Exception) -> None:
    """A worker's error, told and never fatal: the screen stays usable (its text is taken
    literally, never read as markup)."""
    screen.notify(
        f"{type(exc).__name__}: {exc}",
        title="Something went wrong",
        severity="error",
        markup=False,
    )


def matching(packset: PackSet, filter: Filter) -> Text:
    """ "N of M questions match": how many questions `filter` lets through (Home's filter box
    and the filter screen say it alike)."""
    n = len(filter.select(packset.questions.values()))
    return Text.assemble((f"{n}", "bold"), f" of {len(packset.questions)} questions match")
