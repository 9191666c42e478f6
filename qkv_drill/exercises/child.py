"""Start one limited `python -I harness.py` process in a fresh temporary directory.

Every child, cold, warm or batch, starts here: the same interpreter in isolated mode, a minimal
environment, its own process group (so anything it starts dies with it), CPU, address-space and
file-size limits, and stdout/stderr going to `printed.txt` in its directory.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

HARNESS = Path(__file__).with_name("harness.py")
PRINTED = "printed.txt"


@dataclass(frozen=True, kw_only=True)
class Limits:
    """What one run may use. torch needs more address space and seconds just to import."""

    wall_s: float
    memory_mb: int
    file_mb: int = 16  # largest file the child may write (stdout beyond this kills it)

    @property
    def cpu_s(self) -> int:
        return math.ceil(self.wall_s) + 1


# RLIMIT_AS counts reserved address space, not memory in use. A numpy child reserves about 140 MB
# before the user's code runs; torch's libraries reserve about 600 MB more at import (VmPeak 597 MB
# with the child's one thread, measured with torch 2.13 CPU). A torch child gets numpy's 2 GB for
# the user's arrays plus 1 GB for torch itself, so a runaway allocation fails as quickly in both.
LIMITS: dict[str, Limits] = {
    "numpy": Limits(wall_s=5.0, memory_mb=2048),
    "torch": Limits(wall_s=30.0, memory_mb=3072),
}


def env(home: str) -> dict[str, str]:
    """A minimal environment: no PYTHON* variables from the user's shell, one BLAS thread."""
    out = {
        "PATH": os.defpath,
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    for key in ("SYSTEMROOT", "WINDIR"):  # Windows cannot start Python without these
        if key in os.environ:
            out[key] = os.environ[key]
    return out


def limiter(limits: Limits):
    """preexec_fn: CPU seconds, address space and file size for the child (POSIX only)."""
    try:
        import resource
    except ImportError:  # Windows: the wall-clock timeout still applies
        return None

    def apply() -> None:
        cpu = limits.cpu_s
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        mem = limits.memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        size = limits.file_mb << 20
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def fresh_dir() -> Path:
    """A new private temporary directory holding a copy of the harness."""
    tmp = Path(tempfile.mkdtemp(prefix="qkv-drill-run-"))
    shutil.copyfile(HARNESS, tmp / "harness.py")
    return tmp


def start(tmp: Path, limits: Limits, args: list[str], stdin: int | IO) -> subprocess.Popen:
    """`python -I harness.py ARGS` in `tmp`, its output going to `tmp/printed.txt`."""
    with open(tmp / PRINTED, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-I", "harness.py", *args],
            cwd=tmp,
            env=env(str(tmp)),
            stdin=stdin,
            stdout=out,
            stderr=out,
            preexec_fn=limiter(limits),
            start_new_session=True,
        )


def wait(proc: subprocess.Popen, seconds: float) -> bool:
    """Wait up to `seconds`; then kill the child's whole group either way. True if it timed out."""
    try:
        proc.wait(timeout=seconds)
        timed_out = False
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        kill_group(proc)
        proc.wait()
    return timed_out


def kill_group(proc: subprocess.Popen) -> None:
    """Kill the child and anything it started (os.system, subprocesses)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
