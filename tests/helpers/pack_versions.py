"""The shipped packs' version registry: pack id -> version -> hash of the pack's content.

A pack's `version:` names one content: a change to anything it asks, draws, accepts, names or
explains is a new version. The content is the parsed YAML without the version itself, so comments
and layout are free to change. tests/content/test_pack_versions.py holds the packs to this.

After changing a pack: bump its `version:` by one, then record the new content with

    .venv/bin/python -m tests.helpers.pack_versions

which adds the new version's hash to pack_versions.json and never rewrites a recorded one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.helpers import REPO

QUESTIONS = REPO / "questions"
REGISTRY = REPO / "tests" / "content" / "pack_versions.json"
RECORD = ".venv/bin/python -m tests.helpers.pack_versions"


def content_hash(text: str) -> str:
    """sha256 of the pack's data (version left out), the same whatever the comments and layout."""
    data: Any = yaml.safe_load(text)
    data["pack"].pop("version", None)
    canon = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]


@functools.cache
def shipped_packs() -> dict[str, tuple[Path, int, str]]:
    """pack id -> (file, version, content hash) for every shipped pack (read once a process)."""
    out = {}
    for path in sorted(QUESTIONS.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        meta = yaml.safe_load(text)["pack"]
        out[meta["id"]] = (path, int(meta["version"]), content_hash(text))
    return out


def load_registry() -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = json.loads(REGISTRY.read_text(encoding="utf-8"))
    return result


def record() -> list[str]:
    """Add each pack's current version to the registry; refuse a recorded version whose content
    has changed (that needs a bump first). Returns what was done, one line each."""
    shipped_packs.cache_clear()
    registry = load_registry()
    said = []
    for pack_id, (path, version, digest) in shipped_packs().items():
        known = registry.setdefault(pack_id, {})
        recorded = known.get(str(version))
        if recorded == digest:
            continue
        if recorded is not None:
            raise SystemExit(
                f"{path.relative_to(REPO)}: version {version} is recorded with other content; "
                f"bump `version:` to {max(map(int, known)) + 1} first"
            )
        known[str(version)] = digest
        said.append(f"{pack_id}: recorded version {version} ({digest})")
    ordered = {p: dict(sorted(v.items(), key=lambda kv: int(kv[0]))) for p, v in registry.items()}
    REGISTRY.write_text(json.dumps(dict(sorted(ordered.items())), indent=2) + "\n", "utf-8")
    return said


if __name__ == "__main__":
    for line in record() or ["nothing new to record"]:
        print(line)
    sys.exit(0)
