"""The "DCAT-AP compliance" indicator: the catalogue against the official DCAT-AP 2.1.1 shapes
(the profile data.europa.eu converts harvested records to and validates), through our one SHACL
entry point, with what the EU tables say about the concepts it uses as background knowledge
(the controlled-vocabulary shapes check `skos:inScheme`, which a harvester knows and a
catalogue need not repeat).

A violation counts against a dataset when its focus node is the dataset or a node its
description reaches (distributions, agents, concepts, blank nodes …), not passing through
another dataset or a catalogue: each dataset is judged by its own record, as a harvester
validates one dataset at a time.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph

from publisher.config import PROJECT_ROOT
from publisher.shacl import drop_dangling_property_shapes, to_rdflib, validate
from publisher.shacl.mqa.vocabularies import Vocabularies
from publisher.vocab import DCAT, RDF_TYPE

DEFAULT_SHAPES = PROJECT_ROOT / "shapes" / "dcat-ap-2.1.1"
#: The files that decide compliance: the core constraints, the class ranges and the
#: controlled vocabularies (the recommended and deprecated-URI files only warn).
SHAPES_FILES = ("dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_range.ttl",
                "dcat-ap_2.1.1_shacl_mdr-vocabularies.shape.ttl")
#: The most nodes one dataset's record may reach; past it the rest is not looked at.
MAX_RECORD_NODES = 20_000
_STOP_TYPES = {DCAT + "Dataset", DCAT + "Catalog"}


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.focus} {self.path or ''} — {self.message}".replace("  ", " ")


@lru_cache(maxsize=2)
def _shapes(files: tuple[tuple[str, int, int], ...]) -> Graph:
    graph = Graph()
    for path, _, _ in files:
        graph.parse(path, format="turtle")
    drop_dangling_property_shapes(graph)
    return graph


def shapes_graph(folder: Path | None = None) -> Graph:
    """The DCAT-AP 2.1.1 shapes that decide compliance (read once per version of the files)."""
    folder = Path(folder) if folder is not None else DEFAULT_SHAPES
    paths = [folder / name for name in SHAPES_FILES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"DCAT-AP 2.1.1 shapes missing in {folder}: {', '.join(missing)}")
    return _shapes(tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths))


def with_context(triples: list[ox.Triple], vocabularies: Vocabularies) -> list[ox.Triple]:
    """The triples plus the tables' type, scheme and labels of every IRI they use."""
    used = {term.value for t in triples for term in (t.subject, t.object)
            if isinstance(term, ox.NamedNode)}
    extra = [triple for iri in sorted(used) for triple in vocabularies.context.get(iri, ())]
    return triples + extra


def violations(triples: list[ox.Triple], vocabularies: Vocabularies,
               shapes_dir: Path | None = None) -> list[Violation]:
    """Every sh:Violation the DCAT-AP 2.1.1 shapes find in the catalogue."""
    data = to_rdflib(with_context(triples, vocabularies), keep_blank_ids=True)
    outcome = validate(data, shapes_graph(shapes_dir))
    return [Violation(r.focus, r.path, r.message) for r in outcome.results
            if r.severity == "Violation"]


def record(dataset: ox.NamedNode, outgoing: dict[ox.Term, list[ox.Triple]],
           types: dict[ox.Term, set[str]]) -> set[str]:
    """The nodes (IRIs, and blank nodes by id) the dataset's description reaches."""
    seen: set[ox.Term] = {dataset}
    todo = [dataset]
    while todo and len(seen) < MAX_RECORD_NODES:
        node = todo.pop()
        for triple in outgoing.get(node, ()):
            target = triple.object
            if isinstance(target, ox.Literal) or target in seen:
                continue
            if types.get(target, set()) & _STOP_TYPES:
                continue
            seen.add(target)
            todo.append(target)
    return {_text(node) for node in seen}


def index(triples: Iterable[ox.Triple]) -> tuple[dict[ox.Term, list[ox.Triple]],
                                                dict[ox.Term, set[str]]]:
    """Each subject's triples, and each subject's types."""
    outgoing: dict[ox.Term, list[ox.Triple]] = defaultdict(list)
    types: dict[ox.Term, set[str]] = defaultdict(set)
    for triple in triples:
        outgoing[triple.subject].append(triple)
        if triple.predicate.value == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            types[triple.subject].add(triple.object.value)
    return outgoing, types


def _text(node: ox.Term) -> str:
    return node.value        # as the report names a focus node (a blank node by its id)
