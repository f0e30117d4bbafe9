"""publisher.shacl.bounds: nesting and entity bounds checked before a parser sees a byte."""
from __future__ import annotations

import pytest

from publisher.shacl import INPUT_FORMATS, InputTooLarge, ReadLimits, UnreadableInput, parse_bytes
from publisher.shacl.bounds import InputRefused, check_jsonld, check_rdfxml, check_turtle

def nested(depth: int, opening: str, closing: str, inner: str = "1") -> bytes:
    return (opening * depth + inner + closing * depth).encode()


TURTLE_S_P = "<http://e/s> <http://e/p> "


@pytest.mark.parametrize("syntax,opening,closing", [
    ("turtle", "[ <http://e/p> ", " ]"), ("turtle", "( ", " )"),
    ("trig", "( ", " )"), ("turtle", "<<( <http://e/a> <http://e/b> ", " )>>"),
    ("ntriples", "<<( <http://e/a> <http://e/b> ", " )>>"),
    ("nquads", "<<( <http://e/a> <http://e/b> ", " )>>"),
])
def test_turtle_family_nesting_is_read_to_the_limit_and_refused_past_it(syntax, opening,
                                                                        closing) -> None:
    fmt, limits = INPUT_FORMATS[syntax], ReadLimits(max_depth=4)
    head = "<http://e/g> { " if syntax == "trig" else ""
    tail = " . }" if syntax == "trig" else (" <http://e/g> .\n" if syntax == "nquads" else " .\n")
    fits = (head + TURTLE_S_P).encode() + nested(4, opening, closing, "<http://e/o>") + tail.encode()
    check_turtle(fits, "fits", 4)
    if "<<" not in opening:                       # triple terms are refused after parsing
        assert parse_bytes(fits, "fits", fmt, limits).triples
    deeper = (head + "\n" + TURTLE_S_P).encode() + nested(5, opening, closing, "<http://e/o>") + tail.encode()
    with pytest.raises(UnreadableInput) as caught:
        parse_bytes(deeper, "deeper", fmt, limits)
    assert str(caught.value).startswith("deeper:2: [ ], ( ), << >> and {| |} nest more than 4 deep")
    assert "(limits.parse_max_depth)" in str(caught.value) and caught.value.line == 2


@pytest.mark.parametrize("text", [
    '"[[[[ (((("', "'[[[[ (((('", '"""[[[[\n" ""((((\n"""', "'''[[[[ \n (((('''",
    '"\\"[[[[ (((("', "<http://e/[[[[((((>", "<http://e/\\u0041[[[[>", "# [[[[ ((((\n1",
    "<http://e/a#[[[[>", '"<<( <<( <<( [[["',
])
def test_brackets_in_strings_iris_and_comments_do_not_count(text: str) -> None:
    check_turtle(text.encode(), "x.ttl", 2)


@pytest.mark.parametrize("text", [
    '"a\\\\" [ [ [', "ex:a\\# [ [ [", "ex:a\\( [ [ [", "'x' [ [ [", '"""a""""" [ [ [',
    "<http://e/a> [ [ [ # ]]] \n", "<< << <<", "{| {| {|", '"open\n[ [ [',
])
def test_what_ends_a_string_or_escapes_a_name_cannot_hide_nesting(text: str) -> None:
    with pytest.raises(InputRefused, match="nest more than 2 deep"):
        check_turtle(text.encode(), "x.ttl", 2)


def test_json_ld_nesting_skips_strings_with_their_escapes() -> None:
    check_jsonld(b'{"a": "x\\"[[[{{{", "b": ["[[[", "\\u005b"], "c": {"d": 1}}', "x", 2)
    with pytest.raises(InputRefused, match="JSON objects and arrays nest more than 2 deep"):
        check_jsonld(b'{"a": "\\\\", "b": [[1]]}', "x", 2)     # the string is one backslash
    deep = b'{"@id": "http://e/s",\n"http://e/p":' + nested(200, '{"http://e/p": ', "}", '"x"') + b"}"
    with pytest.raises(UnreadableInput) as caught:
        parse_bytes(deep, "deep.jsonld", INPUT_FORMATS["jsonld"])
    assert str(caught.value).startswith("deep.jsonld:2: JSON objects and arrays nest more than "
                                        "128 deep") and caught.value.line == 2


RDF_OPEN = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="http://example.test/">')


def rdfxml(doctype: str, body: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{doctype}\n]>\n{RDF_OPEN}\n{body}\n'
            "</rdf:RDF>\n").encode()


def test_rdf_xml_internal_entities_as_protege_writes_them_are_read() -> None:
    data = rdfxml('<!ENTITY owl "http://www.w3.org/2002/07/owl#" >\n'
                  '<!ENTITY ex "http://example.test/&amp;x&#47;" >',
                  '<rdf:Description rdf:about="&ex;a"><rdf:type rdf:resource="&owl;Class"/>'
                  "<ex:p><![CDATA[<x><y>]]></ex:p></rdf:Description><!-- &ex; <a><b><c> -->")
    triples = parse_bytes(data, "onto.owl", INPUT_FORMATS["rdfxml"], ReadLimits(max_depth=3)).triples
    assert [(t.subject.value, t.object.value) for t in triples] == [
        ("http://example.test/&x/a", "http://www.w3.org/2002/07/owl#Class"),
        ("http://example.test/&x/a", "<x><y>")]


