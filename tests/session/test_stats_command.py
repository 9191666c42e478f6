"""`qkv-drill stats --json`, end to end in a fresh process on a temporary data folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qkv_drill import paths
from qkv_drill.store import AnswerRecord, Store
from tests.helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]


def answer(store: Store, topic: str, verdict: str) -> None:
    store.record_answer(
        AnswerRecord(f"{topic}.q", "core", topic, "easy", "numeric", "{}", 1, "1", verdict)
    )


def test_stats_json_totals_topics_and_due_counts():
    now = datetime.now(UTC)
    with Store.open(paths.progress_db_path()) as store:
        for verdict in ("correct", "correct", "wrong", "skipped"):
            answer(store, "shapes", verdict)
        answer(store, "scaling", "wrong")
        store.put_card("shapes.q", "{}", now - timedelta(hours=1))
        store.put_card("scaling.q", "{}", now - timedelta(minutes=5))
        store.put_card("roles.q", "{}", now + timedelta(days=3))
    done = run_cli("stats", "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["format"] == 1
    # a skipped answer counts nowhere
    assert (stats["answers"], stats["correct"], stats["accuracy"]) == (4, 2, 0.5)
    assert stats["topics"] == {
        "scaling": {"answers": 1, "correct": 0, "accuracy": 0.0},
        "shapes": {"answers": 3, "correct": 2, "accuracy": 0.6667},
    }
    assert (stats["cards"], stats["due_now"], stats["streak_days"]) == (3, 2, 1)
    forecast = {d["date"]: d["due"] for d in stats["due_next_14_days"]}
    today = now.astimezone().date()  # local days, as the stats screen shows them
    in_three_days = (now + timedelta(days=3)).astimezone().date()
    assert len(forecast) == 14 and next(iter(forecast)) == today.isoformat()
    assert forecast[today.isoformat()] == 2  # overdue cards count as today
    assert forecast[in_three_days.isoformat()] == 1
    assert sum(forecast.values()) == 3
    assert stats["daily_last_30_days"][-1]["answers"] == 4


def test_stats_with_no_progress_is_zero_and_creates_nothing():
    done = run_cli("stats", "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert (stats["answers"], stats["accuracy"], stats["cards"]) == (0, None, 0)
    assert stats["topics"] == {} and stats["due_now"] == 0
    assert not paths.progress_db_path().exists()


def test_stats_plain_text():
    with Store.open(paths.progress_db_path()) as store:
        answer(store, "roles", "correct")
    done = run_cli("stats")
    assert done.returncode == 0, done.stderr
    assert "answers: 1, 100% correct" in done.stdout
    assert "roles: 1/1" in done.stdout
