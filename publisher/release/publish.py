"""Release: gate the graph with SHACL, write the dumps and metadata, swap `latest` atomically.

Everything is written into a hidden staging folder first; only a build that passed the
gate and wrote every file is renamed to `releases/<version>/`, and only then does the
`latest` symlink move (an atomic rename). A failed or interrupted build leaves the
published release untouched.

Before any of that a build takes the releases folder's lock (`publisher/release/lock.py`),
removes what killed builds left there, and is refused if a source text yields nothing or the
project count falls too far against the published release (a cut or empty text must not
replace good data; `allow_shrink` overrides).
"""
from __future__ import annotations

import errno
import json
import logging
import os
import re
import shutil
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, RdfFormat, Store, serialize
from rdflib import Graph as RdfGraph
from rdflib import URIRef

from publisher import __version__
from publisher.build.extract import SourceError
from publisher.build.generations import Earlier
from publisher.build.key_registry import KEYS_FILE, load_registry, write_redirects
from publisher.build.pipeline import PipelineResult, run_pipeline
from publisher.config import Settings
from publisher.progress import Progress
from publisher.release.catalog_files import write_catalogue
from publisher.release.changes import (TRIG, OldCanonical, Previous, previous_release,
                                       remove_old_releases, write_changeset)
from publisher.release.dcat import release_coverage
from publisher.release.checksums import write_checksums
from publisher.release.docs import ontology_html, shapes_html
from publisher.release.history_files import write_generations, write_history
from publisher.release.dumps import (CANONICAL_FILE, DumpCounts, DumpFailed, DumpJob,
                                     start_dumps)
from publisher.release.lock import LINK_PREFIX, STAGING_PREFIX, build_lock, remove_leftovers
from publisher.release.quality import (add_measurements, assess_release, assessed_file,
                                       report_part, warn)
from publisher.release.statistics import DatasetStatistics, compute_statistics
from publisher.shacl import Outcome, shapes_graph, to_rdflib, validate
from publisher.vocab import (ONTOLOGY_FILES, RDF_TYPE, dump_prefixes, read_bundled_rdf,
                             rebase, vocabulary)

log = logging.getLogger("publisher.release.publish")

class BuildFailed(Exception):
    """The SHACL gate found violations: nothing was published."""

    def __init__(self, outcome: Outcome, staging: Path | None = None) -> None:
        super().__init__(f"{len(outcome.violations)} SHACL violation(s)")
        self.outcome = outcome
        self.staging = staging

    def explain(self) -> str:
        head = (f"build failed: {len(self.outcome.violations)} SHACL violation(s); "
                "nothing was published, releases/latest is unchanged.\n")
        return head + self.outcome.text()


class ReleaseRefused(Exception):
    """A release guard stopped the build (a source without records, or too great a fall in
    the project count): nothing was published."""

    def explain(self) -> str:
        return (f"build refused: {self.args[0]}; nothing was published, releases/latest is "
                f"unchanged. Check the source texts, or run `publisher build --allow-shrink` "
                f"if this is intended.")


class ReleaseIOError(Exception):
    """Reading an input or writing the release failed in the operating system (a full disk,
    a folder where a file should be, no permission): bad input, not bad data, so the CLI
    exits 2 with this one line instead of a traceback."""

    def __init__(self, path: str | Path, reason: str, *, folder: bool = False) -> None:
        where = f"cannot write the release into {path}" if folder else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = str(path)
        self.reason = reason

    def explain(self) -> str:
        return f"error: {self}; nothing was published, releases/latest is unchanged"

    @classmethod
    def of(cls, error: OSError, releases_dir: Path) -> "ReleaseIOError":
        """From an OSError. One without a path is a write to an open file (that is how a
        full disk shows): it is named by the releases folder, where the disk ran out."""
        number = error.errno
        reason = error.strerror or re.sub(r"\s*\(os error \d+\)\s*$", "", str(error))
        if number is None and (found := re.search(r"\(os error (\d+)\)", str(error))):
            number = int(found.group(1))     # pyoxigraph's I/O errors carry the number in text
        if number in errno.errorcode:
            reason = f"{reason} [{errno.errorcode[number]}]"
        if error.filename is None:
            return cls(releases_dir, reason, folder=True)
        return cls(error.filename, reason)

    @classmethod
    def from_dump_failure(cls, failure: DumpFailed,
                          releases_dir: Path) -> "ReleaseIOError | None":
        """The dump writer process reports an OSError as a line of text, Python's form
        ("[Errno 28] reason: 'path'") or pyoxigraph's ("reason (os error 28)"): read it back."""
        text = str(failure)
        if found := re.search(r"\[Errno (\d+)\] ([^\n]*?)(?:: '([^'\n]*)')?\s*$", text, re.M):
            number, reason, path = int(found.group(1)), found.group(2), found.group(3)
        elif found := re.search(r"\b\w*Error: ([^\n]*?) \(os error (\d+)\)", text):
            number, reason, path = int(found.group(2)), found.group(1), None
        else:
            return None
        if number in errno.errorcode:
            reason = f"{reason} [{errno.errorcode[number]}]"
        return cls(path, reason) if path else cls(releases_dir, reason, folder=True)


