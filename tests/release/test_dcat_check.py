"""The catalogue of a (tiny) release against the official DCAT-AP 3.0.1 shapes, its DCAT-AP
2.1.1 form against the official 2.1.1 shapes, and the gates."""
from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from publisher.config import PROJECT_ROOT
from publisher.release.dcat_ap2 import to_dcat_ap2
from publisher.release.dcat_check import check_catalog, validate_catalog
from publisher.vocab import DCAT_AP_2, DCAT_AP_3
from tests.support.catalogue_release import (BASE, DCAT, DUMPS, SH, SPDX, XSD,
                                             write_catalogue_release)

SHAPES = PROJECT_ROOT / "shapes" / "dcat-ap-3"
TABLES = PROJECT_ROOT / "mappings" / "reference" / "eu"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A tiny release folder: the five dumps (written by pyoxigraph) and the side files."""
    return write_catalogue_release(tmp_path_factory.mktemp("releases"))


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
    conforms, text = validate_catalog(release["catalog"])
    assert conforms, text
    outcome = check_catalog(release["catalog"])
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
    conforms, text = validate_catalog(broken)
    assert not conforms
    assert "dct:title" in text or str(DCTERMS.title) in text
    assert str(DCAT.byteSize) in text
    assert "https://example.org/not-spdx/sha256" in text    # the waiver is that narrow


# --------------------------------------------------------------------------- DCAT-AP 2.1.1


def test_the_2_1_1_form_passes_the_official_2_1_1_shapes(release):
    form = to_dcat_ap2(release["catalog"], release["folder"])
    outcome = check_catalog(form, profile="dcat-ap-2")
    gates = [run for run in outcome.runs if run.gate]
    assert [run.name for run in gates] == ["dcat-ap-2.1.1"]
    assert "dcat-ap_2.1.1_shacl_mdr-vocabularies.shape.ttl" in gates[0].files
    assert gates[0].violations == 0 and gates[0].waived == 0, outcome.text()
    assert gates[0].node_shapes >= 15
    assert [run.name for run in outcome.runs if not run.gate] == ["dcat-ap-2.1.1-recommended"]
    assert outcome.conforms


def test_the_3_0_1_catalogue_as_it_is_fails_2_1_1(release):
    """What the conversion is for: 2.1.1 wants SHA-1 and a decimal byte size."""
    conforms, text = validate_catalog(release["catalog"], profile="dcat-ap-2")
    assert not conforms
    assert str(DCAT.byteSize) in text
    assert "checksumAlgorithm_sha1" in text


def test_what_the_conversion_changes_and_keeps(release):
    three, folder = release["catalog"], release["folder"]
    two = to_dcat_ap2(three, folder)
    dataset = URIRef(f"{BASE}dataset/projects")
    version = three.value(dataset, DCAT.version)
    assert two.value(dataset, OWL.versionInfo) == version and two.value(dataset, DCAT.version) is None
    for dist, checksum in two.subject_objects(SPDX.checksum):
        name = str(two.value(dist, DCAT.downloadURL)).rsplit("/", 1)[1]
        data = (folder / name).read_bytes()
        assert two.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha1
        assert str(two.value(checksum, SPDX.checksumValue)) == hashlib.sha1(data).hexdigest()
        size = two.value(dist, DCAT.byteSize)
        assert size.datatype == XSD.decimal and int(size) == len(data)
    record = two.value(URIRef(f"{BASE}catalog"), DCAT.record)
    assert two.value(record, DCTERMS.conformsTo) == URIRef(DCAT_AP_2)
    assert (URIRef(DCAT_AP_3), None, None) not in two and (None, None, URIRef(DCAT_AP_3)) not in two
    changed = {DCAT.version, DCAT.byteSize, SPDX.algorithm, SPDX.checksumValue, DCTERMS.conformsTo}
    kept = [t for t in three if t[1] not in changed and t[0] != URIRef(DCAT_AP_3)
            and t[0] != SPDX.checksumAlgorithm_sha256]
    assert all(t in two for t in kept)


@pytest.mark.parametrize("predicate,value", [
    (DCTERMS.format, "http://publications.europa.eu/resource/authority/file-type/NO_SUCH"),
    (DCTERMS.accessRights, "http://publications.europa.eu/resource/authority/access-right/NO"),
])
def test_the_2_1_1_gate_checks_the_vocabularies(release, predicate, value):
    two = to_dcat_ap2(release["catalog"], release["folder"])
    subject = (URIRef(f"{BASE}dataset/projects/distribution/data-ttl")
               if predicate == DCTERMS.format else URIRef(f"{BASE}dataset/projects"))
    two.set((subject, predicate, URIRef(value)))
    conforms, text = validate_catalog(two, profile="dcat-ap-2")
    assert not conforms and value in text


def test_the_release_writes_the_2_1_1_form(release):
    parsed = Graph().parse(release["folder"] / "catalog-dcat-ap-2.1.1.ttl", format="turtle")
    conforms, text = validate_catalog(parsed, profile="dcat-ap-2")
    assert conforms, text
    assert (None, OWL.versionInfo, None) in parsed
