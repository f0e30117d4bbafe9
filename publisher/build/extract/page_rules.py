"""The page extractor's rules, read from `mappings/page-rules.toml`.

The file holds what differs between source families (which lines are navigation, which
headings open which kind of section, how authors and dates are written) and the words
shared by all of them (kinds of initiative, figures, initiatives named in running text).
This module only compiles the patterns; `page.py` applies them.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from publisher.config import PROJECT_ROOT

DEFAULT_PAGE_RULES_PATH = PROJECT_ROOT / "mappings/page-rules.toml"

_NAME_WORD = r"[A-ZÅÄÖÉÜ][a-zåäöéüß'’]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüß'’]+)*"
#: A person's name: two to four capitalised words.
PERSON = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}"


class PageRulesError(ValueError):
    """The rules file is wrong: names the entry at fault."""


def compile_pattern(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern.replace("{PERSON}", PERSON))
    except re.error as error:
        raise PageRulesError(f"page-rules.toml: {where}: bad pattern {pattern!r}: {error}") from error


def phrase_key(text: str) -> str:
    """Comparison form of a heading: case-folded, single spaces, no final full stop."""
    return " ".join(text.split()).rstrip(".").strip().casefold()


@dataclass(frozen=True)
class Labelled:
    """A pattern with what it means (a reason, a role, a kind …)."""

    pattern: re.Pattern[str]
    value: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    heading: str
    role: str
    topics: frozenset[str]
    heading_is_initiative: bool = False


@dataclass(frozen=True)
class FigureRule:
    measure: str
    pattern: re.Pattern[str]
    subject: str
    label: dict[str, str]
    unit: dict[str, str]


@dataclass(frozen=True)
class MentionRule:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    kind: str
    language: str
    describe: re.Pattern[str] | None
    alt_names: tuple[str, ...]
    labels: tuple[Labelled, ...]
    lead: str | None
    partners: tuple[str, ...]
    also_where_presented: bool = False


@dataclass(frozen=True)
class Family:
    name: str
    description: str
    detect: tuple[re.Pattern[str], ...]
    genre: str
    publisher: str | None
    language: str
    boilerplate: tuple[Labelled, ...]
    metadata: tuple[Labelled, ...]
    experts: tuple[Labelled, ...]
    expert_lists: tuple[re.Pattern[str], ...]
    sections: tuple[Section, ...]
    concepts: tuple[Labelled, ...]
    funded_by_programme: tuple[re.Pattern[str], ...]
    contact_marker: re.Pattern[str] | None
    contacts: tuple[Labelled, ...]
    tags: tuple[str, ...]
    byline: bool
    funding_channels: tuple[Labelled, ...] = ()

    def section_for(self, heading: str) -> Section | None:
        key = phrase_key(heading)
        return next((s for s in self.sections if phrase_key(s.heading) == key), None)


@dataclass(frozen=True)
class PageRules:
    version: str
    heading_max_words: int
    heading_max_chars: int
    bullet: re.Pattern[str]
    links: tuple[re.Pattern[str], ...]
    url: re.Pattern[str]
    date_range: re.Pattern[str]
    malformed_date: re.Pattern[str]
    number_words: dict[str, int]
    boilerplate: tuple[Labelled, ...]
    kinds: tuple[Labelled, ...]
    heading_names: tuple[re.Pattern[str], ...]
    bullet_names: tuple[re.Pattern[str], ...]
    bullet_more_names: tuple[re.Pattern[str], ...]
    named_persons: tuple[re.Pattern[str], ...]
    municipality_in_name: re.Pattern[str] | None
    figures: tuple[FigureRule, ...]
    qualifiers: dict[str, str]
    mentions: tuple[MentionRule, ...]
    families: dict[str, Family]
    generic: Family

    def detect(self, lines: list[str]) -> Family | None:
        """The first family all of whose `detect` patterns match some line."""
        for family in self.families.values():
            if family.detect and all(any(p.search(line.strip()) for line in lines)
                                     for p in family.detect):
                return family
        return None


def _labelled(entries: list[dict[str, Any]], where: str, value_key: str) -> tuple[Labelled, ...]:
    out = []
    for n, entry in enumerate(entries, start=1):
        if "pattern" not in entry:
            raise PageRulesError(f"page-rules.toml: {where} entry {n}: needs a pattern")
        extra = {k: v for k, v in entry.items() if k not in ("pattern", value_key)}
        out.append(Labelled(compile_pattern(entry["pattern"], f"{where} entry {n}"),
                            str(entry.get(value_key, "")), extra))
    return tuple(out)


def _patterns(values: list[str], where: str) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_pattern(v, where) for v in values)


def _family(name: str, table: dict[str, Any]) -> Family:
    where = f"[families.{name}]"
    sections = []
    for entry in table.get("sections", []):
        if "heading" not in entry or "role" not in entry:
            raise PageRulesError(f"page-rules.toml: {where}: a section needs heading and role")
        sections.append(Section(entry["heading"], entry["role"],
                                frozenset(phrase_key(t) for t in entry.get("topics", [])),
                                bool(entry.get("heading_is_initiative", False))))
    marker = table.get("contact_marker")
    return Family(
        name=name,
        description=table.get("description", ""),
        detect=_patterns(table.get("detect", []), f"{where} detect"),
        genre=table.get("genre", "web page"),
        publisher=table.get("publisher"),
        language=table.get("language", "sv"),
        boilerplate=_labelled(table.get("boilerplate", []), f"{where} boilerplate", "reason"),
        metadata=_labelled(table.get("metadata", []), f"{where} metadata", "role"),
        experts=_labelled(table.get("experts", []), f"{where} experts", "role"),
        expert_lists=_patterns(table.get("expert_lists", []), f"{where} expert_lists"),
        sections=tuple(sections),
        concepts=_labelled(table.get("concepts", []), f"{where} concepts", "concept"),
        funded_by_programme=_patterns(table.get("funded_by_programme", []),
                                      f"{where} funded_by_programme"),
        contact_marker=compile_pattern(marker, f"{where} contact_marker") if marker else None,
        contacts=_labelled(table.get("contacts", []), f"{where} contacts", "role"),
        tags=tuple(table.get("tags", [])),
        byline=bool(table.get("byline", False)),
        funding_channels=_funding_channels(table.get("funding_channels", []), where),
    )


def _funding_channels(entries: list[dict[str, Any]], where: str) -> tuple[Labelled, ...]:
    """Paragraph patterns that present a funding channel; `name` is a template of the
    pattern's groups ("{what} från {funder}")."""
    channels = _labelled(entries, f"{where} funding_channels", "name")
    for n, channel in enumerate(channels, start=1):
        groups = set(channel.pattern.groupindex)
        wanted = set(re.findall(r"{(\w+)}", channel.value))
        if not channel.value or not wanted <= groups or "funder" not in groups:
            raise PageRulesError(f"page-rules.toml: {where} funding_channels entry {n}: needs a "
                                 f"pattern with a group 'funder' and a name made of its groups "
                                 f"(has groups {sorted(groups)}, name {channel.value!r})")
    return channels


