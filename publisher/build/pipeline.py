"""The build pipeline up to the gate: extract → merge → link → themes → map, into N-Triples
graph files (`publisher/graphfiles.py`) and the in-memory quad store loaded from them.

Each extractor has its stage in `STAGES`: the function that prepares its records for the
mapping and the mapping file that turns them into RDF. After extraction the merge stage
decides which initiative records are one thing (`publisher/merge.py`), every initiative gets
its one URI, the link stage prepares the records, the themes stage gives initiatives their
themes (`publisher/themes.py`) and the mappings write the statements as text.

One named graph per source document, one for reference data (code lists, organisations, the
funding programme), one for themes, one for the vocabulary and one for the build. Everything
is keyed deterministically so two builds of the same texts give the same triples apart from
build times.
"""
from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, Store

from publisher import __version__
from publisher.config import Settings
from publisher.vocab import ONTOLOGY_FILES, read_bundled_rdf
from publisher.build.extract import Extraction, Problem, extract_path, read_source_text
from publisher.build.graphfiles import GraphFiles
from publisher.build.keys import unique_keys
from publisher.build.prepare.link import (DCTERMS, LANGUAGE_IRIS, RDF, RDFS, DocumentContext,
                            OrganisationRegistry, kind_type, load_programme,
                            organisation_records, prepare_page_record, prepare_record,
                            programme_record, reference_quads, resolve_organisation)
from publisher.build.mapping import RecordMapping, load_mapping
from publisher.build.merge import PROGRAMME, Candidate, MergeResult, load_merge_rules, merge
from publisher.progress import Progress
from publisher.build.themes import (TITLE_ROLES, TextLine, ThemeRules, ThemeText, assign_all,
                              load_theme_rules)
from publisher.build.themes import report as themes_report

PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

MAPPING_FILE = "catalogue.mapping.toml"
REFERENCE_MAPPING = "reference.mapping.toml"
THEMES_MAPPING = "themes.mapping.toml"
#: Rules and reference data of the stages (all in mappings/); their versions go into the build.
RULE_FILES = ("catalogue-rules.toml", "page-rules.toml", "merge-rules.toml", "themes.toml",
              "organisations.toml", "programme.toml")


@dataclass(frozen=True)
class ExtractorStage:
    """What the pipeline does with the records of one extractor."""

    mapping_file: str
    prepare: Callable[[dict[str, Any], DocumentContext], dict[str, Any]]
    initiatives: Callable[[dict[str, Any]], bool]     # which records are initiatives (for merging)
    #: Which records are what the text says (the release guard refuses a source with none):
    #: a page always yields its own document record, even from an empty file.
    content: Callable[[dict[str, Any]], bool] = lambda r: True
    #: What a text with no such record lacks, for the guard's message.
    content_words: str = "no records"


STAGES: dict[str, ExtractorStage] = {
    "catalogue": ExtractorStage(MAPPING_FILE, lambda r, c: prepare_record(r, c),
                                lambda r: True, content_words="no project records"),
    "page": ExtractorStage("page.mapping.toml", lambda r, c: prepare_page_record(r, c),
                           lambda r: r.get("type") == "initiative",
                           lambda r: r.get("type") != "document",
                           "no records beyond the page itself (no initiative, person, figure "
                           "or concept)"),
}


@dataclass
class DocumentResult:
    """One source document after extraction and linking.

    `records` are the prepared records of the projects the document gives (kd:Project
    resources, one per URI); `prepared` are all its prepared records."""

    key: str
    path: Path
    extraction: Extraction
    records: list[dict[str, Any]]
    extractor: str = "catalogue"
    prepared: list[dict[str, Any]] = field(default_factory=list)

    def content_records(self) -> int:
        """How many records of the text say something (see `ExtractorStage.content`)."""
        content = STAGES[self.extractor].content
        return sum(1 for record in self.extraction.records if content(record))


@dataclass
class PipelineResult:
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

    def close(self) -> None:
        """Remove the graph files (the store stays usable)."""
        if self.files is not None:
            self.files.remove()

    def graph_iri(self, name: str, settings: Settings) -> NamedNode:
        return NamedNode(f"{settings.base_uri}graph/{name}")

    def report_parts(self) -> dict[str, Any]:
        """What the build report adds to the per-document accounts."""
        return {"summary": self.summary, "merges": self.merges, "themes": self.themes}


