"""SIGKILL practice, drill and mock at seeded random moments, many times on one data folder:
every acknowledged answer is stored, nothing twice, and the file opens cleanly every time.

QKV_KILL_ITERATIONS sets the kills per mode (default 10); `benchmarks/faults.py` runs more.
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.kill import run_kills

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

ROUNDS = int(os.environ.get("QKV_KILL_ITERATIONS", "10"))
SEEDS = {"practice": 20261128, "drill": 11, "mock": 5}


@pytest.mark.parametrize("mode", ["practice", "drill", "mock"])
def test_random_kills_lose_no_acknowledged_answer(tmp_path, mode):
    tally = run_kills(mode, tmp_path / "home", ROUNDS, SEEDS[mode])
    assert tally.problems == []
    assert tally.rounds == ROUNDS
    assert tally.kills == ROUNDS  # each round ended by the signal, never by running dry
    assert tally.acknowledged >= ROUNDS  # answers were in flight, not just start-ups killed
    assert tally.found == tally.acknowledged
    assert tally.in_flight_kept <= tally.kills  # at most the one answer under way per kill


def test_random_kills_behind_a_slow_writer_lose_no_acknowledged_answer(tmp_path):
    """The mock's saves go to the store's writer thread; with every write slowed, kills land
    between a save being issued and written: still no answer said to be saved is lost, and at
    most the one under way is kept without its acknowledgement."""
    from tests.helpers.kill import SLOW_WRITER, run_mock_kills

    tally = run_mock_kills(tmp_path / "home", ROUNDS, 23, shim=SLOW_WRITER)
    assert tally.problems == []
    assert tally.rounds == tally.kills == ROUNDS
    assert tally.acknowledged >= ROUNDS
    assert tally.found == tally.acknowledged
    assert tally.in_flight_kept <= tally.kills


KILLED_AT_HAND_IN = """
import os, signal, sys
from qkv_drill.store import Store

# The process dies the moment the graded interview would be marked finished.
Store.finish_mock = lambda self, *a, **k: os.kill(os.getpid(), signal.SIGKILL)
from qkv_drill.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_kill_while_handing_in_a_mock_records_each_answer_once(tmp_path):
    from qkv_drill.store import Store
    from tests.helpers.answering import typed_right
    from tests.helpers.kill import PACK, PACK_ID, Child, MockRounds

    home = tmp_path / "home"
    seed, n = 17, 6
    instances = MockRounds(home, 0).instances(seed)
    args = ["--pack", str(PACK), "mock", "--plain", "--seed", str(seed), "--pack-id", PACK_ID]
    args += ["--questions", str(n), "--minutes", "30"]
    answers = "".join(typed_right(inst) for inst in instances) + ":finish\n1 2 3\n"
    killed = run_cli(*args, home=home, input=answers, shim=KILLED_AT_HAND_IN, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    again = Child(home, ["--pack", str(PACK), "mock", "--plain", "--resume"])
    assert again.wait_for(r"Resumed interview \d+: 6 of 6 answered") is not None
    again.send(":finish\n1 2 3\n")
    assert again.proc.stdin is not None
    again.proc.stdin.close()
    assert again.finish() == 0
    with Store.open(home / "progress.db") as s:
        (mock,) = s.mock_history()
        graded = [r for r in s.iter_answers(mode="mock") if r.mock_id == mock.id]
    assert len(graded) == n  # each question of the interview once in the history
