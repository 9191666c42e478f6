"""The newer packs' computed answers, recomputed the way a reviewer would: from the numbers the
rendered prompt shows, with independent formulas written here, over many draws.

Two things are checked per instance: every number the answer depends on is visible in the prompt
(bytes per element may be given as a dtype name, a derived value is worked out from shown ones),
and the engine's expected answer equals
an independent recomputation from those numbers.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from qkv_drill.packs.instance import answer_args, draw
from qkv_drill.packs.loader import load_pack_file
from qkv_drill.packs.model import Question

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"
NEW_PACKS = ("rope.yaml", "kv_cache.yaml", "efficient.yaml", "complexity.yaml")
SEEDS = range(40)
DTYPE_WORDS = {1: ("int8",), 2: ("fp16", "bf16"), 4: ("fp32",)}
BYTES: tuple[str, ...] = ("kv_cache", "kv_cache_per_token", "score_memory", "kv_cache_windowed")
BYTES += ("decode_bytes", "decode_intensity", "flash_extra_memory")


def _computed() -> list[Question]:
    out: list[Question] = []
    for name in NEW_PACKS:
        lp = load_pack_file(QUESTIONS / name, source="shipped")
        assert lp.pack is not None, name
        out.extend(q for q in lp.pack.questions if q.answer is not None)
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _mat(a: dict, key: str) -> np.ndarray:
    return np.asarray(a[key], dtype=float)


def _attention(q: np.ndarray, k: np.ndarray, v: np.ndarray | None) -> np.ndarray:
    w = _softmax(q @ k.T / math.sqrt(q.shape[-1]))  # (T, S)
    return w if v is None else w @ v


def _heads(a: dict) -> int:
    return a.get("heads") or 1


def _shape(a: dict) -> tuple[int, ...]:
    which, seq, d_model, heads = a["which"], a["seq"], a["d_model"], a["heads"]
    b = () if a.get("batch") is None else (a["batch"],)
    seq_kv = a.get("seq_kv") or seq
    kv = a.get("kv_heads") or heads
    hs = d_model // heads
    return {
        "q_heads": (*b, heads, seq, hs),
        "k_heads": (*b, kv, seq_kv, hs),
        "v_heads": (*b, kv, seq_kv, hs),
        "k": (*b, seq, kv * hs),
        "weights": (*b, *((heads,) if heads > 1 else ()), seq, seq_kv),
        "output": (*b, seq, d_model),
        "w_k": (d_model, kv * hs),
        "kv_cache_layer": (2, *b, kv, seq_kv, hs),
    }[which]


def recompute(name: str, a: dict):
    """An independent answer from the instance's arguments."""
    bytes_ = a.get("bytes")
    if name == "kv_cache_per_token":
        return 2 * a["layers"] * a["kv_heads"] * a["head_dim"] * (bytes_ or 2)
    if name == "kv_cache":
        per = 2 * a["layers"] * a["kv_heads"] * a["head_dim"] * (bytes_ or 2)
        return per * a["seq"] * (a.get("batch") or 1)
    if name in ("qk_flops", "av_flops"):
        seq_kv = a.get("seq_kv") or a["seq"]
        return 2 * a["seq"] * seq_kv * a["d_k"] * _heads(a) * (a.get("batch") or 1)
    if name == "attention_flops":
        seq_kv = a.get("seq_kv") or a["seq"]
        return 4 * a["seq"] * seq_kv * a["d_model"] * (a.get("batch") or 1)
    if name == "score_memory":
        seq_kv = a.get("seq_kv") or a["seq"]
        return a["seq"] * seq_kv * _heads(a) * (a.get("batch") or 1) * (bytes_ or 4)
    if name == "projection_params":
        d, hs = a["d_model"], a["d_model"] // a["heads"]
        kv = a.get("kv_heads") or a["heads"]
        return 2 * d * d + 2 * d * kv * hs
    if name == "qk_variance":
        return 1.0 if a.get("scaled") else float(a["d_k"])
    if name == "qk_std":
        return 1.0 if a.get("scaled") else math.sqrt(a["d_k"])
    if name == "max_weight":
        return 1 / (1 + math.exp(-a["gap"] * math.sqrt(a["d_k"])))
    if name == "dot":
        return float(np.dot(_mat(a, "q"), _mat(a, "k")))
    if name == "scaled_dot":
        q = _mat(a, "q")
        return float(np.dot(q, _mat(a, "k")) / math.sqrt(len(q)))
    if name == "softmax":
        return _softmax(_mat(a, "z"))
    if name == "scores":
        q, k = _mat(a, "Q"), _mat(a, "K")
        s = q @ k.T
        return s / math.sqrt(q.shape[-1]) if a.get("scaled", True) else s
    if name == "attention_weights":
        return _attention(_mat(a, "Q"), _mat(a, "K"), None)
    if name == "attention_output":
        return _attention(_mat(a, "Q"), _mat(a, "K"), _mat(a, "V"))
    if name == "self_attention":
        x = _mat(a, "X")
        return _attention(x @ _mat(a, "W_Q"), x @ _mat(a, "W_K"), x @ _mat(a, "W_V"))
    if name == "shape":
        return _shape(a)
    return _recompute_modern(name, a)