@dataclass(frozen=True)
class ReleaseResult:
    path: Path
    version: str
    triples: int
    projects: int
    outcome: Outcome


def new_version(releases_dir: Path, now: datetime) -> str:
    """A sortable UTC timestamp; a suffix keeps two builds in one second apart."""
    version = now.strftime("%Y%m%dT%H%M%SZ")
    candidate, n = version, 1
    while (releases_dir / candidate).exists():
        n += 1
        candidate = f"{version}-{n}"
    return candidate


# ---------------------------------------------------------------- the gate

def gate_store(store: Store, settings: Settings) -> Outcome:
    """Validate every graph of the store (data, reference data and vocabulary together) with
    the data profile, each focus located in the source texts the data records."""
    outcome = validate(store, shapes_graph(settings, ["kuntadigi"]), base_uri=settings.base_uri)
    for shape, reason in outcome.by_pyshacl.items():
        log.warning("SHACL gate through pyshacl: %s: %s", shape, reason)
    return outcome


def gate(result: PipelineResult, settings: Settings) -> Outcome:
    """The SHACL gate of a build."""
    return gate_store(result.store, settings)


# ---------------------------------------------------------------- writing

def write_vocabulary(folder: Path, settings: Settings) -> None:
    """The ontology (with concept schemes) and the shapes, rebased, as Turtle."""
    triples = [t for name in ONTOLOGY_FILES for t in read_bundled_rdf(settings.ontology_dir / name, settings.base_uri)]
    (folder / "ontology.ttl").write_bytes(
        serialize(triples, format=RdfFormat.TURTLE, prefixes=dump_prefixes(settings.base_uri)))
    shapes = rebase((settings.shapes_dir / "kuntadigi.ttl").read_text(encoding="utf-8"),
                    settings.base_uri)
    (folder / "shapes.ttl").write_text(shapes, encoding="utf-8")


#: How many uses of a term the documentation looks at to choose its example.
EXAMPLE_CANDIDATES = 200


def example_triples(store: Store, ontology: RdfGraph) -> list[Any]:
    """One triple from the data for each term of the vocabulary, the examples of the
    documentation: the smallest of the term's first uses in the store (a full scan per term
    would cost seconds in a large build, for an illustration)."""
    terms = sorted(str(s) for s in ontology.subjects() if isinstance(s, URIRef))
    rdf_type = NamedNode(RDF_TYPE)
    chosen: list[Any] = []
    for term in terms:
        node = NamedNode(term)
        for pattern in ((None, node, None), (None, rdf_type, node)):
            uses = islice(store.quads_for_pattern(*pattern, None), EXAMPLE_CANDIDATES)
            triple = min((q.triple for q in uses), key=str, default=None)
            if triple is not None:
                chosen.append(triple)
    return chosen


def write_documentation(folder: Path, store: Store) -> None:
    """The vocabulary and the data profile as HTML pages, with examples from this release."""
    ontology = RdfGraph().parse(folder / "ontology.ttl", format="turtle")
    examples = to_rdflib(example_triples(store, ontology))
    (folder / "ontology.html").write_text(ontology_html(ontology, examples), encoding="utf-8")
    shapes = RdfGraph().parse(folder / "shapes.ttl", format="turtle")
    (folder / "shapes.html").write_text(shapes_html(shapes, "Kuntadigi data profile (SHACL)"),
                                        encoding="utf-8")


