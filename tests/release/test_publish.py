"""The release stage: a gated, atomic, reproducible release from a small fixture catalogue."""
from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from publisher.release.lock import LOCK_NAME
from publisher.config import PROJECT_ROOT, Source, load_settings
from publisher.release.publish import BuildFailed, build_release

CATALOGUE = """\
1. Kuntien eVaka
eVaka-projektissa rakennetaan varhaiskasvatukselle oma
ohjausjärjestelmä.
Muut kunnat: Tampere
Lisätietoja
Meri Vainio, Espoo
2. Kaupunki taskussa
HANKE ON PÄÄTTYNYT.
Hankkeessa toteutettiin mobiilisovellus.
Lisätietoja
Jouni Jäkkö, Hämeenlinna
"""


def project_copy(tmp_path: Path) -> Path:
    """A private copy of what the build reads, so a test can break the shapes."""
    root = tmp_path / "project"
    for name in ("ontology", "shapes", "mappings"):
        shutil.copytree(PROJECT_ROOT / name, root / name,
                        ignore=shutil.ignore_patterns("sources"))
    (root / "mappings" / "sources").mkdir()
    (root / "mappings" / "sources" / "cat.txt").write_text(CATALOGUE, encoding="utf-8")
    return root


@pytest.fixture
def settings(tmp_path: Path):
    root = project_copy(tmp_path)
    base = load_settings(tmp_path / "none.toml", environ={})
    return replace(base, root=root, releases_dir=tmp_path / "releases",
                   sources=(Source(root / "mappings" / "sources" / "cat.txt", "catalogue",
                                   title="Testiluettelo"),))


EXPECTED_FILES = {"data.ttl", "data.nt.gz", "data.jsonld", "data.rdf", "data.trig",
                  "ontology.ttl", "shapes.ttl", "validation-report.ttl", "catalog.ttl",
                  "void.ttl", "SHA256SUMS", "release.json", "build-report.json",
                  "ontology.html", "shapes.html"}


def test_build_writes_every_file_and_points_latest(settings) -> None:
    result = build_release(settings)
    latest = settings.releases_dir / "latest"
    assert latest.is_symlink() and latest.resolve() == result.path.resolve()
    assert EXPECTED_FILES <= {p.name for p in result.path.iterdir()}
    assert result.projects == 2
    dataset = Dataset()
    dataset.parse(result.path / "data.trig", format="trig")
    graphs = {str(g.identifier) for g in dataset.graphs()}
    assert f"{settings.base_uri}graph/cat" in graphs
    triples = json.loads((result.path / "release.json").read_text())["triples"]
    for name, fmt in [("data.ttl", "turtle"), ("data.jsonld", "json-ld"), ("data.rdf", "xml")]:
        assert len(Graph().parse(result.path / name, format=fmt)) == triples, name
    assert len(Graph().parse(data=gzip.decompress((result.path / "data.nt.gz").read_bytes()),
                             format="nt")) == triples
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=result.path,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    meta = json.loads((result.path / "release.json").read_text())
    assert meta["version"] == result.version and meta["projects"] == 2


def test_two_builds_give_the_same_triples_apart_from_build_times(settings) -> None:
    first = build_release(settings)
    second = build_release(settings)
    assert first.version != second.version

    def lines(path: Path) -> list[str]:
        text = gzip.decompress((path / "data.nt.gz").read_bytes()).decode()
        return [line for line in text.splitlines() if "startedAtTime" not in line]

    assert lines(first.path) == lines(second.path)
    assert (settings.releases_dir / "latest").resolve() == second.path.resolve()


def test_a_gate_failure_publishes_nothing_and_keeps_latest(settings) -> None:
    good = build_release(settings)
    shapes = settings.root / "shapes" / "kuntadigi.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + """
kds:ImpossibleShape a sh:NodeShape ; sh:targetClass kd:Project ;
    sh:property [ sh:path kd:doesNotExist ; sh:minCount 1 ; sh:message "needs kd:doesNotExist"@en ] .
""", encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build_release(settings)
    text = failure.value.explain()
    assert "needs kd:doesNotExist" in text
    assert "(Source: cat 1–6)" in text  # the violation names the source document and lines
    assert (settings.releases_dir / "latest").resolve() == good.path.resolve()
    left = {p.name for p in settings.releases_dir.iterdir()} - {LOCK_NAME}
    assert sorted(left) == sorted(["latest", good.version])


def test_cli_build_exit_status_and_quiet(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    config = root / "publisher.toml"
    config.write_text(f"""
releases_dir = "releases"
[[sources]]
path = "mappings/sources/cat.txt"
extractor = "catalogue"
title = "Testiluettelo"
""", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "publisher.cli", "--config", str(config), "build",
                          "--quiet"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert Path(run.stdout.strip()).parent == root / "releases"
