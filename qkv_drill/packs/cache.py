"""A start-up cache of the loaded packs, so a second launch skips YAML parsing and validation.

Keyed by every pack file found (path, size, modification time), the source folders asked for,
the qkv-drill version, and the modification times of the code that reads packs: any change to
a pack or to the loader and the packs are read again. The cache is the pickled `PackSet` this
program built from those same files, kept in the user's data folder next to `progress.db` (the
same trust as the packs folder there). It is read by an unpickler that builds only the pack
classes, and only from a regular file of this user that no one else can write; a file that is
missing, stale, unreadable, from another version, crafted, or not a file at all (a FIFO would block
the read) is ignored and rewritten. Packs are still never evaluated: only `yaml.safe_load` ever
reads them, on a miss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qkv_drill.packs.loader import PackSet, Source

CACHE_NAME = "packs.cache"
FORMAT = 1


def _code_stamp() -> list[tuple[str, int]]:
    """The pack-reading code, so a cache from an older loader is never trusted."""
    here = Path(__file__).resolve().parent
    files = [
        *sorted(here.glob("*.py")),
        *sorted((here / "checks").glob("*.py")),  # what a pack may say
        *sorted((here / "computations").glob("*.py")),  # what `compute:` and its args accept
        *sorted((here.parent / "engine" / "misconceptions").glob("*.py")),  # the known names
    ]
    out = []
    for f in files:
        with contextlib.suppress(OSError):
            out.append((f.name, f.stat().st_mtime_ns))
    return out


def fingerprint(sources: Sequence[tuple[Path, Source]]) -> tuple[Any, ...]:
    """What the cached packs were built from; equal fingerprints mean equal packs."""
    from qkv_drill import __version__
    from qkv_drill.packs.loader import pack_files

    files: list[tuple[Any, ...]] = []
    for path, source in sources:
        found, problems = pack_files(path)
        files.append((str(path), source, len(problems)))
        for f in found:
            try:
                st = f.stat()
            except OSError:
                return ()  # vanished while looking: never cache that
            files.append((str(f.resolve()), st.st_size, st.st_mtime_ns))
    return (FORMAT, __version__, tuple(_code_stamp()), tuple(files))


# The only globals a cache may name: the pack classes this program pickles. Anything else (a
# `posix.system`, `builtins.eval`, a class from another module) makes the file a miss, so a
# crafted packs.cache can at most describe packs, never run code.
_ALLOWED = {
    "qkv_drill.packs.loader": {"PackSet", "LoadedPack"},
    "qkv_drill.packs.errors": {"PackIssue"},
    "pathlib": {"Path", "PosixPath", "PurePosixPath", "WindowsPath", "PureWindowsPath"},
}
_MODEL = "qkv_drill.packs.model"  # every dataclass there (Question, Answer, Option, ...)


class _PackUnpickler(pickle.Unpickler):
    """Builds only pack data: every other global is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        if module == _MODEL:
            found = super().find_class(module, name)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not pack data")


def _trusted(st: os.stat_result) -> bool:
    """A regular file of this user that no one else can write (a FIFO would block the read; a
    file another user could have written is not this program's cache)."""
    if not stat.S_ISREG(st.st_mode):
        return False
    mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return mine and not st.st_mode & 0o022


def load(cache: Path, key: tuple[Any, ...]) -> PackSet | None:
    """The cached packs when `key` matches, else None (and None for anything that is not this
    program's own cache: see `_trusted` and `_PackUnpickler`)."""
    from qkv_drill.packs.loader import PackSet

    if not key:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(cache, flags)
    except OSError:
        return None
    try:
        trusted = _trusted(os.fstat(fd))
    except OSError:
        trusted = False
    if not trusted:
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as f:
        try:
            if _PackUnpickler(f).load() != key:
                return None
            packset = _PackUnpickler(f).load()
        except Exception:  # truncated, from another version, crafted: read the packs instead
            return None
    return packset if isinstance(packset, PackSet) else None


def save(cache: Path, key: tuple[Any, ...], packset: PackSet) -> None:
    """Write atomically (a killed process leaves the old cache or none, never half a file),
    readable and writable by this user only."""
    if not key:
        return
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(key, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(packset, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp, 0o600)  # an older cache's file may have had wider permissions
        tmp.replace(cache)


def cached_packs(
    extra: Sequence[Path] = (),
    *,
    include_shipped: bool = True,
    include_user: bool = True,
    cache: Path | None = None,
) -> PackSet | None:
    """The packs from the cache when nothing changed since it was written, else None (reads no
    pack: cheap enough to do before the first frame)."""
    from qkv_drill.packs import loader

    sources = loader.pack_sources(extra, include_shipped=include_shipped, include_user=include_user)
    return load(_cache_path(cache), fingerprint(sources))


def load_packs_cached(
    extra: Sequence[Path] = (),
    *,
    include_shipped: bool = True,
    include_user: bool = True,
    cache: Path | None = None,
) -> PackSet:
    """`load_packs`, from the cache when nothing changed since it was written."""
    from qkv_drill.packs import loader

    sources = loader.pack_sources(extra, include_shipped=include_shipped, include_user=include_user)
    cache = _cache_path(cache)
    key = fingerprint(sources)
    hit = load(cache, key)
    if hit is not None:
        return hit
    packset = loader.load_sources(sources)
    save(cache, key, packset)
    return packset


def _cache_path(cache: Path | None) -> Path:
    from qkv_drill import paths

    return cache or paths.data_dir() / CACHE_NAME
