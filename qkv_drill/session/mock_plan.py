"""What a mock interview asks: its settings, the balanced pick of questions and their seeds.

The plan (question ids + instance seeds, with what each draw asked) is what the store keeps, so a
resume draws the same numbers again, and knows when a pack changed meanwhile (mock_redraw.py).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qkv_drill.session.filters import Filter
from qkv_drill.session.mock_redraw import plan_entry

if TYPE_CHECKING:
    from collections.abc import Callable

    from qkv_drill.packs.instance import Instance
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.packs.model import Question

SEED_RANGE = 2**31


@dataclass(frozen=True, kw_only=True)
class MockSettings:
    """How long, how many and which questions; stored with the interview."""

    minutes: float = 20.0
    questions: int = 10
    topics: tuple[str, ...] = ()
    difficulties: tuple[str, ...] = ()
    seed: int | None = None
    packs: tuple[str, ...] = ()  # pack ids; empty means every pack
    code: bool = False  # include one "implement it" exercise (its time budget is added)
    allow_pause: bool = False  # a real interview has no pause button; off unless asked for


@dataclass(frozen=True, kw_only=True)
class PlannedInterview:
    """The drawn questions of a new interview, before it is stored."""

    seed: int
    instances: list[Instance]
    plan: list[dict[str, object]]  # mock_redraw.plan_entry per instance, as stored
    duration_s: float
    skipped: list[str] = field(default_factory=list)  # "skipped: ..." per question left out


def plan_questions(pool: list[Question], n: int, rng: random.Random) -> list[Question]:
    """Pick n questions balanced across topics and difficulties.

    Round-robin over topic buckets (in a seeded order, always serving the topic with the fewest
    picks); from each bucket take the difficulty least represented so far. One open "say it out
    loud" question is reserved first when the pool has any, and asked last; no other is asked
    while the pool has anything else. Never the same question twice.
    """
    buckets: dict[str, dict[str, list[Question]]] = {}
    for q in sorted(pool, key=lambda q: q.id):
        buckets.setdefault(q.topic, {}).setdefault(q.difficulty, []).append(q)
    for by_diff in buckets.values():
        for qs in by_diff.values():
            rng.shuffle(qs)
    topics = sorted(buckets)
    rng.shuffle(topics)
    per_diff: Counter[str] = Counter()
    per_topic: Counter[str] = Counter()
    chosen: list[Question] = []

    def take(q: Question) -> None:
        buckets[q.topic][q.difficulty].remove(q)
        chosen.append(q)
        per_diff[q.difficulty] += 1
        per_topic[q.topic] += 1

    texts = sorted((q for q in pool if q.type == "text"), key=lambda q: q.id)
    if texts and n > 0:
        take(rng.choice(texts))

    def fill(allowed: Callable[[Question], bool]) -> None:
        def left(qs: list[Question]) -> list[Question]:
            return [q for q in qs if allowed(q)]

        while len(chosen) < n:
            open_topics = [t for t in topics if any(map(left, buckets[t].values()))]
            if not open_topics:
                return
            topic = min(open_topics, key=lambda t: per_topic[t])
            avail = [d for d, qs in sorted(buckets[topic].items()) if left(qs)]
            rng.shuffle(avail)
            d = min(avail, key=lambda d: per_diff[d])
            take(left(buckets[topic][d])[-1])

    fill(lambda q: q.type != "text")  # one open question is enough for an interview...
    fill(lambda q: True)  # ...unless the pool has nothing else left to ask
    if texts and len(chosen) > 1:
        chosen.append(chosen.pop(0))  # the open question closes the interview
    return chosen


@dataclass(frozen=True)
class MockPool:
    """What an interview with given settings draws from (the set-up form counts the same)."""

    questions: list[Question]  # the balanced pick's pool
    exercises: list[Question]  # code exercises one is added from (only with `code`)
    left_out: int  # code exercises that match but are not asked (no `code`)

    @property
    def size(self) -> int:
        """The most questions the interview can hold: the pool, and one exercise."""
        return len(self.questions) + bool(self.exercises)


def settings_filter(settings: MockSettings) -> Filter:
    return Filter(
        topics=frozenset(settings.topics),
        packs=frozenset(settings.packs),
        difficulties=frozenset(settings.difficulties),
    )


def mock_pool(packset: PackSet, settings: MockSettings) -> MockPool:
    """The matching questions, with code exercises apart: they take minutes each, so one is
    asked only with `code` (or, without it, when the filter leaves nothing else)."""
    pool = settings_filter(settings).select(packset.questions.values())
    coding = sorted((q for q in pool if q.type == "code"), key=lambda q: q.id)
    if len(coding) < len(pool) or settings.code:
        pool = [q for q in pool if q.type != "code"]
    else:
        coding = []  # only exercises match: they are the pool itself
    return MockPool(
        questions=pool,
        exercises=coding if settings.code else [],
        left_out=0 if settings.code else len(coding),
    )


def plan_interview(packset: PackSet, settings: MockSettings) -> PlannedInterview:
    """Draw a new interview: ValueError when the settings are out of range or nothing matches."""
    from qkv_drill.cliargs import MINUTES
    from qkv_drill.packs.instance import InstanceError, draw

    minutes = float(settings.minutes)
    if not (math.isfinite(minutes) and MINUTES[0] <= minutes <= MINUTES[1]):
        raise ValueError(f"minutes must be from {MINUTES[0]:g} to {MINUTES[1]:g}, not {minutes}")
    seed = settings.seed
    if seed is None:
        seed = random.SystemRandom().randrange(SEED_RANGE)
    rng = random.Random(seed)
    drawn = mock_pool(packset, settings)
    exercise = rng.choice(drawn.exercises) if drawn.exercises else None
    questions = plan_questions(drawn.questions, settings.questions - (exercise is not None), rng)
    if exercise is not None:
        questions.append(exercise)
    if not questions:
        raise ValueError(f"no questions match ({settings_filter(settings).describe()})")
    plan: list[dict[str, object]] = []
    instances: list[Instance] = []
    skipped: list[str] = []
    for q in questions:
        seed_q = rng.randrange(SEED_RANGE)
        try:
            instance = draw(q, seed_q)
        except InstanceError as e:
            skipped.append(f"skipped: {e}")  # left out of the interview, and said why
            continue
        instances.append(instance)
        plan.append(plan_entry(instance))  # id and seed, and what was asked (mock_redraw)
    if not instances:
        raise ValueError("none of the matching questions can be drawn; run qkv-drill validate")
    duration = minutes * 60.0
    if exercise is not None and any(i.question is exercise for i in instances):
        duration += exercise.time_budget
    return PlannedInterview(
        seed=seed, instances=instances, plan=plan, duration_s=duration, skipped=skipped
    )
