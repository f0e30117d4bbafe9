"""Validation: the SHACL gate of the build and `publisher validate FILE`.

pyshacl does the checking; this module chooses the shapes (profiles), reads input in
any RDF syntax with errors that name the line, and turns the report into something a
data steward can act on: grouped by resource, with the shape's message and, for our own
data, the source lines the resource came from.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
import pyshacl
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.term import Node

from publisher.config import Settings

SH = Namespace("http://www.w3.org/ns/shacl#")

PROFILES: dict[str, tuple[str, ...]] = {
    "kuntadigi": ("kuntadigi.ttl",),
    "vocabulary": ("vocabulary.ttl",),
    "dcat-ap-3": ("dcat-ap-3/dcat-ap-SHACL.ttl", "dcat-ap-3/ranges.ttl"),
}

FORMATS_BY_SUFFIX = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt",
    ".rdf": "xml", ".xml": "xml", ".owl": "xml", ".jsonld": "json-ld", ".json": "json-ld",
    ".trig": "trig", ".nq": "nquads",
}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


class UnreadableInput(ValueError):
    """Input that cannot be parsed: the message names the file and, where known, the line."""


@dataclass(frozen=True)
class ValidationResult:
    focus: str
    path: str | None
    value: str | None
    severity: str
    message: str
    shape: str | None


@dataclass
class ValidationOutcome:
    conforms: bool
    results: list[ValidationResult]
    report_graph: Graph
    sources: dict[str, str] = field(default_factory=dict)  # focus IRI -> "file lines a–b"

    @property
    def counts(self) -> dict[str, int]:
        counts = {"Violation": 0, "Warning": 0, "Info": 0}
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    def by_resource(self) -> dict[str, list[ValidationResult]]:
        grouped: dict[str, list[ValidationResult]] = defaultdict(list)
        for result in sorted(self.results, key=lambda r: (r.focus, SEVERITY_ORDER.get(r.severity, 3))):
            grouped[result.focus].append(result)
        return dict(grouped)

    def render(self, fmt: str = "text", lang: str = "en") -> str:
        """The report as readable text, Turtle or JSON-LD."""
        if fmt == "turtle":
            return self.report_graph.serialize(format="turtle")
        if fmt == "json-ld":
            return self.report_graph.serialize(format="json-ld", indent=2)
        if fmt == "json":
            return json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n"
        return self.text()

    def as_json(self) -> dict[str, Any]:
        return {"conforms": self.conforms, "counts": self.counts,
                "resources": [{"focus": focus, "source": self.sources.get(focus),
                               "results": [r.__dict__ for r in results]}
                              for focus, results in self.by_resource().items()]}

    def text(self) -> str:
        counts = self.counts
        lines = [f"{'Conforms' if self.conforms else 'Does not conform'}: "
                 f"{counts['Violation']} violation(s), {counts['Warning']} warning(s), "
                 f"{counts['Info']} info(s)"]
        for focus, results in self.by_resource().items():
            where = f"  (from {self.sources[focus]})" if focus in self.sources else ""
            lines.append(f"\n{focus}{where}")
            for r in results:
                path = f" {r.path}" if r.path else ""
                value = f" = {r.value}" if r.value else ""
                lines.append(f"  {r.severity}:{path}{value}: {r.message}"
                             + (f"  [{r.shape}]" if r.shape else ""))
        return "\n".join(lines) + "\n"


def drop_dangling_property_shapes(graph: Graph) -> int:
    """Remove `sh:property` references to shapes defined nowhere; returns how many.

    The official DCAT-AP 3.0.1 `ranges.ttl` names five such IRIs. They constrain nothing,
    but pyshacl rejects the whole shapes graph as ill-formed, so they are left out.
    """
    dangling = [(shape, prop) for shape, prop in graph.subject_objects(SH.property)
                if (prop, None, None) not in graph]
    for shape, prop in dangling:
        graph.remove((shape, SH.property, prop))
    return len(dangling)


def languages_clause(languages: tuple[str, ...]) -> str:
    """`?lang` bound to each language in turn (SHACL-SPARQL forbids VALUES)."""
    return " UNION ".join(f'{{ BIND("{lang}" AS ?lang) }}' for lang in languages)


DEFAULT_LANGUAGES_CLAUSE = languages_clause(("fi", "sv", "en"))


def with_languages(text: str, languages: tuple[str, ...]) -> str:
    """Put the configured required label languages into the vocabulary shapes."""
    return text.replace(DEFAULT_LANGUAGES_CLAUSE, languages_clause(languages))


def shapes_graph(settings: Settings, profiles: list[str] | None = None) -> Graph:
    """The union of the shapes of the named profiles (default: our data profile)."""
    from publisher.pipeline import rebase

    graph = Graph()
    for profile in profiles or ["kuntadigi"]:
        if profile not in PROFILES:
            raise UnreadableInput(f"unknown profile '{profile}'; choose from {', '.join(PROFILES)}")
        for name in PROFILES[profile]:
            path = settings.shapes_dir / name
            text = with_languages(rebase(path.read_text(encoding="utf-8"), settings),
                                  settings.required_languages)
            graph.parse(data=text, format="turtle")
    drop_dangling_property_shapes(graph)
    return graph


def _short(node: Node | None, graph: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return str(node)
    return str(node)


def shape_name(shape: Node | None, shapes: Graph) -> str | None:
    """A readable name for a result's source shape: a blank property shape is named by its
    node shape and path ("kds:ProjectShape › dcterms:identifier")."""
    if shape is None:
        return None
    if isinstance(shape, URIRef):
        return _short(shape, shapes)
    parent = next(shapes.subjects(SH.property, shape), None)
    path = _short(shapes.value(shape, SH.path), shapes)
    if parent is None:
        return path or str(shape)
    return f"{_short(parent, shapes)} › {path}" if path else _short(parent, shapes)


_TEMPLATE_VARIABLE = re.compile(r"\{[?$](\w+)\}")


def _template_pattern(template: str) -> str:
    """A regular expression matching the template filled with any values."""
    parts = _TEMPLATE_VARIABLE.split(template)
    # split() alternates literal text and variable names
    return "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                   for i, part in enumerate(parts))


def translate_message(emitted: str, templates: list[Node], lang: str) -> str | None:
    """pyshacl fills only one of a constraint's messages; find which template it filled,
    recover the variable bindings from the text, and fill the template in `lang`."""
    wanted = next((t for t in templates if getattr(t, "language", None) == lang), None)
    if wanted is None:
        return None
    for template in templates:
        try:
            match = re.fullmatch(_template_pattern(str(template)), emitted)
        except re.error:  # a variable used twice in one template
            continue
        if match:
            values = match.groupdict()
            return _TEMPLATE_VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), str(wanted))
    return None


def _message(report: Graph, result: Node, shapes: Graph | None, lang: str) -> str:
    """The result's message in the language asked, when the shape offers one."""
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
    english = next((m for m in messages if getattr(m, "language", None) == "en"), None)
    return str(english or (messages[0] if messages else ""))


