"""Positions against torch: SDPA with a float bias (ALiBi), SDPA with `enable_gqa` (pooled K/V
heads), and torch versions of the published reference code (sinusoid table, RoPE inverse
frequencies, T5 buckets), all in float64 unless the original is float32."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from qkv_drill.engine import kv_pooling as G
from qkv_drill.engine import positions as P
from qkv_drill.engine.multihead import repeat_kv

SETTINGS = settings(max_examples=40, deadline=None)
TOL = {"rtol": 1e-10, "atol": 1e-10}


def _t(a) -> torch.Tensor:
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def test_sinusoid_table_equals_the_pytorch_tutorial_construction():
    # PositionalEncoding of the PyTorch language-modelling tutorial: div_term = exp(2i * -ln(1e4)/d)
    seq, d = 60, 32
    position = torch.arange(seq, dtype=torch.float64).unsqueeze(1)  # (T, 1)
    div_term = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * (-math.log(10000.0) / d))
    pe = torch.zeros(seq, d, dtype=torch.float64)  # (T, d)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    np.testing.assert_allclose(P.sinusoidal_positions(seq, d), pe.numpy(), **TOL)


@SETTINGS
@given(
    heads=st.integers(1, 12),
    t=st.integers(1, 10),
    causal=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_biased_attention_agrees_with_sdpa_float_mask(heads, t, causal, seed):
    rng = np.random.default_rng(seed)
    q, k, v = (rng.standard_normal((2, heads, t, 4)) for _ in range(3))  # (B, H, T, hs)
    bias = P.alibi_bias(t, t, P.alibi_slopes(heads))  # (H, T, T)
    out, _ = P.biased_attention(q, k, v, bias, causal=causal)
    mask = _t(bias)
    if causal:  # SDPA refuses attn_mask with is_causal: fold the mask into the bias
        mask = mask.masked_fill(~torch.ones(t, t, dtype=torch.bool).tril(), float("-inf"))
    ref = F.scaled_dot_product_attention(_t(q), _t(k), _t(v), attn_mask=mask)
    np.testing.assert_allclose(out, ref.numpy(), **TOL)


def test_alibi_weights_agree_with_a_torch_softmax_of_the_official_bias():
    # the official code's bias: slopes[:, None, None] * arange(maxpos) added to the future mask
    heads, t = 8, 6
    rng = np.random.default_rng(3)
    q, k = rng.standard_normal((heads, t, 4)), rng.standard_normal((heads, t, 4))
    slopes = torch.tensor(P.alibi_slopes(heads))
    alibi = slopes.unsqueeze(1).unsqueeze(1) * torch.arange(t).unsqueeze(0).unsqueeze(0)
    future = torch.triu(torch.full((t, t), float("-inf"), dtype=torch.float64), 1)
    scores = _t(q) @ _t(k).transpose(-1, -2) / 2.0 + future + alibi  # sqrt(4) = 2
    _, w = P.biased_attention(q, k, np.eye(t), P.alibi_bias(t, t, P.alibi_slopes(heads)), True)
    np.testing.assert_allclose(w, torch.softmax(scores, -1).numpy(), **TOL)


def test_rope_inverse_frequencies_match_the_llama_style_construction():
    # inv_freq = 1 / base^(arange(0, d, 2) / d), as in the Llama/GPT-NeoX rotary code
    for d, base in ((64, 10000.0), (128, 500000.0)):
        inv = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
        np.testing.assert_allclose(P.frequencies(d, base), inv.numpy(), **TOL)
        scaled = 1.0 / (
            P.ntk_base(base, 4.0, d) ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
        )
        np.testing.assert_allclose(
            P.extended_frequencies(d, 4.0, "ntk", base), scaled.numpy(), **TOL
        )


def _t5_bucket_torch(relative_position, bidirectional=True, num_buckets=32, max_distance=128):
    # T5's _relative_position_bucket (the reference implementation), in torch
    relative_buckets = 0
    if bidirectional:
        num_buckets //= 2
        relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    large = max_exact + (
        torch.log(relative_position.float() / max_exact)
        / math.log(max_distance / max_exact)
        * (num_buckets - max_exact)
    ).to(torch.long)
    large = torch.min(large, torch.full_like(large, num_buckets - 1))
    return relative_buckets + torch.where(is_small, relative_position, large)


def test_t5_buckets_agree_with_the_reference_code():
    rel = torch.arange(-2000, 2001)
    for bidirectional in (True, False):
        for nb, md in ((32, 128), (64, 256), (16, 64)):
            ref = _t5_bucket_torch(rel, bidirectional, nb, md).numpy()
            np.testing.assert_array_equal(P.t5_bucket(rel.numpy(), bidirectional, nb, md), ref)


@SETTINGS
@given(
    h=st.sampled_from([4, 8]),
    g=st.sampled_from([1, 2, 4]),
    t=st.integers(1, 6),
    seed=st.integers(0, 2**16),
)
def test_attention_with_pooled_kv_agrees_with_sdpa_enable_gqa(h, g, t, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((t, 12))  # (T, C)
    w_q, w_k, w_v = (rng.standard_normal((12, h * 3)) for _ in range(3))  # (C, H*hs)
    from qkv_drill.engine import attention
    from qkv_drill.engine.multihead import split_heads

    qh = split_heads(x @ w_q, h)  # (H, T, hs)
    kh = split_heads(x @ G.mean_pool_projection(w_k, h, g), g)  # (G, T, hs)
    vh = split_heads(x @ G.mean_pool_projection(w_v, h, g), g)  # (G, T, hs)
    ours, _ = attention(qh, repeat_kv(kh, h // g), repeat_kv(vh, h // g), causal=True)
    ref = F.scaled_dot_product_attention(_t(qh), _t(kh), _t(vh), is_causal=True, enable_gqa=True)
    np.testing.assert_allclose(ours, ref.numpy(), **TOL)


def test_mean_pool_agrees_with_torch_on_nn_linear_layout():
    # nn.Linear stores W_K as (H*hs, C): pool rows in groups of heads, the same numbers transposed
    rng = np.random.default_rng(7)
    w = rng.standard_normal((16, 8 * 4))  # (C, H*hs)
    weight = _t(w.T)  # (H*hs, C) as nn.Linear.weight
    pooled = weight.view(2, 4, 4, 16).mean(dim=1).reshape(2 * 4, 16)  # (G*hs, C)
    np.testing.assert_allclose(G.mean_pool_projection(w, 8, 2), pooled.numpy().T, **TOL)
