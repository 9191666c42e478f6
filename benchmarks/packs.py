"""Pack loading cost: plain YAML parsing vs loading with positions and full validation.

Generates 1,000 / 10,000 / 50,000-question packs (a mix of every question type, with
parameters) in a temporary folder and times, for each, the best of a few runs of:
  - `yaml.load` with the same loader class the packs use (libyaml's CSafeLoader when present),
    with the garbage collector on and off (the loader turns it off while building),
  - `load_pack_file`: compose, build values, validate every question, build the model.
Target: load-and-validate within 2x of the plain parse, and linear growth with size.

Run: .venv/bin/python benchmarks/packs.py [--sizes 1000 10000 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from summary import summary

from qkv_drill.packs.loader import load_pack_file
from qkv_drill.packs.yamlsource import LOADER_NAME, Limits, Loader

QUESTIONS = [
    """\
  - id: bench.q{i}.head-dim
    topic: shapes
    difficulty: easy
    type: numeric
    prompt: A layer has d_model = {{d_model}} and {{heads}} heads. What is d_k?
    explanation: The heads split the model width, d_k = d_model / heads.
    hints: [Divide the width between the heads.]
    tags: [heads, bench]
    params:
      d_model: [256, 512, 768, 1024]
      heads: [4, 8, 16]
    constraints:
      - {{divisible: [d_model, heads]}}
    answer:
      compute: head_dim
    misconceptions: [no_head_split]
""",
    """\
  - id: bench.q{i}.kv
    topic: cost
    difficulty: hard
    type: numeric
    prompt: "{{model}}: bytes of KV cache for {{seq}} tokens in fp16?"
    explanation: 2 x layers x kv_heads x head_dim x bytes x seq.
    params:
      model: {{config: [llama2-7b, llama2-70b, gpt2-small]}}
      seq: {{range: [512, 4096], step: 512}}
    derive:
      head_dim: d_model / heads
    answer:
      compute: kv_cache
      tolerance: {{abs: 0, rel: 0.001}}
    misconceptions: [kv_only_one, forgot_layers, kv_ignores_gqa]
""",
    """\
  - id: bench.q{i}.weights
    topic: scaling
    difficulty: medium
    type: matrix
    prompt: |
      Q = {{Q}}
      K = {{K}}
      Give softmax(Q K^T / sqrt(d_k)).
    explanation: Scale, then softmax each row.
    params:
      T: {{range: [2, 3]}}
      Q: {{matrix: [T, 2], values: [-2, 2]}}
      K: {{matrix: [T, 2], values: [-2, 2]}}
    answer:
      compute: attention_weights
      args: {{causal: true}}
      tolerance: {{abs: 0.01}}
    misconceptions: [no_scaling, no_causal_mask, softmax_wrong_axis]
""",
    """\
  - id: bench.q{i}.shape
    topic: shapes
    difficulty: medium
    type: shape
    prompt: Shape of Q after the head split, batch {{batch}}, seq {{seq}}?
    explanation: (batch, heads, seq, head_dim).
    params:
      batch: [2, 4]
      seq: {{range: [4, 32]}}
      d_model: [512]
      heads: [8]
    answer:
      compute: shape
      args: {{which: q_heads}}
    misconceptions: [forgot_batch, no_head_split]
""",
    """\
  - id: bench.q{i}.choice
    topic: scaling
    difficulty: easy
    type: choice
    prompt: What are the scores divided by?
    explanation: sqrt(d_k) restores unit variance.
    options:
      - text: sqrt(d_k)
        correct: true
      - text: d_k
        why: Over-shrinks.
        misconception: scale_by_dk
      - text: nothing
""",
    """\
  - id: bench.q{i}.multi
    topic: roles
    difficulty: easy
    type: multi
    prompt: Which come from X in self-attention?
    explanation: All three.
    options:
      - {{text: Q, correct: true}}
      - {{text: K, correct: true}}
      - {{text: V, correct: true}}
      - {{text: the mask}}
""",
    """\
  - id: bench.q{i}.text
    topic: roles
    difficulty: medium
    type: text
    prompt: Explain Q, K and V.
    explanation: Three projections with three jobs.
    model_answer: Q asks, K offers, V carries the content.
    rubric:
      - point: Q is what a position looks for
        keywords: [looking for, query]
      - point: K is what it offers
        keywords: [offer, key]
""",
]


def write_pack(folder: Path, n: int) -> Path:
    parts = [f"pack:\n  id: bench-{n}\n  title: Benchmark {n}\n  version: 1\nquestions:\n"]
    parts += [QUESTIONS[i % len(QUESTIONS)].format(i=i) for i in range(n)]
    path = folder / f"bench-{n}.yaml"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def interleaved(repeat: int, plain, full) -> tuple[float, float, float]:
    """Best times of plain (gc on), plain (gc off) and full, run in turn so that load from
    other processes on the machine hits all three alike."""
    best = [float("inf")] * 3
    for _ in range(repeat):
        best[0] = min(best[0], _time(plain))
        gc.disable()
        try:
            best[1] = min(best[1], _time(plain))
        finally:
            gc.enable()
        best[2] = min(best[2], _time(full))
    return best[0], best[1], best[2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    limits = Limits(max_bytes=1 << 30)  # the 5 MB file limit would refuse the bigger packs
    print(f"YAML loader for both columns: {LOADER_NAME}")
    print(
        f"{'questions':>9}  {'MB':>5}  {'safe_load s':>11}  {'(gc off) s':>10}  "
        f"{'load+validate s':>15}  {'ratio':>5}  {'growth (load+validate)':>22}"
    )
    print("ratio = load+validate / the faster safe_load column")
    prev = None
    worst, growths = 0.0, []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = write_pack(Path(tmp), n)
            mb = path.stat().st_size / 1e6

            def plain(path=path):
                return yaml.load(path.read_bytes().decode("utf-8"), Loader=Loader)

            def full(path=path, n=n):
                lp = load_pack_file(path, limits=limits)
                assert lp.pack is not None and len(lp.pack.questions) == n, lp.issues[:3]

            t_plain, t_plain_nogc, t_full = interleaved(args.repeat, plain, full)
            growth = ""
            if prev:
                pn, pt = prev
                growth = f"x{t_full / pt:.1f} for x{n / pn:.0f} questions"
            ratio = t_full / min(t_plain, t_plain_nogc)
            print(
                f"{n:>9}  {mb:>5.1f}  {t_plain:>11.3f}  {t_plain_nogc:>10.3f}  "
                f"{t_full:>15.3f}  {ratio:>5.2f}  {growth:>22}"
            )
            prev = (n, t_full)
            worst = max(worst, ratio)
            growths.append(t_full / (n / args.sizes[0]))
    linear = max(growths) <= 2 * min(growths)  # time per question stays within a factor of 2
    summary(
        f"packs load+validate / yaml parse, {args.sizes[0]:,}-{args.sizes[-1]:,} q",
        f"worst {worst:.2f}x",
        "<= 2x",
        worst <= 2,
    )
    summary(
        "packs growth, time per question",
        f"{min(growths) / args.sizes[0] * 1e6:.0f}-{max(growths) / args.sizes[0] * 1e6:.0f} us",
        "linear",
        linear,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
