"""Proofs already made: the engine's reference passed these exact cases with this exact code.

`validate` grades every exercise's reference through the runner. That result depends only on
what was graded (the reference source, the function name, the language, the tolerance, the case
inputs and the engine's expected outputs) and on what graded it (every source file of qkv_drill,
the Python interpreter, numpy's and torch's versions). A digest of all of these is kept in the data
folder for each reference that passed; a later `validate` with the same digest skips the run. Any
change to a pack's exercise, to the code or to the libraries changes the digest, and the proof is
made again. Only passes are kept: a failure is always graded afresh. Deleting the file (see
`qkv-drill locate`) forces every proof to be made again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from qkv_drill.exercises.cases import CodeCases
    from qkv_drill.packs.model import CodeSpec

FILE_NAME = "exercise-proofs.json"
MAX_KEPT = 5000  # digests kept; the oldest go first
FORMAT = "1"


@functools.cache
def code_version() -> str:
    """Every source file of the package (its contents, so a checkout of the same commit agrees),
    the interpreter and the array libraries."""
    h = hashlib.sha256(FORMAT.encode())
    package = Path(__file__).resolve().parents[1]
    for f in sorted(package.rglob("*.py")):
        h.update(str(f.relative_to(package)).encode())
        with contextlib.suppress(OSError):
            h.update(f.read_bytes())
    h.update(sys.version.encode())
    for lib in ("numpy", "torch"):
        try:
            h.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=none".encode())
    return h.hexdigest()


def digest(spec: CodeSpec, source: str, cases: CodeCases) -> str:
    """What one proof covers: the graded file and cases, and the code that graded them."""
    h = hashlib.sha256(code_version().encode())
    tol = spec.tolerance
    h.update(repr((spec.function, spec.language, spec.compute, tol.abs, tol.rel)).encode())
    h.update(source.encode())
    for case in cases.inputs:
        for name, value in case.items():
            h.update(name.encode())
            _update(h, value)
    for outputs in cases.expected:
        for a in outputs:
            _update(h, a)
    return h.hexdigest()


def _update(h, value: object) -> None:
    if isinstance(value, np.ndarray):
        h.update(f"{value.dtype.str}{value.shape}".encode())
        h.update(np.ascontiguousarray(value).tobytes())
    else:
        h.update(repr(value).encode())


def _path() -> Path:
    from qkv_drill import paths

    return paths.data_dir() / FILE_NAME


def load() -> list[str]:
    """The digests of the proofs made so far (none when the file is missing or unreadable)."""
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return []
    kept = data.get("passed")
    return [k for k in kept if isinstance(k, str)] if isinstance(kept, list) else []


def save(passed: list[str]) -> None:
    """Write the digests aside and rename, so a reader never sees half a file. Best effort."""
    path = _path()
    unique = list(dict.fromkeys(passed))[-MAX_KEPT:]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".proofs-", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"format": FORMAT, "passed": unique}, f)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
