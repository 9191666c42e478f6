"""The small widgets' logic: colour ramp, matrix rows, parse confirmations, derivation steps."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App

from qkv_drill.tui.widgets.answer import describe_parsed, live_parse
from qkv_drill.tui.widgets.heatmap import Heatmap, cell_style, heatmap_table, ramp
from qkv_drill.tui.widgets.matrix import as_rows, bracketed, fmt_number


def _luminance(rgb) -> float:
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@settings(max_examples=60)
@given(st.floats(0, 1), st.floats(0, 1))
def test_heavier_weights_are_brighter(a, b):
    lo, hi = sorted((a, b))
    assert _luminance(ramp(lo)) <= _luminance(ramp(hi)) + 1e-9


def test_ramp_clamps_out_of_range():
    assert ramp(-3) == ramp(0) and ramp(7) == ramp(1)


@settings(max_examples=60)
@given(st.floats(0, 1))
def test_cell_text_contrasts_with_its_background(w):
    style = cell_style(w)
    bg = style.bgcolor.get_truecolor()
    fg = style.color.get_truecolor()
    assert abs(_luminance(bg) - _luminance(fg)) > 90


def test_as_rows_accepts_vectors_matrices_and_arrays_only():
    assert as_rows([1, 2]) == [[1.0, 2.0]]
    assert as_rows([[1, 2], [3, 4]]) == [[1.0, 2.0], [3.0, 4.0]]
    assert as_rows(np.eye(2)) == [[1.0, 0.0], [0.0, 1.0]]
    assert as_rows(3) is None and as_rows("abc") is None and as_rows([]) is None
    assert as_rows(["a", "b"]) is None


def test_fmt_number_keeps_integers_plain():
    assert fmt_number(4.0) == "4"
    assert fmt_number(0.125, 2) == "0.12" or fmt_number(0.125, 2) == "0.13"
    assert fmt_number(float("-inf")) == "-inf"
    # byte counts and FLOPs read as whole numbers, never as 13421772800.0000
    assert fmt_number(13_421_772_800.0, 4) == "13,421,772,800"


def test_parse_confirmations():
    assert describe_parsed("shape", (2, 10, 64)) == "parses as (2, 10, 64)"
    assert describe_parsed("shape", (5,)) == "parses as (5,)"
    assert describe_parsed("numeric", 64.0) == "parses as 64"
    assert describe_parsed("numeric", 0.125) == "parses as 0.125"
    assert describe_parsed("matrix", np.zeros((2, 3))) == "parses as a 2 x 3 matrix"


def test_typed_code_and_text_are_not_echoed_back_as_a_parse():
    """The mock's status line said "parses as 'import numpy as np\\n\\n\\ndef..." for a code
    answer: free text has nothing to confirm, so the line says nothing about its content."""
    code = "import numpy as np\n\n\ndef attention(q, k, v):\n    return v\n"
    assert live_parse("code", code) == (True, "")
    assert live_parse("text", "Scaling keeps the logits' variance at one.") == (True, "")
    assert live_parse("numeric", "64") == (True, "parses as 64")


def test_heatmap_table_prints_every_weight_with_labels():
    from rich.console import Console

    console = Console(width=60, record=True, color_system="truecolor")
    console.print(heatmap_table([[0.25, 0.75], [1.0, 0.0]]))
    text = console.export_text()
    for label in ("q0", "q1", "k0", "k1", "0.25", "0.75", "1.00", "0.00"):
        assert label in text
    assert text.index("q0") < text.index("q1")


def _heatmap_app(weights, width):
    class One(App):
        def compose(self):
            yield Heatmap(weights, id="h")

    return One(), (width, 40)


def _shown_text(widget) -> str:
    from rich.console import Console

    console = Console(width=widget.size.width, record=True)
    console.print(widget.content)
    return console.export_text()


async def test_heatmap_widget_caps_its_size_and_says_so():
    app, size = _heatmap_app(np.full((20, 20), 0.05), 140)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        widget = app.query_one("#h", Heatmap)
        assert widget.size.height <= 16 + 7  # 16 rows at most, plus title, header, note, legend
        text = _shown_text(widget)
        assert "Showing the first 16 of 20 queries and the first 16 of 20 keys." in text
        assert "q15" in text and "q16" not in text


@pytest.mark.parametrize("width", [60, 80, 100])
async def test_heatmap_shows_whole_numbers_only_and_names_the_keys_left_out(width):
    app, size = _heatmap_app(np.full((4, 16), 1 / 16), width)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        widget = app.query_one("#h", Heatmap)
        text = _shown_text(widget)
        assert "…" not in text  # no number cut to fit
        shown = text.count("0.06") // 4
        assert 1 <= shown < 16
        assert f"Showing the first {shown} of 16 keys." in " ".join(text.split())
        assert "queries" not in text.split("Showing")[1]  # every query is shown


async def test_a_heatmap_that_fits_says_nothing_about_parts():
    app, size = _heatmap_app(np.full((3, 3), 1 / 3), 80)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert "Showing" not in _shown_text(app.query_one("#h", Heatmap))


def test_chart_ticks_span_first_to_last_without_crowding():
    from qkv_drill.tui.screens.stats import _ticks

    for n in (1, 2, 5, 14, 30):
        labels = [f"d{i}" for i in range(n)]
        xs, names = _ticks(labels)
        assert names[0] == "d0" and names[-1] == f"d{n - 1}"
        assert xs == sorted(set(xs)) and len(xs) <= 5
        if len(xs) > 2:
            gaps = [b - a for a, b in itertools.pairwise(xs)]
            assert max(gaps) - min(gaps) <= 1


# A zero printed with a sign reads as a different number: "-0" / "-0.000" never appear.
MINUS_ZERO = re.compile(r"(?<![\d.])-0(\.0*)?(?![\d.e])")
TINY = st.floats(min_value=-1e-4, max_value=0.0, allow_nan=False)


@given(TINY, st.integers(min_value=0, max_value=4))
def test_no_minus_zero_in_numbers_or_matrices(x, decimals):
    assert not MINUS_ZERO.search(fmt_number(x, decimals))
    assert not MINUS_ZERO.search(bracketed([[x, 1.5], [2.0, x]], decimals=decimals).plain)
    assert not MINUS_ZERO.search(bracketed([[x, -0.0]], decimals=decimals).plain)


@given(st.lists(TINY, min_size=1, max_size=4))
def test_no_minus_zero_in_derivations(values):
    """The app's and plain mode's derivations of a step whose entries are (rounded) zeros."""
    from rich.console import Console

    from qkv_drill.engine.trace import Step, Trace
    from qkv_drill.plain_text import trace_lines
    from qkv_drill.tui.widgets.derivation import step_renderable

    steps = [
        Step("scores", "Q K^T", np.array([values, values])),
        Step("scale", "1/sqrt(d_k) * 0", np.float64(values[0])),
        Step("signed zero", "0 * -1", np.array([[-0.0, 1.0]])),
    ]
    console = Console(width=80, record=True)
    for i, step in enumerate(steps):
        console.print(step_renderable(i + 1, step))
    assert not MINUS_ZERO.search(console.export_text())
    plain = "\n".join(trace_lines(Trace(steps)))
    assert not MINUS_ZERO.search(plain)


def test_a_long_derivation_step_wraps_under_its_name_not_at_the_left_edge():
    """kv-cache.decode-attn-flops at 80 columns wrapped "... = 3,145,728   shape" and put
    "scalar" alone at column 0, where it read as a line of its own."""
    from rich.console import Console

    from qkv_drill.engine.trace import Step
    from qkv_drill.tui.widgets.derivation import step_renderable

    step = Step(
        "weights V",
        "weights V: 2 x 3 x 32 x 1 x 512 x 32 = 3,145,728",
        np.float64(3145728),
        note="4 x batch x seq x seq_kv x d_model: the head count cancels",
    )
    console = Console(width=48, record=True)
    console.print(step_renderable(3, step))
    lines = [line.rstrip() for line in console.export_text().splitlines() if line.strip()]
    assert lines[0].startswith("3. weights V")
    assert len(lines) > 3  # the heading and the note both wrapped at 48 columns
    assert all(line.startswith("   ") for line in lines[1:]), lines
    assert "shape scalar" in " ".join(" ".join(lines).split())


async def test_a_removed_answer_box_draws_blank_lines_not_an_error():
    """A repaint between a box's removal and the next layout (questions swapped quickly, on a
    busy machine) drew a TextArea whose styles were cleared: KeyError, and the app stopped."""
    from textual.geometry import Region

    from qkv_drill.tui.widgets.answer import AnswerArea, MatrixInput

    class Host(App):
        def compose(self):
            yield AnswerArea("typed", id="area")
            yield MatrixInput(id="matrix")

    app = Host()
    async with app.run_test(size=(40, 12)) as pilot:
        boxes = [app.query_one("#area"), app.query_one("#matrix")]
        await pilot.pause()
        for box in boxes:
            await box.remove()
            lines = box.render_lines(Region(0, 0, 20, 3))
            assert [line.text for line in lines] == [" " * 20] * 3


async def test_options_draw_inline_code_as_the_prompt_does_and_stay_literal():
    from qkv_drill.tui.widgets.choices import ChoiceField, option_text
    from tests.helpers.tui import shown_flat

    options = ["`Q @ K.T` then softmax", "[b]W[i][/b] and `[/]`"]

    class Host(App):
        def compose(self):
            yield ChoiceField(options, id="answer-choice")

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = shown_flat(app)
        assert "a) Q @ K.T then softmax" in shown and "`" not in shown
        assert "b) [b]W[i][/b] and [/]" in shown  # pack text stays literal, code span too
    text = option_text(options[1])
    assert text.plain == "[b]W[i][/b] and [/]"
    assert [(text.plain[s.start : s.end], str(s.style)) for s in text.spans] == [
        ("[/]", ".code_inline")
    ]
    assert option_text("a lone ` stays").plain == "a lone ` stays"


@pytest.mark.parametrize("theme", ["textual-light", "textual-dark"])
async def test_a_code_span_looks_the_same_in_an_option_as_in_the_prompt(theme):
    """Same cells over the same background: colour and tint of the Markdown widget's inline
    code in both themes (options used the warning colour, and no tint, in each)."""
    from textual.geometry import Region

    from qkv_drill.tui.widgets.choices import ChoiceField
    from qkv_drill.tui.widgets.lightmark import LightText, light_content

    class Host(App):
        CSS = "ChoiceField, LightText { background: $surface; }"

        def compose(self):
            yield LightText(light_content("scores `Q @ K.T` here"))
            yield ChoiceField(["first", "scores `Q @ K.T` here"])

    def code_cells(widget):
        region = Region(0, 0, *widget.outer_size)
        return [
            (seg.text, seg.style.color, seg.style.bgcolor)
            for strip in widget.render_lines(region)
            for seg in strip
            if "K.T" in seg.text
        ]

    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        app.theme = theme
        app.screen.set_focus(None)  # (a focused list is tinted)
        await pilot.pause()
        in_prompt = code_cells(app.query_one(LightText))
        in_option = code_cells(app.query_one(ChoiceField))
    assert in_prompt and in_prompt[0][2] is not None  # drawn on its own tint
    assert in_option == in_prompt
