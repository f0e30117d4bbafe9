"""What pages read of the release once and keep until the next one: the vocabulary (its
triples, the labels of its terms, its class tree), the lines of a source text, and the
catalogue and VoID files (they describe the dataset, which the store does not hold)."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable

import pyoxigraph as ox

from publisher.docs.vocabulary import term_labels as shared_term_labels
from publisher.vocab import RDFS, graph, vocabulary
from publisher.web.context import publisher, settings, store
from publisher.web.pages.terms import kd


def once_per_release(key: str, compute: Callable[[], Any]) -> Any:
    """A value computed once per release (the store's version) and kept."""
    return publisher().cached(key, store().version, compute)


def ontology_triples() -> list[ox.Triple]:
    """The vocabulary: the ontology graph, or every `{base}def/…` description if it is absent."""
    base = settings().base_uri
    ontology = graph(base, "ontology")

    def compute() -> list[ox.Triple]:
        triples = store().construct(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ontology}> {{ ?s ?p ?o }} }}")
        if not triples:
            triples = store().construct(
                f'CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && '
                f'STRSTARTS(STR(?s), "{vocabulary(base)}")) }}')
        return triples

    return once_per_release("ontology", compute)


def term_labels() -> dict[str, list[Any]]:
    """rdfs:label / skos:prefLabel of every vocabulary term, once per release."""
    return once_per_release("term-labels", lambda: shared_term_labels(ontology_triples()))


def class_ancestors() -> dict[str, set[str]]:
    """Every class of the vocabulary with all its superclasses (rdfs:subClassOf, transitive),
    so a page for kd:Initiative also serves kd:Network, kd:Service…"""
    def compute() -> dict[str, set[str]]:
        parents: dict[str, set[str]] = defaultdict(set)
        for t in ontology_triples():
            if t.predicate.value == RDFS + "subClassOf" and isinstance(t.object, ox.NamedNode):
                parents[t.subject.value].add(t.object.value)
        return {cls: _closure(cls, parents) for cls in parents}

    return once_per_release("class-ancestors", compute)


def _closure(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def expanded_types(types: Iterable[str]) -> set[str]:
    ancestors = class_ancestors()
    found = set(types)
    for cls in list(found):
        found |= ancestors.get(cls, set())
    return found


def document_lines(iri: str) -> list[str]:
    """The lines of a source document's text (kd:sourceText), once per release."""
    def compute() -> list[str]:
        rows = store().select(
            f"SELECT ?text WHERE {{ <{iri}> <{kd('sourceText')}> ?text }} LIMIT 1")
        return rows[0]["text"].value.split("\n") if rows else []

    return once_per_release("document-lines " + iri, compute)


def metadata_triples() -> list[ox.Triple]:
    """catalog.ttl and void.ttl of the current release: where the IRIs of the dataset, its
    distributions and the catalogue itself are described (they are not in the store)."""
    folder = publisher().release_dir()
    if folder is None:
        return []
    files = [folder / name for name in ("catalog.ttl", "void.ttl") if (folder / name).is_file()]
    key = "metadata:" + "|".join(f"{f}:{f.stat().st_mtime_ns}" for f in files)

    def compute() -> list[ox.Triple]:
        triples: list[ox.Triple] = []
        for path in files:
            try:
                triples += [q.triple for q in ox.parse(path=str(path),
                                                       format=ox.RdfFormat.TURTLE)]
            except (SyntaxError, OSError):
                continue
        return list(dict.fromkeys(triples))

    return publisher().cached("metadata", key, compute)
