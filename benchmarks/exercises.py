"""Grading latency of the shipped "implement it" exercises, the child's imports included, and the
time `validate` spends proving the engine's references.

Cold: the grading starts a fresh `python -I` child, which imports numpy (and torch) before it
runs the code. Warm: a child was pre-started (as the app does when a code question is shown) and
has finished its imports; the time runs from handing it the job to the report. Baselines in the
same run: a bare child that only imports numpy, and one that only imports torch.

Two kinds of file are graded: a user's own file (numpy or torch only) and the engine's reference
(`exercises/solutions.py`), which also imports qkv_drill in the child and so costs more: an upper
bound. validate: every exercise's reference graded in its own child (as before), in one child per
language (now), and when the proofs were made before (the digests in the data folder).

    .venv/bin/python benchmarks/exercises.py [--rounds N] [--torch-rounds N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from summary import summary

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing
TARGET_S = 1.0
USER_SDPA = """import numpy as np


def attention(q, k, v):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])  # (..., Tq, Tk)
    scores -= scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    return (w / w.sum(axis=-1, keepdims=True)) @ v  # (..., Tq, dv)
"""
USER_SDPA_TORCH = """import math

import torch


def attention(q, k, v):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))  # (..., Tq, Tk)
    return torch.softmax(scores, dim=-1) @ v  # (..., Tq, dv)
"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bare_child(module: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", f"import os, {module}; os._exit(0)"], check=True)
    return time.perf_counter() - t0


def timed_grade(code, q, inst, warm: bool) -> float:
    """One grading; with `warm`, a child is pre-started and ready first (not timed)."""
    from qkv_drill.exercises.checker import grade
    from qkv_drill.exercises.warm import POOL

    POOL.shutdown()
    if warm:
        child = POOL.prestart(q.code.language)
        assert child is not None and child.wait_ready(300), "the warm child never got ready"
    t0 = time.perf_counter()
    report = grade(code, q, inst.expected)
    seconds = time.perf_counter() - t0
    assert report.right, f"{q.id}: {report.message}"
    return seconds


def row(name: str, times: list[float]) -> str:
    return (
        f"{name:40s} {len(times):3d} {pct(times, 0.5):7.3f} {pct(times, 0.99):7.3f} "
        f"{max(times):7.3f}"
    )


