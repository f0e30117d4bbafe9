"""publisher.shacl.outcome: results grouped by resource, counted by severity; warnings alone
conform."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from publisher.shacl import Outcome, Result, validate_files
from tests.shacl.support import BAD_PROJECT, write

def test_results_grouped_by_resource_with_path_value_counts_and_sources(project_settings, tmp_path: Path) -> None:
    outcome = validate_files([write(tmp_path, "bad.ttl", BAD_PROJECT)], project_settings)
    grouped = outcome.by_resource()
    project = "https://data.kuntadigi.example/id/project/x"
    assert list(grouped) == [project]
    rows = {(r.path, r.value) for r in grouped[project]}
    assert {("dcterms:identifier", '"Not A Key"'), ("kd:catalogueNumber", "0")} <= rows
    assert outcome.counts["Violation"] == len(outcome.violations) >= 3
    text = outcome.text()
    assert text.startswith(f"Does not conform: Violations {outcome.counts['Violation']} · Warnings")
    assert "lowercase ASCII" in text and "positive integer" in text

def test_warnings_alone_conform() -> None:
    warning = Result("http://e/a", None, None, "Warning", "w", None)
    info = Result("http://e/a", None, None, "Info", "i", None)
    outcome = Outcome(True, [warning, info], Graph())
    assert outcome.conforms and outcome.counts == {"Violation": 0, "Warning": 1, "Info": 1}
