"""The collector is off during start-up only: `resume` turns back on exactly what `pause` turned
off."""

from __future__ import annotations

import gc

import pytest

from qkv_drill import startup_gc


@pytest.fixture
def collector():
    """Whatever a test does, the collector is on again after it."""
    yield
    startup_gc.resume()
    gc.enable()
    gc.unfreeze()  # (resume froze what was alive)


def test_pause_turns_the_collector_off_until_resume(collector):
    startup_gc.pause()
    assert not gc.isenabled() and startup_gc.paused()
    startup_gc.resume()
    assert gc.isenabled() and not startup_gc.paused()
    startup_gc.resume()  # again: nothing to undo
    assert gc.isenabled()


def test_resume_freezes_what_start_up_made_out_of_later_collections(collector):
    """Everything made while the collector was off sits in its youngest generation: the first
    collections after start-up would scan it all; frozen, they see only what comes after."""
    gc.unfreeze()
    startup_gc.pause()
    made = [[i] for i in range(50_000)]  # (lists: tracked by the collector)
    assert gc.get_count()[0] >= 50_000
    startup_gc.resume()
    assert gc.get_freeze_count() >= len(made)
    assert gc.get_count()[0] < 1_000


def test_a_collector_already_off_stays_off(collector):
    gc.disable()
    startup_gc.pause()
    assert not startup_gc.paused()
    startup_gc.resume()
    assert not gc.isenabled()  # someone else turned it off; not ours to turn on


def test_resume_does_not_turn_on_a_collector_turned_off_after_it(collector):
    startup_gc.pause()
    startup_gc.resume()
    gc.disable()
    startup_gc.resume()
    assert not gc.isenabled()


@pytest.mark.parametrize(
    ("argv", "runner"),
    [
        ([], "qkv_drill.tui.app.run_app"),
        (["practice", "--seed", "1"], "qkv_drill.tui.app.run_app"),
        (["mock"], "qkv_drill.tui.app.run_app"),
        (["practice", "--plain"], "qkv_drill.plain.run_plain"),
    ],
)
def test_only_the_app_starts_with_the_collector_off(collector, monkeypatch, argv, runner):
    """The app turns it back on; plain mode and the other commands never have it turned off.
    The app's first load begins with the collector already off (it runs while textual is
    imported); plain mode begins none."""
    from qkv_drill import cli, startup_load

    seen, loads = [], []
    monkeypatch.setattr(runner, lambda *args, **kwargs: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr(startup_load, "begin", lambda *a, **k: loads.append(gc.isenabled()))
    assert cli.main(argv) == 0
    plain = runner.endswith("run_plain")
    assert seen == [plain]
    assert loads == ([] if plain else [False])
