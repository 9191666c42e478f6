"""The small code-exercise pack the exercise tests share, a mini pack to mix with it, and a right
answer to its attention exercise (its named bug is the same code without the scaling)."""

from __future__ import annotations

from tests.helpers import REPO

FIXTURE = REPO / "tests" / "exercises" / "fixtures" / "code.yaml"
MINI = REPO / "tests" / "session" / "fixtures" / "mini.yaml"
RIGHT = """import numpy as np

def attention(q, k, v):
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
"""
UNSCALED = RIGHT.replace(" / np.sqrt(q.shape[-1])", "")
