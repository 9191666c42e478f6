"""Start-up: the first load begins before the first screen and Home is built with it; the
modules Home does not show (Markdown, yaml on a cached start) are not imported before a screen
needs them."""

from __future__ import annotations

import gc

import pytest
from textual.widgets import OptionList

from qkv_drill.session.filters import Filter
from qkv_drill.tui.screens.home import HomeScreen
from tests.helpers.cli import run_python
from tests.helpers.tui import make_app, settle, shown_flat, static_text

SIZE = (80, 24)


def _drill_prompt(app) -> str:
    menu = app.screen.query_one("#menu", OptionList)
    return str(menu.get_option("drill").prompt)


async def test_home_shows_the_due_counts_the_load_made_without_counting_again(monkeypatch):
    counted = []
    monkeypatch.setattr(HomeScreen, "refresh_due", lambda self: counted.append(self))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.ready
        everything = len(app.packset.questions)
        assert f"(0 due · {everything} new)" in shown_flat(app)
        assert counted == []  # the load worker counted them: no second worker, no second layout


async def test_counts_made_under_another_filter_are_not_shown(monkeypatch):
    """The load counted under the start filter; if Home shows another one by then, it counts
    again rather than show numbers for the wrong questions."""
    from qkv_drill import startup_load

    real = startup_load.load
    app = make_app()

    def load_then_filter(request, packset=None):
        loaded = real(request, packset)
        app.filter = Filter(topics=frozenset({"multihead"}))  # changed while loading
        return loaded

    monkeypatch.setattr(startup_load, "load", load_then_filter)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        multihead = len(app.filter.select(app.packset.questions.values()))
        assert multihead < len(app.packset.questions)
        assert f"(0 due · {multihead} new)" in _drill_prompt(app)


async def test_a_first_load_done_before_home_builds_home_once_complete(monkeypatch):
    """`qkv-drill` begins the first load before importing textual; done by the time Home is
    built, Home is built with its counts, lists and question count: its menu is never drawn
    again and no load worker runs (one layout and one paint, not a second with the data)."""
    from qkv_drill.startup_load import Preload

    replaced, workers = [], []
    real_replace = OptionList.replace_option_prompt
    monkeypatch.setattr(
        OptionList,
        "replace_option_prompt",
        lambda self, *a: replaced.append(a) or real_replace(self, *a),
    )
    app = make_app()
    monkeypatch.setattr(type(app), "load_data", lambda self: workers.append(1))
    app.preload = Preload(app._request())
    assert app.preload.wait(10) is not None
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everything = len(app.packset.questions)
        assert f"(0 due · {everything} new)" in _drill_prompt(app)
        assert f"{everything} of {everything} questions match" in shown_flat(app)
        assert replaced == [] and workers == []
        assert app.load_generation == 1 and app.ready


async def test_home_shows_the_start_filter_with_its_counts():
    from qkv_drill.cli import build_parser
    from qkv_drill.cli_options import session_options

    app = make_app()
    args = build_parser().parse_args(["practice", "--topic", "multihead", "--difficulty", "easy"])
    app.options = session_options(args)
    app.filter = app.options.filter
    app.start = None  # Home first, with the filter the command line gave
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        n = len(app.filter.select(app.packset.questions.values()))
        box = static_text(app.screen.query_one("#home-status"))
        assert "Topics multihead Packs all Difficulty easy" in box
        assert f"{n} of {len(app.packset.questions)} questions match" in box
        assert f"(0 due · {n} new)" in _drill_prompt(app)


async def test_the_cached_packs_load_with_the_collector_paused(monkeypatch):
    """Unpickling the cache in the UI's large heap set off full collections."""
    from qkv_drill.packs import cache

    seen = []
    real = cache.load

    def load(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "load", load)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert seen == [False]  # a miss, read once by the first load
    assert gc.isenabled()


