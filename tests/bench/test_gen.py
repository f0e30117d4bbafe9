"""The synthetic catalogue generator (bench/gen.py) against the catalogue extractor.

A generated catalogue comes with the records the extractor must read from it; these
tests extract generated texts and compare every generated field, check that every line
is accounted for, and that generation is deterministic.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.build.extract.base import read_source_text
from publisher.build.extract.catalogue import extract_catalogue
from publisher.build.prepare.municipalities import default_index
from publisher.build.sources import extract_path
from tests.support.bench import load_bench

PROJECT = Path(__file__).resolve().parents[2]
GEN_PATH = PROJECT / "bench/gen.py"
CATALOGUE = PROJECT / "mappings/sources/004_f0ab20c46da3f21c.txt"


gen = load_bench("gen")


def _expected(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module", params=[142, 1000])
def generated(request, tmp_path_factory):
    """(text path, expected records, extraction) for a generated catalogue of N records."""
    out = tmp_path_factory.mktemp(f"gen{request.param}")
    text_path, expected_path = gen.write_catalogue(request.param, gen.DEFAULT_SEED, out)
    return text_path, _expected(expected_path), extract_path(text_path, extractor="catalogue")


# ------------------------------------------------------------------ exactness

def test_extraction_equals_the_expected_records_field_by_field(generated):
    _, expected, extraction = generated
    assert len(extraction.records) == len(expected)
    mismatches = []
    for want, got in zip(expected, extraction.records):
        missing = set(want) - set(got)
        assert not missing, f"extractor records lack generated fields {sorted(missing)}"
        for field, value in want.items():
            if got[field] != value:
                mismatches.append(f"line {want['source']['first_line']}: {field}: expected "
                                  f"{value!r}, extracted {got[field]!r}")
    assert not mismatches, f"{len(mismatches)} mismatches, first ones:\n" + "\n".join(
        mismatches[:10])


def test_every_line_is_accounted_for(generated):
    text_path, expected, extraction = generated
    lines = read_source_text(text_path)
    assert all(line.strip() for line in lines)               # the generator writes no blanks
    assert [a.line for a in extraction.line_accounts] == list(range(1, len(lines) + 1))
    assert extraction.report()["counts"]["unassigned_lines"] == 0
    # the expected spans tile the document, and each line went to the record whose span
    # holds it
    spans = [(r["source"]["first_line"], r["source"]["last_line"]) for r in expected]
    assert spans[0][0] == 1 and spans[-1][1] == len(lines)
    assert all(b[0] == a[1] + 1 for a, b in zip(spans, spans[1:]))
    owner = {line: index for index, (first, last) in enumerate(spans)
             for line in range(first, last + 1)}
    assert all(a.record == owner[a.line] for a in extraction.line_accounts)
    assert all(r["complete"] for r in extraction.records)


def test_keys_are_unique(generated):
    _, expected, extraction = generated
    keys = [r["key"] for r in expected]
    assert len(set(keys)) == len(keys)
    assert not [p for p in extraction.problems if p.field == "key"]


# --------------------------------------------------------------- determinism

def test_same_seed_gives_the_same_bytes(tmp_path):
    first = gen.write_catalogue(1000, 7, tmp_path / "a")
    second = gen.write_catalogue(1000, 7, tmp_path / "b")
    other = gen.write_catalogue(1000, 8, tmp_path / "c")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
    assert first[0].read_bytes() != other[0].read_bytes()


def test_command_line(tmp_path):
    result = subprocess.run(
        [sys.executable, str(GEN_PATH), "--records", "25", "--seed", "3", "--out",
         str(tmp_path), "--quiet"], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    text = tmp_path / "catalogue-25.txt"
    expected = _expected(tmp_path / "catalogue-25.expected.jsonl")
    assert len(expected) == 25
    assert expected[0]["source"]["document"] == text.name
    assert text.read_bytes() == b"".join(
        ("\n".join(r.lines) + "\n").encode("utf-8") for r in gen.generate(25, 3))


# ------------------------------------------------------------------ coverage

def test_the_default_catalogue_shows_every_shape():
    features = set().union(*(r.features for r in gen.generate()))
    for axis, variants in gen.AXES.items():
        prefix = "flag" if axis == "flags" else axis
        missing = [v for v in variants if f"{prefix}:{v}" not in features]
        assert not missing, f"{axis}: {missing} never generated in {gen.DEFAULT_RECORDS}"
    for source in ("contact", "numbering", "contact-domain", "title", "None"):
        assert f"lead-source:{source}" in features
    for status in ("HANKE ON PÄÄTTYNYT.", "HANKE PÄÄTTYNYT", "PROJEKTET HAR AVSLUTATS."):
        assert f"status-text:{status}" in features
    assert "contact:taalta" in features


def test_generated_text_has_the_catalogue_constructs():
    text = "\n".join(line for r in gen.generate() for line in r.lines)
    for construct in ("\nMuut kunnat: ", "\nMukana ", "\n- ", "\n• ", "\n1. ", "\na) ",
                      "\nMikä muuttuu?", "\nLisätietoja\n", "\nLisätietoja:\n",
                      "\nLisätietoja: ", "\nLisätietoja hankkeesta: ", "\nTilläggsuppgifter:\n",
                      "\nHankkeen nettisivut\n", "(a)", "\nwww.", " kunta", " kaupunki",
                      "(Kuntayhtymän kuntia: ", "Staden ", " kommun", "\n#", " ja,\n- "):
        assert construct in text, construct


def test_written_municipality_forms_resolve_to_their_place():
    places = gen.places()
    index = default_index()
    forms = [f for p in places.all for f in [p.exact, p.swedish, p.near_miss, *p.suffixed,
                                              *p.sv_suffixed] if f is not None]
    assert len(places.with_suffixed) > 150 and len(places.swedish) >= 15
    for form in forms:
        resolution = index.resolve(form.text)
        assert (resolution.code, resolution.method) == (form.code, form.method), form
    for place in places.with_inessive:
        assert index.resolve(place.inessive).code == place.code


def test_title_words_name_no_municipality():
    """The lead may come from a municipality named in the title, so no other word may."""
    index = default_index()
    words = gen.TITLE_ADJ + [w.capitalize() for w in gen.TITLE_QUALITIES] + [
        t.split()[0] for t in gen.SV_TITLES] + [p + "Ravo" for p in gen.TOKEN_PREFIXES]
    for word in words:
        resolution = index.resolve(word)
        assert resolution is None or resolution.method == "near-miss", word


def test_people_are_synthetic():
    """No generated name is a name from the source texts."""
    source = CATALOGUE.read_text(encoding="utf-8")
    names = {c["name"] for r in gen.generate(1000, 1) for c in r.expected["contacts"]}
    assert len(names) > 100
    assert not [n for n in names if n in source]


# ------------------------------------------------------- known extractor issues

def test_partner_on_second_line_named_inside_a_first_line_name():
    """'Ii' on the wrapped line is not found inside 'Iitti' on the first line."""
    lines = ["Hanke", "Kuvaus.", "Muut kunnat: Iitti, Hollola,", "Kurikka ja Ii",
             "Lisätietoja", "Velmo Ravokangas, Espoo"]
    record = extract_catalogue(Path("fixture.txt"), lines).records[0]
    assert [(p["as_written"], p["line"]) for p in record["partners_as_written"]] == [
        ("Iitti", 3), ("Hollola", 3), ("Kurikka", 4), ("Ii", 4)]
