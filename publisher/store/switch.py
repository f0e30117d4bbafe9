"""How a remote store holds a release so that the next one switches in at once.

Readers never see a store's default graph or its list of named graphs as they are: every
query the app sends without a dataset of its own names one — the release's union as the
default graph (graph ``UNION``) and the release's named graphs, read from a small pointer
graph (``POINTER``: the version and the graph names). So graphs the store holds beside the
release (Virtuoso's own, a release being loaded) are never part of an answer.

A new release is loaded into staging graphs (``STAGING…``) beside the one served, then one
SPARQL update puts a copy of every staged graph in the place of its real name, drops the
graphs the old release had and the new one has not, and does the same for the pointer last;
the staged graphs are dropped after it. The engines run one update request
as one transaction (Oxigraph: one storage transaction; Virtuoso: one commit, tested by
``tests/store/test_switch.py``), so a reader sees the old release or the new one, never a
mix; every app replica reads the pointer from the store, so all of them follow the switch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import pyoxigraph as ox

from publisher.store.base import DCT_MODIFIED, OWL_VERSION_INFO, XSD_DATETIME

UNION = "urn:x-kuntadigi:union"
POINTER = "urn:x-kuntadigi:release"
STAGING = "urn:x-kuntadigi:staging:"
DCT_HAS_PART = "http://purl.org/dc/terms/hasPart"


@dataclass(frozen=True)
class Current:
    """The release a store serves: its version (None: none of ours) and named graphs."""

    version: str | None
    graphs: tuple[str, ...] = ()


NONE = Current(None)


@dataclass(frozen=True)
class Staged:
    """A release written beside the one served, waiting for the switch: its version, its
    named graphs, where each staged graph goes (staged → real) and the quads of its TriG."""

    version: str
    graphs: tuple[str, ...]
    moves: Mapping[str, str]
    quads: int

#: Asked with the pointer graph as the only named graph, so the answer is the same on every
#: engine whatever else the store holds.
POINTER_QUERY = (f"SELECT ?v ?g WHERE {{ GRAPH <{POINTER}> {{ <{POINTER}> <{OWL_VERSION_INFO}> "
                 f"?v OPTIONAL {{ <{POINTER}> <{DCT_HAS_PART}> ?g }} }} }}")


def current_from(rows: Iterable[Mapping[str, object]]) -> Current:
    """The pointer's rows (``v``, ``g`` terms) as a :class:`Current`."""
    version = None
    graphs: set[str] = set()
    for row in rows:
        term = row.get("v")
        if term is not None and version is None:
            version = str(getattr(term, "value", term))
        graph = row.get("g")
        if isinstance(graph, ox.NamedNode):
            graphs.add(graph.value)
    return Current(version, tuple(sorted(graphs))) if version is not None else NONE


def pointer_triples(version: str, built: str | None, graphs: Iterable[str]) -> list[ox.Triple]:
    """The pointer graph's content for a release."""
    pointer = ox.NamedNode(POINTER)
    triples = [ox.Triple(pointer, ox.NamedNode(OWL_VERSION_INFO), ox.Literal(version))]
    if built:
        triples.append(ox.Triple(pointer, ox.NamedNode(DCT_MODIFIED),
                                 ox.Literal(built, datatype=ox.NamedNode(XSD_DATETIME))))
    triples += [ox.Triple(pointer, ox.NamedNode(DCT_HAS_PART), ox.NamedNode(graph))
                for graph in sorted(graphs)]
    return triples


def staged_name(token: str, index: int) -> str:
    """Where the ``index``-th graph of a release being loaded waits for the switch."""
    return f"{STAGING}{token}:{index}"


def leftovers(names: Iterable[str]) -> list[str]:
    """Staging graphs a load that did not finish left behind."""
    return sorted(name for name in names if name.startswith(STAGING))


def switch_update(moves: Mapping[str, str], drop: Iterable[str]) -> str:
    """One SPARQL update: drop ``drop`` (graphs of the old release the new one has not),
    then for each staged graph (``moves``: staged → real) drop the real one and add the
    staged one to it; the pointer's last. The staged copies stay, dropped after the switch
    (:func:`drops`): readers never read them, and deleting is what costs (Virtuoso drops
    8 000 triples in 1–3 s and adds them in 0.15 s), so the one transaction readers wait on
    deletes only the old release. (``MOVE`` says the same, but Virtuoso's MOVE onto a graph
    that holds triples, inside one transaction, takes seconds per thousand triples.)"""
    steps = drops(set(drop) - set(moves.values()))
    ordered = sorted(moves.items(), key=lambda item: item[1] == POINTER)
    for staged, real in ordered:
        steps += [f"DROP SILENT GRAPH <{real}>", f"ADD SILENT GRAPH <{staged}> TO GRAPH <{real}>"]
    return " ;\n".join(steps)


def drops(names: Iterable[str]) -> list[str]:
    """Updates that drop graphs one at a time: nothing needs them gone together, and each
    request stays small against the engine's time limit per request (deleting is slow)."""
    return [f"DROP SILENT GRAPH <{name}>" for name in sorted(names)]
