"""Hostile command-line numbers and export targets (issue 9): a usage message or one clear line
with exit 1, never a traceback, never a stored interview nobody can open, never a lost file."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from qkv_drill.cli import build_parser, main
from qkv_drill.session.export import ReportExport, run_export
from qkv_drill.session.mock import MockSession, MockSettings
from tests.helpers.answering import right


@pytest.mark.parametrize("minutes", ["inf", "1e308", "nan", "0", "-1", "-inf", "ten", "601"])
def test_bad_minutes_are_a_usage_message(minutes, capsys):
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(["mock", "--plain", f"--minutes={minutes}"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "--minutes" in err and "from 0.01 to 600" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "1" * 20],
        ["export", "0"],
        ["export", "9" * 5000],
        ["practice", "--plain", "--count", "0"],
        ["practice", "--plain", "--count", "1e3"],
        ["drill", "--plain", "--seed", "-5"],
        ["practice", "--plain", "--seed", "1" * 30],
        ["mock", "--plain", "--questions", "0"],
        ["mock", "--plain", "--questions", "100000"],
        ["validate", "x.yaml", "--seeds", "0"],
    ],
)
def test_every_command_line_number_is_range_checked(argv, capsys):
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("qkv-drill ") and "a whole number from" in err[-1]
    assert len(err[-1]) < 200


@pytest.mark.parametrize("typed", ["9" * 5000, "x" * 5000])
def test_a_long_bad_number_is_shown_bounded_with_what_was_left_out(typed, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["export", typed])
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"'{typed[:40]}' … (4,960 more characters)" in last


def test_good_numbers_still_parse():
    a = build_parser().parse_args(
        ["mock", "--minutes", "0.01", "--questions", "200", "--seed", "0"]
    )
    assert (a.minutes, a.questions, a.seed) == (0.01, 200, 0)
    assert build_parser().parse_args(["export", str(2**63 - 1)]).mock_id == 2**63 - 1


def test_a_session_refuses_non_finite_minutes(balance_packs, store, clock):
    for minutes in (float("inf"), float("nan"), 0.0, -1.0):
        with pytest.raises(ValueError, match="minutes must be"):
            MockSession.create(balance_packs, store, MockSettings(minutes=minutes), clock)
    assert store.unfinished_mock() is None


def test_resume_survives_an_interview_stored_with_infinite_minutes(
    balance_packs, tmp_path, clock, capsys
):
    """An older version stored `--minutes inf`; every later start crashed formatting it."""
    from qkv_drill.present.formats import mm_ss
    from qkv_drill.store import Store

    path = tmp_path / "progress.db"
    store = Store.open(path)
    s = MockSession.create(balance_packs, store, MockSettings(questions=2, seed=3), clock)
    store.close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE mocks SET duration_s = ?, used_s = ?", (float("inf"), float("-inf")))
    store = Store.open(path)
    row = store.unfinished_mock()
    assert row is not None and row.duration_s == 600 * 60 and row.used_s == 0
    mm_ss(row.duration_s - row.used_s)  # raised OverflowError before
    resumed = MockSession.resume(balance_packs, store, s.mock_id, clock)
    assert 0 < resumed.remaining() <= 600 * 60
    store.close()


# --- export ------------------------------------------------------------------------------------


@pytest.fixture
def finished(balance_packs, clock):
    from qkv_drill.store import Store

    store = Store.open(None)
    s = MockSession.create(balance_packs, store, MockSettings(questions=2, seed=4), clock)
    s.answer(right(s.current))
    s.finish()
    store.close()


def _export(out: Path) -> int:
    return run_export(ReportExport(mock_id=None, format="md", output=out))


def test_export_to_dev_full_is_one_line_and_exit_1(finished, capsys):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    assert _export(Path("/dev/full")) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("cannot write /dev/full")
    assert Path("/dev/full").is_char_device()  # written through, never renamed over


def test_export_to_a_folder_is_one_line_and_exit_1(finished, tmp_path, capsys):
    assert _export(tmp_path) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a folder" in err[0]


def test_export_to_a_read_only_file_keeps_it(finished, tmp_path, capsys):
    target = tmp_path / "report.md"
    target.write_text("old report\n")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    assert _export(target) == 1
    assert "read-only" in capsys.readouterr().err
    assert target.read_text() == "old report\n"


def test_a_failed_export_leaves_the_old_file_intact(finished, tmp_path, monkeypatch, capsys):
    target = tmp_path / "report.md"
    target.write_text("old report\n")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert _export(target) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert target.read_text() == "old report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temporary file left


def test_export_replaces_a_file_whole(finished, tmp_path):
    target = tmp_path / "report.md"
    target.write_text("x" * 100_000)
    assert _export(target) == 0
    assert target.read_text().startswith("# Mock interview")


def test_main_export_with_a_20_digit_id_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["export", "1" * 20])
    assert e.value.code == 2
