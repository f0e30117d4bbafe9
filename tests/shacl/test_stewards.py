"""publisher.shacl.stewards: `publisher validate` on the fixtures gives exactly the expected
findings, as plain pyshacl does, and our own release passes every profile."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph

from publisher.config import load_settings
from publisher.release.publish import build_release
from publisher.shacl import report_results, shapes_graph, validate_files
from tests.shacl.validation.expected import expected, fixture, found

def test_the_dcat_fixture_gives_exactly_the_expected_findings(project_settings) -> None:
    outcome = validate_files([fixture("dcat-defects.ttl")], project_settings, profiles=["dcat-ap-3"])
    got = found(outcome, "http://example.test/dcat/")
    want = expected("dcat-defects.expected.tsv")
    assert got - want == set(), "found but not expected"
    assert want - got == set(), "expected but not found"


def test_the_corrected_dcat_record_conforms(project_settings) -> None:
    outcome = validate_files([fixture("dcat-clean.ttl")], project_settings, profiles=["dcat-ap-3"])
    assert outcome.conforms and outcome.counts == {"Violation": 0, "Warning": 0, "Info": 0}


def test_results_equal_those_of_plain_pyshacl(project_settings) -> None:
    """Parsing each SPARQL text once and validating in place change nothing in the results."""
    shapes = shapes_graph(project_settings, ["vocabulary"])
    ours = validate_files([fixture("skos-defects.ttl")], project_settings, profiles=["vocabulary"])
    data = Graph().parse(fixture("skos-defects.ttl"))
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True)
    plain = report_results(report, "en", shapes, data)

    def rows(results):
        return sorted((r.focus, r.path or "", r.value or "", r.severity, r.message, r.constraint)
                      for r in results)

    assert rows(ours.results) == rows(plain) and len(plain) == 21


# --------------------------------------------------------------------------- our own release


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A release built from the real texts."""
    base = load_settings(environ={})
    assert len(base.sources) >= 5
    return build_release(replace(base, releases_dir=tmp_path_factory.mktemp("releases"))).path


@pytest.mark.parametrize("file,profile", [("data.ttl", "kuntadigi"), ("catalog.ttl", "dcat-ap-3"),
                                          ("ontology.ttl", "vocabulary")])
def test_our_release_passes_its_profiles_with_no_violation(project_settings, release: Path, file: str,
                                                           profile: str) -> None:
    outcome = validate_files([release / file], project_settings, profiles=[profile])
    assert outcome.counts["Violation"] == 0, outcome.text()
    assert outcome.inputs[0][1] > 100
