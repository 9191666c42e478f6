"""Helpers for the screen tests: the app over the fixture pack, waiting, reading the store."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from qkv_drill.session.filters import Filter
from tests.helpers import REPO

FIXTURE_PACK = Path("tests/tui/fixtures/tui.yaml")  # relative: shown the same on every machine
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SEED = 7


def steady_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursor (stable snapshots), and run from the repo so the pack path is short."""
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)
    monkeypatch.chdir(REPO)


def make_app(
    *, packs: Sequence[Path] = (FIXTURE_PACK,), start=None, seed: int = SEED, include_user=True
):
    """The app over the fixture pack (or `packs`) only, with a fake clock and a store in
    $QKV_DRILL_HOME."""
    from qkv_drill import paths
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.store import Store
    from qkv_drill.tui.app import QkvDrillApp

    clock = FakeClock(START)
    store = Store(paths.progress_db_path(), tz=UTC)
    return QkvDrillApp(
        extra_packs=list(packs),
        include_shipped=False,
        include_user=include_user,
        store=store,
        clock=clock,
        seed=seed,
        start=start,
    )


async def settle(pilot) -> None:
    """Let workers finish and the screen repaint (twice: a worker may start another)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def press(pilot, *keys: str) -> None:
    """Press each key in turn and let the app settle after each, as a user waits for the screen."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def rows(app) -> list:
    """Every stored answer, oldest first."""
    return list(app.store.iter_answers())


def on_screen(widget) -> bool:
    """The widget is drawn and wholly inside its scrolling parent's visible region (and the
    screen), so a user sees it without scrolling."""
    region = widget.region
    if region.height <= 0 or region.width <= 0:
        return False
    screen = widget.screen
    if not screen.region.contains_region(region):
        return False
    from textual.containers import ScrollableContainer

    for ancestor in widget.ancestors:
        if ancestor is screen or not hasattr(ancestor, "region"):
            continue
        if isinstance(ancestor, ScrollableContainer):
            clip = ancestor.scrollable_content_region
        else:
            clip = ancestor.region
        if not clip.contains_region(region):
            return False
    return True


def screen_text(app) -> str:
    """What the terminal shows right now, as plain text (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def static_text(widget) -> str:
    """A Static's content (text or any Rich renderable) as plain text, whitespace squeezed:
    readable whether or not its screen is the one on top."""
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return " ".join(console.export_text().split())


def shown_flat(app) -> str:
    """The screen's text with all whitespace runs squeezed, so wrapped text can be searched."""
    return " ".join(screen_text(app).replace("│", " ").split())


# --- practice screens -------------------------------------------------------------------------


async def open_with_filter(pilot, key: str, topics: set[str]):
    """From Home: filter on `topics`, then press `key` (p practice, d drill, w weakest)."""
    app = pilot.app
    await settle(pilot)
    app.filter = Filter(topics=frozenset(topics))
    await pilot.press(key)
    await settle(pilot)
    return app.screen


async def open_practice(pilot, topics: set[str]) -> object:
    screen = await open_with_filter(pilot, "p", topics)
    assert type(screen).__name__ == "PracticeScreen"
    assert screen.instance is not None
    return screen


def head_dim(params: dict) -> int:
    return int(params["d_model"]) // int(params["heads"])


async def type_answer(pilot, text: str) -> None:
    """Put `text` in the answer box (one-line or matrix) as if typed."""
    box = pilot.app.screen.query_one("#answer-input, #answer-matrix")
    box.focus()
    if isinstance(box, Input):
        box.value = text
    else:
        box.text = text
    await pilot.pause()


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    cols = list(zip(*b, strict=True))
    return [[sum(x * y for x, y in zip(row, col, strict=True)) for col in cols] for row in a]


def softmax_rows(q: list[list[float]], k: list[list[float]]) -> list[list[float]]:
    """Attention weights by hand: softmax over the keys of q.k / sqrt(d_k)."""
    d_k = len(q[0])
    out = []
    for qi in q:
        scores = [sum(a * b for a, b in zip(qi, kj, strict=True)) / math.sqrt(d_k) for kj in k]
        m = max(scores)
        e = [math.exp(s - m) for s in scores]
        out.append([x / sum(e) for x in e])
    return out


def self_attention(p: dict) -> tuple[list[list[float]], list[list[float]]]:
    """(output, weights) of single-head self-attention, in plain Python."""
    q, k, v = (matmul(p["X"], p[w]) for w in ("W_Q", "W_K", "W_V"))
    weights = softmax_rows(q, k)
    return matmul(weights, v), weights


async def goto(pilot, question_id: str) -> None:
    """Skip until the given question is up (keys go to the screen, not the answer box)."""
    screen = pilot.app.screen
    for _ in range(12):
        if screen.instance is not None and screen.instance.question.id == question_id:
            return
        screen.set_focus(None)
        await pilot.press("s")
        await settle(pilot)
    raise AssertionError(f"{question_id} never came up")


def browser_detail(screen) -> str:
    """The browser's detail pane as text, squeezed: the question's heading, its drawn prompt
    (every shown paragraph, whether drawn light or by the Markdown widget), the options, the
    note on its numbers, and its history."""
    from rich.text import Text
    from textual.content import Content
    from textual.widgets import Markdown, Static

    parts = []
    pane = screen.query_one("#browser-detail")
    for widget in pane.query("*"):
        if not widget.display or any(not a.display for a in widget.ancestors if a is not pane):
            continue
        if isinstance(widget, Markdown):
            parts.append(widget.source)
        elif (
            isinstance(widget, Static)
            and isinstance(widget.content, str | Text | Content)  # (a matrix grid: a table)
            and not any(isinstance(a, Markdown) for a in widget.ancestors)
        ):
            parts.append(str(widget.content))
    return " ".join(" ".join(parts).split())
