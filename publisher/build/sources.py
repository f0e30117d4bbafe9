"""The source families: for each kind of source text, how it is read, how its records are
prepared, which mapping file writes them, and which of its records are initiatives,
projects, people and content.

One registry, so that no stage asks which extractor a text had: `publisher.toml` names the
family of each source (`extractor = "page"`), and a new family is one entry here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from publisher.build.extract import Extraction, SourceError, read_source_text
from publisher.build.extract.catalogue import extract_catalogue
from publisher.build.extract.page import extract_page
from publisher.build.prepare.catalogue import prepare_record
from publisher.build.prepare.context import DocumentContext
from publisher.build.prepare.page import kind_type, prepare_page_record

Record = dict[str, Any]


class ThemeSubject(NamedTuple):
    """What the themes stage reads of a record: the resource, its line spans, its label."""

    resource: str | None
    spans: list[list[int]]
    label: str


#: One place a person is named, for the build report: (person key, the place).
PersonPlace = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class SourceFamily:
    """What the build does with the texts of one family."""

    name: str
    extract: Callable[[Path, list[str]], Extraction]
    prepare: Callable[[Record, DocumentContext], Record]
    mapping_file: str
    #: Which records are initiatives, for merging across texts into one resource each.
    initiatives: Callable[[Record], bool]
    #: The URI type segment (`id/{type}/{key}`) of an initiative record.
    uri_type: Callable[[Record], str]
    #: Which prepared records are published projects (kd:Project, one per URI).
    projects: Callable[[Record], bool]
    #: What themes read of a record (extracted, prepared, base URI); None for nothing.
    theme_subject: Callable[[Record, Record, str], ThemeSubject | None]
    #: The people a prepared record names (the record, its text's file name).
    persons: Callable[[Record, str], list[PersonPlace]]
    #: Identify writes an initiative's URI into its record (`iri`, `merged`, `class_iri`):
    #: the family's mapping file reads them instead of making the URI from the key.
    records_carry_iri: bool = False
    #: Which records are what the text says (the release guard refuses a source with none).
    content: Callable[[Record], bool] = lambda record: True
    #: What a text with no such record lacks, for the guard's message.
    content_words: str = "no records"


# ---------------------------------------------------------------- the catalogue

def _catalogue_theme_subject(record: Record, prepared: Record, base: str) -> ThemeSubject:
    source = record.get("source") or {}
    return ThemeSubject(f"{base}id/project/{prepared['key']}",
                        [[source.get("first_line"), source.get("last_line")]],
                        prepared.get("label") or prepared["key"])


def _catalogue_persons(prepared: Record, document: str) -> list[PersonPlace]:
    return [(contact["person_key"],
             {"name": contact["name"], "document": document,
              "lines": f"{prepared.get('first_line')}–{prepared.get('last_line')}",
              "organisation": contact.get("organisation_key")})
            for contact in prepared.get("contacts_prepared") or []]


CATALOGUE = SourceFamily(
    "catalogue", extract_catalogue, prepare_record, "catalogue.mapping.toml",
    initiatives=lambda record: True, uri_type=lambda record: "project",
    projects=lambda prepared: True, theme_subject=_catalogue_theme_subject,
    persons=_catalogue_persons, content_words="no project records")


# ---------------------------------------------------------------- pages

def _page_theme_subject(record: Record, prepared: Record, base: str) -> ThemeSubject | None:
    if record.get("type") != "initiative":
        return None
    return ThemeSubject(prepared.get("iri"), record.get("spans") or [],
                        record.get("title") or record.get("name"))


def _page_persons(prepared: Record, document: str) -> list[PersonPlace]:
    if prepared.get("type") != "person":
        return []
    return [(prepared["person_key"],
             {"name": prepared["name"], "document": document,
              "lines": str(prepared["source"]["first_line"]), "relation": prepared["relation"],
              "organisation": prepared.get("organisation_key")})]


PAGE = SourceFamily(
    "page", extract_page, prepare_page_record, "page.mapping.toml",
    initiatives=lambda record: record.get("type") == "initiative",
    uri_type=lambda record: kind_type(record.get("kind", "project")),
    projects=lambda prepared: (prepared.get("type") == "initiative"
                               and bool(prepared.get("is_project"))),
    theme_subject=_page_theme_subject, persons=_page_persons, records_carry_iri=True,
    # a page always yields its own document record, even from an empty file
    content=lambda record: record.get("type") != "document",
    content_words="no records beyond the page itself (no initiative, person, figure or "
                  "concept)")

FAMILIES: dict[str, SourceFamily] = {family.name: family for family in (CATALOGUE, PAGE)}
DEFAULT_FAMILY = CATALOGUE.name


# ---------------------------------------------------------------- reading a source

def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def extractor_for(path: Path, settings: Any = None) -> str:
    """The registry's family for this file (matched by path, then by file name)."""
    sources = getattr(settings, "sources", None) or ()
    for source in sources:
        if _same_file(Path(source.path), path):
            return source.extractor
    for source in sources:
        if Path(source.path).name == path.name:
            return source.extractor
    return DEFAULT_FAMILY


def extract_path(path: Path, settings: Any = None, extractor: str | None = None) -> Extraction:
    """Read one source file and extract it (the family named, else the registry's, else the
    catalogue); SourceError if it cannot be read."""
    path = Path(path)
    name = extractor or extractor_for(path, settings)
    if name not in FAMILIES:
        raise SourceError(f"{path.name}: unknown extractor '{name}' "
                          f"(known: {', '.join(sorted(FAMILIES))})")
    lines = read_source_text(path)
    return FAMILIES[name].extract(path, lines)


@dataclass
class DocumentResult:
    """One source document after extraction and preparation.

    `records` are the prepared records of the projects the document gives (kd:Project
    resources, one per URI); `prepared` are all its prepared records."""

    key: str
    path: Path
    extraction: Extraction
    records: list[Record]
    extractor: str = DEFAULT_FAMILY
    prepared: list[Record] = field(default_factory=list)

    @property
    def family(self) -> SourceFamily:
        return FAMILIES[self.extractor]

    def content_records(self) -> int:
        """How many records of the text say something (see `SourceFamily.content`)."""
        content = self.family.content
        return sum(1 for record in self.extraction.records if content(record))
