"""The page of a project or any other initiative (network, service, event, forum,
programme): who leads and takes part, themes and why, contacts, sections, calls, sources."""
from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import (Index, Labeller, collation_key, integer, local_name,
                                        pick_literal)
from publisher.docs.texts import literal_text
from publisher.store import RDF_TYPE
from publisher.vocab import DCAT, DCTERMS, FOAF, PROV, RDFS, SKOS, VCARD, thing
from publisher.web.context import here, safe_link, settings
from publisher.web.maps.figures import spec_of
from publisher.web.pages.parts import (descriptions, labeller, linked, literal_values,
                                       page_start, telephones)
from publisher.web.pages.project_index import project_index
from publisher.web.pages.project_list import list_href
from publisher.web.pages.properties import fragment_of, inverse_view, properties_view
from publisher.web.pages.schema_org import project
from publisher.web.pages.terms import kd, schema


_SHOWN_ON_INITIATIVE = {
    "": (RDF_TYPE, DCTERMS + "title", RDFS + "label", SKOS + "prefLabel", DCTERMS + "description",
         SKOS + "definition", *schema("funder"),
         DCAT + "contactPoint", FOAF + "page", PROV + "qualifiedDerivation",
         PROV + "wasDerivedFrom", DCTERMS + "subject", *schema("funding"), *schema("startDate"),
         *schema("endDate")),
    "kd": ("status", "catalogueNumber", "leadOrganisation", "partnerMunicipality",
           "partnerOrganisation", "section", "kind", "themeAssignment", "call"),
}


def _shown(table: dict[str, tuple[str, ...]]) -> set[str]:
    return {*table[""], *(kd(local) for local in table["kd"])}


def initiative_page(iri: str, index: Index) -> dict[str, Any]:
    """A project or any other initiative (network, service, event, forum, programme)."""
    names = labeller(index)
    node = ox.NamedNode(iri)
    lang = here().lang
    status = index.first(node, kd("status"))
    is_project = kd("Project") in index.types(node)
    funded = _funded(iri)
    page = {
        **page_start("project" if is_project else "initiative", iri, index, names),
        "number": integer(index.first(node, kd("catalogueNumber"))),
        "status": names.link(status) if isinstance(status, ox.NamedNode) else None,
        "kinds": linked(index, names, node, kd("kind")),
        **descriptions(index, node, lang, DCTERMS + "description", SKOS + "definition"),
        "lead": linked(index, names, node, kd("leadOrganisation")),
        "lead_is_municipality": all(kd("Municipality") in index.types(o) for o in
                                    index.objects(node, kd("leadOrganisation"))),
        "funders": linked(index, names, node, *schema("funder")),
        "partners": linked(index, names, node, kd("partnerMunicipality")),
        "partner_organisations": linked(index, names, node, kd("partnerOrganisation")),
        "themes": _themes(index, names, node),
        "programmes": linked(index, names, node, *schema("funding")),
        "dates": {"start": next(iter(literal_values(index, node, *schema("startDate"))), None),
                  "end": next(iter(literal_values(index, node, *schema("endDate"))), None)},
        "contacts": _contacts(index, names, node),
        "pages": [p.value for p in index.objects(node, FOAF + "page")
                  if isinstance(p, ox.NamedNode) and safe_link(p.value)],
        "sections": _sections(index, node, lang),
        "calls": _calls(index, names, node),
        "funded": funded,
        "other": properties_view(node, names, skip=_shown(_SHOWN_ON_INITIATIVE)),
        "inverse": inverse_view(node, names, skip=schema("funding") if funded else ()),
        "map": spec_of("project", iri=iri) if is_project else None,
    }
    # search engines read a project page's JSON-LD (the other initiatives' is on /doc)
    return {**page, "schema_org": project(page) if is_project else None}


def _contacts(index: Index, names: Labeller, node: Any) -> list[dict[str, Any]]:
    contacts = []
    for contact in index.objects(node, DCAT + "contactPoint"):
        if not isinstance(contact, ox.NamedNode):
            continue
        email = index.first(contact, VCARD + "hasEmail")
        email_href = email.value if isinstance(email, ox.NamedNode) and safe_link(
            email.value) and email.value.startswith("mailto:") else None
        organisation = pick_literal(index.objects(contact, VCARD + "organization-name"),
                                    here().lang)
        contacts.append({**names.link(contact), "organisation": organisation,
                         "anchor": fragment_of(contact),
                         "email": email_href[len("mailto:"):] if email_href else None,
                         "email_href": email_href,
                         "telephone": next(iter(telephones(index, contact)), None)})
    contacts.sort(key=lambda c: collation_key(c["label"]["value"]))
    return contacts


def _sections(index: Index, node: Any, lang: str) -> list[dict[str, Any]]:
    sections = []
    for section in index.objects(node, kd("section")):
        sections.append({"title": pick_literal(index.objects(section, DCTERMS + "title"), lang),
                         "anchor": fragment_of(section),
                         "order": integer(index.first(section, kd("order"))),
                         "description": literal_text(index, section, DCTERMS + "description",
                                                     lang)})
    sections.sort(key=lambda s: (s["order"] is None, s["order"] or 0))
    return sections


_MATCHED = re.compile(r"^'(?P<words>.*)' (?P<file>[\w-]+)\.txt:(?P<line>\d+)(?P<rest>.*)$")


def _themes(index: Index, names: Labeller, node: Any) -> list[dict[str, Any]]:
    """The themes with why each was given: the rule and the words it matched, each word
    linked to the line of the source text it was found on."""
    why: dict[str, dict[str, Any]] = {}
    documents = {d.value for d in index.objects(node, PROV + "wasDerivedFrom")
                 if isinstance(d, ox.NamedNode)}
    for assignment in index.objects(node, kd("themeAssignment")):
        theme = index.first(assignment, kd("assignedTheme"))
        if not isinstance(theme, ox.NamedNode):
            continue
        rule = index.first(assignment, kd("assignedBy"))
        words = sorted(literal_values(index, assignment, kd("matchedText")))
        why[theme.value] = {"rule": names.link(rule) if isinstance(rule, ox.NamedNode) else None,
                            "anchor": fragment_of(assignment),
                            "words": [_matched_word(text, documents) for text in words]}
    return [{**link, "why": why.get(link["iri"])}
            for link in linked(index, names, node, DCTERMS + "subject")]


def _matched_word(text: str, documents: set[str]) -> dict[str, Any]:
    """`'eVaka' 004_f0ab….txt:20` → the words, the line and a link to that line."""
    found = _MATCHED.match(text)
    if not found:
        return {"text": text, "href": None}
    document = thing(settings().base_uri, "document", found["file"].replace("_", "-"))
    href = here().href(document) + f"#L{found['line']}" if document in documents else None
    return {"text": text, "words": found["words"], "line": int(found["line"]),
            "note": found["rest"].strip(), "href": href}


def _calls(index: Index, names: Labeller, node: Any) -> list[dict[str, Any]]:
    calls = [{**names.link(call), "anchor": call.value.rpartition("#")[2],
              "date": next(iter(literal_values(index, call, DCTERMS + "date")), None)}
             for call in index.objects(node, kd("call")) if isinstance(call, ox.NamedNode)]
    calls.sort(key=lambda c: (c["date"] or "", collation_key(c["label"]["value"])))
    return calls


def _funded(iri: str) -> dict[str, Any] | None:
    """For a funding programme: how many projects it funds, and the list of them."""
    index = project_index()
    count = sum(1 for entry in index.projects.values() if iri in entry["programmes"])
    if not count:
        return None
    return {"count": count, "href": list_href({"programme": local_name(iri)})}
