"""The garbage collector stays off while the app starts, and comes back on once the first screen
is up.

Start-up makes hundreds of thousands of objects (textual's modules, the packs, the first screen's
widgets) and almost no garbage: the collector ran about 130 times during `qkv-drill practice`,
one of them a full collection of the whole heap, about 40 ms of CPU that only held the first
question back. The app turns it back on when its first screen is settled, and at the latest
`LATEST_S` after the app mounts, so no path keeps it off. What start-up made (modules, packs,
the first screen) then lives until exit: it is frozen out of collection as the collector comes back
on, or the first collections after start-up would scan all of it again (everything made while
the collector was off is in its youngest generation).
"""

from __future__ import annotations

import gc
import threading

LATEST_S = 3.0
"""The app turns the collector back on this long after it mounts, whatever else happened."""

_lock = threading.Lock()
_paused = False


def pause() -> None:
    """Turn the collector off for start-up (a collector already off stays off after)."""
    global _paused
    with _lock:
        if gc.isenabled():
            gc.disable()
            _paused = True


def resume() -> None:
    """Turn the collector back on, if `pause` turned it off; from any thread, any number of
    times."""
    global _paused
    with _lock:
        if _paused:
            _paused = False
            gc.freeze()
            gc.enable()


def paused() -> bool:
    """The collector is off because of `pause` (and not yet resumed)."""
    return _paused
