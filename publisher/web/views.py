"""From triples to what a page shows: labels in the language asked (with a visible
fallback), links, grouped properties, nested parts, inverse links, text blocks.

Everything returned is plain dicts, lists and strings, so one structure feeds both the
Jinja template and the page's JSON.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterable

import pyoxigraph as ox

from publisher.store import LABEL_PREDICATES, PREFIXES, RDF_TYPE
from publisher.web import i18n

XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
DEFINITION_PREDICATES = (SKOS + "definition", RDFS + "comment", DCT + "description")


class Index:
    """Triples indexed by subject and by object."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.out: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.into: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.triples = list(dict.fromkeys(triples))
        for t in self.triples:
            self.out[t.subject][t.predicate.value].append(t.object)
            self.into[t.object][t.predicate.value].append(t.subject)

    def objects(self, subject: Any, predicate: str) -> list[Any]:
        return self.out.get(subject, {}).get(predicate, [])

    def first(self, subject: Any, predicate: str) -> Any:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def subjects(self, predicate: str, obj: Any) -> list[Any]:
        return self.into.get(obj, {}).get(predicate, [])

    def types(self, subject: Any) -> list[str]:
        return [t.value for t in self.objects(subject, RDF_TYPE) if isinstance(t, ox.NamedNode)]

    def has(self, subject: Any) -> bool:
        return subject in self.out


def pick_literal(literals: Iterable[Any], lang: str) -> dict[str, Any] | None:
    """The literal to show for `lang`: that language, then untagged, then fi, sv, en, any.
    A literal in another language is marked as a fallback so the page can say so."""
    candidates = [lit for lit in literals if isinstance(lit, ox.Literal)]
    if not candidates:
        return None

    def rank(lit: ox.Literal) -> tuple[int, str]:
        tag = (lit.language or "").lower()
        if tag == lang or tag.split("-")[0] == lang:
            return (0, lit.value)
        if not tag:
            return (1, lit.value)
        order = list(i18n.LANGUAGES)
        primary = tag.split("-")[0]
        return (2 + (order.index(primary) if primary in order else len(order)), lit.value)

    best = min(candidates, key=rank)
    tag = best.language or None
    fallback = bool(tag) and tag.split("-")[0].lower() != lang
    return {"value": best.value, "lang": tag, "fallback": fallback}


def all_literals(literals: Iterable[Any]) -> list[dict[str, Any]]:
    """Every language version, in fi, sv, en order then the rest."""
    order = {code: i for i, code in enumerate(i18n.LANGUAGES)}
    items = [lit for lit in literals if isinstance(lit, ox.Literal)]
    items.sort(key=lambda lit: (order.get((lit.language or "").split("-")[0], 9), lit.value))
    return [{"value": lit.value, "lang": lit.language or None, "fallback": False}
            for lit in items]


def compact(iri: str, base: str) -> str:
    """`kd:Project`, `dcterms:title`… or the IRI itself."""
    for prefix, namespace in (("kd", base + "def/"), *PREFIXES.items(),
                              ("schema", "http://schema.org/")):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace):]
            if re.fullmatch(r"[A-Za-z_][\w.-]*", local):
                return f"{prefix}:{local}"
    return iri


def local_name(iri: str) -> str:
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return tail or iri


class Labeller:
    """Labels for resources (from the triples at hand) and for terms (ontology, built-ins)."""

    def __init__(self, index: Index, lang: str, base: str,
                 term_labels: dict[str, list[Any]] | None = None, here: Any = None) -> None:
        self.index = index
        self.lang = lang
        self.base = base
        self.term_labels = term_labels or {}
        self.here = here

    def label(self, term: Any) -> dict[str, Any]:
        if isinstance(term, ox.Literal):
            return {"value": term.value, "lang": term.language or None, "fallback": False}
        for predicate in LABEL_PREDICATES:
            found = pick_literal(self.index.objects(term, predicate), self.lang)
            if found:
                return found
        if isinstance(term, ox.NamedNode):
            return self.term_label(term.value)
        return {"value": "", "lang": None, "fallback": False}

    def term_label(self, iri: str) -> dict[str, Any]:
        known = self.term_labels.get(iri)
        if known:
            found = pick_literal(known, self.lang)
            if found:
                return found
        builtin = i18n.term_label(iri, self.lang)
        if builtin:
            return {"value": builtin, "lang": self.lang, "fallback": False}
        if iri.startswith("mailto:"):
            return {"value": iri[len("mailto:"):], "lang": None, "fallback": False}
        short = compact(iri, self.base)
        if short == iri and iri.startswith(self.base):
            short = local_name(iri)
        return {"value": short, "lang": None, "fallback": False, "iri_only": True}

    def link(self, term: Any) -> dict[str, Any]:
        iri = term.value
        return {"iri": iri, "href": self.here.href(iri) if self.here else iri,
                "url": self.here.url(iri) if self.here else iri,
                "label": self.label(term), "curie": compact(iri, self.base)}

    def term_link(self, iri: str) -> dict[str, Any]:
        return {"iri": iri, "href": self.here.href(iri) if self.here else iri,
                "url": self.here.url(iri) if self.here else iri,
                "label": self.term_label(iri), "curie": compact(iri, self.base)}


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


def inverse_view(subject: Any, labeller: Labeller) -> list[dict[str, Any]]:
    groups = []
    for predicate, subjects in labeller.index.into.get(subject, {}).items():
        links = [labeller.link(s) for s in dict.fromkeys(subjects)
                 if isinstance(s, ox.NamedNode) and not is_part(s, subject)]
        if links:
            links.sort(key=lambda link: link["label"]["value"].lower())
            groups.append({"predicate": labeller.term_link(predicate), "subjects": links})
    groups.sort(key=lambda g: g["predicate"]["label"]["value"].lower())
    return groups


def resource_view(iri: str, labeller: Labeller) -> dict[str, Any]:
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
        "properties": properties_view(node, labeller),
        "inverse": inverse_view(node, labeller),
    }


_BULLET = re.compile(r"^\s*(?:[-–•*]|\d+[.)])\s+")


def text_blocks(text: str) -> list[dict[str, Any]]:
    """Split a description into paragraphs (lists of lines) and bulleted lists."""
    blocks: list[dict[str, Any]] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if blocks and blocks[-1]["type"] == "p" and blocks[-1]["lines"]:
                blocks.append({"type": "p", "lines": []})
            elif blocks and blocks[-1]["type"] == "ul":
                blocks.append({"type": "p", "lines": []})
            continue
        if _BULLET.match(line):
            item = _BULLET.sub("", line, count=1)
            if blocks and blocks[-1]["type"] == "ul":
                blocks[-1]["items"].append(item)
            else:
                blocks.append({"type": "ul", "items": [item]})
        else:
            if blocks and blocks[-1]["type"] == "p":
                blocks[-1]["lines"].append(line.strip())
            else:
                blocks.append({"type": "p", "lines": [line.strip()]})
    return [b for b in blocks if b.get("lines") or b.get("items")]


def literal_text(index: Index, subject: Any, predicate: str, lang: str) -> dict[str, Any] | None:
    found = pick_literal(index.objects(subject, predicate), lang)
    if found:
        found = {**found, "blocks": text_blocks(found["value"])}
    return found


def integer(term: Any) -> int | None:
    if isinstance(term, ox.Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None
