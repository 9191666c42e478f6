"""Line-oriented practice, drill and mock interview on stdin/stdout.

For screen readers, pipes and scripts: prompts are plain text (Markdown tables become aligned
rows), answers are read one line at a time, and the checking and the store are the same as in the
app. Every answer on disk prints a `saved:` line at once (and only then), so a script knows what
was kept.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any, TextIO

from qkv_drill.present.formats import lettered, mm_ss, mock_time_left, shape_tuple, short_number
from qkv_drill.present.forms import answer_form
from qkv_drill.textsafe import printable

PRACTICE_HELP = "commands: :hint :skip :redraw :why :quit"
MOCK_HELP = "commands: :next :prev :flag :goto N :finish :quit (answers are saved as you go)"
RATINGS = ("again", "hard", "good", "easy")


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


# --- rendering ------------------------------------------------------------------------------

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _table(rows: list[str]) -> list[str]:
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    cells = [c for c, r in zip(cells, rows, strict=True) if not _SEPARATOR.match(r) and any(c)]
    if not cells:
        return []
    width = max(len(c) for c in cells)
    cells = [c + [""] * (width - len(c)) for c in cells]
    widths = [max(len(row[i]) for row in cells) for i in range(width)]
    return ["  " + "  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) for row in cells]


def render_markdown(text: str) -> str:
    """Markdown as plain text: tables as aligned rows, emphasis markers dropped."""
    out: list[str] = []
    table: list[str] = []
    for line in text.strip("\n").splitlines():
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        if table:
            out += _table(table)
            table = []
        out.append(line)
    if table:
        out += _table(table)
    text = "\n".join(out)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"`([^`\n]+)`", r"\1", text)  # inline code: the words, not the backticks
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text)  # at most one blank line in a row


def _letters(options: list[str]) -> list[str]:
    return ["  " + line for line in lettered(render_markdown(o) for o in options)]


def matrix_rows(value: Any) -> list[str]:
    """A 1-D or 2-D array as right-aligned rows (4 significant digits)."""
    import numpy as np

    a = np.atleast_2d(np.asarray(value, dtype=float))
    if a.ndim != 2:
        return [f"(array of shape {tuple(np.shape(value))})"]
    cells = [[short_number(v) for v in row] for row in a]
    width = max(len(c) for row in cells for c in row)
    return ["  ".join(c.rjust(width) for c in row) for row in cells]


def _trace_lines(trace: Any) -> list[str]:
    lines = []
    for step in getattr(trace, "steps", None) or ():
        shape = tuple(getattr(step, "shape", ()) or ())
        formula = (
            step.formula if step.formula.startswith(step.name) else (f"{step.name}: {step.formula}")
        )
        lines.append(f"- {formula}" + (f"  shape {shape_tuple(shape)}" if shape else ""))
        if getattr(step, "note", ""):
            lines.append(f"  {step.note}")
        value = getattr(step, "value", None)
        if value is not None and 0 < getattr(value, "size", 0) <= 64:
            lines += ["    " + row for row in matrix_rows(value)]
    return lines


def _covered(io: PlainIO, n_points: int) -> list[int]:
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


def _show_rubric(io: PlainIO, model_answer: str, points: list[str], hits: list[bool]) -> None:
    io.say("Model answer:")
    io.say(render_markdown(model_answer))
    io.say("Rubric:")
    for k, point in enumerate(points):
        guess = " (mentioned?)" if k < len(hits) and hits[k] else ""
        io.say(f"  {k + 1}. {point}{guess}")


# --- start-up -------------------------------------------------------------------------------


def _open(args: Any, io: PlainIO) -> tuple[Any, Any]:
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.store import Store

    packset = load_packs(extra=list(getattr(args, "pack", None) or ()))
    for issue in packset.issues:
        io.warn(str(issue))
    store = Store.open(None, on_warning=io.warn)  # every store fault is one line, at once
    return packset, store


def _saved(io: PlainIO, store: Any, text: str) -> None:
    """Acknowledge a recorded answer: `saved:` only when it is on disk."""
    if getattr(store, "saving", True):
        io.say(f"saved: {text}")
    elif getattr(store, "pending", 0):
        io.say(f"queued (not on disk yet, the file is locked): {text}")
    else:
        io.say(f"not saved (progress is in memory only): {text}")


def run_plain(
    args: Any,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    clock: Any = None,
) -> int:
    from qkv_drill.session.clock import SYSTEM_CLOCK

    io = PlainIO(stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr)
    packset, store = _open(args, io)
    clock = clock or SYSTEM_CLOCK
    try:
        if args.command == "mock":
            return _run_mock(args, io, packset, store, clock)
        return _run_practice(args, io, packset, store, clock)
    finally:
        store.close()  # writes queued behind another program's lock get a last chance


# --- practice and drill ---------------------------------------------------------------------


def _show_question(io: PlainIO, inst: Any, header: str) -> None:
    q = inst.question
    io.say("")
    io.say(f"{header} {q.id} [{q.topic}, {q.difficulty}]")
    io.say(render_markdown(inst.prompt))
    if inst.options:
        io.say("\n".join(_letters(inst.options)))


def _show_verdict(io: PlainIO, verdict: Any, inst: Any) -> None:
    if inst.question.type == "code":
        from qkv_drill.plain_code import show_code_report

        show_code_report(io, verdict)
        if verdict.status != "correct" and inst.question.explanation:
            io.say("Why: " + render_markdown(inst.question.explanation))
        return
    label = {"correct": "Correct.", "wrong": "Wrong."}.get(verdict.status, verdict.status)
    m = verdict.misconception
    message = verdict.message or ""
    if m is not None and m.feedback and m.feedback.strip() in message:
        message = ""  # the Misconception line below says it: once is enough
    io.say(f"{label} {message}".rstrip())
    if verdict.status != "correct" and inst.question.type != "text":
        io.say(f"Expected: {verdict.expected_display}")
    if m is not None:
        io.say(f"Misconception: {m.title}. {m.feedback}")
    if inst.question.explanation:
        io.say("Why: " + render_markdown(inst.question.explanation))


def _run_practice(args: Any, io: PlainIO, packset: Any, store: Any, clock: Any) -> int:
    from qkv_drill.session.filters import Filter

    flt = Filter.from_args(args)
    if args.command == "drill":
        from qkv_drill.session.drill import DrillSession

        session: Any = DrillSession(
            packset,
            store,
            flt,
            seed=args.seed,
            clock=clock,
            weakest=getattr(args, "weakest", False),
        )
        if session.weakest:
            io.say("Weakest topics: " + ", ".join(session.topics))
        io.say(f"Drill: {session.due_count()} due now.")
    else:
        from qkv_drill.session.practice import PracticeSession

        session = PracticeSession(packset, store, flt, seed=args.seed, clock=clock)
    session.on_skip = io.say  # a question that cannot be drawn says why, then the next comes
    if not session.pool:
        io.say(f"No questions match ({flt.describe()}).")
        return 1
    io.say(
        f"{args.command.capitalize()}: {len(session.pool)} questions, seed {session.seed}. "
        + PRACTICE_HELP
    )
    count = args.count
    asked = 0
    answered: list[Any] = []  # (question id, trace) of the question answered last, for :why
    try:
        inst = session.next()
        while inst is not None and (count is None or asked < count):
            asked += 1
            total = f"/{count}" if count else ""
            _show_question(io, inst, f"[{asked}{total}]")
            inst = _ask_one(io, session, inst, answered)
        if inst is None and args.command == "drill":
            due = session.next_due()
            io.say(
                "Nothing else is due."
                + (f" Next card due {due:%Y-%m-%d %H:%M} UTC." if due else "")
            )
    except (EOFError, Quit):
        pass
    t = session.tally
    io.say("")
    io.say(
        f"Summary: {t['correct'] + t['wrong'] + t['skipped']} recorded: {t['correct']} correct, "
        f"{t['wrong']} wrong, {t['skipped']} skipped; {session.total_hints} hint(s) used."
    )
    return 0


def _why(io: PlainIO, answered: list[Any]) -> None:
    """The derivation of the question answered last: never of the one still being asked, which
    would show its answer (the TUI's rule too: d works once the answer is in)."""
    if not answered:
        io.say("The derivation comes after you answer: answer (or :skip), then :why shows it.")
        return
    qid, trace = answered[-1]
    steps = _trace_lines(trace)
    io.say(f"Derivation of {qid}:" if steps else f"No derivation for {qid}.")
    if steps:
        io.say("\n".join(steps))


def _ask_one(io: PlainIO, session: Any, inst: Any, answered: list[Any]) -> Any:
    """One question until it is answered or skipped; returns the next instance.

    `answered` holds (id, derivation) of the question answered last, for `:why`.
    """
    kind = inst.question.type
    if kind == "code":
        from qkv_drill.plain_code import show_code_question

        show_code_question(io, inst, session.store)
    else:
        io.say(f"Answer ({answer_form(kind)}).")
    while True:
        line = io.ask("> ")
        cmd = line.strip()
        if cmd == ":quit":
            raise Quit
        if cmd == ":hint":
            hint = session.hint()
            io.say(f"Hint: {hint}" if hint else "No more hints.")
            continue
        if cmd == ":skip":
            recorded = session.tally["skipped"]
            nxt = session.skip()
            if session.tally["skipped"] > recorded:
                _saved(io, session.store, f"skipped {inst.question.id}")
            return nxt
        if cmd == ":redraw":
            inst = session.redraw()
            _show_question(io, inst, "[redraw]")
            continue
        if cmd == ":why":
            _why(io, answered)
            continue
        if cmd.startswith(":") and not (kind == "code" and cmd.startswith(":file")):
            io.say(f"Unknown command {cmd}. {PRACTICE_HELP}")
            continue
        if not cmd:
            io.say(f"Type an answer first. {PRACTICE_HELP}")
            continue
        if kind == "text":
            line = io.ask_more(line)
        if kind == "code":
            from qkv_drill.plain_code import read_code

            code = read_code(io, line)
            if code is None:
                continue
            line = code
            io.say("Running your code...")
        verdict = session.submit(line)
        if verdict.status == "unparseable":
            io.say(verdict.message)
            continue
        if verdict.status == "self_grade":
            q = inst.question
            _show_rubric(io, q.model_answer, [r.point for r in q.rubric], list(verdict.rubric_hits))
            try:
                covered = _covered(io, len(q.rubric))
            except EOFError:
                session.skip()
                _saved(io, session.store, f"skipped {q.id}")
                raise
            verdict = session.self_grade(covered)
        _saved(io, session.store, f"{verdict.status} {inst.question.id}")
        _show_verdict(io, verdict, inst)
        answered[:] = [(inst.question.id, session.derivation())]
        if session.derivation() is not None:
            io.say("(:why at the next prompt shows the derivation)")
        if getattr(session, "suggested_rating", None) is not None:
            _ask_rating(io, session)
        return session.next()


def _ask_rating(io: PlainIO, session: Any) -> None:
    from fsrs import Rating

    suggested = session.suggested_rating.name.lower()
    while True:
        try:
            raw = io.ask(f"rating [{'/'.join(RATINGS)}, enter = {suggested}]: ").strip().lower()
        except EOFError:
            return
        if not raw or raw == suggested:
            return
        match = [r for r in RATINGS if r.startswith(raw)]
        if len(match) == 1:
            session.rate(Rating[match[0].capitalize()])
            io.say(f"Rated {match[0]}.")
            return
        io.say("Type again, hard, good or easy.")


# --- mock interview -------------------------------------------------------------------------


def _run_mock(args: Any, io: PlainIO, packset: Any, store: Any, clock: Any) -> int:
    from qkv_drill.session.mock import MockResumeError, MockSession, MockSettings, unfinished

    row = unfinished(store)
    if args.resume:
        if row is None:
            io.say("No interrupted interview to resume.")
            return 1
        try:
            session = MockSession.resume(packset, store, row.id, clock)
        except MockResumeError as exc:
            io.say(f"Cannot resume: {exc}")
            return 1
        io.say(
            f"Resumed interview {session.mock_id}: {session.answered_count} of "
            f"{len(session.instances)} answered, {mm_ss(session.remaining())} left."
        )
    else:
        if row is not None:
            io.say(
                f"An interrupted interview (number {row.id}, started {row.started_utc}) has "
                f"{mm_ss(mock_time_left(row))} left. Resume it with "
                "`qkv-drill mock --plain --resume` (type :finish there to grade it as it stands)."
            )
            return 1
        try:
            session = MockSession.create(packset, store, MockSettings.from_args(args), clock)
        except ValueError as exc:
            io.say(str(exc))
            return 1
        for line in session.draw_errors:
            io.say(line)
        io.say(
            f"Mock interview {session.mock_id}: {len(session.instances)} questions in "
            f"{mm_ss(session.remaining())}, seed {session.seed}. No feedback until the end."
        )
    io.say(MOCK_HELP)
    try:
        done = _mock_loop(io, session)
    except (EOFError, Quit):
        done = False
    if not done:
        session.checkpoint()
        io.say("")
        io.say(
            f"Interview paused: {session.answered_count} of {len(session.instances)} answered, "
            f"{mm_ss(session.remaining())} left. Resume with `qkv-drill mock --plain --resume`."
        )
        return 0
    report = session.finish()
    io.say(f"Interview {session.mock_id} handed in.")
    _self_grade_report(io, report)
    io.say("")
    io.say(render_markdown(report.to_markdown()))
    return 0


def _mock_show(io: PlainIO, session: Any) -> None:
    i = session.index
    inst = session.current
    q = inst.question
    marks = []
    if session.answers[i] is not None:
        code = q.type == "code"
        marks.append("answered" if code else f"answered: {session.answers[i]!r}")
    if i in session.flagged:
        marks.append("flagged")
    io.say("")
    io.say(
        f"Question {i + 1}/{len(session.instances)} [{q.topic}, {q.difficulty}] "
        f"{mm_ss(session.remaining())} left" + (f" ({'; '.join(marks)})" if marks else "")
    )
    io.say(render_markdown(inst.prompt))
    if inst.options:
        io.say("\n".join(_letters(inst.options)))
    if q.type == "code":
        from qkv_drill.plain_code import CODE_HELP

        label = "Your code so far:" if session.answers[i] else "Starter:"
        io.say(label + "\n" + (session.answers[i] or (q.code.starter if q.code else "")).rstrip())
        io.say(CODE_HELP)
    else:
        io.say(f"Answer ({answer_form(q.type)}).")


def _mock_loop(io: PlainIO, session: Any) -> bool:
    """Returns True when the interview is to be handed in (by :finish or at zero)."""
    n = len(session.instances)
    show = True
    while True:
        if session.tick():
            io.say("Time is up.")
            return True
        if show:
            _mock_show(io, session)
        show = True
        line = io.ask(f"[{mm_ss(session.remaining())}] > ")
        if session.tick():
            io.say("Time is up: that last answer came too late to count.")
            return True
        cmd = line.strip()
        commands: dict[str, Callable[[], None]] = {
            ":next": session.next,
            ":prev": session.prev,
            ":flag": session.toggle_flag,
        }
        if cmd in commands:
            commands[cmd]()
            if cmd == ":flag":
                state = "flagged" if session.index in session.flagged else "unflagged"
                io.say(f"Question {session.index + 1} {state}.")
                show = False
            continue
        if cmd.startswith(":goto"):
            try:
                session.goto(int(cmd.split(maxsplit=1)[1]) - 1)
            except (IndexError, ValueError):
                io.say(f"Use :goto N with N from 1 to {n}.")
                show = False
            continue
        if cmd == ":finish":
            return True
        if cmd == ":quit":
            raise Quit
        is_code = session.current.question.type == "code"
        if cmd.startswith(":") and not (is_code and cmd.startswith(":file")):
            io.say(f"Unknown command {cmd}. {MOCK_HELP}")
            show = False
            continue
        if not cmd:
            io.say(f"Type an answer first. {MOCK_HELP}")
            show = False
            continue
        if session.current.question.type == "text":
            line = io.ask_more(line)
        if session.current.question.type == "code":
            from qkv_drill.plain_code import read_code

            code = read_code(io, line)
            if code is None:
                show = False
                continue
            line = code
        message = session.answer(line)
        if message is not None:
            io.say(message)
            show = False
            continue
        _saved(
            io,
            session.store,
            f"question {session.index + 1} ({session.answered_count}/{n} answered, "
            f"{mm_ss(session.remaining())} left)",
        )
        following = [
            i
            for i in [*range(session.index + 1, n), *range(session.index)]
            if session.answers[i] is None
        ]
        if following:
            session.goto(following[0])
        else:
            io.say("Every question has an answer: :finish to hand in, or :goto N to review.")
            show = False


def _self_grade_report(io: PlainIO, report: Any) -> None:
    pending = report.pending
    if not pending:
        return
    io.say(f"{len(pending)} open answer(s) to grade against the rubric.")
    grades = {}
    try:
        for item in pending:
            io.say("")
            io.say(f"Question {item.idx + 1}: {render_markdown(item.prompt)}")
            io.say("Your answer:")
            io.say(item.user_answer or "")
            _show_rubric(io, item.model_answer, item.rubric, item.rubric_hits)
            grades[item.idx] = _covered(io, len(item.rubric))
    except EOFError:
        pass
    if grades:
        report.apply_self_grades(grades)
