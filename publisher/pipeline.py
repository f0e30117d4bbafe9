"""The build pipeline up to the gate: extract → link → map, into one in-memory quad store.

One named graph per source document, one for reference data (code lists, statuses),
one for the vocabulary. Everything is keyed deterministically so two builds of the
same texts give the same triples apart from build times.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse

from publisher import __version__
from publisher.config import Settings
from publisher.extract import Extraction, Problem, extract_path, read_source_text
from publisher.keys import unique_keys
from publisher.link import (DCTERMS, LANGUAGE_IRIS, RDF, RDFS, DocumentContext, prepare_record,
                            reference_quads)
from publisher.mapping import RecordMapping, load_mapping
from publisher.progress import Progress

DEFAULT_BASE = "https://data.kuntadigi.example/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

ONTOLOGY_FILES = ("kuntadigi.ttl", "statuses.ttl")
MAPPING_FILE = "catalogue.mapping.toml"


@dataclass
class DocumentResult:
    """One source document after extraction and linking."""

    key: str
    path: Path
    extraction: Extraction
    records: list[dict[str, Any]]


@dataclass
class PipelineResult:
    store: Store
    documents: list[DocumentResult]
    build_key: str
    started: datetime
    mapping_version: str
    problems: list[Problem] = field(default_factory=list)

    def graph_iri(self, name: str, settings: Settings) -> NamedNode:
        return NamedNode(f"{settings.base_uri}graph/{name}")


def rebase(text: str, settings: Settings) -> str:
    """Put the configured base URI in place of the default one in a bundled RDF file."""
    return text if settings.base_uri == DEFAULT_BASE else text.replace(DEFAULT_BASE, settings.base_uri)


def read_rdf_file(path: Path, settings: Settings) -> list[Any]:
    """Parse a bundled Turtle file (ontology, shapes) as triples, rebased."""
    text = rebase(path.read_text(encoding="utf-8"), settings)
    return list(parse(text.encode("utf-8"), format=RdfFormat.TURTLE, base_iri=settings.base_uri))


def build_key(settings: Settings) -> str:
    """A digest of everything the data depends on: texts, mapping, vocabulary, software version."""
    digest = hashlib.sha256(__version__.encode())
    inputs = [s.path for s in settings.sources] + [settings.mappings_dir / MAPPING_FILE]
    inputs += [settings.ontology_dir / name for name in ONTOLOGY_FILES]
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(settings.base_uri.encode())
    digest.update(str(settings.publish_person_names).encode())
    return digest.hexdigest()[:16]


def run_pipeline(settings: Settings, progress: Progress | None = None) -> PipelineResult:
    """Extract, link and map every registered source into one quad store."""
    progress = progress or Progress(quiet=True)
    started = datetime.now(timezone.utc).replace(microsecond=0)
    key = build_key(settings)
    mapping = load_mapping(settings.mappings_dir / MAPPING_FILE, settings.base_uri)
    store = Store()
    result = PipelineResult(store, [], key, started, mapping.version)

    progress.step("extract")
    for source in settings.sources:
        extraction = extract_path(source.path, settings, extractor=source.extractor)
        result.documents.append(DocumentResult(source.key, source.path, extraction, []))
        result.problems.extend(extraction.problems)
        progress.count(source.path.name, len(extraction.records))
        progress.done(source.path.name)

    progress.step("link and map")
    _assign_unique_keys(result)
    settings_view = {"publish_person_names": settings.publish_person_names}
    for document, source in zip(result.documents, settings.sources):
        lines = read_source_text(document.path)
        context = DocumentContext(document.key, lines, key)
        graph = result.graph_iri(document.key, settings)
        store.extend(_document_quads(document, source, settings, graph))
        for n, record in enumerate(document.extraction.records, start=1):
            prepared = prepare_record(record, context)
            document.records.append(prepared)
            store.extend(mapping.quads(prepared, graph, settings_view))
            progress.count("records", n, len(document.extraction.records))

    progress.step("reference data and vocabulary")
    store.extend(reference_quads(settings, result.graph_iri("reference", settings)))
    store.extend(_vocabulary_quads(settings, result.graph_iri("ontology", settings)))
    store.extend(_build_activity_quads(result, settings, mapping))
    return result


def _assign_unique_keys(result: PipelineResult) -> None:
    """Project keys must be unique across documents; a clash gets a suffix and a report line."""
    records = [(d, r) for d in result.documents for r in d.extraction.records]
    keys, clashes = unique_keys([r.get("key") or "project" for _, r in records])
    for (document, record), key in zip(records, keys):
        record["key"] = key
    for index, old, new in clashes:
        document, record = records[index]
        line = (record.get("source") or {}).get("first_line")
        result.problems.append(Problem(
            line=line, field="key",
            message=f"key '{old}' already used; this record is published as '{new}'",
            record=index))


def _document_quads(document: DocumentResult, source: Any, settings: Settings,
                    graph: NamedNode):
    """The source text as a resource: what projects are derived from."""
    iri = NamedNode(f"{settings.base_uri}id/document/{document.key}")
    lines = read_source_text(document.path)
    title = source.title or next((line.strip() for line in lines if line.strip()), document.key)
    language = source.language or "fi"
    yield Quad(iri, NamedNode(RDF + "type"), NamedNode(FOAF + "Document"), graph)
    yield Quad(iri, NamedNode(RDF + "type"), NamedNode(PROV + "Entity"), graph)
    yield Quad(iri, NamedNode(DCTERMS + "title"), Literal(title, language=language), graph)
    yield Quad(iri, NamedNode(RDFS + "label"), Literal(title, language=language), graph)
    yield Quad(iri, NamedNode(DCTERMS + "identifier"), Literal(document.path.name), graph)
    yield Quad(iri, NamedNode(DCTERMS + "language"), NamedNode(LANGUAGE_IRIS[language]), graph)
    yield Quad(iri, NamedNode(DCTERMS + "extent"), Literal(f"{len(lines)} lines"), graph)
    if source.publisher:
        yield Quad(iri, NamedNode(DCTERMS + "publisher"), Literal(source.publisher), graph)


def _vocabulary_quads(settings: Settings, graph: NamedNode):
    for name in ONTOLOGY_FILES:
        for triple in read_rdf_file(settings.ontology_dir / name, settings):
            yield Quad(triple.subject, triple.predicate, triple.object, graph)


def _build_activity_quads(result: PipelineResult, settings: Settings, mapping: RecordMapping):
    """The release build as a PROV activity: when, which software, which mapping, which texts."""
    graph = result.graph_iri("build", settings)
    iri = NamedNode(f"{settings.base_uri}id/build/{result.build_key}")
    software = NamedNode(f"{settings.base_uri}id/build/{result.build_key}#software")
    mapping_iri = NamedNode(f"{settings.base_uri}id/build/{result.build_key}#mapping")
    time = Literal(result.started.isoformat().replace("+00:00", "Z"),
                   datatype=NamedNode(XSD + "dateTime"))
    yield Quad(iri, NamedNode(RDF + "type"), NamedNode(PROV + "Activity"), graph)
    yield Quad(iri, NamedNode(RDFS + "label"),
               Literal(f"Kuntadigi release build {result.build_key}", language="en"), graph)
    yield Quad(iri, NamedNode(PROV + "startedAtTime"), time, graph)
    yield Quad(iri, NamedNode(PROV + "wasAssociatedWith"), software, graph)
    yield Quad(software, NamedNode(RDF + "type"), NamedNode(PROV + "SoftwareAgent"), graph)
    yield Quad(software, NamedNode(RDFS + "label"), Literal(f"kuntadigi-publisher {__version__}"), graph)
    yield Quad(software, NamedNode(OWL + "versionInfo"), Literal(__version__), graph)
    yield Quad(iri, NamedNode(PROV + "used"), mapping_iri, graph)
    yield Quad(mapping_iri, NamedNode(RDF + "type"), NamedNode(PROV + "Entity"), graph)
    yield Quad(mapping_iri, NamedNode(RDFS + "label"), Literal(f"mappings/{MAPPING_FILE}"), graph)
    yield Quad(mapping_iri, NamedNode(OWL + "versionInfo"), Literal(mapping.version), graph)
    for document in result.documents:
        yield Quad(iri, NamedNode(PROV + "used"),
                   NamedNode(f"{settings.base_uri}id/document/{document.key}"), graph)
