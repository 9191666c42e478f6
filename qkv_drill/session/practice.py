"""Practice: one question after another with instant feedback, every answer recorded at once.

The pool is the filtered questions in a seeded shuffle, reshuffled on each pass; every instance
gets its own seed from the session RNG, so `seed=` replays the same questions and numbers.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, cast

from qkv_drill.session.clock import SYSTEM_CLOCK, Clock
from qkv_drill.session.filters import Filter
from qkv_drill.session.records import make_record, misconception_name, self_grade_passes
from qkv_drill.session.undo import UndoEntry

if TYPE_CHECKING:
    from qkv_drill.engine.trace import Trace
    from qkv_drill.packs.check import Verdict
    from qkv_drill.packs.instance import Instance
    from qkv_drill.packs.loader import PackSet
    from qkv_drill.packs.model import Question
    from qkv_drill.packs.preview import Preview
    from qkv_drill.store import Store

SEED_RANGE = 2**31


class PracticeSession:
    """Drives practice; the TUI and the plain mode call the same methods."""

    def __init__(
        self,
        packset: PackSet,
        store: Store,
        filter: Filter = Filter(),  # noqa: B008 - frozen, so a shared default is safe
        *,
        seed: int | None = None,
        clock: Clock = SYSTEM_CLOCK,
        mode: str = "practice",
    ) -> None:
        self.packset = packset
        self.store = store
        self.filter = filter
        self.clock = clock
        self.mode = mode
        self.seed = seed if seed is not None else random.SystemRandom().randrange(SEED_RANGE)
        self.rng = random.Random(self.seed)
        self.pool: list[Question] = filter.select(packset.questions.values())
        self._order: list[Question] = []
        self.current: Instance | None = None
        self.last_verdict: Verdict | None = None
        self.hints_used = 0  # for the current instance
        self.total_hints = 0
        self.tally = {"correct": 0, "wrong": 0, "skipped": 0}
        self._shown_at = 0.0
        self._recorded = False  # the current instance already has its stored answer
        self._pending_text: str | None = None  # text answer waiting for self_grade
        self._pending_ms = 0
        self.draw_errors: list[str] = []  # questions dropped because they cannot be drawn
        self.undo_stack: list[UndoEntry] = []  # this session's recorded answers, newest last
        # Told "skipped: <why>" for each of them at once (plain mode prints it, the app notifies).
        self.on_skip: Callable[[str], None] | None = None

    # --- choosing -------------------------------------------------------------------------
    def _pick_question(self) -> Question | None:
        """The next question of the seeded shuffle; reshuffles at the end of each pass."""
        if not self.pool:
            return None
        if not self._order:
            order = list(self.pool)
            self.rng.shuffle(order)
            # A new pass should not open with the question that closed the last one.
            if (
                len(order) > 1
                and self.current is not None
                and order[0].id == self.current.question.id
            ):
                order.append(order.pop(0))
            self._order = order
        return self._order.pop(0)

    def _show(self, question: Question, seed: int | None = None) -> Instance:
        from qkv_drill.packs.numberless import draw_numberless

        seed = self.rng.randrange(SEED_RANGE) if seed is None else seed
        instance = draw_numberless(question, seed)  # without numpy, when no numbers are drawn
        if instance is None:
            from qkv_drill.packs.instance import draw

            instance = draw(question, seed)
        return self._ask(instance)

    def _ask(self, instance: Instance, shown_at: float | None = None) -> Instance:
        """Make `instance` the current question, unanswered, its clock starting now (or when
        its preview was shown)."""
        self.current = instance
        self.last_verdict = None
        self.hints_used = 0
        self._recorded = False
        self._pending_text = None
        self._shown_at = self.clock.monotonic() if shown_at is None else shown_at
        return instance

    def next(self) -> Instance | None:
        """Next question with fresh numbers; None when the pool is empty.

        A question that cannot be drawn (a user pack whose constraints never hold, say) is
        dropped from the pool and its one-line reason kept in `draw_errors`; the session goes on.
        """
        return cast("Instance | None", self._next(quick=False))  # (no preview unless quick)

    def next_quick(self) -> Instance | Preview | None:
        """`next`, except that a computed question may come back as a `Preview`: its numbers and
        prompt drawn without numpy or the engine, to show at once. `complete(preview)` then
        draws its instance with the engine, the current question from then on."""
        return self._next(quick=True)

    def _next(self, *, quick: bool) -> Instance | Preview | None:
        while True:
            question = self._pick_question()
            if question is None:
                self.current = None
                return None
            try:
                seed = self.rng.randrange(SEED_RANGE)
                if quick:
                    from qkv_drill.packs.preview import draw_preview

                    preview = draw_preview(question, seed)
                    if preview is not None:
                        self.current = None  # until `complete`: nothing to check yet
                        self._shown_at = self.clock.monotonic()
                        return preview
                return self._show(question, seed)
            except Exception as e:
                self._drop(question, e)

    def _drop(self, question: Question, e: Exception) -> None:
        """Take a question that cannot be drawn out of the pool, saying why (else re-raise)."""
        from qkv_drill.packs.instance import InstanceError

        if not isinstance(e, InstanceError):
            raise e
        self.draw_errors.append(str(e))
        if self.on_skip is not None:
            self.on_skip(f"skipped: {e}")
        self.pool = [q for q in self.pool if q.id != question.id]
        self._order = [q for q in self._order if q.id != question.id]

    def complete(self, preview: Preview) -> Instance | None:
        """The instance `preview` stands for: the engine's draw on the same seed, now the
        current question, its clock started when the preview was shown. Its numbers can differ
        from the preview's (a re-draw: see `packs.preview.shows_the_same`); a question that
        cannot be drawn after all is dropped as `next` drops one, and the next question comes."""
        shown_at = self._shown_at
        try:
            instance = self._show(preview.question, preview.seed)
        except Exception as e:
            self._drop(preview.question, e)
            return self.next()
        self._shown_at = shown_at
        return instance

    def redraw(self) -> Instance:
        """Same question, new numbers (and a fresh response timer)."""
        if self.current is None:
            raise RuntimeError("no current question")
        from qkv_drill.packs.instance import InstanceError

        try:
            return self._show(self.current.question)
        except InstanceError as e:  # these numbers stay; the question is not lost
            if self.on_skip is not None:
                self.on_skip(f"cannot redraw: {e}")
            return self.current

    # --- answering ------------------------------------------------------------------------
    def response_ms(self) -> int:
        return max(0, round((self.clock.monotonic() - self._shown_at) * 1000))

    def _record(self, text: str, verdict: str, misconception: str | None, ms: int) -> None:
        assert self.current is not None
        rec = make_record(
            self.current,
            answer_text=text,
            verdict=verdict,
            misconception=misconception,
            response_ms=ms,
            mode=self.mode,
            ts=self.clock.now(),
        )
        card_before = self._card_before_record()
        answer_id = self.store.record_answer(rec)
        self._recorded = True
        self.tally[verdict] = self.tally.get(verdict, 0) + 1
        self.undo_stack.append(
            UndoEntry(
                answer_id=answer_id,
                instance=self.current,
                verdict=verdict,
                card_json=card_before,
                hints_used=self.hints_used,
            )
        )
        self._after_record(verdict, ms)

    def _card_before_record(self) -> str | None:
        """Hook: the drill card as it was, so undo can put it back (practice has none)."""
        return None

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    def undo(self) -> Instance:
        """Take back the last recorded answer (and, in drill, its rating): the answer leaves the
        store, and the same question with the same numbers is asked again. Repeatable."""
        if not self.undo_stack:
            raise RuntimeError("nothing to undo")
        entry = self.undo_stack.pop()
        self.store.delete_answer(entry.answer_id)
        self._restore_card(entry)
        self.tally[entry.verdict] = max(0, self.tally.get(entry.verdict, 0) - 1)
        left = self.current
        if left is not None and left is not entry.instance and not self._recorded:
            self._order.insert(0, left.question)  # the question left unanswered is not lost
        instance = self._ask(entry.instance)
        self.hints_used = entry.hints_used  # a hint read is still read: drill rates it Hard
        return instance

    def _restore_card(self, entry: UndoEntry) -> None:
        """Hook: drill puts the card back."""

    def _after_record(self, verdict: str, response_ms: int) -> None:
        """Hook for drill scheduling."""

    def submit(self, text: str) -> Verdict:
        """Check an answer. Unparseable: nothing recorded. Otherwise recorded at once.

        Text questions return status "self_grade": show the model answer, then `self_grade`.
        Only the first parseable answer to an instance is recorded.
        """
        from qkv_drill.packs.check import check

        if self.current is None:
            raise RuntimeError("no current question")
        ms = self.response_ms()
        verdict = check(self.current, text)
        if verdict.status == "unparseable" or self._recorded:
            return verdict
        self.last_verdict = verdict
        if verdict.status == "self_grade":
            self._pending_text = text
            self._pending_ms = ms
            return verdict
        self._record(text, verdict.status, misconception_name(verdict), ms)
        return verdict

    def self_grade(self, covered: Sequence[int]) -> Verdict:
        """Grade a text answer from the rubric points covered (0-based indices).

        Correct when at least two thirds of the points are covered (see `self_grade_passes`).
        """
        from qkv_drill.packs.check import grade_text

        if self.current is None or self._pending_text is None:
            raise RuntimeError("no text answer waiting for a self-grade")
        n_points = len(self.current.question.rubric or ())
        covered = sorted({int(i) for i in covered if 0 <= int(i) < n_points})
        verdict = grade_text(self.current, covered)
        status: Literal["correct", "wrong"] = (
            "correct" if self_grade_passes(covered, n_points) else "wrong"
        )
        if verdict.status != status:
            verdict = dataclasses.replace(verdict, status=status)
        text, self._pending_text = self._pending_text, None
        self.last_verdict = verdict
        self._record(text, status, None, self._pending_ms)
        return verdict

    @property
    def awaiting_self_grade(self) -> bool:
        return self._pending_text is not None

    @property
    def answered(self) -> bool:
        """The current instance has its recorded answer."""
        return self._recorded

    def skip(self) -> Instance | None:
        """Record the current question as skipped (not wrong) and move on."""
        if self.current is not None and not self._recorded:
            self._record(self._pending_text or "", "skipped", None, self.response_ms())
        return self.next()

    def hint(self) -> str | None:
        """The next hint for the current question; None when there are none left."""
        if self.current is None:
            return None
        hints = list(self.current.question.hints or ())
        if self.hints_used >= len(hints):
            return None
        self.hints_used += 1
        self.total_hints += 1
        return hints[self.hints_used - 1]

    def no_hint_reason(self) -> str:
        """What to say when `hint()` gave nothing: none left, or none at all."""
        has_hints = self.current is not None and self.current.question.hints
        return "No more hints for this question." if has_hints else "This question has no hints."

    def derivation(self) -> Trace | None:
        """The engine's step-by-step derivation of the current answer, when there is one."""
        return None if self.current is None else self.current.trace
