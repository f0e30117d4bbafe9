"""The release's documentation (ontology.html, shapes.html): every own term with its three
languages, the wording of the web's pages (the same templates), data escaped."""
from rdflib import Graph

from publisher.config import PROJECT_ROOT
from publisher.release.docs import ontology_html, shapes_html


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


def _ontology_page(lang: str) -> str:
    graph = Graph()
    for path in sorted((PROJECT_ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    return ontology_html(graph, lang=lang)


def test_ontology_page_in_finnish_and_swedish() -> None:
    fi, sv = _ontology_page("fi"), _ontology_page("sv")
    assert '<html lang="fi">' in fi and '<section id="classes"><h2>Luokat</h2>' in fi
    assert "<dt>Määrittelyjoukko</dt>" in fi and "<dt>Arvojoukko</dt>" in fi
    assert '<section id="properties"><h2>Egenskaper</h2>' in sv and "<dt>Värdemängd</dt>" in sv


def test_release_page_is_english_with_every_language_of_each_term() -> None:
    page = _ontology_page("en")
    assert '<html lang="en">' in page
    section = page.split('id="leadOrganisation"', 1)[1].split("</article>", 1)[0]
    assert "<dt>Domain</dt>" in section and "<dt>Range</dt>" in section
    names = section.split("<dt>Names</dt>", 1)[1].split("</dd>", 1)[0]
    assert all(f'lang="{code}"' in names for code in ("fi", "sv", "en"))
    definitions = section.split("<dt>Definition</dt>", 1)[1].split("</dd>", 1)[0]
    assert definitions.count("<li lang=") == 3


def test_shapes_page_escapes_messages() -> None:
    shapes = Graph().parse(data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://e/S> a sh:NodeShape ; sh:targetClass <http://e/C> ;
    sh:property [ sh:path <http://e/p> ; sh:minCount 1 ; sh:message "<img src=x onerror=alert(1)>"@en ] .
""", format="turtle")
    page = shapes_html(shapes)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
