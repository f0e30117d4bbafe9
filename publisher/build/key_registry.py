"""The registry of issued keys (`mappings/keys.tsv`): a URI, once published, stays.

Each key the build has issued is one line, with what identifies its record — the catalogue's
own number, the source document and first line, the title as first issued — so a record
whose title is corrected keeps its key. Deliberate renames are `moved` lines (old → new):
the release answers the old URI with a 301 and the data says `owl:sameAs` the old one.
A normal build only reads this file; `publisher keys update` appends new keys.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad

from publisher.build.extract import SourceError
from publisher.build.keys import slugify
from publisher.vocab import KEY_MAX_LENGTH, KEY_PATTERN, OWL, THING_TYPES

KEYS_FILE = "keys.tsv"
REDIRECTS_FILE = "redirects.json"
#: Rule 2: the same document and first line, and titles at least this alike.
POSITION_THRESHOLD = 0.6
#: Rule 3: titles alone at least this alike (difflib ratio of normalised titles). Distinct
#: records of the bundled texts come up to 0.909 ("Opeka" and "Vopeka"; 0.905 for the two
#: "Tiedolla johtaminen … mittaristoja käyttäen"): a threshold above both (README "URIs").
TITLE_THRESHOLD = 0.92
#: Hostile input is bounded: a larger file or a longer line is refused.
MAX_FILE_BYTES = 16 << 20
MAX_LINE_CHARS = 4000
MAX_TITLE_CHARS = 300
_KEY = re.compile(KEY_PATTERN)
_HEADER = ("# The keys the build has issued: a URI, once published, stays (README \"URIs\").\n"
           "# key<TAB>type<TAB>key<TAB>catalogue number (lead/N)<TAB>document<TAB>first line"
           "<TAB>title as first issued\n"
           "# moved<TAB>type<TAB>old key<TAB>new key   (the old URI answers 301)\n")


class KeyRegistryError(SourceError):
    """The registry cannot be read as it is: the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    """One issued key and what identifies its record."""

    type: str
    key: str
    number: str
    document: str
    line: int | None
    title: str
    at: int = 0                  # line in the registry file (0: not from the file)

    def row(self) -> str:
        return "\t".join(["key", self.type, self.key, self.number, self.document,
                          "" if self.line is None else str(self.line), self.title])


@dataclass
class Registry:
    """The entries and the moved keys ((type, old) → new, chains resolved)."""

    entries: list[Entry] = field(default_factory=list)
    moved: dict[tuple[str, str], str] = field(default_factory=dict)

    def reserved(self) -> set[str]:
        """Every key issued or moved away from: never minted again for another record."""
        return {e.key for e in self.entries} | {old for _, old in self.moved}

    def text(self) -> str:
        """The file: header, key lines sorted by type and key, then moved lines."""
        rows = sorted(self.entries, key=lambda e: (e.type, e.key))
        moved = sorted(self.moved.items())
        return _HEADER + "".join(e.row() + "\n" for e in rows) + "".join(
            f"moved\t{kind}\t{old}\t{new}\n" for (kind, old), new in moved)


@dataclass(frozen=True)
class Wanted:
    """A record asking for a key: its minted key and what identifies it."""

    type: str
    key: str
    title: str
    document: str
    line: int | None
    number: str = ""


@dataclass(frozen=True)
class Match:
    """A record that kept a registered key although its title changed."""

    index: int
    entry: Entry
    title: str
    rule: str

    def message(self) -> str:
        return (f"kept key {self.entry.key} for '{self.title}' (was '{self.entry.title}', "
                f"matched by {self.rule})")


def clean_title(title: str) -> str:
    """One line, no tabs, bounded: as the registry stores a title."""
    return " ".join(title.split())[:MAX_TITLE_CHARS]


def normalise(title: str) -> str:
    """Lowercase ASCII words (as keys fold them), for comparing titles."""
    return slugify(title[:MAX_TITLE_CHARS], max_length=10 * MAX_TITLE_CHARS).replace("-", " ")


def similarity(a: str, b: str) -> float:
    """difflib's ratio of the normalised titles: 0 … 1, bounded by the title length."""
    return _ratio(normalise(a), normalise(b))


def _valid_key(key: str) -> bool:
    return len(key) <= KEY_MAX_LENGTH and _KEY.fullmatch(key) is not None


