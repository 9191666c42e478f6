"""Checks of a whole pack file: the top-level keys, the `pack:` metadata and the question list
(with duplicate ids); `check_document` is the entry point the loader calls."""

from __future__ import annotations

import dataclasses

from qkv_drill.longtext import one_line_detail
from qkv_drill.packs.checks.fields import type_name
from qkv_drill.packs.checks.question import QuestionChecks
from qkv_drill.packs.errors import PackIssue
from qkv_drill.packs.format import PACK_KEYS, PACK_REQUIRED, TOP_KEYS
from qkv_drill.packs.limits import MAX_ISSUES
from qkv_drill.packs.model import Pack, Question
from qkv_drill.packs.yamlsource import YamlDoc


class PackChecker(QuestionChecks):
    """A whole pack file."""

    def document(self) -> Pack | None:
        data = self.doc.data
        if not self.mapping((), data, TOP_KEYS, TOP_KEYS, "a pack file"):
            return None
        meta = data.get("pack")
        pack_id = title = description = author = ""
        version = 1
        if "pack" in data and self.mapping(("pack",), meta, PACK_KEYS, PACK_REQUIRED, "pack"):
            if "id" in meta:
                pack_id = self.ident(("pack", "id"), meta["id"], "pack id")
            if "title" in meta:
                title = self.text(("pack", "title"), meta["title"], "pack title")
            if "description" in meta:
                description = self.text(
                    ("pack", "description"), meta["description"], "pack description"
                )
            if "author" in meta:
                author = self.text(("pack", "author"), meta["author"], "pack author", empty_ok=True)
            if "version" in meta:
                version = meta["version"]
                if not isinstance(version, int) or isinstance(version, bool) or version < 0:
                    self.err(("pack", "version"), "pack version must be a whole number")
                    version = 1
        questions = data.get("questions")
        built: list[Question] = []
        if "questions" in data:
            if not isinstance(questions, list):
                self.err(("questions",), f"questions must be a list, not {type_name(questions)}")
            elif not questions:
                self.err(("questions",), "a pack needs at least one question")
            else:
                seen: dict[str, int] = {}
                for i, q in enumerate(questions):
                    if self.full:  # the rest are counted by their number only
                        self.unlisted += len(questions) - i
                        break
                    try:
                        question = self.question(i, q, pack_id)
                    except Exception as e:
                        what = one_line_detail(e)
                        self.err(
                            ("questions", i),
                            f"cannot check this question ({type(e).__name__}: {what})",
                        )
                        continue
                    if question is None:
                        continue
                    if question.id in seen:
                        self.err(
                            ("questions", i, "id"),
                            f"duplicate question id '{question.id}' (first at line "
                            f"{seen[question.id]})",
                            "question ids must be unique; progress is keyed on them",
                        )
                        continue
                    seen[question.id] = question.line
                    built.append(question)
        if self.unlisted:
            self.issues.append(
                PackIssue(
                    self.doc.path,
                    self.issues[-1].line,
                    1,
                    f"{self.unlisted:,} more issues or unchecked questions are not listed "
                    f"(checking stops after {MAX_ISSUES:,} issues)",
                    "fix the ones listed first",
                )
            )
        if any(i.is_error for i in self.issues):
            return None
        return Pack(
            id=pack_id,
            title=title,
            description=description,
            version=version,
            author=author,
            questions=tuple(dataclasses.replace(q, pack_version=version) for q in built),
            path=str(self.doc.path),
        )


def check_document(doc: YamlDoc) -> tuple[Pack | None, list[PackIssue]]:
    """The Pack (None if any error) and every issue found."""
    checker = PackChecker(doc)
    if doc.data is None:
        checker.err((), "the file is empty", "start from `qkv-drill new-pack NAME`")
        return None, checker.issues
    pack = checker.document()
    return pack, checker.issues
