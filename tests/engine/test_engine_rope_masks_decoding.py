"""RoPE, aligned causal / sliding-window / padding masks, decoding with a cache, and the GQA head
mapping: against torch (SDPA with explicit masks, `causal_lower_right`, `enable_gqa`), against
hand-worked published examples, and by hypothesis properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.attention.bias import causal_lower_right, causal_upper_left

from qkv_drill.engine import (
    attention,
    causal_mask,
    decode_step,
    get_backend,
    gqa_attention,
    kv_head_of,
    padding_mask,
    rope,
    sliding_window_mask,
)

TOL = {"rtol": 1e-10, "atol": 1e-10}
SETTINGS = settings(max_examples=40, deadline=None)


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- RoPE -----------------------------------------------------------------------------------


def test_rope_in_two_dimensions_is_the_roformer_rotation():
    """RoFormer (Su et al. 2021), eq. (13): in 2-D, f(x, m) = R(m theta) x with theta = 1 for
    the only pair (base^0), so (0, 1) at position m becomes (-sin m, cos m)."""
    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])  # positions 0, 1, 2
    out = rope(x)
    np.testing.assert_allclose(out[0], [1.0, 0.0])  # position 0 is not turned
    np.testing.assert_allclose(out[1], [-math.sin(1), math.cos(1)])
    np.testing.assert_allclose(out[2], [-math.sin(2), math.cos(2)])
    # a 4-d vector in the half layout: pairs (x0, x2) turn by m, (x1, x3) by m / 10000^(1/2)
    y = rope(np.array([[0, 0, 0, 0], [1.0, 1.0, 0.0, 0.0]]))[1]
    np.testing.assert_allclose(y, [math.cos(1), math.cos(0.01), math.sin(1), math.sin(0.01)])


@SETTINGS
@given(
    d=st.sampled_from([2, 4, 8]),
    m=st.integers(0, 50),
    n=st.integers(0, 50),
    shift=st.integers(-20, 20),
    style=st.sampled_from(["half", "interleaved"]),
    seed=st.integers(0, 2**16),
)
def test_rope_scores_depend_only_on_the_relative_position(d, m, n, shift, style, seed):
    rng = _rng(seed)
    q, k = rng.standard_normal((1, d)), rng.standard_normal((1, d))  # (1, d)
    a = rope(q, [m], style=style) @ rope(k, [n], style=style).T
    b = rope(q, [m + shift], style=style) @ rope(k, [n + shift], style=style).T
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(rope(q, [m], style=style)), np.linalg.norm(q))


def test_the_two_pairings_are_the_same_rotation_on_permuted_features():
    x = _rng(1).standard_normal((5, 8))  # (T, d)
    perm = np.r_[0:8:2, 1:8:2]  # interleaved pairs -> halves
    np.testing.assert_allclose(rope(x, style="interleaved")[:, perm], rope(x[:, perm]), **TOL)
    assert not np.allclose(rope(x, style="interleaved"), rope(x))  # not interchangeable


def _rotate_half_torch(x: torch.Tensor, base=10000.0) -> torch.Tensor:
    """The GPT-NeoX / Llama (transformers) formulation: x * cos + rotate_half(x) * sin."""
    t, d = x.shape[-2:]
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    freqs = torch.outer(torch.arange(t, dtype=torch.float64), inv_freq)  # (T, d/2)
    emb = torch.cat((freqs, freqs), dim=-1)  # (T, d)
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * emb.cos() + torch.cat((-x2, x1), dim=-1) * emb.sin()


def _complex_torch(x: torch.Tensor, base=10000.0) -> torch.Tensor:
    """Meta's Llama reference: adjacent pairs as complex numbers times e^(i m theta)."""
    t, d = x.shape[-2:]
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    freqs = torch.polar(torch.ones(t, d // 2, dtype=torch.float64), torch.outer(
        torch.arange(t, dtype=torch.float64), inv_freq))  # fmt: skip
    xc = torch.view_as_complex(x.reshape(*x.shape[:-1], d // 2, 2))
    return torch.view_as_real(xc * freqs).flatten(-2)


def test_rope_agrees_with_the_two_torch_formulations_and_the_torch_backend():
    x = _rng(2).standard_normal((2, 3, 7, 16))  # (B, H, T, d)
    tx = torch.as_tensor(x)
    np.testing.assert_allclose(rope(x), _rotate_half_torch(tx).numpy(), **TOL)
    np.testing.assert_allclose(rope(x, style="interleaved"), _complex_torch(tx).numpy(), **TOL)
    tb = get_backend("torch")
    for style in ("half", "interleaved"):
        np.testing.assert_allclose(tb.rope(x, style=style), rope(x, style=style), **TOL)


def test_rope_refuses_odd_widths_and_unknown_styles():
    with pytest.raises(ValueError, match="even"):
        rope(np.ones((2, 3)))
    with pytest.raises(ValueError, match="style"):
        rope(np.ones((2, 4)), style="paired")


# --- masks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("tq", "tk"), [(4, 4), (1, 5), (3, 6), (5, 3)])
def test_causal_alignments_are_torchs(tq, tk):
    top = causal_upper_left(tq, tk)._materialize().numpy()
    bottom = causal_lower_right(tq, tk)._materialize().numpy()
    np.testing.assert_array_equal(causal_mask(tq, tk), top)
    np.testing.assert_array_equal(causal_mask(tq, tk, align="bottom_right"), bottom)
    np.testing.assert_array_equal(causal_mask(tq, tk), np.tril(np.ones((tq, tk), dtype=bool)))


def test_decoding_needs_bottom_right():
    # one new query over a cache of 4 plus itself: it must see all 5 keys
    assert causal_mask(1, 5, align="bottom_right").tolist() == [[True] * 5]
    assert causal_mask(1, 5).tolist() == [[True, False, False, False, False]]  # the mistake


def test_sliding_window_by_hand():
    """Window 3 over 5 tokens: each query sees itself and the 2 keys before it."""
    expected = [
        [1, 0, 0, 0, 0],
        [1, 1, 0, 0, 0],
        [1, 1, 1, 0, 0],
        [0, 1, 1, 1, 0],
        [0, 0, 1, 1, 1],
    ]
    assert sliding_window_mask(5, 5, 3).astype(int).tolist() == expected
    # decoding token 5 (position 4) over a cache: the last row, bottom-right aligned
    assert sliding_window_mask(1, 5, 3).astype(int).tolist() == [expected[-1]]
    with pytest.raises(ValueError, match="window"):
        sliding_window_mask(2, 2, 0)


@SETTINGS
@given(tq=st.integers(1, 6), extra=st.integers(0, 4), window=st.integers(1, 8))
def test_sliding_window_is_causal_with_at_most_window_keys(tq, extra, window):
    tk = tq + extra
    m = sliding_window_mask(tq, tk, window)
    causal = causal_mask(tq, tk, align="bottom_right")
    assert not (m & ~causal).any()  # never sees the future
    pos = np.arange(tq) + extra
    np.testing.assert_array_equal(m.sum(-1), np.minimum(window, pos + 1))
    if window >= tk:
        np.testing.assert_array_equal(m, causal)


def test_masked_attention_agrees_with_sdpa_given_the_same_explicit_masks():
    rng = _rng(3)
    q = rng.standard_normal((2, 2, 3, 4))  # (B, H, Tq, dk)
    k = rng.standard_normal((2, 2, 6, 4))  # (B, H, Tk, dk)
    v = rng.standard_normal((2, 2, 6, 5))  # (B, H, Tk, dv)
    masks = [
        causal_mask(3, 6, align="bottom_right"),
        sliding_window_mask(3, 6, 2),
        padding_mask([6, 4], 6),
        padding_mask([6, 4], 6) & sliding_window_mask(3, 6, 4),
    ]
    for mask in masks:
        ours, _ = attention(q, k, v, mask=mask)
        theirs = F.scaled_dot_product_attention(
            *(torch.as_tensor(a) for a in (q, k, v)), attn_mask=torch.as_tensor(mask)
        )
        np.testing.assert_allclose(ours, theirs.numpy(), **TOL)
    ours, _ = attention(q, k, v, mask=causal_mask(3, 6, align="bottom_right"))
    lower = F.scaled_dot_product_attention(
        *(torch.as_tensor(a) for a in (q, k, v)), attn_mask=causal_lower_right(3, 6)
    )
    np.testing.assert_allclose(ours, lower.numpy(), **TOL)


def test_padding_masks_keys_so_padded_keys_change_nothing():
    rng = _rng(4)
    q, k, v = (rng.standard_normal((2, 1, 5, 3)) for _ in range(3))  # (B, H, T, d)
    mask = padding_mask([5, 3], 5)
    assert mask.shape == (2, 1, 1, 5)
    out, w = attention(q, k, v, mask=mask)
    short, _ = attention(q[1:, :, :, :], k[1:, :, :3], v[1:, :, :3])  # only the real keys
    np.testing.assert_allclose(out[1:], short, **TOL)
    assert (w[1, ..., 3:] == 0).all()  # padding gets no weight from any query
    with pytest.raises(ValueError, match="lengths"):
        padding_mask([6], 5)


# --- decoding and GQA -----------------------------------------------------------------------


@SETTINGS
@given(t=st.integers(1, 7), dk=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_decoding_token_by_token_equals_full_causal_attention(t, dk, seed):
    rng = _rng(seed)
    q, k, v = (rng.standard_normal((2, t, dk)) for _ in range(3))  # (B, T, d)
    full, weights = attention(q, k, v, causal=True)
    kc, vc = np.zeros((2, 0, dk)), np.zeros((2, 0, dk))  # empty caches
    for i in range(t):
        s = slice(i, i + 1)
        out, w, kc, vc = decode_step(q[:, s], kc, vc, k[:, s], v[:, s])
        np.testing.assert_allclose(out, full[:, s], **TOL)
        np.testing.assert_allclose(w[:, 0], weights[:, i, : i + 1], **TOL)
    assert kc.shape == (2, t, dk)


def test_the_torch_backend_decodes_the_same():
    rng = _rng(5)
    q_t, k_t, v_t = (rng.standard_normal((2, 1, 4)) for _ in range(3))
    kc, vc = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4))
    ours = decode_step(q_t, kc, vc, k_t, v_t)
    theirs = get_backend("torch").decode_step(q_t, kc, vc, k_t, v_t)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, **TOL)


