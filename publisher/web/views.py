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

from publisher.store import LABEL_PREDICATES, RDF_TYPE
from publisher.vocab import PREFIXES
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


_AUTHORITY = re.compile(
    r"^https?://publications\.europa\.eu/resource/authority/(?P<table>[\w-]+)/(?P<code>[\w-]+)$")


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
        authority = _AUTHORITY.match(iri)
        if authority:
            return {"value": f"{authority['table']} {authority['code']}", "lang": None,
                    "fallback": False, "iri_only": True}
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
        """A link to a term; a term of our namespace the vocabulary does not define gets
        no link (its page would be a 404)."""
        vocabulary = self.base + "def/"
        undefined = bool(self.term_labels) and iri.startswith(vocabulary) and \
            iri != vocabulary and iri not in self.term_labels
        href = "" if undefined else (self.here.href(iri) if self.here else iri)
        return {"iri": iri, "href": href,
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


_NORDIC = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y",
                         "é": "e", "è": "e", "á": "a", "š": "s", "ž": "z"})


def collation_key(text: str) -> str:
    """Sort like a Finnish or Swedish reader expects: case-blind, å ä ö after z."""
    return text.casefold().translate(_NORDIC)


def other_languages(literals: Iterable[Any], shown: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The language versions not shown in the page's language (the Swedish description
    of a project read in Finnish), each split into text blocks."""
    shown_lang = (shown or {}).get("lang")
    shown_value = (shown or {}).get("value")
    versions = []
    for item in all_literals(literals):
        if item["lang"] == shown_lang and item["value"] == shown_value:
            continue
        if not item["lang"] or item["lang"] == shown_lang:
            continue
        versions.append({**item, "blocks": text_blocks(item["value"])})
    return versions


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
