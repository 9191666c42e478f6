"""Symbolic shapes of every array in an attention layer, without building any array.

Shape questions ask for these names; a test checks them against the real engine arrays.

Conventions (consistent with `multi_head_attention`):
    x              (B?, seq, d_model)
    w_q            (d_model, heads*d_k);  w_k (d_model, kv_heads*d_k);  w_v (d_model, kv_heads*d_v)
    w_o            (heads*d_v, d_model)
    q              (B?, seq, heads*d_k)      the full projection, before the split into heads
    k, v           (B?, seq_kv, kv_heads*d_k), (B?, seq_kv, kv_heads*d_v)
    q_heads        (B?, heads, seq, d_k)
    k_heads        (B?, kv_heads, seq_kv, d_k)   as cached: before the grouped-query repeat
    v_heads        (B?, kv_heads, seq_kv, d_v)
    scores/weights (B?, heads, seq, seq_kv) when heads > 1, else (B?, seq, seq_kv)
    merged         (B?, seq, heads*d_v)       heads concatenated, before W_O
    output         (B?, seq, d_model) after W_O when heads > 1; (B?, seq, d_v) for one head
    kv_cache_layer (2, B?, kv_heads, seq_kv, d_k)  K and V of one layer stacked (d_v = d_k)
B? is present only when `batch` is given. d_k defaults to d_model / heads, d_v to d_k.
"""

from __future__ import annotations

from typing import TypedDict, Unpack

SHAPE_NAMES: tuple[str, ...] = (
    "x",
    "w_q",
    "w_k",
    "w_v",
    "w_o",
    "q",
    "k",
    "v",
    "scores",
    "weights",
    "output",
    "q_heads",
    "k_heads",
    "v_heads",
    "merged",
    "kv_cache_layer",
)


class ShapeOptions(TypedDict, total=False):
    """The optional arguments of `attention_shapes`, for the functions that pass them on."""

    batch: int | None
    seq_kv: int | None
    kv_heads: int | None
    d_k: int | None
    d_v: int | None


def attention_shapes(
    seq: int,
    d_model: int,
    heads: int,
    batch: int | None = None,
    seq_kv: int | None = None,
    kv_heads: int | None = None,
    d_k: int | None = None,
    d_v: int | None = None,
) -> dict[str, tuple[int, ...]]:
    """Every named shape of one attention layer (see the module docstring for the conventions)."""
    if d_k is None:
        if heads <= 0 or d_model % heads:
            raise ValueError(f"d_model={d_model} is not divisible by heads={heads}")
        d_k = d_model // heads
    d_v = d_k if d_v is None else d_v
    seq_kv = seq if seq_kv is None else seq_kv
    kv_heads = heads if kv_heads is None else kv_heads
    if kv_heads <= 0 or heads % kv_heads:
        raise ValueError(f"heads={heads} must be a multiple of kv_heads={kv_heads}")
    b: tuple[int, ...] = () if batch is None else (batch,)
    h: tuple[int, ...] = (heads,) if heads > 1 else ()
    return {
        "x": (*b, seq, d_model),
        "w_q": (d_model, heads * d_k),
        "w_k": (d_model, kv_heads * d_k),
        "w_v": (d_model, kv_heads * d_v),
        "w_o": (heads * d_v, d_model),
        "q": (*b, seq, heads * d_k),
        "k": (*b, seq_kv, kv_heads * d_k),
        "v": (*b, seq_kv, kv_heads * d_v),
        "scores": (*b, *h, seq, seq_kv),
        "weights": (*b, *h, seq, seq_kv),
        "output": (*b, seq, d_model if heads > 1 else d_v),
        "q_heads": (*b, heads, seq, d_k),
        "k_heads": (*b, kv_heads, seq_kv, d_k),
        "v_heads": (*b, kv_heads, seq_kv, d_v),
        "merged": (*b, seq, heads * d_v),
        "kv_cache_layer": (2, *b, kv_heads, seq_kv, d_k),
    }


def attention_shape(
    which: str, seq: int, d_model: int, heads: int, **options: Unpack[ShapeOptions]
) -> tuple[int, ...]:
    """One named shape: the `shape` computation of the pack format."""
    if which not in SHAPE_NAMES:
        raise KeyError(f"unknown shape {which!r}; one of {', '.join(SHAPE_NAMES)}")
    return attention_shapes(seq, d_model, heads, **options)[which]
