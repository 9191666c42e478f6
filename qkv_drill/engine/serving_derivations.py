"""Derivations of the serving and training quantities: each `derive_<name>` takes the arguments
of `serving.<name>` and returns a Trace whose last step's value is what `<name>` returns."""

from __future__ import annotations

from collections.abc import Callable

from qkv_drill.engine import serving as S
from qkv_drill.engine.quantities import kv_cache_per_token
from qkv_drill.engine.trace import Trace, human_bytes, num


def _attention_step(tr: Trace, layers: int, d_model: int, context: int, what: str) -> int:
    term = S.attention_term(layers, d_model, context)
    tr.add(
        "attention",
        f"{what}: 2 matmuls (Q K^T, weights V) x 2 x layers {num(layers)} x {num(context)} keys "
        f"x d_model {num(d_model)} = {num(term)}",
        term,
        note="both matmuls; counting only Q K^T halves this",
    )
    return term


def derive_kv_cache_windowed(
    layers: int, kv_heads: int, head_dim: int, seq: int, window: int, batch: int = 1, bytes: int = 2
) -> Trace:
    tr = Trace()
    per = kv_cache_per_token(layers, kv_heads, head_dim, bytes)
    tr.add(
        "per token",
        f"2 (K and V) x {num(layers)} x {num(kv_heads)} x {num(head_dim)} x {num(bytes)} bytes "
        f"= {num(per)}",
        per,
    )
    kept = min(seq, window)
    tr.add("tokens kept", f"min(seq {num(seq)}, window {num(window)}) = {num(kept)}", kept)
    total = S.kv_cache_windowed(layers, kv_heads, head_dim, seq, window, batch, bytes)
    tr.add(
        "total",
        f"{num(per)} x {num(kept)} x batch {num(batch)} = {num(total)} bytes",
        total,
        note=human_bytes(total),
    )
    return tr


def derive_prefill_flops(params: int, layers: int, d_model: int, seq: int) -> Trace:
    tr = Trace()
    w = 2 * params * seq
    tr.add("weights", f"2 x N {num(params)} x {num(seq)} tokens = {num(w)}", w)
    att = _attention_step(tr, layers, d_model, seq, "per token")
    total = S.prefill_flops(params, layers, d_model, seq)
    tr.add("total", f"{num(w)} + {num(att)} x {num(seq)} tokens = {num(total)}", total)
    return tr


def derive_decode_flops(params: int, layers: int, d_model: int, context: int) -> Trace:
    tr = Trace()
    w = 2 * params
    tr.add("weights", f"2 x N = 2 x {num(params)} = {num(w)}", w, note="one multiply-add/weight")
    att = _attention_step(tr, layers, d_model, context, "one query")
    total = S.decode_flops(params, layers, d_model, context)
    tr.add("total", f"{num(w)} + {num(att)} = {num(total)}", total)
    return tr


def _bytes_steps(
    tr: Trace,
    params: int,
    layers: int,
    kv_heads: int,
    head_dim: int,
    context: int,
    batch: int,
    bytes: int,
) -> int:
    w = params * bytes
    tr.add("weights", f"N {num(params)} x {num(bytes)} bytes = {num(w)}", w, note=human_bytes(w))
    cache = kv_cache_per_token(layers, kv_heads, head_dim, bytes) * context * batch
    tr.add(
        "cache",
        f"2 x {num(layers)} x {num(kv_heads)} x {num(head_dim)} x {num(bytes)} x {num(context)} "
        f"tokens x batch {num(batch)} = {num(cache)}",
        cache,
        note=human_bytes(cache),
    )
    total = S.decode_bytes(params, layers, kv_heads, head_dim, context, batch, bytes)
    tr.add("bytes read", f"{num(w)} + {num(cache)} = {num(total)}", total, note=human_bytes(total))
    return total


def derive_decode_bytes(
    params: int,
    layers: int,
    kv_heads: int,
    head_dim: int,
    context: int,
    batch: int = 1,
    bytes: int = 2,
) -> Trace:
    tr = Trace()
    _bytes_steps(tr, params, layers, kv_heads, head_dim, context, batch, bytes)
    return tr


def derive_decode_intensity(
    params: int,
    layers: int,
    d_model: int,
    kv_heads: int,
    head_dim: int,
    context: int,
    batch: int = 1,
    bytes: int = 2,
) -> Trace:
    tr = Trace()
    flops = S.decode_flops(params, layers, d_model, context) * batch
    tr.add(
        "FLOPs",
        f"(2 N + attention) x batch {num(batch)} = {num(flops)}",
        flops,
    )
    moved = _bytes_steps(tr, params, layers, kv_heads, head_dim, context, batch, bytes)
    value = S.decode_intensity(params, layers, d_model, kv_heads, head_dim, context, batch, bytes)
    tr.add(
        "intensity",
        f"{num(flops)} / {num(moved)} = {num(value)} FLOPs per byte",
        value,
        note="far below what a GPU needs to be compute-bound: decoding is memory-bound",
    )
    return tr


def derive_flash_extra_memory(seq: int, heads: int = 1, batch: int = 1, bytes: int = 4) -> Trace:
    tr = Trace()
    naive = batch * heads * seq * seq * bytes
    tr.add(
        "naive scores",
        f"batch x heads x {num(seq)} x {num(seq)} x {num(bytes)} = {num(naive)} bytes",
        naive,
        note=human_bytes(naive),
    )
    total = S.flash_extra_memory(seq, heads, batch, bytes)
    tr.add(
        "flash",
        f"one logsumexp per row: {num(batch)} x {num(heads)} x {num(seq)} x {num(bytes)} "
        f"= {num(total)} bytes",
        total,
        note="O(T): the T x T scores are never written out",
    )
    return tr


def derive_training_flops(params: int, tokens: int, layers: int, d_model: int, seq: int) -> Trace:
    tr = Trace()
    six = 6 * params
    tr.add("weights", f"6 N = 6 x {num(params)} = {num(six)} per token", six,
           note="forward 2 N, backward 4 N")  # fmt: skip
    att = _attention_step(tr, layers, d_model, seq, "forward, per token")
    total = S.training_flops(params, tokens, layers, d_model, seq)
    tr.add(
        "total",
        f"({num(six)} + 3 x {num(att)}) x {num(tokens)} tokens = {num(total)}",
        total,
    )
    return tr


def derive_gqa_cache_ratio(heads: int, kv_heads: int) -> Trace:
    tr = Trace()
    tr.add("group", f"{num(heads)} query heads share {num(kv_heads)} K/V heads", kv_heads)
    r = S.gqa_cache_ratio(heads, kv_heads)
    tr.add("ratio", f"cache(MHA) / cache(GQA) = {num(heads)} / {num(kv_heads)} = {num(r)}", r)
    return tr


SERVING_DERIVATIONS: dict[str, Callable[..., Trace]] = {
    name[len("derive_") :]: func
    for name, func in list(globals().items())
    if name.startswith("derive_") and callable(func)
}
