"""The VoID description of a (tiny) release, against independent rdflib counts."""
from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID

from tests.support.catalogue_release import (BASE, DUMPS, VERSION, XSD, graph_sizes,
                                             union_triples, write_catalogue_release)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A tiny release folder: the five dumps (written by pyoxigraph) and the side files."""
    return write_catalogue_release(tmp_path_factory.mktemp("releases"))


def test_void_counts_equal_independent_rdflib_counts(release):
    void = Graph().parse(release["folder"] / "void.ttl", format="turtle")
    dataset = URIRef(f"{BASE}dataset/projects")
    triples = union_triples(release["folder"])

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
    assert subsets == graph_sizes(release["folder"])
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
