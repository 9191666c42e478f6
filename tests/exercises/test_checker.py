"""The checker on hand-written implementations: right ones pass, each classic bug is named."""

from __future__ import annotations

import numpy as np
import pytest

from qkv_drill.exercises.render import plain_lines

SDPA = """
import numpy as np

def softmax(s):
    s = s - s.max(axis=-1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=-1, keepdims=True)

def attention(q, k, v):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    return softmax(scores) @ v
"""


def test_a_right_implementation_passes_every_case(grader):
    r = grader("implement.sdpa", SDPA)
    assert r.outcome == "right", r.message
    assert r.passed == r.cases == 8
    assert r.misconception is None


@pytest.mark.parametrize(
    ("old", "new", "name"),
    [
        ("/ np.sqrt(q.shape[-1])", "", "no_scaling"),
        ("/ np.sqrt(q.shape[-1])", "/ q.shape[-1]", "scale_by_dk"),
        ("softmax(scores) @ v", "scores @ v", "raw_scores_weighting"),
        ("axis=-1, keepdims", "axis=-2, keepdims", "softmax_wrong_axis"),
        ("s = s - s.max(axis=-1, keepdims=True)", "pass", "softmax_overflow"),
    ],
)
def test_each_classic_sdpa_bug_is_named(grader, old, new, name):
    code = SDPA.replace(old, new)
    if name == "softmax_wrong_axis":
        code = code.replace("e.sum(axis=-1", "e.sum(axis=-2")
    r = grader("implement.sdpa", code)
    assert r.outcome == "wrong_values"
    assert r.misconception is not None and r.misconception.name == name, r.message
    assert r.misconception.feedback in r.message


def test_a_transposed_output_is_named(grader):
    code = SDPA.replace(
        "return softmax(scores) @ v", "return np.swapaxes(softmax(scores) @ v, -1, -2)"
    )
    r = grader("implement.sdpa", code)
    assert r.outcome == "wrong_shape"
    assert "transposed" in r.message
    assert r.failure is not None and r.failure.got is None


def test_a_permuted_output_is_named_with_its_axes(grader):
    code = """
    import numpy as np
    def split_heads(x, n_heads):
        b, t, c = x.shape
        return x.reshape(b, t, n_heads, c // n_heads)
    """
    r = grader("implement.split-heads", code)
    assert r.outcome == "wrong_shape"
    assert "(0, 2, 1, 3)" in r.message


def test_wrong_values_show_the_case_and_mark_the_differing_entries(grader):
    code = SDPA.replace(
        "return softmax(scores) @ v", "return softmax(scores) @ v + (v.shape[-1] == 3)"
    )
    r = grader("implement.sdpa", code)
    f = r.failure
    assert r.outcome == "wrong_values" and r.misconception is None and f is not None
    assert f.got is not None and f.differ is not None and f.differ.all()
    assert f.expected.ndim == 2 and set(f.inputs) == {"q", "k", "v"}
    text = "\n".join(plain_lines(r))
    assert f"Case {f.case + 1} inputs:" in text and "(* = differs)" in text and "*" in text


def test_nan_in_the_output_is_said_plainly(grader):
    code = """
    import numpy as np
    def attention(q, k, v, mask):
        s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
        s = np.where(mask, s, -np.inf)
        e = np.exp(s - s.max(-1, keepdims=True))
        return (e / e.sum(-1, keepdims=True)) @ v
    """
    r = grader("implement.masked", code)
    assert r.misconception is not None and r.misconception.name == "masked_row_nan"
    assert any("NaN" in n for n in r.notes)


