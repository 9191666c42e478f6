"""Derivations of the quantities in `engine.quantities`, shown beside an answer.

Each `derive_<name>` takes the arguments of `quantities.<name>` and returns a Trace whose formulas
show the substituted numbers; its last step's value is what `<name>` returns for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from qkv_drill.engine import quantities as Q
from qkv_drill.engine.trace import Trace, human_bytes, num


def derive_head_dim(d_model: int, heads: int) -> Trace:
    tr = Trace()
    hd = Q.head_dim(d_model, heads)
    tr.add(
        "head size",
        f"head_dim = d_model / heads = {num(d_model)} / {num(heads)} = {num(hd)}",
        hd,
        note="the heads share the model width",
    )
    return tr


def derive_scale_factor(d_k: int) -> Trace:
    tr = Trace()
    root = math.sqrt(d_k)
    tr.add("sqrt(d_k)", f"sqrt(d_k) = sqrt({num(d_k)}) = {num(root)}", root)
    s = Q.scale_factor(d_k)
    tr.add("scale", f"scale = 1 / sqrt(d_k) = 1 / {num(root)} = {num(s)}", s)
    return tr


def _variance_steps(tr: Trace, d_k: int, scaled: bool) -> float:
    tr.add(
        "Var(q_i k_i)",
        "Var(q_i k_i) = Var(q_i) Var(k_i) = 1 x 1 = 1",
        1.0,
        note="independent components with mean 0 and variance 1",
    )
    tr.add(
        "Var(q.k)",
        f"Var(q.k) = sum of d_k such terms = {num(d_k)}",
        float(d_k),
        note="variances of independent terms add",
    )
    if scaled:
        tr.add(
            "Var(q.k / sqrt(d_k))",
            f"Var(q.k / sqrt(d_k)) = {num(d_k)} / (sqrt({num(d_k)}))^2 = 1",
            1.0,
            note="dividing by c divides the variance by c^2",
        )
    return Q.qk_variance(d_k, scaled)


def derive_qk_variance(d_k: int, scaled: bool = False) -> Trace:
    tr = Trace()
    var = _variance_steps(tr, d_k, scaled)
    tr.add("variance", f"variance = {num(var)}", var)
    return tr


def derive_qk_std(d_k: int, scaled: bool = False) -> Trace:
    tr = Trace()
    var = _variance_steps(tr, d_k, scaled)
    std = Q.qk_std(d_k, scaled)
    tr.add("std", f"std = sqrt(variance) = sqrt({num(var)}) = {num(std)}", std)
    return tr


def derive_mc_qk_variance(
    d_k: int,
    scaled: bool = False,
    samples: int = 20000,
    seed: int = 0,
    estimate: float | None = None,
) -> Trace:
    """`estimate`, when given, is this same call's result already computed (it is cached)."""
    tr = Trace()
    what = "q.k / sqrt(d_k)" if scaled else "q.k"
    tr.add(
        "sampling",
        f"draw {num(samples)} pairs q, k of {num(d_k)} standard-normal components; "
        f"compute {what} for each",
        samples,
        note=f"seeded ({seed}), so the estimate is reproducible",
    )
    exact = Q.qk_variance(d_k, scaled)
    tr.add("analytic", f"analytic Var({what}) = {num(exact)}", exact, note="what it should be near")
    if estimate is None:
        estimate = Q.mc_qk_variance(d_k, scaled, samples, seed)
    tr.add("estimate", f"sample variance of the {num(samples)} values = {num(estimate)}", estimate)
    return tr


