"""Choose the numpy reference or the torch backend by name; torch is only imported on demand.

Importing torch costs seconds, so the app calls `warm_torch()` from a background thread and asks
`torch_loaded()` before offering anything that needs it.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType, SimpleNamespace

BACKENDS = ("numpy", "torch")


def get_backend(name: str = "numpy") -> ModuleType | SimpleNamespace:
    """An object with `project_qkv`, `attention` and `multi_head_attention` for `name`.

    "torch" results come back as float64 numpy arrays, so both backends compare directly.
    """
    if name == "numpy":
        from qkv_drill.engine.decoding import decode_step, gqa_attention
        from qkv_drill.engine.multihead import multi_head_attention
        from qkv_drill.engine.reference import attention, project_qkv, softmax
        from qkv_drill.engine.rope import rope

        return SimpleNamespace(
            name="numpy",
            project_qkv=project_qkv,
            softmax=softmax,
            attention=attention,
            multi_head_attention=multi_head_attention,
            gqa_attention=gqa_attention,
            rope=rope,
            decode_step=decode_step,
        )
    if name == "torch":
        return importlib.import_module("qkv_drill.engine.torch_backend")
    raise ValueError(f"unknown backend {name!r}; one of {', '.join(BACKENDS)}")


def warm_torch() -> None:
    """Import torch and the torch backend now (meant for a background thread at start-up)."""
    importlib.import_module("qkv_drill.engine.torch_backend")


def torch_loaded() -> bool:
    """True once torch has been imported by anything in this process."""
    return "torch" in sys.modules
