"""`gc_paused`: run a loader with the garbage collector off.

Loading packs (parsing YAML, or unpickling the start-up cache) makes many small objects and no
cycles, so collections during it are pure cost, and in a large heap (the TUI's) one full
collection costs more than the load itself. Kept apart from yamlsource so that a cached start-up
can use it without importing yaml.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn` run with the garbage collector off (and back on after, if it was on)."""

    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return paused
