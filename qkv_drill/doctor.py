"""`qkv-drill doctor`: what a bug report needs, and whether this installation can work.

Versions come from package metadata, so nothing heavy is imported just to name it; torch is
imported (only here, only when asked) to tell a CPU build from a CUDA one.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

PACKAGES = ("textual", "numpy", "pyyaml", "fsrs", "platformdirs", "genanki", "textual-serve")


@dataclass(frozen=True)
class Line:
    label: str
    value: str
    ok: bool = True


def version_of(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def torch_line() -> Line:
    """torch's version and build: `+cpu`/CUDA from the build itself, not from the wheel name."""
    if version_of("torch") is None:
        return Line("torch", "not installed (needed for the numpy/torch cross-check)", ok=False)
    try:
        import torch
    except Exception as e:  # a broken install is exactly what doctor is for
        return Line("torch", f"installed but fails to import: {e}", ok=False)
    cuda = torch.version.cuda
    if cuda is None:
        build = "CPU build"
    else:
        usable = "a GPU is visible" if torch.cuda.is_available() else "no GPU visible"
        build = f"CUDA {cuda} build ({usable}; the CPU build is enough for qkv-drill)"
    return Line("torch", f"{torch.__version__}, {build}")


def writable(folder: Path) -> Line:
    """The data folder exists (or can be made) and accepts a file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as e:
        return Line("data folder", f"{folder} is not writable ({e.strerror or e})", ok=False)
    return Line("data folder", f"{folder} (writable)")


def store_line(path: Path) -> Line:
    from qkv_drill.store.backup import BackupError, contents, inspect

    if not path.exists():
        return Line("progress", f"{path} (not created yet)")
    try:
        facts = inspect(path)
    except BackupError as e:
        return Line("progress", str(e), ok=False)
    return Line(
        "progress",
        f"{path}: schema v{facts.version}, {contents(facts)}",
    )


def pack_lines(extra: list[Path]) -> list[Line]:
    from qkv_drill.packs.loader import load_packs

    packset = load_packs(extra)
    lines = []
    for lp in packset.packs:
        name = lp.pack.id if lp.pack is not None else lp.path.name
        n = len(lp.errors)
        status = "ok" if lp.ok else f"{n} error{'s' if n != 1 else ''}"
        lines.append(Line(f"  {name}", f"{status} [{lp.source}] {lp.path}", ok=lp.ok))
    total = len(packset.questions)
    return [Line("packs", f"{len(packset.packs)} found, {total} questions", ok=total > 0), *lines]


def collect(extra_packs: list[Path]) -> list[Line]:
    from qkv_drill import __version__, paths

    lines = [
        Line("qkv-drill", __version__),
        Line("python", f"{platform.python_version()} ({sys.executable})"),
        Line("platform", platform.platform()),
    ]
    for dist in PACKAGES:
        v = version_of(dist)
        lines.append(Line(dist, v or "not installed", ok=v is not None))
    lines.append(torch_line())
    if os.environ.get("QKV_DRILL_HOME"):
        lines.append(Line("QKV_DRILL_HOME", os.environ["QKV_DRILL_HOME"]))
    lines.append(writable(paths.data_dir()))
    lines.append(store_line(paths.progress_db_path()))
    lines += pack_lines(extra_packs)
    return lines


def run_doctor(extra_packs: Sequence[Path] = ()) -> int:
    """`qkv-drill doctor`: one line per fact; exit 1 when any is marked as a problem."""
    lines = collect(list(extra_packs))
    width = max(len(line.label) for line in lines)
    for line in lines:
        mark = "  " if line.ok else "! "
        print(f"{mark}{line.label:<{width}}  {line.value}")
    problems = sum(not line.ok for line in lines)
    print("no problems found" if not problems else f"{problems} problem(s) marked with !")
    return 0 if not problems else 1
