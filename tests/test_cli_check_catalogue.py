"""`publisher check-catalogue URL|FILE`: exit 1 for a catalogue with planted faults served by a
loopback server (each fault in the report), 0 for our own release's catalogue checked against
the release's files, 2 when the catalogue cannot be read or checked; text, HTML and JSON in the
language asked."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from publisher.config import PROJECT_ROOT
from tests.support.catalogue_faults import FAULTS, OWN_LICENCE, faulty_catalogue
from tests.support.catalogue_release import BASE, VERSION, write_catalogue_release


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "publisher.cli", "check-catalogue", *args],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=240)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    with faulty_catalogue(tmp_path_factory.mktemp("faulty")) as server:
        yield server


def test_planted_faults_exit_1_each_reported(faulty) -> None:
    result = run(faulty.root + "/catalog.ttl", "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    codes = {(f["code"], f["url"]) for f in report["findings"]}
    assert ("status", faulty.root + FAULTS["gone"]) in codes
    assert ("checksum", faulty.root + FAULTS["bad-checksum"]) in codes
    assert ("byte_size", faulty.root + FAULTS["bad-size"]) in codes
    assert any(f["code"] == "licence" and OWN_LICENCE in f["message"]
               for f in report["findings"])
    missing = [r for run in report["shacl"] for resource in run["resources"]
               for r in resource["results"]
               if r["focus"] == faulty.root + "/id/undescribed" and "description" in r["path"]]
    assert len(missing) == 2                         # DCAT-AP 3.0.1 and 2.1.1 both say so
    assert report["quality"]["maximum"] == 405 and result.stderr == ""


def test_the_text_report_in_english_and_finnish(faulty) -> None:
    english = run(faulty.root + "/catalog.ttl", "--no-mqa")
    assert english.returncode == 1
    lines = english.stdout.splitlines()
    assert lines[0].startswith("Catalogue check: Does not conform: Violations ")
    assert "answers HTTP 404" in english.stdout and "has 40 bytes; dcat:byteSize says 140" \
        in english.stdout
    assert "Metadata quality (MQA): not computed" in english.stdout
    finnish = run(faulty.root + "/catalog.ttl", "--no-mqa", "--lang", "fi",
                  "--profile", "dcat-ap-3")
    assert finnish.returncode == 1
    assert finnish.stdout.startswith("Luettelon tarkistus: Ei vastaa muotoja")
    assert "lisenssi " + OWN_LICENCE + " ei ole EU:n lisenssitaulukossa" in finnish.stdout
    assert "DCAT-AP 2.1.1" not in finnish.stdout


def test_the_html_report_is_a_page(faulty) -> None:
    result = run(faulty.root + "/catalog.ttl", "--no-mqa", "--format", "html")
    assert result.returncode == 1
    assert result.stdout.startswith("<!doctype html>")
    assert 'data-code="status"' in result.stdout and "<h1>Catalogue check</h1>" in result.stdout


def test_our_release_catalogue_exits_0_against_its_files(tmp_path: Path) -> None:
    release = write_catalogue_release(tmp_path)
    result = run(BASE + "catalog", "--release", str(release["folder"]), "--profile",
                 "dcat-ap-3", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["conforms"] and report["input"]["name"] == BASE + "catalog"
    # the SPARQL endpoint and the event stream: pages of the service, not files to check
    assert [(f["severity"], f["code"]) for f in report["findings"]] == [
        ("Info", "not_checked"), ("Info", "not_checked")]
    assert {u["url"] for u in report["urls"] if u["via"] == "release"} == {
        f"{BASE}dumps/{VERSION}/{name}" for name in
        ("data.ttl", "data.nt.gz", "data.jsonld", "data.rdf", "data.trig")}


def test_what_cannot_be_checked_exits_2(tmp_path: Path) -> None:
    missing = run(str(tmp_path / "nowhere.ttl"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    concepts = tmp_path / "concepts.ttl"
    concepts.write_text("<http://example.test/a> a <http://www.w3.org/2004/02/skos/core#Concept> "
                        ".\n", encoding="utf-8")
    not_dcat = run(str(concepts))
    assert not_dcat.returncode == 2 and "no DCAT catalogue" in not_dcat.stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://example.test/a> a .\n", encoding="utf-8")
    syntax = run(str(broken))
    assert syntax.returncode == 2 and "broken.ttl:1:" in syntax.stderr
    foreign = run("https://partner.example.test/catalog.ttl")
    assert foreign.returncode == 2
    assert "network access is off (allow it with --allow-network)" in foreign.stderr
    server = run(str(concepts), "--server", "ftp://example.test/")
    assert server.returncode == 2 and "--server" in server.stderr
    profile = run(str(concepts), "--profile", "kuntadigi-x")
    assert profile.returncode == 2 and "unknown profile 'kuntadigi-x'" in profile.stderr


def test_validate_refuses_the_check_profile_and_points_here(tmp_path: Path) -> None:
    concepts = tmp_path / "c.ttl"
    concepts.write_text("<http://example.test/a> a <http://www.w3.org/ns/dcat#Dataset> .\n",
                        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "publisher.cli", "validate", str(concepts),
                             "--profile", "catalogue-check"], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, timeout=240)
    assert result.returncode == 2 and "publisher check-catalogue" in result.stderr
