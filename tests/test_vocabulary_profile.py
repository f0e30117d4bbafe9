"""The `vocabulary` profile finds each qSKOS-style defect, and passes our own vocabulary."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph

from publisher.config import PROJECT_ROOT, load_settings
from publisher.validate import shapes_graph, validate_files, validate_graph

PREFIXES = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix vann: <http://purl.org/vocab/vann/> .
@prefix ex:   <http://example.test/voc/> .
"""

GOOD_CONCEPT = """
ex:s a skos:ConceptScheme ; skos:prefLabel "S"@fi, "S"@sv, "S"@en .
ex:{name} a skos:Concept ; skos:inScheme ex:s ;
  skos:prefLabel "{name} fi"@fi, "{name} sv"@sv, "{name} en"@en ;
  skos:definition "d"@fi, "d"@sv, "d"@en .
"""


def check(turtle: str, languages=("fi", "sv", "en")):
    settings = replace(load_settings(environ={}), required_languages=languages)
    data = Graph().parse(data=PREFIXES + turtle, format="turtle")
    return validate_graph(data, shapes_graph(settings, ["vocabulary"]))


def messages(outcome, severity="Violation") -> str:
    return "\n".join(f"{r.focus} {r.message}" for r in outcome.results if r.severity == severity)


def test_a_clean_concept_conforms() -> None:
    outcome = check(GOOD_CONCEPT.format(name="a"))
    assert outcome.conforms and not outcome.results


CASES = [
    ("missing language", 'ex:m a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel "m"@fi, "m"@en .',
     "Violation", "Missing preferred label in language sv"),
    ("two labels in one language", 'ex:a skos:prefLabel "toinen"@fi .', "Violation",
     "more than one preferred label in the same language"),
    ("same label twice in a scheme", GOOD_CONCEPT.format(name="b") + 'ex:b skos:altLabel "x"@fi . '
     'ex:c a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel "a fi"@fi, "c"@sv, "c"@en .',
     "Violation", 'same preferred label "a fi"'),
    ("pref equals alt", 'ex:a skos:altLabel "a en"@en .', "Violation",
     'preferred label "a en" is also an alternative label'),
    ("no language tag", 'ex:a skos:altLabel "plain" .', "Violation", "no language tag"),
    ("orphan", 'ex:o a skos:Concept ; skos:prefLabel "o"@fi, "o"@sv, "o"@en ; '
     'skos:definition "d"@fi, "d"@sv, "d"@en .', "Warning", "Orphan concept"),
    ("broader cycle", GOOD_CONCEPT.format(name="b") + "ex:a skos:broader ex:b . ex:b skos:broader ex:a .",
     "Violation", "Cycle in skos:broader"),
    ("related clash", GOOD_CONCEPT.format(name="b") + "ex:a skos:broader ex:b ; skos:related ex:b .",
     "Violation", "clashes with the hierarchy"),
    ("exactMatch inside a scheme", GOOD_CONCEPT.format(name="b") + "ex:a skos:exactMatch ex:b .",
     "Violation", "a concept of the same scheme"),
    ("missing definition", 'ex:d a skos:Concept ; skos:inScheme ex:s ; '
     'skos:prefLabel "d"@fi, "d"@sv, "d"@en .', "Warning", "Missing definition in language fi"),
]


@pytest.mark.parametrize("name,extra,severity,expected", CASES, ids=[c[0] for c in CASES])
def test_each_concept_defect_is_found(name: str, extra: str, severity: str, expected: str) -> None:
    outcome = check(GOOD_CONCEPT.format(name="a") + extra)
    assert expected in messages(outcome, severity), messages(outcome, severity)


ONTOLOGY = """
<http://example.test/voc/> a owl:Ontology ; vann:preferredNamespaceUri "http://example.test/voc/" .
ex:Thing a owl:Class ; rdfs:label "asia"@fi .
ex:prop a owl:ObjectProperty ; rdfs:label "p"@fi, "p"@sv, "p"@en ;
  rdfs:comment "c"@fi, "c"@sv, "c"@en .
ex:x a ex:Thing ; ex:undefinedProperty ex:y .
"""


def test_ontology_defects() -> None:
    outcome = check(ONTOLOGY)
    violations, warnings = messages(outcome), messages(outcome, "Warning")
    assert "The class has no rdfs:label in language sv" in violations
    assert "undefinedProperty is used in the vocabulary's namespace but is not defined" in violations
    assert "The property has no rdfs:domain" in warnings
    assert "The property has no rdfs:range" in warnings
    assert "The class has no definition in language en" in warnings


def test_required_languages_are_configurable() -> None:
    turtle = 'ex:a a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel "a"@fi ; skos:definition "d"@fi .' \
             ' ex:s a skos:ConceptScheme ; skos:prefLabel "s"@fi .'
    assert check(turtle, languages=("fi",)).conforms
    assert not check(turtle).conforms


def test_messages_in_finnish_and_swedish() -> None:
    data = Graph().parse(data=PREFIXES + 'ex:a a skos:Concept ; skos:inScheme ex:s .', format="turtle")
    settings = load_settings(environ={})
    fi = validate_graph(data, shapes_graph(settings, ["vocabulary"]), lang="fi")
    sv = validate_graph(data, shapes_graph(settings, ["vocabulary"]), lang="sv")
    assert "Suositettava termi puuttuu kieleltä sv" in messages(fi)
    assert "Föredragen term saknas på språket en" in messages(sv)


def test_our_own_vocabulary_passes_with_no_violation() -> None:
    settings = load_settings(environ={})
    files = sorted((PROJECT_ROOT / "ontology").glob("*.ttl"))
    outcome = validate_files(files, settings, profiles=["vocabulary"])
    assert outcome.counts["Violation"] == 0, outcome.text()
