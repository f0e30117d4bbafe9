"""The compiled SHACL engine (publisher/shacl/compiled/) gives the report pyshacl gives.

Every test validates one store with both through `publisher.shacl.validate`: the engine on the
store itself (nothing left to pyshacl), and plain pyshacl (`compiled=False`, as the fallback
runs it) on the store's triples turned into an rdflib graph. The reports are compared result by result: focus node, path, value, severity,
source shape (a blank property shape named by its node shape and path), constraint
component, every message with its language, and the results nested under sh:detail.
"""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace
from rdflib.term import Node

from publisher.config import PROJECT_ROOT, Settings, Source
from publisher.build.pipeline import PipelineResult, run_pipeline
from publisher.vocab import ONTOLOGY_FILES, read_bundled_rdf
from publisher.shacl import Outcome, path_text, shape_name, shapes_graph, validate
from publisher.shacl.compiled.engine import validate_store
from publisher.shacl.compiled.terms import UnsupportedShapes

#: The fixtures hold ill-typed literals on purpose; rdflib warns about each one it reads.
SH = Namespace("http://www.w3.org/ns/shacl#")
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning",
                                        "ignore:NotImplemented should not be used:DeprecationWarning")

FIXTURES = Path(__file__).parent / "compiled"
OTHER_FIXTURES = Path(__file__).parent / "validation"
ONTOLOGY_GRAPH = "https://data.kuntadigi.example/graph/ontology"

#: Constraint parameters and the component each one is checked by.
COMPONENTS = {
    "class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind", "minCount": "MinCount",
    "maxCount": "MaxCount", "minExclusive": "MinExclusive", "minInclusive": "MinInclusive",
    "maxExclusive": "MaxExclusive", "maxInclusive": "MaxInclusive", "minLength": "MinLength",
    "maxLength": "MaxLength", "pattern": "Pattern", "languageIn": "LanguageIn",
    "uniqueLang": "UniqueLang", "in": "In", "hasValue": "HasValue", "equals": "Equals",
    "disjoint": "Disjoint", "lessThan": "LessThan", "lessThanOrEquals": "LessThanOrEquals",
    "node": "Node", "or": "Or", "and": "And", "xone": "Xone", "not": "Not",
    "closed": "Closed", "sparql": "SPARQL"}


# ------------------------------------------------------------------ helpers

def store_of(*paths: Path, ontology: Settings | None = None) -> ox.Store:
    """A store with each Turtle file in a named graph of its own (and our ontology, as a
    build has it, when settings are given)."""
    store = ox.Store()
    for i, path in enumerate(paths):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE,
                   to_graph=ox.NamedNode(f"http://example.test/graph/{i}"))
    if ontology is not None:
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        for name in ONTOLOGY_FILES:
            store.extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                         for t in read_bundled_rdf(ontology.ontology_dir / name, ontology.base_uri))
    return store


