"""`qkv-drill practice` and `qkv-drill drill` open their question at once, over a stand-in that
becomes Home only when the user goes there; an interrupted mock interview is still offered first."""

from __future__ import annotations

import pytest

from qkv_drill.tui.screens.home import HomeScreen
from tests.helpers.tui import FIXTURE_PACK, START, make_app, settle

TOPICS = ["multihead", "roles", "scaling", "shapes"]


def _topics(home) -> list[str]:
    return sorted(o.value for o in home.query_one("#filter-topics")._options)


def _unfinished_mock(app):
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.session.mock import MockSession, MockSettings

    packset = load_packs([FIXTURE_PACK], include_shipped=False, include_user=False)
    settings = MockSettings(minutes=10, questions=2, seed=3)
    return MockSession.create(packset, app.store, settings, FakeClock(START))


@pytest.mark.parametrize("start", ["practice", "drill"])
async def test_start_screen_asks_at_once_and_home_is_built_when_shown(start):
    app = make_app(start=start)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        below, screen = app.screen_stack
        kind = {"practice": "PracticeScreen", "drill": "DrillScreen"}[start]
        assert type(screen).__name__ == kind
        assert screen.phase == "asking" and screen.instance is not None
        assert screen.focused is screen._answer()  # ready to type
        assert not isinstance(below, HomeScreen) and not below.children  # Home not built yet
        await pilot.press("escape", "escape")  # free the keys, then back
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen) and app.screen_stack == [below, home]
        assert _topics(home) == TOPICS
        assert "5 of 5 questions match" in str(home.query_one("#home-status").content)


async def test_an_interrupted_mock_is_offered_before_the_start_screen():
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    app = make_app(start="practice")
    session = _unfinished_mock(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeMockScreen) and len(app.screen_stack) == 2
        assert app.store.unfinished_mock().id == session.mock_id
        await pilot.press("escape")  # decide later: Home, filled
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2
        assert _topics(app.screen) == TOPICS
        app.action_go("practice")
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["HomeScreen", "PracticeScreen"]
        app.action_go("home")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2


async def test_home_fills_in_when_packs_load_under_the_resume_offer():
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    app = make_app()
    _unfinished_mock(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home, offer = app.screen_stack
        assert isinstance(offer, ResumeMockScreen)
        assert _topics(home) == TOPICS


FIRST_SCREEN = """
import asyncio, sys
from qkv_drill.tui.screens import question
from tests.helpers.tui import make_app

seen = []
frame = question.QuestionScreen._frame

def on_screen(self):
    seen.append((self.instance.question.type, "numpy" in sys.modules))
    frame(self)

question.QuestionScreen._frame = on_screen

async def main():
    app = make_app(packs=[sys.argv[1]], start="practice")
    async with app.run_test(size=(80, 24)) as pilot:
        while not seen:
            await pilot.pause(0.01)
    print(*seen[0])

asyncio.run(main())
"""


@pytest.mark.parametrize("kind", ["text", "choice"])
def test_a_first_question_without_numbers_is_shown_before_numpy_loads(tmp_path, kind):
    """numpy and the engine (~80 ms of CPU) are imported only after such a question is up."""
    import os
    import subprocess
    import sys

    import yaml

    from tests.helpers import REPO

    doc = yaml.safe_load((REPO / FIXTURE_PACK).read_text())
    doc["questions"] = [q for q in doc["questions"] if q["type"] == kind]
    pack = tmp_path / "one.yaml"
    pack.write_text(yaml.safe_dump(doc))
    env = {**os.environ, "PYTHONPATH": str(REPO), "QKV_DRILL_HOME": str(tmp_path / "home")}
    for _ in range(2):  # the second start reads the packs from the cache, as every later day
        out = subprocess.run(
            [sys.executable, "-c", FIRST_SCREEN, str(pack)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=120,
        )
    assert out.stdout.split() == [kind, "False"], out.stderr[-2000:]


async def test_torch_warms_up_only_once_the_first_question_is_up(tmp_path, monkeypatch):
    """Loading torch in a worker holds the GIL for seconds: drawing the first question first."""
    import yaml

    from qkv_drill.tui.screens.question import QuestionScreen
    from qkv_drill.tui.widgets.derivation import DerivationPanel
    from tests.helpers import REPO

    doc = yaml.safe_load((REPO / FIXTURE_PACK).read_text())
    doc["questions"] = [q for q in doc["questions"] if q["type"] == "matrix"]
    pack = tmp_path / "matrix.yaml"
    pack.write_text(yaml.safe_dump(doc))
    events: list[str] = []
    frame = QuestionScreen._frame

    def framed(self) -> None:
        events.append("on screen")
        frame(self)

    monkeypatch.setattr(QuestionScreen, "_frame", framed)
    monkeypatch.setattr(DerivationPanel, "warm_for", lambda self, inst: events.append("torch"))
    app = make_app(packs=[pack], start="practice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.instance.question.type == "matrix"
        assert events[:2] == ["on screen", "torch"]
        await pilot.press("escape", "r")  # a new draw: warmed at once, as before
        await settle(pilot)
        assert events[2:] == ["torch", "on screen"]
