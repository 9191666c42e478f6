"""Mistakes in counting: parameters, FLOPs, memory, the KV cache, variances and shapes."""

from __future__ import annotations

import math

from qkv_drill.engine.misconceptions.core import (
    HALVED,
    Args,
    Misconception,
    batched,
    direct,
    each,
    given,
    gqa,
    only_if,
    rerun,
    transform,
)
from qkv_drill.engine.quantities import projection_count, qk_std, qk_variance

FLOPS = ("qk_flops", "av_flops", "attention_flops")
KV_CACHE = ("kv_cache_per_token", "kv_cache", "kv_cache_windowed")


def _no_split_params(a: Args) -> int:
    """Every head projecting to the full d_model instead of d_model / heads."""
    d, h = a["d_model"], a["heads"]
    kv = h if a.get("kv_heads") is None else a["kv_heads"]
    return projection_count(d, h * d, kv * d, bool(a.get("bias")), bool(a.get("output", True)))


NO_HEAD_SPLIT = Misconception(
    name="no_head_split",
    title="Per-head size not used",
    feedback="That uses d_model where the per-head size d_k = d_model / heads was meant.",
    wrong={
        "head_dim": direct(lambda a: a["d_model"]),
        "projection_params": direct(_no_split_params),
        "qkv_params_per_head": rerun(d_k=lambda a: a["d_model"]),
        "attention_flops": transform(lambda v, a: v * a["heads"]),
        "shape": only_if(
            lambda a: a["heads"] != 1 and not given(a, "d_k"),
            rerun(d_k=lambda a: a["d_model"], d_v=lambda a: a["d_model"]),
        ),
    },
)

FORGOT_OUTPUT_PROJECTION = Misconception(
    name="forgot_output_projection",
    title="W_O left out",
    feedback="That leaves out the output projection W_O (d_model x d_model) that mixes the "
    "concatenated heads.",
    wrong={
        "projection_params": only_if(lambda a: bool(a.get("output", True)), rerun(output=False))
    },
)

FORGOT_BIAS = Misconception(
    name="forgot_bias",
    title="Bias terms left out",
    feedback="That leaves out the bias vectors: each projection with a bias adds one parameter "
    "per output unit.",
    wrong=each(
        ("projection_params", "qkv_params_per_head"),
        only_if(lambda a: bool(a.get("bias")), rerun(bias=False)),
    ),
)

COUNTED_BIAS = Misconception(
    name="counted_bias",
    title="Bias counted when there is none",
    feedback="That counts bias terms, but these projections have none (bias=False).",
    wrong=each(
        ("projection_params", "qkv_params_per_head"),
        only_if(lambda a: not a.get("bias"), rerun(bias=True)),
    ),
)

KV_ONLY_ONE = Misconception(
    name="kv_only_one",
    title="Only K or only V cached",
    feedback="That counts only one of K and V: the cache stores both, hence the factor 2.",
    wrong=each(KV_CACHE, HALVED),
)

KV_IGNORES_GQA = Misconception(
    name="kv_ignores_gqa",
    title="Query heads used for the KV cache",
    feedback="That uses the number of query heads; with grouped-query attention only the "
    "key/value heads are cached.",
    wrong={
        "projection_params": only_if(gqa, rerun(kv_heads=None)),
        **each(KV_CACHE, only_if(gqa, rerun(kv_heads=lambda a: a["heads"]))),
        "shape": only_if(gqa, rerun(kv_heads=lambda a: a["heads"])),
    },
    needs=each(KV_CACHE, ("heads",)),
)

FLOPS_AS_MACS = Misconception(
    name="flops_as_macs",
    title="Multiply-adds counted once",
    feedback="That counts multiply-adds; each multiply-add is 2 FLOPs (one multiply, one add).",
    wrong=each(FLOPS, HALVED),
)

STD_FOR_VARIANCE = Misconception(
    name="std_for_variance",
    title="Standard deviation and variance swapped",
    feedback="That is the standard deviation where the variance was asked (or the reverse): "
    "for independent, zero-mean, unit-variance components Var(q.k) = d_k and its standard "
    "deviation is sqrt(d_k).",
    wrong={
        "qk_variance": direct(lambda a: qk_std(a["d_k"], bool(a.get("scaled")))),
        "qk_std": direct(lambda a: qk_variance(a["d_k"], bool(a.get("scaled")))),
        "mc_qk_variance": transform(lambda v, a: math.sqrt(v)),
    },
)

FORGOT_BATCH = Misconception(
    name="forgot_batch",
    title="Batch left out",
    feedback="That leaves out the batch: every sequence in the batch needs its own copy.",
    wrong={
        **each(
            (*FLOPS, "score_memory", "kv_cache", "kv_cache_windowed", "decode_bytes"),
            only_if(batched, rerun(batch=1)),
        ),
        "shape": only_if(lambda a: given(a, "batch"), rerun(batch=None)),
    },
)

FORGOT_LAYERS = Misconception(
    name="forgot_layers",
    title="One layer counted",
    feedback="That counts a single layer; every layer has its own attention and its own cache.",
    wrong=each(KV_CACHE, only_if(lambda a: a.get("layers") != 1, rerun(layers=1))),
)

COUNTING_MISCONCEPTIONS = (
    NO_HEAD_SPLIT,
    FORGOT_OUTPUT_PROJECTION,
    FORGOT_BIAS,
    COUNTED_BIAS,
    KV_ONLY_ONE,
    KV_IGNORES_GQA,
    FLOPS_AS_MACS,
    STD_FOR_VARIANCE,
    FORGOT_BATCH,
    FORGOT_LAYERS,
)
