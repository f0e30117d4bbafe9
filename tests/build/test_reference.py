"""The reference resources as records for reference.mapping.toml: a source text's title and
publisher, and the code lists."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from publisher.build.mapping import load_mapping
from publisher.build.prepare.organisations import OrganisationRegistry
from publisher.build.reference import (MAPPING_FILE, codelist_names, codelist_records,
                                       source_text_record)
from publisher.config import PROJECT_ROOT, Source, load_settings

BASE = "https://example.test/"
MAPPINGS = PROJECT_ROOT / "mappings"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
G = NamedNode(BASE + "graph/doc")


def mapped(record: dict) -> set[tuple[str, object]]:
    mapping = load_mapping(MAPPINGS / MAPPING_FILE, BASE)
    return {(q.predicate.value, q.object) for q in mapping.quads(record, G, {})}


def test_a_source_text_is_titled_by_the_registry_else_the_page_else_its_first_line() -> None:
    registry = OrganisationRegistry.load(MAPPINGS / "organisations.toml")
    lines = ["", "  Ensimmäinen rivi ", "toinen"]
    page = [{"type": "document", "title": "Sidans rubrik"}]
    source = Source(Path("x/001_a.txt"), "page", language="sv")
    assert source_text_record("001-a", source, lines, page, registry)["title"] == "Sidans rubrik"
    assert source_text_record("001-a", source, lines, [], registry)["title"] == "Ensimmäinen rivi"
    assert source_text_record("001-a", source, [], [], registry)["title"] == "001-a"
    titled = replace(source, title="Rekisterin nimi")
    assert source_text_record("001-a", titled, lines, page, registry)["title"] == "Rekisterin nimi"


def test_a_source_texts_publisher_is_an_organisation_we_know_or_its_name() -> None:
    registry = OrganisationRegistry.load(MAPPINGS / "organisations.toml")
    known = Source(Path("004_b.txt"), "catalogue", publisher="Valtiovarainministeriö")
    triples = mapped(source_text_record("004-b", known, ["a", "b"], [], registry))
    assert (DCTERMS + "publisher", NamedNode(BASE + "id/organisation/valtiovarainministerio")) in triples
    assert (DCTERMS + "extent", Literal("2 lines")) in triples
    assert (DCTERMS + "title", Literal("a", language="fi")) in triples
    unknown = replace(known, publisher="Tuntematon Oy")
    triples = mapped(source_text_record("004-b", unknown, ["a"], [], registry))
    assert (DCTERMS + "publisher", Literal("Tuntematon Oy")) in triples
    assert not [o for p, o in triples if p == DCTERMS + "publisher" and isinstance(o, NamedNode)]


def test_the_code_lists_give_every_region_and_municipality() -> None:
    settings = replace(load_settings(environ={}), base_uri=BASE)
    records = codelist_records(settings)
    regions = [r for r in records if r["type"] == "region"]
    municipalities = [r for r in records if r["type"] == "municipality"]
    assert len(municipalities) == 309 and len(regions) == 19
    helsinki = next(r for r in municipalities if r["code"] == "091")
    triples = mapped(helsinki)
    code = NamedNode(settings.municipality_codelist + "/code/091")
    assert ("http://www.w3.org/2004/02/skos/core#prefLabel", Literal("Helsingfors", language="sv")) in triples
    assert (BASE + "def/municipalityCode", code) in triples
    assert (BASE + "def/region", NamedNode(settings.region_codelist + "/code/01")) in triples


def test_every_municipality_and_region_is_named_in_english_without_a_fallback() -> None:
    """The code lists name each place @en (a municipality by its Finnish name, as Finnish code
    lists do where there is no English name), so English queries and pages find a name."""
    settings = replace(load_settings(environ={}), base_uri=BASE)
    records = codelist_records(settings)
    for record in records:
        names = {n["language"]: n["text"] for n in record["names"]}
        assert set(names) == {"fi", "sv", "en"} and all(names.values()), record
        if record["type"] == "municipality":
            assert names["en"] == names["fi"], record
    pedersore = next(r for r in records if r["type"] == "municipality" and r["code"] == "599")
    assert {n["language"]: n["text"] for n in pedersore["names"]}["en"] == "Pedersören kunta"
    southwest = next(r for r in records if r["type"] == "region" and r["code"] == "02")
    assert {"text": "Southwest Finland", "language": "en"} in southwest["names"]  # its own
    helsinki = next(r for r in records if r["type"] == "municipality" and r["code"] == "091")
    mapping = load_mapping(MAPPINGS / MAPPING_FILE, BASE)
    quads = list(mapping.quads(helsinki, G, {}))
    english = Literal("Helsinki", language="en")
    labelled = {(q.subject.value, q.predicate.value) for q in quads if q.object == english}
    code = settings.municipality_codelist + "/code/091"
    assert labelled == {(BASE + "id/organisation/091", SKOS + "prefLabel"),
                        (BASE + "id/organisation/091", RDFS + "label"),
                        (code, SKOS + "prefLabel")}


def test_a_table_row_without_an_english_name_takes_the_finnish_one() -> None:
    assert codelist_names({"name_fi": "Koski Tl", "name_sv": "Koskis"}) == [
        {"text": "Koski Tl", "language": "fi"}, {"text": "Koskis", "language": "sv"},
        {"text": "Koski Tl", "language": "en"}]
    assert codelist_names({"name_fi": "Lappi", "name_sv": "", "name_en": "Lapland"}) == [
        {"text": "Lappi", "language": "fi"}, {"text": "Lapland", "language": "en"}]
