"""Which questions a session may ask: by topic, pack and difficulty (empty means any)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qkv_drill.packs.model import Question


@dataclass(frozen=True)
class Filter:
    topics: frozenset[str] = frozenset()
    packs: frozenset[str] = frozenset()
    difficulties: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()  # some questions by id (the browser's "practise this")

    def accepts(self, question: Question) -> bool:
        if self.ids and question.id not in self.ids:
            return False
        if self.topics and question.topic not in self.topics:
            return False
        if self.packs and question.pack_id not in self.packs:
            return False
        return not (self.difficulties and question.difficulty not in self.difficulties)

    def select(self, questions: Iterable[Question]) -> list[Question]:
        """The accepted questions, sorted by id so a seed gives the same order on every machine."""
        return sorted((q for q in questions if self.accepts(q)), key=lambda q: q.id)

    def describe(self) -> str:
        parts = []
        for label, values in (
            ("topic", self.topics),
            ("pack", self.packs),
            ("difficulty", self.difficulties),
            ("question", self.ids),
        ):
            if values:
                parts.append(f"{label} " + ", ".join(sorted(values)))
        return "; ".join(parts) or "all questions"
