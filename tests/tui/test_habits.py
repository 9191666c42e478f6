"""Undo, suspend and bury on the question screens, driven by keys at 80x24 (state first)."""

from __future__ import annotations

from test_flows import head_dim, open_practice, type_answer
from tui_helpers import rows, settle

from qkv_drill.session.filters import Filter


async def test_u_takes_back_a_wrong_answer_and_asks_the_same_numbers(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        params = dict(screen.instance.params)
        await type_answer(pilot, str(params["d_model"]))
        await pilot.press("enter")
        await settle(pilot)
        assert [r.verdict for r in rows(app)] == ["wrong"]
        assert screen.phase == "answered"
        await pilot.press("u")
        await settle(pilot)
        assert rows(app) == []
        assert screen.phase == "asking"
        assert screen.instance.params == params
        assert screen.session.tally["wrong"] == 0
        await type_answer(pilot, str(head_dim(params)))
        await pilot.press("enter")
        await settle(pilot)
        assert [r.verdict for r in rows(app)] == ["correct"]
        # Nothing else to undo from this session once that is taken back too.
        await pilot.press("u")
        await settle(pilot)
        assert rows(app) == []
        assert not screen.session.can_undo
        assert screen.check_action("undo", ()) is False


async def test_drill_suspend_and_bury_take_questions_out_of_the_queue(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.filter = Filter(topics=frozenset({"multihead", "shapes"}))
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        session = screen.session
        first = screen.instance.question.id
        await pilot.press("escape")  # out of the answer box: the keys act
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert app.store.card_flags()[first].suspended
        assert first not in [q for q, _ in session.queue()]
        second = screen.instance.question.id
        assert second != first
        await pilot.press("escape", "minus")
        await settle(pilot)
        assert app.store.card_flags()[second].buried_until > app.clock.now()
        assert session.queue() == []
        assert screen.phase == "empty"
        assert rows(app) == []  # neither was recorded as an answer
