"""Issue 10's bugs and interaction rules, each driven at 80x24 the way a user meets it.

Each test failed on the screens as they were: a matrix of the wrong shape marked wrong, enter on
an unpicked list handing in option a, a habitual `n` typing into the next question, `g` grading
every open answer from keyword guesses at once, and the rest named in each test.
"""

from __future__ import annotations

import math
from pathlib import Path

from textual.widgets import Input, Static

from qkv_drill.session.filters import Filter
from tests.helpers.tui import (
    START,
    goto,
    on_screen,
    open_with_filter,
    rows,
    screen_text,
    self_attention,
    settle,
    shown_flat,
)

SIZE = (80, 24)
MULTI_PACK = Path("tests/tui/fixtures/multi.yaml")


async def practice(pilot, topics: set[str], question_id: str | None = None):
    screen = await open_with_filter(pilot, "p", topics)
    if question_id is not None:
        await goto(pilot, question_id)
    return screen


async def submit(pilot, text: str) -> None:
    """Put `text` in the one-line answer box and press enter."""
    pilot.app.screen.query_one("#answer-input", Input).value = text
    await pilot.press("enter")
    await settle(pilot)


def weights_answer(params: dict, transpose: bool = False) -> list[list[float]]:

    out, _ = self_attention(params)
    return [list(r) for r in zip(*out, strict=True)] if transpose else out


def as_text(matrix: list[list[float]], sep: str = "; ") -> str:
    return sep.join(" ".join(f"{x:.3f}" for x in row) for row in matrix)


# --- bug 5: a matrix of the wrong shape is unreadable input, and rows can be typed by line ---


async def test_a_matrix_of_the_wrong_shape_is_not_marked_wrong(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"scaling"}, "tui.weights")
        box = screen.query_one("#answer-matrix")
        box.text = "2 -1"  # a vector where a 3x2 matrix is asked
        await pilot.press("enter")
        await settle(pilot)
        assert [r.verdict for r in rows(app) if r.verdict != "skipped"] == []
        assert screen.phase == "asking" and screen.focused is box
        status = str(screen.query_one("#parse-status", Static).content)
        assert "3x2 matrix" in status and "vector of 2" in status


async def test_a_matrix_is_typed_one_row_per_line(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"scaling"}, "tui.weights")
        out = weights_answer(screen.instance.params)
        for i, row in enumerate(out):
            if i:
                await pilot.press("ctrl+j")  # a new row, not a submit
            for key in " ".join(f"{x:.3f}" for x in row):
                await pilot.press({" ": "space", "-": "minus", ".": "full_stop"}.get(key, key))
        await pilot.pause()
        assert "parses as a 3 x 2 matrix" in str(screen.query_one("#parse-status").content)
        await pilot.press("enter")
        await settle(pilot)
        assert [(r.question_id, r.verdict) for r in rows(app) if r.verdict != "skipped"] == [
            ("tui.weights", "correct")
        ]


# --- matrix feedback: differing entries, the parting step, the transposed mistake ----------


async def test_a_transposed_matrix_is_a_named_mistake(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"scaling"}, "tui.weights")
        screen.query_one("#answer-matrix").text = as_text(
            weights_answer(screen.instance.params, True)
        )
        await pilot.press("enter")
        await settle(pilot)
        stored = [r for r in rows(app) if r.verdict != "skipped"]
        assert [(r.verdict, r.misconception) for r in stored] == [("wrong", "transposed_matrix")]
        assert "transposed" in str(screen.query_one("#misconception").content)


async def test_wrong_matrix_entries_are_highlighted_and_the_parting_step_named(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"scaling"}, "tui.weights")
        out = weights_answer(screen.instance.params)
        out[1][0] += 5  # one slip
        screen.query_one("#answer-matrix").text = as_text(out)
        await pilot.press("enter")
        await settle(pilot)
        grid = screen.query_one("#matrix-diff")
        marks = grid.items[0].marks
        assert [[bool(m) for m in row] for row in marks] == [
            [False, False],
            [True, False],
            [False, False],
        ]
        note = str(screen.query_one("#parting-step").content)
        assert "step" in note and "X" not in note.split("step", 1)[1][:4]


