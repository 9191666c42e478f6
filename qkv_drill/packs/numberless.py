"""Questions that draw no numbers (choice, multi and text with no parameters): their instance
without numpy or the engine, so `qkv-drill practice` shows such a first question sooner.

`packs.instance.build` makes every choice, multi and text instance with these same functions,
so a question drawn here is the one `draw` gives for the same seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from qkv_drill.packs.drawn import Instance
from qkv_drill.packs.seeded import PCG64, seed_for
from qkv_drill.present.formats import option_letter

if TYPE_CHECKING:
    from qkv_drill.packs.model import Question

WORDY = ("choice", "multi", "text")
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
_ESCAPED = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")  # {{name}} shows {name}
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")  # a table adds its own blank lines


def fill_prompt(template: str, params: dict[str, Any], render: Callable[[Any], str]) -> str:
    """Replace {name} by `render(parameter)`; {{name}} shows {name} as written."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        return render(params[name]) if name in params else m.group(0)

    text = _ESCAPED.sub(r"{\1}", _PLACEHOLDER.sub(sub, template))
    return _BLANK_LINES.sub("\n\n", text)


def option_order(question: Question, seed: int) -> tuple[tuple[int, ...], list[str]]:
    """(display position -> option index, the option texts in display order) for this seed."""
    order = list(range(len(question.options)))
    if question.shuffle:
        PCG64(seed_for(question.id + "#options", seed)).shuffle(order)
    return tuple(order), [question.options[i].text for i in order]


def wordy_instance(question: Question, seed: int, params: dict[str, Any], prompt: str) -> Instance:
    """The instance of a choice, multi or text question with this filled-in prompt."""
    if question.type == "text":
        return Instance(
            question=question,
            seed=seed,
            params=params,
            prompt=prompt,
            expected=None,
            expected_display=question.model_answer.strip(),
        )
    order, options = option_order(question, seed)
    right = [pos for pos, i in enumerate(order) if question.options[i].correct]
    letters = ", ".join(f"{option_letter(p)}) {options[p]}" for p in right)
    expected: Any = right[0] if question.type == "choice" else frozenset(right)
    return Instance(
        question=question,
        seed=seed,
        params=params,
        prompt=prompt,
        options=options,
        expected=expected,
        expected_display=letters,
        order=order,
    )


def draw_numberless(question: Question, seed: int) -> Instance | None:
    """What `packs.instance.draw(question, seed)` gives, when the question draws no numbers;
    None for every other question (draw those with `draw`)."""
    if question.type not in WORDY or question.params or question.derive or question.constraints:
        return None
    return wordy_instance(question, seed, {}, fill_prompt(question.prompt, {}, str).rstrip())