def _mapping_files(settings: Settings) -> list[str]:
    used = {s.extractor for s in settings.sources} or set(STAGES)
    files = [STAGES[name].mapping_file for name in STAGES if name in used]
    return files + [REFERENCE_MAPPING, THEMES_MAPPING]


def build_key(settings: Settings) -> str:
    """A digest of everything the data depends on: texts, mappings, rules, vocabulary, version."""
    digest = hashlib.sha256(__version__.encode())
    inputs = [s.path for s in settings.sources]
    inputs += [settings.mappings_dir / name for name in _mapping_files(settings) + list(RULE_FILES)]
    inputs += [settings.ontology_dir / name for name in ONTOLOGY_FILES]
    for path in inputs:
        if not path.exists():
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(settings.base_uri.encode())
    digest.update(str(settings.publish_person_names).encode())
    return digest.hexdigest()[:16]


def run_pipeline(settings: Settings, progress: Progress | None = None, *,
                 workdir: Path | None = None,
                 on_extracted: Callable[[PipelineResult], None] | None = None,
                 on_mapped: Callable[[PipelineResult], None] | None = None) -> PipelineResult:
    """Extract, merge, link, give themes and map every registered source into one store.

    The mapping writes N-Triples chunk files per named graph under `workdir` (a temporary
    folder by default, removed by `PipelineResult.close`), loaded into the store by a
    background thread as they fill; `on_mapped` is called once they are all written, before
    the last loads are waited for, so a caller can start on the files (the release writes
    its dumps from them in parallel). `on_extracted` is called after extraction, before
    anything else, so a caller can stop a build whose texts are cut at once; either callback
    may raise to stop the build."""
    progress = progress or Progress(quiet=True)
    started = datetime.now(timezone.utc).replace(microsecond=0)
    key = build_key(settings)
    base = settings.base_uri
    mappings = {name: load_mapping(settings.mappings_dir / name, base)
                for name in _mapping_files(settings)}
    store = Store()
    version = ", ".join(f"{name} {m.version}" for name, m in mappings.items())
    result = PipelineResult(store, [], key, started, version,
                            files=GraphFiles(workdir, store=store))
    organisations = OrganisationRegistry.load(settings.mappings_dir / "organisations.toml")
    programme = load_programme(settings.mappings_dir / "programme.toml")

    progress.step("extract")
    lines_of: dict[str, list[str]] = {}
    for source in settings.sources:
        if source.extractor not in STAGES:
            raise ValueError(f"no pipeline stage for the extractor '{source.extractor}'")
        extraction = extract_path(source.path, settings, extractor=source.extractor)
        result.documents.append(DocumentResult(source.key, source.path, extraction, [],
                                               source.extractor))
        result.problems.extend(extraction.problems)
        lines_of[source.path.name] = read_source_text(source.path)
        progress.count(source.path.name, len(extraction.records))
        progress.done(source.path.name)
    if on_extracted is not None:
        on_extracted(result)

    with records_kept():
        _after_extraction(result, settings, progress, lines_of, mappings, organisations,
                          programme, key, base)
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


