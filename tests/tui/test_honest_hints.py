"""What a screen says a key does is what it does: hints name the letters a list really has, and
the mock's boxes say "saves" where the key saves (nothing is submitted until the hand-in)."""

from __future__ import annotations

from pathlib import Path

from qkv_drill.tui.widgets.answer import mock_keys, practice_keys
from tests.helpers.mock_screens import index_of, mock_app, new_session, show_question
from tests.helpers.tui import goto, open_with_filter, screen_text, settle, shown_flat

SIZE = (80, 24)


async def test_a_three_option_list_says_a_to_c(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_filter(pilot, "p", {"scaling"})
        await goto(pilot, "tui.why-scale")
        await settle(pilot)
        field = screen.query_one("#answer-choice")
        assert len(field.texts) == 3
        shown = shown_flat(app)
        assert "a-e" not in shown
        assert "a-c or space picks" in str(field.border_title)
        assert "a-c picks" in shown


def test_the_hints_follow_the_number_of_options():
    assert practice_keys("choice", 4).startswith("a-d picks")
    assert practice_keys("multi", 7).startswith("a-g ticks")
    assert "a-b" in mock_keys("choice", 2)
    assert practice_keys("numeric").startswith("enter submits")


def test_a_choice_list_says_h_s_and_r_act_at_once_unless_a_letter_takes_them():
    four = practice_keys("choice", 4)
    assert "esc" not in four
    assert "h hint" in four and "s skip" in four and "r ask again" in four
    eight = practice_keys("multi", 8)  # options a-h: h picks the eighth
    assert eight.endswith("esc frees h hint")
    assert "s skip" in eight


async def test_h_and_s_act_in_a_choice_list_without_esc(app):
    """What the status line promises: with the list focused, h shows a hint (or says there is
    none) and s skips, no esc first."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_filter(pilot, "p", {"scaling"})
        await goto(pilot, "tui.why-scale")
        await settle(pilot)
        field = screen.query_one("#answer-choice")
        assert field.has_focus
        asked = screen.session.current
        hints_before = screen.session.hints_used
        await pilot.press("h")
        await settle(pilot)
        assert screen.session.hints_used == hints_before + 1 or not asked.question.hints
        assert not field.picked
        await pilot.press("s")
        await settle(pilot)
        assert screen.session.current is not asked


async def test_the_mock_text_box_says_ctrl_s_saves(packset, store, clock):
    session = new_session(packset, store, clock)
    async with mock_app(session).run_test(size=SIZE) as pilot:
        await show_question(pilot, index_of(session, "text"))
        box = pilot.app.screen.query_one("#answer-text")
        assert "saves" in str(box.border_title)
        assert "submits" not in shown_flat(pilot.app)


async def test_the_browser_footer_drops_keys_the_search_box_types(app):
    """In the search box `-`, `!` and `/` are typed, so the footer must not offer them."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        shown = screen_text(pilot.app).splitlines()[-1]
        assert "Bury" in shown and "Search" in shown
        await pilot.press("slash")
        await pilot.press("minus")
        await settle(pilot)
        box = pilot.app.screen.query_one("#browser-search")
        assert box.value == "-"  # typed, not a bury
        shown = screen_text(pilot.app).splitlines()[-1]
        assert "Bury" not in shown and "Suspend" not in shown and "Search" not in shown
        await pilot.press("enter")  # back to the table: the keys act again
        await settle(pilot)
        assert "Bury" in screen_text(pilot.app).splitlines()[-1]


def test_the_calendar_counts_one_day_in_the_singular():
    from datetime import date

    from qkv_drill.tui.widgets.calendar import calendar_text

    today = date(2026, 12, 1)
    text = calendar_text([(today, 8)], today, 80, dark=True).plain
    assert "8 answers on 1 day," in text
    assert "1 answer on 1 day," in calendar_text([(today, 1)], today, 80, dark=True).plain


async def test_r_on_a_choice_question_is_not_called_new_numbers(app):
    """A choice question has no numbers: after its verdict, `r` is offered as asking again."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_filter(pilot, "p", {"scaling"})
        await goto(pilot, "tui.why-scale")
        await settle(pilot)
        await pilot.press("a", "enter")
        await settle(pilot)
        assert screen.phase == "answered"
        shown = shown_flat(app)
        assert "r ask again" in shown and "new numbers" not in shown


async def test_a_new_matrix_row_is_typed_in_view_at_60x20(app):
    """Each ctrl+j grows the box; the row being typed and the line that says how it parses
    stay on screen instead of sliding below the fold."""
    from tests.helpers.tui import on_screen

    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_with_filter(pilot, "p", {"scaling"})
        await goto(pilot, "tui.weights")
        await settle(pilot)
        box = screen.query_one("#answer-matrix")
        assert screen.focused is box
        for row in ("0.5 0.5", "0.25 0.75", "1 0"):
            keys = {" ": "space", ".": "full_stop"}
            await pilot.press(*(keys.get(ch, ch) for ch in row))
            await pilot.press("ctrl+j")
            await settle(pilot)
        status = screen.query_one("#parse-status")
        assert on_screen(status), (box.region, status.region, screen.region)
        assert box.region.bottom <= status.region.y


async def test_a_new_matrix_row_is_typed_in_view_in_the_mock_at_60x20(store, clock):
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.mock import MockSession, MockSettings
    from tests.helpers.tui import on_screen

    packs = load_packs(
        [Path("tests/tui/fixtures/tui.yaml")], include_shipped=False, include_user=False
    )
    session = MockSession.create(packs, store, MockSettings(minutes=20, questions=5, seed=1), clock)
    async with mock_app(session).run_test(size=(60, 20)) as pilot:
        await show_question(pilot, index_of(session, "matrix"))
        screen = pilot.app.screen
        box = screen.query_one("#answer-matrix")
        box.focus()
        for row in ("0.5 0.5", "0.25 0.75", "1 0"):
            keys = {" ": "space", ".": "full_stop"}
            await pilot.press(*(keys.get(ch, ch) for ch in row))
            await pilot.press("ctrl+j")
            await settle(pilot)
        status = screen.query_one("#answer-status")
        assert on_screen(status), (box.region, status.region)


async def test_escape_closes_the_derivation_before_leaving_practice(app):
    """`d` opens the working inline; escape then closes it, as it closes every panel, rather
    than ending the practice session under the user's feet."""
    from qkv_drill.tui.screens.question import QuestionScreen
    from qkv_drill.tui.widgets.derivation import DerivationPanel

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_filter(pilot, "p", {"multihead"})
        await goto(pilot, "tui.head-dim")
        p = screen.instance.params
        screen.query_one("#answer-input").value = str(p["d_model"] // p["heads"])
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        panel = screen.query_one(DerivationPanel)
        assert panel.is_open
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen and isinstance(screen, QuestionScreen)
        assert not panel.is_open
        await pilot.press("escape")  # nothing left to close: back to Home
        await settle(pilot)
        assert pilot.app.screen is not screen


async def test_drill_does_not_offer_a_redraw_once_the_card_is_reviewed(app):
    """After a drill answer, `r` would let the card be answered again with its answer in
    view; the screen neither offers it nor does it."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_with_filter(pilot, "d", {"multihead"})
        instance = screen.instance
        screen.query_one("#answer-input").value = "1"  # wrong
        await pilot.press("enter")
        await settle(pilot)
        assert screen.phase == "answered"
        shown = shown_flat(app)
        assert "Redraw" not in screen_text(app).splitlines()[-1]
        assert " r " not in str(screen.query_one("#next-keys").content)
        await pilot.press("r")
        await settle(pilot)
        assert screen.instance is instance and screen.phase == "answered"
        assert "n next" in shown
