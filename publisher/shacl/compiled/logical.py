"""Logical constraints: sh:or, sh:and, sh:xone, sh:not, and their inline form for members
that are plain value checks."""
from __future__ import annotations

from rdflib import Literal
from rdflib.term import Node

from publisher.shacl.compiled.model import SH, Constraint, Evaluator, Focus, Hit, Names, Shape, ValueCheck
from publisher.shacl.compiled.shape_based import NestedConstraint
from publisher.shacl.compiled.terms import Term


class LogicalConstraint(NestedConstraint):
    """sh:or, sh:and, sh:xone, sh:not: each value node against member shapes' conformance."""

    keyword = ""

    def __init__(self, shape: Shape, members: list[Shape], list_node: Node, lists: list[Node]) -> None:
        super().__init__(shape)
        self.members, self.list_node, self.lists = members, list_node, lists

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
        inner = self.value_focus(focus)
        failing = [engine.evaluate(m, inner).failing for m in self.members]
        return [Hit(f, v) for f, v in self.pairs(engine, focus, self.violators(engine, focus, failing))]

    def violators(self, engine: Evaluator, focus: Focus, failing: list[set[Term]]) -> set[Term]:
        raise NotImplementedError

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        def items(list_node: Node) -> str:
            return " , ".join(names.shape_node(m) for m in names.shapes.items(list_node))
        if len(self.lists) < 2:
            text = items(self.lists[0])
        else:
            text = " and ".join(f"({items(n)})" for n in self.lists)
        return [Literal(f"Node {names.data_node(hit.value)} must conform to {self.keyword} {text}")]


class Or(LogicalConstraint):
    component = SH.OrConstraintComponent
    keyword = "one or more shapes in"

    def violators(self, engine: Evaluator, focus: Focus, failing: list[set[Term]]) -> set[Term]:
        return set.intersection(*failing) if failing else set()


class And(LogicalConstraint):
    component = SH.AndConstraintComponent
    keyword = "all shapes in"

    def violators(self, engine: Evaluator, focus: Focus, failing: list[set[Term]]) -> set[Term]:
        return set.union(*failing) if failing else set()


class Xone(LogicalConstraint):
    component = SH.XoneConstraintComponent
    keyword = "exactly one shape in"

    def violators(self, engine: Evaluator, focus: Focus, failing: list[set[Term]]) -> set[Term]:
        if not failing:
            return set()
        return {v for v in self.all_values(engine, focus)
                if sum(v not in f for f in failing) != 1}


class Not(NestedConstraint):
    component = SH.NotConstraintComponent

    def __init__(self, shape: Shape, member: Shape, members: list[Node]) -> None:
        super().__init__(shape)
        self.member, self.member_nodes = member, members

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
        failing = engine.evaluate(self.member, self.value_focus(focus)).failing
        conforming = self.all_values(engine, focus) - failing
        return [Hit(f, v) for f, v in self.pairs(engine, focus, conforming)]

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        value = names.data_node(hit.value)
        if len(self.member_nodes) == 1:
            return [Literal(f"Node {value} must not conform to shape "
                            f"{names.shape_node(self.member_nodes[0])}")]
        listed = " , ".join(names.shape_node(n) for n in self.member_nodes)
        return [Literal(f"Node {value} must not conform to any shapes in {listed}")]


class InlineLogical(ValueCheck):
    """sh:or, sh:and, sh:xone or sh:not whose member shapes are plain value checks (such as
    `[ sh:class vcard:Kind ]`): decided in the value scan of the shape that uses it."""

    def __init__(self, original: Constraint, members: list[Shape], combine: str) -> None:
        super().__init__(original.shape)
        self.original, self.members, self.combine = original, members, combine
        self.component = original.component
        self.looks_up = any(c.looks_up for m in members for c in m.constraints)

    @staticmethod
    def inlinable(member: Shape) -> bool:
        return not member.is_property and all(isinstance(c, ValueCheck) and c.exact
                                              for c in member.constraints)

    @staticmethod
    def member_fails(member: Shape, var: str) -> str:
        if member.deactivated or not member.may_fail or not member.constraints:
            return "false"
        return "(" + " || ".join(f"COALESCE({c.condition(var)}, true)" for c in member.constraints) + ")"

    def condition(self, var: str) -> str:
        fails = [self.member_fails(m, var) for m in self.members]
        if self.combine == "or":
            return "(" + " && ".join(fails) + ")"
        if self.combine == "and":
            return "(" + " || ".join(fails) + ")"
        if self.combine == "xone":
            return "((" + " + ".join(f"IF({f}, 0, 1)" for f in fails) + ") != 1)"
        return f"!{fails[0]}"

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return self.original.generic_messages(hit, names)


def inline(constraint: Constraint, members: list[Shape], combine: str) -> Constraint:
    """The logical constraint as a value check when all its members allow it."""
    if members and all(InlineLogical.inlinable(m) for m in members):
        return InlineLogical(constraint, members, combine)
    return constraint
