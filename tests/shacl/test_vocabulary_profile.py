"""The `vocabulary` profile finds each qSKOS-style defect, no more and no less, in fi, sv and
en, and passes our own vocabulary and concept schemes."""
from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import RDF, Graph, Namespace

from publisher.config import PROJECT_ROOT, load_settings
from publisher.shacl import shapes_graph, validate, validate_files
from tests.shacl.validation.expected import expected, fixture, found

SH = Namespace("http://www.w3.org/ns/shacl#")
PREFIXES = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix vann: <http://purl.org/vocab/vann/> .
@prefix ex:   <http://example.test/voc/> .
"""

GOOD_CONCEPT = """
ex:s a skos:ConceptScheme ; skos:prefLabel "S"@fi, "S"@sv, "S"@en .
ex:{name} a skos:Concept ; skos:inScheme ex:s ; skos:topConceptOf ex:s ;
  skos:prefLabel "{name} fi"@fi, "{name} sv"@sv, "{name} en"@en ;
  skos:definition "d"@fi, "d"@sv, "d"@en .
"""


def check(turtle: str, languages=("fi", "sv", "en")):
    settings = replace(load_settings(environ={}), required_languages=languages)
    data = Graph().parse(data=PREFIXES + turtle, format="turtle")
    return validate(data, shapes_graph(settings, ["vocabulary"]))


def messages(outcome, severity="Violation") -> str:
    return "\n".join(f"{r.focus} {r.message}" for r in outcome.results if r.severity == severity)


def test_a_clean_concept_conforms() -> None:
    outcome = check(GOOD_CONCEPT.format(name="a"))
    assert outcome.conforms and not outcome.results


CASES = [
    ("missing language", 'ex:m a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel "m"@fi, "m"@en .',
     "Violation", "Missing preferred label in language sv"),
    ("two labels in one language", 'ex:a skos:prefLabel "toinen"@fi .', "Violation",
     'two preferred labels in language fi: "a fi" and "toinen"'),
    ("same label twice in a scheme", GOOD_CONCEPT.format(name="b") + 'ex:b skos:altLabel "x"@fi . '
     'ex:c a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel "a fi"@fi, "c"@sv, "c"@en .',
     "Violation", 'same preferred label "a fi" in language fi'),
    ("pref equals alt", 'ex:a skos:altLabel "a en"@en .', "Violation",
     'preferred label "a en" in language en is also a skos:altLabel in the same language'),
    ("pref equals hidden", 'ex:a skos:hiddenLabel "a sv"@sv .', "Violation",
     'preferred label "a sv" in language sv is also a skos:hiddenLabel in the same language'),
    ("no language tag", 'ex:a skos:altLabel "plain" .', "Violation", "no language tag"),
    ("orphan", 'ex:o a skos:Concept ; skos:prefLabel "o"@fi, "o"@sv, "o"@en ; '
     'skos:definition "d"@fi, "d"@sv, "d"@en .', "Warning", "Orphan concept"),
    ("broader cycle", GOOD_CONCEPT.format(name="b") + "ex:a skos:broader ex:b . ex:b skos:broader ex:a .",
     "Violation", "Cycle in skos:broader: http://example.test/voc/a → http://example.test/voc/b → "
                  "http://example.test/voc/a"),
    ("narrower cycle", GOOD_CONCEPT.format(name="b") + "ex:a skos:narrower ex:b . ex:b skos:narrower ex:a .",
     "Violation", "Cycle in skos:broader: http://example.test/voc/b → http://example.test/voc/a → "
                  "http://example.test/voc/b"),
    ("own broader", "ex:a skos:broader ex:a .", "Violation",
     "Cycle in skos:broader: http://example.test/voc/a → http://example.test/voc/a"),
    ("no scheme", 'ex:n a skos:Concept ; skos:related ex:a ; skos:prefLabel "n"@fi, "n"@sv, "n"@en ; '
     'skos:definition "d"@fi, "d"@sv, "d"@en .', "Violation", "in no concept scheme"),
    ("related clash", GOOD_CONCEPT.format(name="b") + "ex:a skos:broader ex:b ; skos:related ex:b .",
     "Violation", "clashes with the hierarchy"),
    ("exactMatch inside a scheme", GOOD_CONCEPT.format(name="b") + "ex:a skos:exactMatch ex:b .",
     "Violation", "a concept of the same scheme"),
    ("missing definition", 'ex:d a skos:Concept ; skos:inScheme ex:s ; '
     'skos:prefLabel "d"@fi, "d"@sv, "d"@en .', "Warning", "Missing definition in language fi"),
    ("scheme without a label", 'ex:s2 a skos:ConceptScheme ; skos:prefLabel "S2"@fi, "S2"@en .',
     "Violation", "The concept scheme has no label in language sv"),
]


@pytest.mark.parametrize("name,extra,severity,expected_text", CASES, ids=[c[0] for c in CASES])
def test_each_concept_defect_is_found(name: str, extra: str, severity: str,
                                      expected_text: str) -> None:
    outcome = check(GOOD_CONCEPT.format(name="a") + extra)
    assert expected_text in messages(outcome, severity), messages(outcome, severity)


def test_a_concept_under_a_cycle_is_not_itself_in_the_cycle() -> None:
    outcome = check(GOOD_CONCEPT.format(name="b") + GOOD_CONCEPT.format(name="c")
                    + "ex:a skos:broader ex:b . ex:b skos:broader ex:c . ex:c skos:broader ex:b .")
    cyclic = {r.focus.rsplit("/", 1)[1] for r in outcome.results if r.constraint == "kdq:BroaderCycle"}
    assert cyclic == {"b", "c"}


@pytest.mark.parametrize("name", ["skos", "owl"])
def test_the_defect_fixtures_give_exactly_the_expected_findings(project_settings, name: str) -> None:
    outcome = validate_files([fixture(f"{name}-defects.ttl")], project_settings, profiles=["vocabulary"])
    got = found(outcome, f"http://example.test/{name}/")
    want = expected(f"{name}-defects.expected.tsv")
    assert got - want == set(), "found but not expected"
    assert want - got == set(), "expected but not found"


def test_the_relations_fixture_gives_exactly_the_expected_findings(project_settings) -> None:
    """qSKOS's orphans (whatever the scheme), concepts in no scheme, cycles written out and
    clashing labels named, pair by pair."""
    outcome = validate_files([fixture("skos-relations.ttl")], project_settings, profiles=["vocabulary"])
    got = found(outcome, "http://example.test/rel/")
    want = expected("skos-relations.expected.tsv")
    assert got - want == set(), "found but not expected"
    assert want - got == set(), "expected but not found"


ORPHAN_CASES = [
    ("only in a scheme", "", True),
    ("broader", "ex:o skos:broader ex:a .", False),
    ("narrower of another", "ex:a skos:narrower ex:o .", False),
    ("related, either way", "ex:a skos:related ex:o .", False),
    ("broaderTransitive", "ex:o skos:broaderTransitive ex:a .", False),
    ("narrowMatch", "ex:o skos:narrowMatch <http://example.test/other/x> .", False),
    ("exactMatch", "ex:o skos:exactMatch <http://example.test/other/x> .", False),
    ("relatedMatch of another", "<http://example.test/other/x> skos:relatedMatch ex:o .", False),
    ("top concept of", "ex:o skos:topConceptOf ex:s .", False),
    ("has top concept", "ex:s skos:hasTopConcept ex:o .", False),
    ("own sub-property", "ex:near rdfs:subPropertyOf skos:related . ex:o ex:near ex:a .", False),
    ("a note is no relation", 'ex:o skos:note "n"@fi ; skos:notation "1" .', True),
]


@pytest.mark.parametrize("name,extra,orphan", ORPHAN_CASES, ids=[c[0] for c in ORPHAN_CASES])
def test_orphans_as_qskos_defines_them(name: str, extra: str, orphan: bool) -> None:
    """qSKOS "Orphan Concepts": no semantic relation to another concept; skos:inScheme and
    labels connect nothing, a top concept of a scheme is connected."""
    concept = ('ex:o a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel "o"@fi, "o"@sv, "o"@en ; '
               'skos:definition "d"@fi, "d"@sv, "d"@en . ')
    outcome = check(GOOD_CONCEPT.format(name="a") + concept + extra)
    orphans = {r.focus for r in outcome.results if r.constraint == "kdq:OrphanConcept"}
    assert orphans == ({"http://example.test/voc/o"} if orphan else set())
    assert outcome.conforms


@pytest.mark.parametrize("lang,words", [
    ("fi", "Kehä yläkäsitesuhteissa (skos:broader): http://example.test/rel/cycleA → "
           "http://example.test/rel/cycleB → http://example.test/rel/cycleC → http://example.test/rel/cycleA"),
    ("sv", "Cykel i överbegreppsrelationerna (skos:broader): http://example.test/rel/cycleA → "),
])
def test_a_cycle_is_written_out_in_the_language_asked(project_settings, lang: str, words: str) -> None:
    outcome = validate_files([fixture("skos-relations.ttl")], project_settings, profiles=["vocabulary"],
                             lang=lang)
    cycle = next(r for r in outcome.results if r.focus.endswith("/cycleA"))
    assert cycle.message.startswith(words)
    hidden = next(r for r in outcome.results if r.constraint == "kdq:PrefLabelAlsoAltLabel")
    assert {"fi": 'Suositettava termi "Names" kielellä en on myös saman kielen skos:hiddenLabel',
            "sv": 'Den föredragna termen "Names" på språket en är också en skos:hiddenLabel på samma '
                  'språk'}[lang] == hidden.message


def _checks(shapes: Graph) -> set[str]:
    """Every named check of the profile: its SPARQL constraints and named property shapes."""
    named = set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    named |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    return {shapes.namespace_manager.normalizeUri(n) for n in named}


def test_every_check_of_the_profile_is_exercised_by_a_fixture(project_settings) -> None:
    checks = _checks(shapes_graph(project_settings, ["vocabulary"]))
    exercised = {row[3] for name in ("skos", "owl")
                 for row in expected(f"{name}-defects.expected.tsv")}
    assert checks == exercised, checks ^ exercised


def test_every_check_has_its_message_in_finnish_swedish_and_english(project_settings) -> None:
    shapes = shapes_graph(project_settings, ["vocabulary"])
    for check_node in set(shapes.subjects(RDF.type, SH.SPARQLConstraint)) | set(
            shapes.subjects(RDF.type, SH.PropertyShape)):
        languages = sorted(m.language for m in shapes.objects(check_node, SH.message))
        assert languages == ["en", "fi", "sv"], check_node


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_finding_is_reported_in_the_language_asked(project_settings, lang: str) -> None:
    english = {(r.focus, r.constraint, r.value): r.message for name in ("skos", "owl")
               for r in validate_files([fixture(f"{name}-defects.ttl")], project_settings,
                                       profiles=["vocabulary"]).results}
    translated = {(r.focus, r.constraint, r.value): r.message for name in ("skos", "owl")
                  for r in validate_files([fixture(f"{name}-defects.ttl")], project_settings,
                                          profiles=["vocabulary"], lang=lang).results}
    assert translated.keys() == english.keys()
    same = [key for key in english if translated[key] == english[key]]
    assert same == [], f"not translated into {lang}: {same}"


def test_translated_messages_keep_their_values(project_settings) -> None:
    outcome = validate_files([fixture("skos-defects.ttl")], project_settings, profiles=["vocabulary"],
                             lang="sv")
    care = next(r for r in outcome.results if r.focus.endswith("/care"))
    assert care.message == "Föredragen term saknas på språket sv"
    clinic = next(r for r in outcome.results if r.focus.endswith("/clinic"))
    assert clinic.message == ('Begreppet http://example.test/skos/health i samma schema har samma '
                              'föredragna term "Terveys" på språket fi')
    school = next(r for r in outcome.results if r.constraint == "kdq:ConceptPrefLabelUnique")
    assert school.message == 'Begreppet har två föredragna termer på språket fi: "Koulu" och "Peruskoulu"'


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
    two = check(turtle, languages=("fi", "se"))
    assert {r.message for r in two.violations} == {"Missing preferred label in language se",
                                                   "The concept scheme has no label in language se"}


def test_messages_in_finnish_and_swedish(project_settings) -> None:
    data = Graph().parse(data=PREFIXES + 'ex:a a skos:Concept ; skos:inScheme ex:s .', format="turtle")
    fi = validate(data, shapes_graph(project_settings, ["vocabulary"]), lang="fi")
    sv = validate(data, shapes_graph(project_settings, ["vocabulary"]), lang="sv")
    assert "Suositettava termi puuttuu kieleltä sv" in messages(fi)
    assert "Föredragen term saknas på språket en" in messages(sv)


def test_our_own_vocabulary_and_concept_schemes_pass_with_no_violation(project_settings) -> None:
    files = sorted((PROJECT_ROOT / "ontology").glob("*.ttl"))
    assert len(files) >= 5
    outcome = validate_files(files, project_settings, profiles=["vocabulary"])
    assert outcome.counts["Violation"] == 0, outcome.text()
    assert outcome.inputs and sum(n for _, n in outcome.inputs) > 500
