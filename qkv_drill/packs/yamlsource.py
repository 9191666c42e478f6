"""Safe YAML loading that remembers where every value came from.

Packs are composed into a node tree (never constructed by PyYAML), then turned into plain Python
values here. Only the core tags (str, int, float, bool, null, seq, map) are accepted, so a
`!!python/...` tag is refused before anything could run. Positions are looked up lazily from the
node tree, so loading costs little more than `yaml.safe_load`.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qkv_drill.packs import limits as L
from qkv_drill.packs.errors import PackError, PackIssue, file_kind
from qkv_drill.packs.gcpause import gc_paused
from qkv_drill.textsafe import CONTROL_RE

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LOADER_NAME = (
    "libyaml (CSafeLoader)" if _BaseLoader is not yaml.SafeLoader else "pure Python (SafeLoader)"
)

Keys = tuple[Any, ...]  # a path into a document: mapping keys and list indexes


_T = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_T + s for s in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP, _TIMESTAMP = _T + "seq", _T + "map", _T + "timestamp"


def _without_sexagesimal(resolvers: dict[Any, Any]) -> dict[Any, Any]:
    """YAML 1.1 reads `1:30` as a base-60 number; packs never need that, and building one from a
    long `1:59:59:...` takes quadratic time. A value with a colon is text here."""
    out = {}
    for first, entries in resolvers.items():
        kept = []
        for tag, regexp in entries:
            if tag in (_INT, _FLOAT):
                regexp = re.compile(r"(?=[^:]*\Z)" + regexp.pattern, regexp.flags)
            kept.append((tag, regexp))
        out[first] = kept
    return out


class Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader (libyaml when available) without sexagesimal numbers."""

    yaml_implicit_resolvers = _without_sexagesimal(_BaseLoader.yaml_implicit_resolvers)


_CONTROL_NAMES = {0x1B: "ESC", 0x0D: "carriage return", 0x07: "BEL", 0x08: "backspace", 0x00: "NUL"}


def control_character(text: str) -> tuple[int, str] | None:
    """(index, description) of the first character refused in pack text, or None."""
    m = CONTROL_RE.search(text)
    if m is None:
        return None
    code = ord(m.group())
    name = _CONTROL_NAMES.get(code, "control character" if code < 0x2000 else "bidi override")
    return m.start(), f"U+{code:04X} ({name})"


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile or mistaken file from eating memory or time."""

    max_bytes: int = L.MAX_FILE_BYTES
    max_depth: int = L.MAX_DEPTH
    max_string: int = L.MAX_STRING
    max_alias_expansion: int = L.MAX_ALIAS_EXPANSION  # extra nodes that aliases may add
    max_number_chars: int = L.MAX_NUMBER_CHARS


DEFAULT_LIMITS = Limits()


@dataclass
class YamlDoc:
    """Plain data plus the node tree it came from (for positions)."""

    path: Path
    data: Any
    root: yaml.Node | None
    # key text -> (key node, value node) of each large mapping, built on its first lookup, so a
    # mapping with 100,000 keys costs one pass, not one pass per positioned issue
    _keys: dict[int, dict[Any, tuple[yaml.Node, yaml.Node]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def _entry(self, node: yaml.MappingNode, k: Any) -> tuple[yaml.Node, yaml.Node] | None:
        if len(node.value) <= 16:
            return next(((kn, vn) for kn, vn in node.value if kn.value == k), None)
        index = self._keys.get(id(node))
        if index is None:
            index = {}
            for kn, vn in node.value:
                if isinstance(kn, yaml.ScalarNode):
                    index.setdefault(kn.value, (kn, vn))  # the first, as a linear search finds
            self._keys[id(node)] = index
        return index.get(k) if isinstance(k, str) else None

    def _walk(self, keys: Keys) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The deepest (key node, value node) reachable along `keys`."""
        key_node, node = None, self.root
        for k in keys:
            if isinstance(node, yaml.MappingNode):
                found = self._entry(node, k)
                if found is None:
                    return key_node, node
                key_node, node = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(k, int):
                if not 0 <= k < len(node.value):
                    return key_node, node
                key_node, node = None, node.value[k]
            else:
                return key_node, node
        return key_node, node

    def block_style(self, keys: Keys) -> str | None:
        """'|' or '>' when the value at `keys` is a block scalar, else None."""
        node = self._walk(tuple(keys))[1]
        style = getattr(node, "style", None) if isinstance(node, yaml.ScalarNode) else None
        return style if style in ("|", ">") else None

    def where(self, keys: Keys = (), *, key: bool = False) -> tuple[int, int]:
        """1-based (line, col) of the value at `keys`, or of its key when `key` is set."""
        key_node, node = self._walk(tuple(keys))
        target = key_node if (key and key_node is not None) else node
        if target is None:
            return (1, 1)
        return (target.start_mark.line + 1, target.start_mark.column + 1)

    def issue(self, keys: Keys, message: str, hint: str = "", *, key: bool = False) -> PackIssue:
        line, col = self.where(keys, key=key)
        return PackIssue(self.path, line, col, message, hint)