def load_registry(path: Path) -> Registry:
    """The registry file, checked; a missing file is an empty registry."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Registry()
    if size > MAX_FILE_BYTES:
        raise KeyRegistryError(f"{path.name}: larger than {MAX_FILE_BYTES} bytes")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise KeyRegistryError(f"{path.name}: not UTF-8 (byte {error.start})") from None
    return parse_registry(text, path.name)


def parse_registry(text: str, name: str = KEYS_FILE) -> Registry:
    """Parse and check every line; the first fault is an error naming its line."""
    registry = Registry()
    by_key: dict[str, Entry] = {}
    by_identity: dict[tuple[str, str, str], Entry] = {}
    moved_at: dict[tuple[str, str], int] = {}

    def fail(at: int, message: str) -> KeyRegistryError:
        return KeyRegistryError(f"{name} line {at}: {message}")

    for at, raw in enumerate(text.split("\n"), start=1):
        if len(raw) > MAX_LINE_CHARS:
            raise fail(at, f"longer than {MAX_LINE_CHARS} characters")
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[0] == "key":
            if len(cells) != 7:
                raise fail(at, f"a key line has 7 tab-separated cells, this one {len(cells)}")
            _, kind, key, number, document, first, title = cells
            if kind not in THING_TYPES:
                raise fail(at, f"unknown type '{kind[:40]}'")
            if not _valid_key(key):
                raise fail(at, f"'{key[:60]}' is not a key (a-z, 0-9, single dashes)")
            if first and not (first.isdigit() and first.isascii()):
                raise fail(at, f"first line '{first[:20]}' is not a line number")
            if not title.strip():
                raise fail(at, "no title")
            entry = Entry(kind, key, number, document, int(first) if first else None,
                          title, at)
            if key in by_key:
                other = by_key[key]
                if other.type == kind:
                    raise fail(at, f"duplicate key '{key}' (also line {other.at})")
                raise fail(at, f"two records claim key '{key}' ({other.type} on line "
                               f"{other.at}, {kind} here)")
            identity = (kind, document, number)
            if number and identity in by_identity:      # a page names several on one line
                raise fail(at, f"two keys for one record: '{by_identity[identity].key}' (line "
                               f"{by_identity[identity].at}) and '{key}' have the same catalogue "
                               f"number {number} in {document}")
            by_identity[identity] = entry
            by_key[key] = entry
            registry.entries.append(entry)
        elif cells[0] == "moved":
            if len(cells) != 4:
                raise fail(at, f"a moved line has 4 tab-separated cells, this one {len(cells)}")
            _, kind, old, new = cells
            if kind not in THING_TYPES:
                raise fail(at, f"unknown type '{kind[:40]}'")
            for key in (old, new):
                if not _valid_key(key):
                    raise fail(at, f"'{key[:60]}' is not a key (a-z, 0-9, single dashes)")
            if old == new:
                raise fail(at, f"key '{old}' moved to itself")
            if (kind, old) in registry.moved:
                raise fail(at, f"{kind} key '{old}' moved twice (also line "
                               f"{moved_at[(kind, old)]})")
            registry.moved[(kind, old)] = new
            moved_at[(kind, old)] = at
        else:
            raise fail(at, f"a line starts with 'key' or 'moved', not '{cells[0][:40]}'")
    for (kind, old), at in moved_at.items():
        if old in by_key:
            raise fail(at, f"moved key '{old}' is still issued on line {by_key[old].at}: "
                           "give that line the new key")
        seen, new = {old}, registry.moved[(kind, old)]
        while (kind, new) in registry.moved:
            if new in seen:
                raise fail(at, f"moved keys go round in a circle from '{old}'")
            seen.add(new)
            new = registry.moved[(kind, new)]
        registry.moved[(kind, old)] = new
    return registry


def match_keys(registry: Registry, wanted: list[Wanted]) -> tuple[dict[int, str], list[Match]]:
    """Which records keep a registered key: by the same title (unchanged, not reported),
    then (1) the catalogue number, (2) the same document and first line with a similar
    title, (3) title similarity alone, among entries sharing a word with it; each entry goes
    to one record at most. Indexed, so thousands of records against thousands of entries
    stay quick."""
    kept: dict[int, str] = {}
    matches: list[Match] = []
    free = {(e.type, e.key): e for e in registry.entries}
    norm = {(e.type, e.key): normalise(e.title) for e in registry.entries}
    asked = [normalise(w.title) for w in wanted]

    def take(index: int, entry: Entry, rule: str | None) -> None:
        kept[index] = entry.key
        del free[(entry.type, entry.key)]
        if rule is not None:
            matches.append(Match(index, entry, wanted[index].title, rule))

    def index_by(field_of) -> dict[tuple[object, ...], list[Entry]]:
        table: dict[tuple[object, ...], list[Entry]] = {}
        for e in registry.entries:
            table.setdefault(field_of(e), []).append(e)
        return table

    same_title = index_by(lambda e: (e.type, norm[(e.type, e.key)]))
    for i, w in enumerate(wanted):                 # unchanged: same title, same place first
        same = [e for e in same_title.get((w.type, asked[i]), []) if (e.type, e.key) in free]
        same.sort(key=lambda e: (e.document != w.document, e.line != w.line, e.key != w.key))
        if same:
            take(i, same[0], None)
    numbered = index_by(lambda e: (e.type, e.document, e.number))
    for i, w in enumerate(wanted):
        if i not in kept and w.number:
            found = [e for e in numbered.get((w.type, w.document, w.number), [])
                     if (e.type, e.key) in free]
            if found:
                take(i, found[0], f"catalogue number {w.number} in {w.document}")
    placed = index_by(lambda e: (e.type, e.document, e.line))
    for i, w in enumerate(wanted):
        if i in kept or w.line is None:
            continue
        here = sorted(((_ratio(norm[(e.type, e.key)], asked[i]), e.key, e)
                       for e in placed.get((w.type, w.document, w.line), [])
                       if (e.type, e.key) in free), reverse=True)
        if here and here[0][0] >= POSITION_THRESHOLD:
            take(i, here[0][2], f"source position {w.document}:{w.line}, title similarity "
                                f"{here[0][0]:.2f}")
    pairs = []
    by_word: dict[tuple[str, str], list[Entry]] = {}
    for e in free.values():                        # a title 0.92 alike keeps a word
        for word in set(norm[(e.type, e.key)].split()):
            by_word.setdefault((e.type, word), []).append(e)
    for i, w in enumerate(wanted):
        if i in kept:
            continue
        near = {(e.type, e.key) for word in set(asked[i].split())
                for e in by_word.get((w.type, word), [])}
        matcher = difflib.SequenceMatcher(None, "", asked[i], autojunk=False)
        for kind, key in sorted(near):             # the record's side is indexed once
            ratio = _ratio(norm[(kind, key)], asked[i], TITLE_THRESHOLD, matcher)
            if ratio >= TITLE_THRESHOLD:
                pairs.append((ratio, i, key))
    for ratio, i, key in sorted(pairs, reverse=True):
        entry = free.get((wanted[i].type, key))
        if i in kept or entry is None:
            continue
        take(i, entry, f"title similarity {ratio:.2f} ≥ {TITLE_THRESHOLD}")
    return kept, matches


def _ratio(a: str, b: str, floor: float = 0.0,
           matcher: difflib.SequenceMatcher | None = None) -> float:
    """difflib's ratio, 0 when its cheap upper bounds are already under `floor`; `matcher`
    holds `b` already (difflib indexes its second sequence)."""
    if a == b:
        return 1.0
    if 2 * min(len(a), len(b)) < floor * (len(a) + len(b)):
        return 0.0
    if matcher is None:
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    else:
        matcher.set_seq1(a)
    if matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def new_entries(wanted: list[Wanted], keys: list[str], registry: Registry) -> list[Entry]:
    """The entries of keys this build issued that the registry does not hold."""
    known = {(e.type, e.key) for e in registry.entries}
    return [Entry(w.type, key, w.number, w.document, w.line, clean_title(w.title))
            for w, key in zip(wanted, keys) if (w.type, key) not in known]


def write_redirects(folder: Path, registry: Registry) -> None:
    """`redirects.json` beside the dumps: {type: {old key: new key}} for the web's 301s."""
    table: dict[str, dict[str, str]] = {}
    for (kind, old), new in sorted(registry.moved.items()):
        table.setdefault(kind, {})[old] = new
    (folder / REDIRECTS_FILE).write_text(json.dumps(table, indent=1, sort_keys=True) + "\n",
                                         encoding="utf-8")


