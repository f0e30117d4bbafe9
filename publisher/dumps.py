"""The release dumps, written from the build's quad store in one sorted pass per format.

Two builds of the same texts must give the same bytes (apart from build times), so every
dump is written in a canonical order: the N-Triples lines of each named graph sorted, graphs
in IRI order, the union of all graphs de-duplicated by a merge of the sorted graphs. Sorting
works on N-Triples lines (bytes), which Oxigraph writes far faster than Python could compare
term objects; the other syntaxes are parsed back from those lines, in order, and written by
pyoxigraph straight to the file.
"""
from __future__ import annotations

import gzip
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store, parse, serialize

#: zlib level of data.nt.gz: 6 is zlib's own default, about twice as fast as 9 for a file
#: a few per cent larger.
GZIP_LEVEL = 6

#: The syntaxes written from the union of the graphs (triples), in file-name order.
TRIPLE_DUMPS: tuple[tuple[str, RdfFormat], ...] = (
    ("data.jsonld", RdfFormat.JSON_LD),
    ("data.rdf", RdfFormat.RDF_XML),
    ("data.ttl", RdfFormat.TURTLE),
)


@dataclass(frozen=True)
class DumpCounts:
    """What was written: distinct triples of the union, and quads of the named graphs."""

    triples: int
    quads: int


def graph_names(store: Store) -> list[NamedNode | DefaultGraph]:
    """The graphs holding data, in IRI order; the default graph first if it is used."""
    names: list[NamedNode | DefaultGraph] = sorted(
        (g for g in store.named_graphs() if isinstance(g, NamedNode)), key=lambda g: g.value)
    if next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None:
        names.insert(0, DefaultGraph())
    return names


def sorted_lines(store: Store, graph: NamedNode | DefaultGraph) -> list[bytes]:
    """The N-Triples lines of one graph, sorted (a graph holds no duplicate triples)."""
    lines = store.dump(format=RdfFormat.N_TRIPLES, from_graph=graph).splitlines()
    lines.sort()
    return lines


def unique_merge(sorted_runs: Iterable[list[bytes]]) -> Iterator[bytes]:
    """Merge sorted runs of lines, dropping a line equal to the one before it."""
    previous = None
    for line in heapq.merge(*sorted_runs):
        if line != previous:
            yield line
            previous = line


def as_nquads(lines: list[bytes], graph: NamedNode | DefaultGraph) -> Iterator[bytes]:
    """N-Triples lines of a graph as N-Quads lines (`<s> <p> <o> <g> .`)."""
    if isinstance(graph, DefaultGraph):
        yield from lines
        return
    suffix = f" <{graph.value}> .".encode()
    for line in lines:
        yield line[:-2] + suffix      # every N-Triples line ends with " ."


def joined(lines: Iterable[bytes]) -> bytes:
    """Lines as one document, each ended by a newline."""
    body = b"\n".join(lines)
    return body + b"\n" if body else body


def write_gzip(path: Path, data: bytes, inner_name: str) -> None:
    """A reproducible gzip file: no time stamp, a fixed inner name."""
    with path.open("wb") as raw:
        with gzip.GzipFile(filename=inner_name, mode="wb", fileobj=raw, mtime=0,
                           compresslevel=GZIP_LEVEL) as handle:
            handle.write(data)


def write_triple_dumps(ntriples: bytes, folder: Path, prefixes: dict[str, str]) -> None:
    """Turtle, RDF/XML and JSON-LD from sorted N-Triples, streamed by pyoxigraph."""
    for name, fmt in TRIPLE_DUMPS:
        serialize(parse(ntriples, format=RdfFormat.N_TRIPLES), str(folder / name), fmt,
                  prefixes=prefixes if fmt is not RdfFormat.JSON_LD else None)


def write_dumps(store: Store, folder: Path, prefixes: dict[str, str]) -> DumpCounts:
    """data.trig, data.nt.gz, data.ttl, data.rdf and data.jsonld in canonical order."""
    runs = [(graph, sorted_lines(store, graph)) for graph in graph_names(store)]
    quads = sum(len(lines) for _, lines in runs)
    nquads = joined(line for graph, lines in runs for line in as_nquads(lines, graph))
    serialize(parse(nquads, format=RdfFormat.N_QUADS), str(folder / "data.trig"),
              RdfFormat.TRIG, prefixes=prefixes)
    del nquads
    union = list(unique_merge(lines for _, lines in runs))
    del runs
    ntriples = joined(union)
    triples = len(union)
    del union
    write_gzip(folder / "data.nt.gz", ntriples, "data.nt")
    write_triple_dumps(ntriples, folder, prefixes)
    return DumpCounts(triples=triples, quads=quads)
