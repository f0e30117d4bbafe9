"""Themes: give every project (and every other initiative) its themes by the editable rules
of `mappings/themes.toml`.

A rule's patterns are searched in the lines of the source text an initiative came from —
its title lines and its description lines, not its contacts or partners. The rule gives its
theme when a pattern matches the title, or the description often enough. Each assignment
keeps the rule and the words that triggered it with their file and line, so the published
`kd:ThemeAssignment` and the build report say exactly why a project has a theme.

The stage knows nothing about RDF: it takes `ThemeText`s and returns `Assignment`s.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Line roles (from the extractors' line accounts) that are the title of an initiative.
TITLE_ROLES = ("title", "initiative heading", "initiative (list item)")


@dataclass(frozen=True)
class ThemeRule:
    id: str
    theme: str
    patterns: tuple[re.Pattern[str], ...]
    min_matches: int


@dataclass(frozen=True)
class ThemeRules:
    version: str
    rules: tuple[ThemeRule, ...]
    exclude_roles: tuple[str, ...]
    short_description_words: int = 0

    def excluded(self, role: str | None) -> bool:
        return bool(role) and any(role.startswith(r) for r in self.exclude_roles)


class ThemeRulesError(ValueError):
    """The rules file is wrong: names the rule at fault."""


def load_theme_rules(path: Path) -> ThemeRules:
    with Path(path).open("rb") as handle:
        table = tomllib.load(handle)
    default = int(table.get("default_min_matches", 2))
    rules = []
    for n, entry in enumerate(table.get("rules", []), start=1):
        for key in ("id", "theme", "patterns"):
            if key not in entry:
                raise ThemeRulesError(f"{Path(path).name}: rule {n}: needs '{key}'")
        try:
            patterns = tuple(re.compile(p, re.IGNORECASE) for p in entry["patterns"])
        except re.error as error:
            raise ThemeRulesError(f"{Path(path).name}: rule {entry['id']}: bad pattern: {error}") \
                from error
        rules.append(ThemeRule(entry["id"], entry["theme"], patterns,
                               int(entry.get("min_matches", default))))
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise ThemeRulesError(f"{Path(path).name}: rule ids must be unique")
    return ThemeRules(str(table.get("version", "0")), tuple(rules),
                      tuple(table.get("exclude_roles", [])),
                      int(table.get("short_description_words", 0)))


@dataclass(frozen=True)
class TextLine:
    """One source line of an initiative: where it is and whether it is a title line."""

    document: str
    line: int
    text: str
    title: bool


@dataclass
class ThemeText:
    """Everything the rules read about one resource (all its merged records)."""

    resource: str
    label: str
    lines: list[TextLine] = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    words: str
    document: str
    line: int
    title: bool
    start: int = 0

    def __str__(self) -> str:
        return f"'{self.words}' {self.document}:{self.line}" + (" (title)" if self.title else "")


@dataclass
class Assignment:
    resource: str
    theme: str
    rule: str
    hits: list[Hit]

    def to_dict(self) -> dict[str, Any]:
        return {"theme": self.theme, "rule": self.rule, "words": [str(h) for h in self.hits]}


def assign(text: ThemeText, rules: ThemeRules) -> list[Assignment]:
    """The themes the rules give one resource, in the order of the rules file."""
    found: dict[str, Assignment] = {}
    seen_lines: set[tuple[str, int]] = set()
    lines = []
    for line in text.lines:                      # a line shared by merged records counts once
        if (line.document, line.line) not in seen_lines:
            seen_lines.add((line.document, line.line))
            lines.append(line)
    body_words = sum(len(line.text.split()) for line in lines if not line.title)
    for rule in rules.rules:
        hits = [Hit(m.group(0), line.document, line.line, line.title, m.start())
                for line in lines for pattern in rule.patterns
                for m in pattern.finditer(line.text)]
        hits = _distinct(hits)
        in_title = [h for h in hits if h.title]
        in_body = [h for h in hits if not h.title]
        needed = 1 if body_words < rules.short_description_words else rule.min_matches
        if in_title or len(in_body) >= needed:
            if rule.theme in found:
                found[rule.theme].hits.extend(h for h in hits if h not in found[rule.theme].hits)
            else:
                found[rule.theme] = Assignment(text.resource, rule.theme, rule.id, hits)
    return list(found.values())


def _distinct(hits: list[Hit]) -> list[Hit]:
    """One hit per place: two patterns matching overlapping words count once."""
    out: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.document, h.line, h.start, -len(h.words))):
        if not any(o.document == hit.document and o.line == hit.line
                   and o.start < hit.start + len(hit.words) and hit.start < o.start + len(o.words)
                   for o in out):
            out.append(hit)
    return out


def assign_all(texts: list[ThemeText], rules: ThemeRules) -> tuple[dict[str, list[Assignment]],
                                                                 list[ThemeText]]:
    """Assignments per resource, and the resources no rule gave a theme."""
    result = {t.resource: assign(t, rules) for t in texts}
    without = [t for t in texts if not result[t.resource]]
    return result, without


def report(texts: list[ThemeText], assignments: dict[str, list[Assignment]],
           rules: ThemeRules) -> dict[str, Any]:
    """The themes part of the build report: every assignment with its words, and the gaps."""
    per_theme: dict[str, int] = {}
    for items in assignments.values():
        for a in items:
            per_theme[a.theme] = per_theme.get(a.theme, 0) + 1
    counts = [len(assignments[t.resource]) for t in texts]
    return {
        "rules_version": rules.version,
        "resources": len(texts),
        "assignments": sum(counts),
        "themes_per_resource": {"min": min(counts, default=0), "max": max(counts, default=0),
                                "mean": round(sum(counts) / len(counts), 2) if counts else 0},
        "per_theme": dict(sorted(per_theme.items())),
        "without_theme": [{"resource": t.resource, "label": t.label} for t in texts
                          if not assignments[t.resource]],
        "assigned": [{"resource": t.resource, "label": t.label,
                      "themes": [a.to_dict() for a in assignments[t.resource]]} for t in texts],
    }
