"""Human documentation of the vocabulary and the shapes, rendered at build time.

Like pyLODE or Widoco: every class and property with its labels and definitions in fi, sv
and en, domain and range, an example from the data, and the concept schemes with their
concepts. Everything from the RDF is escaped.
"""
from __future__ import annotations

from html import escape
from typing import Iterable

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from publisher.shacl import SEVERITY_NAMES, shape_summaries
from publisher.shacl.summaries import anchor, by_language

DCTERMS = Namespace("http://purl.org/dc/terms/")
LANGUAGES = ("fi", "sv", "en")
HEADINGS = {
    "classes": {"fi": "Luokat", "sv": "Klasser", "en": "Classes"},
    "properties": {"fi": "Ominaisuudet", "sv": "Egenskaper", "en": "Properties"},
    "schemes": {"fi": "Käsitejärjestelmät", "sv": "Begreppsscheman", "en": "Concept schemes"},
    "label": {"fi": "nimi", "sv": "namn", "en": "label"},
    "definition": {"fi": "määritelmä", "sv": "definition", "en": "definition"},
    "subclass of": {"fi": "yläluokka", "sv": "överklass", "en": "subclass of"},
    "subproperty of": {"fi": "yläominaisuus", "sv": "överegenskap", "en": "subproperty of"},
    "domain": {"fi": "määrittelyjoukko", "sv": "domän", "en": "domain"},
    "range": {"fi": "arvojoukko", "sv": "värdemängd", "en": "range"},
    "example": {"fi": "esimerkki", "sv": "exempel", "en": "example"},
    "class": {"fi": "luokka", "sv": "klass", "en": "class"},
    "property": {"fi": "ominaisuus", "sv": "egenskap", "en": "property"},
}

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1d2733}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #0b5394;padding-bottom:.2rem;margin-top:2.5rem}
section.term{border:1px solid #d5dde6;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
section.term h3{margin:.2rem 0 .4rem}code{background:#eef2f6;padding:0 .25rem;border-radius:3px}
table{border-collapse:collapse;width:100%}td,th{text-align:left;vertical-align:top;padding:.2rem .5rem;border-bottom:1px solid #e6ebf0}
th{width:9rem;color:#4a5a6a;font-weight:600}nav a{margin-right:1rem}.lang{color:#6b7b8b;font-size:.85em}
"""


def _text(value: Node | None) -> str:
    return escape(str(value)) if value is not None else ""




def _label(graph: Graph, node: Node, lang: str = "en") -> str:
    for predicate in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
        labels = by_language(graph, node, predicate)
        if labels:
            return labels.get(lang) or labels.get("en") or next(iter(labels.values()))
    return graph.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else str(node)


def _link(graph: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        short = graph.namespace_manager.normalizeUri(node)
        return f'<a href="{escape(str(node))}"><code>{escape(short)}</code></a>'
    return _text(node)




def _multilingual_rows(graph: Graph, node: Node, predicate: URIRef, heading: str) -> str:
    values = by_language(graph, node, predicate)
    return "".join(f'<tr><th>{heading} <span class="lang">{lang}</span></th>'
                   f'<td lang="{lang}">{escape(values[lang])}</td></tr>'
                   for lang in LANGUAGES if lang in values)


def _definition_predicate(graph: Graph, node: Node) -> URIRef:
    """skos:definition where the term has one, else rdfs:comment."""
    return SKOS.definition if by_language(graph, node, SKOS.definition) else RDFS.comment


def _term_section(graph: Graph, node: URIRef, kind: str, examples: Graph | None,
                  lang: str = "en") -> str:
    def heading(key: str) -> str:
        return HEADINGS[key][lang]

    rows = [f"<tr><th>IRI</th><td><code>{escape(str(node))}</code></td></tr>",
            _multilingual_rows(graph, node, RDFS.label, heading("label")),
            _multilingual_rows(graph, node, _definition_predicate(graph, node), heading("definition"))]
    for predicate, key in ((RDFS.subClassOf, "subclass of"), (RDFS.subPropertyOf, "subproperty of"),
                           (RDFS.domain, "domain"), (RDFS.range, "range")):
        targets = sorted(graph.objects(node, predicate), key=str)
        if targets:
            rows.append(f"<tr><th>{heading(key)}</th><td>{', '.join(_link(graph, t) for t in targets)}</td></tr>")
    example = _example(examples, node, kind) if examples is not None else None
    if example:
        rows.append(f"<tr><th>{heading('example')}</th><td><code>{escape(example)}</code></td></tr>")
    return (f'<section class="term" id="{anchor(node)}"><h3>{escape(_label(graph, node, lang))} '
            f'<span class="lang">{escape(heading(kind))}</span></h3><table>{"".join(rows)}</table></section>')


def _example(data: Graph, node: URIRef, kind: str) -> str | None:
    """One triple from the published data that uses the term."""
    if kind == "class":
        subject = next(data.subjects(RDF.type, node), None)
        return f"<{subject}> a <{node}>" if subject is not None else None
    triple = next(data.triples((None, node, None)), None)
    if triple is None:
        return None
    subject, _, value = triple
    shown = f'"{value}"' if isinstance(value, Literal) else f"<{value}>"
    if len(shown) > 120:
        shown = shown[:117] + '…"'
    return f"<{subject}> <{node}> {shown}"


def _typed(graph: Graph, types: Iterable[URIRef]) -> list[URIRef]:
    found = {s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}
    return sorted(found, key=lambda n: _label(graph, n).lower())


def ontology_html(graph: Graph, examples: Graph | None = None, lang: str = "en") -> str:
    """The ontology (with its concept schemes) as one self-contained HTML page."""
    graph.bind("schema", "http://schema.org/", override=True, replace=True)
    ontology = next(graph.subjects(RDF.type, OWL.Ontology), None)
    title = _label(graph, ontology, lang) if ontology is not None else "Vocabulary"
    description = by_language(graph, ontology, DCTERMS.description) if ontology is not None else {}
    version = graph.value(ontology, OWL.versionInfo) if ontology is not None else None
    classes = _typed(graph, [OWL.Class, RDFS.Class])
    properties = _typed(graph, [OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                                RDF.Property])
    schemes = _typed(graph, [SKOS.ConceptScheme])
    parts = [f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">'
             f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{escape(title)}</h1>"]
    if ontology is not None:
        parts.append(f"<p><code>{escape(str(ontology))}</code>"
                     + (f" · version {_text(version)}" if version else "") + "</p>")
    parts += [f'<p lang="{code}">{escape(description[code])}</p>' for code in LANGUAGES if code in description]
    parts.append('<nav><a href="#classes">' + HEADINGS["classes"][lang] + '</a><a href="#properties">'
                 + HEADINGS["properties"][lang] + '</a><a href="#schemes">' + HEADINGS["schemes"][lang]
                 + "</a></nav>")
    parts.append(f'<h2 id="classes">{HEADINGS["classes"][lang]}</h2>')
    parts += [_term_section(graph, c, "class", examples, lang) for c in classes]
    parts.append(f'<h2 id="properties">{HEADINGS["properties"][lang]}</h2>')
    parts += [_term_section(graph, p, "property", examples, lang) for p in properties]
    parts.append(f'<h2 id="schemes">{HEADINGS["schemes"][lang]}</h2>')
    for scheme in schemes:
        concepts = sorted(set(graph.subjects(SKOS.inScheme, scheme)), key=str)
        items = "".join(
            f'<li id="{anchor(c)}"><code>{escape(str(c))}</code>: '
            + " · ".join(f'<span lang="{code}">{escape(v)}</span>'
                         for code, v in sorted(by_language(graph, c, SKOS.prefLabel).items()))
            + "".join(f'<br><small lang="{code}">{escape(v)}</small>'
                      for code, v in sorted(by_language(graph, c, SKOS.definition).items()))
            + "</li>" for c in concepts)
        parts.append(f'<section class="term" id="{anchor(scheme)}"><h3>{escape(_label(graph, scheme, lang))}</h3>'
                     f"<table>{_multilingual_rows(graph, scheme, SKOS.prefLabel, HEADINGS['label'][lang])}"
                     f"{_multilingual_rows(graph, scheme, SKOS.definition, HEADINGS['definition'][lang])}</table>"
                     f"<ul>{items}</ul></section>")
    parts.append("</body></html>\n")
    return "".join(parts)


def shapes_html(shapes: Graph, title: str = "SHACL shapes", lang: str = "en") -> str:
    """A readable summary of a shapes graph: each node shape, its target and its checks."""
    parts = [f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
             f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>"]
    for summary in shape_summaries(shapes, lang):
        rows = [f"<tr><th>target</th><td>{escape(', '.join(summary['targets'])) or '—'}</td></tr>"]
        for check in summary["checks"]:
            heading = check["path"] or check["kind"]
            severity = SEVERITY_NAMES.get(check["severity"], {}).get(lang, check["severity"])
            detail = f"<br><small><code>{escape(check['constraints'])}</code></small>" \
                if check["constraints"] else ""
            rows.append(f"<tr><th><code>{escape(heading)}</code></th><td>{escape(check['message'])}"
                        f' <span class="lang">({escape(severity)})</span>{detail}</td></tr>')
        parts.append(f'<section class="term" id="{summary["id"]}"><h3>{escape(summary["label"])} '
                     f'<span class="lang">{escape(summary["name"])}</span></h3>'
                     f"<table>{''.join(rows)}</table></section>")
    parts.append("</body></html>\n")
    return "".join(parts)
