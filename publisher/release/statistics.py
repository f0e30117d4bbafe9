"""The counts the catalogue and the VoID description state about a release's data."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph


@dataclass(frozen=True)
class DatasetStatistics:
    """Counts over the union of all graphs of a release (a triple in two graphs counts once)."""

    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]        # class IRI -> number of distinct instances
    properties: dict[str, int]     # property IRI -> number of distinct triples
    examples: list[str]            # a few example resource IRIs (projects first)
    graphs: dict[str, int]         # named graph IRI -> triples in that graph


def _count(store: "pyoxigraph.Store", query: str) -> int:
    for row in store.query(query, use_default_graph_as_union=True):
        return int(row[0].value)
    return 0


def _pairs(store: "pyoxigraph.Store", query: str, union: bool = True) -> list[tuple[str, int]]:
    return [(row[0].value, int(row[1].value))
            for row in store.query(query, use_default_graph_as_union=union)]


def compute_statistics(store: "pyoxigraph.Store", *, uri_space: str | None = None,
                       example_count: int = 5) -> DatasetStatistics:
    """Aggregate counts of the quads in `store`, by SPARQL, without copying the data.

    The dataset is the union of the default graph and every named graph. `entities` counts
    the distinct IRI subjects (only those starting with `uri_space` when it is given).
    Examples are instances of a class named `…Project` first, then one instance of each
    other class, most populous first; IRIs only, sorted, so the choice is stable. The four
    independent scans run on threads (Oxigraph evaluates queries without the GIL).
    """
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        per_graph = pool.submit(_graph_and_property_counts, store)
        subjects = pool.submit(_subject_counts, store, uri_space)
        objects = pool.submit(_count, store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
        classes_future = pool.submit(_pairs, store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE "
                                                    "{ ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c")
        graphs, properties = per_graph.result()
        distinct_subjects, entities = subjects.result()
        distinct_objects = objects.result()
        classes = dict(classes_future.result())
    examples = _examples(store, classes, example_count)
    return DatasetStatistics(
        triples=sum(properties.values()), entities=entities,
        distinct_subjects=distinct_subjects, distinct_objects=distinct_objects,
        classes=dict(sorted(classes.items())), properties=dict(sorted(properties.items())),
        examples=examples, graphs=dict(sorted(graphs.items())))


def _graph_and_property_counts(store: "pyoxigraph.Store") -> tuple[dict[str, int], dict[str, int]]:
    """Triples per graph, and distinct triples per property across the graphs."""
    # One scan of the named graphs: triples per (graph, property). A graph holds no duplicate
    # triples, so a property met in a single graph needs no DISTINCT; the default graph (if
    # used) counts as one more graph.
    graphs: dict[str, int] = {}
    spread: dict[str, list[int]] = {}
    for row in store.query("SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                           "GROUP BY ?g ?p"):
        graph, prop, n = row[0].value, row[1].value, int(row[2].value)
        graphs[graph] = graphs.get(graph, 0) + n
        entry = spread.setdefault(prop, [0, 0])
        entry[0] += n
        entry[1] += 1
    for prop, n in _pairs(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
                          union=False):
        entry = spread.setdefault(prop, [0, 0])
        entry[0] += n
        entry[1] += 1
    properties: dict[str, int] = {}
    for prop, (quads, graph_count) in spread.items():
        if graph_count <= 1:
            properties[prop] = quads           # one graph holds no duplicate triples
        else:                                  # the same triple may sit in several graphs
            iri = prop.replace(">", "%3E")
            properties[prop] = _count(
                store, f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ "
                       f"?s <{iri}> ?o }} }}")
    return graphs, properties


def _subject_counts(store: "pyoxigraph.Store", uri_space: str | None) -> tuple[int, int]:
    """Distinct subjects, and distinct IRI subjects in the URI space (the entities)."""
    space_filter = ""
    if uri_space:
        escaped = uri_space.replace("\\", "\\\\").replace('"', '\\"')
        space_filter = f' && STRSTARTS(STR(?s), "{escaped}")'
    for row in store.query(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?e) AS ?entities) WHERE { "
            f"?s ?p ?o BIND(IF(isIRI(?s){space_filter}, ?s, ?unbound) AS ?e) }}",
            use_default_graph_as_union=True):
        return int(row[0].value), int(row[1].value)
    return 0, 0


def _examples(store: "pyoxigraph.Store", classes: dict[str, int], limit: int) -> list[str]:
    def instances(class_iri: str, n: int) -> list[str]:
        iri = class_iri.replace(">", "%3E")
        return [row[0].value for row in store.query(
            f"SELECT DISTINCT ?s WHERE {{ ?s a <{iri}> FILTER(isIRI(?s)) }} ORDER BY ?s "
            f"LIMIT {int(n)}", use_default_graph_as_union=True)]

    def is_project(class_iri: str) -> bool:
        return class_iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] == "Project"

    chosen: list[str] = []
    projects = sorted(c for c in classes if is_project(c))
    for class_iri in projects:
        for iri in instances(class_iri, max(limit - 2, 1)):
            if iri not in chosen and len(chosen) < max(limit - 2, 1):
                chosen.append(iri)
    others = sorted((c for c in classes if not is_project(c)), key=lambda c: (-classes[c], c))
    for class_iri in others:
        if len(chosen) >= limit:
            break
        for iri in instances(class_iri, len(chosen) + 1):
            if iri not in chosen:
                chosen.append(iri)
                break
    return chosen[:limit]


def store_from_release(release_dir: Path) -> "pyoxigraph.Store":
    """An in-memory pyoxigraph Store with the quads of `data.trig` (one graph per source)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(Path(release_dir) / "data.trig"), format=pyoxigraph.RdfFormat.TRIG)
    return store
