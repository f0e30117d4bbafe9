"""publisher.docs: one view of the vocabulary for the web's /def and the release's ontology.html,
rendered from one template; the labels of common external terms."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from publisher.config import PROJECT_ROOT
from publisher.docs import vocabulary_html
from publisher.docs.labels import Index, Labeller
from publisher.docs.render import vocabulary_base
from publisher.docs.terms import TERM_LABELS, term_label
from publisher.docs.vocabulary import examples, term_labels, vocabulary_view
from publisher.i18n import LANGUAGES, texts
from publisher.vocab import RDF_TYPE, RDFS, SKOS

BASE = "https://data.kuntadigi.example/"
WEB_TEMPLATE = PROJECT_ROOT / "publisher" / "web" / "templates" / "resources" / "vocabulary.html"


def ontology_triples() -> list[ox.Triple]:
    triples: list[ox.Triple] = []
    for path in sorted((PROJECT_ROOT / "ontology").glob("*.ttl")):
        triples += [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    return triples


def view(lang: str, full: bool) -> dict:
    index = Index(ontology_triples())
    names = Labeller(index, lang, BASE, term_labels(index.triples))
    return vocabulary_view(index, names, BASE + "def/", full=full)


def test_the_web_page_includes_the_template_the_release_renders() -> None:
    assert '{% include "docs/vocabulary.html" %}' in WEB_TEMPLATE.read_text()


def test_the_view_in_the_language_asked() -> None:
    shown = view("sv", full=False)
    project = next(t for t in shown["classes"] if t["anchor"] == "Project")
    assert project["label"] == {"value": "Digitaliseringsprojekt", "lang": "sv", "fallback": False}
    assert [n["lang"] for n in project["names"]] == ["fi", "sv", "en"]
    assert "definitions" not in project and "descriptions_other" not in shown  # the web's JSON
    assert {s["anchor"] for s in shown["schemes"]} >= {"scheme-statuses", "scheme-themes"}


def test_the_full_view_has_every_language_and_super_properties() -> None:
    shown = view("en", full=True)
    terms = {t["anchor"]: t for t in shown["classes"] + shown["properties"]}
    assert [d["lang"] for d in terms["Project"]["definitions"]] == ["fi", "sv", "en"]
    assert any(t["superproperties"] for t in shown["properties"])
    assert [d["lang"] for d in shown["descriptions_other"]] == ["fi", "sv"]
    concept = shown["schemes"][0]["concepts"][0]
    assert {n["lang"] for n in concept["names"]} == {"fi", "sv", "en"}


def test_examples_one_use_of_each_term() -> None:
    data = [ox.Triple(ox.NamedNode("http://e/p1"), ox.NamedNode(RDFS + "label"),
                      ox.Literal("x" * 300)),
            ox.Triple(ox.NamedNode("http://e/p1"), ox.NamedNode(RDF_TYPE),
                      ox.NamedNode(BASE + "def/Project"))]
    found = examples(data)
    assert found[BASE + "def/Project"] == f"<http://e/p1> a <{BASE}def/Project>"
    shown = found[RDFS + "label"].split(" ", 2)[2]
    assert shown.endswith("…\"") and len(shown) < 120


def test_the_release_page_is_the_vocabulary_in_one_language_with_all_labels() -> None:
    page = vocabulary_html(ontology_triples(), lang="sv")
    assert '<html lang="sv">' in page and '<section id="classes"><h2>Klasser</h2>' in page
    assert "<dt>IRI</dt><dd><code>https://data.kuntadigi.example/def/Project</code></dd>" in page
    assert "Digitalisaatiohanke" in page and "Digitaliseringsprojekt" in page


def test_base_from_the_namespace() -> None:
    assert vocabulary_base(Index(ontology_triples())) == BASE


def test_external_term_labels_have_three_languages() -> None:
    for iri, row in TERM_LABELS.items():
        assert len(row) == 3 and all(row), iri


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("term, heading", [("domain", "Domain"), ("range", "Range"),
                                           ("subClassOf", "Subclass of"),
                                           ("subPropertyOf", "Subproperty of")])
def test_term_labels_and_headings_say_the_same(lang: str, term: str, heading: str) -> None:
    """rdfs:range is "arvojoukko" as a label of the term and as a heading of /def."""
    assert term_label(RDFS + term, lang) == texts(lang).gettext(heading).lower()


def test_scheme_labels_match_the_interface() -> None:
    assert term_label(SKOS + "ConceptScheme", "fi") == texts("fi").gettext("Concept scheme").lower()
