"""A pack whose every free-text field holds text chosen by the test (markup-looking, hostile).

Used by the fixed hostile-pack test and the property test: every string a pack can show reaches
the screens, and each must come out literally.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class PackText:
    """One string per field a user sees; Markdown fields avoid Markdown syntax on purpose (they
    are shown as Markdown, literally as far as Markdown goes: no markup, no actions)."""

    title: str
    topic: str
    prompt: str  # Markdown
    explanation: str  # Markdown
    option_right: str
    option_wrong: str
    why: str
    hint: str
    rubric_a: str
    rubric_b: str
    model_answer: str  # Markdown


HOSTILE = PackText(
    title="[link=https://example.com]click me[/link] [/]",
    topic="[/]",
    prompt="Which is W[i] [@click=app.quit]quit[/] here?",
    explanation="Because [bold]W[i][/bold] says so [/] really.",
    option_right="[@click=app.quit]the right one[/]",
    option_wrong="W[i] and [b]bold[/b] [/]",
    why="[red]no[/red] [/] W[i]",
    hint="[i]hint[/i] [/]",
    rubric_a="[/]",
    rubric_b="[link=x]point two[/link]",
    model_answer="Model [/] answer W[i]",
)


def write_pack(folder: Path, text: PackText) -> Path:
    """A four-question pack (choice, multi, text, numeric) carrying `text` everywhere."""
    common = {"topic": text.topic, "explanation": text.explanation}
    options = [
        {"text": text.option_right, "correct": True},
        {"text": text.option_wrong, "why": text.why},
    ]
    pack = {
        "pack": {"id": "hostile", "title": text.title, "description": text.title, "version": 1},
        "questions": [
            {
                "id": "hostile.choice",
                "difficulty": "easy",
                "type": "choice",
                "prompt": text.prompt,
                "hints": [text.hint],
                "options": options,
                "shuffle": False,
                **common,
            },
            {
                "id": "hostile.multi",
                "difficulty": "medium",
                "type": "multi",
                "prompt": text.prompt,
                "options": options,
                "shuffle": False,
                **common,
            },
            {
                "id": "hostile.text",
                "difficulty": "hard",
                "type": "text",
                "prompt": text.prompt,
                "model_answer": text.model_answer,
                "rubric": [
                    {"point": text.rubric_a, "keywords": ["alpha"]},
                    {"point": text.rubric_b, "keywords": ["beta"]},
                ],
                **common,
            },
            {
                "id": "hostile.numeric",
                "difficulty": "easy",
                "type": "numeric",
                "prompt": text.prompt + " ({d_model} / {heads})",
                "hints": [text.hint],
                "params": {"d_model": [512], "heads": [8]},
                "answer": {"compute": "head_dim"},
                **common,
            },
        ],
    }
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
