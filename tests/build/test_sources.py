"""The source families' registry: one entry per extractor, chosen from the source registry of
the settings, and what each family counts as initiatives, projects and content."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from publisher.build.extract import SourceError
from publisher.build.sources import FAMILIES, DocumentResult, extract_path
from publisher.config import PROJECT_ROOT


def test_a_family_per_extractor_with_its_mapping_file():
    assert FAMILIES["catalogue"].mapping_file == "catalogue.mapping.toml"
    assert FAMILIES["page"].mapping_file == "page.mapping.toml"
    for family in FAMILIES.values():
        assert (PROJECT_ROOT / "mappings" / family.mapping_file).is_file()


def test_extractor_is_chosen_from_the_source_registry(tmp_path):
    path = tmp_path / "sivu.txt"
    path.write_text("Otsikko\nTeksti.\n", encoding="utf-8")
    settings = SimpleNamespace(sources=[SimpleNamespace(path=path, extractor="page")])
    ex = extract_path(path, settings)
    assert ex.extractor == "page" and [r["type"] for r in ex.records] == ["document"]
    assert extract_path(path, None).extractor == "catalogue"
    assert extract_path(path, settings, extractor="catalogue").extractor == "catalogue"
    with pytest.raises(SourceError, match="unknown extractor 'nonexistent'"):
        extract_path(path, extractor="nonexistent")
    assert {"catalogue", "page"} <= set(FAMILIES)


def test_what_each_family_counts():
    catalogue, page = FAMILIES["catalogue"], FAMILIES["page"]
    document, initiative = {"type": "document"}, {"type": "initiative", "kind": "funding"}
    assert catalogue.initiatives({}) and catalogue.uri_type({}) == "project"
    assert page.initiatives(initiative) and not page.initiatives(document)
    assert page.uri_type(initiative) == "programme" and page.uri_type({"kind": "event"}) == "initiative"
    assert page.projects({"type": "initiative", "is_project": True})
    assert not page.projects({"type": "initiative", "is_project": False})
    assert page.content(initiative) and not page.content(document)
    assert page.records_carry_iri and not catalogue.records_carry_iri


def test_a_page_with_only_itself_has_no_content(tmp_path: Path):
    path = tmp_path / "tyhja.txt"
    path.write_text("", encoding="utf-8")
    extraction = extract_path(path, extractor="page")
    document = DocumentResult("tyhja", path, extraction, [], "page")
    assert document.family is FAMILIES["page"] and document.content_records() == 0
