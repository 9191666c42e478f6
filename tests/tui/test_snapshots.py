"""Snapshots of the key screens at 80x24 and 120x36 (fixture pack, fixed seed, fake clock).

Each run_before first checks state, so a snapshot never blesses a screen that did the wrong thing.
Update after a deliberate change with `pytest tests/tui --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from qkv_drill.session.filters import Filter
from tests.helpers.tui import START, goto, make_app, self_attention, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


async def _home(pilot) -> None:
    await settle(pilot)
    assert pilot.app.packset is not None


async def _question(pilot) -> None:
    await settle(pilot)
    pilot.app.filter = Filter(topics=frozenset({"multihead"}))
    await pilot.press("p")
    await settle(pilot)
    assert pilot.app.screen.instance.question.id == "tui.head-dim"


async def _feedback(pilot) -> None:

    await settle(pilot)
    app = pilot.app
    app.filter = Filter(topics=frozenset({"scaling"}))
    await pilot.press("p")
    await settle(pilot)
    screen = app.screen
    await goto(pilot, "tui.weights")
    out, _weights = self_attention(screen.instance.params)
    box = screen.query_one("#answer-matrix")
    box.text = "; ".join(" ".join(f"{x:.2f}" for x in row) for row in out)
    await pilot.press("enter")
    await settle(pilot)
    assert screen.verdict.status == "correct"
    await pilot.press("d")
    await settle(pilot)
    assert screen.query("#derivation-view") and screen.query("#heatmap")
    # The torch cross-check line under the derivation changes the page height when it lands.
    assert "checking" not in str(screen.query_one("#cross-check").content)
    # Show the verdict, heatmap and the start of the derivation together.
    screen.query_one("#qbody").scroll_to_widget(
        screen.query_one("#verdict"), top=True, animate=False
    )
    await pilot.pause()


async def _packs(pilot) -> None:
    await settle(pilot)
    await pilot.press("k")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "PacksScreen"


def _seed_history(store) -> None:
    """Two weeks of answers with a rising hit rate, and a few drill cards."""
    from qkv_drill.store import AnswerRecord

    topics = [("multihead", "tui.head-dim"), ("shapes", "tui.q-shape"), ("scaling", "tui.weights")]
    for day in range(14):
        ts = START - timedelta(days=13 - day)
        for i in range(2 + day % 4):
            topic, qid = topics[(day + i) % 3]
            right = (i + day) % 3 != 0 or day > 9
            store.record_answer(
                AnswerRecord(
                    question_id=qid,
                    pack_id="tui",
                    topic=topic,
                    difficulty="easy",
                    qtype="numeric",
                    params_json="{}",
                    seed=i,
                    answer_text="1",
                    verdict="correct" if right else "wrong",
                    ts_utc=ts + timedelta(minutes=i),
                )
            )
    for n, qid in enumerate(("tui.head-dim", "tui.q-shape", "tui.weights")):
        due = START + timedelta(days=n * 3 + 1)
        store.put_card(qid, json.dumps({"due": due.isoformat()}), due)


async def _stats(pilot) -> None:
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    snap = pilot.app.screen.snapshot
    assert snap.total_answers > 20 and snap.streak == 14


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, snapshot_home, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=_home)


@pytest.mark.parametrize("size", SIZES)
def test_question(snap_compare, snapshot_home, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=_question)


@pytest.mark.parametrize("size", SIZES)
def test_feedback_with_derivation_and_heatmap(snap_compare, snapshot_home, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=_feedback)


@pytest.mark.parametrize("size", SIZES)
def test_packs(snap_compare, snapshot_home, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=_packs)


@pytest.mark.parametrize("size", SIZES)
def test_stats(snap_compare, snapshot_home, size):
    app = make_app()
    _seed_history(app.store)
    assert snap_compare(app, terminal_size=size, run_before=_stats)


def test_home_light_theme(snap_compare, snapshot_home):
    async def light(pilot) -> None:
        await _home(pilot)
        pilot.app.action_toggle_dark()
        await pilot.pause()
        assert not pilot.app.current_theme.dark

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=light)


async def _browser(pilot) -> None:
    await settle(pilot)
    app = pilot.app
    app.store.set_suspended("tui.q-shape", True)
    await pilot.press("b")
    await settle(pilot)
    screen = app.screen
    assert type(screen).__name__ == "BrowserScreen"
    assert screen.query_one("#browser-table").row_count == 5
    await pilot.press("down")  # the second row: tui.head-dim, answered in _seed_history
    await settle(pilot)
    assert screen.current_id() == "tui.head-dim"
    assert "attempts" in str(screen.query_one("#browser-history").content)


def test_browser(snap_compare, snapshot_home):
    app = make_app()
    _seed_history(app.store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_browser)


async def _help_on_practice(pilot) -> None:
    await _question(pilot)
    await pilot.press("escape", "question_mark")
    await pilot.pause()
    assert type(pilot.app.screen).__name__ == "HelpScreen"


def test_help_on_practice(snap_compare, snapshot_home):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_help_on_practice)


def test_stats_light_theme(snap_compare, snapshot_home):
    async def light(pilot) -> None:
        pilot.app.action_toggle_dark()
        await _stats(pilot)
        assert not pilot.app.current_theme.dark

    app = make_app()
    _seed_history(app.store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=light)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_tick_boxes(snap_compare, snapshot_home, theme):
    """Ticked and unticked filters side by side on the filter screen: an empty box against a
    checked one."""

    async def ticked(pilot) -> None:
        await _home(pilot)
        pilot.app.theme = theme
        await pilot.press("f")
        await settle(pilot)
        pilot.app.screen.query_one("#filter-topics").select("scaling")
        pilot.app.screen.query_one("#filter-difficulties").select("hard")
        await pilot.pause()
        assert pilot.app.filter.topics == frozenset({"scaling"})

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ticked)
