"""Catalogue extractor: the Ministry of Finance list of municipal digitalisation projects.

The catalogue is plain text, one project after another, with no blank lines and no
explicit separator. A record is recognised by its shape:

    [status line]                     "HANKE ON PÄÄTTYNYT." (before or after the title)
    [N.] title                        numbering restarts for each lead organisation
    [status line]
    description …                     paragraphs (maybe hard-wrapped), lists, sections
    [Muut kunnat: A, B ja C]          partners (maybe wrapped), or "Mukana A, B, C"
    Lisätietoja[: inline contact]     the contact block marker
    Name, Organisation                one or more contact lines, or a URL / e-mail /
                                      link text instead of a person
    [Muut kunnat: …]                  occasionally after the contacts

A record with no partner line may list its partners in a sentence ("Mukana olivat
Rääkkylän kunnan lisäksi Enonkosken kunta, … ja Teuva"); the words that open such a list
are in the rules, and only municipalities of the code list are read from it.

The contact block closes a record: the next line that is not a contact line starts the
next record. Records without a contact block end where the next record visibly starts
(a status line, or a title line followed by one, or a numbered title after the
partner list).

The work is split into three passes, each a handful of small functions:
1. `classify_line` gives every line a kind (status, marker, partners, list item …);
2. `segment` groups the lines into record drafts, remembering each line's role;
3. `build_record` reads the fields of a draft (partners, contacts, description …).
The word lists live in `mappings/catalogue-rules.toml` (see `catalogue_rules.py`).

The records (one JSON object per record, in source order) are `CatalogueRecord` of the
record contract, `publisher/build/records.py`, documented there field by field.
"""
from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from publisher.build.extract.base import Extraction, LineAccount, Problem
from publisher.build.extract.catalogue_rules import (CatalogueRules, initial, joiner_pattern, load_rules,
                                     phrase_key, text_words)
from publisher.build.keys import slugify, unique_keys
from publisher.build.prepare.municipalities import MunicipalityIndex, Resolution, default_index

# --------------------------------------------------------------------------- patterns

#: "3. Title" — a numbered title or a numbered list item (which one depends on context).
NUMBERED_RE = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
#: "a) item" — a lettered list item.
LETTERED_RE = re.compile(r"^([a-zA-Z])\)\s+(\S.*)$")
#: "- item", "• item", "– item" — a bullet list item.
BULLET_MARKS = "-•–·▪*"
BULLET_RE = re.compile(rf"^[{re.escape(BULLET_MARKS)}]\s+(\S.*)$")
#: http(s) and www. links; the final punctuation of a sentence is not part of a link.
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"”“'()\[\]]+", re.IGNORECASE)
#: A web address written without a scheme ("stat.fi", "yhteentoimiva.suomi.fi",
#: "vm.fi/digikuntakokeilu"): two to nine labels of a–z, digits and hyphens, the last of
#: them in lowercase (group 2: it must be a top-level domain of the rules), and a path.
#: It starts after no word character, dot, @, / or hyphen (not inside a name, an address
#: or a link), and ends before no word character, @ or ".word" (not a file name or a
#: version number); "sipoo.fi-palveluun" is sipoo.fi. Each part has a bounded length and
#: a label cannot hold a dot, so a match is tried from token starts only, in linear time.
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
BARE_HOST_RE = re.compile(
    rf"(?<![\w.@/\-])((?:{_HOST_LABEL}\.){{1,8}}([a-z]{{2,6}}))(?![\w@]|\.\w)"
    r"(/[^\s<>\"”“'()\[\]]*)?")
