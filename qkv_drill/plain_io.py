"""stdin/stdout for the line mode: a flush after every line, EOF as an exception, and the few
exchanges practice and the mock share (rubric points, the `saved:` acknowledgement)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from qkv_drill.plain_text import render_markdown
from qkv_drill.textsafe import printable

if TYPE_CHECKING:
    from qkv_drill.store import Store


class Quit(Exception):
    """The user typed :quit or input ended."""


class PlainIO:
    """stdin/stdout with a flush after every line, and EOF as an exception."""

    def __init__(self, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> None:
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr

    def say(self, text: str = "") -> None:
        self.stdout.write(printable(text) + "\n")  # pack text never drives the terminal
        self.stdout.flush()

    def warn(self, text: str) -> None:
        self.stderr.write(printable(text) + "\n")
        self.stderr.flush()

    def ask(self, prompt: str) -> str:
        self.stdout.write(printable(prompt))
        self.stdout.flush()
        line = self.stdin.readline()
        if line == "":
            raise EOFError
        return line.rstrip("\r\n")


# --- commands inside an answer ------------------------------------------------------------------
#
# One rule for every plain prompt: a line that is only a command (`:next`, `:goto 3`) acts as the
# command, on the first line of an answer or on any later one; it never becomes answer text. A
# command that keeps the question (`:hint`, `:flag`) acts and the typing goes on with the lines
# kept; one that leaves it (`:skip`, `:next`, `:quit`) ends the answer, and the caller keeps the
# lines as a draft (the mock) or says they were not submitted (practice and drill).

_COMMAND = re.compile(r":[A-Za-z]+(?:\s.*)?")


def is_command(line: str) -> bool:
    """A line that is only a command: a colon, a word, maybe arguments (`:goto 3`). Text that
    merely starts with a colon (`:)`, `: because`) is answer text."""
    return _COMMAND.fullmatch(line.strip()) is not None


def command_word(line: str) -> str:
    """`:goto 3` -> `:goto`."""
    return line.split(maxsplit=1)[0] if line.strip() else ""


@dataclass(frozen=True)
class Typed:
    """An answer typed over several lines, and the command that ended it, if one did."""

    text: str
    command: str | None = None  # a command line that leaves the question; the caller acts on it


def read_answer(
    io: PlainIO,
    first: str,
    here: Callable[[str], bool],
    *,
    last: Callable[[str], bool] = lambda line: not line.strip(),
) -> Typed:
    """`first` and the lines after it, up to a line `last` says ends the answer (a blank line;
    a lone `.` for code), or end of input. A command line is never part of the answer: `here`
    acts on it and returns True when the question stays (the typing goes on), else the answer
    ends there and the command comes back in `Typed.command`."""
    lines = [first]
    while True:
        try:
            line = io.ask("")
        except EOFError:
            break
        if last(line):
            break
        if is_command(line):
            if here(line.strip()):
                io.say(f"(Still typing: {_lines(len(lines))} kept; go on.)")
                continue
            return Typed("\n".join(lines), line.strip())
        lines.append(line)
    return Typed("\n".join(lines))


def _lines(n: int) -> str:
    return "1 line" if n == 1 else f"{n} lines"


def ask_covered(io: PlainIO, n_points: int) -> list[int]:
    """Ask which rubric points were covered (1-based on screen, 0-based returned)."""
    while True:
        raw = io.ask("points covered (e.g. 1 3):")
        if is_command(raw):
            if raw.strip() == ":quit":
                raise Quit
            io.say(f"First the points you covered, 1 to {n_points} (or blank for none).")
            continue
        parts = re.split(r"[\s,]+", raw.strip()) if raw.strip() else []
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            io.say(f"Type point numbers between 1 and {n_points}, or leave it blank for none.")
            continue
        if all(1 <= n <= n_points for n in nums):
            return sorted({n - 1 for n in nums})
        io.say(f"Points go from 1 to {n_points}.")


def show_rubric(io: PlainIO, model_answer: str, points: list[str], hits: list[bool]) -> None:
    io.say("Model answer:")
    io.say(render_markdown(model_answer))
    io.say("Rubric:")
    for k, point in enumerate(points):
        guess = " (mentioned?)" if k < len(hits) and hits[k] else ""
        io.say(f"  {k + 1}. {point}{guess}")


def say_saved(io: PlainIO, store: Store, text: str) -> None:
    """Acknowledge a recorded answer: `saved:` only when it is on disk (writes issued to the
    store's writer thread are waited for first)."""
    settle = getattr(store, "settle", None)
    if settle is not None:
        settle()
    if getattr(store, "saving", True):
        io.say(f"saved: {text}")
    elif getattr(store, "pending", 0):
        io.say(f"queued (not on disk yet, the file is locked): {text}")
    else:
        io.say(f"not saved (progress is in memory only): {text}")
