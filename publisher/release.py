"""Release: gate the graph with SHACL, write the dumps and metadata, swap `latest` atomically.

Everything is written into a hidden staging folder first; only a build that passed the
gate and wrote every file is renamed to `releases/<version>/`, and only then does the
`latest` symlink move (an atomic rename). A failed or interrupted build leaves the
published release untouched.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, RdfFormat, Store, serialize
from rdflib import Graph as RdfGraph
from rdflib import URIRef

from publisher import __version__
from publisher.config import Settings
from publisher.catalog import DatasetStatistics, compute_statistics
from publisher.dumps import DumpCounts, DumpJob, start_dumps
from publisher.pipeline import (ONTOLOGY_FILES, PipelineResult, read_rdf_file, rebase,
                                run_pipeline)
from publisher.progress import Progress
from publisher.shacl import UnsupportedShapes, validate_store
from publisher.validate import (ValidationOutcome, ontology_graph, shapes_graph, to_rdflib,
                                validate_graph)

log = logging.getLogger("publisher.release")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

PREFIXES = {
    "kd": "{base}def/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "http://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


class BuildFailed(Exception):
    """The SHACL gate found violations: nothing was published."""

    def __init__(self, outcome: ValidationOutcome, staging: Path | None = None) -> None:
        super().__init__(f"{len(outcome.violations)} SHACL violation(s)")
        self.outcome = outcome
        self.staging = staging

    def explain(self) -> str:
        head = (f"build failed: {len(self.outcome.violations)} SHACL violation(s); "
                "nothing was published, releases/latest is unchanged.\n")
        return head + self.outcome.text()


@dataclass(frozen=True)
class ReleaseResult:
    path: Path
    version: str
    triples: int
    projects: int
    outcome: ValidationOutcome


def prefixes(settings: Settings) -> dict[str, str]:
    return {k: v.replace("{base}", settings.base_uri) for k, v in PREFIXES.items()}


def new_version(releases_dir: Path, now: datetime) -> str:
    """A sortable UTC timestamp; a suffix keeps two builds in one second apart."""
    version = now.strftime("%Y%m%dT%H%M%SZ")
    candidate, n = version, 1
    while (releases_dir / candidate).exists():
        n += 1
        candidate = f"{version}-{n}"
    return candidate


# ---------------------------------------------------------------- the gate

def gate_store(store: Store, settings: Settings) -> ValidationOutcome:
    """Validate every graph of the store (data, reference data and vocabulary together) with
    the data profile: by the compiled engine on the store itself, or by pyshacl on an rdflib
    copy if the shapes use something the engine does not compile (the reports are equal)."""
    shapes = shapes_graph(settings, ["kuntadigi"])
    try:
        return validate_store(store, shapes)
    except UnsupportedShapes as reason:
        log.warning("SHACL gate through pyshacl: %s", reason)
    data = to_rdflib(q.triple for q in store)
    return validate_graph(data, shapes, ontology_graph(settings))


def gate(result: PipelineResult, settings: Settings) -> ValidationOutcome:
    """The SHACL gate of a build; each focus is located in the source texts."""
    outcome = gate_store(result.store, settings)
    outcome.sources = source_spans(result, {r.focus for r in outcome.results}, settings)
    return outcome


def source_spans(result: PipelineResult, focuses: set[str],
                 settings: Settings) -> dict[str, str]:
    """For each focus IRI: the source document and lines of the project(s) it belongs to."""
    projects: dict[str, str] = {}
    for document in result.documents:
        for record in document.records:
            iri = f"{settings.base_uri}id/project/{record['key']}"
            projects[iri] = (f"{document.path.name} lines "
                             f"{record.get('first_line')}–{record.get('last_line')}")
    spans: dict[str, str] = {}
    for focus in focuses:
        owner = focus.split("#", 1)[0]
        if owner in projects:
            spans[focus] = projects[owner]
        elif focus.startswith(("http://", "https://")):
            referrers = {projects[owner_of] for q in
                         result.store.quads_for_pattern(None, None, NamedNode(focus), None)
                         if (owner_of := q.subject.value.split("#", 1)[0]) in projects}
            if referrers:
                spans[focus] = "; ".join(sorted(referrers))
    return spans


# ---------------------------------------------------------------- writing

def write_vocabulary(folder: Path, settings: Settings) -> None:
    """The ontology (with concept schemes) and the shapes, rebased, as Turtle."""
    triples = [t for name in ONTOLOGY_FILES for t in read_rdf_file(settings.ontology_dir / name, settings)]
    (folder / "ontology.ttl").write_bytes(
        serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes(settings)))
    shapes = rebase((settings.shapes_dir / "kuntadigi.ttl").read_text(encoding="utf-8"), settings)
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
    from publisher.docs import ontology_html, shapes_html

    ontology = RdfGraph().parse(folder / "ontology.ttl", format="turtle")
    examples = to_rdflib(example_triples(store, ontology))
    (folder / "ontology.html").write_text(ontology_html(ontology, examples), encoding="utf-8")
    shapes = RdfGraph().parse(folder / "shapes.ttl", format="turtle")
    (folder / "shapes.html").write_text(shapes_html(shapes, "Kuntadigi data profile (SHACL)"),
                                        encoding="utf-8")


def write_report(folder: Path, result: PipelineResult, outcome: ValidationOutcome) -> None:
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


class CatalogInvalid(Exception):
    """The DCAT-AP catalogue of the release broke the official shapes: nothing was published."""

    def explain(self) -> str:
        return f"build failed: the DCAT-AP catalogue does not conform:\n{self.args[0]}"


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
                   statistics: DatasetStatistics | None = None) -> None:
    """DCAT-AP catalogue (gated by the official shapes), VoID and checksums, in that order."""
    from publisher.catalog import build_catalog, build_void, validate_catalog, write_checksums

    statistics = statistics or dataset_statistics(store, settings)
    catalog = build_catalog(settings, version, folder, issued, modified, statistics)
    conforms, report = validate_catalog(catalog, settings)
    if not conforms:
        raise CatalogInvalid(report)
    (folder / "catalog.ttl").write_text(catalog.serialize(format="turtle"), encoding="utf-8")
    void = build_void(settings, version, folder, statistics)
    (folder / "void.ttl").write_text(void.serialize(format="turtle"), encoding="utf-8")
    write_checksums(folder)


def publish(staging: Path, releases_dir: Path, version: str) -> Path:
    """Move the finished release into place, then repoint `latest` atomically."""
    final = releases_dir / version
    os.replace(staging, final)
    link = releases_dir / "latest"
    temporary = releases_dir / f".latest-{version}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(version, temporary)
    os.replace(temporary, link)
    return final


def open_staging(releases_dir: Path, now: datetime) -> tuple[str, Path]:
    """A new version name and its empty hidden staging folder."""
    releases_dir.mkdir(parents=True, exist_ok=True)
    version = new_version(releases_dir, now)
    staging = releases_dir / f".staging-{version}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return version, staging


def write_release_info(folder: Path, result: PipelineResult, settings: Settings, version: str,
                       now: datetime, issued: datetime, counts: DumpCounts) -> int:
    """release.json: what this release is; returns the number of projects."""
    projects = sum(len(d.records) for d in result.documents)
    (folder / "release.json").write_text(json.dumps({
        "version": version, "built": now.isoformat().replace("+00:00", "Z"),
        "issued": issued.isoformat().replace("+00:00", "Z"),
        "build": result.build_key, "triples": counts.triples,
        "quads": counts.quads, "projects": projects,
        "software_version": __version__, "mapping_version": result.mapping_version,
        "base_uri": settings.base_uri}, indent=2) + "\n", encoding="utf-8")
    return projects


def build_release(settings: Settings, progress: Progress | None = None) -> ReleaseResult:
    """The whole build: the pipeline maps the texts into graph files; a child process writes
    the dumps from them while this one loads the store, runs the SHACL gate and writes the
    vocabulary, documentation and report; then the metadata, and publication only if the
    gate passed and every file was written."""
    progress = progress or Progress(quiet=True)
    releases_dir = settings.releases_dir
    now = datetime.now(timezone.utc).replace(microsecond=0)
    issued = first_issued(releases_dir, now)
    version, staging = open_staging(releases_dir, now)
    jobs: list[DumpJob] = []

    def start_writing_dumps(mapped: PipelineResult) -> None:
        jobs.append(start_dumps(mapped.files.graphs(), staging, staging / ".runs",
                                prefixes(settings)))

    try:
        result = run_pipeline(settings, progress, workdir=staging / ".graphs",
                              on_mapped=start_writing_dumps)
        progress.step("validate (SHACL gate)")
        outcome = gate(result, settings)
        if not outcome.conforms and outcome.violations:
            raise BuildFailed(outcome)
        progress.step("vocabulary, documentation, build report")
        write_vocabulary(staging, settings)
        write_documentation(staging, result.store)
        write_report(staging, result, outcome)
        progress.step("dataset statistics")
        statistics = dataset_statistics(result.store, settings)
        progress.step("wait for the dumps")
        counts = jobs[0].wait()
        result.close()
        shutil.rmtree(staging / ".runs", ignore_errors=True)
        progress.step("catalogue, VoID, checksums")
        projects = write_release_info(staging, result, settings, version, now, issued, counts)
        write_metadata(staging, settings, version, result.store, issued, now, statistics)
        final = publish(staging, releases_dir, version)
    except BaseException:
        for job in jobs:
            job.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress.step(f"published {final}")
    return ReleaseResult(final, version, len(result.store), projects, outcome)