def _figure(entry: dict[str, Any], n: int) -> FigureRule:
    where = f"[[figures]] entry {n}"
    for key in ("measure", "pattern", "subject", "label"):
        if key not in entry:
            raise PageRulesError(f"page-rules.toml: {where}: needs '{key}'")
    return FigureRule(entry["measure"], compile_pattern(entry["pattern"], where),
                      entry["subject"], dict(entry["label"]), dict(entry.get("unit", {})))


def _mention(entry: dict[str, Any], n: int) -> MentionRule:
    where = f"[[mentions]] entry {n}"
    if "name" not in entry or not entry.get("patterns"):
        raise PageRulesError(f"page-rules.toml: {where}: needs a name and patterns")
    describe = entry.get("describe")
    return MentionRule(
        name=entry["name"],
        patterns=_patterns(entry["patterns"], where),
        kind=entry.get("kind", "project"),
        language=entry.get("language", "sv"),
        describe=compile_pattern(describe, where) if describe else None,
        alt_names=tuple(entry.get("alt_names", [])),
        labels=_labelled(entry.get("labels", []), f"{where} labels", "language"),
        lead=entry.get("lead"),
        partners=tuple(entry.get("partners", [])),
        also_where_presented=bool(entry.get("also_where_presented", False)),
    )


def rules_from_table(table: dict[str, Any]) -> PageRules:
    common = table.get("common", {})
    municipality = common.get("municipality_in_name")
    families = {name: _family(name, spec) for name, spec in table.get("families", {}).items()}
    return PageRules(
        version=str(table.get("version", "0")),
        heading_max_words=int(common.get("heading_max_words", 12)),
        heading_max_chars=int(common.get("heading_max_chars", 110)),
        bullet=compile_pattern(common.get("bullet", r"^\s*[•\-–]\s+(?P<text>\S.*)$"), "bullet"),
        links=_patterns(common.get("links", []), "links"),
        url=compile_pattern(common.get("url", r"https?://\S+"), "url"),
        date_range=compile_pattern(common.get("date_range", r"(?!)"), "date_range"),
        malformed_date=compile_pattern(common.get("malformed_date", r"(?!)"), "malformed_date"),
        number_words={k.casefold(): int(v) for k, v in common.get("number_words", {}).items()},
        boilerplate=_labelled(common.get("boilerplate", []), "[common] boilerplate", "reason"),
        kinds=_labelled(common.get("kinds", []), "[common] kinds", "kind"),
        heading_names=_patterns([e["pattern"] for e in common.get("heading_names", [])],
                                "heading_names"),
        bullet_names=_patterns([e["pattern"] for e in common.get("bullet_names", [])],
                               "bullet_names"),
        bullet_more_names=_patterns([e["pattern"] for e in common.get("bullet_more_names", [])],
                                    "bullet_more_names"),
        named_persons=_patterns([e["pattern"] for e in common.get("named_persons", [])],
                                "named_persons"),
        municipality_in_name=compile_pattern(municipality, "municipality_in_name")
        if municipality else None,
        figures=tuple(_figure(e, n) for n, e in enumerate(table.get("figures", []), start=1)),
        qualifiers={k.casefold(): v for k, v in table.get("qualifiers", {}).items()},
        mentions=tuple(_mention(e, n) for n, e in enumerate(table.get("mentions", []), start=1)),
        families=families,
        generic=_family("generic", {"description": "any page: title, body, mentions, figures"}),
    )


@lru_cache(maxsize=8)
def load_page_rules(path: Path | None = None) -> PageRules:
    """Read the rules file (default: the project's)."""
    path = Path(path) if path else DEFAULT_PAGE_RULES_PATH
    with path.open("rb") as handle:
        return rules_from_table(tomllib.load(handle))
