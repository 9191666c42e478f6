"""A question whose draw fails (out of memory, anything) is skipped with its reason in the app;
the practice screen never sits at "Loading the first question..." (issue 9)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from tests.helpers.tui import START, settle

PACK = """pack: {id: drawfail, title: Draw failures, version: 1}
questions:
  - id: drawfail.bad
    topic: shapes
    difficulty: easy
    type: numeric
    prompt: "d_k for {d_model} and {heads}?"
    explanation: d_model / heads.
    params: {d_model: [512], heads: [8]}
    answer: {compute: head_dim}
  - id: drawfail.good
    topic: shapes
    difficulty: easy
    type: numeric
    prompt: "d_k for {d_model} and {heads}?"
    explanation: d_model / heads.
    params: {d_model: [256], heads: [4]}
    answer: {compute: head_dim}
"""


def app_over(tmp_path: Path):
    from qkv_drill import paths
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.store import Store
    from qkv_drill.tui.app import QkvDrillApp

    pack = tmp_path / "drawfail.yaml"
    pack.write_text(PACK, encoding="utf-8")
    return QkvDrillApp(
        extra_packs=[pack],
        include_shipped=False,
        include_user=False,
        store=Store(paths.progress_db_path(), tz=UTC),
        clock=FakeClock(START),
        seed=3,
    )


def out_of_memory_for(question_id: str, monkeypatch) -> None:
    from qkv_drill.packs import instance

    real = instance._draw

    def draw(question, seed):
        if question.id == question_id:
            raise MemoryError("cannot allocate 7.3 TiB")
        return real(question, seed)

    monkeypatch.setattr(instance, "_draw", draw)


async def test_the_app_skips_a_question_whose_draw_runs_out_of_memory(tmp_path, monkeypatch):
    out_of_memory_for("drawfail.bad", monkeypatch)
    app = app_over(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        for _ in range(3):  # whatever the order, the bad one comes up and is skipped
            screen = app.screen
            assert screen.instance is not None and screen.instance.question.id == "drawfail.good"
            app.set_focus(None)
            await pilot.press("s")
            await settle(pilot)
        told = [n.message for n in app._notifications]
        assert any(m.startswith("skipped: question drawfail.bad") for m in told), told
        assert any("cannot allocate 7.3 TiB" in m for m in told)


async def test_nothing_drawable_is_said_not_loading_forever(tmp_path, monkeypatch):
    out_of_memory_for("drawfail.bad", monkeypatch)
    out_of_memory_for("drawfail.good", monkeypatch)
    app = app_over(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        progress = str(app.screen.query_one("#progress").render())
        assert "Loading the first question" not in progress
        told = " ".join(n.message for n in app._notifications)
        assert "drawfail.good" in told and "drawfail.bad" in told


async def test_the_mock_screen_says_which_questions_it_left_out(tmp_path, monkeypatch):
    """As practice does: a question whose draw fails is left out of the interview, and the
    screen says so ("skipped: ..." with the reason), not only plain mode."""
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.tui.screens.mock import MockScreen

    out_of_memory_for("drawfail.bad", monkeypatch)
    app = app_over(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        settings = MockSettings(minutes=5, questions=2, seed=1)
        session = MockSession.create(app.packset, app.store, settings, app.clock)
        assert [i.question.id for i in session.instances] == ["drawfail.good"]
        app.push_screen(MockScreen(session))
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert any(m.startswith("skipped: question drawfail.bad") for m in told), told
        assert any("cannot allocate 7.3 TiB" in m for m in told)
