"""Warm children: a pre-started child grades exactly as a cold one, serves one job, never outlives
the app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from qkv_drill.exercises.checker import grade
from qkv_drill.exercises.runner import LIMITS, Limits, run_code
from qkv_drill.exercises.warm import POOL, Claim, WarmPool
from tests.helpers.implement import instance

RIGHT = """
import numpy as np

def attention(q, k, v):
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
"""
UNSCALED = RIGHT.replace(" / np.sqrt(q.shape[-1])", "")
ENDLESS = "def attention(q, k, v):\n    while True:\n        pass\n"
CRASH = "import os\ndef attention(q, k, v):\n    os._exit(3)\n"
SHORT = Limits(wall_s=2.0, memory_mb=2048)
READY_S = 120  # generous: the machine may be loaded


def warm_then_grade(code: str, qid: str = "implement.sdpa"):
    inst = instance(qid)
    waiting = POOL.prestart(inst.question.code.language)
    assert waiting is not None and waiting.wait_ready(READY_S)
    report = grade(textwrap.dedent(code), inst.question, inst.expected)
    assert POOL.waiting() == [], "the waiting child was not used"
    assert waiting.proc.poll() is not None, "a warm child serves one job and ends"
    assert not waiting.dir.exists()
    return report


def cold_grade(code: str, qid: str = "implement.sdpa"):
    POOL.shutdown()
    inst = instance(qid)
    return grade(textwrap.dedent(code), inst.question, inst.expected)


def same(warm, cold):
    assert (warm.outcome, warm.message, warm.misconception, warm.passed, warm.line) == (
        cold.outcome,
        cold.message,
        cold.misconception,
        cold.passed,
        cold.line,
    )


def test_a_correct_solution_is_right_warm_as_cold():
    warm, cold = warm_then_grade(RIGHT), cold_grade(RIGHT)
    assert warm.right
    same(warm, cold)


def test_a_named_bug_is_named_warm_as_cold():
    warm, cold = warm_then_grade(UNSCALED), cold_grade(UNSCALED)
    assert warm.outcome == "wrong_values" and warm.misconception is not None
    assert warm.misconception.name == "no_scaling"
    same(warm, cold)


def test_a_crash_is_a_crash_warm_as_cold():
    warm, cold = warm_then_grade(CRASH), cold_grade(CRASH)
    assert warm.outcome == "crashed" and "exit code 3" in warm.message
    same(warm, cold)


def test_an_endless_loop_times_out_warm_as_cold():
    cases = instance("implement.sdpa").expected.inputs
    POOL.prestart("numpy", limits=SHORT).wait_ready(READY_S)
    warm = run_code(ENDLESS, function="attention", language="numpy", cases=cases, limits=SHORT)
    cold = run_code(ENDLESS, function="attention", language="numpy", cases=cases, limits=SHORT)
    assert warm.warm and not cold.warm
    assert warm.status == cold.status == "timeout"
    assert warm.message == cold.message and "within 2 s" in warm.message


def test_the_warm_child_sees_the_same_directory_and_environment_as_a_cold_one():
    probe = """
        import os, sys, numpy as np
        def attention(q, k, v):
            ok = (
                sorted(os.listdir("."))
                == ["harness.py", "inputs.npz", "job.json", "printed.txt", "solution.py"]
                and os.environ["HOME"] == os.getcwd()
                and "PYTHONPATH" not in os.environ
                and sys.stdin.read() == ""
                and sys.flags.isolated
            )
            return np.array(ok)
        """
    cases = instance("implement.sdpa").expected.inputs
    code = textwrap.dedent(probe)
    POOL.prestart("numpy").wait_ready(READY_S)
    warm = run_code(code, function="attention", language="numpy", cases=cases)
    cold = run_code(code, function="attention", language="numpy", cases=cases)
    assert warm.warm and not cold.warm
    for run in (warm, cold):
        assert run.status == "ok" and all(bool(o[0]) for o in run.outputs), run.message


def test_the_warm_child_has_the_same_limits():
    big = "import numpy as np\ndef attention(q, k, v):\n    return np.ones((30000, 30000))\n"
    warm, cold = warm_then_grade(big), cold_grade(big)
    assert warm.outcome == "exception"
    assert f"out of memory (the limit is {LIMITS['numpy'].memory_mb} MB)" in warm.message
    same(warm, cold)


def test_a_file_importing_torch_in_a_numpy_exercise_does_not_take_the_numpy_child():
    cases = instance("implement.sdpa").expected.inputs
    POOL.prestart("numpy").wait_ready(READY_S)
    code = "if False:\n    import torch\n" + textwrap.dedent(RIGHT)  # torch's limits, no import
    run = run_code(code, function="attention", language="numpy", cases=cases)
    assert run.status == "ok", run.message
    assert not run.warm
    assert len(POOL.waiting()) == 1  # still there for a file that needs only numpy


def test_a_dead_waiting_child_falls_back_to_a_cold_run():
    waiting = POOL.prestart("numpy")
    assert waiting is not None
    os.killpg(waiting.proc.pid, signal.SIGKILL)
    waiting.proc.wait()
    report = grade(textwrap.dedent(RIGHT), *astuple("implement.sdpa"))
    assert report.right


def astuple(qid: str):
    inst = instance(qid)
    return inst.question, inst.expected


def test_a_released_claim_kills_its_child_and_refuses_late_starts():
    pool = WarmPool()
    claim = Claim()
    waiting = pool.prestart("numpy", claim)
    assert waiting is not None
    pool.release(claim)
    assert waiting.proc.poll() is not None and not waiting.dir.exists()
    assert pool.prestart("numpy", claim) is None  # a worker that started late starts nothing
    assert pool.waiting() == []


def test_a_waiting_child_ends_by_itself_when_the_app_is_killed(tmp_path: Path):
    script = textwrap.dedent(
        """
        import time
        from qkv_drill.exercises.warm import POOL
        c = POOL.prestart("numpy")
        assert c.wait_ready(120)
        print(c.proc.pid, c.dir, flush=True)
        time.sleep(300)
        """
    )
    app = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert app.stdout is not None
        pid, folder = app.stdout.readline().split()
        assert running(int(pid)) and Path(folder).is_dir()
        app.kill()  # SIGKILL: no atexit, no cleanup; only the closed pipe tells the child
        app.wait()
        assert gone_within(int(pid), 60)
        assert not Path(folder).exists(), "the child leaves no folder behind"
    finally:
        app.kill()
        app.wait()


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie waiting for its reaper has ended


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.slow
def test_a_torch_exercise_is_right_and_named_warm_as_cold():
    right = """
        import math
        import torch

        def attention(q, k, v):
            s = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
            return torch.softmax(s, dim=-1) @ v
        """
    unscaled = right.replace(" / math.sqrt(q.size(-1))", "")
    for code in (right, unscaled):
        warm = warm_then_grade(code, "implement.sdpa-torch")
        cold = cold_grade(code, "implement.sdpa-torch")
        same(warm, cold)
    assert warm.misconception is not None and warm.misconception.name == "no_scaling"


def test_outputs_come_back_identical_from_a_warm_child():
    cases = instance("implement.sdpa").expected.inputs
    POOL.prestart("numpy").wait_ready(READY_S)
    code = textwrap.dedent(RIGHT)
    warm = run_code(code, function="attention", language="numpy", cases=cases)
    cold = run_code(code, function="attention", language="numpy", cases=cases)
    assert warm.warm and not cold.warm
    for a, b in zip(warm.outputs, cold.outputs, strict=True):
        np.testing.assert_array_equal(a[0], b[0])


@pytest.mark.slow
def test_torch_imports_within_its_address_space_limit_and_a_huge_tensor_is_out_of_memory():
    cases = instance("implement.sdpa-torch").expected.inputs
    code = "import torch\ndef attention(q, k, v):\n    return torch.ones(30000, 30000, 2)\n"
    POOL.prestart("torch").wait_ready(READY_S)
    for _ in ("warm", "cold"):
        run = run_code(code, function="attention", language="torch", cases=cases)
        assert run.status == "exception", run.message
        assert f"out of memory (the limit is {LIMITS['torch'].memory_mb} MB)" in run.message
