"""Serving and training cost against published figures, and how the quantities relate."""

from __future__ import annotations

import pytest

from qkv_drill.engine import serving as S
from qkv_drill.engine.quantities import kv_cache
from qkv_drill.packs.configs import CONFIGS


def test_mistral_rolling_buffer_cuts_the_cache_8x_at_32k():
    """Mistral 7B (Jiang et al. 2023), section 2, Rolling Buffer Cache: with W = 4096, "on a
    sequence length of 32k tokens, this reduces the cache memory usage by 8x"."""
    m = CONFIGS["mistral-7b"]
    full = kv_cache(m.layers, m.kv_heads, m.head_dim, 32768)
    rolling = S.kv_cache_windowed(m.layers, m.kv_heads, m.head_dim, 32768, m.window or 0)
    assert full / rolling == 8
    # below the window nothing is dropped
    assert S.kv_cache_windowed(m.layers, m.kv_heads, m.head_dim, 1000, 4096) == kv_cache(
        m.layers, m.kv_heads, m.head_dim, 1000
    )


def test_gpt3_training_compute_is_6nd_plus_a_small_attention_term():
    """GPT-3 175B trained on 300B tokens: Brown et al. 2020 (Table D.1) give 3.14e23 FLOPs, the
    6 N D estimate; the attention term at context 2048 adds under 3% on top."""
    g = CONFIGS["gpt3-175b"]
    total = S.training_flops(175e9, 300e9, g.layers, g.d_model, g.context)
    six_nd = 6 * 175e9 * 300e9
    assert six_nd == pytest.approx(3.14e23, rel=0.005)
    assert 1.0 < total / six_nd < 1.03


def test_llama2_70b_gqa_shrinks_the_cache_8x():
    m = CONFIGS["llama2-70b"]
    assert S.gqa_cache_ratio(m.heads, m.kv_heads) == 8
    assert S.gqa_cache_ratio(32, 1) == 32  # multi-query
    with pytest.raises(ValueError):
        S.gqa_cache_ratio(6, 4)


def test_decode_is_memory_bound_and_batching_helps():
    m = CONFIGS["llama3-8b"]
    one = S.decode_intensity(8e9, m.layers, m.d_model, m.kv_heads, m.head_dim, 2048, batch=1)
    many = S.decode_intensity(8e9, m.layers, m.d_model, m.kv_heads, m.head_dim, 2048, batch=64)
    assert 0.9 < one < 1.1  # about 2 FLOPs per 2-byte weight: 1 FLOP per byte
    assert many > 30 * one / 2  # weights are read once for the whole batch


def test_prefill_equals_decoding_each_prompt_token_over_the_full_prompt():
    n, layers, d, t = 1000, 2, 8, 16
    assert S.prefill_flops(n, layers, d, t) == t * S.decode_flops(n, layers, d, t)


def test_flash_memory_is_linear_where_naive_scores_are_quadratic():
    assert S.flash_extra_memory(8192, heads=32) * 8192 == 8192 * 8192 * 32 * 4
    assert S.flash_extra_memory(2 * 4096) == 2 * S.flash_extra_memory(4096)