#: Addresses written "x@y.fi" or, against harvesting, "x(a)y.fi" / "x[at]y.fi".
EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+-]+(?:@|\(a\)|\[at\]|\(at\))[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
#: One word of a person's name: capitalised, maybe hyphenated (Tuija-Liisa, Svenlin-Englund).
_NAME_WORD = r"[A-ZÅÄÖÉÜ][a-zåäöéüß'’]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüß'’]+)*"
#: A person: two to four name words, maybe with a particle (von, af, de, van).
PERSON = rf"{_NAME_WORD}(?:\s+(?:(?:von|af|de|van|der)\s+)?{_NAME_WORD}){{1,3}}"
#: Sentence end at the end of a line (also inside closing quotes or brackets).
SENTENCE_ENDS = (".", "!", "?", ":")
CLOSING_MARKS = "'\"”’)"
#: Lowercase start of a line: the line continues the sentence of the previous one.
LOWER_START_RE = re.compile(r"^[a-zåäöéü]")
#: "Name (what is in brackets)" at the end of a partner or an organisation.
PARENTHESES_RE = re.compile(r"^(.*?)\s*\((.*)\)\s*$")
#: An acronym continuing an organisation name ("…kuntayhtymä, KuusSote").
ACRONYM_RE = re.compile(r"^[A-ZÅÄÖ][A-Za-zÅÄÖåäö0-9-]*$")
#: "Kuopion kaupungin" / "Lahden kaupunki": a municipality named as an organisation.
MUNICIPAL_PHRASE_RE = re.compile(
    r"\b([A-ZÅÄÖ][\wåäöÅÄÖ-]+)\s+(?:kaupungin|kunnan|kaupunki|kunta|kaupungille|kunnalle)\b")
#: A word that may name a place (capitalised).
CAPITALISED_WORD_RE = re.compile(r"\b[A-ZÅÄÖ][\wåäöÅÄÖ-]+")
#: A status line counts as this many words of its language.
STATUS_LANGUAGE_WEIGHT = 5
#: Words after a person list in a contact line must look like an organisation.
MAX_ORGANISATION_WORDS = 8
#: A full stop, question or exclamation mark before white space: a sentence ends (not
#: inside "1.6.2021" or "3.5").
PROSE_SENTENCE_END_RE = re.compile(r"[.!?](?=\s|$)")
#: A partner list in a sentence is read over at most this many lines and characters
#: (all 309 municipalities, each with "kunta" after it, take about 6 000).
PROSE_LIST_MAX_LINES = 10
PROSE_LIST_MAX_CHARS = 10_000
#: How many description words go into the key of an untitled record.
UNTITLED_KEY_WORDS = 8


# --------------------------------------------------------------------- line classes

@dataclass(slots=True)
class Line:
    """One non-empty source line with its kind and the parts its kind defines."""

    number: int
    text: str
    kind: str                      # status, marker, partners, numbered, lettered, bullet, text
    content: str = ""              # the text without its prefix (number, bullet, marker)
    value: int | None = None       # the number of a numbered line
    language: str | None = None    # language of a status line
    marker: str | None = None      # the marker word of a marker/partner line
    # (text, its contact reading): segmenting and record building both read a contact line
    contact_reading: tuple[str, list[dict[str, Any]] | None] | None = field(
        default=None, repr=False, compare=False)


def classify_line(number: int, raw: str, rules: CatalogueRules) -> Line:
    """Give a line the kind its first words show; context decides the rest later."""
    text = raw.strip()
    first = initial(text)
    language = _status_language(text, first, rules)
    if language is not None:
        return Line(number, text, "status", language=language)
    marker = _match_contact_marker(text, first, rules)
    if marker is not None:
        return Line(number, text, "marker", content=marker[1], marker=marker[0])
    partners = _match_partner_marker(text, rules)
    if partners is not None:
        return Line(number, text, "partners", content=partners[1], marker=partners[0])
    # each pattern is tried only when the line starts as the pattern needs
    if text[:1].isdecimal() and (m := NUMBERED_RE.match(text)):
        return Line(number, text, "numbered", content=m.group(2).strip(), value=int(m.group(1)))
    if text[1:2] == ")" and (m := LETTERED_RE.match(text)):
        return Line(number, text, "lettered", content=m.group(2).strip())
    if text[:1] in BULLET_MARKS and (m := BULLET_RE.match(text)):
        return Line(number, text, "bullet", content=m.group(1).strip())
    return Line(number, text, "text", text)


def _status_language(text: str, first: str, rules: CatalogueRules) -> str | None:
    """The language of a status line ("HANKE ON PÄÄTTYNYT."), None for any other line."""
    key = rules.status_test.key_of(text, first)
    return None if key is None else rules.status_phrases[key]


def _match_contact_marker(text: str, first: str,
                          rules: CatalogueRules) -> tuple[str, str] | None:
    """(marker, rest) if the line opens a contact block ("Lisätietoja: …")."""
    for marker, folded in rules.contact_markers_by_initial.get(first, ()):
        if text[: len(marker)].casefold() == folded:
            rest = text[len(marker):]
            if rest == "" or rest[0] in ": \t":
                return marker, rest.lstrip(" \t:").strip()
    return None


def _match_partner_marker(text: str, rules: CatalogueRules) -> tuple[str, str] | None:
    """(marker, list) if the line lists partners ("Muut kunnat: …", "Mukana A, B")."""
    if ":" in text:                                  # every colon pattern needs one
        for marker, pattern in rules.partner_colon_patterns:
            if pattern.match(text):
                return marker, text.split(":", 1)[1].strip()
    for marker, pattern in rules.partner_leading_patterns:
        m = pattern.match(text) if text.startswith(marker) else None
        if m and ("," in m.group(1) or " ja " in m.group(1)):
            return marker, m.group(1).strip()
    return None


def is_heading(line: Line, rules: CatalogueRules) -> bool:
    """A section heading: listed in the rules, or a short question ("Mikä muuttuu?")."""
    if line.kind != "text":
        return False
    if rules.heading_test.key_of(line.text) is not None:   # the key ignores a final full stop
        return True
    limit = rules.question_max_words
    return line.text.endswith("?") and len(line.text.split(None, limit)) <= limit


def looks_like_title(line: Line, rules: CatalogueRules) -> bool:
    """A title is a short line that does not end a sentence with a full stop."""
    if line.kind == "numbered":
        return True
    if line.kind != "text" or len(line.text) > rules.title_max_chars:
        return False
    return not line.text.endswith((".", ":", ","))


# ------------------------------------------------------------------ contact lines

_UNIT_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _contact_unit_re(joiners: tuple[str, ...]) -> re.Pattern[str]:
    """'A ja B, Org' up to the end or to the next ' ja C, Org2'."""
    if joiners not in _UNIT_CACHE:
        join = "|".join(re.escape(j) for j in joiners)
        _UNIT_CACHE[joiners] = re.compile(
            rf"(?P<names>{PERSON}(?:\s+(?:{join})\s+{PERSON})*)\s*,\s*"
            rf"(?P<org>[^,]+?)\s*(?=\s(?:{join})\s+{PERSON}\s*,|$)")
    return _UNIT_CACHE[joiners]


def parse_person_line(text: str, rules: CatalogueRules) -> list[tuple[str, str]] | None:
    """[(name, organisation as written)] for 'Name, Org' lines, None if not one."""
    unit_re = _contact_unit_re(rules.name_joiners)
    join_re = joiner_pattern(rules.name_joiners)
    people: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = unit_re.match(text, pos)
        if not m:
            return None
        org = m.group("org").strip()
        if (len(org.split()) > MAX_ORGANISATION_WORDS or org.endswith((".", ":"))
                or not org[:1].isupper()):
            return None
        for name in join_re.split(m.group("names")):
            people.append((name.strip(), org))
        pos = m.end()
        if pos < len(text):
            j = join_re.match(text, pos)
            if not j:
                return None
            pos = j.end()
    return people or None


def read_contact_line(text: str, rules: CatalogueRules) -> list[dict[str, Any]] | None:
    """Contact points of one line: people, a URL, an e-mail or a link text; None if unreadable."""
    stripped = text.strip()
    if not stripped:
        return None
    if _may_hold_email(stripped) and EMAIL_RE.fullmatch(stripped.rstrip(".")):
        return [{"kind": "email", "email": normalise_email(stripped.rstrip("."))}]
    urls = URL_RE.findall(stripped) if _may_hold_url(stripped) else None
    if urls:
        rest = phrase_key(URL_RE.sub(" ", stripped).strip(" :-–"))
        if not rest or rest in rules.link_texts:
            return [{"kind": "url", "url": clean_url(u)} for u in urls]
    if _is_link_text(stripped, rules):
        return [{"kind": "link-text", "text": stripped.rstrip(".")}]
    people = parse_person_line(stripped, rules)
    if people:
        return [{"kind": "person", "name": n, "organisation_as_written": o} for n, o in people]
    return None


def _is_link_text(text: str, rules: CatalogueRules) -> bool:
    """A link text standing for a contact ("Hankkeen nettisivut")?"""
    return rules.link_text_test.key_of(text) is not None


def line_contacts(line: Line, text: str, rules: CatalogueRules) -> list[dict[str, Any]] | None:
    """read_contact_line for a text of this line (its text or, on a marker line, what
    follows the marker), read once; the caller must not change the entries."""
    reading = line.contact_reading
    if reading is None or reading[0] != text:
        reading = line.contact_reading = (text, read_contact_line(text, rules))
    return reading[1]


def normalise_email(text: str) -> str:
    """'x(a)y.fi' → 'x@y.fi'."""
    return re.sub(r"\(a\)|\[at\]|\(at\)", "@", text.strip())


def clean_url(url: str) -> str:
    """A link without the sentence punctuation that follows it."""
    return url.rstrip(".,;:!?")


# ---------------------------------------------------------------------- segmenting

@dataclass
class Draft:
    """The lines of one record, by role, before its fields are read."""

    index: int
    title: Line | None = None
    status: Line | None = None
    body: list[Line] = field(default_factory=list)
    partners: list[list[Line]] = field(default_factory=list)
    marker: Line | None = None
    contacts: list[Line] = field(default_factory=list)
    unreadable: list[Line] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)
    trailing_partners: bool = False
    incomplete_reason: str | None = None

    def take(self, line: Line, role: str) -> None:
        self.roles[line.number] = role

    def release(self, line: Line) -> None:
        self.roles.pop(line.number, None)

    @property
    def first_line(self) -> int:
        return min(self.roles)

    @property
    def last_line(self) -> int:
        return max(self.roles)


