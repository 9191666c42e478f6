"""Plain mode end to end: a scripted practice and a scripted mock through a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.helpers.answering import right, wrong

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "session" / "fixtures"
MINI = FIXTURES / "mini.yaml"
BALANCE = FIXTURES / "balance.yaml"


def run_cli(
    home: Path, args: list[str], script: str, timeout: float = 60
) -> subprocess.CompletedProcess:
    return cli.run_cli(*args, home=home, input=script, timeout=timeout)


def packs(path: Path):
    from qkv_drill.packs.loader import load_packs

    return load_packs(extra=[path])


def typed(inst, good: bool) -> str:
    """What a person types for this instance: text answers end with a blank line."""
    if inst.question.type == "text":
        body = right(inst) if good else "I am not sure."
        return body + "\nsecond line\n\n" + ("1 3\n" if good else "\n")
    return (right(inst) if good else wrong(inst)) + "\n"


def test_practice_script_end_to_end(tmp_path):
    from qkv_drill.session.filters import Filter
    from qkv_drill.session.practice import PracticeSession
    from qkv_drill.store import Store

    # The same seed in-process gives the questions the subprocess will ask.
    preview = PracticeSession(
        packs(MINI), Store.in_memory(), Filter(packs=frozenset({"mini"})), seed=1
    )
    first, second, third = preview.next(), preview.next(), preview.next()
    script = (
        ":hint\n"
        + typed(first, True)
        + ("not an answer at all ((\n" if second.question.type != "text" else "")
        + typed(second, False)
        + ":why\n"
        + ":skip\n"
    )
    home = tmp_path / "home"
    out = run_cli(
        home,
        [
            "--pack",
            str(MINI),
            "practice",
            "--plain",
            "--seed",
            "1",
            "--count",
            "3",
            "--pack-id",
            "mini",
        ],
        script,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for inst in (first, second, third):
        assert inst.question.id in text
    assert f"saved: correct {first.question.id}" in text
    assert f"saved: wrong {second.question.id}" in text
    assert f"saved: skipped {third.question.id}" in text
    assert "Summary: 3 recorded: 1 correct, 1 wrong, 1 skipped" in text

    store = Store.open(home / "progress.db")
    rows = list(store.iter_answers())
    assert [(r.question_id, r.verdict, r.mode) for r in rows] == [
        (first.question.id, "correct", "practice"),
        (second.question.id, "wrong", "practice"),
        (third.question.id, "skipped", "practice"),
    ]
    assert rows[0].seed == first.seed and rows[1].seed == second.seed


def test_eof_ends_cleanly_with_a_summary(tmp_path):
    out = run_cli(
        tmp_path / "home",
        ["--pack", str(MINI), "practice", "--plain", "--seed", "2", "--pack-id", "mini"],
        "",
    )
    assert out.returncode == 0, out.stderr
    assert "Summary: 0 recorded" in out.stdout


def test_broken_pack_is_reported_and_the_rest_works(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("pack:\n  id: broken\n  title: [unclosed\n")
    out = run_cli(
        tmp_path / "home",
        ["--pack", str(broken), "--pack", str(MINI), "practice", "--plain", "--pack-id", "mini"],
        ":quit\n",
    )
    assert out.returncode == 0
    assert f"{broken}:" in out.stderr
    assert "mini." in out.stdout


def test_mock_script_end_to_end(tmp_path):
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.store import Store

    settings = MockSettings(minutes=10, questions=4, seed=5, packs=("balance",))
    preview = MockSession.create(packs(BALANCE), Store.in_memory(), settings)
    a, b = preview.instances[0], preview.instances[1]
    answer_a = (
        typed(a, True).split("\n\n")[0] + "\n\n" if a.question.type == "text" else typed(a, True)
    )
    answer_b = (
        typed(b, False).split("\n\n")[0] + "\n\n" if b.question.type == "text" else typed(b, False)
    )
    grades = "".join(
        ("1 3\n" if inst is a else "\n") for inst in (a, b) if inst.question.type == "text"
    )
    script = answer_a + ":flag\n" + answer_b + ":goto 1\n:next\n:goto 9\n:finish\n" + grades
    home = tmp_path / "home"
    args = ["--pack", str(BALANCE), "mock", "--plain", "--seed", "5", "--questions", "4"]
    args += ["--minutes", "10", "--pack-id", "balance"]
    out = run_cli(home, args, script)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "10:00 left" in text
    assert "saved: question 1 (1/4 answered" in text
    assert "saved: question 2 (2/4 answered" in text
    assert "Question 2 flagged." in text
    assert "Use :goto N with N from 1 to 4." in text
    assert "**" not in text  # Markdown emphasis rendered as plain text
    assert "Score: 1 / 4 (25%)" in text
    assert "(flagged)" in text

    store = Store.open(home / "progress.db")
    (row,) = store.mock_history()
    saved = store.mock_answers(row.id)
    assert saved[1].flagged and saved[1].answer_text is not None
    rows = list(store.iter_answers(mode="mock"))
    assert len(rows) == 4
    assert sorted(r.verdict for r in rows) == ["correct", "skipped", "skipped", "wrong"]


def test_plain_mock_refuses_to_bury_an_interrupted_one(tmp_path):
    home = tmp_path / "home"
    base = ["--pack", str(BALANCE), "mock", "--plain", "--pack-id", "balance", "--questions", "3"]
    first = run_cli(home, base, "a\n")  # EOF after one answer: paused, resumable
    assert "Interview paused: 1 of 3 answered" in first.stdout
    again = run_cli(home, base, "")
    assert again.returncode == 1
    assert "--resume" in again.stdout
    resumed = run_cli(home, [*base, "--resume"], ":finish\n")
    assert resumed.returncode == 0, resumed.stderr
    assert "Resumed interview" in resumed.stdout and "1 of 3 answered" in resumed.stdout
    assert "handed in" in resumed.stdout


def test_drill_script_with_a_rating_override(tmp_path):
    from qkv_drill.session.drill import DrillSession
    from qkv_drill.session.filters import Filter
    from qkv_drill.store import Store

    preview = DrillSession(
        packs(MINI), Store.in_memory(), Filter(packs=frozenset({"mini"})), seed=3
    )
    first = preview.next()
    preview.submit(wrong(first) if first.question.type != "text" else "x")
    if preview.awaiting_self_grade:
        preview.self_grade([])
    second = preview.next()
    script = typed(first, False) + "\n" + typed(second, True) + "again\n"
    home = tmp_path / "home"
    out = run_cli(
        home,
        [
            "--pack",
            str(MINI),
            "drill",
            "--plain",
            "--seed",
            "3",
            "--count",
            "2",
            "--pack-id",
            "mini",
        ],
        script,
    )
    assert out.returncode == 0, out.stderr
    assert "Drill: 0 due now." in out.stdout
    assert "rating [again/hard/good/easy, enter = again]" in out.stdout
    assert "Scheduled as Again; next review in " in out.stdout
    store = Store.open(home / "progress.db")
    assert [r.mode for r in store.iter_answers()] == ["drill", "drill"]
    cards = {c.question_id: c for c in store.all_cards()}
    assert set(cards) == {first.question.id, second.question.id}
    # both rated Again: each due about a minute after its answer
    for c in cards.values():
        assert c.due_utc - c.updated_utc < __import__("datetime").timedelta(minutes=2)


def test_plain_mock_hands_itself_in_when_time_is_up(tmp_path):
    env = dict(os.environ, QKV_DRILL_HOME=str(tmp_path / "home"), PYTHONUNBUFFERED="1")
    args = ["--pack", str(BALANCE), "mock", "--plain", "--minutes", "0.02", "--questions", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "qkv_drill", *args, "--pack-id", "balance"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    import time

    assert proc.stdout is not None
    shown = []
    while not shown or not shown[-1].startswith("Answer ("):
        shown.append(proc.stdout.readline())
        assert shown[-1], "the interview never asked its first question"
    time.sleep(1.5)  # the 1.2 s interview runs out while waiting for input
    out, err = proc.communicate("a\n", timeout=60)
    out = "".join(shown) + out
    assert proc.returncode == 0, err
    assert "Time is up: that last answer came too late to count." in out
    assert "handed in" in out and "Score: 0 / 2" in out


def test_markdown_becomes_plain_text():
    from qkv_drill.plain import matrix_rows, render_markdown

    md = "Use **this** `Q K^T`:\n\n|   |   |\n|---|---|\n| -1 | 2 |\n| 10 | 0.5 |\n\n\n\nDone."
    assert render_markdown(md).splitlines() == [
        "Use this Q K^T:",
        "",
        "  -1    2",
        "  10  0.5",
        "",
        "Done.",
    ]
    assert render_markdown("the *last* row; *(no answer)*") == "the last row; (no answer)"
    assert render_markdown("3*256*3 and d * h * 2") == "3*256*3 and d * h * 2"  # products stay
    assert matrix_rows([[1, 0.123456], [10, 2]]) == ["     1  0.1235", "    10       2"]
    assert matrix_rows([0.5, 0.25]) == [" 0.5  0.25"]


def test_a_paragraph_wrapped_in_the_pack_prints_as_one_line():
    """A pack wraps its text at its author's width, and filled-in numbers change each line's
    length: kv-cache.decode-attn-flops printed "decodes one / token per sequence for a / batch
    of 4". Markdown reads those breaks as spaces, and so does plain mode; lists, fences, tables
    and hard breaks keep their lines."""
    from qkv_drill.packs.instance import draw
    from qkv_drill.plain import render_markdown
    from tests.helpers.shipped import shipped

    prompt = draw(shipped()["kv-cache.decode-attn-flops"], 0).prompt
    (sentence, precision) = render_markdown(prompt).split("\n\n")
    assert sentence.startswith("A layer with d_model = ") and "\n" not in sentence
    assert "decodes one token per sequence for a batch of" in sentence
    assert precision == "Exact integer."
    md = "one\ntwo  \nthree\n- a\n  b\n- c\n\n```\nx = 1\ny = 2\n```\n"
    md += "|   |   |\n|---|---|\n| 1 | 2 |\nend"
    assert render_markdown(md).splitlines() == [
        "one two  ",
        "three",
        "- a b",
        "- c",
        "",
        "```",
        "x = 1",
        "y = 2",
        "```",
        "  1  2",
        "end",
    ]


def test_commands_in_process():
    import io
    from argparse import Namespace

    from qkv_drill.cli_options import session_options
    from qkv_drill.plain import run_plain
    from qkv_drill.session.clock import FakeClock

    args = Namespace(
        command="practice",
        pack=[MINI],
        seed=1,
        count=1,
        topic=["multihead"],
        pack_id=["mini"],
        difficulty=[],
        plain=True,
    )
    stdin = io.StringIO("\n:nope\n:redraw\n:redraw\n:why\n:hint\n:hint\n:hint\n64\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_plain(session_options(args), stdin, stdout, stderr, clock=FakeClock()) == 0
    out = stdout.getvalue()
    assert "Type an answer first." in out
    assert "Unknown command :nope." in out
    assert out.count("[redraw] mini.head-dim") == 2
    assert out.count("Hint: ") == 2 and "No more hints for this question." in out
    assert "saved: " in out and "Summary: 1 recorded" in out


# --- issue 10: :why, the misconception line, the mock's pause and review ------------------------


def run_in_process(argv: list[str], script: str, stdin=None, clock=None) -> str:
    """`qkv-drill ARGV` in plain mode in this process, with a fake clock; returns stdout."""
    import io

    from qkv_drill.cli import parse
    from qkv_drill.cli_options import session_options
    from qkv_drill.plain import run_plain
    from qkv_drill.session.clock import FakeClock

    args = parse([*argv, "--plain"])
    assert not isinstance(args, int)
    stdout = io.StringIO()
    given = stdin if stdin is not None else io.StringIO(script)
    code = run_plain(session_options(args), given, stdout, io.StringIO(), clock or FakeClock())
    assert code == 0, stdout.getvalue()
    return stdout.getvalue()


MINI_ARGS = ["--pack", str(MINI)]
MINI_FLAGS = ["--pack-id", "mini", "--seed", "1"]
BALANCE_MOCK = ["--pack", str(BALANCE), "mock", "--pack-id", "balance", "--minutes", "5"]
BALANCE_MOCK += ["--questions", "3", "--seed", "3"]


def first_question(command: str, **filters):
    """The instance plain mode asks first with seed 1, and the engine's working for it."""
    from qkv_drill.plain_text import trace_lines
    from qkv_drill.session.drill import DrillSession
    from qkv_drill.session.filters import Filter
    from qkv_drill.session.practice import PracticeSession
    from qkv_drill.store import Store

    flt = Filter(packs=frozenset({"mini"}), **filters)
    kind = DrillSession if command == "drill" else PracticeSession
    session = kind(packs(MINI), Store.in_memory(), flt, seed=1)
    inst = session.next()
    return inst, trace_lines(session.derivation())


