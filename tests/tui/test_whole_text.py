"""Pack text and the user's own answers are shown whole at 80x24, wrapped or scrolled, never cut
at a fixed length: the browser's detail pane (the prompt was cut at 400 characters, each last
answer at 60) and search (a word past the 200th character was not found), the mock's review
before hand-in (an answer was cut at 80)."""

from __future__ import annotations

from textual.widgets import OptionList, Static, TextArea

from tests.helpers.mock_screens import index_of, mock_app, new_session, show_question
from tests.helpers.tui import FIXTURE_PACK, browser_detail, make_app, press, settle

LONG = " ".join(f"clause{i} of the setting, said at length;" for i in range(30))  # ~1,000 chars


def long_pack(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(
        f"""pack:
  id: long
  title: A pack with one long question
  version: 1
questions:
  - id: long.prompt
    topic: roles
    difficulty: easy
    type: choice
    prompt: |
      {LONG} Which matrix holds what each position offers? LASTWORD
    options:
      - text: W_Q
      - text: W_K
        correct: true
      - text: W_V
    explanation: The keys are what a position offers for matching.
""",
        encoding="utf-8",
    )
    return path


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_the_browser_shows_a_long_prompt_and_a_long_answer_whole(tmp_path):
    app = make_app(packs=[FIXTURE_PACK, long_pack(tmp_path)], include_user=False)
    answer = "My answer: " + " ".join(f"point {i} made with care," for i in range(20))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "b")
        browser = app.screen
        search = browser.query_one("#browser-search")
        search.value = "lastword"  # past the 1,000th character of the prompt
        await settle(pilot)
        assert [r.id for r in browser.shown] == ["long.prompt"]
        detail = browser_detail(browser)
        assert flat(LONG) in detail and "LASTWORD" in detail and "…" not in detail

        search.value = "tui.explain"
        await settle(pilot)
        await press(pilot, "enter")  # practise it from the browser
        practice = app.screen
        practice.query_one("#answer-text", TextArea).text = answer
        await press(pilot, "ctrl+s", "enter")  # hand in, then grade against the rubric
        assert practice.phase == "answered"
        for _ in range(3):  # out of the box, back to the browser
            if app.screen is browser:
                break
            await press(pilot, "escape")
        assert app.screen is browser
        detail = flat(str(browser.query_one("#browser-history", Static).content))
        assert flat(answer) in detail
        # The pane scrolls to every line of it.
        pane = browser.query_one("#browser-detail")
        assert pane.max_scroll_y > 0
        pane.scroll_end(animate=False)
        await settle(pilot)
        shown = flat("\n".join(s.text for s in app.screen._compositor.render_strips()))
        assert "care," in shown


async def test_the_mock_review_shows_a_long_answer_whole(packset, store, clock):
    session = new_session(packset, store, clock, minutes=10)
    i_text = index_of(session, "text")
    answer = " ".join(f"reason {i} given in full," for i in range(12)) + " END"  # ~300 chars
    app = mock_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_question(pilot, i_text)
        app.screen.query_one("#answer-text", TextArea).text = answer
        await pilot.press("ctrl+s")
        await pilot.pause()
        status = flat(str(app.screen.query_one("#answer-status").content))
        assert f"your answer ({len(flat(answer)):,} characters)" in status  # not cut mid-answer
        await pilot.press("ctrl+e")
        await pilot.pause()
        listing = app.screen.query_one("#review-list", OptionList)
        lines = [listing.render_line(y).text for y in range(listing.virtual_size.height)]
        import re

        said = re.sub(r"\b\d\d:\d\d\b", " ", " ".join(lines))  # the time column, on row one
        assert flat(answer) in flat(said)
        assert "…" not in "".join(lines)