def _fail(path: Path, line: int, col: int, message: str, hint: str = "") -> PackError:
    return PackError(PackIssue(path, line, col, message, hint))


# What YAML counts as a line break (so every position agrees with the parser's marks): CRLF,
# a lone CR (old Mac files), LF, NEL and the Unicode line and paragraph separators.
_LINE_BREAK_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def position_in(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character `index` of `text`, counting lines as YAML does."""
    before = text[:index]
    line, start = 1, 0
    for m in _LINE_BREAK_RE.finditer(before):
        line += 1
        start = m.end()
    return line, index - start + 1


def decode(path: Path, raw: bytes) -> str:
    """UTF-8 text (a BOM is fine); bad bytes become an issue at their line and column."""
    for bom, name in _WIDE_BOMS:
        if raw.startswith(bom):
            raise _fail(
                path,
                1,
                1,
                f"the file is {name} (it starts with a {name} byte order mark); packs are UTF-8",
                "save the file as UTF-8",
            )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start].decode("utf-8")
        line, col = position_in(before, len(before))
        raise _fail(
            path,
            line,
            col,
            f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})",
            "save the file as UTF-8",
        ) from None


class _Builder:
    """Turns a composed node tree into plain values, refusing anything that is not data."""

    def __init__(self, path: Path, limits: Limits, *, text_has_controls: bool = True) -> None:
        self.path = path
        self.limits = limits
        # Only a double-quoted scalar's escapes (`"\e"`) can make a character the file does not
        # hold, so when the file holds none, only those scalars need the per-value search.
        self.text_has_controls = text_has_controls
        self.memo: dict[int, Any] = {}
        self.extra = 0  # nodes re-used through aliases
        self.ints = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str, hint: str = "") -> PackError:
        m = node.start_mark
        return _fail(self.path, m.line + 1, m.column + 1, message, hint)

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        if node.__class__ is yaml.ScalarNode:
            return self.scalar(node, node.tag)
        nid = id(node)
        if nid in self.memo:
            self.extra += _size(node, self.limits.max_alias_expansion + 1)
            if self.extra > self.limits.max_alias_expansion:
                raise self.fail(
                    node,
                    "aliases expand to too many values",
                    f"aliases may add at most {self.limits.max_alias_expansion} values",
                )
            return self.memo[nid]
        if depth > self.limits.max_depth:
            raise self.fail(node, f"nesting deeper than {self.limits.max_depth} levels")
        tag = node.tag
        if isinstance(node, yaml.SequenceNode):
            if tag != _SEQ:
                raise self.tag_error(node)
            items: list[Any] = []
            self.memo[nid] = items
            items.extend(self.build(child, depth + 1) for child in node.value)
            return items
        if tag != _MAP:
            raise self.tag_error(node)
        value: dict[Any, Any] = {}
        self.memo[nid] = value
        for kn, vn in node.value:
            if kn.tag == _T + "merge":
                raise self.fail(kn, "merge keys (<<) are not supported", "write the keys out")
            k = self.build(kn, depth + 1)
            if not isinstance(k, str | int | float | bool) and k is not None:
                raise self.fail(kn, "a key must be a plain value")
            if k in value:
                raise self.fail(kn, f"duplicate key '{k}'", "each key may appear once")
            value[k] = self.build(vn, depth + 1)
        return value

    def tag_error(self, node: yaml.Node) -> PackError:
        tag = node.tag.replace(_T, "!!")
        return self.fail(
            node,
            f"tags are not allowed: packs are data only (found {tag})",
            "remove the tag; write the value as plain YAML",
        )

    def scalar(self, node: yaml.ScalarNode, tag: str) -> Any:
        v = node.value
        if tag in (_STR, _TIMESTAMP):  # a date is kept as the text written
            if len(v) > self.limits.max_string:
                raise self.fail(node, f"text longer than {self.limits.max_string} characters")
            search = self.text_has_controls or node.style == '"'
            bad = control_character(v) if search else None
            if bad is not None:
                raise self.fail(
                    node,
                    f"text contains {bad[1]} at character {bad[0] + 1}; control characters "
                    "are not allowed in packs",
                    "remove it (only tab and newline may appear in text)",
                )
            return v
        if tag in (_INT, _FLOAT):
            if len(v) > self.limits.max_number_chars:
                raise self.fail(
                    node,
                    f"a number written with {len(v):,} characters; the limit is "
                    f"{self.limits.max_number_chars}",
                    "write it shorter (e.g. 1.5e12), or quote it if it is text",
                )
            try:
                if tag == _INT:
                    return self.ints.construct_yaml_int(node)
                return self.ints.construct_yaml_float(node)
            except (ValueError, OverflowError) as e:
                raise self.fail(node, f"cannot read the number {v!r}: {e}") from None
        if tag == _BOOL:
            return self.ints.construct_yaml_bool(node)
        if tag == _NULL:
            return None
        raise self.tag_error(node)


def _size(node: yaml.Node, cap: int) -> int:
    """Node count under `node`, stopping early at `cap` (aliases make DAGs)."""
    count, stack = 0, [node]
    while stack and count < cap:
        n = stack.pop()
        count += 1
        if isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
        elif isinstance(n, yaml.MappingNode):
            for kn, vn in n.value:
                stack.append(kn)
                stack.append(vn)
    return count


def _reader_error(path: Path, text: str, e: yaml.reader.ReaderError) -> PackError:
    """A character YAML refuses (NUL, most controls), at its line and column."""
    index = e.position
    if _BaseLoader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes, not characters
        index = len(text.encode("utf-8")[: e.position].decode("utf-8", "ignore"))
    line, col = position_in(text, index)
    code = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "?")
    hint = "remove it (only tab and newline may appear in text)"
    if code == 0:
        hint = "a NUL byte: is the file UTF-16? save it as UTF-8, or remove the byte"
    return _fail(path, line, col, f"character U+{code:04X} is not allowed in a pack", hint)


@gc_paused
def load_text(path: Path, text: str, limits: Limits = DEFAULT_LIMITS) -> YamlDoc:
    """Compose and build `text`; raises PackError with a positioned issue."""
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.reader.ReaderError as e:
        raise _reader_error(path, text, e) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if e.context_mark and "end of stream" in (e.problem or ""):
            mark = e.context_mark  # where the unclosed quote or bracket began
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = e.problem or "YAML syntax error"
        if e.context:
            problem = f"{problem} ({e.context})"
        hint = "check the indentation and quoting here"
        if "\t" in problem or "'\\t'" in problem or "tab" in problem.lower():
            hint = "YAML indentation must use spaces, not tabs"
        raise _fail(path, line, col, f"YAML syntax error: {problem}", hint) from None
    except yaml.YAMLError as e:
        raise _fail(path, 1, 1, f"YAML error: {e}") from None
    except RecursionError:
        raise _fail(path, 1, 1, "nesting too deep to read") from None
    if root is None:
        return YamlDoc(path, None, None)
    try:
        builder = _Builder(path, limits, text_has_controls=CONTROL_RE.search(text) is not None)
        data = builder.build(root)
    except RecursionError:
        raise _fail(path, 1, 1, "nesting too deep to read") from None
    return YamlDoc(path, data, root)


def read_pack_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, read without ever waiting: the file is
    opened non-blocking and checked after opening (a FIFO or device put in its place between
    listing and reading is refused, never read), and the read stops past the limit (a file that
    grows meanwhile, or a link to an endless one, is refused too)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise _fail(path, 1, 1, f"cannot read file: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _fail(
                path,
                1,
                1,
                f"not a pack file: this is {file_kind(st.st_mode)}, so it is not read",
                "a pack is a regular .yaml file; the other packs are loaded",
            )
        if st.st_size > max_bytes:
            raise _too_big(path, st.st_size, max_bytes)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise _too_big(path, total, max_bytes, growing=True)
        return b"".join(chunks)
    except OSError as e:
        raise _fail(path, 1, 1, f"cannot read file: {e.strerror or e}") from None
    finally:
        os.close(fd)


def _too_big(path: Path, size: int, max_bytes: int, *, growing: bool = False) -> PackError:
    size_text = f"more than {max_bytes}" if growing else f"{size}"
    return _fail(
        path,
        1,
        1,
        f"file is {size_text} bytes; packs may be at most {max_bytes} bytes",
        "split it into several packs",
    )


def load_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> YamlDoc:
    """Read, size-check, decode and load one pack file."""
    return load_text(path, decode(path, read_pack_bytes(path, limits.max_bytes)), limits)
