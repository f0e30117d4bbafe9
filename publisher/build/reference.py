"""The resources a build publishes besides the records of its texts: each source text
itself, the municipality and region code lists, the organisations and the funding programme.

They are records for `mappings/reference.mapping.toml` (the contract is in `records.py`), so
a steward changes how they are written there, as for the texts' own records. The vocabulary
is published as its bundled Turtle files are.
"""
from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad

from publisher.build.geometry import read_borders
from publisher.build.prepare.context import LANGUAGE_IRIS
from publisher.build.prepare.organisations import OrganisationRegistry, resolve_organisation
from publisher.build.records import (MunicipalityRecord, OrganisationRecord, ProgrammeRecord,
                                     RegionRecord, SourceTextRecord, TextInLanguage)
from publisher.config import Settings, Source
from publisher.vocab import ONTOLOGY_FILES, read_bundled_rdf

MAPPING_FILE = "reference.mapping.toml"


def _texts(by_language: Mapping[str, str]) -> list[TextInLanguage]:
    return [{"text": text, "language": lang} for lang, text in sorted(by_language.items())]


ReferenceRecord = RegionRecord | MunicipalityRecord | OrganisationRecord | ProgrammeRecord


def reference_records(settings: Settings, organisations: OrganisationRegistry,
                      programme: Mapping[str, Any] | None, document_keys: Mapping[str, str],
                      lines_of: Mapping[str, Sequence[str]], build_key: str
                      ) -> list[ReferenceRecord]:
    """What the reference graph holds: the code lists, the organisations, the programme (with
    derivations from the texts of the build, `document_keys` by file name)."""
    records: list[ReferenceRecord] = [*codelist_records(settings)]
    records += organisation_records(organisations, document_keys, lines_of)
    if programme:
        records.append(programme_record(programme, document_keys, lines_of, build_key))
    return records


# ---------------------------------------------------------------- the source texts

def source_text_record(key: str, source: Source, lines: Sequence[str],
                       records: Sequence[Mapping[str, Any]],
                       organisations: OrganisationRegistry) -> SourceTextRecord:
    """The source text as a resource, what its records are derived from: titled by the
    registry, else by the page's own title, else by its first line."""
    page_title = next((r.get("title") for r in records
                       if r.get("type") == "document" and r.get("title")), None)
    title = source.title or page_title or next((line.strip() for line in lines if line.strip()),
                                               key)
    language = source.language or "fi"
    return {"type": "source_text", "document_key": key, "file_name": source.path.name,
            "title": title, "language": language, "language_iri": LANGUAGE_IRIS[language],
            "line_count": len(lines), "publisher": source.publisher or None,
            "publisher_key": resolve_organisation(source.publisher, organisations)}


# ---------------------------------------------------------------- code lists

def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


CODELIST_LANGUAGES = ("fi", "sv", "en")


def codelist_names(row: Mapping[str, str]) -> list[TextInLanguage]:
    """A row's names in fi, sv and en. Where the table has no English name (every
    municipality) the English one is the Finnish name, as Finnish code lists give it where
    there is no English name (mappings/reference/PROVENANCE.md): a query or page asking for
    English then finds a name and shows no fallback. A missing Swedish name stays missing."""
    names = {lang: (row.get(f"name_{lang}") or "").strip() for lang in CODELIST_LANGUAGES}
    names["en"] = names["en"] or names["fi"]
    return [{"text": text, "language": lang} for lang, text in names.items() if text]


