"""The dump writers: canonical order whatever order the graph files were written in, each
graph and the union de-duplicated, every syntax parsing back to the same statements, writer
failures reported."""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize

from publisher.release.dumps import DumpFailed, DumpJob, sorted_runs, start_dumps

EX = "http://example.test/"
PREFIXES = {"ex": EX}
FILES = ("data.trig", "data.ttl", "data.rdf", "data.jsonld", "data.nt.gz")


def statements() -> dict[str | None, list[Triple]]:
    """Two named graphs sharing some triples, and the default graph."""
    graphs: dict[str | None, list[Triple]] = {}
    for g in ("b", "a"):
        graph = EX + "graph/" + g
        items = graphs.setdefault(graph, [])
        for n in range(40):
            subject = NamedNode(f"{EX}thing/{n}")
            items.append(Triple(subject, NamedNode(EX + "label"),
                                Literal(f"nimi {n}", language="fi")))
            items.append(Triple(subject, NamedNode(EX + "in"), NamedNode(graph)))
        items.append(items[0])               # a graph file may repeat a statement
    graphs[None] = [Triple(NamedNode(EX + "default"), NamedNode(EX + "p"), Literal("d"))]
    return graphs


def graph_files(folder: Path, graphs: dict[str | None, list[Triple]],
                seed: int | None = None) -> list[tuple[str | None, list[Path]]]:
    """Each graph's statements in two chunk files, shuffled if a seed is given."""
    folder.mkdir(parents=True)
    out = []
    for index, (graph, triples) in enumerate(graphs.items()):
        lines = serialize(triples, format=RdfFormat.N_TRIPLES).splitlines()
        if seed is not None:
            random.Random(seed).shuffle(lines)
        half = len(lines) // 2
        paths = [folder / f"g{index}-a.nt", folder / f"g{index}-b.nt"]
        paths[0].write_bytes(b"".join(line + b"\n" for line in lines[:half]))
        paths[1].write_bytes(b"".join(line + b"\n" for line in lines[half:]))
        out.append((graph, paths))
    return out


def dump(graphs: list[tuple[str | None, list[Path]]], folder: Path) -> int:
    folder.mkdir()
    return start_dumps(graphs, folder, folder / ".runs", PREFIXES).wait().triples


def test_dumps_are_identical_whatever_the_order_of_the_statements(tmp_path: Path) -> None:
    dump(graph_files(tmp_path / "g1", statements()), tmp_path / "one")
    dump(graph_files(tmp_path / "g2", statements(), seed=7), tmp_path / "two")
    for name in FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_union_is_deduplicated_sorted_and_every_syntax_reads_back(tmp_path: Path) -> None:
    graphs = statements()
    triples = dump(graph_files(tmp_path / "g", graphs), tmp_path / "out")
    expected = {t for items in graphs.values() for t in items}
    assert triples == len(expected) < sum(len(v) for v in graphs.values())
    lines = gzip.decompress((tmp_path / "out" / "data.nt.gz").read_bytes()).splitlines()
    assert lines == sorted(lines) and len(lines) == triples
    for name, fmt in (("data.ttl", RdfFormat.TURTLE), ("data.rdf", RdfFormat.RDF_XML),
                      ("data.jsonld", RdfFormat.JSON_LD)):
        assert {q.triple for q in parse(path=str(tmp_path / "out" / name), format=fmt)} == expected, name
    quads = set(parse(path=str(tmp_path / "out" / "data.trig"), format=RdfFormat.TRIG))
    assert {(q.triple, q.graph_name.value if isinstance(q.graph_name, NamedNode) else None)
            for q in quads} == {(t, g) for g, items in graphs.items() for t in items}
    assert b"@prefix ex:" in (tmp_path / "out" / "data.ttl").read_bytes()


