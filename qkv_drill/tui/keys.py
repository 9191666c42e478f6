"""Key bindings as every screen writes them: a tooltip, and an id `scope.name` by which the help
screen, the tests and a user's keymap can name the binding."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding


def scoped(
    scope: str, key: str, action: str, label: str, tip: str, name: str = "", **kw: Any
) -> Binding:
    """`name` defaults to the action, less the brackets of its arguments."""
    ident = name or action.replace("(", "").replace(")", "")
    return Binding(key, action, label, tooltip=tip, id=f"{scope}.{ident}", **kw)
