"""Positioned reporting and the checks every field uses: mappings with known keys, text, lists of
text, booleans and ids. Unknown names get a did-you-mean."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from qkv_drill.packs.errors import PackIssue
from qkv_drill.packs.format import ID_PATTERN
from qkv_drill.packs.limits import MAX_ID_CHARS, MAX_ISSUES
from qkv_drill.packs.yamlsource import Keys, YamlDoc

ID_RE = re.compile(ID_PATTERN)


def did_you_mean(word: Any, choices: Iterable[Any]) -> str:
    """The closest choice, compared case-insensitively (`W_q` suggests `W_Q`, not `W_v`)."""
    by_lower: dict[str, str] = {}
    for c in choices:
        by_lower.setdefault(str(c).lower(), str(c))
    match = difflib.get_close_matches(str(word).lower(), list(by_lower), n=1, cutoff=0.6)
    return f"did you mean '{by_lower[match[0]]}'?" if match else ""


def is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def type_name(x: Any) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "nothing",
    }.get(type(x), type(x).__name__)


class FieldChecks:
    """Collects the issues of one document; every check names its position as a key path."""

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.issues: list[PackIssue] = []
        self.errors = 0  # errors among the issues (a question compares it before and after)
        self.unlisted = 0  # issues past MAX_ISSUES: counted, not positioned nor kept

    @property
    def full(self) -> bool:
        """True once MAX_ISSUES are listed: a file with a million mistakes costs no more to check
        than one with a thousand (each issue is positioned, and kept in memory)."""
        return len(self.issues) >= MAX_ISSUES

    def err(self, keys: Keys, message: str, hint: str = "", *, key: bool = False) -> None:
        self.errors += 1
        if self.full:
            self.unlisted += 1
            return
        self.issues.append(self.doc.issue(keys, message, hint, key=key))

    def warn(self, keys: Keys, message: str, hint: str = "") -> None:
        if self.full:
            self.unlisted += 1
            return
        line, col = self.doc.where(keys)
        self.issues.append(PackIssue(self.doc.path, line, col, message, hint, "warning"))

    def unknown(
        self,
        keys: Keys,
        message: str,
        word: Any,
        choices: Iterable[Any],
        listing: str = "",
        *,
        otherwise: str = "",
        key: bool = True,
    ) -> None:
        """An unknown name, at its key (or its value: `key=False`). The hint is the closest
        choice; failing that, `listing` and every choice, or the `otherwise` text."""
        if self.full:
            self.err(keys, message)
            return
        names = [str(c) for c in choices]
        hint = did_you_mean(word, names) or (listing + ", ".join(names) if listing else otherwise)
        self.err(keys, message, hint, key=key)

    def mapping(
        self, keys: Keys, value: Any, allowed: Sequence[str], required: Sequence[str], what: str
    ) -> bool:
        """Report a non-mapping, unknown keys (with did-you-mean) and missing required keys."""
        if not isinstance(value, dict):
            self.err(keys, f"{what} must be a mapping, not {type_name(value)}")
            return False
        for k in value:
            if k not in allowed:
                self.unknown((*keys, k), f"unknown field '{k}' in {what}", k, allowed, "allowed: ")
        for k in required:
            if k not in value:
                self.err(keys, f"{what} is missing required field '{k}'")
        return True

    def text(self, keys: Keys, value: Any, what: str, *, empty_ok: bool = False) -> str:
        if is_number(value):
            return str(value)  # `explanation: 64.` is text to the author
        if not isinstance(value, str) or (not empty_ok and not value.strip()):
            self.err(keys, f"{what} must be non-empty text, not {type_name(value)}")
            return ""
        return value

    def line_text(self, keys: Keys, value: Any, what: str) -> str:
        """Text shown as one line, as written (an option, its why, a rubric point, a hint): a
        line break in it shows on screen, so `|` wrapped at the editor's width breaks it
        mid-sentence. Warned, with the folded style that joins the lines."""
        text = self.text(keys, value, what)
        if "\n" in text.strip():
            self.warn(
                keys,
                f"{what} spans {text.strip().count(chr(10)) + 1} lines and is shown as written, "
                "so its line breaks show",
                "write it on one line, or fold it with '>-' instead of '|'",
            )
        return text

    def text_list(self, keys: Keys, value: Any, what: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.err(keys, f"{what} must be a list of text, not {type_name(value)}")
            return ()
        out = []
        for i, v in enumerate(value):
            if isinstance(v, str) and "\n" in v.strip() and what == "hints":
                out.append(self.line_text((*keys, i), v, "a hint"))
            elif isinstance(v, str | int | float) and not isinstance(v, bool):
                out.append(str(v))
            elif isinstance(v, dict) and len(v) == 1:
                self.err(
                    (*keys, i),
                    f"{what} entries must be text, but this one reads as a mapping",
                    "text containing ': ' must be quoted, e.g. - \"Why: because\"",
                )
            else:
                self.err((*keys, i), f"{what} entries must be text, not {type_name(v)}")
        return tuple(out)

    def boolean(self, keys: Keys, value: Any, what: str) -> bool:
        if not isinstance(value, bool):
            self.err(keys, f"{what} must be true or false, not {type_name(value)}")
            return False
        return value

    def ident(self, keys: Keys, value: Any, what: str) -> str:
        if isinstance(value, str) and len(value) > MAX_ID_CHARS:
            self.err(keys, f"{what} is {len(value):,} characters; the limit is {MAX_ID_CHARS}")
            return value
        if not isinstance(value, str) or not ID_RE.match(value):
            self.err(
                keys,
                f"{what} must look like 'scaling.var-unscaled', not {value!r}",
                "lower-case letters, digits and . _ - only",
            )
            return str(value)
        return value
