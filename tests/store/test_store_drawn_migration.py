"""Version 4 keeps each answer's pack version and draw digest: a file written by version 3 is
migrated in place, its rows kept and read back with neither (not known), new rows with both."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from qkv_drill.store import AnswerRecord, Store, schema

V3 = 3


def v3_file(path):
    """A progress file exactly as version 3 left it: an answer, a card, a running interview."""
    conn = sqlite3.connect(path, isolation_level=None)
    assert schema.migrate(conn, schema.MIGRATIONS[:V3]) == V3
    conn.execute(
        "INSERT INTO answers (ts_utc, question_id, pack_id, topic, difficulty, qtype, params_json,"
        " seed, answer_text, verdict, misconception, response_ms, mode, mock_id) VALUES"
        " ('2026-01-01T09:00:00.000000+00:00', 'core.head-dim', 'core', 'multihead', 'easy',"
        " 'numeric', '{\"d_model\": 512}', 12, '64', 'correct', NULL, 4200, 'practice', NULL)"
    )
    conn.execute(
        "INSERT INTO cards VALUES ('core.head-dim', '{}', '2026-01-04T09:00:00.000000+00:00',"
        " '2026-01-01T09:00:00.000000+00:00')"
    )
    plan = json.dumps([{"question_id": "core.head-dim", "seed": 12}])
    conn.execute(
        "INSERT INTO mocks (started_utc, settings_json, seed, duration_s, used_s, state,"
        " plan_json) VALUES ('2026-01-01T09:00:00.000000+00:00', '{}', 1, 600, 30, 'running', ?)",
        (plan,),
    )
    conn.execute(
        "INSERT INTO mock_answers VALUES (1, 0, '64', 3000, 0, '2026-01-01T09:00:30.000000+00:00')"
    )
    conn.close()


def test_a_v3_file_is_migrated_and_loses_nothing(tmp_path):
    path = tmp_path / "progress.db"
    v3_file(path)
    with Store.open(path) as s:
        assert s.persistent and s.warnings == []
        assert schema.version(s._conn) == len(schema.MIGRATIONS) > V3
        (old,) = s.iter_answers()
        assert (old.question_id, old.answer_text, old.seed, old.response_ms) == (
            "core.head-dim",
            "64",
            12,
            4200,
        )
        assert old.pack_version is None and old.drawn is None  # not known: kept as it was
        assert s.accuracy_by_topic() == {"multihead": (1, 1)}
        assert s.get_card("core.head-dim") == "{}"
        row = s.unfinished_mock()
        assert row is not None and json.loads(row.plan_json)[0]["seed"] == 12
        assert s.mock_answers(row.id)[0].answer_text == "64"
        new = AnswerRecord(
            "core.head-dim", "core", "multihead", "easy", "numeric", "{}", 3, "32", "wrong",
            pack_version=2, drawn="0123456789abcdef", ts_utc=datetime(2026, 1, 2, tzinfo=UTC),
        )  # fmt: skip
        s.record_answer(new)
    with Store.open(path) as s:  # applied once; both rows read back as written
        assert schema.version(s._conn) == len(schema.MIGRATIONS)
        assert [(a.answer_text, a.pack_version, a.drawn) for a in s.iter_answers()] == [
            ("64", None, None),
            ("32", 2, "0123456789abcdef"),
        ]


def test_a_running_interview_plan_can_be_rewritten_but_a_finished_one_cannot(tmp_path):
    with Store.open(tmp_path / "progress.db") as s:
        running = s.create_mock("{}", 1, 60.0, "[]")
        done = s.create_mock("{}", 2, 60.0, "[]")
        s.finish_mock(done, "{}")
        s.set_mock_plan(running, '[{"question_id": "q", "seed": 1}]')
        s.set_mock_plan(done, '[{"question_id": "q", "seed": 1}]')
        assert s.get_mock(running).plan_json == '[{"question_id": "q", "seed": 1}]'
        assert s.get_mock(done).plan_json == "[]"
