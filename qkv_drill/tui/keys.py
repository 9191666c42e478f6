"""Key bindings as every screen writes them: a tooltip, and an id `scope.name` by which the help
screen, the tests and a user's keymap can name the binding."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding, BindingsMap


def scoped(
    scope: str, key: str, action: str, label: str, tip: str, name: str = "", **kw: Any
) -> Binding:
    """`name` defaults to the action, less the brackets of its arguments."""
    ident = name or action.replace("(", "").replace(")", "")
    return Binding(key, action, label, tooltip=tip, id=f"{scope}.{ident}", **kw)


def reworded(bindings: BindingsMap, words: dict[str, tuple[str, str]]) -> BindingsMap:
    """A copy of `bindings` where each binding whose id is in `words` says (label, tip) instead:
    a dialog's keys named by what they do there ("Discard", "Keep it"), not by a class-wide
    "Yes" / "No", in its footer and its `?` help alike."""
    return BindingsMap.from_keys(
        {
            key: [
                replace(b, description=words[b.id][0], tooltip=words[b.id][1])
                if b.id in words
                else b
                for b in bound
            ]
            for key, bound in bindings.key_to_bindings.items()
        }
    )
