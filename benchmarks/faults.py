"""Kill plain practice, drill and mock sessions with SIGKILL many times; count what was lost.

Each mode runs on its own data folder, reused across kills: answers are typed as fast as the
child acknowledges them, and the child is killed at a seeded random moment (one in five on a
clock from start-up, the rest a few milliseconds after an acknowledgement, mid-answer). After
each kill the store must open cleanly and hold every acknowledged answer once; after a mock kill,
`mock --resume` must find every answer and the time left at the last checkpoint.
Target: 0 lost, 0 problems.

    .venv/bin/python benchmarks/faults.py [--kills 50] [--seed 1] [--modes practice drill mock]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from summary import summary  # noqa: E402

from tests.helpers.kill import run_kills  # noqa: E402 - after the path set-up above


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50, help="kills per mode (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill moments")
    parser.add_argument("--modes", nargs="+", default=["practice", "drill", "mock"])
    args = parser.parse_args(argv)

    header = (
        f"{'mode':<9} {'kills':>5} {'acknowledged':>12} {'found':>6} {'lost':>5} "
        f"{'in flight kept':>14} {'problems':>8} {'time':>7}"
    )
    print(header)
    print("-" * len(header))
    failed = False
    kills = acknowledged = lost = 0
    with tempfile.TemporaryDirectory(prefix="qkv-faults-") as tmp:
        for mode in args.modes:
            start = time.perf_counter()
            tally = run_kills(mode, Path(tmp) / mode, args.kills, args.seed)
            took = time.perf_counter() - start
            print(
                f"{mode:<9} {tally.kills:>5} {tally.acknowledged:>12} {tally.found:>6} "
                f"{tally.lost:>5} {tally.in_flight_kept:>14} {len(tally.problems):>8} "
                f"{took:>6.1f}s",
                flush=True,
            )
            for problem in tally.problems:
                print(f"  {problem}", file=sys.stderr)
            failed |= bool(tally.problems) or tally.lost > 0
            kills, acknowledged, lost = (
                kills + tally.kills,
                acknowledged + tally.acknowledged,
                lost + tally.lost,
            )
    print("\n'in flight kept': stored when the kill landed after the commit, before `saved:`.")
    summary(
        f"SIGKILL at random moments, {', '.join(args.modes)}",
        f"{kills} kills, {acknowledged} acknowledged, {lost} lost",
        "0 lost, 0 problems",
        not failed,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
