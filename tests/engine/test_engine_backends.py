"""Backends: numpy needs no torch; torch loads only on demand (checked in fresh interpreters)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import qkv_drill
from qkv_drill.engine import get_backend

ENV = {**os.environ, "PYTHONPATH": str(Path(qkv_drill.__file__).resolve().parents[1])}


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        env=ENV,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_numpy_backend_does_not_load_torch_and_warm_torch_does():
    out = _run(
        "import sys\n"
        "from qkv_drill.engine import get_backend, torch_loaded, warm_torch\n"
        "b = get_backend('numpy')\n"
        "b.attention([[1.0, 0.0]], [[1.0, 0.0]], [[2.0]])\n"
        "print(torch_loaded(), 'torch' in sys.modules)\n"
        "warm_torch()\n"
        "print(torch_loaded(), 'torch' in sys.modules)\n"
    )
    assert out.splitlines() == ["False False", "True True"]


def test_backends_share_the_api():
    for name in ("numpy", "torch"):
        backend = get_backend(name)
        assert backend.name == name
        for fn in ("project_qkv", "softmax", "attention", "multi_head_attention"):
            assert callable(getattr(backend, fn))
    with pytest.raises(ValueError, match="unknown backend"):
        get_backend("jax")