async def test_handing_in_an_intermediate_names_the_step_after_it(app):

    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"scaling"}, "tui.weights")
        _out, weights = self_attention(screen.instance.params)
        if len(weights[0]) != len(_out[0]):  # weights are 3x3, the output 3x2: a shape slip
            return
        screen.query_one("#answer-matrix").text = as_text(weights)
        await pilot.press("enter")
        await settle(pilot)
        note = str(screen.query_one("#parting-step").content)
        assert "you part from the engine at step" in note


# --- bug 6: nothing picked submits nothing; picked is not the cursor -----------------------


async def test_enter_with_nothing_picked_hands_in_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"scaling"}, "tui.why-scale")
        field = screen.query_one("#answer-choice")
        assert screen.focused is field and field.highlighted == 0
        assert "enter submits once picked" in str(field.border_title)
        await pilot.press("enter")
        await settle(pilot)
        assert [r for r in rows(app) if r.verdict != "skipped"] == []
        assert screen.phase == "asking"
        assert "nothing picked" in str(field.border_subtitle)
        await pilot.press("down", "space")  # the cursor moves; space picks what it is on
        assert field.picked == {1}
        await pilot.press("up")  # the cursor moves away: the pick stays, drawn as picked
        assert field.highlighted == 0 and field.picked == {1}
        assert "(•) b)" in shown_flat(app) and "( ) a)" in shown_flat(app)


# --- bug 2: options wrap in every list --------------------------------------------------------


async def test_long_options_wrap_instead_of_being_cut():
    from qkv_drill.tui.app import QkvDrillApp

    app = QkvDrillApp(extra_packs=[MULTI_PACK], include_shipped=False, seed=1)
    async with app.run_test(size=(30, 24)) as pilot:
        screen = await practice(pilot, {"roles"})
        field = screen.query_one("#answer-choice")
        assert on_screen(field)
        assert field.region.width <= 30
        assert "The softmax temperature" in shown_flat(app)  # wrapped onto a second row


# --- interaction: who owns the keys ----------------------------------------------------------


async def test_after_a_verdict_letters_act_without_escape(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"multihead"})
        box = screen.query_one("#answer-input", Input)
        box.value = "1"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.phase == "answered"
        await pilot.press("h")
        assert "Hint 1" in str(screen.query_one("#hints").content)
        await pilot.press("r")  # new numbers straight away
        await settle(pilot)
        assert screen.phase == "asking" and screen.query_one("#answer-input", Input).value == ""


async def test_a_habitual_n_never_types_into_the_next_question(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"multihead"})
        box = screen.query_one("#answer-input", Input)
        box.value = "1"
        await pilot.press("enter", "n")  # n at once, while the answer may still be checked
        await settle(pilot)
        assert box.value == "1"  # not "1n"
        assert all("n" not in w.value for w in screen.query(Input))
        assert [r.answer_text for r in rows(app)] == ["1"]


async def test_while_typing_the_box_owns_every_key(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"multihead"})
        await pilot.press("n", "s", "h", "r", "d")
        await pilot.pause()
        assert screen.query_one("#answer-input", Input).value == "nshrd"
        assert rows(app) == [] and screen.hints == []


# --- bug 8: the model answer once, a counter that counts answers, shapes not as matrices ----


async def test_the_model_answer_is_shown_once(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"roles"}, "tui.explain")
        screen.query_one("#answer-text").text = "The query is what a token is looking for."
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.phase == "answered"
        assert not screen.query("#expected")  # the model answer is already on screen above
        assert len(screen.query("#model-answer")) == 1


async def test_the_counter_counts_answers_not_skips_or_redraws(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"multihead", "shapes"})
        for key in ("r", "r", "s"):
            screen.set_focus(None)
            await pilot.press(key)
            await settle(pilot)
        progress = str(screen.query_one("#progress").content)
        assert "0/0 correct" in progress and "1 skipped" in progress
        assert "question" not in progress


