"""Run every benchmark in one go and print their tables.

Each script measures a ratio against a baseline taken in the same run (a minimal Textual app,
plain yaml parsing, torch's own attention), so the figures hold on a noisy machine.

    python benchmarks/run_all.py            # all of them
    python benchmarks/run_all.py engine     # just some
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["startup", "checking", "packs", "store", "engine"]


def main(argv: list[str]) -> int:
    wanted = argv or ORDER
    failed = []
    for name in wanted:
        script = HERE / f"{name}.py"
        print(f"\n## {name}  (python benchmarks/{name}.py)\n", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)])
        print(f"[{name}: {time.perf_counter() - t0:.1f} s, exit {rc}]", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
