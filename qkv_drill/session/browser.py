"""The question browser, headless: search and filter every question, and one question's history.

The search box takes words and `field:value` terms, as in Anki's browser:

    scaling sqrt            words: every one must appear in the id or the question text
    topic:masking           also pack:, diff: (or difficulty:), type:
    is:due is:new           also is:suspended, is:buried, is:missed (last answer wrong)

Terms of the same field are alternatives (`diff:easy diff:medium`); different fields must all
hold. Matching ignores case. Unknown fields are reported, never silently ignored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from qkv_drill.session.newness import is_new
from qkv_drill.store.records import is_answer

if TYPE_CHECKING:
    from qkv_drill.packs.drawn import Instance
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.packs.model import Question
    from qkv_drill.store import AnswerRecord, Store

FIELDS = {
    "topic": "topic",
    "pack": "pack",
    "diff": "difficulty",
    "difficulty": "difficulty",
    "type": "type",
    "is": "is",
}
STATES = ("due", "new", "suspended", "buried", "missed")
LAST_ANSWERS = 5


@dataclass(frozen=True)
class BrowseQuery:
    """A parsed search: words to find, and per-field alternatives."""

    words: tuple[str, ...] = ()
    fields: dict[str, frozenset[str]] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> BrowseQuery:
        words: list[str] = []
        fields: dict[str, set[str]] = {}
        errors: list[str] = []
        for token in text.split():
            name, sep, value = token.partition(":")
            if not sep:
                words.append(token.casefold())
                continue
            key = FIELDS.get(name.casefold())
            if key is None:
                known = ", ".join(sorted(FIELDS))
                errors.append(f"unknown field {name!r} (known: {known})")
                continue
            value = value.casefold()
            if key == "is" and value not in STATES:
                errors.append(f"is:{value} is not a state (known: {', '.join(STATES)})")
                continue
            if value:
                fields.setdefault(key, set()).add(value)
        return cls(tuple(words), {k: frozenset(v) for k, v in fields.items()}, tuple(errors))


@dataclass(frozen=True, kw_only=True)
class BrowseRow:
    """One question as the browser lists it."""

    id: str
    text: str  # the question as written in the pack, on one line, whole
    topic: str
    pack: str
    difficulty: str
    type: str
    attempts: int
    correct: int
    answered: int
    last_verdict: str | None
    due: datetime | None  # the drill card's due time; None: never drilled
    suspended: bool
    buried_until: datetime | None

    def state(self, now: datetime) -> set[str]:
        """Which `is:` states hold at `now`."""
        out = set()
        if self.suspended:
            out.add("suspended")
        if self.buried_until is not None and self.buried_until > now:
            out.add("buried")
        if is_new(self.due):  # no drill card yet: what Home and the drill count as new
            out.add("new")
        if self.due is not None and self.due <= now and not out & {"suspended", "buried"}:
            out.add("due")
        if self.last_verdict == "wrong":
            out.add("missed")
        return out


@dataclass(frozen=True, kw_only=True)
class QuestionHistory:
    """What the browser shows about one question."""

    question_id: str
    attempts: int
    answered: int
    correct: int
    last_answers: list[AnswerRecord]  # newest first, at most LAST_ANSWERS
    misconceptions: list[tuple[str, int]]  # title (as the feedback says it), times hit; most first
    due: datetime | None
    suspended: bool
    buried_until: datetime | None
    answer_words: list[str] = field(default_factory=list)
    """Each of `last_answers` as the user saw it: a picked letter with its option's text (options
    are shuffled per draw, so a bare "b" says nothing later); other answers as typed."""


def one_line(text: str) -> str:
    """The whole text on one line (every run of whitespace one space), never cut: the table's
    column shows what fits, the search and the detail pane see it all."""
    return " ".join(text.split())


def browse_rows(packset: PackSet, store: Store) -> list[BrowseRow]:
    """Every loaded question with its progress, sorted by id (a few queries, not one per row)."""
    tallies = store.question_tallies()
    dues = store.card_dues()
    flags = store.card_flags()
    rows = []
    for q in sorted(packset.questions.values(), key=lambda q: q.id):
        tally = tallies.get(q.id)
        flag = flags.get(q.id)
        rows.append(
            BrowseRow(
                id=q.id,
                text=one_line(q.prompt),
                topic=q.topic,
                pack=q.pack_id,
                difficulty=q.difficulty,
                type=q.type,
                attempts=tally.attempts if tally else 0,
                correct=tally.correct if tally else 0,
                answered=tally.answered if tally else 0,
                last_verdict=tally.last_verdict if tally else None,
                due=dues.get(q.id),
                suspended=bool(flag and flag.suspended),
                buried_until=flag.buried_until if flag else None,
            )
        )
    return rows


def _field_value(row: BrowseRow, key: str) -> str:
    return str(getattr(row, key)).casefold()


def matches(row: BrowseRow, query: BrowseQuery, now: datetime) -> bool:
    haystack = f"{row.id} {row.text}".casefold()
    if not all(word in haystack for word in query.words):
        return False
    for key, wanted in query.fields.items():
        if key == "is":
            if not wanted <= row.state(now):
                return False
        elif not any(w in _field_value(row, key) for w in wanted):
            return False
    return True


def search(rows: list[BrowseRow], text: str, now: datetime) -> tuple[list[BrowseRow], BrowseQuery]:
    """The rows matching `text` (see the module docstring), and the parsed query."""
    query = BrowseQuery.parse(text)
    return [r for r in rows if matches(r, query, now)], query


def history(store: Store, question: Question | str) -> QuestionHistory:
    """One question's record: attempts, the last answers, misconceptions hit, next due."""
    qid = question if isinstance(question, str) else question.id
    answers = list(store.iter_answers(question_id=qid))
    hits = Counter(mistake_title(a.misconception) for a in answers if a.misconception)
    last = answers[::-1][:LAST_ANSWERS]
    flag = store.card_flags().get(qid)
    return QuestionHistory(
        question_id=qid,
        attempts=len(answers),
        answered=sum(is_answer(a.verdict) for a in answers),
        correct=sum(a.verdict == "correct" for a in answers),
        last_answers=last,
        misconceptions=sorted(hits.items(), key=lambda kv: (-kv[1], kv[0])),
        due=store.card_due(qid),
        suspended=bool(flag and flag.suspended),
        buried_until=flag.buried_until if flag else None,
        answer_words=[
            a.answer_text if isinstance(question, str) else answer_words(question, a) for a in last
        ],
    )