def codelist_records(settings: Settings) -> list[RegionRecord | MunicipalityRecord]:
    """Regions and municipalities (all 309 of the code list), named in fi, sv and en, from
    `mappings/reference/`."""
    folder = settings.mappings_dir / "reference"
    regions = read_csv(folder / "regions.csv")
    region_by_name = {r["name_fi"]: r["code"] for r in regions}
    region_borders = _borders(folder / "geo" / "regions-4500k.geojson")
    municipality_borders = _borders(folder / "geo" / "municipalities-4500k.geojson")
    region_list = settings.region_codelist.rstrip("/")
    municipality_list = settings.municipality_codelist.rstrip("/")
    records: list[RegionRecord | MunicipalityRecord] = [
        {"type": "region", "code": region["code"], "scheme_iri": region_list,
         "names": codelist_names(region), "wkt": region_borders.get(region["code"])}
        for region in regions]
    records += [
        {"type": "municipality", "code": row["code"], "scheme_iri": municipality_list,
         "names": codelist_names(row),
         "region_scheme_iri": region_list, "region_code": region_by_name.get(row["region_fi"]),
         "wkt": municipality_borders.get(row["code"])}
        for row in read_csv(folder / "municipalities.csv")]
    return records


def _borders(path: Path) -> dict[str, str]:
    """WKT by code from a border file of `mappings/reference/geo/`; none when it is absent
    (a deployment without borders publishes no geometries)."""
    return read_borders(path) if path.is_file() else {}


# ---------------------------------------------------------------- organisations

def organisation_records(registry: OrganisationRegistry,
                         document_keys: Mapping[str, str] | None = None,
                         lines_of: Mapping[str, Sequence[str]] | None = None
                         ) -> list[OrganisationRecord]:
    """Reference records for the listed organisations, with their names in fi, sv and en and,
    for the texts of the build (`document_keys` by file name), a derivation per place a text
    names them."""
    return [{"type": "organisation", "key": o.key, "names": _texts(o.names),
             "derivations": _place_derivations(o.named_in, document_keys or {}, lines_of or {})}
            for o in registry.organisations]


def _place_derivations(places: Sequence[tuple[str, int, int]], document_keys: Mapping[str, str],
                       lines_of: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    out = []
    for document, first, last in places:
        key = document_keys.get(document)
        if key is None:
            continue                  # the text is not part of this build
        lines = lines_of.get(document, [])
        out.append({"document_key": key, "first_line": first, "last_line": last,
                    "source_text": "\n".join(lines[first - 1:last]) or None})
    return out


# ---------------------------------------------------------------- the funding programme

def load_programme(path: Path) -> dict[str, Any] | None:
    if not Path(path).exists():
        return None
    with Path(path).open("rb") as handle:
        table = tomllib.load(handle)
    return table.get("programme")


def programme_record(programme: Mapping[str, Any], document_keys: Mapping[str, str],
                     lines_of: Mapping[str, Sequence[str]], build_key: str) -> ProgrammeRecord:
    """The programme as a reference record: names and definitions in fi, sv, en; its calls;
    its funder; and, if the source it cites is built, the derivation of its calls."""
    source = programme.get("source") or {}
    document = source.get("document")
    doc_key = document_keys.get(document) if document else None
    first, last = source.get("first_line"), source.get("last_line")
    lines = lines_of.get(document, []) if document else []
    call_source = ("\n".join(lines[first - 1:last]) if doc_key and first and last else None)
    return {
        "type": "programme", "key": programme["key"],
        "names": _texts(programme["names"]),
        "definitions": _texts(programme.get("definitions", {})),
        "funder_key": programme.get("funder"),
        "kind_key": "funding",
        "build_key": build_key,
        "calls": [{"call_key": c["key"], "year": str(c["year"]), "names": _texts(c["names"]),
                   "document_key": doc_key, "first_line": first if doc_key else None,
                   "last_line": last if doc_key else None, "source_text": call_source}
                  for c in programme.get("calls", [])],
    }


# ---------------------------------------------------------------- the vocabulary

def vocabulary_quads(settings: Settings, graph: NamedNode) -> Iterator[Quad]:
    """The ontology and its concept schemes, as bundled, rebased to the deployment's URI."""
    for name in ONTOLOGY_FILES:
        for triple in read_bundled_rdf(settings.ontology_dir / name, settings.base_uri):
            yield Quad(triple.subject, triple.predicate, triple.object, graph)
