"""Plain mode with code: lines until a lone `.`, `:file PATH`, the report, the stored code."""

from __future__ import annotations

import io
import textwrap
from argparse import Namespace
from pathlib import Path

import pytest

from qkv_drill.cli_options import session_options
from qkv_drill.plain import run_plain

PACK = textwrap.dedent(
    """
    pack: {id: mini-code, title: Mini code, version: 1}
    questions:
      - id: mini-code.sdpa
        topic: implement
        difficulty: medium
        type: code
        prompt: Write attention(q, k, v).
        function: attention
        starter: |
          import numpy as np

          def attention(q, k, v):
              ...
        check:
          compute: attention
          cases: 4
          params: {Tq: [2, 3], Tk: [3, 4], d_k: [4]}
        misconceptions: [no_scaling, softmax_wrong_axis]
        explanation: softmax(q k^T / sqrt(d_k)) v, the softmax over the keys.
      - id: mini-code.what
        topic: basics
        difficulty: easy
        type: choice
        prompt: What does V hold?
        options:
          - {text: the values, correct: true}
          - {text: the queries}
        explanation: V holds the values mixed by the weights.
    """
)

RIGHT = """import numpy as np

def attention(q, k, v):
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    w = np.exp(s - s.max(-1, keepdims=True))
    return w / w.sum(-1, keepdims=True) @ v
"""


def play(tmp_path: Path, script: str, command: str = "practice", **extra):
    pack = tmp_path / "mini-code.yaml"
    pack.write_text(PACK)
    args = Namespace(
        command=command,
        pack=[str(pack)],
        pack_id=["mini-code"],
        topic=["implement"] if command != "mock" else None,
        difficulty=None,
        seed=1,
        count=1,
        weakest=False,
        resume=False,
        minutes=5.0,
        questions=2,
        code=False,
    )
    for k, v in extra.items():
        setattr(args, k, v)
    out, err = io.StringIO(), io.StringIO()
    code = run_plain(session_options(args), io.StringIO(script), out, err)
    return code, out.getvalue()


def stored():
    from qkv_drill.store import Store

    with Store.open(None) as store:
        return store.attempts("mini-code.sdpa")


def test_code_typed_until_a_lone_dot_is_run_and_stored(tmp_path):
    status, out = play(tmp_path, RIGHT + ".\n")
    assert status == 0
    assert "Starter:" in out and "def attention(q, k, v):\n    ..." in out
    assert (
        "saved: correct mini-code.sdpa\n"
        "Correct: your attention agrees with the engine on all 4 cases.\n" in out
    )
    assert "saved: correct mini-code.sdpa" in out
    (attempt,) = stored()
    assert attempt[1] == "correct" and attempt[3] == RIGHT


def test_a_file_is_submitted_and_the_bug_named(tmp_path):
    buggy = tmp_path / "mine.py"
    buggy.write_text(RIGHT.replace(" / np.sqrt(q.shape[-1])", ""))
    _, out = play(tmp_path, f":file {buggy}\n")
    assert "\nWrong values on case " in out  # the verdict word once
    assert "Wrong. Wrong" not in out
    assert "Misconception: Scores not scaled." in out
    assert "(* = differs)" in out and "Case " in out
    assert "Why: softmax(q k^T / sqrt(d_k)) v" in out
    (attempt,) = stored()
    assert attempt[1] == "wrong" and attempt[2] == "no_scaling"


def test_the_last_code_is_shown_next_time(tmp_path):
    play(tmp_path, "def attention(q, k, v):\n    return q @@ k\n.\n")
    _, out = play(tmp_path, ":quit\n")
    assert "Your last code (wrong, " in out and "return q @@ k" in out


def test_a_syntax_error_is_one_message_and_a_stored_attempt(tmp_path):
    _, out = play(tmp_path, "def attention(q, k, v)\n    return q\n.\n")
    assert "\nWrong. Syntax error on line 1: expected ':'.\n" in out
    assert "saved: wrong mini-code.sdpa" in out


def test_an_unreadable_file_is_said_and_nothing_is_stored(tmp_path):
    _, out = play(tmp_path, f":file {tmp_path / 'missing.py'}\n:quit\n")
    assert "Cannot read" in out and "No such file" in out
    assert stored() == []


