"""Counts checked a second, independent way: real torch modules, explicit loops, real arrays."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
import torch

from qkv_drill.engine import quantities as qt
from qkv_drill.engine.misconceptions import MISCONCEPTIONS
from qkv_drill.engine.shapes import attention_shape
from qkv_drill.packs.computations import COMPUTATIONS, compute, misconception_value

PACK_FORMAT = Path(__file__).resolve().parents[2] / "docs" / "pack-format.md"


def _numel(*modules: torch.nn.Module) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


@pytest.mark.parametrize(("d_model", "heads"), [(8, 2), (12, 3), (512, 8)])
@pytest.mark.parametrize("bias", [False, True])
def test_projection_params_count_a_real_multihead_attention(d_model, heads, bias):
    mha = torch.nn.MultiheadAttention(d_model, heads, bias=bias)
    assert qt.projection_params(d_model, heads, bias=bias) == _numel(mha)
    assert qt.projection_params(d_model, heads, bias=bias, output=False) == _numel(mha) - _numel(
        mha.out_proj
    )
    wrong = wrong_value("projection_params", "forgot_output_projection", d_model, heads, bias=bias)
    assert wrong == _numel(mha) - _numel(mha.out_proj)


@pytest.mark.parametrize(("d_model", "heads", "kv_heads"), [(16, 4, 1), (16, 4, 2), (24, 6, 3)])
@pytest.mark.parametrize("bias", [False, True])
def test_projection_params_under_grouped_query_count_real_linears(d_model, heads, kv_heads, bias):
    hs = d_model // heads
    layers = [
        torch.nn.Linear(d_model, heads * hs, bias=bias),
        torch.nn.Linear(d_model, kv_heads * hs, bias=bias),
        torch.nn.Linear(d_model, kv_heads * hs, bias=bias),
        torch.nn.Linear(heads * hs, d_model, bias=bias),
    ]
    assert qt.projection_params(d_model, heads, kv_heads, bias=bias) == _numel(*layers)
    ignores = wrong_value("projection_params", "kv_ignores_gqa", d_model, heads, kv_heads, bias)
    assert ignores == qt.projection_params(d_model, heads, bias=bias) > _numel(*layers)


@pytest.mark.parametrize("bias", [False, True])
def test_qkv_params_per_head_counts_three_article_linears(bias):
    layers = [torch.nn.Linear(512, 64, bias=bias) for _ in range(3)]  # the article's nn.Linear
    assert qt.qkv_params_per_head(512, 64, bias=bias) == _numel(*layers)


def test_head_dim_and_its_refusal():
    assert qt.head_dim(768, 12) * 12 == 768
    with pytest.raises(ValueError):
        qt.head_dim(10, 3)
    assert wrong_value("head_dim", "no_head_split", d_model=768, heads=12) == 768


def _loop_flops(b, h, tq, tk, d):
    """Naive Q K^T, counting 2 FLOPs per multiply-add as it goes."""
    rng = np.random.default_rng(0)
    q, k = rng.standard_normal((b, h, tq, d)), rng.standard_normal((b, h, tk, d))
    flops = 0
    out = np.zeros((b, h, tq, tk))
    for bi, hi, i, j in itertools.product(range(b), range(h), range(tq), range(tk)):
        for c in range(d):
            out[bi, hi, i, j] += q[bi, hi, i, c] * k[bi, hi, j, c]
            flops += 2
    np.testing.assert_allclose(out, q @ np.swapaxes(k, -1, -2))  # the loop really is Q K^T
    return flops


@pytest.mark.parametrize(("b", "h", "tq", "tk", "d"), [(1, 1, 3, 3, 2), (2, 3, 2, 4, 3)])
def test_flops_against_an_explicit_loop(b, h, tq, tk, d):
    counted = _loop_flops(b, h, tq, tk, d)
    assert qt.qk_flops(tq, d, tk, heads=h, batch=b) == counted
    # weights V is (tq, tk) @ (tk, d): the same number of multiply-adds
    assert qt.av_flops(tq, d, tk, heads=h, batch=b) == counted
    assert qt.attention_flops(tq, d * h, h, tk, batch=b) == 2 * counted
    assert wrong_value("qk_flops", "flops_as_macs", tq, d, tk, h, b) == counted / 2
    forgot = wrong_value("qk_flops", "forgot_batch", tq, d, tk, h, b)
    assert forgot == (counted / b if b > 1 else None)  # with batch 1 there is nothing to forget


@pytest.mark.parametrize(
    ("b", "h", "t", "tk", "dtype"), [(2, 4, 5, 7, np.float32), (1, 2, 3, 3, np.float16)]
)
def test_score_memory_is_the_nbytes_of_a_real_score_array(b, h, t, tk, dtype):
    scores = np.zeros((b, h, t, tk), dtype=dtype)
    nbytes = np.dtype(dtype).itemsize
    assert qt.score_memory(t, tk, heads=h, batch=b, bytes=nbytes) == scores.nbytes


@pytest.mark.parametrize(
    ("layers", "kv_heads", "hd", "seq", "batch"), [(3, 2, 4, 5, 2), (2, 1, 8, 3, 1)]
)
def test_kv_cache_is_the_nbytes_of_real_caches(layers, kv_heads, hd, seq, batch):
    cache = [
        (
            np.zeros((batch, kv_heads, seq, hd), np.float16),
            np.zeros((batch, kv_heads, seq, hd), np.float16),
        )
        for _ in range(layers)
    ]
    total = sum(k.nbytes + v.nbytes for k, v in cache)
    assert qt.kv_cache(layers, kv_heads, hd, seq, batch=batch, bytes=2) == total
    assert qt.kv_cache_per_token(layers, kv_heads, hd, bytes=2) * seq * batch == total
    only_k = sum(k.nbytes for k, _ in cache)
    assert wrong_value("kv_cache", "kv_only_one", layers, kv_heads, hd, seq, batch) == only_k
    first_layer = cache[0][0].nbytes + cache[0][1].nbytes
    assert wrong_value("kv_cache", "forgot_layers", layers, kv_heads, hd, seq, batch) == first_layer


def test_kv_cache_for_published_llama_2_sizes():
    # Llama-2-7B in fp16: 32 layers x 32 heads x 128 -> the often quoted 0.5 MiB per token
    assert qt.kv_cache_per_token(32, 32, 128) == 512 * 1024
    # Llama-2-70B: 80 layers, 8 KV heads for 64 query heads (GQA): 8x less than with 64
    per_token = qt.kv_cache_per_token(80, 8, 128)
    ignored = wrong_value("kv_cache_per_token", "kv_ignores_gqa", 80, 8, 128, heads=64)
    assert ignored == 8 * per_token
    # without the query head count there is nothing to confuse (validate asks for `heads`)
    assert wrong_value("kv_cache_per_token", "kv_ignores_gqa", 80, 8, 128) is None


@pytest.mark.parametrize("d_k", [1, 4, 16, 64, 256])
def test_monte_carlo_variance_matches_the_analytic_value(d_k):
    unscaled = qt.mc_qk_variance(d_k)
    scaled = qt.mc_qk_variance(d_k, scaled=True)
    assert unscaled == pytest.approx(qt.qk_variance(d_k), rel=0.05)
    assert scaled == pytest.approx(qt.qk_variance(d_k, scaled=True), rel=0.05)
    assert qt.qk_variance(d_k, scaled=True) == 1.0
    assert qt.qk_std(d_k) == pytest.approx(math.sqrt(unscaled), rel=0.03)


def test_monte_carlo_chunks_bound_memory_without_changing_the_estimate_much():
    with mock.patch.object(qt, "MC_CHUNK_ELEMENTS", 64):  # 64 // 16 = 4 samples per chunk
        small_chunks = qt.mc_qk_variance(16, samples=5003)  # the last chunk holds 3
        assert small_chunks == qt.mc_qk_variance(16, samples=5003)  # still reproducible
    assert small_chunks == pytest.approx(16, rel=0.1)  # every sample filled in
    with mock.patch.object(qt, "MC_CHUNK_ELEMENTS", 1):  # d_k wider than a chunk: 1 sample each
        assert qt.mc_qk_variance(4, samples=3001) == pytest.approx(4, rel=0.15)


def test_monte_carlo_is_seeded():
    assert qt.mc_qk_variance(8, seed=1) == qt.mc_qk_variance(8, seed=1)
    assert qt.mc_qk_variance(8, seed=1) != qt.mc_qk_variance(8, seed=2)


def test_variance_mistakes():
    assert wrong_value("qk_variance", "std_for_variance", d_k=64) == 8.0
    assert wrong_value("qk_std", "std_for_variance", d_k=64) == 64.0
    assert wrong_value("qk_variance", "no_scaling", d_k=64, scaled=True) == 64.0
    # dividing by d_k shrinks the variance to d_k / d_k^2
    assert wrong_value("qk_variance", "scale_by_dk", d_k=64, scaled=True) == pytest.approx(
        qt.mc_qk_variance(64) / 64**2, rel=0.05
    )
    assert wrong_value("qk_std", "scale_by_dk", d_k=64, scaled=True) == pytest.approx(1 / 8)


def test_max_weight_saturates_without_scaling():
    small, large = qt.max_weight(4, 1.0), qt.max_weight(256, 1.0)
    assert 0.5 < small < large < 1.0
    assert large > 0.9999  # gap 16 between two scores: softmax is nearly one-hot
    two = np.exp([16.0, 0.0]) / np.exp([16.0, 0.0]).sum()
    assert large == pytest.approx(two[0])
    assert qt.max_weight(256, 1.0, scaled=True) == qt.max_weight(1, 1.0)


GENERIC = {
    "head_dim": {"d_model": 512, "heads": 8},
    "scale_factor": {"d_k": 64, "d_model": 512},
    "max_weight": {"d_k": 64, "gap": 0.5, "scaled": True},
    "shape": {"which": "k_heads", "seq": 64, "d_model": 512, "heads": 8, "batch": 2, "kv_heads": 2},
    "projection_params": {"d_model": 512, "heads": 8, "kv_heads": 2, "bias": True},
    "qkv_params_per_head": {"d_model": 512, "d_k": 64, "bias": True},
    "qk_flops": {"seq": 128, "d_k": 64, "heads": 8, "batch": 4},
    "av_flops": {"seq": 128, "d_k": 64, "heads": 8, "batch": 4},
    "attention_flops": {"seq": 128, "d_model": 512, "heads": 8, "batch": 4},
    "score_memory": {"seq": 128, "heads": 8, "batch": 4},
    "kv_cache_per_token": {"layers": 32, "kv_heads": 8, "head_dim": 128, "heads": 32},
    "kv_cache": {
        "layers": 32,
        "kv_heads": 8,
        "head_dim": 128,
        "seq": 4096,
        "batch": 2,
        "heads": 32,
    },
    "qk_variance": {"d_k": 64, "scaled": True},
    "qk_std": {"d_k": 64, "scaled": True},
    "mc_qk_variance": {"d_k": 64, "samples": 2000},
}
# Where the generic input makes the mistake harmless, change the one fact it gets wrong:
# bias=True for counted_bias (checked separately below); scaled variance and std are both 1.
OVERRIDE = {
    ("projection_params", "counted_bias"): {"bias": False},
    ("qkv_params_per_head", "counted_bias"): {"bias": False},
    ("qk_variance", "std_for_variance"): {"scaled": False},
    ("qk_std", "std_for_variance"): {"scaled": False},
}


def wrong_value(func: str, name: str, *args, **kwargs):
    """What someone making mistake `name` answers for computation `func`, through the registry.

    Positional arguments follow the computation's argument order (the engine function's).
    """
    values = dict(zip(COMPUTATIONS[func].arg_names, args, strict=False)) | kwargs
    return misconception_value(func, name, values)


@pytest.mark.parametrize(
    ("func", "name"),
    [(f, n) for f in GENERIC for n in COMPUTATIONS[f].misconceptions],
)
def test_each_quantity_mistake_differs_on_a_generic_input(func, name):
    assert name in MISCONCEPTIONS
    kwargs = dict(GENERIC[func])
    kwargs.update(OVERRIDE.get((func, name), {}))
    right = compute(func, kwargs).value
    wrong = wrong_value(func, name, **kwargs)
    assert wrong is not None and wrong != pytest.approx(right)


def test_mistakes_coincide_exactly_when_the_fact_they_get_wrong_holds():
    assert wrong_value("qk_std", "std_for_variance", d_k=64, scaled=True) == 1.0
    # a mistake that cannot change the answer is not offered at all (None)
    assert wrong_value("projection_params", "counted_bias", d_model=64, heads=4, bias=True) is None
    assert wrong_value("projection_params", "forgot_bias", d_model=64, heads=4) is None
    assert wrong_value("kv_cache", "forgot_batch", layers=2, kv_heads=1, head_dim=4, seq=3) is None


def test_unknown_variant_is_a_key_error():
    with pytest.raises(KeyError):
        wrong_value("head_dim", "flops_as_macs", d_model=8, heads=2)


def test_shape_mistakes():
    args = {"seq": 10, "d_model": 512, "heads": 8, "batch": 2, "kv_heads": 2}
    assert wrong_value("shape", "forgot_batch", which="q_heads", **args) == (8, 10, 64)
    assert wrong_value("shape", "no_head_split", which="q_heads", **args) == (2, 8, 10, 512)
    assert wrong_value("shape", "kv_ignores_gqa", which="kv_cache_layer", **args) == (
        2,
        2,
        8,
        10,
        64,
    )
    assert attention_shape("kv_cache_layer", **args) == (2, 2, 2, 10, 64)


def test_scale_factor_mistakes():
    assert qt.scale_factor(64) == 0.125
    assert wrong_value("scale_factor", "scale_by_dmodel", d_k=64, d_model=512) == pytest.approx(
        1 / math.sqrt(512)
    )
    with pytest.raises(KeyError, match="d_model"):
        wrong_value("scale_factor", "scale_by_dmodel", d_k=64)
    assert wrong_value("max_weight", "no_scaling", d_k=64, gap=0.5, scaled=True) == qt.max_weight(
        64, 0.5
    )
