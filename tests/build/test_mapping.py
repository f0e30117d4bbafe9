"""The declarative mapping: its interpreter on small mapping files, and the real catalogue
mapping on a hand-written record."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Store

from publisher.config import PROJECT_ROOT
from publisher.build.mapping import MappingError, load_mapping
from publisher.build.prepare.catalogue import prepare_record
from publisher.build.prepare.context import DocumentContext

BASE = "https://example.test/"
G = NamedNode(BASE + "graph/doc")
KD = BASE + "def/"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused_when_read(tmp_path: Path, text: str, match: str) -> None:
    """Reading the mapping ``text`` fails with a MappingError matching ``match``."""
    path = write(tmp_path, text)
    with pytest.raises(MappingError, match=match):
        load_mapping(path, BASE)


def test_literal_iri_each_and_node(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, """
[prefixes]
ex = "{base}def/"
[record]
root = "thing"
[nodes.thing]
iri = "{base}id/thing/{key}"
classes = ["ex:Thing"]
properties = [
  { predicate = "ex:name", value = "{name}", language = "{lang}" },
  { predicate = "ex:n", value = "{n}", datatype = "ex:int" },
  { predicate = "ex:tag", value = "{.}", each = "tags" },
  { predicate = "ex:part", node = "part", each = "parts" },
  { predicate = "ex:secret", value = "{name}", when = "settings.show" },
]
[nodes.part]
iri = "{base}id/thing/{key}#part-{i}"
properties = [ { predicate = "ex:label", value = "{label}" } ]
"""), BASE)
    record = {"key": "a", "name": "Nimi", "lang": "fi", "n": 3, "tags": ["x", "y"],
              "parts": [{"i": 1, "label": "one"}, {"i": 2, "label": None}]}
    quads = set(mapping.quads(record, G, {"show": False}))
    s = NamedNode(BASE + "id/thing/a")
    assert (s, NamedNode(KD + "name"), Literal("Nimi", language="fi")) in {
        (q.subject, q.predicate, q.object) for q in quads}
    objects = {q.object for q in quads if q.predicate == NamedNode(KD + "tag")}
    assert objects == {Literal("x"), Literal("y")}
    parts = {q.object for q in quads if q.predicate == NamedNode(KD + "part")}
    assert parts == {NamedNode(BASE + "id/thing/a#part-1"), NamedNode(BASE + "id/thing/a#part-2")}
    # an empty value makes no triple; the part inherits {key} from the record
    labels = [q for q in quads if q.predicate == NamedNode(KD + "label")]
    assert len(labels) == 1
    assert not [q for q in quads if q.predicate == NamedNode(KD + "secret")]
    assert [q for q in mapping.quads(record, G, {"show": True})
            if q.predicate == NamedNode(KD + "secret")]


def test_unknown_prefix_names_file_and_node(tmp_path: Path) -> None:
    refused_when_read(tmp_path, """
[nodes.thing]
iri = "{base}x"
properties = [ { predicate = "nope:p", value = "{a}" } ]
""", r"m.toml: \[nodes.thing\] property 1: unknown prefix")


def test_the_publishers_prefixes_need_no_declaration(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, """
[nodes.thing]
iri = "{base}id/thing/{key}"
classes = ["kd:Project"]
properties = [ { predicate = "schema:funding", iri = "{base}id/programme/p" } ]
"""), BASE)
    assert {(q.predicate.value, q.object.value) for q in mapping.quads({"key": "a"}, G, {})} == {
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", KD + "Project"),
        ("http://schema.org/funding", BASE + "id/programme/p")}


def test_a_file_may_not_declare_one_of_the_publishers_prefixes_again(tmp_path: Path) -> None:
    refused_when_read(tmp_path, """
[prefixes]
dcterms = "http://purl.org/dc/terms/"
[nodes.thing]
iri = "{base}x"
""", r"m.toml: \[prefixes\] dcterms: the publisher already defines it")


def test_no_mapping_file_repeats_the_prefix_table() -> None:
    for path in (PROJECT_ROOT / "mappings").glob("*.mapping.toml"):
        assert "prefixes" not in tomllib.loads(path.read_text(encoding="utf-8")), path.name


def test_unknown_node_reference(tmp_path: Path) -> None:
    refused_when_read(tmp_path, """
