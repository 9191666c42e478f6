"""The mock interview screens' test set-up: the fixture pack, a session on it, a bare host app.

The fixture pack in tests/tui/fixtures_mock/ has one question of each answer style and never
changes, so the seeded plans and the pictures stay put.
"""

from __future__ import annotations

from textual.app import App
from textual.widgets import Input, TextArea

from qkv_drill.session.clock import FakeClock
from tests.helpers import REPO
from tests.helpers.tui import START

FIXTURE_PACKS = REPO / "tests" / "tui" / "fixtures_mock"

# What the test "candidate" types for each answer style. The numeric and choice answers are the
# right ones for the fixture pack; the shape answer is the classic slip of keeping d_model as the
# head size.
RIGHT_NUMERIC = "512/8"
WRONG_SHAPE = "2,8,10,512"
TEXT_ANSWER = "Q seeks"


def new_session(packset, store, clock, minutes=2.0, seed=7):
    from qkv_drill.session.mock import MockSession, MockSettings

    settings = MockSettings(minutes=minutes, questions=4, seed=seed)
    return MockSession.create(packset, store, settings, clock)


class Host(App):
    """Just enough app to show one mock screen (the real app pushes them the same way)."""

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


def mock_app(session) -> Host:
    """The running interview's screen for `session`, in a bare host app."""
    from qkv_drill.tui.screens.mock import MockScreen

    return Host(lambda: MockScreen(session))


async def show_question(pilot, index: int) -> None:
    """Let the mock screen draw its first question, then go to question `index`."""
    await pilot.pause()
    await pilot.app.screen.go_to(index)
    await pilot.pause()


def steady_cursors(app: App) -> None:
    """No blinking cursor, so two snapshots of the same state are the same picture."""
    for widget in [*app.screen.query(Input), *app.screen.query(TextArea)]:
        widget.cursor_blink = False


def index_of(session, qtype: str) -> int:
    return next(i for i, inst in enumerate(session.instances) if inst.question.type == qtype)


async def tick(pilot) -> None:
    """One countdown tick now (after the test moved the fake clock), instead of waiting for the
    screen's real timer; the mock screen may be under a dialog."""
    from qkv_drill.tui.screens.mock import MockScreen

    screen = next(s for s in reversed(pilot.app.screen_stack) if isinstance(s, MockScreen))
    screen._on_tick()
    await pilot.pause()


async def wait_for_report(app: App, pilot) -> None:
    """Tick the countdown, then let the grading worker finish and the report screen mount."""
    from qkv_drill.tui.screens.mock import MockScreen
    from qkv_drill.tui.screens.report import ReportScreen

    if any(isinstance(s, MockScreen) for s in app.screen_stack):
        await tick(pilot)
    for _ in range(40):
        await app.workers.wait_for_complete()
        if isinstance(app.screen, ReportScreen):
            await pilot.pause()
            return
        await pilot.pause(0.1)
    raise AssertionError(f"the report never opened (screen is {app.screen!r})")


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


def finished_report(packset, store):
    clock = FakeClock(start=START)
    session = new_session(packset, store, clock)
    for i, inst in enumerate(session.instances):
        session.goto(i)
        clock.advance(20)
        answer = {"numeric": RIGHT_NUMERIC, "shape": WRONG_SHAPE, "text": TEXT_ANSWER}
        if inst.question.type in answer:
            assert session.answer(answer[inst.question.type]) is None
        if inst.question.type == "shape":
            session.toggle_flag()
    return session.finish()
