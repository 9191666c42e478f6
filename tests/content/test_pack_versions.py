"""A shipped pack's `version:` changes whenever its content does (tests/helpers/pack_versions.py
says what counts as content and how to record a new version)."""

from __future__ import annotations

from tests.helpers import REPO
from tests.helpers.pack_versions import RECORD, REGISTRY, content_hash, load_registry, shipped_packs


def test_every_shipped_pack_is_at_the_version_its_content_was_recorded_under():
    registry = load_registry()
    problems = []
    for pack_id, (path, version, digest) in shipped_packs().items():
        where = path.relative_to(REPO)
        known = registry.get(pack_id, {})
        latest = max(map(int, known), default=0)
        recorded = known.get(str(version))
        if recorded == digest:
            continue
        if recorded is not None:
            problems.append(
                f"{where} changed since version {version} was recorded, but its `version:` is "
                f"still {version}: bump it to {latest + 1}, then run `{RECORD}`"
            )
        elif version <= latest:
            problems.append(
                f"{where}: version {version} is lower than the recorded {latest}; versions only "
                f"go up: set it to {latest + 1}, then run `{RECORD}`"
            )
        else:
            problems.append(f"{where}: version {version} is not recorded yet: run `{RECORD}`")
    assert not problems, "\n".join(problems)


def test_the_registry_names_only_shipped_packs_with_versions_counting_up_from_one():
    packs = shipped_packs()
    for pack_id, versions in load_registry().items():
        assert pack_id in packs, f"{REGISTRY.name} names {pack_id}, which is not shipped"
        numbers = sorted(map(int, versions))
        assert numbers == list(range(1, len(numbers) + 1)), (pack_id, numbers)
        assert len(set(versions.values())) == len(versions), f"{pack_id}: two versions, one content"


def test_content_ignores_comments_layout_and_the_version_but_not_a_changed_number():
    pack = "pack: {id: p, title: P, version: 1}\nquestions:\n  - {id: p.q, params: {d: [2, 4]}}\n"
    same = "# a comment\npack:\n  id: p\n  title: P\n  version: 7\nquestions:\n"
    same += "  - id: p.q\n    params:\n      d: [2, 4]   # drawn\n"
    assert content_hash(pack) == content_hash(same)
    assert content_hash(pack) != content_hash(pack.replace("[2, 4]", "[2, 8]"))
    assert content_hash(pack) != content_hash(pack.replace("title: P", "title: Q"))
