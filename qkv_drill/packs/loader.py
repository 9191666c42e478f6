"""Finding and loading packs. Each file loads on its own: a broken pack yields positioned issues
and no questions, and every other pack still loads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Literal

from qkv_drill.packs.errors import PackError, PackIssue, file_kind
from qkv_drill.packs.gcpause import gc_paused
from qkv_drill.packs.model import Pack, Question

if TYPE_CHECKING:  # yaml is imported only when a file is read: a cached start-up never needs it
    from qkv_drill.packs.yamlsource import Limits

Source = Literal["shipped", "user", "extra"]
PACK_SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadedPack:
    path: Path
    pack: Pack | None
    issues: list[PackIssue]
    source: Source = "extra"

    @property
    def ok(self) -> bool:
        return self.pack is not None and not any(i.is_error for i in self.issues)

    @property
    def errors(self) -> list[PackIssue]:
        return [i for i in self.issues if i.is_error]


@dataclass
class PackSet:
    packs: list[LoadedPack] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)  # from good packs only
    issues: list[PackIssue] = field(default_factory=list)

    @property
    def unread(self) -> list[PackIssue]:
        """Issues of entries that were not read as packs at all (a folder that cannot be read, a
        FIFO or device named x.yaml): they belong to no loaded pack, so a listing of packs must
        show them on their own or they go unseen."""
        attached = {id(i) for lp in self.packs for i in lp.issues}
        return [i for i in self.issues if id(i) not in attached]


@gc_paused
def load_pack_file(
    path: Path, source: Source = "extra", limits: Limits | None = None
) -> LoadedPack:
    """One file -> LoadedPack; never raises for anything in the file."""
    # Imported here: the checks pull in the engine (numpy), which a cached start-up never needs.
    from qkv_drill.packs.checks.document import check_document
    from qkv_drill.packs.yamlsource import DEFAULT_LIMITS, load_file

    try:
        doc = load_file(path, limits or DEFAULT_LIMITS)
        pack, issues = check_document(doc)
    except PackError as e:
        return LoadedPack(path, None, [e.issue], source)
    except Exception as e:
        # Whatever one file does to the loader, it is that file's error and the rest still load.
        return LoadedPack(path, None, [_unexpected(path, e)], source)
    if any(i.is_error for i in issues):
        pack = None
    return LoadedPack(path, pack, issues, source)


def _unexpected(path: Path, e: BaseException) -> PackIssue:
    from qkv_drill.longtext import one_line_detail

    what = one_line_detail(e) or "no details"
    return PackIssue(
        path,
        1,
        1,
        f"this pack could not be loaded ({type(e).__name__}: {what})",
        "the other packs are loaded; fix or remove this file",
    )


def pack_files(path: Path) -> tuple[list[Path], list[PackIssue]]:
    """A file, or the *.yaml / *.yml files of a folder (sorted, hidden files skipped).

    A folder or entry that cannot be read is an issue of its own; it never stops the others."""
    path = Path(path)
    try:
        if path.is_dir():
            files, issues = [], []
            for p in sorted(path.iterdir()):
                if p.suffix.lower() not in PACK_SUFFIXES or p.name.startswith("."):
                    continue
                problem = _not_a_pack_file(p)
                if problem is None:
                    files.append(p)
                else:
                    issues.append(problem)
            return files, issues
        if not _exists(path):
            return [], [PackIssue(path, 0, 0, "no such pack file or folder")]
        problem = _not_a_pack_file(path)
        return ([path], []) if problem is None else ([], [problem])
    except OSError as e:
        return [], [_unreadable(path, e)]


def _not_a_pack_file(path: Path) -> PackIssue | None:
    """Why a *.yaml entry is not read as a pack (a FIFO, a device, a folder, a broken or looping
    link), or None for a regular file. Only `stat` is used: opening a FIFO would wait forever."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        if _is_link(path):
            return PackIssue(
                path,
                0,
                0,
                f"not a pack file: a link that leads nowhere ({e.strerror or e})",
                "fix or remove the link; the other packs are loaded",
            )
        return _unreadable(path, e)
    if S_ISREG(mode):
        return None
    return PackIssue(
        path,
        0,
        0,
        f"not a pack file: this is {file_kind(mode)}, so it is not read",
        "a pack is a regular .yaml file; the other packs are loaded",
    )