@pytest.mark.parametrize("command", ["practice", "drill"])
def test_why_before_answering_is_refused_and_shows_nothing(command):
    inst, working = first_question(command, topics=frozenset({"multihead"}))
    working = [line for line in working if line.startswith("- ")]  # "- step: formula = value"
    assert working, "the question needs a derivation for this test to mean anything"
    out = run_in_process(
        [*MINI_ARGS, command, *MINI_FLAGS, "--count", "2", "--topic", "multihead"],
        f":why\n{right(inst)}\n\n:why\n",
    )
    before, _, after = out.partition(f"saved: correct {inst.question.id}")
    assert "The derivation comes after you answer" in before
    assert not any(line in before for line in working)  # not one step of the working
    if command == "drill":  # the answer was not revealed: the usual rating is offered
        assert "enter = again" not in after
    else:  # once answered, :why shows the working of the question just answered
        assert f"Derivation of {inst.question.id}:" in after
        assert all(line in after for line in working)


def test_why_after_a_skip_is_refused_without_promising_it_for_skips():
    """`:skip` then `:why` is refused (the skipped question's working would be its answer): the
    refusal must not say that a skip is what makes :why show it."""
    out = run_in_process(
        [*MINI_ARGS, "practice", *MINI_FLAGS, "--count", "2", "--topic", "multihead"],
        ":skip\n:why\n",
    )
    refusal = next(line for line in out.splitlines() if "derivation comes" in line)
    assert ":skip" not in refusal, refusal


