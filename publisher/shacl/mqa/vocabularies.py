"""The controlled vocabularies the indicators decide membership against: the EU authority
tables copied into `mappings/reference/eu/` (file types, licences, access rights).

The file-type table says of each format whether it is machine-readable (`is-machine-readable`)
and non-proprietary (`is-nonPropExt`) and which IANA media type it has (`mime-type-cellar`),
as `at:op-mapped-code` entries; those flags decide the two format indicators, and the media
types it names stand for the IANA registry, of which we keep no copy.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from publisher.config import PROJECT_ROOT
from publisher.vocab import (AUTHORITY, AUTHORITY_ONTOLOGY, DC_ELEMENTS, IANA_MEDIA_TYPES,
                             RDF_TYPE, SKOS)

#: Where the tables are in the project (a deployment's own `mappings/` is passed instead).
DEFAULT_TABLES = PROJECT_ROOT / "mappings" / "reference" / "eu"
FILE_TYPE_SCHEME = AUTHORITY + "file-type"
LICENCE_SCHEME = AUTHORITY + "licence"
ACCESS_RIGHT_SCHEME = AUTHORITY + "access-right"

_IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
_MAPPED = ox.NamedNode(AUTHORITY_ONTOLOGY + "op-mapped-code")
_LEGACY = ox.NamedNode(AUTHORITY_ONTOLOGY + "legacy-code")
_SOURCE = ox.NamedNode(DC_ELEMENTS + "source")


@dataclass(frozen=True)
class Vocabularies:
    """The concepts of each table, the flags of the file types, and what the tables say
    about each concept (type, scheme, labels) for the DCAT-AP validation's context."""

    schemes: dict[str, frozenset[str]]          # scheme IRI -> its concepts
    machine_readable: frozenset[str]
    non_proprietary: frozenset[str]
    media_types: frozenset[str]                 # IANA media-type IRIs the file-type table names
    context: dict[str, tuple[ox.Triple, ...]]   # concept IRI -> its type, scheme and labels
    files: tuple[str, ...]                      # the table files read

    def member(self, scheme: str, iri: str) -> bool:
        return iri in self.schemes.get(scheme, frozenset())


def _keys(folder: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns)
                 for p in sorted(folder.glob("*.ttl")))


def load_vocabularies(folder: Path | None = None) -> Vocabularies:
    """The tables of `folder` (by default the project's `mappings/reference/eu/`), read once
    per version of its files."""
    folder = Path(folder) if folder is not None else DEFAULT_TABLES
    if not folder.is_dir():
        raise FileNotFoundError(f"no EU authority tables at {folder}")
    return _load(_keys(folder))


@lru_cache(maxsize=4)
def _load(files: tuple[tuple[str, int, int], ...]) -> Vocabularies:
    schemes: dict[str, set[str]] = {}
    flags: dict[str, set[str]] = {"is-machine-readable": set(), "is-nonPropExt": set()}
    media: set[str] = set()
    context: dict[str, list[ox.Triple]] = {}
    for path, _, _ in files:
        store = ox.Store()
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
        for quad in store.quads_for_pattern(None, _IN_SCHEME, None, None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                schemes.setdefault(quad.object.value, set()).add(quad.subject.value)
        for quad in store.quads_for_pattern(None, _MAPPED, None, None):
            concept = quad.subject
            source = next(store.quads_for_pattern(quad.object, _SOURCE, None, None), None)
            code = next(store.quads_for_pattern(quad.object, _LEGACY, None, None), None)
            if source is None or code is None or not isinstance(concept, ox.NamedNode):
                continue
            kind, value = source.object.value, code.object.value.strip()
            if kind in flags and value == "true":
                flags[kind].add(concept.value)
            elif kind == "mime-type-cellar" and "/" in value:
                media.add(IANA_MEDIA_TYPES + value.split(";", 1)[0].strip())
        concepts = {q.subject for q in store.quads_for_pattern(
            None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SKOS + "Concept"), None)}
        for quad in store.quads_for_pattern(None, None, None, None):
            if quad.subject not in concepts:
                continue
            keep = (quad.predicate == _IN_SCHEME or quad.predicate.value == RDF_TYPE
                    or quad.predicate.value == SKOS + "prefLabel")
            if keep and not isinstance(quad.object, ox.BlankNode):
                context.setdefault(quad.subject.value, []).append(quad.triple)
    return Vocabularies(
        schemes={k: frozenset(v) for k, v in schemes.items()},
        machine_readable=frozenset(flags["is-machine-readable"]),
        non_proprietary=frozenset(flags["is-nonPropExt"]),
        media_types=frozenset(media),
        context={k: tuple(v) for k, v in context.items()},
        files=tuple(Path(p).name for p, _, _ in files))
