"""The code screen through Pilot: starter, run without recording, submit, named bug, $EDITOR."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.widgets import TextArea

from tests.helpers import tui
from tests.helpers.tui import settle

FIXTURE = Path(__file__).parent / "fixtures" / "code.yaml"
RIGHT = """import numpy as np

def attention(q, k, v):
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
"""


@pytest.fixture(autouse=True)
def _steady(monkeypatch):
    monkeypatch.setattr(TextArea, "cursor_blink", False)


def make_app():
    return tui.make_app(packs=[FIXTURE], include_user=False, seed=3)


async def open_code(pilot):
    from qkv_drill.tui.screens.code import CodeScreen

    await settle(pilot)
    pilot.app.action_go("practice")
    for _ in range(50):
        await settle(pilot)
        if isinstance(pilot.app.screen, CodeScreen) and pilot.app.screen.phase == "editing":
            return pilot.app.screen
    raise AssertionError(f"no code screen: {pilot.app.screen}")


def report_text(screen) -> str:
    from textual.widgets import Static

    return str(screen.query_one("#code-report", Static).content)


async def wait_phase(pilot, screen, *phases):
    for _ in range(200):
        await settle(pilot)
        if screen.phase in phases:
            return
    raise AssertionError(f"phase stayed {screen.phase}")


async def test_the_starter_is_prefilled_with_python_highlighting():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        editor = screen.query_one("#code-editor", TextArea)
        assert editor.text.startswith("import numpy as np")
        assert editor.language == "python"
        assert screen.focused is editor


async def test_ctrl_r_runs_the_checks_without_recording_and_names_the_bug():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        screen.query_one("#code-editor", TextArea).load_text(
            RIGHT.replace(" / np.sqrt(q.shape[-1])", "")
        )
        await pilot.press("ctrl+r")
        await wait_phase(pilot, screen, "editing")
        text = report_text(screen)
        assert "Misconception: Scores not scaled" in text
        assert "not recorded" in text
        assert list(app.store.iter_answers()) == []


async def test_ctrl_s_submits_records_the_code_and_n_moves_on():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        screen.query_one("#code-editor", TextArea).load_text(RIGHT)
        await pilot.press("ctrl+s")
        await wait_phase(pilot, screen, "answered")
        assert "Right: your attention agrees with the engine on all 3 cases." in report_text(screen)
        (row,) = list(app.store.iter_answers())
        assert row.verdict == "correct" and row.answer_text == RIGHT
        assert screen.query_one("#code-editor", TextArea).read_only
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is not screen


async def test_an_endless_loop_and_a_crash_are_messages_not_a_hung_app(monkeypatch):
    from qkv_drill.exercises import runner

    monkeypatch.setitem(runner.LIMITS, "numpy", runner.Limits(wall_s=1.0, memory_mb=2048))
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        editor = screen.query_one("#code-editor", TextArea)
        editor.load_text("def attention(q, k, v):\n    while True:\n        pass\n")
        await pilot.press("ctrl+r")
        await wait_phase(pilot, screen, "editing")
        assert "did not finish within 1 s" in report_text(screen)
        editor.load_text("import os\ndef attention(q, k, v):\n    os._exit(3)\n")
        await pilot.press("ctrl+s")
        await wait_phase(pilot, screen, "answered")
        assert "ended without results" in report_text(screen)
        assert [r.verdict for r in app.store.iter_answers()] == ["wrong"]


async def test_the_last_code_is_prefilled_next_time():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        screen.query_one("#code-editor", TextArea).load_text("def attention(q, k, v)\n")
        await pilot.press("ctrl+s")
        await wait_phase(pilot, screen, "answered")
        assert "Syntax error on line 1" in report_text(screen)
        await pilot.press("n")
        await settle(pilot)
        screen = (
            await open_code(pilot) if app.screen.__class__.__name__ != "CodeScreen" else app.screen
        )
        await wait_phase(pilot, screen, "editing")
        assert screen.query_one("#code-editor", TextArea).text == "def attention(q, k, v)\n"
        history = str(screen.query_one("#code-history").content)
        assert "wrong" in history


async def test_ctrl_o_hands_the_code_to_the_editor_and_reads_it_back(monkeypatch, tmp_path):
    script = tmp_path / "fake-editor"
    script.write_text('#!/bin/sh\nprintf "def attention(q, k, v):\\n    return v\\n" > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(script))
    app = make_app()
    monkeypatch.setattr(type(app), "suspend", lambda self: contextlib.nullcontext())
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert screen.query_one("#code-editor", TextArea).text.endswith("return v\n")


async def test_a_file_the_editor_made_too_long_is_kept_aside_not_loaded(monkeypatch, tmp_path):
    """The editor takes an exercise's whole file, no more: a file grown past it would be refused
    at submit, and a huge one froze the app. Nothing typed is lost either way."""
    from qkv_drill.tui.widgets.answer import MAX_AREA_CHARS

    script = tmp_path / "fake-editor"
    script.write_text(f'#!/bin/sh\nhead -c {MAX_AREA_CHARS + 1} /dev/zero | tr "\\0" "#" > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(script))
    app = make_app()
    monkeypatch.setattr(type(app), "suspend", lambda self: contextlib.nullcontext())
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        editor = screen.query_one("#code-editor", TextArea)
        editor.load_text("def attention(q, k, v):\n    return q\n")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert editor.text == "def attention(q, k, v):\n    return q\n"
        (said,) = [str(n.message) for n in app._notifications if "Not loaded" in str(n.message)]
        assert f"longer than the {MAX_AREA_CHARS:,} characters the editor takes" in said
        kept = Path(said.rsplit("kept as ", 1)[1].rstrip("."))
        assert kept.read_text() == "#" * (MAX_AREA_CHARS + 1)
        kept.unlink()
        kept.parent.rmdir()


async def test_escape_leaves_the_editor_then_goes_home():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        await pilot.press("escape")
        assert screen.focused is None or not isinstance(screen.focused, TextArea)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.id == "home"


OUTCOMES = [
    ("def attention(q, k, v):\n    return {}['x']\n", "Your code raised KeyError"),
    ("def attn(q, k, v):\n    return q\n", "No function named attention"),
    ("import sys\ndef attention(q, k, v):\n    sys.exit(2)\n", "sys.exit(2)"),
    ("def attention(q, k, v):\n    return q.tolist()\n", "returned list"),
    (
        "import numpy as np\ndef attention(q, k, v):\n    return np.ones((40000, 40000))\n",
        "out of memory",
    ),
    ("def attention(q, k, v):\n    print('z' * 3_000_000)\n    return q\n", "Your code printed:"),
    ("def attention(q, k, v):\n    print('z' * 3_000_000)\n    return q\n", "more characters, not"),
    ("import numpy as np\ndef attention(q, k, v):\n    return v[..., :2, :] * np.nan\n", "NaN"),
    (RIGHT.replace("@ v", "@ v[..., ::-1]"), "differing entries highlighted"),
    (
        RIGHT.replace("return w", "return np.swapaxes(w").replace("@ v", "@ v, -1, -2)"),
        "transposed",
    ),
]


async def test_every_outcome_is_shown_on_the_code_screen():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        editor = screen.query_one("#code-editor", TextArea)
        for code, said in OUTCOMES:
            editor.load_text(code)
            await pilot.press("ctrl+r")
            await wait_phase(pilot, screen, "editing")
            assert said in report_text(screen), (said, report_text(screen))
        assert list(app.store.iter_answers()) == []


async def _named_bug_report(pilot) -> None:
    screen = await open_code(pilot)
    screen.query_one("#code-editor", TextArea).load_text(
        RIGHT.replace(" / np.sqrt(q.shape[-1])", "")
    )
    await pilot.press("ctrl+r")
    await wait_phase(pilot, screen, "editing")
    assert "Misconception: Scores not scaled" in report_text(screen)  # state first
    await pilot.press("escape")
    screen.query_one("#code-body").scroll_to_widget(screen.query_one("#code-report"), top=True)
    await settle(pilot)


def test_snapshot_code_screen_with_a_named_bug(snap_compare, monkeypatch, tmp_path):
    monkeypatch.setenv("QKV_DRILL_HOME", "/tmp/qkv-drill-snapshots/code-screen")
    import shutil

    shutil.rmtree("/tmp/qkv-drill-snapshots/code-screen", ignore_errors=True)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_named_bug_report)


async def test_drill_rates_a_code_answer_and_the_rating_can_be_changed():
    from qkv_drill.tui.screens.code import CodeScreen

    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.action_go("drill")
        for _ in range(50):
            await settle(pilot)
            if isinstance(app.screen, CodeScreen) and app.screen.phase == "editing":
                break
        screen = app.screen
        assert isinstance(screen, CodeScreen)
        screen.query_one("#code-editor", TextArea).load_text("def attn(q, k, v):\n    return q\n")
        await pilot.press("ctrl+s")
        await wait_phase(pilot, screen, "answered")
        status = str(screen.query_one("#code-status").content)
        assert "Rated Again; next review in 1 minute" in status  # as the drill screen says
        await pilot.press("3")
        await settle(pilot)
        status = str(screen.query_one("#code-status").content)
        assert "Rated Good; next review in 10 minutes" in status
        assert screen.session.rating.name == "Good"


async def wait_for_warm_child(pilot, but_not=None):
    from qkv_drill.exercises.warm import POOL

    for _ in range(600):  # generous: imports are slow on a loaded machine
        await settle(pilot)
        ready = [c for c in POOL.waiting() if c is not but_not and c.ready()]
        if ready:
            return ready[0]
    raise AssertionError("no warm child became ready")


async def test_a_warm_child_waits_is_used_by_a_run_replaced_and_none_outlives_the_app():
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        first = await wait_for_warm_child(pilot)
        screen.query_one("#code-editor", TextArea).load_text(RIGHT)
        await pilot.press("ctrl+r")
        await wait_phase(pilot, screen, "editing")
        assert "Right: your attention agrees" in report_text(screen)
        assert first.proc.poll() is not None and not first.dir.exists()  # it ran that one job
        second = await wait_for_warm_child(pilot, but_not=first)
    assert second.proc.poll() is not None, "a warm child outlived the app"
    assert not second.dir.exists()


async def test_enter_keeps_the_indentation_and_indents_after_a_colon():
    """Typing a function body line by line, as in any code editor: enter starts the next line
    at the same depth, one level deeper after a line ending in ':'."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_code(pilot)
        editor = screen.query_one("#code-editor", TextArea)
        editor.load_text("import numpy as np\n\ndef attention(q, k, v):")
        editor.move_cursor((2, len("def attention(q, k, v):")))
        await pilot.press("enter", *"s = q", "enter", *"return s")
        await settle(pilot)
        assert editor.text.splitlines()[3:] == ["    s = q", "    return s"]
        editor.move_cursor((0, len("import numpy as np")))
        await pilot.press("enter", *"x")
        assert editor.text.splitlines()[1] == "x"


async def test_a_code_card_served_ahead_of_schedule_says_so():
    """The weakest-topics drill serves cards that are not due; the code screen covers the drill
    screen, so it says so itself, in the drill's words."""
    import json
    from datetime import timedelta

    from fsrs import Card

    from qkv_drill.tui.screens.code import CodeScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        due = app.clock.now() + timedelta(days=3)
        for qid in app.packset.questions:
            app.store.put_card(qid, json.dumps(Card(due=due).to_dict()), due)
        await pilot.press("w")  # the weakest topics, though nothing is due
        for _ in range(50):
            await settle(pilot)
            if isinstance(app.screen, CodeScreen) and app.screen.phase == "editing":
                break
        screen = app.screen
        assert isinstance(screen, CodeScreen)
        said = str(screen.query_one("#code-progress").content)
        assert "Ahead of schedule: this card is due in 3 days" in said
