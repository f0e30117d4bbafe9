"""Shape-based constraints: sh:node and sh:property, which evaluate other shapes."""
from __future__ import annotations

from rdflib import Literal
from rdflib.term import Node

from publisher.shacl.compiled.model import SH, Constraint, Evaluator, Focus, Hit, Names, Shape
from publisher.shacl.compiled.terms import Term, sparql


class NestedConstraint(Constraint):
    """A constraint that evaluates other shapes on this shape's value nodes."""

    def value_focus(self, focus: Focus) -> Focus:
        return focus.nested(self.shape.sparql_path) if self.shape.is_property else focus

    def pairs(self, engine: Evaluator, focus: Focus, values: set[Term]) -> list[tuple[Term, Term]]:
        """(focus, value) pairs for the given value nodes."""
        if not values:
            return []
        if not self.shape.is_property:
            return [(v, v) for v in values]
        listed = " ".join(sparql(v) for v in values)
        query = (f"SELECT DISTINCT ?this ?value WHERE {{ VALUES ?value {{ {listed} }} "
                 f"{focus.bind('?this')} {self.shape.value_pattern()} }}")
        return [(row["this"], row["value"]) for row in engine.select(query)]

    def all_values(self, engine: Evaluator, focus: Focus) -> set[Term]:
        inner = self.value_focus(focus)
        return {row["v"] for row in engine.select(f"SELECT DISTINCT ?v WHERE {{ {inner.bind('?v')} }}")}


class NodeConstraint(NestedConstraint):
    component = SH.NodeConstraintComponent

    def __init__(self, shape: Shape, target: Shape, targets: list[Node]) -> None:
        super().__init__(shape)
        self.target, self.targets = target, targets

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
        outcome = engine.evaluate(self.target, self.value_focus(focus))
        failing = set(outcome.failing) | {f for f, results in outcome.results.items() if results}
        return [Hit(f, v, details=list(outcome.results.get(v, ())))
                for f, v in self.pairs(engine, focus, failing)]

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        if len(self.targets) < 2:
            text = f"Value does not conform to Shape {names.shape_node(self.targets[0])}."
        else:
            rules = "', '".join(names.shape_node(t) for t in self.targets)
            text = f"Value must conform to every Shape in ('{rules}')."
        return [Literal(text + " See details for more information.")]


class PropertyConstraint(NestedConstraint):
    """sh:property under a property shape: the child's results, attributed to our focus.

    (Under a node shape the child shapes are evaluated as part of the parent instead.)"""

    component = SH.PropertyConstraintComponent

    def __init__(self, shape: Shape, child: Shape) -> None:
        super().__init__(shape)
        self.child = child

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
        raise AssertionError("property constraints are expanded by Engine.evaluate")
