"""Pack text is shown literally on every screen: markup in a pack never crashes, acts or vanishes.

A fixed hostile pack (`[/]` topic, `[@click=...]` options, `[link=...]` title, `W[i]`) and a
property test with hypothesis-drawn markup-looking text both tour every screen at 80x24: Home,
Packs, practice (asking, hints, feedback, self-grade), Stats with its calendar, mock set-up, the
running mock, its review and its report, the browser (table, search, history of typed answers),
the `?` help, and an "implement it" question's code screen with its report, asserting no
exception and each string on screen as written. Answers typed by the user carry pack text too,
so the screens that show stored answers (history, review) are toured with markup in them.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, Static, TextArea

from qkv_drill.packs.limits import MAX_TOPIC_CHARS
from qkv_drill.session.filters import Filter
from tests.helpers.hostile_pack import HOSTILE, PackText, write_pack
from tests.helpers.tui import goto, make_app, press, settle, shown_flat


def flat(text: str) -> str:
    return " ".join(text.split())


SCROLLBAR = str.maketrans("", "", "▁▂▃▄▅▆▇█▔")  # a thumb drawn at the end of a wrapped line


def on_screen_flat(app) -> str:
    """The screen's text, squeezed, without scrollbar thumbs (drawn in the line they pass)."""
    return " ".join(shown_flat(app).translate(SCROLLBAR).split())


def assert_shown(app, *texts: str) -> None:
    screen = on_screen_flat(app)
    for text in texts:
        assert flat(text) in screen, f"{text!r} is not on screen:\n{screen}"


def assert_shown_wrapped(app, text: str) -> None:
    """`text` in a list that wraps it beside other columns: every word on screen, in order."""
    screen = on_screen_flat(app)
    at = 0
    for word in text.split():
        found = screen.find(word, at)
        assert found >= 0, f"{word!r} of {text!r} is not on screen (after {at}):\n{screen}"
        at = found + len(word)


def make(pack: Path):
    return make_app(packs=[pack], include_user=False, seed=3)


