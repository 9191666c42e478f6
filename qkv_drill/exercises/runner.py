"""Run the user's function in a separate, limited `python -I` process and read back plain arrays.

The user's code runs with the user's own permissions, as any script they run would; the limits
are there so a mistake (an endless loop, a huge allocation, megabytes of printing, `sys.exit`)
gives a clear message instead of a hung or crashed app. Inputs go in as an `.npz`, results come
back as JSON and an `.npz` read with `allow_pickle=False`: nothing from the child is unpickled or
evaluated.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from qkv_drill.exercises import child
from qkv_drill.exercises.child import LIMITS, Limits
from qkv_drill.exercises.warm import POOL, WarmChild
from qkv_drill.longtext import bounded, with_earlier

__all__ = ["LIMITS", "Job", "Limits", "RunResult", "run_code", "run_many"]

Status = Literal[
    "ok", "syntax_error", "exception", "timeout", "no_function", "bad_output", "exited", "crashed"
]
Value = np.ndarray | bool | int | float | None
Case = Mapping[str, Value]

MAX_RESULT_BYTES = 1 << 20  # result.json: messages and a few KB of printing
MAX_OUTPUT_BYTES = 64 << 20  # outputs.npz
MAX_CODE_CHARS = 100_000
_IMPORTS_TORCH = re.compile(r"^\s*(import|from)\s+torch\b", re.MULTILINE)  # torch takes seconds


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
    defined: tuple[str, ...] = field(default=())  # the first few functions the file defines
    defined_more: int = 0  # and how many more it defines
    warm: bool = False  # run by a pre-started child


@dataclass(frozen=True, kw_only=True)
class Job:
    """One file to define and call: what `run_code` takes, as a value (for `run_many`)."""

    code: str
    function: str
    language: Literal["numpy", "torch"]
    cases: Sequence[Case]


def limits_for(code: str, language: str) -> Limits:
    """A numpy exercise whose file imports torch gets torch's limits."""
    return LIMITS["torch" if language == "torch" or _IMPORTS_TORCH.search(code) else language]


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


def _write_job(tmp: Path, job: Job) -> None:
    solution = tmp / "solution.py"
    solution.write_text(job.code, encoding="utf-8")
    manifest = _write_inputs(tmp, job.cases)
    what = {"language": job.language, "function": job.function, "path": str(solution)}
    (tmp / "job.json").write_text(json.dumps({**what, "cases": manifest}), encoding="utf-8")


def _tail_of(path: Path, limit: int = 2000) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def _too_long(code: str) -> RunResult | None:
    if len(code) <= MAX_CODE_CHARS:
        return None
    return RunResult(
        status="syntax_error",
        message=f"The file is {len(code):,} characters; the limit is {MAX_CODE_CHARS:,}.",
    )


def run_code(
    code: str,
    *,
    function: str,
    language: Literal["numpy", "torch"],
    cases: Sequence[Case],
    limits: Limits | None = None,
) -> RunResult:
    """Define the user's `code` in a fresh child process and call `function(**case)` on each case.

    A warm child waiting for this language and limits (see `warm`) is used when there is one,
    otherwise a child is started now. Never raises for anything the code does; every outcome is a
    `RunResult` with a plain message.
    """
    limits = limits or limits_for(code, language)
    refused = _too_long(code)
    if refused is not None:
        return refused
    job = Job(code=code, function=function, language=language, cases=cases)
    warm = POOL.take(language, limits)
    if warm is not None:
        result = _run_warm(warm, job, limits)
        if result is not None:
            return replace(result, warm=True)
    tmp = child.fresh_dir()
    try:
        start = time.monotonic()
        _write_job(tmp, job)
        proc = child.start(tmp, limits, [], subprocess.DEVNULL)
        return _outcome(tmp, proc, child.wait(proc, limits.wall_s), limits, start)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run_warm(warm: WarmChild, job: Job, limits: Limits) -> RunResult | None:
    """The job on a pre-started child; None if that child died before it could take the job."""
    try:
        start = time.monotonic()
        _write_job(warm.dir, job)
        if not warm.go():
            return None
        return _outcome(warm.dir, warm.proc, child.wait(warm.proc, limits.wall_s), limits, start)
    finally:
        warm.discard()


def _outcome(
    tmp: Path, proc: subprocess.Popen, timed_out: bool, limits: Limits, start: float
) -> RunResult:
    seconds = time.monotonic() - start
    raw_printed = _tail_of(tmp / child.PRINTED)
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


def run_many(jobs: Sequence[Job], limits: Limits) -> list[RunResult]:
    """Every job in one child, one after another (`harness.py --each`), each in its own folder.

    For the engine's own reference solutions (`validate`): the imports are paid once instead of
    once per exercise. A user's code never runs this way. The child's limits are `limits` times
    the number of jobs; a job left without results (the child died or ran out of time first) is
    "crashed" or "timeout", and the caller can run it again alone with `run_code`.
    """
    if not jobs:
        return []
    total = Limits(
        wall_s=limits.wall_s * len(jobs),
        memory_mb=limits.memory_mb,
        file_mb=limits.file_mb,
    )
    tmp = child.fresh_dir()
    try:
        start = time.monotonic()
        folders = []
        for i, job in enumerate(jobs):
            refused = _too_long(job.code)
            if refused is not None:
                raise ValueError(refused.message)
            folder = tmp / f"j{i}"
            folder.mkdir()
            _write_job(folder, job)
            folders.append(folder.name)
        proc = child.start(tmp, total, ["--each", *folders], subprocess.DEVNULL)
        timed_out = child.wait(proc, total.wall_s)
        seconds = (time.monotonic() - start) / len(jobs)
        out = []
        for name in folders:
            if timed_out and not (tmp / name / "result.json").exists():
                out.append(_outcome(tmp / name, proc, True, limits, start))
            else:
                out.append(_read_results(tmp / name, proc.returncode, "", seconds, limits))
        return out
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
        tb = with_earlier(_text(data.get("traceback")), _int(data.get("traceback_earlier")) or 0)
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
        more = max(0, (_int(data.get("defined_count")) or 0) - len(defined))
        return RunResult(
            status="no_function", message="", defined=defined, defined_more=more, **common
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
    """A string the child wrote (its file is the user's to overwrite): bounded, the cut said."""
    return bounded(x) if isinstance(x, str) else ""


def _int(x: object) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None
