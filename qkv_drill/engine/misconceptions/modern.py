"""Mistakes in attention as it is asked today: bytes, FLOPs of decoding and training, RoPE, GQA,
aligned causal masks, sliding windows, padding; and the two generic slips, a transposed matrix
and a permuted shape."""

from __future__ import annotations

import numpy as np

from qkv_drill.engine import serving as S
from qkv_drill.engine.arrays import FloatArray
from qkv_drill.engine.misconceptions.core import (
    HALVED,
    MATRIX_COMPUTATIONS,
    Args,
    Misconception,
    Right,
    direct,
    each,
    only_if,
    rerun,
    transform,
)
from qkv_drill.engine.mistaken import AttentionMistake
from qkv_drill.engine.reference import attention

BYTES = (
    "kv_cache_per_token",
    "kv_cache",
    "kv_cache_windowed",
    "score_memory",
    "decode_bytes",
    "flash_extra_memory",
)


def _half_attention(a: Args) -> int:
    context = a["context"] if "context" in a else a["seq"]
    return S.attention_term(a["layers"], a["d_model"], context) // 2


ELEMENTS_NOT_BYTES = Misconception(
    name="elements_not_bytes",
    title="Elements counted, not bytes",
    feedback="That counts elements; memory is elements times the bytes per element (2 for "
    "fp16/bf16, 4 for fp32).",
    wrong=each(BYTES, only_if(lambda a: a.get("bytes", 1) != 1, rerun(bytes=1))),
)

ONE_ATTENTION_MATMUL = Misconception(
    name="one_attention_matmul",
    title="One attention matmul counted",
    feedback="That counts only Q K^T; attention has two matmuls of the same size, Q K^T and "
    "weights V, so the attention term is twice that.",
    wrong={
        "attention_flops": HALVED,
        "decode_flops": transform(lambda v, a: v - _half_attention(a)),
        "prefill_flops": transform(lambda v, a: v - _half_attention(a) * a["seq"]),
        "training_flops": transform(lambda v, a: v - 3 * _half_attention(a) * a["tokens"]),
    },
)

ROPE_ON_VALUES = Misconception(
    name="rope_on_values",
    title="RoPE applied to V",
    feedback="That rotates the values too; RoPE rotates only queries and keys, so that their dot "
    "product depends on the relative position. The values carry content, not position.",
    attention=AttentionMistake(rope_on_values=True),
)


def _other_style(a: Args) -> str:
    return "interleaved" if a.get("style", "half") == "half" else "half"


ROPE_WRONG_PAIRING = Misconception(
    name="rope_wrong_pairing",
    title="RoPE pairs of the wrong layout",
    feedback="That pairs the features the other way: the half layout (GPT-NeoX, Llama) rotates "
    "x_i with x_{i+d/2}, the interleaved one (RoFormer, GPT-J) x_2i with x_2i+1. A model "
    "trained with one gives wrong scores with the other.",
    attention=AttentionMistake(rope_style_swapped=True),
    wrong={"rope": only_if(lambda a: np.shape(a["x"])[-1] > 2, rerun(style=_other_style))},
)

KV_HEADS_TILED = Misconception(
    name="kv_heads_tiled",
    title="K/V heads tiled, not grouped",
    feedback="That tiles the key/value heads (repeat: head j gets kv head j % kv_heads); GQA "
    "groups consecutive query heads (repeat_interleave): query head j reads kv head "
    "j // (heads / kv_heads).",
    wrong={
        "kv_head": only_if(
            lambda a: a["kv_heads"] not in (1, a["heads"]),
            direct(lambda a: float(a["query_head"] % a["kv_heads"])),
        )
    },
)


def _aligned_bottom_right(a: Args) -> bool:
    return a.get("align") == "bottom_right" and a["tq"] != a["tk"]


CAUSAL_TOP_LEFT = Misconception(
    name="causal_top_left",
    title="Causal mask aligned top-left",
    feedback="That aligns the causal mask top-left (query i sees keys up to i); with a cache "
    "(decoding, chunked prefill) the queries are the last tokens, so the mask is aligned "
    "bottom-right and the last query sees every key.",
    attention=AttentionMistake(causal_align_swapped=True),
    wrong=each(
        ("aligned_causal_mask", "sliding_window_mask"),
        only_if(_aligned_bottom_right, rerun(align="top_left")),
    ),
)