def _rope(x: np.ndarray, base: float, style: str) -> np.ndarray:
    t, d = x.shape
    out = x.copy()
    for m in range(t):
        for i in range(d // 2):
            ang = m * base ** (-2 * i / d)
            a, b = (i, i + d // 2) if style == "half" else (2 * i, 2 * i + 1)
            out[m, a] = x[m, a] * math.cos(ang) - x[m, b] * math.sin(ang)
            out[m, b] = x[m, a] * math.sin(ang) + x[m, b] * math.cos(ang)
    return out


def _visible_keys(a: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tq, tk = a["tq"], a["tk"]
    shift = tk - tq if a.get("align", "top_left") == "bottom_right" else 0
    i, j = np.indices((tq, tk))
    return j <= i + shift, i + shift, j


def _recompute_modern(name: str, a: dict):
    cache = a.get("layers", 0) * a.get("kv_heads", 0) * a.get("head_dim", 0)
    per_token = 2 * cache * a.get("bytes", 2)
    if name == "rope":
        return _rope(_mat(a, "x"), float(a.get("base", 10000.0)), a.get("style", "half"))
    if name == "aligned_causal_mask":
        return _visible_keys(a)[0].astype(float)
    if name == "sliding_window_mask":
        a = {"align": "bottom_right", **a}
        visible, pos, j = _visible_keys(a)
        return (visible & (j > pos - a["window"])).astype(float)
    if name == "kv_cache_windowed":
        return per_token * min(a["seq"], a["window"]) * (a.get("batch") or 1)
    if name == "decode_bytes":
        return a["params"] * a.get("bytes", 2) + per_token * a["context"] * (a.get("batch") or 1)
    if name == "decode_intensity":
        batch = a.get("batch") or 1
        flops = batch * (2 * a["params"] + 4 * a["layers"] * a["context"] * a["d_model"])
        return flops / (a["params"] * a.get("bytes", 2) + per_token * a["context"] * batch)
    if name == "kv_head":
        return a["query_head"] // (a["heads"] // a["kv_heads"])
    if name == "gqa_cache_ratio":
        return a["heads"] / a["kv_heads"]
    if name == "flash_extra_memory":
        return (a.get("batch") or 1) * (a.get("heads") or 1) * a["seq"] * a.get("bytes", 4)
    if name == "training_flops":
        attention = 3 * 2 * 2 * a["layers"] * a["seq"] * a["d_model"]
        return float(a["tokens"] * (6 * a["params"] + attention))  # beyond int64
    if name == "decode_output":
        k = np.vstack([_mat(a, "K_cache"), _mat(a, "k")])  # (t + 1, d)
        v = np.vstack([_mat(a, "V_cache"), _mat(a, "v")])  # (t + 1, d)
        return _attention(_mat(a, "q")[None, :], k, v)[0]
    raise AssertionError(f"no independent formula for {name}")


# The arguments of each computation whose numbers a reader must see in the prompt.
SHOWN = {
    "kv_cache_per_token": ("layers", "kv_heads", "head_dim"),
    "kv_cache": ("layers", "kv_heads", "head_dim", "seq", "batch"),
    "qk_flops": ("seq", "seq_kv", "d_k", "heads", "batch"),
    "av_flops": ("seq", "seq_kv", "d_k", "heads", "batch"),
    "attention_flops": ("seq", "seq_kv", "d_model", "heads", "batch"),
    "score_memory": ("seq", "seq_kv", "heads", "batch"),
    "projection_params": ("d_model", "heads", "kv_heads"),
    "qk_variance": ("d_k",),
    "qk_std": ("d_k",),
    "max_weight": ("d_k", "gap"),
    "scaled_dot": ("d_k",),
    "shape": ("seq_kv", "d_model", "heads", "kv_heads", "batch"),
    "kv_cache_windowed": ("layers", "kv_heads", "head_dim", "seq", "window", "batch"),
    "decode_bytes": ("params", "layers", "kv_heads", "head_dim", "context", "batch"),
    "decode_intensity": ("params", "layers", "d_model", "kv_heads", "head_dim", "context"),
    "kv_head": ("query_head", "heads", "kv_heads"),
    "gqa_cache_ratio": ("heads", "kv_heads"),
    "flash_extra_memory": ("seq", "heads", "batch"),
    "training_flops": ("params", "tokens", "layers", "d_model", "seq"),
    "aligned_causal_mask": ("tq", "tk"),
    "sliding_window_mask": ("tq", "window"),
}


def _visible(value, prompt: str) -> bool:
    plain = prompt.replace(",", "")
    return str(value) in plain or f"{value:,}" in prompt


@pytest.mark.parametrize("question", _computed(), ids=lambda q: q.id)
def test_engine_answers_match_an_independent_recomputation(question):
    name = question.answer.compute
    for seed in SEEDS:
        inst = draw(question, seed)
        args = answer_args(question, inst.params)
        for key in SHOWN.get(name, ()):
            if key in question.derive:  # worked out from numbers the prompt shows
                continue
            if args.get(key) not in (None, 1):
                assert _visible(args[key], inst.prompt), (question.id, seed, key, args[key])
        if name in BYTES and args.get("bytes"):
            words = DTYPE_WORDS[args["bytes"]]
            assert any(w in inst.prompt for w in words), (question.id, args["bytes"])
        want = recompute(name, args)
        got = inst.expected
        if name == "shape":
            assert tuple(got) == tuple(want), (question.id, seed)
        else:
            np.testing.assert_allclose(
                np.asarray(got, dtype=float).reshape(np.shape(want)),
                want,
                rtol=1e-9,
                atol=1e-9,
                err_msg=f"{question.id} seed {seed}",
            )
