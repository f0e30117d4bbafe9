"""publisher.shacl.validation: profiles, reading any RDF syntax with bounded memory and errors that
name the place, a steward's own shapes, the report (grouped, counted, in fi/sv/en, as text,
HTML, JSON, Turtle, JSON-LD), and our own release passing every profile."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef

from publisher.config import load_settings
from publisher.shacl.validation import (INPUT_FORMATS, InputTooLarge, ReadLimits, UnreadableInput,
                                format_for_name,
                                ValidationOutcome, ValidationResult, report_results, input_format,
                                load_profiles, parse_bytes, profile_shapes, read_path,
                                shapes_graph, sniff, to_rdflib, validate_files, validate_graph)
from publisher.shacl.input_bounds import InputRefused, check_jsonld, check_rdfxml, check_turtle
from tests.shacl.validation.expected import expected, fixture, found

SKOS = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.test/a> a skos:Concept ; skos:inScheme <http://example.test/s> ;
    skos:prefLabel "A"@fi , "A"@sv , "A"@en ; skos:definition "d"@fi , "d"@sv , "d"@en .
<http://example.test/s> a skos:ConceptScheme ; skos:prefLabel "S"@fi , "S"@sv , "S"@en .
"""

BAD_PROJECT = fixture("bad-project.ttl").read_text(encoding="utf-8")

OWN_SHAPES = fixture("notation-shapes.ttl").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def settings():
    return load_settings(environ={})


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# --------------------------------------------------------------------------- profiles


def test_every_profile_has_files_a_title_and_a_description_in_three_languages(settings) -> None:
    profiles = load_profiles(settings)
    assert list(profiles) == ["kuntadigi", "vocabulary", "dcat-ap-3"]
    for profile in profiles.values():
        assert all((settings.shapes_dir / name).is_file() for name in profile.files)
        for lang in ("fi", "sv", "en"):
            assert profile.titles[lang] and len(profile.descriptions[lang]) > 40
        assert len(set(profile.descriptions.values())) == 3      # really translated
        assert len(profile_shapes(settings, profile.name)) > 50


def test_an_unknown_profile_is_refused_with_the_choices(settings) -> None:
    with pytest.raises(UnreadableInput, match="choose from kuntadigi, vocabulary, dcat-ap-3"):
        shapes_graph(settings, ["qskos"])


def test_the_shapes_of_a_profile_follow_the_base_uri(settings) -> None:
    other = replace(settings, base_uri="https://data.example.fi/")
    subjects = {str(s) for s in profile_shapes(other, "kuntadigi").subjects()}
    assert any(s.startswith("https://data.example.fi/def/shapes/") for s in subjects)
    assert not any(s.startswith("https://data.kuntadigi.example/") for s in subjects)


# --------------------------------------------------------------------------- reading


SAME_DATA = {
    "turtle": SKOS,
    "ntriples": "<http://example.test/a> <http://www.w3.org/2004/02/skos/core#prefLabel> \"A\"@fi .\n",
    "rdfxml": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
              'xmlns:skos="http://www.w3.org/2004/02/skos/core#"><rdf:Description '
              'rdf:about="http://example.test/a"><skos:prefLabel xml:lang="fi">A</skos:prefLabel>'
              '</rdf:Description></rdf:RDF>\n',
    "jsonld": '{"@id": "http://example.test/a", "http://www.w3.org/2004/02/skos/core#prefLabel": '
              '{"@value": "A", "@language": "fi"}}',
    "trig": "<http://example.test/g> { <http://example.test/a> "
            "<http://www.w3.org/2004/02/skos/core#prefLabel> \"A\"@fi . }",
    "nquads": "<http://example.test/a> <http://www.w3.org/2004/02/skos/core#prefLabel> \"A\"@fi "
              "<http://example.test/g> .\n",
}


@pytest.mark.parametrize("name", sorted(INPUT_FORMATS))
def test_each_syntax_is_read_by_its_extension(tmp_path: Path, name: str) -> None:
    fmt = INPUT_FORMATS[name]
    parsed = read_path(write(tmp_path, "data" + fmt.suffixes[0], SAME_DATA[name]))
    assert parsed.format is fmt
    labels = {(t.subject.value, t.object.value) for t in parsed.triples
              if t.predicate.value.endswith("prefLabel")}
    assert ("http://example.test/a", "A") in labels


