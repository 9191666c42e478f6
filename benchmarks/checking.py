"""Answer-check latency per question type, and the torch backend cold and warm.

Checks run on many instances from the shipped packs (the session fixture pack when none ship),
right and wrong answers alternating. Target: p99 under 20 ms once warm.

    .venv/bin/python benchmarks/checking.py [--instances N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from summary import summary

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing
FIXTURE = ROOT / "tests" / "session" / "fixtures" / "mini.yaml"
TYPES = ("numeric", "shape", "matrix", "choice", "multi", "text")
TARGET_MS = 20.0


def typed(inst, good: bool) -> str:
    """A right or a wrong answer as a person would type it."""
    kind = inst.question.type
    if kind == "choice":
        pick = inst.expected if good else (inst.expected + 1) % len(inst.options)
        return chr(97 + pick)
    if kind == "multi":
        picks = sorted(inst.expected) if good else [0]
        return " ".join(chr(97 + i) for i in picks)
    if kind == "text":
        return "The query is what a position looks for; scores are scaled by 1/sqrt(d_k)."
    if good:
        return inst.expected_display
    return "1" if kind == "numeric" else "(1, 1)" if kind == "shape" else "[[0, 0], [0, 0]]"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def check_latency(n_instances: int) -> tuple[str, dict[str, list[float]]]:
    from qkv_drill.packs.check import check
    from qkv_drill.packs.instance import draw
    from qkv_drill.packs.loader import load_packs

    packset = load_packs(include_user=False)
    source = "shipped packs"
    if not packset.questions:
        packset = load_packs(extra=[FIXTURE], include_shipped=False, include_user=False)
        source = "fixture pack"
    by_type = defaultdict(list)
    for q in packset.questions.values():
        by_type[q.type].append(q)
    times: dict[str, list[float]] = {}
    for kind in TYPES:
        questions = by_type.get(kind, [])
        if not questions:
            continue
        samples = []
        for k in range(n_instances):
            inst = draw(questions[k % len(questions)], 1000 + k)
            text = typed(inst, k % 2 == 0)
            t0 = time.perf_counter()
            check(inst, text)
            samples.append((time.perf_counter() - t0) * 1000)
        times[kind] = samples
    n_q = sum(len(v) for v in by_type.values())
    return f"{source}: {n_q} questions", times


def torch_times(warm_runs: int = 300) -> tuple[float, list[float], list[float]] | None:
    """Cold (import + first call), then warm with torch's default threads and with one thread
    (tiny matrices gain nothing from a thread pool, which stalls on a busy machine)."""
    import numpy as np

    already = "torch" in sys.modules
    try:
        t0 = time.perf_counter()
        from qkv_drill.engine.backends import get_backend

        backend = get_backend("torch")
        rng = np.random.default_rng(0)
        q, k, v = (rng.standard_normal((8, 64)) for _ in range(3))  # (T, hs)
        backend.attention(q, k, v, causal=True)
        cold = (time.perf_counter() - t0) * 1000
    except ImportError as e:
        print(f"torch backend unavailable: {e}")
        return None
    if already:
        print("(torch was already imported: the cold figure excludes the import)")

    def warm() -> list[float]:
        out = []
        for _ in range(warm_runs):
            t0 = time.perf_counter()
            backend.attention(q, k, v, causal=True)
            out.append((time.perf_counter() - t0) * 1000)
        return out

    default = warm()
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    single = warm()
    torch.set_num_threads(threads)
    return cold, default, single


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=300, help="instances per type")
    args = parser.parse_args(argv)

    source, times = check_latency(args.instances)
    print(f"Answer checking ({source}; {args.instances} instances per type, ms)")
    print(f"{'type':<10}{'n':>6}{'p50':>10}{'p99':>10}{'max':>10}  target p99 < {TARGET_MS:g}")
    worst = 0.0
    for kind, samples in times.items():
        p50, p99 = statistics.median(samples), pct(samples, 0.99)
        worst = max(worst, p99)
        ok = "ok" if p99 < TARGET_MS else "SLOW"
        print(f"{kind:<10}{len(samples):>6}{p50:>10.3f}{p99:>10.3f}{max(samples):>10.3f}  {ok}")

    result = torch_times()
    if result is not None:
        cold, default, single = result
        print()
        print("torch backend, attention on (8, 64), causal (ms)")
        print(f"{'cold (import + first call)':<34}{cold:>10.1f}")
        for label, samples in (("default threads", default), ("one thread", single)):
            print(f"{'warm p50, ' + label:<34}{statistics.median(samples):>10.3f}")
            print(f"{'warm p99, ' + label:<34}{pct(samples, 0.99):>10.3f}")
    summary(
        "answer check p99, worst type", f"{worst:.2f} ms", f"< {TARGET_MS:g} ms", worst < TARGET_MS
    )
    if result is not None:
        warm99 = pct(single, 0.99)
        summary(
            "torch cold start / warm p99",
            f"{cold:.0f} ms / {warm99:.2f} ms",
            f"warm < {TARGET_MS:g} ms",
            warm99 < TARGET_MS,
        )
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
