"""Plain practice in a subprocess over a fault: a read-only file, a full disk, a damaged file.

The store's connection hook (`qkv_drill.store.store._connect`) is swapped in a small start-up
shim, so the faults are real SQLite errors and work as root.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from qkv_drill.store import AnswerRecord, Store
from tests.helpers.answering import typed_right
from tests.helpers.cli import run_cli
from tests.helpers.kill import PACK, PACK_ID

NOT_SAVED = "progress is not being saved"
SEED = 3
COUNT = 3

SHIM = """
import sqlite3, sys
from qkv_drill.store import store as m

real = m._connect

def read_only(path):
    return sqlite3.connect(
        f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )

def disk_full(path):
    conn = real(path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {max(pages, 1)}")  # no room to grow
    return conn

m._connect = {"ro": read_only, "full": disk_full, "none": real}[sys.argv[1]]
from qkv_drill.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def earlier_progress(path: Path, n: int = 4) -> None:
    """A store holding n answers, all in the main file (no -wal left beside it)."""
    with Store.open(path) as s:
        for i in range(n):
            s.record_answer(
                AnswerRecord(
                    "faults.scale",
                    PACK_ID,
                    "scaling",
                    "medium",
                    "numeric",
                    "{}",
                    i,
                    str(i),
                    "wrong",
                )
            )
        s._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def right_answers(n: int) -> str:
    """What a person who knows the answers types for the first n questions of practice SEED."""
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.session.filters import Filter
    from qkv_drill.session.practice import PracticeSession

    packset = load_packs(extra=[PACK], include_shipped=False, include_user=False)
    preview = PracticeSession(
        packset, Store.in_memory(), Filter(packs=frozenset({PACK_ID})), seed=SEED
    )
    keys = ""
    for _ in range(n):
        inst = preview.next()
        assert inst is not None, "the practice preview ran dry"
        keys += typed_right(inst) + ("1 2 3\n" if inst.question.type == "text" else "")
    return keys


def practise(home: Path, how: str, answers: str) -> subprocess.CompletedProcess[str]:
    """`practice --plain` of COUNT questions with the connection hook `how` (ro | full | none)."""
    args = ["--pack", str(PACK), "practice", "--plain", "--seed", str(SEED)]
    args += ["--pack-id", PACK_ID, "--count", str(COUNT)]
    return run_cli(how, *args, home=home, input=answers, shim=SHIM, timeout=60)