[prefixes]
ex = "http://e/"
[nodes.thing]
iri = "{base}x"
properties = [ { predicate = "ex:p", node = "missing" } ]
""", "no node named 'missing'")


RECORD = {
    "title": "Kuntien eVaka", "number": 2, "language": "fi", "ended": False,
    "key": "kuntien-evaka",
    "lead_organisation": {"name": "Espoo", "code": "049"},
    "partner_municipalities": [{"name": "Tampere", "code": "837"}],
    "partner_organisations": ["Kuusiokuntien sosiaali- ja terveyskuntayhtymä, KuusSote"],
    "contacts": [{"name": "Meri Vainio", "organisation": "Espoo", "code": "049"}],
    "urls": ["www.lampio.fi"], "emails": ["info@example.fi"],
    "description": [{"type": "paragraph", "text": "Eka kappale."},
                    {"type": "list", "ordered": False, "items": ["yksi", "kaksi"]}],
    "sections": [{"heading": "Mikä muuttuu?", "items": [
        {"type": "list", "ordered": False, "items": ["a", "b"]}]}],
    "source": {"document": "004.txt", "first_line": 2, "last_line": 3},
}


def mapped(record: dict, person_names: bool = True) -> Store:
    mapping = load_mapping(PROJECT_ROOT / "mappings" / "catalogue.mapping.toml", BASE)
    prepared = prepare_record(record, DocumentContext("doc", ["l1", "l2", "l3"], "b1"))
    store = Store()
    store.extend(mapping.quads(prepared, G, {"publish_person_names": person_names}))
    return store


def ask(store: Store, where: str) -> bool:
    prefixes = (f"PREFIX kd: <{KD}> PREFIX dcterms: <http://purl.org/dc/terms/> "
                "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcat: <http://www.w3.org/ns/dcat#> "
                "PREFIX vcard: <http://www.w3.org/2006/vcard/ns#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> ")
    return bool(store.query(prefixes + "ASK { GRAPH ?g {" + where + "} }"))


def test_catalogue_mapping_on_a_record() -> None:
    store = mapped(RECORD)
    p = f"<{BASE}id/project/kuntien-evaka>"
    assert ask(store, f'{p} a kd:Project ; dcterms:title "Kuntien eVaka"@fi ; kd:catalogueNumber 2')
    assert ask(store, f"{p} kd:status <{BASE}id/status/ongoing>")
    assert ask(store, f"{p} kd:leadOrganisation <{BASE}id/organisation/049>")
    assert ask(store, f"{p} kd:partnerMunicipality <{BASE}id/organisation/837>")
    assert ask(store, f"{p} kd:partnerOrganisation ?o . ?o a <http://www.w3.org/ns/org#Organization>")
    assert ask(store, f"{p} dcat:contactPoint <{BASE}id/person/meri-vainio> . "
                      f'<{BASE}id/person/meri-vainio> vcard:fn "Meri Vainio"')
    assert ask(store, f"{p} dcat:contactPoint ?c . ?c vcard:hasEmail <mailto:info@example.fi>")
    assert ask(store, f"{p} foaf:page <https://www.lampio.fi>")
    assert ask(store, f'{p} dcterms:description "Eka kappale.\\n\\n- yksi\\n- kaksi"@fi')
    assert ask(store, f'{p} kd:section ?s . ?s dcterms:title "Mikä muuttuu?"@fi ; kd:order 1')
    assert ask(store, f"{p} prov:wasDerivedFrom <{BASE}id/document/doc> ; "
                      f"prov:qualifiedDerivation ?d . ?d kd:firstLine 2 ; kd:lastLine 3 ; "
                      f'kd:sourceText "l2\\nl3"')


def test_an_address_named_without_a_scheme_is_a_reference_not_a_page() -> None:
    record = dict(RECORD, urls=["https://stat.fi"],
                  urls_without_scheme=["https://sipoo.fi", "https://stat.fi"])
    store = mapped(record)
    p = f"<{BASE}id/project/kuntien-evaka>"
    assert ask(store, f"{p} dcterms:references <https://sipoo.fi>")
    assert not ask(store, f"{p} foaf:page <https://sipoo.fi>")
    # written in full too: the project's page, not also a reference
    assert ask(store, f"{p} foaf:page <https://stat.fi>")
    assert not ask(store, f"{p} dcterms:references <https://stat.fi>")
    # a record without the field (extracted before it existed) maps as before
    assert not ask(mapped(RECORD), f"{p} dcterms:references ?r")


def test_person_names_can_be_withheld() -> None:
    store = mapped(RECORD, person_names=False)
    assert not ask(store, "?p a vcard:Individual")
    assert not ask(store, '?x ?y "Meri Vainio"')
    assert ask(store, f"?p dcat:contactPoint <{BASE}id/organisation/049>")


def test_untitled_ended_record_gets_label_and_status() -> None:
    record = dict(RECORD, title=None, number=None, ended=True, key="espoo-eka-kappale")
    store = mapped(record)
    p = f"<{BASE}id/project/espoo-eka-kappale>"
    assert ask(store, f"{p} kd:status <{BASE}id/status/ended>")
    assert not ask(store, f"{p} dcterms:title ?t")
    assert ask(store, f'{p} <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(STRSTARTS(?l, "Espoo:"))')


def test_record_types_choose_root_and_emits_and_unless_skips(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, """
[prefixes]
ex = "{base}def/"
[record]
type_field = "type"
[records.person]
root = "person"
[records.thing]
root = "thing"
emit = [ { node = "note", each = "notes" } ]
[nodes.person]
iri = "{base}id/person/{key}"
classes = ["ex:Person"]
[nodes.thing]
iri = "{base}id/thing/{key}"
properties = [ { predicate = "ex:primary", value = "yes", unless = "secondary" } ]
[nodes.note]
iri = "{base}id/thing/{key}#note-{n}"
properties = [ { predicate = "ex:text", value = "{text}" } ]
"""), BASE)
    person = set(mapping.quads({"type": "person", "key": "p"}, G, {}))
    assert {q.object for q in person} == {NamedNode(KD + "Person")}
    thing = list(mapping.quads({"type": "thing", "key": "t", "secondary": False,
                                "notes": [{"n": 1, "text": "a"}]}, G, {}))
    assert [q.predicate for q in thing] == [NamedNode(KD + "primary"), NamedNode(KD + "text")]
    secondary = list(mapping.quads({"type": "thing", "key": "t", "secondary": True}, G, {}))
    assert secondary == []
    with pytest.raises(MappingError, match=r"no \[records.other\]"):
        list(mapping.quads({"type": "other", "key": "x"}, G, {}))


def test_record_types_need_a_type_field(tmp_path: Path) -> None:
    refused_when_read(tmp_path, """