def test_runs_are_in_iri_order_default_first_sorted_and_unique(tmp_path: Path) -> None:
    runs = sorted_runs(graph_files(tmp_path / "g", statements(), seed=3), tmp_path / "runs")
    assert [r.graph for r in runs] == [None, EX + "graph/a", EX + "graph/b"]
    for run in runs:
        lines = run.path.read_bytes().splitlines()
        assert lines == sorted(set(lines)) and len(lines) == run.lines
    assert json.loads((tmp_path / "runs" / "runs.json").read_text())[1]["lines"] == 80


def test_a_failing_writer_is_reported(tmp_path: Path) -> None:
    job = DumpJob([(EX + "graph/a", [tmp_path / "missing.nt"])], tmp_path, tmp_path / "s", PREFIXES)
    with pytest.raises(DumpFailed, match="writing the dumps failed.*missing.nt"):
        job.wait()


def test_a_graph_larger_than_the_sort_chunk_is_sorted_through_disk(tmp_path: Path,
                                                                  monkeypatch) -> None:
    import publisher.release.dumps as dumps

    graphs = graph_files(tmp_path / "g", statements(), seed=5)
    in_memory = sorted_runs(graphs, tmp_path / "one")
    monkeypatch.setattr(dumps, "SORT_CHUNK_BYTES", 200)
    on_disk = sorted_runs(graphs, tmp_path / "two")
    for a, b in zip(in_memory, on_disk):
        assert a.path.read_bytes() == b.path.read_bytes() and a.lines == b.lines
    assert not list((tmp_path / "two").glob("*.part-*"))


def test_quads_for_the_trig_keep_their_graphs(tmp_path: Path) -> None:
    graphs = {EX + "g": [Triple(NamedNode(EX + "s"), NamedNode(EX + "p"), Literal("ä \"x\"\n"))]}
    dump(graph_files(tmp_path / "g", graphs), tmp_path / "out")
    quads = list(parse(path=str(tmp_path / "out" / "data.trig"), format=RdfFormat.TRIG))
    assert quads == [Quad(NamedNode(EX + "s"), NamedNode(EX + "p"), Literal("ä \"x\"\n"),
                          NamedNode(EX + "g"))]


def test_one_parse_feeds_every_syntax_and_a_failing_writer_is_reported(tmp_path: Path) -> None:
    from publisher.release.dumps import TEE_CHUNK, serialize_from_one_parse

    triples = [Triple(NamedNode(f"{EX}s/{n}"), NamedNode(EX + "p"), Literal(f"v{n}"))
               for n in range(3 * TEE_CHUNK + 5)]
    source = tmp_path / "u.nt"
    source.write_bytes(serialize(triples, format=RdfFormat.N_TRIPLES))
    outputs = [(tmp_path / "d.ttl", RdfFormat.TURTLE), (tmp_path / "d.jsonld", RdfFormat.JSON_LD)]
    serialize_from_one_parse(source, outputs, PREFIXES)
    for path, fmt in outputs:
        assert {q.triple for q in parse(path=str(path), format=fmt)} == set(triples)
    with pytest.raises(OSError):
        serialize_from_one_parse(source, [(tmp_path / "d.rdf", RdfFormat.RDF_XML),
                                          (tmp_path / "missing" / "d.ttl", RdfFormat.TURTLE)],
                                 PREFIXES)
    assert {q.triple for q in parse(path=str(tmp_path / "d.rdf"), format=RdfFormat.RDF_XML)} \
        == set(triples)


def test_cancelling_stops_both_writer_processes(tmp_path: Path) -> None:
    import os
    import time

    graphs = graph_files(tmp_path / "g", statements())
    (tmp_path / "out").mkdir()
    job = start_dumps(graphs, tmp_path / "out", tmp_path / "s", PREFIXES)
    group = job.process.pid
    job.cancel()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)        # anything left in the writer's process group?
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("a dump writer process outlived the cancel")


def test_waiting_for_a_file_whose_folder_is_gone_gives_up(tmp_path: Path) -> None:
    from publisher.release.dumps import wait_for

    with pytest.raises(DumpFailed, match="its writer stopped"):
        wait_for(tmp_path / "removed" / "union.nt")