def derive_projection_params(
    d_model: int,
    heads: int,
    kv_heads: int | None = None,
    bias: bool = False,
    output: bool = True,
) -> Trace:
    tr = Trace()
    hs = Q.head_dim(d_model, heads)
    kvh = heads if kv_heads is None else kv_heads
    tr.add("head size", f"head_dim = {num(d_model)} / {num(heads)} = {num(hs)}", hs)
    q_out, kv_out = heads * hs, kvh * hs
    wq = d_model * q_out
    tr.add(
        "query weights",
        f"W_Q: d_model x heads*head_dim = {num(d_model)} x {num(q_out)} = {num(wq)}",
        wq,
    )
    wk = d_model * kv_out
    note = f"grouped-query: {kvh} key/value heads" if kvh != heads else ""
    tr.add(
        "key and value weights",
        f"W_K + W_V: 2 x {num(d_model)} x {num(kv_heads or heads)}*{num(hs)} = {num(2 * wk)}",
        2 * wk,
        note=note,
    )
    parts = [wq, 2 * wk]
    if bias:
        b = q_out + 2 * kv_out
        tr.add("biases", f"b_Q + b_K + b_V = {num(q_out)} + 2 x {num(kv_out)} = {num(b)}", b)
        parts.append(b)
    if output:
        wo = q_out * d_model + (d_model if bias else 0)
        extra = f" + {num(d_model)} bias" if bias else ""
        tr.add("output weights", f"W_O: {num(q_out)} x {num(d_model)}{extra} = {num(wo)}", wo)
        parts.append(wo)
    total = Q.projection_params(d_model, heads, kv_heads, bias, output)
    tr.add("total", "total = " + " + ".join(num(p) for p in parts) + f" = {num(total)}", total)
    return tr


def derive_qkv_params_per_head(d_model: int, d_k: int, bias: bool = False) -> Trace:
    tr = Trace()
    one = d_model * d_k
    tr.add("one matrix", f"W: d_model x d_k = {num(d_model)} x {num(d_k)} = {num(one)}", one)
    if bias:
        one += d_k
        tr.add("with bias", f"W + b = {num(d_model * d_k)} + {num(d_k)} = {num(one)}", one)
    total = Q.qkv_params_per_head(d_model, d_k, bias)
    tr.add("total", f"3 (W_Q, W_K, W_V) x {num(one)} = {num(total)}", total)
    return tr


def _flops_step(
    tr: Trace,
    seq: int,
    d_k: int,
    seq_kv: int | None,
    heads: int,
    batch: int,
    func: Callable[[int, int, int | None, int, int], int],
) -> int:
    skv = seq if seq_kv is None else seq_kv
    total = func(seq, d_k, seq_kv, heads, batch)
    tr.add(
        "FLOPs",
        f"2 (multiply-add) x batch {num(batch)} x heads {num(heads)} x {num(seq)} x {num(skv)} "
        f"x {num(d_k)} = {num(total)}",
        total,
    )
    return total


def derive_qk_flops(
    seq: int, d_k: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1
) -> Trace:
    """Q K^T has seq x seq_kv entries, each a dot product over d_k."""
    tr = Trace()
    skv = seq if seq_kv is None else seq_kv
    tr.add(
        "entries",
        f"Q K^T: seq x seq_kv = {num(seq)} x {num(skv)} = {num(seq * skv)} entries, "
        f"each a length-{num(d_k)} dot product",
        seq * skv,
    )
    _flops_step(tr, seq, d_k, seq_kv, heads, batch, Q.qk_flops)
    return tr


def derive_av_flops(
    seq: int, d_k: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1
) -> Trace:
    """weights V has seq x d_v entries (d_k here is d_v), each a dot product over the seq_kv
    keys: as many multiply-adds as Q K^T, counted the other way round."""
    tr = Trace()
    skv = seq if seq_kv is None else seq_kv
    tr.add(
        "entries",
        f"weights V: seq x d_v = {num(seq)} x {num(d_k)} = {num(seq * d_k)} entries, "
        f"each a length-{num(skv)} dot product",
        seq * d_k,
    )
    _flops_step(tr, seq, d_k, seq_kv, heads, batch, Q.av_flops)
    return tr


