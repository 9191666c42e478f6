"""Pack text is shown literally on every screen: markup in a pack never crashes, acts or vanishes.

A fixed hostile pack (`[/]` topic, `[@click=...]` options, `[link=...]` title, `W[i]`) and a
property test with hypothesis-drawn markup-looking text both tour every screen at 80x24: Home,
Packs, practice (asking, hints, feedback, self-grade), Stats, mock set-up, the running mock and
its report, asserting no exception and each string on screen as written.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, TextArea

from qkv_drill.session.filters import Filter
from tests.helpers.hostile_pack import HOSTILE, PackText, write_pack
from tests.helpers.tui import goto, make_app, settle, shown_flat


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_shown(app, *texts: str) -> None:
    screen = shown_flat(app)
    for text in texts:
        assert flat(text) in screen, f"{text!r} is not on screen:\n{screen}"


def make(pack: Path):
    return make_app(packs=[pack], include_user=False, seed=3)


async def tour(app, text: PackText) -> None:
    """Every screen, asserting the pack's strings literally where that screen shows them."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert_shown(app, text.topic)  # Home's topic filter

        await pilot.press("k")
        await settle(pilot)
        assert_shown(app, text.title)
        await pilot.press("escape")
        await settle(pilot)

        app.filter = Filter(packs=frozenset({"hostile"}))
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        await goto(pilot, "hostile.choice")
        assert_shown(app, text.prompt, text.option_right, text.option_wrong, text.topic)
        await pilot.press("h")  # two options: h is not an option letter, it asks for a hint
        await pilot.pause()
        assert_shown(app, text.hint)
        await pilot.press("b", "enter")
        await settle(pilot)
        assert screen.verdict.status == "wrong"
        assert_shown(app, text.why, text.explanation)

        screen.set_focus(None)
        await pilot.press("n")
        await settle(pilot)
        await goto(pilot, "hostile.text")
        screen.query_one("#answer-text", TextArea).text = "alpha"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.phase == "self_grade"
        assert_shown(app, text.rubric_a, text.rubric_b)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.phase == "answered"

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")  # Stats: topic names are chart labels
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("m")
        await settle(pilot)
        assert_shown(app, text.topic)  # the set-up's topic list
        app.screen.query_one("#setup-count", Input).value = "4"
        await pilot.press("ctrl+s")
        await settle(pilot)
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


@pytest.mark.slow
async def test_a_hostile_pack_is_shown_literally_everywhere(tmp_path):
    await tour(make(write_pack(tmp_path, HOSTILE)), HOSTILE)


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
async def test_markup_looking_pack_text_renders_literally(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("pack")
    await tour(make(write_pack(folder, text)), text)