def test_drill_rating_takes_the_apps_number_keys():
    """The app rates with 1-4 (Again .. Easy), as Anki does; plain mode takes the same digits."""
    inst, _ = first_question("drill", topics=frozenset({"multihead"}))
    out = run_in_process(
        [*MINI_ARGS, "drill", *MINI_FLAGS, "--count", "1", "--topic", "multihead"],
        f"{right(inst)}\n3\n",
    )
    assert "Scheduled as Good" in out  # the suggestion for a quick right answer is Easy
    assert "Type again, hard, good or easy" not in out


def test_the_misconception_feedback_is_printed_once():
    from qkv_drill.packs.check import check

    inst, _ = first_question("practice", topics=frozenset({"multihead"}))
    slip = str(inst.params["d_model"])  # the classic: d_model where d_model / heads is meant
    verdict = check(inst, slip)
    assert verdict.misconception is not None
    feedback = verdict.misconception.feedback.strip()
    out = run_in_process(
        [*MINI_ARGS, "practice", *MINI_FLAGS, "--count", "1", "--topic", "multihead"], slip + "\n"
    )
    assert f"saved: wrong {inst.question.id}" in out
    assert f"Misconception: {verdict.misconception.title}." in out
    assert out.count(feedback) == 1, out


def test_plain_mock_review_lists_answered_flagged_and_unanswered():
    out = run_in_process(BALANCE_MOCK, ":flag\n:next\n:review\n:quit\n")
    review = out[out.index("Review:") :]
    assert review.startswith("Review: 0 of 3 answered, ")
    lines = review.splitlines()
    assert lines[1].startswith(" !  1. ") and "not answered" in lines[1]  # flagged
    assert lines[2].startswith("    2. ") and lines[3].startswith("    3. ")
    assert "Not answered: 1, 2, 3" in review and "Flagged: 1" in review
    assert ":review" in out.splitlines()[1]  # the help line names the command