class Segmenter:
    """Groups classified lines into record drafts (pass 2)."""

    def __init__(self, lines: list[Line], rules: CatalogueRules) -> None:
        self.lines = lines
        self.rules = rules
        self.drafts: list[Draft] = []
        self.current: Draft | None = None
        self.mode = "closed"            # "open": reading the body; "contacts"; "closed"

    # -- helpers
    def _next(self, i: int) -> Line | None:
        return self.lines[i + 1] if i + 1 < len(self.lines) else None

    def _new(self) -> Draft:
        draft = Draft(index=len(self.drafts))
        self.drafts.append(draft)
        self.current = draft
        self.mode = "open"
        return draft

    def run(self) -> list[Draft]:
        i = 0
        lines = self.lines
        while i < len(lines):
            line = lines[i]
            if line.kind == "text" and self.mode == "open":
                self._describe(line)                # the common case: a line of description
                i += 1
            else:
                i = self._step(i)
        if self.current is not None and self.mode == "contacts" and not self.current.contacts \
                and not self.current.marker.content:
            self.current.incomplete_reason = (
                f"contact marker '{self.current.marker.text}' at line {self.current.marker.number}"
                " is followed by no contact line (end of document)")
        return self.drafts

    def _step(self, i: int) -> int:
        line = self.lines[i]
        if self.current is None or self.mode == "closed":
            return self._after_closed(i, line)
        if self.mode == "contacts":
            return self._in_contacts(i, line)
        return self._in_body(i, line)

    # -- state: between records
    def _after_closed(self, i: int, line: Line) -> int:
        draft = self.current
        if (draft is not None and line.kind == "partners" and draft.contacts
                and not draft.trailing_partners):
            draft.trailing_partners = True
            return self._take_partners(i)
        draft = self._new()
        if line.kind == "status":
            draft.status = line
            draft.take(line, "status")
            i += 1
            nxt = self.lines[i] if i < len(self.lines) else None
            if nxt is not None and looks_like_title(nxt, self.rules) and nxt.kind in ("numbered", "text") \
                    and not is_heading(nxt, self.rules):
                self._set_title(draft, nxt)
                i += 1
            return i
        if line.kind in ("numbered", "text") and looks_like_title(line, self.rules):
            self._set_title(draft, line)
            i += 1
            nxt = self.lines[i] if i < len(self.lines) else None
            if nxt is not None and nxt.kind == "status":
                draft.status = nxt
                draft.take(nxt, "status")
                i += 1
            return i
        return i                                  # no title: the body starts here

    def _set_title(self, draft: Draft, line: Line) -> None:
        draft.title = line
        draft.take(line, "title")

    # -- state: reading a record's body
    def _in_body(self, i: int, line: Line) -> int:
        draft = self.current
        assert draft is not None
        if line.kind == "status":
            if draft.status is None and not draft.body and not draft.partners:
                draft.status = line
                draft.take(line, "status")
                return i + 1
            return self._start_after_open_record(i, line)
        if line.kind == "numbered" and self._numbered_starts_record(i, draft):
            self._end_without_contact(draft)
            self.mode = "closed"
            return i
        if line.kind == "marker":
            if self._is_pointer_line(i, line):
                draft.body.append(line)
                draft.take(line, "description")
                return i + 1
            draft.marker = line
            draft.take(line, "contact-marker")
            self.mode = "contacts"
            if line.content:
                self._read_inline_contact(draft, line)
            return i + 1
        if line.kind == "partners":
            return self._take_partners(i)
        self._describe(line)
        return i + 1

    def _describe(self, line: Line) -> None:
        """A line of the open record's description."""
        draft = self.current
        draft.body.append(line)
        draft.roles[line.number] = "description"

    def _numbered_starts_record(self, i: int, draft: Draft) -> bool:
        """A numbered line after the partner list of a record without contacts is a title."""
        if not draft.partners:
            return False
        previous = self.lines[i - 1] if i > 0 else None
        return not (previous is not None and (previous.text.endswith(":")
                                              or previous.kind == "numbered"))

    def _start_after_open_record(self, i: int, status: Line) -> int:
        """A status line inside an open record starts the next one; a title just before moves."""
        draft = self.current
        assert draft is not None
        title = None
        if draft.body and draft.body[-1].number == status.number - 1 \
                and looks_like_title(draft.body[-1], self.rules):
            title = draft.body.pop()
            draft.release(title)
        self._end_without_contact(draft)
        new = self._new()
        if title is not None:
            self._set_title(new, title)
        new.status = status
        new.take(status, "status")
        i += 1
        if title is None:
            nxt = self.lines[i] if i < len(self.lines) else None
            if nxt is not None and nxt.kind == "numbered":
                self._set_title(new, nxt)
                i += 1
        return i

    def _end_without_contact(self, draft: Draft) -> None:
        """Close a record that has no contact block (the next record has started)."""
        self.mode = "closed"

    def _is_pointer_line(self, i: int, line: Line) -> bool:
        """'Lisätietoja hankkeesta X:n nettisivuilta.' before the real marker is description."""
        if not line.content or line.text[len(line.marker or ""):].lstrip().startswith(":"):
            return False
        if line_contacts(line, line.content, self.rules):
            return False
        nxt = self._next(i)
        return nxt is not None and nxt.kind == "marker"

    def _read_inline_contact(self, draft: Draft, line: Line) -> None:
        """'Lisätietoja: Name, Org' — the marker line carries the first contact."""
        if line_contacts(line, line.content, self.rules) is None:
            draft.unreadable.append(line)

    def _take_partners(self, i: int) -> int:
        """A partner statement, joined with the lines it wraps onto."""
        draft = self.current
        assert draft is not None
        statement = [self.lines[i]]
        draft.take(self.lines[i], "partners")
        i += 1
        while i < len(self.lines) and self._partner_list_continues(statement, self.lines[i]):
            statement.append(self.lines[i])
            draft.take(self.lines[i], "partners")
            i += 1
        draft.partners.append(statement)
        return i

    def _partner_list_continues(self, statement: list[Line], nxt: Line) -> bool:
        """Does the next line continue a wrapped partner list?"""
        if nxt.kind != "text":
            return False
        last = statement[-1].content if len(statement) == 1 else statement[-1].text
        joiners = tuple(f" {j}" for j in self.rules.partner_joiners)
        if last.rstrip().endswith(",") or last.rstrip().endswith(joiners):
            return True
        first_word = nxt.text.split(" ", 1)[0].casefold()
        return first_word in self.rules.partner_joiners

    # -- state: contact block
    def _in_contacts(self, i: int, line: Line) -> int:
        draft = self.current
        assert draft is not None
        has_contact = bool(draft.contacts) or bool(draft.marker and draft.marker.content)
        if line.kind in ("text", "bullet") and line_contacts(line, line.text, self.rules):
            draft.contacts.append(line)
            draft.take(line, "contact")
            return i + 1
        if line.kind == "partners" and has_contact and not draft.trailing_partners:
            draft.trailing_partners = True
            self.mode = "closed"
            return self._take_partners(i)
        if not has_contact:
            nxt = self._next(i)
            starts_record = (line.kind in ("status", "numbered", "marker")
                             or (nxt is not None and nxt.kind == "status"))
            if starts_record:
                draft.incomplete_reason = (
                    f"contact marker at line {draft.marker.number} is followed by no contact line")
            else:
                draft.contacts.append(line)
                draft.unreadable.append(line)
                draft.take(line, "contact")
                self.mode = "closed"
                return i + 1
        self.mode = "closed"
        return i