def mistake_title(name: str) -> str:
    """A named mistake's title ("Scores not scaled"), the name itself when it is not known."""
    from qkv_drill.engine.misconceptions import MISCONCEPTIONS

    known = MISCONCEPTIONS.get(name)
    return known.title if known is not None and known.title else name


CHANGED_SINCE = "question changed since"


def answer_words(question: Question, record: AnswerRecord) -> str:
    """A stored choice or multi answer with its options' text as drawn ("b) To save memory"),
    redrawn from the record's seed; any other answer, or one that cannot be read back, as typed.

    The redraw is used only when it is the draw answered (the digest stored with the record, or
    for a record from before digests, the same drawn parameters); a question changed since gets
    the answer as stored and says so, never another draw's option text."""
    text = record.answer_text
    if question.type not in ("choice", "multi") or record.seed is None or not text.strip():
        return text
    from qkv_drill.answers.parse import Ok, parse_answer
    from qkv_drill.packs.instance import draw
    from qkv_drill.present.formats import option_letter

    try:
        instance = draw(question, record.seed)
    except Exception:  # a pack edited since, so that this draw fails now
        return f"{text} ({CHANGED_SINCE})"
    if not same_draw(record, instance):
        return f"{text} ({CHANGED_SINCE})"
    options = instance.options
    parsed = parse_answer(question.type, text, len(options))
    if not isinstance(parsed, Ok):
        return text
    picked = sorted(parsed.value) if question.type == "multi" else [parsed.value]
    return "; ".join(f"{option_letter(i)}) {options[i]}" for i in picked)


def same_draw(record: AnswerRecord, instance: Instance) -> bool:
    """Whether `instance`, redrawn from the record's question and seed, is the draw answered."""
    from qkv_drill.packs.fingerprint import drawn, params_json

    if record.drawn is not None:
        return drawn(instance) == record.drawn
    return params_json(instance.params) == record.params_json  # all an older record kept


def toggle_suspended(store: Store, question_id: str) -> bool:
    """Suspend or unsuspend; returns the new state."""
    flag = store.card_flags().get(question_id)
    now_suspended = not (flag and flag.suspended)
    store.set_suspended(question_id, now_suspended)
    return now_suspended


def toggle_buried(store: Store, question_id: str, now: datetime) -> datetime | None:
    """Bury until tomorrow, or lift a bury still running; returns when the bury ends (or None)."""
    flag = store.card_flags().get(question_id)
    if flag is not None and flag.buried_until is not None and flag.buried_until > now:
        store.unbury(question_id)
        return None
    return store.bury(question_id, now)
