"""Link: give extracted records what the mapping needs — keys of linked resources,
status and language IRIs, rendered description text — and build the reference graph
(municipality code list, regions) the records link to.

Everything decided here is a plain value in the prepared record, so the declarative
mapping file stays free of logic.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from publisher.config import Settings
from publisher.keys import slugify

LANGUAGE_IRIS = {
    "fi": "http://publications.europa.eu/resource/authority/language/FIN",
    "sv": "http://publications.europa.eu/resource/authority/language/SWE",
    "en": "http://publications.europa.eu/resource/authority/language/ENG",
}

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class DocumentContext:
    """What the link stage knows about the source a record came from."""

    key: str
    lines: Sequence[str]
    build_key: str


def render_blocks(blocks: Sequence[Any]) -> str:
    """Description blocks as text: paragraphs apart by a blank line, lists as '- ' or 'N. ' lines."""
    parts: list[str] = []
    for block in blocks or []:
        if isinstance(block, str):
            parts.append(block)
        elif block.get("type") == "list":
            ordered = block.get("ordered", False)
            parts.append("\n".join(
                f"{n}. {item}" if ordered else f"- {item}"
                for n, item in enumerate(_list_items(block), start=1)))
        else:
            parts.append(block.get("text", ""))
    return "\n\n".join(p for p in parts if p)


def _list_items(block: dict[str, Any]) -> list[str]:
    return [item if isinstance(item, str) else render_blocks([item])
            for item in block.get("items", [])]


def organisation_key(org: dict[str, Any] | None) -> str | None:
    """A municipality is keyed by its code, any other organisation by its name."""
    if not org:
        return None
    if org.get("code"):
        return str(org["code"])
    name = org.get("name") or ""
    return slugify(name, max_length=80) or None


def _normalise_url(url: str) -> str:
    url = url.strip().rstrip(".,;)")
    return url if url.startswith(("http://", "https://")) else f"https://{url}"


def record_label(record: dict[str, Any]) -> str:
    """The title, or for an untitled record the lead organisation and the first words."""
    if record.get("title"):
        return record["title"]
    text = render_blocks(record.get("description") or []).replace("\n", " ")
    words = " ".join(text.split()[:8])
    lead = (record.get("lead_organisation") or {}).get("name") or ""
    label = f"{lead}: {words}…" if lead and words else (words or lead or "(nimetön hanke)")
    return label


def prepare_record(record: dict[str, Any], document: DocumentContext) -> dict[str, Any]:
    """Add the linked keys and rendered texts the mapping file refers to."""
    language = record.get("language") or "fi"
    source = record.get("source") or {}
    first, last = source.get("first_line"), source.get("last_line")
    prepared = dict(record)
    prepared.update(
        language=language,
        language_iri=LANGUAGE_IRIS.get(language),
        label=record_label(record),
        status="ended" if record.get("ended") else "ongoing",
        description_text=render_blocks(record.get("description") or []),
        sections_prepared=[
            {"order": n, "heading": s.get("heading"), "text": render_blocks(s.get("items") or [])}
            for n, s in enumerate(record.get("sections") or [], start=1)],
        document_key=document.key,
        build_key=document.build_key,
        first_line=first,
        last_line=last,
        source_text="\n".join(document.lines[first - 1:last]) if first and last else None,
        urls_normalised=_unique(_normalise_url(u) for u in record.get("urls") or []),
        emails_prepared=[{"address": e, "index": n}
                         for n, e in enumerate(_unique(record.get("emails") or []), start=1)],
        link_texts=record.get("link_texts") or [],
    )
    lead = record.get("lead_organisation")
    prepared["lead"] = {"key": organisation_key(lead)} if lead else None
    prepared["partner_municipalities_prepared"] = [
        {"key": organisation_key(m)} for m in record.get("partner_municipalities") or []
        if m.get("code")]
    partners = [{"name": name, "key": organisation_key({"name": name})}
                for name in _partner_names(record)]
    prepared["partner_organisations_prepared"] = partners
    prepared["contacts_prepared"] = [_prepare_contact(c) for c in record.get("contacts") or []
                                     if c.get("name")]
    prepared["organisations_prepared"] = _local_organisations(prepared, lead, partners)
    return prepared


def _partner_names(record: dict[str, Any]) -> list[str]:
    """Non-municipal partners, plus municipality mentions that did not resolve to a code."""
    names = list(record.get("partner_organisations") or [])
    names += [m["name"] for m in record.get("partner_municipalities") or []
              if not m.get("code") and m.get("name")]
    return _unique(names)


def _prepare_contact(contact: dict[str, Any]) -> dict[str, Any]:
    org_name = contact.get("organisation_normalised") or contact.get("organisation")
    org = {"name": org_name, "code": contact.get("code") or contact.get("organisation_code")}
    return {
        "name": contact["name"],
        "person_key": slugify(contact["name"], max_length=80),
        "organisation_name": contact.get("organisation_as_written") or org_name,
        "organisation_key": organisation_key(org) if org_name else None,
        "organisation_is_municipality": bool(org["code"]),
    }


def _local_organisations(prepared: dict[str, Any], lead: dict[str, Any] | None,
                         partners: list[dict[str, str]]) -> list[dict[str, str]]:
    """Every non-municipal organisation the record names, once, for the record's graph."""
    found: dict[str, dict[str, str]] = {}
    if lead and not lead.get("code") and lead.get("name"):
        found[organisation_key(lead) or ""] = {"name": lead["name"], "key": organisation_key(lead) or ""}
    for partner in partners:
        found.setdefault(partner["key"], partner)
    for contact in prepared["contacts_prepared"]:
        if contact["organisation_key"] and not contact["organisation_is_municipality"]:
            found.setdefault(contact["organisation_key"],
                             {"name": contact["organisation_name"],
                              "key": contact["organisation_key"]})
    return [org for key, org in found.items() if key]


