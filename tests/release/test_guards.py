"""The release guards and the I/O error messages of `publisher/release.py`, piece by piece
(the whole `publisher build` is run against them in tests/reliability/test_build_guards.py)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pyoxigraph import Store

from publisher.config import PROJECT_ROOT
from publisher.release.dumps import DumpFailed, start_dumps
from publisher.build.pipeline import PipelineResult
from publisher.build.sources import DocumentResult, extract_path
from publisher.release.publish import (ReleaseIOError, ReleaseRefused, check_shrink, check_sources,
                               open_staging)

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
CATALOGUE = "1. Kuntien eVaka\nHankkeessa rakennetaan ohjausjärjestelmä.\nLisätietoja\nMeri Vainio, Espoo\n"


def document(tmp_path: Path, name: str, text: str, extractor: str,
             projects: int | None = None) -> DocumentResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    extraction = extract_path(path, extractor=extractor)
    count = len(extraction.records) if projects is None else projects
    return DocumentResult(path.stem, path, extraction, [{"key": f"p{i}"} for i in range(count)],
                          extractor)


def pipeline(*documents: DocumentResult) -> PipelineResult:
    return PipelineResult(Store(), list(documents), "key", NOW, "mappings")


def published(releases: Path, projects: int, **extra) -> None:
    folder = releases / "20240101T000000Z"
    folder.mkdir(parents=True)
    (folder / "release.json").write_text(json.dumps(
        {"version": folder.name, "projects": projects, **extra}), encoding="utf-8")
    (releases / "latest").symlink_to(folder.name)


# ---------------------------------------------------------------- a source without records

def test_an_empty_page_yields_only_itself_and_is_refused(tmp_path: Path) -> None:
    page = document(tmp_path, "page.txt", "", "page")
    assert [r["type"] for r in page.extraction.records] == ["document"]   # why it needs a rule
    with pytest.raises(ReleaseRefused) as refused:
        check_sources(pipeline(document(tmp_path, "cat.txt", CATALOGUE, "catalogue"), page))
    message = refused.value.explain()
    assert str(tmp_path / "page.txt") in message and "page extractor" in message
    assert "cat.txt" not in message and "--allow-shrink" in message


def test_a_blank_catalogue_is_refused(tmp_path: Path) -> None:
    blank = document(tmp_path, "cat.txt", "\n  \n\t\n", "catalogue")
    with pytest.raises(ReleaseRefused, match=r"cat\.txt \(catalogue extractor\) yields no "
                                             r"project records: the text is empty or blank"):
        check_sources(pipeline(blank))


def test_sources_with_records_pass(tmp_path: Path) -> None:
    page = (PROJECT_ROOT / "mappings" / "sources" / "003_b6cfa8369f6eadbc.txt").read_text("utf-8")
    check_sources(pipeline(document(tmp_path, "cat.txt", CATALOGUE, "catalogue"),
                           document(tmp_path, "page.txt", page, "page")))


# ---------------------------------------------------------------- the shrink guard

@pytest.mark.parametrize("after, refused", [(80, False), (79, True), (100, False), (130, False)])
def test_a_fall_beyond_the_threshold_is_refused(tmp_path: Path, after: int, refused: bool) -> None:
    releases = tmp_path / "releases"
    published(releases, 100, source_records={"cat.txt": 1})
    result = pipeline(document(tmp_path, "cat.txt", CATALOGUE, "catalogue", projects=after))
    notes: list[str] = []
    if not refused:
        check_shrink(result, releases, 20, notes.append)
        assert notes == []
        return
    with pytest.raises(ReleaseRefused) as stopped:
        check_shrink(result, releases, 20, notes.append)
    message = str(stopped.value)
    assert "from 100" in message and "to 79" in message and "21.0 %" in message
    assert "max_shrink_percent = 20 %" in message and "20240101T000000Z" in message


def test_the_message_names_the_source_that_lost_records(tmp_path: Path) -> None:
    """A release made before release.json listed its sources: the build report tells."""
    releases = tmp_path / "releases"
    published(releases, 10)
    (releases / "latest" / "build-report.json").write_text(json.dumps({"documents": [
        {"document": "cat.txt", "counts": {"records": 9}},
        {"document": "page.txt", "counts": {"records": 1}}]}), encoding="utf-8")
    result = pipeline(document(tmp_path, "cat.txt", CATALOGUE, "catalogue", projects=1),
                      document(tmp_path, "page.txt", "Rubrik\n", "page", projects=0))
    with pytest.raises(ReleaseRefused) as stopped:
        check_shrink(result, releases, 20, print)
    assert "sources with fewer records: cat.txt 9 → 1 records" in str(stopped.value)
    assert "page.txt" not in str(stopped.value)


def test_nothing_to_compare_with(tmp_path: Path) -> None:
    result = pipeline(document(tmp_path, "cat.txt", CATALOGUE, "catalogue", projects=1))
    notes: list[str] = []
    check_shrink(result, tmp_path / "none-yet", 20, notes.append)
    assert notes == []                               # a first build says nothing
    releases = tmp_path / "releases"
    (releases / "gone").mkdir(parents=True)
    (releases / "latest").symlink_to("gone")         # a release without release.json
    check_shrink(result, releases, 20, notes.append)
    assert len(notes) == 1 and "release.json does not exist" in notes[0]


# ---------------------------------------------------------------- staging names

def test_two_stagings_in_one_second_are_two_folders(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    version, first = open_staging(releases, NOW)
    (first / "data.ttl").write_text("# the first build's work")
    again, second = open_staging(releases, NOW)
    assert first != second
    assert (first / "data.ttl").exists(), "a second build must not remove the first one's work"
    assert first.name.startswith(f".staging-{version}") and second.name.startswith(".staging-")


# ---------------------------------------------------------------- I/O errors as one line

def test_an_os_error_names_its_path_and_errno(tmp_path: Path) -> None:
    try:
        (tmp_path).read_bytes()
    except OSError as error:
        failure = ReleaseIOError.of(error, tmp_path / "releases")
    assert failure.explain() == (f"error: {tmp_path}: Is a directory [EISDIR]; nothing was "
                                 f"published, releases/latest is unchanged")


def test_an_error_without_a_path_names_the_releases_folder(tmp_path: Path) -> None:
    """pyoxigraph's I/O errors carry neither errno nor path, only '(os error N)' in the text."""
    from pyoxigraph import RdfFormat, serialize
    try:
        serialize([], str(tmp_path / "no-such-folder" / "x.nt"), RdfFormat.N_TRIPLES)
    except OSError as error:
        failure = ReleaseIOError.of(error, tmp_path / "releases")
    assert str(failure) == (f"cannot write the release into {tmp_path / 'releases'}: "
                            f"No such file or directory [ENOENT]")


