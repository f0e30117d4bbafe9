"""The DCAT-AP 3.0.1 catalogue, the VoID description and SHA256SUMS of a (tiny) release."""
from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, VOID

from publisher.release import dcat as catalog
from publisher.config import PROJECT_ROOT, Settings

# Open namespaces (rdflib's closed DCAT/XSD warn when pytest inspects module globals).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SHAPES = PROJECT_ROOT / "shapes" / "dcat-ap-3"
TABLES = PROJECT_ROOT / "mappings" / "reference" / "eu"
VERSION = "20261124T231500Z"
ISSUED = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
MODIFIED = datetime(2026, 11, 24, 23, 15, tzinfo=timezone.utc)
BASE = "https://data.kuntadigi.example/"
DUMPS = ("data.ttl", "data.nt.gz", "data.jsonld", "data.rdf", "data.trig")

TRIG = f"""
@prefix kd: <{BASE}def/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{BASE}graph/catalogue> {{
  <{BASE}id/project/kuntien-evaka> a kd:Project ;
      rdfs:label "Kuntien eVaka"@fi ;
      dcterms:identifier "kuntien-evaka" ;
      kd:catalogueNumber 2 ;
      kd:leadOrganisation <{BASE}id/organisation/espoo> .
  <{BASE}id/project/joto> a kd:Project ;
      rdfs:label "JoTo-projekti"@fi ;
      kd:catalogueNumber 1 ;
      kd:leadOrganisation <{BASE}id/organisation/espoo> ;
      kd:section [ rdfs:label "Mikä muuttuu?"@fi ] .
  <{BASE}id/organisation/espoo> a kd:Municipality ; rdfs:label "Espoo"@fi , "Esbo"@sv .
}}
<{BASE}graph/page-sv> {{
  <{BASE}id/project/kuntien-evaka> rdfs:label "eVaka för kommuner"@sv .
  <{BASE}id/organisation/espoo> a kd:Municipality ; rdfs:label "Espoo"@fi .
  <{BASE}id/organisation/tampere> a kd:Municipality ; rdfs:label "Tampere"@fi .
}}
"""


