"""Preparing a catalogue record for `mappings/catalogue.mapping.toml`: keys of the linked
organisations and people, status and language IRIs, description text rendered from its
blocks.

Everything decided here is a plain value in the prepared record (`PreparedProject` of
`publisher/build/records.py`), so the declarative mapping file stays free of logic.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from publisher.build.keys import slugify
from publisher.build.prepare.context import (LANGUAGE_IRIS, DocumentContext, normalise_url,
                                             unique)
from publisher.build.records import CatalogueRecord, PreparedProject


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


def record_label(record: dict[str, Any]) -> str:
    """The title, or for an untitled record the lead organisation and the first words."""
    if record.get("title"):
        return record["title"]
    text = render_blocks(record.get("description") or []).replace("\n", " ")
    words = " ".join(text.split()[:8])
    lead = (record.get("lead_organisation") or {}).get("name") or ""
    label = f"{lead}: {words}…" if lead and words else (words or lead or "(nimetön hanke)")
    return label


def prepare_record(record: CatalogueRecord, document: DocumentContext) -> PreparedProject:
    """Add the linked keys and rendered texts the mapping file refers to."""
    language = record.get("language") or "fi"
    source = record.get("source") or {}
    first, last = source.get("first_line"), source.get("last_line")
    prepared: dict[str, Any] = dict(record)
    pages = unique(normalise_url(u) for u in record.get("urls") or [])
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
        urls_normalised=pages,
        # sites the text names (mapped as references, not as the project's pages)
        urls_without_scheme=[u for u in unique(record.get("urls_without_scheme") or [])
                             if u not in pages],
        emails_prepared=[{"address": e, "index": n}
                         for n, e in enumerate(unique(record.get("emails") or []), start=1)],
        link_texts=record.get("link_texts") or [],
        programme_iri=document.programme_iri,
    )
    lead = record.get("lead_organisation")
    prepared["lead"] = {"key": organisation_key(lead)} if lead else None
    prepared["partner_municipalities_prepared"] = [
        {"key": organisation_key(m)} for m in record.get("partner_municipalities") or []
        if m.get("code")]
    partners = [{"name": name, "key": organisation_key({"name": name})}
                for name in _partner_names(record)]
    prepared["partner_organisations_prepared"] = partners
    people = [c for c in record.get("contact_points") or [] if c.get("kind") == "person"]
    prepared["contacts_prepared"] = [_prepare_contact(c) for c in people or record.get("contacts") or []
                                     if c.get("name")]
    prepared["organisations_prepared"] = _local_organisations(prepared, lead, partners)
    return prepared      # type: ignore[return-value]


def _partner_names(record: CatalogueRecord) -> list[str]:
    """Non-municipal partners, plus municipality mentions that did not resolve to a code."""
    names = list(record.get("partner_organisations") or [])
    names += [m["name"] for m in record.get("partner_municipalities") or []
              if not m.get("code") and m.get("name")]
    return unique(names)


def _prepare_contact(contact: dict[str, Any]) -> dict[str, Any]:
    """A person contact point: `organisation` is the official name of a municipality (or
    the organisation as written), `organisation_code` its code."""
    org_name = contact.get("organisation")
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
