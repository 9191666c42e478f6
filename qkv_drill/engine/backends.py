"""Choose the numpy reference or the torch backend by name; torch is only imported on demand.

Importing torch costs seconds, so the app calls `warm_torch()` from a background thread and asks
`torch_loaded()` before offering anything that needs it.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from qkv_drill.engine.arrays import ArrayLike, FloatArray
    from qkv_drill.engine.rope import RopeStyle

BACKENDS = ("numpy", "torch")


class Backend(Protocol):
    """What both backends provide, with the contracts of the numpy reference; `numpy_backend`
    and `torch_backend` are modules that mypy checks against it."""

    @property
    def name(self) -> str: ...

    def project_qkv(
        self, x: ArrayLike, w_q: ArrayLike, w_k: ArrayLike, w_v: ArrayLike
    ) -> tuple[FloatArray, FloatArray, FloatArray]: ...

    def softmax(self, z: ArrayLike, axis: int = -1) -> FloatArray: ...

    def attention(
        self,
        q: ArrayLike,
        k: ArrayLike,
        v: ArrayLike,
        mask: ArrayLike | None = None,
        causal: bool = False,
        scale: float | None = None,
    ) -> tuple[FloatArray, FloatArray]: ...

    def multi_head_attention(
        self,
        x_q: ArrayLike,
        x_kv: ArrayLike | None,
        w_q: ArrayLike,
        w_k: ArrayLike,
        w_v: ArrayLike,
        w_o: ArrayLike,
        n_heads: int,
        n_kv_heads: int | None = None,
        mask: ArrayLike | None = None,
        causal: bool = False,
        b_q: ArrayLike | None = None,
        b_k: ArrayLike | None = None,
        b_v: ArrayLike | None = None,
        b_o: ArrayLike | None = None,
    ) -> tuple[FloatArray, FloatArray]: ...

    def gqa_attention(
        self,
        q: ArrayLike,
        k: ArrayLike,
        v: ArrayLike,
        mask: ArrayLike | None = None,
        causal: bool = False,
        scale: float | None = None,
    ) -> tuple[FloatArray, FloatArray]: ...

    def rope(
        self,
        x: ArrayLike,
        positions: ArrayLike | None = None,
        base: float = 10000.0,
        style: RopeStyle = "half",
    ) -> FloatArray: ...

    def decode_step(
        self,
        q_t: ArrayLike,
        k_cache: ArrayLike,
        v_cache: ArrayLike,
        k_t: ArrayLike,
        v_t: ArrayLike,
        scale: float | None = None,
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]: ...


def get_backend(name: str = "numpy") -> Backend:
    """The numpy reference or the torch backend: the same functions, the same contracts.

    "torch" results come back as float64 numpy arrays, so both backends compare directly.
    """
    if name == "numpy":
        from qkv_drill.engine import numpy_backend

        return numpy_backend
    if name == "torch":
        from qkv_drill.engine import torch_backend

        return torch_backend
    raise ValueError(f"unknown backend {name!r}; one of {', '.join(BACKENDS)}")


def warm_torch() -> None:
    """Import torch and the torch backend now (meant for a background thread at start-up)."""
    importlib.import_module("qkv_drill.engine.torch_backend")


def torch_loaded() -> bool:
    """True once torch has been imported by anything in this process."""
    return "torch" in sys.modules
