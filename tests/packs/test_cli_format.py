"""The command line and pack-format rules: no abbreviations, `--pack` on either side of the
sub-command and never silently missing, ids checked against installed packs, undefined
placeholders refused, hints case-insensitive, keys swallowed by a block scalar warned about."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qkv_drill.cli import main, parse
from qkv_drill.packs.checks.fields import did_you_mean
from qkv_drill.packs.loader import load_paths

GOOD = Path(__file__).parent / "good" / "demo.yaml"
SHIPPED = Path(__file__).resolve().parents[2] / "questions"


def test_pack_is_never_read_as_an_abbreviation_of_pack_id():
    args = parse(["practice", "--plain", "--pack", str(GOOD)])
    assert args.pack == [GOOD] and args.pack_id == []
    with pytest.raises(SystemExit):
        parse(["practice", "--pack-i", "x"])  # no abbreviations on any parser
    with pytest.raises(SystemExit):
        parse(["--pac", str(GOOD), "packs"])


def test_pack_before_and_after_the_sub_command_add_up(tmp_path):
    other = tmp_path / "b.yaml"
    shutil.copy(GOOD, other)
    args = parse(["--pack", str(GOOD), "validate", str(GOOD), "--pack", str(other)])
    assert args.pack == [GOOD, other]


@pytest.mark.parametrize(
    "argv",
    [["--pack", "nope.yaml", "packs"], ["packs", "--pack", "nope.yaml"],
     ["practice", "--plain", "--pack", "nope.yaml"], ["mock", "--plain", "--pack", "nope.yaml"]],
)  # fmt: skip
def test_a_missing_pack_path_is_an_error_everywhere(argv, capsys):
    assert main(argv) == 2
    assert "--pack nope.yaml: no such file or folder" in capsys.readouterr().err


def test_validate_checks_ids_against_installed_packs(tmp_path, capsys):
    copy = tmp_path / "copy.yaml"
    shutil.copy(SHIPPED / "scaling.yaml", copy)
    assert main(["validate", str(copy), "--seeds", "1", "--no-torch"]) == 1
    out = capsys.readouterr().out
    assert "pack id 'scaling' is already used by" in out
    assert "question id 'scaling." in out
    assert main(["validate", str(copy), "--seeds", "1", "--no-torch", "--alone"]) == 0
    capsys.readouterr()


PACK = """\
pack: {id: fmt, title: Format, version: 1}
questions:
  - id: fmt.q
    topic: scaling
    difficulty: easy
    type: numeric
    prompt: |
      d_k is {d_k}; the {typo} is undefined; {{d_k}} is shown as written.
      explanation: |
        indented too far, so this is prompt text
    explanation: "x"
    params:
      d_k: [4, 16]
    answer: {compute: scale_factor, tolerance: {abs: 0.001}}
"""


def test_an_undefined_placeholder_is_an_error_and_double_braces_show_braces(tmp_path):
    p = tmp_path / "fmt.yaml"
    p.write_text(PACK)
    issues = load_paths([p]).issues
    errors = [i for i in issues if i.is_error]
    assert [e.message for e in errors] == ["prompt has {typo} but no parameter of that name"]
    p.write_text(PACK.replace(" the {typo} is undefined;", ""))
    (lp,) = load_paths([p]).packs
    from qkv_drill.packs.instance import draw

    inst = draw(lp.pack.questions[0], 0)
    assert "{d_k} is shown as written" in inst.prompt
    assert f"d_k is {inst.params['d_k']};" in inst.prompt


def test_a_key_inside_a_block_scalar_is_warned_about_at_its_line(tmp_path):
    p = tmp_path / "fmt.yaml"
    p.write_text(PACK.replace(" the {typo} is undefined;", ""))
    (warning,) = [i for i in load_paths([p]).issues if not i.is_error]
    assert warning.line == 9 and "'explanation:' is inside the prompt text" in warning.message


def test_a_word_cut_at_a_line_end_is_warned_about_at_its_line(tmp_path):
    """Markdown and plain mode read a line break as a space: `self-` then `attention` on the
    next line shows as "self- attention"; a hyphen inside a code span or a line is left alone."""
    p = tmp_path / "fmt.yaml"
    text = PACK.replace(" the {typo} is undefined;", "").replace(
        "      explanation: |\n        indented too far, so this is prompt text\n",
        "      Unlike cross-attention, self-\n      attention reads one sequence;\n"
        "      `a -\n      b` and a - b are fine.\n",
    )
    p.write_text(text)
    (warning,) = [i for i in load_paths([p]).issues if not i.is_error]
    assert warning.line == 9
    assert "'self-' ends a line of the prompt text, so it shows as 'self- attention'" in (
        warning.message
    )
    assert "keep 'self-attention' on one line" in warning.hint


def test_text_shown_as_one_line_warns_when_a_block_scalar_breaks_it(tmp_path):
    """Options, their why, rubric points and hints are shown as written, so `|` wrapped at the
    editor's width broke them mid-sentence on screen; `>-` (folded) joins the lines."""
    p = tmp_path / "lines.yaml"
    p.write_text(
        """pack: {id: lines, title: Lines, version: 1}
questions:
  - id: lines.q
    topic: scaling
    difficulty: easy
    type: choice
    prompt: Why scale?
    explanation: Variance.
    hints:
      - |
        Think of the variance
        of q . k.
    options:
      - text: |
          To keep the variance
          of the scores near 1
        correct: true
      - text: >-
          Folded lines
          read as one
        why: |
          It does not
          fold.
"""
    )
    warnings = [i for i in load_paths([p]).issues if not i.is_error]
    said = sorted((w.line, w.message.split(" spans")[0]) for w in warnings)
    assert said == [(10, "a hint"), (14, "option text"), (21, "why")], warnings
    assert all("fold it with '>-' instead of '|'" in w.hint for w in warnings)


def test_hints_match_case_insensitively():
    assert did_you_mean("W_q", ["W_Q", "W_K", "W_V", "w_v"]) == "did you mean 'W_Q'?"
    assert did_you_mean("D_MODEL", ["d_model", "heads"]) == "did you mean 'd_model'?"


def test_schema_accepts_the_new_format_and_refuses_a_bad_choice():
    import jsonschema
    import yaml

    from qkv_drill.packs.schema import build_schema

    v = jsonschema.Draft202012Validator(build_schema())
    doc = yaml.safe_load((Path(__file__).parent / "modern" / "attention_today.yaml").read_text())
    assert list(v.iter_errors(doc)) == []
    doc["questions"][2]["answer"]["args"]["causal_align"] = "bottom_left"
    assert list(v.iter_errors(doc))


def test_schema_knows_the_matrix_draw_options():
    import jsonschema

    from qkv_drill.packs.schema import build_schema

    v = jsonschema.Draft202012Validator(build_schema())
    question = {
        "id": "m.q",
        "topic": "shapes",
        "difficulty": "easy",
        "type": "matrix",
        "prompt": "{K}",
        "explanation": "K.",
        "answer": {"compute": "scores"},
    }

    def pack(spec: object) -> dict:
        q = {**question, "params": {"Q": {"matrix": [2, 2]}, "K": spec}}
        return {"pack": {"id": "m", "title": "M", "version": 1}, "questions": [q]}

    ok = {"matrix": [2, 2], "values": [-2, 2], "not_symmetric": True, "full_rank": True}
    assert list(v.iter_errors(pack(ok))) == []
    assert list(v.iter_errors(pack({**ok, "not_symmetric": "yes"})))
    assert list(v.iter_errors(pack({**ok, "not_symetric": True})))  # a typo is not ignored
