"""Line-oriented practice, drill and mock interview on stdin/stdout.

For screen readers, pipes and scripts: prompts are plain text (Markdown tables become aligned
rows), answers are read one line at a time, and the checking and the store are the same as in the
app. Every answer on disk prints a `saved:` line at once (and only then), so a script knows what
was kept.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

from qkv_drill.plain_code import typed_answer
from qkv_drill.plain_io import (
    PlainIO,
    Quit,
    Typed,
    ask_covered,
    command_word,
    is_command,
    say_saved,
    show_rubric,
)
from qkv_drill.plain_text import matrix_rows, option_lines, render_markdown, trace_lines
from qkv_drill.present.forms import answer_form
from qkv_drill.present.verdict import plain_verdict_lines

if TYPE_CHECKING:
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.session.clock import Clock
    from qkv_drill.session.options import SessionOptions
    from qkv_drill.store import Store

# Names other modules and tests import from here.
__all__ = ["PlainIO", "Quit", "matrix_rows", "render_markdown", "run_plain"]

PRACTICE_HELP = "commands: :hint :skip :redraw :why :quit"
RATINGS = ("again", "hard", "good", "easy")


# --- start-up -------------------------------------------------------------------------------


def _open(options: SessionOptions, io: PlainIO) -> tuple[PackSet, Store]:
    from qkv_drill.packs.loader import load_packs
    from qkv_drill.store import Store

    packset = load_packs(extra=list(options.extra_packs))
    for issue in packset.issues:
        io.warn(str(issue))
    store = Store.open(None, on_warning=io.warn)  # every store fault is one line, at once
    return packset, store


def run_plain(
    options: SessionOptions,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    clock: Any = None,
) -> int:
    from qkv_drill.session.clock import SYSTEM_CLOCK

    io = PlainIO(stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr)
    packset, store = _open(options, io)
    clock = clock or SYSTEM_CLOCK
    try:
        if options.command == "mock":
            from qkv_drill.plain_mock import run_mock

            return run_mock(options, io, packset, store, clock)
        return _run_practice(options, io, packset, store, clock)
    finally:
        store.close()  # writes queued behind another program's lock get a last chance


# --- practice and drill ---------------------------------------------------------------------


def _show_question(io: PlainIO, inst: Any, header: str) -> None:
    q = inst.question
    io.say("")
    io.say(f"{header} {q.id} [{q.topic}, {q.difficulty}]")
    io.say(render_markdown(inst.prompt))
    if inst.options:
        io.say("\n".join(option_lines(inst.options)))


def _show_verdict(io: PlainIO, verdict: Any, inst: Any) -> None:
    if inst.question.type == "code":
        from qkv_drill.plain_code import show_code_report

        show_code_report(io, verdict)
        if verdict.status != "correct" and inst.question.explanation:
            io.say("Why: " + render_markdown(inst.question.explanation))
        return
    m = verdict.misconception
    expected = None if inst.question.type == "text" else verdict.expected_display
    feedback = m.feedback if m is not None else None
    for line in plain_verdict_lines(verdict.status, verdict.message, expected, feedback):
        io.say(line)
    if m is not None:
        io.say(f"Misconception: {m.title}. {m.feedback}")
    if inst.question.explanation:
        io.say("Why: " + render_markdown(inst.question.explanation))


def _run_practice(
    options: SessionOptions, io: PlainIO, packset: PackSet, store: Store, clock: Clock
) -> int:
    flt = options.filter
    if options.command == "drill":
        from qkv_drill.session.drill import DrillSession

        session: Any = DrillSession(
            packset,
            store,
            flt,
            seed=options.seed,
            clock=clock,
            weakest=options.weakest,
        )
        if session.weakest:
            io.say("Weakest topics: " + ", ".join(session.topics))
        io.say(f"Drill: {session.due_count()} due now.")
    else:
        from qkv_drill.session.practice import PracticeSession

        session = PracticeSession(packset, store, flt, seed=options.seed, clock=clock)
    session.on_skip = io.say  # a question that cannot be drawn says why, then the next comes
    if not session.pool:
        io.say(f"No questions match ({flt.describe()}).")
        return 1
    io.say(
        f"{options.command.capitalize()}: {len(session.pool)} questions, seed {session.seed}. "
        + PRACTICE_HELP
    )
    count = options.count
    asked = 0
    answered: list[Any] = []  # (question id, trace) of the question answered last, for :why
    try:
        inst = session.next()
        while inst is not None and (count is None or asked < count):
            asked += 1
            total = f"/{count}" if count else ""
            _show_question(io, inst, f"[{asked}{total}]")
            _say_ahead(io, session, inst)
            inst = _ask_one(io, session, inst, answered)
        if inst is None and options.command == "drill":
            from qkv_drill.session.when import next_card_due

            later = next_card_due(session.next_due(), session.clock.now())
            io.say("Nothing else is due." + (f" {later}" if later else ""))
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
        io.say("The derivation comes after you answer: answer, then :why shows it.")
        return
    qid, trace = answered[-1]
    steps = trace_lines(trace)
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

    def here(cmd: str) -> bool:
        """Commands that keep the question (the answer being typed goes on); True if acted on."""
        word = command_word(cmd)
        if word == ":hint":
            hint = session.hint()
            io.say(f"Hint: {hint}" if hint else session.no_hint_reason())
            return True
        if word == ":why":
            _why(io, answered)
            return True
        if word not in LEAVING and not (kind == "code" and word == ":file"):
            io.say(f"Unknown command {cmd}. {PRACTICE_HELP}")
            return True
        return False

    pending: str | None = None  # a command that ended an answer being typed: acted on next
    while True:
        line = pending if pending is not None else io.ask("> ")
        pending = None
        cmd = line.strip()
        word = command_word(cmd) if is_command(cmd) else None
        if word is not None and here(cmd):
            continue  # :hint, :why, or an unknown command (said so)
        if word == ":quit":
            raise Quit
        if word == ":skip":
            return _skip(io, session, inst)
        if word == ":redraw":
            inst = session.redraw()
            _show_question(io, inst, "[redraw]")
            continue
        if not cmd:
            io.say(f"Type an answer first. {PRACTICE_HELP}")
            continue
        if kind in ("text", "code"):
            typed = typed_answer(io, kind, line, here)
            if typed is None:
                continue
            if typed.command is not None:
                _not_submitted(io, typed)
                pending = typed.command
                continue
            line = typed.text
            if kind == "code":
                io.say("Running your code...")
        verdict = session.submit(line)
        if verdict.status == "unparseable":
            io.say(verdict.message)
            continue
        if verdict.status == "self_grade":
            q = inst.question
            show_rubric(io, q.model_answer, [r.point for r in q.rubric], list(verdict.rubric_hits))
            try:
                covered = ask_covered(io, len(q.rubric))
            except (EOFError, Quit):
                session.skip()
                say_saved(io, session.store, f"skipped {q.id}")
                raise
            verdict = session.self_grade(covered)
        say_saved(io, session.store, f"{verdict.status} {inst.question.id}")
        _show_verdict(io, verdict, inst)
        answered[:] = [(inst.question.id, session.derivation())]
        if session.derivation() is not None:
            io.say("(:why at the next prompt shows the derivation)")
        if getattr(session, "suggested_rating", None) is not None:
            _ask_rating(io, session)
            _say_scheduled(io, session, inst.question.id, session.rating)
        return session.next()


LEAVING = (":skip", ":redraw", ":quit")  # practice commands that leave the question as it is


def _not_submitted(io: PlainIO, typed: Typed) -> None:
    """Practice keeps no drafts: lines typed before a command that leaves the question are said
    to be dropped, never submitted as an answer."""
    n = len(typed.text.splitlines())
    what = "the line" if n == 1 else f"the {n} lines"
    io.say(f"Not submitted: {what} you typed before {command_word(typed.command or '')}.")


def _skip(io: PlainIO, session: Any, inst: Any) -> Any:
    recorded = session.tally["skipped"]
    nxt = session.skip()
    if session.tally["skipped"] > recorded:
        say_saved(io, session.store, f"skipped {inst.question.id}")
        if session.mode == "drill":  # a skip is a miss: rated Again
            from fsrs import Rating

            _say_scheduled(io, session, inst.question.id, Rating.Again)
    return nxt


def _say_ahead(io: PlainIO, session: Any, inst: Any) -> None:
    """In a drill, a card served before it is due says so, as the app does."""
    from qkv_drill.session.drill import DrillSession
    from qkv_drill.session.when import ahead_of_schedule

    if not isinstance(session, DrillSession):
        return
    due, now = session.card_due(inst.question.id), session.clock.now()
    if due is not None and due > now:
        io.say(ahead_of_schedule(due, now) + ".")


def _say_scheduled(io: PlainIO, session: Any, qid: str, rating: Any) -> None:
    """The rating applied and when the card comes back: "Scheduled as Good; next review in 3
    days." (the app's words)."""
    from qkv_drill.session.when import next_review

    due = session.card_due(qid)
    when = f"; {next_review(due, session.clock.now())}" if due is not None else ""
    io.say(f"Scheduled as {rating.name}{when}.")


def _ask_rating(io: PlainIO, session: Any) -> None:
    from fsrs import Rating

    suggested = session.suggested_rating.name.lower()
    while True:
        try:
            raw = io.ask(f"rating [{'/'.join(RATINGS)}, enter = {suggested}]: ").strip().lower()
        except EOFError:
            return
        if raw == ":quit":  # the suggestion stands, as at the end of input
            raise Quit
        if is_command(raw):
            io.say("First the rating: again, hard, good or easy (or 1-4); enter keeps it.")
            continue
        if not raw or raw == suggested:
            return
        if raw in ("1", "2", "3", "4"):  # the app's keys (and Anki's): 1 Again .. 4 Easy
            raw = RATINGS[int(raw) - 1]
        match = [r for r in RATINGS if r.startswith(raw)]
        if len(match) == 1:
            session.rate(Rating[match[0].capitalize()])
            return
        io.say("Type again, hard, good or easy (or 1-4).")