def validate_times(questions) -> tuple[float, float, float]:
    """Proving every reference: one child per exercise / one per language / proved before."""
    from qkv_drill.exercises.checker import grade
    from qkv_drill.exercises.solutions import solution_source
    from qkv_drill.exercises.validate import prove_references
    from qkv_drill.packs.instance import draw

    drawn = [(q, draw(q, 0)) for q in questions]
    t0 = time.perf_counter()
    for q, inst in drawn:
        assert grade(solution_source(q.code), q, inst.expected).right
    each = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as home:
        os.environ["QKV_DRILL_HOME"] = home  # no proofs made yet
        t0 = time.perf_counter()
        assert all(r.right for r in prove_references(questions, True).values())
        together = time.perf_counter() - t0
        t0 = time.perf_counter()
        assert all(r.right for r in prove_references(questions, True).values())
        again = time.perf_counter() - t0
    return each, together, again


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8, help="gradings per numpy exercise")
    parser.add_argument("--torch-rounds", type=int, default=4, help="cold and warm, per torch")
    args = parser.parse_args()

    from qkv_drill.exercises.solutions import solution_source
    from qkv_drill.packs.instance import draw
    from qkv_drill.packs.loader import load_paths

    (lp,) = load_paths([ROOT / "questions" / "implement.yaml"]).packs
    assert lp.pack is not None
    questions = list(lp.pack.questions)
    by_id = {q.id: q for q in questions}
    base = [bare_child("numpy") for _ in range(args.rounds)]
    base_torch = [bare_child("torch") for _ in range(args.torch_rounds)]

    sdpa = by_id["implement.sdpa"]
    user_cold, user_warm = [], []
    for seed in range(args.rounds * 2):
        inst = draw(sdpa, seed)
        user_cold.append(timed_grade(USER_SDPA, sdpa, inst, warm=False))
        user_warm.append(timed_grade(USER_SDPA, sdpa, inst, warm=True))
    numpy_times: dict[str, list[float]] = {}
    for q in questions:
        if q.code.language == "numpy":
            source = solution_source(q.code)
            numpy_times[q.id] = [
                timed_grade(source, q, draw(q, seed), warm=False) for seed in range(args.rounds)
            ]
    torch_rows: dict[str, tuple[list[float], list[float]]] = {}
    sdpa_torch = by_id["implement.sdpa-torch"]
    files = [("a user's sdpa-torch file", sdpa_torch, USER_SDPA_TORCH)] + [
        (q.id, q, solution_source(q.code)) for q in questions if q.code.language == "torch"
    ]
    for name, q, code in files:
        cold, warm = [], []
        for seed in range(args.torch_rounds):
            inst = draw(q, seed)
            cold.append(timed_grade(code, q, inst, warm=False))
            warm.append(timed_grade(code, q, inst, warm=True))
        torch_rows[name] = (cold, warm)
    each, together, again = validate_times(questions)

    print(f"{'numpy exercise (cold: fresh child)':40s} {'n':>3s} {'p50 s':>7s} {'p99 s':>7s} "
          f"{'max s':>7s}")  # fmt: skip
    print(row("a user's sdpa file, cold", user_cold))
    print(row("a user's sdpa file, warm", user_warm))
    for qid, times in numpy_times.items():
        print(row(qid, times))
    every = [t for ts in numpy_times.values() for t in ts]
    p99 = pct(every, 0.99)
    b50 = pct(base, 0.5)
    u99, w99 = pct(user_cold, 0.99), pct(user_warm, 0.99)
    print(f"\nbaseline: bare `python -I -c 'import numpy'` child, p50 {b50:.3f} s")
    print(f"a user's numpy sdpa file: cold p99 {u99:.3f} s, warm p99 {w99:.3f} s")
    print(f"all numpy exercises (engine's reference, cold): p99 {p99:.3f} s = {p99 / b50:.1f}x")

    t50 = pct(base_torch, 0.5)
    print(f"\nbaseline: bare `python -I -c 'import torch'` child, p50 {t50:.3f} s")
    print(f"{'torch (p50 s)':40s} {'cold':>7s} {'warm':>7s} {'cold/warm':>9s}")
    ratios = []
    for name, (cold, warm) in torch_rows.items():
        c, w = pct(cold, 0.5), pct(warm, 0.5)
        ratios.append(c / w)
        print(f"{name:40s} {c:7.3f} {w:7.3f} {c / w:8.1f}x", flush=True)
    user_c, user_w = (pct(x, 0.5) for x in torch_rows["a user's sdpa-torch file"])
    user_w99 = pct(torch_rows["a user's sdpa-torch file"][1], 0.99)

    print(f"\nvalidate, the {len(questions)} references proved:")
    print(f"  one child per exercise      {each:7.2f} s")
    print(f"  one child per language      {together:7.2f} s  ({each / together:.1f}x faster)")
    print(f"  proved before (digests)     {again:7.2f} s")

    summary(
        "grading p99, a user's numpy sdpa file, cold (child start + numpy import + 8 cases)",
        f"{u99 * 1000:.0f} ms ({u99 / b50:.1f}x a bare numpy child); warm {w99 * 1000:.0f} ms",
        f"< {TARGET_S * 1000:.0f} ms",
        u99 < TARGET_S,
    )
    summary(
        "grading p99, every numpy exercise via the engine's reference, cold (upper bound)",
        f"{p99 * 1000:.0f} ms ({p99 / b50:.1f}x a bare numpy child)",
        f"< {TARGET_S * 1000:.0f} ms",
        p99 < TARGET_S,
    )
    summary(
        "grading p50, a user's torch sdpa file: cold / warm (pre-started child)",
        f"{user_c * 1000:.0f} ms / {user_w * 1000:.0f} ms ({user_c / user_w:.1f}x; "
        f"bare torch child {t50 * 1000:.0f} ms); warm p99 {user_w99 * 1000:.0f} ms",
        "reported",
        True,
    )
    summary(
        "validate: proving the references, one child per exercise / per language / proved",
        f"{each:.1f} s / {together:.1f} s ({each / together:.1f}x) / {again:.2f} s",
        "reported",
        True,
    )
    return 0 if u99 < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
