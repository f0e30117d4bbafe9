"""Ontology documentation: every own term with its three languages; data escaped."""
from rdflib import Graph

from publisher.config import PROJECT_ROOT
from publisher.docs import ontology_html, shapes_html


def test_every_term_documented_in_three_languages() -> None:
    graph = Graph()
    for name in ("kuntadigi.ttl", "statuses.ttl"):
        graph.parse(PROJECT_ROOT / "ontology" / name)
    page = ontology_html(graph)
    for term in ("Project", "Municipality", "leadOrganisation", "partnerMunicipality", "firstLine"):
        assert f'id="{term}"' in page
    assert "Digitalisaatiohanke" in page and "Digitaliseringsprojekt" in page
    assert "Päättynyt" in page and "Avslutat" in page and "Ended" in page
    assert "schema:Project" in page


def test_values_from_rdf_are_escaped() -> None:
    graph = Graph().parse(data="""
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://e/> a owl:Ontology ; rdfs:label "<script>alert(1)</script>"@en .
<http://e/C> a owl:Class ; rdfs:label "C & <b>"@en .""", format="turtle")
    page = ontology_html(graph)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "C &amp; &lt;b&gt;" in page


def test_shapes_summary_lists_node_shapes_and_messages() -> None:
    shapes = Graph().parse(PROJECT_ROOT / "shapes" / "kuntadigi.ttl")
    page = shapes_html(shapes, "profile")
    assert 'id="ProjectShape"' in page
    assert "A project has exactly one status" in page
