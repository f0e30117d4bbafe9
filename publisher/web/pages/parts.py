"""What every resource page is made of: its labeller, its start (label, names, types,
sources), its description in the language asked, and links and literals by predicate."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.docs.labels import Index, Labeller, all_literals, collation_key
from publisher.docs.texts import literal_text, other_languages
from publisher.store import LABEL_PREDICATES
from publisher.vocab import OWL, PROV, RDFS, VCARD
from publisher.web.context import here, settings
from publisher.web.pages.properties import derivation_spans
from publisher.web.pages.release_data import document_lines, term_labels
from publisher.web.pages.terms import kd

#: where a resource came from: shown as its source spans, not as properties
SOURCE_PREDICATES = (PROV + "qualifiedDerivation", PROV + "wasDerivedFrom")
#: types too general to tell a reader anything
_GENERIC_TYPES = {PROV + "Entity", OWL + "Thing", RDFS + "Resource"}


def labeller(index: Index) -> Labeller:
    """Labels in this request's language, links onto the host answering, our terms named."""
    return Labeller(index, here().lang, settings().base_uri, term_labels(), here())


def linked(index: Index, names: Labeller, subject: Any, *predicates: str) -> list[dict[str, Any]]:
    """The resources `subject` links to with any of `predicates`, by label."""
    seen: dict[str, dict[str, Any]] = {}
    for predicate in predicates:
        for o in index.objects(subject, predicate):
            if isinstance(o, ox.NamedNode) and o.value not in seen:
                seen[o.value] = names.link(o)
    return sorted(seen.values(), key=lambda link: collation_key(link["label"]["value"]))


def literal_values(index: Index, subject: Any, *predicates: str) -> list[str]:
    """The plain values of `subject`'s literals of `predicates`."""
    return [o.value for p in predicates for o in index.objects(subject, p)
            if isinstance(o, ox.Literal)]


def _derivation_terms() -> dict[str, str]:
    return {"entity_of": PROV + "qualifiedDerivation", "entity": PROV + "entity",
            "first": kd("firstLine"), "last": kd("lastLine"), "text": kd("sourceText")}


def source_spans(index: Index, names: Labeller, node: Any) -> list[dict[str, Any]]:
    """Where a resource came from: document, lines and the text of those lines."""
    spans = derivation_spans(index, names, node, _derivation_terms())
    for span in spans:
        if not span["excerpt"] and span["first"] is not None and span["last"] is not None \
                and 0 < span["first"] <= span["last"]:
            lines = document_lines(span["document"]["iri"])
            span["excerpt"] = [{"number": n, "text": lines[n - 1]}
                               for n in range(span["first"], min(span["last"], len(lines)) + 1)]
    if not spans:
        for document in index.objects(node, PROV + "wasDerivedFrom"):
            if isinstance(document, ox.NamedNode):
                link = names.link(document)
                spans.append({"document": link, "first": None, "last": None, "single": False,
                              "excerpt": [], "href": link["href"]})
    return spans


def all_names(index: Index, node: Any) -> list[dict[str, Any]]:
    """The resource's name in every language it has one in."""
    for predicate in LABEL_PREDICATES:
        found = all_literals(index.objects(node, predicate))
        if found:
            return found
    return []


def page_start(page: str, iri: str, index: Index, names: Labeller) -> dict[str, Any]:
    """What every resource page starts with."""
    node = ox.NamedNode(iri)
    return {"page": page, "iri": iri, "url": here().url(iri), "label": names.label(node),
            "names": all_names(index, node),
            "types": [names.term_link(t) for t in index.types(node) if t not in _GENERIC_TYPES],
            "sources": source_spans(index, names, node)}


def descriptions(index: Index, node: Any, lang: str, *predicates: str) -> dict[str, Any]:
    """The description in the language asked (from the first predicate that has one in
    it, else the first that has any) and its versions in the other languages."""
    candidates = [(p, literal_text(index, node, p, lang)) for p in predicates]
    found = [(p, shown) for p, shown in candidates if shown]
    if not found:
        return {"description": None, "descriptions_other": []}
    predicate, shown = next(((p, s) for p, s in found if not s["fallback"]), found[0])
    return {"description": shown,
            "descriptions_other": other_languages(index.objects(node, predicate), shown)}


def telephones(index: Index, node: Any) -> list[str]:
    """Telephone numbers as written (without `tel:`)."""
    phones = []
    for value in index.objects(node, VCARD + "hasTelephone"):
        text = value.value
        phones.append(text[len("tel:"):] if text.startswith("tel:") else text)
    return phones
