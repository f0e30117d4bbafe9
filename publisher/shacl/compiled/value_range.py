"""Value range constraints: sh:minExclusive, sh:minInclusive, sh:maxExclusive, sh:maxInclusive."""
from __future__ import annotations

from pyshacl.rdfutil import compare_literal
from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from publisher.shacl.compiled.model import SH, Hit, Names, Shape, ValueCheck
from publisher.shacl.compiled.terms import sparql


RANGES = {  # parameter: (component, SPARQL operator, pyshacl's test on compare_literal, word)
    SH.minExclusive: (SH.MinExclusiveConstraintComponent, ">", lambda c: c > 0, ">"),
    SH.minInclusive: (SH.MinInclusiveConstraintComponent, ">=", lambda c: c >= 0, ">="),
    SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, "<", lambda c: c < 0, "<"),
    SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, "<=", lambda c: c <= 0, "<=")}

NUMERIC = (XSD.integer, XSD.decimal)


class RangeCheck(ValueCheck):
    exact = False

    def __init__(self, shape: Shape, parameter: URIRef, bound: Literal, bounds: list[Node]) -> None:
        super().__init__(shape)
        self.component, self.operator, self.passes, self.word = RANGES[parameter]
        self.bound, self.bounds = bound, bounds

    def condition(self, var: str) -> str:
        if self.bound.datatype not in NUMERIC or getattr(self.bound, "ill_typed", False):
            return "true"
        return (f"!(isLiteral({var}) && datatype({var}) IN (<{XSD.integer}>, <{XSD.decimal}>) && "
                f"{var} {self.operator} {sparql(self.bound)})")

    def confirm(self, value: Node) -> bool:
        if not isinstance(value, Literal):
            return True
        if isinstance(self.bound.value, str) != isinstance(value.value, str):
            return True
        try:
            return not self.passes(compare_literal(value, self.bound))
        except (TypeError, NotImplementedError):
            return True

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        if len(self.bounds) < 2:
            return [Literal(f"Value is not {self.word} {names.shape_node(self.bounds[0])}")]
        rules = ", ".join(names.shape_node(b) for b in self.bounds)
        return [Literal(f"Value is not {self.word} in ({rules})")]
