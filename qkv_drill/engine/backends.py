"""Choose the numpy reference or the torch backend by name; torch is only imported on demand.

Importing torch costs seconds, so the app calls `warm_torch()` from a background thread and asks
`torch_loaded()` before offering anything that needs it.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    from qkv_drill.engine.arrays import FloatArray

BACKENDS = ("numpy", "torch")


class Backend(Protocol):
    """What both backends provide: the numpy reference's functions, with its contracts (the
    arguments are the reference's; the agreement tests call both backends alike). `numpy_backend`
    and `torch_backend` are modules that mypy checks against this."""

    @property
    def name(self) -> str: ...
    @property
    def project_qkv(self) -> Callable[..., tuple[FloatArray, FloatArray, FloatArray]]: ...
    @property
    def softmax(self) -> Callable[..., FloatArray]: ...
    @property
    def attention(self) -> Callable[..., tuple[FloatArray, FloatArray]]: ...
    @property
    def multi_head_attention(self) -> Callable[..., tuple[FloatArray, FloatArray]]: ...
    @property
    def gqa_attention(self) -> Callable[..., tuple[FloatArray, FloatArray]]: ...
    @property
    def rope(self) -> Callable[..., FloatArray]: ...
    @property
    def decode_step(
        self,
    ) -> Callable[..., tuple[FloatArray, FloatArray, FloatArray, FloatArray]]: ...


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