def shapes_file(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def term(node: Node | None, report: Graph) -> str | None:
    """A report node as text; a blank node by what it says (its identifier means nothing)."""
    if node is None:
        return None
    if isinstance(node, BNode):
        return "[" + " ; ".join(sorted(f"{p.n3()} {term(o, report)}"
                                       for p, o in report.predicate_objects(node))) + "]"
    return node.n3()


def result_key(report: Graph, result: Node, shapes: Graph) -> tuple:
    details = tuple(sorted((result_key(report, d, shapes) for d in report.objects(result, SH.detail)),
                           key=repr))
    return (term(report.value(result, SH.focusNode), report),
            path_text(report.value(result, SH.resultPath), shapes, report),
            term(report.value(result, SH.value), report),
            term(report.value(result, SH.resultSeverity), report),
            shape_name(report.value(result, SH.sourceShape), shapes),
            term(report.value(result, SH.sourceConstraintComponent), report),
            tuple(sorted((str(m), m.language or "") for m in report.objects(result, SH.resultMessage))),
            details)


def normalised(report: Graph, shapes: Graph) -> Counter:
    """The report's top-level results, each with its details, as comparable values."""
    return Counter(result_key(report, r, shapes) for r in report.objects(None, SH.result))


def report_conforms(report: Graph) -> bool:
    return bool(next(report.objects(None, SH.conforms)).value)


def readable(outcome: Outcome) -> Counter:
    """The outcome's results, a blank focus node shown as such (its identifier is arbitrary)."""
    blanks = {str(n) for n in outcome.report_graph.objects(None, SH.focusNode) if isinstance(n, BNode)}
    return Counter(replace(r, focus="_:blank") if r.focus in blanks else r for r in outcome.results)


def same_as_pyshacl(store: ox.Store, shapes: Graph, lang: str = "en", workers: int | None = None
                    ) -> tuple[Outcome, Outcome]:
    """Validate with both engines, assert the reports are equal, return both outcomes."""
    mine = validate(store, shapes, lang=lang, workers=workers)
    assert mine.by_pyshacl == {}, "the engine left shapes to pyshacl"
    theirs = validate(store, shapes, lang=lang, compiled=False)
    expected = normalised(theirs.report_graph, shapes)
    got = normalised(mine.report_graph, shapes)
    assert got - expected == Counter(), "results pyshacl does not give"
    assert expected - got == Counter(), "results pyshacl gives and the engine does not"
    assert readable(mine) == readable(theirs)
    assert mine.conforms == theirs.conforms
    assert report_conforms(mine.report_graph) == report_conforms(theirs.report_graph)
    return mine, theirs


def components(outcome: Outcome) -> set[str]:
    report = outcome.report_graph
    found = {report.value(r, SH.sourceConstraintComponent) for r in report.subjects(None, SH.ValidationResult)}
    return {str(c).rsplit("#", 1)[-1].removesuffix("ConstraintComponent") for c in found}


def used_components(shapes: Graph) -> set[str]:
    """Components a shapes graph asks for (sh:closed false asks for nothing)."""
    used = {COMPONENTS[str(p).rsplit("#", 1)[-1]] for p in set(shapes.predicates())
            if str(p).startswith(str(SH)) and str(p).rsplit("#", 1)[-1] in COMPONENTS}
    if not any(o.value for o in shapes.objects(None, SH.closed) if isinstance(o, Literal)):
        used.discard("Closed")
    return used


# ------------------------------------------------------------------ the real build

@pytest.fixture(scope="module")
def build(project_settings: Settings) -> PipelineResult:
    return run_pipeline(project_settings)


@pytest.mark.parametrize("profile", ["kuntadigi", "dcat-ap-3"])
def test_the_data_of_a_build_gives_the_report_pyshacl_gives(build: PipelineResult, project_settings: Settings,
                                                           profile: str) -> None:
    mine, _ = same_as_pyshacl(build.store, shapes_graph(project_settings, [profile]))
    if profile == "kuntadigi":
        assert mine.conforms and mine.counts["Warning"] > 0


def test_our_vocabulary_passes_its_profile_as_with_pyshacl(project_settings: Settings) -> None:
    mine, _ = same_as_pyshacl(store_of(ontology=project_settings), shapes_graph(project_settings, ["vocabulary"]))
    assert mine.conforms and mine.counts["Violation"] == 0


# ------------------------------------------------------------------ a synthetic catalogue

@pytest.fixture(scope="module")
def synthetic_build(project_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> PipelineResult:
    out = tmp_path_factory.mktemp("gen3000")
    subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "gen.py"), "--records", "3000",
                    "--out", str(out)], check=True, capture_output=True)
    text = next(out.glob("catalogue-3000*.txt"))
    return run_pipeline(replace(project_settings, sources=(Source(path=text, extractor="catalogue"),)))


@pytest.mark.timeout(240)     # the long one: about 180 000 triples through pyshacl too
def test_a_catalogue_of_3000_records_gives_the_report_pyshacl_gives(synthetic_build: PipelineResult,
                                                                   project_settings: Settings) -> None:
    assert len(synthetic_build.store) > 150_000
    mine, _ = same_as_pyshacl(synthetic_build.store, shapes_graph(project_settings, ["kuntadigi"]), workers=2)
    assert mine.results and mine.conforms


# ------------------------------------------------------------------ every component

def test_every_core_component_gives_pyshacl_results() -> None:
    shapes = shapes_file(FIXTURES / "core-shapes.ttl")
    mine, _ = same_as_pyshacl(store_of(FIXTURES / "core-data.ttl"), shapes)
    assert not mine.conforms
    assert components(mine) == used_components(shapes)


def test_a_conforming_node_has_no_result_and_a_broken_one_many() -> None:
    mine, _ = same_as_pyshacl(store_of(FIXTURES / "core-data.ttl"), shapes_file(FIXTURES / "core-shapes.ttl"))
    focus = Counter(r.focus for r in mine.results)
    assert focus["http://example.test/thing/good"] == 0
    assert focus["http://example.test/thing/BAD_1"] > 50