def _settings(tmp: Path, **changes) -> Settings:
    return replace(Settings(), releases_dir=tmp, **changes)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A tiny release folder: the five dumps (written by pyoxigraph) and the side files."""
    releases = tmp_path_factory.mktemp("releases")
    folder = releases / VERSION
    folder.mkdir()
    store = ox.Store()
    store.load(TRIG.encode("utf-8"), format=ox.RdfFormat.TRIG)
    union = ox.Store()
    union.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store)
    (folder / "data.trig").write_bytes(store.dump(format=ox.RdfFormat.TRIG))
    (folder / "data.ttl").write_bytes(union.dump(format=ox.RdfFormat.TURTLE,
                                                 from_graph=ox.DefaultGraph()))
    (folder / "data.nt.gz").write_bytes(gzip.compress(
        union.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), mtime=0))
    (folder / "data.jsonld").write_bytes(union.dump(format=ox.RdfFormat.JSON_LD,
                                                    from_graph=ox.DefaultGraph()))
    (folder / "data.rdf").write_bytes(union.dump(format=ox.RdfFormat.RDF_XML,
                                                 from_graph=ox.DefaultGraph()))
    (folder / "ontology.ttl").write_text(
        f"<{BASE}def/> a <http://www.w3.org/2002/07/owl#Ontology> .\n")
    (folder / "shapes.ttl").write_text("# shapes of the release\n")
    (folder / "validation-report.ttl").write_text("# validation report of the release\n")
    settings = _settings(releases)
    statistics = catalog.compute_statistics(store)
    graph, void = catalog.write_catalog_files(settings, VERSION, folder, ISSUED, MODIFIED,
                                              statistics)
    sums = catalog.write_checksums(folder)
    return {"folder": folder, "store": store, "settings": settings, "statistics": statistics,
            "catalog": graph, "void": void, "sums": sums}


# --------------------------------------------------------------------------- helpers

def _union_triples(folder: Path) -> set:
    """Independent count basis: every triple of every graph of data.trig, read by rdflib."""
    ds = Dataset()
    ds.parse(folder / "data.trig", format="trig")
    triples = set()
    for graph in ds.graphs():
        triples.update(graph.triples((None, None, None)))
    return triples


def _graph_sizes(folder: Path) -> dict[str, int]:
    ds = Dataset()
    ds.parse(folder / "data.trig", format="trig")
    return {str(c.identifier): len(c) for c in ds.graphs() if len(c)}


def _shapes_graph(*names: str) -> Graph:
    """The official files as they are, minus sh:property references to undefined shapes."""
    shapes = Graph()
    for name in names:
        shapes.parse(SHAPES / name, format="turtle")
    for shape, prop in list(shapes.subject_objects(SH.property)):
        if (prop, None, None) not in shapes:
            shapes.remove((shape, SH.property, prop))
    return shapes


def _with_tables(graph: Graph) -> Graph:
    """The catalogue plus the authority-table concepts it refers to (skos:inScheme etc.)."""
    tables = Graph()
    for path in sorted(TABLES.glob("*.ttl")):
        tables.parse(path, format="turtle")
    data = Graph()
    for triple in graph:
        data.add(triple)
    for iri in set(graph.objects()):
        if isinstance(iri, URIRef) and (iri, RDF.type, SKOS.Concept) in tables:
            for p, o in tables.predicate_objects(iri):
                if not isinstance(o, BNode):
                    data.add((iri, p, o))
    return data


def _results(report: Graph) -> list:
    return sorted(report.objects(None, SH.result))


def _by_severity(report: Graph) -> Counter:
    return Counter(report.value(r, SH.resultSeverity) for r in _results(report))


# --------------------------------------------------------------------------- statistics

def test_statistics_equal_independent_rdflib_counts(release):
    stats = release["statistics"]
    triples = _union_triples(release["folder"])
    assert stats.triples == len(triples)
    assert stats.distinct_subjects == len({s for s, _, _ in triples})
    assert stats.distinct_objects == len({o for _, _, o in triples})
    assert stats.entities == len({s for s, _, _ in triples if isinstance(s, URIRef)})
    assert stats.properties == {str(p): n for p, n in Counter(p for _, p, _ in triples).items()}
    classes = Counter(o for s, p, o in triples if p == RDF.type)
    assert stats.classes == {str(c): n for c, n in classes.items()}
    assert stats.graphs == _graph_sizes(release["folder"])
    # The duplicated triple (Espoo's type and Finnish label, in both graphs) counts once.
    assert sum(stats.graphs.values()) == stats.triples + 2


def test_examples_list_projects_first(release):
    examples = release["statistics"].examples
    assert examples[:2] == [f"{BASE}id/project/joto", f"{BASE}id/project/kuntien-evaka"]
    assert f"{BASE}id/organisation/espoo" in examples
    assert len(examples) == len(set(examples)) <= 5


def test_entities_restricted_to_uri_space(release):
    stats = catalog.compute_statistics(release["store"], uri_space=f"{BASE}id/project/")
    assert stats.entities == 2


def test_statistics_of_a_store_loaded_from_the_release(release):
    store = catalog.store_from_release(release["folder"])
    assert catalog.compute_statistics(store) == release["statistics"]


# --------------------------------------------------------------------------- catalogue

def test_every_dump_has_a_distribution_with_real_size_and_checksum(release):
    g, folder = release["catalog"], release["folder"]
    dataset = URIRef(f"{BASE}dataset/projects")
    by_url = {str(g.value(d, DCAT.downloadURL)): d for d in g.objects(dataset, DCAT.distribution)
              if g.value(d, DCAT.downloadURL) is not None}
    assert set(by_url) == {f"{BASE}dumps/{VERSION}/{name}" for name in DUMPS}
    for name in DUMPS:
        dist = by_url[f"{BASE}dumps/{VERSION}/{name}"]
        data = (folder / name).read_bytes()
        assert dist == URIRef(f"{BASE}dataset/projects/distribution/{name.replace('.', '-')}")
        assert g.value(dist, DCAT.accessURL) == g.value(dist, DCAT.downloadURL)
        size = g.value(dist, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger and int(size) == len(data)
        checksum = g.value(dist, SPDX.checksum)
        assert (checksum, RDF.type, SPDX.Checksum) in g
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = g.value(checksum, SPDX.checksumValue)
        assert value.datatype == XSD.hexBinary
        assert str(value) == hashlib.sha256(data).hexdigest()
        assert g.value(dist, DCTERMS.license) == URIRef(release["settings"].licence)
        assert g.value(dist, DCTERMS.format).startswith(
            "http://publications.europa.eu/resource/authority/file-type/")


def test_media_types_formats_and_compression(release):
    g = release["catalog"]
    iana = "http://www.iana.org/assignments/media-types/"
    ft = "http://publications.europa.eu/resource/authority/file-type/"
    expected = {
        "data-ttl": ("text/turtle", "RDF_TURTLE"),
        "data-nt-gz": ("application/n-triples", "RDF_N_TRIPLES"),
        "data-jsonld": ("application/ld+json", "JSON_LD"),
        "data-rdf": ("application/rdf+xml", "RDF_XML"),
        "data-trig": ("application/trig", "RDF_TRIG"),
    }
    for slug, (media, code) in expected.items():
        dist = URIRef(f"{BASE}dataset/projects/distribution/{slug}")
        assert g.value(dist, DCAT.mediaType) == URIRef(iana + media)
        assert g.value(dist, DCTERMS.format) == URIRef(ft + code)
        compress = g.value(dist, DCAT.compressFormat)
        assert compress == (URIRef(iana + "application/gzip") if slug == "data-nt-gz" else None)


def test_catalogue_dataset_and_service(release):
    g = release["catalog"]
    cat, dataset = URIRef(f"{BASE}catalog"), URIRef(f"{BASE}dataset/projects")
    assert (cat, RDF.type, DCAT.Catalog) in g and (cat, DCAT.dataset, dataset) in g
    for subject in (cat, dataset):
        for predicate in (DCTERMS.title, DCTERMS.description):
            assert {v.language for v in g.objects(subject, predicate)} == {"fi", "sv", "en"}
    assert any("Ministry of Finance" in str(t) for t in g.objects(dataset, DCTERMS.title))
    assert g.value(dataset, URIRef(str(DCAT) + "version")) == Literal(VERSION)
    modified = g.value(dataset, DCTERMS.modified)
    assert modified.datatype == XSD.dateTime and str(modified) == "2026-11-24T23:15:00Z"
    auth = "http://publications.europa.eu/resource/authority/"
    assert URIRef(auth + "data-theme/GOVE") in set(g.objects(dataset, DCAT.theme))
    assert set(g.objects(dataset, DCTERMS.language)) == {URIRef(auth + "language/FIN"),
                                                         URIRef(auth + "language/SWE")}
    assert g.value(dataset, DCTERMS.spatial) == URIRef(auth + "country/FIN")
    assert g.value(dataset, DCTERMS.accrualPeriodicity) == URIRef(auth + "frequency/IRREG")
    contact = g.value(dataset, DCAT.contactPoint)
    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    assert g.value(contact, vcard.hasEmail) == URIRef("mailto:data@kuntadigi.example")
    publisher = g.value(dataset, DCTERMS.publisher)
    assert Literal("Valtiovarainministeriö", lang="fi") in set(
        g.objects(publisher, URIRef("http://xmlns.com/foaf/0.1/name")))
    service = g.value(cat, DCAT.service)
    assert g.value(service, DCAT.endpointURL) == URIRef(f"{BASE}sparql")
    assert g.value(service, DCAT.servesDataset) == dataset
    assert g.value(service, DCTERMS.conformsTo) == URIRef(
        "https://www.w3.org/TR/sparql11-protocol/")
    accessed = [d for d in g.objects(dataset, DCAT.distribution)
                if g.value(d, DCAT.accessService) == service]
    assert len(accessed) == 1 and g.value(accessed[0], DCAT.accessURL) == URIRef(f"{BASE}sparql")


def test_written_catalogue_round_trips(release):
    parsed = Graph().parse(release["folder"] / "catalog.ttl", format="turtle")
    assert len(parsed) == len(release["catalog"])
    conforms, text = catalog.validate_catalog(parsed)
    assert conforms, text


# --------------------------------------------------------------------------- DCAT-AP shapes

def test_dcat_ap_template_and_ranges_no_violations(release):
    """shacl/dcat-ap-SHACL.ttl + ranges.ttl, on the catalogue alone."""
    shapes = _shapes_graph("dcat-ap-SHACL.ttl", "ranges.ttl")
    _, report, text = validate(release["catalog"], shacl_graph=shapes, inference="none",
                               allow_warnings=True)
    counts = _by_severity(report)
    assert counts[SH.Violation] == 0, text
    assert counts[SH.Warning] == 0, text


def test_html_shapes_ranges_and_vocabularies(release):
    """html-shacl shapes.ttl + range.ttl + mdr-vocabularies.shape.ttl, with the EU tables.

    The only violations are the known defect of ChecksumAlgorithmRestriction (it requires
    "https://spdx.org/rdf/terms…", while SPDX's own IRIs are http://spdx.org/rdf/terms#…):
    one per checksum. The only warnings: the publisher is not in the EU corporate-body table.
    """
    shapes = _shapes_graph("html-shacl/shapes.ttl", "html-shacl/range.ttl",
                           "html-shacl/mdr-vocabularies.shape.ttl")
    _, report, text = validate(_with_tables(release["catalog"]), shacl_graph=shapes,
                               inference="none", allow_warnings=True)
    defect = URIRef("http://data.europa.eu/r5r#ChecksumAlgorithmRestriction")
    violations = [r for r in _results(report)
                  if report.value(r, SH.resultSeverity) == SH.Violation]
    assert len(violations) == len(DUMPS), text
    for result in violations:
        assert report.value(result, SH.value) == SPDX.checksumAlgorithm_sha256
        assert (report.value(result, SH.sourceShape), SH.node, defect) in shapes
    warnings = [r for r in _results(report) if report.value(r, SH.resultSeverity) == SH.Warning]
    assert {str(report.value(r, SH.resultPath)) for r in warnings} == {str(DCTERMS.publisher)}


def test_validate_catalog_gate(release):
    conforms, text = catalog.validate_catalog(release["catalog"])
    assert conforms, text
    outcome = catalog.check_catalog(release["catalog"])
    gates = [run for run in outcome.runs if run.gate]
    assert [run.name for run in gates] == ["dcat-ap-3.0.1", "dcat-ap-3.0.1-html"]
    assert all(run.violations == 0 for run in gates)
    assert gates[1].waived == len(DUMPS)
    assert gates[0].node_shapes > 30 and gates[1].node_shapes > 30
    assert "conforms: yes" in text


def test_validate_catalog_finds_real_problems(release):
    broken = Graph()
    for triple in release["catalog"]:
        broken.add(triple)
    dataset = URIRef(f"{BASE}dataset/projects")
    broken.remove((dataset, DCTERMS.title, None))
    dist = URIRef(f"{BASE}dataset/projects/distribution/data-ttl")
    broken.add((dist, DCAT.byteSize, Literal("12", datatype=XSD.string)))
    checksum = broken.value(dist, SPDX.checksum)
    broken.set((checksum, SPDX.algorithm, URIRef("https://example.org/not-spdx/sha256")))
    conforms, text = catalog.validate_catalog(broken)
    assert not conforms
    assert "dct:title" in text or str(DCTERMS.title) in text
    assert str(DCAT.byteSize) in text
    assert "https://example.org/not-spdx/sha256" in text    # the waiver is that narrow


def test_unknown_controlled_vocabulary_code_fails_the_build(release, tmp_path):
    settings = _settings(tmp_path, licence=(
        "http://publications.europa.eu/resource/authority/licence/NO_SUCH_LICENCE"))
    with pytest.raises(catalog.CatalogError):
        catalog.build_catalog(settings, VERSION, release["folder"], ISSUED, MODIFIED,
                              release["statistics"])


def test_other_base_uri(release, tmp_path):
    settings = _settings(tmp_path, base_uri="https://example.org/kd/")
    g = catalog.build_catalog(settings, VERSION, release["folder"], ISSUED, MODIFIED,
                              release["statistics"])
    dist = URIRef("https://example.org/kd/dataset/projects/distribution/data-trig")
    assert g.value(dist, DCAT.downloadURL) == URIRef(
        f"https://example.org/kd/dumps/{VERSION}/data.trig")
    assert catalog.contact_email("https://example.org/kd/") == "mailto:data@example.org"
    conforms, text = catalog.validate_catalog(g)
    assert conforms, text


# --------------------------------------------------------------------------- VoID

def test_void_counts_equal_independent_rdflib_counts(release):
    void = Graph().parse(release["folder"] / "void.ttl", format="turtle")
    dataset = URIRef(f"{BASE}dataset/projects")
    triples = _union_triples(release["folder"])

    def number(subject, predicate):
        value = void.value(subject, predicate)
        assert value is not None and value.datatype == XSD.integer, predicate
        return int(value)

    assert (dataset, RDF.type, VOID.Dataset) in void
    assert number(dataset, VOID.triples) == len(triples)
    assert number(dataset, VOID.entities) == len({s for s, _, _ in triples
                                                  if isinstance(s, URIRef)})
    assert number(dataset, VOID.distinctSubjects) == len({s for s, _, _ in triples})
    assert number(dataset, VOID.distinctObjects) == len({o for _, _, o in triples})
    properties = Counter(p for _, p, _ in triples)
    classes = Counter(o for _, p, o in triples if p == RDF.type)
    assert number(dataset, VOID.properties) == len(properties)
    assert number(dataset, VOID.classes) == len(classes)
    partitions = {void.value(b, VOID.property): number(b, VOID.triples)
                  for b in void.objects(dataset, VOID.propertyPartition)}
    assert partitions == dict(properties)
    partitions = {void.value(b, VOID["class"]): number(b, VOID.entities)
                  for b in void.objects(dataset, VOID.classPartition)}
    assert partitions == dict(classes)
    subsets = {str(s): number(s, VOID.triples) for s in void.objects(dataset, VOID.subset)}
    assert subsets == _graph_sizes(release["folder"])
    assert set(void.objects(dataset, VOID.dataDump)) == {
        URIRef(f"{BASE}dumps/{VERSION}/{name}") for name in DUMPS}
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{BASE}sparql")
    assert void.value(dataset, VOID.uriSpace) == Literal(f"{BASE}id/")
    assert URIRef(f"{BASE}def/") in set(void.objects(dataset, VOID.vocabulary))
    assert URIRef(f"{BASE}id/project/joto") in set(void.objects(dataset, VOID.exampleResource))
    assert void.value(dataset, DCTERMS.license) == URIRef(release["settings"].licence)
    description = void.value(predicate=URIRef("http://xmlns.com/foaf/0.1/primaryTopic"),
                             object=dataset)
    assert (description, RDF.type, VOID.DatasetDescription) in void


# --------------------------------------------------------------------------- SHA256SUMS

def test_checksums_verify_with_sha256sum(release):
    folder, sums = release["folder"], release["sums"]
    assert sums == folder / "SHA256SUMS"
    names = [line.split("  ", 1)[1] for line in sums.read_text().splitlines()]
    expected = sorted(p.name for p in folder.iterdir() if p.name != "SHA256SUMS")
    assert names == expected
    assert {"catalog.ttl", "void.ttl", *DUMPS} <= set(names)
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum not installed")
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(names)


def test_checksums_detect_a_changed_file(tmp_path):
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("two\n")
    sums = catalog.write_checksums(tmp_path)
    assert [line.split("  ")[1] for line in sums.read_text().splitlines()] == \
        ["a.txt", "sub/b.txt"]
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum not installed")
    (tmp_path / "a.txt").write_text("changed\n")
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0
