"""What a page shows of a resource's triples: its properties grouped by predicate, its nested
parts, who links to it, and where it came from."""
from __future__ import annotations

from typing import Any, Iterable

import pyoxigraph as ox

from publisher.docs.labels import (Index, Labeller, collation_key, compact, integer,
                                        pick_literal)
from publisher.docs.texts import text_blocks
from publisher.store import RDF_TYPE
from publisher.vocab import RDFS, SKOS, XSD


def is_part(term: Any, owner: Any) -> bool:
    """A blank node, or a hash IRI of the owner (`<project#derivation>`)."""
    if isinstance(term, ox.BlankNode):
        return True
    return (isinstance(term, ox.NamedNode) and isinstance(owner, ox.NamedNode)
            and term.value.startswith(owner.value + "#"))


def value_view(term: Any, labeller: Labeller, owner: Any, depth: int = 0) -> dict[str, Any]:
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if not term.language else None
        shown = None if datatype in (None, XSD + "string") else compact(datatype, labeller.base)
        return {"kind": "literal", "value": term.value, "lang": term.language or None,
                "datatype": shown, "blocks": text_blocks(term.value) if "\n" in term.value else None}
    if is_part(term, owner) and depth < 3 and labeller.index.has(term):
        view = {"kind": "part", "properties": properties_view(term, labeller, depth + 1),
                "types": [labeller.term_link(t) for t in labeller.index.types(term)]}
        if isinstance(term, ox.NamedNode):
            view.update({"iri": term.value, "anchor": term.value.rpartition("#")[2]})
        return view
    if isinstance(term, ox.BlankNode):
        return {"kind": "bnode", "value": f"_:{term.value}"}
    return {"kind": "iri", **labeller.link(term)}


def properties_view(subject: Any, labeller: Labeller, depth: int = 0,
                    skip: Iterable[str] = (RDF_TYPE,)) -> list[dict[str, Any]]:
    """The subject's properties grouped by predicate, ordered by label."""
    skipped = set(skip)
    groups = []
    for predicate, objects in labeller.index.out.get(subject, {}).items():
        if predicate in skipped:
            continue
        values = [value_view(o, labeller, subject, depth) for o in objects]
        values.sort(key=lambda v: (v.get("kind") == "part", str(v.get("lang") or ""),
                                   str(v.get("value") or v.get("label", {}).get("value", ""))))
        groups.append({"predicate": labeller.term_link(predicate), "values": values})
    groups.sort(key=lambda g: g["predicate"]["label"]["value"].lower())
    return groups


def fragment_of(term: Any) -> str | None:
    """The id a hash part gets on its owner's page (`<project#derivation>` → `derivation`)."""
    if isinstance(term, ox.NamedNode) and "#" in term.value:
        return term.value.partition("#")[2] or None
    return None


def owner_of(term: Any) -> Any:
    """The resource a hash part belongs to (`<project#derivation>` → `<project>`)."""
    if isinstance(term, ox.NamedNode) and "#" in term.value:
        return ox.NamedNode(term.value.partition("#")[0])
    return term


def inverse_view(subject: Any, labeller: Labeller,
                 skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Who links here, grouped by predicate. A link from a part of another resource (a
    theme assignment, a derivation) counts as a link from that resource, and only where
    the resource does not already link here directly."""
    skipped = set(skip)
    direct: dict[str, list[Any]] = {}
    via_parts: dict[str, list[Any]] = {}
    for predicate, subjects in labeller.index.into.get(subject, {}).items():
        if predicate in skipped:
            continue
        for s in subjects:
            if not isinstance(s, ox.NamedNode) or is_part(s, subject):
                continue
            owner = owner_of(s)
            if owner == subject:
                continue
            (direct if owner == s else via_parts).setdefault(predicate, []).append(owner)
    seen = {s for subjects in direct.values() for s in subjects}
    groups = []
    for predicate, subjects in (*direct.items(), *via_parts.items()):
        kept = [s for s in dict.fromkeys(subjects) if predicate in direct or s not in seen]
        if not kept:
            continue
        links = sorted((labeller.link(s) for s in kept), key=lambda link: collation_key(
            link["label"]["value"]))
        groups.append({"predicate": labeller.term_link(predicate), "subjects": links})
    groups.sort(key=lambda g: g["predicate"]["label"]["value"].lower())
    return groups


def derivation_spans(index: Index, labeller: Labeller, node: Any,
                     terms: dict[str, str]) -> list[dict[str, Any]]:
    """Where `node` came from: each qualified derivation as its document, first and last
    line and (when the derivation carries it) the text of those lines, in document and
    line order. `terms` names the entity, firstLine, lastLine and sourceText predicates."""
    spans = []
    for derivation in index.objects(node, terms["entity_of"]):
        document = index.first(derivation, terms["entity"])
        if not isinstance(document, ox.NamedNode):
            continue
        first = integer(index.first(derivation, terms["first"]))
        last = integer(index.first(derivation, terms["last"]))
        if first is not None and last is None:
            last = first
        text = index.first(derivation, terms["text"])
        lines = text.value.split("\n") if isinstance(text, ox.Literal) else []
        excerpt = [{"number": first + i, "text": line} for i, line in enumerate(lines)
                   ] if first is not None else []
        link = labeller.link(document)
        anchor = f"#L{first}" if first is not None and link["href"] else ""
        spans.append({"document": link, "first": first, "last": last,
                      "anchor": fragment_of(derivation),
                      "single": first is not None and first == last, "excerpt": excerpt,
                      "href": link["href"] + anchor if link["href"] else ""})
    spans.sort(key=lambda s: (s["document"]["iri"], s["first"] or 0))
    return spans


def resource_view(iri: str, labeller: Labeller, skip: Iterable[str] = (),
                  skip_inverse: Iterable[str] = ()) -> dict[str, Any]:
    """Any resource: label, types, definition, its properties and who links to it
    (`skip` leaves out predicates a page shows in its own way)."""
    node = ox.NamedNode(iri)
    definition = None
    for predicate in (SKOS + "definition", RDFS + "comment"):
        definition = pick_literal(labeller.index.objects(node, predicate), labeller.lang)
        if definition:
            break
    return {
        "iri": iri,
        "url": labeller.here.url(iri) if labeller.here else iri,
        "label": labeller.label(node),
        "types": [labeller.term_link(t) for t in labeller.index.types(node)],
        "definition": definition,
        "properties": properties_view(node, labeller, skip=(RDF_TYPE, *skip)),
        "inverse": inverse_view(node, labeller, skip=skip_inverse),
    }
