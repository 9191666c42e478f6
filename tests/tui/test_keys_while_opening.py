"""Keys typed while Home opens a screen go to that screen, in order, and never act on Home.

The keys are posted to the app all at once, as a terminal delivers a fast typist's keys that
arrive while the screen is still being built.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, OptionList

from tests.helpers.tui import make_app, settle

SIZE = (80, 24)


def post_keys(app, *keys: str) -> None:
    """Every key queued before the app handles the first."""
    names = {"/": "slash", " ": "space"}
    for key in keys:
        app.post_message(events.Key(names.get(key, key), key if len(key) == 1 else None))


async def test_a_search_typed_as_the_browser_opens_lands_in_its_search_box():
    from qkv_drill.tui.screens.browser import BrowserScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        post_keys(app, "b", "/", "s", "c", "a", "l", "e")  # s would open Stats on Home
        await settle(pilot)
        assert app.screen_stack == [home, app.screen]
        assert isinstance(app.screen, BrowserScreen)
        search = app.screen.query_one("#browser-search", Input)
        assert search.value == "scale"
        assert app.focused is search


async def test_keys_typed_as_the_mock_form_opens_go_into_its_first_box():
    from qkv_drill.tui.screens.mock_setup import MockSetupScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        post_keys(app, "m", "ctrl+u", "3", "5")  # clear the minutes, type 35
        await settle(pilot)
        assert app.screen_stack == [home, app.screen]
        assert isinstance(app.screen, MockSetupScreen)
        assert app.screen.query_one("#setup-minutes", Input).value == "35"


async def test_escape_typed_as_stats_or_packs_open_closes_them_not_home():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        menu = home.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        for key in ("s", "k"):
            post_keys(app, key, "down", "escape")
            await settle(pilot)
            assert app.screen_stack == [home]  # opened, then closed by its own escape
            assert menu.highlighted == highlighted  # the down went to that screen, not Home
