"""URI keys: stable, unique, lowercase ASCII (ä→a, ö→o, å→a), as the URI policy requires."""
from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a",
                       "ß": "ss", "æ": "ae", "ø": "o", "Æ": "ae", "Ø": "o"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    """Lowercase ASCII key with dashes, cut at a word boundary to at most `max_length`."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_ALNUM.sub("-", ascii_text).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    boundary = cut.rfind("-")
    return (cut[:boundary] if boundary > 0 else slug[:max_length]).strip("-")


def unique_keys(keys: list[str], reserved: frozenset[str] | set[str] = frozenset()
                ) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Make keys unique in order: a repeated key, or one `reserved` (issued to another
    record), gets "-2", "-3"…; returns the clashes."""
    seen: dict[str, int] = {key: 1 for key in reserved}
    result: list[str] = []
    clashes: list[tuple[int, str, str]] = []
    taken = set(keys) | set(reserved)
    for index, key in enumerate(keys):
        if key not in seen:
            seen[key] = 1
            result.append(key)
            continue
        n = seen[key]
        candidate = key
        while candidate in taken or candidate in result:
            n += 1
            candidate = f"{key}-{n}"
        seen[key] = n
        result.append(candidate)
        clashes.append((index, key, candidate))
    return result, clashes
