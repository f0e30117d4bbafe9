"""The dump writers: canonical order whatever the store's insertion order, the union of the
graphs de-duplicated, every syntax parsing back to the same triples, writer failures reported."""
from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store, parse

from publisher.dumps import DumpFailed, DumpJob, Run, sorted_runs, start_dumps

EX = "http://example.test/"
PREFIXES = {"ex": EX}
FILES = ("data.trig", "data.ttl", "data.rdf", "data.jsonld", "data.nt.gz")


def quads() -> list[Quad]:
    out = []
    for g in ("b", "a"):
        graph = NamedNode(EX + "graph/" + g)
        for n in range(40):
            subject = NamedNode(f"{EX}thing/{n}")
            out.append(Quad(subject, NamedNode(EX + "label"), Literal(f"nimi {n}", language="fi"), graph))
            out.append(Quad(subject, NamedNode(EX + "in"), graph, graph))
        # the same triple in both graphs (the labels are shared too)
        out.append(Quad(NamedNode(EX + "shared"), NamedNode(EX + "p"), Literal("x"), graph))
    out.append(Quad(NamedNode(EX + "default"), NamedNode(EX + "p"), Literal("d"), DefaultGraph()))
    return out


def store_of(items: list[Quad]) -> Store:
    store = Store()
    store.extend(items)
    return store


def dump(store: Store, folder: Path) -> int:
    folder.mkdir()
    return start_dumps(store, folder, folder / ".runs", PREFIXES).wait().triples


def test_dumps_are_identical_whatever_the_insertion_order(tmp_path: Path) -> None:
    items = quads()
    shuffled = list(items)
    random.Random(7).shuffle(shuffled)
    dump(store_of(items), tmp_path / "one")
    dump(store_of(shuffled), tmp_path / "two")
    for name in FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_union_is_deduplicated_sorted_and_every_syntax_reads_back(tmp_path: Path) -> None:
    items = quads()
    triples = dump(store_of(items), tmp_path / "out")
    expected = {q.triple for q in items}
    assert triples == len(expected) < len(items)     # a triple in two graphs is written once
    lines = gzip.decompress((tmp_path / "out" / "data.nt.gz").read_bytes()).splitlines()
    assert lines == sorted(lines) and len(lines) == triples
    for name, fmt in (("data.ttl", RdfFormat.TURTLE), ("data.rdf", RdfFormat.RDF_XML),
                      ("data.jsonld", RdfFormat.JSON_LD)):
        assert {q.triple for q in parse(path=str(tmp_path / "out" / name), format=fmt)} == expected, name
    trig = set(parse(path=str(tmp_path / "out" / "data.trig"), format=RdfFormat.TRIG))
    assert trig == set(items)
    assert b"@prefix ex:" in (tmp_path / "out" / "data.ttl").read_bytes()


def test_graphs_are_written_in_iri_order_default_first(tmp_path: Path) -> None:
    runs = sorted_runs(store_of(quads()), tmp_path)
    assert [r.graph for r in runs] == [None, EX + "graph/a", EX + "graph/b"]
    for run in runs:
        lines = run.path.read_bytes().splitlines()
        assert lines == sorted(lines) and len(lines) == run.lines


def test_a_failing_writer_is_reported(tmp_path: Path) -> None:
    runs = [Run(EX + "graph/a", tmp_path / "missing.nt", 1)]
    (tmp_path / "runs.json").write_text('[{"graph": "%sgraph/a", "path": "missing.nt", '
                                        '"lines": 1}]' % EX, encoding="utf-8")
    job = DumpJob(runs, tmp_path, tmp_path, PREFIXES)
    with pytest.raises(DumpFailed, match="failed"):
        job.wait()