def write_report(folder: Path, result: PipelineResult, outcome: Outcome) -> None:
    """The build report: every source line accounted for, every problem, the gate's counts."""
    report = {
        "build": result.build_key,
        "software_version": __version__,
        "mapping_version": result.mapping_version,
        "validation": outcome.counts,
        "documents": [{"document": d.path.name, "key": d.key, **d.extraction.report()}
                      for d in result.documents],
        "problems": [str(p) for p in result.problems],
        **result.report_parts(),      # summary, merge decisions, theme assignments
    }
    (folder / "build-report.json").write_text(readable_json(report), encoding="utf-8")
    (folder / "validation-report.ttl").write_text(outcome.render("turtle"), encoding="utf-8")


def readable_json(value: Any, depth: int = 4, indent: str = "") -> str:
    """JSON with the outer `depth` levels laid out one member per line and everything below
    written compactly: readable, and written by the C encoder (a full indent uses Python's
    and takes seconds for the report of a large build)."""
    if depth == 0 or not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=False)
    inner = indent + "  "
    if isinstance(value, dict):
        members = [f"{inner}{json.dumps(k, ensure_ascii=False)}: "
                   f"{readable_json(v, depth - 1, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(members) + f"\n{indent}}}" + ("\n" if not indent else "")
    items = [f"{inner}{readable_json(v, depth - 1, inner)}" for v in value]
    return "[\n" + ",\n".join(items) + f"\n{indent}]" + ("\n" if not indent else "")


def first_issued(releases_dir: Path, now: datetime) -> datetime:
    """The dataset was issued with its first release; later releases only modify it."""
    meta = releases_dir / "latest" / "release.json"
    if meta.exists():
        issued = json.loads(meta.read_text(encoding="utf-8")).get("issued")
        if issued:
            return datetime.fromisoformat(issued.replace("Z", "+00:00"))
    return now


def dataset_statistics(store: Store, settings: Settings) -> DatasetStatistics:
    """The counts the catalogue and VoID state, by SPARQL on the store."""
    return compute_statistics(store, uri_space=f"{settings.base_uri}id/")


def write_metadata(folder: Path, settings: Settings, version: str, store: Store,
                   issued: datetime, modified: datetime,
                   statistics: DatasetStatistics | None = None,
                   notice: Callable[[str], None] | None = None) -> None:
    """DCAT-AP catalogue (gated by the official shapes), VoID, the catalogue's metadata
    quality (MQA: into the build report and the catalogue, shortfalls to `notice`) and
    checksums, in that order."""
    statistics = statistics or dataset_statistics(store, settings)
    write_catalogue(settings, version, folder, issued, modified, statistics,
                    release_coverage(store, settings.base_uri))
    assessment = assess_release(settings, version, folder)
    add_measurements(settings, folder, assessment)
    add_to_report(folder, "quality", report_part(assessment, assessed_file(folder)))
    warn(assessment, notice)
    write_checksums(folder)


def add_to_report(folder: Path, key: str, value: Any) -> None:
    """A member added to the build report written before (a part known only later)."""
    path = folder / "build-report.json"
    report = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    report[key] = value
    path.write_text(readable_json(report), encoding="utf-8")


def publish(staging: Path, releases_dir: Path, version: str) -> Path:
    """Move the finished release into place, then repoint `latest` atomically."""
    final = releases_dir / version
    os.replace(staging, final)
    link = releases_dir / "latest"
    temporary = releases_dir / f"{LINK_PREFIX}{version}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(version, temporary)
    os.replace(temporary, link)
    return final


def open_staging(releases_dir: Path, now: datetime) -> tuple[str, Path]:
    """A new version name and its empty hidden staging folder, named by the process and a
    random part so that no other build's staging folder can have its name (mkdir refuses
    an existing one rather than share it)."""
    releases_dir.mkdir(parents=True, exist_ok=True)
    version = new_version(releases_dir, now)
    staging = releases_dir / f"{STAGING_PREFIX}{version}-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    return version, staging


# ---------------------------------------------------------------- release guards