def same_as_quads(pairs: list[tuple[str, str, int]], graphs: list[str]) -> list[Quad]:
    """`<new> owl:sameAs <old>` in the graph of the record's text: the renamed thing is the
    same thing, so data linking to the old URI joins the new one (README "URIs")."""
    return [Quad(NamedNode(new), NamedNode(OWL + "sameAs"), NamedNode(old),
                 NamedNode(graphs[position])) for new, old, position in pairs]


def register(path: Path, new: list[dict[str, Any]]) -> int:
    """Append the build's new keys (its report's `keys.new`) to the registry file, sorted;
    returns how many were added. Only `publisher keys update` writes the file."""
    registry = load_registry(path)
    known = {(e.type, e.key) for e in registry.entries}
    added = [Entry(n["type"], n["key"], n.get("number") or "", n["document"], n.get("line"),
                   clean_title(n["title"])) for n in new if (n["type"], n["key"]) not in known]
    if added:
        registry.entries.extend(added)
        parse_registry(registry.text(), path.name)          # what we write reads back
        path.write_text(registry.text(), encoding="utf-8")
    return len(added)


def move_key(path: Path, kind: str, old: str, new: str) -> None:
    """A steward's deliberate rename: the entry gets the new key and a `moved` line keeps
    the old URI answering (301). KeyRegistryError when it cannot be done."""
    registry = load_registry(path)
    if not _valid_key(new):
        raise KeyRegistryError(f"'{new[:60]}' is not a key (a-z, 0-9, single dashes)")
    if new in registry.reserved():
        raise KeyRegistryError(f"key '{new}' is already issued or moved away from")
    found = [i for i, e in enumerate(registry.entries) if (e.type, e.key) == (kind, old)]
    if not found:
        raise KeyRegistryError(f"{path.name}: no {kind} key '{old}'")
    entry = registry.entries[found[0]]
    registry.entries[found[0]] = Entry(entry.type, new, entry.number, entry.document,
                                       entry.line, entry.title)
    for moved_from, target in list(registry.moved.items()):
        if moved_from[0] == kind and target == old:     # older names follow to the newest
            registry.moved[moved_from] = new
    registry.moved[(kind, old)] = new
    parse_registry(registry.text(), path.name)
    path.write_text(registry.text(), encoding="utf-8")
