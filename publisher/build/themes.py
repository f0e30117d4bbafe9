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
from typing import Any, NamedTuple

try:                                      # CPython's own regex parser and case table (3.11+)
    from re import _casefix, _constants, _parser
except ImportError:                       # pragma: no cover - another Python: no prefilter
    _casefix = _constants = _parser = None

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
    index: "PatternIndex" = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", PatternIndex(self.rules))

    def excluded(self, role: str | None) -> bool:
        return bool(role) and any(role.startswith(r) for r in self.exclude_roles)


# ---------------------------------------------------------------- which patterns can match

def _case_table() -> dict[int, int]:
    """Characters that case-insensitive matching treats as one (ſ and s, ς and σ …), each
    mapped to one of them, so a lowercased text can be searched for a lowercased word."""
    if _casefix is None:
        return {}
    table: dict[int, int] = {}
    for char, others in _casefix._EXTRA_CASES.items():
        canonical = min((char, *others))
        for member in (char, *others):
            if member != canonical:
                table[member] = canonical
    return table


_CASE_TABLE = _case_table()


_CASE_VARIANTS = re.compile("[" + "".join(re.escape(chr(c)) for c in _CASE_TABLE) + "]") \
    if _CASE_TABLE else None


def _folded_lines(lines: list[str]) -> list[str]:
    """`_folded` of each line, done on the lines joined (one call instead of one per line)."""
    if any("\n" in line for line in lines):
        return [_folded(line) for line in lines]
    folded = _folded("\n".join(lines)).split("\n")
    return folded if len(folded) == len(lines) else [_folded(line) for line in lines]


def _folded(text: str) -> str:
    """Lowercase, with the case variants of one letter made one."""
    lower = text.lower()
    if _CASE_VARIANTS is not None and _CASE_VARIANTS.search(lower):
        return lower.translate(_CASE_TABLE)
    return lower


def _literal_runs(pattern: re.Pattern[str]) -> tuple[list[str], bool]:
    """The runs of plain characters at the top level of a pattern, and whether the
    pattern is nothing else (a fixed text)."""
    if _parser is None:
        return [], False
    runs, run, plain = [], "", True
    for op, argument in _parser.parse(pattern.pattern, pattern.flags):
        if op is _constants.LITERAL:
            run += chr(argument)
            continue
        plain = False
        runs.append(run)
        run = ""
    return runs + [run], plain


def required_word(pattern: re.Pattern[str]) -> str:
    """The longest run of plain characters every match of the pattern contains (without
    spaces, case-folded), or "" when there is none (then the pattern is always tried)."""
    runs, _ = _literal_runs(pattern)
    pieces = _folded(max(runs, key=len, default="")).split()
    word = max(pieces, key=len) if pieces else ""
    return word if len(word) >= 2 else ""


def fixed_text(pattern: re.Pattern[str]) -> str | None:
    """The case-folded text of a case-insensitive pattern that is only plain characters
    ('raportoin'): its matches are found with str.find on the folded line."""
    runs, plain = _literal_runs(pattern)
    if not plain or not pattern.flags & re.IGNORECASE or not runs[-1]:
        return None
    return _folded(runs[-1])


class PatternIndex:
    """Finds, for the lines of one text, the patterns that can match them.

    Every pattern needs some plain word ("raportoin" in 'raportoin', "palaut" in
    '(?:kuntalais|asukas)palaut'); a line without that word cannot match, so the pattern is
    not tried there. The words of a text are looked up once per distinct token (with one
    regular expression over all the required words), so the stage costs about one pass
    over the text instead of one pass per pattern. It only skips work: the patterns that
    are tried are tried exactly as before."""

    def __init__(self, rules: tuple[ThemeRule, ...]) -> None:
        # a pattern to try: (rule index, pattern index, its fixed text or None, the pattern)
        self.by_word: dict[str, list[tuple[int, int, str | None, re.Pattern[str]]]] = {}
        self.always: list[tuple[int, int, str | None, re.Pattern[str]]] = []
        for r, rule in enumerate(rules):
            for p, pattern in enumerate(rule.patterns):
                entry = (r, p, fixed_text(pattern), pattern)
                word = required_word(pattern)
                if word:
                    self.by_word.setdefault(word, []).append(entry)
                else:
                    self.always.append(entry)
        words = sorted(self.by_word, key=lambda w: (-len(w), w))
        self._inside = {w: frozenset(o for o in words if o in w) for w in words}
        self._finder = re.compile("(?=(" + _trie(words) + "))") if words else None
        self._token_words: dict[str, frozenset[str]] = {}
        self._plain: set[str] = set()
        #: rules that give their theme even without a match (min_matches = 0)
        self.needing_nothing = frozenset(r for r, rule in enumerate(rules) if rule.min_matches <= 0)

    def hits(self, lines: list[TextLine]) -> dict[int, list[Hit]]:
        """Per rule index: every match of its patterns in the lines, in the order of the
        lines, then the patterns, then the text — what running every pattern over every
        line would give."""
        folded = _folded_lines([line.text for line in lines])
        words = [(word, self.by_word[word]) for word in self._words_in(folded)]
        found: dict[int, list[Hit]] = {}
        for line, here in zip(lines, folded):
            entries = [e for word, tried in words if word in here for e in tried]
            if self.always:
                entries += self.always
            if entries:
                entries.sort()          # by rule and pattern index (unique: nothing else compared)
                _line_hits(line, here, entries, found)
        return found

    def _words_in(self, folded: list[str]) -> set[str]:
        """The required words found in any token of the text."""
        tokens = set(" ".join(folded).split())
        tokens -= self._plain
        found: set[str] = set()
        for token in tokens:
            words = self._token_words.get(token)
            if words is None:
                words = self._look_up(token)
                if not words:
                    self._plain.add(token)
                    continue
                self._token_words[token] = words
            found |= words
        return found

    def _look_up(self, token: str) -> frozenset[str]:
        if self._finder is None:
            return frozenset()
        words: set[str] = set()
        for match in self._finder.finditer(token):      # the longest word at each place …
            words |= self._inside[match.group(1)]       # … and the words inside it
        return frozenset(words)


