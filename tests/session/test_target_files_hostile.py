"""Files named with -o (issue 9): a target that is not a file is refused before anything is
written (renaming over a device would replace the device itself), a failure leaves no partial file
and the old file as it was, and every path printed is safe for the terminal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from qkv_drill.cli import main
from qkv_drill.store import Store
from qkv_drill.textsafe import printable
from tests.helpers.records import answer_record

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"


@pytest.fixture
def home(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("QKV_DRILL_HOME", str(data))
    monkeypatch.delenv("QKV_DRILL_PACKS", raising=False)
    with Store.open(data / "progress.db") as s:
        s.record_answer(answer_record(1))
    return data


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def partials(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".partial")]


@pytest.mark.parametrize("command", [["backup"], ["export-anki", "--pack", str(MINI)]])
def test_a_fifo_target_is_refused_and_left_a_fifo(home, tmp_path, capsys, command):
    target = tmp_path / "out.fifo"
    os.mkfifo(target)
    assert main([*command, "-o", str(target)]) == 1
    line = one_line(capsys.readouterr().err)
    assert f"cannot write {target}: it is a FIFO, not a file; nothing was changed" in line
    assert stat.S_ISFIFO(target.stat().st_mode)  # renaming over it would have replaced it
    assert not partials(tmp_path)


@pytest.mark.parametrize("command", [["backup"], ["export-anki", "--pack", str(MINI)]])
def test_a_folder_target_is_one_line_and_leaves_no_partial_file(home, tmp_path, capsys, command):
    target = tmp_path / "folder"
    target.mkdir()
    assert main([*command, "-o", str(target)]) == 1
    assert "it is a folder; name a file" in one_line(capsys.readouterr().err)
    assert target.is_dir() and not partials(tmp_path)


def test_a_read_only_backup_target_is_kept(home, tmp_path, capsys):
    target = tmp_path / "old.db"
    target.write_bytes(b"old backup")
    target.chmod(0o444)
    assert main(["backup", "-o", str(target)]) == 1
    assert "it is read-only" in one_line(capsys.readouterr().err)
    assert target.read_bytes() == b"old backup" and not partials(tmp_path)


def test_backup_and_restore_print_paths_safely(home, tmp_path, capsys):
    target = tmp_path / "\x1b]0;title\x07.db"
    assert main(["backup", "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b]0;title\\x07.db" in out
    assert main(["restore", str(target)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b]0;title\\x07.db" in out


def test_undecodable_bytes_of_a_file_name_print_as_the_bytes():
    name = b"pack\x9b2J\xff.yaml".decode("utf-8", "surrogateescape")
    assert printable(name) == "pack\\x9b2J\\xff.yaml"
    printable(name).encode("utf-8")  # printable text, whatever the file system held
