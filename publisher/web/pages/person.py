"""The page of a contact person: organisation, how to reach them, what they are the
contact for."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index, collation_key, pick_literal
from publisher.store import RDF_TYPE
from publisher.vocab import DCAT, ORG, PROV, RDFS, VCARD
from publisher.web.context import here
from publisher.web.pages.parts import labeller, linked, page_start, telephones
from publisher.web.pages.properties import inverse_view, properties_view


def person_page(iri: str, index: Index) -> dict[str, Any]:
    """A contact person: organisation, how to reach them, what they are the contact for."""
    names = labeller(index)
    node = ox.NamedNode(iri)
    emails = [o.value for o in index.objects(node, VCARD + "hasEmail")
              if isinstance(o, ox.NamedNode) and o.value.startswith("mailto:")]
    shown = {RDF_TYPE, VCARD + "fn", RDFS + "label", ORG + "memberOf",
             VCARD + "organization-name", VCARD + "hasEmail", VCARD + "hasTelephone",
             VCARD + "role", PROV + "qualifiedDerivation", PROV + "wasDerivedFrom"}
    contact_for = [names.link(s) for s in dict.fromkeys(index.subjects(DCAT + "contactPoint",
                                                                       node))
                   if isinstance(s, ox.NamedNode)]
    contact_for.sort(key=lambda link: collation_key(link["label"]["value"]))
    return {
        **page_start("person", iri, index, names),
        "organisations": linked(index, names, node, ORG + "memberOf"),
        "organisation_name": pick_literal(index.objects(node, VCARD + "organization-name"),
                                          here().lang),
        "roles": [{"value": r.value, "lang": r.language or None, "fallback": False}
                  for r in index.objects(node, VCARD + "role") if isinstance(r, ox.Literal)],
        "emails": [{"href": e, "text": e[len("mailto:"):]} for e in emails],
        "telephones": telephones(index, node),
        "contact_for": contact_for,
        "other": properties_view(node, names, skip=shown),
        "inverse": inverse_view(node, names, skip=(DCAT + "contactPoint",)),
    }
