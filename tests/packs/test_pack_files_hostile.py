"""Hostile pack files and folders: what sits in the pack folder, how a file is encoded and how
many mistakes it holds. Each case ends with a positioned issue for that entry, never a wait, and
the good pack beside it still loads. Big inputs are generated here at test time.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from qkv_drill.packs.limits import MAX_ISSUES
from qkv_drill.packs.loader import PackSet, load_pack_file, load_paths
from qkv_drill.packs.yamlsource import Limits, load_file

GOOD = Path(__file__).parent / "good" / "demo.yaml"
T = TypeVar("T")


def within(seconds: float, fn: Callable[[], T]) -> T:
    """`fn()`, failing the test (not hanging it) when it blocks: a FIFO opened for reading waits
    forever for a writer."""
    out: list[T] = []
    worker = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "loading blocked"
    return out[0]


def folder_with_good_pack(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "demo.yaml").write_text(GOOD.read_text())
    return folder


def issue_for(packset: PackSet, name: str) -> str:
    found = [i.message for i in packset.issues if Path(i.path).name == name]
    assert found, f"nothing said about {name}"
    return found[0]


# --- what sits in the pack folder ----------------------------------------------------------


def test_special_files_named_like_packs_are_named_and_never_opened(tmp_path):
    folder = folder_with_good_pack(tmp_path)
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "random.yml").symlink_to("/dev/urandom")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    (folder / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (folder / "folder.yaml").mkdir()
    packset = within(60, lambda: load_paths([folder]))
    assert "demo.head-dim" in packset.questions
    assert "FIFO" in issue_for(packset, "fifo.yaml")
    assert "character device" in issue_for(packset, "zero.yaml")
    assert "character device" in issue_for(packset, "random.yml")
    assert "leads nowhere" in issue_for(packset, "loop.yaml")
    assert "leads nowhere" in issue_for(packset, "gone.yaml")
    assert "a folder" in issue_for(packset, "folder.yaml")


def test_a_fifo_named_on_the_command_line_is_named_not_waited_on(tmp_path):
    fifo = tmp_path / "pack.yaml"
    os.mkfifo(fifo)
    packset = within(60, lambda: load_paths([fifo]))
    assert "FIFO" in issue_for(packset, "pack.yaml")


def test_a_fifo_put_in_place_of_a_listed_pack_is_refused_without_waiting(tmp_path):
    # Listed as a file, then replaced by a FIFO before it is read: the read must not block.
    swapped = tmp_path / "swapped.yaml"
    os.mkfifo(swapped)
    lp = within(60, lambda: load_pack_file(swapped))
    assert lp.pack is None and "FIFO" in lp.errors[0].message
    assert (lp.errors[0].line, lp.errors[0].col) == (1, 1)


def test_a_pack_that_vanishes_before_it_is_read_is_that_packs_error(tmp_path):
    lp = load_pack_file(tmp_path / "vanished.yaml")
    assert lp.pack is None and "cannot read file" in lp.errors[0].message


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
def test_a_file_longer_than_its_size_says_is_read_only_up_to_the_limit(tmp_path):
    # /proc files report size 0 and hold more: like a file growing while it is read.
    link = tmp_path / "grows.yaml"
    link.symlink_to("/proc/self/maps")
    lp = load_pack_file(link, limits=Limits(max_bytes=100))
    assert lp.pack is None
    assert "more than 100 bytes; packs may be at most 100 bytes" in lp.errors[0].message


# --- encodings and line endings ------------------------------------------------------------


@pytest.mark.parametrize("encoding, name", [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_a_utf16_or_utf32_pack_is_named_as_such(tmp_path, encoding, name):
    p = tmp_path / "wide.yaml"
    p.write_bytes(GOOD.read_text().encode(encoding))
    lp = load_pack_file(p)
    assert lp.pack is None and f"the file is {name}" in lp.errors[0].message


def test_a_nul_byte_is_refused_at_its_line_and_column(tmp_path):
    p = tmp_path / "nul.yaml"
    p.write_bytes(b"pack:\n  id: \xc3\xa9\x00b\n")
    (issue,) = load_pack_file(p).errors
    assert (issue.line, issue.col, issue.message) == (
        2,
        8,
        "character U+0000 is not allowed in a pack",
    )
    assert "\n" not in issue.message


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_positions_are_the_same_with_crlf_and_lone_cr_line_endings(tmp_path, newline):
    text = GOOD.read_text().replace("    difficulty: medium\n", "    difficulty: mediun\n", 1)
    lf = tmp_path / "lf.yaml"
    lf.write_bytes(text.encode())
    other = tmp_path / "other.yaml"
    other.write_bytes(text.replace("\n", newline).encode())
    expected = [(i.line, i.col, i.message) for i in load_pack_file(lf).errors]
    assert expected and [(i.line, i.col, i.message) for i in load_pack_file(other).errors] == (
        expected
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_bad_byte_is_positioned_by_the_same_lines_yaml_counts(tmp_path, newline):
    p = tmp_path / "bad.yaml"
    p.write_bytes(newline.join(["pack:", "  id: demo", "  title: T\xff"]).encode("latin-1"))
    (issue,) = load_pack_file(p).errors
    assert (issue.line, issue.col) == (3, 11)


# --- a file with very many mistakes ----------------------------------------------------------


def test_a_million_tiny_questions_list_a_bounded_number_of_issues(tmp_path):
    p = tmp_path / "tiny.yaml"
    p.write_text("pack: {id: tiny, title: T, version: 1}\nquestions:\n" + "- {}\n" * 1_000_000)
    lp = load_pack_file(p)
    assert lp.pack is None
    assert len(lp.issues) == MAX_ISSUES + 1
    last = lp.issues[-1].message
    assert "more issues or unchecked questions are not listed" in last
    assert f"checking stops after {MAX_ISSUES:,} issues" in last


def test_unknown_keys_by_the_hundred_thousand_are_positioned_and_capped(tmp_path):
    p = tmp_path / "keys.yaml"
    keys = ", ".join(f"k{i}: 1" for i in range(100_000))
    p.write_text(f"pack: {{id: keys, title: T, version: 1, {keys}}}\nquestions: [1]\n")
    lp = load_pack_file(p)
    assert len(lp.issues) == MAX_ISSUES + 1
    first = lp.issues[0]
    assert (first.line, first.col, first.message) == (1, 40, "unknown field 'k0' in pack")
    doc = load_file(p)
    assert doc.where(("pack", "k99999"), key=True) == (1, 40 + len(keys) - len("k99999: 1"))


# --- entries that are not packs are shown, not skipped unseen -------------------------------


def test_the_packs_command_lists_what_was_not_read(tmp_path, monkeypatch, capsys):
    from types import SimpleNamespace

    from qkv_drill.packs.listing import run_packs

    folder = folder_with_good_pack(tmp_path)
    os.mkfifo(folder / "fifo.yaml")
    monkeypatch.setenv("QKV_DRILL_HOME", str(tmp_path / "home"))
    assert run_packs(SimpleNamespace(pack=[str(folder)])) == 1
    out = capsys.readouterr().out
    assert "not read" in out and "fifo.yaml" in out and "this is a FIFO" in out
    assert "demo v1  4 questions" in out


async def test_the_packs_screen_lists_what_was_not_read(tmp_path):
    from tests.helpers.tui import make_app, settle

    folder = folder_with_good_pack(tmp_path)
    os.mkfifo(folder / "fifo.yaml")
    app = make_app(packs=[folder], include_user=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        shown = str(app.screen.query_one("#packs-list").render())
        assert "not read" in shown and "fifo.yaml" in shown and "this is a FIFO" in shown
