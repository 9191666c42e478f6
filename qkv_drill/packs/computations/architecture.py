"""Computations for the why-attention pack and serving: path lengths, LM masks, paged KV blocks
and GQA checkpoint conversion.

Each wraps an engine function (engine.architecture, engine.paging, engine.kv_pooling) and its
derivation (engine.derive_positions).

Shape legend: H heads, G groups, C d_model, hs head size.
"""

from __future__ import annotations

import numpy as np

from qkv_drill.engine import architecture as A
from qkv_drill.engine import derive_positions as D
from qkv_drill.engine import kv_pooling as G
from qkv_drill.engine import paging as Pg
from qkv_drill.packs.computations.core import Args, arr
from qkv_drill.packs.computations.simple import register_simple

# --- paths and masks --------------------------------------------------------------------------

for _kind in ("recurrent", "convolution", "dilated-convolution"):
    register_simple(
        "path_length_" + _kind.replace("-convolution", "").replace("-", "_"),
        "numeric",
        ("n",),
        {"k": 3},
        f"{_kind}: layers (or steps) from the first to the n-th position",
        lambda n, k=3, _kind=_kind: A.max_path_length(_kind, int(n), int(k)),
        lambda n, k=3, _kind=_kind: D.derive_max_path_length(_kind, int(n), int(k)),
    )

for _kind, _required in (("causal", ("seq",)), ("prefix", ("seq", "prefix"))):
    register_simple(
        f"{_kind}_mask",
        "matrix",
        _required,
        {},
        f"the (seq, seq) {_kind} mask, 1 = may attend",
        lambda seq, prefix=0, _kind=_kind: A.lm_mask(_kind, int(seq), int(prefix)).astype(float),
        lambda seq, prefix=0, _kind=_kind: D.derive_lm_mask(_kind, int(seq), int(prefix)),
    )
    register_simple(
        f"{_kind}_pairs",
        "numeric",
        _required,
        {},
        f"(query, key) pairs the {_kind} mask allows",
        lambda seq, prefix=0, _kind=_kind: A.allowed_pairs(_kind, int(seq), int(prefix)),
        lambda seq, prefix=0, _kind=_kind: D.derive_allowed_pairs(_kind, int(seq), int(prefix)),
    )

# --- serving ----------------------------------------------------------------------------------

register_simple(
    "paged_blocks",
    "numeric",
    ("seq",),
    {"block_size": 16},
    "ceil(seq / block_size)",
    Pg.blocks_needed,
    D.derive_blocks_needed,
)
register_simple(
    "paged_waste",
    "numeric",
    ("seq",),
    {"block_size": 16},
    "empty slots in the last block",
    Pg.slots_wasted,
    D.derive_slots_wasted,
)
register_simple(
    "reserved_waste",
    "numeric",
    ("seq", "max_len"),
    {},
    "max_len - seq",
    Pg.reserved_slots_wasted,
    D.derive_reserved_slots_wasted,
)
register_simple(
    "kv_block_bytes",
    "numeric",
    ("layers", "kv_heads", "head_dim"),
    {"block_size": 16, "bytes": 2},
    "bytes of one KV block across all layers",
    lambda layers, kv_heads, head_dim, block_size=16, bytes=2: Pg.block_bytes(
        block_size, layers, kv_heads, head_dim, bytes
    ),
    lambda layers, kv_heads, head_dim, block_size=16, bytes=2: D.derive_block_bytes(
        block_size, layers, kv_heads, head_dim, bytes
    ),
)

# --- GQA checkpoint conversion ----------------------------------------------------------------


def _pool_torch(a: Args) -> np.ndarray:
    import torch  # only for the agreement check in `validate`

    w = torch.as_tensor(arr(a["W"]))  # (C, H*hs)
    c, width = w.shape
    h, g = int(a["heads"]), int(a["groups"])
    hs = width // h
    return w.view(c, g, h // g, hs).mean(dim=2).reshape(c, g * hs).numpy()  # (C, G*hs)


register_simple(
    "gqa_pool",
    "matrix",
    ("W", "heads", "groups"),
    {},
    "W_K or W_V (C, H*hs) mean-pooled to (C, G*hs)",
    lambda W, heads, groups: G.mean_pool_projection(W, int(heads), int(groups)),
    D.derive_mean_pool_projection,
    torch_fn=_pool_torch,
    matrix_args=("W",),
)
register_simple(
    "gqa_pooled_linear_shape",
    "shape",
    ("d_model", "heads", "groups", "head_dim"),
    {},
    "shape of a pooled W_K stored as nn.Linear.weight: (G*hs, C)",
    lambda d_model, heads, groups, head_dim: G.pooled_shape(
        d_model, heads, groups, head_dim, layout="torch"
    ),
    lambda d_model, heads, groups, head_dim: D.derive_pooled_shape(
        d_model, heads, groups, head_dim, layout="torch"
    ),
)
register_simple(
    "gqa_params_removed",
    "numeric",
    ("d_model", "heads", "groups", "head_dim"),
    {},
    "2 C (H - G) hs weights removed from W_K and W_V",
    lambda d_model, heads, groups, head_dim: G.kv_params_removed(
        int(d_model), int(heads), int(groups), int(head_dim)
    ),
    D.derive_kv_params_removed,
)
