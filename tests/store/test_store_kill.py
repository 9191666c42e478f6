"""A process killed with SIGKILL never loses an answer it reported as recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from qkv_drill.store import Store

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    from qkv_drill.store import AnswerRecord, Store

    store = Store.open(sys.argv[1])
    assert store.persistent, store.warnings
    for i in range(100_000):
        store.record_answer(
            AnswerRecord("q", "core", "shapes", "easy", "numeric", "{}", i, str(i), "correct")
        )
        print(f"recorded {i + 1}", flush=True)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("target", [1, 17, 60])
def test_sigkill_right_after_recorded_loses_nothing(tmp_path, target):
    path = tmp_path / "progress.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 8
    seen = 0
    try:
        assert child.stdout is not None
        for line in child.stdout:
            seen = int(line.split()[1])
            if seen >= target:
                child.send_signal(signal.SIGKILL)  # mid-way through the next answer
                break
            assert time.monotonic() < deadline, "child too slow"
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=5)
    assert seen == target, child.stderr.read() if child.stderr else ""
    assert child.returncode == -signal.SIGKILL

    with Store.open(path) as s:
        assert s.persistent and s.warnings == []
        texts = [int(r.answer_text) for r in s.iter_answers()]
    assert texts[:target] == list(range(target))  # every reported answer, in order
    assert texts == list(range(len(texts)))  # and nothing half-written after them
