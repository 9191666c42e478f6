"""The command line when its output is cut short or its data folder holds odd files (issue 9)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import REPO
from tests.helpers.cli import cli_env, run_cli


@pytest.mark.parametrize("command", [["schema"], ["misconceptions"], ["packs"]])
def test_output_piped_into_head_ends_quietly(tmp_path, command):
    child = subprocess.Popen(
        [sys.executable, "-m", "qkv_drill", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**cli_env(tmp_path), "PYTHONUNBUFFERED": "0"},
        cwd=REPO,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline()  # `head -1`: one line read, then the pipe is closed
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(120) in (0, 141)  # 0 when all of it fitted in the pipe before the close
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_a_fifo_named_like_a_queued_writes_journal_does_not_stall_the_start(tmp_path):
    run_cli("stats", home=tmp_path)
    os.mkfifo(tmp_path / "progress.db.queued-0123456789abcdef")
    out = run_cli("practice", "--plain", "--count", "1", home=tmp_path, input=":quit\n", timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Practice:" in out.stdout