def test_every_kind_of_target_selects_its_focus_nodes() -> None:
    mine, _ = same_as_pyshacl(store_of(FIXTURES / "core-data.ttl"), shapes_file(FIXTURES / "core-shapes.ttl"))
    shapes_by_focus = {(r.focus, r.shape) for r in mine.results}
    assert ("http://example.test/ns#closedOne", "ex:ClosedShape") in shapes_by_focus       # targetNode
    assert ("http://example.test/thing/nobody", "ex:SubjectsShape") in shapes_by_focus     # subjectsOf
    assert ("http://example.test/thing/thingB", "ex:ObjectsShape") in shapes_by_focus      # objectsOf
    assert ("42", "ex:LiteralFocusShape") in shapes_by_focus                               # a literal
    assert ("http://example.test/thing/nameless", "ex:Agent › ex:name") in shapes_by_focus  # implicit
    assert any(f == "http://example.test/thing/good2" for f, _ in shapes_by_focus)          # subclass


def test_ill_typed_literals_fail_their_datatype() -> None:
    mine, _ = same_as_pyshacl(store_of(FIXTURES / "core-data.ttl"), shapes_file(FIXTURES / "core-shapes.ttl"))
    datatype_values = {r.value for r in mine.results if r.constraint == "sh:DatatypeConstraintComponent"}
    assert {'"2021-02-30"^^xsd:date', '"not a time"^^xsd:dateTime', "abc"} <= datatype_values


@pytest.mark.parametrize("profile,fixture", [
    ("kuntadigi", "kuntadigi-defects.ttl"), ("vocabulary", "vocabulary-defects.ttl")])
def test_every_component_of_a_profile_is_broken_by_its_fixture(project_settings: Settings, profile: str,
                                                               fixture: str) -> None:
    shapes = shapes_graph(project_settings, [profile])
    store = store_of(FIXTURES / fixture, ontology=project_settings if profile == "kuntadigi" else None)
    mine, _ = same_as_pyshacl(store, shapes)
    assert not mine.conforms
    assert components(mine) == used_components(shapes)


def test_the_dcat_ap_components_are_broken_by_a_fixture(project_settings: Settings) -> None:
    shapes = shapes_graph(project_settings, ["dcat-ap-3"])
    mine, _ = same_as_pyshacl(store_of(FIXTURES / "dcat-defects.ttl"), shapes)
    assert components(mine) == used_components(shapes)


def validation_fixtures() -> list[tuple[str, Path]]:
    """The data fixtures of the validation tests (tests/validation/), by the profile their name
    points to: more defects written by hand, compared with pyshacl too."""
    profiles = {"skos": "vocabulary", "owl": "vocabulary", "dcat": "dcat-ap-3", "bad": "kuntadigi"}
    return [(profiles[path.name.split("-")[0]], path) for path in sorted(OTHER_FIXTURES.glob("*.ttl"))
            if path.name.split("-")[0] in profiles]


@pytest.mark.parametrize("profile,path", validation_fixtures(), ids=lambda v: getattr(v, "name", v))
def test_the_validation_fixtures_give_the_report_pyshacl_gives(project_settings: Settings, profile: str,
                                                               path: Path) -> None:
    same_as_pyshacl(store_of(path), shapes_graph(project_settings, [profile]))


def test_a_store_keeps_non_negative_integers_as_integers() -> None:
    """pyoxigraph's store rewrites "5"^^xsd:nonNegativeInteger as an xsd:integer, so data read
    through a store fails sh:datatype xsd:nonNegativeInteger (DCAT-AP's dcat:byteSize) in
    both engines; sh:in and sh:hasValue of such a literal match nothing."""
    mine, _ = same_as_pyshacl(store_of(FIXTURES / "core-data.ttl"), shapes_file(FIXTURES / "core-shapes.ttl"))
    measured = [r for r in mine.results if r.focus == "http://example.test/thing/measured"]
    assert {r.constraint for r in measured} >= {"sh:DatatypeConstraintComponent",
                                               "sh:HasValueConstraintComponent"}


# ------------------------------------------------------------------ SHACL-SPARQL

def test_sparql_constraints_give_pyshacl_results_and_messages() -> None:
    shapes = shapes_file(FIXTURES / "sparql-shapes.ttl")
    mine, _ = same_as_pyshacl(store_of(FIXTURES / "sparql-data.ttl"), shapes)
    messages = {r.message for r in mine.results}
    assert any(m.startswith("The name ab is too short") for m in messages)            # one query
    assert "More than two parts: 3" in messages                                       # per focus node
    assert "Shape http://example.test/ns#ItemShape says the item has no price" in messages


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_messages_come_in_the_language_asked(project_settings: Settings, lang: str) -> None:
    store = store_of(FIXTURES / "vocabulary-defects.ttl")
    mine, _ = same_as_pyshacl(store, shapes_graph(project_settings, ["vocabulary"]), lang=lang)
    assert mine.results