async def tour(app, text: PackText) -> None:
    """Every screen, asserting the pack's strings literally where that screen shows them."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        assert_shown_wrapped(app, text.topic)  # the filter screen's topic list
        await press(pilot, "space", "escape")  # ticked: Home's filter box names it
        assert_shown_wrapped(app, text.topic)
        await press(pilot, "c")

        await press(pilot, "k")
        assert_shown(app, text.title)
        await press(pilot, "escape")

        app.filter = Filter(packs=frozenset({"hostile"}))
        await press(pilot, "p")
        screen = app.screen
        await goto(pilot, "hostile.choice")
        assert_shown(app, text.prompt, text.option_right, text.option_wrong, text.topic)
        await pilot.press("h")  # two options: h is not an option letter, it asks for a hint
        await pilot.pause()
        assert_shown(app, text.hint)
        await pilot.press("b", "enter")
        await settle(pilot)
        assert screen.verdict.status == "wrong"
        assert_shown(app, text.why)
        screen.query_one("#qbody").scroll_end(animate=False)  # a long explanation runs below
        await settle(pilot)
        assert_shown(app, text.explanation)

        screen.set_focus(None)
        await press(pilot, "n")
        await goto(pilot, "hostile.text")
        screen.query_one("#answer-text", TextArea).text = "alpha"
        await press(pilot, "ctrl+s")
        assert screen.phase == "self_grade"
        screen.query_one("#qbody").scroll_end(animate=False)  # the rubric, under the model answer
        await settle(pilot)
        assert_shown(app, text.rubric_a, text.rubric_b)
        await press(pilot, "enter")
        assert screen.phase == "answered"

        await press(pilot, "escape")
        await pilot.press("s")  # Stats: topic names are chart labels
        await settle(pilot)
        await press(pilot, "escape")

        await press(pilot, "m")
        assert_shown_wrapped(app, text.topic)  # the set-up's topic list
        app.screen.query_one("#setup-count", Input).value = "4"
        await press(pilot, "ctrl+s")
        mock = app.screen
        assert type(mock).__name__ == "MockScreen"
        assert_shown(app, text.prompt)
        await pilot.press("ctrl+e")  # the review lists every question (topics, answers)
        await pilot.pause()
        await pilot.press("h")  # hand in
        await settle(pilot)
        report = app.screen
        assert type(report).__name__ == "ReportScreen"
        await pilot.press("e")  # open every review
        await settle(pilot)
        assert_shown(app, text.topic)
        titles = [str(t.render()) for t in report.query("CollapsibleTitle")]
        for title in titles:  # each question's title in full: its topic is never cut
            assert flat(text.topic) in flat(title), title


def write_code_pack(folder: Path, text: PackText) -> Path:
    """An "implement it" question carrying `text` (topic, prompt, hint, explanation, title)."""
    starter = "import numpy as np\n\n\ndef softmax(x):\n    return x  # not yet\n"
    pack = {
        "pack": {
            "id": "hostile-code",
            "title": text.title,
            "description": text.title,
            "version": 1,
        },
        "questions": [
            {
                "id": "hostile-code.softmax",
                "topic": text.topic,
                "difficulty": "easy",
                "type": "code",
                "prompt": text.prompt,
                "function": "softmax",
                "language": "numpy",
                "starter": starter,
                "check": {
                    "compute": "softmax",
                    "cases": 2,
                    "params": {"batch": [0], "rows": [2], "cols": [3], "scale": [1]},
                },
                "hints": [text.hint],
                "explanation": text.explanation,
            }
        ],
    }
    path = folder / "hostile_code.yaml"
    path.write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_with_code(folder: Path, text: PackText):
    write_pack(folder, text)
    write_code_pack(folder, text)
    return make(folder)


async def close_help(pilot) -> None:
    """`?` over the current screen: the help lists the live keys; escape closes it."""
    under = pilot.app.screen
    await press(pilot, "question_mark")
    assert type(pilot.app.screen).__name__ == "HelpScreen"
    await press(pilot, "escape")
    assert pilot.app.screen is under


async def tour_more(app, text: PackText) -> None:
    """The screens added after the first tour: code screen and its report, browser, help,
    Stats' calendar, the mock review; typed answers carry the pack's text."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.packset.issues, app.packset.issues

        # "Implement it": the code screen, its hint and, once submitted, its report.
        app.filter = Filter(packs=frozenset({"hostile-code"}))
        await press(pilot, "p")
        code = app.screen
        assert type(code).__name__ == "CodeScreen"
        await pilot.press("escape")  # out of the editor: letters are keys again
        code.query_one("#code-body").scroll_home(animate=False)  # the prompt is above it
        await settle(pilot)
        assert_shown(app, text.prompt)
        await pilot.press("h")
        code.query_one("#code-body").scroll_end(animate=False)  # hints are below the editor
        await settle(pilot)
        assert_shown(app, text.hint)
        await close_help(pilot)
        await press(pilot, "ctrl+s")
        assert code.phase == "answered", code.phase
        assert code.report is not None
        code.query_one("#code-body").scroll_end(animate=False)
        await settle(pilot)
        assert_shown(app, text.explanation)
        await press(pilot, "escape", "escape")

        # A typed answer holding pack text, for the history and the review to show.
        app.filter = Filter(packs=frozenset({"hostile"}))
        await press(pilot, "p")
        screen = app.screen
        await goto(pilot, "hostile.text")
        typed = f"alpha {text.why}"
        screen.query_one("#answer-text", TextArea).text = typed
        await press(pilot, "ctrl+s", "enter")
        assert screen.phase == "answered"
        await close_help(pilot)
        await press(pilot, "escape")

        # The browser: the table, a search typed with the pack's text, the history.
        await press(pilot, "b")
        browser = app.screen
        assert type(browser).__name__ == "BrowserScreen"
        search = browser.query_one("#browser-search", Input)
        search.value = text.topic
        await settle(pilot)
        search.value = ""
        await settle(pilot)
        ids = [r.id for r in browser.shown]
        browser.query_one("#browser-table").move_cursor(row=ids.index("hostile.text"))
        await settle(pilot)
        # under the table, in full whatever its columns cut: id, topic, prompt, pack title
        assert_shown_wrapped(app, text.topic)
        assert_shown(app, "hostile.text", flat(text.prompt)[:40])
        detail = flat(str(browser.query_one("#browser-history", Static).content))
        assert flat(text.title) in detail  # wrapped in the detail pane (it scrolls), not cut
        browser.query_one("#browser-detail").scroll_end(animate=False)
        await settle(pilot)
        assert_shown(app, flat(typed)[:40])  # the last answers, below
        await close_help(pilot)
        await press(pilot, "escape")

        # Stats: topics label the accuracy bars, the calendar counts the answers per day.
        await press(pilot, "s")
        assert type(app.screen).__name__ == "StatsScreen"
        assert_shown_wrapped(app, text.topic)  # the label of its accuracy bar, never cut
        await close_help(pilot)
        await press(pilot, "escape")

        # The mock's review before hand-in lists each question's topic.
        await press(pilot, "m")
        app.screen.query_one("#setup-count", Input).value = "4"
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "MockScreen"
        await press(pilot, "ctrl+e")
        assert type(app.screen).__name__ == "MockReviewScreen"
        assert_shown_wrapped(app, text.topic)  # every word of it: wrapped in its column
        await close_help(pilot)
        await pilot.press("h")  # hand in: the data folder is left with no interview running
        await settle(pilot)
        assert type(app.screen).__name__ == "ReportScreen"