# --------------------------------------------------------------- partner statements

@dataclass
class PartnerItem:
    text: str                        # as written (cleaned)
    line: int
    members: list[str] = field(default_factory=list)   # municipalities in parentheses
    qualifier: str | None = None     # other text in parentheses
    stripped: str | None = None      # descriptive words removed before the name


def split_top_level(text: str, joiners: tuple[str, ...]) -> list[str]:
    """Split on commas, semicolons and joiner words outside parentheses.

    'sosiaali- ja terveyskuntayhtymä' is one phrase: a joiner after a word ending in a
    hyphen joins the parts of a compound, not two partners.
    """
    stops = _split_stop_pattern(joiners)
    parts: list[str] = []
    depth = 0
    start = 0
    pos = 0
    while (stop := stops.search(text, pos)) is not None:
        found, i = stop.group(), stop.start()
        if found == "(":
            depth += 1
        elif found == ")":
            depth = max(0, depth - 1)
        elif found == "," or found == ";":
            if depth == 0:
                parts.append(text[start:i])
                start = i + 1
        elif depth == 0 and not text[:i].rstrip().endswith("-"):
            parts.append(text[start:i])            # a joiner word between two partners
            start = pos = stop.end()
            continue
        pos = i + 1           # a joiner not taken may still start another one further on
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=32)
def _split_stop_pattern(joiners: tuple[str, ...]) -> re.Pattern[str]:
    """A bracket, a separator, or a joiner word with the white space around it."""
    return re.compile(rf"[(),;]|{joiner_pattern(joiners).pattern}", re.IGNORECASE)


def _strip_descriptors(item: str, rules: CatalogueRules) -> tuple[str, str | None]:
    """Drop lowercase words before the name ('lisäksi yksityinen kumppanioppilaitos X')."""
    if item[:1].isupper() or item[:1].isdigit():
        return item, None                        # the usual case: the name comes first
    words = item.split()
    k = 0
    while k < len(words) - 1 and not words[k][:1].isupper() and not words[k][:1].isdigit():
        k += 1
    if k == 0:
        return item, None
    return " ".join(words[k:]), " ".join(words[:k])


def _split_parentheses(item: str) -> tuple[str, str | None]:
    """('Porvoo', 'Porvoon kaupunginkirjasto') from 'Porvoo (Porvoon kaupunginkirjasto)'."""
    m = PARENTHESES_RE.match(item) if "(" in item and ")" in item else None
    return (m.group(1).strip(), m.group(2).strip()) if m else (item, None)


def partner_items(statement: list[Line], rules: CatalogueRules,
                  index: MunicipalityIndex) -> list[PartnerItem]:
    """The partners of one (maybe wrapped) statement, in order, with their line numbers."""
    pieces = [(line.content if n == 0 else line.text, line.number)
              for n, line in enumerate(statement)]
    text = " ".join(p for p, _ in pieces)
    items: list[PartnerItem] = []
    cursor = 0
    for raw in split_top_level(text, rules.partner_joiners):
        line_no, cursor = _line_of(raw, pieces, text, cursor)
        main, paren = _split_parentheses(raw)
        main, stripped = _strip_descriptors(main, rules)
        item = PartnerItem(text=main, line=line_no, stripped=stripped)
        if paren:
            label, _, listed = paren.rpartition(":")
            members = split_top_level(listed, rules.partner_joiners)
            if members and all(index.resolve(m) for m in members):
                item.members = members
            else:
                item.qualifier = paren
        if items and _is_acronym_of_previous(item, items[-1], index):
            items[-1].text = f"{items[-1].text}, {item.text}"
            items[-1].members += item.members
            continue
        items.append(item)
    return items


def _line_of(raw: str, pieces: list[tuple[str, int]], text: str,
             cursor: int) -> tuple[int, int]:
    """The line an item stands on: found by its offset in the joined text, searching on
    from the previous item (so "Ii" on a wrapped line is not found inside "Iitti")."""
    position = text.find(raw, cursor)
    if position < 0:
        return pieces[0][1], cursor
    start = 0
    for piece, number in pieces:
        end = start + len(piece)
        if position < end:
            return number, position + len(raw)
        start = end + 1  # the joining space
    return pieces[-1][1], position + len(raw)


def _is_acronym_of_previous(item: PartnerItem, previous: PartnerItem,
                            index: MunicipalityIndex) -> bool:
    """'KuusSote' after '… kuntayhtymä' names the same organisation, not a new partner."""
    text = item.text
    if " " in text or not ACRONYM_RE.match(text) or sum(map(str.isupper, text)) < 2:
        return False                      # the cheap tests first: most items fail them
    return not index.resolve(previous.text) and index.resolve(text) is None


# ---------------------------------------------------------------- record building

@dataclass
class Context:
    """What building a record needs besides its draft."""

    document: str
    rules: CatalogueRules
    index: MunicipalityIndex
    problems: list[Problem]

    def warn(self, draft: Draft, line: int | None, field_name: str | None, message: str,
             severity: str = "warning") -> None:
        self.problems.append(Problem(line=line, field=field_name, message=message,
                                     severity=severity, record=draft.index,
                                     document=self.document))


