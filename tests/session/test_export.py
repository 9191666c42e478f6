"""`qkv-drill export`: the latest (or a given) finished interview as Markdown or JSON."""

from __future__ import annotations

import json

import pytest

from qkv_drill.session.export import ReportExport, run_export
from qkv_drill.session.mock import MockSession, MockSettings
from tests.helpers.answering import right


def _finished_mock(packs, clock, seed):
    from qkv_drill.store import Store

    store = Store.open(None)  # the data folder from QKV_DRILL_HOME, as `export` uses
    s = MockSession.create(packs, store, MockSettings(questions=3, seed=seed), clock)
    s.answer(right(s.current))
    report = s.finish()
    store.close()
    return report


def test_no_mock_yet_says_so(capsys):
    assert run_export(ReportExport(mock_id=None, format="md", output=None)) == 1
    assert "No finished mock interview" in capsys.readouterr().err
    assert run_export(ReportExport(mock_id=5, format="md", output=None)) == 1


def test_export_latest_as_markdown_and_json(balance_packs, clock, tmp_path, capsys):
    first = _finished_mock(balance_packs, clock, 1)
    latest = _finished_mock(balance_packs, clock, 2)
    assert run_export(ReportExport(mock_id=None, format="md", output=None)) == 0
    md = capsys.readouterr().out
    assert md.startswith(f"# Mock interview {latest.mock_id}")
    assert f"**Score: {latest.correct} / 3" in md
    for item in latest.items:
        assert item.question_id in md

    out = tmp_path / "r.json"
    assert run_export(ReportExport(mock_id=first.mock_id, format="json", output=out)) == 0
    data = json.loads(out.read_text())
    assert data["mock_id"] == first.mock_id
    assert data["summary"]["correct"] == first.correct
    assert [i["question_id"] for i in data["items"]] == [i.question_id for i in first.items]


def seconds(mmss: str) -> int:
    minutes, secs = mmss.split(":")
    return int(minutes) * 60 + int(secs)


def test_export_rounds_times_up_as_the_app_shows_them(balance_packs, clock, capsys):
    """59.4 s on a question is 01:00 on the app's report (whole seconds rounded up, so 00:00
    only when no time passed): the exported report says 1:00 too, never 0:59."""
    from qkv_drill.present.formats import mm_ss
    from qkv_drill.store import Store

    store = Store.open(None)
    s = MockSession.create(balance_packs, store, MockSettings(questions=3, seed=4), clock)
    clock.advance(59.4)
    s.answer(right(s.current))
    s.next()
    clock.advance(0.3)
    s.next()
    report = s.finish()
    store.close()
    times = [item.time_s for item in report.items]
    assert times == [pytest.approx(59.4), pytest.approx(0.3), 0.0]

    assert run_export(ReportExport()) == 0
    md = capsys.readouterr().out
    cells = [line.split("|") for line in md.splitlines() if line.startswith("| ")]
    shown = [
        row[3].strip() for row in cells if row[2].strip() in {i.question_id for i in report.items}
    ]
    assert shown == ["1:00", "0:01", "0:00"]
    assert [seconds(t) for t in shown] == [seconds(mm_ss(t)) for t in times]
    assert f"time used {shown[0]} of " in md  # 59.7 s in all
