"""The build up to the gate: extract → identify → prepare → themes → map, into N-Triples
graph files (`graphfiles.py`) and the in-memory quad store loaded from them.

Each stage is a module of its own; this one only runs them in order. What a source family
does at each stage is its entry in `sources.py`; the records passed between the stages are
described in `records.py`.

One named graph per source document, one for reference data (code lists, organisations, the
funding programme), one for themes, one for the vocabulary and one for the build. Everything
is keyed deterministically so two builds of the same texts give the same triples apart from
build times.
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Store

from publisher.build import reference, theming
from publisher.build.extract import Problem, read_source_text
from publisher.build.generations import Earlier, Generations
from publisher.build.graphfiles import GraphFiles
from publisher.build.identify import Identity, identify, reconcile
from publisher.build.key_registry import KEYS_FILE, load_registry, same_as_quads
from publisher.build.mapping import RecordMapping, load_mapping
from publisher.build.merge import load_merge_rules
from publisher.build.prepare.context import DocumentContext
from publisher.build.prepare.organisations import OrganisationRegistry
from publisher.build.provenance import build_activity_quads, build_key
from publisher.build.records import MappingSettings
from publisher.build.reference import (load_programme, reference_records, source_text_record,
                                       vocabulary_quads)
from publisher.build.report import merge_report, person_report, summary
from publisher.build.sources import FAMILIES, DocumentResult, extract_path
from publisher.build.themes import load_theme_rules
from publisher.build.theming import Themed, give_themes
from publisher.config import Settings
from publisher.progress import Progress
from publisher.vocab import graph, thing


@dataclass
class PipelineResult:
    """What the build made for the release: the store and its graph files, the documents,
    and the parts of the build report."""

    store: Store
    documents: list[DocumentResult]
    build_key: str
    started: datetime
    mapping_version: str
    problems: list[Problem] = field(default_factory=list)
    #: Build-report parts of the merge and themes stages, and the figures of the build.
    merges: dict[str, Any] = field(default_factory=dict)
    themes: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    #: The mapping's output, one N-Triples file per named graph (what the store holds).
    files: "GraphFiles | None" = None
    #: Which build generated each description (`generations.py`), settled after mapping.
    generations: Generations | None = None
    #: The build graph as N-Triples lines (the next build reads it back).
    build_graph: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Remove the graph files (the store stays usable)."""
        if self.files is not None:
            self.files.remove()

    def report_parts(self) -> dict[str, Any]:
        """What the build report adds to the per-document accounts."""
        return {"summary": self.summary, "merges": self.merges, "themes": self.themes}


@dataclass(frozen=True)
class _Inputs:
    """What every stage after extraction reads besides the documents."""

    settings: Settings
    mappings: dict[str, RecordMapping]
    lines_of: dict[str, list[str]]
    organisations: OrganisationRegistry
    programme: dict[str, Any] | None
    programme_iri: str | None


def run_pipeline(settings: Settings, progress: Progress | None = None, *,
                 workdir: Path | None = None,
                 on_extracted: Callable[[PipelineResult], None] | None = None,
                 on_mapped: Callable[[PipelineResult], None] | None = None,
                 earlier: Earlier | None = None) -> PipelineResult:
    """Extract, identify, prepare, give themes and map every registered source into one store.

    The mapping writes N-Triples chunk files per named graph under `workdir` (a temporary
    folder by default, removed by `PipelineResult.close`), loaded into the store by a
    background thread as they fill; `on_mapped` is called once they are all written, before
    the last loads are waited for, so a caller can start on the files (the release writes
    its dumps from them in parallel). `on_extracted` is called after extraction, before
    anything else, so a caller can stop a build whose texts are cut at once; either callback
    may raise to stop the build. `earlier` is what the previous release says about which
    build generated each description (`generations.py`)."""
    progress = progress or Progress(quiet=True)
    started = datetime.now(timezone.utc).replace(microsecond=0)
    base = settings.base_uri
    mappings = {name: load_mapping(settings.mappings_dir / name, base)
                for name in mapping_files(settings)}
    store = Store()
    version = ", ".join(f"{name} {m.version}" for name, m in mappings.items())
    result = PipelineResult(store, [], build_key(settings, list(mappings)), started, version,
                            files=GraphFiles(workdir, store=store))
    result.generations = Generations(thing(base, "build", result.build_key), earlier)
    programme = load_programme(settings.mappings_dir / "programme.toml")
    inputs = _Inputs(settings, mappings, {},
                     OrganisationRegistry.load(settings.mappings_dir / "organisations.toml"),
                     programme, thing(base, "programme", programme["key"]) if programme else None)

    progress.step("extract")
    for source in settings.sources:
        extraction = extract_path(source.path, settings, extractor=source.extractor)
        result.documents.append(DocumentResult(source.key, source.path, extraction, [],
                                               source.extractor))
        result.problems.extend(extraction.problems)
        inputs.lines_of[source.path.name] = read_source_text(source.path)
        progress.count(source.path.name, len(extraction.records))
        progress.done(source.path.name)
    if on_extracted is not None:
        on_extracted(result)

    with records_kept():
        _after_extraction(result, inputs, progress)
    if on_mapped is not None:
        try:
            on_mapped(result)
        except BaseException:
            with suppress(Exception):     # let the loader finish before the caller cleans up
                result.files.wait_loaded()
            raise
    keep_only_spans(result)
    progress.step("load the store")
    result.files.wait_loaded()
    return result