def _is_link(path: Path) -> bool:
    try:
        return path.is_symlink()
    except OSError:
        return False


def _unreadable(path: Path, e: OSError) -> PackIssue:
    return PackIssue(
        path,
        0,
        0,
        f"cannot read this pack folder or file: {e.strerror or e}",
        "check its permissions; the other packs are loaded",
    )


def _merge(loaded: Iterable[LoadedPack], extra_issues: Iterable[PackIssue] = ()) -> PackSet:
    """Combine packs, keeping the first of any duplicate pack or question id."""
    out = PackSet(issues=list(extra_issues))
    pack_ids: dict[str, LoadedPack] = {}
    question_home: dict[str, Question] = {}
    for lp in loaded:
        out.packs.append(lp)
        if lp.pack is not None and lp.pack.id in pack_ids:
            first = pack_ids[lp.pack.id]
            lp.issues.append(
                PackIssue(
                    lp.path,
                    1,
                    1,
                    f"duplicate pack id '{lp.pack.id}' (also in {first.path}); pack skipped",
                    "pack ids must be unique across all packs",
                )
            )
            lp.pack = None
        if lp.pack is not None:
            pack_ids[lp.pack.id] = lp
            keep = []
            for q in lp.pack.questions:
                if q.id in question_home:
                    first_q = question_home[q.id]
                    lp.issues.append(
                        PackIssue(
                            lp.path,
                            q.line,
                            1,
                            f"duplicate question id '{q.id}' (first at {first_q.path}:"
                            f"{first_q.line}); this question is skipped",
                            "question ids must be unique across all packs",
                        )
                    )
                    continue
                question_home[q.id] = q
                keep.append(q)
            if len(keep) != len(lp.pack.questions):
                lp.pack = dataclasses.replace(lp.pack, questions=tuple(keep))
            for q in keep:
                out.questions[q.id] = q
        out.issues.extend(lp.issues)
    return out


def load_paths(
    paths: Sequence[Path], source: Source = "extra", limits: Limits | None = None
) -> PackSet:
    """Exactly these files and folders (what `validate` and `--pack` use)."""
    return _merge(*_load_all([(Path(p), source) for p in paths], limits))


def _load_all(
    sources: Sequence[tuple[Path, Source]], limits: Limits | None = None
) -> tuple[list[LoadedPack], list[PackIssue]]:
    loaded: list[LoadedPack] = []
    issues: list[PackIssue] = []
    seen: set[Path] = set()
    for path, source in sources:
        files, problems = pack_files(path)
        issues.extend(problems)
        for f in files:
            try:
                key = f.resolve()
            except (OSError, RuntimeError):  # a symlink loop
                key = f.absolute()
            if key in seen:
                continue
            seen.add(key)
            loaded.append(load_pack_file(f, source, limits))
    return loaded, issues


def load_packs(
    extra: Sequence[Path] = (), *, include_shipped: bool = True, include_user: bool = True
) -> PackSet:
    """Shipped packs, the user's pack folder, $QKV_DRILL_PACKS, then `extra` (files or folders)."""
    return load_sources(
        pack_sources(extra, include_shipped=include_shipped, include_user=include_user)
    )


def load_sources(sources: Sequence[tuple[Path, Source]]) -> PackSet:
    """Every pack under these (folder or file, source) pairs, merged."""
    loaded, issues = _load_all(sources)
    return _merge(loaded, issues)


def pack_sources(
    extra: Sequence[Path] = (), *, include_shipped: bool = True, include_user: bool = True
) -> list[tuple[Path, Source]]:
    """Where `load_packs` looks, in order (the start-up cache keys on the same list)."""
    from qkv_drill import paths

    sources: list[tuple[Path, Source]] = []
    if include_shipped and _exists(paths.shipped_packs_dir()):
        sources.append((paths.shipped_packs_dir(), "shipped"))
    if include_user:
        user = paths.user_packs_dir()
        if _exists(user):
            sources.append((user, "user"))
        sources.extend((p, "extra") for p in paths.env_pack_paths())
    sources.extend((Path(p), "extra") for p in extra)
    return sources


def _exists(path: Path) -> bool:
    """True when `path` is there, readable or not (an unreadable folder is reported, not hidden)."""
    try:
        return path.exists()
    except OSError:
        return True
