"""Releases form a chain, each with the changeset against the one before it: edition A from the
bundled texts, edition B from edited copies (tests/support/editions.py: a title corrected, a
project ended, a partner added, a contact removed, one project removed and two added, a Swedish
paragraph reworded); B's changes.rdfp applied to A's quads must give exactly B's quads."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from publisher.patch import (PATCH_FILE, SUMMARY_FILE, apply, composed_text, compose,
                             quad_lines, read_patch)
from publisher.release import changes as changes_module
from publisher.release.publish import build_release
from tests.support.editions import Editions, build_editions


def canonical(release: Path) -> list[bytes]:
    """A release's quads as sorted canonical N-Quads lines."""
    return sorted(set(quad_lines(release / "data.trig")))


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Editions:
    return build_editions(tmp_path_factory.mktemp("editions"))


def test_the_first_release_has_no_changeset_and_no_previous(editions) -> None:
    assert not (editions.a / PATCH_FILE).exists()
    assert json.loads((editions.a / "release.json").read_text())["previous"] is None


def test_release_json_names_the_previous_release(editions) -> None:
    previous = json.loads((editions.b / "release.json").read_text())["previous"]
    assert previous["version"] == editions.a.name
    sums = dict(reversed(line.split("  ")) for line in
                (editions.a / "SHA256SUMS").read_text().splitlines())
    assert previous["data.nt.gz"]["sha256"] == sums["data.nt.gz"] and previous["verified"]
    assert editions.a.is_dir(), "the old release stays (release.keep: all)"


def test_applying_the_changeset_to_a_gives_exactly_b(editions) -> None:
    patch = read_patch(editions.b / PATCH_FILE)
    assert patch.id and patch.prev and patch.rows
    assert b"".join(apply(canonical(editions.a), patch)) == b"".join(canonical(editions.b))


def test_the_patch_is_rdf_patch_text_in_canonical_order(editions) -> None:
    lines = (editions.b / PATCH_FILE).read_bytes().splitlines(keepends=True)
    assert lines[0].startswith(b"H id <uuid:") and lines[1].startswith(b"H prev <uuid:")
    assert lines[2] == b"TX .\n" and lines[-1] == b"TC .\n"
    rows = lines[3:-1]
    ops = [row[:2] for row in rows]
    assert ops == sorted(ops, key=lambda op: op != b"D "), "deletes, then adds"
    deletes = [r for r in rows if r.startswith(b"D ")]
    adds = [r for r in rows if r.startswith(b"A ")]
    assert deletes == sorted(deletes) and adds == sorted(adds)
    assert all(row.endswith(b" .\n") and row.count(b"<https://data.kuntadigi.example/graph/")
               for row in rows), "every row names its graph"


def test_changes_json_classes_the_edits(editions) -> None:
    summary = json.loads((editions.b / SUMMARY_FILE).read_text())
    project = "https://data.kuntadigi.example/def/Project"
    assert summary["since"] == editions.a.name and summary["version"] == editions.b.name
    assert summary["counts"]["removed"][project] == 1
    changed = summary["resources"]["changed"][project]
    assert len(changed) >= 2          # the retitled and the ended project
    patch = read_patch(editions.b / PATCH_FILE)
    assert summary["quads"] == {"added": sum(op == "A" for op, _ in patch.rows),
                                "deleted": sum(op == "D" for op, _ in patch.rows)}
    report = json.loads((editions.b / "build-report.json").read_text())
    assert report["changes"]["counts"] == summary["counts"]


