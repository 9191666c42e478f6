"""What an answer of each kind looks like: one text behind the answer box's placeholder, plain
mode's "Answer (...)" line and the parser's "expected ..." messages."""

from __future__ import annotations

from dataclasses import dataclass

FALLBACK = "your answer"


@dataclass(frozen=True, kw_only=True)
class AnswerForm:
    what: str  # "a shape"
    first: str = ""  # the examples that fit in a one-line answer box
    more: str = ""  # further accepted forms, shown where there is room

    @property
    def full(self) -> str:
        return f"{self.what}, e.g. {self.first}{self.more}" if self.first else self.what

    @property
    def short(self) -> str:
        return f"{self.what}, e.g. {self.first}" if self.first else FALLBACK


FORMS = {
    "code": AnswerForm(what="Python code defining the function asked for"),
    "numeric": AnswerForm(
        what="a number or expression", first="64, 512/8, 1/sqrt(64)", more=", 2^6, 1.5e-3, 2 MiB"
    ),
    "shape": AnswerForm(
        what="a shape", first="(2, 10, 64)", more=", 2x10x64 or torch.Size([2, 10, 64])"
    ),
    "matrix": AnswerForm(what="numbers in rows", first="[[1, 2], [3, 4]] or 1 2; 3 4"),
    "choice": AnswerForm(what="one option", first="b or 2"),
    "multi": AnswerForm(what="one or more options", first="a c or 1, 3"),
    "text": AnswerForm(what="your answer in a few sentences"),
}


def answer_form(kind: str) -> str:
    """Every accepted way to write an answer of `kind`, with examples."""
    form = FORMS.get(kind)
    return form.full if form else FALLBACK


def answer_placeholder(kind: str) -> str:
    """The short form, for a one-line answer box."""
    form = FORMS.get(kind)
    return form.short if form else FALLBACK
