"""'New' means one thing on Home, in the drill and in the browser: a question with no drill card
yet (session/newness.py). A mock miss makes a card that is due, a review: it no longer took one
of the day's ten new places (Home read "1 due · 9 new" after a mock in which nothing new was
studied, and the count moved again when that card was drilled)."""

from __future__ import annotations

from pathlib import Path

from qkv_drill.session.filters import Filter
from tests.helpers.tui import make_app, press, settle, shown_flat

BALANCE = Path("tests/session/fixtures/balance.yaml")  # 25 questions: more than a day's 10 new


async def home_counts(pilot) -> str:
    home = pilot.app.screen
    assert type(home).__name__ == "HomeScreen"
    home.refresh_due()
    await settle(pilot)
    text = shown_flat(pilot.app)
    return text[text.index("Drill") :].split(")")[0] + ")"


async def test_a_mock_miss_is_due_and_leaves_the_days_new_questions_alone():
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.session.newness import is_new
    from qkv_drill.store import AnswerRecord

    app = make_app(packs=[BALANCE], include_user=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.filter = Filter(packs=frozenset({"balance"}))
        assert await home_counts(pilot) == "Drill (0 due · 10 new)"

        # A one-question mock, handed in unanswered: a miss, made due in the drill.
        settings = MockSettings(minutes=5, questions=1, seed=2, packs=("balance",))
        mock = MockSession.create(app.packset, app.store, settings, app.clock)
        missed = mock.instances[0].question.id
        mock.finish()
        assert await home_counts(pilot) == "Drill (1 due · 10 new)"

        # A question answered in practice has no card: still new, on Home and in the browser.
        practised = next(q for q in sorted(app.packset.questions) if q != missed)
        q = app.packset.questions[practised]
        app.store.record_answer(
            AnswerRecord(practised, q.pack_id, q.topic, q.difficulty, q.type, "{}", 1, "x", "wrong")
        )
        assert await home_counts(pilot) == "Drill (1 due · 10 new)"

        # The browser agrees: every question without a card is new, the missed one is not.
        await press(pilot, "b")
        browser = app.screen
        browser.query_one("#browser-search").value = "is:new"
        await settle(pilot)
        assert missed not in {r.id for r in browser.shown}
        assert practised in {r.id for r in browser.shown}
        assert len(browser.shown) == 24
        assert all(is_new(r.due) for r in browser.shown)
        await press(pilot, "escape")

        # Drill serves the miss first; skipping it (rated Again) reviews it.
        await press(pilot, "d")
        drill = app.screen
        assert drill.instance.question.id == missed
        assert "1 due · 10 new" in shown_flat(app)
        await press(pilot, "escape", "s")
        assert drill.instance.question.id != missed
        assert "0 due · 10 new" in shown_flat(app)
        await press(pilot, "escape", "escape")
        assert await home_counts(pilot) == "Drill (0 due · 10 new)"

        # Drilling a new question takes one of today's places, as it always did.
        await press(pilot, "d")
        await press(pilot, "escape", "s")
        await press(pilot, "escape", "escape")
        assert await home_counts(pilot) == "Drill (0 due · 9 new)"
