"""SIGKILL a plain session at random moments: every acknowledged answer survives, and a resumed
mock has the time it had at its last checkpoint."""

from __future__ import annotations

import random
import re
import signal
import time

import pytest

from tests.helpers import REPO
from tests.helpers.answering import right, typed_right
from tests.helpers.kill import Child, seconds

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

FIXTURES = REPO / "tests" / "session" / "fixtures"
BALANCE = FIXTURES / "balance.yaml"
MINI = FIXTURES / "mini.yaml"


def test_killed_mock_resumes_with_every_answer_and_its_time(tmp_path):
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.mock import CHECKPOINT_EVERY_S, MockSession, MockSettings
    from qkv_drill.store import Store

    rng = random.Random(20260105)
    packset = load_packs(extra=[BALANCE])
    for it in range(3):
        seed = rng.randrange(1000)
        settings = MockSettings(minutes=10, questions=6, seed=seed, packs=("balance",))
        instances = MockSession.create(packset, Store.in_memory(), settings).instances
        home = tmp_path / f"home{it}"
        child = Child(
            home,
            [
                *("--pack", str(BALANCE), "mock", "--plain", "--seed", str(seed)),
                *("--questions", "6", "--minutes", "10", "--pack-id", "balance"),
            ],
        )
        acked: dict[int, str] = {}
        left = 600
        for idx in range(rng.randint(1, 4)):
            child.send(typed_right(instances[idx]))
            m = child.expect(r"saved: question (\d+) \(\d+/6 answered, (\d\d:\d\d) left\)")
            assert int(m.group(1)) == idx + 1
            acked[idx] = right(instances[idx])
            left = seconds(m.group(2))
            time.sleep(rng.uniform(0, 0.3))
        # One more answer in flight: the kill may land before, during or after it is stored.
        nxt = len(acked)
        child.send(typed_right(instances[nxt]))
        time.sleep(rng.uniform(0, 0.05))
        child.kill()

        store = Store.open(home / "progress.db")
        row = store.unfinished_mock()
        assert row is not None
        saved = store.mock_answers(row.id)
        for idx, text in acked.items():
            assert saved[idx].answer_text == text
        assert set(saved) <= {*acked, nxt}
        remaining = 600 - row.used_s
        # Each answer checkpoints the clock; at most the in-flight one moved it on since.
        assert left - CHECKPOINT_EVERY_S - 1 <= remaining <= left + 1
        store.close()

        again = Child(home, ["--pack", str(BALANCE), "mock", "--plain", "--resume"])
        m = again.expect(r"Resumed interview \d+: (\d+) of 6 answered, (\d\d:\d\d) left")
        assert int(m.group(1)) == len(saved)
        assert abs(seconds(m.group(2)) - remaining) <= 1
        again.send(":quit\n")
        again.expect("Interview paused")
        again.proc.wait(timeout=10)


def test_killed_practice_keeps_every_acknowledged_answer(tmp_path):
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.filters import Filter
    from qkv_drill.session.practice import PracticeSession
    from qkv_drill.store import Store

    rng = random.Random(7)
    packset = load_packs(extra=[MINI])
    for it in range(2):
        seed = rng.randrange(1000)
        preview = PracticeSession(
            packset, Store.in_memory(), Filter(packs=frozenset({"mini"})), seed=seed
        )
        home = tmp_path / f"home{it}"
        child = Child(
            home,
            ["--pack", str(MINI), "practice", "--plain", "--seed", str(seed), "--pack-id", "mini"],
        )
        acked = []
        for _ in range(rng.randint(2, 5)):
            inst = preview.next()
            if inst.question.type == "text":
                child.send(right(inst) + "\n\n1 2 3\n")
            else:
                child.send(right(inst) + "\n")
            child.expect(rf"saved: correct {re.escape(inst.question.id)}")
            acked.append(inst.question.id)
        time.sleep(rng.uniform(0, 0.2))
        child.kill()
        store = Store.open(home / "progress.db")
        rows = list(store.iter_answers())
        assert [r.question_id for r in rows] == acked
        assert {r.verdict for r in rows} == {"correct"}
        store.close()
