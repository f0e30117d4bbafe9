"""Preparing a catalogue record: the fields the extraction adds for the prose (addresses
without a scheme, partners read from a sentence) reach the mapping as plain values."""
from __future__ import annotations

from pathlib import Path

import pytest

from publisher.build.extract import Extraction
from publisher.build.prepare.catalogue import prepare_record
from publisher.build.prepare.context import DocumentContext
from publisher.build.sources import extract_path

PROJECT = Path(__file__).resolve().parents[3]
CATALOGUE = PROJECT / "mappings/sources/004_f0ab20c46da3f21c.txt"


@pytest.fixture(scope="module")
def catalogue() -> tuple[Extraction, DocumentContext]:
    lines = CATALOGUE.read_text(encoding="utf-8").split("\n")
    return extract_path(CATALOGUE), DocumentContext("doc", lines, "b1")


def prepared(catalogue, first_line: int) -> dict:
    extraction, document = catalogue
    record = next(r for r in extraction.records if r["source"]["first_line"] == first_line)
    return prepare_record(record, document)


def test_addresses_without_a_scheme_are_kept_apart_from_the_pages(catalogue):
    project = prepared(catalogue, 986)
    assert project["urls_without_scheme"] == ["https://sipoo.fi", "https://suomi.fi"]
    assert project["urls_normalised"] == []
    project = prepared(catalogue, 397)
    assert project["urls_without_scheme"] == ["https://avoindata.fi"]
    assert project["urls_normalised"] == [
        "https://www.avoindata.fi/data/dataset/paikkatieto-osaamisen-kehittaminen"]


def test_an_address_also_written_in_full_is_only_a_page():
    record = {"key": "k", "title": "T", "language": "fi", "urls": ["https://stat.fi"],
              "urls_without_scheme": ["https://stat.fi", "https://sipoo.fi", "https://sipoo.fi"],
              "source": {"document": "d.txt", "first_line": 1, "last_line": 1}}
    project = prepare_record(record, DocumentContext("doc", ["T"], "b1"))
    assert project["urls_normalised"] == ["https://stat.fi"]
    assert project["urls_without_scheme"] == ["https://sipoo.fi"]
    assert prepare_record({k: v for k, v in record.items() if k != "urls_without_scheme"},
                          DocumentContext("doc", ["T"], "b1"))["urls_without_scheme"] == []


def test_pikura_partners_read_from_the_sentence_are_linked_by_code(catalogue):
    project = prepared(catalogue, 932)
    keys = [p["key"] for p in project["partner_municipalities_prepared"]]
    assert len(keys) == 21 and keys[0] == "046" and keys[-1] == "846"
    assert "707" not in keys                                   # the lead
    assert project["lead"] == {"key": "707"}
    assert project["partner_organisations_prepared"] == []
    assert project["organisations_prepared"] == []
