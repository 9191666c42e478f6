"""Hostile packs (issue 9): each is refused with a positioned message, and never stops the others.

Big inputs are generated here at test time; nothing large is checked in.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from qkv_drill.packs.loader import load_pack_file, load_paths
from qkv_drill.packs.validate_command import run_validate

GOOD = Path(__file__).parent / "good" / "demo.yaml"

HEAD = """pack:
  id: hostile
  title: Hostile
  version: 1
questions:
  - id: hostile.q
    topic: shapes
    difficulty: easy
    type: numeric
"""


def pack(tmp_path: Path, body: str, name: str = "hostile.yaml") -> Path:
    p = tmp_path / name
    p.write_text(HEAD + body, encoding="utf-8")
    return p


def numeric(prompt: str = '"d_k for {d_model} and {heads}?"', extra: str = "") -> str:
    return f"""    prompt: {prompt}
    explanation: d_model / heads.
    params:
      d_model: [512]
      heads: [8]
    answer:
      compute: head_dim
{extra}"""


def only_error(path: Path):
    lp = load_pack_file(path)
    assert lp.pack is None, "the hostile pack was accepted"
    assert lp.errors, "refused without an error"
    return lp.errors[0]


# --- terminal escapes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code",
    [
        (r'"\e[2J\e[H cleared"', "U+001B"),  # clear screen
        (r'"\e]0;pwned\a title"', "U+001B"),  # set the window title
        (r'"\e]52;c;ZXZpbA==\a clip"', "U+001B"),  # OSC 52 clipboard write
        (r'"C1 CSI \x9b2J"', "U+009B"),
        (r'"carriage \r return"', "U+000D"),
        (r'"bidi \u202e override"', "U+202E"),
    ],
)
def test_control_characters_in_any_text_are_refused_at_their_position(tmp_path, text, code):
    p = pack(tmp_path, numeric(prompt=text))
    issue = only_error(p)
    assert (issue.line, issue.col) == (10, 13)
    assert code in issue.message and "control characters" in issue.message


def test_control_characters_in_keys_and_nested_text_are_refused(tmp_path):
    p = pack(tmp_path, numeric(extra='    hints: ["fine", "bad \\x07 bell"]\n'))
    issue = only_error(p)
    assert issue.line == 17 and "U+0007" in issue.message


@pytest.mark.parametrize(
    "prompt",
    [
        "plain \u202e text",  # written raw in the file (YAML itself refuses a raw ESC)
        "'single \u202e quoted'",
        "|\n      block \u202e literal\n",
        ">\n      block \u202e folded\n",
        '"double \u202e quoted"',
    ],
)
def test_raw_control_characters_are_refused_in_every_scalar_style(tmp_path, prompt):
    issue = only_error(pack(tmp_path, numeric(prompt=prompt)))
    assert "U+202E" in issue.message and "control characters" in issue.message


def test_an_escape_in_a_double_quoted_key_is_refused_in_a_file_without_raw_controls(tmp_path):
    p = pack(tmp_path, numeric(extra='    "hints\\e": ["x"]\n'))
    assert "\x1b" not in p.read_text()
    issue = only_error(p)
    assert "U+001B" in issue.message


def test_tab_and_newline_are_allowed_in_text(tmp_path):
    p = pack(tmp_path, numeric(prompt='"two\\tcolumns\\nand lines {d_model} {heads}"'))
    lp = load_pack_file(p)
    assert lp.ok, lp.issues


def test_validate_and_packs_never_write_raw_escapes(tmp_path, capsys, monkeypatch):
    # A file name is not pack text, but it is printed: it must not drive the terminal either.
    p = pack(tmp_path, numeric(prompt='"x \\e]0;t\\a"'), name="esc\x1b[2J.yaml")
    assert run_validate(SimpleNamespace(paths=[p], seeds=1, no_torch=True)) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b" in out

    from qkv_drill.packs.listing import run_packs

    monkeypatch.setenv("QKV_DRILL_PACKS", str(p))
    run_packs(SimpleNamespace(pack=[]))
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b" in out


def test_plain_output_escapes_control_characters():
    from qkv_drill.plain import PlainIO

    out, err = io.StringIO(), io.StringIO()
    plain = PlainIO(io.StringIO(), out, err)
    plain.say("a\x1b]52;c;ZXZpbA==\x07b\tc\nd")
    plain.warn("\x9b2J")
    assert out.getvalue() == "a\\x1b]52;c;ZXZpbA==\\x07b\tc\nd\n"
    assert err.getvalue() == "\\x9b2J\n"


# --- one bad pack never stops the others -------------------------------------------------------


def test_a_4301_digit_integer_is_that_packs_positioned_error(tmp_path):
    p = pack(tmp_path, numeric(extra=f"    time: {'9' * 4301}\n"))
    issue = only_error(p)
    assert (issue.line, issue.col) == (17, 11)
    assert "4,301 characters" in issue.message
    both = load_paths([p, GOOD])
    assert any(q.startswith("demo.") for q in both.questions), "the good pack did not load"


@pytest.mark.parametrize("number", ["0x" + "f" * 5000, "0b" + "1" * 5000, "1" + "0" * 60 + ".5"])
def test_long_numbers_in_any_base_are_refused(tmp_path, number):
    p = pack(tmp_path, numeric(extra=f"    time: {number}\n"))
    assert "the limit is 40" in only_error(p).message


def test_sexagesimal_scalars_are_text_and_cheap(tmp_path):
    # YAML 1.1 reads 1:30 as 90; building a 300 KB one took 3.6 s (quadratic). Now it is text,
    # refused by the text-length limit at once.
    long = "1" + ":59" * 100_000
    p = pack(tmp_path, numeric(extra=f"    time: {long}\n"))
    issue = only_error(p)
    assert "text longer than" in issue.message
    p2 = pack(tmp_path, numeric(extra="    time: 1:30\n"), name="short.yaml")
    assert "time must be a positive whole number" in only_error(p2).message


def test_an_unreadable_folder_is_an_issue_and_the_rest_load(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    good = tmp_path / "good"
    good.mkdir()
    (good / "demo.yaml").write_text(GOOD.read_text())
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self.name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)  # root reads anything; simulate the mode
    packset = load_paths([tmp_path / "locked", good])
    assert any("Permission denied" in i.message for i in packset.issues)
    assert any(q.startswith("demo.") for q in packset.questions)


def test_any_exception_while_loading_one_file_is_that_files_error(tmp_path, monkeypatch):
    from qkv_drill.packs.checks import document

    bad = pack(tmp_path, numeric())
    real = document.check_document

    def explode(doc):
        if doc.path == bad:
            raise MemoryError("simulated")
        return real(doc)

    monkeypatch.setattr(document, "check_document", explode)
    packset = load_paths([bad, GOOD])
    (issue,) = [i for i in packset.issues if i.path == bad]
    assert "MemoryError" in issue.message and (issue.line, issue.col) == (1, 1)
    assert any(q.startswith("demo.") for q in packset.questions)


def test_a_question_that_breaks_the_checker_is_positioned_at_that_question(tmp_path, monkeypatch):
    from qkv_drill.packs.checks.computed_answers import ComputedAnswerChecks

    def explode(self, *a):
        raise RecursionError("simulated")

    monkeypatch.setattr(ComputedAnswerChecks, "tolerance", explode)
    p = pack(tmp_path, numeric(extra="      tolerance: {abs: 1}\n"))
    issue = only_error(p)
    assert issue.line == 6
    assert "cannot check this question (RecursionError: simulated)" in issue.message


def test_an_unexpected_error_is_shown_whole_so_the_user_sees_what_to_fix(tmp_path, monkeypatch):
    """Details are never cut at a fixed length: a long message reaches the user whole."""
    from qkv_drill.packs.checks import document

    bad = pack(tmp_path, numeric())
    detail = "the key 'questions[3].params' " + "refers to a value that is far too long " * 20
    detail += "and THE END names the fix"

    def explode(doc):
        raise ValueError(detail)

    monkeypatch.setattr(document, "check_document", explode)
    (issue,) = load_paths([bad]).issues
    assert len(detail) > 600
    assert detail in issue.message and "THE END names the fix" in str(issue)
    assert "more character" not in issue.message


def test_a_huge_error_detail_is_bounded_and_says_how_much_is_left_out(tmp_path, monkeypatch):
    from qkv_drill.longtext import MAX_DETAIL_CHARS
    from qkv_drill.packs.checks import document

    bad = pack(tmp_path, numeric())
    huge = "x" * 1_000_000

    def explode(doc):
        raise ValueError(huge)

    monkeypatch.setattr(document, "check_document", explode)
    (issue,) = load_paths([bad]).issues
    left = 1_000_000 - MAX_DETAIL_CHARS
    assert f"… ({left:,} more characters)" in issue.message
    assert len(issue.message) < MAX_DETAIL_CHARS + 200


def test_a_question_that_breaks_the_checker_keeps_the_whole_reason(tmp_path, monkeypatch):
    from qkv_drill.packs.checks.computed_answers import ComputedAnswerChecks

    reason = "tolerance " + "needs a number, not this long thing " * 12 + "END"

    def explode(self, *a):
        raise TypeError(reason)

    monkeypatch.setattr(ComputedAnswerChecks, "tolerance", explode)
    p = pack(tmp_path, numeric(extra="      tolerance: {abs: 1}\n"))
    issue = only_error(p)
    assert reason.strip() in issue.message
