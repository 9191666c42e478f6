"""Time the numpy reference `attention` against torch's CPU `scaled_dot_product_attention`.

Same float32 inputs, calls interleaved so that load from elsewhere on the machine hits both sides
alike. The engine's job is exact, readable answers at interview sizes, so the target is a latency:
every interview-sized case (seq 2 to 64) within the 20 ms answer-check budget. The ratio to torch
is printed for information, with larger sequences for context; matching torch at seq 1024 is not
a goal (the reference is plain numpy on purpose).

    python benchmarks/engine.py [--causal] [--repeats N] [--blas-threads N]

torch gets the machine's cores (torch.set_num_threads), and so does numpy's BLAS unless
--blas-threads says otherwise (it reads the count from the environment at import): the same
threads on both sides. On a busy machine use --blas-threads 1: a multi-threaded OpenBLAS that
spin-waits collapses when other processes hold the cores (tens of times slower).

Shape legend: B batch, H heads, T sequence length, hs head size (d_k).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from summary import summary

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1])
)  # run from a checkout, installed or not

CASES = [(2, 4), (8, 4), (16, 8), (64, 8), (512, 8), (1024, 8)]  # (seq, heads)
INTERVIEW_SEQ = 64  # cases up to here are what questions ask; larger ones are context
D_K = 64
TARGET_MS = 20.0
BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def paired_times(fn_a, fn_b, repeats: int, warmups: int = 3) -> tuple[float, float]:
    """Median wall times (s) of `fn_a()` and `fn_b()`, calls interleaved after warm-ups."""
    for _ in range(warmups):
        fn_a()
        fn_b()
    times_a, times_b = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn_a()
        t1 = time.perf_counter()
        fn_b()
        t2 = time.perf_counter()
        times_a.append(t1 - t0)
        times_b.append(t2 - t1)
    return statistics.median(times_a), statistics.median(times_b)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e3:9.3f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:9.1f} us"


def main(argv: list[str] | None = None) -> int:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--causal", action="store_true", help="time causal attention instead")
    parser.add_argument(
        "--blas-threads", type=int, default=cores, help="numpy's BLAS threads (default: cores)"
    )
    args = parser.parse_args(argv)
    for name in BLAS_ENV:  # must be set before numpy is imported
        os.environ[name] = str(args.blas_threads)

    import numpy as np
    import torch
    import torch.nn.functional as F

    from qkv_drill.engine import attention

    torch.set_num_threads(cores)
    mode = "causal" if args.causal else "no mask"
    print(
        f"numpy {np.__version__} ({args.blas_threads} BLAS threads), torch {torch.__version__} "
        f"({torch.get_num_threads()} threads), float32, {mode}, load {os.getloadavg()[0]:.1f}"
    )
    header = f"{'case (B, H, T, hs)':<22}{'numpy':>13}{'torch SDPA':>13}{'numpy/torch':>13}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    slowest = 0.0
    rng = np.random.default_rng(0)
    for seq, heads in CASES:
        shape = (1, heads, seq, D_K)  # (B, H, T, hs)
        q, k, v = (rng.standard_normal(shape, dtype=np.float32) for _ in range(3))
        tq, tk, tv = (torch.from_numpy(a) for a in (q, k, v))
        repeats = args.repeats if seq <= 512 else max(5, args.repeats // 2)

        def run_numpy(q=q, k=k, v=v):
            return attention(q, k, v, causal=args.causal)

        def run_torch(tq=tq, tk=tk, tv=tv):
            with torch.inference_mode():
                return F.scaled_dot_product_attention(tq, tk, tv, is_causal=args.causal)

        np.testing.assert_allclose(run_numpy()[0], run_torch().numpy(), rtol=1e-4, atol=1e-4)
        t_np, t_torch = paired_times(run_numpy, run_torch, repeats)
        ratio = t_np / t_torch
        if seq <= INTERVIEW_SEQ:
            worst = max(worst, ratio)
            slowest = max(slowest, t_np)
        print(f"{shape!s:<22}{_fmt(t_np):>13}{_fmt(t_torch):>13}{ratio:>12.2f}x")
    met = slowest * 1e3 < TARGET_MS
    print(
        f"interview sizes (seq <= {INTERVIEW_SEQ}): slowest {_fmt(slowest).strip()}, "
        f"worst {worst:.2f}x torch; target < {TARGET_MS:g} ms -> {'met' if met else 'NOT met'}"
    )
    summary(
        f"engine numpy attention, seq 2-{INTERVIEW_SEQ}, {mode} (x torch SDPA)",
        f"{_fmt(slowest).strip()} ({worst:.2f}x)",
        f"< {TARGET_MS:g} ms",
        met,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