def test_plain_mock_answer_then_review_shows_it():
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.store import Store

    preview = MockSession.create(
        packs(BALANCE),
        Store.in_memory(),
        MockSettings(minutes=5, questions=3, seed=3, packs=("balance",)),
    )
    first = preview.instances[0]
    out = run_in_process(BALANCE_MOCK, typed(first, True) + ":review\n:quit\n")
    review = out[out.index("Review:") :]
    assert review.startswith("Review: 1 of 3 answered, ")
    assert "answered: " in review.splitlines()[1]
    assert "Not answered: 2, 3" in review


def test_plain_mock_pause_stops_the_clock_and_is_reported():
    import io

    from qkv_drill.session.clock import FakeClock

    clock = FakeClock()

    class Typist(io.StringIO):
        """Input that lets time pass: 100 s while the pause waits for enter."""

        def readline(self, *args):
            line = super().readline(*args)
            if line == "\n":
                clock.advance(100)
            return line

    script = ":pause\n\n:finish\n"
    out = run_in_process([*BALANCE_MOCK, "--allow-pause"], script, Typist(script), clock)
    assert "Paused (pause 1, the report says so): the clock is stopped at 05:00." in out
    assert "Resumed after 01:40." in out
    assert "The clock was paused 1x, 1:40 in all." in out  # the report

    refused = run_in_process(BALANCE_MOCK, ":pause\n:quit\n")
    assert "This interview has no pauses" in refused and "Resumed" not in refused


