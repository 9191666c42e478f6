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
