"""Undo, suspend, bury, the browser, help, the calendar and tick boxes, by keys at 80x24.

State is asserted first; the snapshots of these screens are in test_snapshots.py.
"""

from __future__ import annotations

from qkv_drill.session.filters import Filter
from tests.helpers.tui import (
    START,
    head_dim,
    open_practice,
    open_with_filter,
    rows,
    settle,
    type_answer,
)


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
        screen = await open_with_filter(pilot, "d", {"multihead", "shapes"})
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


# --- the browser --------------------------------------------------------------------------------


async def open_browser(pilot):
    from qkv_drill.tui.screens.browser import BrowserScreen

    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BrowserScreen)
    return screen


async def test_browser_lists_every_question_and_searches(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        table = screen.query_one("#browser-table")
        assert table.row_count == len(app.packset.questions) == 5
        await pilot.press("slash")
        assert screen.focused is screen.query_one("#browser-search")
        await pilot.press(*"topic:scaling")
        await settle(pilot)
        assert sorted(r.id for r in screen.shown) == ["tui.weights", "tui.why-scale"]
        assert table.row_count == 2
        await pilot.press("enter")  # back to the table
        assert screen.focused is table
        # An unknown field is reported in the title, not ignored silently.
        screen.query_one("#browser-search").value = "colour:red"
        await settle(pilot)
        assert "unknown field" in str(screen.query_one("#browser-title").content)


async def test_browser_history_suspend_and_practise(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.filter = Filter(topics=frozenset({"multihead"}))
        screen = await open_practice(pilot, {"multihead"})
        await type_answer(pilot, str(screen.instance.params["d_model"]))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        browser = await open_browser(pilot)
        browser.query_one("#browser-search").value = "head-dim"
        await settle(pilot)
        assert browser.current_id() == "tui.head-dim"
        history = str(browser.query_one("#browser-history").content)
        assert "attempts 1" in history and "right 0/1" in history
        assert "Per-head size not used ×1" in history  # its title, as the feedback says it
        browser.query_one("#browser-table").focus()
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert app.store.card_flags()["tui.head-dim"].suspended
        assert "suspended" in str(browser.query_one("#browser-history").content)
        await pilot.press("minus")
        await settle(pilot)
        assert app.store.card_flags()["tui.head-dim"].buried_until > app.clock.now()
        await pilot.press("enter")  # practise the highlighted question
        await settle(pilot)
        practice = app.screen
        assert type(practice).__name__ == "BrowserPracticeScreen"
        assert practice.instance.question.id == "tui.head-dim"
        await type_answer(pilot, str(head_dim(practice.instance.params)))
        await pilot.press("enter")
        await settle(pilot)
        next_keys = str(practice.query_one("#next-keys").render())
        assert "escape back" in next_keys and "home" not in next_keys  # escape: the browser
        await pilot.press("n")  # the same question again, with new numbers
        await settle(pilot)
        assert practice.instance.question.id == "tui.head-dim"
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is browser
        assert "right 1/2" in str(browser.query_one("#browser-history").content)


# --- help ---------------------------------------------------------------------------------------


async def test_help_lists_the_keys_that_work_now(app):
    from qkv_drill.tui.screens.help import HelpScreen

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        await pilot.press("escape")  # out of the answer box
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        actions = {r.label for r in app.screen.rows}
        assert {"Skip", "Hint", "Redraw", "Back"} <= actions
        assert "Next" not in actions and "Undo" not in actions  # not before an answer
        await pilot.press("escape")
        await type_answer(pilot, str(head_dim(screen.instance.params)))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        actions = {r.label for r in app.screen.rows}
        assert {"Next", "Undo", "Derivation"} <= actions
        assert "Skip" not in actions
        assert "Take&#160;back&#160;the&#160;last&#160;answer" in app.export_screenshot()
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is screen


async def test_help_on_home_includes_the_browser_key(app):
    from qkv_drill.tui.screens.help import HelpScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {r.label: r for r in app.screen.rows}
        assert rows["Browse"].keys == "b"
        assert rows["Browse"].where == "screen"
        assert rows["Theme"].where == "app"


# --- the review calendar and the tick boxes ----------------------------------------------------


def head_dim_answer(when):
    """A correct answer to tui.head-dim at `when`: one cell of the review calendar."""
    from qkv_drill.store import AnswerRecord

    return AnswerRecord(
        "tui.head-dim", "tui", "multihead", "easy", "numeric", "{}", 1, "1", "correct", ts_utc=when
    )


async def test_stats_shows_a_review_calendar_of_answers_per_day(app):
    from datetime import timedelta

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for days_ago, n in ((0, 3), (1, 1), (9, 6)):
            for _ in range(n):
                app.store.record_answer(head_dim_answer(START - timedelta(days=days_ago)))
        await pilot.press("s")
        await settle(pilot)
        calendar = app.screen.query_one("#stats-calendar")
        text = calendar.render()
        assert "10 answers on 3 days" in text.plain
        assert len(text.plain.splitlines()[0]) <= 80
        snap = app.screen.snapshot
        assert dict(snap.calendar)[START.date()] == 3


def months_starting(today, weeks: int) -> list[str]:
    """The months whose first Monday falls in the `weeks` columns ending with today's week."""
    from datetime import timedelta

    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    days = (first + timedelta(days=i) for i in range((today - first).days + 1))
    return [d.strftime("%b") for d in days if d.weekday() == 0 and d.day <= 7]


async def test_the_calendar_labels_every_month_that_starts_in_it(app):
    """A month cut by the left edge gave its label to no one and hid the next month's ("Mar
    May"): every month starting in the shown weeks is labelled, above its first week."""
    from datetime import timedelta

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.store.record_answer(head_dim_answer(START))
        weeks = None
        for _ in range(2):  # the first pass learns how many weeks fit, the second places them
            await pilot.press("r")
            await settle(pilot)
            lines = app.screen.query_one("#stats-calendar").render().plain.splitlines()
            weeks = lines[1].count("■")
            today = app.clock.now().date()
            first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
            # Move on until the leftmost week is the last one of its month (April 2026 then
            # starts one column in, right after the cut March).
            while (first + timedelta(weeks=1)).day > 7 or first.month != 3:
                first += timedelta(weeks=1)
                app.clock.advance(7 * 86400)
        assert lines[0].split() == months_starting(app.clock.now().date(), weeks)
        assert "Apr" in lines[0].split()
        for label in lines[0].split():  # above the column of its month's first Monday
            at = lines[0].index(label)
            assert lines[1][at] == "■"


async def test_tick_boxes_are_empty_or_checked(app):
    from qkv_drill.tui.widgets.ticks import TICK

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        topics = app.screen.query_one("#filter-topics")
        topics.select("scaling")
        await pilot.pause()
        lines = [topics.render_line(y).text for y in range(topics.option_count)]
        ticked = [line for line in lines if TICK in line]
        assert len(ticked) == 1 and "scaling" in ticked[0]
        assert all("X" not in line[:4] for line in lines)


def test_every_month_starting_in_the_calendar_is_labelled_at_any_width_and_date():
    """Including a month whose first Monday is this week, at the right edge; and the totals
    line is never wider than the widget (it was cut to "last 25" at 60 columns)."""
    from datetime import date, timedelta

    from qkv_drill.tui.widgets.calendar import calendar_text

    for width in (40, 61, 76, 80, 100, 123):
        for offset in range(0, 400, 3):
            today = date(2026, 1, 1) + timedelta(days=offset)
            lines = calendar_text([(today, 1)], today, width, dark=False).plain.splitlines()
            weeks = lines[1].count("■")
            labels = lines[0].split()
            first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
            if first.day > 7 and labels[:1] == [first.strftime("%b")]:
                labels = labels[1:]  # the month cut by the left edge, when it has room
            assert labels == months_starting(today, weeks), (width, today)
            assert max(len(line) for line in lines) <= width, (width, today)
            assert lines[-1].endswith(f"1 answer on 1 day, last {weeks} weeks")  # never cut


async def test_u_asks_again_with_the_hints_already_read_still_shown(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        params = dict(screen.instance.params)
        await pilot.press("escape", "h")  # out of the box, then the hint
        await settle(pilot)
        hint = screen.instance.question.hints[0]
        assert hint in str(screen.query_one("#hints").render())
        await pilot.press("i")
        await type_answer(pilot, str(params["d_model"]))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert screen.phase == "asking"
        assert screen.session.hints_used == 1
        assert hint in str(screen.query_one("#hints").render())


async def test_h_says_a_question_has_no_hints_rather_than_no_more(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_practice(pilot, {"shapes"})  # tui.q-shape has no hints at all
        await pilot.press("escape", "h")
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert told == ["This question has no hints."]


async def test_h_says_no_more_hints_once_all_are_read(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_practice(pilot, {"multihead"})  # tui.head-dim has one hint
        await pilot.press("escape", "h", "h")
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert told == ["No more hints for this question."]
