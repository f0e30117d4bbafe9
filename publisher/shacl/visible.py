"""Text from a steward's input or a parser, made safe to show: control characters (NUL, escape
sequences a terminal would obey, C1 controls) and the invisible characters that reorder text
(bidirectional overrides and isolates) become visible notation such as \\x00 or \\u202e, so a
report or an error message never carries them raw. Tabs and line breaks stay."""
from __future__ import annotations

import re

_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069\ufeff]")


def _notation(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every hidden or controlling character written out (\\x1b, \\u202e)."""
    return _HIDDEN.sub(_notation, text) if _HIDDEN.search(text) else text
