"""A steward's own shapes: refused before validating when they define no shape, when their
SPARQL would reach outside the data, or when a pattern or a query would make pyshacl fail with
an exception instead of a report."""
from __future__ import annotations

import json
import re

from rdflib import RDF, BNode, Graph, Namespace
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from publisher import vocab
from publisher.shacl.errors import UnreadableInput
from publisher.shacl.graphs import to_rdflib
from publisher.shacl.inputs import ParsedInput
from publisher.shacl.report import shape_name

SH = Namespace(vocab.SH)
_SPARQL_KEYS = (SH.select, SH.ask, SH.construct, SH.update)
_QUERY_KEYS = {SH.select: "SELECT", SH.ask: "ASK", SH.construct: "CONSTRUCT"}
_FORBIDDEN_SPARQL = re.compile(r"\b(SERVICE|LOAD|FROM)\b", re.IGNORECASE)
MAX_VALUE_SHOWN = 120


def check_shapes(graph: Graph, name: str) -> Graph:
    """A steward's shapes graph, refused when it defines no shape or its SPARQL would reach
    outside the data (SERVICE, FROM, LOAD): validation never fetches anything."""
    has_shapes = any(graph.triples((None, RDF.type, SH.NodeShape))) or any(
        graph.triples((None, RDF.type, SH.PropertyShape))) or any(
        graph.triples((None, SH.targetClass, None))) or any(
        graph.triples((None, SH.path, None)))
    if not has_shapes:
        raise UnreadableInput(f"{name}: defines no SHACL shape (no sh:NodeShape, "
                              "sh:PropertyShape, sh:targetClass or sh:path)", where="shapes")
    for key in _SPARQL_KEYS:
        for text in graph.objects(None, key):
            found = _FORBIDDEN_SPARQL.search(_without_strings(str(text)))
            if found:
                raise UnreadableInput(f"{name}: a SPARQL constraint uses {found.group(1).upper()}"
                                      "; shapes may only query the data being validated",
                                      where="shapes")
    check_patterns_and_queries(graph, name)
    return graph


def check_patterns_and_queries(graph: Graph, name: str) -> None:
    """Every sh:pattern compiles and every sh:select, sh:ask and sh:construct parses, checked
    here because pyshacl fails on them with an exception instead of a report."""
    for node, pattern in graph.subject_objects(SH.pattern):
        flags = str(graph.value(node, SH.flags) or "").lower()
        try:
            re.compile(str(pattern), (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
        except (re.error, OverflowError, RecursionError) as error:
            raise UnreadableInput(f"{name}: the shape {_holder(graph, node)} has an sh:pattern "
                                  f"that is not a valid regular expression: {_shown(pattern)} "
                                  f"({error})", where="shapes") from None
    for key, form in _QUERY_KEYS.items():
        for node, text in graph.subject_objects(key):
            where = f"{name}: the shape {_holder(graph, node)} has an sh:{form.lower()}"
            try:
                parsed = parseQuery(str(text))
            except Exception as error:  # noqa: BLE001 - pyparsing and rdflib raise many kinds
                detail = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise UnreadableInput(f"{where} that is not valid SPARQL: {_shown(text)} "
                                      f"({detail})", where="shapes") from None
            found = str(getattr(parsed[-1], "name", "")).removesuffix("Query").upper()
            if found != form:
                raise UnreadableInput(f"{where} whose query is {found or 'of no known form'}, "
                                      f"not {form}: {_shown(text)}", where="shapes")


def _holder(graph: Graph, node: Node) -> str:
    """The shape a constraint belongs to, named for a reader: a blank SPARQL constraint by the
    shape that points at it, a property shape by its node shape and path."""
    if isinstance(node, BNode) and graph.value(node, SH.path) is None:
        owner = next(graph.subjects(None, node), None)
        if owner is not None:
            return shape_name(owner, graph) or "[]"
    return shape_name(node, graph) or "[]"


def _shown(value: Node) -> str:
    """A value quoted for a message, shortened."""
    text = str(value)
    if len(text) > MAX_VALUE_SHOWN:
        text = text[:MAX_VALUE_SHOWN - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def _without_strings(sparql: str) -> str:
    """SPARQL with its string literals and IRIs blanked, so keywords inside them do not count."""
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^<>\s]*>|[?$]\w+', '""', sparql)


def read_shapes(parsed: ParsedInput) -> Graph:
    """A steward's shapes from their parsed file."""
    return check_shapes(to_rdflib(parsed.triples), parsed.name)
