"""What the store keeps, as plain dataclasses, and the fixed-width UTC timestamps it uses."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

_INT64 = 2**63

VERDICTS = ("correct", "wrong", "skipped")
# What counts as an answer, everywhere it is counted (stats, streak, calendar, history, backup,
# doctor): a stored row that is not a skip. A skip, and a mock question left unanswered (stored
# as skipped), is on record but answers nothing.
ANSWERED_SQL = "verdict != 'skipped'"


def is_answer(verdict: str) -> bool:
    """The same rule as ANSWERED_SQL, for a row already read."""
    return verdict != "skipped"


MODES = ("practice", "drill", "mock")


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_iso(dt: datetime) -> str:
    """Fixed-width UTC text, so string order is time order (naive datetimes are taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def seed_in(seed: int | None) -> int | str | None:
    if seed is None:
        return None
    seed = int(seed)
    return seed if -_INT64 <= seed < _INT64 else str(seed)  # SQLite integers are 64-bit


def seed_out(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass
class Asked:
    """What was asked: the question and the draw. Every stored answer and every item of a mock
    report starts with these fields, so they are declared once, here, below the sessions."""

    question_id: str
    pack_id: str
    topic: str
    difficulty: str
    qtype: str
    params_json: str
    seed: int | None


def asked_fields(asked: Asked) -> dict[str, Any]:
    """Only the `Asked` part of a record or report item, by field name."""
    return {f.name: getattr(asked, f.name) for f in fields(Asked)}


@dataclass
class AnswerRecord(Asked):
    """One answer as given (what was asked first); `ts_utc` defaults to now."""

    answer_text: str
    verdict: str  # correct | wrong | skipped
    misconception: str | None = None
    response_ms: int | None = None
    mode: str = "practice"  # practice | drill | mock
    mock_id: int | None = None
    pack_version: int | None = None  # the pack's `version:` when answered (None: before v4)
    drawn: str | None = None  # packs.fingerprint.drawn of the instance answered (None: unknown)
    ts_utc: datetime = field(default_factory=now_utc)
    id: int | None = None


# Every column of `answers`, named as AnswerRecord names its fields.
ANSWER_COLUMNS = tuple(f.name for f in fields(AnswerRecord))


@dataclass(frozen=True)
class CardRow:
    question_id: str
    card_json: str
    due_utc: datetime
    updated_utc: datetime


@dataclass(frozen=True)
class MockRow:
    id: int
    started_utc: datetime
    settings_json: str
    seed: int | None
    duration_s: float
    used_s: float
    state: str  # running | finished
    plan_json: str
    finished_utc: datetime | None
    report_json: str | None


@dataclass(frozen=True)
class MockAnswerRow:
    mock_id: int
    idx: int
    answer_text: str | None
    time_ms: int
    flagged: bool
    updated_utc: datetime