def check_sources(result: PipelineResult) -> None:
    """Refuse a build in which a configured source yields no records: an empty or wrong
    text would otherwise take its projects out of the release without a word."""
    empty = []
    for document in result.documents:
        if document.content_records():
            continue
        stage = document.family
        lines = len(document.extraction.line_accounts)
        what = "the text is empty or blank" if not lines else f"{lines} non-empty lines"
        empty.append(f"source {document.path} ({document.extractor} extractor) yields "
                     f"{stage.content_words}: {what}")
    if empty:
        raise ReleaseRefused("; ".join(empty))


def published_release(releases_dir: Path) -> tuple[dict[str, Any] | None, str | None]:
    """release.json of the release `latest` points at, or None and why there is none to
    compare with (no release yet is not a reason to say anything)."""
    link = releases_dir / "latest"
    if not link.exists() and not link.is_symlink():
        return None, None
    meta = link / "release.json"
    if not meta.exists():
        return None, f"{meta} does not exist"
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
    except ValueError as error:
        return None, f"{meta} is not JSON ({error})"
    if not isinstance(info, dict) or not isinstance(info.get("projects"), int):
        return None, f"{meta} gives no project count"
    return info, None


def source_records(result: PipelineResult) -> dict[str, int]:
    """Records extracted per source text, by file name (as in the build report)."""
    return {d.path.name: len(d.extraction.records) for d in result.documents}


