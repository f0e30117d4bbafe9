"""`publisher validate FILE`: exit 0 conforms, 1 violations, 2 unreadable input."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from publisher.config import PROJECT_ROOT

GOOD = """\
@prefix kd: <https://data.kuntadigi.example/def/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://data.kuntadigi.example/id/status/ongoing> a skos:Concept ;
    skos:prefLabel "Käynnissä"@fi ; skos:inScheme kd:statuses .
"""

BAD = """\
@prefix kd: <https://data.kuntadigi.example/def/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://data.kuntadigi.example/id/project/x> a kd:Project ;
    dcterms:identifier "Not A Key" ; kd:catalogueNumber 0 .
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "publisher.cli", "validate", *args],
                          capture_output=True, text=True, cwd=PROJECT_ROOT)


def test_conforming_file_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "good.ttl"
    path.write_text(GOOD, encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Conforms: 0 violation(s)")


def test_violations_exit_1_grouped_by_resource(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(BAD, encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 1
    assert "https://data.kuntadigi.example/id/project/x" in result.stdout
    assert "dcterms:identifier" in result.stdout and "lowercase ASCII" in result.stdout
    assert "kd:catalogueNumber" in result.stdout and "positive integer" in result.stdout


def test_turtle_report_is_a_shacl_report(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(BAD, encoding="utf-8")
    result = run(str(path), "--format", "turtle")
    assert "sh:ValidationReport" in result.stdout


def test_unreadable_inputs_exit_2_with_a_message(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    assert "empty" in run(str(empty)).stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix x: <\n", encoding="utf-8")
    result = run(str(broken))
    assert result.returncode == 2 and "line 1" in result.stderr
    unknown = tmp_path / "data.xyz"
    unknown.write_text(GOOD, encoding="utf-8")
    result = run(str(unknown))
    assert result.returncode == 2 and "--input-format" in result.stderr
    assert run(str(unknown), "--input-format", "turtle").returncode == 0
    assert run(str(tmp_path / "missing.ttl")).returncode == 2
