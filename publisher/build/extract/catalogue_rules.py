"""The catalogue extractor's word lists, read from `mappings/catalogue-rules.toml`.

Keeping the marker words, status phrases and section headings in a data file lets a
data steward adapt the extractor to a new edition of the catalogue without code.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable

from publisher.config import PROJECT_ROOT

DEFAULT_RULES_PATH = PROJECT_ROOT / "mappings/catalogue-rules.toml"


#: In a `[partners] prose` entry, where the list stands between the words that open it
#: and the word that closes it ("Yhteistyötä tehtiin … kanssa").
PROSE_LIST_MARK = "…"


def phrase_key(text: str) -> str:
    """Comparison form of a phrase: case-folded, single spaces, no final full stop."""
    return " ".join(text.split()).rstrip(".").strip().casefold()


#: Words of a case-folded text for telling its language: runs of these letters.
WORD_RE = re.compile(r"[a-zåäö]+")
#: å, ä and ö as single bytes (control characters) while a text is split into words.
_STAND_INS = (("å", "\x01"), ("ä", "\x02"), ("ö", "\x03"))
#: a–z and the stand-ins stay; every other byte (punctuation, digits, white space and
#: each byte of any other character in UTF-8) becomes a space.
_WORD_BYTE_TABLE = bytes(b if 97 <= b <= 122 or 1 <= b <= 3 else 32 for b in range(256))


def word_key(word: str) -> bytes:
    """A word ([a-zåäö]+) in the byte form `text_words` gives."""
    for letter, stand_in in _STAND_INS:
        word = word.replace(letter, stand_in)
    return word.encode("utf-8")


def text_words(folded: str) -> list[bytes]:
    """The words WORD_RE finds in a case-folded text, as `word_key`s.

    Translating bytes is many times faster than a regular expression over every
    character, and gives the same words: a–z and the stand-ins for å, ä, ö are the only
    bytes left, so every other character separates words. A text that already holds a
    stand-in character is split by the expression itself.
    """
    if "\x01" in folded or "\x02" in folded or "\x03" in folded:
        return [word_key(w) for w in WORD_RE.findall(folded)]
    return word_key(folded).translate(_WORD_BYTE_TABLE).split()


def short_phrase_key(text: str, max_words: int) -> str | None:
    """phrase_key(text), or None when the text has too many words to be such a phrase.

    A phrase of n words is matched only by a text of at most n + 1 words (a last word
    made of full stops drops out of the key), so a long description line is rejected
    after splitting off its first few words instead of being folded whole.
    """
    if len(text.split(None, max_words + 1)) > max_words + 1:
        return None
    return phrase_key(text)


def initial(text: str) -> str:
    """The first letter of a text as it starts its phrase key."""
    return text[:1].casefold()[:1]


@dataclass(frozen=True)
class PhraseTest:
    """Is a line one of these phrases? Cheap tests first, as every line is asked.

    A key starts with the folded first letter of its text, so a line whose first letter
    is no key's first letter cannot match (no such test when a key is empty); and a line
    with more words than the longest phrase is rejected without folding it whole.
    """

    keys: frozenset[str]
    initials: frozenset[str] | None
    words: int

    @classmethod
    def of(cls, keys: Iterable[str]) -> "PhraseTest":
        keys = frozenset(keys)
        return cls(keys, None if "" in keys else frozenset(key[:1] for key in keys),
                   max((len(key.split()) for key in keys), default=0))

    def key_of(self, text: str, first: str | None = None) -> str | None:
        """The text's phrase key when it is one of the phrases, else None (`first`: the
        text's `initial`, when the caller has it already)."""
        if self.initials is not None and (first or initial(text)) not in self.initials:
            return None
        key = short_phrase_key(text, self.words)
        return key if key in self.keys else None


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
    prose_partner_phrases: tuple[tuple[str, str | None], ...]   # (opening, closing or None)
    prose_partner_separators: tuple[str, ...]
    top_level_domains: frozenset[str]
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
            prose_partner_phrases=prose_phrases(partners.get("prose", [])),
            prose_partner_separators=tuple(partners.get("prose_separators", [])),
            top_level_domains=frozenset(
                d.casefold() for d in table.get("links", {}).get("top_level_domains", [])),
            headings=frozenset(phrase_key(h) for h in sections.get("headings", [])),
            question_max_words=int(sections.get("question_max_words", 6)),
            title_max_chars=int(table.get("titles", {}).get("max_chars", 250)),
            finnish_words=frozenset(w.casefold() for w in language.get("fi", [])),
            swedish_words=frozenset(w.casefold() for w in language.get("sv", [])),
            unassigned_patterns=tuple(
                (re.compile(entry["pattern"]), entry.get("reason", "not part of a record"))
                for entry in table.get("unassigned", {}).get("patterns", [])),
        )

    # -- derived once from the word lists: every line of a document is tested against them

    @cached_property
    def language_scores(self) -> dict[bytes, int]:
        """By `word_key`: +1 for a Swedish word, −1 for a Finnish one (0 if in both lists)."""
        words = self.finnish_words | self.swedish_words
        return {word_key(w): (w in self.swedish_words) - (w in self.finnish_words)
                for w in words}

    @cached_property
    def status_test(self) -> PhraseTest:
        """Is a line a status line?"""
        return PhraseTest.of(self.status_phrases)

    @cached_property
    def heading_test(self) -> PhraseTest:
        """Is a line a listed heading?"""
        return PhraseTest.of(self.headings)

    @cached_property
    def link_text_test(self) -> PhraseTest:
        """Is a line a link text standing for a contact?"""
        return PhraseTest.of(self.link_texts)

    @cached_property
    def contact_markers_by_initial(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """(marker, marker case-folded) by the first letter of the folded marker, longest
        first: a line is compared only with the markers that start as it does."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for marker in self.contact_markers:
            folded = marker.casefold()
            groups.setdefault(folded[:1], []).append((marker, folded))
        return {initial: tuple(group) for initial, group in groups.items()}

    @cached_property
    def partner_colon_patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """(marker, 'Marker:' at the start of a line, any case)."""
        return tuple((m, re.compile(rf"{re.escape(m)}\s*:", re.IGNORECASE))
                     for m in self.partner_colon_markers)

    @cached_property
    def partner_leading_patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """(marker, 'Marker Name…' at the start of a line, the list as group 1)."""
        return tuple((m, re.compile(rf"{re.escape(m)}:?\s+([A-ZÅÄÖ].*)$"))
                     for m in self.partner_leading_markers)

    @cached_property
    def prose_partner_pattern(self) -> re.Pattern[str] | None:
        """Any of the words that open a partner list in a sentence ("Mukana olivat"), as
        whole words in any case with any white space between them; None without such words."""
        if not self.prose_partner_phrases:
            return None
        openings = sorted({o for o, _ in self.prose_partner_phrases}, key=len, reverse=True)
        return re.compile(rf"(?<!\w)(?:{'|'.join(map(_words_pattern, openings))})(?!\w)",
                          re.IGNORECASE)

    @cached_property
    def _prose_closings(self) -> dict[str, re.Pattern[str] | None]:
        """The closing words' pattern (None: the sentence's end) by the opening's key."""
        return {phrase_key(opening): None if closing is None else re.compile(
                    rf"(?<!\w){_words_pattern(closing)}(?!\w)", re.IGNORECASE)
                for opening, closing in self.prose_partner_phrases}

    def prose_list_closing(self, opening: str) -> re.Pattern[str] | None:
        """The word that closes the list the matched words `opening` open ("kanssa", as a
        whole word in any case), or None when the list runs to the end of its sentence."""
        return self._prose_closings.get(phrase_key(opening))

    @cached_property
    def top_level_domain_hint(self) -> re.Pattern[str] | None:
        """".fi", ".com" … anywhere: a quick test before the host pattern (a text without
        any names no address without a scheme); None when the rules list no domain."""
        if not self.top_level_domains:
            return None
        return re.compile(rf"\.(?:{'|'.join(map(re.escape, sorted(self.top_level_domains)))})")

    @cached_property
    def _prose_first_words(self) -> tuple[str, ...]:
        return tuple({o.split()[0].lower() for o, _ in self.prose_partner_phrases})

    def may_open_prose_list(self, text: str) -> bool:
        """A quick test before `prose_partner_pattern`: does the text hold the first word
        of any of its phrases (in any case)? A substring search is many times faster than
        a case-insensitive expression, and most descriptions hold none."""
        lowered = text.lower()
        return any(word in lowered for word in self._prose_first_words)

    @cached_property
    def prose_partner_joiners(self) -> tuple[str, ...]:
        """What separates the partners of a list in a sentence: the joiners of a partner
        line and the prose separators ("lisäksi")."""
        return self.partner_joiners + tuple(
            s for s in self.prose_partner_separators if s not in self.partner_joiners)


