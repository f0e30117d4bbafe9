"""The catalogue extractor's word lists, read from `mappings/catalogue-rules.toml`.

Keeping the marker words, status phrases and section headings in a data file lets a
data steward adapt the extractor to a new edition of the catalogue without code.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_RULES_PATH = Path(__file__).resolve().parent.parent.parent / "mappings/catalogue-rules.toml"


def phrase_key(text: str) -> str:
    """Comparison form of a phrase: case-folded, single spaces, no final full stop."""
    return " ".join(text.split()).rstrip(".").strip().casefold()


@dataclass(frozen=True)
class CatalogueRules:
    status_phrases: dict[str, str]          # phrase key → language
    contact_markers: tuple[str, ...]         # longest first
    name_joiners: tuple[str, ...]
    link_texts: frozenset[str]
    partner_colon_markers: tuple[str, ...]
    partner_leading_markers: tuple[str, ...]
    partner_joiners: tuple[str, ...]
    partner_filler: frozenset[str]
    headings: frozenset[str]
    question_max_words: int
    title_max_chars: int
    finnish_words: frozenset[str]
    swedish_words: frozenset[str]
    unassigned_patterns: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> "CatalogueRules":
        status = table.get("status", {})
        contact = table.get("contact", {})
        partners = table.get("partners", {})
        sections = table.get("sections", {})
        language = table.get("language", {})
        return cls(
            status_phrases={phrase_key(p): lang for lang in ("fi", "sv")
                            for p in status.get(lang, [])},
            contact_markers=tuple(sorted(contact.get("markers", []), key=len, reverse=True)),
            name_joiners=tuple(contact.get("name_joiners", ["ja"])),
            link_texts=frozenset(phrase_key(t) for t in contact.get("link_texts", [])),
            partner_colon_markers=tuple(partners.get("colon", [])),
            partner_leading_markers=tuple(partners.get("leading", [])),
            partner_joiners=tuple(partners.get("joiners", ["ja"])),
            partner_filler=frozenset(w.casefold() for w in partners.get("filler", [])),
            headings=frozenset(phrase_key(h) for h in sections.get("headings", [])),
            question_max_words=int(sections.get("question_max_words", 6)),
            title_max_chars=int(table.get("titles", {}).get("max_chars", 250)),
            finnish_words=frozenset(w.casefold() for w in language.get("fi", [])),
            swedish_words=frozenset(w.casefold() for w in language.get("sv", [])),
            unassigned_patterns=tuple(
                (re.compile(entry["pattern"]), entry.get("reason", "not part of a record"))
                for entry in table.get("unassigned", {}).get("patterns", [])),
        )


@lru_cache(maxsize=8)
def load_rules(path: Path | None = None) -> CatalogueRules:
    """Read the rules file (default: the project's)."""
    path = Path(path) if path else DEFAULT_RULES_PATH
    with path.open("rb") as handle:
        return CatalogueRules.from_table(tomllib.load(handle))