# ------------------------------------------------------------------ the report itself

def test_the_report_is_a_shacl_validation_report() -> None:
    mine = validate(store_of(FIXTURES / "core-data.ttl"), shapes_file(FIXTURES / "core-shapes.ttl"))
    report = mine.report_graph
    assert len(list(report.subjects(None, SH.ValidationReport))) == 1
    assert report_conforms(report) is False
    for result in report.objects(None, SH.result):
        for predicate in (SH.focusNode, SH.resultSeverity, SH.sourceShape, SH.sourceConstraintComponent):
            assert report.value(result, predicate) is not None, predicate
    blank_shapes = {s for s in report.objects(None, SH.sourceShape) if isinstance(s, BNode)}
    assert blank_shapes and all(report.value(s, SH.path) is not None for s in blank_shapes)
    node_results = [r for r in report.subjects(SH.sourceConstraintComponent, SH.NodeConstraintComponent)]
    assert node_results and all(list(report.objects(r, SH.detail)) for r in node_results)


def test_threads_change_nothing() -> None:
    store, shapes = store_of(FIXTURES / "core-data.ttl"), shapes_file(FIXTURES / "core-shapes.ttl")
    one = validate(store, shapes, workers=1)
    two = validate(store, shapes, workers=2)
    assert normalised(one.report_graph, shapes) == normalised(two.report_graph, shapes)
    assert readable(one) == readable(two)


# ------------------------------------------------------------------ what is not compiled

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.test/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
UNSUPPORTED = [
    ("qualifiedValueShape", "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; "
     "sh:qualifiedValueShape [ sh:class ex:C ] ; sh:qualifiedMinCount 1 ] .", "sh:qualifiedValueShape"),
    ("rule", "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:rule [ a sh:TripleRule ] .", "rules"),
    ("custom target", "ex:S a sh:NodeShape ; sh:target [ sh:select \"SELECT ?this {}\" ] ; "
     "sh:property [ sh:path ex:p ; sh:minCount 1 ] .", "sh:target"),
    ("uniqueLang false", "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; "
     "sh:uniqueLang false ] .", "sh:uniqueLang false"),
    ("ASK constraint", "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:ask \"ASK {}\" ] .",
     "sh:select"),
    ("recursion", "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:property [ sh:path ex:p ; sh:node ex:S ] .",
     "recursive"),
    ("MINUS", "ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:sparql [ sh:select "
     "\"SELECT $this WHERE { $this ex:p ?x MINUS { $this ex:q ?x } }\" ] .", "MINUS"),
    ("custom component", "ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:max ] . "
     "ex:S a sh:NodeShape ; sh:targetClass ex:T ; ex:max 1 .", "custom constraint components"),
]


@pytest.mark.parametrize("name,shapes_text,feature", UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_a_feature_that_is_not_compiled_is_refused_by_name(name: str, shapes_text: str, feature: str) -> None:
    shapes = Graph().parse(data=PREFIXES + shapes_text, format="turtle")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.test/x"), ox.NamedNode(str(RDF.type)),
                      ox.NamedNode("http://example.test/ns#T")))
    try:                       # left to pyshacl: the shape alone, or the whole shapes graph
        reason = " ".join(validate_store(store, shapes).left.values())
    except UnsupportedShapes as refused:
        reason = str(refused)
    assert feature in reason
    if name != "custom component":
        assert "ex:S" in reason


def test_comparing_a_blank_node_is_refused_as_pyshacl_refuses_it(project_settings: Settings) -> None:
    shapes = Graph().parse(data=PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:T ; "
                           "sh:property [ sh:path ex:start ; sh:lessThan ex:end ] .", format="turtle")
    store = ox.Store()
    store.load(b"""<http://example.test/x> a <http://example.test/ns#T> ;
        <http://example.test/ns#start> [ ] ; <http://example.test/ns#end> 3 .""", format=ox.RdfFormat.TURTLE)
    with pytest.raises(UnsupportedShapes) as refused:
        validate_store(store, shapes)
    assert "ex:S › ex:start" in str(refused.value) and "blank node" in str(refused.value)
    with pytest.raises(Exception, match="BlankNode"):
        validate(store, shapes, compiled=False)
    with pytest.raises(Exception, match="BlankNode"):     # the engine hands it all to pyshacl
        validate(store, shapes)