def test_format_names_of_rdflib_and_the_extension_are_understood() -> None:
    assert input_format("nt") is INPUT_FORMATS["ntriples"]
    assert input_format("json-ld") is INPUT_FORMATS["jsonld"]
    assert input_format("xml") is INPUT_FORMATS["rdfxml"]
    assert input_format(".ttl") is INPUT_FORMATS["turtle"]
    with pytest.raises(UnreadableInput, match="use one of turtle|ntriples"):
        input_format("csv")


def test_a_parse_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.ttl", '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n')
    with pytest.raises(UnreadableInput) as caught:
        read_path(path)
    assert (caught.value.line, caught.value.column) == (3, 11)
    assert f"{path}:3:11: not valid Turtle (line 3, column 11)" in str(caught.value)


@pytest.mark.parametrize("name,content,looks", [
    ("data.ttl", '{"@id": "http://e/a", "http://e/p": "x"}', "JSON-LD"),
    ("data.ttl", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
                 '22-rdf-syntax-ns#"/>', "RDF/XML"),
    ("data.jsonld", "@prefix ex: <http://e/> .\nex:a ex:b ex:c .", "Turtle"),
    ("data.nt", "@prefix ex: <http://e/> .\nex:a ex:b ex:c .", "Turtle"),
    ("data.ttl", "<!DOCTYPE html><html><body>Not found</body></html>", "HTML"),
])
def test_content_of_another_format_than_the_extension_says(tmp_path: Path, name: str,
                                                           content: str, looks: str) -> None:
    with pytest.raises(UnreadableInput) as caught:
        read_path(write(tmp_path, name, content))
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / name}:1:")
    assert f"The content looks like {looks}, not {format_for_name(name).label}" in message
    advice = "it is not RDF at all" if looks == "HTML" else "give its format as"
    assert advice in message


def test_sniffing_recognises_the_common_syntaxes() -> None:
    assert sniff(b'\xef\xbb\xbf  {"@context": {}}') == "jsonld"
    assert sniff(b"PREFIX ex: <http://e/>") == "turtle"
    assert sniff(b'<http://e/a> <http://e/b> "c" .\n') == "ntriples"
    assert sniff(b"\x1f\x8b\x08\x00") == "gzip"
    assert sniff(b"just words") is None


def test_empty_and_triple_less_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="the file is empty"):
        read_path(write(tmp_path, "empty.ttl", ""))
    with pytest.raises(UnreadableInput, match="the file is empty"):
        read_path(write(tmp_path, "blank.ttl", "\n  \n"))
    with pytest.raises(UnreadableInput, match="without a single triple"):
        read_path(write(tmp_path, "prefixes.ttl", "@prefix ex: <http://e/> .\n# nothing\n"))


def test_missing_files_directories_and_unknown_extensions(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="no such file"):
        read_path(tmp_path / "missing.ttl")
    (tmp_path / "folder.ttl").mkdir()
    with pytest.raises(UnreadableInput, match="not a file"):
        read_path(tmp_path / "folder.ttl")
    with pytest.raises(UnreadableInput, match="--input-format"):
        read_path(write(tmp_path, "data.xyz", SKOS))
    assert read_path(tmp_path / "data.xyz", "turtle").triples


def test_a_file_above_the_byte_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    with big.open("wb") as handle:       # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1000 * 1000)
    with pytest.raises(InputTooLarge, match=r"200\.0 MB, more than the 134 MB"):
        read_path(big)


def test_input_beyond_the_triple_limit_stops_the_parse(tmp_path: Path) -> None:
    blanks = "<http://e/a> <http://e/p> " + ", ".join(["[]"] * 5000) + " ."
    with pytest.raises(InputTooLarge, match="more than 1,000 triples"):
        parse_bytes(blanks.encode(), "blanks.ttl", INPUT_FORMATS["turtle"], ReadLimits(max_triples=1000))
    assert len(parse_bytes(blanks.encode(), "blanks.ttl", INPUT_FORMATS["turtle"]).triples) == 5000


def test_a_million_blank_nodes_are_refused_quickly_within_bounded_memory(tmp_path: Path) -> None:
    million = "<http://e/a> <http://e/p> " + ", ".join(["[]"] * 1_000_000) + " ."
    path = write(tmp_path, "million.ttl", million)
    with pytest.raises(InputTooLarge, match="more than 500,000 triples"):
        read_path(path)