def test_gqa_head_mapping_is_grouped():
    # 8 query heads, 2 key/value heads: heads 0-3 read kv head 0, heads 4-7 kv head 1
    assert [kv_head_of(j, 8, 2) for j in range(8)] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert [kv_head_of(j, 4, 1) for j in range(4)] == [0, 0, 0, 0]  # multi-query
    assert [kv_head_of(j, 4, 4) for j in range(4)] == [0, 1, 2, 3]  # multi-head
    with pytest.raises(ValueError):
        kv_head_of(0, 6, 4)


@pytest.mark.parametrize(("h", "hkv"), [(4, 2), (8, 2), (6, 1), (3, 3)])
def test_gqa_agrees_with_sdpa_enable_gqa(h, hkv):
    rng = _rng(h * 10 + hkv)
    q = rng.standard_normal((2, h, 5, 4))  # (B, H, T, dk)
    k = rng.standard_normal((2, hkv, 5, 4))  # (B, Hkv, T, dk)
    v = rng.standard_normal((2, hkv, 5, 3))  # (B, Hkv, T, dv)
    ours, _ = gqa_attention(q, k, v, causal=True)
    theirs = F.scaled_dot_product_attention(
        *(torch.as_tensor(a) for a in (q, k, v)), is_causal=True, enable_gqa=True
    )
    np.testing.assert_allclose(ours, theirs.numpy(), **TOL)
    tiled, _ = gqa_attention(q, k, v, causal=True, tiled=True)
    assert np.allclose(tiled, ours) == (hkv in (1, h))  # tiling only agrees when trivial
    mask = rng.random((5, 5)) < 0.7  # (Tq, Tk) True = may attend; some rows fully blocked
    for options in ({"causal": True}, {"mask": mask, "scale": 0.3}):
        want = gqa_attention(q, k, v, **options)
        got = get_backend("torch").gqa_attention(q, k, v, **options)
        for a, b in zip(got, want, strict=True):
            np.testing.assert_allclose(a, b, **TOL)
