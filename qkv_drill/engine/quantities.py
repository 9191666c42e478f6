"""Sizes, parameter counts, FLOPs, memory and variances: plain functions of ints and floats.

Conventions: FLOPs count a multiply-add as 2; `bytes` is bytes per element; weights follow the
article, W_Q is (d_model, heads*d_k).

The wrong values named mistakes give live with the mistakes, in `engine.misconceptions`.

Shape legend (the Monte Carlo estimate): N samples, dk components per vector.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

MC_CHUNK_ELEMENTS = 1 << 20
"""Random numbers per array per chunk in `mc_qk_variance` (8 MB of float64)."""


def head_dim(d_model: int, heads: int) -> int:
    """d_k = d_model / heads: the heads split the model width, they do not each get all of it."""
    if heads <= 0 or d_model % heads:
        raise ValueError(f"d_model={d_model} is not divisible by heads={heads}")
    return d_model // heads


def scale_factor(d_k: int) -> float:
    """1/sqrt(d_k): brings Var(q.k) back from d_k to 1."""
    return 1.0 / math.sqrt(d_k)


def projection_params(
    d_model: int,
    heads: int,
    kv_heads: int | None = None,
    bias: bool = False,
    output: bool = True,
) -> int:
    """Parameters of W_Q, W_K, W_V (and W_O when `output`) for one attention layer.

    W_Q is (d_model, heads*hs); W_K, W_V are (d_model, kv_heads*hs) (grouped-query when kv_heads <
    heads); W_O is (heads*hs, d_model); with `bias`, each has one bias per output column.
    """
    hs = head_dim(d_model, heads)
    kv_heads = heads if kv_heads is None else kv_heads
    return projection_count(d_model, heads * hs, kv_heads * hs, bias, output)


def projection_count(d_model: int, q_out: int, kv_out: int, bias: bool, output: bool) -> int:
    """W_Q (C, q_out), W_K and W_V (C, kv_out), W_O (q_out, C), plus biases when asked."""
    n = d_model * q_out + 2 * d_model * kv_out
    if bias:
        n += q_out + 2 * kv_out
    if output:
        n += q_out * d_model + (d_model if bias else 0)
    return n


def qkv_params_per_head(d_model: int, d_k: int, bias: bool = False) -> int:
    """One head's W_Q, W_K, W_V: three (d_model, d_k) matrices (plus three d_k biases)."""
    return 3 * (d_model * d_k + (d_k if bias else 0))


def qk_flops(seq: int, d_k: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1) -> int:
    """Q K^T: seq x seq_kv dot products of length d_k, per head and batch element."""
    seq_kv = seq if seq_kv is None else seq_kv
    return 2 * batch * heads * seq * seq_kv * d_k


def av_flops(seq: int, d_k: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1) -> int:
    """weights V: (seq, seq_kv) @ (seq_kv, d_k), per head and batch element (d_k here is d_v)."""
    seq_kv = seq if seq_kv is None else seq_kv
    return 2 * batch * heads * seq * seq_kv * d_k


def attention_flops(
    seq: int, d_model: int, heads: int, seq_kv: int | None = None, batch: int = 1
) -> int:
    """Q K^T plus weights V over all heads (projections excluded): 4 * batch * seq * seq_kv * C."""
    d_k = head_dim(d_model, heads)
    return qk_flops(seq, d_k, seq_kv, heads, batch) + av_flops(seq, d_k, seq_kv, heads, batch)


def score_memory(
    seq: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1, bytes: int = 4
) -> int:
    """Bytes of the (batch, heads, seq, seq_kv) score matrix: the quadratic cost of attention."""
    seq_kv = seq if seq_kv is None else seq_kv
    return batch * heads * seq * seq_kv * bytes


def kv_cache_per_token(layers: int, kv_heads: int, head_dim: int, bytes: int = 2) -> int:
    """Bytes cached per generated token: K and V (2), per layer, per key/value head."""
    return 2 * layers * kv_heads * head_dim * bytes


def kv_cache(
    layers: int,
    kv_heads: int,
    head_dim: int,
    seq: int,
    batch: int = 1,
    bytes: int = 2,
) -> int:
    """Bytes of the KV cache for `batch` sequences of `seq` tokens."""
    return kv_cache_per_token(layers, kv_heads, head_dim, bytes) * seq * batch


