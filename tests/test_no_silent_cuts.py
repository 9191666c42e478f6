"""No text is cut at a fixed length without saying so (issue: pack errors cut at 200 characters).

A slice with a fixed bound (`text[:200]`, `tail[-MAX_TRACEBACK:]`) is how a message loses the
part that says what to fix. Every such slice in qkv_drill is either in `longtext` (which says what
it leaves out) or listed here with where the cut is said.
"""

from __future__ import annotations

import ast
from pathlib import Path

import qkv_drill

ROOT = Path(qkv_drill.__file__).parent

# (file, the sliced expression's source) -> where the left-out part is said
SAID_ELSEWHERE = {
    ("exercises/harness.py", "s[:room]"): "printed_chars: printed_lines counts the rest",
    ("exercises/harness.py", "text[-MAX_TRACEBACK:]"): "traceback_earlier: longtext.with_earlier",
    ("exercises/harness.py", "defined[:MAX_NAMES]"): "defined_count: the checker says 'and N more'",
    ("exercises/runner.py", "printed[:4000]"): "printed_chars: printed_lines counts the rest",
    ("exercises/instance.py", "text[:MAX_STORED_CODE]"): "followed by TRUNCATED, which says so",
    ("session/records.py", "data[:cap - 64]"): "followed by '[... cut: the answer was N bytes]'",
    ("cliargs.py", "text[:40]"): "followed by longtext.left_out",
    ("tui/widgets/heatmap.py", "weights[:MAX_SIDE]"): "the note under it: 'Showing the first ...'",
    ("store/health.py", "head[:16]"): "not text: compared with SQLite's 16-byte header",
    # Not text: lists cut to what is asked for.
    ("exercises/proofs.py", "list(dict.fromkeys(passed))[-MAX_KEPT:]"): "a cache's newest keys",
    ("session/browser.py", "answers[::-1][:LAST_ANSWERS]"): "the last five answers, as titled",
    ("session/drill.py", "[qid for qid in self._new_order if qid not in skip][:room]"): "a queue",
}


def _fixed(bound: ast.expr | None) -> bool:
    """A bound that does not depend on the text: a number of 10 or more, or a MAX_/LIMIT name."""
    if bound is None:
        return False
    if isinstance(bound, ast.UnaryOp) and isinstance(bound.op, ast.USub):
        bound = bound.operand
    if isinstance(bound, ast.Constant) and isinstance(bound.value, int):
        return bound.value >= 10
    if isinstance(bound, ast.Name):
        return bound.id.isupper() or bound.id in ("room", "cap", "limit")
    if isinstance(bound, ast.BinOp):
        return _fixed(bound.left) or _fixed(bound.right)
    return False


def fixed_cuts() -> list[tuple[str, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "longtext.py" or rel.startswith("engine/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
                sl = node.slice
                one_sided = sl.lower is None or sl.upper is None  # a[16:18] reads a field
                if one_sided and sl.step is None and (_fixed(sl.upper) or _fixed(sl.lower)):
                    found.append((rel, ast.unparse(node)))
    return found


def test_every_fixed_length_cut_of_text_says_what_it_leaves_out():
    unsaid = [cut for cut in fixed_cuts() if cut not in SAID_ELSEWHERE]
    assert not unsaid, (
        "a fixed-length slice cuts text silently; use qkv_drill.longtext.bounded (or list it "
        f"here with where the cut is said): {unsaid}"
    )


def test_the_list_of_cuts_said_elsewhere_is_current():
    assert set(SAID_ELSEWHERE) <= set(fixed_cuts())