def test_blank_nodes_nested_to_the_limit_are_read_and_validated(settings, tmp_path: Path) -> None:
    depth = settings.limits.parse_max_depth
    nested = ("<http://example.test/a> <http://example.test/p> "
              + "[ <http://example.test/p> " * depth + "1" + " ]" * depth + " .")
    outcome = validate_files([write(tmp_path, "nested.ttl", nested)], settings,
                             profiles=["vocabulary"])
    assert outcome.conforms and outcome.inputs == ((str(tmp_path / "nested.ttl"), depth + 1),)
    deeper = nested.replace("[", "[ [ <http://example.test/p> ", 1).replace("]", "] ]", 1)
    with pytest.raises(UnreadableInput, match="nest more than 128 deep"):
        validate_files([write(tmp_path, "deeper.ttl", deeper)], settings, profiles=["vocabulary"])


def test_a_remote_json_ld_context_is_never_fetched(tmp_path: Path) -> None:
    path = write(tmp_path, "remote.jsonld", '{"@context": "https://schema.org/", "@id": "http://e/a", '
                                            '"name": "x"}')
    with pytest.raises(UnreadableInput, match="remote @context, which is never fetched"):
        read_path(path)


def test_relative_iris_resolve_against_the_file_not_our_base(tmp_path: Path) -> None:
    parsed = read_path(write(tmp_path, "relative.ttl", "<#a> <#b> <c> ."))
    assert parsed.triples[0].subject.value == (tmp_path / "relative.ttl").as_uri() + "#a"


def test_to_rdflib_keeps_every_term() -> None:
    text = ('<http://e/a> <http://e/p> "x" , "y"@fi , "01"^^<http://www.w3.org/2001/XMLSchema#token> ,'
            ' _:b1 .\n_:b1 <http://e/p> <http://e/a> .\n')
    parsed = parse_bytes(text.encode(), "t.ttl", INPUT_FORMATS["turtle"])
    ours = to_rdflib(parsed.triples)
    theirs = Graph().parse(data=text, format="turtle")
    from rdflib.compare import isomorphic

    assert isomorphic(ours, theirs)


# --------------------------------------------------------------------------- bounds before parsing


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


# --------------------------------------------------------------------------- own shapes