def municipality_ref(resolution: Resolution) -> dict[str, str]:
    return {"name": resolution.name_fi, "code": resolution.code}


def read_partners(draft: Draft, ctx: Context) -> tuple[list[dict], list[str], list[dict]]:
    """(partner municipalities, partner organisations, how each was read)."""
    municipalities: list[dict[str, str]] = []
    organisations: list[str] = []
    readings: list[dict[str, Any]] = []
    for statement in draft.partners:
        for item in partner_items(statement, ctx.rules, ctx.index):
            if item.stripped:
                ctx.warn(draft, item.line, "partner_organisations",
                         f"partner '{item.stripped} {item.text}' read as '{item.text}'", "info")
            resolution = ctx.index.resolve(item.text)
            if resolution is not None:
                _note_resolution(draft, ctx, item.text, item.line, resolution,
                                 "partner_municipalities")
                _add_municipality(municipalities, resolution)
                readings.append({"as_written": item.text, "line": item.line,
                                 "code": resolution.code, "method": resolution.method})
            else:
                name = f"{item.text} ({item.qualifier})" if item.qualifier else item.text
                if _looks_like_place(item.text):
                    ctx.warn(draft, item.line, "partner_municipalities",
                             f"unknown municipality '{item.text}' kept as an organisation")
                if name not in organisations:
                    organisations.append(name)
                readings.append({"as_written": name, "line": item.line, "code": None,
                                 "method": None})
            for member in item.members:
                member_res = ctx.index.resolve(member)
                if member_res is None:
                    continue
                _note_resolution(draft, ctx, member, item.line, member_res,
                                 "partner_municipalities")
                _add_municipality(municipalities, member_res)
                readings.append({"as_written": member, "line": item.line,
                                 "code": member_res.code, "method": member_res.method,
                                 "member_of": item.text})
    return municipalities, organisations, readings


def read_prose_partners(draft: Draft, ctx: Context) -> tuple[list[dict], list[dict]]:
    """(partner municipalities, how each was read) from the lists sentences of the
    description give ("Mukana olivat Rääkkylän kunnan lisäksi Enonkosken kunta, … ja
    Teuva"), for a record with no partner line. A sentence is no list of names, so only
    what is a municipality of the code list counts, never by a near miss; the other
    words of the list are left alone (reported when they look like a place name)."""
    municipalities: list[dict[str, str]] = []
    readings: list[dict[str, Any]] = []
    for pieces in prose_partner_lists(draft.body, ctx.rules):
        text = " ".join(piece for piece, _ in pieces)
        cursor = 0
        for raw in split_top_level(text, ctx.rules.prose_partner_joiners):
            line_no, cursor = _line_of(raw, pieces, text, cursor)
            main, _ = _strip_descriptors(_split_parentheses(raw)[0], ctx.rules)
            resolution = ctx.index.resolve(main)
            if resolution is None or resolution.is_near_miss:
                if _looks_like_place(main):
                    ctx.warn(draft, line_no, "partner_municipalities",
                             f"'{main}' in a partner list of the description is no "
                             "municipality of the code list; not read as a partner", "info")
                continue
            _add_municipality(municipalities, resolution)
            readings.append({"as_written": main, "line": line_no, "code": resolution.code,
                             "method": resolution.method, "in_prose": True})
    return municipalities, readings


def prose_partner_lists(body: list[Line], rules: CatalogueRules) -> list[list[tuple[str, int]]]:
    """Each partner list in a sentence of the description, as (text, line number) pieces:
    from the words that open it (`[partners] prose` of the rules) to the end of the
    sentence, or to the word that closes it when the rules give one ("Yhteistyötä tehtiin
    A:n, B:n ja C:n kanssa"; without that word in the sentence there is no list), over
    at most PROSE_LIST_MAX_LINES lines and PROSE_LIST_MAX_CHARS characters when it wraps."""
    pattern = rules.prose_partner_pattern
    lists: list[list[tuple[str, int]]] = []
    if pattern is None or not rules.may_open_prose_list("\n".join(l.text for l in body)):
        return lists                         # one test for the record: most have no such list
    for n, line in enumerate(body):
        openings = list(pattern.finditer(line.text))
        for o, opening in enumerate(openings):
            closing = rules.prose_list_closing(opening.group())
            # a list ends where the next one opens, and is never longer than the bound
            stop = openings[o + 1].start() if o + 1 < len(openings) else len(line.text)
            text, k = line.text[opening.end():stop], n
            pieces: list[tuple[str, int]] = []
            size = 0
            while True:
                text = text[:PROSE_LIST_MAX_CHARS - size]
                end = PROSE_SENTENCE_END_RE.search(text)
                cut = end.start() if end else len(text)
                closed = closing.search(text, 0, cut) if closing is not None else None
                pieces.append((text[:closed.start() if closed else cut], body[k].number))
                size += len(text) + 1
                if (end is not None or closed is not None or stop < len(line.text)
                        or len(pieces) >= PROSE_LIST_MAX_LINES
                        or size >= PROSE_LIST_MAX_CHARS or k + 1 >= len(body)
                        or not _list_goes_on(text, body[k + 1], rules)):
                    break
                k += 1
                text = body[k].text
            if closing is None or closed is not None:
                lists.append([(piece.strip(), number) for piece, number in pieces])
    return lists


def _list_goes_on(text: str, nxt: Line, rules: CatalogueRules) -> bool:
    """Does a list that reached the end of a line without ending its sentence wrap onto
    the next line (it ended with a comma or a joining word)?"""
    tail = text.rstrip()
    last_word = tail[tail.rfind(" ") + 1:].casefold()
    return nxt.kind == "text" and (tail.endswith(",") or last_word in rules.partner_joiners)


def _add_municipality(found: list[dict[str, str]], resolution: Resolution) -> None:
    if all(m["code"] != resolution.code for m in found):
        found.append(municipality_ref(resolution))


def _looks_like_place(text: str) -> bool:
    """A single capitalised word (or one with 'kunta'/'kaupunki') reads as a place name."""
    words = text.split()
    if len(words) == 2 and words[1].casefold() in {"kunta", "kaupunki", "stad", "kommun"}:
        return True
    return len(words) == 1 and text[:1].isupper() and not any(c.isdigit() for c in text) \
        and sum(1 for c in text if c.isupper()) == 1


def _note_resolution(draft: Draft, ctx: Context, text: str, line: int,
                     resolution: Resolution, field_name: str) -> None:
    if resolution.method == "near-miss":
        ctx.warn(draft, line, field_name,
                 f"'{text}' resolved to {resolution.name_fi} ({resolution.code}) by near-miss")


