"""Running `qkv-drill` in a fresh process, as a user would, on the test's data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO as ROOT


def cli_env(home: Path | None = None) -> dict[str, str]:
    """A child's environment: this checkout importable, unbuffered output, no packs variable,
    and the test's QKV_DRILL_HOME (or `home` when given)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    env.pop("QKV_DRILL_PACKS", None)
    if home is not None:
        env["QKV_DRILL_HOME"] = str(home)
    return env


def run_cli(
    *args: str,
    home: Path | None = None,
    input: str | None = None,
    shim: str | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """`python -m qkv_drill ARGS` from the repo, typing `input`; with `shim`, `python -c SHIM
    ARGS` instead (a start-up script that swaps something in, then calls the CLI)."""
    command = (
        [sys.executable, "-c", shim] if shim is not None else [sys.executable, "-m", "qkv_drill"]
    )
    return subprocess.run(
        [*command, *args],
        input=input,
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def run_python(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    """`python -c CODE ARGS` in a fresh interpreter with this checkout importable: what a
    cold start imports or draws, unspoiled by the test process. Returns its output."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env or {**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        timeout=120,
    ).stdout
