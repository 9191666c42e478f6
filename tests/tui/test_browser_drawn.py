"""The browser shows the highlighted question as practice asks it: drawn with a fixed seed, so
a user reads real numbers and matrices, never a template's raw `{d_model}` or `{W_Q}`, with a
note that practising it draws fresh numbers."""

from __future__ import annotations

import re

from textual.widgets import DataTable

from qkv_drill.packs.instance import draw
from qkv_drill.packs.model import Question
from qkv_drill.tui.screens.browser import SHOWN_SEED, BrowserScreen, shown_question
from qkv_drill.tui.widgets.matrix import MatrixGrid
from tests.helpers.tui import browser_detail, settle

PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_]\w*\}(?!\})")


async def highlight(pilot, screen: BrowserScreen, qid: str) -> str:
    ids = [r.id for r in screen.shown]
    screen.query_one("#browser-table", DataTable).move_cursor(row=ids.index(qid))
    await settle(pilot)
    assert screen.current_id() == qid
    return browser_detail(screen)


async def open_browser(pilot) -> BrowserScreen:
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BrowserScreen)
    return pilot.app.screen


async def test_a_question_with_numbers_is_shown_drawn_not_as_its_template(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        question: Question = app.packset.questions["tui.head-dim"]
        assert "{d_model}" in question.prompt  # the template the browser used to print
        detail = await highlight(pilot, screen, "tui.head-dim")
        params = draw(question, SHOWN_SEED).params
        assert not PLACEHOLDER.search(detail), detail
        assert f"d_model = {params['d_model']} and {params['heads']} heads" in detail
        assert (
            f"Numbers drawn with seed {SHOWN_SEED}; enter practises it with fresh ones." in detail
        )
        assert detail.startswith(f"tui.head-dim · {question.topic} · ")
        # The same numbers every time it is shown.
        await highlight(pilot, screen, "tui.why-scale")
        assert await highlight(pilot, screen, "tui.head-dim") == detail


async def test_matrices_are_laid_out_and_options_lettered_as_practice_shows_them(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot)
        await highlight(pilot, screen, "tui.weights")
        grid = screen.query_one("#browser-prompt MatrixGrid", MatrixGrid)
        assert grid.display
        detail = await highlight(pilot, screen, "tui.why-scale")
        assert not screen.query_one("#browser-prompt #prompt-matrices").display
        assert "a) To keep the variance of the scores near 1" in detail
        assert "b) To make the weights sum to 1" in detail
        assert "Numbers drawn" not in detail  # nothing was drawn for it


def test_a_question_that_cannot_be_drawn_names_its_parameters_readably():
    from dataclasses import replace

    from qkv_drill.packs.loader import load_paths
    from tests.helpers.tui import FIXTURE_PACK

    (lp,) = load_paths([FIXTURE_PACK]).packs
    assert lp.pack is not None
    head_dim = next(q for q in lp.pack.questions if q.id == "tui.head-dim")
    broken = replace(head_dim, constraints=({"less": ["d_model", 0]},))  # never holds
    shown = shown_question(broken)
    assert "d_model = ‹d_model› and ‹heads› heads" in shown.prompt
    assert shown.note.startswith("Cannot be drawn")
