"""Gzip input and binary input (publisher.shacl.compression, .inputs): real gzip files are read
like the files inside them, our own release's `.nt.gz` dump included; the byte limit counts the
decompressed bytes, and a zip bomb (100 MB of zeros in 100 kB, or a gzip inside a gzip) is
refused naming the limit without decompressing more than the limit and a small margin; what
is no UTF-8 text is refused before a parser sees it."""
from __future__ import annotations

import gzip
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from publisher.shacl import (INPUT_FORMATS, InputTooLarge, ReadLimits, UnreadableInput,
                             format_for_name, parse_bytes, read_path, sniff_data, validate_files,
                             visible)
from publisher.shacl.compression import gunzip, without_gzip_suffix
from tests.shacl.support import SKOS, write
from tests.shacl.validation.expected import fixture
from tests.support.release import write_release

MB = 1000 * 1000
ZEROS = gzip.compress(b"\x00" * (100 * MB), compresslevel=9)        # about 100 kB


def test_the_bomb_is_small() -> None:
    assert len(ZEROS) < 150_000


def test_a_gzip_file_is_read_like_the_file_inside(tmp_path: Path) -> None:
    plain = read_path(write(tmp_path, "concepts.ttl", SKOS))
    packed = read_path(write(tmp_path, "concepts.ttl.gz", gzip.compress(SKOS.encode())))
    assert packed.format is INPUT_FORMATS["turtle"]
    assert set(packed.triples) == set(plain.triples)


def test_our_release_dump_is_validated_from_its_gzip(tmp_path: Path, project_settings) -> None:
    """The test release's data.nt.gz (gzip, as the build writes it) against the data
    profile: the same report as its data.ttl."""
    folder = write_release(tmp_path / "releases")
    dump = folder / "data.nt.gz"
    parsed = read_path(dump)
    assert parsed.format is INPUT_FORMATS["ntriples"]
    inside = gzip.decompress(dump.read_bytes()).decode("utf-8").splitlines()
    assert len(parsed.triples) == len([line for line in inside if line.strip()]) > 50
    packed = validate_files([dump], project_settings, profiles=["kuntadigi"])
    turtle = validate_files([folder / "data.ttl"], project_settings, profiles=["kuntadigi"])
    assert packed.inputs == ((str(dump), len(parsed.triples)),)
    assert packed.as_json()["resources"] == turtle.as_json()["resources"]
    assert packed.counts == turtle.counts


def test_concatenated_members_are_one_stream(tmp_path: Path) -> None:
    lines = SKOS.encode().splitlines(keepends=True)
    half = len(lines) // 2
    members = gzip.compress(b"".join(lines[:half])) + gzip.compress(b"".join(lines[half:]))
    parsed = parse_bytes(members, "two.ttl.gz", INPUT_FORMATS["turtle"])
    assert set(parsed.triples) == set(read_path(write(tmp_path, "one.ttl", SKOS)).triples)


def test_the_syntax_is_told_by_the_name_inside_and_the_content_inside() -> None:
    assert format_for_name("data.nt.gz") is INPUT_FORMATS["ntriples"]
    assert format_for_name("DATA.TTL.GZ") is INPUT_FORMATS["turtle"]
    assert without_gzip_suffix(".gz") == ".gz"
    assert sniff_data(gzip.compress(b'<http://e/a> <http://e/b> "c" .\n')) == "ntriples"
    assert sniff_data(gzip.compress(SKOS.encode())) == "turtle"
    assert sniff_data(b"\x1f\x8b not really") == "gzip"