def _after_extraction(result: PipelineResult, settings: Settings, progress: Progress,
                      lines_of: dict[str, list[str]], mappings: dict[str, RecordMapping],
                      organisations: OrganisationRegistry, programme: dict[str, Any] | None,
                      key: str, base: str) -> None:
    """Merge, link, themes and mapping into the graph files."""
    progress.step("merge")
    candidates = _candidates(result)
    merged = merge(candidates, load_merge_rules(settings.mappings_dir / "merge-rules.toml"))
    programme_iri = f"{base}id/programme/{programme['key']}" if programme else None
    iris = _assign_iris(result, candidates, merged, programme_iri, base)

    progress.step("link")
    funded = set(programme.get("funds_extractors", [])) if programme else set()
    for position, (document, source) in enumerate(zip(result.documents, settings.sources)):
        refs = {index: iris[(position, index)] for (pos, index) in iris if pos == position}
        context = DocumentContext(document.key, lines_of[source.path.name], key, source.path.name,
                                  refs, organisations,
                                  programme_iri if document.extractor in funded else None, base)
        stage = STAGES[document.extractor]
        for index, record in enumerate(document.extraction.records):
            prepared = stage.prepare(record, context)
            prepared["_id"] = (position, index)
            document.prepared.append(prepared)
    notes = _reconcile(result, merged, programme)
    for document in result.documents:
        document.records = [p for p in document.prepared if _is_project(p, document.extractor)
                            and not p.get("merged")]

    progress.step("themes")
    theme_rules = load_theme_rules(settings.mappings_dir / "themes.toml")
    texts = _theme_texts(result, programme_iri, base, theme_rules)
    assignments, without = assign_all(texts, theme_rules)
    result.themes = themes_report(texts, assignments, theme_rules)
    project_iris = {f"{base}id/project/{p['key']}" for d in result.documents for p in d.records}
    result.themes["projects_without_theme"] = [w["resource"] for w in result.themes["without_theme"]
                                               if w["resource"] in project_iris]
    for item in result.themes["projects_without_theme"]:
        result.problems.append(Problem(None, "themes", f"no theme rule gives {item} a theme",
                                       document="themes"))

    progress.step("map")
    settings_view = {"publish_person_names": settings.publish_person_names}
    files = result.files
    for document, source in zip(result.documents, settings.sources):
        graph = result.graph_iri(document.key, settings)
        mapping = mappings[STAGES[document.extractor].mapping_file]
        files.add_quads(_document_quads(document, source, settings, graph, lines_of,
                                        organisations))
        for n, prepared in enumerate(document.prepared, start=1):
            files.add_lines(graph.value, mapping.lines(prepared, settings_view))
            progress.count("records", n, len(document.prepared))
    reference = result.graph_iri("reference", settings)
    files.add_quads(reference_quads(settings, reference))
    document_keys = {d.path.name: d.key for d in result.documents}
    reference_records = organisation_records(organisations, document_keys, lines_of)
    if programme:
        reference_records.append(programme_record(programme, document_keys, lines_of, key))
    for record in reference_records:
        files.add_lines(reference.value, mappings[REFERENCE_MAPPING].lines(record, settings_view))
    themes_graph = result.graph_iri("themes", settings)
    for record in _theme_records(assignments, theme_rules, key):
        files.add_lines(themes_graph.value, mappings[THEMES_MAPPING].lines(record, settings_view))

    progress.step("reference data and vocabulary")
    files.add_quads(_vocabulary_quads(settings, result.graph_iri("ontology", settings)))
    files.add_quads(_build_activity_quads(result, settings, mappings))
    files.close()
    result.merges = _merge_report(merged, notes, iris, candidates, programme_iri)
    result.merges["persons"] = _person_report(result)
    result.summary = _summary(result, merged, assignments, texts, base)


# ---------------------------------------------------------------- merge and URIs

def _initiative_name(record: dict[str, Any]) -> str:
    return record.get("name") or record.get("title") or record.get("key") or "initiative"


def _candidates(result: PipelineResult) -> list[Candidate]:
    out = []
    for position, document in enumerate(result.documents):
        stage = STAGES[document.extractor]
        for index, record in enumerate(document.extraction.records):
            if not stage.initiatives(record):
                continue
            source = record.get("source") or {}
            names = [record.get("name"), record.get("title"), *(record.get("alt_names") or []),
                     *((record.get("labels") or {}).values())]
            out.append(Candidate((position, index), document.path.name, document.extractor,
                                 _initiative_name(record), tuple(n for n in names if n),
                                 source.get("first_line"), source.get("last_line")))
    return out


def _assign_iris(result: PipelineResult, candidates: list[Candidate], merged: MergeResult,
                 programme_iri: str | None, base: str) -> dict[tuple[int, int], str]:
    """One URI per merged group: keys unique across initiatives (a clash gets -2, -3 and a
    report line), the type from the kind, the canonical record's key."""
    def record(cid: tuple[int, int]) -> dict[str, Any]:
        return result.documents[cid[0]].extraction.records[cid[1]]

    canonicals = sorted({c.id if merged.canonical.get(c.id) == PROGRAMME and not programme_iri
                         else merged.canonical.get(c.id, c.id) for c in candidates} - {PROGRAMME})
    keys, clashes = unique_keys([record(c).get("key") or "initiative" for c in canonicals])
    iris: dict[tuple[int, int], str] = {}
    for cid, key in zip(canonicals, keys):
        document = result.documents[cid[0]]
        kind = "project" if document.extractor == "catalogue" else record(cid).get("kind", "project")
        record(cid)["key"] = key
        iris[cid] = f"{base}id/{kind_type(kind)}/{key}"
    for index, old, new in clashes:
        cid = canonicals[index]
        line = (record(cid).get("source") or {}).get("first_line")
        result.problems.append(Problem(
            line=line, field="key", message=f"key '{old}' already used; this record is "
            f"published as '{new}'", record=cid[1], document=result.documents[cid[0]].path.name))
    for candidate in candidates:
        canonical = merged.canonical.get(candidate.id, candidate.id)
        if canonical == PROGRAMME and programme_iri:
            iris[candidate.id] = programme_iri
        elif canonical != candidate.id and canonical in iris:
            iris[candidate.id] = iris[canonical]
    for cid, iri in iris.items():
        document = result.documents[cid[0]]
        if document.extractor == "page":
            rec = record(cid)
            rec["iri"] = iri
            secondary = merged.canonical.get(cid, cid) != cid
            rec["merged"] = secondary
            if secondary:
                rec["class_iri"] = None
    return iris


