"""The compiler: the shapes graph becomes `Shape` objects with their constraints, checked for
what pyshacl would reject; and the focus nodes of each top-level shape."""
from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import cached_property

from pyshacl.errors import ValidationFailure
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from pyshacl.rdfutil import stringify_node
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from publisher import vocab
from publisher.shacl.compiled.cardinality import MaxCount, MinCount
from publisher.shacl.compiled.logical import And, LogicalConstraint, Not, Or, Xone, inline
from publisher.shacl.compiled.model import SH, Constraint, Focus, Shape
from publisher.shacl.compiled.other import Closed, HasValue, InCheck
from publisher.shacl.compiled.property_pair import Disjoint, Equals, LessThan, PairConstraint
from publisher.shacl.compiled.shape_based import NodeConstraint, PropertyConstraint
from publisher.shacl.compiled.sparql import SelectQuery, SparqlConstraint, projected_variables, where_group_start
from publisher.shacl.compiled.string import (LanguageInCheck, LengthCheck, PatternCheck, UniqueLang,
                                             rust_compatible)
from publisher.shacl.compiled.terms import Term, UnsupportedShapes, sparql
from publisher.shacl.compiled.value_range import RangeCheck
from publisher.shacl.compiled.value_type import ClassCheck, DatatypeCheck, NodeKindCheck


OWL = Namespace(vocab.OWL)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)

#: Features pyshacl evaluates (advanced mode) that this engine does not compile.
UNCOMPILED_PARAMETERS = {SH.qualifiedValueShape: "sh:qualifiedValueShape",
                         SH.qualifiedMinCount: "sh:qualifiedMinCount",
                         SH.qualifiedMaxCount: "sh:qualifiedMaxCount",
                         SH.expression: "sh:expression (SHACL-AF node expressions)",
                         SH.target: "sh:target (SHACL-AF custom targets)",
                         SH.rule: "sh:rule (SHACL-AF rules)"}

UNCOMPILED_TYPES = {SH.SPARQLFunction: "SHACL-AF functions", SH.Function: "SHACL-AF functions",
                    SH.SPARQLTargetType: "SHACL-AF target types",
                    SH.TargetType: "SHACL-AF target types", SH.SPARQLRule: "SHACL-AF rules",
                    SH.TripleRule: "SHACL-AF rules"}