WINDOW_OFF_BY_ONE = Misconception(
    name="window_off_by_one",
    title="Sliding window off by one",
    feedback="That lets each query see window + 1 keys; in this question's convention the window "
    "counts the query itself: itself and the window - 1 keys before it. Mistral's paper counts "
    "positions i - W to i, W + 1 of them, so always check which convention is stated.",
    attention=AttentionMistake(window_off_by_one=True),
    wrong={
        "sliding_window_mask": rerun(window=lambda a: a["window"] + 1),
        "kv_cache_windowed": only_if(
            lambda a: a["seq"] > a["window"], rerun(window=lambda a: a["window"] + 1)
        ),
    },
)

PADDING_ON_QUERIES = Misconception(
    name="padding_on_queries",
    title="Padding masked on queries, not keys",
    feedback="That masks the padded rows (queries); the padding mask hides the padded keys "
    "(columns), so no real token attends to padding. Padded rows are ignored downstream.",
    attention=AttentionMistake(padding_on_queries=True),
)


def _cache_only(a: Args) -> FloatArray:
    q = np.asarray(a["q"], dtype=float).reshape(1, -1)  # (1, dk)
    out, _ = attention(q, np.asarray(a["K_cache"], float), np.asarray(a["V_cache"], float))
    row: FloatArray = out[0]  # (dv,) the one query's output
    return row


DECODE_WITHOUT_NEW_TOKEN = Misconception(
    name="decode_without_new_token",
    title="New token not attended to",
    feedback="That attends over the old cache only: the new token's key and value are appended "
    "to the cache first, so the new query also attends to itself.",
    wrong={"decode_output": only_if(lambda a: np.size(a["K_cache"]) > 0, direct(_cache_only))},
)


def _transposed(v: FloatArray, a: Args) -> FloatArray | None:
    v = np.asarray(v)
    if v.ndim != 2 or (v.shape[0] == v.shape[1] and np.allclose(v, v.T)):
        return None  # a vector, or symmetric: the transpose is the same answer
    return v.T


def _maybe_transposed(a: Args, right: Right) -> FloatArray | None:
    v = right(a)
    return None if v is None else _transposed(np.asarray(v), a)


TRANSPOSED_MATRIX = Misconception(
    name="transposed_matrix",
    title="Matrix transposed",
    feedback="That is the transpose of the answer: rows and columns swapped. Check which axis "
    "is which (queries are rows, keys are columns).",
    wrong=each(MATRIX_COMPUTATIONS, _maybe_transposed),
)


def _permuted(shape: tuple[int, ...], a: Args) -> tuple[int, ...]:
    """Heads shapes with heads and sequence swapped (the transpose(1, 2) forgotten); any other
    shape with its last two axes swapped."""
    s = list(shape)
    if str(a.get("which", "")).endswith("_heads") and len(s) >= 3:
        s[-3], s[-2] = s[-2], s[-3]
    elif len(s) >= 2:
        s[-2], s[-1] = s[-1], s[-2]
    return tuple(s)


def _maybe_permuted(a: Args, right: Right) -> tuple[int, ...] | None:
    v = right(a)
    if not isinstance(v, tuple):
        return None
    wrong = _permuted(v, a)
    return None if wrong == v else wrong


PERMUTED_SHAPE = Misconception(
    name="permuted_shape",
    title="Axes in the wrong order",
    feedback="Those are the right sizes in the wrong order: per-head tensors are (batch, heads, "
    "seq, head_dim) after the transpose(1, 2); weights are (in, out) as X W.",
    wrong={"shape": lambda a, right: _maybe_permuted(a, right)},
)

MODERN_MISCONCEPTIONS = (
    ELEMENTS_NOT_BYTES,
    ONE_ATTENTION_MATMUL,
    ROPE_ON_VALUES,
    ROPE_WRONG_PAIRING,
    KV_HEADS_TILED,
    CAUSAL_TOP_LEFT,
    WINDOW_OFF_BY_ONE,
    PADDING_ON_QUERIES,
    DECODE_WITHOUT_NEW_TOKEN,
    TRANSPOSED_MATRIX,
    PERMUTED_SHAPE,
)
