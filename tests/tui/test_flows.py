"""Each flow driven by keys, asserting what was stored and what the session holds."""

from __future__ import annotations

import json

import pytest
from textual.widgets import OptionList, Static

from qkv_drill.session.filters import Filter
from tests.helpers.tui import (
    goto,
    head_dim,
    make_app,
    on_screen,
    open_practice,
    open_with_filter,
    rows,
    self_attention,
    settle,
    static_text,
    type_answer,
)


async def test_home_shows_the_filter_once_packs_load(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = static_text(app.screen.query_one("#home-status", Static))
        assert "Topics all Packs all Difficulty all 5 of 5 questions match" in status
        app.filter = Filter(topics=frozenset({"scaling"}))
        await pilot.press("f", "escape")  # (Home shows the filter it comes back to)
        await settle(pilot)
        status = static_text(app.screen.query_one("#home-status", Static))
        assert "Topics scaling" in status and "2 of 5 questions match" in status


async def answer_one_right_then_stats(pilot):
    """From Home: one multihead question answered right in practice, then back and on to
    Stats."""
    screen = await open_practice(pilot, {"multihead"})
    await type_answer(pilot, str(head_dim(screen.instance.params)))
    await pilot.press("enter")
    await settle(pilot)
    screen.set_focus(None)
    await pilot.press("escape")
    await pilot.press("s")
    await settle(pilot)


async def test_right_answer_is_recorded_correct(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        await type_answer(pilot, str(head_dim(screen.instance.params)))
        await pilot.press("enter")
        await settle(pilot)
        stored = rows(app)
        assert [(r.question_id, r.verdict, r.mode) for r in stored] == [
            ("tui.head-dim", "correct", "practice")
        ]
        assert json.loads(stored[0].params_json) == screen.instance.params
        assert screen.phase == "answered"
        assert screen.query_one("#verdict").has_class("-correct")
        assert "1/1 correct" in str(screen.query_one("#progress", Static).content)


async def test_wrong_answer_is_recorded_with_its_misconception(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        # Using d_model itself is the "forgot to split across heads" mistake.
        await type_answer(pilot, str(screen.instance.params["d_model"]))
        await pilot.press("enter")
        await settle(pilot)
        stored = rows(app)
        assert [(r.verdict, r.misconception) for r in stored] == [("wrong", "no_head_split")]
        assert screen.query_one("#verdict").has_class("-wrong")
        shown = str(screen.query_one("#misconception", Static).content)
        assert screen.session.last_verdict.misconception.title in shown
        expected = str(screen.query_one("#expected", Static).content)
        assert str(head_dim(screen.instance.params)) in expected


async def test_unparseable_answer_shows_why_and_is_not_recorded(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        await type_answer(pilot, "sixty four")
        status = screen.query_one("#parse-status", Static)
        assert status.has_class("-error")
        live_message = str(status.content)
        assert live_message
        await pilot.press("enter")
        await settle(pilot)
        assert rows(app) == []
        assert screen.phase == "asking"
        assert status.has_class("-error")
        assert str(status.content)
        # Fixing the typo then works and is the only answer stored.
        await type_answer(pilot, str(head_dim(screen.instance.params)))
        assert status.has_class("-ok")
        assert str(status.content).startswith("parses as")
        await pilot.press("enter")
        await settle(pilot)
        assert [r.verdict for r in rows(app)] == ["correct"]


async def test_live_parse_confirms_a_shape(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"shapes"})
        await type_answer(pilot, "2 x 10 x 64")
        status = screen.query_one("#parse-status", Static)
        assert str(status.content) == "parses as (2, 10, 64)"
        await type_answer(pilot, "(2, 10,")
        assert status.has_class("-error")


async def test_redraw_gives_fresh_numbers_and_records_nothing(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        seeds = [screen.instance.seed]
        params = [screen.instance.params]
        for _ in range(6):
            screen.set_focus(None)
            await pilot.press("r")
            await settle(pilot)
            assert screen.instance.question.id == "tui.head-dim"
            seeds.append(screen.instance.seed)
            params.append(screen.instance.params)
        assert len(set(seeds)) == len(seeds)
        assert any(p != params[0] for p in params[1:])
        assert rows(app) == []
        progress = str(screen.query_one("#progress", Static).content)
        assert "0/0 correct" in progress and "skipped" not in progress  # re-draws count nothing


async def test_choice_by_letter_key(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"scaling"})
        await goto(pilot, "tui.why-scale")
        # Options are not shuffled in the fixture: c is "divide by d_k", a misconception.
        await pilot.press("c")
        field = screen.query_one("#answer-choice", OptionList)
        assert field.highlighted == 2 and field.picked == {2}
        await pilot.press("enter")
        await settle(pilot)
        answered = [r for r in rows(app) if r.verdict != "skipped"]
        assert [(r.question_id, r.verdict, r.misconception) for r in answered] == [
            ("tui.why-scale", "wrong", "scale_by_dk")
        ]


async def test_skip_is_recorded_as_skipped(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        screen.set_focus(None)
        await pilot.press("s")
        await settle(pilot)
        assert [r.verdict for r in rows(app)] == ["skipped"]
        assert screen.phase == "asking"


async def test_hint_shows_the_pack_hint(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        screen.set_focus(None)
        await pilot.press("h")
        hints = str(screen.query_one("#hints", Static).content)
        assert screen.instance.question.hints[0] in hints


async def test_weights_question_teaches_with_heatmap_and_derivation(app):
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_practice(pilot, {"scaling"})
        await goto(pilot, "tui.weights")
        grid = screen.query_one("#matrices")
        assert [m.caption for m in grid.items] == ["X", "W_Q", "W_K", "W_V"]  # one grid, four
        out, weights = self_attention(screen.instance.params)
        text = "; ".join(" ".join(f"{x:.3f}" for x in row) for row in out)
        await type_answer(pilot, text)
        await pilot.press("enter")
        await settle(pilot)
        answered = [r for r in rows(app) if r.verdict != "skipped"]
        assert [(r.question_id, r.verdict) for r in answered] == [("tui.weights", "correct")]
        heatmap = screen.query_one("#heatmap")
        assert [[round(w, 6) for w in r] for r in heatmap.weights] == [
            [round(w, 6) for w in r] for r in weights
        ]
        assert not screen.query("#derivation-view")
        await pilot.press("d")
        await pilot.pause()
        view = screen.query_one("#derivation-view")
        names = [step.name for step in view.trace.steps]
        assert {"Q", "K", "V"} <= set(names)
        # the torch backend recomputes the same answer in a worker and says it agrees
        await app.workers.wait_for_complete()
        await pilot.pause()
        verdict_line = str(screen.query_one("#cross-check", Static).content)
        assert "torch agrees with the numpy engine on self_attention" in verdict_line
        await pilot.press("d")
        await pilot.pause()
        assert not screen.query("#derivation-view")


async def test_text_answer_is_self_graded_from_the_rubric(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"roles"})
        area = screen.query_one("#answer-text")
        area.text = "The query is what a token is looking for; the key is what it offers."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.phase == "self_grade"
        assert rows(app) == []  # nothing stored until the self-grade
        rubric = screen.query_one("#rubric")
        assert rubric.picked_sorted == (0, 1)  # keywords found for Q and K, not for V
        await pilot.press("enter")
        await settle(pilot)
        assert [(r.question_id, r.verdict) for r in rows(app)] == [("tui.explain", "correct")]
        assert screen.phase == "answered"


async def test_drill_queue_moves_after_answers_and_rating_override(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_filter(pilot, "d", {"multihead", "shapes"})
        assert type(screen).__name__ == "DrillScreen"
        session = screen.session
        first = screen.instance.question.id
        before = [qid for qid, _ in session.queue()]
        assert first in before and len(before) == 2
        if first == "tui.head-dim":
            answer = str(head_dim(screen.instance.params))
        else:
            p = screen.instance.params
            answer = f"({p['seq']}, {p['d_model']})"
        await type_answer(pilot, answer)
        await pilot.press("enter")
        await settle(pilot)
        assert [(r.question_id, r.verdict, r.mode) for r in rows(app)] == [
            (first, "correct", "drill")
        ]
        after = [qid for qid, _ in session.queue()]
        assert first not in after  # scheduled into the future
        assert len(after) == len(before) - 1
        due_good = session.card_due(first)
        assert due_good > app.clock.now()
        assert "Scheduled as" in str(screen.query_one("#rating", Static).content)
        await pilot.press("1")  # Again: back in the queue now
        await settle(pilot)
        assert int(session.rating) == 1
        assert session.card_due(first) < due_good
        assert "Again" in str(screen.query_one("#rating", Static).content)
        await pilot.press("n")
        await settle(pilot)
        assert screen.instance is not None


BROKEN = """pack:
  id: broken
  title: Broken on purpose
  description: x
  version: 1
questions:
  - id: broken.one
    topic: shapes
    difficulty: impossible
    type: numeric
"""


async def test_broken_user_pack_is_listed_with_its_line(tmp_path):
    from qkv_drill import paths

    user = paths.user_packs_dir()
    user.mkdir(parents=True, exist_ok=True)
    (user / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert len(app.packset.questions) == 5  # the good pack still loads
        await pilot.press("k")
        await settle(pilot)
        listing = str(app.screen.query_one("#packs-list", Static).content)
        issues = [i for i in app.packset.issues if "broken.yaml" in str(i.path)]
        assert issues
        for issue in issues:
            assert f"broken.yaml:{issue.line}:" in listing
            assert issue.message in listing
        assert "tui" in listing and "ok" in listing
        assert str(paths.user_packs_dir()) in str(app.screen.query_one("#packs-help").content)
        # Fix the pack and reload: the error is gone.
        (user / "broken.yaml").unlink()
        await pilot.press("r")
        await settle(pilot)
        assert "broken.yaml" not in str(app.screen.query_one("#packs-list", Static).content)


async def test_stats_empty_then_with_history(app):
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "No history yet" in str(app.screen.query_one("#stats-summary", Static).content)
        await pilot.press("escape")
        await answer_one_right_then_stats(pilot)
        stats = app.screen
        assert stats.snapshot.total_answers == 1 and stats.snapshot.total_correct == 1
        assert len(stats.query("PlotextPlot")) == 3 and stats.query("AccuracyBars")
        assert "Answers 1" in str(stats.query_one("#stats-summary", Static).content)


async def test_command_palette_offers_navigation(app):
    from qkv_drill.tui.commands import QkvCommands

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        provider = QkvCommands(app.screen)
        titles = [title for title, _help, _cb in provider._commands()]
        for wanted in ("Go: practice", "Go: stats", "Packs: reload", "Theme: toggle dark/light"):
            assert wanted in titles
        dict((t, cb) for t, _h, cb in provider._commands())["Go: stats"]()
        await settle(pilot)
        assert type(app.screen).__name__ == "StatsScreen"


async def test_ctrl_q_quits_from_a_question(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_practice(pilot, {"multihead"})
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_small_terminal_keeps_the_answer_reachable(app):
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_practice(pilot, {"scaling"})
        await goto(pilot, "tui.weights")
        # four matrices side by side, the question sentence and the box all fit at 60x20
        await pilot.pause()
        assert on_screen(screen.query_one("#answer-matrix"))
        assert on_screen(screen.query_one("#prompt-ask"))


async def test_drill_says_when_nothing_is_due_and_weakest_keeps_going(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_with_filter(pilot, "d", {"multihead"})
        await type_answer(pilot, str(head_dim(screen.instance.params)))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert screen.phase == "empty" and screen.instance is None
        assert screen.session.due_count() == 0
        assert screen.next_due_at is not None and screen.next_due_at > app.clock.now()
        await pilot.press("w")
        await settle(pilot)
        assert screen.weakest and screen.phase == "asking"
        assert screen.instance.question.id == "tui.head-dim"


async def test_corrupt_progress_file_is_reported_and_a_fresh_one_used():
    from qkv_drill import paths
    from qkv_drill.tui.app import QkvDrillApp
    from tests.helpers.tui import FIXTURE_PACK

    db = paths.progress_db_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    app = QkvDrillApp(extra_packs=[FIXTURE_PACK], include_shipped=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.store is not None and app.store.persistent
        messages = [n.message for n in app._notifications]
        assert any("damaged" in m for m in messages)
        assert list(db.parent.glob("progress.db.corrupt-*"))


async def test_multi_answer_ticked_by_letters():
    from pathlib import Path

    from qkv_drill.tui.app import QkvDrillApp

    app = QkvDrillApp(
        extra_packs=[Path("tests/tui/fixtures/multi.yaml")], include_shipped=False, seed=1
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"roles"})
        assert screen.instance.question.id == "tui-multi.same-x"
        await pilot.press("a", "b", "c", "b")  # b ticked then unticked again
        assert screen.query_one("#answer-choice").picked_sorted == (0, 2)
        await pilot.press("enter")
        await settle(pilot)
        assert [(r.question_id, r.verdict, r.answer_text) for r in rows(app)] == [
            ("tui-multi.same-x", "correct", "a c")
        ]


async def test_choosing_a_home_menu_entry_with_enter_opens_it(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        menu = app.screen.query_one("#menu")
        menu.focus()
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        menu.highlighted = ids.index("stats")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "StatsScreen"
        await pilot.press("escape")
        await settle(pilot)
        menu = app.screen.query_one("#menu")
        menu.focus()
        menu.highlighted = ids.index("practice")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "PracticeScreen"


@pytest.mark.slow
async def test_a_disk_that_fills_mid_session_is_told_at_once(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_practice(pilot, {"multihead"})
        assert app.store.persistent
        # cap the file at its current size: within a few answers a write finds the disk full
        conn = app.store._conn
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        typed = []
        for i in range(40):
            answer = "1" * 140 + str(i)  # parses, is wrong, and is long enough to fill pages
            await type_answer(pilot, answer)
            await pilot.press("enter")
            await settle(pilot)
            typed.append(answer)
            assert screen.verdict.status == "wrong"  # still checked and shown
            if not app.store.persistent:
                break
            screen.set_focus(None)
            await pilot.press("n")
            await settle(pilot)
        assert not app.store.persistent, "the capped file never filled"
        assert [r.answer_text for r in rows(app)] == typed  # nothing of this session lost
        told = [n for n in app._notifications if "progress is not being saved" in n.message]
        assert len(told) == 1 and told[0].severity == "warning"


async def test_stats_totals_wrap_between_totals_on_narrow_screens(app):
    """Below about 70 columns the totals take two lines: each label stays with its number (at
    66 columns the line broke inside a total, 'due' at the end of one line and 'now 0' on the
    next; at 60 with more answers, 'cards' and '13')."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await answer_one_right_then_stats(pilot)
        summary = app.screen.query_one("#stats-summary")
        wanted = ("Answers 1", "correct 1 (100%)", "streak 1 day", "cards 0", "due now 0")
        for width in range(60, 81):
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            lines = summary.render_lines(summary.region.reset_offset)
            rows = [row for row in (strip.text.strip(" █▌▐") for strip in lines) if row]
            for total in wanted:
                assert sum(total in row for row in rows) == 1, (width, total, rows)
