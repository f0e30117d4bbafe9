"""The page of a metadata file of the release (the catalogue, VoID, the shapes): each
resource it describes with its properties."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index, Labeller
from publisher.web.context import here, settings
from publisher.web.pages.properties import properties_view


def described_resources(triples: list[ox.Triple]) -> list[dict[str, Any]]:
    """The named resources of ``triples``, shortest IRI (the dataset, the catalogue) first."""
    index = Index(triples)
    names = Labeller(index, here().lang, settings().base_uri, None, here())
    subjects = [s for s in index.out if isinstance(s, ox.NamedNode)]
    subjects.sort(key=lambda s: (len(s.value), s.value))
    return [{"iri": s.value, "href": here().href(s.value), "label": names.label(s),
             "properties": properties_view(s, names, skip=())} for s in subjects]
