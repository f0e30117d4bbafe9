"""The themes stage over the documents: the lines each initiative resource came from go to
the rules of `themes.py`; its assignments and the rules themselves come back as records for
`mappings/themes.mapping.toml`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from publisher.build.extract import Problem, read_source_text
from publisher.build.records import ThemeAssignmentRecord, ThemeRuleRecord
from publisher.build.sources import DocumentResult
from publisher.build.themes import (TITLE_ROLES, Assignment, TextLine, ThemeRules, ThemeText,
                                    assign_all, report)

MAPPING_FILE = "themes.mapping.toml"
RULES_FILE = "themes.toml"


@dataclass
class Themed:
    """What the stage found: the texts read, the assignments by resource, the records for
    the themes mapping, the themes part of the build report, and a problem for each project
    no rule gives a theme."""

    texts: list[ThemeText]
    assignments: dict[str, list[Assignment]]
    records: list[ThemeAssignmentRecord | ThemeRuleRecord]
    report: dict[str, Any]
    problems: list[Problem]


def give_themes(documents: list[DocumentResult], rules: ThemeRules, programme_iri: str | None,
                base: str, project_iris: set[str], build_key: str) -> Themed:
    """Themes for every initiative resource of the documents."""
    texts = theme_texts(documents, programme_iri, base, rules)
    assignments, _ = assign_all(texts, rules)
    themes = report(texts, assignments, rules)
    themes["projects_without_theme"] = [w["resource"] for w in themes["without_theme"]
                                        if w["resource"] in project_iris]
    problems = [Problem(None, "themes", f"no theme rule gives {item} a theme", document="themes")
                for item in themes["projects_without_theme"]]
    return Themed(texts, assignments, theme_records(assignments, rules, build_key), themes,
                  problems)


def theme_texts(documents: list[DocumentResult], programme_iri: str | None, base: str,
                rules: ThemeRules) -> list[ThemeText]:
    """The lines each initiative resource came from (all its merged records), with roles."""
    texts: dict[str, ThemeText] = {}
    for document in documents:
        usable = _theme_lines(document, rules)
        subject_of = document.family.theme_subject
        for index, record in enumerate(document.extraction.records):
            subject = subject_of(record, document.prepared[index], base)
            if subject is None or not subject.resource or subject.resource == programme_iri:
                continue
            text = texts.setdefault(subject.resource, ThemeText(subject.resource, subject.label))
            for first, last in subject.spans:
                if first and last:
                    text.lines += [usable[n] for n in range(first, last + 1) if n in usable]
    return list(texts.values())


def _theme_lines(document: DocumentResult, rules: ThemeRules) -> dict[int, TextLine]:
    """The lines of a document themes may read, by number: non-blank, in a record, of a
    role the rules do not exclude (each role decided once)."""
    lines = read_source_text(document.path)
    name = document.path.name
    excluded: dict[str, bool] = {}
    usable: dict[int, TextLine] = {}
    for account in document.extraction.line_accounts:
        role = account.role
        if role is None or not lines[account.line - 1].strip():
            continue
        if role not in excluded:
            excluded[role] = rules.excluded(role)
        if not excluded[role]:
            usable[account.line] = TextLine(name, account.line, lines[account.line - 1],
                                            role.startswith(TITLE_ROLES))
    return usable


def theme_records(assignments: dict[str, list[Assignment]], rules: ThemeRules,
                  build: str) -> list[ThemeAssignmentRecord | ThemeRuleRecord]:
    """The assignments, by resource, and the rules, as records for the themes mapping."""
    records: list[ThemeAssignmentRecord | ThemeRuleRecord] = []
    for resource in sorted(assignments):
        for a in assignments[resource]:
            records.append({"type": "assignment", "resource": resource, "theme": a.theme,
                            "rule": a.rule, "words": [str(h) for h in a.hits], "build_key": build})
    for rule in rules.rules:
        records.append({"type": "rule", "id": rule.id, "theme": rule.theme,
                        "patterns": [p.pattern for p in rule.patterns],
                        "min_matches": rule.min_matches})
    return records
