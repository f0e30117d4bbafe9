"""String-based constraints: sh:minLength, sh:maxLength, sh:pattern, sh:languageIn,
sh:uniqueLang."""
from __future__ import annotations

import re

from rdflib import RDF, XSD, BNode, Literal
from rdflib.term import Node

from publisher.shacl.compiled.model import SH, Constraint, Evaluator, Focus, Hit, Names, Shape, ValueCheck
from publisher.shacl.compiled.terms import string_literal


STRING_TYPES = f"(<{XSD.string}>, <{RDF.langString}>)"


def value_string(value: Node) -> str:
    """pyshacl's string form of a value node for length and pattern checks."""
    if isinstance(value, Literal) and value.value is not None and \
            value.datatype in (None, RDF.langString, XSD.string):
        return str(value.value)
    return str(value)


def maybe_not_string(var: str) -> str:
    """Values whose string pyshacl takes from rdflib rather than from the store."""
    return f"isBlank({var}) || (isLiteral({var}) && !(datatype({var}) IN {STRING_TYPES}))"


class LengthCheck(ValueCheck):
    exact = False

    def __init__(self, shape: Shape, limit: Literal, minimum: bool) -> None:
        super().__init__(shape)
        self.limit, self.minimum = limit, minimum
        self.component = SH.MinLengthConstraintComponent if minimum else SH.MaxLengthConstraintComponent

    def condition(self, var: str) -> str:
        operator = "<" if self.minimum else ">"
        return f"{maybe_not_string(var)} || STRLEN(STR({var})) {operator} {int(self.limit.value)}"

    def confirm(self, value: Node) -> bool:
        if isinstance(value, BNode):
            return True
        length = len(value_string(value))
        return length < self.limit.value if self.minimum else length > self.limit.value

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        word = ">=" if self.minimum else "<="
        return [Literal(f"String length not {word} {names.data_node(self.limit)}")]


#: Regular expressions that Rust's regex crate (Oxigraph) and Python's re read alike on
#: strings without a line break: literal characters, simple classes, groups without "(?",
#: the usual quantifiers and anchors, and backslash before punctuation only.
SAFE_REGEX = re.compile(r"(?:[^\\\[\]{}]|\\[^A-Za-z0-9\s]|\{\d+(?:,\d*)?\}"
                        r"|\[\^?(?:[^\\\[\]]|\\[^A-Za-z0-9\s])+\])*")


def rust_compatible(pattern: str) -> bool:
    return (SAFE_REGEX.fullmatch(pattern) is not None and "(?" not in pattern
            and not any(op in pattern for op in ("&&", "--", "~~")))


class PatternCheck(ValueCheck):
    component = SH.PatternConstraintComponent
    exact = False

    def __init__(self, shape: Shape, pattern: Literal, patterns: list[Literal],
                 flags: str, oxigraph_ok: bool) -> None:
        super().__init__(shape)
        self.pattern, self.patterns, self.flags = pattern, patterns, flags
        self.oxigraph_ok = oxigraph_ok and "i" not in flags
        python_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
        text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
        self.regex = re.compile(text, python_flags)
        self.text = text

    def condition(self, var: str) -> str:
        if not self.oxigraph_ok:
            return "true"
        flags = "m" if "m" in self.flags else ""
        return (f"{maybe_not_string(var)} || CONTAINS(STR({var}), \"\\n\") || "
                f"!REGEX(STR({var}), {string_literal(self.text)}, \"{flags}\")")

    def confirm(self, value: Node) -> bool:
        if isinstance(value, BNode):
            return True
        return self.regex.search(value_string(value)) is None

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        if len(self.patterns) < 2:
            return [Literal(f"Value does not match pattern '{self.patterns[0].value}'")]
        rules = "', '".join(str(p.value) for p in self.patterns)
        return [Literal(f"Value does not match every pattern in ('{rules}')")]


class LanguageInCheck(ValueCheck):
    component = SH.LanguageInConstraintComponent

    def __init__(self, shape: Shape, list_node: Node, languages: set[str]) -> None:
        super().__init__(shape)
        self.list_node, self.languages = list_node, languages

    def condition(self, var: str) -> str:
        untagged = f"!isLiteral({var}) || LANG({var}) = \"\""
        if "*" in self.languages:
            return untagged
        listed = ", ".join(string_literal(lang) for lang in sorted(self.languages))
        if not listed:
            return "true"
        return (f"{untagged} || !(LCASE(LANG({var})) IN ({listed}) || (CONTAINS(LANG({var}), \"-\")"
                f" && LCASE(STRBEFORE(LANG({var}), \"-\")) IN ({listed})))")

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal(f"String language is not in {names.shape_node(self.list_node)}")]


class UniqueLang(Constraint):
    component = SH.UniqueLangConstraintComponent

    def run(self, engine: Evaluator, focus: Focus) -> list[Hit]:
        query = (f"SELECT ?this ?__l WHERE {{ {focus.bind('?this')} ?this {self.shape.sparql_path} "
                 f"?__v FILTER(isLiteral(?__v) && LANG(?__v) != \"\") BIND(LCASE(LANG(?__v)) AS ?__l) }}"
                 f" GROUP BY ?this ?__l HAVING (COUNT(DISTINCT ?__v) > 1)")
        return [Hit(row["this"]) for row in engine.select(query)]

    def generic_messages(self, hit: Hit, names: Names) -> list[Literal]:
        return [Literal("More than one String shares the same Language")]
