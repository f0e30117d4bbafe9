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
FILES = ("data.trig", "data.ttl", "data.rdf", "data.jsonld", "data.nt.gz", "context.jsonld")


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


def jsonld_triples(folder: Path) -> set[Triple]:
    """data.jsonld read by pyoxigraph with the context.jsonld beside it put in place of the
    reference (pyoxigraph loads no remote context)."""
    document = json.loads((folder / "data.jsonld").read_bytes())
    assert document["@context"] == "context.jsonld"
    context = json.loads((folder / "context.jsonld").read_bytes())
    inline = json.dumps({**document, "@context": context["@context"]}).encode()
    return {q.triple for q in parse(inline, format=RdfFormat.JSON_LD)}


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
    for name, fmt in (("data.ttl", RdfFormat.TURTLE), ("data.rdf", RdfFormat.RDF_XML)):
        assert {q.triple for q in parse(path=str(tmp_path / "out" / name), format=fmt)} == expected, name
    assert jsonld_triples(tmp_path / "out") == expected
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


# --------------------------------------------------------------------------- JSON-LD


KD = "https://data.example.test/def/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
KD_PREFIXES = {"kd": KD, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "dcterms": DCTERMS}
VOCABULARY = f"""
<{KD}Project> <{RDF}type> <{OWL}Class> .
<{KD}lead> <{RDF}type> <{OWL}ObjectProperty> .
<{KD}firstLine> <{RDF}type> <{OWL}DatatypeProperty> .
<{KD}firstLine> <{RDFS}range> <{XSD}integer> .
<{KD}note> <{RDF}type> <{OWL}DatatypeProperty> .
<{KD}note> <{RDFS}range> <{RDF}langString> .
<{KD}tel> <{RDF}type> <{OWL}ObjectProperty> .
"""
DATA = f"""
<https://data.example.test/id/project/a> <{RDF}type> <{KD}Project> .
<https://data.example.test/id/project/a> <{RDF}type> <http://example.test/Other> .
<https://data.example.test/id/project/a> <{KD}lead> <https://data.example.test/id/organisation/049> .
<https://data.example.test/id/project/a> <{KD}lead> "not an IRI" .
<https://data.example.test/id/project/a> <{KD}lead> <tel:+358401234567> .
<https://data.example.test/id/project/a> <{KD}firstLine> "019"^^<{XSD}integer> .
<https://data.example.test/id/project/a> <{KD}firstLine> "19.0"^^<{XSD}decimal> .
<https://data.example.test/id/project/a> <{KD}note> "Huom"@fi .
<https://data.example.test/id/project/a> <{KD}note> "plain" .
<https://data.example.test/id/project/a> <{DCTERMS}title> "Hanke \\"A\\"\\n"@fi .
<https://data.example.test/id/project/a> <{DCTERMS}issued> "2024-05-01"^^<{XSD}date> .
<https://data.example.test/id/project/a> <http://example.test/free> "x" .
<https://data.example.test/id/project/a> <http://example.test/link> <mailto:a@example.test> .
<https://data.example.test/id/project/b> <{KD}lead> _:org .
_:org <{DCTERMS}title> "Org" .
"""


def kd_graph_files(folder: Path) -> list[tuple[str | None, list[Path]]]:
    folder.mkdir(parents=True)
    (folder / "ontology.nt").write_text(VOCABULARY, encoding="utf-8")
    (folder / "data.nt").write_text(DATA, encoding="utf-8")
    return [("https://data.example.test/graph/ontology", [folder / "ontology.nt"]),
            ("https://data.example.test/graph/data", [folder / "data.nt"])]


def test_the_context_is_made_from_the_vocabulary_in_the_dump(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    start_dumps(kd_graph_files(tmp_path / "g"), folder, folder / ".runs", KD_PREFIXES).wait()
    context = json.loads((folder / "context.jsonld").read_text())["@context"]
    assert {k: context[k] for k in KD_PREFIXES} == KD_PREFIXES
    assert context["Project"] == "kd:Project"
    assert context["lead"] == {"@id": "kd:lead", "@type": "@id"}
    assert context["firstLine"] == {"@id": "kd:firstLine", "@type": "xsd:integer"}
    assert context["note"] == "kd:note"
    assert "tel" not in context            # an IRI scheme: tel:… values must stay IRIs
    lines = (folder / "data.jsonld").read_text().splitlines()
    assert lines[0] == '{"@context": "context.jsonld",'
    nodes = {n["@id"]: n for n in (json.loads(line.rstrip(",")) for line in lines[2:-1])}
    assert len(nodes) == len(lines) - 3     # one node a line, each subject once
    node = nodes["https://data.example.test/id/project/a"]
    assert sorted(node["@type"]) == ["Project", "http://example.test/Other"]
    assert "https://data.example.test/id/organisation/049" in node["lead"]
    assert {"@value": "not an IRI"} in node["lead"]
    assert "019" in node["firstLine"]      # the lexical form, never a JSON number
    assert node["dcterms:issued"] == {"@value": "2024-05-01", "@type": "xsd:date"}


def test_the_jsonld_dump_reads_back_as_the_turtle_dump_with_pyld_and_rdflib(
        tmp_path: Path) -> None:
    """The compacted dump expands to the same graph as data.ttl: with pyld, its context
    read through a loader that serves only the release folder, and with rdflib, which
    resolves the relative reference to the file beside it."""
    from pyld import jsonld
    from rdflib import Graph
    from rdflib.compare import isomorphic

    folder = tmp_path / "out"
    folder.mkdir()
    start_dumps(kd_graph_files(tmp_path / "g"), folder, folder / ".runs", KD_PREFIXES).wait()
    turtle = Graph().parse(folder / "data.ttl", format="turtle")
    asked = []

    def release_folder_only(url: str, options: dict | None = None) -> dict:
        asked.append(url)
        assert url == (folder / "context.jsonld").as_uri(), url
        return {"contextUrl": None, "documentUrl": url,
                "document": json.loads((folder / "context.jsonld").read_text())}

    document = json.loads((folder / "data.jsonld").read_text())
    nquads = jsonld.to_rdf(document, {"base": (folder / "data.jsonld").as_uri(),
                                      "documentLoader": release_folder_only,
                                      "format": "application/n-quads"})
    assert asked
    assert isomorphic(Graph().parse(data=nquads, format="nt"), turtle)
    assert isomorphic(Graph().parse(folder / "data.jsonld", format="json-ld"), turtle)
