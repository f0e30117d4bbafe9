"""The EU authority tables (and ADMS subsets) the catalogue takes its concepts from.

They are copied into `mappings/reference/eu/`; a catalogue describes the concepts it uses with
what the tables say, and its gate validates with that context.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from publisher.config import Settings
from publisher.release.errors import CatalogError

LANGUAGES = ("fi", "sv", "en")


def file_keys(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """Cache keys that change when a file changes (path, size, modification time)."""
    keys = []
    for path in paths:
        stat = Path(path).stat()
        keys.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(keys)


@lru_cache(maxsize=4)
def _reference_tables(files: tuple[tuple[str, int, int], ...]) -> Graph:
    graph = Graph()
    for path, _, _ in files:
        graph.parse(path, format="turtle")
    return graph


def reference_tables(settings: "Settings") -> Graph:
    """The EU authority tables (and ADMS subsets) copied into `mappings/reference/eu/`."""
    directory = Path(settings.mappings_dir) / "reference" / "eu"
    if not directory.is_dir():
        raise CatalogError(f"reference tables not found: {directory.name}/ under mappings")
    return _reference_tables(file_keys(sorted(directory.glob("*.ttl"))))


def reference_context(graph: Graph, tables: Graph) -> Graph:
    """What the tables say about the IRIs `graph` refers to: type, labels, scheme, codes.

    Only the referenced concepts are taken (not whole tables), so a validation run checks
    the catalogue and the concepts it uses, not the tables themselves.
    """
    context = Graph()
    used = {o for o in graph.objects() if isinstance(o, URIRef)}
    used |= {s for s in graph.subjects() if isinstance(s, URIRef)}
    for iri in used:
        if (iri, RDF.type, SKOS.Concept) not in tables:
            continue        # schemes: the catalogue describes those it uses itself
        for p, o in tables.predicate_objects(iri):
            if isinstance(o, BNode):
                continue
            if isinstance(o, Literal) and o.language not in (None, *LANGUAGES):
                continue
            context.add((iri, p, o))
    return context
