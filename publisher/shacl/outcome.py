"""The outcome of a validation, whichever engine made it: results, counts by severity,
conformance, the results grouped by resource, the report graph, and its renderings."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import Graph

from publisher.shacl.messages import SEVERITIES
from publisher.shacl.render import report_html, report_text_page

SEVERITY_ORDER = {name: i for i, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Result:
    """One finding, written for a reader (prefixed names, the message in the language asked)."""

    focus: str
    path: str | None
    value: str | None
    severity: str
    message: str
    shape: str | None
    constraint: str | None = None       # the check: a named constraint, else the component
    focus_label: str | None = None      # how a blank focus node is reached from a named one


@dataclass
class Outcome:
    """One validation: its results, whether it conforms (no result above sh:Warning), the
    report graph, and what a reader needs besides (source lines, profiles, inputs)."""

    conforms: bool
    results: list[Result]
    report_graph: Graph
    sources: dict[str, str] = field(default_factory=dict)  # focus IRI -> "document a–b"
    # focus -> its own label in `lang` (else a fallback): {"value", "lang", "fallback"}
    names: dict[str, dict[str, Any]] = field(default_factory=dict)
    profiles: tuple[str, ...] = ()
    inputs: tuple[tuple[str, int], ...] = ()               # (name, triples) of each input
    lang: str = "en"
    # the shapes pyshacl validated instead of the compiled engine, each with why ("*": all)
    by_pyshacl: dict[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return severity_counts(self.results)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    def by_resource(self) -> dict[str, list[Result]]:
        grouped: dict[str, list[Result]] = defaultdict(list)
        for result in sorted(self.results, key=_result_order):
            grouped[result.focus].append(result)
        return dict(grouped)

    def render(self, fmt: str = "text", lang: str | None = None) -> str:
        """The report as readable text or HTML, JSON, Turtle or JSON-LD."""
        lang = lang or self.lang
        if fmt == "turtle":
            return self.report_graph.serialize(format="turtle")
        if fmt in {"json-ld", "jsonld"}:
            return self.report_graph.serialize(format="json-ld", indent=2)
        if fmt == "json":
            return json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n"
        if fmt == "html":
            return report_html(self.as_json(), lang)
        return self.text(lang)

    def as_json(self) -> dict[str, Any]:
        resources = []
        for focus, results in self.by_resource().items():
            name = self.names.get(focus)
            resources.append({"focus": focus, "label": results[0].focus_label, "name": name,
                              "source": self.sources.get(focus),
                              "counts": severity_counts(results),
                              "results": [_result_json(r, name) for r in results]})
        return {"conforms": self.conforms, "counts": self.counts, "lang": self.lang,
                "profiles": list(self.profiles),
                "inputs": [{"name": n, "triples": t} for n, t in self.inputs],
                "resources": resources}

    def text(self, lang: str | None = None) -> str:
        return report_text_page(self.as_json(), lang or self.lang)


def _result_json(result: Result, name: dict[str, Any] | None) -> dict[str, Any]:
    """A result with its focus node's label (`focus_name`) and that label's language, which
    differs from the report's when the label is a fallback."""
    return {**asdict(result), "focus_name": name["value"] if name else None,
            "focus_name_lang": name["lang"] if name else None}


def _result_order(result: Result) -> tuple[Any, ...]:
    return (result.focus_label or result.focus, SEVERITY_ORDER.get(result.severity, 3),
            result.path or "", result.message, result.value or "")


def severity_counts(results: list[Result]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for result in results:
        counts[result.severity] = counts.get(result.severity, 0) + 1
    return counts
