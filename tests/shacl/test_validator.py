"""publisher.shacl.validate: the one entry point. The build gate, `publisher validate` and the
catalogue gate all make their outcome there; a shape the engine does not compile, or that reads
literals a store would rewrite, goes to pyshacl alone and the report is the one pyshacl gives."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace

from publisher.release.dcat_check import check_catalog
from publisher.release.publish import gate_store
from publisher.shacl import Outcome, shapes_graph, validate, validate_files
from publisher.shacl import validator
from tests.shacl.support import BAD_PROJECT, OWN_SHAPES, SKOS, write
from tests.shacl.validation.expected import fixture

SH = Namespace("http://www.w3.org/ns/shacl#")
#: The compiled fixtures hold ill-typed literals on purpose; rdflib warns about each one it reads.
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning",
                                        "ignore:NotImplemented should not be used:DeprecationWarning")
COMPILED = Path(__file__).parent / "compiled"
#: A shape of a feature the engine does not compile, beside the compiled fixture's shapes.
QUALIFIED = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.test/ns#> .
ex:QualifiedShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:kind ; sh:qualifiedValueShape [ sh:hasValue ex:tertiary ] ;
                  sh:qualifiedMinCount 1 ] .
"""


def rows(outcome: Outcome) -> Counter:
    """The results as comparable rows, a blank focus node as such (its identifier is arbitrary)."""
    return Counter((r.focus if r.focus.startswith("http") else "_:blank", r.path, r.value,
                    r.severity, r.message, r.shape, r.constraint, r.focus_label)
                   for r in outcome.results)


def compiled_fixture_store() -> ox.Store:
    store = ox.Store()
    store.load(path=str(COMPILED / "core-data.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def test_the_gate_the_stewards_and_the_catalogue_gate_make_one_kind_of_outcome(
        project_settings, monkeypatch) -> None:
    made: list[tuple[str, Outcome]] = []

    class Recorded(Outcome):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append((caller, self))

    monkeypatch.setattr(validator, "Outcome", Recorded)
    caller = "gate"
    store = ox.Store()
    store.load(BAD_PROJECT.encode(), format=ox.RdfFormat.TURTLE)
    gated = gate_store(store, project_settings)
    caller = "stewards"
    stewards = validate_files([fixture("bad-project.ttl")], project_settings)
    caller = "catalogue"
    catalogue = check_catalog(Graph().parse(fixture("dcat-clean.ttl")), project_settings)
    assert {who for who, _ in made} == {"gate", "stewards", "catalogue"}
    assert made[0][1] is gated and made[1][1] is stewards and catalogue.conforms
    assert all(isinstance(outcome, Outcome) for _, outcome in made)
    assert rows(gated) == rows(stewards) and gated.violations


def test_a_shape_the_engine_does_not_compile_alone_goes_to_pyshacl() -> None:
    shapes = Graph().parse(COMPILED / "core-shapes.ttl").parse(data=QUALIFIED, format="turtle")
    store = compiled_fixture_store()
    mixed = validate(store, shapes)
    assert list(mixed.by_pyshacl) == ["ex:QualifiedShape"]
    assert "sh:qualifiedValueShape" in mixed.by_pyshacl["ex:QualifiedShape"]
    plain = validate(store, shapes, compiled=False)
    assert rows(mixed) == rows(plain) and mixed.conforms == plain.conforms
    shapes_seen = {r.shape for r in mixed.results}
    assert "ex:QualifiedShape › ex:kind" in shapes_seen and len(shapes_seen) > 10
    report = mixed.report_graph
    assert len(list(report.subjects(RDF.type, SH.ValidationReport))) == 1
    assert [o.value for o in report.objects(None, SH.conforms)] == [False]


def test_shapes_reading_literals_a_store_rewrites_go_to_pyshacl() -> None:
    data = Graph().parse(format="turtle", data="""
        @prefix ex: <http://example.test/ns#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a a ex:T ; ex:ratio "1.50"^^xsd:decimal ; ex:name "ab" .""")
    shapes = Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.test/ns#> .
        ex:RatioShape a sh:NodeShape ; sh:targetClass ex:T ;
            sh:property [ sh:path ex:ratio ; sh:maxInclusive 1 ] .
        ex:NameShape a sh:NodeShape ; sh:targetClass ex:T ;
            sh:property [ sh:path ex:name ; sh:minLength 5 ] .""")
    outcome = validate(data, shapes)
    assert list(outcome.by_pyshacl) == ["ex:RatioShape"]
    assert rows(outcome) == rows(validate(data, shapes, compiled=False))
    assert {r.value for r in outcome.results} == {"1.50", '"ab"'}     # as written, not 1.5


def test_focus_nodes_are_left_to_pyshacl_which_filters_nested_shapes_too(project_settings) -> None:
    data = Graph().parse(data=BAD_PROJECT, format="turtle")
    shapes = shapes_graph(project_settings, ["kuntadigi"])
    focus = ["https://data.kuntadigi.example/id/project/x"]
    outcome = validate(data, shapes, focus_nodes=focus)
    assert list(outcome.by_pyshacl) == ["*"]
    assert rows(outcome) == rows(validate(data, shapes, focus_nodes=focus, compiled=False))


@pytest.mark.parametrize("compiled", [True, False])
def test_the_data_graph_given_is_left_as_it_was(project_settings, compiled: bool) -> None:
    data = Graph().parse(data=BAD_PROJECT, format="turtle")
    before = set(data)
    validate(data, shapes_graph(project_settings, ["kuntadigi"]), compiled=compiled)
    assert set(data) == before


def test_a_shape_with_a_stewards_own_sparql_goes_to_pyshacl(project_settings, tmp_path: Path) -> None:
    shapes = write(tmp_path, "own.ttl", OWN_SHAPES + """
<http://example.test/shapes/SchemeShape> a sh:NodeShape ; sh:targetClass skos:Concept ;
    sh:sparql [ sh:message "no top concept" ; sh:select
        "SELECT $this WHERE { FILTER NOT EXISTS { ?s <http://www.w3.org/2004/02/skos/core#hasTopConcept> $this } }" ] .""")
    outcome = validate_files([write(tmp_path, "concepts.ttl", SKOS)], project_settings,
                             profiles=["vocabulary"], shapes_files=[shapes])
    assert list(outcome.by_pyshacl) == ["<http://example.test/shapes/SchemeShape>"]
    assert {r.message for r in outcome.violations} >= {"no top concept",
                                                       "Every concept needs a notation"}
