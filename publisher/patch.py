"""RDF Patch (the text format of Apache Jena's RDF Delta): the changes between two releases.

Beside the flow because the release writes a changeset and the web composes a chain of them
(`/changes?since=`), and the web may not import the release. Quads are handled as canonical
N-Quads lines (bytes, subject first, no blank nodes in our dumps): sorting them as bytes groups
each subject's quads together, so one merge pass of two sorted files gives the quads added and
deleted and the resources they touch, in memory bounded by one subject's quads.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from pyoxigraph import DefaultGraph, RdfFormat, parse, serialize

PATCH_FILE = "changes.rdfp"
SUMMARY_FILE = "changes.json"
#: The media type of RDF Patch text (Jena's name); served as text/plain where unknown.
PATCH_MEDIA_TYPE = "application/rdf-patch"
RELEASE_INFO = "release.json"
#: Lines sorted in memory at a time; beyond it, sorted parts are merged from disk.
SORT_CHUNK_BYTES = 128 * 1024 * 1024
#: A release version: the UTC build time, and a suffix for a second build in that second.
VERSION = re.compile(r"\d{8}T\d{6}Z(?:-\d{1,4})?")
RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


class PatchError(ValueError):
    """A patch file or a chain of releases that cannot be read as we wrote it."""


# ------------------------------------------------------------------ canonical N-Quads

def quad_lines(dump: Path) -> Iterator[bytes]:
    """The quads of a TriG dump as N-Quads lines, streamed (the default graph without a
    fourth term)."""
    with dump.open("rb") as handle:
        for quad in parse(handle, format=RdfFormat.TRIG):
            graph = "" if isinstance(quad.graph_name, DefaultGraph) else f" {quad.graph_name}"
            yield f"{quad.subject} {quad.predicate} {quad.object}{graph} .\n".encode("utf-8")


def sort_unique(lines: Iterable[bytes], target: Path,
                chunk_bytes: int = SORT_CHUNK_BYTES) -> int:
    """Write the lines sorted as bytes, each once, into `target`; returns the count. Memory
    stays within about `chunk_bytes`: larger inputs are sorted in parts merged from disk."""
    parts: list[Path] = []
    chunk: list[bytes] = []
    size = 0
    for line in lines:
        chunk.append(line)
        size += len(line) + 64
        if size >= chunk_bytes:
            part = target.with_name(f"{target.name}.part-{len(parts):05d}")
            chunk.sort()
            part.write_bytes(b"".join(chunk))
            parts.append(part)
            chunk, size = [], 0
    chunk.sort()
    with ExitStack() as stack, target.open("wb") as out:
        runs: list[Iterable[bytes]] = [stack.enter_context(p.open("rb")) for p in parts]
        count, previous = 0, None
        for line in heapq.merge(chunk, *runs):
            if line != previous:
                out.write(line)
                count += 1
                previous = line
    for part in parts:
        part.unlink()
    return count


def canonical_nquads(dump: Path, target: Path) -> str:
    """The release's quads as sorted N-Quads in `target`; returns their SHA-256, the identity
    of the release's data whatever the release is called. pyoxigraph writes the N-Quads (the
    same lines as `quad_lines`, a third faster than formatting them here), then they are
    sorted."""
    unsorted = target.with_name(f"{target.name}.unsorted")
    with dump.open("rb") as source, unsorted.open("wb") as out:
        serialize(parse(source, format=RdfFormat.TRIG), out, format=RdfFormat.N_QUADS)
    with unsorted.open("rb") as lines:
        sort_unique(lines, target)
    unsorted.unlink()
    digest = hashlib.sha256()
    with target.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def patch_id(data_digest: str) -> str:
    """The RDF Patch id of a state of the data: a UUID made from its digest, so two builds
    of the same texts name the same state."""
    return f"<uuid:{uuid.UUID(bytes=bytes.fromhex(data_digest)[:16])}>"


# ------------------------------------------------------------------ the difference

@dataclass
class Changes:
    """What a changeset says, counted: quads per graph, resources per type."""

    added: int = 0
    deleted: int = 0
    graphs: dict[str, dict[str, int]] = field(default_factory=dict)
    resources: dict[str, dict[str, list[str]]] = field(default_factory=lambda: {
        "added": {}, "removed": {}, "changed": {}})

    def count(self, op: str, line: bytes) -> None:
        graph = graph_of(line) or "(default graph)"
        counts = self.graphs.setdefault(graph, {"added": 0, "deleted": 0})
        key = "added" if op == "A" else "deleted"
        counts[key] += 1
        setattr(self, key, getattr(self, key) + 1)

    def summary(self, since: str | None, version: str | None) -> dict[str, Any]:
        """The JSON form: counts first, then the resources by type, each list sorted."""
        resources = {kind: {t: sorted(v) for t, v in sorted(by_type.items())}
                     for kind, by_type in self.resources.items()}
        return {"since": since, "version": version,
                "quads": {"added": self.added, "deleted": self.deleted},
                "graphs": dict(sorted(self.graphs.items())),
                "counts": {kind: {"total": sum(len(v) for v in by_type.values()),
                                  **{t: len(v) for t, v in by_type.items()}}
                           for kind, by_type in resources.items()},
                "resources": resources}


def _terms(line: bytes) -> list[bytes]:
    """The terms of an N-Quads line: IRIs have no space, a literal ends the triple part."""
    body = line.rstrip(b"\n")
    if body.endswith(b" ."):
        body = body[:-2]
    subject, predicate, rest = body.split(b" ", 2)
    if rest.startswith(b'"'):
        end = rest.rfind(b'"')
        tail = rest[end + 1:]
        space = tail.find(b" ")
        if space < 0:
            return [subject, predicate, rest]
        return [subject, predicate, rest[:end + 1 + space], tail[space + 1:]]
    return [subject, predicate, *rest.split(b" ", 1)]


def graph_of(line: bytes) -> str | None:
    terms = _terms(line)
    return terms[3].decode("utf-8").strip("<>") if len(terms) == 4 else None


def _subject(line: bytes) -> bytes:
    return line.split(b" ", 1)[0]


def _types(lines: list[bytes]) -> list[str]:
    return sorted({t[2].decode("utf-8").strip("<>") for t in map(_terms, lines)
                   if t[1] == RDF_TYPE})


def _primary_type(types: list[str], prefer: str) -> str:
    """The type a resource is counted under: its first of our vocabulary, else its first."""
    ours = [t for t in types if t.startswith(prefer)]
    return (ours or types or ["(untyped)"])[0]


def _grouped(handle: BinaryIO) -> Iterator[tuple[bytes, list[bytes]]]:
    """(subject, its lines) of a sorted N-Quads file."""
    subject, lines = None, []
    for line in handle:
        key = _subject(line)
        if key != subject:
            if subject is not None:
                yield subject, lines
            subject, lines = key, []
        lines.append(line)
    if subject is not None:
        yield subject, lines


def diff(old: Path, new: Path, deletes: BinaryIO, adds: BinaryIO,
         prefer_types: str = "") -> Changes:
    """Merge two sorted N-Quads files subject by subject: deleted lines go to `deletes`,
    added ones to `adds` (both in sorted order), resources are classed as they pass."""
    changes = Changes()
    with old.open("rb") as before, new.open("rb") as after:
        left, right = _grouped(before), _grouped(after)
        a, b = next(left, None), next(right, None)
        while a is not None or b is not None:
            if b is None or (a is not None and a[0] < b[0]):
                _record(changes, a[1], [], deletes, adds, prefer_types)
                a = next(left, None)
            elif a is None or b[0] < a[0]:
                _record(changes, [], b[1], deletes, adds, prefer_types)
                b = next(right, None)
            else:
                _record(changes, a[1], b[1], deletes, adds, prefer_types)
                a, b = next(left, None), next(right, None)
    return changes


def _record(changes: Changes, was: list[bytes], now: list[bytes], deletes: BinaryIO,
            adds: BinaryIO, prefer: str) -> None:
    if was == now:                  # most subjects are untouched: one list comparison
        return
    now_set, was_set = set(now), set(was)
    gone = [line for line in was if line not in now_set]
    new = [line for line in now if line not in was_set]
    if not gone and not new:
        return
    for line in gone:
        deletes.write(b"D " + line)
        changes.count("D", line)
    for line in new:
        adds.write(b"A " + line)
        changes.count("A", line)
    kind = "added" if not was else "removed" if not now else "changed"
    resource = _subject(now[0] if now else was[0]).decode("utf-8").strip("<>")
    kind_type = _primary_type(_types(now or was), prefer)
    changes.resources[kind].setdefault(kind_type, []).append(resource)


# ------------------------------------------------------------------ the patch text

def header(id_: str, prev: str | None) -> bytes:
    return (f"H id {id_} .\n" + (f"H prev {prev} .\n" if prev else "") + "TX .\n").encode()


def write_patch(out: BinaryIO, id_: str, prev: str | None, deletes: Iterable[bytes],
                adds: Iterable[bytes]) -> None:
    """One transaction: deletes, then adds, rows as given (each already sorted)."""
    out.write(header(id_, prev))
    for row in deletes:
        out.write(row)
    for row in adds:
        out.write(row)
    out.write(b"TC .\n")


@dataclass
class Patch:
    id: str | None
    prev: str | None
    rows: list[tuple[str, bytes]]


def read_patch(path: Path) -> Patch:
    """A patch as we write it: headers, one transaction of A and D rows."""
    headers: dict[str, str] = {}
    rows: list[tuple[str, bytes]] = []
    state = "header"
    with path.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            if line.startswith(b"H ") and state == "header":
                parts = line.decode("utf-8").split()
                if len(parts) != 4 or parts[3] != ".":
                    raise PatchError(f"{path.name} line {number}: not a header row")
                headers[parts[1]] = parts[2]
            elif line == b"TX .\n" and state == "header":
                state = "rows"
            elif line[:2] in (b"A ", b"D ") and state == "rows" and line.endswith(b" .\n"):
                rows.append((line[:1].decode(), line[2:]))
            elif line == b"TC .\n" and state == "rows":
                state = "done"
            else:
                raise PatchError(f"{path.name} line {number}: unexpected row")
    if state != "done":
        raise PatchError(f"{path.name}: the transaction is not committed (no TC row)")
    return Patch(headers.get("id"), headers.get("prev"), rows)


def compose(patches: Iterable[Patch]) -> dict[bytes, str]:
    """The net change of patches applied in order, quad → "A" or "D": a quad added then
    deleted (or deleted then added) cancels out."""
    net: dict[bytes, str] = {}
    for patch in patches:
        for op, quad in patch.rows:
            if net.get(quad, op) != op:
                del net[quad]
            else:
                net[quad] = op
    return net


def composed_text(net: dict[bytes, str], id_: str | None, prev: str | None) -> bytes:
    """A composed change as RDF Patch text, in the canonical order."""
    deletes = sorted(b"D " + q for q, op in net.items() if op == "D")
    adds = sorted(b"A " + q for q, op in net.items() if op == "A")
    return (header(id_ or "<uuid:00000000-0000-0000-0000-000000000000>", prev)
            + b"".join(deletes) + b"".join(adds) + b"TC .\n")


def apply(quads: Iterable[bytes], patch: Patch) -> list[bytes]:
    """The quads after the patch, sorted (for checking a changeset against the data)."""
    state = set(quads)
    for op, quad in patch.rows:
        if op == "A":
            state.add(quad)
        else:
            state.discard(quad)
    return sorted(state)


# ------------------------------------------------------------------ the chain of releases

def release_info(folder: Path) -> dict[str, Any]:
    try:
        info = json.loads((folder / RELEASE_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def chain(releases_dir: Path, since: str, latest: Path) -> list[Path] | None:
    """The release folders after `since` up to `latest`, oldest first, following each
    release's `previous`; None when the chain does not reach `since` or a changeset in it is
    missing (a release built after a corrupt one has none)."""
    folders: list[Path] = []
    folder, seen = latest, set()
    while True:
        info = release_info(folder)
        version = info.get("version", folder.name)
        if version == since:
            return list(reversed(folders))
        if version in seen or len(seen) > 100_000:
            return None
        seen.add(version)
        previous = (info.get("previous") or {}).get("version")
        if not isinstance(previous, str) or not VERSION.fullmatch(previous):
            return None
        if not (folder / PATCH_FILE).is_file():
            return None
        folders.append(folder)
        folder = releases_dir / previous
        if not folder.is_dir():
            return None
