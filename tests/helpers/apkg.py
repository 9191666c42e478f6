"""Reading a written .apkg the way Anki does: a zip holding a SQLite collection."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class NoteRow:
    guid: str
    deck: str
    deck_description: str
    tags: tuple[str, ...]
    fields: dict[str, str]


def read_notes(apkg: Path, workdir: Path) -> list[NoteRow]:
    with zipfile.ZipFile(apkg) as z:
        assert "collection.anki2" in z.namelist()
        z.extract("collection.anki2", workdir)
    conn = sqlite3.connect(workdir / "collection.anki2")
    try:
        decks_json, models_json = conn.execute("SELECT decks, models FROM col").fetchone()
        decks = {int(k): (v["name"], v.get("desc", "")) for k, v in json.loads(decks_json).items()}
        models = json.loads(models_json)
        names = {int(k): [f["name"] for f in m["flds"]] for k, m in models.items()}
        rows = conn.execute(
            "SELECT n.guid, n.mid, n.tags, n.flds, c.did FROM notes n JOIN cards c ON c.nid = n.id"
        ).fetchall()
    finally:
        conn.close()
    return [
        NoteRow(
            guid=guid,
            deck=decks[did][0],
            deck_description=decks[did][1],
            tags=tuple(tags.split()),
            fields=dict(zip(names[mid], flds.split("\x1f"), strict=True)),
        )
        for guid, mid, tags, flds, did in rows
    ]
