"""Every shipped question, as a candidate meets it at 80x24 in practice and in the mock, and at
60x20 in practice; at 60x20 in the mock, the tallest of each layout kind.

For each question: the question sentence and the focused answer widget are both inside the
visible region (nothing to scroll before answering), and every option is drawn whole (wrapped,
never cut with "…", none hidden below the list's edge). At 60x20 a question can be taller than
the screen: there the focused widget is still wholly in view, the sentence at least in part (its
end, right above the box), and a list taller than the screen scrolls within itself.

One app per pack and mode, with the questions swapped in place the way the screens swap them
(practice shows a drawn instance, the mock jumps to the next question), so a pack costs one
start-up rather than one per question.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from textual.containers import ScrollableContainer
from textual.widgets import TextArea

from qkv_drill.tui.widgets.choices import ChoiceField, option_text
from tests.helpers import REPO
from tests.helpers.tui import START, on_screen

SIZES = [(80, 24), (60, 20)]
PACK_FILES = sorted((REPO / "questions").glob("*.yaml"))
SEED = 1  # one drawn instance per question (the prompt's numbers change its length little)

pytestmark = pytest.mark.slow  # ~500 questions, three times: minutes on a loaded machine


def questions_of(pack_file: Path) -> list:
    from qkv_drill.packs.loader import load_packs

    packset = load_packs([pack_file], include_shipped=False, include_user=False)
    assert not packset.issues, packset.issues
    return sorted(packset.questions.values(), key=lambda q: q.id)


def app_over(*pack_files: Path):
    from qkv_drill import paths
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.store import Store
    from qkv_drill.tui.app import QkvDrillApp

    return QkvDrillApp(
        extra_packs=list(pack_files),
        include_shipped=False,
        include_user=False,
        store=Store(paths.progress_db_path(), tz=UTC),
        clock=FakeClock(START),
        seed=SEED,
    )


async def until(pilot, ready, tries: int = 20) -> None:
    """Pause until `ready()` holds (focus and scrolling happen after a refresh), or give up and
    let the assertions say what is wrong."""
    for _ in range(tries):
        await pilot.pause()
        if ready():
            return


def region_text(app, widget) -> list[str]:
    """The rows of the screen inside the widget's content region, as plain text."""
    region = widget.content_region
    strips = app.screen._compositor.render_strips()
    return [
        strips[y].crop(region.x, region.right).text
        for y in range(region.y, region.bottom)
        if 0 <= y < len(strips)
    ]


def partly_on_screen(widget) -> bool:
    """Some of the widget is drawn inside every scrolling parent's visible region."""
    region = widget.region.intersection(widget.screen.region)
    for ancestor in widget.ancestors:
        if isinstance(ancestor, ScrollableContainer):
            region = region.intersection(ancestor.scrollable_content_region)
    return region.height > 0 and region.width > 0


def layout_problems(app, question_id: str, sentence, answer, *, small=False) -> list[str]:
    """What a candidate could not see of this question without scrolling (on a `small` screen:
    what they could not see of it that would fit)."""
    problems = []
    if app.focused is not answer:
        problems.append(f"focus is on {app.focused!r}, not the answer widget")
    if not (on_screen(sentence) or (small and partly_on_screen(sentence))):
        problems.append(f"question sentence off screen at {sentence.region}")
    if not on_screen(answer):
        problems.append(f"answer widget off screen at {answer.region}")
    if isinstance(answer, ChoiceField) and not (small and answer.max_scroll_y):
        if answer.max_scroll_y:
            problems.append(f"{answer.max_scroll_y} option rows hidden below the list's edge")
        drawn = " ".join(" ".join(region_text(app, answer)).split())
        for text in answer.texts:  # as drawn: an inline code span without its backticks
            if " ".join(option_text(text).plain.split()) not in drawn:
                problems.append(f"option not drawn whole: {text!r}")
        if "…" in drawn and not any("…" in t for t in answer.texts):
            problems.append("an option is cut with …")
    return [f"{question_id}: {p}" for p in problems]


def code_sentence(prompt):
    """A code exercise's question sentence: its first paragraph ("Write f(...) in numpy: ...");
    the rest of a long exercise text scrolls within its share of the screen. `prompt` is the
    code screen's Markdown widget, or the mock's `PromptText`: the paragraphs it draws itself,
    or (hidden ones left from an earlier question before it) the Markdown widget it falls back
    to."""
    from qkv_drill.tui.widgets.lightmark import LightText, PromptText

    if isinstance(prompt, PromptText):
        prompt = next(child for child in prompt.children if child.display)
        if isinstance(prompt, LightText):
            return prompt
    return prompt.children[0]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("pack_file", PACK_FILES, ids=lambda p: p.stem)
