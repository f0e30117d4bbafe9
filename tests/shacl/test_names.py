"""Each resource of a report carries its own label (publisher.shacl.names): in the language
asked, else a fallback marked with its language, in the JSON of every result, the text and the
HTML report, the same whichever engine validated and whether the data came as a store or a
graph; control characters of the data are written out, never raw."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph

from publisher.shacl import shapes_graph, validate, validate_files
from tests.shacl.validation.expected import fixture

FALLBACK = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.test/n/s> a skos:ConceptScheme ; skos:prefLabel "S"@fi , "S"@sv , "S"@en .
<http://example.test/n/only-sv> a skos:Concept ; skos:inScheme <http://example.test/n/s> ;
    skos:prefLabel "Bara svenska\\u001b[31m"@sv .
"""


def resource(report: dict, local: str) -> dict:
    return next(r for r in report["resources"] if r["focus"].endswith("/" + local))


@pytest.mark.parametrize("lang,label", [("fi", "Kehä A"), ("sv", "Cykel A"), ("en", "Cycle A")])
def test_results_carry_the_label_in_the_language_asked(project_settings, lang: str, label: str) -> None:
    outcome = validate_files([fixture("skos-relations.ttl")], project_settings,
                             profiles=["vocabulary"], lang=lang)
    report = json.loads(outcome.render("json"))
    cycle = resource(report, "cycleA")
    assert cycle["name"] == {"value": label, "lang": lang, "fallback": False}
    assert {(r["focus_name"], r["focus_name_lang"]) for r in cycle["results"]} == {(label, lang)}
    assert f"http://example.test/rel/cycleA  — {label}" in outcome.render("text")
    assert f'<span class="focus-name" lang="{lang}">{label}</span>' in outcome.render("html")


def test_a_label_in_another_language_is_a_marked_fallback(project_settings) -> None:
    shapes = shapes_graph(project_settings, ["vocabulary"])
    store = ox.Store()
    store.load(FALLBACK.encode(), format=ox.RdfFormat.TURTLE)
    engine = validate(store, shapes, lang="fi")
    reference = validate(store, shapes, lang="fi", compiled=False)
    graph = validate(Graph().parse(data=FALLBACK, format="turtle"), shapes, lang="fi")
    name = {"value": "Bara svenska\\x1b[31m", "lang": "sv", "fallback": True}
    for outcome in (engine, reference, graph):
        report = outcome.as_json()
        assert resource(report, "only-sv")["name"] == name
        assert "\x1b" not in json.dumps(report, ensure_ascii=False)
    assert "only-sv  — Bara svenska\\x1b[31m (sv)" in engine.render("text")
    html = engine.render("html")
    assert '<span class="focus-name" lang="sv">Bara svenska\\x1b[31m</span> <span class="lang-tag">(sv)</span>' in html


def test_a_resource_without_a_label_has_none(project_settings) -> None:
    data = Graph().parse(data="@prefix skos: <http://www.w3.org/2004/02/skos/core#> . "
                              "<http://example.test/n/x> a skos:Concept .", format="turtle")
    report = validate(data, shapes_graph(project_settings, ["vocabulary"])).as_json()
    assert resource(report, "x")["name"] is None
    assert {r["focus_name"] for r in resource(report, "x")["results"]} == {None}
