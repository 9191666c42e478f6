"""Every shipped question at 80x24, in practice and in the mock: the question sentence and the
focused answer widget are both on screen, and no option is cut short.

Parametrised by pack and mode; each case walks all the pack's questions in one app and reports
every question that fails, not just the first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import START, on_screen, settle, shown_flat

from qkv_drill import paths

SIZE = (80, 24)
PACKS = sorted(p.stem for p in paths.shipped_packs_dir().glob("*.yaml"))


def flat(text: str) -> str:
    return " ".join(text.split())


def problems_on_screen(app, ask, instance) -> list[str]:
    """What a user at 80x24 could not see without scrolling."""
    out = []
    focused = app.screen.focused
    if focused is None or focused.id not in {
        "answer-input",
        "answer-text",
        "answer-matrix",
        "answer-choice",
    }:
        out.append(f"the answer widget is not focused ({focused!r})")
    elif not on_screen(focused):
        out.append(f"the focused {focused.id} is off screen at {focused.region}")
    if not on_screen(ask):
        out.append(f"the question sentence is off screen at {ask.region}")
    text = shown_flat(app)
    for option in instance.options:
        if flat(option) not in text:
            out.append(f"option {option!r} is not shown in full")
    return out


def questions_of(packset, pack: str):
    return [q for q in packset.questions.values() if Path(str(q.path)).stem == pack]


@pytest.fixture(scope="module")
def shipped():
    from qkv_drill.packs.loader import load_packs

    return load_packs(include_shipped=True, include_user=False)


async def shown(pilot, ready=lambda: True) -> None:
    """The worker drew the question and the screen framed it (one refresh after mounting)."""
    for _ in range(200):
        await pilot.pause()
        if ready():
            break
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("pack", PACKS)
async def test_every_question_fits_in_practice(pack, shipped):
    from qkv_drill.store import Store
    from qkv_drill.tui.app import QkvDrillApp
    from qkv_drill.tui.screens.question import PracticeScreen

    app = QkvDrillApp(include_shipped=True, include_user=False, store=Store.in_memory(), seed=1)
    failures: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = PracticeScreen()
        made = app.make_session

        def session():
            s = made("practice")
            s.pool = []  # nothing drawn until the loop says which question
            return s

        screen.make_session = session  # type: ignore[method-assign]
        await app.push_screen(screen)
        await settle(pilot)
        for q in questions_of(shipped, pack):
            if q.type == "code":
                continue  # practice opens the code screen's editor for these (tested there)
            screen.session.pool = [app.packset.questions[q.id]]  # this question next, only
            screen.session._order = []
            screen.phase = "loading"
            screen.advance("next")
            await shown(
                pilot,
                lambda q=q: screen.phase == "asking" and screen.instance.question.id == q.id,
            )
            assert screen.instance is not None and screen.instance.question.id == q.id
            found = problems_on_screen(app, screen.query_one("#prompt-ask"), screen.instance)
            if found:
                failures[q.id] = found
    assert not failures, failures


@pytest.mark.parametrize("pack", PACKS)
async def test_every_question_fits_in_the_mock(pack, shipped, tmp_path):
    import json

    from qkv_drill.packs.instance import draw
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.session.mock import MockSession
    from qkv_drill.store import Store
    from qkv_drill.tui.app import QkvDrillApp
    from qkv_drill.tui.screens.mock import MockScreen

    store = Store(tmp_path / "p.db")
    app = QkvDrillApp(include_shipped=True, include_user=False, store=store, seed=1)
    questions = questions_of(shipped, pack)
    instances = [draw(q, 1) for q in questions]
    plan = json.dumps([{"question_id": q.id, "seed": 1} for q in questions])
    failures: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        mock_id = store.create_mock("{}", 1, 3600.0, plan)
        session = MockSession(store, mock_id, instances, 3600.0, 0.0, FakeClock(START), 1)
        screen = MockScreen(session)
        await app.push_screen(screen)
        await shown(pilot)
        for i, instance in enumerate(instances):
            await screen.go_to(i)
            await shown(pilot)
            found = problems_on_screen(app, screen.query_one("#prompt-ask"), instance)
            if found:
                failures[instance.question.id] = found
    assert not failures, failures