def read_contacts(draft: Draft, ctx: Context) -> list[dict[str, Any]]:
    """All contact points of the record in order: people, URLs, e-mails, link texts."""
    points: list[dict[str, Any]] = []
    sources: list[tuple[Line, str]] = []
    if draft.marker is not None and draft.marker.content:
        sources.append((draft.marker, draft.marker.content))
    sources += [(line, line.text) for line in draft.contacts]
    for line, text in sources:
        number = line.number
        entries = line_contacts(line, text, ctx.rules)
        if entries is None:
            ctx.warn(draft, number, "contacts", f"could not read contact line '{text}'")
            points.append({"kind": "unreadable", "text": text, "line": number})
            continue
        for read in entries:
            entry = dict(read)
            entry["line"] = number
            if entry["kind"] == "person":
                _normalise_contact_org(entry, draft, ctx)
            points.append(entry)
    return points


def _normalise_contact_org(entry: dict[str, Any], draft: Draft, ctx: Context) -> None:
    """Organisation as written → official municipality name when it is one."""
    written = entry["organisation_as_written"]
    main, unit = _split_parentheses(written)
    resolution = ctx.index.resolve(main)
    entry["organisation_unit"] = unit
    if resolution is None:
        entry["organisation"] = written
        entry["organisation_code"] = None
        return
    _note_resolution(draft, ctx, main, entry["line"], resolution, "contacts")
    entry["organisation"] = resolution.name_fi
    entry["organisation_code"] = resolution.code