class Compiler:
    """Turns the shapes graph into `Shape` objects, checking what pyshacl would reject."""

    def __init__(self, shapes: Graph, store_classes: Callable[[Node], list[Term]],
                 oxigraph_regex: Callable[[str, str], bool],
                 unchecked_sparql: Collection[Node] = ()) -> None:
        self.graph = shapes
        self.subclasses = store_classes
        self.oxigraph_regex = oxigraph_regex
        self.unchecked_sparql = unchecked_sparql
        self.kinds = self.discover()
        self.compiled: dict[Node, Shape] = {}
        self.compiling: set[Node] = set()
        self.check_global_features()

    # ---------------------------------------------------------------- discovery

    def discover(self) -> dict[Node, bool]:
        """Every shape pyshacl knows (node -> is it a property shape), as pyshacl finds them."""
        g = self.graph
        node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
        prop_shapes = set(g.subjects(RDF.type, SH.PropertyShape))
        for s in node_shapes:
            if (s, SH.path, None) in g:
                raise UnsupportedShapes(f"{self.name(s)}: a sh:NodeShape with sh:path (pyshacl rejects it)")
        for s in prop_shapes:
            if s in node_shapes or len(set(g.objects(s, SH.path))) != 1:
                raise UnsupportedShapes(f"{self.name(s)}: a sh:PropertyShape needs exactly one sh:path")
        implied = {s for p in TARGETS + (SH.property, SH.node) for s in g.subjects(p, None)}
        used = {o for p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape) for o in g.objects(None, p)}
        for p in (SH["and"], SH["or"], SH.xone):
            for list_node in g.objects(None, p):
                members = list(g.items(list_node))
                if not members:
                    raise UnsupportedShapes(f"{self.name(list_node)}: an empty list of shapes")
                used.update(members)
        kinds = {s: False for s in node_shapes}
        kinds.update({s: True for s in prop_shapes})
        for s in (implied | used) - set(kinds):
            paths = set(g.objects(s, SH.path))
            if len(paths) > 1:
                raise UnsupportedShapes(f"{self.name(s)}: more than one sh:path")
            kinds[s] = bool(paths)
        return kinds

    def check_global_features(self) -> None:
        g = self.graph
        for t, feature in UNCOMPILED_TYPES.items():
            for node in g.subjects(RDF.type, t):
                user = next(g.subjects(None, node), node)
                raise UnsupportedShapes(f"{self.name(user)}: {feature} are not compiled")
        for s in g.subjects(RDF.type, SH.ConstraintComponent):
            if not str(s).startswith(str(SH)):
                raise UnsupportedShapes(f"{self.name(s)}: custom constraint components are not compiled")
        for s in g.subjects(RDFS.subClassOf, SH.ConstraintComponent):
            raise UnsupportedShapes(f"{self.name(s)}: custom constraint components are not compiled")

    def top_level(self) -> list[Node]:
        """Shapes that select their own focus nodes (the others are only reached from these)."""
        return [s for s in self.kinds if self.has_targets(s)]

    def has_targets(self, node: Node) -> bool:
        """Targets of its own (SHACL-AF sh:target too: refused when the shape is compiled)."""
        return any((node, p, None) in self.graph for p in TARGETS + (SH.target,)) \
            or self.implicit_class(node)

    def implicit_class(self, node: Node) -> bool:
        return bool(self.class_types(node))

    def class_types(self, node: Node) -> list[Node]:
        """The types that make a shape a class too, and so its own target class."""
        classes = set(self.graph.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class, OWL.Class}
        return [t for t in self.graph.objects(node, RDF.type) if t in classes]

    def target_triples(self, node: Node) -> list[tuple[Node, Node, Node]]:
        """The triples of the shapes graph that give a shape its own focus nodes."""
        own = [(node, p, o) for p in TARGETS + (SH.target,) for o in self.graph.objects(node, p)]
        return own + [(node, RDF.type, t) for t in self.class_types(node)]

    def target_classes(self, node: Node) -> list[Node]:
        found = list(self.graph.objects(node, SH.targetClass))
        return found + [node] if self.implicit_class(node) else found

    def name(self, node: Node) -> str:
        """A shape as people read it: its name, or its node shape and path."""
        if isinstance(node, URIRef):
            return stringify_node(self.graph, node)
        parent = next(self.graph.subjects(SH.property, node), None)
        path = self.graph.value(node, SH.path)
        if parent is not None and path is not None:
            return f"{self.name(parent)} › {stringify_node(self.graph, path)}"
        return stringify_node(self.graph, node)

    # ---------------------------------------------------------------- shapes

    def shape(self, node: Node) -> Shape:
        if node in self.compiling:
            raise UnsupportedShapes(f"{self.name(node)}: recursive shapes are not compiled")
        if node in self.compiled:
            return self.compiled[node]
        if node not in self.kinds:
            raise UnsupportedShapes(f"{self.name(node)} is used as a shape but is not one")
        self.compiling.add(node)
        try:             # a shape refused here leaves the others compilable
            shape = self.header(node)
            if not shape.deactivated:      # pyshacl never reads a deactivated shape's constraints
                shape.constraints = self.constraints(shape)
        finally:
            self.compiling.discard(node)
        self.compiled[node] = shape
        return shape

    def header(self, node: Node) -> Shape:
        g = self.graph
        deactivated = list(g.objects(node, SH.deactivated))
        if len(deactivated) > 1 or (deactivated and not isinstance(deactivated[0], Literal)):
            raise UnsupportedShapes(f"{self.name(node)}: sh:deactivated must be one literal")
        severities = set(g.objects(node, SH.severity))
        if len(severities) > 1:
            raise UnsupportedShapes(f"{self.name(node)}: more than one sh:severity")
        path = g.value(node, SH.path) if self.kinds[node] else None
        return Shape(node=node, path=path,
                     sparql_path=self.path(path, node) if path is not None else None,
                     severity=next(iter(severities), SH.Violation),
                     messages=tuple(set(g.objects(node, SH.message))),
                     deactivated=bool(deactivated and deactivated[0].value), label=self.name(node))

    def path(self, node: Node, shape: Node, inverse: bool = False, depth: int = 0) -> str:
        """A SHACL path as a SPARQL property path, read the way pyshacl walks it."""
        g = self.graph
        if isinstance(node, URIRef):
            return ("^" if inverse else "") + sparql(node)
        if isinstance(node, Literal) or depth >= 10:
            raise UnsupportedShapes(f"{self.name(shape)}: the path {node} cannot be read")
        first = g.value(node, RDF.first)
        if first is not None:
            rest = g.value(node, RDF.rest)
            if rest in (None, RDF.nil):
                if depth == 0:
                    raise UnsupportedShapes(f"{self.name(shape)}: a sequence path needs two steps")
                return self.path(first, shape, inverse, depth + 1)
            return f"({self.path(first, shape, inverse, depth + 1)}/{self.path(rest, shape, inverse, depth + 1)})"
        inner = g.value(node, SH.inversePath)
        if inner is not None:
            return self.path(inner, shape, not inverse, depth + 1)
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            items = [self.path(a, shape, inverse, depth + 1) for a in g.items(alternatives)]
            if len(items) < 2:
                raise UnsupportedShapes(f"{self.name(shape)}: sh:alternativePath needs two paths")
            return "(" + "|".join(items) + ")"
        for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = g.value(node, predicate)
            if inner is not None:
                return f"({self.path(inner, shape, inverse, depth + 1)}){suffix}"
        raise UnsupportedShapes(f"{self.name(shape)}: the path {node} is not a SHACL path")

    # ---------------------------------------------------------------- constraints

    def constraints(self, shape: Shape) -> list[Constraint]:
        g, node = self.graph, shape.node
        present = {p for p, _ in g.predicate_objects(node)}
        for parameter, feature in UNCOMPILED_PARAMETERS.items():
            if parameter in present:
                raise UnsupportedShapes(f"{shape.label}: {feature} is not compiled")
        built: list[Constraint] = []
        for parameter, build in self.builders.items():
            if parameter in present:
                built.extend(build(shape, list(g.objects(node, parameter))))
        return built

    @cached_property
    def builders(self) -> dict[URIRef, Callable[[Shape, list[Node]], list[Constraint]]]:
        """How each constraint parameter is compiled (in pyshacl's order of components)."""
        return {
            SH["class"]: self.classes, SH.datatype: self.datatype, SH.nodeKind: self.node_kind,
            SH.minCount: self.min_count, SH.maxCount: self.max_count,
            SH.minExclusive: self.ranges(SH.minExclusive), SH.minInclusive: self.ranges(SH.minInclusive),
            SH.maxExclusive: self.ranges(SH.maxExclusive), SH.maxInclusive: self.ranges(SH.maxInclusive),
            SH["not"]: self.negation, SH["and"]: self.logical(And),
            SH["or"]: self.logical(Or), SH.xone: self.logical(Xone),
            SH.minLength: self.length(True), SH.maxLength: self.length(False),
            SH.pattern: self.pattern, SH.languageIn: self.language_in, SH.uniqueLang: self.unique_lang,
            SH.equals: self.pairs(Equals), SH.disjoint: self.pairs(Disjoint),
            SH.lessThan: self.less_than(False), SH.lessThanOrEquals: self.less_than(True),
            SH.node: self.node, SH.property: self.property, SH.closed: self.closed,
            SH.ignoredProperties: self.ignored, SH.hasValue: self.has_value, SH["in"]: self.members,
            SH.sparql: self.sparql}

    def one(self, shape: Shape, values: list[Node], parameter: str) -> Node:
        if len(values) != 1:
            raise UnsupportedShapes(f"{shape.label}: {parameter} must have exactly one value")
        return values[0]

    def integer(self, shape: Shape, values: list[Node], parameter: str, property_only: bool) -> Literal:
        value = self.one(shape, values, parameter)
        if property_only and not shape.is_property:
            raise UnsupportedShapes(f"{shape.label}: {parameter} on a node shape (pyshacl rejects it)")
        if not isinstance(value, Literal) or not isinstance(value.value, int) or value.value < 0 \
                or isinstance(value.value, bool):
            raise UnsupportedShapes(f"{shape.label}: {parameter} must be a non-negative integer")
        return value

    def classes(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        return [ClassCheck(shape, c, values, self.subclasses(c)) for c in values]

    def datatype(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        return [DatatypeCheck(shape, self.one(shape, values, "sh:datatype"))]

    def node_kind(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        return [NodeKindCheck(shape, self.one(shape, values, "sh:nodeKind"))]

    def min_count(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        count = self.integer(shape, values, "sh:minCount", property_only=True)
        if count.datatype != XSD.integer:
            raise UnsupportedShapes(f"{shape.label}: sh:minCount must be an xsd:integer")
        return [MinCount(shape, count)]

    def max_count(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        count = self.integer(shape, values, "sh:maxCount", property_only=True)
        if count.datatype != XSD.integer:
            raise UnsupportedShapes(f"{shape.label}: sh:maxCount must be an xsd:integer")
        return [MaxCount(shape, count)]

    def ranges(self, parameter: URIRef) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            if not all(isinstance(v, Literal) for v in values):
                raise UnsupportedShapes(f"{shape.label}: a range bound must be a literal")
            return [RangeCheck(shape, parameter, v, values) for v in values]
        return build

    def length(self, minimum: bool) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            name = "sh:minLength" if minimum else "sh:maxLength"
            limit = self.integer(shape, values, name, property_only=False)
            if minimum and limit.value == 0:
                return []
            return [LengthCheck(shape, limit, minimum)]
        return build

    def pattern(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        if not all(isinstance(v, Literal) for v in values):
            raise UnsupportedShapes(f"{shape.label}: sh:pattern must be a literal")
        flags_node = next(iter(set(self.graph.objects(shape.node, SH.flags))), None)
        flags = str(flags_node.value).lower() if flags_node is not None and flags_node.value else ""
        checks = []
        for p in values:
            text = str(p.value) if p.value is not None and len(p.value) > 1 else str(p)
            try:
                re.compile(text)
            except re.error as error:
                raise UnsupportedShapes(f"{shape.label}: sh:pattern {text!r} is not a regular "
                                        f"expression: {error}") from error
            fast = rust_compatible(text) and self.oxigraph_regex(text, "m" if "m" in flags else "")
            checks.append(PatternCheck(shape, p, values, flags, fast))
        return checks

    def language_in(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        list_node = self.one(shape, values, "sh:languageIn")
        languages = set()
        for item in self.graph.items(list_node):
            if not isinstance(item, Literal) or not isinstance(item.value, str):
                raise UnsupportedShapes(f"{shape.label}: sh:languageIn takes string literals")
            languages.add(str(item.value).lower())
        return [LanguageInCheck(shape, list_node, languages)]

    def unique_lang(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        flag = self.one(shape, values, "sh:uniqueLang")
        if not shape.is_property or not isinstance(flag, Literal) or not isinstance(flag.value, bool):
            raise UnsupportedShapes(f"{shape.label}: sh:uniqueLang must be a boolean on a property shape")
        if not flag.value:
            raise UnsupportedShapes(f"{shape.label}: sh:uniqueLang false (pyshacl fails the shape "
                                    "without a result) is not compiled")
        return [UniqueLang(shape)]

    def pairs(self, kind: type[PairConstraint]) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            others = set(values)
            return [kind(shape, v, others) for v in others]
        return build

    def less_than(self, or_equal: bool) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            others = set(values)
            if not shape.is_property or not all(isinstance(v, URIRef) for v in others):
                raise UnsupportedShapes(f"{shape.label}: sh:lessThan(OrEquals) takes IRIs, "
                                        "on a property shape")
            return [LessThan(shape, v, others, or_equal) for v in others]
        return build

    def node(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        built = []
        for value in values:
            target = self.shape(value)
            if target.is_property:
                raise UnsupportedShapes(f"{shape.label}: sh:node points to a property shape")
            built.append(NodeConstraint(shape, target, values))
        return built

    def property(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        built = []
        for value in values:
            child = self.shape(value)
            if not child.is_property:
                raise UnsupportedShapes(f"{shape.label}: sh:property points to {child.label}, "
                                        "which is not a property shape")
            built.append(PropertyConstraint(shape, child))
        return built

    def negation(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        built = []
        for value in values:
            member = self.shape(value)
            built.append(inline(Not(shape, member, values), [member], "not"))
        return built

    def logical(self, kind: type[LogicalConstraint]) -> Callable[[Shape, list[Node]], list[Constraint]]:
        def build(shape: Shape, values: list[Node]) -> list[Constraint]:
            built = []
            for list_node in values:
                items = list(self.graph.items(list_node))
                if kind is not Xone:
                    items = list(dict.fromkeys(items))      # pyshacl takes a set
                members = [self.shape(i) for i in items]
                built.append(inline(kind(shape, members, list_node, values), members,
                                    kind.__name__.lower()))
            return built
        return build

    def closed(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        flag = self.one(shape, values, "sh:closed")
        if not isinstance(flag, Literal):
            raise UnsupportedShapes(f"{shape.label}: sh:closed must be a boolean literal")
        if not flag.value:
            return []
        allowed = set()
        for list_node in self.graph.objects(shape.node, SH.ignoredProperties):
            allowed.update(self.graph.items(list_node))
        for child in self.graph.objects(shape.node, SH.property):
            child_shape = self.shape(child)
            if not child_shape.is_property:
                raise UnsupportedShapes(f"{shape.label}: sh:property of a closed shape is not a "
                                        "property shape")
            allowed.add(child_shape.path)
        return [Closed(shape, allowed)]

    def ignored(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        if (shape.node, SH.closed, None) not in self.graph:
            raise UnsupportedShapes(f"{shape.label}: sh:ignoredProperties without sh:closed")
        return []        # read by `closed`

    def has_value(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        wanted = set(values)
        return [HasValue(shape, v, wanted) for v in wanted]

    def members(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        members: set[Node] = set()
        for item in self.graph.items(self.one(shape, values, "sh:in")):
            members.add(item)
        return [InCheck(shape, members)]

    def sparql(self, shape: Shape, values: list[Node]) -> list[Constraint]:
        built = []
        for node in set(values):
            if node in self.unchecked_sparql:
                raise UnsupportedShapes(f"{shape.label}: a SPARQL constraint not checked to run "
                                        "alike in Oxigraph and in rdflib")
            selects = list(self.graph.objects(node, SH.select))
            if len(selects) != 1 or not isinstance(selects[0], Literal):
                raise UnsupportedShapes(f"{shape.label}: a sh:sparql constraint needs one sh:select "
                                        "(ASK-based constraints are not compiled)")
            deactivated = self.graph.value(node, SH.deactivated)
            if deactivated is not None and bool(deactivated.value):
                continue
            messages = set(self.graph.objects(node, SH.message)) or None
            built.append(SparqlConstraint(shape, node, self.select(shape, node, str(selects[0])), messages))
        return built

    # ---------------------------------------------------------------- SPARQL text

    def select(self, shape: Shape, node: Node, text: str) -> SelectQuery:
        try:      # pyshacl's own rules: no MINUS, VALUES, SERVICE; $this in nested SELECTs
            SPARQLQueryHelper(None, node, text).check_invalid_sparql(text)
        except ValidationFailure as error:
            raise UnsupportedShapes(f"{shape.label}: pyshacl refuses this SPARQL constraint: "
                                    f"{error.args[0] if error.args else error}") from error
        if re.search(r"[$?]shapesGraph\b", text):
            raise UnsupportedShapes(f"{shape.label}: $shapesGraph in a SPARQL constraint (pyshacl "
                                    "does not support it)")
        if shape.is_property:
            text = re.sub(r"([\s{}()])[$?]PATH", lambda m: m.group(1) + shape.sparql_path, text)
        elif re.search(r"[$?]PATH\b", text):
            raise UnsupportedShapes(f"{shape.label}: $PATH in a SPARQL constraint of a node shape")
        full = self.prefixes(node) + text
        start = where_group_start(full)
        if start is None:
            raise UnsupportedShapes(f"{shape.label}: cannot find the WHERE group of the SPARQL constraint")
        projection = full[:start]
        if re.search(r"(?i)SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", projection):
            raise UnsupportedShapes(f"{shape.label}: SELECT * in a SPARQL constraint is not compiled")
        full = projection + self.current_shape(shape, projection, full[start:])
        complex_query = re.search(r"(?i)\b(SELECT|GROUP\s+BY|HAVING|LIMIT|OFFSET|ORDER\s+BY)\b",
                                  full[start:]) is not None
        return SelectQuery(text=full, projected=projected_variables(projection),
                           injectable=not complex_query, insert_at=start + 1)

    def current_shape(self, shape: Shape, projection: str, body: str) -> str:
        """$currentShape written in as the shape's IRI (what pyshacl pre-binds it to)."""
        if not re.search(r"[$?]currentShape\b", body):
            return body
        if re.search(r"[$?]currentShape\b", projection) or not isinstance(shape.node, URIRef):
            raise UnsupportedShapes(f"{shape.label}: $currentShape projected, or of a blank node "
                                    "shape, is not compiled")
        return re.sub(r"[$?]currentShape\b", sparql(shape.node), body)

    def prefixes(self, node: Node) -> str:
        """PREFIX lines as pyshacl collects them (sh:prefixes, sh:declare of ontologies)."""
        g = self.graph
        found = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
        values = set(g.objects(node, SH.prefixes))
        if values:
            named = set(g.objects(g.identifier, SH.declare)) if g.identifier else set()
            ontologies = set(g.subjects(RDF.type, OWL.Ontology))
            global_declares = named | {d for o in ontologies for d in g.objects(o, SH.declare)}
            for value in values:
                own = set(g.objects(value, SH.declare))
                declares = own | named if own and value in ontologies else global_declares | own
                for declare in declares:
                    prefix, namespace = g.value(declare, SH.prefix), g.value(declare, SH.namespace)
                    if prefix is None or namespace is None:
                        raise UnsupportedShapes(f"{self.name(node)}: sh:declare needs sh:prefix and "
                                                "sh:namespace")
                    found[str(prefix.value)] = str(namespace.value)
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in found.items()) + "\n"


def target_focus(compiler: Compiler, node: Node) -> Focus:
    """The SPARQL group selecting a top-level shape's focus nodes (duplicates allowed)."""
    g, parts = compiler.graph, []
    classes = [c for target in compiler.target_classes(node) for c in compiler.subclasses(target)]
    if classes:
        listed = " ".join(sparql(c) for c in dict.fromkeys(classes))
        parts.append(f"VALUES ?__tc {{ {listed} }} ?__F <{RDF.type}> ?__tc .")
    nodes = [n for n in g.objects(node, SH.targetNode)]
    if any(isinstance(n, BNode) for n in nodes):
        raise UnsupportedShapes(f"{compiler.name(node)}: a blank node as sh:targetNode is not compiled")
    if nodes:
        parts.append("VALUES ?__F { " + " ".join(sparql(n) for n in nodes) + " }")
    for predicate in g.objects(node, SH.targetSubjectsOf):
        parts.append(f"?__F {sparql(predicate)} ?__any .")
    for predicate in g.objects(node, SH.targetObjectsOf):
        parts.append(f"?__any {sparql(predicate)} ?__F .")
    if len(parts) == 1:
        return Focus(parts[0])
    return Focus("{ SELECT DISTINCT ?__F WHERE { " + " UNION ".join(f"{{ {p} }}" for p in parts) + " } }")
