"""Grading latency of the shipped "implement it" exercises, the child's imports included.

Each grading starts a fresh `python -I` child, loads the code, runs every case and compares with
the engine. The code graded is the engine's own reference solution (`exercises/solutions.py`),
which imports qkv_drill in the child and so costs more than a user's file importing only numpy:
the figures are an upper bound. Baseline in the same run: a bare child that only imports numpy.
torch exercises are timed separately: the first grading (cold: torch's files not yet in the page
cache for this run) and the following ones (warm).

    .venv/bin/python benchmarks/exercises.py [--rounds N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
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


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bare_child(module: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", f"import {module}"], check=True)
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8, help="gradings per exercise")
    args = parser.parse_args()

    from qkv_drill.exercises.checker import grade
    from qkv_drill.exercises.solutions import solution_source
    from qkv_drill.packs.instance import draw
    from qkv_drill.packs.loader import load_paths

    (lp,) = load_paths([ROOT / "questions" / "implement.yaml"]).packs
    assert lp.pack is not None
    base = [bare_child("numpy") for _ in range(args.rounds)]
    sdpa = next(q for q in lp.pack.questions if q.id == "implement.sdpa")
    user = []  # a user's own file: numpy only, no qkv_drill import in the child
    for seed in range(args.rounds * 2):
        inst = draw(sdpa, seed)
        t0 = time.perf_counter()
        report = grade(USER_SDPA, sdpa, inst.expected)
        user.append(time.perf_counter() - t0)
        assert report.right, report.message
    numpy_times: dict[str, list[float]] = {}
    torch_cold: dict[str, float] = {}
    torch_warm: dict[str, list[float]] = {}
    for q in lp.pack.questions:
        times = []
        for seed in range(args.rounds):
            inst = draw(q, seed)
            t0 = time.perf_counter()
            report = grade(solution_source(q.code), q, inst.expected)
            times.append(time.perf_counter() - t0)
            if not report.right:
                print(f"{q.id}: the reference was not accepted: {report.message}")
                return 1
        if q.code.language == "torch":
            torch_cold[q.id], torch_warm[q.id] = times[0], times[1:]
        else:
            numpy_times[q.id] = times

    print(f"{'exercise':32s} {'n':>3s} {'p50 s':>7s} {'p99 s':>7s} {'max s':>7s}")
    for qid, times in numpy_times.items():
        print(
            f"{qid:32s} {len(times):3d} {pct(times, 0.5):7.3f} {pct(times, 0.99):7.3f} "
            f"{max(times):7.3f}"
        )
    every = [t for ts in numpy_times.values() for t in ts]
    p99 = pct(every, 0.99)
    b50 = pct(base, 0.5)
    print(f"\nbaseline: bare `python -I -c 'import numpy'` child, p50 {b50:.3f} s")
    u99 = pct(user, 0.99)
    print(f"a user's numpy-only sdpa file: p50 {pct(user, 0.5):.3f} s, p99 {u99:.3f} s")
    print(f"all numpy exercises: p99 {p99:.3f} s = {p99 / b50:.1f}x the bare child")
    print(f"\n{'torch exercise':32s} {'cold s':>7s} {'warm p50':>8s} {'warm p99':>8s}")
    for qid, cold in torch_cold.items():
        warm = torch_warm[qid]
        print(f"{qid:32s} {cold:7.3f} {pct(warm, 0.5):8.3f} {pct(warm, 0.99):8.3f}", flush=True)
    summary(
        "grading p99, a user's numpy sdpa file (child start + numpy import + 8 cases)",
        f"{u99 * 1000:.0f} ms ({u99 / b50:.1f}x a bare numpy child)",
        f"< {TARGET_S * 1000:.0f} ms",
        u99 < TARGET_S,
    )
    summary(
        "grading p99, every numpy exercise via the engine's reference (upper bound)",
        f"{p99 * 1000:.0f} ms ({p99 / b50:.1f}x a bare numpy child)",
        f"< {TARGET_S * 1000:.0f} ms",
        p99 < TARGET_S,
    )
    colds = list(torch_cold.values())
    warms = [t for ts in torch_warm.values() for t in ts]
    if colds and warms:
        summary(
            "grading, torch exercises: cold / warm p99",
            f"{max(colds) * 1000:.0f} ms / {pct(warms, 0.99) * 1000:.0f} ms",
            "reported",
            True,
        )
    return 0 if u99 < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
