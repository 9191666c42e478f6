"""Run every benchmark in one go: each prints its own table, then one closing table of the
headline figures against their targets.

Each script measures a ratio against a baseline taken in the same run (a minimal Textual app,
plain yaml parsing, torch's own attention), so the figures hold on a noisy machine.

    python benchmarks/run_all.py            # all of them (about 8 minutes on 2 cores)
    python benchmarks/run_all.py engine     # just some
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from summary import PREFIX

HERE = Path(__file__).resolve().parent
ORDER = [
    "startup",
    "checking",
    "hostile_answers",
    "exercises",
    "packs",
    "bounded",
    "store",
    "engine",
    "faults",
]


def run(name: str) -> tuple[int, list[list[str]]]:
    """Stream one script's output through, keeping its summary lines for the closing table."""
    rows = []
    proc = subprocess.Popen(
        [sys.executable, str(HERE / f"{name}.py")], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(PREFIX):
            rows.append([name, *line.removeprefix(PREFIX).rstrip("\n").split("|")])
        else:
            print(line, end="", flush=True)
    return proc.wait(), rows


def main(argv: list[str]) -> int:
    table: list[list[str]] = []
    failed = []
    for name in argv or ORDER:
        print(f"\n## {name}  (python benchmarks/{name}.py)\n", flush=True)
        t0 = time.perf_counter()
        rc, rows = run(name)
        table.extend(rows)
        print(f"[{name}: {time.perf_counter() - t0:.0f} s]", flush=True)
        if rc:
            failed.append(name)

    header = ["bench", "figure", "measured", "target", "verdict"]
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
    print("\n## summary\n")
    for row in [header, ["-" * w for w in widths], *table]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if failed:
        print(f"\nscripts that reported a missed target: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