def _line_hits(line: TextLine, folded: str, entries, found: dict[int, list[Hit]]) -> None:
    """The matches of the entries' patterns in one line, added to `found` by rule."""
    text, document, number, title = line.text, line.document, line.line, line.title
    same_places = len(folded) == len(text)
    make = _new_hit
    for r, _, fixed, pattern in entries:
        out = found.get(r)
        if out is None:
            out = found[r] = []
        if fixed and same_places:                       # a fixed text: str.find on the fold
            size = len(fixed)
            out += [make(Hit, (text[start:start + size], document, number, title, start))
                    for start in _find_all(folded, fixed)]
        else:
            out += [make(Hit, (m.group(0), document, number, title, m.start()))
                    for m in pattern.finditer(text)]


def _find_all(line: str, text: str) -> list[int]:
    """Where the text stands in the line, left to right, not overlapping (as finditer)."""
    places, start = [], line.find(text)
    while start >= 0:
        places.append(start)
        start = line.find(text, start + len(text))
    return places


def _trie(words: list[str]) -> str:
    """A regular expression matching the longest of the words at a place."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, Any]) -> str:
        parts = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body
    return branch(root)


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


class Hit(NamedTuple):
    """Words a pattern matched, and where (a tuple: many are made, and compared)."""

    words: str
    document: str
    line: int
    title: bool
    start: int = 0

    def __str__(self) -> str:
        return f"'{self.words}' {self.document}:{self.line}" + (" (title)" if self.title else "")


_new_hit = tuple.__new__          # a Hit from its five fields, without the keyword handling

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
    lines = _unique_lines(text.lines)
    short = sum(len(line.text.split()) for line in lines
                if not line.title) < rules.short_description_words
    found_hits = rules.index.hits(lines)
    weighed = found_hits.keys() | (set() if short else rules.index.needing_nothing)
    found: dict[str, Assignment] = {}
    for r in sorted(weighed):
        rule = rules.rules[r]
        hits = _distinct(found_hits.get(r, []))
        if _enough(hits, 1 if short else rule.min_matches):
            _add(found, text.resource, rule, hits)
    return list(found.values())


def _enough(hits: list[Hit], needed: int) -> bool:
    """A rule gives its theme for a match in the title, or enough in the description."""
    return any(h.title for h in hits) or sum(1 for h in hits if not h.title) >= needed


def _add(found: dict[str, Assignment], resource: str, rule: ThemeRule, hits: list[Hit]) -> None:
    """A second rule of the same theme adds its words to the first rule's assignment."""
    if rule.theme in found:
        kept = found[rule.theme].hits
        kept.extend(h for h in hits if h not in kept)
    else:
        found[rule.theme] = Assignment(resource, rule.theme, rule.id, hits)


def _unique_lines(lines: list[TextLine]) -> list[TextLine]:
    """A line shared by merged records counts once."""
    seen: set[tuple[str, int]] = set()
    out = []
    for line in lines:
        if (line.document, line.line) not in seen:
            seen.add((line.document, line.line))
            out.append(line)
    return out


def _distinct(hits: list[Hit]) -> list[Hit]:
    """One hit per place: two patterns matching overlapping words count once."""
    if len(hits) < 2:
        return list(hits)
    out: list[Hit] = []
    kept: dict[tuple[str, int], list[Hit]] = {}
    for hit in sorted(hits, key=lambda h: (h.document, h.line, h.start, -len(h.words))):
        same_line = kept.setdefault((hit.document, hit.line), [])
        if not any(o.start < hit.start + len(hit.words) and hit.start < o.start + len(o.words)
                   for o in same_line):
            same_line.append(hit)
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