async def test_a_shape_derivation_shows_shapes_not_one_row_matrices(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"shapes"}, "tui.q-shape")
        p = screen.instance.params
        await submit(pilot, f"({p['seq']}, {p['d_model']})")
        await pilot.press("d")
        await settle(pilot)
        text = shown_flat(app)
        assert "shape (3,)" not in text and "shape (2,)" not in text
        assert "⎡" not in text and "[ " not in text


async def test_a_permuted_shape_is_a_named_mistake(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await practice(pilot, {"shapes"}, "tui.q-shape")
        p = screen.instance.params
        await submit(pilot, f"({p['d_model']}, {p['seq']})")
        stored = [r for r in rows(app) if r.verdict != "skipped"]
        assert [(r.verdict, r.misconception) for r in stored] == [("wrong", "permuted_shape")]


# --- bug 7: Home's counts after a drill --------------------------------------------------------


async def test_home_counts_refresh_after_a_drill(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.filter = Filter(topics=frozenset({"multihead"}))
        app.screen.refresh_due()
        await settle(pilot)
        assert "(0 due · 1 new)" in shown_flat(app)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        p = screen.instance.params
        await submit(pilot, str(p["d_model"] // p["heads"]))
        await pilot.press("escape")
        await settle(pilot)
        assert "(0 due · 0 new)" in shown_flat(app)


# --- drill: relative time, ahead of schedule -------------------------------------------------


async def test_drill_speaks_relative_time_and_says_when_it_is_ahead(app):
    async with app.run_test(size=SIZE) as pilot:
        # weakest topics: keeps serving cards even when none is due
        screen = await open_with_filter(pilot, "w", {"multihead"})
        p = screen.instance.params
        await submit(pilot, str(p["d_model"] // p["heads"]))
        rating = str(screen.query_one("#rating").content)
        assert "next review in " in rating and "UTC" not in rating
        await pilot.press("n")
        await settle(pilot)
        assert screen.instance is not None  # the same card again, not due yet
        progress = str(screen.query_one("#progress").content)
        assert "Ahead of schedule: this card is due in " in progress


# --- bug 4: every accuracy bar on its own label's row --------------------------------------------


async def test_stats_accuracy_bars_sit_on_their_own_topics_row(app):
    """The issue's case: masking 2/3 was drawn on the cross-attention row (0/1). Read the drawn
    chart back row by row: each topic's row holds its own figures and a bar of its own length."""
    from qkv_drill.store import AnswerRecord
    from qkv_drill.tui.widgets.bars import BAR_WIDTH

    results = {"cross-attention": (0, 1), "masking": (2, 3), "multihead": (3, 4), "scaling": (1, 4)}
    async with app.run_test(size=(80, 60)) as pilot:
        await settle(pilot)
        for topic, (correct, total) in results.items():
            for k in range(total):
                app.store.record_answer(
                    AnswerRecord(
                        f"tui.{topic}",
                        "tui",
                        topic,
                        "easy",
                        "numeric",
                        "{}",
                        1,
                        "1",
                        "correct" if k < correct else "wrong",
                        ts_utc=START,
                    )
                )
        await pilot.press("s")
        await settle(pilot)
        bars = app.screen.query_one("#chart-topics")
        app.screen.query_one("#stats-body").scroll_to_widget(bars, top=True, animate=False)
        await settle(pilot)
        top, bottom = bars.region.y, bars.region.bottom
        chart = screen_text(app).splitlines()[top:bottom]
        for topic, (correct, total) in results.items():
            (row,) = [line for line in chart if f" {topic} " in f" {line} "]
            assert f" {correct}/{total}" in row and f"{round(100 * correct / total)}%" in row
            filled = sum(1 for ch in row if ch == "█") + sum(1 for ch in row if ch in "▏▎▍▌▋▊▉")
            cells = BAR_WIDTH * correct / total  # a partly filled last cell counts as one
            assert math.floor(cells) <= filled <= math.ceil(cells), (topic, row)
