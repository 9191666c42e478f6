"""Each named mistake must give a different answer where it matters and the same where it cannot."""

from __future__ import annotations

import numpy as np
import pytest

from qkv_drill.engine import (
    MISCONCEPTIONS,
    HeadWeights,
    attention,
    attention_mistake,
    attention_with_misconception,
    mistaken_multi_head,
    multi_head_attention,
)
from qkv_drill.packs.computations import COMPUTATIONS


def layer(w_q, w_k, w_v, w_o, heads, kv_heads=None, **biases) -> HeadWeights:
    return HeadWeights(
        w_q=w_q, w_k=w_k, w_v=w_v, w_o=w_o, n_heads=heads, n_kv_heads=kv_heads, **biases
    )


ENGINE_MISCONCEPTIONS = {
    n
    for n, m in MISCONCEPTIONS.items()
    if m.attention and not m.attention.merge_heads_wrong and not m.attention.in_inputs
}
"""What `attention_with_misconception` computes (input mistakes need the pack computations)."""


def _qkv(seed=0, tq=4, tk=4, dk=4, dv=3, lead=()):
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((*lead, tq, dk)) * 2  # (..., Tq, dk)
    k = rng.standard_normal((*lead, tk, dk)) * 2  # (..., Tk, dk)
    v = rng.standard_normal((*lead, tk, dv))  # (..., Tk, dv)
    return q, k, v


def _same(a, b):
    return np.allclose(a[0], b[0], rtol=1e-12, atol=1e-12) and np.allclose(
        a[1], b[1], rtol=1e-12, atol=1e-12
    )


def test_every_misconception_teaches_something():
    for name, m in MISCONCEPTIONS.items():
        assert m.name == name
        assert m.title and m.feedback.endswith(".") and len(m.feedback) > 30
    with pytest.raises(AttributeError):
        MISCONCEPTIONS["no_scaling"].feedback = "x"  # frozen


def test_every_misconception_applies_somewhere_real():
    for m in MISCONCEPTIONS.values():
        # a wrong value somewhere (or, for the merge, in the engine's multi-head API)
        assert m.applies_to or (m.attention and m.attention.merge_heads_wrong), m.name
        assert set(m.applies_to) <= set(COMPUTATIONS), m.name
        assert set(m.needs) <= set(m.applies_to), m.name


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("no_scaling", {}),
        ("scale_by_dk", {}),
        ("scale_by_dmodel", {"d_model": 16}),
        ("softmax_wrong_axis", {}),
        ("no_causal_mask", {"causal": True}),
        ("inverted_causal_mask", {"causal": True}),
        ("no_transpose", {}),
        ("raw_scores_weighting", {}),
    ],
)
def test_each_engine_mistake_changes_the_answer_on_a_generic_input(name, kwargs):
    q, k, v = _qkv(seed=1)
    causal = kwargs.pop("causal", False)
    right = attention(q, k, v, causal=causal)
    wrong = attention_with_misconception(name, q, k, v, causal=causal, **kwargs)
    assert wrong[0].shape == right[0].shape and wrong[1].shape == right[1].shape
    assert not np.allclose(wrong[0], right[0])
    assert not np.allclose(wrong[1], right[1])


def test_engine_set_is_exactly_the_parametrized_list():
    assert {
        "no_scaling",
        "scale_by_dk",
        "scale_by_dmodel",
        "softmax_wrong_axis",
        "no_causal_mask",
        "inverted_causal_mask",
        "no_transpose",
        "raw_scores_weighting",
    } == ENGINE_MISCONCEPTIONS


@pytest.mark.parametrize("name", ["no_scaling", "scale_by_dk"])
def test_scaling_mistakes_are_harmless_when_d_k_is_1(name):
    q, k, v = _qkv(seed=2, dk=1)
    assert _same(attention_with_misconception(name, q, k, v), attention(q, k, v))


def test_scale_by_dmodel_is_right_when_there_is_one_head():
    q, k, v = _qkv(seed=3, dk=4)
    assert _same(
        attention_with_misconception("scale_by_dmodel", q, k, v, d_model=4), attention(q, k, v)
    )
    with pytest.raises(ValueError, match="d_model"):
        attention_with_misconception("scale_by_dmodel", q, k, v)


def test_scale_by_dmodel_in_multi_head_bites_only_with_several_heads():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4))  # (T, C)
    w = [rng.standard_normal((4, 4)) for _ in range(4)]
    for heads, equal in ((1, True), (2, False)):
        right = multi_head_attention(x, x, layer(*w, heads))
        wrong = mistaken_multi_head(attention_mistake("scale_by_dmodel"), x, x, layer(*w, heads))
        assert _same(right, wrong) is equal


