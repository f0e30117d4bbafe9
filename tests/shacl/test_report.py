"""publisher.shacl.report: a report read for a steward: blank focus nodes named, messages in
the language asked."""
from __future__ import annotations

from pathlib import Path

from publisher.shacl import validate_files
from tests.shacl.support import BAD_PROJECT, write
from tests.shacl.validation.expected import fixture

def test_a_blank_focus_node_is_named_by_the_resource_it_belongs_to(project_settings, tmp_path: Path) -> None:
    data = BAD_PROJECT + "<https://data.kuntadigi.example/id/project/x> kd:section [ a kd:Section ] .\n"
    outcome = validate_files([write(tmp_path, "section.ttl", data)], project_settings)
    labels = {r.focus_label for r in outcome.results if r.focus_label}
    assert labels == {"<https://data.kuntadigi.example/id/project/x> › kd:section"}

def test_shapes_without_a_message_get_one_in_the_language_asked(project_settings) -> None:
    fi = validate_files([fixture("dcat-defects.ttl")], project_settings, profiles=["dcat-ap-3"], lang="fi")
    sv = validate_files([fixture("dcat-defects.ttl")], project_settings, profiles=["dcat-ap-3"], lang="sv")
    publisher_fi = next(r for r in fi.results if r.path == "dcterms:publisher")
    publisher_sv = next(r for r in sv.results if r.path == "dcterms:publisher")
    assert publisher_fi.message == "Vähintään 1 arvo(a) vaaditaan"
    assert publisher_sv.message == "Minst 1 värde(n) krävs"


ENGLISH_ONLY_SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kd: <https://data.kuntadigi.example/def/> .
<http://example.test/shapes/NumberShape> a sh:NodeShape ; sh:targetClass kd:Project ;
    sh:property [ sh:path kd:catalogueNumber ; sh:minInclusive 1 ;
                  sh:message "Catalogue numbers start at one"@en ] .
"""


def test_a_shape_message_in_english_only_follows_the_translated_component(project_settings, tmp_path: Path) -> None:
    outcome = validate_files([write(tmp_path, "bad.ttl", BAD_PROJECT)], project_settings, lang="sv",
                             shapes_files=[write(tmp_path, "own.ttl", ENGLISH_ONLY_SHAPE)])
    messages = {r.message for r in outcome.results if "catalogueNumber" in r.path}
    assert messages == {"Värdet måste vara minst 1 — Catalogue numbers start at one"}


def test_our_own_shapes_speak_the_language_asked(project_settings, tmp_path: Path) -> None:
    data = [write(tmp_path, "bad.ttl", BAD_PROJECT)]
    said = {lang: next(r.message for r in validate_files(data, project_settings, lang=lang).results
                       if r.path == "kd:catalogueNumber")
            for lang in ("fi", "sv", "en")}
    assert said == {"fi": "Luettelonumero on positiivinen kokonaisluku",
                    "sv": "Katalognumret är ett positivt heltal",
                    "en": "The catalogue number is a positive integer"}