def test_an_os_error_of_the_dump_writer_process_is_read_back(tmp_path: Path) -> None:
    missing = tmp_path / "chunk-missing.nt"
    job = start_dumps([("http://example.org/g", [missing])], tmp_path / "out",
                      tmp_path / "scratch", {})
    with pytest.raises(DumpFailed) as failed:
        job.wait()
    failure = ReleaseIOError.from_dump_failure(failed.value, tmp_path / "releases")
    assert failure is not None
    assert str(failure) == f"{missing}: No such file or directory [ENOENT]"
    assert ReleaseIOError.from_dump_failure(DumpFailed("ValueError: bad"), tmp_path) is None


def test_a_pyoxigraph_error_of_the_dump_writer_is_read_back(tmp_path: Path) -> None:
    """pyoxigraph cannot create data.trig (a folder stands in its place), with an error that
    has neither errno nor path; the writer's own files (the JSON-LD context) are written."""
    chunk = tmp_path / "chunk-00000.nt"
    chunk.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    out = tmp_path / "out"
    (out / "data.trig").mkdir(parents=True)
    job = start_dumps([("http://example.org/g", [chunk])], out, tmp_path / "scratch", {})
    with pytest.raises(DumpFailed) as failed:
        job.wait()
    assert "os error" in str(failed.value)
    failure = ReleaseIOError.from_dump_failure(failed.value, tmp_path / "releases")
    assert failure is not None
    assert str(failure) == (f"cannot write the release into {tmp_path / 'releases'}: "
                            f"Is a directory [EISDIR]")


def test_a_missing_output_folder_of_the_dump_writer_is_named(tmp_path: Path) -> None:
    """The writer's output folder is missing: the first file it cannot create is named."""
    chunk = tmp_path / "chunk-00000.nt"
    chunk.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    job = start_dumps([("http://example.org/g", [chunk])], tmp_path / "missing",
                      tmp_path / "scratch", {})
    with pytest.raises(DumpFailed) as failed:
        job.wait()
    failure = ReleaseIOError.from_dump_failure(failed.value, tmp_path / "releases")
    assert failure is not None
    assert str(failure).endswith("No such file or directory [ENOENT]")