def test_softmax_wrong_axis_normalises_columns_and_is_right_for_symmetric_balanced_scores():
    q, k, v = _qkv(seed=5, tq=3, tk=3)
    _, w = attention_with_misconception("softmax_wrong_axis", q, k, v)
    np.testing.assert_allclose(w.sum(axis=-2), 1.0)  # each key's column sums to 1
    # Q = K = 2I: scores symmetric with identical rows up to order, so rows and columns agree
    e = 2 * np.eye(3)
    assert _same(attention_with_misconception("softmax_wrong_axis", e, e, v), attention(e, e, v))


def test_causal_mask_mistakes_are_harmless_without_a_causal_mask():
    q, k, v = _qkv(seed=6, tq=3, tk=5)
    for name in ("no_causal_mask", "inverted_causal_mask"):
        assert _same(attention_with_misconception(name, q, k, v, causal=False), attention(q, k, v))


def test_no_causal_mask_is_plain_attention_and_harmless_with_one_key():
    q, k, v = _qkv(seed=7, tq=4, tk=4)
    wrong = attention_with_misconception("no_causal_mask", q, k, v, causal=True)
    assert _same(wrong, attention(q, k, v))
    q, k, v = _qkv(seed=7, tq=3, tk=1)  # a single key is visible to every query either way
    assert _same(
        attention_with_misconception("no_causal_mask", q, k, v, causal=True),
        attention(q, k, v, causal=True),
    )


def test_inverted_causal_mask_sees_only_the_future():
    q, k, v = _qkv(seed=8, tq=4, tk=4)
    _, w = attention_with_misconception("inverted_causal_mask", q, k, v, causal=True)
    assert np.all(w[np.tril_indices(4, -1)] == 0)  # the past is hidden
    assert w[3, 3] == pytest.approx(1.0)  # the last query sees only itself
    q, k, v = _qkv(seed=8, tq=1, tk=1)
    assert _same(
        attention_with_misconception("inverted_causal_mask", q, k, v, causal=True),
        attention(q, k, v, causal=True),
    )


def test_no_transpose_needs_compatible_shapes_and_is_right_for_symmetric_k():
    q, k, v = _qkv(seed=9, tq=3, tk=5, dk=4)
    with pytest.raises(ValueError):
        attention_with_misconception("no_transpose", q, k, v)
    q, k, v = _qkv(seed=9, tq=3, tk=4, dk=4)
    k = k + k.T  # symmetric: K == K^T
    assert _same(attention_with_misconception("no_transpose", q, k, v), attention(q, k, v))


def test_raw_scores_weighting_is_right_only_when_the_score_is_already_a_weight():
    v = np.array([[3.0, -1.0]])
    q, k = np.array([[2.0], [0.5]]), np.array([[0.5]])  # scores 1.0 and 0.25; one key
    out, w = attention_with_misconception("raw_scores_weighting", q, k, v)
    right_out, _ = attention(q, k, v)
    np.testing.assert_allclose(out[0], right_out[0])  # score 1 == softmax over one key
    np.testing.assert_allclose(out[1], 0.25 * v[0])  # raw score 0.25, not weight 1
    q, k, v = _qkv(seed=10)
    _, w = attention_with_misconception("raw_scores_weighting", q, k, v, causal=True)
    assert np.all(w[np.triu_indices(4, 1)] == 0)  # masked scores contribute nothing
    assert (w < 0).any()  # raw scores are not probabilities


def test_heads_merged_wrong_order_scrambles_only_when_it_can():
    rng = np.random.default_rng(11)
    w = [rng.standard_normal((4, 4)) for _ in range(4)]
    for t, heads, equal in ((3, 2, False), (1, 2, True), (3, 1, True)):
        x = rng.standard_normal((2, t, 4))  # (B, T, C)
        right = multi_head_attention(x, x, layer(*w, heads))
        mistake = attention_mistake("heads_merged_wrong_order")
        wrong = mistaken_multi_head(mistake, x, x, layer(*w, heads))
        np.testing.assert_allclose(wrong[1], right[1])  # weights are fine; only the merge is off
        assert np.allclose(wrong[0], right[0]) is equal


def test_unknown_names_are_refused():
    q, k, v = _qkv()
    with pytest.raises(KeyError, match="preparing the inputs"):
        attention_with_misconception("rope_on_values", q, k, v)
    with pytest.raises(KeyError):
        attention_with_misconception("forgot_layers", q, k, v)
    with pytest.raises(KeyError, match="no attention variant"):
        attention_mistake("nope")
    with pytest.raises(KeyError, match="no attention variant"):
        attention_mistake("forgot_layers")
    with pytest.raises(KeyError, match="needs several heads"):
        attention_with_misconception("heads_merged_wrong_order", q, k, v)
