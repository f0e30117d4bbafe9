"""Texts as a page shows them: descriptions split into paragraphs and bulleted lists, in the
language asked and in the other languages the data has."""
from __future__ import annotations

import re
from typing import Any, Iterable

from publisher.docs.labels import Index, all_literals, pick_literal

_BULLET = re.compile(r"^\s*(?:[-–•*]|\d+[.)])\s+")


def text_blocks(text: str) -> list[dict[str, Any]]:
    """Split a description into paragraphs (lists of lines) and bulleted lists."""
    blocks: list[dict[str, Any]] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if blocks and blocks[-1]["type"] == "p" and blocks[-1]["lines"]:
                blocks.append({"type": "p", "lines": []})
            elif blocks and blocks[-1]["type"] == "ul":
                blocks.append({"type": "p", "lines": []})
            continue
        if _BULLET.match(line):
            item = _BULLET.sub("", line, count=1)
            if blocks and blocks[-1]["type"] == "ul":
                blocks[-1]["items"].append(item)
            else:
                blocks.append({"type": "ul", "items": [item]})
        else:
            if blocks and blocks[-1]["type"] == "p":
                blocks[-1]["lines"].append(line.strip())
            else:
                blocks.append({"type": "p", "lines": [line.strip()]})
    return [b for b in blocks if b.get("lines") or b.get("items")]


def literal_text(index: Index, subject: Any, predicate: str, lang: str) -> dict[str, Any] | None:
    found = pick_literal(index.objects(subject, predicate), lang)
    if found:
        found = {**found, "blocks": text_blocks(found["value"])}
    return found


def other_languages(literals: Iterable[Any], shown: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The language versions not shown in the page's language (the Swedish description
    of a project read in Finnish), each split into text blocks."""
    shown_lang = (shown or {}).get("lang")
    shown_value = (shown or {}).get("value")
    versions = []
    for item in all_literals(literals):
        if item["lang"] == shown_lang and item["value"] == shown_value:
            continue
        if not item["lang"] or item["lang"] == shown_lang:
            continue
        versions.append({**item, "blocks": text_blocks(item["value"])})
    return versions
