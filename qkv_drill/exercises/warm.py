"""Warm children: a limited child started before it is needed, so grading skips its imports.

A torch child spends about a second (several on a loaded machine) importing torch before it runs
one line of the user's code. When a code question is shown, the app asks for a warm child in a
background thread: it starts as every child does (`child.start`: fresh directory, minimal
environment, limits), imports numpy (and torch for torch exercises), writes `ready` and blocks
reading its stdin. The runner takes it, writes the job into its directory and sends `go`; the
child runs that one job and exits, as a cold child would. A child serves exactly one submission.

A waiting child ends by itself when the app goes away in any way: its stdin is a pipe whose only
writer is the app, so it reads end-of-input and exits without running anything. `release` and
`shutdown` (also run at exit) kill the waiting ones sooner.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from qkv_drill.exercises import child
from qkv_drill.exercises.child import LIMITS, Limits

if TYPE_CHECKING:
    from qkv_drill.packs.model import Question

Key = tuple[str, Limits]


class Claim:
    """Who wants warm children (a code screen, a plain session); released when it goes away."""

    def __init__(self) -> None:
        self.released = False


class WarmChild:
    """One started child waiting for its job."""

    def __init__(self, language: str, limits: Limits, claim: Claim | None) -> None:
        self.key: Key = (language, limits)
        self.claim = claim
        self.dir: Path = child.fresh_dir()
        args = ["--wait", "--torch"] if language == "torch" else ["--wait"]
        try:
            self.proc = child.start(self.dir, limits, args, subprocess.PIPE)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def alive(self) -> bool:
        return self.proc.poll() is None

    def ready(self) -> bool:
        """Its imports are done and it waits for `go`."""
        return self.alive() and (self.dir / "ready").exists()

    def wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if not self.alive() or time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def go(self) -> bool:
        """Hand over the job written into its directory. False if the child is gone."""
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            stdin.write(b"go\n")
            stdin.close()
        except OSError:  # BrokenPipeError: it died while waiting
            return False
        return True

    def discard(self) -> None:
        """Kill it (and anything it started) and remove its directory."""
        child.kill_group(self.proc)
        self.proc.wait()
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class WarmPool:
    """At most one waiting child per (language, limits); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[Key, WarmChild] = {}
        self._exit_hook = False

    def prestart(
        self, language: str, claim: Claim | None = None, limits: Limits | None = None
    ) -> WarmChild | None:
        """Make sure a child for `language` is waiting. Blocks for the process start (tens of
        ms): call it from a worker thread, never the UI thread. None if `claim` was released or
        no child could be started."""
        key: Key = (language, limits or LIMITS[language])
        with self._lock:
            if claim is not None and claim.released:
                return None
            have = self._waiting.get(key)
            if have is not None and have.alive():
                have.claim = claim
                return have
            if have is not None:
                have.discard()
            try:
                fresh = WarmChild(language, key[1], claim)
            except OSError:  # no process or directory now: the run will start a cold child
                return None
            self._waiting[key] = fresh
            if not self._exit_hook:
                atexit.register(self.shutdown)
                self._exit_hook = True
            return fresh

    def take(self, language: str, limits: Limits) -> WarmChild | None:
        """The waiting child for this language and limits, now the caller's; None if none."""
        with self._lock:
            found = self._waiting.pop((language, limits), None)
        if found is not None and not found.alive():
            found.discard()
            return None
        return found

    def waiting(self) -> list[WarmChild]:
        with self._lock:
            return list(self._waiting.values())

    def release(self, claim: Claim) -> None:
        """`claim` wants no more children: kill the ones waiting for it."""
        with self._lock:
            claim.released = True
            mine = [k for k, c in self._waiting.items() if c.claim is claim]
            gone = [self._waiting.pop(k) for k in mine]
        for c in gone:
            c.discard()

    def shutdown(self) -> None:
        """Kill every waiting child."""
        with self._lock:
            gone = list(self._waiting.values())
            self._waiting.clear()
        for c in gone:
            c.discard()


POOL = WarmPool()


def prestart_for(question: Question, claim: Claim | None = None) -> WarmChild | None:
    """A child waiting for `question`'s exercise (None for any other question). Blocks for the
    process start: call it from a worker thread (the mock screen, plain mode's thread, hand-in)."""
    spec = question.code
    if question.type != "code" or spec is None:
        return None
    return POOL.prestart("torch" if spec.language == "torch" else "numpy", claim)
