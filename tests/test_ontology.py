"""The vocabulary and the reference data in three languages: every own class, property,
concept and scheme, the funding programme and its calls, the organisations, and the Swedish
names of the municipalities from the code list."""
from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from publisher.build.extract.base import read_source_text
from publisher.build.mapping import load_mapping
from publisher.build.prepare.organisations import OrganisationRegistry
from publisher.build.reference import MAPPING_FILE, codelist_records, organisation_records
from publisher.config import PROJECT_ROOT, load_settings

BASE = "https://data.kuntadigi.example/"
KD = f"{BASE}def/"
LANGUAGES = {"fi", "sv", "en"}
ONTOLOGY = PROJECT_ROOT / "ontology"
MAPPINGS = PROJECT_ROOT / "mappings"
PREFIXES = """PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
KINDS = "owl:Class owl:ObjectProperty owl:DatatypeProperty skos:Concept skos:ConceptScheme owl:Ontology"


@pytest.fixture(scope="module")
def vocabulary() -> Store:
    store = Store()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        store.load(path.read_bytes(), RdfFormat.TURTLE, base_iri=BASE)
    return store


def languages(store: Store, subject: str, predicates: str) -> set[str]:
    rows = store.query(PREFIXES + f"SELECT DISTINCT (LANG(?v) AS ?l) WHERE {{ <{subject}> {predicates} ?v }}")
    return {row[0].value for row in rows}


def own_terms(store: Store) -> list[tuple[str, str]]:
    rows = store.query(PREFIXES + f"""SELECT DISTINCT ?x ?kind WHERE {{
        VALUES ?kind {{ {KINDS} }} ?x a ?kind FILTER(STRSTARTS(STR(?x), "{BASE}")) }}""")
    return [(row[0].value, row[1].value.rsplit("#", 1)[-1]) for row in rows]


def test_every_own_term_is_labelled_and_defined_in_finnish_swedish_and_english(vocabulary) -> None:
    terms = own_terms(vocabulary)
    kinds = {kind for _, kind in terms}
    assert {"Class", "ObjectProperty", "DatatypeProperty", "Concept", "ConceptScheme"} <= kinds
    for term, kind in terms:
        assert languages(vocabulary, term, "rdfs:label|skos:prefLabel") >= LANGUAGES, term
        if kind != "Ontology":
            assert languages(vocabulary, term, "skos:definition|rdfs:comment") >= LANGUAGES, term


def test_every_own_class_and_property_is_defined_by_the_vocabulary_with_domain_and_range(vocabulary) -> None:
    for term, kind in own_terms(vocabulary):
        if kind not in ("Class", "ObjectProperty", "DatatypeProperty"):
            continue
        defined = vocabulary.query(PREFIXES + f"ASK {{ <{term}> rdfs:isDefinedBy <{KD}> }}")
        assert defined, term
        if kind != "Class":
            assert vocabulary.query(PREFIXES + f"ASK {{ <{term}> rdfs:domain ?d ; rdfs:range ?r }}"), term


def test_every_own_term_the_mappings_write_is_in_the_vocabulary(vocabulary) -> None:
    declared = {term for term, _ in own_terms(vocabulary)}
    used = {KD + name for path in MAPPINGS.glob("*.mapping.toml")
            for name in re.findall(r"\bkd:(\w+)", _without_comments(path))}
    assert used and sorted(used - declared) == []


def _without_comments(path: Path) -> str:
    return "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())


def test_the_concept_schemes_have_their_concepts_in_three_languages(vocabulary) -> None:
    rows = vocabulary.query(PREFIXES + f"""SELECT ?scheme (COUNT(?c) AS ?n) WHERE {{
        ?c skos:inScheme ?scheme FILTER(STRSTARTS(STR(?scheme), "{KD}")) }} GROUP BY ?scheme""")
    counts = {row[0].value.removeprefix(KD): int(row[1].value) for row in rows}
    assert counts["interoperabilityLayers"] == 4          # legal, organisational, semantic, technical
    assert counts["initiativeKinds"] == 6                 # project, network, service, event, funding, forum
    assert counts["themes"] >= 11
    layers = vocabulary.query(PREFIXES + f"""SELECT ?n WHERE {{ ?c skos:inScheme <{KD}interoperabilityLayers> ;
        skos:notation ?n }} ORDER BY ?n""")
    assert [row[0].value for row in layers] == ["legal", "organisational", "semantic", "technical"]


def test_the_programme_its_calls_and_the_organisations_are_named_in_three_languages() -> None:
    programme = tomllib.loads((MAPPINGS / "programme.toml").read_text(encoding="utf-8"))["programme"]
    assert set(programme["names"]) == set(programme["definitions"]) == LANGUAGES
    assert [c["year"] for c in programme["calls"]] == [2019, 2019, 2020]
    assert all(set(c["names"]) == LANGUAGES for c in programme["calls"])
    organisations = tomllib.loads((MAPPINGS / "organisations.toml").read_text(encoding="utf-8"))["organisations"]
    assert {o["key"] for o in organisations} >= {"valtiovarainministerio", "suomen-kuntaliitto"}
    for organisation in organisations:
        assert set(organisation["names"]) == LANGUAGES, organisation["key"]
    assert programme["funder"] in {o["key"] for o in organisations}


def test_municipalities_carry_their_official_swedish_names_from_the_code_list() -> None:
    settings = replace(load_settings(environ={}), base_uri=BASE)
    graph = NamedNode(f"{BASE}graph/reference")
    store = Store()
    mapping = load_mapping(MAPPINGS / MAPPING_FILE, BASE)
    for record in codelist_records(settings):
        store.extend(mapping.quads(record, graph, {}))
    with (MAPPINGS / "reference" / "municipalities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 309

    def label(code: str, lang: str) -> set[str]:
        found = store.query(PREFIXES + f"""SELECT ?l WHERE {{ GRAPH ?g {{ <{BASE}id/organisation/{code}>
            skos:prefLabel ?l FILTER(LANG(?l) = "{lang}") }} }}""")
        return {row[0].value for row in found}

    for row in rows:
        assert label(row["code"], "fi") == {row["name_fi"]} and label(row["code"], "sv") == {row["name_sv"]}
    # bilingual municipalities by their official Swedish names; others keep their Finnish one
    assert [label(code, "sv") for code in ("091", "106", "853", "905", "638")] == [
        {"Helsingfors"}, {"Hyvinge"}, {"Åbo"}, {"Vasa"}, {"Borgå"}]
    assert label("588", "sv") == {"Pertunmaa"}


def test_every_place_an_organisation_is_said_to_be_named_names_it() -> None:
    registry = OrganisationRegistry.load(MAPPINGS / "organisations.toml")
    for organisation in registry.organisations:
        assert organisation.named_in, organisation.key
        for document, first, last in organisation.named_in:
            text = " ".join(read_source_text(MAPPINGS / "sources" / document)[first - 1:last])
            assert organisation.key in registry.named(text), (organisation.key, document, first)
    keys = {"003_b6cfa8369f6eadbc.txt": "003-b6cfa8369f6eadbc"}
    lines = {"003_b6cfa8369f6eadbc.txt": read_source_text(MAPPINGS / "sources" / "003_b6cfa8369f6eadbc.txt")}
    ministry = next(r for r in organisation_records(registry, keys, lines) if r["key"] == "valtiovarainministerio")
    # only the texts of the build give derivations
    assert ministry["derivations"] == [{"document_key": "003-b6cfa8369f6eadbc", "first_line": 6,
                                        "last_line": 6, "source_text": "Finansministeriet"}]
    assert all(r["derivations"] == [] for r in organisation_records(registry))
