"""`qkv-drill stats [--json]`: the stats screen's numbers for the shell and for scripts.

The JSON keys are a small stable contract (`format` is bumped if one ever changes meaning).
Reading stats never creates a progress file: with none yet, everything is zero.
"""

from __future__ import annotations

import json
import sys

from qkv_drill.session.stats import StatsSnapshot

JSON_FORMAT = 1


def stats_dict(snap: StatsSnapshot) -> dict[str, object]:
    def ratio(c: int, n: int) -> float | None:
        return round(c / n, 4) if n else None

    return {
        "format": JSON_FORMAT,
        "taken_utc": snap.taken_utc.isoformat(),
        "answers": snap.total_answers,
        "correct": snap.total_correct,
        "accuracy": ratio(snap.total_correct, snap.total_answers),
        "streak_days": snap.streak,
        "cards": snap.cards,
        "due_now": snap.due_now,
        "topics": {
            t: {"answers": n, "correct": c, "accuracy": ratio(c, n)}
            for t, (c, n) in snap.by_topic.items()
        },
        "due_next_14_days": [{"date": d.isoformat(), "due": n} for d, n in snap.due_forecast],
        "daily_last_30_days": [
            {"date": d.isoformat(), "answers": n, "correct": c} for d, c, n in snap.daily
        ],
    }


def run_stats(*, as_json: bool = False) -> int:
    """`qkv-drill stats [--json]`."""
    from qkv_drill import paths
    from qkv_drill.store import Store

    path = paths.progress_db_path()

    def warn(text: str) -> None:
        print(f"warning: {text}", file=sys.stderr)

    store = Store.open(path, on_warning=warn) if path.exists() else Store.in_memory()
    try:
        snap = StatsSnapshot.build(store)
    finally:
        store.close()
    if as_json:
        json.dump(stats_dict(snap), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(snap.to_text())
    return 0
