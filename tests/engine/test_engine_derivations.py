"""Derivations end where the engine's own functions end, and their formulas show real numbers."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qkv_drill.answers.expr import evaluate
from qkv_drill.engine import attention, softmax
from qkv_drill.engine import derive_quantities as Dq
from qkv_drill.engine import quantities as Qn
from qkv_drill.engine.shapes import SHAPE_NAMES, attention_shape, attention_shapes
from qkv_drill.engine.trace import (
    human_bytes,
    num,
    trace_attention,
    trace_dot,
    trace_project,
    trace_qk_attention,
    trace_scores,
    trace_shape,
    trace_softmax,
)

# --- quantities ----------------------------------------------------------------------------------

size = st.integers(1, 4096)
heads_dm = st.tuples(st.integers(1, 64), st.integers(1, 256)).map(lambda t: (t[0] * t[1], t[0]))
maybe_kv = st.none() | st.integers(1, 4096)


def _kv_heads_split(draw_t):
    heads, group, hs = draw_t
    return {"d_model": heads * group * hs, "heads": heads * group, "kv_heads": heads}


QUANTITY_ARGS = {
    "head_dim": heads_dm.map(lambda t: {"d_model": t[0], "heads": t[1]}),
    "scale_factor": st.fixed_dictionaries({"d_k": size}),
    "qk_variance": st.fixed_dictionaries({"d_k": size, "scaled": st.booleans()}),
    "qk_std": st.fixed_dictionaries({"d_k": size, "scaled": st.booleans()}),
    "mc_qk_variance": st.fixed_dictionaries(
        {"d_k": st.integers(1, 64), "scaled": st.booleans(), "samples": st.integers(100, 500)}
    ),
    "projection_params": st.tuples(st.integers(1, 16), st.integers(1, 4), st.integers(1, 64))
    .map(_kv_heads_split)
    .flatmap(
        lambda a: st.fixed_dictionaries(
            {
                **{k: st.just(v) for k, v in a.items()},
                "kv_heads": st.sampled_from([None, a["kv_heads"]]),
                "bias": st.booleans(),
                "output": st.booleans(),
            }
        )
    ),
    "qkv_params_per_head": st.fixed_dictionaries(
        {"d_model": size, "d_k": size, "bias": st.booleans()}
    ),
    "qk_flops": st.fixed_dictionaries(
        {
            "seq": size,
            "d_k": size,
            "seq_kv": maybe_kv,
            "heads": st.integers(1, 64),
            "batch": st.integers(1, 64),
        }
    ),
    "av_flops": st.fixed_dictionaries(
        {
            "seq": size,
            "d_k": size,
            "seq_kv": maybe_kv,
            "heads": st.integers(1, 64),
            "batch": st.integers(1, 64),
        }
    ),
    "attention_flops": heads_dm.flatmap(
        lambda t: st.fixed_dictionaries(
            {
                "seq": size,
                "d_model": st.just(t[0]),
                "heads": st.just(t[1]),
                "seq_kv": maybe_kv,
                "batch": st.integers(1, 64),
            }
        )
    ),
    "score_memory": st.fixed_dictionaries(
        {
            "seq": size,
            "seq_kv": maybe_kv,
            "heads": st.integers(1, 64),
            "batch": st.integers(1, 64),
            "bytes": st.sampled_from([1, 2, 4, 8]),
        }
    ),
    "kv_cache_per_token": st.fixed_dictionaries(
        {
            "layers": st.integers(1, 96),
            "kv_heads": st.integers(1, 128),
            "head_dim": st.integers(1, 256),
            "bytes": st.sampled_from([1, 2, 4]),
        }
    ),
    "kv_cache": st.fixed_dictionaries(
        {
            "layers": st.integers(1, 96),
            "kv_heads": st.integers(1, 128),
            "head_dim": st.integers(1, 256),
            "seq": st.integers(1, 32768),
            "batch": st.integers(1, 64),
            "bytes": st.sampled_from([1, 2, 4]),
        }
    ),
    "max_weight": st.fixed_dictionaries(
        {
            "d_k": size,
            "gap": st.floats(0, 5, allow_nan=False),
            "scaled": st.booleans(),
        }
    ),
}


def test_every_quantity_with_a_misconception_table_has_a_derivation():
    from qkv_drill.engine.serving_derivations import SERVING_DERIVATIONS
    from qkv_drill.packs.computations import COMPUTATIONS, simple

    names = {c.name for c in COMPUTATIONS.values() if c.kind == "numeric" and c.misconceptions}
    # scaled_dot and kv_head build their traces in the computation itself
    names -= {"scaled_dot", "kv_head"} | set(simple.REGISTERED)
    assert names <= set(Dq.DERIVATIONS) | set(SERVING_DERIVATIONS)
    assert set(QUANTITY_ARGS) == set(Dq.DERIVATIONS)


@pytest.mark.parametrize("name", sorted(QUANTITY_ARGS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_derivation_ends_at_the_quantity(name, data):
    args = data.draw(QUANTITY_ARGS[name])
    want = getattr(Qn, name)(**args)
    trace = Dq.DERIVATIONS[name](**args)
    last = trace.steps[-1]
    assert last.value.shape == ()
    assert float(last.value) == float(want)
    # the last formula shows the answer itself, written the way formulas write numbers
    assert num(want) in last.formula
    for step in trace.steps:
        assert step.formula and np.isfinite(step.value).all()


def test_kv_cache_derivation_reads_as_worked_out_by_hand():
    tr = Dq.derive_kv_cache(layers=32, kv_heads=8, head_dim=128, seq=4096, batch=4, bytes=2)
    per, total = tr.steps
    assert per.formula == (
        "2 (K and V) x layers 32 x kv_heads 8 x head_dim 128 x 2 bytes = 131,072 bytes per token"
    )
    assert per.note == "128 KiB"
    assert total.formula == "131,072 x seq 4,096 x batch 4 = 2,147,483,648 bytes"
    assert total.note == "2 GiB"


def test_head_dim_and_scale_formulas_substitute_the_numbers():
    assert Dq.derive_head_dim(768, 12).steps[-1].formula == (
        "head_dim = d_model / heads = 768 / 12 = 64"
    )
    assert Dq.derive_scale_factor(64).steps[-1].formula == "scale = 1 / sqrt(d_k) = 1 / 8 = 0.125"


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(sorted(QUANTITY_ARGS)).flatmap(
        lambda n: st.tuples(st.just(n), QUANTITY_ARGS[n])
    )
)
def test_intermediate_products_are_consistent(case):
    """Every "a x b = c" in a formula is arithmetic that holds (the numbers are not decoration)."""
    name, args = case
    for step in Dq.DERIVATIONS[name](**args).steps:
        for lhs, rhs in _products(step.formula):
            assert math.isclose(lhs, rhs, rel_tol=1e-9), step.formula


_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _products(formula: str):
    """(product, result) of every `a x label b x ... = c` whose factors each carry one number."""
    parts = formula.split(" = ")
    for left, right in itertools.pairwise(parts):
        left = left.split(": ")[-1]
        if " x " not in left or any(c in left for c in "+/*"):
            continue
        factors = []
        for factor in left.split(" x "):
            found = _NUMBER.findall(re.sub(r"\([^)]*\)", "", factor))
            if len(found) != 1:
                break
            factors.append(float(found[0].replace(",", "")))
        else:
            m = _NUMBER.match(right)
            if m:
                yield math.prod(factors), float(m.group().replace(",", ""))


def test_product_pattern_finds_the_written_products():
    found = list(_products("W_Q: 4 x 3 = 12; x: 2 (K and V) x layers 3 x 2 = 12 bytes"))
    assert found == [(12.0, 12.0), (12.0, 12.0)]
    assert list(_products("seq x seq_kv = 3 x 5 = 15 entries")) == [(15.0, 15.0)]
    assert list(_products("1 x 2 = 3")) == [(2.0, 3.0)]  # a wrong product is seen as wrong


def test_mc_derivation_without_an_estimate_runs_the_estimate():
    tr = Dq.derive_mc_qk_variance(16, samples=300)
    assert float(tr.steps[-1].value) == Qn.mc_qk_variance(16, samples=300)
    assert float(tr["analytic"].value) == 16.0


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (100, "100 bytes"),
        (1536, "1.5 KiB"),
        (2**20, "1 MiB"),
        (3 * 2**30, "3 GiB"),
        (2**41, "2 TiB"),
    ],
)
def test_human_bytes(n, text):
    assert human_bytes(n) == text


def test_num_writes_whole_numbers_in_full():
    assert num(13421772800.0) == "13,421,772,800"
    assert num(0.125) == "0.125"
    assert num(-3) == "-3"


# --- small matrix derivations ----------------------------------------------------------------


def _ints(seed: int, shape) -> np.ndarray:
    return np.random.default_rng(seed).integers(-3, 4, size=shape).astype(float)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(0, 10**6), st.booleans())
def test_dot_terms_evaluate_to_the_dot_product(n, seed, scaled):
    q, k = _ints(seed, n), _ints(seed + 1, n)
    tr = trace_dot(q, k, scaled=scaled)
    written = tr["dot"].formula.split(" = ")[1]
    assert evaluate(written) == float(q @ k)
    want = float(q @ k) / (math.sqrt(n) if scaled else 1.0)
    assert float(tr.steps[-1].value) == pytest.approx(want, abs=1e-12)


def test_long_dot_products_are_summarised():
    tr = trace_dot(np.ones(64), np.ones(64))
    assert "sum of 64 products" in tr["dot"].formula and float(tr.steps[-1].value) == 64


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(0, 10**6))
def test_softmax_trace_ends_at_softmax(t, s, seed):
    z = _ints(seed, (t, s)) * 2.5
    tr = trace_softmax(z)
    np.testing.assert_array_equal(tr.steps[-1].value, softmax(z, axis=-1))
    np.testing.assert_allclose(tr["exp"].value / tr["sum"].value[:, None], tr.steps[-1].value)
    assert (tr["shifted"].value.max(axis=-1) == 0).all()


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(0, 10**6))
def test_project_and_scores_traces(t, s, hs, seed):
    x, w = _ints(seed, (t, 3)), _ints(seed + 1, (3, hs))
    np.testing.assert_array_equal(trace_project(x, w).steps[-1].value, x @ w)
    q, k = _ints(seed + 2, (t, hs)), _ints(seed + 3, (s, hs))
    scaled = trace_scores(q, k)
    np.testing.assert_array_equal(scaled["K^T"].value, k.T)
    np.testing.assert_allclose(scaled.steps[-1].value, q @ k.T / math.sqrt(hs))
    assert scaled.steps[-1].name == "scaled"
    raw = trace_scores(q, k, scaled=False)
    assert raw.steps[-1].name == "scores" and "scaled" not in raw


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.booleans(), st.integers(0, 10**6)
)
def test_qk_attention_trace_ends_at_weights_or_output(t, s, hs, causal, seed):
    q, k, v = _ints(seed, (t, hs)), _ints(seed + 1, (s, hs)), _ints(seed + 2, (s, 2))
    out, w = attention(q, k, v, causal=causal)
    weights_only = trace_qk_attention(q, k, causal=causal)
    assert weights_only.steps[-1].name == "weights" and "output" not in weights_only
    np.testing.assert_allclose(weights_only.steps[-1].value, w)
    full = trace_qk_attention(q, k, v, causal=causal)
    np.testing.assert_allclose(full.steps[-1].value, out, atol=1e-12)  # a zero may come out -1e-16
    assert ("masked" in full) == causal


def test_trace_attention_still_ends_at_the_output():
    x = _ints(0, (3, 2))
    tr = trace_attention(x, np.eye(2), np.eye(2), np.eye(2))
    assert tr.steps[-1].name == "output"


# --- shapes ----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    which=st.sampled_from(SHAPE_NAMES),
    batch=st.none() | st.integers(1, 8),
    seq=st.integers(1, 64),
    seq_kv=st.none() | st.integers(1, 64),
    kv_heads=st.integers(1, 4),
    group=st.integers(1, 3),
    hs=st.integers(1, 16),
)
def test_shape_trace_walks_real_shapes_up_to_which(which, batch, seq, seq_kv, kv_heads, group, hs):
    heads = kv_heads * group
    d_model = heads * hs
    kw = {"batch": batch, "seq_kv": seq_kv, "kv_heads": kv_heads}
    tr = trace_shape(which, seq, d_model, heads, **kw)
    shapes = attention_shapes(seq, d_model, heads, **kw)
    assert tr.steps[-1].name == which
    assert tuple(tr.steps[-1].value) == attention_shape(which, seq, d_model, heads, **kw)
    for step in tr.steps:
        assert tuple(step.value) == shapes[step.name]
        assert str(shapes[step.name]) in step.formula
    if heads == 1 and which in ("scores", "weights"):
        assert "q_heads" not in tr


def test_shape_trace_names_the_letters():
    tr = trace_shape("scores", 10, 512, 8, batch=2)
    assert tr.names() == ["x", "w_q", "q", "q_heads", "w_k", "k", "k_heads", "scores"]
    assert tr["x"].formula == "x: (B, T, d_model) = (2, 10, 512)"
    assert tr["scores"].formula.endswith("(B, H, T, T) = (2, 8, 10, 10)")


def test_flops_entries_count_the_output_of_each_product():
    """weights V is (seq, seq_kv) @ (seq_kv, d_v): seq x d_v entries, each summed over seq_kv keys
    (not Q K^T's seq x seq_kv entries of length d_k)."""
    av = Dq.derive_av_flops(seq=2048, d_k=128, seq_kv=1024).steps[0]
    assert av.formula == (
        "weights V: seq x d_v = 2,048 x 128 = 262,144 entries, each a length-1,024 dot product"
    )
    qk = Dq.derive_qk_flops(seq=2048, d_k=128, seq_kv=1024).steps[0]
    assert qk.formula == (
        "Q K^T: seq x seq_kv = 2,048 x 1,024 = 2,097,152 entries, each a length-128 dot product"
    )
