"""The computations and misconceptions for attention as it is asked today: each mistake gives
the wrong answer it names, and differs from the right one where it matters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qkv_drill.cli import main
from qkv_drill.engine import rope, sliding_window_mask
from qkv_drill.engine import serving as S
from qkv_drill.packs.computations import COMPUTATIONS, compute, misconception_value
from qkv_drill.packs.loader import load_paths

PACK = Path(__file__).parent / "modern" / "attention_today.yaml"
RNG = np.random.default_rng(0)
Q, K, V = (RNG.integers(-2, 3, (3, 4)).astype(float) for _ in range(3))


def value(name, **a):
    return compute(name, a).value


def wrong(name, mc, **a):
    return misconception_value(name, mc, a)


def test_the_example_pack_validates_with_torch_agreeing(capsys):
    assert main(["validate", str(PACK), "--seeds", "4"]) == 0, capsys.readouterr().out


def test_the_example_pack_uses_every_new_computation_and_argument():
    (lp,) = load_paths([PACK]).packs
    used = {q.answer.compute for q in lp.pack.questions if q.answer}
    args = {k for q in lp.pack.questions if q.answer for k in q.answer.args}
    mcs = {m for q in lp.pack.questions for m in q.misconceptions}
    assert {
        "rope", "aligned_causal_mask", "sliding_window_mask", "self_attention_weights", "kv_head",
        "kv_cache_windowed", "prefill_flops", "decode_flops", "decode_bytes", "decode_intensity",
        "flash_extra_memory", "training_flops", "gqa_cache_ratio", "config_field",
        "self_attention_scores", "decode_output",
    } <= used  # fmt: skip
    assert {"rope", "rope_style", "causal_align", "window", "padding", "scale", "mask"} <= args
    assert {
        "elements_not_bytes", "one_attention_matmul", "rope_on_values", "rope_wrong_pairing",
        "kv_heads_tiled", "causal_top_left", "window_off_by_one", "padding_on_queries",
        "transposed_matrix", "permuted_shape", "decode_without_new_token",
    } <= mcs  # fmt: skip


def test_elements_not_bytes():
    a = {"layers": 2, "kv_heads": 4, "head_dim": 8, "seq": 10, "bytes": 2}
    assert value("kv_cache", **a) == 2 * 2 * 4 * 8 * 10 * 2
    assert wrong("kv_cache", "elements_not_bytes", **a) == 2 * 2 * 4 * 8 * 10
    assert wrong("kv_cache", "elements_not_bytes", **{**a, "bytes": 1}) is None


def test_one_attention_matmul():
    a = {"params": 1000, "layers": 2, "d_model": 8, "context": 16}
    right = value("decode_flops", **a)
    assert right == 2 * 1000 + 4 * 2 * 16 * 8
    assert wrong("decode_flops", "one_attention_matmul", **a) == 2 * 1000 + 2 * 2 * 16 * 8
    t = {"params": 1000, "tokens": 5, "layers": 2, "d_model": 8, "seq": 16}
    assert value("training_flops", **t) == 5 * (6 * 1000 + 3 * 4 * 2 * 16 * 8)
    assert wrong("training_flops", "one_attention_matmul", **t) == 5 * (6000 + 3 * 2 * 2 * 16 * 8)
    assert (
        wrong("attention_flops", "one_attention_matmul", seq=4, d_model=8, heads=2) == 4 * 4 * 8 * 2
    )


def test_rope_on_values_changes_only_the_output():
    a = {"Q": Q, "K": K, "V": V, "rope": True}
    right = value("attention_output", **a)
    w = wrong("attention_output", "rope_on_values", **a)
    weights = value("attention_weights", **a)
    np.testing.assert_allclose(w, weights @ rope(V))  # same weights, rotated values
    assert not np.allclose(w, right)
    assert "rope_on_values" not in COMPUTATIONS["attention_weights"].misconceptions
    assert wrong("attention_output", "rope_on_values", Q=Q, K=K, V=V) is None  # no RoPE asked


def test_rope_wrong_pairing():
    x = RNG.integers(-2, 3, (3, 4)).astype(float)
    np.testing.assert_allclose(
        wrong("rope", "rope_wrong_pairing", x=x), rope(x, style="interleaved")
    )
    assert not np.allclose(value("rope", x=x), rope(x, style="interleaved"))
    assert wrong("rope", "rope_wrong_pairing", x=x[:, :2]) is None  # one pair: the same layout


def test_kv_heads_tiled():
    assert value("kv_head", query_head=5, heads=8, kv_heads=2) == 1  # 5 // 4
    assert (
        wrong("kv_head", "kv_heads_tiled", query_head=5, heads=8, kv_heads=2) == 1
    )  # 5 % 2: equal
    assert value("kv_head", query_head=2, heads=8, kv_heads=2) == 0
    assert wrong("kv_head", "kv_heads_tiled", query_head=2, heads=8, kv_heads=2) == 0
    assert value("kv_head", query_head=3, heads=8, kv_heads=2) == 0
    assert wrong("kv_head", "kv_heads_tiled", query_head=3, heads=8, kv_heads=2) == 1  # differs
    assert wrong("kv_head", "kv_heads_tiled", query_head=3, heads=8, kv_heads=1) is None  # MQA


def test_causal_top_left_where_bottom_right_is_needed():
    right = value("aligned_causal_mask", tq=2, tk=4, align="bottom_right")
    assert right.tolist() == [[1, 1, 1, 0], [1, 1, 1, 1]]
    assert wrong(
        "aligned_causal_mask", "causal_top_left", tq=2, tk=4, align="bottom_right"
    ).tolist() == [
        [1, 0, 0, 0],
        [1, 1, 0, 0],
    ]
    assert wrong("aligned_causal_mask", "causal_top_left", tq=4, tk=4, align="bottom_right") is None
    a = {"Q": Q[:2], "K": K, "V": V, "causal": True, "causal_align": "bottom_right"}
    top = value("attention_output", **{**a, "causal_align": "top_left"})
    np.testing.assert_allclose(wrong("attention_output", "causal_top_left", **a), top)
    assert not np.allclose(top, value("attention_output", **a))


def test_window_off_by_one():
    np.testing.assert_array_equal(
        wrong("sliding_window_mask", "window_off_by_one", tq=4, tk=4, window=2),
        sliding_window_mask(4, 4, 3),
    )
    a = {"Q": Q, "K": K, "V": V, "window": 2}
    wider = value("attention_output", **{**a, "window": 3})
    np.testing.assert_allclose(wrong("attention_output", "window_off_by_one", **a), wider)
    kv = {"layers": 1, "kv_heads": 1, "head_dim": 4, "window": 8, "bytes": 2}
    assert wrong("kv_cache_windowed", "window_off_by_one", seq=20, **kv) == 2 * 4 * 2 * 9
    assert wrong("kv_cache_windowed", "window_off_by_one", seq=5, **kv) is None


def test_padding_on_queries_instead_of_keys():
    a = {"Q": Q, "K": K, "padding": 2}
    right = value("attention_weights", **a)
    assert (right[:, 2] == 0).all() and np.allclose(right.sum(-1), 1)  # pad key hidden
    w = wrong("attention_weights", "padding_on_queries", **a)
    assert (w[2] == 0).all() and (w[:2, 2] > 0).all()  # the pad row blanked, its key still seen


def test_transposed_matrix_and_permuted_shape():
    w = value("attention_weights", Q=Q[:2], K=K)
    np.testing.assert_allclose(wrong("attention_weights", "transposed_matrix", Q=Q[:2], K=K), w.T)
    sym = np.eye(3)
    assert wrong("softmax", "transposed_matrix", z=sym) is None  # the transpose is the same
    args = {"which": "q_heads", "seq": 10, "d_model": 512, "heads": 8, "batch": 2}
    assert value("shape", **args) == (2, 8, 10, 64)
    assert wrong("shape", "permuted_shape", **args) == (2, 10, 8, 64)
    assert wrong("shape", "permuted_shape", **{**args, "which": "w_q"}) is None  # square
    cross = {**args, "which": "scores", "seq_kv": 6}
    assert value("shape", **cross) == (2, 8, 10, 6)
    assert wrong("shape", "permuted_shape", **cross) == (2, 8, 6, 10)


def test_config_fields_and_sources():
    assert value("config_field", field="head_dim", head_dim=128) == 128
    from qkv_drill.packs.configs import CONFIGS

    assert CONFIGS["t5-3b"].head_dim == 128 != CONFIGS["t5-3b"].d_model // CONFIGS["t5-3b"].heads
    assert CONFIGS["mistral-7b"].fields()["window"] == 4096
    assert CONFIGS["llama3-70b"].kv_heads == 8 and CONFIGS["gpt3-175b"].head_dim == 128


@pytest.mark.parametrize("spec", ["fixed", "value"])
def test_fixed_matrices_with_floats_and_minus_infinity(tmp_path, spec, capsys):
    p = tmp_path / "fixed.yaml"
    p.write_text(f"""\
