"""SIGKILL plain practice, drill and mock sessions at random moments, then count what survived.

The one process driver of the kill tests: `Child` runs `python -m qkv_drill ...` with its output
on a queue (tests/test_kill.py drives it by hand). `run_kills` is shared by
`tests/faults/test_kill_random.py` (a few kills per mode) and `benchmarks/faults.py` (many). Each
round starts `python -m qkv_drill <mode> --plain` on one data folder, types answers as fast as the
child acknowledges them (`saved: ...` lines), kills it after a seeded random delay, then opens the
store and compares it with the transcript. Problems are collected, not raised, so the benchmark
can report them; the tests assert there are none.
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import REPO
from tests.helpers.answering import typed_right

ROOT = REPO
PACK = REPO / "tests" / "faults" / "faults.yaml"
PACK_ID = "faults"
ROUND_CAP_S = 8.0  # a round that outlives this is killed anyway
WAIT_S = 20.0
MOCK_QUESTIONS = 6
MOCK_MINUTES = 30.0

HEADER = re.compile(r"\[\d+(?:/\d+)?\] (\S+) \[[^\]]+\]")
ACK = re.compile(r"saved: (correct|wrong|skipped) (\S+)")
MOCK_SHOWN = re.compile(r"Question (\d+)/(\d+) \[[^\]]+\] \d\d:\d\d left( \(answered)?")
MOCK_ACK = re.compile(r"saved: question (\d+) \((\d+)/(\d+) answered, (\d\d:\d\d) left\)")
RESUMED = re.compile(r"Resumed interview (\d+): (\d+) of (\d+) answered, (\d\d:\d\d) left")


@dataclass
class Tally:
    """What one mode's rounds did, and everything that went wrong."""

    mode: str
    rounds: int = 0
    kills: int = 0
    acknowledged: int = 0
    found: int = 0
    in_flight_kept: int = 0  # stored but killed before the `saved:` line: allowed, at most one
    problems: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.acknowledged - self.found


