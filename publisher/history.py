"""The versions of each resource: what a release keeps so that the event stream (`/ldes`) and
the mementos of `/doc` can be served without a store per release.

A resource is an IRI with what it owns: its own statements and those of its `#` parts (the
sections and contact details of a project). A release keeps the description of every resource
whose statements changed in it, as they are in its canonical N-Quads (`versions.nq.gz`, grouped
by resource), with an index (`versions.json`: per resource its state — added, changed or
removed — and where its lines are). The first release of a chain keeps every resource once.

Each resource's lines are a gzip member of their own: the file is one gzip stream to any tool
(`zcat`), a version is read by seeking to its member, and the first release's copy of every
description takes a fifth of the disk plain N-Quads would.

Beside the flow like `patch.py`: the release writes these files and the web reads them.
"""
from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.patch import sort_unique

VERSIONS_FILE = "versions.nq.gz"
VERSIONS_INDEX = "versions.json"
ADDED, CHANGED, REMOVED = "added", "changed", "removed"
#: zlib level of each member: 1 compresses N-Quads some 4.6 times at 130 MB/s, level 6 only 5 %
#: better at three quarters of that speed.
LEVEL = 1
#: A version's statements at most once read (a resource with its parts is kilobytes).
MAX_VERSION_BYTES = 64 << 20


def resource_of(subject: bytes) -> bytes:
    """The resource a subject term belongs to: `<iri#part>` → `<iri>`."""
    hash_at = subject.find(b"#")
    return subject[:hash_at] + b">" if hash_at > 0 else subject


def _subject(line: bytes) -> bytes:
    return line.split(b" ", 1)[0]


def _member(lines: list[bytes]) -> bytes:
    """One resource's lines as a gzip member."""
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(b"".join(lines)) + packer.flush()


def write_versions(canonical: Path, folder: Path, version: str, built: str,
                   touched: dict[str, str] | None) -> dict[str, int]:
    """`versions.nq.gz` and `versions.json` in `folder` from the release's canonical N-Quads:
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
        current: bytes | None = None
        lines: list[bytes] = []

        def close_member() -> None:
            nonlocal offset
            if current is not None:
                member = _member(lines)
                out.write(member)
                index[current.decode()[1:-1]] = [None, offset, len(member)]
                offset += len(member)

        for row in rows:
            resource, line = row.split(b"\t", 1)
            if resource != current:
                close_member()
                current, lines = resource, []
            lines.append(line)
        close_member()
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
            member = handle.read(version.length)
        unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = unpacker.decompress(member, MAX_VERSION_BYTES)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise ValueError(f"version of {version.release} at {version.offset}: not one "
                             f"gzip member of at most {MAX_VERSION_BYTES} bytes")
        return data.splitlines(keepends=True)


def has_versions(folder: Path) -> bool:
    return (folder / VERSIONS_INDEX).is_file() and (folder / VERSIONS_FILE).is_file()


def iter_versions(indexes: Iterable[VersionIndex]) -> Iterator[tuple[str, Version]]:
    """(IRI, version) of every release in order, resources in IRI order within a release."""
    for index in indexes:
        for iri in index.entries:
            version = index.version(iri)
            if version is not None:
                yield iri, version
