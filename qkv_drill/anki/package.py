"""`qkv-drill export-anki`: write an .apkg with genanki, one deck per pack.

The note type, deck ids and note GUIDs are all derived from fixed names and (question id, seed),
so importing a newer export into Anki updates the notes already there instead of adding copies.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import genanki

from qkv_drill.anki import safe_html
from qkv_drill.anki.notes import DEFAULT_INSTANCES, NoteFields, Selection, build_notes
from qkv_drill.session.filters import Filter
from qkv_drill.target_file import replaced_whole, why_not_written
from qkv_drill.textsafe import printable

if TYPE_CHECKING:
    from qkv_drill.packs.model import Pack

# Fixed forever: Anki matches the note type by this id (a random 31-bit number picked once).
MODEL_ID = 1_607_392_319
FIELDS = ("Prompt", "Answer", "Rubric", "Explanation", "Misconceptions", "QuestionId", "Seed")

CSS = """
.card { font-family: sans-serif; font-size: 18px; text-align: left; color: black;
        background-color: white; max-width: 46em; margin: auto; }
table { border-collapse: collapse; margin: 0.4em 0; }
td, th { border: 1px solid #999; padding: 0.15em 0.6em; text-align: right;
         font-family: monospace; }
th:empty { display: none; }
.options { margin-top: 0.8em; }
.label { color: #666; font-size: 0.8em; margin-top: 1em; }
.id { color: #999; font-size: 0.7em; margin-top: 1.5em; }
"""

FRONT = '<div class="prompt">{{Prompt}}</div>'
BACK = """{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#Rubric}}<div class="label">Rubric: points a full answer covers</div>{{Rubric}}{{/Rubric}}
{{#Explanation}}<div class="label">Why</div>{{Explanation}}{{/Explanation}}
{{#Misconceptions}}<div class="label">Mistakes it catches</div>
{{Misconceptions}}{{/Misconceptions}}
<div class="id">{{QuestionId}} · seed {{Seed}}</div>
"""

MODEL = genanki.Model(
    MODEL_ID,
    "qkv-drill question",
    fields=[{"name": name} for name in FIELDS],
    templates=[{"name": "Question", "qfmt": FRONT, "afmt": BACK}],
    css=CSS,
    sort_field_index=FIELDS.index("QuestionId"),
)


def deck_id(pack_id: str) -> int:
    """A stable id per pack (Anki wants a positive 63-bit integer)."""
    digest = hashlib.sha256(f"qkv-drill deck {pack_id}".encode()).digest()
    return int.from_bytes(digest[:7], "big") + 1


def deck_name(title: str) -> str:
    # "::" makes sub-decks in Anki; a pack title is one deck under qkv-drill.
    return "qkv-drill::" + " ".join(title.replace("::", ":").split())


def tag(word: str) -> str:
    """Anki tags are space-separated words."""
    return re.sub(r"\s+", "_", word.strip()) or "untagged"


def note_guid(question_id: str, seed: int) -> str:
    return genanki.guid_for("qkv-drill", question_id, seed)


def to_note(fields: NoteFields) -> genanki.Note:
    values = {
        "Prompt": fields.prompt,
        "Answer": fields.answer,
        "Rubric": fields.rubric,
        "Explanation": fields.explanation,
        "Misconceptions": fields.misconceptions,
        "QuestionId": safe_html.text(fields.question_id),
        "Seed": str(fields.seed),
    }
    return genanki.Note(
        model=MODEL,
        fields=[values[name] for name in FIELDS],
        guid=note_guid(fields.question_id, fields.seed),
        tags=[tag(fields.topic), tag(f"difficulty::{fields.difficulty}")],
    )


def build_package(packs: Iterable[Pack], selection: Selection) -> genanki.Package:
    by_pack: dict[str, list[NoteFields]] = {}
    for note in selection.notes:
        by_pack.setdefault(note.pack_id, []).append(note)
    decks = []
    for pack in sorted(packs, key=lambda p: p.id):
        notes = by_pack.get(pack.id)
        if not notes:
            continue
        # Anki shows a deck's description as HTML; its name as text.
        description = safe_html.text(pack.description)
        deck = genanki.Deck(deck_id(pack.id), deck_name(pack.title), description=description)
        for fields in notes:
            deck.add_note(to_note(fields))
        decks.append(deck)
    return genanki.Package(decks)


@dataclass(frozen=True, kw_only=True)
class AnkiExport:
    """`qkv-drill export-anki`'s options (built from the command line in cli_options)."""

    filter: Filter = field(default_factory=Filter)
    instances: int = DEFAULT_INSTANCES  # drawn instances per computed question
    output: Path | None = None  # default: <data folder>/exports/qkv-drill.apkg
    extra_packs: tuple[Path, ...] = ()


def run_export_anki(options: AnkiExport) -> int:
    from qkv_drill import paths
    from qkv_drill.packs.loader import load_packs

    if options.instances < 1:
        print("--instances must be at least 1", file=sys.stderr)
        return 2
    packset = load_packs(list(options.extra_packs))
    for issue in packset.issues:
        print(f"warning: {issue}", file=sys.stderr)
    chosen = options.filter.select(packset.questions.values())
    if not chosen:
        print("no questions match (see `qkv-drill packs`)", file=sys.stderr)
        return 1
    selection = build_notes(chosen, options.instances)
    for qtype, n in sorted(selection.left_out.items()):
        print(f"left out {n} {qtype} question(s): a card cannot run them")
    for line in selection.failed:
        print(f"skipped: {line}", file=sys.stderr)
    if not selection.notes:
        print("nothing to export: no question here can be shown on a card", file=sys.stderr)
        return 1
    packs = [lp.pack for lp in packset.packs if lp.pack is not None]
    output: Path = options.output or paths.data_dir() / "exports" / "qkv-drill.apkg"
    package = build_package(packs, selection)
    try:
        with replaced_whole(output) as partial:  # never a half-written package under its name
            package.write_to_file(str(partial))
    except OSError as e:
        print(f"{why_not_written(output, e)}; nothing was changed", file=sys.stderr)
        return 1
    n_decks = len(package.decks)
    print(printable(f"wrote {output}: {len(selection.notes)} notes in {n_decks} deck(s)"))
    return 0


__all__ = [
    "DEFAULT_INSTANCES",
    "AnkiExport",
    "build_package",
    "deck_id",
    "note_guid",
    "run_export_anki",
]