def qk_variance(d_k: int, scaled: bool = False) -> float:
    """Var(q.k) for independent unit-variance components: d_k, or 1 after dividing by sqrt(d_k)."""
    return 1.0 if scaled else float(d_k)


def qk_std(d_k: int, scaled: bool = False) -> float:
    """Standard deviation of q.k: sqrt(d_k), or 1 when scaled."""
    return math.sqrt(qk_variance(d_k, scaled))


def mc_qk_variance(d_k: int, scaled: bool = False, samples: int = 20000, seed: int = 0) -> float:
    """Monte Carlo estimate of Var(q.k) with standard-normal q, k; seeded, so reproducible.

    Drawn in chunks of at most ~1M numbers, so a large d_k times many samples stays small in memory.
    """
    rng = np.random.default_rng(seed)
    dots = np.empty(samples)  # (N,) one dot product per sample
    chunk = max(1, MC_CHUNK_ELEMENTS // d_k)
    for i0 in range(0, samples, chunk):
        n = min(chunk, samples - i0)
        q = rng.standard_normal((n, d_k))  # (n, dk)
        k = rng.standard_normal((n, d_k))  # (n, dk)
        dots[i0 : i0 + n] = np.einsum("nd,nd->n", q, k)  # (n,) row-wise dot products
    if scaled:
        dots /= math.sqrt(d_k)
    return float(dots.var())


def max_weight(d_k: int, gap: float, scaled: bool = False) -> float:
    """Largest softmax weight of two scores whose unscaled difference is gap*sqrt(d_k).

    Unscaled that is sigmoid(gap*sqrt(d_k)), which saturates towards 1 as d_k grows; scaled, the
    difference is back to `gap`.
    """
    diff = gap if scaled else gap * math.sqrt(d_k)
    return 1.0 / (1.0 + math.exp(-diff))


# Derivations ------------------------------------------------------------------------------------
# Each `derive_<name>` takes the arguments of `<name>` and returns a Trace whose formulas show the
# substituted numbers; its last step's value is what `<name>` returns for them.


def _trace():
    from qkv_drill.engine.trace import Trace  # the trace module imports shapes, as we do

    return Trace()


def _n(x) -> str:
    from qkv_drill.engine.trace import num

    return num(x)


def _size(n) -> str:
    from qkv_drill.engine.trace import human_bytes

    return human_bytes(n)


def derive_head_dim(d_model: int, heads: int):
    tr = _trace()
    hd = head_dim(d_model, heads)
    tr.add(
        "head size",
        f"head_dim = d_model / heads = {_n(d_model)} / {_n(heads)} = {_n(hd)}",
        hd,
        note="the heads share the model width",
    )
    return tr


def derive_scale_factor(d_k: int):
    tr = _trace()
    root = math.sqrt(d_k)
    tr.add("sqrt(d_k)", f"sqrt(d_k) = sqrt({_n(d_k)}) = {_n(root)}", root)
    s = scale_factor(d_k)
    tr.add("scale", f"scale = 1 / sqrt(d_k) = 1 / {_n(root)} = {_n(s)}", s)
    return tr


def _variance_steps(tr, d_k: int, scaled: bool) -> float:
    tr.add(
        "Var(q_i k_i)",
        "Var(q_i k_i) = Var(q_i) Var(k_i) = 1 x 1 = 1",
        1.0,
        note="independent components with mean 0 and variance 1",
    )
    tr.add(
        "Var(q.k)",
        f"Var(q.k) = sum of d_k such terms = {_n(d_k)}",
        float(d_k),
        note="variances of independent terms add",
    )
    if scaled:
        tr.add(
            "Var(q.k / sqrt(d_k))",
            f"Var(q.k / sqrt(d_k)) = {_n(d_k)} / (sqrt({_n(d_k)}))^2 = 1",
            1.0,
            note="dividing by c divides the variance by c^2",
        )
    return qk_variance(d_k, scaled)


def derive_qk_variance(d_k: int, scaled: bool = False):
    tr = _trace()
    var = _variance_steps(tr, d_k, scaled)
    tr.add("variance", f"variance = {_n(var)}", var)
    return tr


def derive_qk_std(d_k: int, scaled: bool = False):
    tr = _trace()
    var = _variance_steps(tr, d_k, scaled)
    std = qk_std(d_k, scaled)
    tr.add("std", f"std = sqrt(variance) = sqrt({_n(var)}) = {_n(std)}", std)
    return tr


def derive_mc_qk_variance(
    d_k: int,
    scaled: bool = False,
    samples: int = 20000,
    seed: int = 0,
    estimate: float | None = None,
):
    """`estimate`, when given, is this same call's result already computed (it is cached)."""
    tr = _trace()
    what = "q.k / sqrt(d_k)" if scaled else "q.k"
    tr.add(
        "sampling",
        f"draw {_n(samples)} pairs q, k of {_n(d_k)} standard-normal components; "
        f"compute {what} for each",
        samples,
        note=f"seeded ({seed}), so the estimate is reproducible",
    )
    exact = qk_variance(d_k, scaled)
    tr.add("analytic", f"analytic Var({what}) = {_n(exact)}", exact, note="what it should be near")
    if estimate is None:
        estimate = mc_qk_variance(d_k, scaled, samples, seed)
    tr.add("estimate", f"sample variance of the {_n(samples)} values = {_n(estimate)}", estimate)
    return tr


def derive_projection_params(
    d_model: int,
    heads: int,
    kv_heads: int | None = None,
    bias: bool = False,
    output: bool = True,
):
    tr = _trace()
    hs = head_dim(d_model, heads)
    kvh = heads if kv_heads is None else kv_heads
    tr.add("head size", f"head_dim = {_n(d_model)} / {_n(heads)} = {_n(hs)}", hs)
    q_out, kv_out = heads * hs, kvh * hs
    wq = d_model * q_out
    tr.add(
        "query weights",
        f"W_Q: d_model x heads*head_dim = {_n(d_model)} x {_n(q_out)} = {_n(wq)}",
        wq,
    )
    wk = d_model * kv_out
    note = f"grouped-query: {kvh} key/value heads" if kvh != heads else ""
    tr.add(
        "key and value weights",
        f"W_K + W_V: 2 x {_n(d_model)} x {_n(kv_heads or heads)}*{_n(hs)} = {_n(2 * wk)}",
        2 * wk,
        note=note,
    )
    parts = [wq, 2 * wk]
    if bias:
        b = q_out + 2 * kv_out
        tr.add("biases", f"b_Q + b_K + b_V = {_n(q_out)} + 2 x {_n(kv_out)} = {_n(b)}", b)
        parts.append(b)
    if output:
        wo = q_out * d_model + (d_model if bias else 0)
        extra = f" + {_n(d_model)} bias" if bias else ""
        tr.add("output weights", f"W_O: {_n(q_out)} x {_n(d_model)}{extra} = {_n(wo)}", wo)
        parts.append(wo)
    total = projection_params(d_model, heads, kv_heads, bias, output)
    tr.add("total", "total = " + " + ".join(_n(p) for p in parts) + f" = {_n(total)}", total)
    return tr


def derive_qkv_params_per_head(d_model: int, d_k: int, bias: bool = False):
    tr = _trace()
    one = d_model * d_k
    tr.add("one matrix", f"W: d_model x d_k = {_n(d_model)} x {_n(d_k)} = {_n(one)}", one)
    if bias:
        one += d_k
        tr.add("with bias", f"W + b = {_n(d_model * d_k)} + {_n(d_k)} = {_n(one)}", one)
    total = qkv_params_per_head(d_model, d_k, bias)
    tr.add("total", f"3 (W_Q, W_K, W_V) x {_n(one)} = {_n(total)}", total)
    return tr


def _matmul_flops_steps(tr, what, seq, d_k, seq_kv, heads, batch, func) -> int:
    skv = seq if seq_kv is None else seq_kv
    tr.add(
        "entries",
        f"{what}: seq x seq_kv = {_n(seq)} x {_n(skv)} = {_n(seq * skv)} entries, "
        f"each a length-{_n(d_k)} dot product",
        seq * skv,
    )
    total = func(seq, d_k, seq_kv, heads, batch)
    tr.add(
        "FLOPs",
        f"2 (multiply-add) x batch {_n(batch)} x heads {_n(heads)} x {_n(seq)} x {_n(skv)} "
        f"x {_n(d_k)} = {_n(total)}",
        total,
    )
    return total


def derive_qk_flops(seq: int, d_k: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1):
    tr = _trace()
    _matmul_flops_steps(tr, "Q K^T", seq, d_k, seq_kv, heads, batch, qk_flops)
    return tr


def derive_av_flops(seq: int, d_k: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1):
    tr = _trace()
    _matmul_flops_steps(tr, "weights V", seq, d_k, seq_kv, heads, batch, av_flops)
    return tr


def derive_attention_flops(
    seq: int, d_model: int, heads: int, seq_kv: int | None = None, batch: int = 1
):
    tr = _trace()
    hs = head_dim(d_model, heads)
    skv = seq if seq_kv is None else seq_kv
    tr.add("head size", f"head_dim = {_n(d_model)} / {_n(heads)} = {_n(hs)}", hs)
    qk = qk_flops(seq, hs, seq_kv, heads, batch)
    tr.add(
        "Q K^T",
        f"Q K^T: 2 x {_n(batch)} x {_n(heads)} x {_n(seq)} x {_n(skv)} x {_n(hs)} = {_n(qk)}",
        qk,
    )
    av = av_flops(seq, hs, seq_kv, heads, batch)
    tr.add(
        "weights V",
        f"weights V: 2 x {_n(batch)} x {_n(heads)} x {_n(seq)} x {_n(skv)} x {_n(hs)} = {_n(av)}",
        av,
    )
    total = attention_flops(seq, d_model, heads, seq_kv, batch)
    tr.add(
        "total",
        f"total = {_n(qk)} + {_n(av)} = {_n(total)}",
        total,
        note="= 4 x batch x seq x seq_kv x d_model: the head count cancels",
    )
    return tr


def derive_score_memory(
    seq: int, seq_kv: int | None = None, heads: int = 1, batch: int = 1, bytes: int = 4
):
    tr = _trace()
    skv = seq if seq_kv is None else seq_kv
    n = batch * heads * seq * skv
    tr.add(
        "elements",
        f"batch x heads x seq x seq_kv = {_n(batch)} x {_n(heads)} x {_n(seq)} x {_n(skv)} "
        f"= {_n(n)}",
        n,
    )
    total = score_memory(seq, seq_kv, heads, batch, bytes)
    tr.add("memory", f"{_n(n)} x {_n(bytes)} bytes = {_n(total)} bytes", total, note=_size(total))
    return tr


def _kv_per_token_step(tr, layers, kv_heads, head_dim, bytes) -> int:
    per = kv_cache_per_token(layers, kv_heads, head_dim, bytes)
    tr.add(
        "per token",
        f"2 (K and V) x layers {_n(layers)} x kv_heads {_n(kv_heads)} x head_dim {_n(head_dim)} "
        f"x {_n(bytes)} bytes = {_n(per)} bytes per token",
        per,
        note=_size(per),
    )
    return per


def derive_kv_cache_per_token(layers: int, kv_heads: int, head_dim: int, bytes: int = 2):
    tr = _trace()
    _kv_per_token_step(tr, layers, kv_heads, head_dim, bytes)
    return tr


def derive_kv_cache(
    layers: int,
    kv_heads: int,
    head_dim: int,
    seq: int,
    batch: int = 1,
    bytes: int = 2,
):
    tr = _trace()
    per = _kv_per_token_step(tr, layers, kv_heads, head_dim, bytes)
    total = kv_cache(layers, kv_heads, head_dim, seq, batch, bytes)
    tr.add(
        "total",
        f"{_n(per)} x seq {_n(seq)} x batch {_n(batch)} = {_n(total)} bytes",
        total,
        note=_size(total),
    )
    return tr


def derive_max_weight(d_k: int, gap: float, scaled: bool = False):
    tr = _trace()
    if scaled:
        diff = gap
        tr.add(
            "difference",
            f"scaled difference = gap x sqrt(d_k) / sqrt(d_k) = {_n(gap)}",
            diff,
            note="scaling undoes the growth with d_k",
        )
    else:
        diff = gap * math.sqrt(d_k)
        tr.add(
            "difference",
            f"difference = gap x sqrt(d_k) = {_n(gap)} x sqrt({_n(d_k)}) = {_n(diff)}",
            diff,
        )
    w = max_weight(d_k, gap, scaled)
    tr.add(
        "max weight",
        f"softmax of two scores = 1 / (1 + exp(-{_n(diff)})) = {_n(w)}",
        w,
        note="near 1 means saturated: gradients through the softmax vanish",
    )
    return tr


DERIVATIONS: dict[str, Callable] = {
    name[len("derive_") :]: func
    for name, func in list(globals().items())
    if name.startswith("derive_") and callable(func)
}
"""Computation name -> its derivation builder (same arguments as the quantity function)."""
