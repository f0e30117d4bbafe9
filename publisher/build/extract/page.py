"""Page extractor: the Swedish web pages, blog posts and press releases (sources 000–003).

A page is read in passes, each a few small functions:

1. `classify` gives every line a kind: blank, boilerplate, metadata (author, date,
   publisher …), heading, paragraph (hard-wrapped paragraphs are joined), bullet, link
   text, expert line, contact line, or a line that only states a figure;
2. `walk` follows the page's sections (as the family's rules name them) and makes the
   records a section presents: the page itself, initiatives under headings, bullets and
   lists, the experts named for them, the concepts a section defines;
3. `find_mentions` adds the initiatives the rules know by name in running text;
4. `find_figures` and `find_named_persons` read figures and people named with a role;
5. `finish` reads addresses, dates and municipalities of the initiatives, checks that every
   expected heading was found, and accounts for every non-empty line.

Which family a page belongs to is told by `detect` patterns in `mappings/page-rules.toml`;
a page no family recognises is read with the generic rules (title, body, mentions,
figures) and the report says so.

Records carry a `type`: document, initiative, person, figure or concept. Each has a
`source` line span; initiatives and figures also a list of `spans`, one per place the
page presents them. People and figures refer to initiatives by record index
(`initiative_refs`), resolved to URIs after merging. The fields of each kind are the record
contract's (`PageRecord`, `InitiativeRecord`, … in `publisher/build/records.py`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.build.extract.base import Extraction, LineAccount, Problem
from publisher.build.extract.page_rules import (PERSON, Family, MentionRule, PageRules, Section,
                                          load_page_rules, phrase_key)
from publisher.build.keys import slugify
from publisher.build.prepare.municipalities import default_index

SENTENCE_END_RE = re.compile(r"[.,;:]['\"”’)]*\s*$")
PARAGRAPH_END_RE = re.compile(r"[.!?:]['\"”’)]*\s*$")
LOWER_START_RE = re.compile(r"^[a-zåäöéü]")
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")
PERSON_WITH_ROLE_RE = re.compile(rf"(?P<name>{PERSON})(?:\s*\((?P<role>[^)]*)\))?")
DATE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")

#: Roles of lines assigned to the page record that a mention may take over.
BODY_ROLES = {"body", "body heading", "link text"}


@dataclass
class Line:
    number: int
    text: str
    kind: str
    reason: str | None = None
    match: dict[str, Any] = field(default_factory=dict)
    role: str | None = None
    head: int | None = None          # for continuation lines: the paragraph's first line
    joined: str | None = None        # for a paragraph's first line: the whole paragraph

    @property
    def content(self) -> str:
        return self.joined if self.joined is not None else self.text


def iso_date(text: str | None) -> str | None:
    match = DATE_RE.match(text or "")
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def split_people(text: str) -> list[str]:
    """'A, B och C' → [A, B, C] (names only)."""
    parts = re.split(r",\s*|\s+(?:och|samt)\s+", text)
    return [p.strip() for p in parts if p.strip()]


# ------------------------------------------------------------------------------- pass 1

def classify(lines: list[str], rules: PageRules, family: Family) -> list[Line]:
    """A kind for every line; paragraphs broken over lines are joined to their first line."""
    out: list[Line] = []
    in_contacts = False
    last_paragraph: Line | None = None
    total = len(lines)
    for number, raw in enumerate(lines, start=1):
        text = " ".join(raw.split())      # also folds no-break spaces, which the pages use
        if not text:
            out.append(Line(number, "", "blank"))
            continue
        line = Line(number, text, "paragraph")
        out.append(line)
        if _classify_fixed(line, rules, family):
            in_contacts = False
            last_paragraph = None
            continue
        if family.contact_marker and family.contact_marker.search(text):
            line.kind, in_contacts = "contact marker", True
            continue
        if in_contacts:
            match = _first_match(family.contacts, text)
            if match is not None:
                line.kind, line.match = "contact", match
                continue
            in_contacts = False
        if (match := _first_match(family.experts, text)) is not None:
            line.kind, line.match = "expert", match
            continue
        bullet = rules.bullet.match(text)
        if bullet:
            line.kind, line.text = "bullet", bullet.group("text").strip()
            last_paragraph = None
            continue
        if any(p.search(text) for p in rules.links) and len(text.split()) <= 20:
            line.kind = "link"
            last_paragraph = None
            continue
        alone = ((number == 1 or not lines[number - 2].strip())
                 and (number == total or not lines[number].strip()))
        if (alone and len(text.split()) <= rules.heading_max_words
                and len(text) <= rules.heading_max_chars and not SENTENCE_END_RE.search(text)
                and not rules.url.search(text)):
            line.kind = "heading"
            last_paragraph = None
            continue
        if (last_paragraph is not None and LOWER_START_RE.match(text)
                and not PARAGRAPH_END_RE.search(last_paragraph.content)):
            line.kind, line.head = "continuation", last_paragraph.number
            last_paragraph.joined = f"{last_paragraph.content} {text}"
            continue
        last_paragraph = line
    return out


def _first_match(entries, text: str) -> dict[str, Any] | None:
    for entry in entries:
        match = entry.pattern.search(text)
        if match:
            found = {k: v for k, v in match.groupdict().items() if v is not None}
            found.update({"_rule": entry.value, **entry.extra})
            return found
    return None


def _classify_fixed(line: Line, rules: PageRules, family: Family) -> bool:
    """Boilerplate, metadata and whole-line figures: kinds that need no context."""
    for entry in (*rules.boilerplate, *family.boilerplate):
        if entry.pattern.search(line.text):
            line.kind, line.reason = "boilerplate", entry.value or "page furniture"
            return True
    match = _first_match(family.metadata, line.text)
    if match is not None:
        line.kind, line.match, line.role = "meta", match, match["_rule"]
        return True
    for figure in rules.figures:
        if figure.pattern.pattern.startswith("^") and figure.pattern.search(line.text):
            line.kind = "figure"
            return True
    return False


# ------------------------------------------------------------------------------- the reader

class PageReader:
    """Reads one page into records, with an account of every line."""

    def __init__(self, document: str, lines: list[str], rules: PageRules,
                 family: Family, detected: bool) -> None:
        self.document = document
        self.lines = lines
        self.rules = rules
        self.family = family
        self.detected = detected
        self.records: list[dict[str, Any]] = []
        self.problems: list[Problem] = []
        self.accounts: dict[int, LineAccount] = {}
        self.classified: list[Line] = []
        self.seen_sections: set[str] = set()
        self.mention_records: dict[str, int] = {}
        self.index = default_index()

    # ------------------------------------------------------------ helpers
    def problem(self, line: int | None, field_name: str | None, message: str,
                record: int | None = None, severity: str = "warning") -> None:
        self.problems.append(Problem(line, field_name, message, severity, record, self.document))

    def assign(self, line: Line, record: int, role: str) -> None:
        self.accounts[line.number] = LineAccount(line.number, record, role, None, line.text)
        for other in self.classified:
            if other.head == line.number:
                self.accounts[other.number] = LineAccount(
                    other.number, record, f"{role} (continued)", None, other.text)

    def unassign(self, line: Line, reason: str) -> None:
        self.accounts[line.number] = LineAccount(line.number, None, None, reason, line.text)

    def add(self, record: dict[str, Any]) -> int:
        self.records.append(record)
        return len(self.records) - 1

    def next_line(self, line: Line) -> Line | None:
        """The next line that is neither blank nor page furniture."""
        return next((o for o in self.classified[line.number:]
                     if o.kind not in ("blank", "boilerplate", "continuation")), None)

    def block_end(self, line: Line) -> int:
        """The last line of the paragraph that starts at `line`."""
        return max([line.number] + [o.number for o in self.classified if o.head == line.number])

    def extend_span(self, record: dict[str, Any], first: int, last: int, new: bool = False) -> None:
        spans = record.setdefault("spans", [])
        if new or not spans:
            spans.append([first, last])
        else:
            spans[-1][1] = max(spans[-1][1], last)
        source = record["source"]
        source["first_line"] = min(s[0] for s in spans)
        source["last_line"] = max(s[1] for s in spans)

    def new_initiative(self, name: str, line: Line, kind: str, kind_rule: str, origin: str,
                       section: Section | None, topic: str | None, title: str | None = None,
                       language: str | None = None) -> int:
        record = {
            "type": "initiative", "key": slugify(name, max_length=80) or "initiative",
            "name": name, "title": title or name, "kind": kind, "kind_rule": kind_rule,
            "origin": origin, "language": language or self.family.language,
            "section": section.heading if section else None, "topic": topic,
            "description": [], "alt_names": [], "labels": {}, "urls": [], "link_texts": [],
            "lead_organisation": None, "partners": [], "funded_by_programme": False,
            "start_date": None, "end_date": None,
            "source": {"document": self.document, "first_line": line.number,
                       "last_line": line.number},
            "spans": [[line.number, line.number]],
        }
        return self.add(record)

    def kind_of(self, heading: str, description: str, default: str) -> tuple[str, str]:
        """The first kind rule matching the heading, else the description's first sentence,
        else the whole description; else the default."""
        first_sentence = SENTENCE_SPLIT_RE.split(description, maxsplit=1)[0] if description else ""
        for where, text in (("heading", heading), ("first sentence", first_sentence),
                            ("description", description)):
            if not text:
                continue
            for rule in self.rules.kinds:
                match = rule.pattern.search(text)
                if match:
                    return rule.value, f"'{match.group(0)}' in the {where}"
        return default, "default of its section"

    # ------------------------------------------------------------ run
    def run(self) -> Extraction:
        self.classified = classify(self.lines, self.rules, self.family)
        if not self.detected:
            self.problem(None, "family", "no family of mappings/page-rules.toml recognises this "
                         "page; it is read with the generic rules (title, body, mentions, figures)")
        self.document_record = self.add({
            "type": "document", "key": None, "title": None, "family": self.family.name,
            "genre": self.family.genre, "language": self.family.language,
            "publisher": self.family.publisher, "date": None, "time": None,
            "date_original": None, "authors": [], "description": None, "tags": [],
            "link_texts": [], "urls": [], "headings": [],
            "source": {"document": self.document, "first_line": 1,
                       "last_line": max(len(self.lines), 1)},
        })
        self.read_metadata()
        self.walk()
        self.find_mentions()
        self.link_topic_experts()
        self.link_role_experts()
        self.find_figures()
        self.find_named_persons()
        self.finish()
        accounts = [self.accounts[line.number] for line in self.classified
                    if line.kind != "blank" and line.number in self.accounts]
        return Extraction(document=self.document, records=self.records, problems=self.problems,
                          line_accounts=accounts, extractor="page", total_lines=len(self.lines))

    # ------------------------------------------------------------ metadata
    def read_metadata(self) -> None:
        doc = self.records[self.document_record]
        for line in self.classified:
            if line.kind == "boilerplate":
                self.unassign(line, line.reason or "page furniture")
            if line.kind != "meta":
                continue
            found = line.match
            self.assign(line, self.document_record, line.role or "metadata")
            if "date" in found:
                doc["date"] = iso_date(found["date"])
                doc["time"] = found.get("time")
                if doc["date"] is None:
                    self.problem(line.number, "date", f"'{found['date']}' is not a date")
            if "date_original" in found:
                doc["date_original"] = iso_date(found["date_original"])
            if "publisher" in found:
                doc["publisher"] = found["publisher"]
            if "genre" in found:
                doc["genre_as_written"] = found["genre"]
            for name in ([found["author"]] if "author" in found else []) + \
                    (split_people(found["authors"]) if "authors" in found else []):
                self.add_author(name, line)
            if "role" in found or "organisation" in found:
                for author in doc["authors"]:
                    person = self.records[author["record"]]
                    person["role"] = person["role"] or found.get("role")
                    person["organisation"] = person["organisation"] or found.get("organisation")
                    person["lines"].append(line.number)
            if "twitter" in found:
                for author in doc["authors"][:1]:
                    self.records[author["record"]]["twitter"] = found["twitter"]
            if "tags" in found:
                self.read_tags(found["tags"], line)
        if self.family.byline:
            names = {a["name"] for a in doc["authors"]}
            for line in self.classified:
                if line.kind in ("heading", "paragraph") and line.text in names:
                    line.kind, line.role = "meta", "byline"
                    self.assign(line, self.document_record, "byline")
        if self.detected and not doc["date"]:
            self.problem(None, "date", "the page states no publication date"
                         + (" (no metadata line matched)" if self.family.metadata else ""))

    def add_author(self, name: str, line: Line) -> None:
        doc = self.records[self.document_record]
        if any(a["name"] == name for a in doc["authors"]):
            return
        index = self.add(self.person(name, "author", line.number, role=None))
        doc["authors"].append({"name": name, "record": index})

    def read_tags(self, text: str, line: Line) -> None:
        doc = self.records[self.document_record]
        rest = text
        for tag in self.family.tags:
            if tag in rest:
                doc["tags"].append(tag)
                rest = rest.replace(tag, " ")
        if rest.strip():
            self.problem(line.number, "tags", f"words not among the known tags: '{rest.strip()}'")

    def person(self, name: str, relation: str, line: int, role: str | None,
               organisation: str | None = None, refs: list[int] | None = None,
               topic: str | None = None) -> dict[str, Any]:
        return {"type": "person", "key": slugify(name, max_length=80), "name": name,
                "relation": relation, "role": role, "organisation": organisation,
                "initiative_refs": refs or [], "topic": topic, "phone": None, "twitter": None,
                "fallback_municipality": None, "lines": [line],
                "language": self.family.language,
                "source": {"document": self.document, "first_line": line, "last_line": line}}

    # ------------------------------------------------------------ pass 2: sections
    def walk(self) -> None:
        doc = self.records[self.document_record]
        content = [line for line in self.classified
                   if line.kind not in ("blank", "boilerplate", "meta", "continuation")]
        section: Section | None = None
        topic: str | None = None
        topic_refs: list[int] = []
        current: int | None = None           # the heading-based initiative whose block is open
        list_intro: str | None = None        # a paragraph ending with ":" opens a list
        contact_refs: list[int] = []
        expected_list: Line | None = None
        topic_start = 1                      # the first line of the open topic (or section)
        for position, line in enumerate(content):
            following = content[position + 1] if position + 1 < len(content) else None
            if expected_list is not None and line.kind != "expert":
                self.problem(expected_list.number, "experts",
                             f"'{expected_list.text}' announces a list of experts, but no "
                             f"expert line follows it")
                self.unassign(expected_list, "announces a list of experts, but none follows "
                              "in the text")
                expected_list = None
            elif line.kind == "expert":
                expected_list = None
            opened = (self.family.section_for(line.text)
                      if line.kind in ("heading", "paragraph") else None)
            first_short = (position == 0 and line.kind == "paragraph"
                           and len(line.text.split()) <= self.rules.heading_max_words
                           and not SENTENCE_END_RE.search(line.text))
            if doc["title"] is None and (line.kind == "heading" or first_short) and opened is None:
                doc["title"] = line.text
                self.assign(line, self.document_record, "title")
                continue
            if opened is not None:
                section, topic, topic_refs, current, list_intro = opened, None, [], None, None
                topic_start = line.number
                self.seen_sections.add(phrase_key(opened.heading))
                nxt = self.next_line(line)
                empty = nxt is None or (nxt.kind in ("heading", "paragraph")
                                        and self.family.section_for(nxt.text) is not None)
                if empty and not self._heading_is_initiative(opened):
                    self.problem(line.number, "section",
                                 f"section '{line.text}' has no content in the text")
                    self.unassign(line, "section heading whose content is not in the text")
                    continue
                if self._heading_is_initiative(opened):
                    current = self.heading_initiative(line, section, topic, following)
                    continue
                doc["headings"].append(line.text)
                self.assign(line, self.document_record, "section heading")
                continue
            role = section.role if section else ("lead" if doc["description"] is None
                                                 and not self.family.metadata else "article")
            if line.kind == "heading":
                before = topic
                current, list_intro, topic, topic_refs = self.walk_heading(
                    line, section, role, topic, topic_refs, list_intro, following)
                topic_start = line.number if topic != before else topic_start
                if current is not None and current not in topic_refs:
                    topic_refs.append(current)
                continue
            if line.kind == "bullet":
                refs = self.bullet_initiatives(line, section, topic)
                topic_refs.extend(refs)
                current = None
                continue
            if line.kind == "expert":
                scope = self.expert_scope(role, current, topic_refs)
                whole_topic = role == "sectors" or current is None
                self.read_experts(line, scope, topic or (section.heading if section else None),
                                  (topic_start, line.number) if whole_topic else None)
                continue
            if line.kind == "contact marker":
                self.assign(line, self.document_record, "contact block")
                continue
            if line.kind == "contact":
                contact_refs.append(self.read_contact(line))
                continue
            if line.kind == "figure":
                continue       # assigned in find_figures
            if line.kind == "link":
                if current is not None:
                    self.records[current]["link_texts"].append(line.text)
                    self.extend_span(self.records[current], line.number, line.number)
                    self.assign(line, current, "link text")
                else:
                    doc["link_texts"].append(line.text)
                    self.assign(line, self.document_record, "link text")
                continue
            # a paragraph
            if any(p.search(line.content) for p in self.family.expert_lists):
                expected_list = line
                self.assign(line, self.document_record, "expert list heading")
                continue
            if role == "funding" and current is not None and self.records[current]["description"]:
                channel = self.funding_channel(line, section, topic)
                if channel is not None:
                    current = channel
                    continue
            if current is not None:
                record = self.records[current]
                record["description"].append(line.content)
                self.extend_span(record, line.number, self.block_end(line))
                self.assign(line, current, "description")
                continue
            if role == "interoperability" and self.read_concepts(line):
                continue
            if role == "lead" or (doc["description"] is None and role == "article"):
                doc["description"] = line.content
                self.assign(line, self.document_record, "lead" if role == "lead" else "body")
                continue
            if role == "sectors" and line.content.rstrip().endswith(":"):
                list_intro = line.content
            self.assign(line, self.document_record, "body")
        if expected_list is not None:
            self.problem(expected_list.number, "experts",
                         f"'{expected_list.text}' announces a list of experts, but the page ends")
            self.unassign(expected_list, "announces a list of experts, but none follows in the text")
        self.contact_refs = contact_refs

    @staticmethod
    def _heading_is_initiative(section: Section) -> bool:
        return section.heading_is_initiative

    def walk_heading(self, line: Line, section: Section | None, role: str, topic: str | None,
                     topic_refs: list[int], list_intro: str | None, following: Line | None):
        """A sub-heading: a topic, an initiative or a body heading, by the section's role."""
        doc = self.records[self.document_record]
        key = phrase_key(line.text)
        is_topic = section is not None and key in section.topics
        if role == "navigation":
            self.unassign(line, "navigation link to another page")
            return None, None, topic, topic_refs
        if role in ("initiatives", "funding", "sectors") and not is_topic:
            if role == "sectors" and list_intro is not None:
                kind, rule = self.kind_of(line.text, "", "")
                if not kind:
                    kind, rule = self.kind_of(list_intro, "", "project")
                    rule = f"{rule} (the line introducing the list)"
                name = self.heading_name(line.text)
                ref = self.new_initiative(name, line, kind, rule, "list item", section, topic,
                                          title=line.text)
                self.assign(line, ref, "initiative (list item)")
                topic_refs.append(ref)
                return None, list_intro, topic, topic_refs
            ref = self.heading_initiative(line, section, topic, following,
                                          forced="funding" if role == "funding" else None)
            return ref, None, topic, topic_refs
        if role == "experts":
            kind, rule = self.kind_of(line.text, "", "")
            if kind in ("network", "forum"):
                ref = self.heading_initiative(line, section, topic, following)
                return ref, None, topic, topic_refs
        if is_topic or role in ("sectors", "initiatives", "funding", "experts"):
            doc["headings"].append(line.text)
            self.assign(line, self.document_record, "topic heading")
            return None, None, line.text, []
        doc["headings"].append(line.text)
        self.assign(line, self.document_record, "body heading")
        return None, None, topic, topic_refs

    def heading_name(self, heading: str) -> str:
        for pattern in self.rules.heading_names:
            match = pattern.match(heading)
            if match and match.group("name").strip():
                return match.group("name").strip()
        return heading

    def heading_initiative(self, line: Line, section: Section | None, topic: str | None,
                           following: Line | None, forced: str | None = None) -> int:
        description = following.content if following is not None and following.kind == "paragraph" \
            else ""
        if forced:
            kind, rule = forced, f"section '{section.heading}'" if section else "section"
        else:
            kind, rule = self.kind_of(line.text, description, "project")
        name = self.heading_name(line.text)
        ref = self.new_initiative(name, line, kind, rule, "heading", section, topic,
                                  title=line.text)
        self.assign(line, ref, "initiative heading")
        return ref

    def funding_channel(self, line: Line, section: Section | None, topic: str | None) -> int | None:
        """A later paragraph of a funding heading that names who grants the money presents a
        funding channel of its own ("Utbildningsstyrelsen beviljar projektfinansiering …")."""
        for rule in self.family.funding_channels:
            match = rule.pattern.search(line.content)
            if match is None:
                continue
            found = {k: v.strip() for k, v in match.groupdict().items() if v}
            name = rule.value.format_map(found)
            name = name[0].upper() + name[1:]
            ref = self.new_initiative(name, line, "funding", "a paragraph of the section "
                                      f"'{section.heading if section else ''}' naming who grants "
                                      f"it: '{match.group(0)}'", "paragraph", section, topic)
            record = self.records[ref]
            record["description"].append(line.content)
            record["funder"] = {"name": found["funder"]}
            self.extend_span(record, line.number, self.block_end(line))
            self.assign(line, ref, "funding channel (paragraph)")
            return ref
        return None

    def follows_block(self, record: dict[str, Any], line: Line) -> bool:
        """Whether the line continues the heading block of the record: nothing but blank
        lines or page furniture between the block's last line and this one."""
        if record["origin"] != "heading" or not record["spans"]:
            return False
        last = record["spans"][-1][1]
        return all(other.kind in ("blank", "boilerplate")
                   for other in self.classified[last:line.number - 1])

    def bullet_initiatives(self, line: Line, section: Section | None, topic: str | None) -> list[int]:
        """One initiative per bullet, or more where a later sentence names another one."""
        sentences = SENTENCE_SPLIT_RE.split(line.text)
        groups: list[tuple[str | None, list[str]]] = [(self.bullet_name(sentences[0]), [sentences[0]])]
        for sentence in sentences[1:]:
            extra = next((m.group("name") for p in self.rules.bullet_more_names
                          if (m := p.search(sentence))), None)
            if extra:
                groups.append((extra, [sentence]))
            else:
                groups[-1][1].append(sentence)
        refs = []
        for n, (name, parts) in enumerate(groups):
            text = " ".join(parts)
            if name is None:
                name = " ".join(text.split()[:6]).rstrip(".,") + "…"
                self.problem(line.number, "name", "no name recognised in the bullet; the first "
                             "words stand for it")
            kind, rule = self.kind_of("", text, "project")
            ref = self.new_initiative(name, line, kind, rule, "bullet", section, topic)
            self.records[ref]["description"].append(text)
            if n == 0:
                self.assign(line, ref, "initiative (bullet)")
            refs.append(ref)
        if len(refs) > 1:
            names = ", ".join(self.records[r]["name"] for r in refs)
            account = self.accounts[line.number]
            account.role = f"initiative (bullet presenting {names})"
        return refs

    def bullet_name(self, sentence: str) -> str | None:
        for pattern in self.rules.bullet_names:
            match = pattern.search(sentence)
            if match:
                name = match.group("name").strip()
                return name[0].upper() + name[1:] if name[0].islower() and " " in name else name
        return None

    def expert_scope(self, role: str, current: int | None, topic_refs: list[int]) -> list[int]:
        if role == "sectors":
            return list(topic_refs)
        if current is not None:
            return [current]
        return []

    def read_experts(self, line: Line, refs: list[int], topic: str | None,
                     topic_lines: tuple[int, int] | None = None) -> None:
        """People of an expert line, named for the initiatives in scope (or for the topic);
        `topic_lines` is the span of the topic they are the experts of, whose initiatives
        named in running text are found later (`link_topic_experts`)."""
        found = line.match
        people = [(m.group("name"), m.group("role") or found.get("_rule") or None)
                  for m in PERSON_WITH_ROLE_RE.finditer(found.get("people", ""))]
        if not people:
            self.problem(line.number, "experts", "an expert line with no name in it")
            self.unassign(line, "expert line naming nobody")
            return
        organisation = found.get("organisation")
        topic = found.get("topic", topic)
        first = None
        for name, role in people:
            index = self.add(self.person(name, "expert", line.number, role, organisation,
                                         list(refs), topic=None if refs else topic))
            self.records[index]["topic_lines"] = list(topic_lines) if topic_lines else None
            first = index if first is None else first
            for ref in refs:
                self.extend_span(self.records[ref], line.number, line.number,
                                 new=not self.follows_block(self.records[ref], line))
        self.assign(line, first, "expert" if len(people) == 1 else f"experts ({len(people)})")

    def read_contact(self, line: Line) -> int:
        found = line.match
        doc = self.records[self.document_record]
        index = self.add(self.person(found["name"], "contact", line.number, found.get("role"),
                                     doc.get("publisher")))
        self.records[index]["phone"] = " ".join(found.get("phone", "").split()) or None
        self.assign(line, index, "contact")
        return index

    def read_concepts(self, line: Line) -> bool:
        """Sentences defining a concept (the EIF layers) become concept records."""
        sentences = SENTENCE_SPLIT_RE.split(line.content)
        starts = []
        for n, sentence in enumerate(sentences):
            for rule in self.family.concepts:
                if rule.pattern.search(sentence):
                    starts.append((n, rule))
                    break
        if not starts:
            return False
        first = None
        for position, (n, rule) in enumerate(starts):
            end = starts[position + 1][0] if position + 1 < len(starts) else len(sentences)
            index = self.add({
                "type": "concept", "scheme": rule.extra.get("scheme"), "key": rule.value,
                "text": " ".join(sentences[n:end]), "language": self.family.language,
                "source": {"document": self.document, "first_line": line.number,
                           "last_line": self.block_end(line)},
                "spans": [[line.number, self.block_end(line)]]})
            first = index if first is None else first
        if starts[0][0] > 0:
            self.records[self.document_record]["body_sentences"] = sentences[:starts[0][0]]
        self.assign(line, first, "concept definition")
        return True

    # ------------------------------------------------------------ pass 3: mentions
    def find_mentions(self) -> None:
        title_line = next((n for n, a in self.accounts.items() if a.role == "title"), None)
        for line in self.classified:
            if line.kind in ("blank", "boilerplate", "meta", "continuation", "contact"):
                continue
            account = self.accounts.get(line.number)
            for rule in self.rules.mentions:
                label = next(((entry, m) for entry in rule.labels
                              if (m := entry.pattern.search(line.content))), None)
                if label is None and not any(p.search(line.content) for p in rule.patterns):
                    continue
                if account is not None and account.record not in (self.document_record, None) \
                        and self.records[account.record]["type"] == "initiative" \
                        and self.records[account.record].get("origin") != "mention" \
                        and not rule.also_where_presented:
                    continue        # a heading or bullet already presents it
                index = self.mention_record(rule, line)
                record = self.records[index]
                self.extend_span(record, line.number, self.block_end(line), new=True)
                if label is not None:
                    entry, match = label
                    record["labels"][entry.value] = match.group("label")
                if line.number == title_line:
                    continue
                takes = account is None or (account.record == self.document_record
                                            and account.role in BODY_ROLES)
                if takes:
                    role = "name in " + label[0].value if label else (
                        "link text" if line.kind == "link" else "mention")
                    self.assign(line, index, role)
                    account = self.accounts[line.number]
                elif account is not None and account.role.startswith("mention"):
                    account.role = self.shared_mention_role(account, rule)
                if line.kind == "link":
                    record["link_texts"].append(line.text)
                elif label is None and line.kind != "expert":
                    record.setdefault("mention_texts", []).append(line.content)

    def link_topic_experts(self) -> None:
        """The experts of a topic are also named for the initiatives the topic presents in
        running text (Verke in "Digitalt ungdomsarbete i kommunen", 000:208)."""
        mentions = set(self.mention_records.values())
        for record in self.records:
            if record["type"] != "person" or not record.get("topic_lines"):
                continue
            first, last = record["topic_lines"]
            for number in range(first, last + 1):
                account = self.accounts.get(number)
                if account is not None and account.record in mentions:
                    self.name_expert_for(record, account.record)

    def link_role_experts(self) -> None:
        """An expert whose role names an initiative the page presents is named for it too
        ("Laura Lyly (tävlingen Klash och forskning)")."""
        for record in self.records:
            if record["type"] != "person" or record["relation"] != "expert" or not record["role"]:
                continue
            for rule in self.rules.mentions:
                if rule.name in self.mention_records and any(
                        p.search(record["role"]) for p in rule.patterns):
                    self.name_expert_for(record, self.mention_records[rule.name])

    def name_expert_for(self, person: dict[str, Any], ref: int) -> None:
        if ref in person["initiative_refs"]:
            return
        person["initiative_refs"].append(ref)
        line = person["source"]["first_line"]
        initiative = self.records[ref]
        if not any(a <= line <= b for a, b in initiative["spans"]):
            self.extend_span(initiative, line, line, new=True)
            initiative["spans"].sort()

    def shared_mention_role(self, account: LineAccount, rule: MentionRule) -> str:
        """A paragraph naming several initiatives of the mention rules says so."""
        names = (account.role.removeprefix("mention of ").split(", ")
                 if account.role.startswith("mention of ")
                 else [self.records[account.record]["name"]])
        return "mention of " + ", ".join(names + [rule.name])

    def mention_record(self, rule: MentionRule, line: Line) -> int:
        if rule.name in self.mention_records:
            return self.mention_records[rule.name]
        index = self.new_initiative(rule.name, line, rule.kind, "named in the mention rules",
                                    "mention", None, None, language=rule.language)
        record = self.records[index]
        record["spans"] = []
        record["alt_names"] = list(rule.alt_names)
        if rule.lead:
            record["lead_organisation"] = {"key": rule.lead}
        record["partners"] = [{"key": key} for key in rule.partners]
        record["mention_rule"] = rule.name
        self.mention_records[rule.name] = index
        return index

    # ------------------------------------------------------------ pass 4: figures
    def initiative_at(self, line: Line) -> int | None:
        """The initiative a line is about: a mention on the line, else the heading or
        bullet whose span holds it."""
        for rule in self.rules.mentions:
            if rule.name in self.mention_records and any(p.search(line.content) for p in rule.patterns):
                return self.mention_records[rule.name]
        account = self.accounts.get(line.number)
        if account is not None and account.record is not None \
                and self.records[account.record]["type"] == "initiative":
            return account.record
        holders = [i for i, r in enumerate(self.records) if r["type"] == "initiative"
                   and r.get("origin") == "heading"
                   and any(a <= line.number <= b for a, b in r["spans"])]
        return holders[-1] if holders else None

    def find_figures(self) -> None:
        seen: dict[tuple[str, int, str], int] = {}
        for line in self.classified:
            if line.kind in ("blank", "boilerplate", "meta", "continuation"):
                continue
            for rule in self.rules.figures:
                for match in rule.pattern.finditer(line.content):
                    value = self.figure_value(match.group("value"))
                    if value is None:
                        self.problem(line.number, "figure",
                                     f"'{match.group('value')}' is not a number")
                        continue
                    qualifier_text = (match.groupdict().get("qualifier") or "").casefold()
                    qualifier = self.rules.qualifiers.get(qualifier_text, "exact")
                    subject: dict[str, Any]
                    if rule.subject == "initiative":
                        ref = self.initiative_at(line)
                        if ref is None:
                            self.problem(line.number, "figure",
                                         f"figure '{match.group(0)}' is about an initiative, "
                                         f"but none is presented here")
                            continue
                        subject = {"initiative_ref": ref}
                        subject_key = self.records[ref]["key"]
                    else:
                        subject = {"iri_code": rule.subject}
                        subject_key = rule.subject.split(":")[-1].lower()
                    dedupe = (rule.measure, value, subject_key)
                    if dedupe in seen:
                        record = self.records[seen[dedupe]]
                        self.extend_span(record, line.number, self.block_end(line), new=True)
                    else:
                        index = self.add({
                            "type": "figure", "key": f"{rule.measure}-{subject_key}",
                            "measure": rule.measure, "value": value, "qualifier": qualifier,
                            "value_as_written": match.group(0), "statement": line.content,
                            "subject": subject, "label": rule.label, "unit": rule.unit,
                            "date": None, "language": self.family.language,
                            "source": {"document": self.document, "first_line": line.number,
                                       "last_line": self.block_end(line)},
                            "spans": [[line.number, self.block_end(line)]]})
                        seen[dedupe] = index
                        record = self.records[index]
                    if line.kind == "figure":
                        self.assign(line, seen[dedupe], "figure")

    def figure_value(self, text: str) -> int | None:
        digits = re.sub(r"[\s\u00a0\u202f]", "", text)
        if digits.isdigit():
            return int(digits)
        return self.rules.number_words.get(text.casefold())

    # ------------------------------------------------------------ pass 5: people named in text
    def find_named_persons(self) -> None:
        known = {(r["name"], r["source"]["first_line"]) for r in self.records
                 if r["type"] == "person"}
        for line in self.classified:
            if line.kind not in ("paragraph", "heading"):
                continue
            for pattern in self.rules.named_persons:
                for match in pattern.finditer(line.content):
                    name, role = match.group("name"), match.group("role").strip()
                    if (name, line.number) in known:
                        continue
                    ref = self.initiative_at(line)
                    refs = [ref] if ref is not None else []
                    record = self.person(name, "named", line.number, role, None, refs)
                    record["organisation_hint"] = role
                    self.add(record)
                    known.add((name, line.number))

    # ------------------------------------------------------------ pass 6: details, checks
    def finish(self) -> None:
        doc = self.records[self.document_record]
        subject_refs = [self.mention_records[rule.name] for rule in self.rules.mentions
                        if rule.name in self.mention_records and doc["title"]
                        and any(p.search(doc["title"]) for p in rule.patterns)]
        doc["subject_refs"] = subject_refs
        for ref in getattr(self, "contact_refs", []):
            self.records[ref]["initiative_refs"] = list(subject_refs)
        for index, record in enumerate(self.records):
            if record["type"] == "initiative":
                self.initiative_details(index, record)
        for index, record in enumerate(self.records):
            if record["type"] == "person" and record["relation"] == "named" \
                    and record["initiative_refs"]:
                lead = self.records[record["initiative_refs"][0]]["lead_organisation"]
                record["fallback_municipality"] = lead if lead and lead.get("code") else None
            elif record["type"] == "figure":
                record["date"] = doc["date"]
                if not doc["date"]:
                    self.problem(record["source"]["first_line"], "figure",
                                 f"the page states no date for the figure "
                                 f"'{record['value_as_written']}'", index)
        for line in self.classified:
            if line.kind in ("paragraph", "heading", "link") and line.number not in self.accounts:
                self.assign(line, self.document_record, "body")
            if line.kind == "paragraph" and rules_urls(self.rules, line.content) and \
                    self.accounts[line.number].record == self.document_record:
                doc["urls"].extend(rules_urls(self.rules, line.content))
            if line.kind != "blank" and line.number not in self.accounts:
                self.unassign(line, f"not read ({line.kind})")
        if doc["title"] is None:
            self.problem(None, "title", "no title found: no heading stands alone on a line")
        for section in self.family.sections:
            if phrase_key(section.heading) not in self.seen_sections:
                self.problem(None, "section", f"expected section heading '{section.heading}' "
                             f"not found; its content is read as part of the section before it")

    def initiative_details(self, index: int, record: dict[str, Any]) -> None:
        lines = sorted({n for a, b in record["spans"] for n in range(a, b + 1)})
        texts = [self.lines[n - 1] for n in lines if 0 < n <= len(self.lines)]
        for text in texts:
            record["urls"].extend(u for u in rules_urls(self.rules, text) if u not in record["urls"])
            if record["start_date"] is None:
                match = self.rules.date_range.search(text)
                if match:
                    self.read_date_range(record, match)
        for n in lines:
            text = self.lines[n - 1]
            for bad in self.rules.malformed_date.finditer(text):
                self.problem(n, "date", f"'{bad.group(0)}' is not a date; "
                             + ("the dates are read from another line" if record["start_date"]
                                else "no date is read"), index)
        if record["origin"] == "mention" and not record["description"]:
            rule = next(r for r in self.rules.mentions if r.name == record.get("mention_rule"))
            texts = record.get("mention_texts", [])
            chosen = next((t for t in texts if rule.describe and rule.describe.search(t)),
                          texts[0] if texts else None)
            if chosen:
                record["description"] = [chosen]
        description = " ".join(record["description"])
        if any(p.search(description) for p in self.family.funded_by_programme):
            record["funded_by_programme"] = True
        if self.rules.municipality_in_name and record["lead_organisation"] is None:
            match = self.rules.municipality_in_name.search(record["title"])
            if match:
                found = self.index.resolve(match.group("name"))
                if found is not None and not found.is_near_miss:
                    record["lead_organisation"] = {"name": found.name_fi, "code": found.code,
                                                   "as_written": match.group("name")}

    def read_date_range(self, record: dict[str, Any], match: re.Match[str]) -> None:
        year = int(match.group("y"))
        m2 = int(match.group("m2"))
        m1 = int(match.group("m1") or m2)
        start = iso_date(f"{match.group('d1')}.{m1}.{year}")
        end = iso_date(f"{match.group('d2')}.{m2}.{year}")
        if start and end and start <= end:
            record["start_date"], record["end_date"] = start, end


def rules_urls(rules: PageRules, text: str) -> list[str]:
    found = []
    for match in rules.url.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        if url and url not in found:
            found.append(url)
    return found


def extract_page(path: Path, lines: list[str], rules: PageRules | None = None) -> Extraction:
    """Read a page with the rules of its family (or the generic rules)."""
    rules = rules or load_page_rules()
    family = rules.detect(lines)
    reader = PageReader(Path(path).name, lines, rules, family or rules.generic, family is not None)
    return reader.run()