@pytest.mark.parametrize("doctype,words", [
    ('<!ENTITY a "x">\n<!ENTITY b "&a;&a;">', "the value of the entity 'b' refers to the entity 'a'"),
    ('<!ENTITY a "x">\n<!ENTITY b "&#38;a;">', "has a character reference to '&'"),
    ('<!ENTITY a "x">\n<!ENTITY b "&#x3C;ex:p/>">', "has a character reference to '<'"),
    ('<!ENTITY a "x">\n<!ENTITY b \'<ex:p/>\'>', "contains a bare '&' or '<'"),
    ('<!ENTITY a "x">\n<!ENTITY b SYSTEM "file:///etc/passwd">', "the entity 'b' is external"),
    ('<!ENTITY a "x">\n<!ENTITY b PUBLIC "-//x" "http://127.0.0.1/x">', "the entity 'b' is external"),
    ('<!ENTITY a "x">\n<!ENTITY % b "y">', "parameter entities (<!ENTITY % …>) are not accepted"),
    ('<!ENTITY a "x">\n<!ENTITY%b "y">', "parameter entities (<!ENTITY % …>) are not accepted"),
    ('<!ENTITY a "x">\n<!-- <!ENTITY b "&a;&a;"> -->', "the value of the entity 'b' refers to "
                                                     "the entity 'a'"),
    ('<!ENTITY a "x">\n<?pi <!ENTITY b "&a;&a;"> ?>', "the value of the entity 'b' refers to "
                                                    "the entity 'a'"),
    ('<!ENTITY a "x">\n<!ENTITY b "%c;">', "refers to the parameter entity '%c;'"),
])
def test_rdf_xml_entities_that_could_grow_or_reach_out_are_refused(doctype: str, words: str) -> None:
    with pytest.raises(UnreadableInput) as caught:
        parse_bytes(rdfxml(doctype, "<ex:x/>"), "e.rdf", INPUT_FORMATS["rdfxml"])
    assert str(caught.value).startswith("e.rdf:4: ") and words in str(caught.value)
    assert 'such as <!ENTITY owl "http://www.w3.org/2002/07/owl#">' in str(caught.value)


def test_a_quote_in_a_doctype_comment_cannot_hide_elements_from_the_depth_scan() -> None:
    body = '<rdf:Description rdf:about="http://e/s">' + "<ex:p><rdf:Description>" * 3 \
        + "</rdf:Description></ex:p>" * 3 + "</rdf:Description>"
    with pytest.raises(InputRefused, match="XML elements nest more than 5 deep"):
        check_rdfxml(rdfxml('<!ENTITY a "x"> <!-- " -->', body), "x.rdf", 5, 10_000)


def test_an_external_dtd_and_a_second_doctype_are_refused() -> None:
    external = (f'<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1/x.dtd">\n{RDF_OPEN}</rdf:RDF>').encode()
    with pytest.raises(InputRefused, match="names an external DTD"):
        check_rdfxml(external, "x.rdf", 128, 10_000)
    twice = rdfxml('<!ENTITY a "x">', '<!DOCTYPE y [ <!ENTITY b "y"> ]>')
    with pytest.raises(InputRefused, match="a second DOCTYPE"):
        check_rdfxml(twice, "x.rdf", 128, 10_000)


def test_rdf_xml_entity_expansion_is_bounded_by_the_size_limit() -> None:
    doctype = '<!ENTITY big "' + "y" * 100 + '">'
    fits = rdfxml(doctype, '<rdf:Description rdf:about="http://e/s"><ex:p>' + "&big;" * 40
                  + "</ex:p></rdf:Description>")
    assert len(parse_bytes(fits, "x.rdf", INPUT_FORMATS["rdfxml"],
                           ReadLimits(max_bytes=len(fits) + 40 * 95)).triples[0].object.value) == 4000
    with pytest.raises(InputTooLarge) as caught:
        parse_bytes(fits, "x.rdf", INPUT_FORMATS["rdfxml"], ReadLimits(max_bytes=len(fits) + 40 * 95 - 1))
    assert f"40 entity references would expand the document to {len(fits) + 40 * 95:,} bytes" \
        in str(caught.value)


def test_rdf_xml_element_depth_is_capped_and_empty_elements_do_not_count() -> None:
    body = ('<rdf:Description rdf:about="http://e/s">' + "<ex:p><rdf:Description>" * 2
            + '<ex:q a=">" b=\'/>\'/><ex:r/>' + "</rdf:Description></ex:p>" * 2 + "</rdf:Description>")
    check_rdfxml(rdfxml("", body), "x.rdf", 6, 10_000)
    with pytest.raises(InputRefused, match="XML elements nest more than 5 deep") as caught:
        check_rdfxml(rdfxml("", body), "x.rdf", 5, 10_000)
    assert caught.value.line == 6


def test_a_refusal_says_when_the_content_is_another_syntax() -> None:
    deep = b'{"a": ' + nested(200, "[", "]") + b"}"
    with pytest.raises(UnreadableInput, match="The content looks like JSON-LD, not Turtle"):
        parse_bytes(deep, "data.ttl", INPUT_FORMATS["turtle"])
