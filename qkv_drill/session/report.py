"""The mock interview report: scores, time against budgets, misconceptions, every question
reviewed, open answers to self-grade, and the trend over earlier interviews.

Self-contained (plain values only) so it round-trips through JSON: the store keeps it, `export`
renders it later without the packs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, NamedTuple

from qkv_drill.days import day_label
from qkv_drill.present.formats import m_ss, percent
from qkv_drill.present.report_item import item_markdown
from qkv_drill.session.records import self_grade_passes
from qkv_drill.store.records import Asked

DIFFICULTIES = ("easy", "medium", "hard")
KEPT_NOTE = (
    "Not graded, kept as given: question(s) {questions}, whose question changed in its pack "
    "after it was answered (the numbers answered are no longer drawn)."
)


@dataclass(kw_only=True)
class ReportItem(Asked):
    """One question of the interview: what was asked (the stored answer's fields), then how it
    was answered. An item is the `Asked` its answer is recorded with."""

    idx: int
    prompt: str
    user_answer: str | None
    expected: str
    # correct | wrong | unanswered | pending (text awaiting self-grade) | kept (answered, then its
    # question changed in its pack before hand-in: shown as asked, never graded)
    status: str
    message: str = ""
    misconception: str | None = None
    misconception_title: str = ""
    misconception_feedback: str = ""
    explanation: str = ""
    trace: list[str] = field(default_factory=list)  # one line per derivation step
    time_s: float = 0.0
    budget_s: float = 0.0
    flagged: bool = False
    options: list[str] = field(default_factory=list)
    model_answer: str = ""
    rubric: list[str] = field(default_factory=list)
    rubric_hits: list[bool] = field(default_factory=list)  # keyword guess
    covered: list[int] | None = None  # self-graded points (0-based)
    pack_version: int | None = None  # recorded with the answer (see records.make_record)
    drawn: str | None = None  # the draw's digest (packs/fingerprint.py), recorded likewise

    @property
    def over_budget(self) -> bool:
        return self.time_s > self.budget_s


class GroupScore(NamedTuple):
    """One row of a score table: correct out of graded, and open answers still to grade
    (left out of the score until graded: ungraded is not wrong)."""

    correct: int
    graded: int
    to_grade: int = 0

    def words(self, sep: str = " · ") -> str:
        """ "1 / 2", "1 / 2 · 1 to grade", or "1 to grade" when nothing is graded yet."""
        score = f"{self.correct} / {self.graded}" if self.graded or not self.to_grade else ""
        grade = f"{self.to_grade} to grade" if self.to_grade else ""
        return sep.join(part for part in (score, grade) if part)


@dataclass
class PastScore:
    mock_id: int
    finished_utc: str
    correct: int
    total: int


@dataclass
class MockReport:
    mock_id: int
    started_utc: str
    finished_utc: str
    duration_s: float
    used_s: float
    seed: int | None
    items: list[ReportItem]
    history: list[PastScore] = field(default_factory=list)  # earlier mocks, oldest first
    pauses: list[float] = field(default_factory=list)  # seconds of each pause, when allowed

    def pause_summary(self) -> str:
        """ "paused 2x, 03:10 in all", or "" when the clock never stopped."""
        if not self.pauses:
            return ""
        return f"paused {len(self.pauses)}x, {m_ss(sum(self.pauses))} in all"

    # --- scores -----------------------------------------------------------------------------
    @property
    def correct(self) -> int:
        return sum(i.status == "correct" for i in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def graded(self) -> int:
        """Questions with a verdict: every one asked but the open answers still to self-grade
        and the answers kept ungraded because their question changed."""
        return self.total - len(self.pending) - len(self.kept)

    @property
    def score(self) -> float:
        """Fraction correct over the graded questions: unanswered counts as not correct, an
        open answer still to self-grade counts as nothing until it is graded."""
        return self.correct / self.graded if self.graded else 0.0

    def _group(self, key: str) -> dict[str, GroupScore]:
        out: dict[str, list[int]] = {}
        for item in self.items:
            c = out.setdefault(getattr(item, key), [0, 0, 0])
            c[0] += item.status == "correct"
            c[1] += item.status not in ("pending", "kept")
            c[2] += item.status == "pending"
        return {k: GroupScore(*v) for k, v in sorted(out.items())}

    @property
    def by_topic(self) -> dict[str, GroupScore]:
        return self._group("topic")

    @property
    def by_difficulty(self) -> dict[str, GroupScore]:
        raw = self._group("difficulty")
        return {
            d: raw[d] for d in (*DIFFICULTIES, *sorted(set(raw) - set(DIFFICULTIES))) if d in raw
        }

    @property
    def pending(self) -> list[ReportItem]:
        """Open answers waiting for a self-grade against their rubric."""
        return [i for i in self.items if i.status == "pending"]

    @property
    def kept(self) -> list[ReportItem]:
        """Answers kept as given but not graded: their question changed in its pack between
        the answer and the hand-in (a resume found it), so nothing can check them fairly."""
        return [i for i in self.items if i.status == "kept"]

    @property
    def flagged(self) -> list[int]:
        return [i.idx for i in self.items if i.flagged]

    def misconceptions(self) -> list[tuple[str, int, str, str]]:
        """(name, count, title, feedback), most frequent first."""
        counts = Counter(i.misconception for i in self.items if i.misconception)
        info = {i.misconception: i for i in self.items if i.misconception}
        return [
            (name, n, info[name].misconception_title, info[name].misconception_feedback)
            for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def trend(self) -> list[float]:
        """Scores of the earlier interviews then this one, oldest first (for a chart)."""
        past = [p.correct / p.total if p.total else 0.0 for p in self.history]
        return [*past, self.score]

    # --- self-grading -----------------------------------------------------------------------
    def apply_self_grades(self, grades: Mapping[int, Sequence[int]]) -> list[ReportItem]:
        """Grade open answers: {question index: covered rubric points (0-based)}.

        Correct at two thirds of the points or more. Returns the items graded for the first
        time (the session records those: see `mock_grading.grade_open_answers`).
        """
        by_idx = {i.idx: i for i in self.items}
        first_time = []
        for idx, covered in grades.items():
            item = by_idx[idx]
            if item.qtype != "text" or item.user_answer is None:
                raise ValueError(f"question {idx + 1} has no open answer to self-grade")
            if item.covered is None:
                first_time.append(item)
            item.covered = sorted({int(c) for c in covered if 0 <= int(c) < len(item.rubric)})
            ok = self_grade_passes(item.covered, len(item.rubric))
            item.status = "correct" if ok else "wrong"
            item.message = f"{len(item.covered)} of {len(item.rubric)} points covered"
        return first_time

    # --- output -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["items"] = [asdict(i) for i in self.items]
        data["history"] = [asdict(h) for h in self.history]
        data["summary"] = {
            "correct": self.correct,
            "total": self.total,
            "graded": self.graded,
            "score": round(self.score, 4),
            "by_topic": {k: list(v) for k, v in self.by_topic.items()},
            "by_difficulty": {k: list(v) for k, v in self.by_difficulty.items()},
            "pending": [i.idx for i in self.pending],
            "kept": [i.idx for i in self.kept],
            "flagged": self.flagged,
            "misconceptions": [
                {"name": n, "count": c, "title": t, "feedback": f}
                for n, c, t, f in self.misconceptions()
            ],
        }
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, raw: str) -> MockReport:
        data = json.loads(raw)
        names = {f.name for f in fields(ReportItem)}
        items = [ReportItem(**{k: v for k, v in d.items() if k in names}) for d in data["items"]]
        history = [PastScore(**h) for h in data.get("history", [])]
        return cls(
            mock_id=data["mock_id"],
            started_utc=data["started_utc"],
            finished_utc=data["finished_utc"],
            duration_s=data["duration_s"],
            used_s=data["used_s"],
            seed=data.get("seed"),
            items=items,
            history=history,
            pauses=[float(p) for p in data.get("pauses", [])],
        )

    def to_markdown(self) -> str:
        lines = [
            f"# Mock interview {self.mock_id}",
            "",
            f"Started {self.started_utc}, finished {self.finished_utc}; "
            f"time used {m_ss(self.used_s)} of {m_ss(self.duration_s)}."
            + (f" The clock was {self.pause_summary()}." if self.pauses else "")
            + (f" Seed {self.seed}." if self.seed is not None else ""),
            "",
            f"**Score: {self.correct} / {self.graded} ({percent(self.correct, self.graded)})**",
        ]
        if self.pending:
            lines.append(
                f"{len(self.pending)} open answer(s) still to self-grade against the rubric."
            )
        if self.kept:
            lines.append(KEPT_NOTE.format(questions=", ".join(str(i.idx + 1) for i in self.kept)))
        for title, groups in (("topic", self.by_topic), ("difficulty", self.by_difficulty)):
            lines += ["", f"## By {title}", "", f"| {title} | correct | score |", "|---|---|---|"]
            lines += [
                f"| {k} | {g.words()} | {percent(g.correct, g.graded)} |" for k, g in groups.items()
            ]
        lines += [
            "",
            "## Time per question",
            "",
            "| # | question | time | budget | |",
            "|---|---|---|---|---|",
        ]
        for i in self.items:
            mark = "over" if i.over_budget else ""
            lines.append(
                f"| {i.idx + 1} | {i.question_id} | {m_ss(i.time_s)} "
                f"| {m_ss(i.budget_s)} | {mark} |"
            )
        mis = self.misconceptions()
        if mis:
            lines += ["", "## Misconceptions detected", ""]
            lines += [f"- **{t or n}** (`{n}`) x{c}: {f}" for n, c, t, f in mis]
        if len(self.history):
            lines += ["", "## Trend", ""]
            lines += [
                f"- mock {p.mock_id} ({day_label(p.finished_utc)}): {p.correct} / {p.total}"
                for p in self.history
            ]
            lines.append(f"- this one: {self.correct} / {self.total}")
        lines += ["", "## Questions"]
        for i in self.items:
            flag = " (flagged)" if i.flagged else ""
            lines += [
                "",
                f"### {i.idx + 1}. {i.question_id} [{i.topic}, {i.difficulty}]{flag}: {i.status}",
                "",
                i.prompt.strip(),
                "",
            ]
            lines.append(item_markdown(i, rubric=True))
        return "\n".join(lines) + "\n"