def mapping_files(settings: Settings) -> list[str]:
    """The mapping files of the families the sources are read by (all when no source is
    configured), then those of the reference data and the themes."""
    used = {s.extractor for s in settings.sources} or set(FAMILIES)
    files = [family.mapping_file for name, family in FAMILIES.items() if name in used]
    return files + [reference.MAPPING_FILE, theming.MAPPING_FILE]


def keep_only_spans(result: PipelineResult) -> None:
    """After mapping, records are only needed for the report and to place a SHACL result in
    its source lines: drop the rest before the store takes its memory (at 30 000 records the
    prepared records are over a hundred megabytes)."""
    for document in result.documents:
        document.records = [{"key": r.get("key"), "first_line": r.get("first_line"),
                             "last_line": r.get("last_line")} for r in document.records]
        document.prepared = []


@contextmanager
def records_kept() -> Iterator[None]:
    """The extracted records live until the end of the build: keep the garbage collector
    from rescanning them at every full collection (a quarter of the later stages' time at
    scale), and hand them back to it afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _after_extraction(result: PipelineResult, inputs: _Inputs, progress: Progress) -> None:
    """Identify, prepare, themes and mapping into the graph files."""
    settings, base, documents = inputs.settings, inputs.settings.base_uri, result.documents
    progress.step("merge")
    rules = load_merge_rules(settings.mappings_dir / "merge-rules.toml")
    identity = identify(documents, rules, inputs.programme_iri, base,
                        load_registry(settings.mappings_dir / KEYS_FILE))
    result.problems.extend(identity.problems)

    progress.step("link")
    _prepare(result, inputs, identity)
    notes = reconcile(documents, identity.merged, inputs.programme)
    for document in documents:
        document.records = [p for p in document.prepared
                            if document.family.projects(p) and not p.get("merged")]

    progress.step("themes")
    project_iris = {thing(base, "project", p["key"]) for d in documents for p in d.records}
    theme_rules = load_theme_rules(settings.mappings_dir / theming.RULES_FILE)
    themed = give_themes(documents, theme_rules, inputs.programme_iri, base, project_iris,
                         result.build_key)
    result.themes = themed.report
    result.problems.extend(themed.problems)

    progress.step("map")
    _map(result, inputs, themed, progress)

    progress.step("reference data and vocabulary")
    files = result.files
    files.add_quads(same_as_quads(identity.same_as, [graph(base, d.key) for d in documents]))
    files.add_quads(vocabulary_quads(settings, NamedNode(graph(base, "ontology"))))
    generations = result.generations
    for named_graph, lines in generations.settle():
        files.add_lines(named_graph, lines)
    activity = [f"{q.subject} {q.predicate} {q.object} ." for q in build_activity_quads(
        result.build_key, result.started, settings,
        {name: m.version for name, m in inputs.mappings.items()}, [d.key for d in documents])]
    result.build_graph = sorted(set(activity + generations.earlier_builds()))
    files.add_lines(graph(base, "build"), result.build_graph)
    files.close()
    result.merges = merge_report(identity.merged, notes, identity.iris, identity.candidates,
                                 inputs.programme_iri)
    result.merges["persons"] = person_report(documents)
    result.merges["keys"] = identity.keys
    result.summary = summary(documents, identity.merged, themed.assignments, themed.texts,
                             project_iris)


def _prepare(result: PipelineResult, inputs: _Inputs, identity: Identity) -> None:
    """Each record prepared by its family, with the URIs identify gave its document's
    initiatives."""
    funded = set((inputs.programme or {}).get("funds_extractors", []))
    for position, (document, source) in enumerate(zip(result.documents,
                                                      inputs.settings.sources)):
        refs = {index: iri for (pos, index), iri in identity.iris.items() if pos == position}
        context = DocumentContext(document.key, inputs.lines_of[source.path.name],
                                  result.build_key, source.path.name, refs, inputs.organisations,
                                  inputs.programme_iri if document.extractor in funded else None,
                                  inputs.settings.base_uri)
        prepare = document.family.prepare
        for index, record in enumerate(document.extraction.records):
            prepared = prepare(record, context)
            prepared["_id"] = (position, index)
            document.prepared.append(prepared)


def _map(result: PipelineResult, inputs: _Inputs, themed: Themed, progress: Progress) -> None:
    """Every record through its mapping file into its graph's files."""
    settings, base, files = inputs.settings, inputs.settings.base_uri, result.files
    held = result.generations.hold
    view: MappingSettings = {"publish_person_names": settings.publish_person_names}
    reference_mapping = inputs.mappings[reference.MAPPING_FILE]
    for document, source in zip(result.documents, settings.sources):
        document_graph = graph(base, document.key)
        lines = inputs.lines_of[source.path.name]
        text = source_text_record(document.key, source, lines, document.extraction.records,
                                  inputs.organisations)
        files.add_lines(document_graph, held(document_graph, reference_mapping.lines(text, view)))
        mapping = inputs.mappings[document.family.mapping_file]
        for n, prepared in enumerate(document.prepared, start=1):
            files.add_lines(document_graph, held(document_graph, mapping.lines(prepared, view)))
            progress.count("records", n, len(document.prepared))
    document_keys = {d.path.name: d.key for d in result.documents}
    for record in reference_records(settings, inputs.organisations, inputs.programme,
                                    document_keys, inputs.lines_of, result.build_key):
        files.add_lines(graph(base, "reference"),
                        held(graph(base, "reference"), reference_mapping.lines(record, view)))
    themes_mapping = inputs.mappings[theming.MAPPING_FILE]
    for record in themed.records:
        files.add_lines(graph(base, "themes"),
                        held(graph(base, "themes"), themes_mapping.lines(record, view)))