def test_sys_exit_and_wrong_names_never_end_the_session(tmp_path):
    _, out = play(tmp_path, "import sys\ndef attention(q, k, v):\n    sys.exit(1)\n.\n")
    assert "Your code called sys.exit(1); return the result instead." in out
    _, out = play(tmp_path, "def attn(q, k, v):\n    return q\n.\n")
    assert "No function named attention in your code (it defines attn)." in out
    assert [a[1] for a in stored()] == ["wrong", "wrong"]


def test_mock_with_code_includes_the_exercise_and_grades_it_at_the_end(tmp_path, monkeypatch):
    from qkv_drill.exercises import runner

    warm = []
    real = runner._run_warm
    monkeypatch.setattr(runner, "_run_warm", lambda *a: warm.append(real(*a)) or warm[-1])
    script = "a\n" + RIGHT + ".\n:finish\n"
    status, out = play(tmp_path, script, command="mock", code=True)
    assert status == 0, out
    assert [r.status for r in warm] == ["ok"]  # graded by a warm child, as practice does
    assert "2 questions in" in out
    assert "Starter:" in out
    assert "handed in" in out
    assert [a[1] for a in stored()] == ["correct"]


BAD_INPUT = [
    ("def attention(q, k, v):\n    while True:\n        pass\n", "did not finish within 1 s"),
    ("def attention(q, k, v):\n    return {}['x']\n", "Your code raised KeyError: 'x' on case 1"),
    (
        "import numpy as np\ndef attention(q, k, v):\n    return np.ones((40000, 40000))\n",
        "out of memory (the limit is",
    ),
    (
        "import os\ndef attention(q, k, v):\n    os.system('echo shell-said-hi')\n    return q\n",
        "shell-said-hi",
    ),
    ("def attention(q, k, v):\n    print('z' * 3_000_000)\n    return q\n", "Your code printed:"),
    ("def attention(q, k, v):\n    return q.tolist()\n", "returned list; it should return"),
    (
        "import numpy as np\n"
        "def attention(q, k, v):\n"
        "    return (q @ np.swapaxes(k, -1, -2)) @ v * np.nan\n",
        "Your output contains NaN",
    ),
    (
        RIGHT.replace(
            "return w / w.sum(-1, keepdims=True) @ v",
            "return np.swapaxes(w / w.sum(-1, keepdims=True) @ v, -1, -2)",
        ),
        "Your output is the right one transposed",
    ),
]


@pytest.mark.parametrize(("code", "said"), BAD_INPUT)
def test_bad_input_is_one_message_and_a_stored_attempt(tmp_path, monkeypatch, code, said):
    from qkv_drill.exercises import runner

    monkeypatch.setitem(runner.LIMITS, "numpy", runner.Limits(wall_s=1.0, memory_mb=2048))
    _, out = play(tmp_path, code + ".\n")
    assert said in out
    assert "saved: wrong mini-code.sdpa" in out
    assert [a[1] for a in stored()] == ["wrong"]


def test_a_command_inside_typed_code_acts_and_never_becomes_code(tmp_path):
    """The plain rule for every multi-line answer: `:hint` acts and the code goes on; `:file`
    on a later line submits that file instead, the typed lines said to be dropped."""
    mine = tmp_path / "mine.py"
    mine.write_text(RIGHT)
    script = "import numpy as np\n:hint\ndef attention(q, k, v):\n" + f":file {mine}\n"
    _, out = play(tmp_path, script)
    assert "(Still typing: 1 line kept; go on.)" in out
    assert "Not submitted: the 2 lines you typed before :file." in out
    (attempt,) = stored()
    assert attempt[1] == "correct" and attempt[3] == RIGHT


def test_skip_inside_typed_code_skips_and_stores_no_code(tmp_path):
    _, out = play(tmp_path, "import numpy as np\ndef attention(q, k, v):\n:skip\n")
    assert "Not submitted: the 2 lines you typed before :skip." in out
    assert "saved: skipped mini-code.sdpa" in out
    assert all(":skip" not in (a[3] or "") for a in stored())
