"""Symbolic shapes against real engine arrays; derivations against the engine's own answer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qkv_drill.engine import (
    HeadWeights,
    attention,
    attention_shapes,
    merge_heads,
    multi_head_attention,
    project_qkv,
    softmax,
    split_heads,
    trace_attention,
    trace_multi_head,
)
from qkv_drill.engine.shapes import SHAPE_NAMES, attention_shape
from qkv_drill.present.trace_text import trace_flow


def layer(w_q, w_k, w_v, w_o, heads, kv_heads=None, **biases) -> HeadWeights:
    return HeadWeights(
        w_q=w_q, w_k=w_k, w_v=w_v, w_o=w_o, n_heads=heads, n_kv_heads=kv_heads, **biases
    )


def _config(seed, batch, seq, seq_kv, d_model, heads, kv_heads):
    rng = np.random.default_rng(seed)
    hs = d_model // heads
    lead = () if batch is None else (batch,)
    x = rng.standard_normal((*lead, seq, d_model))  # (B?, T, C)
    x_kv = rng.standard_normal((*lead, seq_kv, d_model))  # (B?, Tk, C)
    w_q = rng.standard_normal((d_model, heads * hs))
    w_k = rng.standard_normal((d_model, kv_heads * hs))
    w_v = rng.standard_normal((d_model, kv_heads * hs))
    w_o = rng.standard_normal((heads * hs, d_model))
    return x, x_kv, w_q, w_k, w_v, w_o


@settings(max_examples=40, deadline=None)
@given(
    batch=st.none() | st.integers(1, 3),
    seq=st.integers(1, 5),
    seq_kv=st.integers(1, 5),
    hs=st.integers(1, 3),
    kv_heads=st.sampled_from([1, 2]),
    group=st.sampled_from([1, 2]),
)
def test_symbolic_shapes_are_the_shapes_of_real_multi_head_arrays(
    batch, seq, seq_kv, hs, kv_heads, group
):
    heads = kv_heads * group
    d_model = heads * hs
    x, x_kv, w_q, w_k, w_v, w_o = _config(0, batch, seq, seq_kv, d_model, heads, kv_heads)
    heads_layer = layer(w_q, w_k, w_v, w_o, heads, kv_heads)
    tr = trace_multi_head(x, heads_layer, x_kv=x_kv)
    out, weights = multi_head_attention(x, x_kv, heads_layer)
    sym = attention_shapes(seq, d_model, heads, batch=batch, seq_kv=seq_kv, kv_heads=kv_heads)
    real = {
        "x": x.shape,
        "w_q": w_q.shape,
        "w_k": w_k.shape,
        "w_v": w_v.shape,
        "w_o": w_o.shape,
        "q": tr["Q"].shape,
        "k": tr["K"].shape,
        "v": tr["V"].shape,
        "q_heads": tr["Q_heads"].shape,
        "k_heads": tr["K_heads"].shape,
        "v_heads": tr["V_heads"].shape,
        "merged": tr["merged"].shape,
        "kv_cache_layer": np.stack([tr["K_heads"].value, tr["V_heads"].value]).shape,
        "output": out.shape,
    }
    if heads > 1:
        real["scores"], real["weights"] = tr["scores"].shape, weights.shape
    else:  # one head: the single-head derivation has no head axis
        single = trace_attention(x, w_q, w_k, w_v, x_kv=x_kv)
        real["scores"], real["weights"] = single["scores"].shape, single["weights"].shape
        real["output"] = single["output"].shape
    assert set(real) == set(SHAPE_NAMES) == set(sym)
    assert sym == real
    np.testing.assert_allclose(tr["final"].value, out)


def test_shapes_of_published_configurations():
    base = attention_shapes(seq=10, d_model=512, heads=8, batch=2)
    assert base["q_heads"] == (2, 8, 10, 64)
    assert base["w_q"] == (512, 512)
    llama = attention_shapes(seq=4096, d_model=8192, heads=64, kv_heads=8)
    assert llama["k"] == (4096, 1024) and llama["kv_cache_layer"] == (2, 8, 4096, 128)
    assert attention_shape("scores", 7, 64, 1, seq_kv=3) == (7, 3)
    with pytest.raises(KeyError):
        attention_shape("attn", 7, 64, 1)
    with pytest.raises(ValueError):
        attention_shapes(seq=4, d_model=10, heads=3)


@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(0, 99))
@settings(max_examples=30, deadline=None)
def test_merge_undoes_split_and_split_slices_columns(heads, t, hs, seed):
    x = np.random.default_rng(seed).standard_normal((2, t, heads * hs))  # (B, T, H*hs)
    h = split_heads(x, heads)  # (B, H, T, hs)
    assert h.shape == (2, heads, t, hs)
    np.testing.assert_array_equal(h[:, -1], x[..., (heads - 1) * hs :])  # last head = last columns
    np.testing.assert_array_equal(merge_heads(h), x)


def test_split_heads_refuses_a_width_that_does_not_divide():
    with pytest.raises(ValueError):
        split_heads(np.zeros((3, 10)), 4)


def test_softmax_is_stable_at_huge_scores_and_rows_sum_to_one():
    z = np.array([[1e4, 1e4 - 1, -1e4], [-1e4, -1e4, -1e4], [3e38, 0.0, -3e38]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = softmax(z)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    np.testing.assert_allclose(p[1], 1 / 3)
    assert p[0, 0] / p[0, 1] == pytest.approx(np.e)  # only differences matter
    np.testing.assert_allclose(softmax(z.T, axis=0), p.T)
    assert z[0, 0] == 1e4  # the input is left alone


def test_softmax_of_float32_stays_float32_and_of_ints_is_float():
    assert softmax(np.ones(3, np.float32)).dtype == np.float32
    np.testing.assert_allclose(softmax(np.array([0, 0])), [0.5, 0.5])


def test_equal_scores_average_the_values():
    rng = np.random.default_rng(1)
    v = rng.standard_normal((5, 3))
    out, w = attention(np.zeros((2, 4)), rng.standard_normal((5, 4)), v)
    np.testing.assert_allclose(w, 0.2)
    np.testing.assert_allclose(out, np.broadcast_to(v.mean(axis=0), (2, 3)))


def test_trace_follows_the_article_steps_and_ends_at_attention():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 4)), rng.standard_normal((3, 4, 2))
    tr = trace_attention(x, *w)
    inputs = ["X", "W_Q", "W_K", "W_V"]
    assert tr.names() == [*inputs, "Q", "K", "V", "scores", "scaled", "weights", "output"]
    q, k, v = project_qkv(x, *w)
    out, weights = attention(q, k, v)
    np.testing.assert_allclose(tr["output"].value, out)
    np.testing.assert_allclose(tr["weights"].value, weights)
    np.testing.assert_allclose(tr["scaled"].value, tr["scores"].value / np.sqrt(2))
    assert trace_flow(tr).startswith("X (2x4) -> Q = X W_Q (2x2) -> K = X W_K (2x2)")
    assert trace_flow(tr).endswith("output = weights V (2x2)")
    assert "-> W_Q (" not in trace_flow(tr)  # weight matrices are left out of the flow


def test_trace_with_cross_attention_and_causal_mask():
    rng = np.random.default_rng(3)
    x, x_kv, w = (
        rng.standard_normal((2, 4)),
        rng.standard_normal((3, 4)),
        rng.standard_normal((3, 4, 2)),
    )
    tr = trace_attention(x, *w, causal=True, x_kv=x_kv)
    assert tr.names()[:2] == ["X", "X_kv"] and "masked" in tr
    assert tr["K"].formula == "K = X_kv W_K" and tr["K"].shape == (3, 2)
    assert tr["weights"].formula == "weights = softmax(masked)"
    assert "causal" in tr["masked"].note
    q, k, v = x @ w[0], x_kv @ w[1], x_kv @ w[2]
    np.testing.assert_allclose(tr["output"].value, attention(q, k, v, causal=True)[0])
    assert "masked" not in trace_attention(x, *w, x_kv=x_kv)


def test_trace_with_a_custom_scale_and_boolean_mask():
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 4, 2))
    mask = np.array([[True, False, True], [True, True, False], [False, False, True]])
    tr = trace_attention(x, *w, mask=mask, scale=0.5)
    q, k, v = project_qkv(x, *w)
    np.testing.assert_allclose(tr["output"].value, attention(q, k, v, mask=mask, scale=0.5)[0])
    assert np.all(tr["weights"].value[~mask] == 0)


def test_multi_head_trace_splits_repeats_and_merges():
    x, _, *w = _config(5, None, 3, 3, 8, 4, 2)
    tr = trace_multi_head(x, layer(*w, 4, 2))
    assert tr["K_heads"].shape == (2, 3, 2) and tr["K_rep"].shape == (4, 3, 2)
    np.testing.assert_array_equal(tr["K_rep"].value[1], tr["K_heads"].value[0])  # shared head
    np.testing.assert_allclose(tr["final"].value, multi_head_attention(x, x, layer(*w, 4, 2))[0])
    assert trace_flow(tr).endswith("final = merged W_O (3x8)")


def test_the_multi_head_derivation_refuses_biases_it_would_leave_out():
    x, _, *w = _config(5, None, 3, 3, 8, 4, 2)
    with pytest.raises(ValueError, match="no bias steps"):
        trace_multi_head(x, layer(*w, 4, 2, b_o=np.zeros(8)))