def test_the_changeset_is_listed_checksummed_and_catalogued(editions) -> None:
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=editions.b,
                           capture_output=True, text=True)
    assert check.returncode == 0 and f"{PATCH_FILE}: OK" in check.stdout
    catalogue = Graph().parse(editions.b / "catalog.ttl")
    dist = URIRef("https://data.kuntadigi.example/dataset/projects/distribution/changes-rdfp")
    url = URIRef(f"https://data.kuntadigi.example/dumps/{editions.b.name}/{PATCH_FILE}")
    dcat, spdx = "http://www.w3.org/ns/dcat#", "http://spdx.org/rdf/terms#"
    assert catalogue.value(dist, URIRef(dcat + "downloadURL")) == url
    assert str(catalogue.value(dist, URIRef(dcat + "mediaType"))).endswith("text/plain")
    size = catalogue.value(dist, URIRef(dcat + "byteSize"))
    assert int(size) == (editions.b / PATCH_FILE).stat().st_size
    checksum = catalogue.value(dist, URIRef(spdx + "checksum"))
    sums = (editions.b / "SHA256SUMS").read_text()
    assert f"{catalogue.value(checksum, URIRef(spdx + 'checksumValue'))}  {PATCH_FILE}" in sums
    void = Graph().parse(editions.b / "void.ttl")
    assert (None, None, url) in void


def test_two_builds_of_the_same_pair_give_the_same_changeset(tmp_path, monkeypatch) -> None:
    first = build_editions(tmp_path / "one", monkeypatch)
    second = build_editions(tmp_path / "two", monkeypatch)
    assert (first.b / PATCH_FILE).read_bytes() == (second.b / PATCH_FILE).read_bytes()


def test_a_corrupt_previous_release_gives_no_changeset_but_a_release(editions, tmp_path,
                                                                      capsys) -> None:
    releases = tmp_path / "releases"
    shutil.copytree(editions.a, releases / editions.a.name)
    os.symlink(editions.a.name, releases / "latest")
    with (releases / editions.a.name / "data.trig").open("ab") as handle:
        handle.write(b"# tampered\n")
    notices: list[str] = []
    result = build_release(replace(editions.settings, releases_dir=releases,
                                   data_dir=tmp_path / "data"), notice=notices.append)
    assert (releases / "latest").resolve() == result.path.resolve()
    assert not (result.path / PATCH_FILE).exists() and not (result.path / SUMMARY_FILE).exists()
    assert any("no changeset" in n and "data.trig" in n for n in notices), notices
    assert PATCH_FILE not in (result.path / "SHA256SUMS").read_text()
    previous = json.loads((result.path / "release.json").read_text())["previous"]
    assert previous["version"] == editions.a.name and previous["verified"] is False


def test_a_missing_previous_release_is_no_changeset(tmp_path) -> None:
    releases = tmp_path / "releases"
    releases.mkdir()
    os.symlink("20260101T000000Z", releases / "latest")
    previous = changes_module.previous_release(releases)
    assert previous is not None and not previous[1].verified
    said: list[str] = []
    assert changes_module.write_changeset(tmp_path, "20260102T000000Z", previous, "",
                                          said.append) is None
    assert "missing" in said[0] and not (tmp_path / PATCH_FILE).exists()


def test_composing_cancels_an_add_then_a_delete(tmp_path) -> None:
    quad = b"<https://e.example/s> <https://e.example/p> \"x\" <https://e.example/g> .\n"
    other = b"<https://e.example/t> <https://e.example/p> \"y\" <https://e.example/g> .\n"
    one, two = tmp_path / "1.rdfp", tmp_path / "2.rdfp"
    one.write_bytes(b"H id <uuid:1> .\nTX .\nA " + quad + b"D " + other + b"TC .\n")
    two.write_bytes(b"H id <uuid:2> .\nH prev <uuid:1> .\nTX .\nD " + quad + b"TC .\n")
    net = compose([read_patch(one), read_patch(two)])
    assert net == {other: "D"}
    assert composed_text(net, "<uuid:2>", "<uuid:0>") == (
        b"H id <uuid:2> .\nH prev <uuid:0> .\nTX .\nD " + other + b"TC .\n")


def test_retention_keeps_the_newest_releases(tmp_path) -> None:
    for version in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "release.json").write_text("{}")
    said: list[str] = []
    removed = changes_module.remove_old_releases(tmp_path, 2, "20260103T000000Z", said.append)
    assert removed == ["20260101T000000Z"] and said
    assert changes_module.remove_old_releases(tmp_path, 0, "20260103T000000Z", said.append) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20260102T000000Z",
                                                          "20260103T000000Z"]