@pytest.mark.slow
async def test_a_hostile_pack_is_shown_literally_everywhere(tmp_path):
    await tour(make(write_pack(tmp_path, HOSTILE)), HOSTILE)


@pytest.mark.slow
async def test_a_hostile_pack_is_shown_literally_on_the_newer_screens(tmp_path):
    await tour_more(make_with_code(tmp_path, HOSTILE), HOSTILE)


# Markup-looking words: brackets, slashes, @, =, and what Rich or Textual markup is made of.
# Markdown fields avoid what Markdown itself reads (* _ ` # | ( ) \\ < >): they are Markdown.
_MARKUP = st.sampled_from(
    [
        "[/]",
        "[b]",
        "[/b]",
        "[i]",
        "W[i]",
        "[link=x]",
        "[/link]",
        "[@click=app.quit]",
        "[red]",
        "[$accent]",
        "[on",
        "blue]",
        "@click",
        "=",
        "[",
        "]",
        "/",
    ]
)
_WORD = st.text(alphabet=string.ascii_letters + string.digits + "[]/=@.:$'", min_size=1, max_size=8)
_TEXT = st.lists(st.one_of(_MARKUP, _WORD), min_size=1, max_size=4).map(" ".join)


LONG_TOPIC = PackText(
    *(["[b]x"] + ["[/] [@click=app.quit] [$accent] a long topic"]) + [f"w{i} [i]" for i in range(9)]
)


def at_most(limit: int, words: str) -> str:
    """`words` repeated and cut at a space, at most `limit` characters (a field at its limit)."""
    text = " ".join([words] * (limit // len(words) + 1))
    return text[: text.rfind(" ", 0, limit + 1)]


# Every field as long as a pack may make it, or longer than any one line: each must be readable
# in full wherever it is shown (wrapped; a list or table may cut only what it shows in full
# below, as the browser's detail does).
AT_THE_LIMITS = PackText(
    title=at_most(160, "[b]A pack title that goes on [/] and on"),
    topic=at_most(MAX_TOPIC_CHARS, "[/] Topic words [@click=app.quit] near the limit"),
    prompt=at_most(300, "Which W[i] [$accent] is it"),
    explanation=at_most(300, "Because [bold] it is W[i]"),
    option_right=at_most(180, "[@click=app.quit]the right option, said at length[/]"),
    option_wrong=at_most(180, "W[i] and [b]a wrong option[/b] [/]"),
    why=at_most(200, "[red]no[/red] [/] because W[i]"),
    hint=at_most(200, "[i]a hint[/i] [/] that wraps"),
    rubric_a=at_most(160, "[/] a rubric point that runs on"),
    rubric_b=at_most(160, "[link=x]another long point[/link]"),
    model_answer=at_most(300, "Model [/] answer W[i]"),
)


@st.composite
def pack_texts(draw) -> PackText:
    t = [draw(_TEXT) for _ in range(11)]
    # distinct options so each can be found on its own
    if t[4] == t[5]:
        t[5] += " x"
    return PackText(*t)


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=pack_texts())
@example(text=LONG_TOPIC)  # wider than Home's filter column: it wraps there, never cut with "…"
@example(text=AT_THE_LIMITS)  # every field at its longest: one-line titles wrap it
async def test_markup_looking_pack_text_renders_literally(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("pack")
    await tour(make(write_pack(folder, text)), text)


@pytest.mark.slow
@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=pack_texts())
@example(text=AT_THE_LIMITS)
async def test_markup_looking_pack_text_renders_literally_on_the_newer_screens(
    tmp_path_factory, text
):
    folder = tmp_path_factory.mktemp("pack")
    await tour_more(make_with_code(folder, text), text)


def test_the_report_tables_fold_a_long_id_and_topic_instead_of_cutting_them():
    """An id or topic at the 100-character limit, in the report's tables at 80 columns: every
    character is drawn (folded over lines), none replaced by "…"."""
    from rich.console import Console

    from qkv_drill.packs.limits import MAX_ID_CHARS
    from qkv_drill.session.report import GroupScore, ReportItem
    from qkv_drill.tui.screens.report import score_table, time_table

    ident = "long." + "x" * (MAX_ID_CHARS - 9) + "-end"
    topic = "z" * MAX_TOPIC_CHARS
    item = ReportItem(
        idx=0,
        question_id=ident,
        pack_id="long",
        topic=topic,
        difficulty="easy",
        qtype="numeric",
        prompt="?",
        seed=1,
        params_json="{}",
        user_answer="1",
        expected="1",
        status="correct",
    )
    for table, mark, text in (
        (time_table([item]), "x", ident),
        (score_table("topic", {topic: GroupScore(1, 1)}), "z", topic),
    ):
        console = Console(width=38, record=True)  # the report's half-width column at 80
        console.print(table)
        drawn = console.export_text()
        assert "…" not in drawn
        assert drawn.count(mark) == text.count(mark), drawn  # every character, folded
