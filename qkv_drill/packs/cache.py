"""A start-up cache of the loaded packs, so a second launch skips YAML parsing and validation.

Keyed by every pack file found (path, size, modification time), the source folders asked for,
the qkv-drill version, and the modification times of the code that reads packs: any change to
a pack or to the loader and the packs are read again. The cache is the pickled `PackSet` this
program built from those same files, kept in the user's data folder next to `progress.db` (the
same trust as the packs folder there); a file that is missing, stale, unreadable or from another
version is ignored and rewritten. Packs are still never evaluated: only `yaml.safe_load` ever reads
them, on a miss.
"""

from __future__ import annotations

import contextlib
import os
import pickle
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


def load(cache: Path, key: tuple[Any, ...]) -> PackSet | None:
    """The cached packs when `key` matches, else None."""
    if not key:
        return None
    try:
        with cache.open("rb") as f:
            if pickle.load(f) != key:
                return None
            packset: PackSet = pickle.load(f)
            return packset
    except Exception:  # missing, truncated, from another version: read the packs instead
        return None


def save(cache: Path, key: tuple[Any, ...], packset: PackSet) -> None:
    """Write atomically (a killed process leaves the old cache or none, never half a file)."""
    if not key:
        return
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(key, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(packset, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)


def load_packs_cached(
    extra: Sequence[Path] = (),
    *,
    include_shipped: bool = True,
    include_user: bool = True,
    cache: Path | None = None,
) -> PackSet:
    """`load_packs`, from the cache when nothing changed since it was written."""
    from qkv_drill import paths
    from qkv_drill.packs import loader

    sources = loader.pack_sources(extra, include_shipped=include_shipped, include_user=include_user)
    cache = cache or paths.data_dir() / CACHE_NAME
    key = fingerprint(sources)
    hit = load(cache, key)
    if hit is not None:
        return hit
    packset = loader.load_sources(sources)
    save(cache, key, packset)
    return packset