pack: {{id: fx, title: Fixed, version: 1}}
questions:
  - id: fx.w
    topic: masking
    difficulty: easy
    type: matrix
    prompt: "Weights for Q {{Q}} K {{K}} with mask {{M}}"
    explanation: "A blocked key gets weight 0."
    params:
      Q: {{{spec}: [[1.5, 0], [0, 1]]}}
      K: {{{spec}: [[1, 0], [0, 1]]}}
      M: {{{spec}: [[0, -.inf], [0, 0]]}}
    answer: {{compute: attention_weights, args: {{mask: M}}, tolerance: {{abs: 0.001}}}}
""")
    assert main(["validate", str(p), "--seeds", "2"]) == 0, capsys.readouterr().out
    (lp,) = load_paths([p]).packs
    from qkv_drill.packs.instance import draw

    inst = draw(lp.pack.questions[0], 0)
    assert inst.expected[0].tolist() == [1.0, 0.0]  # key 1 blocked by -inf
    assert S.gqa_cache_ratio(64, 8) == 8


def test_decode_output_and_the_forgotten_new_token():
    a = {"q": [1.0, 0.0], "k": [2.0, 0.0], "v": [5.0, 5.0], "K_cache": [[0.0, 0.0]],
         "V_cache": [[1.0, 1.0]]}  # fmt: skip
    # scores q.k / sqrt(2): cache 0, new 2/sqrt(2) = sqrt(2)
    w_new = np.exp(np.sqrt(2)) / (1 + np.exp(np.sqrt(2)))
    np.testing.assert_allclose(value("decode_output", **a), (1 - w_new) * 1 + w_new * 5)
    np.testing.assert_allclose(wrong("decode_output", "decode_without_new_token", **a), [1, 1])


def test_scores_from_x():
    X, W = np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(
        value("self_attention_scores", X=X, W_Q=W, W_K=W), X @ X.T / np.sqrt(2)
    )
    np.testing.assert_allclose(
        wrong("self_attention_scores", "no_scaling", X=X, W_Q=W, W_K=W), X @ X.T
    )
