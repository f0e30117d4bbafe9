"""publisher.shacl.render: the report as text, HTML, JSON, Turtle and JSON-LD says the same,
and HTML escapes what comes from the data."""
from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, URIRef

from publisher.shacl import validate_files
from tests.shacl.support import SKOS, write
from tests.shacl.validation.expected import fixture

def test_the_report_in_every_format_says_the_same(project_settings, tmp_path: Path) -> None:
    outcome = validate_files([fixture("skos-defects.ttl")], project_settings, profiles=["vocabulary"],
                             lang="fi")
    report = json.loads(outcome.render("json"))
    assert report["counts"] == outcome.counts and report["lang"] == "fi"
    assert sum(len(r["results"]) for r in report["resources"]) == len(outcome.results)
    turtle = Graph().parse(data=outcome.render("turtle"), format="turtle")
    jsonld = Graph().parse(data=outcome.render("json-ld"), format="json-ld")
    results = set(turtle.objects(None, URIRef("http://www.w3.org/ns/shacl#result")))
    assert len(results) == len(outcome.results)
    assert len(jsonld) == len(turtle)
    html = outcome.render("html")
    assert html.startswith("<!doctype html>") and '<html lang="fi">' in html
    assert "Ei vastaa muotoja: Virheet 15 · Varoitukset 6 · Huomautukset 0" in html
    assert html.count('<section class="resource-results">') == len(report["resources"])
    assert "&#34;Terveys&#34;@fi" in html or "&quot;Terveys&quot;@fi" in html


def test_html_report_escapes_what_comes_from_the_data(project_settings, tmp_path: Path) -> None:
    nasty = SKOS.replace('"A"@sv', '"A"@sv ; skos:altLabel "<script>alert(1)</script>"')
    outcome = validate_files([write(tmp_path, "nasty.ttl", nasty)], project_settings, profiles=["vocabulary"])
    html = outcome.render("html")
    assert outcome.violations
    assert "<script>alert" not in html and html.count("&lt;script&gt;alert(1)&lt;/") == 2
    assert "<wbr>" in html                      # long words break after their slashes only
