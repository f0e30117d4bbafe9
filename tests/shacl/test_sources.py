"""publisher.shacl.sources: a result's resource located in the source texts."""
from __future__ import annotations

from pathlib import Path

from publisher.shacl import validate_files
from tests.shacl.support import BAD_PROJECT, write

def test_our_data_reports_the_source_lines(project_settings, tmp_path: Path) -> None:
    data = BAD_PROJECT + """@prefix prov: <http://www.w3.org/ns/prov#> .
<https://data.kuntadigi.example/id/project/x> prov:qualifiedDerivation [
    prov:entity <https://data.kuntadigi.example/id/document/004-f0ab> ; kd:firstLine 12 ; kd:lastLine 19 ] .
"""
    outcome = validate_files([write(tmp_path, "sourced.ttl", data)], project_settings)
    assert outcome.sources["https://data.kuntadigi.example/id/project/x"] == "004-f0ab 12–19"
    assert "(Source: 004-f0ab 12–19)" in outcome.text()
