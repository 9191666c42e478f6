"""Positional encodings, ALiBi, context extension, K/V pooling, paths, masks and paging: the
properties the papers state, and the values they print (cited next to each)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qkv_drill.engine import architecture as A
from qkv_drill.engine import attention
from qkv_drill.engine import kv_pooling as G
from qkv_drill.engine import paging as Pg
from qkv_drill.engine import positions as P
from qkv_drill.engine.multihead import repeat_kv

SETTINGS = settings(max_examples=40, deadline=None)
even_d = st.integers(1, 32).map(lambda n: 2 * n)


# --- sinusoidal ---------------------------------------------------------------------------------


@SETTINGS
@given(seq=st.integers(1, 64), d=even_d, base=st.sampled_from([100.0, 10000.0, 500000.0]))
def test_sinusoidal_values_lie_in_minus_one_one_and_pairs_have_unit_norm(seq, d, base):
    pe = P.sinusoidal_positions(seq, d, base)
    assert pe.shape == (seq, d)
    assert np.all(np.abs(pe) <= 1.0)
    # each (sin, cos) pair is a point on the unit circle
    np.testing.assert_allclose(pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2, 1.0, atol=1e-12)


def test_sinusoidal_matches_the_formula_of_section_3_5():
    # Vaswani et al. 2017, 3.5: PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...)
    pe = P.sinusoidal_positions(50, 16)
    for pos in (0, 1, 7, 49):
        for i in range(8):
            angle = pos / 10000 ** (2 * i / 16)
            assert pe[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-12)
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-12)
    np.testing.assert_array_equal(pe[0], np.tile([0.0, 1.0], 8))


@SETTINGS
@given(p=st.integers(0, 500), k=st.integers(-200, 200), d=even_d)
def test_offset_is_a_rotation_of_each_frequency_pair(p, k, d):
    # "for any fixed offset k, PE(pos+k) can be represented as a linear function of PE(pos)"
    if p + k < 0:
        return
    pe = P.sinusoidal_positions(max(p, p + k) + 1, d)
    m = P.offset_transform(k, d)
    np.testing.assert_allclose(m @ pe[p], pe[p + k], atol=1e-9)
    for i in range(d // 2):
        r = P.offset_rotation(k, i, d)
        np.testing.assert_allclose(r @ r.T, np.eye(2), atol=1e-12)  # orthogonal
        assert np.linalg.det(r) == pytest.approx(1.0)  # a rotation, not a reflection


def test_offset_rotation_does_not_depend_on_the_position():
    d, k = 8, 5
    m = P.offset_transform(k, d)
    pe = P.sinusoidal_positions(40, d)
    for p in (0, 3, 17, 30):
        np.testing.assert_allclose(m @ pe[p], pe[p + k], atol=1e-12)


def test_wavelengths_run_from_2pi_towards_10000_2pi():
    # Vaswani et al. 2017, 3.5: "The wavelengths form a geometric progression from 2pi to 10000 2pi"
    lam = P.wavelengths(512)
    assert lam[0] == pytest.approx(2 * math.pi)
    assert lam[-1] == pytest.approx(2 * math.pi * 10000 ** (510 / 512))
    assert 2 * math.pi * 9000 < lam[-1] < 2 * math.pi * 10000
    ratios = lam[1:] / lam[:-1]
    np.testing.assert_allclose(ratios, ratios[0])  # geometric


@SETTINGS
@given(p=st.integers(0, 300), k=st.integers(0, 300), d=even_d)
def test_pe_similarity_depends_on_the_offset_only(p, k, d):
    pe = P.sinusoidal_positions(p + k + 1, d)
    assert pe[p] @ pe[p + k] == pytest.approx(P.pe_similarity(k, d), abs=1e-9)
    assert P.pe_similarity(k, d) <= P.pe_similarity(0, d) + 1e-12 == d / 2 + 1e-12


def test_odd_width_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="even"):
        P.sinusoidal_positions(4, 7)


def test_learned_table_sizes_of_bert_and_gpt2():
    # BERT-base: 512 positions x 768 (Devlin et al. 2019); GPT-2 small: 1024 x 768 (n_ctx, n_embd)
    assert P.learned_position_params(512, 768) == 393_216
    assert P.learned_position_params(1024, 768) == 786_432


# --- relative ------------------------------------------------------------------------------------


def test_shaw_clipping_keeps_2k_plus_1_labels():
    c = P.shaw_clipped(10, 10, 3)
    assert set(np.unique(c)) == set(range(-3, 4))
    assert c[0, 9] == 3 and c[9, 0] == -3 and c[4, 5] == 1


def test_relative_positions_are_key_minus_query():
    r = P.relative_positions(3, 5)
    assert r[0, 4] == 4 and r[2, 0] == -2 and r.shape == (3, 5)


def test_t5_buckets_as_the_paper_describes():
    # Raffel et al. 2020, 2.1: 32 buckets, ranges growing logarithmically up to an offset of 128,
    # beyond which all relative positions share a bucket. Bidirectional: 16 per direction, of which
    # 8 are exact distances.
    b = P.t5_bucket(np.arange(-400, 401))
    assert b.min() == 0 and b.max() == 31
    np.testing.assert_array_equal(P.t5_bucket(-np.arange(8)), np.arange(8))  # exact
    np.testing.assert_array_equal(P.t5_bucket(np.arange(1, 8)), 16 + np.arange(1, 8))
    assert P.t5_bucket(-128) == P.t5_bucket(-1000) == 15
    assert P.t5_bucket(128) == P.t5_bucket(5000) == 31
    # the last log bucket starts where 8 + log(d/8)/log(16)*8 reaches 15: d >= 8 * 2^3.5 = 90.5
    assert P.t5_bucket(-90) == 14 and P.t5_bucket(-91) == 15
    # monotone in distance, per direction
    assert np.all(np.diff(P.t5_bucket(-np.arange(400))) >= 0)
    # causal (decoder): the future collapses onto bucket 0; 16 exact distances
    assert P.t5_bucket(5, bidirectional=False) == 0
    np.testing.assert_array_equal(P.t5_bucket(-np.arange(16), False), np.arange(16))
    assert P.t5_bucket(-128, False) == P.t5_bucket(-9999, False) == 31


# --- ALiBi ---------------------------------------------------------------------------------------


def test_alibi_slopes_printed_in_the_paper():
    # Press et al. 2022, section 3: 8 heads -> 1/2^1 ... 1/2^8; 16 heads -> the geometric
    # sequence that starts at 1/2^0.5 with ratio 1/2^0.5 (every consecutive pair averaged).
    np.testing.assert_allclose(P.alibi_slopes(8), [2.0**-i for i in range(1, 9)])
    np.testing.assert_allclose(P.alibi_slopes(16), [2.0 ** (-0.5 * i) for i in range(1, 17)])
    s8, s16 = P.alibi_slopes(8), P.alibi_slopes(16)
    np.testing.assert_allclose(s16[1::2], s8)  # the 8 slopes are kept ...
    np.testing.assert_allclose(s16[0::2][1:], np.sqrt(s8[:-1] * s8[1:]))  # ... and interpolated


def _official_get_slopes(n):
    # get_slopes from github.com/ofirpress/attention_with_linear_biases,
    # fairseq/models/transformer.py (commit 4b92f28), written out independently here
    def pow2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        return [start * start**i for i in range(n)]

    if math.log2(n).is_integer():
        return pow2(n)
    c = 2 ** math.floor(math.log2(n))
    return pow2(c) + _official_get_slopes(2 * c)[0::2][: n - c]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 6, 8, 12, 20, 24, 40, 64, 96, 112])
def test_alibi_slopes_follow_the_official_rule_for_any_head_count(n):
    np.testing.assert_allclose(P.alibi_slopes(n), _official_get_slopes(n), rtol=1e-15)
    assert len(set(P.alibi_slopes(n).round(12))) == n  # every head distinct


def test_alibi_slopes_for_twelve_heads():
    # 8 of the 8-head sequence, then 2^-0.5, 2^-1.5, 2^-2.5, 2^-3.5 (every other of 16 heads)
    expected = [2.0**-i for i in range(1, 9)] + [2.0 ** -(i + 0.5) for i in range(4)]
    np.testing.assert_allclose(P.alibi_slopes(12), expected)


def test_alibi_bias_is_minus_slope_times_distance():
    b = P.alibi_bias(4, 4, [0.5, 0.25])
    assert b.shape == (2, 4, 4)
    np.testing.assert_allclose(b[0, 3], [-1.5, -1.0, -0.5, 0.0])  # the paper's Figure 3 row
    np.testing.assert_allclose(b[1, 2, :3], [-0.5, -0.25, 0.0])
    np.testing.assert_allclose(np.diagonal(b, axis1=1, axis2=2), 0.0)


def test_alibi_bias_places_queries_last_when_decoding():
    full = P.alibi_bias(6, 6, [0.25])
    np.testing.assert_allclose(P.alibi_bias(2, 6, [0.25]), full[:, 4:, :])


@SETTINGS
@given(t=st.integers(1, 12), heads=st.integers(1, 12), seed=st.integers(0, 2**16))
def test_alibi_equals_the_official_row_constant_form_under_the_causal_mask(t, heads, seed):
    # the official code adds m * j (same for every row); softmax cannot tell the difference
    rng = np.random.default_rng(seed)
    q, k, v = (rng.standard_normal((heads, t, 4)) for _ in range(3))
    m = P.alibi_slopes(heads)
    official = m[:, None, None] * np.arange(t)[None, None, :]  # (H, 1, T)
    ours = P.biased_attention(q, k, v, P.alibi_bias(t, t, m), causal=True)
    theirs = attention(q, k, v, mask=official, causal=True)
    np.testing.assert_allclose(ours[1], theirs[1], atol=1e-12)
    np.testing.assert_allclose(ours[0], theirs[0], atol=1e-12)


def test_a_zero_bias_changes_nothing_and_a_steep_one_makes_attention_local():
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((5, 4)) for _ in range(3))
    np.testing.assert_allclose(
        P.biased_attention(q, k, v, np.zeros((5, 5)))[0], attention(q, k, v)[0]
    )
    _, w = P.biased_attention(q, k, v, P.alibi_bias(5, 5, [50.0])[0], causal=True)
    np.testing.assert_allclose(np.diagonal(w), 1.0, atol=1e-12)


# --- context extension ---------------------------------------------------------------------------


@pytest.mark.parametrize("d", [64, 128])
@pytest.mark.parametrize("s", [2.0, 4.0, 8.0, 16.0])
def test_interpolation_and_ntk_on_the_highest_and_lowest_pairs(d, s):
    m = 1000
    plain_hi = P.rotation_angle(m, d, "highest")
    plain_lo = P.rotation_angle(m, d, "lowest")
    assert plain_hi == m  # pair 0 turns one radian per position
    # position interpolation (Chen et al. 2023): every angle divided by s
    assert P.rotation_angle(m, d, "highest", "interpolation", s) == pytest.approx(plain_hi / s)
    assert P.rotation_angle(m, d, "lowest", "interpolation", s) == pytest.approx(plain_lo / s)
    # NTK-aware base: the fastest pair untouched, the slowest divided by exactly s
    assert P.rotation_angle(m, d, "highest", "ntk", s) == pytest.approx(plain_hi)
    assert P.rotation_angle(m, d, "lowest", "ntk", s) == pytest.approx(plain_lo / s)


@pytest.mark.parametrize("s", [2.0, 8.0])
def test_ntk_shrinks_intermediate_pairs_by_less_than_s(s):
    d = 128
    ratio = P.extended_frequencies(d, s, "ntk") / P.frequencies(d)
    assert np.all(np.diff(ratio) < 0)  # slower pairs are stretched more
    assert ratio[0] == pytest.approx(1.0) and ratio[-1] == pytest.approx(1 / s)


def test_ntk_base_formula_of_yarn():
    # Peng et al. 2023 (YaRN), NTK-aware: b' = b * s^(|D|/(|D|-2))
    assert P.ntk_base(10000.0, 8.0, 128) == pytest.approx(10000 * 8 ** (128 / 126))
    assert P.ntk_base(10000.0, 1.0, 64) == 10000.0


def test_interpolated_positions_stay_inside_the_trained_range():
    # Chen et al. 2023: LLaMA 2048 -> 32768 (s = 16); position 32767 behaves like 2047.94
    trained, target = 2048, 32768
    s = target / trained
    last = P.rotation_angle(target - 1, 128, "highest", "interpolation", s)
    assert last < trained  # the interpolated range is [0, L) of the trained length L
    assert last == pytest.approx((target - 1) / 16)


def test_unknown_method_or_pair_is_refused():
    with pytest.raises(ValueError, match="method"):
        P.extended_frequencies(64, 2.0, "yarn")
    with pytest.raises(ValueError, match="pair"):
        P.pair_index("middle", 64)


# --- GQA pooling ---------------------------------------------------------------------------------


def test_mean_pool_projection_averages_consecutive_heads():
    # 4 heads of size 2 -> 2 groups: group 0 = mean(heads 0, 1), group 1 = mean(heads 2, 3)
    w = np.arange(3 * 8, dtype=float).reshape(3, 8)
    pooled = G.mean_pool_projection(w, 4, 2)
    assert pooled.shape == (3, 4)
    np.testing.assert_allclose(pooled[:, 0:2], (w[:, 0:2] + w[:, 2:4]) / 2)
    np.testing.assert_allclose(pooled[:, 2:4], (w[:, 4:6] + w[:, 6:8]) / 2)


@SETTINGS
@given(h=st.sampled_from([4, 8, 12]), seed=st.integers(0, 2**16))
def test_pooling_weights_then_projecting_equals_projecting_then_pooling(h, seed):
    from qkv_drill.engine.multihead import split_heads

    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((5, 16)), rng.standard_normal((16, h * 3))
    for g in (1, 2, h):
        if h % g:
            continue
        a = split_heads(x @ G.mean_pool_projection(w, h, g), g)  # (G, T, hs)
        b = G.mean_pool_heads(split_heads(x @ w, h), g)  # (G, T, hs)
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_pooling_keeps_heads_that_already_agree_and_mqa_is_one_group():
    rng = np.random.default_rng(1)
    group = rng.standard_normal((2, 1, 6, 4))  # 2 distinct groups
    heads = repeat_kv(group[:, 0], 3)  # (6, 6, 4): each group's head repeated 3 times
    np.testing.assert_allclose(G.mean_pool_heads(heads, 2), group[:, 0])
    assert G.mean_pool_heads(heads, 1).shape == (1, 6, 4)  # multi-query: one K/V head
    with pytest.raises(ValueError, match="groups"):
        G.mean_pool_heads(heads, 4)


def test_pooled_shapes_and_removed_parameters_llama2_70b():
    # Llama 2 70B: d_model 8192, 64 heads of 128, 8 key/value heads (Touvron et al. 2023)
    assert G.pooled_shape(8192, 64, 8, 128) == (8192, 1024)
    assert G.pooled_shape(8192, 64, 8, 128, layout="torch") == (1024, 8192)
    assert G.kv_params_removed(8192, 64, 8, 128) == 2 * 8192 * 56 * 128


# --- paths, masks, paging ------------------------------------------------------------------------


def test_path_lengths_of_table_1():
    assert A.max_path_length("self-attention", 1000) == 1
    assert A.max_path_length("recurrent", 1000) == 999
    assert A.max_path_length("convolution", 1000, 3) == 500
    assert A.max_path_length("convolution", 9, 3) == 4  # fields 3, 5, 7, 9
    assert A.max_path_length("dilated-convolution", 1000, 10) == 3  # O(log_k n)
    assert A.max_path_length("dilated-convolution", 1001, 10) == 4
    assert A.sequential_operations("recurrent", 50) == 50
    assert A.sequential_operations("self-attention", 50) == 1


@SETTINGS
@given(n=st.integers(2, 5000), k=st.integers(2, 9))
def test_convolution_receptive_field_after_the_path_length_covers_n(n, k):
    layers = A.max_path_length("convolution", n, k)
    assert layers * (k - 1) + 1 >= n > (layers - 1) * (k - 1) + 1
    dl = A.max_path_length("dilated-convolution", n, k)
    assert k**dl >= n > k ** (dl - 1)


def test_masks_of_encoder_decoder_and_prefix_lm():
    assert A.allowed_pairs("bidirectional", 6) == 36
    assert A.allowed_pairs("causal", 6) == 21
    m = A.lm_mask("prefix", 5, prefix=2)
    assert m[0, 1]  # inside the prefix, the first token sees the second
    assert not m[1, 2] and m[4, 2] and not m[2, 3]
    assert A.allowed_pairs("prefix", 5, 0) == A.allowed_pairs("causal", 5)
    assert A.allowed_pairs("prefix", 5, 5) == 25
    # prefix p: p*p inside the prefix + causal rest + every later query sees the prefix
    assert A.allowed_pairs("prefix", 6, 3) == 9 + 3 * 3 + 6


def test_paging_counts_and_the_opt_13b_figure():
    assert Pg.blocks_needed(0) == 0 and Pg.blocks_needed(16) == 1 and Pg.blocks_needed(17) == 2
    assert Pg.slots_wasted(17) == 15 and Pg.slots_wasted(32) == 0
    assert Pg.reserved_slots_wasted(300, 2048) == 1748
    # Kwon et al. 2023, 3: OPT-13B caches 800 KB per token: 2 x 5120 x 40 layers x 2 bytes
    per_token = Pg.block_bytes(1, 40, 40, 128, 2)
    assert per_token == 2 * 5120 * 40 * 2 == 800 * 1024
    assert Pg.block_bytes(16, 40, 40, 128, 2) == 16 * per_token
    assert Pg.shared_prefix_blocks(40) == 2


@SETTINGS
@given(seq=st.integers(0, 10_000), block=st.sampled_from([1, 8, 16, 32]))
def test_paged_waste_is_always_under_one_block(seq, block):
    assert 0 <= Pg.slots_wasted(seq, block) < block
    assert Pg.blocks_needed(seq, block) * block >= seq
