"""Reading a SHACL report graph (the engine's or pyshacl's) into results a data steward can
act on: the message in the language asked (the shape's own, a SPARQL message translated, or one
made from the constraint component), the property path, the offending value and the shape,
written with the prefixes of the shapes and the data; a blank focus node named by the resource
it belongs to. Control characters from the data are written out (publisher.shacl.visible)."""
from __future__ import annotations

import re

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from publisher import vocab
from publisher.i18n import translate
from publisher.shacl.messages import COMPONENT_MESSAGES
from publisher.shacl.outcome import Result
from publisher.shacl.visible import visible

SH = Namespace(vocab.SH)
XSD_NS = vocab.XSD
XSD_STRING = XSD_NS + "string"
MAX_LITERAL_SHOWN = 200


def _short(node: Node | None, graph: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - rdflib refuses some IRIs as prefixed names
            return f"<{node}>"
    if isinstance(node, Literal):
        return _literal_text(node, graph)
    return "[]"  # a blank node: its identifier means nothing to a reader


_BARE_DATATYPES = {"integer", "decimal", "double", "float", "boolean", "int", "long",
                   "nonNegativeInteger", "positiveInteger"}


def _literal_text(node: Literal, graph: Graph) -> str:
    """A literal as Turtle would show it: numbers and booleans bare, others quoted."""
    text = str(node)
    if len(text) > MAX_LITERAL_SHOWN:
        text = text[:MAX_LITERAL_SHOWN - 1] + "…"
    datatype = str(node.datatype or "")
    if datatype.startswith(XSD_NS) and datatype[len(XSD_NS):] in _BARE_DATATYPES:
        return text
    if node.language:
        return f'"{text}"@{node.language}'
    if node.datatype and datatype != XSD_STRING:
        return f'"{text}"^^{_short(node.datatype, graph)}'
    return f'"{text}"'


def path_text(path: Node | None, shapes: Graph, report: Graph) -> str | None:
    """A property path as SPARQL-like text (inverse, alternatives and sequences included)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _short(path, shapes)
    for graph in (report, shapes):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + (path_text(inverse, shapes, report) or "?")
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return "|".join(path_text(p, shapes, report) or "?" for p in graph.items(alternatives))
        if graph.value(path, RDF.first) is not None:
            return "/".join(path_text(p, shapes, report) or "?" for p in graph.items(path))
    return None


def shape_name(shape: Node | None, shapes: Graph) -> str | None:
    """A readable name for a result's source shape: a blank property shape is named by its
    node shape and path ("kds:ProjectShape › dcterms:identifier")."""
    if shape is None:
        return None
    if isinstance(shape, URIRef):
        return _short(shape, shapes)
    parent = next(shapes.subjects(SH.property, shape), None)
    path = path_text(shapes.value(shape, SH.path), shapes, shapes)
    if parent is None:
        return path or "[]"
    return f"{_short(parent, shapes)} › {path}" if path else _short(parent, shapes)


_TEMPLATE_VARIABLE = re.compile(r"\{[?$](\w+)\}")


def _template_pattern(template: str) -> str:
    """A regular expression matching the template filled with any values."""
    parts = _TEMPLATE_VARIABLE.split(template)
    # split() alternates literal text and variable names
    return "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                   for i, part in enumerate(parts))


def translate_message(emitted: str, templates: list[Node], lang: str) -> str | None:
    """pyshacl fills a SPARQL constraint's messages but drops their language tags; find which
    template it filled, recover the variable bindings from the text, and fill the template in
    `lang`."""
    wanted = next((t for t in templates if getattr(t, "language", None) == lang), None)
    if wanted is None:
        return None
    for template in templates:
        try:
            match = re.fullmatch(_template_pattern(str(template)), emitted, re.DOTALL)
        except re.error:  # a variable used twice in one template
            continue
        if match:
            values = match.groupdict()
            return _TEMPLATE_VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), str(wanted))
    return None


def _component_message(report: Graph, result: Node, shapes: Graph, lang: str) -> str | None:
    component = report.value(result, SH.sourceConstraintComponent)
    if component is None:
        return None
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    template = COMPONENT_MESSAGES.get(name)
    if template is None:
        return None
    shape = report.value(result, SH.sourceShape)

    def parameter(key: str) -> str:
        value = shapes.value(shape, SH[key]) if shape is not None else None
        if isinstance(value, Literal):
            return str(value)
        return _short(value, shapes) if value is not None else "?"

    keys = re.findall(r"%\((\w+)\)s", template)
    return translate(lang, template, **{key: parameter(key) for key in keys})


def _message(report: Graph, result: Node, shapes: Graph | None, lang: str) -> str:
    """The result's message in the language asked: the shape's own, else one made from the
    constraint component (with the shape's message in another language after it)."""
    messages = list(report.objects(result, SH.resultMessage))
    chosen = next((m for m in messages if getattr(m, "language", None) == lang), None)
    if chosen is not None:
        return str(chosen)
    if shapes is not None and messages:
        for source in (report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape)):
            templates = list(shapes.objects(source, SH.message)) if source is not None else []
            for emitted in messages:
                translated = translate_message(str(emitted), templates, lang)
                if translated:
                    return translated
    own = _shape_message(report, result, shapes)
    made = _component_message(report, result, shapes, lang) if shapes is not None else None
    if made:
        return f"{made} — {own}" if own and own != made else made
    english = next((m for m in messages if getattr(m, "language", None) == "en"), None)
    return str(english or (messages[0] if messages else ""))


def _shape_message(report: Graph, result: Node, shapes: Graph | None) -> str | None:
    """The message the shape itself gives (English first), if any."""
    shape = report.value(result, SH.sourceShape)
    if shapes is None or shape is None:
        return None
    messages = list(shapes.objects(shape, SH.message))
    english = next((m for m in messages if getattr(m, "language", None) == "en"), None)
    return str(english or messages[0]) if messages else None


def _constraint(report: Graph, result: Node, shapes: Graph) -> str | None:
    """Which check found the result: a named SPARQL constraint or property shape, else the
    constraint component."""
    source = report.value(result, SH.sourceConstraint)
    if isinstance(source, URIRef):
        return _short(source, shapes)
    component = report.value(result, SH.sourceConstraintComponent)
    return _short(component, shapes) if component is not None else None


def blank_node_label(node: Node, data: Graph | None, names: Graph) -> str | None:
    """How a blank node is reached from a named resource ("<x> › kd:section"), or None."""
    if not isinstance(node, BNode) or data is None:
        return None
    steps: list[str] = []
    current: Node = node
    for _ in range(4):
        link = next(data.subject_predicates(current), None)
        if link is None:
            break
        subject, predicate = link
        steps.append(_short(predicate, names) or str(predicate))
        if not isinstance(subject, BNode):
            return " › ".join([_short(subject, names) or str(subject)] + steps[::-1])
        current = subject
    return None


def _value(report: Graph, result: Node, focus: Node, names: Graph) -> str | None:
    """The offending value, left out when it is only the focus node again (SPARQL checks)."""
    value = report.value(result, SH.value)
    if value is None or value == focus:
        return None
    return _short(value, names)


def report_results(report: Graph, lang: str = "en", shapes: Graph | None = None,
             data: Graph | None = None) -> list[Result]:
    """The report's top-level results (nested sh:detail results explain a result; they are
    not results of their own)."""
    names = _names(report, shapes, data)
    about = shapes if shapes is not None else report
    results = []
    for result in set(report.objects(None, SH.result)):
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        results.append(Result(
            focus=str(focus),
            path=path_text(report.value(result, SH.resultPath), about, report),
            value=_visible(_value(report, result, focus, names)),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            message=visible(_message(report, result, shapes, lang)),
            shape=shape_name(report.value(result, SH.sourceShape), about),
            constraint=_constraint(report, result, about),
            focus_label=_visible(blank_node_label(focus, data, names))))
    return results


def _visible(text: str | None) -> str | None:
    return visible(text) if text is not None else None


def _names(report: Graph, shapes: Graph | None, data: Graph | None) -> Graph:
    """The report graph with the prefixes of the shapes and the data bound."""
    for graph in (shapes, data):
        for prefix, namespace in (graph.namespaces() if graph is not None else ()):
            report.bind(prefix, namespace, override=False)
    return report
