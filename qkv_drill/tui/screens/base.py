"""What the app's own screens share: one typed way to reach the app.

Textual types `self.app` as any `App`; the screens need this app's packs, store, filter and
session factory. They reach them through `qkv_app`, so mypy checks every use (the cast is checked
nowhere else: the app class is only imported for type checking, never at run time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from qkv_drill.tui.app import QkvDrillApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A screen of `QkvDrillApp`."""

    @property
    def qkv_app(self) -> QkvDrillApp:
        return cast("QkvDrillApp", self.app)
