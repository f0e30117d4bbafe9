"""The page of a source text: what it is, what was taken from which of its lines, and
the text itself with numbered, linkable lines."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index, collation_key, integer
from publisher.store import LABEL_PREDICATES, RDF_TYPE
from publisher.vocab import DCTERMS, PROV, RDFS
from publisher.web.context import here, store
from publisher.web.pages.parts import SOURCE_PREDICATES, descriptions, labeller, page_start
from publisher.web.pages.properties import inverse_view, properties_view
from publisher.web.pages.release_data import document_lines
from publisher.web.pages.terms import kd


def document_page(iri: str, index: Index) -> dict[str, Any]:
    """A source text: what it is, what was taken from which of its lines, and the text
    itself with numbered, linkable lines."""
    names = labeller(index)
    node = ox.NamedNode(iri)
    shown = {RDF_TYPE, kd("sourceText"), DCTERMS + "title", RDFS + "label", DCTERMS + "description",
             *SOURCE_PREDICATES}
    derived, quoted = _derived_from(iri)
    whole = document_lines(iri)
    return {
        **page_start("document", iri, index, names),
        **descriptions(index, node, here().lang, DCTERMS + "description"),
        "properties": properties_view(node, names, skip=shown),
        "derived": derived,
        "inverse": inverse_view(node, names, skip=(PROV + "entity", PROV + "wasDerivedFrom")),
        "lines": [{"number": n, "text": text} for n, text in enumerate(whole, start=1)]
        if whole else _with_gaps(quoted),
        "text_complete": bool(whole),
    }


def _with_gaps(quoted: dict[int, str]) -> list[dict[str, Any]]:
    """The lines the derivations quote, in order, with a gap marker where lines the data
    does not hold are left out (the document itself carries no kd:sourceText)."""
    lines: list[dict[str, Any]] = []
    previous = 0
    for number in sorted(quoted):
        if number > previous + 1:
            lines.append({"gap": True, "first": previous + 1, "last": number - 1})
        lines.append({"number": number, "text": quoted[number]})
        previous = number
    return lines


def _derived_from(document: str) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Every resource with a derivation from `document` (its label and the lines, in the
    order they appear in the text), and the text of the lines the derivations quote."""
    label_values = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
    rows = store().select(f"""
SELECT ?x ?first ?last ?text ?pred ?label WHERE {{
  ?x <{PROV}qualifiedDerivation> ?d . ?d <{PROV}entity> <{document}> .
  OPTIONAL {{ ?d <{kd('firstLine')}> ?first }} OPTIONAL {{ ?d <{kd('lastLine')}> ?last }}
  OPTIONAL {{ ?d <{kd('sourceText')}> ?text }}
  OPTIONAL {{ ?x ?pred ?label VALUES ?pred {{ {label_values} }} }}
}}""")
    triples = []
    spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
    quoted: dict[int, str] = {}
    for row in rows:
        x = row["x"]
        if "label" in row:
            triples.append(ox.Triple(x, ox.NamedNode(row["pred"].value), row["label"]))
        first = integer(row.get("first"))
        if first is not None:
            spans[x.value].add((first, integer(row.get("last")) or first))
            if "text" in row:
                for offset, line in enumerate(row["text"].value.split("\n")):
                    quoted.setdefault(first + offset, line)
        else:
            spans.setdefault(x.value, set())
    names = labeller(Index(triples))
    href = here().href(document)
    derived = []
    for iri, found in spans.items():
        ordered = sorted(found)
        derived.append({**names.link(ox.NamedNode(iri)),
                        "anchor": iri.partition("#")[2] if iri.startswith(document + "#") else None,
                        "spans": [
            {"first": a, "last": b, "single": a == b, "href": f"{href}#L{a}"} for a, b in ordered],
            "first_line": ordered[0][0] if ordered else 0})
    derived.sort(key=lambda d: (d["first_line"], collation_key(d["label"]["value"])))
    return derived, quoted
