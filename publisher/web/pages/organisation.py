"""The page of a municipality or another organisation, with the projects it leads and
takes part in."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index, collation_key, local_name
from publisher.store import RDF_TYPE
from publisher.vocab import DCTERMS, ORG, PROV, RDFS, SKOS
from publisher.web.context import safe_link
from publisher.web.maps.figures import spec_of
from publisher.web.pages.parts import labeller, page_start
from publisher.web.pages.project_index import project_index, project_rows
from publisher.web.pages.project_list import list_href
from publisher.web.pages.properties import inverse_view, properties_view
from publisher.web.pages.terms import kd


def organisation_page(iri: str, index: Index) -> dict[str, Any]:
    """A municipality or another organisation with the projects it leads and takes part in."""
    names = labeller(index)
    node = ox.NamedNode(iri)
    code_list = index.first(node, kd("municipalityCode"))
    region = index.first(node, kd("region"))
    identifier = index.first(node, DCTERMS + "identifier")
    projects = project_index().projects
    lead = [p for p, entry in projects.items() if iri in entry["lead"]]
    partner = [p for p, entry in projects.items()
               if iri in entry["partners"] or iri in entry["partner_orgs"]]
    is_municipality = kd("Municipality") in index.types(node)
    shown = {RDF_TYPE, SKOS + "prefLabel", RDFS + "label", DCTERMS + "identifier",
             kd("municipalityCode"), kd("region"), PROV + "qualifiedDerivation",
             PROV + "wasDerivedFrom"}
    return {
        **page_start("municipality" if is_municipality else "organisation", iri, index, names),
        "code": identifier.value if isinstance(identifier, ox.Literal) and is_municipality
        else None,
        "code_list": code_list.value if isinstance(code_list, ox.NamedNode)
        and safe_link(code_list.value) else None,
        "region": names.link(region) if isinstance(region, ox.NamedNode) else None,
        "region_href": list_href({"region": local_name(region.value)})
        if isinstance(region, ox.NamedNode) else None,
        "lead_projects": project_rows(lead, by_number=True),
        "partner_projects": project_rows(partner),
        "projects_href": list_href({"municipality": local_name(iri)})
        if lead or partner else None,
        "members": sorted((names.link(s) for s in index.subjects(ORG + "memberOf", node)
                           if isinstance(s, ox.NamedNode)),
                          key=lambda link: collation_key(link["label"]["value"])),
        "other": properties_view(node, names, skip=shown),
        "inverse": inverse_view(node, names, skip=(
            kd("leadOrganisation"), kd("partnerMunicipality"), kd("partnerOrganisation"),
            ORG + "memberOf")),
        "map": spec_of("municipality", iri=iri) if is_municipality else None,
    }