def derive_attention_flops(
    seq: int, d_model: int, heads: int, seq_kv: int | None = None, batch: int = 1
) -> Trace:
    tr = Trace()
    hs = Q.head_dim(d_model, heads)
    skv = seq if seq_kv is None else seq_kv
    tr.add("head size", f"head_dim = {num(d_model)} / {num(heads)} = {num(hs)}", hs)
    dims = f"2 x {num(batch)} x {num(heads)} x {num(seq)} x {num(skv)} x {num(hs)}"
    qk = Q.qk_flops(seq, hs, seq_kv, heads, batch)
    tr.add("Q K^T", f"Q K^T: {dims} = {num(qk)}", qk)
    av = Q.av_flops(seq, hs, seq_kv, heads, batch)
    tr.add("weights V", f"weights V: {dims} = {num(av)}", av)
    total = Q.attention_flops(seq, d_model, heads, seq_kv, batch)
    tr.add(
        "total",
        f"total = {num(qk)} + {num(av)} = {num(total)}",
        total,
        note="= 4 x batch x seq x seq_kv x d_model: the head count cancels",
    )
    return tr


def derive_score_memory(
    seq: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1, bytes: int = 4
) -> Trace:
    tr = Trace()
    skv = seq if seq_kv is None else seq_kv
    n = batch * heads * seq * skv
    tr.add(
        "elements",
        f"batch x heads x seq x seq_kv = {num(batch)} x {num(heads)} x {num(seq)} x {num(skv)} "
        f"= {num(n)}",
        n,
    )
    total = Q.score_memory(seq, seq_kv, heads, batch, bytes)
    tr.add(
        "memory",
        f"{num(n)} x {num(bytes)} bytes = {num(total)} bytes",
        total,
        note=human_bytes(total),
    )
    return tr


def _kv_per_token_step(tr: Trace, layers: int, kv_heads: int, head_dim: int, bytes: int) -> int:
    per = Q.kv_cache_per_token(layers, kv_heads, head_dim, bytes)
    tr.add(
        "per token",
        f"2 (K and V) x layers {num(layers)} x kv_heads {num(kv_heads)} x head_dim {num(head_dim)} "
        f"x {num(bytes)} bytes = {num(per)} bytes per token",
        per,
        note=human_bytes(per),
    )
    return per


def derive_kv_cache_per_token(layers: int, kv_heads: int, head_dim: int, bytes: int = 2) -> Trace:
    tr = Trace()
    _kv_per_token_step(tr, layers, kv_heads, head_dim, bytes)
    return tr


def derive_kv_cache(
    layers: int,
    kv_heads: int,
    head_dim: int,
    seq: int,
    batch: int = 1,
    bytes: int = 2,
) -> Trace:
    tr = Trace()
    per = _kv_per_token_step(tr, layers, kv_heads, head_dim, bytes)
    total = Q.kv_cache(layers, kv_heads, head_dim, seq, batch, bytes)
    tr.add(
        "total",
        f"{num(per)} x seq {num(seq)} x batch {num(batch)} = {num(total)} bytes",
        total,
        note=human_bytes(total),
    )
    return tr


def derive_max_weight(d_k: int, gap: float, scaled: bool = False) -> Trace:
    tr = Trace()
    if scaled:
        diff = gap
        tr.add(
            "difference",
            f"scaled difference = gap x sqrt(d_k) / sqrt(d_k) = {num(gap)}",
            diff,
            note="scaling undoes the growth with d_k",
        )
    else:
        diff = gap * math.sqrt(d_k)
        tr.add(
            "difference",
            f"difference = gap x sqrt(d_k) = {num(gap)} x sqrt({num(d_k)}) = {num(diff)}",
            diff,
        )
    w = Q.max_weight(d_k, gap, scaled)
    tr.add(
        "max weight",
        f"softmax of two scores = 1 / (1 + exp(-{num(diff)})) = {num(w)}",
        w,
        note="near 1 means saturated: gradients through the softmax vanish",
    )
    return tr


DERIVATIONS: dict[str, Callable[..., Trace]] = {
    name[len("derive_") :]: func
    for name, func in list(globals().items())
    if name.startswith("derive_") and callable(func)
}
"""Computation name -> its derivation builder (same arguments as the quantity function)."""
