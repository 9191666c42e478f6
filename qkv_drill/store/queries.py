"""Every read the store makes: answers and stats, drill cards, mock interviews (mixed into Store).

Reads go through `_rows`, which Store defines: damage found while reading a large file (not
fully checked at open) moves it aside as store.py describes.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from qkv_drill.days import day_start, local_day
from qkv_drill.store.records import (
    ANSWER_COLUMNS,
    ANSWERED_SQL,
    AnswerRecord,
    CardRow,
    MockAnswerRow,
    MockRow,
    from_iso,
    seed_out,
    to_iso,
)


def _seconds(value: Any) -> float:
    """A stored time budget, made usable whatever an older version wrote (inf, NaN, negative)."""
    from qkv_drill.cliargs import MINUTES

    try:
        x = float(value)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(x):
        return 0.0
    return min(max(x, 0.0), MINUTES[1] * 60.0)


class Queries:
    """The read half of Store."""

    tz: tzinfo | None  # the zone days are counted in (days.py)
    _now: Callable[[], datetime]  # Store's clock

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError  # Store's

    if TYPE_CHECKING:

        def real_id(self, table: str, rowid: int) -> int: ...  # Writes'

    # --- reads: answers and stats ----------------------------------------------------

    def _day_start(self, day: date) -> str:
        """The UTC instant the user's `day` begins, as stored text (see days.py)."""
        return to_iso(day_start(day, self.tz))

    def local_today(self, now: datetime | None = None) -> date:
        """The user's day at `now` (default: the store's clock)."""
        return local_day(now or self._now(), self.tz)

    def _day_bounds(self, first: date, days: int) -> list[str]:
        """Where each of `days` local days from `first` begins, and where the last one ends."""
        return [self._day_start(first + timedelta(days=i)) for i in range(days + 1)]

    def iter_answers(
        self,
        mode: str | None = None,
        since: datetime | None = None,
        question_id: str | None = None,
    ) -> Iterator[AnswerRecord]:
        """Answers oldest first, optionally one mode or one question only and from `since` on."""
        where, params = [], []
        if question_id is not None:
            where.append("question_id = ?")
            params.append(question_id)
        if mode is not None:
            where.append("mode = ?")
            params.append(mode)
        if since is not None:
            where.append("ts_utc >= ?")
            params.append(to_iso(since))
        sql = (
            f"SELECT {', '.join(ANSWER_COLUMNS)} FROM answers"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY ts_utc, id"
        )
        for r in self._rows(sql, tuple(params)):
            row = dict(zip(ANSWER_COLUMNS, r, strict=True))
            row["ts_utc"] = from_iso(row["ts_utc"])
            row["seed"] = seed_out(row["seed"])
            yield AnswerRecord(**row)

    def attempts(
        self, question_id: str, limit: int = 10
    ) -> list[tuple[datetime, str, str | None, str]]:
        """(time, verdict, misconception, answer text) of a question's answers, newest first.

        Skipped answers are left out: a code exercise pre-fills the last code actually submitted.
        """
        rows = self._rows(
            "SELECT ts_utc, verdict, misconception, answer_text FROM answers"
            f" WHERE question_id = ? AND {ANSWERED_SQL} ORDER BY ts_utc DESC, id DESC LIMIT ?",
            (question_id, int(limit)),
        )
        return [(from_iso(r[0]), r[1], r[2], r[3]) for r in rows]

    def accuracy_by_topic(self, since: datetime | None = None) -> dict[str, tuple[int, int]]:
        """topic -> (correct, answered); skipped answers count nowhere in the stats."""
        if since is None:
            rows = self._rows("SELECT topic, correct, total FROM topic_totals WHERE total > 0")
        else:
            rows = self._rows(
                "SELECT topic, SUM(verdict = 'correct'), COUNT(*) FROM answers"
                f" WHERE ts_utc >= ? AND {ANSWERED_SQL} GROUP BY topic",
                (to_iso(since),),
            )
        return {t: (int(c), int(n)) for t, c, n in sorted(rows)}

    def recent_accuracy_by_topic(self, last_n: int = 20) -> dict[str, tuple[int, int]]:
        """topic -> (correct, answered) over each topic's last `last_n` answers."""
        out: dict[str, tuple[int, int]] = {}
        for (topic,) in self._rows("SELECT topic FROM topic_totals WHERE total > 0"):
            rows = self._rows(
                "SELECT verdict = 'correct' FROM answers WHERE topic = ?"
                f" AND {ANSWERED_SQL} ORDER BY ts_utc DESC LIMIT ?",
                (topic, int(last_n)),
            )
            out[topic] = (sum(r[0] for r in rows), len(rows))
        return dict(sorted(out.items()))

    def daily_counts(
        self, days: int = 30, today: date | None = None
    ) -> list[tuple[date, int, int]]:
        """(local day, correct, answered) for the last `days` days, oldest first, zeros kept."""
        today = today or self.local_today()
        first = today - timedelta(days=days - 1)
        bounds = self._day_bounds(first, days)
        rows = self._rows(
            "SELECT ts_utc, verdict = 'correct' FROM answers"
            f" WHERE ts_utc >= ? AND ts_utc < ? AND {ANSWERED_SQL}",
            (bounds[0], bounds[-1]),
        )
        correct, answered = [0] * days, [0] * days
        for ts, right in rows:  # stored stamps sort as text: the day is found by bisection
            i = bisect_right(bounds, ts) - 1
            correct[i] += int(right)
            answered[i] += 1
        return [(first + timedelta(days=i), correct[i], answered[i]) for i in range(days)]

    def _active(self, day: date) -> bool:
        (hit,) = self._rows(
            "SELECT EXISTS (SELECT 1 FROM answers WHERE ts_utc >= ? AND ts_utc < ?"
            f" AND {ANSWERED_SQL})",
            (self._day_start(day), self._day_start(day + timedelta(days=1))),
        )[0]
        return bool(hit)

    def streak(self, today: date | None = None) -> int:
        """Consecutive days with an answer, ending today (or yesterday, if today has none yet)."""
        day = today or self.local_today()
        if not self._active(day):
            day -= timedelta(days=1)
        count = 0
        while self._active(day):  # one index seek per day: cost grows with the streak only
            count += 1
            day -= timedelta(days=1)
        return count

    # --- reads: drill cards ----------------------------------------------------------

    def get_card(self, question_id: str) -> str | None:
        rows = self._rows("SELECT card_json FROM cards WHERE question_id = ?", (question_id,))
        return rows[0][0] if rows else None

    def due_cards(self, now: datetime | None = None) -> list[tuple[str, datetime]]:
        """(question id, due) of cards due by `now`, soonest first; suspended and buried cards
        are held back (see `cardflags`)."""
        # A suspended card never comes due; a buried one comes due when its bury ends.
        until = to_iso(now or self._now())
        rows = self._rows(
            "SELECT question_id, MAX(due_utc, COALESCE(buried_until, '')) AS due FROM cards"
            " LEFT JOIN card_flags USING (question_id)"
            " WHERE due_utc <= ? AND due <= ? AND COALESCE(suspended, 0) = 0"
            " ORDER BY due, question_id",
            (until, until),
        )
        return [(q, from_iso(d)) for q, d in rows]

    def due_forecast(self, now: datetime | None = None, days: int = 14) -> list[tuple[date, int]]:
        """Cards falling due on each local day from today; overdue ones count as today."""
        today = self.local_today(now)
        bounds = self._day_bounds(today, days)
        rows = self._rows(
            "SELECT MAX(due_utc, COALESCE(buried_until, '')) FROM cards"
            " LEFT JOIN card_flags USING (question_id)"
            " WHERE due_utc < ? AND COALESCE(suspended, 0) = 0",
            (bounds[-1],),
        )
        counts = [0] * days
        for (due,) in rows:
            i = max(0, bisect_right(bounds, due) - 1)  # overdue: today
            if i < days:  # a bury can push a card just past the window
                counts[i] += 1
        return [(today + timedelta(days=i), counts[i]) for i in range(days)]

    def all_cards(self) -> list[CardRow]:
        rows = self._rows(
            "SELECT question_id, card_json, due_utc, updated_utc FROM cards ORDER BY question_id"
        )
        return [CardRow(q, c, from_iso(d), from_iso(u)) for q, c, d, u in rows]

    # --- reads: mock interviews ------------------------------------------------------

    _MOCK_COLS = (
        "id, started_utc, settings_json, seed, duration_s, used_s, state, plan_json,"
        " finished_utc, report_json"
    )

    @staticmethod
    def _mock(r: tuple[Any, ...]) -> MockRow:
        return MockRow(
            id=r[0],
            started_utc=from_iso(r[1]),
            settings_json=r[2],
            seed=seed_out(r[3]),
            duration_s=_seconds(r[4]),
            used_s=_seconds(r[5]),
            state=r[6],
            plan_json=r[7],
            finished_utc=from_iso(r[8]) if r[8] else None,
            report_json=r[9],
        )

    def get_mock(self, mock_id: int) -> MockRow | None:
        rows = self._rows(
            f"SELECT {self._MOCK_COLS} FROM mocks WHERE id = ?", (self.real_id("mocks", mock_id),)
        )
        return self._mock(rows[0]) if rows else None

    def unfinished_mock(self) -> MockRow | None:
        """The latest interview still running (interrupted), if any."""
        rows = self._rows(
            f"SELECT {self._MOCK_COLS} FROM mocks WHERE state = 'running'"
            " ORDER BY started_utc DESC, id DESC LIMIT 1"
        )
        return self._mock(rows[0]) if rows else None

    def mock_history(self) -> list[MockRow]:
        """Finished interviews, oldest first."""
        rows = self._rows(
            f"SELECT {self._MOCK_COLS} FROM mocks WHERE state = 'finished' ORDER BY started_utc, id"
        )
        return [self._mock(r) for r in rows]

    def recorded_for_mock(self, mock_id: int) -> set[str]:
        """Question ids already in `answers` for this interview (a hand-in cut short by a kill)."""
        rows = self._rows(
            "SELECT question_id FROM answers WHERE mock_id = ?", (self.real_id("mocks", mock_id),)
        )
        return {r[0] for r in rows}

    def mock_answers(self, mock_id: int) -> dict[int, MockAnswerRow]:
        rows = self._rows(
            "SELECT mock_id, idx, answer_text, time_ms, flagged, updated_utc FROM mock_answers"
            " WHERE mock_id = ? ORDER BY idx",
            (self.real_id("mocks", mock_id),),
        )
        return {
            r[1]: MockAnswerRow(r[0], r[1], r[2], int(r[3]), bool(r[4]), from_iso(r[5]))
            for r in rows
        }