def test_own_shapes_alone_when_no_profile_is_asked(settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    shapes = write(tmp_path, "my-shapes.ttl", OWN_SHAPES)
    outcome = validate_files([data], settings, shapes_files=[shapes], lang="fi")
    assert outcome.profiles == (str(shapes),)
    assert [(r.focus, r.path, r.message) for r in outcome.results] == [
        ("http://example.test/a", "skos:notation", "Käsitteeltä puuttuu koodi")]
    both = validate_files([data], settings, profiles=["vocabulary"], shapes_files=[shapes])
    assert both.profiles == ("vocabulary", str(shapes)) and len(both.violations) == 1


def test_own_shapes_that_do_not_parse_are_named_with_their_line(settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    shapes = write(tmp_path, "my-shapes.ttl", OWN_SHAPES.replace("sh:minCount 1 ;", "sh:minCount 1 ;;;\n ]]"))
    with pytest.raises(UnreadableInput) as caught:
        validate_files([data], settings, shapes_files=[shapes])
    assert caught.value.where == "shapes" and caught.value.line == 6
    assert str(caught.value).startswith(f"{shapes}:6:")


def test_own_shapes_that_define_nothing_or_reach_outside_are_refused(settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    nothing = write(tmp_path, "nothing.ttl", SKOS)
    with pytest.raises(UnreadableInput, match="defines no SHACL shape"):
        validate_files([data], settings, shapes_files=[nothing])
    service = OWN_SHAPES + """<http://example.test/shapes/NotationShape> sh:sparql [ sh:select
        "SELECT $this WHERE { SERVICE <http://10.0.0.1/sparql> { $this ?p ?o } }" ] ."""
    with pytest.raises(UnreadableInput, match="uses SERVICE; shapes may only query the data"):
        validate_files([data], settings, shapes_files=[write(tmp_path, "service.ttl", service)])
    words = OWN_SHAPES + """<http://example.test/shapes/NotationShape> sh:sparql [ sh:message "x" ;
        sh:select "SELECT $this ?from WHERE { $this ?p ?from FILTER(?from = 'SERVICE') }" ] ."""
    outcome = validate_files([data], settings, shapes_files=[write(tmp_path, "words.ttl", words)])
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
        settings, tmp_path: Path, constraint: str, words: str) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    shapes = write(tmp_path, "bad.ttl", "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                   "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                   "<http://example.test/shapes/Bad> a sh:NodeShape ; sh:targetClass skos:Concept ;\n"
                   f"  {constraint} .\n")
    with pytest.raises(UnreadableInput) as caught:
        validate_files([data], settings, shapes_files=[shapes])
    assert caught.value.where == "shapes" and str(caught.value).startswith(f"{shapes}: the shape ")
    assert words in str(caught.value)


def test_own_shapes_with_good_patterns_and_queries_still_run(settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    shapes = write(tmp_path, "good.ttl", OWN_SHAPES + """<http://example.test/shapes/NotationShape>
        sh:property [ sh:path skos:prefLabel ; sh:pattern "^[a-z]$" ; sh:flags "i" ] ;
        sh:sparql [ sh:message "no scheme" ; sh:select
            "SELECT $this WHERE { FILTER NOT EXISTS { $this skos:inScheme ?s } }" ;
            sh:prefixes [ sh:declare [ sh:prefix "skos" ;
                sh:namespace "http://www.w3.org/2004/02/skos/core#"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] ] ] .""")
    outcome = validate_files([data], settings, shapes_files=[shapes])
    assert len(outcome.violations) == 1           # the notation; the pattern and query pass


def test_ill_formed_own_shapes_are_refused_clearly(settings, tmp_path: Path) -> None:
    data = write(tmp_path, "concepts.ttl", SKOS)
    broken = OWN_SHAPES.replace("sh:minCount 1", 'sh:minCount "many"')
    with pytest.raises(UnreadableInput, match="the shapes cannot be used") as caught:
        validate_files([data], settings, shapes_files=[write(tmp_path, "broken.ttl", broken)])
    assert caught.value.where == "shapes"


# --------------------------------------------------------------------------- the report


def test_results_grouped_by_resource_with_path_value_counts_and_sources(settings, tmp_path: Path) -> None:
    outcome = validate_files([write(tmp_path, "bad.ttl", BAD_PROJECT)], settings)
    grouped = outcome.by_resource()
    project = "https://data.kuntadigi.example/id/project/x"
    assert list(grouped) == [project]
    rows = {(r.path, r.value) for r in grouped[project]}
    assert {("dcterms:identifier", '"Not A Key"'), ("kd:catalogueNumber", "0")} <= rows
    assert outcome.counts["Violation"] == len(outcome.violations) >= 3
    text = outcome.text()
    assert text.startswith(f"Does not conform: Violations {outcome.counts['Violation']} · Warnings")
    assert "lowercase ASCII" in text and "positive integer" in text


def test_a_blank_focus_node_is_named_by_the_resource_it_belongs_to(settings, tmp_path: Path) -> None:
    data = BAD_PROJECT + "<https://data.kuntadigi.example/id/project/x> kd:section [ a kd:Section ] .\n"
    outcome = validate_files([write(tmp_path, "section.ttl", data)], settings)
    labels = {r.focus_label for r in outcome.results if r.focus_label}
    assert labels == {"<https://data.kuntadigi.example/id/project/x> › kd:section"}


def test_our_data_reports_the_source_lines(settings, tmp_path: Path) -> None:
    data = BAD_PROJECT + """@prefix prov: <http://www.w3.org/ns/prov#> .
<https://data.kuntadigi.example/id/project/x> prov:qualifiedDerivation [
    prov:entity <https://data.kuntadigi.example/id/document/004-f0ab> ; kd:firstLine 12 ; kd:lastLine 19 ] .
"""
    outcome = validate_files([write(tmp_path, "sourced.ttl", data)], settings)
    assert outcome.sources["https://data.kuntadigi.example/id/project/x"] == "004-f0ab 12–19"
    assert "(Source: 004-f0ab 12–19)" in outcome.text()


def test_shapes_without_a_message_get_one_in_the_language_asked(settings) -> None:
    fi = validate_files([fixture("dcat-defects.ttl")], settings, profiles=["dcat-ap-3"], lang="fi")
    sv = validate_files([fixture("dcat-defects.ttl")], settings, profiles=["dcat-ap-3"], lang="sv")
    publisher_fi = next(r for r in fi.results if r.path == "dcterms:publisher")
    publisher_sv = next(r for r in sv.results if r.path == "dcterms:publisher")
    assert publisher_fi.message == "Vähintään 1 arvo(a) vaaditaan"
    assert publisher_sv.message == "Minst 1 värde(n) krävs"


def test_a_shape_message_in_english_only_follows_the_translated_component(settings, tmp_path: Path) -> None:
    outcome = validate_files([write(tmp_path, "bad.ttl", BAD_PROJECT)], settings, lang="sv")
    number = next(r for r in outcome.results if r.path == "kd:catalogueNumber")
    assert number.message == "Värdet måste vara minst 1 — The catalogue number is a positive integer"


def test_warnings_alone_conform() -> None:
    warning = ValidationResult("http://e/a", None, None, "Warning", "w", None)
    info = ValidationResult("http://e/a", None, None, "Info", "i", None)
    outcome = ValidationOutcome(True, [warning, info], Graph())
    assert outcome.conforms and outcome.counts == {"Violation": 0, "Warning": 1, "Info": 1}


def test_the_report_in_every_format_says_the_same(settings, tmp_path: Path) -> None:
    outcome = validate_files([fixture("skos-defects.ttl")], settings, profiles=["vocabulary"],
                             lang="fi")
    report = json.loads(outcome.render("json"))
    assert report["counts"] == outcome.counts and report["lang"] == "fi"
    assert sum(len(r["results"]) for r in report["resources"]) == len(outcome.results)
    turtle = Graph().parse(data=outcome.render("turtle"), format="turtle")
    jsonld = Graph().parse(data=outcome.render("json-ld"), format="json-ld")
    results = set(turtle.objects(None, URIRef("http://www.w3.org/ns/shacl#result")))
    assert len(results) == len(outcome.results)
    assert len(jsonld) == len(turtle)
    html = outcome.render("html")
    assert html.startswith("<!doctype html>") and '<html lang="fi">' in html
    assert "Ei vastaa muotoja: Virheet 14 · Varoitukset 2 · Huomautukset 0" in html
    assert html.count('<section class="resource-results">') == len(report["resources"])
    assert "&#34;Terveys&#34;@fi" in html or "&quot;Terveys&quot;@fi" in html


def test_html_report_escapes_what_comes_from_the_data(settings, tmp_path: Path) -> None:
    nasty = SKOS.replace('"A"@sv', '"A"@sv ; skos:altLabel "<script>alert(1)</script>"')
    outcome = validate_files([write(tmp_path, "nasty.ttl", nasty)], settings, profiles=["vocabulary"])
    html = outcome.render("html")
    assert outcome.violations
    assert "<script>alert" not in html and html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2


def test_the_dcat_fixture_gives_exactly_the_expected_findings(settings) -> None:
    outcome = validate_files([fixture("dcat-defects.ttl")], settings, profiles=["dcat-ap-3"])
    got = found(outcome, "http://example.test/dcat/")
    want = expected("dcat-defects.expected.tsv")
    assert got - want == set(), "found but not expected"
    assert want - got == set(), "expected but not found"


def test_the_corrected_dcat_record_conforms(settings) -> None:
    outcome = validate_files([fixture("dcat-clean.ttl")], settings, profiles=["dcat-ap-3"])
    assert outcome.conforms and outcome.counts == {"Violation": 0, "Warning": 0, "Info": 0}


def test_results_equal_those_of_plain_pyshacl(settings) -> None:
    """Parsing each SPARQL text once and validating in place change nothing in the results."""
    shapes = shapes_graph(settings, ["vocabulary"])
    ours = validate_files([fixture("skos-defects.ttl")], settings, profiles=["vocabulary"])
    data = Graph().parse(fixture("skos-defects.ttl"))
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True)
    plain = report_results(report, "en", shapes, data)

    def rows(results):
        return sorted((r.focus, r.path, r.value, r.severity, r.message, r.constraint)
                      for r in results)

    assert rows(ours.results) == rows(plain) and len(plain) == 16


def test_the_data_graph_given_to_the_gate_is_left_as_it_was(settings) -> None:
    data = Graph().parse(data=BAD_PROJECT, format="turtle")
    before = set(data)
    validate_graph(data, shapes_graph(settings, ["kuntadigi"]))
    assert set(data) == before


# --------------------------------------------------------------------------- our own release


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A release built from the real texts."""
    from publisher.release.publish import build_release

    base = load_settings(environ={})
    assert len(base.sources) >= 5
    return build_release(replace(base, releases_dir=tmp_path_factory.mktemp("releases"))).path


@pytest.mark.parametrize("file,profile", [("data.ttl", "kuntadigi"), ("catalog.ttl", "dcat-ap-3"),
                                          ("ontology.ttl", "vocabulary")])
def test_our_release_passes_its_profiles_with_no_violation(settings, release: Path, file: str,
                                                           profile: str) -> None:
    outcome = validate_files([release / file], settings, profiles=[profile])
    assert outcome.counts["Violation"] == 0, outcome.text()
    assert outcome.inputs[0][1] > 100