def published_source_records(releases_dir: Path, info: dict[str, Any]) -> dict[str, int]:
    """The same figures of the published release: from its release.json, or for a release
    made before they were written there, from its build report."""
    figures = info.get("source_records")
    if isinstance(figures, dict):
        return {k: v for k, v in figures.items() if isinstance(v, int)}
    try:
        report = json.loads((releases_dir / "latest" / "build-report.json")
                            .read_text(encoding="utf-8"))
        return {d["document"]: d["counts"]["records"] for d in report.get("documents", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def check_shrink(result: PipelineResult, releases_dir: Path, max_shrink_percent: float,
                 notice: Callable[[str], None]) -> None:
    """Refuse a build whose project count falls by more than `max_shrink_percent` percent
    against the published release; the message names the sources that gave fewer records."""
    info, why_not = published_release(releases_dir)
    if info is None:
        if why_not:
            notice(f"note: the shrink guard has no project count to compare with: {why_not}")
        return
    before = info["projects"]
    after = sum(len(d.records) for d in result.documents)
    if before <= 0 or after >= before:
        return
    fall = (before - after) * 100 / before
    if fall <= max_shrink_percent:
        return
    now = source_records(result)
    then = published_source_records(releases_dir, info)
    fewer = [f"{name} {then[name]} → {count} records" for name, count in now.items()
             if name in then and count < then[name]]
    fewer += [f"{name} (not in this build)" for name in then if name not in now]
    sources = ("sources with fewer records: " + ", ".join(fewer) if fewer else
               "records per source now: " + ", ".join(f"{n} {c}" for n, c in now.items()))
    raise ReleaseRefused(
        f"the project count would fall from {before} (release {info.get('version', '?')}, "
        f"which releases/latest points at) to {after}, by {fall:.1f} %, more than "
        f"limits.max_shrink_percent = {max_shrink_percent:g} %; {sources}")


def write_release_info(folder: Path, result: PipelineResult, settings: Settings, version: str,
                       now: datetime, issued: datetime, counts: DumpCounts,
                       previous: Previous | None = None) -> int:
    """release.json: what this release is, and the release before it (the chain the
    changesets follow); returns the number of projects."""
    projects = sum(len(d.records) for d in result.documents)
    (folder / "release.json").write_text(json.dumps({
        "version": version, "built": now.isoformat().replace("+00:00", "Z"),
        "issued": issued.isoformat().replace("+00:00", "Z"),
        "build": result.build_key, "triples": counts.triples,
        "quads": counts.quads, "projects": projects,
        "source_records": source_records(result),
        "software_version": __version__, "mapping_version": result.mapping_version,
        "base_uri": settings.base_uri,
        "previous": previous.as_json() if previous else None}, indent=2) + "\n",
        encoding="utf-8")
    return projects


def build_release(settings: Settings, progress: Progress | None = None, *,
                  allow_shrink: bool = False,
                  notice: Callable[[str], None] | None = None) -> ReleaseResult:
    """The whole build: the pipeline maps the texts into graph files; a child process writes
    the dumps from them while this one loads the store, runs the SHACL gate and writes the
    vocabulary, documentation and report; then the metadata, and publication only if the
    guards and the gate passed and every file was written.

    One build at a time per releases folder (BuildRunning otherwise); an operating-system
    error, reading or writing, becomes ReleaseIOError. `notice` gets the lines a user should
    read even with --quiet (what was cleaned up)."""
    progress = progress or Progress(quiet=True)
    notice = notice or log.warning
    releases_dir = settings.releases_dir
    try:
        with build_lock(releases_dir):
            remove_leftovers(releases_dir, notice)
            return _build_locked(settings, progress, allow_shrink, notice)
    except OSError as error:
        raise ReleaseIOError.of(error, releases_dir) from error
    except SourceError as error:
        if isinstance(error.__cause__, OSError):     # a missing or unreadable source file
            raise ReleaseIOError.of(error.__cause__, releases_dir) from error
        raise


def _build_locked(settings: Settings, progress: Progress, allow_shrink: bool,
                  notice: Callable[[str], None]) -> ReleaseResult:
    """The build proper; only with the lock held are the version name and `latest` ours."""
    releases_dir = settings.releases_dir
    now = datetime.now(timezone.utc).replace(microsecond=0)
    issued = first_issued(releases_dir, now)
    previous = previous_release(releases_dir)
    version, staging = open_staging(releases_dir, now)
    jobs: list[DumpJob] = []
    old_canonical = OldCanonical.start(previous, staging)     # sorted beside the build

    def guard_sources(extracted: PipelineResult) -> None:
        if not allow_shrink:
            check_sources(extracted)

    def start_writing_dumps(mapped: PipelineResult) -> None:
        if not allow_shrink:
            check_shrink(mapped, releases_dir, settings.limits.max_shrink_percent, notice)
        jobs.append(start_dumps(mapped.files.graphs(), staging, staging / ".runs",
                                dump_prefixes(settings.base_uri)))

    try:
        earlier = Earlier.read(previous[0]) if previous and previous[1].verified else None
        result = run_pipeline(settings, progress, workdir=staging / ".graphs",
                              on_extracted=guard_sources, on_mapped=start_writing_dumps,
                              earlier=earlier)
        progress.step("validate (SHACL gate)")
        outcome = gate(result, settings)
        if not outcome.conforms and outcome.violations:
            raise BuildFailed(outcome)
        progress.step("vocabulary, documentation, build report")
        write_vocabulary(staging, settings)
        write_documentation(staging, result.store)
        write_report(staging, result, outcome)
        add_to_report(staging, "generations", write_generations(staging, result))
        write_redirects(staging, load_registry(settings.mappings_dir / KEYS_FILE))
        progress.step("dataset statistics")
        statistics = dataset_statistics(result.store, settings)
        progress.step("wait for the dumps")
        counts = jobs[0].wait()
        result.close()
        shutil.rmtree(staging / ".runs", ignore_errors=True)
        progress.step("changeset against the previous release")
        canonical = staging / CANONICAL_FILE
        changes = write_changeset(staging, version, previous, vocabulary(settings.base_uri),
                                  notice, old_canonical)
        if changes is not None:
            add_to_report(staging, "changes", changes)
        progress.step("versions of the resources")
        add_to_report(staging, "versions", write_history(
            staging, staging / TRIG, canonical, version,
            result.started.isoformat().replace("+00:00", "Z"), changes))
        progress.step("catalogue, VoID, checksums")
        projects = write_release_info(staging, result, settings, version, now, issued, counts,
                                      previous[1] if previous else None)
        write_metadata(staging, settings, version, result.store, issued, now, statistics,
                       notice)
        final = publish(staging, releases_dir, version)
    except BaseException as error:
        for job in jobs:
            job.cancel()
        if old_canonical is not None:
            old_canonical.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, DumpFailed):
            failure = ReleaseIOError.from_dump_failure(error, releases_dir)
            if failure is not None:
                raise failure from error
        raise
    remove_old_releases(releases_dir, settings.release_keep, version, notice)
    progress.step(f"published {final}")
    return ReleaseResult(final, version, len(result.store), projects, outcome)
