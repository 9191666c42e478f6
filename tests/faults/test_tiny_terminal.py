"""A 60x20 terminal: every screen works and its key content can be scrolled into view; resizing
mid-question keeps what was typed and where the session is."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Input

from tests.helpers.tui import goto, make_app, open_practice, rows, settle, static_text

TINY = (60, 20)


async def in_view(pilot, container: Widget, widget: Widget) -> None:
    """Scroll `container` to `widget`, then check it is on screen inside the container."""
    container.scroll_to_widget(widget, animate=False, top=True)
    await pilot.pause()
    region = widget.region
    assert region.width > 0 and region.height > 0, f"{widget} has no size"
    assert container.region.contains(region.x, region.y), f"{widget} at {region} not shown"
    assert pilot.app.screen.region.contains(region.right - 1, region.y)  # not cut off sideways


async def practice_on(pilot, topics: set[str], question_id: str):
    """The practice screen showing `question_id` (skipping to it)."""
    screen = await open_practice(pilot, topics)
    await goto(pilot, question_id)
    return screen


async def test_home_packs_and_stats_fit_a_tiny_terminal():
    app = make_app()
    async with app.run_test(size=TINY) as pilot:
        await settle(pilot)
        home = app.screen
        status = home.query_one("#home-status")
        assert "5 of 5 questions match" in static_text(status)
        assert home.region.contains_region(status.region)
        menu = home.query_one("#menu")
        assert menu.region.height > 2 and home.region.contains(*menu.region.offset)
        await pilot.press("f")
        await settle(pilot)
        lists = app.screen.query_one("#filter-lists")
        for name in ("topics", "packs", "difficulties"):
            await in_view(pilot, lists, app.screen.query_one(f"#filter-{name}"))
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("k")
        await settle(pilot)
        packs = app.screen
        assert type(packs).__name__ == "PacksScreen"
        listing = packs.query_one("#packs-list")
        assert "tui" in str(listing.content)
        await in_view(pilot, packs.query_one("#packs-body"), listing)

        await pilot.press("escape", "s")
        await settle(pilot)
        stats = app.screen
        assert type(stats).__name__ == "StatsScreen"
        body = stats.query_one("#stats-body")
        await in_view(pilot, body, stats.query_one("#stats-summary"))
        assert "No history yet" in str(stats.query_one("#stats-summary").content)


async def test_stats_with_history_scroll_to_every_chart():
    app = make_app()
    async with app.run_test(size=TINY) as pilot:
        screen = await practice_on(pilot, {"multihead"}, "tui.head-dim")
        box = screen.query_one("#answer-input", Input)
        box.value = screen.instance.expected_display
        await pilot.press("enter")
        await settle(pilot)
        screen.set_focus(None)
        await pilot.press("escape", "s")
        await settle(pilot)
        stats = app.screen
        assert "Answers 1" in str(stats.query_one("#stats-summary").content)
        body = stats.query_one("#stats-body")
        charts = [*stats.query("AccuracyBars"), *stats.query("PlotextPlot")]
        assert len(charts) == 4
        for chart in charts:
            await in_view(pilot, body, chart)


async def test_answer_feedback_and_derivation_at_60x20():
    app = make_app()
    async with app.run_test(size=TINY) as pilot:
        screen = await practice_on(pilot, {"scaling"}, "tui.weights")
        body = screen.query_one("#qbody")
        box = screen.query_one("#answer-matrix")
        await in_view(pilot, body, box)
        await in_view(pilot, body, screen.query_one("#prompt-ask"))  # the question, by the box
        assert screen.focused is box
        box.text = screen.instance.expected_display
        await pilot.press("enter")
        await settle(pilot)
        assert [(r.question_id, r.verdict) for r in rows(app) if r.verdict != "skipped"] == [
            ("tui.weights", "correct")
        ]
        assert screen.phase == "answered"
        for selector in ("#verdict", "#expected", "#explanation", "#heatmap"):
            await in_view(pilot, body, screen.query_one(selector))
        await pilot.press("d")
        await settle(pilot)
        view = screen.query_one("#derivation-view")
        assert body.region.contains(*view.region.offset)  # opened in view, not below the fold
        assert {"Q", "K", "V"} <= {step.name for step in view.trace.steps}
        answered = screen.instance
        await pilot.press("n")
        await settle(pilot)
        assert screen.phase == "asking" and screen.instance is not answered


async def test_resizing_mid_answer_keeps_the_typed_text_and_the_question():
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await practice_on(pilot, {"multihead"}, "tui.head-dim")
        instance = screen.instance
        answer = instance.expected_display
        assert answer.isdigit() and len(answer) >= 2
        box = screen.query_one("#answer-input", Input)
        assert screen.focused is box
        await pilot.press(*answer[:-1])  # typed, all but the last digit
        for size in ((60, 20), (80, 24), (60, 20), (120, 36), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert app.size == size
            assert screen.query_one("#answer-input", Input) is box
            assert box.value == answer[:-1]
            assert screen.instance is instance and screen.phase == "asking"
            assert screen.focused is box
            assert rows(app) == []
        await pilot.press(answer[-1], "enter")
        await settle(pilot)
        stored = rows(app)
        assert [(r.question_id, r.verdict, r.answer_text) for r in stored] == [
            ("tui.head-dim", "correct", answer)
        ]
        assert screen.phase == "answered"