@pytest.mark.parametrize(
    ("qid", "code", "name"),
    [
        (
            "implement.masked",
            """
            import numpy as np
            def attention(q, k, v, mask):
                s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
                w = np.exp(s - s.max(-1, keepdims=True))
                w = w / w.sum(-1, keepdims=True)
                return (w * mask) @ v
            """,
            "mask_after_softmax",
        ),
        (
            "implement.causal",
            """
            import numpy as np
            def causal_attention(q, k, v):
                s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
                w = np.exp(s - s.max(-1, keepdims=True))
                return w / w.sum(-1, keepdims=True) @ v
            """,
            "no_causal_mask",
        ),
        (
            "implement.merge-heads",
            """
            def merge_heads(x):
                b, h, t, hs = x.shape
                return x.reshape(b, t, h * hs)
            """,
            "heads_merged_wrong_order",
        ),
        (
            "implement.split-heads",
            """
            def split_heads(x, n_heads):
                b, t, c = x.shape
                return x.reshape(b, n_heads, t, c // n_heads)
            """,
            "split_no_transpose",
        ),
        (
            "implement.gqa",
            """
            import numpy as np
            def heads(m, n):
                *lead, t, c = m.shape
                return np.swapaxes(m.reshape(*lead, t, n, c // n), -2, -3)
            def gqa_attention(x, w_q, w_k, w_v, w_o, n_heads, n_kv_heads):
                q = heads(x @ w_q, n_heads)
                k, v = heads(x @ w_k, n_kv_heads), heads(x @ w_v, n_kv_heads)
                reps = [1] * k.ndim
                reps[-3] = n_heads // n_kv_heads
                k, v = np.tile(k, reps), np.tile(v, reps)
                s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
                w = np.exp(s - s.max(-1, keepdims=True))
                y = (w / w.sum(-1, keepdims=True)) @ v
                y = np.swapaxes(y, -2, -3)
                return y.reshape(*y.shape[:-2], -1) @ w_o
            """,
            "kv_heads_tiled",
        ),
        (
            "implement.sliding-window",
            """
            import numpy as np
            def sliding_window_mask(tq, tk, window):
                p = np.arange(tq)[:, None] + tk - tq
                j = np.arange(tk)[None, :]
                return (j <= p) & (j >= p - window)
            """,
            "window_off_by_one",
        ),
        (
            "implement.padding-mask",
            """
            import numpy as np
            def padding_mask(lengths, tk):
                real = np.arange(tk)[None, :] < lengths[:, None]
                return real[:, None, :, None]
            """,
            "padding_on_queries",
        ),
        (
            "implement.decode-step",
            """
            import numpy as np
            def decode_step(q_t, k_cache, v_cache, k_t, v_t):
                s = q_t @ np.swapaxes(k_cache, -1, -2) / np.sqrt(q_t.shape[-1])
                w = np.exp(s - s.max(-1, keepdims=True))
                y = (w / w.sum(-1, keepdims=True)) @ v_cache
                return y, np.concatenate([k_cache, k_t], -2), np.concatenate([v_cache, v_t], -2)
            """,
            "decode_without_new_token",
        ),
        (
            "implement.rope",
            """
            import numpy as np
            def rot(x, pos):
                d = x.shape[-1]
                ang = pos[:, None] * 10000.0 ** (-np.arange(0, d, 2) / d)
                c, s = np.cos(ang), np.sin(ang)
                out = np.empty_like(x)
                out[..., 0::2] = x[..., 0::2] * c - x[..., 1::2] * s
                out[..., 1::2] = x[..., 0::2] * s + x[..., 1::2] * c
                return out
            def rope(q, k, positions):
                return rot(q, positions), rot(k, positions)
            """,
            "rope_wrong_pairing",
        ),
        (
            "implement.cross-attention",
            """
            import numpy as np
            def cross_attention(x, context, w_q, w_k, w_v):
                q, k, v = x @ w_q, x @ w_k, x @ w_v
                s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
                w = np.exp(s - s.max(-1, keepdims=True))
                return (w / w.sum(-1, keepdims=True)) @ v
            """,
            "cross_kv_from_queries",
        ),
    ],
)
def test_bugs_in_other_exercises_are_named(grader, qid, code, name):
    r = grader(qid, code)
    assert r.outcome in ("wrong_values", "wrong_shape"), r.message
    got = r.misconception.name if r.misconception else None
    assert got == name, r.message


def test_a_tuple_of_the_wrong_length_is_told(grader):
    r = grader(
        "implement.decode-step",
        "def decode_step(q_t, k_cache, v_cache, k_t, v_t):\n    return q_t\n",
    )
    assert r.outcome == "bad_output"
    assert "returned one array; it should return 3: (output, k_cache, v_cache)" in r.message


def test_none_returned_points_at_a_missing_return(grader):
    r = grader("implement.sdpa", "def attention(q, k, v):\n    q * 2\n")
    assert r.outcome == "bad_output" and "None (no return statement?)" in r.message


def test_the_untouched_starter_is_a_clear_message_not_a_crash(grader):
    r = grader("implement.sdpa", "import numpy as np\n\n\ndef attention(q, k, v):\n    ...\n")
    assert r.outcome == "bad_output" and "it should return a numpy array" in r.message