async def test_every_question_fits_in_practice(pack_file, size):
    from qkv_drill.packs.instance import draw
    from qkv_drill.tui.screens.question import PracticeScreen
    from qkv_drill.tui.widgets.prompt import PromptView

    questions = questions_of(pack_file)
    app = app_over(pack_file)
    problems: list[str] = []
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.ready)
        app.action_go("practice")
        await until(pilot, lambda: isinstance(app.screen, PracticeScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        (screen,) = (s for s in app.screen_stack if isinstance(s, PracticeScreen))
        for q in questions:
            while app.screen is not screen:  # the code screen of the previous question
                app.pop_screen()
                await pilot.pause()
            await screen._show_instance(draw(q, SEED))
            if q.type == "code":  # written in its own screen, with an editor
                await until(pilot, lambda: isinstance(app.focused, TextArea))
                code = app.screen
                sentence = code_sentence(code.query_one("#code-prompt"))
                answer = code.query_one("#code-editor")
            else:
                answer = screen.query_one("#answer-box").children[0]
                sentence = screen.query_one(PromptView).ask
                await until(pilot, lambda a=answer: app.focused is a and on_screen(a))
            problems += layout_problems(app, q.id, sentence, answer, small=size != SIZES[0])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("pack_file", PACK_FILES, ids=lambda p: p.stem)
async def test_every_question_fits_in_the_mock(pack_file):
    problems = await mock_problems([pack_file], questions_of(pack_file), SIZES[0])
    assert not problems, "\n".join(problems)


KIND_SAMPLE = 3
"""How many questions of each layout kind the mock shows at 60x20."""


def layout_kind(q) -> tuple[str, bool]:
    """What decides how a question is laid out: its answer widget and whether matrices stand
    between its lead and its sentence."""
    from qkv_drill.tui.widgets.prompt import parts_for

    instance = draw_instance(q)
    return q.type, bool(parts_for(instance.prompt, instance.params).matrices)


def drawn_length(q) -> int:
    """Characters drawn for the question (prompt and options): the longest are the tallest."""
    instance = draw_instance(q)
    return len(instance.prompt) + sum(len(o) + 8 for o in instance.options)


_DRAWN: dict[str, object] = {}


def draw_instance(q):
    """The question drawn with SEED (once: the sample's ordering asks for it twice)."""
    from qkv_drill.packs.instance import draw

    if q.id not in _DRAWN:
        _DRAWN[q.id] = draw(q, SEED)
    return _DRAWN[q.id]


# The mock at 60x20 goes over the tallest few questions of each layout kind, not all ~500: what
# differs from the two tests above (every question in the mock at 80x24, every one in practice
# at 60x20) is the mock's header and its framing code, the same for every question of a kind,
# and whether the tallest still fit. All of them cost about a CPU minute more per run (measured:
# 65 s), a quarter of this file, for no question the sample does not stand for.
async def test_the_tallest_of_each_kind_fit_in_the_mock_at_60x20():
    questions = [q for pack_file in PACK_FILES for q in questions_of(pack_file)]
    kinds: dict[tuple[str, bool], list] = {}
    for q in questions:
        kinds.setdefault(layout_kind(q), []).append(q)
    sample = [
        q
        for kind in sorted(kinds)
        for q in sorted(kinds[kind], key=drawn_length, reverse=True)[:KIND_SAMPLE]
    ]
    assert len(kinds) >= 8  # numeric, shape, matrix, choice, multi, text, code; with matrices
    problems = await mock_problems(PACK_FILES, sample, SIZES[1])
    assert not problems, "\n".join(problems)


async def mock_problems(
    pack_files: list[Path], questions: list, size: tuple[int, int]
) -> list[str]:
    """Show `questions` one after the other in one running interview, as its navigator does."""
    from qkv_drill.session.mock import MockSession
    from qkv_drill.tui.screens.mock import MockScreen
    from qkv_drill.tui.widgets.prompt import PromptView

    app = app_over(*pack_files)
    small = size != SIZES[0]
    problems: list[str] = []
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.ready)
        instances = [draw_instance(q) for q in questions]
        minutes = 60.0
        mock_id = app.store.create_mock("{}", SEED, minutes * 60, "[]")
        session = MockSession(app.store, mock_id, instances, minutes * 60, 0.0, app.clock, SEED)
        screen = MockScreen(session)
        app.push_screen(screen)
        await until(pilot, lambda: screen.is_mounted)
        for i, q in enumerate(questions):
            await screen.go_to(i)
            answer = screen.query_one("#answer-box").children[0]
            sentence = screen.query_one(PromptView).ask
            if q.type == "code" and small:  # whole at 80x24, scrolls when smaller
                sentence = code_sentence(sentence)
            await until(pilot, lambda a=answer: app.focused is a and on_screen(a))
            problems += layout_problems(app, q.id, sentence, answer, small=small)
    return problems
