"""Spaced-repetition drill: one FSRS card per question id, stored in the progress store.

Queue: cards already due (soonest first), then questions never seen, up to a daily limit of new
ones. The rating of each review comes from the verdict and the response time against the
question's time budget; the user may override it, which re-schedules from the card as it was
before the review (never reviewing twice).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # fsrs is imported where it is used: Home's due count never needs it
    from fsrs import Card, Rating, Scheduler

    from qkv_drill.packs.instance import Instance
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.packs.model import Question
    from qkv_drill.store import Store

from qkv_drill.days import local_day
from qkv_drill.session.clock import SYSTEM_CLOCK, Clock
from qkv_drill.session.filters import Filter
from qkv_drill.session.newness import FROM_MOCK, took_a_new_place
from qkv_drill.session.practice import PracticeSession
from qkv_drill.session.undo import UndoEntry

DAILY_NEW_LIMIT = 10
LEARN_AHEAD = timedelta(minutes=20)  # a card due this soon is shown when nothing else is left
WEAKEST_TOPICS = 3
RECENT_ANSWERS = 20  # per topic, for "weakest"
DEFAULT_BUDGET_S = 90.0


def suggest_rating(verdict: str, response_s: float, budget_s: float, hints: int = 0) -> Rating:
    """Wrong or skipped: Again. Right: Easy under a third of the budget, Hard over the budget
    (or after a hint), Good otherwise."""
    from fsrs import Rating

    if verdict != "correct":
        return Rating.Again
    if hints > 0 or response_s > budget_s:
        return Rating.Hard
    if response_s < budget_s / 3:
        return Rating.Easy
    return Rating.Good


def _load_card(raw: str | None) -> tuple[Card | None, dict[str, Any]]:
    if not raw:
        return None, {}
    from fsrs import Card

    data = json.loads(raw)
    return Card.from_dict(data), data


def _dump_card(card: Card, introduced: str, by: str | None = None) -> str:
    data = dict(card.to_dict())
    data["introduced_utc"] = introduced  # extra keys, ignored by Card.from_dict
    if by is not None:
        data["introduced_by"] = by  # see newness: a mock's card takes no new place
    return json.dumps(data)


def schedule_misses(store: Store, question_ids: Iterable[str], now: datetime) -> None:
    """Make each question due now (missed in a mock: see it again in the next drill)."""
    from fsrs import Card

    for qid in dict.fromkeys(question_ids):
        card, data = _load_card(store.get_card(qid))
        if card is None:
            card = Card(due=now)
            data = {"introduced_utc": now.isoformat(), "introduced_by": FROM_MOCK}
        card.due = now
        introduced = data.get("introduced_utc", now.isoformat())
        store.put_card(qid, _dump_card(card, introduced, data.get("introduced_by")), now)


def weakest_topics(
    recent: dict[str, tuple[int, int]], topics: Iterable[str], k: int = WEAKEST_TOPICS
) -> list[str]:
    """The k topics with the lowest recent accuracy among `topics`.

    Accuracy is smoothed ((correct + 1) / (total + 2)), so an unpractised topic counts as 50 %:
    weaker than a topic you mostly get right, stronger than one you mostly miss. With no history
    at all there is nothing to rank, and every topic is returned.
    """
    topics = sorted(set(topics))
    if not any(recent.get(t, (0, 0))[1] for t in topics):
        return topics

    def key(t: str) -> tuple[float, int, str]:
        c, n = recent.get(t, (0, 0))
        return ((c + 1) / (n + 2), -n, t)

    return sorted(topics, key=key)[:k]


class DrillSession(PracticeSession):
    """Practice surface, fed by the FSRS queue, with a suggested rating after each answer."""

    def __init__(
        self,
        packset: PackSet,
        store: Store,
        filter: Filter = Filter(),  # noqa: B008 - frozen
        *,
        seed: int | None = None,
        clock: Clock = SYSTEM_CLOCK,
        weakest: bool = False,
        new_limit: int = DAILY_NEW_LIMIT,
        scheduler: Scheduler | None = None,
    ) -> None:
        super().__init__(packset, store, filter, seed=seed, clock=clock, mode="drill")
        self._scheduler = scheduler
        self.new_limit = new_limit
        self.weakest = weakest
        self.suggested_rating: Rating | None = None
        self.rating: Rating | None = None  # the rating actually applied
        self._pre_card: Card | None = None
        self._pre_data: dict[str, Any] = {}
        self._review_at: datetime | None = None
        self._by_id = {q.id: q for q in self.pool}
        self.topics: list[str] = sorted({q.topic for q in self.pool})
        if weakest:
            recent = self.store.recent_accuracy_by_topic(last_n=RECENT_ANSWERS)
            self.topics = weakest_topics(recent, self.topics)
            self._by_id = {q.id: q for q in self.pool if q.topic in self.topics}
        self._new_order = sorted(self._by_id)
        self.rng.shuffle(self._new_order)

    # --- the queue ------------------------------------------------------------------------
    def _due(self, until: datetime) -> list[tuple[str, datetime]]:
        return sorted(
            ((qid, due) for qid, due in self.store.due_cards(until) if qid in self._by_id),
            key=lambda item: (item[1], item[0]),
        )

    def _cards(self) -> dict[str, dict[str, Any]]:
        out = {}
        for row in self.store.all_cards():
            if row.question_id in self._by_id:
                out[row.question_id] = json.loads(row.card_json)
        return out

    def new_today(self) -> int:
        """How many new questions the drill took in today (the local day); see `newness`."""
        tz = self.store.tz
        today = local_day(self.clock.now(), tz)
        return sum(1 for d in self._cards().values() if took_a_new_place(d, today, tz))

    def _new(self) -> list[str]:
        """Today's new questions: no card yet (`newness.is_new`), not held back, up to the
        room the daily limit leaves."""
        room = max(0, self.new_limit - self.new_today())
        skip = set(self._cards()) | self.store.held_back(self.clock.now())
        return [qid for qid in self._new_order if qid not in skip][:room]

    def due_count(self) -> int:
        return len(self._due(self.clock.now()))

    def queue(self) -> list[tuple[str, datetime]]:
        """(question id, due) soonest first: due cards, then today's new questions (due now)."""
        now = self.clock.now()
        return self._due(now) + [(qid, now) for qid in self._new()]

    def _pick_question(self) -> Question | None:
        now = self.clock.now()
        current = self.current.question.id if self.current is not None else None
        candidates = [qid for qid, _ in self._due(now)] + self._new()
        if not candidates:
            candidates = [qid for qid, _ in self._due(now + LEARN_AHEAD)]
        if not candidates and self.weakest and self._by_id:
            # Weak topics keep coming even when nothing is due: extra practice, still scheduled.
            held = self.store.held_back(now)
            candidates = [qid for qid in self._by_id if qid not in held]
            self.rng.shuffle(candidates)
        if len(candidates) > 1 and candidates[0] == current:
            candidates.append(candidates.pop(0))
        return self._by_id[candidates[0]] if candidates else None

    def next_due(self) -> datetime | None:
        """When the next card becomes due (for "come back at ...")."""
        later = self._due(self.clock.now() + timedelta(days=36500))
        return later[0][1] if later else None

    def _show(self, question: Question, seed: int | None = None) -> Instance:
        self.suggested_rating = None
        self.rating = None
        return super()._show(question, seed)

    def redraw(self) -> Instance:
        """Before an answer, new numbers. After it, the card is reviewed: answering it again
        (its answer just shown) would replace a miss with an Easy, so it keeps its numbers
        until it comes back due."""
        if self.answered and self.current is not None:
            return self.current
        return super().redraw()

    # --- scheduling -----------------------------------------------------------------------
    def _after_record(self, verdict: str, response_ms: int) -> None:
        assert self.current is not None
        q = self.current.question
        budget = float(getattr(q, "time_budget", None) or DEFAULT_BUDGET_S)
        self.suggested_rating = suggest_rating(verdict, response_ms / 1000, budget, self.hints_used)
        self._pre_card, self._pre_data = _load_card(self.store.get_card(q.id))
        self._review_at = self.clock.now()
        self._apply(self.suggested_rating)

    @property
    def scheduler(self) -> Scheduler:
        """FSRS's scheduler, made at the first review."""
        if self._scheduler is None:
            from fsrs import Scheduler

            self._scheduler = Scheduler()
        return self._scheduler

    def _apply(self, rating: Rating) -> None:
        from fsrs import Card

        assert self.current is not None and self._review_at is not None
        now = self._review_at
        card = self._pre_card
        introduced = self._pre_data.get("introduced_utc")
        by = self._pre_data.get("introduced_by")  # a mock's card stays a mock's card
        if card is None:
            card = Card(due=now)
            introduced = now.isoformat()
        else:
            card = Card.from_dict(card.to_dict())  # review a copy: the pre-review card stays
        reviewed, _log = self.scheduler.review_card(card, rating, now)
        self.store.put_card(
            self.current.question.id,
            _dump_card(reviewed, introduced or now.isoformat(), by),
            reviewed.due,
        )
        self.rating = rating

    def rate(self, rating: Rating) -> None:
        """Override the suggested rating: re-schedule from the card as it was before the review."""
        if self._review_at is None or self.current is None or not self._recorded:
            raise RuntimeError("rate() comes after an answer")
        from fsrs import Rating

        self._apply(Rating(rating))

    # --- undo, suspend, bury ---------------------------------------------------------------
    def _card_before_record(self) -> str | None:
        assert self.current is not None
        return self.store.get_card(self.current.question.id)

    def _restore_card(self, entry: UndoEntry) -> None:
        card, _ = _load_card(entry.card_json)
        qid = entry.instance.question.id
        self.store.restore_card(qid, entry.card_json, card.due if card is not None else None)
        self.suggested_rating = None
        self.rating = None
        self._review_at = None

    def suspend(self) -> Instance | None:
        """Suspend the current question (no drill until unsuspended in the browser); next one."""
        if self.current is None:
            raise RuntimeError("no current question")
        self.store.set_suspended(self.current.question.id, True)
        return self.next()

    def bury(self) -> Instance | None:
        """Leave the current question until tomorrow; next one."""
        if self.current is None:
            raise RuntimeError("no current question")
        self.store.bury(self.current.question.id, self.clock.now())
        return self.next()

    def card_due(self, question_id: str) -> datetime | None:
        card, _ = _load_card(self.store.get_card(question_id))
        return None if card is None else card.due