def _unique(values: Any) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


# ---------------------------------------------------------------- reference graph

def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reference_quads(settings: Settings, graph: NamedNode) -> Iterator[Quad]:
    """Municipalities (all 309 of the code list) and regions, with fi/sv (en) labels."""
    base = settings.base_uri
    reference = settings.mappings_dir / "reference"
    regions = read_csv(reference / "regions.csv")
    region_by_name = {r["name_fi"]: r["code"] for r in regions}
    region_list = settings.region_codelist.rstrip("/")
    municipality_list = settings.municipality_codelist.rstrip("/")
    for region in regions:
        iri = NamedNode(f"{region_list}/code/{region['code']}")
        yield Quad(iri, NamedNode(RDF + "type"), NamedNode(SKOS + "Concept"), graph)
        yield Quad(iri, NamedNode(SKOS + "inScheme"), NamedNode(region_list), graph)
        yield Quad(iri, NamedNode(SKOS + "notation"), Literal(region["code"]), graph)
        for lang in ("fi", "sv", "en"):
            name = region.get(f"name_{lang}")
            if name:
                yield Quad(iri, NamedNode(SKOS + "prefLabel"), Literal(name, language=lang), graph)
                yield Quad(iri, NamedNode(RDFS + "label"), Literal(name, language=lang), graph)
    kd = base + "def/"
    for row in read_csv(reference / "municipalities.csv"):
        iri = NamedNode(f"{base}id/organisation/{row['code']}")
        code_iri = NamedNode(f"{municipality_list}/code/{row['code']}")
        yield Quad(iri, NamedNode(RDF + "type"), NamedNode(ORG + "Organization"), graph)
        yield Quad(iri, NamedNode(RDF + "type"), NamedNode(kd + "Municipality"), graph)
        yield Quad(iri, NamedNode(DCTERMS + "identifier"), Literal(row["code"]), graph)
        yield Quad(iri, NamedNode(kd + "municipalityCode"), code_iri, graph)
        names = {"fi": row["name_fi"], "sv": row["name_sv"]}
        for lang, name in names.items():
            yield Quad(iri, NamedNode(SKOS + "prefLabel"), Literal(name, language=lang), graph)
            yield Quad(iri, NamedNode(RDFS + "label"), Literal(name, language=lang), graph)
        region_code = region_by_name.get(row["region_fi"])
        if region_code:
            yield Quad(iri, NamedNode(kd + "region"),
                       NamedNode(f"{region_list}/code/{region_code}"), graph)
        yield Quad(code_iri, NamedNode(RDF + "type"), NamedNode(SKOS + "Concept"), graph)
        yield Quad(code_iri, NamedNode(SKOS + "inScheme"), NamedNode(municipality_list), graph)
        yield Quad(code_iri, NamedNode(SKOS + "notation"), Literal(row["code"]), graph)
        for lang, name in names.items():
            yield Quad(code_iri, NamedNode(SKOS + "prefLabel"), Literal(name, language=lang), graph)
