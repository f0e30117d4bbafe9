"""The whole pipeline on the five real texts: what a reader of the published graph checks
against the texts — initiatives, experts, dates, figures, the merged eVaka, the programme,
themes on every project, labels in three languages — and the SHACL gate at 0 violations."""
from __future__ import annotations

from dataclasses import replace

import pytest
from pyoxigraph import Store

from publisher.config import PROJECT_ROOT, load_settings
from publisher.build.pipeline import run_pipeline
from publisher.release.publish import gate

BASE = "https://data.kuntadigi.example/"
PREFIXES = f"""
PREFIX kd: <{BASE}def/> PREFIX id: <{BASE}id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX org: <http://www.w3.org/ns/org#> PREFIX schema: <http://schema.org/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#> PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@pytest.fixture(scope="module")
def settings():
    return replace(load_settings(PROJECT_ROOT / "publisher.toml", environ={}), base_uri=BASE)


@pytest.fixture(scope="module")
def built(settings):
    return run_pipeline(settings)


def ask(store: Store, where: str) -> bool:
    """ASK over the union of all named graphs (a merged resource spans several)."""
    return bool(store.query(PREFIXES + "ASK { " + where + " }", use_default_graph_as_union=True))


def select(store: Store, query: str) -> list[tuple]:
    return [tuple(None if v is None else v.value for v in row)
            for row in store.query(PREFIXES + query, use_default_graph_as_union=True)]


def test_evaka_is_one_resource_with_both_languages_and_both_sources(built):
    store = built.store
    evaka = f"<{BASE}id/project/kuntien-evaka>"
    assert ask(store, f'{evaka} a kd:Project ; rdfs:label "Kuntien eVaka"@fi , "eVaka"@sv')
    descriptions = select(store, f"SELECT (LANG(?d) AS ?l) WHERE {{ {evaka} dcterms:description ?d }}")
    assert sorted(descriptions) == [("fi",), ("sv",)]
    spans = select(store, f"""SELECT ?doc ?first WHERE {{ {evaka} prov:qualifiedDerivation ?d .
        ?d prov:entity ?doc ; kd:firstLine ?first }} ORDER BY ?first""")
    assert (f"{BASE}id/document/004-f0ab20c46da3f21c", "19") in spans
    assert (f"{BASE}id/document/000-a99be5f9b8218adf", "196") in spans
    assert not ask(store, f"<{BASE}id/initiative/evaka> ?p ?o")
    merged = [m for m in built.merges["merged"] if m["resource"] == f"{BASE}id/project/kuntien-evaka"]
    assert merged and merged[0]["rules"] == ["same-core-name"]


def test_initiatives_presented_twice_or_under_two_names_are_one(built):
    store = built.store
    digione = f"<{BASE}id/project/digione>"
    firsts = select(store, f"SELECT ?f WHERE {{ {digione} prov:qualifiedDerivation/kd:firstLine ?f }} ORDER BY ?f")
    assert [int(f) for (f,) in firsts if int(f) in (37, 198)] == [37, 198]
    network = f"<{BASE}id/initiative/utbildning-som-en-tjanst>"
    assert ask(store, f'{network} a kd:Network ; skos:altLabel "KOPA"@sv')
    assert ask(store, f'<{BASE}id/initiative/kaffe-med-uffe> a kd:Event ; prov:wasDerivedFrom '
                      f'<{BASE}id/document/000-a99be5f9b8218adf> , <{BASE}id/document/001-8fb987d07fdeb88a>')
    assert built.merges["not_merged"], "considered but not merged pairs are listed"


def test_every_catalogue_project_is_funded_by_the_programme(built):
    store = built.store
    programme = f"<{BASE}id/programme/kuntien-digitalisaation-kannustinjarjestelma>"
    unfunded = select(store, f"""SELECT ?p WHERE {{ ?p prov:wasDerivedFrom <{BASE}id/document/004-f0ab20c46da3f21c>
        FILTER NOT EXISTS {{ ?p schema:funding {programme} }} }}""")
    assert unfunded == []
    assert len(select(store, f"SELECT DISTINCT ?p WHERE {{ ?p schema:funding {programme} }}")) >= 142
    labels = select(store, f"SELECT (LANG(?l) AS ?lang) WHERE {{ {programme} rdfs:label ?l }} ORDER BY ?lang")
    assert labels == [("en",), ("fi",), ("sv",)]
    years = select(store, f"SELECT ?y WHERE {{ {programme} kd:call/dcterms:date ?y }} ORDER BY ?y")
    assert [y for (y,) in years] == ["2019", "2019", "2020"]
    assert ask(store, f'{programme} schema:funder ?m . ?m rdfs:label "Ministry of Finance"@en , "Finansministeriet"@sv')
    # the page's heading 000:97 and the mentions 000:93 and 003:22 are merged into it
    firsts = {f for (f,) in select(store, f"SELECT ?f WHERE {{ {programme} prov:qualifiedDerivation/kd:firstLine ?f }}")}
    assert {"93", "97", "22"} <= firsts


def test_experts_and_contacts_are_persons_of_their_organisation(built):
    store = built.store
    association = f"<{BASE}id/organisation/suomen-kuntaliitto>"
    assert ask(store, f'{association} rdfs:label "Suomen Kuntaliitto"@fi , "Finlands Kommunförbund"@sv , '
                      f'"Association of Finnish Municipalities"@en')
    assert ask(store, f"<{BASE}id/project/digione> dcat:contactPoint <{BASE}id/person/minna-lindberg> . "
                      f"<{BASE}id/person/minna-lindberg> a vcard:Individual ; org:memberOf {association}")
    assert ask(store, f'<{BASE}id/person/elisa-kettunen> vcard:role "koordination av digitaliseringsprojekt"@sv')
    assert ask(store, f"<{BASE}id/document/001-8fb987d07fdeb88a> schema:author <{BASE}id/person/elisa-kettunen>")
    assert ask(store, f"<{BASE}id/project/digikommunforsoket> dcat:contactPoint <{BASE}id/person/suvi-savolainen> . "
                      f"<{BASE}id/person/suvi-savolainen> vcard:hasTelephone <tel:+358295530122> ; "
                      f"org:memberOf <{BASE}id/organisation/valtiovarainministerio>")
    assert ask(store, f"<{BASE}id/initiative/ungdomskortet-i-joensuu> kd:leadOrganisation <{BASE}id/organisation/167>")


def test_what_a_reading_of_the_main_page_adds(built):
    """000 read line by line: the competition Klash and its expert, the experts of a topic for
    the initiatives its paragraphs present, each block's own line spans, the funding channels
    of 000:105–109 with their funders, the services of 000:115."""
    store = built.store
    init = f"{BASE}id/initiative/"
    assert ask(store, f"<{init}klash> a kd:Event ; dcat:contactPoint <{BASE}id/person/laura-lyly> ; "
                      f"kd:leadOrganisation <{BASE}id/organisation/suomen-kuntaliitto>")
    assert ask(store, f"<{init}verke> dcat:contactPoint <{BASE}id/person/mari-ahonen-walker>")
    spans = select(store, f"""SELECT ?first ?last WHERE {{ <{init}ungdomstjansterna-i-hyvinge>
        prov:qualifiedDerivation [ kd:firstLine ?first ; kd:lastLine ?last ] }} ORDER BY ?first""")
    assert [(int(a), int(b)) for a, b in spans] == [(212, 218), (230, 230)]
    channels = select(store, f"""SELECT ?funder WHERE {{ ?c a kd:FundingProgramme ; schema:funder ?f ;
        prov:qualifiedDerivation/kd:firstLine ?line . ?f rdfs:label ?funder
        FILTER(LANG(?funder) = "en" && ?line IN (105, 107, 109)) }} ORDER BY ?funder""")
    assert [f for (f,) in channels] == ["Finnish National Agency for Education", "Ministry of Education and Culture",
                                        "Regional State Administrative Agency"]
    assert ask(store, f"<{init}digimaturity> a kd:Service ; kd:leadOrganisation "
                      f"<{BASE}id/organisation/teknologian-tutkimuskeskus-vtt-oy>")


def test_dates_and_figures(built):
    store = built.store
    assert ask(store, f'<{BASE}id/document/001-8fb987d07fdeb88a> dcterms:issued "2022-05-16"^^xsd:date')
    assert ask(store, f'<{BASE}id/document/003-b6cfa8369f6eadbc> dcterms:issued "2019-03-07"^^xsd:date ; '
                      f'dcterms:publisher <{BASE}id/organisation/valtiovarainministerio>')
    assert ask(store, f'<{BASE}id/initiative/kommunernas-digitaliseringsvecka-2022> a kd:Event ; '
                      f'schema:startDate "2022-06-06"^^xsd:date ; schema:endDate "2022-06-10"^^xsd:date')
    figures = select(store, """SELECT ?measure ?value ?qualifier ?date ?subject WHERE {
        ?f a kd:StatedFigure ; kd:measure ?measure ; schema:value ?value ; kd:valueQualifier ?qualifier ;
           dcterms:subject ?subject OPTIONAL { ?f dcterms:date ?date } } ORDER BY ?measure""")
    assert ("population", "5631879", "exact", "2022-01-17",
            "http://publications.europa.eu/resource/authority/country/FIN") in figures
    assert ("municipalities", "309", "exact", "2022-01-17",
            "http://publications.europa.eu/resource/authority/country/FIN") in figures
    assert ("participating-municipalities", "60", "more-than", "2019-03-07",
            f"{BASE}id/project/digikommunforsoket") in figures


def test_the_eif_layers_are_a_scheme_with_the_page_notes(built):
    store = built.store
    rows = select(store, """SELECT ?c ?first WHERE { ?c skos:inScheme kd:interoperabilityLayers ;
        skos:note ?n ; prov:qualifiedDerivation/kd:firstLine ?first } ORDER BY ?first""")
    assert [(c.rsplit("/", 1)[1], f) for c, f in rows] == [
        ("semantic", "129"), ("technical", "131"), ("legal", "133"), ("organisational", "135")]


def test_every_project_has_a_theme_traceable_to_its_rule_and_words(built):
    store = built.store
    without = select(store, """SELECT ?p WHERE { ?p a kd:Project
        FILTER NOT EXISTS { ?p dcterms:subject ?theme } }""")
    assert without == [] and built.themes["projects_without_theme"] == []
    assert ask(store, f"""<{BASE}id/project/kuntien-evaka> kd:themeAssignment ?a .
        ?a kd:assignedTheme <{BASE}id/theme/kasvatus-ja-koulutus> ; kd:assignedBy ?rule ; kd:matchedText ?words .
        ?rule kd:pattern ?pattern""")
    entry = next(e for e in built.themes["assigned"] if e["resource"] == f"{BASE}id/project/kuntien-evaka")
    assert any("004_f0ab20c46da3f21c.txt:" in w for t in entry["themes"] for w in t["words"])


def test_every_own_term_concept_and_the_programme_has_labels_in_three_languages(built):
    store = built.store
    missing = select(store, f"""SELECT DISTINCT ?x ?lang WHERE {{
        {{ ?x a owl:Class }} UNION {{ ?x a owl:ObjectProperty }} UNION {{ ?x a owl:DatatypeProperty }}
        UNION {{ ?x a skos:ConceptScheme }} UNION {{ ?x a skos:Concept }}
        UNION {{ BIND(<{BASE}id/programme/kuntien-digitalisaation-kannustinjarjestelma> AS ?x) }}
        FILTER(STRSTARTS(STR(?x), "{BASE}"))
        VALUES ?lang {{ "fi" "sv" "en" }}
        FILTER NOT EXISTS {{ ?x rdfs:label|skos:prefLabel ?l FILTER(LANG(?l) = ?lang) }} }}""")
    assert missing == []
    assert len(select(store, f"SELECT ?x WHERE {{ ?x a owl:Class FILTER(STRSTARTS(STR(?x), '{BASE}')) }}")) == 13


def test_the_gate_passes_with_no_violation(built, settings):
    outcome = gate(built, settings)
    assert outcome.counts["Violation"] == 0, outcome.text()


def test_report_parts_and_summary(built):
    parts = built.report_parts()
    summary = parts["summary"]
    assert summary["catalogue_projects"] == 142
    assert summary["merged_resources"] >= 6
    assert summary["themes_per_resource"]["min"] >= 0
    assert parts["themes"]["rules_version"]
    assert any(p["resource"] == "person/elisa-kettunen" for p in parts["merges"]["persons"])


def test_two_runs_give_the_same_triples_apart_from_the_build_time(settings, built):
    again = run_pipeline(settings)

    def triples(store: Store) -> set[str]:
        return {str(q.triple) for q in store if "startedAtTime" not in str(q.predicate)}

    assert triples(again.store) == triples(built.store)


def test_withheld_person_names_leave_organisations_only(settings):
    result = run_pipeline(replace(settings, publish_person_names=False))
    store = result.store
    assert not ask(store, "?p a vcard:Individual")
    assert not ask(store, '?x ?y "Minna Lindberg"')
    assert ask(store, f"<{BASE}id/document/001-8fb987d07fdeb88a> schema:author <{BASE}id/organisation/suomen-kuntaliitto>")
    assert ask(store, f"<{BASE}id/project/digione> dcat:contactPoint <{BASE}id/organisation/suomen-kuntaliitto>")
