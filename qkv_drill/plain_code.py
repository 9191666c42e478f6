"""Plain mode for "implement it" exercises: code typed until a lone `.`, or `:file PATH`.

The starter (or the last code submitted for the question) is printed so it can be copied; the
report says what happened, the failing case and the named mistake, as text lines.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from qkv_drill.plain_io import PlainIO, Typed

CODE_HELP = (
    "Type your code and end it with a line holding only '.', or :file PATH to submit a file."
)
MAX_FILE_CHARS = 100_000


def show_code_question(io: PlainIO, inst: Any, store: Any) -> None:
    """The starter, or the last code submitted for this question, ready to copy. A warm child
    starts importing in the background meanwhile (killed at exit if no run takes it)."""
    q = inst.question
    if q.code is not None:
        prestart(q.code.language)
    attempts = store.attempts(q.id, limit=1) if store is not None else []
    if attempts:
        when, verdict, _, code = attempts[0]
        io.say(f"Your last code ({verdict}, {when:%Y-%m-%d %H:%M} UTC):")
    else:
        io.say("Starter:")
        code = q.code.starter if q.code else ""
    io.say(code.rstrip("\n"))
    io.say(CODE_HELP)


def prestart(language: str) -> None:
    from qkv_drill.exercises.warm import POOL

    threading.Thread(target=POOL.prestart, args=(language,), daemon=True).start()


def typed_answer(io: PlainIO, kind: str, first: str, here: Callable[[str], bool]) -> Typed | None:
    """An answer that takes several lines: open text up to a blank line, code up to a lone `.`
    (or `:file PATH`); commands inside act as `plain_io.read_answer` says. None when a named
    file cannot be read (the reason is said)."""
    from qkv_drill.plain_io import read_answer

    if kind == "code":
        return read_code(io, first, here)
    return read_answer(io, first, here)


def read_code(io: PlainIO, first: str, here: Callable[[str], bool]) -> Typed | None:
    """`:file PATH` reads that file; otherwise `first` and the lines after it, up to a line holding
    only `.` (or the end of input), commands acting as everywhere in plain mode (`read_answer`).
    None when the file cannot be read (the reason is said)."""
    from qkv_drill.plain_io import Typed, read_answer

    cmd = first.strip()
    if cmd == ":file" or cmd.startswith(":file "):
        text = _read_file(io, cmd[len(":file") :].strip())
        return None if text is None else Typed(text)
    typed = read_answer(io, first, here, last=lambda line: line.strip() == ".")
    return Typed(typed.text + "\n", typed.command)


def _read_file(io: PlainIO, name: str) -> str | None:
    if not name:
        io.say("Use :file PATH.")
        return None
    path = Path(name).expanduser()
    try:
        if path.stat().st_size > 4 * MAX_FILE_CHARS:
            io.say(f"{name} is larger than the {MAX_FILE_CHARS:,}-character limit.")
            return None
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        io.say(f"{name} is not UTF-8 text.")
    except OSError as e:
        io.say(f"Cannot read {name}: {e.strerror or e}.")
    return None


def code_verdict_line(right: bool, message: str) -> str:
    """The report's first line with the verdict word once: the checker's "Right: ..." reads
    "Correct: ...", its "Wrong values ..." / "Wrong shape ..." already say wrong, anything else
    ("Syntax error on line 1 ...") gets "Wrong." in front."""
    if right:
        return (
            "Correct: " + message.removeprefix("Right: ")
            if message.startswith("Right: ")
            else f"Correct. {message}"
        )
    return message if message.startswith("Wrong ") else f"Wrong. {message}"


def show_code_report(io: PlainIO, verdict: Any) -> None:
    from qkv_drill.exercises.render import plain_lines

    report = verdict.parsed
    lines = plain_lines(report) if report is not None else [verdict.message]
    io.say(code_verdict_line(verdict.status == "correct", lines[0]))
    for line in lines[1:]:
        io.say(line)