def test_a_zip_bomb_is_refused_naming_the_limit_within_bounded_memory() -> None:
    limit = 2 * 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(InputTooLarge) as refused:
            parse_bytes(ZEROS, "zeros.nt.gz", INPUT_FORMATS["ntriples"],
                        ReadLimits(max_bytes=limit, bytes_setting="limits.upload_max_bytes"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 3 * limit, f"{peak:,} bytes held to refuse a {limit:,}-byte limit"
    message = str(refused.value)
    assert "decompresses to more than 2,097,152 bytes" in message
    assert "(limits.upload_max_bytes)" in message and refused.value.code == "gunzip_too_large"


def test_a_gzip_inside_a_gzip_counts_against_the_same_limit() -> None:
    nested = gzip.compress(ZEROS)
    assert len(nested) < len(ZEROS)
    with pytest.raises(InputTooLarge, match="decompresses to more than 1,000,000 bytes"):
        gunzip(nested, "nested.gz", 1 * MB, "--max-bytes")
    small = gzip.compress(gzip.compress(SKOS.encode()))
    assert gunzip(small, "twice.ttl.gz", MB, "--max-bytes") == SKOS.encode()
    deep = SKOS.encode()
    for _ in range(4):
        deep = gzip.compress(deep)
    with pytest.raises(UnreadableInput, match="gzip nested more than 3 deep"):
        gunzip(deep, "deep.gz", MB, "--max-bytes")


def test_exactly_the_limit_is_read_and_one_byte_more_is_not() -> None:
    text = (b"<http://e/a> <http://e/b> \"" + b"x" * 980 + b"\" .\n")
    assert len(gunzip(gzip.compress(text), "t.nt.gz", len(text), "--max-bytes")) == len(text)
    with pytest.raises(InputTooLarge):
        gunzip(gzip.compress(text), "t.nt.gz", len(text) - 1, "--max-bytes")


@pytest.mark.parametrize("data,words", [
    (gzip.compress(SKOS.encode())[:-12], "cut short"),
    (gzip.compress(SKOS.encode()) + b"trailing words", "data after the end"),
    (b"\x1f\x8b\x08\x00" + b"\xff" * 40, "not a valid gzip file"),
])
def test_a_broken_gzip_is_a_clear_refusal(data: bytes, words: str) -> None:
    with pytest.raises(UnreadableInput, match=words) as refused:
        parse_bytes(data, "broken.ttl.gz", INPUT_FORMATS["turtle"])
    assert refused.value.code == "gzip_invalid" and "broken.ttl.gz" in str(refused.value)


def test_the_command_line_limit_counts_decompressed_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "zeros.nt.gz", ZEROS)
    with pytest.raises(InputTooLarge, match=r"more than 10,000,000 bytes.*\(--max-bytes\)"):
        read_path(path, limits=ReadLimits(max_bytes=10 * MB))


@pytest.mark.parametrize("content,code,words", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "binary_kind", "a PNG file, not RDF text"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary_kind", "a PDF file, not RDF text"),
    (b"PK\x03\x04" + b"\x00" * 20, "binary_kind", "a ZIP file"),
    (b"<http://e/a> <http://e/b> \"x\x00y\" .\n", "binary_nul", "a NUL byte at byte 28"),
    ("<http://e/a> <http://e/b> \"ä\" .\n".encode("utf-16"), "not_utf8", "UTF-16"),
    ("<http://e/a> <http://e/b> \"Käynnissä\" .\n".encode("latin-1"), "not_utf8",
     "invalid byte sequence at byte 28"),
])
def test_what_is_not_utf8_text_is_refused_before_parsing(content: bytes, code: str, words: str) -> None:
    with pytest.raises(UnreadableInput) as refused:
        parse_bytes(content, "upload.nt", INPUT_FORMATS["ntriples"])
    assert refused.value.code == code and words in str(refused.value)
    with pytest.raises(UnreadableInput) as inside_gzip:
        parse_bytes(gzip.compress(content), "upload.nt.gz", INPUT_FORMATS["ntriples"])
    assert inside_gzip.value.code == code


def test_control_characters_never_reach_a_message_raw() -> None:
    assert visible("a\x00b\x1b[31mc\u202ed\te\nf") == "a\\x00b\\x1b[31mc\\u202ed\te\nf"
    with pytest.raises(UnreadableInput) as refused:
        parse_bytes(b"@prefix ex: <http://e/> .\nex:a ex:b \x1b[2J .\n", "esc\x07.ttl",
                    INPUT_FORMATS["turtle"])
    message = str(refused.value)
    assert "\x1b" not in message and "\x07" not in message
    assert "esc\\x07.ttl" in message and refused.value.params["name"] == "esc\\x07.ttl"


def test_a_deflate_stream_without_gzip_header_is_not_taken_for_gzip() -> None:
    raw = zlib.compress(SKOS.encode())
    with pytest.raises(UnreadableInput, match="not UTF-8 text|binary"):
        parse_bytes(raw, "x.ttl", INPUT_FORMATS["turtle"])


def test_the_defect_fixture_gzipped_gives_the_same_report(tmp_path: Path, project_settings) -> None:
    plain = validate_files([fixture("skos-defects.ttl")], project_settings, profiles=["vocabulary"])
    packed_path = write(tmp_path, "skos-defects.ttl.gz", gzip.compress(fixture("skos-defects.ttl").read_bytes()))
    packed = validate_files([packed_path], project_settings, profiles=["vocabulary"])
    assert packed.as_json()["resources"] == plain.as_json()["resources"]