[records.thing]
root = "thing"
[nodes.thing]
iri = "{base}x"
""", "type_field")


def test_node_level_when_skips_the_node_and_links_to_it(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, """
[prefixes]
ex = "{base}def/"
[nodes.thing]
iri = "{base}id/thing/{key}"
properties = [ { predicate = "ex:who", node = "person" } ]
[nodes.person]
iri = "{base}id/person/{name}"
when = "settings.names"
classes = ["ex:Person"]
"""), BASE)
    record = {"key": "t", "name": "p"}
    assert not list(mapping.quads(record, G, {"names": False}))
    assert len(list(mapping.quads(record, G, {"names": True}))) == 2


def test_statements_as_text_equal_what_pyoxigraph_writes() -> None:
    """The mapping writes N-Triples itself; every literal and IRI must read back exactly and be
    written in pyoxigraph's own canonical form (the dumps compare lines as bytes)."""
    import random

    from pyoxigraph import RdfFormat, Triple, parse, serialize

    from publisher.build.mapping import iri_text, literal_text

    alphabet = "aäöå Z\"\\\n\r\t\b\f\x00\x01\x1f\x7f\u2028\ufeff€😀<>{}"
    rng = random.Random(11)
    s, p = NamedNode("http://e.test/s"), NamedNode("http://e.test/p")
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        line = f"{iri_text(s.value)} {iri_text(p.value)} {literal_text(text)} ."
        assert [q.triple for q in parse(line.encode(), format=RdfFormat.N_TRIPLES)] == [
            Triple(s, p, Literal(text))]
        assert serialize([Triple(s, p, Literal(text))], format=RdfFormat.N_TRIPLES).decode() == line + "\n"
    for iri in ("https://data.example/id/project/a-b#section-2", "mailto:x@y.fi",
                "http://a.test:8080/x?y=1&z=%C3%A4", "https://a.test/ä"):
        assert iri_text(iri) == str(NamedNode(iri))
    for bad in ("http://a.test/b c", "http://a.test/[x]", "http://a.test/%zz", "no scheme"):
        with pytest.raises(ValueError):
            iri_text(bad)


def test_a_bad_iri_or_language_names_the_mapping_node(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, """
[prefixes]
ex = "http://e.test/"
[nodes.thing]
iri = "{base}id/{key}"
properties = [ { predicate = "ex:page", iri = "{url}" },
               { predicate = "ex:name", value = "{name}", language = "{lang}" } ]
"""), BASE)
    with pytest.raises(MappingError, match=r"m.toml: \[nodes.thing\] <http://e.test/page>: .*code point"):
        list(mapping.quads({"key": "a", "url": "http://x.test/a b"}, G, {}))
    with pytest.raises(MappingError, match="'f i' is not a language tag"):
        list(mapping.quads({"key": "a", "name": "n", "lang": "f i"}, G, {}))
    quads = list(mapping.quads({"key": "a", "name": "n", "lang": "FI"}, G, {}))
    assert quads[0].object == Literal("n", language="fi")


def test_a_constant_iri_that_is_not_one_is_refused_when_the_mapping_is_read(tmp_path: Path) -> None:
    refused_when_read(tmp_path, """
[prefixes]
ex = "http://e.test/"
[nodes.thing]
iri = "{base}id/{key}"
properties = [ { predicate = "ex:kind", iri = "{base}id/kind/not valid" } ]
""", r"m.toml: \[nodes.thing\] property 1: .*code point")
