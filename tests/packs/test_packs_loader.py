"""Loading: each pack independent, duplicates across packs, sources, BOM, positions."""

from __future__ import annotations

import shutil
from pathlib import Path

from qkv_drill.packs.loader import load_pack_file, load_packs, load_paths
from qkv_drill.packs.yamlsource import load_text

HERE = Path(__file__).parent
GOOD = HERE / "good" / "demo.yaml"
BROKEN = HERE / "broken"

MINI = """\
pack:
  id: {pid}
  title: Mini
  version: 1
questions:
  - id: {qid}
    topic: roles
    difficulty: easy
    type: choice
    prompt: Which?
    explanation: Because.
    options:
      - {{text: a, correct: true}}
      - {{text: b}}
"""


def write(folder: Path, name: str, pid: str, qid: str) -> Path:
    p = folder / name
    p.write_text(MINI.format(pid=pid, qid=qid), encoding="utf-8")
    return p


def test_good_pack_loads_with_positions():
    lp = load_pack_file(GOOD)
    assert lp.ok and lp.issues == []
    pack = lp.pack
    assert pack.id == "demo" and pack.version == 1
    ids = [q.id for q in pack.questions]
    assert ids == ["demo.head-dim", "demo.weights", "demo.llama", "demo.pick"]
    assert [q.line for q in pack.questions] == [7, 25, 40, 54]
    head = pack.questions[0]
    assert head.answer.compute == "head_dim"
    assert head.misconceptions == ("no_head_split",)
    assert head.examples[0].accept == ("64", "512/8")
    assert pack.questions[1].answer.tolerance.abs == 0.01
    assert pack.questions[1].answer.tolerance.explicit


def test_bom_is_accepted(tmp_path):
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + MINI.format(pid="bom", qid="bom.q").encode())
    lp = load_pack_file(p)
    assert lp.ok, [str(i) for i in lp.issues]
    assert lp.pack.questions[0].id == "bom.q"


def test_broken_pack_next_to_good_one_leaves_the_good_one_loaded(tmp_path):
    shutil.copy(GOOD, tmp_path / "a_good.yaml")
    shutil.copy(BROKEN / "syntax_error.yaml", tmp_path / "b_broken.yaml")
    shutil.copy(BROKEN / "python_tag.yaml", tmp_path / "c_tag.yaml")
    ps = load_paths([tmp_path])
    assert [lp.ok for lp in ps.packs] == [True, False, False]
    assert set(ps.questions) == {q.id for q in ps.packs[0].pack.questions}
    assert len(ps.issues) == 2
    assert {Path(i.path).name for i in ps.issues} == {"b_broken.yaml", "c_tag.yaml"}


def test_duplicate_question_ids_across_packs_keep_the_first(tmp_path):
    a = write(tmp_path, "a.yaml", "pack-a", "shared.q")
    b = write(tmp_path, "b.yaml", "pack-b", "shared.q")
    ps = load_paths([tmp_path])
    assert ps.questions["shared.q"].pack_id == "pack-a"
    (issue,) = ps.issues
    assert Path(issue.path) == b and (issue.line, issue.col) == (6, 1)
    assert f"first at {a}:6" in issue.message  # both locations are reported
    assert ps.packs[1].pack is not None and ps.packs[1].pack.questions == ()


def test_duplicate_pack_ids_skip_the_second(tmp_path):
    write(tmp_path, "a.yaml", "same", "a.q")
    write(tmp_path, "b.yaml", "same", "b.q")
    ps = load_paths([tmp_path])
    assert set(ps.questions) == {"a.q"}
    assert "duplicate pack id 'same'" in ps.issues[0].message
    assert ps.packs[1].pack is None


def test_load_packs_reads_user_env_and_extra(tmp_path, monkeypatch):
    from qkv_drill import paths

    user = paths.user_packs_dir()
    user.mkdir(parents=True)
    write(user, "u.yaml", "user-pack", "u.q")
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    write(env_dir, "e.yaml", "env-pack", "e.q")
    extra = write(tmp_path, "x.yaml", "extra-pack", "x.q")
    monkeypatch.setenv(paths.PACKS_ENV, str(env_dir))
    ps = load_packs([extra], include_shipped=False)
    assert {lp.pack.id: lp.source for lp in ps.packs} == {
        "user-pack": "user",
        "env-pack": "extra",
        "extra-pack": "extra",
    }
    only_extra = load_packs([extra], include_shipped=False, include_user=False)
    assert set(only_extra.questions) == {"x.q"}


def test_missing_path_is_an_issue_not_a_crash(tmp_path):
    ps = load_paths([tmp_path / "nope.yaml"])
    assert ps.packs == [] and "no such pack file or folder" in ps.issues[0].message


def test_aliases_within_limits_are_fine():
    doc = load_text(Path("x.yaml"), "a: &x [1, 2]\nb: *x\n")
    assert doc.data == {"a": [1, 2], "b": [1, 2]}
    assert doc.where(("b",)) == (1, 4)  # an alias points at the anchored value
    assert doc.where(("b",), key=True) == (2, 1)


def test_dates_and_merge_keys(tmp_path):
    doc = load_text(Path("x.yaml"), "d: 2024-01-02\n")
    assert doc.data == {"d": "2024-01-02"}
    p = tmp_path / "m.yaml"
    p.write_text("a: &x {k: 1}\nb:\n  <<: *x\n")
    lp = load_pack_file(p)
    assert "merge keys" in lp.issues[0].message and lp.issues[0].line == 3


def test_unknown_field_in_pack_header(tmp_path):
    p = tmp_path / "h.yaml"
    p.write_text(MINI.format(pid="h", qid="h.q").replace("  version: 1", "  verison: 1"))
    lp = load_pack_file(p)
    msgs = [(i.line, i.col, i.message, i.hint) for i in lp.issues]
    assert (4, 3, "unknown field 'verison' in pack", "did you mean 'version'?") in msgs


def test_empty_file(tmp_path):
    p = tmp_path / "e.yaml"
    p.write_text("# nothing yet\n")
    lp = load_pack_file(p)
    assert lp.pack is None and "empty" in lp.issues[0].message


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=300) | st.text(alphabet="pack:questions-{}[]&*!#\n\t 'id\"x1", max_size=200)
)
def test_any_file_content_loads_without_raising(tmp_path, content):
    """Whatever is in a file, loading returns a result with issues; it never raises."""
    p = tmp_path / "fuzz.yaml"
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    lp = load_pack_file(p)
    assert lp.pack is None or lp.ok
    for issue in lp.issues:
        assert issue.line >= 0 and issue.col >= 0 and issue.message


def test_mutated_good_pack_never_raises(tmp_path):
    """Deleting any one line of a good pack gives a pack or positioned issues, never a crash."""
    lines = GOOD.read_text().splitlines(keepends=True)
    for i in range(len(lines)):
        p = tmp_path / f"m{i}.yaml"
        p.write_text("".join(lines[:i] + lines[i + 1 :]))
        lp = load_pack_file(p)
        assert lp.pack is not None or all(x.line >= 1 for x in lp.errors), i
