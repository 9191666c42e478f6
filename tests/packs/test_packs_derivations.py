"""Every computation comes with the engine's derivation, ending at the answer it computed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qkv_drill.engine.masks import ALIGNS
from qkv_drill.engine.shapes import SHAPE_NAMES
from qkv_drill.packs.computations import COMPUTATIONS, compute
from qkv_drill.packs.configs import CONFIGS
from qkv_drill.packs.format import COMPUTED_TYPES
from qkv_drill.packs.instance import draw
from qkv_drill.packs.loader import load_packs
from tests.helpers.positions_args import POSITION_ARGS

small = st.integers(1, 2048)
BIG = st.integers(1, 10**12)


def _matrix(rows, cols, lo=-3, hi=3):
    return st.lists(
        st.lists(st.integers(lo, hi), min_size=cols, max_size=cols), min_size=rows, max_size=rows
    )


@st.composite
def _heads(draw):
    kv = draw(st.integers(1, 8))
    heads = kv * draw(st.integers(1, 4))
    return {"heads": heads, "kv_heads": kv, "d_model": heads * draw(st.integers(1, 128))}


@st.composite
def _qkv(draw, with_v=True, from_x=False):
    t, s, hs = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    causal = draw(st.booleans())
    if from_x:
        c = draw(st.integers(1, 3))
        return {
            "X": draw(_matrix(t, c)),
            "W_Q": draw(_matrix(c, hs)),
            "W_K": draw(_matrix(c, hs)),
            "W_V": draw(_matrix(c, hs)),
            "causal": causal,
        }
    if causal:
        s = t  # a causal mask is square here, as in the shipped packs
    a = {"Q": draw(_matrix(t, hs)), "K": draw(_matrix(s, hs)), "causal": causal}
    if with_v:
        a["V"] = draw(_matrix(s, draw(st.integers(1, 3))))
    return a


@st.composite
def _two_vectors(draw):
    n = draw(st.integers(1, 12))
    return {"q": draw(_matrix(1, n))[0], "k": draw(_matrix(1, n))[0]}


@st.composite
def _project(draw):
    t, c, d = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return {"X": draw(_matrix(t, c)), "W": draw(_matrix(c, d))}


@st.composite
def _shape(draw):
    a = draw(_heads())
    return {
        "which": draw(st.sampled_from(SHAPE_NAMES)),
        "seq": draw(small),
        "d_model": a["d_model"],
        "heads": a["heads"],
        "kv_heads": draw(st.sampled_from([None, a["kv_heads"]])),
        "batch": draw(st.none() | st.integers(1, 64)),
        "seq_kv": draw(st.none() | small),
    }


ARGS = {
    "head_dim": _heads(),
    "scale_factor": st.fixed_dictionaries({"d_k": small}),
    "qk_variance": st.fixed_dictionaries({"d_k": small, "scaled": st.booleans()}),
    "qk_std": st.fixed_dictionaries({"d_k": small, "scaled": st.booleans()}),
    "mc_qk_variance": st.fixed_dictionaries(
        {"d_k": st.integers(1, 32), "scaled": st.booleans(), "samples": st.integers(100, 400)}
    ),
    "projection_params": _heads().map(lambda a: {**a, "bias": True, "output": False}),
    "qkv_params_per_head": st.fixed_dictionaries(
        {"d_model": small, "d_k": small, "bias": st.booleans()}
    ),
    "qk_flops": st.fixed_dictionaries(
        {"seq": small, "d_k": small, "heads": st.integers(1, 64), "batch": st.integers(1, 8)}
    ),
    "av_flops": st.fixed_dictionaries(
        {"seq": small, "d_k": small, "seq_kv": small, "batch": st.integers(1, 8)}
    ),
    "attention_flops": _heads().map(lambda a: {**a, "seq": 512, "batch": 4}),
    "score_memory": st.fixed_dictionaries(
        {"seq": small, "heads": st.integers(1, 64), "bytes": st.sampled_from([2, 4])}
    ),
    "kv_cache_per_token": st.fixed_dictionaries(
        {"layers": st.integers(1, 96), "kv_heads": st.integers(1, 64), "head_dim": small}
    ),
    "kv_cache": st.fixed_dictionaries(
        {
            "layers": st.integers(1, 96),
            "kv_heads": st.integers(1, 64),
            "head_dim": small,
            "seq": st.integers(1, 32768),
            "batch": st.integers(1, 64),
        }
    ),
    "max_weight": st.fixed_dictionaries(
        {"d_k": small, "gap": st.floats(0, 4, allow_nan=False), "scaled": st.booleans()}
    ),
    "shape": _shape(),
    "dot": _two_vectors(),
    "scaled_dot": _two_vectors(),
    "softmax": st.integers(1, 4).flatmap(lambda s: st.fixed_dictionaries({"z": _matrix(2, s)})),
    "project": _project(),
    "scores": _qkv(with_v=False).map(lambda a: {"Q": a["Q"], "K": a["K"], "scaled": a["causal"]}),
    "attention_weights": _qkv(with_v=False),
    "attention_output": _qkv(),
    "self_attention": _qkv(from_x=True),
    **POSITION_ARGS,
    "self_attention_weights": _qkv(from_x=True).map(lambda a: {**a, "window": 2, "padding": 1}),
    "rope": st.integers(1, 4).flatmap(
        lambda t: st.fixed_dictionaries(
            {"x": _matrix(t, 4), "style": st.sampled_from(["half", "interleaved"])}
        )
    ),
    "aligned_causal_mask": st.fixed_dictionaries(
        {"tq": st.integers(1, 5), "tk": st.integers(1, 5), "align": st.sampled_from(ALIGNS)}
    ),
    "sliding_window_mask": st.fixed_dictionaries(
        {"tq": st.integers(1, 5), "tk": st.integers(1, 5), "window": st.integers(1, 4)}
    ),
    "kv_head": _heads().flatmap(
        lambda a: st.integers(0, a["heads"] - 1).map(lambda j: {**a, "query_head": j})
    ),
    "kv_cache_windowed": st.fixed_dictionaries(
        {
            "layers": st.integers(1, 96),
            "kv_heads": st.integers(1, 64),
            "head_dim": small,
            "seq": st.integers(1, 32768),
            "window": st.integers(1, 8192),
        }
    ),
    "prefill_flops": st.fixed_dictionaries(
        {"params": BIG, "layers": st.integers(1, 96), "d_model": small, "seq": small}
    ),
    "decode_flops": st.fixed_dictionaries(
        {"params": BIG, "layers": st.integers(1, 96), "d_model": small, "context": small}
    ),
    "decode_bytes": st.fixed_dictionaries(
        {
            "params": BIG,
            "layers": st.integers(1, 96),
            "kv_heads": st.integers(1, 64),
            "head_dim": small,
            "context": small,
            "batch": st.integers(1, 64),
        }
    ),
    "decode_intensity": st.fixed_dictionaries(
        {
            "params": BIG,
            "layers": st.integers(1, 96),
            "d_model": small,
            "kv_heads": st.integers(1, 64),
            "head_dim": small,
            "context": small,
        }
    ),
    "flash_extra_memory": st.fixed_dictionaries({"seq": small, "heads": st.integers(1, 64)}),
    "training_flops": st.fixed_dictionaries(
        {"params": BIG, "tokens": BIG, "layers": st.integers(1, 96), "d_model": small, "seq": small}
    ),
    "gqa_cache_ratio": _heads(),
    "self_attention_scores": _qkv(from_x=True).map(
        lambda a: {"X": a["X"], "W_Q": a["W_Q"], "W_K": a["W_K"], "scaled": a["causal"]}
    ),
    "decode_output": st.integers(0, 3).flatmap(
        lambda t: st.fixed_dictionaries(
            {
                "q": _matrix(1, 2),
                "k": _matrix(1, 2),
                "v": _matrix(1, 3),
                "K_cache": _matrix(t, 2),
                "V_cache": _matrix(t, 3),
            }
        )
    ),
    "config_field": st.sampled_from(sorted(CONFIGS)).flatmap(
        lambda c: st.sampled_from(sorted(CONFIGS[c].fields())).map(
            lambda f: {"field": f, **CONFIGS[c].fields()}
        )
    ),
}

HEATMAP = {"attention_weights", "attention_output", "self_attention", "alibi_weights"}


def test_every_computation_has_arguments_here():
    assert set(ARGS) == set(COMPUTATIONS)


def _same(kind: str, last: np.ndarray, value) -> bool:
    if kind == "shape":
        return tuple(int(d) for d in last) == tuple(value)
    return bool(np.allclose(np.asarray(last, dtype=float), np.asarray(value, dtype=float)))


@pytest.mark.parametrize("name", sorted(COMPUTATIONS))
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_computation_trace_ends_at_its_answer(name, data):
    args = data.draw(ARGS[name])
    result = compute(name, args)
    assert result.trace is not None and result.trace.steps
    last = result.trace.steps[-1]
    assert _same(COMPUTATIONS[name].kind, last.value, result.value), last.formula
    if name in HEATMAP:
        q, k = result.trace["Q"].value, result.trace["K"].value
        assert result.heatmap.shape == (q.shape[0], k.shape[0])
        np.testing.assert_allclose(result.heatmap, result.trace["weights"].value)


# --- shipped questions ---------------------------------------------------------------------------

SHIPPED = load_packs(include_user=False)
COMPUTED = sorted(q.id for q in SHIPPED.questions.values() if q.type in COMPUTED_TYPES)


def test_the_shipped_packs_have_computed_questions():
    assert len(COMPUTED) >= 50


@pytest.mark.parametrize("qid", COMPUTED)
def test_shipped_question_has_a_derivation_ending_at_the_answer(qid):
    q = SHIPPED.questions[qid]
    for seed in (0, 1, 7):
        inst = draw(q, seed)
        assert inst.trace is not None and inst.trace.steps, qid
        last = inst.trace.steps[-1]
        assert _same(q.type, last.value, inst.expected), (qid, seed, last.formula)
        if q.answer.compute in HEATMAP:
            assert inst.heatmap is not None
            np.testing.assert_allclose(inst.heatmap.sum(axis=-1), 1.0)