def test_plain_mock_prev_on_the_first_and_next_on_the_last_say_so():
    out = run_in_process(BALANCE_MOCK, ":prev\n:goto 3\n:next\n:quit\n")
    assert "This is the first question (1 of 3): :next or :goto N moves on." in out
    assert "That was the last question (3 of 3): :review lists them all" in out
    # Neither re-prints the question as if something had happened.
    assert out.count("Question 1/3 ") == 1 and out.count("Question 3/3 ") == 1


def test_plain_drill_says_when_the_card_comes_back_in_the_apps_words():
    """After the rating, "next review in ..." (session.when's words, as the app prints them); a
    card served again before it is due says so; a skip is rated Again and says when it returns;
    the end says when the next card is due, not a UTC date."""
    import re

    inst, _ = first_question("drill", topics=frozenset({"multihead"}))
    drill = [*MINI_ARGS, "drill", *MINI_FLAGS, "--count", "2", "--topic", "multihead"]
    out = run_in_process(drill, f"{wrong(inst)}\n\n:skip\n")
    after = out.partition(f"saved: wrong {inst.question.id}")[2]
    assert "rating [again/hard/good/easy, enter = again]" in after
    first, _, second = after.partition("[2/2] ")
    assert "Scheduled as Again; next review in 1 minute." in first
    assert "Ahead of schedule: this card is due in 1 minute." in second  # learning ahead
    assert "Scheduled as Again; next review in 1 minute." in second.partition("saved: skipped")[2]

    out = run_in_process(drill, f"{right(inst)}\neasy\n")
    assert re.search(r"Scheduled as Easy; next review in (1 day|\d+ days)\.", out)
    assert re.search(r"Nothing else is due\. The next card is due in (1 day|\d+ days)\.", out)
    assert "UTC" not in out


def test_plain_drill_says_when_it_serves_a_card_ahead_of_schedule():
    """The weakest-topics drill serves cards when nothing is due: each says it is early."""
    import json
    from datetime import timedelta

    from fsrs import Card

    from qkv_drill import paths
    from qkv_drill.session.clock import FakeClock
    from qkv_drill.store import Store

    due = FakeClock().now() + timedelta(days=3)
    with Store(paths.progress_db_path()) as store:
        for qid in packs(MINI).questions:
            store.put_card(qid, json.dumps(Card(due=due).to_dict()), due)
    out = run_in_process([*MINI_ARGS, "drill", *MINI_FLAGS, "--count", "1", "--weakest"], ":quit\n")
    assert "Drill: 0 due now." in out
    assert "Ahead of schedule: this card is due in 3 days." in out


def test_plain_mock_review_shows_a_long_answer_whole():
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.store import Store

    preview = MockSession.create(
        packs(BALANCE),
        Store.in_memory(),
        MockSettings(minutes=5, questions=3, seed=3, packs=("balance",)),
    )
    kinds = [i.question.type for i in preview.instances]
    assert "text" in kinds, kinds
    n = kinds.index("text") + 1
    answer = " ".join(f"reason {i} given in full," for i in range(6)) + " END"  # ~150 chars
    out = run_in_process(BALANCE_MOCK, f":goto {n}\n{answer}\n\n:review\n:quit\n")
    review = out[out.index("Review:") :]
    assert f"answered: {answer}" in review


# --- a command on a later line of an answer acts as the command, never as answer text ------------

EXPLAIN = [*MINI_ARGS, "practice", *MINI_FLAGS, "--topic", "roles", "--difficulty", "hard"]


def stored_answers() -> list[tuple[str, str, str]]:
    """(question id, verdict, answer as stored) of every answer in the test's data folder."""
    from qkv_drill.store import Store

    with Store.open(None) as store:
        return [(a.question_id, a.verdict, a.answer_text) for a in store.iter_answers()]


def text_question_index() -> int:
    from qkv_drill.session.mock import MockSession, MockSettings
    from qkv_drill.store import Store

    preview = MockSession.create(
        packs(BALANCE),
        Store.in_memory(),
        MockSettings(minutes=5, questions=3, seed=3, packs=("balance",)),
    )
    kinds = [i.question.type for i in preview.instances]
    return kinds.index("text") + 1


