"""The filter screen (f on Home): three lists side by side, whole at 80x24 and 60x20; each tick
applies at once and Home shows the filter it leaves."""

from __future__ import annotations

import pytest
from textual.widgets import SelectionList

from qkv_drill.session.filters import Filter
from qkv_drill.tui.screens.filters import FilterScreen
from qkv_drill.tui.screens.home import HomeScreen
from tests.helpers.tui import make_app, on_screen, settle, shown_flat, static_text


async def _open_filter(pilot) -> None:
    """Home, settled, then f: the filter screen on top."""
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FilterScreen)


def _values(lst: SelectionList) -> list[str]:
    return [lst.get_option_at_index(i).value for i in range(lst.option_count)]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_f_opens_every_list_whole_with_the_current_filter_ticked(size):
    app = make_app()
    app.filter = Filter(topics=frozenset({"multihead"}), difficulties=frozenset({"easy"}))
    async with app.run_test(size=size) as pilot:
        await _open_filter(pilot)
        screen = app.screen
        questions = app.packset.questions.values()
        topics = screen.query_one("#filter-topics", SelectionList)
        packs = screen.query_one("#filter-packs", SelectionList)
        difficulties = screen.query_one("#filter-difficulties", SelectionList)
        assert _values(topics) == sorted({q.topic for q in questions})
        assert _values(packs) == sorted({q.pack_id for q in questions})
        assert _values(difficulties) == ["easy", "medium", "hard"]
        assert topics.selected == ["multihead"] and difficulties.selected == ["easy"]
        assert screen.focused is topics
        flat = shown_flat(app)
        for name in [*_values(topics), *_values(packs), "easy", "medium", "hard"]:
            assert f" {name} " in f" {flat} ", name  # every name whole, none cut
        for lst in (topics, packs, difficulties):
            assert on_screen(lst)
        n = len(app.filter.select(questions))
        assert f"{n} of {len(questions)} questions match" in flat


async def test_a_tick_applies_at_once_and_home_shows_it_with_fresh_counts():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_filter(pilot)
        everything = len(app.packset.questions)
        await pilot.press("down", "space")  # the second topic
        await settle(pilot)
        topics = app.screen.query_one("#filter-topics", SelectionList)
        (picked,) = topics.selected
        assert app.filter == Filter(topics=frozenset({picked}))
        n = len(app.filter.select(app.packset.questions.values()))
        assert n < everything
        assert f"{n} of {everything} questions match" in shown_flat(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        box = static_text(app.screen.query_one("#home-status"))
        assert f"Topics {picked} " in box and f"{n} of {everything} questions match" in box
        assert f"(0 due · {n} new)" in str(app.screen.query_one("#menu").get_option("drill").prompt)


async def test_c_clears_on_the_filter_screen_and_on_home():
    app = make_app()
    app.filter = Filter(topics=frozenset({"multihead"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_filter(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.filter == Filter()
        assert app.screen.query_one("#filter-topics", SelectionList).selected == []
        await pilot.press("space", "escape")  # tick again, back to Home, clear there
        await settle(pilot)
        assert app.filter != Filter()
        await pilot.press("c")
        await settle(pilot)
        assert app.filter == Filter()
        everything = len(app.packset.questions)
        box = static_text(app.screen.query_one("#home-status"))
        assert "Topics all" in box and f"{everything} of {everything} questions match" in box


async def test_a_reload_keeps_the_ticks():
    app = make_app()
    app.filter = Filter(topics=frozenset({"multihead"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_filter(pilot)
        app.action_reload_packs()
        await settle(pilot)
        assert app.load_generation == 2
        topics = app.screen.query_one("#filter-topics", SelectionList)
        assert topics.selected == ["multihead"]
        assert _values(topics) == sorted({q.topic for q in app.packset.questions.values()})
        assert app.filter == Filter(topics=frozenset({"multihead"}))
