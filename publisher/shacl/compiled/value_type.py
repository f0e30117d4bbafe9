"""Value type constraints: sh:class, sh:datatype, sh:nodeKind."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Literal
from rdflib.term import Node

from publisher.shacl.compiled.model import SH, Hit, Names, Shape, ValueCheck
from publisher.shacl.compiled.terms import Term, sparql


class ClassCheck(ValueCheck):
    component = SH.ClassConstraintComponent
    looks_up = True

    def __init__(self, shape: Shape, cls: Node, classes: list[Node], subclasses: list[Term]) -> None:
        super().__init__(shape)
        self.cls, self.classes, self.subclasses = cls, classes, subclasses

    def condition(self, var: str) -> str:
        if len(self.subclasses) == 1:
            return f"NOT EXISTS {{ {var} <{RDF.type}> {sparql(self.subclasses[0])} }}"
        listed = " ".join(sparql(c) for c in self.subclasses)
        return f"NOT EXISTS {{ VALUES ?__t {{ {listed} }} {var} <{RDF.type}> ?__t }}"

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        if len(self.classes) < 2:
            return [Literal(f"Value does not have class {names.shape_node(self.classes[0])}")]
        rules = ", ".join(names.shape_node(c) for c in self.classes)
        return [Literal(f"Value class is not in classes ({rules})")]


class DatatypeCheck(ValueCheck):
    component = SH.DatatypeConstraintComponent

    def __init__(self, shape: Shape, datatype: Node) -> None:
        super().__init__(shape)
        self.datatype = datatype
        self.exact = datatype in (XSD.string, RDF.langString)

    def condition(self, var: str) -> str:
        if self.datatype == XSD.string:
            return f"!(isLiteral({var}) && datatype({var}) = <{XSD.string}>)"
        if self.datatype == RDF.langString:
            return f"!(isLiteral({var}) && LANG({var}) != \"\")"
        if self.datatype == XSD.integer:
            return (f"!(isLiteral({var}) && datatype({var}) = <{XSD.integer}> && "
                    f"REGEX(STR({var}), \"^[+-]?[0-9]+$\"))")
        return "true"

    def confirm(self, value: Node) -> bool:
        return not datatype_matches(value, self.datatype)

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal(f"Value is not Literal with datatype {names.shape_node(self.datatype)}")]


def datatype_matches(value: Node, rule: Node) -> bool:
    """pyshacl's sh:datatype test on an rdflib term."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == rule:
        return not getattr(value, "ill_typed", False) and actual_datatype(value, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and value.datatype:
        return True
    if value.datatype is None and value.language is None and rule == XSD.string:
        return actual_datatype(value, rule)
    if rule == RDF.langString and value.language:
        return actual_datatype(value, rule)
    return False


ACTUAL_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


def actual_datatype(value: Literal, rule: Node) -> bool:
    expected = ACTUAL_TYPES.get(rule)
    return True if expected is None else isinstance(value.value, expected)


NODE_KINDS = {SH.IRI: "!isIRI({v})", SH.BlankNode: "!isBlank({v})", SH.Literal: "!isLiteral({v})",
              SH.BlankNodeOrIRI: "isLiteral({v})", SH.BlankNodeOrLiteral: "isIRI({v})",
              SH.IRIOrLiteral: "isBlank({v})"}


class NodeKindCheck(ValueCheck):
    component = SH.NodeKindConstraintComponent

    def __init__(self, shape: Shape, kind: Node) -> None:
        super().__init__(shape)
        self.kind = kind

    def condition(self, var: str) -> str:
        return NODE_KINDS.get(self.kind, "true").format(v=var)

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal(f"Value is not of Node Kind {names.shape_node(self.kind)}")]
