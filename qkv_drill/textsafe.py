"""Text from a pack or a file, made safe to write to a terminal.

Packs refuse control characters at load time (packs/limits.py); this is the second line of
defence for everything the command line prints (plain mode, `validate`, `packs`, `export`): a raw
ESC, CSI or OSC sequence from anywhere is shown as visible `\\x1b` text, never obeyed.
"""

from __future__ import annotations

import re

from qkv_drill.packs.limits import BIDI_CONTROLS

# C0 controls except tab and newline, DEL, C1 controls, bidirectional overrides.
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "]")


# ...and, when printing, the lone surrogates that stand for a file name's undecodable bytes
# (a raw 0x9b byte is a C1 CSI to some terminals): shown as the byte they stand for.
_UNPRINTABLE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "\udc80-\udcff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """`text` with every control character, and every byte of a file name that is not UTF-8,
    shown as an escape (tab and newline kept)."""
    s = str(text)
    return _UNPRINTABLE_RE.sub(_escape, s) if _UNPRINTABLE_RE.search(s) else s
