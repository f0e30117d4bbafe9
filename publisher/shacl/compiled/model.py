"""What the compiler makes and the engine runs: focus nodes, shapes, constraints, hits and
results, and how pyshacl names nodes in its messages."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox
from pyshacl.rdfutil import stringify_node
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from publisher import vocab
from publisher.shacl.compiled.terms import Term, to_rdflib

SH = Namespace(vocab.SH)
ALLOWED_SEVERITIES = frozenset({SH.Warning, SH.Info})     # allow_warnings=True


@dataclass(frozen=True)
class Focus:
    """The focus nodes of one evaluation, as a SPARQL group that binds the placeholder ?__F."""

    template: str
    depth: int = 0

    def bind(self, var: str) -> str:
        return self.template.replace("?__F", var)

    def nested(self, path: str) -> Focus:
        """The value nodes reached from these focus nodes through `path`, distinct."""
        parent = f"?__p{self.depth}"
        return Focus(f"{{ SELECT DISTINCT ?__F WHERE {{ {self.bind(parent)} "
                     f"{parent} {path} ?__F }} }}", self.depth + 1)


@dataclass(eq=False)
class Shape:
    node: Node
    path: Node | None              # the rdflib path node (reported as sh:resultPath)
    sparql_path: str | None
    severity: Node
    messages: tuple[Literal, ...]
    deactivated: bool
    label: str                     # how error messages name the shape
    constraints: list[Constraint] = field(default_factory=list)

    @property
    def is_property(self) -> bool:
        return self.path is not None

    @property
    def may_fail(self) -> bool:
        """pyshacl (allow_warnings) counts a Warning or Info shape as conforming."""
        return self.severity not in ALLOWED_SEVERITIES

    def value_var(self) -> str:
        return "?value" if self.is_property else "?this"

    def value_pattern(self) -> str:
        return f"?this {self.sparql_path} ?value ." if self.is_property else ""


@dataclass
class Hit:
    """One validation result a constraint found, in store terms."""

    focus: Term
    value: Term | None = None
    path: Node | None = None            # overrides the shape's path (sh:closed, SPARQL ?path)
    details: list[Result] = field(default_factory=list)
    bindings: Any = None                # SPARQL variables for filling messages
    source: Node | None = None          # the sh:sparql node


@dataclass
class Result:
    constraint: Constraint
    hit: Hit


@dataclass
class Evaluation:
    """What evaluating a shape gave: results per focus node and the focus nodes that fail."""

    results: dict[Term, list[Result]] = field(default_factory=lambda: defaultdict(list))
    failing: set[Term] = field(default_factory=set)

    def add(self, result: Result, fails: bool) -> None:
        self.results[result.hit.focus].append(result)
        if fails:
            self.failing.add(result.hit.focus)

    def merge(self, other: Evaluation) -> None:
        for focus, results in other.results.items():
            self.results[focus].extend(results)
        self.failing |= other.failing


class Names:
    """Renders nodes as pyshacl does in its messages (data nodes with the data graph's prefixes)."""

    def __init__(self, shapes: Graph, data: Graph) -> None:
        self.shapes = shapes
        self.data = data

    def shape_node(self, node: Node) -> str:
        return stringify_node(self.shapes, node)

    def data_node(self, node: Node | Term | None) -> str:
        rdf = to_rdflib(node) if isinstance(node, (ox.NamedNode, ox.BlankNode, ox.Literal)) else node
        try:
            return stringify_node(self.data, rdf)
        except (LookupError, ValueError):
            return str(rdf)


class Evaluator(Protocol):
    """What a constraint asks of the engine: queries on the data, and other shapes evaluated."""

    def select(self, query: str, bindings: dict | None = None) -> list[ox.QuerySolution]: ...

    def select_with_variables(self, query: str, bindings: dict | None = None
                              ) -> list[tuple[ox.QuerySolution, list[str]]]: ...

    def evaluate(self, shape: Shape, focus: Focus) -> Evaluation: ...


class Constraint:
    """One constraint component of one shape."""

    component: URIRef

    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
        raise NotImplementedError

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return []

    def messages(self, hit: Hit, names: Names) -> list[Literal]:
        """The shape's sh:message values, all languages; pyshacl's wording when there are none."""
        return list(self.shape.messages) or self.generic_messages(hit, names)

    def path_text(self, names: Names) -> str:
        return names.shape_node(self.shape.path)


class ValueCheck(Constraint):
    """A constraint on each value node alone: checked for all values in one scan per shape.

    `condition` is a SPARQL expression over the value variable that is true for every value
    that may fail; `confirm` decides those exactly when SPARQL alone cannot."""

    exact = True
    looks_up = False        # the condition reads the graph (rdf:type of the value)

    def condition(self, var: str) -> str:
        raise NotImplementedError

    def confirm(self, value: Node) -> bool:
        """True if the value fails (only called when `exact` is False)."""
        raise NotImplementedError