async def test_a_cached_start_builds_home_with_its_packs_while_the_store_opens(monkeypatch):
    """With the packs in the start-up cache, Home is built with its question count while
    another program's lock holds the store; the due counts follow once the store opens."""
    import threading

    from qkv_drill import startup_load

    first = make_app()  # writes the cache
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
    first.store.close()

    store_may_open = threading.Event()
    real = startup_load.load

    def slow_store(request, packset=None):
        store_may_open.wait(10)
        return real(request, packset)

    monkeypatch.setattr(startup_load, "load", slow_store)
    from qkv_drill.packs import cache

    reads = []
    real_read = cache.load
    monkeypatch.setattr(cache, "load", lambda *a, **k: reads.append(1) or real_read(*a, **k))
    app = make_app()
    app.preload = startup_load.Preload(app._request())  # as `qkv-drill` begins it
    assert app.preload.packs(timeout=10) is not None  # (read before Home is built)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.packset is not None and not app.ready
        everything = len(app.packset.questions)
        assert f"{everything} of {everything} questions match" in shown_flat(app)
        assert "due ·" not in _drill_prompt(app)
        await pilot.press("p")  # nothing opens before the store is there
        assert isinstance(app.screen, HomeScreen)
        store_may_open.set()
        await settle(pilot)
        assert app.ready
        assert f"(0 due · {everything} new)" in _drill_prompt(app)
        assert len(reads) == 1  # the store's wait did not read the packs again


def test_home_imports_neither_markdown_nor_yaml():
    """The first frame's modules: Home and the app, not the Markdown widget (the question
    screens' prompts) nor yaml (only read when a pack is, never on a cached start)."""
    code = (
        "import sys\n"
        "import qkv_drill.cli, qkv_drill.tui.app, qkv_drill.tui.screens.home\n"
        "import qkv_drill.packs.cache, qkv_drill.packs.loader, qkv_drill.store\n"
        "heavy = ('markdown_it', 'textual.widgets._markdown', 'yaml', 'numpy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    assert run_python(code).strip() == "[]"


@pytest.fixture
def startup_paused():
    """The collector off as `qkv-drill` turns it off before the app starts; on after the test."""
    from qkv_drill import startup_gc

    startup_gc.pause()
    yield
    startup_gc.resume()
    gc.enable()
    gc.unfreeze()  # (resume froze the test process's heap)


@pytest.mark.parametrize("start", [None, "practice", "drill"])
async def test_the_collector_comes_back_on_once_the_first_screen_is_up(
    startup_paused, start, monkeypatch
):
    """Off while the app starts (no garbage worth a full collection), on again when Home has its
    counts or the first question is on screen and warmed, not only at the latest moment."""
    from qkv_drill import startup_gc

    monkeypatch.setattr(startup_gc, "LATEST_S", 600)
    app = make_app(start=start)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert gc.isenabled() and not startup_gc.paused()


async def test_the_collector_comes_back_on_at_the_latest_moment(startup_paused, monkeypatch):
    """A start whose first screen never says it is up (the mock's set-up form) still gets its
    collector back."""
    from qkv_drill import startup_gc

    monkeypatch.setattr(startup_gc, "LATEST_S", 0.2)
    app = make_app(start="mock")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "MockSetupScreen"
        for _ in range(100):
            if gc.isenabled():
                break
            await pilot.pause(0.05)
        assert gc.isenabled() and not startup_gc.paused()


async def test_a_cached_start_still_offers_an_interrupted_mock():
    """The packs may be in before the first load (read from the cache for Home): the first load
    still looks for an interview to resume."""
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.tui.screens.resume import ResumeMockScreen
    from tests.helpers.tui import FIXTURE_PACK, START

    first = make_app()  # writes the cache
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
    packset = load_packs([FIXTURE_PACK], include_shipped=False, include_user=False)
    settings = MockSettings(minutes=10, questions=2, seed=3)
    session = MockSession.create(packset, first.store, settings, FakeClock(START))
    first.store.close()

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeMockScreen)
        assert app.store.unfinished_mock().id == session.mock_id


def test_home_shown_whole_has_not_imported_the_filter_screen():
    """Home's filter box is text: the filter screen's lists (SelectionList, the tick boxes) are
    imported when f opens them, never on the way to the first frame."""
    code = (
        "import asyncio, sys\n"
        "from tests.helpers.tui import make_app, settle\n"
        "async def main():\n"
        "    app = make_app()\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await settle(pilot)\n"
        "        assert app.ready and app.screen._status_of is not None  # the box drawn\n"
        "asyncio.run(main())\n"
        "lists = ('textual.widgets._selection_list', 'qkv_drill.tui.screens.filters')\n"
        "print(sorted(m for m in lists if m in sys.modules))\n"
    )
    assert run_python(code).strip() == "[]"
