"""`qkv-drill practice` and `qkv-drill drill` open their question at once, over a stand-in that
becomes Home only when the user goes there; an interrupted mock interview is still offered first."""

from __future__ import annotations

import pytest

from qkv_drill.tui.screens.home import HomeScreen
from tests.helpers.tui import FIXTURE_PACK, START, make_app, settle, static_text


def _filled(home) -> bool:
    """Home shows the packs: its filter box counts the fixture pack's questions."""
    return "5 of 5 questions match" in static_text(home.query_one("#home-status"))


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
        assert _filled(home)


async def test_an_interrupted_mock_is_offered_before_the_start_screen():
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    app = make_app(start="practice")
    session = _unfinished_mock(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeMockScreen) and len(app.screen_stack) == 2
        assert app.store.unfinished_mock().id == session.mock_id
        await pilot.press("escape")  # decide later: on to the practice the command asked for
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeLater", "PracticeScreen"]
        assert app.screen.instance is not None
        app.action_go("home")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2
        assert _filled(app.screen)
        app.action_go("practice")
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["HomeScreen", "PracticeScreen"]


async def test_with_the_first_load_done_the_offer_comes_without_a_question_under_it(monkeypatch):
    """`qkv-drill practice` with an interview to resume and its first load done by the time the
    app mounts: the offer goes straight over the stand-in; no practice screen is opened (and
    drawing a question) only to be closed under it."""
    from qkv_drill.startup_load import Preload
    from qkv_drill.tui.screens.question import PracticeScreen
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    mounted = []
    monkeypatch.setattr(PracticeScreen, "on_mount", lambda self: mounted.append(self))
    app = make_app(start="practice")
    _unfinished_mock(app)
    app.preload = Preload(app._request())
    assert app.preload.wait(10) is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeMockScreen)
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeLater", "ResumeMockScreen"]
        assert mounted == []


@pytest.mark.parametrize(
    ("start", "then"), [("drill", "DrillScreen"), ("mock", "MockSetupScreen"), (None, "HomeScreen")]
)
async def test_a_discarded_offer_goes_on_to_the_mode_asked_for(start, then):
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    app = make_app(start=start)
    _unfinished_mock(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeMockScreen)
        await pilot.press("d", "y")  # discard, confirmed
        await settle(pilot)
        assert type(app.screen).__name__ == then
        assert app.store.unfinished_mock() is None


async def test_home_fills_in_when_packs_load_under_the_resume_offer():
    from qkv_drill.tui.screens.resume import ResumeMockScreen

    app = make_app()
    _unfinished_mock(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home, offer = app.screen_stack
        assert isinstance(offer, ResumeMockScreen)
        assert _filled(home)


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


# --- a computed first question: shown from its preview, checked with the engine's instance ----


def _first_seed(kind: str) -> int:
    """An app seed whose first practice question over the fixture pack is of type `kind`."""
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.practice import PracticeSession

    packset = load_packs([FIXTURE_PACK], include_shipped=False, include_user=False)
    for seed in range(300):
        first = PracticeSession(packset, None, seed=seed)._pick_question()  # type: ignore[arg-type]
        if first is not None and first.type == kind:
            return seed
    raise AssertionError(f"no seed starts practice with a {kind} question")


@pytest.fixture
def engine_not_imported(monkeypatch):
    """As in a fresh `qkv-drill practice`: (here other tests have imported the engine)."""
    from qkv_drill.tui.screens import question

    monkeypatch.setattr(question, "engine_imported", lambda: False)


def _by_hand(params) -> str:
    """The self-attention output for the numbers on screen, worked out here in plain Python."""
    from tests.helpers.tui import self_attention

    out, _ = self_attention(params)
    return "; ".join(" ".join(f"{x:.4f}" for x in row) for row in out)


async def _until(pilot, ready) -> None:
    for _ in range(200):
        if ready():
            return
        await pilot.pause(0.02)
    raise AssertionError("the screen never got there")


async def test_a_matrix_first_question_shows_before_its_answer_and_checks_what_it_shows(
    engine_not_imported, monkeypatch
):
    from qkv_drill.packs.preview import Preview
    from qkv_drill.tui.screens.question import PracticeScreen

    seen = []
    real = PracticeScreen._put_instance

    async def put(self, instance):
        seen.append(type(instance).__name__)
        return await real(self, instance)

    monkeypatch.setattr(PracticeScreen, "_put_instance", put)
    app = make_app(start="practice", seed=_first_seed("matrix"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen_stack[-1]
        await settle(pilot)
        assert seen == ["Preview"]  # put on screen once: the engine's draw showed the same
        assert screen.preview is None and screen.instance.question.id == "tui.weights"
        assert not isinstance(screen.instance, Preview)
        await pilot.press(*_by_hand(screen.instance.params), "enter")
        await settle(pilot)
        assert screen.verdict.status == "correct"
        (row,) = app.store.iter_answers()
        assert row.verdict == "correct"


async def test_an_answer_handed_in_before_the_engine_is_done_waits_for_it(
    engine_not_imported, monkeypatch
):
    import threading

    from qkv_drill.session.practice import PracticeSession

    go = threading.Event()
    real = PracticeSession.complete

    def slow_complete(self, preview):
        go.wait(10)
        return real(self, preview)

    monkeypatch.setattr(PracticeSession, "complete", slow_complete)
    app = make_app(start="practice", seed=_first_seed("matrix"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen_stack[-1]
        await _until(pilot, lambda: screen.preview is not None and screen.phase == "asking")
        answer = _by_hand(screen.preview.params)  # from the numbers on screen
        await pilot.press(*answer, "enter")
        await pilot.pause()
        assert screen.phase == "checking" and screen.instance is None
        assert list(app.store.iter_answers()) == []  # nothing checked against no answer
        go.set()
        await settle(pilot)
        assert screen.verdict.status == "correct" and screen.instance is not None
        (row,) = app.store.iter_answers()
        assert row.verdict == "correct" and row.answer_text == answer


async def test_when_the_engine_draws_other_numbers_they_replace_the_preview(
    engine_not_imported, monkeypatch
):
    """The engine re-draws when a named mistake would give the right answer: what it drew is
    shown, never the preview's numbers with another question's answer."""
    from qkv_drill.packs.instance import draw
    from qkv_drill.session.practice import PracticeSession

    real = PracticeSession.complete

    previews = []

    def redrawn(self, preview):
        previews.append(preview)
        real(self, preview)
        return self._ask(draw(preview.question, preview.seed + 1))

    monkeypatch.setattr(PracticeSession, "complete", redrawn)
    app = make_app(start="practice", seed=_first_seed("matrix"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen_stack[-1]
        await settle(pilot)
        shown, (first,) = screen.instance, previews
        assert screen.preview is None and shown is screen.session.current
        given = {m.caption: m.rows for m in screen.query_one("#matrices").items}
        assert given == {k: shown.params[k] for k in ("X", "W_Q", "W_K", "W_V")}  # its numbers
        assert given != {k: first.params[k] for k in given}  # not the preview's
        assert screen.phase == "asking" and screen.focused is screen._answer()
        await pilot.press(*_by_hand(shown.params), "enter")
        await settle(pilot)
        assert screen.verdict.status == "correct"
