"""Inference and training cost: windowed KV caches, prefill and decode FLOPs, bytes moved per
decode step and arithmetic intensity, FlashAttention's working memory, training FLOPs, and what
grouped-query attention saves.

Conventions: a multiply-add is 2 FLOPs; `params` is N, the non-embedding parameter count; the
attention term counts both matmuls, Q K^T and weights V, over full score matrices (2 x 2 x
layers x context x d_model per token), as Chinchilla (Hoffmann et al. 2022, appendix F) does.
Kaplan et al. 2020 (Table 1) count only the Q K^T term, 2 x layers x n_ctx x d_attn, which is
the `one_attention_matmul` mistake here. Training is 3 forward passes' worth (backward = 2x
forward): 6 N per token plus 3x the attention term.
"""

from __future__ import annotations

from qkv_drill.engine.quantities import kv_cache_per_token


def attention_term(layers: int, d_model: int, context: int) -> int:
    """FLOPs of Q K^T and weights V for one query over `context` keys, all layers."""
    return 2 * 2 * layers * context * d_model


def kv_cache_windowed(
    layers: int,
    kv_heads: int,
    head_dim: int,
    seq: int,
    window: int,
    batch: int = 1,
    bytes: int = 2,
) -> int:
    """Bytes of a KV cache that keeps only the last `window` tokens (a rolling buffer, as in
    Mistral 7B): min(seq, window) tokens per sequence."""
    return kv_cache_per_token(layers, kv_heads, head_dim, bytes) * min(seq, window) * batch


def prefill_flops(params: int, layers: int, d_model: int, seq: int) -> int:
    """Forward FLOPs of a prompt of `seq` tokens: 2 N per token plus the attention term, which
    grows with the square of the prompt (full score matrices)."""
    return 2 * params * seq + attention_term(layers, d_model, seq) * seq


def decode_flops(params: int, layers: int, d_model: int, context: int) -> int:
    """Forward FLOPs of one generated token with `context` tokens cached: 2 N for the weights
    plus one query row against `context` keys in every layer."""
    return 2 * params + attention_term(layers, d_model, context)


def decode_bytes(
    params: int,
    layers: int,
    kv_heads: int,
    head_dim: int,
    context: int,
    batch: int = 1,
    bytes: int = 2,
) -> int:
    """Bytes read from memory for one decode step: every weight once (shared by the batch)
    plus each sequence's whole KV cache."""
    weights = params * bytes
    cache = kv_cache_per_token(layers, kv_heads, head_dim, bytes) * context * batch
    return weights + cache


def decode_intensity(
    params: int,
    layers: int,
    d_model: int,
    kv_heads: int,
    head_dim: int,
    context: int,
    batch: int = 1,
    bytes: int = 2,
) -> float:
    """Arithmetic intensity of a decode step, FLOPs per byte read: low (about batch / bytes
    FLOPs per weight byte), which is why decoding is memory-bound."""
    flops = decode_flops(params, layers, d_model, context) * batch
    return flops / decode_bytes(params, layers, kv_heads, head_dim, context, batch, bytes)


def flash_extra_memory(seq: int, heads: int = 1, batch: int = 1, bytes: int = 4) -> int:
    """FlashAttention's memory beyond inputs and output: one softmax statistic (the logsumexp)
    per query row, kept for the backward pass (Dao 2023, FlashAttention-2, section 3.1): O(T),
    against naive attention's (T x T) score matrix."""
    return batch * heads * seq * bytes


def training_flops(params: int, tokens: int, layers: int, d_model: int, seq: int) -> int:
    """Training FLOPs for `tokens` tokens at context `seq`: 6 N T plus 3x the attention term."""
    return tokens * (6 * params + 3 * attention_term(layers, d_model, seq))


def gqa_cache_ratio(heads: int, kv_heads: int) -> float:
    """How many times smaller the KV cache is with `kv_heads` key/value heads than with one per
    query head (MQA: kv_heads = 1)."""
    if kv_heads <= 0 or heads % kv_heads:
        raise ValueError(f"heads={heads} must be a multiple of kv_heads={kv_heads}")
    return heads / kv_heads
