"""Run the user's function in a separate, limited `python -I` process and read back plain arrays.

The user's code runs with the user's own permissions, as any script they run would; the limits
are there so a mistake (an endless loop, a huge allocation, megabytes of printing, `sys.exit`)
gives a clear message instead of a hung or crashed app. Inputs go in as an `.npz`, results come
back as JSON and an `.npz` read with `allow_pickle=False`: nothing from the child is unpickled or
evaluated.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

Status = Literal[
    "ok", "syntax_error", "exception", "timeout", "no_function", "bad_output", "exited", "crashed"
]
Value = np.ndarray | bool | int | float | None
Case = Mapping[str, Value]

HARNESS = Path(__file__).with_name("harness.py")
MAX_RESULT_BYTES = 1 << 20  # result.json: messages and a few KB of printing
MAX_OUTPUT_BYTES = 64 << 20  # outputs.npz
MAX_CODE_CHARS = 100_000
_IMPORTS_TORCH = re.compile(r"^\s*(import|from)\s+torch\b", re.MULTILINE)  # torch takes seconds


@dataclass(frozen=True, kw_only=True)
class Limits:
    """What one run may use. torch needs more address space and seconds just to import."""

    wall_s: float
    memory_mb: int
    file_mb: int = 16  # largest file the child may write (stdout beyond this kills it)

    @property
    def cpu_s(self) -> int:
        return math.ceil(self.wall_s) + 1


LIMITS: dict[str, Limits] = {
    "numpy": Limits(wall_s=5.0, memory_mb=2048),
    "torch": Limits(wall_s=30.0, memory_mb=8192),
}


@dataclass(frozen=True, kw_only=True)
class RunResult:
    """What happened. `outputs[i]` is case i's returned arrays (a tuple return gives several)."""

    status: Status
    message: str
    outputs: tuple[tuple[np.ndarray, ...], ...] = ()
    returned_tuple: tuple[bool, ...] = ()
    case: int | None = None  # the case that failed, when one did
    line: int | None = None  # the line of the user's file, when known
    detail: str = ""  # the trimmed traceback or the offending source line
    printed: str = ""
    printed_chars: int = 0
    seconds: float = 0.0
    defined: tuple[str, ...] = field(default=())