def prose_phrases(entries: Iterable[str]) -> tuple[tuple[str, str | None], ...]:
    """(opening words, closing words or None) of each `[partners] prose` entry: "Mukana
    olivat" opens a list that runs to the end of its sentence, "Yhteistyötä tehtiin …
    kanssa" one that "kanssa" closes within it. ValueError for an entry without opening
    words, or for opening words closed in two ways."""
    phrases: list[tuple[str, str | None]] = []
    closings: dict[str, str | None] = {}
    for entry in entries:
        opening, mark, closing = entry.partition(PROSE_LIST_MARK)
        opening, closing = " ".join(opening.split()), " ".join(closing.split())
        if not opening or (mark and not closing) or PROSE_LIST_MARK in closing:
            raise ValueError(f"[partners] prose: '{entry}' is not 'opening words' or "
                             f"'opening words {PROSE_LIST_MARK} closing words'")
        if closings.setdefault(phrase_key(opening), closing) != closing:
            raise ValueError(f"[partners] prose: '{opening}' is closed in two ways")
        phrases.append((opening, closing or None))
    return tuple(phrases)


def _words_pattern(words: str) -> str:
    """The words as an expression, any white space between them."""
    return r"\s+".join(map(re.escape, words.split()))


@lru_cache(maxsize=32)
def joiner_pattern(joiners: tuple[str, ...], flags: int = 0) -> re.Pattern[str]:
    """Any of the joining words ("ja", "sekä" …) with white space around it, compiled once."""
    return re.compile(rf"\s+(?:{'|'.join(map(re.escape, joiners))})\s+", flags)


@lru_cache(maxsize=8)
def load_rules(path: Path | None = None) -> CatalogueRules:
    """Read the rules file (default: the project's)."""
    path = Path(path) if path else DEFAULT_RULES_PATH
    with path.open("rb") as handle:
        return CatalogueRules.from_table(tomllib.load(handle))
