"""Hypothesis arguments for the positions and why-attention computations (see
test_packs_derivations.ARGS, which every computation must appear in)."""

from __future__ import annotations

from hypothesis import strategies as st

even = st.integers(2, 64).map(lambda n: 2 * n)
scale = st.sampled_from([1.0, 2.0, 4.0, 8.0, 16.0])


@st.composite
def _pair_d(draw, **extra):
    d = draw(even)
    out = {"d": d, "pair": draw(st.integers(0, d // 2 - 1))}
    out.update({k: draw(v) for k, v in extra.items()})
    return out


@st.composite
def _pe_entry(draw):
    d = draw(st.integers(1, 16).map(lambda n: 2 * n))
    return {"pos": draw(st.integers(0, 200)), "dim": draw(st.integers(0, d - 1)), "d": d}


@st.composite
def _heads_head(draw, **extra):
    heads = draw(st.integers(1, 32))
    out = {"heads": heads, "head": draw(st.integers(1, heads))}
    out.update({k: draw(v) for k, v in extra.items()})
    return out


@st.composite
def _alibi_weights(draw):
    t, hs = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    m = st.lists(st.lists(st.integers(-3, 3), min_size=hs, max_size=hs), min_size=t, max_size=t)
    return {
        "Q": draw(m),
        "K": draw(m),
        **draw(_heads_head()),
        "causal": draw(st.booleans()),
    }


@st.composite
def _pool(draw):
    groups = draw(st.integers(1, 4))
    heads = groups * draw(st.integers(1, 4))
    hs, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    w = st.lists(st.integers(-3, 3), min_size=heads * hs, max_size=heads * hs)
    return {"W": draw(st.lists(w, min_size=c, max_size=c)), "heads": heads, "groups": groups}


@st.composite
def _gqa(draw):
    groups = draw(st.integers(1, 8))
    heads = groups * draw(st.integers(1, 8))
    return {
        "d_model": draw(st.integers(1, 8192)),
        "heads": heads,
        "groups": groups,
        "head_dim": draw(st.integers(1, 256)),
    }


@st.composite
def _prefix(draw):
    seq = draw(st.integers(1, 40))
    return {"seq": seq, "prefix": draw(st.integers(0, seq))}


@st.composite
def _reserved(draw):
    max_len = draw(st.integers(1, 8192))
    return {"seq": draw(st.integers(0, max_len)), "max_len": max_len}


_angle = {"position": st.integers(0, 100_000), "scale": scale}

POSITION_ARGS = {
    "pe_entry": _pe_entry(),
    "sinusoidal_pe": st.fixed_dictionaries({"seq": st.integers(1, 8), "d": even}),
    "pe_wavelength": _pair_d(),
    "pe_offset_rotation": _pair_d(offset=st.integers(-50, 50)),
    "pe_similarity": st.fixed_dictionaries({"offset": st.integers(-99, 99), "d": even}),
    "learned_position_params": st.fixed_dictionaries(
        {"max_len": st.integers(1, 32768), "d_model": st.integers(1, 8192)}
    ),
    "shaw_clipped": st.fixed_dictionaries({"seq": st.integers(1, 8), "clip": st.integers(0, 8)}),
    "t5_bucket": st.fixed_dictionaries({"relative": st.integers(-1000, 1000)}),
    "t5_bucket_causal": st.fixed_dictionaries({"relative": st.integers(-1000, 1000)}),
    "alibi_slopes": st.fixed_dictionaries({"heads": st.integers(1, 64)}),
    "alibi_slope": _heads_head(),
    "alibi_bias": _heads_head(seq=st.integers(1, 6)),
    "alibi_bias_shape": st.fixed_dictionaries(
        {"heads": st.integers(1, 64), "seq": st.integers(1, 8), "seq_kv": st.integers(8, 64)}
    ),
    "alibi_weights": _alibi_weights(),
    "rope_angle": _pair_d(position=st.integers(0, 100_000)),
    "rope_angle_interpolated": _pair_d(**_angle),
    "rope_angle_ntk": _pair_d(**_angle),
    "ntk_base": st.fixed_dictionaries(
        {"base": st.sampled_from([10000.0, 500000.0]), "scale": scale, "d": even}
    ),
    "path_length_recurrent": st.fixed_dictionaries({"n": st.integers(2, 10_000)}),
    "path_length_convolution": st.fixed_dictionaries(
        {"n": st.integers(2, 10_000), "k": st.integers(2, 9)}
    ),
    "path_length_dilated": st.fixed_dictionaries(
        {"n": st.integers(2, 10_000), "k": st.integers(2, 9)}
    ),
    "causal_mask": st.fixed_dictionaries({"seq": st.integers(1, 8)}),
    "causal_pairs": st.fixed_dictionaries({"seq": st.integers(1, 4096)}),
    "prefix_mask": _prefix(),
    "prefix_pairs": _prefix(),
    "paged_blocks": st.fixed_dictionaries(
        {"seq": st.integers(0, 10_000), "block_size": st.sampled_from([1, 8, 16, 32])}
    ),
    "paged_waste": st.fixed_dictionaries(
        {"seq": st.integers(0, 10_000), "block_size": st.sampled_from([1, 8, 16, 32])}
    ),
    "reserved_waste": _reserved(),
    "kv_block_bytes": st.fixed_dictionaries(
        {
            "layers": st.integers(1, 96),
            "kv_heads": st.integers(1, 64),
            "head_dim": st.integers(1, 256),
            "block_size": st.sampled_from([8, 16, 32]),
        }
    ),
    "gqa_pool": _pool(),
    "gqa_pooled_linear_shape": _gqa(),
    "gqa_params_removed": _gqa(),
}
