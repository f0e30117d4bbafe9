"""Labels and links of what the triples at hand name, in the language asked (with a visible
fallback), and the order a Finnish or Swedish reader expects.

Everything returned is plain dicts, lists and strings, so one structure feeds both the
Jinja template and the page's JSON.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterable

import pyoxigraph as ox

from publisher.docs.terms import term_label
from publisher.i18n import LANGUAGES
from publisher.vocab import LABEL_PREDICATES, PREFIXES, RDF_TYPE, SCHEMA_HTTP, vocabulary


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
    Only a literal in another language is marked as a fallback, so the page can say so; one
    tagged `lang` never is, even when its text is another language's (a municipality's
    English name is its Finnish one)."""
    candidates = [lit for lit in literals if isinstance(lit, ox.Literal)]
    if not candidates:
        return None

    def rank(lit: ox.Literal) -> tuple[int, str]:
        tag = (lit.language or "").lower()
        if tag == lang or tag.split("-")[0] == lang:
            return (0, lit.value)
        if not tag:
            return (1, lit.value)
        order = list(LANGUAGES)
        primary = tag.split("-")[0]
        return (2 + (order.index(primary) if primary in order else len(order)), lit.value)

    best = min(candidates, key=rank)
    tag = best.language or None
    fallback = bool(tag) and tag.split("-")[0].lower() != lang
    return {"value": best.value, "lang": tag, "fallback": fallback}


def all_literals(literals: Iterable[Any]) -> list[dict[str, Any]]:
    """Every language version, in fi, sv, en order then the rest."""
    order = {code: i for i, code in enumerate(LANGUAGES)}
    items = [lit for lit in literals if isinstance(lit, ox.Literal)]
    items.sort(key=lambda lit: (order.get((lit.language or "").split("-")[0], 9), lit.value))
    return [{"value": lit.value, "lang": lit.language or None, "fallback": False}
            for lit in items]


def compact(iri: str, base: str) -> str:
    """`kd:Project`, `dcterms:title`… or the IRI itself."""
    for prefix, namespace in (("kd", vocabulary(base)), *PREFIXES.items(),
                              ("schema", SCHEMA_HTTP)):
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
    """Labels for resources (from the triples at hand) and for terms (ontology, built-ins);
    links go where `here` (the web request) sends them, or to the IRIs themselves."""

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
        found = [shown for shown in (pick_literal(self.index.objects(term, predicate), self.lang)
                                     for predicate in LABEL_PREDICATES) if shown]
        if found:       # a label in the language asked, from any predicate, before a fallback
            return next((shown for shown in found if not shown["fallback"]), found[0])
        if isinstance(term, ox.NamedNode):
            return self.term_label(term.value)
        return {"value": "", "lang": None, "fallback": False}

    def term_label(self, iri: str) -> dict[str, Any]:
        known = self.term_labels.get(iri)
        if known:
            found = pick_literal(known, self.lang)
            if found:
                return found
        builtin = term_label(iri, self.lang)
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

    def href(self, iri: str) -> str:
        return self.here.href(iri) if self.here else iri

    def url(self, iri: str) -> str:
        return self.here.url(iri) if self.here else iri

    def link(self, term: Any) -> dict[str, Any]:
        iri = term.value
        return {"iri": iri, "href": self.href(iri), "url": self.url(iri),
                "label": self.label(term), "curie": compact(iri, self.base)}

    def term_link(self, iri: str) -> dict[str, Any]:
        """A link to a term; a term of our namespace the vocabulary does not define gets
        no link (its page would be a 404)."""
        ours = vocabulary(self.base)
        undefined = bool(self.term_labels) and iri.startswith(ours) and \
            iri != ours and iri not in self.term_labels
        return {"iri": iri, "href": "" if undefined else self.href(iri), "url": self.url(iri),
                "label": self.term_label(iri), "curie": compact(iri, self.base)}


_NORDIC = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y",
                         "é": "e", "è": "e", "á": "a", "š": "s", "ž": "z"})


def collation_key(text: str) -> str:
    """Sort like a Finnish or Swedish reader expects: case-blind, å ä ö after z."""
    return text.casefold().translate(_NORDIC)


def integer(term: Any) -> int | None:
    if isinstance(term, ox.Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None
