"""publisher.shacl.inputs: any RDF syntax read in memory within bounds, with errors that name
the place and say what the content looks like."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from publisher.shacl import (INPUT_FORMATS, InputTooLarge, ReadLimits, UnreadableInput,
                             format_for_name, input_format, parse_bytes, read_path, sniff,
                             to_rdflib, validate_files)
from tests.shacl.support import SKOS, write

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


def test_blank_nodes_nested_to_the_limit_are_read_and_validated(project_settings, tmp_path: Path) -> None:
    depth = project_settings.limits.parse_max_depth
    nested = ("<http://example.test/a> <http://example.test/p> "
              + "[ <http://example.test/p> " * depth + "1" + " ]" * depth + " .")
    outcome = validate_files([write(tmp_path, "nested.ttl", nested)], project_settings,
                             profiles=["vocabulary"])
    assert outcome.conforms and outcome.inputs == ((str(tmp_path / "nested.ttl"), depth + 1),)
    deeper = nested.replace("[", "[ [ <http://example.test/p> ", 1).replace("]", "] ]", 1)
    with pytest.raises(UnreadableInput, match="nest more than 128 deep"):
        validate_files([write(tmp_path, "deeper.ttl", deeper)], project_settings, profiles=["vocabulary"])


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
    assert isomorphic(ours, theirs)


def test_our_compacted_json_ld_is_read_with_the_context_beside_it(settings) -> None:
    """data.jsonld names `context.jsonld` (relative): the copy beside it is used, no fetch, and
    the graph equals the Turtle dump's."""
    folder = settings.releases_dir / "latest"
    read = read_path(folder / "data.jsonld")
    turtle = Graph().parse(folder / "data.ttl")
    assert isomorphic(Graph().parse(data=_as_ntriples(read.triples), format="nt"), turtle)


def test_a_context_named_but_absent_is_still_refused(settings, tmp_path: Path) -> None:
    source = (settings.releases_dir / "latest" / "data.jsonld").read_bytes()
    (tmp_path / "data.jsonld").write_bytes(source)          # without its context.jsonld
    with pytest.raises(UnreadableInput):
        read_path(tmp_path / "data.jsonld")


def _as_ntriples(triples) -> str:
    return "".join(f"{t} .\n" for t in triples)