def person_contacts(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The people among the contact points, in the record's output shape.

    `organisation` is the organisation as the line writes it ("Maalahden kunta"); only the
    lead organisation is normalised. The official name and code of a municipality are in
    the record's `contact_points`, for linking.
    """
    return [{"name": p["name"], "organisation": p.get("organisation_as_written")}
            for p in points if p["kind"] == "person"]


def find_lead(draft: Draft, points: list[dict[str, Any]], previous: dict[str, Any] | None,
              ctx: Context) -> tuple[dict[str, Any] | None, str | None]:
    """The lead organisation and where it came from.

    1. the organisation of the first person contact;
    2. numbering: "N." right after "N-1." of the same catalogue group has the same lead;
    3. the domain of a contact e-mail or URL that names a municipality (mikkeli.fi);
    4. a municipality named in the title ("Digiloikka Karkkilassa");
    5. a municipality named as an organisation in the description ("Helsingin kaupungin").
    Otherwise None.
    """
    for point in points:
        if point["kind"] == "person" and point.get("organisation_as_written"):
            code = point.get("organisation_code")
            name = point["organisation"] if code else point["organisation_as_written"]
            return {"name": name, "code": code}, "contact"
    number = draft.title.value if draft.title is not None else None
    if (number and number > 1 and previous is not None and previous.get("number") == number - 1
            and previous.get("lead_organisation")):
        return dict(previous["lead_organisation"]), "numbering"
    for point in points:
        domain = _domain_of(point)
        if domain:
            resolution = ctx.index.resolve(domain)
            if resolution is not None and resolution.method in ("exact", "swedish"):
                return municipality_ref(resolution), "contact-domain"
    if draft.title is not None:
        resolution = _first_named_municipality(draft.title.content, ctx.index, phrase_only=False)
        if resolution is not None:
            return municipality_ref(resolution), "title"
    for line in draft.body:
        resolution = _first_named_municipality(line.text, ctx.index, phrase_only=True)
        if resolution is not None:
            return municipality_ref(resolution), "description"
    return None, None


def _domain_of(point: dict[str, Any]) -> str | None:
    address = point.get("email") or point.get("url")
    if not address:
        return None
    host = address.split("@")[-1] if "@" in address else re.sub(r"^https?://", "", address)
    host = host.split("/")[0].lower().removeprefix("www.")
    labels = host.split(".")
    return labels[-2] if len(labels) >= 2 else None


def _first_named_municipality(text: str, index: MunicipalityIndex,
                              phrase_only: bool) -> Resolution | None:
    """The first municipality a text names (never by near-miss)."""
    if phrase_only:
        candidates = [m.group(1) for m in MUNICIPAL_PHRASE_RE.finditer(text)]
    else:
        candidates = CAPITALISED_WORD_RE.findall(text)
    for word in candidates:
        resolution = index.resolve(word)
        if resolution is not None and resolution.method != "near-miss":
            return resolution
    return None


def detect_language(draft: Draft, rules: CatalogueRules) -> str:
    """'sv' when Swedish words outnumber Finnish ones (a Swedish status line counts too)."""
    text = " ".join([draft.title.content if draft.title else ""]
                    + [line.text for line in draft.body])
    words = text_words(text.casefold())
    swedish_lead = sum(map(rules.language_scores.get, words, repeat(0)))   # sv − fi words
    if draft.status is not None and draft.status.language == "sv":
        swedish_lead += STATUS_LANGUAGE_WEIGHT
    elif draft.status is not None and draft.status.language == "fi":
        swedish_lead -= STATUS_LANGUAGE_WEIGHT
    return "sv" if swedish_lead > 0 else "fi"


# ----------------------------------------------------------- description blocks

def ends_sentence(text: str) -> bool:
    """Does the text end a sentence ("… loppuun.", "… (2023).", "… ”Kaselli”.")?

    Only the end is looked at: a paragraph joined from many wrapped lines is not
    scanned again for every line added to it.
    """
    return text.rstrip(CLOSING_MARKS).endswith(SENTENCE_ENDS)


def _continues(previous_text: str, line: Line, rules: CatalogueRules) -> bool:
    """Is this line the hard-wrapped continuation of the previous one?"""
    if line.kind != "text" or ends_sentence(previous_text):
        return False
    if LOWER_START_RE.match(line.text):
        return True
    tail = previous_text.rstrip()
    last_word = tail[tail.rfind(" ") + 1:]
    return tail.endswith((",", "-", "–")) or last_word.casefold() in rules.partner_joiners


def build_blocks(body: list[Line], rules: CatalogueRules) -> tuple[list[dict], list[dict]]:
    """Description blocks and headed sections from the body lines."""
    description: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    target = description
    previous: Line | None = None
    for line in body:
        if is_heading(line, rules):
            sections.append({"heading": line.text, "items": []})
            target = sections[-1]["items"]
            previous = None
            continue
        if line.kind in ("bullet", "lettered", "numbered"):
            ordered = line.kind != "bullet"
            last = target[-1] if target else None
            if (last and last["type"] == "list" and last["ordered"] == ordered
                    and previous is not None and previous.kind == line.kind):
                last["items"].append(line.content)
            else:
                target.append({"type": "list", "ordered": ordered, "items": [line.content]})
        elif target and previous is not None and _continues(_last_text(target), line, rules):
            _append_text(target, line.text)
        else:
            target.append({"type": "paragraph", "text": line.text})
        previous = line
    return description, sections


def _last_text(blocks: list[dict[str, Any]]) -> str:
    last = blocks[-1]
    return last["text"] if last["type"] == "paragraph" else last["items"][-1]


def _append_text(blocks: list[dict[str, Any]], text: str) -> None:
    last = blocks[-1]
    if last["type"] == "paragraph":
        last["text"] = f"{last['text']} {text}"
    else:
        last["items"][-1] = f"{last['items'][-1]} {text}"


# ------------------------------------------------------------------ links, keys

def record_links(draft: Draft) -> tuple[list[str], list[str]]:
    """(URLs, e-mails) written anywhere in the record, in order, once each."""
    urls: list[str] = []
    emails: list[str] = []
    lines = _all_lines(draft)
    if not _may_hold_link("\n".join(line.text for line in lines)):
        return urls, emails                  # one test for the record: most name no link
    for line in sorted(filter(lambda l: _may_hold_link(l.text), lines), key=attrgetter("number")):
        text = line.text
        if _may_hold_email(text):
            for email in EMAIL_RE.findall(text):
                address = normalise_email(email)
                if address not in emails:
                    emails.append(address)
            text = EMAIL_RE.sub(" ", text)
        if _may_hold_url(text):
            for url in URL_RE.findall(text):
                url = clean_url(url)
                if url not in urls:
                    urls.append(url)
    return urls, emails


def record_bare_urls(draft: Draft, rules: CatalogueRules, urls: list[str]) -> list[str]:
    """Web addresses written without a scheme anywhere in the record ("stat.fi" →
    "https://stat.fi", the host in lowercase), in order, once each; see BARE_HOST_RE.

    Links written with http(s):// or www. (the record's `urls`) and e-mail addresses are
    taken out of a line first, so no part of them is read again; an address whose last
    label is no top-level domain of the rules (raportti.pdf, t.ex.) is not one.
    """
    found: list[str] = []
    lines = _all_lines(draft)
    hint = rules.top_level_domain_hint
    if hint is None or not hint.search("\n".join(line.text for line in lines)):
        return found                         # one test for the record: most name no host
    known = {normalise_url(u) for u in urls}
    for line in sorted(filter(lambda l: hint.search(l.text), lines), key=attrgetter("number")):
        text = line.text
        if _may_hold_email(text):
            text = EMAIL_RE.sub(" ", text)
        if _may_hold_url(text):
            text = URL_RE.sub(" ", text)
        for m in BARE_HOST_RE.finditer(text):
            if m.group(2) not in rules.top_level_domains:
                continue
            address = clean_url(f"https://{m.group(1).lower()}{m.group(3) or ''}")
            if address not in known and address not in found:
                found.append(address)
    return found


def _may_hold_link(text: str) -> bool:
    """_may_hold_email or _may_hold_url, in one call."""
    return _may_hold_email(text) or _may_hold_url(text)


# The quick tests look for one character before a longer needle: a one-character search
# is the fastest a string offers, and these characters are rare in the catalogue's text.

def _may_hold_email(text: str) -> bool:
    """A quick test that lets most lines skip the e-mail pattern (which needs one of these)."""
    return ("@" in text or ("(" in text and "(a" in text)
            or ("[" in text and "[at]" in text))


def _may_hold_url(text: str) -> bool:
    """A quick test that lets most lines skip the link pattern ('://' or 'www.' in any case)."""
    return ((":" in text and "://" in text)
            or (("w" in text or "W" in text) and ("w." in text or "W." in text)
                and "www." in text.lower()))


def normalise_url(url: str) -> str:
    """'www.x.fi' → 'https://www.x.fi'."""
    return url if re.match(r"https?://", url, re.IGNORECASE) else f"https://{url}"


def _all_lines(draft: Draft) -> list[Line]:
    """Every line of the draft (in no particular order)."""
    lines = [l for l in (draft.title, draft.status, draft.marker) if l is not None]
    return lines + draft.body + draft.contacts + [l for s in draft.partners for l in s]


def base_key(title: str | None, lead: dict[str, Any] | None,
             description: list[dict[str, Any]]) -> str:
    """The record's URI key before de-duplication."""
    if title:
        return slugify(title, max_length=60) or "hanke"
    words: list[str] = []
    for block in description:
        text = block["text"] if block["type"] == "paragraph" else " ".join(block["items"])
        words += text.split()
        if len(words) >= UNTITLED_KEY_WORDS:
            break
    lead_name = (lead or {}).get("name") or ""
    return slugify(" ".join([lead_name] + words[:UNTITLED_KEY_WORDS]), max_length=60) or "hanke"


# --------------------------------------------------------------------- assembling

def build_record(draft: Draft, previous: dict[str, Any] | None, ctx: Context) -> dict[str, Any]:
    """All fields of one record, reporting what needed a guess."""
    points = read_contacts(draft, ctx)
    for line in draft.unreadable:
        if all(p.get("line") != line.number or p["kind"] != "unreadable" for p in points):
            ctx.warn(draft, line.number, "contacts", f"could not read contact line '{line.text}'")
    lead, lead_source = find_lead(draft, points, previous, ctx)
    municipalities, organisations, readings = read_partners(draft, ctx)
    if not draft.partners:
        municipalities, readings = read_prose_partners(draft, ctx)
    partner_line = (draft.partners[0][0].number if draft.partners
                    else readings[0]["line"] if readings else None)
    municipalities, organisations = _drop_lead(draft, ctx, lead, municipalities, organisations,
                                               partner_line)
    description, sections = build_blocks(draft.body, ctx.rules)
    urls, emails = record_links(draft)
    title = draft.title.content if draft.title is not None else None
    number = draft.title.value if draft.title is not None else None
    _report_guesses(draft, ctx, lead, lead_source)
    record: dict[str, Any] = {
        "key": base_key(title, lead, description),
        "title": title,
        "number": number,
        "language": detect_language(draft, ctx.rules),
        "ended": draft.status is not None,
        "lead_organisation": lead,
        "lead_organisation_source": lead_source,
        "partner_municipalities": municipalities,
        "partner_organisations": organisations,
        "partners_as_written": readings,
        "contacts": person_contacts(points),
        "contact_points": points,
        "urls": urls,
        "urls_normalised": [normalise_url(u) for u in urls],
        "urls_without_scheme": record_bare_urls(draft, ctx.rules, urls),
        "emails": emails,
        "link_texts": [p["text"] for p in points if p["kind"] == "link-text"],
        "description": description,
        "sections": sections,
        "status_text": draft.status.text if draft.status is not None else None,
        "source": {"document": ctx.document, "first_line": draft.first_line,
                   "last_line": draft.last_line},
        "complete": draft.incomplete_reason is None and not draft.unreadable,
    }
    return record


def _report_guesses(draft: Draft, ctx: Context, lead: dict[str, Any] | None,
                    lead_source: str | None) -> None:
    """Say what the record lacks (contact block, lead, title) and where the lead came from."""
    if draft.marker is None and not draft.contacts:
        ctx.warn(draft, draft.first_line, "contacts",
                 "record has no contact block ('Lisätietoja'); lead organisation "
                 + (f"taken from {lead_source}" if lead else "unknown"))
    if lead_source not in (None, "contact"):
        ctx.warn(draft, draft.first_line, "lead_organisation",
                 f"no contact organisation; lead {lead['name']} taken from {lead_source}", "info")
    elif lead is None:
        ctx.warn(draft, draft.first_line, "lead_organisation",
                 "no contact organisation and no municipality named in the title or text; "
                 "lead organisation left empty")
    if draft.title is None:
        ctx.warn(draft, draft.first_line, "title", "record has no title", "info")


def _drop_lead(draft: Draft, ctx: Context, lead: dict[str, Any] | None,
               municipalities: list[dict], organisations: list[str],
               line: int | None) -> tuple[list[dict], list[str]]:
    """The lead is not repeated among its own partners (`line`: where they are listed)."""
    if not lead:
        return municipalities, organisations
    if lead.get("code") and any(m["code"] == lead["code"] for m in municipalities):
        ctx.warn(draft, line, "partner_municipalities",
                 f"lead {lead['name']} is also listed as a partner; not repeated", "info")
        municipalities = [m for m in municipalities if m["code"] != lead["code"]]
    if not lead.get("code") and lead.get("name") in organisations:
        ctx.warn(draft, line, "partner_organisations",
                 f"lead {lead['name']} is also listed as a partner; not repeated", "info")
        organisations = [o for o in organisations if o != lead["name"]]
    return municipalities, organisations


# ----------------------------------------------------------------------- entry point

def extract_catalogue(path: Path, lines: list[str], rules: CatalogueRules | None = None,
                      index: MunicipalityIndex | None = None) -> Extraction:
    """Read a catalogue text (already split into lines) into records and a line report."""
    rules = rules or load_rules()
    ctx = Context(Path(path).name, rules, index or default_index(), [])
    with collector_paused():
        accounts, classified = _classify_lines(lines, rules)
        drafts = Segmenter(classified, rules).run()
        records, incomplete = _build_records(drafts, lines, ctx, accounts)
        _account_for_the_rest(classified, accounts, ctx)
        _dedupe_keys(records, ctx.problems, ctx.document)
    ctx.problems.sort(key=lambda p: (p.line or 0))
    return Extraction(document=ctx.document, records=records, problems=ctx.problems,
                      line_accounts=[accounts[n] for n in sorted(accounts)],
                      extractor="catalogue", total_lines=len(lines), incomplete=incomplete)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a document is read.

    Reading 30 000 records makes about a million small lists, dicts and line objects and
    no reference cycles; every full collection walks all of them again, which cost a
    third of the time. Reference counting still frees what is dropped, and the collector
    is switched back on afterwards (unless the caller had switched it off).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _classify_lines(lines: list[str],
                    rules: CatalogueRules) -> tuple[dict[int, LineAccount], list[Line]]:
    """Classified non-empty lines, and the accounts of lines a rule sets aside (page numbers)."""
    accounts: dict[int, LineAccount] = {}
    classified: list[Line] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        reason = _unassigned_reason(text, rules) if rules.unassigned_patterns else None
        if reason is not None:
            accounts[number] = LineAccount(number, None, None, reason, text)
            continue
        classified.append(classify_line(number, raw, rules))
    return accounts, classified


def _unassigned_reason(text: str, rules: CatalogueRules) -> str | None:
    """Why a line belongs to no record (a page number …), from the rules; None if it may."""
    for pattern, reason in rules.unassigned_patterns:
        if pattern.fullmatch(text):
            return reason
    return None


def _build_records(drafts: list[Draft], lines: list[str], ctx: Context,
                   accounts: dict[int, LineAccount]
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The records of the drafts in order, each line accounted to its record, and the
    records that could not be finished."""
    records: list[dict[str, Any]] = []
    incomplete: list[dict[str, Any]] = []
    for draft in drafts:
        if not draft.roles:
            continue
        record = build_record(draft, records[-1] if records else None, ctx)
        draft_index = len(records)
        records.append(record)
        for number, role in draft.roles.items():
            accounts[number] = LineAccount(number, draft_index, role, None,
                                           lines[number - 1].strip())
        if not record["complete"]:
            incomplete.append(_report_incomplete(draft, draft_index, ctx))
    return records, incomplete


def _report_incomplete(draft: Draft, draft_index: int, ctx: Context) -> dict[str, Any]:
    """The report entry of a record that could not be finished, and its problem."""
    reason = draft.incomplete_reason or "unreadable contact line(s): " + ", ".join(
        str(l.number) for l in draft.unreadable)
    ctx.problems.append(Problem(line=draft.last_line, field="record", record=draft_index,
                                message=f"record not finished: {reason}",
                                document=ctx.document))
    return {"record": draft_index, "first_line": draft.first_line,
            "last_line": draft.last_line, "reason": reason, "lines": sorted(draft.roles)}


def _account_for_the_rest(classified: list[Line], accounts: dict[int, LineAccount],
                          ctx: Context) -> None:
    """Every line no record took is listed with its reason (and reported)."""
    for line in classified:
        if line.number not in accounts:
            accounts[line.number] = LineAccount(
                line.number, None, None, "not part of any record (no rule placed it)", line.text)
            ctx.problems.append(Problem(
                line=line.number, field=None, document=ctx.document,
                message=f"line not assigned to a record: '{line.text[:60]}'"))


def _dedupe_keys(records: list[dict[str, Any]], problems: list[Problem], document: str) -> None:
    """Keys are unique within the document: a clash gets '-2', '-3' in source order."""
    keys, clashes = unique_keys([r["key"] for r in records])
    for record, key in zip(records, keys):
        record["key"] = key
    for index, old, new in clashes:
        problems.append(Problem(
            line=records[index]["source"]["first_line"], field="key", record=index,
            document=document,
            message=f"key '{old}' is already used by an earlier record; this one is '{new}'"))
