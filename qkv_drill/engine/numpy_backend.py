"""The numpy reference under the backend interface (`backends.Backend`), beside `torch_backend`.

Nothing is computed here: these are the reference functions, gathered under one name so that
`get_backend("numpy")` and `get_backend("torch")` hand back the same set.
"""

from __future__ import annotations

from qkv_drill.engine.decoding import decode_step, gqa_attention
from qkv_drill.engine.multihead import multi_head_attention
from qkv_drill.engine.reference import attention, project_qkv, softmax
from qkv_drill.engine.rope import rope

name = "numpy"

__all__ = [
    "attention",
    "decode_step",
    "gqa_attention",
    "multi_head_attention",
    "name",
    "project_qkv",
    "rope",
    "softmax",
]
