"""The mock interview in the line mode: one question at a time, commands to move, flag and hand
in, the countdown in every prompt, and open answers self-graded at the end."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from qkv_drill.plain_text import option_lines, render_markdown
from qkv_drill.present.formats import mm_ss, mock_time_left
from qkv_drill.present.forms import answer_form
from qkv_drill.session.browser import one_line

if TYPE_CHECKING:
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.session.clock import Clock
    from qkv_drill.session.mock import MockSession
    from qkv_drill.session.options import SessionOptions
    from qkv_drill.session.report import MockReport
    from qkv_drill.store import Store

MOCK_HELP = (
    "commands: :next :prev :flag :goto N :review :pause :finish :quit (answers are saved as you go)"
)


def run_mock(
    options: SessionOptions, io: PlainIO, packset: PackSet, store: Store, clock: Clock
) -> int:
    from qkv_drill.session.mock import MockResumeError, MockSession, unfinished

    row = unfinished(store)
    if options.resume:
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
        if session.changed:
            from qkv_drill.session.mock_redraw import changes_words

            io.say(changes_words(session.changed))
    else:
        if row is not None:
            io.say(
                f"An interrupted interview (number {row.id}, started {row.started_utc}) has "
                f"{mm_ss(mock_time_left(row))} left. Resume it with "
                "`qkv-drill mock --plain --resume` (type :finish there to grade it as it stands)."
            )
            return 1
        try:
            session = MockSession.create(packset, store, options.mock, clock)
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
        session.settle()  # the time left, said below, is on disk first
        io.say("")
        io.say(
            f"Interview paused: {session.answered_count} of {len(session.instances)} answered, "
            f"{mm_ss(session.remaining())} left. Resume with `qkv-drill mock --plain --resume`."
        )
        return 0
    report = session.finish()
    io.say(f"Interview {session.mock_id} handed in.")
    _self_grade_report(io, session, report)
    io.say("")
    io.say(render_markdown(report.to_markdown()))
    return 0


def _mock_show(io: PlainIO, session: MockSession) -> None:
    i = session.index
    inst = session.current
    q = inst.question
    marks = []
    if session.answers[i] is not None:
        code = q.type == "code"
        marks.append("answered" if code else f"answered: {session.answers[i]!r}")
    draft = session.drafts.get(i)
    if draft is not None:
        marks.append("a draft, not saved as an answer" if q.type == "code" else f"draft: {draft!r}")
    if i in session.flagged:
        marks.append("flagged")
    if i in session.kept:
        marks.append("kept as given: the question changed in its pack since; not graded")
    io.say("")
    io.say(
        f"Question {i + 1}/{len(session.instances)} [{q.topic}, {q.difficulty}] "
        f"{mm_ss(session.remaining())} left" + (f" ({'; '.join(marks)})" if marks else "")
    )
    io.say(render_markdown(inst.prompt))
    if inst.options:
        io.say("\n".join(option_lines(inst.options)))
    if q.type == "code":
        from qkv_drill.plain_code import CODE_HELP, prestart

        if q.code is not None:
            prestart(q.code.language)  # imports done by the time it is handed in

        label = "Your code so far:" if session.answers[i] else "Starter:"
        io.say(label + "\n" + (session.answers[i] or (q.code.starter if q.code else "")).rstrip())
        io.say(CODE_HELP)
    else:
        io.say(f"Answer ({answer_form(q.type)}).")


def _mock_loop(io: PlainIO, session: MockSession) -> bool:
    """Returns True when the interview is to be handed in (by :finish or at zero)."""
    n = len(session.instances)
    show = True

    def here(cmd: str) -> bool:
        """Commands that keep the question (the answer being typed goes on); True if acted on."""
        word = command_word(cmd)
        if word == ":flag":
            session.toggle_flag()
            state = "flagged" if session.index in session.flagged else "unflagged"
            io.say(f"Question {session.index + 1} {state}.")
            return True
        if word == ":review":
            _mock_review(io, session)
            return True
        if word == ":pause":
            _mock_pause(io, session)
            return True
        is_code = session.current.question.type == "code"
        if word not in LEAVING and not (is_code and word == ":file"):
            io.say(f"Unknown command {cmd}. {MOCK_HELP}")
            return True
        return False

    pending: str | None = None  # a command that ended an answer being typed: acted on next
    while True:
        if session.tick():
            io.say("Time is up.")
            return True
        if show:
            _mock_show(io, session)
        show = True
        line = pending if pending is not None else io.ask(f"[{mm_ss(session.remaining())}] > ")
        pending = None
        if session.tick():
            io.say("Time is up: that last answer came too late to count.")
            return True
        cmd = line.strip()
        word = command_word(cmd) if is_command(cmd) else None
        if word is not None and here(cmd):
            show = False
            continue
        if word in (":next", ":prev"):
            edge = _at_edge(session, word)
            if edge is not None:  # nowhere to move: say so rather than show the same question
                io.say(edge)
                show = False
            else:
                (session.next if word == ":next" else session.prev)()
            continue
        if word == ":goto":
            try:
                session.goto(int(cmd.split(maxsplit=1)[1]) - 1)
            except (IndexError, ValueError):
                io.say(f"Use :goto N with N from 1 to {n}.")
                show = False
            continue
        if word == ":finish":
            return True
        if word == ":quit":
            raise Quit
        if not cmd:
            io.say(f"Type an answer first. {MOCK_HELP}")
            show = False
            continue
        kind = session.current.question.type
        if kind in ("text", "code"):
            typed = typed_answer(io, kind, line, here)
            if typed is None:
                show = False
                continue
            if typed.command is not None:
                _keep_draft(io, session, typed)
                pending = typed.command
                show = False
                continue
            line = typed.text
        message = session.answer(line)
        if message is not None:
            io.say(message)
            show = False
            continue
        say_saved(
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


# Mock commands that leave the question (or the interview); what was being typed is kept as a draft.
LEAVING = (":next", ":prev", ":goto", ":finish", ":quit")


def _keep_draft(io: PlainIO, session: MockSession, typed: Typed) -> None:
    """Lines typed before a command that leaves the question are kept as its draft, as the app
    keeps what is in the box: shown when the question comes back, counted at hand-in when it
    reads as an answer, never an answer before then."""
    session.save_draft(typed.text)
    session.settle()
    io.say(
        f"Kept as a draft of question {session.index + 1} (not saved as an answer; it counts at "
        "hand-in if it reads as one, or type the answer again to save it)."
    )


def _at_edge(session: MockSession, word: str) -> str | None:
    """Why `:prev` or `:next` cannot move from here (as the app's notice says), else None."""
    n = len(session.instances)
    if word == ":prev" and session.index == 0:
        return f"This is the first question (1 of {n}): :next or :goto N moves on."
    if word == ":next" and session.index == n - 1:
        return (
            f"That was the last question ({n} of {n}): :review lists them all, :goto N opens "
            "one, :finish hands in."
        )
    return None


def _mock_review(io: PlainIO, session: MockSession) -> None:
    """Every question before hand-in, as the app's review lists them: answered, flagged, time."""
    rows = session.review_rows()
    open_ = [r.index + 1 for r in rows if not r.answered]
    flagged = [r.index + 1 for r in rows if r.flagged]
    io.say(
        f"Review: {len(rows) - len(open_)} of {len(rows)} answered, "
        f"{mm_ss(session.remaining())} left."
    )
    for r in rows:
        mark = "!" if r.flagged else " "
        said = f"answered: {one_line(r.answer or '')}" if r.answered else "not answered"
        if r.kept:
            said += " (kept as given, not graded: the question changed in its pack)"
        draft = session.drafts.get(r.index)
        if draft is not None:
            said += f"; draft: {one_line(draft)}"
        io.say(f" {mark}{r.index + 1:>3}. {r.topic}  {mm_ss(r.time_s)}  {said}")
    if open_:
        io.say("Not answered: " + ", ".join(map(str, open_)))
    if flagged:
        io.say("Flagged: " + ", ".join(map(str, flagged)))
    io.say(":goto N opens one; :finish hands in.")


def _mock_pause(io: PlainIO, session: MockSession) -> None:
    """Stop the clock until enter (only in an interview started with --allow-pause)."""
    if not session.allow_pause:
        io.say("This interview has no pauses, as in a real one (start with --allow-pause).")
        return
    session.pause()
    if not session.paused:  # time is up: the loop hands the interview in
        return
    io.say(
        f"Paused (pause {len(session.pauses) + 1}, the report says so): the clock is stopped "
        f"at {mm_ss(session.remaining())}. Press enter to go on."
    )
    try:
        io.ask("")
    finally:  # input ending closes the pause too, so it is on record with its length
        length = session.unpause()
    io.say(f"Resumed after {mm_ss(length)}.")


def _self_grade_report(io: PlainIO, session: MockSession, report: MockReport) -> None:
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
            show_rubric(io, item.model_answer, item.rubric, item.rubric_hits)
            grades[item.idx] = ask_covered(io, len(item.rubric))
    except (EOFError, Quit):  # the ungraded ones wait in the report
        pass
    if grades:
        session.grade_open_answers(grades)
