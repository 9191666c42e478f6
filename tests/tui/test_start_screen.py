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


FIRST_SCREEN = """
import asyncio, sys
from qkv_drill.tui.screens import question
from tests.helpers.tui import make_app

seen = []
focus = question.QuestionScreen._focus_and_frame

def focus_and_frame(self):
    seen.append((self.instance.question.type, "numpy" in sys.modules))
    focus(self)

question.QuestionScreen._focus_and_frame = focus_and_frame

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
