"""Helpers for the screen tests: the app over the fixture pack, waiting, reading the store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURE_PACK = Path("tests/tui/fixtures/tui.yaml")  # relative: shown the same on every machine
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SEED = 7


def make_app(*, start=None, seed: int = SEED, include_user: bool = True):
    """The app over the fixture pack only, with a fake clock and a store in $QKV_DRILL_HOME."""
    from qkv_drill import paths
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.store import Store
    from qkv_drill.tui.app import QkvDrillApp

    clock = FakeClock(START)
    store = Store(paths.progress_db_path(), utc_offset_minutes=0)
    return QkvDrillApp(
        extra_packs=[FIXTURE_PACK],
        include_shipped=False,
        include_user=include_user,
        store=store,
        clock=clock,
        seed=seed,
        start=start,
    )


async def settle(pilot) -> None:
    """Let workers finish and the screen repaint (twice: a worker may start another)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def rows(app) -> list:
    """Every stored answer, oldest first."""
    return list(app.store.iter_answers())


def on_screen(widget) -> bool:
    """The widget is drawn and wholly inside its scrolling parent's visible region (and the
    screen), so a user sees it without scrolling."""
    region = widget.region
    if region.height <= 0 or region.width <= 0:
        return False
    screen = widget.screen
    if not screen.region.contains_region(region):
        return False
    from textual.containers import ScrollableContainer

    for ancestor in widget.ancestors:
        if ancestor is screen or not hasattr(ancestor, "region"):
            continue
        if isinstance(ancestor, ScrollableContainer):
            clip = ancestor.scrollable_content_region
        else:
            clip = ancestor.region
        if not clip.contains_region(region):
            return False
    return True


def screen_text(app) -> str:
    """What the terminal shows right now, as plain text (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def shown_flat(app) -> str:
    """The screen's text with all whitespace runs squeezed, so wrapped text can be searched."""
    return " ".join(screen_text(app).replace("│", " ").split())
