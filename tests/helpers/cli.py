"""Running `qkv-drill` in a fresh process, as a user would, on the test's data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO as ROOT


def run_cli(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m qkv_drill ARGS` on the test's QKV_DRILL_HOME, or on `home` when given."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if home is not None:
        env["QKV_DRILL_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "qkv_drill", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
