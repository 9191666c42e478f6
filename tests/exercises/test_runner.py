"""The runner: every way the user's code can end is one clear RunResult, never a hang or a crash."""

from __future__ import annotations

import textwrap
import time
from typing import Any

import numpy as np
import pytest

from qkv_drill.exercises.runner import LIMITS, Limits, run_code

CASES: list[dict[str, Any]] = [
    {"x": np.arange(6.0).reshape(2, 3), "scale": 2.0},
    {"x": np.ones((1, 2)), "scale": -1},
]
SHORT = Limits(wall_s=2.0, memory_mb=2048)


def run(code: str, function: str = "f", **kw):
    return run_code(textwrap.dedent(code), function=function, language="numpy", cases=CASES, **kw)


def test_a_working_function_returns_every_case_output_as_plain_arrays():
    r = run(
        """
        import numpy as np
        def f(x, scale):
            return x * scale, np.array(scale > 0)
        """
    )
    assert r.status == "ok", r.message
    assert len(r.outputs) == 2 and r.returned_tuple == (True, True)
    np.testing.assert_array_equal(r.outputs[0][0], CASES[0]["x"] * 2)
    np.testing.assert_array_equal(r.outputs[1][0], -np.ones((1, 2)))
    assert r.outputs[1][1].dtype == bool and not r.outputs[1][1]


def test_a_syntax_error_gives_its_line():
    r = run("import numpy as np\n\ndef f(x, scale)\n    return x\n")
    assert r.status == "syntax_error"
    assert r.line == 3
    assert "line 3" in r.message and "def f(x, scale)" in r.detail


def test_an_exception_traceback_is_trimmed_to_the_users_file():
    r = run(
        """
        def helper(x):
            return x[5]

        def f(x, scale):
            return helper([1])
        """
    )
    assert r.status == "exception" and r.case == 0
    assert "IndexError" in r.message and r.line == 3
    lines = r.detail.splitlines()
    assert lines[0].startswith("line 6, in f") and lines[1].startswith("line 3, in helper")
    assert "harness" not in r.detail


def test_an_endless_loop_times_out_within_the_wall_clock_limit():
    start = time.monotonic()
    r = run("def f(x, scale):\n    while True:\n        pass\n", limits=SHORT)
    assert r.status == "timeout"
    assert "did not finish within 2 s" in r.message
    assert time.monotonic() - start < 10


def test_a_shell_command_left_running_is_killed_with_the_child():
    start = time.monotonic()
    r = run(
        """
        import os
        def f(x, scale):
            os.system("echo from-the-shell; sleep 60")
            return x
        """,
        limits=SHORT,
    )
    assert r.status == "timeout"
    assert "from-the-shell" in r.printed
    assert time.monotonic() - start < 10


def test_a_huge_allocation_is_an_out_of_memory_message():
    r = run("import numpy as np\ndef f(x, scale):\n    return np.ones((30000, 30000))\n")
    assert r.status == "exception"
    assert f"out of memory (the limit is {LIMITS['numpy'].memory_mb} MB)" in r.message


def test_megabytes_of_printing_are_capped_and_the_run_still_counts():
    r = run("def f(x, scale):\n    print('x' * 5_000_000)\n    return x\n")
    assert r.status == "ok"
    assert r.printed_chars >= 10_000_000
    assert len(r.printed) <= 4000


def test_writing_past_the_file_limit_straight_to_the_terminal_is_stopped():
    r = run(
        "import os\ndef f(x, scale):\n    os.write(1, b'y' * (3 << 20))\n    return x\n",
        limits=Limits(wall_s=5.0, memory_mb=2048, file_mb=1),
    )
    assert r.status in ("exception", "crashed")
    assert "File too large" in r.message or "more than 1 MB" in r.message


def test_sys_exit_is_told_not_obeyed():
    r = run("import sys\ndef f(x, scale):\n    sys.exit(3)\n")
    assert r.status == "exited" and "sys.exit(3)" in r.message


def test_sys_exit_while_loading_the_file():
    r = run("import sys\nsys.exit(0)\n")
    assert r.status == "exited" and "loading" in r.message


def test_os_exit_is_a_process_that_ended_without_results():
    r = run("import os\ndef f(x, scale):\n    os._exit(0)\n")
    assert r.status == "crashed" and "ended without results" in r.message


def test_a_list_where_an_array_is_expected_is_reported_by_type():
    r = run("def f(x, scale):\n    return [1, 2]\n")
    assert r.status == "bad_output" and r.message == "list"


def test_an_object_array_never_comes_back_pickled():
    r = run("import numpy as np\ndef f(x, scale):\n    return np.array([{}, 1], dtype=object)\n")
    assert r.status == "bad_output" and "object" in r.message


def test_a_missing_function_lists_what_the_file_defines():
    r = run("def attn(x, scale):\n    return x\n\nclass Helper:\n    pass\n")
    assert r.status == "no_function"
    assert r.defined == ("Helper", "attn")


def test_the_child_gets_a_fresh_directory_and_a_minimal_environment():
    r = run(
        """
        import os, numpy as np
        def f(x, scale):
            names = sorted(os.listdir("."))
            ok = (
                names == ["harness.py", "inputs.npz", "job.json", "printed.txt", "solution.py"]
                and os.environ["HOME"] == os.getcwd()
                and "PYTHONPATH" not in os.environ
                and os.environ["OPENBLAS_NUM_THREADS"] == "1"
            )
            return np.array(ok)
        """
    )
    assert r.status == "ok" and all(bool(o[0]) for o in r.outputs)


@pytest.mark.slow
def test_a_torch_tensor_where_numpy_is_expected_is_reported_by_type():
    r = run("import torch\ndef f(x, scale):\n    return torch.zeros(2)\n")
    assert r.status == "bad_output" and r.message == "torch.Tensor"


def test_code_over_the_size_limit_is_refused_without_running():
    r = run("x = 1\n" * 30_000)
    assert r.status == "syntax_error" and "limit" in r.message


def test_a_long_traceback_keeps_its_end_and_says_how_much_came_before():
    r = run(
        """
        def f(x, scale, depth=0):
            return f(x, scale, depth + 1)
        """
    )
    assert r.status == "exception" and "RecursionError" in r.message
    first = r.detail.splitlines()[0]
    assert first.startswith("… (") and first.endswith(" earlier characters)"), first
    assert "RecursionError" in r.detail.splitlines()[-1]


def test_a_file_with_many_functions_says_how_many_are_not_named():
    code = "".join(f"def g{i:02}(x, scale):\n    return x\n" for i in range(25))
    r = run(code)
    assert r.status == "no_function"
    assert len(r.defined) == 20 and r.defined_more == 5


def test_a_huge_message_from_the_child_is_bounded_with_the_cut_said():
    r = run("def f(x, scale):\n    raise ValueError('y' * 100_000)\n")
    assert r.status == "exception"
    assert "more characters)" in r.message or "earlier characters)" in r.detail
    assert len(r.message) < 10_000
