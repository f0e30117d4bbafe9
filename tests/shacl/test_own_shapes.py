"""publisher.shacl.own_shapes: a steward's own shapes, alone or beside the profiles, refused
clearly when they cannot be used."""
from __future__ import annotations

from pathlib import Path

import pytest

from publisher.shacl import UnreadableInput, validate_files
from tests.shacl.support import OWN_SHAPES, SKOS, write

def test_own_shapes_alone_when_no_profile_is_asked(project_settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    shapes = write(tmp_path, "my-shapes.ttl", OWN_SHAPES)
    outcome = validate_files([data], project_settings, shapes_files=[shapes], lang="fi")
    assert outcome.profiles == (str(shapes),)
    assert [(r.focus, r.path, r.message) for r in outcome.results] == [
        ("http://example.test/a", "skos:notation", "Käsitteeltä puuttuu koodi")]
    both = validate_files([data], project_settings, profiles=["vocabulary"], shapes_files=[shapes])
    assert both.profiles == ("vocabulary", str(shapes)) and len(both.violations) == 1


def test_own_shapes_that_do_not_parse_are_named_with_their_line(project_settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    shapes = write(tmp_path, "my-shapes.ttl", OWN_SHAPES.replace("sh:minCount 1 ;", "sh:minCount 1 ;;;\n ]]"))
    with pytest.raises(UnreadableInput) as caught:
        validate_files([data], project_settings, shapes_files=[shapes])
    assert caught.value.where == "shapes" and caught.value.line == 6
    assert str(caught.value).startswith(f"{shapes}:6:")


def test_own_shapes_that_define_nothing_or_reach_outside_are_refused(project_settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    nothing = write(tmp_path, "nothing.ttl", SKOS)
    with pytest.raises(UnreadableInput, match="defines no SHACL shape"):
        validate_files([data], project_settings, shapes_files=[nothing])
    service = OWN_SHAPES + """<http://example.test/shapes/NotationShape> sh:sparql [ sh:select
        "SELECT $this WHERE { SERVICE <http://10.0.0.1/sparql> { $this ?p ?o } }" ] ."""
    with pytest.raises(UnreadableInput, match="uses SERVICE; shapes may only query the data"):
        validate_files([data], project_settings, shapes_files=[write(tmp_path, "service.ttl", service)])
    words = OWN_SHAPES + """<http://example.test/shapes/NotationShape> sh:sparql [ sh:message "x" ;
        sh:select "SELECT $this ?from WHERE { $this ?p ?from FILTER(?from = 'SERVICE') }" ] ."""
    outcome = validate_files([data], project_settings, shapes_files=[write(tmp_path, "words.ttl", words)])
    assert len(outcome.violations) == 1          # only the notation: the query ran and found none


@pytest.mark.parametrize("constraint,words", [
    ('sh:property [ sh:path skos:notation ; sh:pattern "([" ]',
     '› skos:notation has an sh:pattern that is not a valid regular expression: "(["'),
    ('sh:property [ sh:path skos:notation ; sh:pattern "a{2,1}" ; sh:flags "i" ]',
     'sh:pattern that is not a valid regular expression: "a{2,1}"'),
    ('sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o . FILTER( }" ]',
     "the shape <http://example.test/shapes/Bad> has an sh:select that is not valid SPARQL"),
    ('sh:sparql [ sh:select "ASK { }" ]', 'has an sh:select whose query is ASK, not SELECT: '
                                          '"ASK { }"'),
])
def test_own_shapes_with_a_bad_pattern_or_query_are_refused_before_pyshacl(
        project_settings, tmp_path: Path, constraint: str, words: str) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    shapes = write(tmp_path, "bad.ttl", "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                   "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                   "<http://example.test/shapes/Bad> a sh:NodeShape ; sh:targetClass skos:Concept ;\n"
                   f"  {constraint} .\n")
    with pytest.raises(UnreadableInput) as caught:
        validate_files([data], project_settings, shapes_files=[shapes])
    assert caught.value.where == "shapes" and str(caught.value).startswith(f"{shapes}: the shape ")
    assert words in str(caught.value)


def test_own_shapes_with_good_patterns_and_queries_still_run(project_settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    shapes = write(tmp_path, "good.ttl", OWN_SHAPES + """<http://example.test/shapes/NotationShape>
        sh:property [ sh:path skos:prefLabel ; sh:pattern "^[a-z]$" ; sh:flags "i" ] ;
        sh:sparql [ sh:message "no scheme" ; sh:select
            "SELECT $this WHERE { FILTER NOT EXISTS { $this skos:inScheme ?s } }" ;
            sh:prefixes [ sh:declare [ sh:prefix "skos" ;
                sh:namespace "http://www.w3.org/2004/02/skos/core#"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] ] ] .""")
    outcome = validate_files([data], project_settings, shapes_files=[shapes])
    assert len(outcome.violations) == 1           # the notation; the pattern and query pass


def test_ill_formed_own_shapes_are_refused_clearly(project_settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    broken = OWN_SHAPES.replace("sh:minCount 1", 'sh:minCount "many"')
    with pytest.raises(UnreadableInput, match="the shapes cannot be used") as caught:
        validate_files([data], project_settings, shapes_files=[write(tmp_path, "broken.ttl", broken)])
    assert caught.value.where == "shapes"