def _env(home: str) -> dict[str, str]:
    """A minimal environment: no PYTHON* variables from the user's shell, one BLAS thread."""
    env = {
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
            env[key] = os.environ[key]
    return env


def _limit(limits: Limits):
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


def _write_inputs(tmp: Path, cases: Sequence[Case]) -> list[dict[str, object]]:
    """inputs.npz for the arrays; the job keeps plain values (numbers, flags, None) as JSON."""
    arrays: dict[str, np.ndarray] = {}
    manifest: list[dict[str, object]] = []
    for i, case in enumerate(cases):
        entry: dict[str, object] = {}
        for name, value in case.items():
            if isinstance(value, np.ndarray):
                arrays[f"c{i}_{name}"] = value
                entry[name] = "array"
            else:
                entry[name] = {"value": value}
        manifest.append(entry)
    np.savez(tmp / "inputs.npz", **arrays)  # type: ignore[arg-type]  # the stubs miss **arrays
    return manifest


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the child and anything it started (os.system, subprocesses)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


def _tail_of(path: Path, limit: int = 2000) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def run_code(
    code: str,
    *,
    function: str,
    language: Literal["numpy", "torch"],
    cases: Sequence[Case],
    limits: Limits | None = None,
) -> RunResult:
    """Define the user's `code` in a fresh child process and call `function(**case)` on each case.

    Never raises for anything the code does; every outcome is a `RunResult` with a plain message.
    """
    limits = (
        limits
        or LIMITS["torch" if language == "torch" or _IMPORTS_TORCH.search(code) else language]
    )
    if len(code) > MAX_CODE_CHARS:
        return RunResult(
            status="syntax_error",
            message=f"The file is {len(code):,} characters; the limit is {MAX_CODE_CHARS:,}.",
        )
    tmp = Path(tempfile.mkdtemp(prefix="qkv-drill-run-"))
    start = time.monotonic()
    try:
        solution = tmp / "solution.py"
        solution.write_text(code, encoding="utf-8")
        shutil.copyfile(HARNESS, tmp / "harness.py")
        manifest = _write_inputs(tmp, cases)
        job = {"language": language, "function": function, "path": str(solution)}
        (tmp / "job.json").write_text(json.dumps({**job, "cases": manifest}), encoding="utf-8")
        with open(tmp / "printed.txt", "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-I", "harness.py"],
                cwd=tmp,
                env=_env(str(tmp)),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                preexec_fn=_limit(limits),
                start_new_session=True,
            )
            try:
                proc.wait(timeout=limits.wall_s)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                _kill_group(proc)
                proc.wait()
        seconds = time.monotonic() - start
        raw_printed = _tail_of(tmp / "printed.txt")
        if timed_out or proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            return RunResult(
                status="timeout",
                message=(
                    f"Your code did not finish within {limits.wall_s:g} s (an endless loop, or far "
                    "too much work for these small inputs?)."
                ),
                printed=raw_printed,
                seconds=seconds,
            )
        if proc.returncode == -getattr(signal, "SIGXFSZ", -999):
            return RunResult(
                status="crashed",
                message=f"Your code wrote more than {limits.file_mb} MB of output and was stopped.",
                printed=raw_printed,
                seconds=seconds,
            )
        return _read_results(tmp, proc.returncode, raw_printed, seconds, limits)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _read_results(
    tmp: Path, returncode: int, raw_printed: str, seconds: float, limits: Limits
) -> RunResult:
    result_path = tmp / "result.json"
    try:
        if result_path.stat().st_size > MAX_RESULT_BYTES:
            raise ValueError("result too large")
        data = json.loads(result_path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("result is not an object")
    except (OSError, ValueError):
        why = f"exit code {returncode}" if returncode >= 0 else f"signal {-returncode}"
        hint = " (os._exit or a crash in a library?)" if returncode >= 0 else ""
        return RunResult(
            status="crashed",
            message=f"The process running your code ended without results ({why}){hint}.",
            printed=raw_printed,
            seconds=seconds,
        )
    printed = _text(data.get("printed")) + raw_printed
    common: dict[str, Any] = {
        "printed": printed[:4000],
        "printed_chars": (_int(data.get("printed_chars")) or 0) + len(raw_printed),
        "seconds": seconds,
    }
    status = data.get("status")
    case = _int(data.get("case"))
    line = _int(data.get("line"))
    if status == "syntax_error":
        where = f" on line {line}" if line else ""
        msg = f"Syntax error{where}: {_text(data.get('message'))}."
        return RunResult(
            status="syntax_error", message=msg, line=line, detail=_text(data.get("text")), **common
        )
    if status == "exception":
        tb = _text(data.get("traceback"))
        last = tb.strip().splitlines()[-1] if tb.strip() else "an exception"
        if "MemoryError" in last.split(":")[0] or "can't allocate memory" in last:
            last = f"out of memory (the limit is {limits.memory_mb} MB)"
        during = "while the file was loading" if case is None else f"on case {case + 1}"
        msg = f"Your code raised {last} {during}" + (f" (line {line})." if line else ".")
        return RunResult(status="exception", message=msg, case=case, line=line, detail=tb, **common)
    if status == "exited":
        return RunResult(
            status="exited",
            message=f"Your code called {_text(data.get('message'))}; return the result instead.",
            case=case,
            **common,
        )
    if status == "no_function":
        defined = tuple(_text(x) for x in data.get("defined") or () if isinstance(x, str))
        return RunResult(
            status="no_function", message="", defined=defined, **common
        )  # the checker words it: it knows the name asked for
    if status == "bad_output":
        got = _text(data.get("got"))
        return RunResult(status="bad_output", message=got, case=case, **common)
    if status != "ok":
        return RunResult(status="crashed", message="Unreadable results from the run.", **common)
    return _read_outputs(tmp, data, common)


def _read_outputs(tmp: Path, data: dict, common: dict[str, Any]) -> RunResult:
    cases = data.get("cases")
    path = tmp / "outputs.npz"
    try:
        if not isinstance(cases, list) or path.stat().st_size > MAX_OUTPUT_BYTES:
            raise ValueError("outputs missing or too large")
        outputs = []
        tuples = []
        with np.load(path, allow_pickle=False) as npz:
            for i, c in enumerate(cases):
                n = _int(c.get("outputs")) if isinstance(c, dict) else None
                if n is None or not 0 < n <= 16:
                    raise ValueError("bad case entry")
                arrays = tuple(np.asarray(npz[f"c{i}_o{j}"]) for j in range(n))
                if any(a.dtype.kind not in "biuf" for a in arrays):
                    raise ValueError("non-numeric output")
                outputs.append(arrays)
                tuples.append(bool(c.get("tuple")))
    except (OSError, ValueError, KeyError, EOFError) as e:
        return RunResult(
            status="crashed", message=f"Unreadable results from the run ({e}).", **common
        )
    return RunResult(
        status="ok",
        message="",
        outputs=tuple(outputs),
        returned_tuple=tuple(tuples),
        **common,
    )


def _text(x: object) -> str:
    return x[:4000] if isinstance(x, str) else ""


def _int(x: object) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None
