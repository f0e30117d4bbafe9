"""Preparing a page record for `mappings/page.mapping.toml`: URIs, language IRIs,
organisation keys and one derivation per line span, for each of the five kinds of record a
page gives (document, initiative, person, figure, concept; see `publisher/build/records.py`)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from publisher.build.keys import slugify
from publisher.build.prepare.context import (LANGUAGE_IRIS, DocumentContext, normalise_url,
                                             unique)
from publisher.build.prepare.municipalities import MunicipalityIndex
from publisher.build.prepare.organisations import resolve_organisation
from publisher.vocab import AUTHORITY, SCHEMA_HTTP

KIND_CLASSES = {"project": "Project", "network": "Network", "service": "Service",
                "event": "Event", "forum": "Forum", "funding": "FundingProgramme"}
GENRE_CLASSES = {"web page": SCHEMA_HTTP + "WebPage", "blog post": SCHEMA_HTTP + "BlogPosting",
                 "press release": SCHEMA_HTTP + "Article"}
COUNTRIES = {"FIN": AUTHORITY + "country/FIN"}


def kind_type(kind: str) -> str:
    """The URI type segment of an initiative of this kind."""
    return {"project": "project", "funding": "programme"}.get(kind, "initiative")


def telephone_iri(number: str | None) -> str | None:
    """A Finnish number as written ("02955 30122") as a tel: IRI (RFC 3966, +358)."""
    digits = re.sub(r"\D", "", number or "")
    if not digits:
        return None
    return f"tel:+358{digits[1:]}" if digits.startswith("0") else f"tel:+{digits}"


def _derivations(record: Mapping[str, Any], document: DocumentContext, iri: str) -> list[dict]:
    out = []
    joiner = "-" if "#" in iri else "#"          # a hash resource's derivation: {iri}-derivation-…
    for first, last in record.get("spans") or []:
        out.append({"derivation_iri": f"{iri}{joiner}derivation-{document.key}-{first}",
                    "first_line": first, "last_line": last,
                    "source_text": "\n".join(document.lines[first - 1:last])})
    return out


def prepare_page_record(record: dict[str, Any], document: DocumentContext,
                        index: MunicipalityIndex | None = None) -> dict[str, Any]:
    """Add what the page mapping refers to: URIs, language IRIs, organisation keys, spans."""
    language = record.get("language") or "sv"
    prepared = dict(record)
    source = record.get("source") or {}
    prepared.update(language=language, language_iri=LANGUAGE_IRIS.get(language),
                    first_line=source.get("first_line"), last_line=source.get("last_line"),
                    document_key=document.key, build_key=document.build_key,
                    document_iri=f"{document.base}id/document/{document.key}")
    kind = record.get("type")
    if kind == "document":
        _prepare_document(prepared, document)
    elif kind == "initiative":
        _prepare_initiative(prepared, document, index)
    elif kind == "person":
        _prepare_person(prepared, document, index)
    elif kind == "figure":
        _prepare_figure(prepared, document)
    elif kind == "concept":
        prepared["iri"] = f"{document.base}id/interoperability-layer/{record['key']}" \
            if record.get("scheme") == "eif" else None
        prepared["derivations"] = _derivations(record, document, prepared["iri"] or "")
    return prepared


def _prepare_document(prepared: dict[str, Any], document: DocumentContext) -> None:
    registry = document.organisations
    prepared["genre_class"] = GENRE_CLASSES.get(prepared.get("genre") or "")
    prepared["publisher_key"] = resolve_organisation(prepared.get("publisher"), registry)
    prepared["authors_prepared"] = [{"person_key": slugify(a["name"], max_length=80),
                                     "organisation_key": None} for a in prepared.get("authors") or []]
    prepared["tags_prepared"] = list(prepared.get("tags") or [])
    prepared["urls_normalised"] = unique(normalise_url(u) for u in prepared.get("urls") or [])
    prepared["subject_iris"] = unique(document.refs.get(i) for i in prepared.get("subject_refs") or [])


def _prepare_initiative(prepared: dict[str, Any], document: DocumentContext,
                        index: MunicipalityIndex | None) -> None:
    iri = prepared.get("iri") or ""
    language = prepared["language"]
    prepared["derivations"] = _derivations(prepared, document, iri)
    prepared["kind_iri"] = f"{document.base}id/initiative-kind/{prepared.get('kind') or 'project'}"
    if not prepared.get("class_iri") and not prepared.get("merged"):
        prepared["class_iri"] = f"{document.base}def/{KIND_CLASSES.get(prepared.get('kind'), 'Project')}"
    prepared["is_project"] = (prepared.get("class_iri") or "").endswith("/def/Project")
    labels = [{"text": prepared["name"], "language": language}]
    labels += [{"text": t, "language": lang} for lang, t in sorted((prepared.get("labels") or {}).items())
               if lang != language]
    prepared["labels_prepared"] = labels
    prepared["titles_prepared"] = [{"text": prepared.get("title") or prepared["name"], "language": language}]
    alt = [n for n in [prepared.get("title")] + list(prepared.get("alt_names") or [])
           if n and n != prepared["name"]]
    prepared["alt_labels_prepared"] = [{"text": n, "language": language} for n in unique(alt)]
    description = " ".join(prepared.get("description") or [])
    prepared["descriptions_prepared"] = ([{"text": description, "language": language}]
                                         if description else [])
    lead = prepared.get("lead_organisation") or {}
    prepared["lead_key"] = lead.get("key") or lead.get("code") or \
        resolve_organisation(lead.get("name"), document.organisations, index)
    prepared["partner_keys"] = [p["key"] for p in prepared.get("partners") or [] if p.get("key")]
    funder = prepared.get("funder") or {}
    prepared["funder_key"] = resolve_organisation(funder.get("name"), document.organisations, index)
    prepared["urls_normalised"] = unique(normalise_url(u) for u in prepared.get("urls") or [])
    prepared["programme_iri"] = document.programme_iri if prepared.get("funded_by_programme") else None
    prepared["status"] = "ongoing"


def _prepare_person(prepared: dict[str, Any], document: DocumentContext,
                    index: MunicipalityIndex | None) -> None:
    registry = document.organisations
    key = resolve_organisation(prepared.get("organisation"), registry, index)
    if key is None:
        key = resolve_organisation(prepared.get("organisation_hint"), registry, index)
    if key is None:
        fallback = prepared.get("fallback_municipality") or {}
        key = fallback.get("code")
    prepared["organisation_key"] = key
    prepared["person_key"] = slugify(prepared["name"], max_length=80)
    prepared["spans"] = [[n, n] for n in sorted(set(prepared.get("lines") or []))]
    prepared["derivations"] = _derivations(prepared, document,
                                           f"{document.base}id/person/{prepared['person_key']}")
    prepared["roles"] = [prepared["role"]] if prepared.get("role") else []
    prepared["telephone"] = telephone_iri(prepared.get("phone"))
    prepared["homepage"] = (f"https://twitter.com/{prepared['twitter']}"
                            if prepared.get("twitter") else None)
    prepared["contact_of"] = [{"iri": iri} for iri in
                              unique(document.refs.get(i) for i in prepared.get("initiative_refs") or [])]
    prepared["authored_documents"] = []
    if prepared.get("relation") == "author":
        prepared["contact_of"] = []
        prepared["authored_documents"] = [prepared["document_iri"]]


def _prepare_figure(prepared: dict[str, Any], document: DocumentContext) -> None:
    iri = f"{document.base}id/document/{document.key}#figure-{prepared['key']}"
    prepared["iri"] = iri
    subject = prepared.get("subject") or {}
    if "initiative_ref" in subject:
        prepared["subject_iri"] = document.refs.get(subject["initiative_ref"])
    else:
        code = (subject.get("iri_code") or "").split(":")[-1]
        prepared["subject_iri"] = COUNTRIES.get(code)
    value = prepared.get("value")
    prepared["labels_prepared"] = [{"text": f"{text}: {value}", "language": lang}
                                   for lang, text in sorted((prepared.get("label") or {}).items())]
    prepared["units_prepared"] = [{"text": text, "language": lang}
                                  for lang, text in sorted((prepared.get("unit") or {}).items())]
    prepared["derivations"] = _derivations(prepared, document, iri)
