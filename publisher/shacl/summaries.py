"""What a profile asks, in brief, for a steward to read (`/shapes`) and for the release's
shapes documentation: each node shape with its targets and its checks (path, message in the
language asked, constraints, severity); and the release's page of them, from the template the
/shapes page includes."""
from __future__ import annotations

import re
from html import escape

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from publisher import vocab
from publisher.shacl.messages import severity_names
from publisher.shacl.render import template_environment
from publisher.shacl.report import path_text

SH = Namespace(vocab.SH)


def by_language(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    return {value.language: str(value) for value in graph.objects(subject, predicate)
            if isinstance(value, Literal) and value.language}


def anchor(node: Node) -> str:
    return escape(str(node).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1])


# The constraint parameters shown for a property shape, in this order.
SHAPE_PARAMETERS = ("minCount", "maxCount", "class", "datatype", "nodeKind", "node", "pattern",
                    "in", "hasValue", "languageIn", "uniqueLang", "minLength", "maxLength",
                    "minInclusive", "maxInclusive", "qualifiedMinCount", "qualifiedMaxCount")


def _in_language(graph: Graph, node: Node, predicate: URIRef, lang: str) -> str:
    """The text in `lang` (else English, else untagged); message variables shown as "…"."""
    values = by_language(graph, node, predicate)
    plain = next((str(v) for v in graph.objects(node, predicate)
                  if isinstance(v, Literal) and not v.language), "")
    return re.sub(r"\{[?$]\w+\}", "…", values.get(lang) or values.get("en") or plain)


def _severity(graph: Graph, node: Node, inherited: str) -> str:
    value = graph.value(node, SH.severity)
    return str(value).rsplit("#", 1)[-1] if value is not None else inherited


def _parameter_text(graph: Graph, value: Node) -> str:
    if isinstance(value, URIRef):
        return graph.namespace_manager.normalizeUri(value)
    if isinstance(value, Literal):
        return str(value)
    items = list(graph.items(value)) if graph.value(value, RDF.first) is not None else []
    return "(" + " ".join(_parameter_text(graph, i) for i in items) + ")" if items else "[…]"


def _constraints(graph: Graph, shape: Node) -> str:
    """A property shape's constraints in brief: "sh:minCount 1 · sh:class dcterms:Location"."""
    parts = [f"{name} {_parameter_text(graph, value)}" for name in SHAPE_PARAMETERS
             for value in graph.objects(shape, SH[name])]
    return " · ".join(f"sh:{part}" for part in parts)


def _property_check(graph: Graph, prop: Node, severity: str, lang: str) -> dict[str, str]:
    message = _in_language(graph, prop, SH.message, lang)
    about = " — ".join(x for x in (_in_language(graph, prop, SH.name, lang),
                                     _in_language(graph, prop, SH.description, lang)) if x)
    return {"kind": "property", "path": path_text(graph.value(prop, SH.path), graph, graph) or "",
            "message": message or about, "constraints": _constraints(graph, prop),
            "severity": _severity(graph, prop, severity), "name": _short_name(graph, prop)}


# A SPARQL check that reports one property binds it as a constant: "BIND(skos:prefLabel AS ?path)".
_BOUND_PATH = re.compile(r"BIND\(\s*([A-Za-z][\w.-]*:[\w.-]+)\s+AS\s+[?$]path\s*\)")


def _sparql_check(graph: Graph, sparql: Node, severity: str, lang: str) -> dict[str, str]:
    bound = _BOUND_PATH.search(str(graph.value(sparql, SH.select) or ""))
    return {"kind": "SPARQL", "path": bound.group(1) if bound else "",
            "message": _in_language(graph, sparql, SH.message, lang),
            "constraints": "", "severity": _severity(graph, sparql, severity),
            "name": _short_name(graph, sparql)}


def _merged(checks: list[dict[str, str]]) -> list[dict[str, str]]:
    """Checks of one path with one message and severity as one row (the official DCAT-AP
    shapes give each constraint of a property a shape of its own)."""
    rows: dict[tuple[str, str, str, str], dict[str, str]] = {}
    for check in checks:
        key = (check["kind"], check["path"], check["message"], check["severity"])
        if key in rows and check["kind"] == "property":
            row = rows[key]
            row["constraints"] = " · ".join(x for x in (row["constraints"], check["constraints"]) if x)
            row["name"] = row["name"] or check["name"]
        else:
            rows[key if check["kind"] == "property" else key + (str(len(rows)),)] = dict(check)
    return list(rows.values())


def _shape_label(shapes: Graph, shape: URIRef, lang: str) -> str:
    labels = by_language(shapes, shape, RDFS.label)
    return labels.get(lang) or labels.get("en") or anchor(shape)


def _short_name(shapes: Graph, node: Node) -> str:
    """A prefixed name, or "" where there is none (long generated IRIs say nothing)."""
    short = shapes.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else ""
    return "" if short.startswith("<") else short


def shape_summaries(shapes: Graph, lang: str = "en") -> list[dict]:
    """Each node shape with its targets and its checks (path, message in `lang`, constraints,
    severity): what a steward reads to know what a profile asks."""
    nodes = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    nodes |= {s for s in shapes.subjects(SH.targetClass, None) if isinstance(s, URIRef)}
    summaries = []
    for shape in sorted(nodes, key=str):
        severity = _severity(shapes, shape, "Violation")
        targets = [shapes.namespace_manager.normalizeUri(t) if isinstance(t, URIRef) else str(t)
                   for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                   for t in sorted(shapes.objects(shape, p), key=str)]
        checks = [_property_check(shapes, p, severity, lang)
                  for p in sorted(shapes.objects(shape, SH.property),
                                  key=lambda p: (str(shapes.value(p, SH.path)), str(p)))]
        checks += [_sparql_check(shapes, q, severity, lang)
                   for q in sorted(shapes.objects(shape, SH.sparql), key=str)]
        if any(shapes.value(shape, SH[name]) is not None for name in SHAPE_PARAMETERS):
            checks.insert(0, {"kind": "node", "path": "", "constraints": _constraints(shapes, shape),
                              "message": _in_language(shapes, shape, SH.message, lang),
                              "severity": severity, "name": ""})
        summaries.append({"id": anchor(shape), "iri": str(shape), "name": _short_name(shapes, shape),
                          "label": _shape_label(shapes, shape, lang), "targets": targets,
                          "severity": severity, "checks": _merged(checks)})
    return summaries


def shapes_page(shapes: Graph, title: str, lang: str = "en") -> str:
    """A shapes graph summarised as a standalone HTML page (the release's shapes.html), with
    the fragment the /shapes page shows for each profile."""
    template = template_environment().get_template("shapes_page.html")
    return template.render(shapes=shape_summaries(shapes, lang), title=title, lang=lang,
                           severity_names=severity_names(lang)) + "\n"
