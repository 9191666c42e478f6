"""The attention engine: a readable numpy reference (the ground truth) and a lazy torch backend.

Only numpy is imported here; `get_backend("torch")` imports torch when first asked for.
"""

from qkv_drill.engine.backends import get_backend, torch_loaded, warm_torch
from qkv_drill.engine.decoding import decode_step, gqa_attention, kv_head_map, kv_head_of
from qkv_drill.engine.masks import causal_mask, padding_mask, sliding_window_mask
from qkv_drill.engine.misconceptions import (
    MISCONCEPTIONS,
    Misconception,
    attention_mistake,
    attention_with_misconception,
)
from qkv_drill.engine.mistaken import mistaken_multi_head
from qkv_drill.engine.multihead import (
    HeadWeights,
    merge_heads,
    multi_head_attention,
    split_heads,
)
from qkv_drill.engine.positions import (
    alibi_bias,
    alibi_slopes,
    biased_attention,
    sinusoidal_positions,
)
from qkv_drill.engine.reference import attention, project_qkv, softmax
from qkv_drill.engine.rope import rope
from qkv_drill.engine.shapes import attention_shapes
from qkv_drill.engine.trace import Step, Trace, trace_attention, trace_multi_head

__all__ = [
    "MISCONCEPTIONS",
    "HeadWeights",
    "Misconception",
    "Step",
    "Trace",
    "alibi_bias",
    "alibi_slopes",
    "attention",
    "attention_mistake",
    "attention_shapes",
    "attention_with_misconception",
    "biased_attention",
    "causal_mask",
    "decode_step",
    "get_backend",
    "gqa_attention",
    "kv_head_map",
    "kv_head_of",
    "merge_heads",
    "mistaken_multi_head",
    "multi_head_attention",
    "padding_mask",
    "project_qkv",
    "rope",
    "sinusoidal_positions",
    "sliding_window_mask",
    "softmax",
    "split_heads",
    "torch_loaded",
    "trace_attention",
    "trace_multi_head",
    "warm_torch",
]
