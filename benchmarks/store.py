"""How the progress store's stats queries scale from 10,000 to 100,000 answers.

Each store holds a history at a steady ~50 answers a day (so 10x the rows is 10x the days, as a
long-time user's file grows), with about one day in ten missed, plus drill cards for 2,000
questions. Rows are bulk-inserted in one transaction for set-up speed; the queries are the real
`Store` methods. Target: every query under 100 ms at 100k, growing far slower than the rows.

    python benchmarks/store.py
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summary import summary

from qkv_drill.store import Store
from qkv_drill.store.store import to_iso

SIZES = (10_000, 100_000)
PER_DAY = 50
CARDS = 2_000
TOPICS = ("shapes", "roles", "scaling", "multihead", "masking", "cross-attention", "cost")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TARGET_MS = 100.0


def fill(store: Store, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    rows = []
    day = 0
    while len(rows) < n:
        if day > 2 and rng.random() < 0.1:  # a missed day now and then
            day += 1
            continue
        for _ in range(min(PER_DAY, n - len(rows))):
            ts = NOW - timedelta(days=day, seconds=rng.randrange(0, 36_000))
            verdict = rng.choices(("correct", "wrong", "skipped"), (6, 3, 1))[0]
            rows.append(
                (
                    to_iso(ts),
                    f"q{rng.randrange(CARDS)}",
                    "core",
                    rng.choice(TOPICS),
                    "easy",
                    "numeric",
                    "{}",
                    rng.randrange(2**31),
                    "64",
                    verdict,
                    rng.choice(("practice", "drill", "mock")),
                )
            )
        day += 1
    conn = store._conn
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO answers (ts_utc, question_id, pack_id, topic, difficulty, qtype,"
        " params_json, seed, answer_text, verdict, mode) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO cards (question_id, card_json, due_utc, updated_utc) VALUES (?,?,?,?)",
        [
            (
                f"q{i}",
                '{"stability": 3.2, "difficulty": 5.1, "state": 2}',
                to_iso(NOW + timedelta(hours=rng.uniform(-24 * 30, 24 * 60))),
                to_iso(NOW),
            )
            for i in range(CARDS)
        ],
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")


def timed(fn: Callable[[], object], repeat: int = 15) -> float:
    fn()  # warm the page cache
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def measure(n: int, folder: Path) -> dict[str, float]:
    store = Store.open(folder / f"progress-{n}.db", tz=UTC)
    fill(store, n)
    today = NOW.date()
    queries: dict[str, Callable[[], object]] = {
        "accuracy_by_topic()": store.accuracy_by_topic,
        "accuracy_by_topic(since=30d)": lambda: store.accuracy_by_topic(
            since=NOW - timedelta(days=30)
        ),
        "recent_accuracy_by_topic(20)": store.recent_accuracy_by_topic,
        "daily_counts(30)": lambda: store.daily_counts(30, today=today),
        "due_cards": lambda: store.due_cards(NOW),
        "due_forecast(14)": lambda: store.due_forecast(NOW, 14),
        "streak": lambda: store.streak(today),
    }
    out = {name: timed(fn) for name, fn in queries.items()}
    out["_streak_days"] = store.streak(today)
    path = store.path
    store.close()
    out["_mb"] = path.stat().st_size / 1e6
    # Opening a cleanly closed file: quick_check reads it all when small, header checks when large.
    out["Store.open + close"] = timed(lambda: Store.open(path).close(), repeat=5)
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        results = {n: measure(n, Path(tmp)) for n in SIZES}
    small, large = (results[n] for n in SIZES)
    print(f"{'query':32} {'10k ms':>9} {'100k ms':>9} {'100k/10k':>9}")
    print("-" * 62)
    slow = []
    for name in small:
        if name.startswith("_"):
            continue
        a, b = small[name], large[name]
        ratio = b / a if a > 0 else float("nan")
        flag = "" if b < TARGET_MS else "  over target"
        if b >= TARGET_MS:
            slow.append(name)
        print(f"{name:32} {a:9.3f} {b:9.3f} {ratio:9.2f}{flag}")
    print("-" * 62)
    print(
        f"file size {small['_mb']:.1f} MB / {large['_mb']:.1f} MB; "
        f"streak {small['_streak_days']:.0f} / {large['_streak_days']:.0f} days; "
        f"rows grew 10.0x; target < {TARGET_MS:.0f} ms per stats query"
    )
    worst_ms = max(v for k, v in large.items() if not k.startswith("_") and "open" not in k)
    growth = max(
        large[k] / small[k]
        for k in small
        if not k.startswith("_") and "open" not in k and small[k] > 0
    )
    summary(
        "store stats + drill queue at 100k answers",
        f"worst {worst_ms:.2f} ms",
        "< 100 ms",
        not slow,
    )
    summary(
        "store growth 10k -> 100k answers",
        f"worst x{growth:.2f}",
        "sub-linear (< x10)",
        growth < 10,
    )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