def test_a_list_return_names_what_is_asked(grader):
    r = grader("implement.sdpa", "def attention(q, k, v):\n    return q.tolist()\n")
    assert r.outcome == "bad_output"
    assert "returned list; it should return a numpy array" in r.message
    assert r.failure is not None and r.failure.case == 0


def test_a_wrong_function_name_says_which_name_is_wanted(grader):
    r = grader("implement.sdpa", "def attn(q, k, v):\n    return q\n")
    assert r.outcome == "no_function"
    assert r.message == "No function named attention in your code (it defines attn)."


def test_syntax_errors_and_exceptions_keep_their_line(grader):
    r = grader("implement.sdpa", "def attention(q, k, v):\n    return q @@ k\n")
    assert r.outcome == "syntax_error" and r.line == 2
    r = grader("implement.sdpa", "def attention(q, k, v):\n    return q @ k\n")
    assert r.outcome == "exception" and r.line == 2 and "ValueError" in r.message
    assert "line 2, in attention" in "\n".join(plain_lines(r))


def test_empty_code_is_not_run(grader):
    assert grader("implement.sdpa", "  \n").outcome == "empty"


def test_nan_everywhere_is_wrong_values_not_a_match_for_a_mistake(grader):
    r = grader(
        "implement.sdpa",
        "import numpy as np\n"
        "def attention(q, k, v):\n"
        "    return np.full(q.shape[:-1] + v.shape[-1:], np.nan)\n",
    )
    assert r.outcome == "wrong_values" and r.misconception is None
    assert any("NaN" in n for n in r.notes)


@pytest.mark.slow
def test_torch_exercise_right_and_a_numpy_return_is_told(grader):
    code = """
    import math, torch
    def attention(q, k, v):
        w = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)), dim=-1)
        return w @ v
    """
    assert grader("implement.sdpa-torch", code).outcome == "right"
    r = grader("implement.sdpa-torch", code.replace("return w @ v", "return (w @ v).numpy()"))
    assert r.outcome == "bad_output" and "it should return a torch tensor" in r.message
    # torch returns tensors, so that is what the messages count and name (not "arrays")
    r = grader("implement.sdpa-torch", code.replace("return w @ v", "return w @ v, w"))
    assert r.outcome == "bad_output" and "attention returned 2 tensors; it should return 1" in (
        r.message
    )
    r = grader("implement.sdpa-torch", code.replace("w @ v", "(w @ v).to(torch.complex64)"))
    assert "returned a torch tensor of dtype complex64" in r.message
    assert "array" not in r.message


def test_cases_are_reproducible_and_tell_every_listed_mistake_apart():
    from qkv_drill.exercises.cases import draw_cases, undetected
    from tests.helpers.implement import question

    q = question("implement.sdpa")
    a, b = draw_cases(q, 3), draw_cases(q, 3)
    for x, y in zip(a.inputs, b.inputs, strict=True):
        for name in x:
            np.testing.assert_array_equal(x[name], y[name])
    assert undetected(q, a) == []


def test_what_the_code_printed_is_shown_whole_and_what_was_not_kept_is_said(grader):
    """Printed lines were cut at 20 without a word; the run keeps the first 4,000 characters and
    the report now says how many more there were."""
    lines = "\n".join(f"    print('line {i}')" for i in range(30))
    code = SDPA.replace("def attention(q, k, v):\n", "def attention(q, k, v):\n" + lines + "\n")
    r = grader("implement.sdpa", code)
    text = "\n".join(plain_lines(r))
    assert all(f"  line {i}" in text for i in range(30))
    assert "not kept" not in text

    flood = SDPA.replace(
        "def attention(q, k, v):\n", "def attention(q, k, v):\n    print('z' * 10_000)\n"
    )
    r = grader("implement.sdpa", flood)
    left_out = r.printed_chars - len(r.printed)
    assert left_out > 0
    assert f"(and {left_out:,} more characters, not kept)" in "\n".join(plain_lines(r))


def test_a_missing_function_among_many_counts_the_ones_not_named(grader):
    code = "".join(f"def helper{i:02}(q, k, v):\n    return q\n" for i in range(23))
    r = grader("implement.sdpa", code)
    assert r.outcome == "no_function"
    assert r.message.endswith("helper19 and 3 more).")