def test_practice_hint_inside_an_open_answer_acts_and_the_answer_goes_on():
    out = run_in_process(EXPLAIN, "Q is what it is looking for\n:hint\nK offers a match\n\n1 2\n")
    assert "This question has no hints." in out and "(Still typing: 1 line kept; go on.)" in out
    ((qid, _, answer),) = stored_answers()
    assert qid == "mini.explain"
    assert answer == "Q is what it is looking for\nK offers a match"  # no ':hint' in it


@pytest.mark.parametrize("command", [":skip", ":quit", ":redraw"])
def test_practice_command_that_leaves_an_open_answer_says_the_lines_were_not_submitted(command):
    script = f"Q looks for things\nK offers\n{command}\n"
    out = run_in_process([*EXPLAIN, "--count", "1"], script)
    assert f"Not submitted: the 2 lines you typed before {command}." in out
    assert all(command not in (a or "") for _, _, a in stored_answers())
    if command == ":skip":
        assert [v for _, v, _ in stored_answers()] == ["skipped"]
    if command == ":redraw":
        assert "[redraw] mini.explain" in out


def test_an_unknown_command_inside_an_answer_is_said_and_left_out():
    out = run_in_process(EXPLAIN, "Q looks\n:hnit\nK offers\n\n\n")
    assert "Unknown command :hnit." in out
    ((_, _, answer),) = stored_answers()
    assert answer == "Q looks\nK offers"


def test_a_line_that_only_starts_with_a_colon_is_answer_text():
    run_in_process(EXPLAIN, "Q looks\n:) and K offers\n\n\n")
    ((_, _, answer),) = stored_answers()
    assert answer == "Q looks\n:) and K offers"


def test_quit_at_the_rubric_points_quits_with_the_answer_kept_as_skipped():
    out = run_in_process(EXPLAIN, "Q looks\n\n:quit\nnever read\n")
    assert "Summary: 1 recorded" in out and "saved: skipped mini.explain" in out


def test_quit_at_the_drill_rating_keeps_the_suggestion_and_quits():
    inst, _ = first_question("drill", topics=frozenset({"multihead"}))
    out = run_in_process(
        [*MINI_ARGS, "drill", *MINI_FLAGS, "--topic", "multihead"], right(inst) + "\n:quit\n"
    )
    assert "Scheduled as" not in out  # no rating was asked for again or applied twice
    assert "Summary: 1 recorded: 1 correct" in out


def test_mock_next_inside_an_open_answer_moves_and_keeps_the_lines_as_a_draft():
    n = text_question_index()
    script = f":goto {n}\nQ looks for things\nK offers\n:next\n:goto {n}\n:review\n:quit\n"
    out = run_in_process(BALANCE_MOCK, script)
    assert f"Kept as a draft of question {n}" in out
    assert "draft: 'Q looks for things\\nK offers'" in out  # shown when the question is back
    review = out[out.rindex("Review:") :]
    assert review.startswith("Review: 0 of 3 answered")  # a draft is not an answer
    assert "draft: Q looks for things K offers" in review
    assert ":next" not in review.split("draft:")[1].splitlines()[0]


def test_mock_flag_inside_an_open_answer_flags_and_the_answer_goes_on():
    n = text_question_index()
    script = f":goto {n}\nQ looks for things\n:flag\nK offers\n\n:review\n:quit\n"
    out = run_in_process(BALANCE_MOCK, script)
    assert f"Question {n} flagged." in out
    review = out[out.rindex("Review:") :]
    line = [x for x in review.splitlines() if x.startswith(f" !{n:>3}.")]
    assert line and line[0].endswith("answered: Q looks for things K offers"), review


def test_mock_finish_inside_an_open_answer_hands_in_with_the_lines_as_the_answer():
    n = text_question_index()
    out = run_in_process(BALANCE_MOCK, f":goto {n}\nQ looks for things\nK offers\n:finish\n\n")
    assert "handed in" in out
    assert "Q looks for things" in out and ":finish" not in out.split("handed in")[1]


def test_mock_quit_at_the_rubric_points_still_prints_the_report():
    n = text_question_index()
    out = run_in_process(BALANCE_MOCK, f":goto {n}\nQ looks for things\n\n:finish\n:quit\n")
    assert "open answer(s) to grade" in out
    assert "1 to grade" in out  # the report, with the open answer left to grade
