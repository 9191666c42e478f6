"""stdin/stdout for the line mode: a flush after every line, EOF as an exception, and the few
exchanges practice and the mock share (rubric points, the `saved:` acknowledgement)."""

from __future__ import annotations

import re
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

    def ask_more(self, first: str) -> str:
        """An open answer: `first` and the lines after it, up to a blank line (or EOF)."""
        lines = [first]
        while True:
            try:
                line = self.ask("")
            except EOFError:
                break
            if not line.strip():
                break
            lines.append(line)
        return "\n".join(lines).strip()


def ask_covered(io: PlainIO, n_points: int) -> list[int]:
    """Ask which rubric points were covered (1-based on screen, 0-based returned)."""
    while True:
        raw = io.ask("points covered (e.g. 1 3):")
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
