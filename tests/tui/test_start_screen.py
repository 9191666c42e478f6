"""`qkv-drill practice` and `qkv-drill drill` open their question at once, over a Home that is
filled only when it is shown; an interrupted mock interview is still offered first."""

from __future__ import annotations

import pytest

from tests.helpers.tui import FIXTURE_PACK, make_app, settle


def _topics(home) -> list[str]:
    return sorted(o.value for o in home.query_one("#filter-topics")._options)


@pytest.mark.parametrize("start", ["practice", "drill"])
async def test_start_screen_asks_at_once_and_home_fills_when_shown(start):
    app = make_app(start=start)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home, screen = app.screen_stack
        assert (
            type(screen).__name__ == {"practice": "PracticeScreen", "drill": "DrillScreen"}[start]
        )
        assert screen.phase == "asking" and screen.instance is not None
        assert screen.focused is screen._answer()  # ready to type
        assert not home.query("#filter-topics")  # covered from the start: not built yet
        app.action_go("home")
        await settle(pilot)
        assert app.screen is home
        assert _topics(home) == ["multihead", "roles", "scaling", "shapes"]
        assert "5 of 5 questions match" in str(home.query_one("#home-status").content)


async def test_an_interrupted_mock_is_offered_before_the_start_screen():
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.tui.screens.resume import ResumeMockScreen
    from tests.helpers.tui import START

    app = make_app(start="practice")
    packset = load_packs([FIXTURE_PACK], include_shipped=False, include_user=False)
    settings = MockSettings(minutes=10, questions=2, seed=3)
    assert app.store is not None
    session = MockSession.create(packset, app.store, settings, FakeClock(START))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen", "ResumeMockScreen"]
        assert isinstance(app.screen, ResumeMockScreen)
        assert app.store.unfinished_mock().id == session.mock_id
