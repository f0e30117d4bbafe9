"""SHACL-SPARQL: sh:sparql SELECT constraints, with pyshacl's pre-binding, results and messages."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Literal
from rdflib.term import Node

from publisher.shacl.compiled.model import SH, Constraint, Evaluator, Focus, Hit, Names, Shape
from publisher.shacl.compiled.terms import Term, to_rdflib


class SparqlConstraint(Constraint):
    """A sh:sparql SELECT constraint, with pyshacl's pre-binding, results and messages."""

    component = SH.SPARQLConstraintComponent

    def __init__(self, shape: Shape, node: Node, query: SelectQuery,
                 messages: set[Literal] | None) -> None:
        super().__init__(shape)
        self.node, self.query, self.extra = node, query, messages

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
        rows: Iterable[tuple[Term, dict[str, Term]]]
        if self.query.injectable:
            text = self.query.injected(focus.bind("?this"))
            rows = ((row["this"], self.row_dict(row, variables)) for row, variables in
                    engine.select_with_variables(text))
        else:
            rows = self.per_focus_rows(engine, focus)
        return self.hits(rows)

    def per_focus_rows(self, engine: Evaluator, focus: Focus) -> Iterator[tuple[Term, dict[str, Term]]]:
        """Queries the injection could change (subqueries, aggregates): one run per focus node,
        with SPARQL substitution standing in for pyshacl's pre-binding."""
        nodes = [row["this"] for row in engine.select(f"SELECT DISTINCT ?this WHERE {{ {focus.bind('?this')} }}")]
        text = self.query.per_focus()
        for node in nodes:
            for row, variables in engine.select_with_variables(text, {ox.Variable("this"): node}):
                yield node, self.row_dict(row, variables)

    def row_dict(self, row: ox.QuerySolution, variables: list[str]) -> dict[str, Term]:
        """The row's bound variables among those the constraint's own SELECT projects."""
        return {name: row[name] for name in variables
                if name in self.query.projected and row[name] is not None}

    def hits(self, rows: Iterable[tuple[Term, dict[str, Term]]]) -> list[Hit]:
        """pyshacl's reading of result rows, deduplicated per focus node."""
        result_value = None if self.shape.is_property else "focus"
        seen: set[tuple[Any, ...]] = set()
        hits = []
        for focus, values in rows:
            values = dict(values)
            if "failure" in values:
                values.pop("failure")
                key = (focus, True)
                if key not in seen:
                    seen.add(key)
                    hits.append(Hit(focus, focus if result_value else None, bindings=self.rdf(values),
                                    source=self.node))
                continue
            path, value, this = values.pop("path", None), values.pop("value", None), values.pop("this", None)
            if path is None and value is None and this is None:
                continue
            key = (focus, this, path, value, tuple(sorted(values.items(), key=lambda kv: kv[0])))
            if key in seen:
                continue
            seen.add(key)
            target = this or focus
            shown = value if value is not None else (focus if result_value else None)
            bound = (to_rdflib(this) if this is not None else None,
                     to_rdflib(path) if path is not None else None,
                     to_rdflib(shown) if shown is not None else None, self.rdf(values))
            hits.append(Hit(target, shown, path=to_rdflib(path) if path is not None else None,
                            bindings=bound, source=self.node))
        return hits

    @staticmethod
    def rdf(values: dict[str, Term]) -> dict[str, Node]:
        return {name: to_rdflib(term) for name, term in values.items()}

    def messages(self, hit: Hit, names: Names) -> list[Literal]:
        """make_v_result of pyshacl: constraint messages filled with the row and untagged."""
        own = list(self.shape.messages)
        out: list[Literal] = []
        if self.extra:
            for message in self.extra:
                if message in own:
                    continue
                out.append(Literal(fill_message(str(message.value), hit.bindings)))
        for message in own:
            out.append(Literal(fill_message(str(message.value), hit.bindings)))
        return out


def fill_message(text: str, bindings: Any) -> str:
    """pyshacl's {?var} substitution, including its use of re.sub."""
    values: dict[str, Node] = {}
    if isinstance(bindings, tuple):
        this, path, value, extra = bindings
        values.update(extra)
        for name, node in (("this", this), ("path", path), ("value", value)):
            if node is not None:
                values[name] = node
    elif isinstance(bindings, dict):
        values.update(bindings)
    for name, node in values.items():
        text = re.sub("{{[?$]{}}}".format(name), str(node), text)
    return text


@dataclass
class SelectQuery:
    """The text of a sh:select with its prefixes, and how it can be run for many focus nodes."""

    text: str
    projected: set[str]
    injectable: bool
    insert_at: int

    def with_projection(self, names: Sequence[str]) -> tuple[str, int]:
        """The query also projecting `names` (pre-bound variables must be projected)."""
        missing = "".join(f" ?{n}" for n in names if n not in self.projected)
        head, tail = self.text[:self.insert_at], self.text[self.insert_at:]
        head = re.sub(r"(?i)\bSELECT(\s+(?:DISTINCT|REDUCED))?", lambda m: m.group(0) + missing, head,
                      count=1)
        return head + tail, len(head)

    def injected(self, focus_pattern: str) -> str:
        """The query with the focus nodes bound at the start of its WHERE group (one run)."""
        text, at = self.with_projection(["this"])
        return f"{text[:at]} {focus_pattern} {text[at:]}"

    def per_focus(self) -> str:
        return self.with_projection(["this"])[0]


def projected_variables(projection: str) -> set[str]:
    """Variables a SELECT clause projects: bare ones and those named by AS."""
    clause = re.split(r"(?i)\bSELECT\b", projection, maxsplit=1)[-1]
    named = set(re.findall(r"(?i)\bAS\s+[$?](\w+)", clause))
    depth, bare = 0, []
    for token in re.findall(r"\(|\)|[$?]\w+", clause):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0:
            bare.append(token[1:])
    return named | set(bare)


def where_group_start(text: str) -> int | None:
    """Index of the '{' that opens the query's WHERE group (outside strings and comments)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i = i + len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            i += re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]).end()
            continue
        elif c == "{":
            return i
        i += 1
    return None