def _is_project(prepared: dict[str, Any], extractor: str) -> bool:
    if extractor == "catalogue":
        return True
    return prepared.get("type") == "initiative" and bool(prepared.get("is_project"))


def _reconcile(result: PipelineResult, merged: MergeResult,
               programme: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One label, title and description per language on a merged resource: a later record's
    label in a language already taken becomes skos:altLabel; its description stays in its
    derivation's source text. Returns what was set aside, for the report."""
    notes = []
    prepared = {p["_id"]: p for d in result.documents for p in d.prepared}
    for members in merged.groups:
        taken: dict[str, set[str]] = {"label": set(), "title": set(), "description": set()}
        texts: set[tuple[str, str]] = set()
        if merged.canonical.get(members[0]) == PROGRAMME and programme:
            taken["label"] |= set(programme["names"])
            texts |= {(t, lang) for lang, t in programme["names"].items()}
        for cid in sorted(members, key=lambda c: (merged.is_secondary(c), c)):
            record = prepared[cid]
            if record.get("type") is None:          # a catalogue record
                language = record.get("language") or "fi"
                taken["label"].add(language)
                texts.add((record.get("label") or "", language))
                if record.get("title"):
                    taken["title"].add(language)
                if record.get("description_text"):
                    taken["description"].add(language)
                continue
            alt = list(record.get("alt_labels_prepared") or [])
            for field_name, key in (("labels_prepared", "label"), ("titles_prepared", "title"),
                                    ("descriptions_prepared", "description")):
                kept = []
                for item in record.get(field_name) or []:
                    if item["language"] in taken[key]:
                        if key == "label":
                            alt.append(item)
                        elif key == "description":
                            notes.append({"resource": record.get("iri"), "document": record["source"]["document"],
                                          "lines": f"{record['source']['first_line']}–{record['source']['last_line']}",
                                          "note": f"a second {item['language']} description; kept in "
                                                  f"the derivation's kd:sourceText only"})
                        continue
                    taken[key].add(item["language"])
                    kept.append(item)
                    if key == "label":
                        texts.add((item["text"], item["language"]))
                record[field_name] = kept
            seen = set(texts)
            record["alt_labels_prepared"] = []
            for item in alt:
                if (item["text"], item["language"]) not in seen:
                    seen.add((item["text"], item["language"]))
                    record["alt_labels_prepared"].append(item)
            texts |= seen
    return notes


# ---------------------------------------------------------------- themes

def _theme_texts(result: PipelineResult, programme_iri: str | None, base: str,
                 rules: ThemeRules) -> list[ThemeText]:
    """The lines each initiative resource came from (all its merged records), with roles."""
    texts: dict[str, ThemeText] = {}
    for document in result.documents:
        usable = _theme_lines(document, rules)
        for index, record in enumerate(document.extraction.records):
            prepared = document.prepared[index]
            if document.extractor == "catalogue":
                iri = f"{base}id/project/{prepared['key']}"
                spans = [[(record.get("source") or {}).get("first_line"),
                          (record.get("source") or {}).get("last_line")]]
                label = prepared.get("label") or prepared["key"]
            elif record.get("type") == "initiative":
                iri = prepared.get("iri")
                spans = record.get("spans") or []
                label = record.get("title") or record.get("name")
            else:
                continue
            if not iri or iri == programme_iri:
                continue
            text = texts.setdefault(iri, ThemeText(iri, label))
            for first, last in spans:
                if first and last:
                    text.lines += [usable[n] for n in range(first, last + 1) if n in usable]
    return list(texts.values())


def _theme_lines(document: DocumentResult, rules: ThemeRules) -> dict[int, TextLine]:
    """The lines of a document themes may read, by number: non-blank, in a record, of a
    role the rules do not exclude (each role decided once)."""
    lines = read_source_text(document.path)
    name = document.path.name
    excluded: dict[str, bool] = {}
    usable: dict[int, TextLine] = {}
    for account in document.extraction.line_accounts:
        role = account.role
        if role is None or not lines[account.line - 1].strip():
            continue
        if role not in excluded:
            excluded[role] = rules.excluded(role)
        if not excluded[role]:
            usable[account.line] = TextLine(name, account.line, lines[account.line - 1],
                                            role.startswith(TITLE_ROLES))
    return usable


def _theme_records(assignments, rules, build: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for resource in sorted(assignments):
        for a in assignments[resource]:
            records.append({"type": "assignment", "resource": resource, "theme": a.theme,
                            "rule": a.rule, "words": [str(h) for h in a.hits], "build_key": build})
    for rule in rules.rules:
        records.append({"type": "rule", "id": rule.id, "theme": rule.theme,
                        "patterns": [p.pattern for p in rule.patterns],
                        "min_matches": rule.min_matches})
    return records


# ---------------------------------------------------------------- report

def _merge_report(merged: MergeResult, notes: list[dict[str, Any]],
                  iris: dict[tuple[int, int], str], candidates: list[Candidate],
                  programme_iri: str | None) -> dict[str, Any]:
    decisions = []
    for decision in merged.decisions:
        item = dict(decision)
        if decision["decision"] == "merged":
            members = [c for c in candidates
                       if any(m["document"] == c.document and m["lines"] == c.where().split(":", 1)[1]
                              and m["name"] == c.name for m in decision["members"])]
            item["resource"] = (programme_iri if decision.get("into") == PROGRAMME
                                else iris.get(members[0].id) if members else None)
        decisions.append(item)
    return {
        "merged": [d for d in decisions if d["decision"] == "merged"],
        "not_merged": [d for d in decisions if d["decision"] == "not merged"],
        "set_aside": notes,
    }


def _person_report(result: PipelineResult) -> list[dict[str, Any]]:
    """People named in more than one place: one URI by name (rule person-same-name), with a
    warning where the places give different organisations."""
    places: dict[str, list[dict[str, Any]]] = {}
    for document in result.documents:
        for prepared in document.prepared:
            if document.extractor == "catalogue":
                for contact in prepared.get("contacts_prepared") or []:
                    places.setdefault(contact["person_key"], []).append({
                        "name": contact["name"], "document": document.path.name,
                        "lines": f"{prepared.get('first_line')}–{prepared.get('last_line')}",
                        "organisation": contact.get("organisation_key")})
            elif prepared.get("type") == "person":
                places.setdefault(prepared["person_key"], []).append({
                    "name": prepared["name"], "document": document.path.name,
                    "lines": str(prepared["source"]["first_line"]), "relation": prepared["relation"],
                    "organisation": prepared.get("organisation_key")})
    out = []
    for key, items in sorted(places.items()):
        if len(items) < 2:
            continue
        organisations = sorted({i["organisation"] for i in items if i["organisation"]})
        out.append({"decision": "merged", "rules": ["person-same-name"],
                    "resource": f"person/{key}", "members": items,
                    "check": ("the places name different organisations: " + ", ".join(organisations))
                    if len(organisations) > 1 else None})
    return out


def _summary(result: PipelineResult, merged: MergeResult, assignments, texts,
             base: str) -> dict[str, Any]:
    kinds: dict[str, int] = {}
    persons: set[str] = set()
    relations: dict[str, set[str]] = {}
    figures = 0
    for document in result.documents:
        for prepared in document.prepared:
            if prepared.get("type") == "initiative" and not prepared.get("merged"):
                kinds[prepared.get("kind", "project")] = kinds.get(prepared.get("kind", "project"), 0) + 1
            elif prepared.get("type") == "person":
                persons.add(prepared["person_key"])
                relations.setdefault(prepared["relation"], set()).add(prepared["person_key"])
            elif prepared.get("type") == "figure":
                figures += 1
            if document.extractor == "catalogue":
                persons.update(c["person_key"] for c in prepared.get("contacts_prepared") or [])
    projects = sum(len(d.records) for d in result.documents)
    catalogue = sum(len(d.records) for d in result.documents if d.extractor == "catalogue")
    counts = [len(assignments[t.resource]) for t in texts]
    project_iris = {f"{base}id/project/{p['key']}" for d in result.documents for p in d.records}
    per_project = [len(assignments.get(iri, [])) for iri in sorted(project_iris)]
    return {
        "catalogue_projects": catalogue,
        "projects": projects,
        "page_initiatives_by_kind": dict(sorted(kinds.items())),
        "persons": len(persons),
        "page_persons_by_relation": {k: len(v) for k, v in sorted(relations.items())},
        "figures": figures,
        "merged_resources": len(merged.merged()),
        "considered_not_merged": len(merged.not_merged()),
        "themed_resources": sum(1 for c in counts if c),
        "themes_per_resource": {"min": min(counts, default=0), "max": max(counts, default=0),
                                "mean": round(sum(counts) / len(counts), 2) if counts else 0},
        "themes_per_project": {"min": min(per_project, default=0), "max": max(per_project, default=0),
                               "mean": round(sum(per_project) / len(per_project), 2) if per_project else 0},
    }


# ---------------------------------------------------------------- documents, vocabulary, build

def _document_quads(document: DocumentResult, source: Any, settings: Settings,
                    graph: NamedNode, lines_of: dict[str, list[str]],
                    organisations: OrganisationRegistry):
    """The source text as a resource: what projects are derived from."""
    iri = NamedNode(f"{settings.base_uri}id/document/{document.key}")
    lines = lines_of[document.path.name]
    page_title = next((r.get("title") for r in document.extraction.records
                       if r.get("type") == "document" and r.get("title")), None)
    title = source.title or page_title or next((line.strip() for line in lines if line.strip()),
                                               document.key)
    language = source.language or "fi"
    yield Quad(iri, NamedNode(RDF + "type"), NamedNode(FOAF + "Document"), graph)
    yield Quad(iri, NamedNode(RDF + "type"), NamedNode(PROV + "Entity"), graph)
    yield Quad(iri, NamedNode(DCTERMS + "title"), Literal(title, language=language), graph)
    yield Quad(iri, NamedNode(RDFS + "label"), Literal(title, language=language), graph)
    yield Quad(iri, NamedNode(DCTERMS + "identifier"), Literal(document.path.name), graph)
    yield Quad(iri, NamedNode(DCTERMS + "language"), NamedNode(LANGUAGE_IRIS[language]), graph)
    yield Quad(iri, NamedNode(DCTERMS + "extent"), Literal(f"{len(lines)} lines"), graph)
    if source.publisher:
        key = resolve_organisation(source.publisher, organisations)
        yield Quad(iri, NamedNode(DCTERMS + "publisher"),
                   NamedNode(f"{settings.base_uri}id/organisation/{key}") if key
                   else Literal(source.publisher), graph)


def _vocabulary_quads(settings: Settings, graph: NamedNode):
    for name in ONTOLOGY_FILES:
        for triple in read_bundled_rdf(settings.ontology_dir / name, settings.base_uri):
            yield Quad(triple.subject, triple.predicate, triple.object, graph)


def _build_activity_quads(result: PipelineResult, settings: Settings,
                          mappings: dict[str, RecordMapping]):
    """The release build as a PROV activity: when, which software, which mappings and rules,
    which texts."""
    graph = result.graph_iri("build", settings)
    iri = NamedNode(f"{settings.base_uri}id/build/{result.build_key}")
    software = NamedNode(f"{settings.base_uri}id/build/{result.build_key}#software")
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
    used = [(name, m.version) for name, m in mappings.items()]
    used += [(name, _file_version(settings.mappings_dir / name)) for name in RULE_FILES
             if (settings.mappings_dir / name).exists()]
    for name, version in used:
        entity = NamedNode(f"{settings.base_uri}id/build/{result.build_key}#"
                           f"{name.removesuffix('.toml').replace('.', '-')}")
        yield Quad(iri, NamedNode(PROV + "used"), entity, graph)
        yield Quad(entity, NamedNode(RDF + "type"), NamedNode(PROV + "Entity"), graph)
        yield Quad(entity, NamedNode(RDFS + "label"), Literal(f"mappings/{name}"), graph)
        yield Quad(entity, NamedNode(OWL + "versionInfo"), Literal(version), graph)
    for document in result.documents:
        yield Quad(iri, NamedNode(PROV + "used"),
                   NamedNode(f"{settings.base_uri}id/document/{document.key}"), graph)


def _file_version(path: Path) -> str:
    import tomllib

    with path.open("rb") as handle:
        return str(tomllib.load(handle).get("version", "0"))