def _results(report: Graph, lang: str = "en", shapes: Graph | None = None) -> list[ValidationResult]:
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        chosen = _message(report, result, shapes, lang)
        severity = report.value(result, SH.resultSeverity)
        results.append(ValidationResult(
            focus=str(report.value(result, SH.focusNode)),
            path=_short(report.value(result, SH.resultPath), report),
            value=_short(report.value(result, SH.value), report),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            message=str(chosen),
            shape=shape_name(report.value(result, SH.sourceShape), shapes if shapes is not None
                             else report)))
    return results


def validate_graph(data: Graph, shapes: Graph, ontology: Graph | None = None,
                   lang: str = "en") -> ValidationOutcome:
    """Run pyshacl; the ontology graph lets sh:class see rdfs:subClassOf."""
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none",
        advanced=True, allow_warnings=True)
    if not isinstance(report, Graph):
        raise UnreadableInput(f"the shapes could not be used: {text}")
    return ValidationOutcome(bool(conforms), _results(report, lang, shapes), report)


def guess_format(path: Path, explicit: str | None = None) -> str:
    if explicit:
        return FORMATS_BY_SUFFIX.get("." + explicit.lstrip("."), explicit)
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableInput(f"{path}: cannot tell the RDF syntax from the extension "
                              f"'{path.suffix}'; use --input-format turtle|nt|xml|json-ld|trig")
    return fmt


def read_graph(path: Path, input_format: str | None = None) -> Graph:
    """Parse one RDF file; errors name the file and the parser's line."""
    fmt = guess_format(path, input_format)
    if not path.exists():
        raise UnreadableInput(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise UnreadableInput(f"{path}: the file is empty")
    graph = Graph()
    try:
        graph.parse(path, format=fmt)
    except Exception as error:  # rdflib raises many types; all mean "unreadable"
        raise UnreadableInput(f"{path}: not valid {fmt}: {error}") from error
    return graph


def validate_files(files: list[Path], settings: Settings, profiles: list[str] | None = None,
                   input_format: str | None = None, lang: str = "en") -> ValidationOutcome:
    """`publisher validate`: the union of the files against the chosen profiles."""
    data = Graph()
    for path in files:
        data += read_graph(path, input_format)
    # Our ontology lets sh:class see subclasses in our data; pyshacl mixes it into the data
    # graph, so it is only given where our data profile is asked for.
    ontology = ontology_graph(settings) if "kuntadigi" in (profiles or ["kuntadigi"]) else None
    return validate_graph(data, shapes_graph(settings, profiles), ontology, lang)


def ontology_graph(settings: Settings) -> Graph:
    """Our vocabulary as an rdflib graph, for rdfs:subClassOf during validation."""
    from publisher.pipeline import ONTOLOGY_FILES, read_rdf_file

    triples = [t for name in ONTOLOGY_FILES
               for t in read_rdf_file(settings.ontology_dir / name, settings)]
    return to_rdflib(triples)


def to_rdflib(triples: Any) -> Graph:
    """pyoxigraph triples → rdflib Graph through N-Triples (exact for every term)."""
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    graph = Graph()
    graph.parse(data=data, format="nt")
    return graph