# A disk that takes a random 0-40 ms for each write: a kill then often lands between a mock
# save being issued to the store's writer thread and its write.
SLOW_WRITER = """
import random, sys, time
from qkv_drill.store import writes

write_now = writes.Writes._write_now

def slow(self, op, args):
    time.sleep(random.uniform(0, 0.04))
    return write_now(self, op, args)

writes.Writes._write_now = slow
from qkv_drill.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


class Child:
    """`python -m qkv_drill ...` (or `python -c SHIM ...`) whose stdout lines arrive on a queue
    (None at EOF)."""

    def __init__(self, home: Path, args: list[str], *, shim: str | None = None) -> None:
        env = dict(os.environ, QKV_DRILL_HOME=str(home), PYTHONUNBUFFERED="1")
        env.pop("QKV_DRILL_PACKS", None)
        self.started = time.monotonic()
        command = ["-c", shim] if shim is not None else ["-m", "qkv_drill"]
        self.proc = subprocess.Popen(
            [sys.executable, *command, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=ROOT,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.transcript: list[str] = []
        self._pump = threading.Thread(target=self._read, daemon=True)
        self._pump.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.transcript.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def send(self, text: str) -> None:
        """Write to the child; a child that already died is not an error here."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(text)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def next_line(self, until: float) -> str | None:
        """The next line, or None at EOF or when `until` (monotonic) passes."""
        left = until - time.monotonic()
        if left <= 0:
            return None
        try:
            return self.lines.get(timeout=left)
        except queue.Empty:
            return None

    def wait_for(self, pattern: re.Pattern[str] | str) -> re.Match[str] | None:
        deadline = time.monotonic() + WAIT_S
        while (line := self.next_line(deadline)) is not None:
            m = re.search(pattern, line)
            if m:
                return m
        return None

    def expect(self, pattern: re.Pattern[str] | str) -> re.Match[str]:
        """The first line matching `pattern`; a test failure when none comes in time."""
        m = self.wait_for(pattern)
        if m is None:
            raise AssertionError(f"no line matching {pattern!r} in {self.text()[-300:]!r}")
        return m

    @contextlib.contextmanager
    def killed_on_error(self) -> Iterator[None]:
        """A driver bug must not leave a child waiting on stdin forever."""
        try:
            yield
        except BaseException:
            self.proc.kill()
            self.finish()
            raise

    def kill(self) -> bool:
        """SIGKILL; True when the signal is what ended the child."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        return self.finish() == -signal.SIGKILL

    def finish(self) -> int:
        """Wait for the output to end (so the transcript is complete); the exit code."""
        self.proc.wait(timeout=WAIT_S)
        self._pump.join(timeout=WAIT_S)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        return self.proc.returncode

    def text(self) -> str:
        return "".join(self.transcript)


def kill_plan(rng: random.Random, max_acks: int) -> tuple[float | None, int, float]:
    """When to kill: (seconds after start, or None) else after the n-th `saved:` plus a delay.

    One round in five is killed on a clock from start-up (often before the first question);
    the rest a few milliseconds after a random acknowledgement, while the next answer is being
    checked and stored.
    """
    if rng.random() < 0.2:
        return rng.uniform(0.0, 0.6), 0, 0.0
    return None, rng.randint(1, max_acks), rng.uniform(0.0, 0.015)


def seconds(mmss: str) -> int:
    m, s = mmss.split(":")
    return int(m) * 60 + int(s)


def open_clean(db: Path, tally: Tally, what: str) -> Any:
    """The store after a kill: it must open without moving anything aside or falling back."""
    from qkv_drill.store import Store

    store = Store.open(db)
    moved = sorted(p.name for p in db.parent.glob(db.name + ".corrupt-*"))
    ok = store.persistent and not store.warnings and not moved
    check = store._conn.execute("PRAGMA quick_check").fetchall()
    if not ok or check != [("ok",)]:
        tally.problems.append(
            f"{what}: store did not open cleanly {store.warnings} {moved} {check}"
        )
    return store


# --- practice and drill -----------------------------------------------------------------------


class Typist:
    """Answers of the right form for each question type, numbered so typed texts differ."""

    def __init__(self, rng: random.Random, types: dict[str, str]) -> None:
        self.rng = rng
        self.types = types
        self.n = 1000

    def answer(self, qid: str, drill: bool) -> tuple[str, str]:
        """(what is sent on stdin, the answer text the store should hold)."""
        self.n += 1
        kind = self.types[qid]
        if kind == "text":
            text = f"Q is what a position is looking for and K what it offers ({self.n})."
            keys = f"{text}\n\n{self.rng.choice(['1 2', '1 2 3', '', '3'])}\n"
        else:
            text = {
                "numeric": str(self.n),
                "shape": f"({self.n}, 4)",
                "matrix": self.rng.choice(["0.1 0.2 0.7", "0.33 0.33 0.34"]),
                "choice": self.rng.choice("abc"),
                "multi": self.rng.choice(["a b", "a", "b c"]),
            }[kind]
            keys = text + "\n"
        if drill:  # the rating prompt: kept within the next minutes, so the queue never runs dry
            keys += self.rng.choice(["again", "hard"]) + "\n"
        return keys, text


def practice_round(mode: str, home: Path, rng: random.Random, typist: Typist, tally: Tally) -> None:
    """One child of `practice` or `drill`, killed at a random moment, then the store counted."""
    from qkv_drill.store import Store

    db = home / "progress.db"
    last_id = 0
    if db.exists():
        with Store.open(db) as before:
            last_id = max((r.id or 0 for r in before.iter_answers()), default=0)
    seed = rng.randrange(2**31)
    after_s, after_acks, extra_s = kill_plan(rng, 30)
    child = Child(
        home,
        ["--pack", str(PACK), mode, "--plain", "--seed", str(seed), "--pack-id", PACK_ID],
    )
    kill_at = child.started + (after_s if after_s is not None else ROUND_CAP_S)
    sent: list[tuple[str, str]] = []  # (question id, stored text), in order
    acks = 0
    with child.killed_on_error():
        while (line := child.next_line(kill_at)) is not None:
            m = HEADER.search(line)
            if m:
                keys, text = typist.answer(m.group(1), drill=mode == "drill")
                sent.append((m.group(1), text))
                child.send(keys)
            if ACK.search(line):
                acks += 1
                if after_s is None and acks >= after_acks:
                    kill_at = min(kill_at, time.monotonic() + extra_s)
    tally.rounds += 1
    tally.kills += child.kill()
    acked = ACK.findall(child.text())
    tally.acknowledged += len(acked)

    store = open_clean(db, tally, f"{mode} round {tally.rounds}")
    try:
        rows = sorted((r for r in store.iter_answers() if r.id > last_id), key=lambda r: r.id)
        got = [(r.verdict, r.question_id) for r in rows]
        found = 0
        for want, have in zip(acked, got, strict=False):
            if want != have:
                break
            found += 1
        tally.found += found
        where = f"{mode} round {tally.rounds} (seed {seed})"
        if found < len(acked):
            tally.problems.append(f"{where}: acknowledged {acked} but stored {got}")
        extra = rows[len(acked) :]
        in_flight = sent[len(acked)][0] if len(sent) > len(acked) else None
        if len(extra) > 1 or (extra and extra[0].question_id != in_flight):
            tally.problems.append(f"{where}: stored without acknowledgement: {got[len(acked) :]}")
        tally.in_flight_kept += len(extra) == 1
        for r, (qid, text) in zip(rows, sent, strict=False):
            if r.question_id == qid and r.verdict != "skipped" and r.answer_text != text:
                tally.problems.append(f"{where}: {qid} stored {r.answer_text!r}, typed {text!r}")
        if any(r.mode != mode for r in rows):
            tally.problems.append(f"{where}: a row of another mode: {[r.mode for r in rows]}")
        twice = [k for k, n in Counter((r.question_id, r.seed) for r in rows).items() if n > 1]
        everything = Counter((r.question_id, r.seed) for r in store.iter_answers())
        twice += [k for k, n in everything.items() if n > 1 and k not in twice]
        if twice:
            tally.problems.append(f"{where}: stored twice: {twice}")
        if mode == "drill":
            missing = {qid for _, qid in acked if store.get_card(qid) is None}
            if missing:
                tally.problems.append(
                    f"{where}: acknowledged drill answers without a card {missing}"
                )
    finally:
        store.close()


def question_types() -> dict[str, str]:
    from qkv_drill.packs.loader import load_packs

    packset = load_packs(extra=[PACK], include_shipped=False, include_user=False)
    return {qid: q.type for qid, q in packset.questions.items()}


def run_practice_kills(mode: str, home: Path, rounds: int, seed: int) -> Tally:
    rng = random.Random(seed)
    typist = Typist(rng, question_types())
    tally = Tally(mode)
    for _ in range(rounds):
        practice_round(mode, home, rng, typist, tally)
    return tally


# --- mock interviews --------------------------------------------------------------------------


class MockRounds:
    """Mock interviews on one data folder: each round kills a new or a resumed interview."""

    def __init__(self, home: Path, seed: int, *, shim: str | None = None) -> None:
        from qkv_drill.packs.loader import load_packs

        self.home = home
        self.shim = shim  # e.g. SLOW_WRITER, for every child of these rounds
        self.db = home / "progress.db"
        self.rng = random.Random(seed)
        self.packset = load_packs(extra=[PACK], include_shipped=False, include_user=False)
        self.tally = Tally("mock")
        self.plans: dict[int, list[Any]] = {}  # mock seed -> instances
        self.remaining = MOCK_MINUTES * 60  # of the running interview, as last stored
        self.acked: dict[int, str] = {}  # idx -> stored text, of the running interview
        self.kept: dict[int, str] = {}  # stored before (acknowledged or not): must stay
        self.seed: int | None = None  # of the running interview

    def instances(self, seed: int) -> list[Any]:
        from qkv_drill.session.mock import MockSession, MockSettings
        from qkv_drill.store import Store

        if seed not in self.plans:
            settings = MockSettings(
                minutes=MOCK_MINUTES, questions=MOCK_QUESTIONS, seed=seed, packs=(PACK_ID,)
            )
            self.plans[seed] = MockSession.create(
                self.packset, Store.in_memory(), settings
            ).instances
        return self.plans[seed]

    def round(self) -> None:
        rng, tally = self.rng, self.tally
        tally.rounds += 1
        where = f"mock round {tally.rounds}"
        if self.seed is None:
            self.seed = rng.randrange(2**31)
            self.remaining = MOCK_MINUTES * 60
            self.acked, self.kept = {}, {}
            args = ["mock", "--plain", "--seed", str(self.seed), "--pack-id", PACK_ID]
            args += ["--questions", str(MOCK_QUESTIONS), "--minutes", str(MOCK_MINUTES)]
        else:
            args = ["mock", "--plain", "--resume"]
        instances = self.instances(self.seed)
        after_s, after_acks, extra_s = kill_plan(rng, max(1, MOCK_QUESTIONS - len(self.kept)))
        child = Child(self.home, ["--pack", str(PACK), *args], shim=self.shim)
        kill_at = child.started + (after_s if after_s is not None else ROUND_CAP_S)
        sent: dict[int, str] = {}
        acks = 0
        last_left: int | None = None
        with child.killed_on_error():
            while (line := child.next_line(kill_at)) is not None:
                m = MOCK_SHOWN.search(line)
                if m and not m.group(3):
                    idx = int(m.group(1)) - 1
                    keys = typed_right(instances[idx])
                    sent[idx] = keys.strip()
                    child.send(keys)
                if "Every question has an answer" in line and after_s is None:
                    kill_at = min(kill_at, time.monotonic() + extra_s)
                a = MOCK_ACK.search(line)
                if a:
                    acks += 1
                    if after_s is None and acks >= after_acks:
                        kill_at = min(kill_at, time.monotonic() + extra_s)
        lived = time.monotonic() - child.started
        tally.kills += child.kill()
        new_acks = MOCK_ACK.findall(child.text())
        tally.acknowledged += len(new_acks)
        for q, _n, _total, left in new_acks:
            self.acked[int(q) - 1] = sent[int(q) - 1]
            last_left = seconds(left)

        store = open_clean(self.db, tally, where)
        try:
            row = store.unfinished_mock()
            saved = store.mock_answers(row.id) if row is not None else {}
            texts = {i: a.answer_text for i, a in saved.items() if a.answer_text is not None}
            must = self.kept | self.acked
            lost = sum(texts.get(i) != t for i, t in must.items())
            tally.found += len(new_acks) - lost  # earlier rounds' answers were counted already
            if lost:
                tally.problems.append(f"{where}: should hold {must}, stored {texts}")
            unacked = set(texts) - set(must)
            if unacked - set(sent) or len(unacked) > 1:
                tally.problems.append(f"{where}: stored without acknowledgement: {texts} ({must})")
            tally.in_flight_kept += len(unacked)
            self.kept = texts
            if row is None:
                if must:
                    tally.problems.append(f"{where}: the interview itself is gone")
                self.seed = None
                return
            left = row.duration_s - row.used_s
            if not self.remaining - lived - 1 <= left <= self.remaining + 0.01:
                tally.problems.append(
                    f"{where}: {left:.1f} s left after a child that lived {lived:.1f} s "
                    f"with {self.remaining:.1f} s left"
                )
            if last_left is not None:
                from qkv_drill.session.mock import CHECKPOINT_EVERY_S

                if not last_left - CHECKPOINT_EVERY_S - 1 <= left <= last_left + 1:
                    tally.problems.append(f"{where}: {left:.1f} s left, last said {last_left} s")
        finally:
            store.close()
        self._check_resume(where, len(texts), left)

    def _check_resume(self, where: str, answered: int, left: float) -> None:
        """`mock --resume` reports every stored answer and the stored time; then pause or finish."""
        from qkv_drill.store import Store

        args = ["--pack", str(PACK), "mock", "--plain", "--resume"]
        child = Child(self.home, args, shim=self.shim)
        m = child.wait_for(RESUMED)
        if m is None:
            child.kill()
            self.tally.problems.append(f"{where}: resume said {child.text()[-300:]!r}")
            return
        if int(m.group(2)) != answered or abs(seconds(m.group(4)) - left) > 1:
            self.tally.problems.append(
                f"{where}: resumed with {m.group(2)} answered, {m.group(4)} left; "
                f"stored {answered} answered, {left:.1f} s left"
            )
        mock_id = int(m.group(1))
        done = answered == MOCK_QUESTIONS
        child.send(":finish\n1 2 3\n" if done else ":quit\n")  # 1 2 3: the open answer's grade
        assert child.proc.stdin is not None
        child.proc.stdin.close()
        code = child.finish()
        with Store.open(self.db) as store:
            row = store.get_mock(mock_id)
            if code != 0 or row is None:
                self.tally.problems.append(f"{where}: resume ended with {code}")
                return
            if done:
                graded = [r for r in store.iter_answers(mode="mock") if r.mock_id == mock_id]
                if row.state != "finished" or len(graded) != MOCK_QUESTIONS:
                    self.tally.problems.append(
                        f"{where}: finished as {row.state} with {len(graded)} graded answers"
                    )
                self.seed = None
            else:
                self.remaining = row.duration_s - row.used_s


def run_mock_kills(home: Path, rounds: int, seed: int, *, shim: str | None = None) -> Tally:
    runner = MockRounds(home, seed, shim=shim)
    for _ in range(rounds):
        runner.round()
    return runner.tally


def run_kills(mode: str, home: Path, rounds: int, seed: int) -> Tally:
    """`rounds` kills of one mode (practice | drill | mock) on the data folder `home`."""
    if mode == "mock":
        return run_mock_kills(home, rounds, seed)
    return run_practice_kills(mode, home, rounds, seed)
