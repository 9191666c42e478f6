"""The mock set-up form counts what the interview would draw, code exercises included only when
its "Code exercise" box (the form's `mock --code`) is ticked."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from textual.widgets import Checkbox, Input, SelectionList, Static

from qkv_drill.packs.loader import load_packs
from qkv_drill.session.clock import FakeClock
from qkv_drill.store import Store
from tests.helpers.code_fixture import FIXTURE, MINI
from tests.helpers.mock_screens import Host
from tests.helpers.tui import settle

MOST = "30"  # the form's largest interview: more than the fixture packs hold


def shown_count(setup) -> int:
    said = str(setup.query_one("#setup-pool", Static).content)
    found = re.match(r"(\d+) questions match", said)
    assert found, said
    return int(found[1])


@pytest.mark.parametrize("code", [False, True], ids=["no-code", "code"])
@pytest.mark.parametrize("topics", [(), ("implement",)], ids=["all", "only-exercises"])
async def test_the_count_is_what_the_interview_draws(tmp_path, code, topics):
    from qkv_drill.tui.screens.mock import MockScreen
    from qkv_drill.tui.screens.mock_setup import MockSetupScreen

    packs = load_packs(extra=[FIXTURE, MINI], include_shipped=False, include_user=False)
    exercises = sum(q.type == "code" for q in packs.questions.values())
    assert 0 < exercises < len(packs.questions)  # the form has something to leave out
    clock = FakeClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    with Store.open(tmp_path / "progress.db") as store:
        app = Host(lambda: MockSetupScreen(packs, store, clock=clock))
        async with app.run_test(size=(80, 24)) as pilot:
            setup = app.screen
            setup.query_one("#setup-count", Input).value = MOST
            setup.query_one("#setup-seed", Input).value = "3"
            for topic in topics:
                setup.query_one("#setup-topics", SelectionList).select(topic)
            box = setup.query_one("#setup-code", Checkbox)
            assert box.value is False  # off unless asked for, as on the command line
            if code:
                await pilot.click("#setup-code")
            await settle(pilot)
            assert box.value is code
            shown = shown_count(setup)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MockScreen), app.screen
            drawn = [i.question for i in app.screen.session.instances]
    assert len(drawn) == shown
    asked = sum(q.type == "code" for q in drawn)
    if topics:  # nothing but exercises match: they are asked, one with the box ticked
        assert asked == (1 if code else exercises)
    else:
        assert asked == (1 if code else 0)
        assert shown == len(packs.questions) - exercises + asked
