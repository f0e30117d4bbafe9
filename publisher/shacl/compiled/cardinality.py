"""Cardinality constraints: sh:minCount, sh:maxCount."""
from __future__ import annotations

from rdflib import Literal

from publisher.shacl.compiled.model import SH, Constraint, Evaluator, Focus, Hit, Names, Shape


class CountConstraint(Constraint):
    """sh:minCount or sh:maxCount: how many distinct values the path gives."""

    word = ""

    def __init__(self, shape: Shape, count: Literal) -> None:
        super().__init__(shape)
        self.count = count

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal(f"{self.word} than {self.count.value} values on "
                        f"{names.data_node(hit.focus)}->{self.path_text(names)}")]


class MinCount(CountConstraint):
    component = SH.MinCountConstraintComponent
    word = "Less"

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
        n = int(self.count.value)
        if n == 0:
            return []
        path = self.shape.sparql_path
        if n == 1:
            query = (f"SELECT DISTINCT ?this WHERE {{ {focus.bind('?this')} "
                     f"FILTER NOT EXISTS {{ ?this {path} ?__v }} }}")
        else:
            query = (f"SELECT ?this WHERE {{ {focus.bind('?this')} OPTIONAL {{ ?this {path} ?__v }} }}"
                     f" GROUP BY ?this HAVING (COUNT(DISTINCT ?__v) < {n})")
        return [Hit(row["this"]) for row in engine.select(query)]


class MaxCount(CountConstraint):
    component = SH.MaxCountConstraintComponent
    word = "More"

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
        query = (f"SELECT ?this WHERE {{ {focus.bind('?this')} ?this {self.shape.sparql_path} ?__v }}"
                 f" GROUP BY ?this HAVING (COUNT(DISTINCT ?__v) > {int(self.count.value)})")
        return [Hit(row["this"]) for row in engine.select(query)]
