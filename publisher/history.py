"""The versions of each resource: what a release keeps so that the event stream (`/ldes`) and
the mementos of `/doc` can be served without a store per release.

A resource is an IRI with what it owns: its own statements and those of its `#` parts (the
sections and contact details of a project). A release keeps the description of every resource
whose statements changed in it, as they are in its canonical N-Quads (`versions.nq`, grouped
by resource), with an index (`versions.json`: per resource its state — added, changed or
removed — and where its lines are). The first release of a chain keeps every resource once.

Beside the flow like `patch.py`: the release writes these files and the web reads them.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.patch import sort_unique

VERSIONS_FILE = "versions.nq"
VERSIONS_INDEX = "versions.json"
ADDED, CHANGED, REMOVED = "added", "changed", "removed"


def resource_of(subject: bytes) -> bytes:
    """The resource a subject term belongs to: `<iri#part>` → `<iri>`."""
    hash_at = subject.find(b"#")
    return subject[:hash_at] + b">" if hash_at > 0 else subject


def _subject(line: bytes) -> bytes:
    return line.split(b" ", 1)[0]


def write_versions(canonical: Path, folder: Path, version: str, built: str,
                   touched: dict[str, str] | None) -> dict[str, int]:
    """`versions.nq` and `versions.json` in `folder` from the release's canonical N-Quads:
    the resources in `touched` (IRI → added/changed/removed), every resource when None (the
    first release). Returns the count per state."""
    wanted = None if touched is None else {f"<{iri}>".encode() for iri in touched}
    scratch = folder / f".{VERSIONS_FILE}.keyed"

    def keyed() -> Iterator[bytes]:
        with canonical.open("rb") as lines:
            for line in lines:
                resource = resource_of(_subject(line))
                if resource.startswith(b"<") and (wanted is None or resource in wanted):
                    yield resource + b"\t" + line

    sort_unique(keyed(), scratch)
    index: dict[str, list[Any]] = {}
    offset = 0
    with scratch.open("rb") as rows, (folder / VERSIONS_FILE).open("wb") as out:
        current, start = None, 0
        for row in rows:
            resource, line = row.split(b"\t", 1)
            if resource != current:
                if current is not None:
                    index[current.decode()[1:-1]] = [None, start, offset - start]
                current, start = resource, offset
            out.write(line)
            offset += len(line)
        if current is not None:
            index[current.decode()[1:-1]] = [None, start, offset - start]
    scratch.unlink()
    states = touched or {}
    for iri, entry in index.items():
        entry[0] = states.get(iri, ADDED)
        if entry[0] == REMOVED:           # a resource whose `#` part stays is changed
            entry[0] = CHANGED
    for iri, state in states.items():
        if iri not in index:
            index[iri] = [REMOVED, 0, 0]
    counts = {state: 0 for state in (ADDED, CHANGED, REMOVED)}
    for entry in index.values():
        counts[entry[0]] += 1
    (folder / VERSIONS_INDEX).write_text(json.dumps(
        {"version": version, "built": built, "counts": counts,
         "resources": dict(sorted(index.items()))}, ensure_ascii=False, separators=(",", ":"))
        + "\n", encoding="utf-8")
    return counts


def touched_resources(summary: dict[str, Any]) -> dict[str, str]:
    """IRI → state of the resources a changeset summary (`changes.json`) names, by resource:
    a `#` part added or removed changes its resource."""
    own: dict[str, str] = {}
    parts: set[str] = set()
    for state in (ADDED, REMOVED, CHANGED):
        for subjects in summary.get("resources", {}).get(state, {}).values():
            for subject in subjects:
                if "#" in subject:
                    parts.add(subject.split("#", 1)[0])
                else:
                    own[subject] = state
    states = {iri: CHANGED for iri in parts}
    states.update(own)
    return states


@dataclass(frozen=True)
class Version:
    """One version of one resource: the release it is in, when that release was built, and
    whether the resource was added, changed or removed there."""

    release: str
    built: str
    state: str
    offset: int
    length: int


class VersionIndex:
    """The versions of a release folder (its `versions.json`), read once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        data = json.loads((folder / VERSIONS_INDEX).read_text(encoding="utf-8"))
        self.release: str = data["version"]
        self.built: str = data["built"]
        self.entries: dict[str, list[Any]] = data["resources"]

    def version(self, iri: str) -> Version | None:
        entry = self.entries.get(iri)
        if entry is None:
            return None
        return Version(self.release, self.built, entry[0], entry[1], entry[2])

    def lines(self, version: Version) -> list[bytes]:
        """The N-Quads lines of a version (none for a removal)."""
        if version.length <= 0:
            return []
        with (self.folder / VERSIONS_FILE).open("rb") as handle:
            handle.seek(version.offset)
            return handle.read(version.length).splitlines(keepends=True)


def has_versions(folder: Path) -> bool:
    return (folder / VERSIONS_INDEX).is_file() and (folder / VERSIONS_FILE).is_file()


def iter_versions(indexes: Iterable[VersionIndex]) -> Iterator[tuple[str, Version]]:
    """(IRI, version) of every release in order, resources in IRI order within a release."""
    for index in indexes:
        for iri in index.entries:
            version = index.version(iri)
            if version is not None:
                yield iri, version
