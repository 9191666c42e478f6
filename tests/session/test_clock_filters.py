"""The fake clock and the question filter."""

from __future__ import annotations

from argparse import Namespace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from qkv_drill.session.clock import SYSTEM_CLOCK, FakeClock
from qkv_drill.session.filters import Filter


def test_fake_clock_moves_both_readings_together():
    c = FakeClock(start=datetime(2026, 3, 1, tzinfo=UTC), monotonic_start=10)
    c.advance(90)
    assert c.monotonic() == 100
    assert c.now() == datetime(2026, 3, 1, 0, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        c.advance(-1)
    with pytest.raises(ValueError):
        FakeClock(start=datetime(2026, 3, 1))


def test_system_clock_is_utc_and_monotonic():
    a = SYSTEM_CLOCK.monotonic()
    assert SYSTEM_CLOCK.monotonic() >= a
    assert SYSTEM_CLOCK.now().utcoffset() == timedelta(0)


Q = [
    SimpleNamespace(id=f"{p}.{t}.{d}", pack_id=p, topic=t, difficulty=d)
    for p in ("a", "b")
    for t in ("shapes", "cost")
    for d in ("easy", "hard")
]


def test_empty_filter_takes_everything_sorted_by_id():
    assert [q.id for q in Filter().select(reversed(Q))] == sorted(q.id for q in Q)


def test_each_dimension_narrows():
    f = Filter(topics=frozenset({"cost"}), packs=frozenset({"b"}))
    assert [q.id for q in f.select(Q)] == ["b.cost.easy", "b.cost.hard"]
    f = Filter(difficulties=frozenset({"hard"}), topics=frozenset({"shapes", "cost"}))
    assert {q.difficulty for q in f.select(Q)} == {"hard"} and len(f.select(Q)) == 4


def test_the_command_line_flags_become_a_filter():
    from qkv_drill.cli_options import pack_filter

    args = Namespace(topic=["cost"], pack_id=[], difficulty=["easy", "hard"])
    f = pack_filter(args)
    assert f == Filter(topics=frozenset({"cost"}), difficulties=frozenset({"easy", "hard"}))
    assert f.describe() == "topic cost; difficulty easy, hard"
    assert pack_filter(Namespace()).describe() == "all questions"


def test_the_command_line_becomes_typed_session_options():
    from qkv_drill.cli import parse
    from qkv_drill.cli_options import session_options

    mock = session_options(parse(["mock", "--minutes", "5", "--seed", "3", "--topic", "cost"]))
    assert mock.command == "mock" and mock.mock_told and mock.seed == 3
    assert (mock.mock.minutes, mock.mock.questions, mock.mock.topics) == (5.0, 10, ("cost",))
    drill = session_options(parse(["drill", "--weakest", "--count", "4"]))
    assert (drill.command, drill.weakest, drill.count, drill.mock_told) == ("drill", True, 4, False)
