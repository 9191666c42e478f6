"""What the first screen needs (the packs, the progress store, Home's due counts), loaded in a
thread begun before the TUI is imported.

Importing textual is most of start-up. Begun first, the load is usually done by the time the
first screen is built, so that screen is built once, complete: one layout and one paint, rather
than a paint and a second one when the data arrives. The screen never waits long for it
(`Preload.wait` is bounded): another program's lock can hold the store for seconds, and on a
cache miss every pack is parsed.

Headless: no textual here, so `qkv-drill` can begin this before importing it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qkv_drill.session.filters import Filter

if TYPE_CHECKING:
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.session.clock import Clock
    from qkv_drill.store import MockRow, Store


@dataclass(frozen=True)
class DueCount:
    """Drill cards due now and new, under one filter."""

    filter: Filter
    due: int
    new: int


@dataclass
class Loaded:
    """The packs and the open store, with what the first screen shows from them."""

    packset: PackSet
    store: Store
    warnings: list[str] = field(default_factory=list)
    due: DueCount | None = None
    """Home's counts, made in the same load so Home shows them with the packs."""
    unfinished: MockRow | None = None
    """The interrupted mock interview to offer resuming (first load only): read in the same
    load, so the dialog comes with the packs and the UI thread never queries for it."""


@dataclass(frozen=True, eq=False)
class LoadRequest:
    """Which packs and store to load, and what to work out from them."""

    extra_packs: tuple[Path, ...] = ()
    include_shipped: bool = True
    include_user: bool = True
    store_path: Path | None = None
    """None: the user's progress store (`paths.progress_db_path`)."""
    store: Store | None = None
    """Already open (a reload, or a test's store): used instead of opening one."""
    due_under: Filter | None = None
    """Count Home's due cards under this filter (None: Home is not the first screen)."""
    offer_resume: bool = False
    """Look for an interrupted mock interview (the first load)."""
    seed: int | None = None
    clock: Clock | None = None


def count_due(
    packset: PackSet,
    store: Store,
    filter: Filter,
    *,
    seed: int | None = None,
    clock: Clock | None = None,
) -> tuple[int, int]:
    """Drill cards (due now, new) under `filter` (fsrs-free, but it reads the store)."""
    from qkv_drill.session.drill import DrillSession

    if clock is None:
        session = DrillSession(packset, store, filter, seed=seed)
    else:
        session = DrillSession(packset, store, filter, seed=seed, clock=clock)
    due = session.due_count()
    return due, len(session.queue()) - due


def read_packs(request: LoadRequest) -> PackSet:
    """Every pack, from the start-up cache when nothing changed since it was written."""
    from qkv_drill.packs.cache import load_packs_cached
    from qkv_drill.packs.gcpause import gc_paused

    # Unpickling the cache makes thousands of objects: in the UI's large heap, with the
    # collector on, that set off full collections costing more than the load.
    return gc_paused(load_packs_cached)(
        request.extra_packs,
        include_shipped=request.include_shipped,
        include_user=request.include_user,
    )


def load(request: LoadRequest, packset: PackSet | None = None) -> Loaded:
    """The packs (unless given), then the store, the interview to resume and the due counts.
    Packs come first: they can be shown while another program's lock holds the store."""
    if packset is None:
        packset = read_packs(request)
    store = request.store
    if store is None:
        from qkv_drill import paths
        from qkv_drill.store import Store

        store = Store(request.store_path or paths.progress_db_path())
    loaded = Loaded(packset, store)
    if request.offer_resume:
        try:
            loaded.unfinished = store.unfinished_mock()
        except Exception:  # a broken query must not stop the app from starting
            loaded.unfinished = None
    if request.due_under is not None:
        try:
            counts = count_due(
                packset, store, request.due_under, seed=request.seed, clock=request.clock
            )
            loaded.due = DueCount(request.due_under, *counts)
        except Exception:  # Home counts again itself; loading must not fail on this
            loaded.due = None
    return loaded


class Preload:
    """`load(request)` in a thread of its own, begun at once; the packs are available as soon as
    they are read, the rest when the load is done."""

    def __init__(self, request: LoadRequest) -> None:
        self.request = request
        self._packset: PackSet | None = None
        self._loaded: Loaded | None = None
        self._error: BaseException | None = None
        self._packs_read = threading.Event()
        self._done = threading.Event()
        threading.Thread(target=self._run, name="qkv-drill preload", daemon=True).start()

    def _run(self) -> None:
        try:
            self._packset = read_packs(self.request)
            self._packs_read.set()
            self._loaded = load(self.request, self._packset)
        except BaseException as exc:  # told by whoever takes the result
            self._error = exc
        finally:
            self._packs_read.set()
            self._done.set()

    def packs(self, timeout: float = 0.0) -> PackSet | None:
        """The packs, if read within `timeout` seconds (None on a failure: `result` tells)."""
        self._packs_read.wait(timeout)
        return self._packset

    def wait(self, timeout: float) -> Loaded | None:
        """Everything, if loaded within `timeout` seconds (None on a failure: `result` tells)."""
        self._done.wait(timeout)
        return self._loaded if self._done.is_set() else None

    def result(self) -> Loaded:
        """Everything, once loaded (waits); a failure is raised here."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._loaded is not None
        return self._loaded


def begin(
    extra_packs: tuple[Path, ...] | list[Path],
    *,
    due_under: Filter | None,
    seed: int | None = None,
) -> Preload:
    """The first load of `qkv-drill` (the user's store, shipped and user packs, `extra_packs`
    after those named in the environment), begun now."""
    from qkv_drill import paths

    extra = (*paths.env_pack_paths(), *extra_packs)
    return Preload(LoadRequest(extra, due_under=due_under, offer_resume=True, seed=seed))
