"""Record → RDF: interprets the declarative mapping files in `mappings/`.

The mapping file says which record field becomes which property, so a data steward can
change it without reading Python. This module only knows how to read templates and
walk lists; it knows nothing about projects.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class MappingError(ValueError):
    """The mapping file is wrong: names the file and the node or property at fault."""


_MISSING = object()


@dataclass(frozen=True)
class PropertyRule:
    predicate: NamedNode
    value: str | None = None
    iri: str | None = None
    node: str | None = None
    each: str | None = None
    when: str | None = None
    unless: str | None = None
    language: str | None = None
    datatype: NamedNode | None = None


@dataclass(frozen=True)
class NodeRule:
    name: str
    iri: str
    classes: tuple[NamedNode, ...]
    properties: tuple[PropertyRule, ...]
    when: str | None = None
    unless: str | None = None


@dataclass(frozen=True)
class EmitRule:
    node: str
    each: str | None


@dataclass(frozen=True)
class RecordRule:
    """What one kind of record produces: a root node and the nodes emitted beside it."""

    root: str
    emits: tuple[EmitRule, ...]


class Context:
    """A chain of scopes: a list item looks up fields in itself, then in its record."""

    def __init__(self, data: Any, parent: "Context | None" = None,
                 settings: Mapping[str, Any] | None = None) -> None:
        self.data = data
        self.parent = parent
        self.settings = settings if settings is not None else (parent.settings if parent else {})

    def child(self, item: Any) -> "Context":
        return Context(item, self)

    def lookup(self, path: str) -> Any:
        """Resolve a dotted path; `.` is the item itself; `settings.X` a setting."""
        if path == ".":
            return self.data
        if path.startswith("settings."):
            return self.settings.get(path[len("settings."):])
        scope: Context | None = self
        while scope is not None:
            value = _walk(scope.data, path.split("."))
            if value is not _MISSING:
                return value
            scope = scope.parent
        return None


def _walk(data: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        else:
            return _MISSING
    return data


class RecordMapping:
    """A parsed mapping file, ready to turn prepared records into quads."""

    def __init__(self, path: Path, base: str) -> None:
        self.path = path
        self.base = base
        with path.open("rb") as handle:
            table = tomllib.load(handle)
        self.version: str = str(table.get("version", "0"))
        self.prefixes = {k: v.replace("{base}", base)
                         for k, v in table.get("prefixes", {}).items()}
        self.nodes = {name: self._node(name, spec)
                      for name, spec in table.get("nodes", {}).items()}
        record = table.get("record", {})
        default_root = None if table.get("records") else next(iter(self.nodes), None)
        self.root: str | None = record.get("root", default_root)
        self.emits = tuple(EmitRule(e["node"], e.get("each")) for e in record.get("emit", []))
        # Files that map several kinds of record: `[record] type_field = "type"` names the
        # field that says the kind, and `[records.KIND]` gives each kind its root and emits.
        self.type_field: str | None = record.get("type_field")
        self.record_types = {
            name: RecordRule(spec.get("root", name),
                             tuple(EmitRule(e["node"], e.get("each")) for e in spec.get("emit", [])))
            for name, spec in table.get("records", {}).items()}
        if self.record_types and not self.type_field:
            raise MappingError(f"{self.path.name}: [records.*] needs `type_field` under [record]")
        self._check()

    # ------------------------------------------------------------ parsing
    def expand(self, curie: str, where: str) -> NamedNode:
        """Expand `prefix:local` with the file's prefixes (full IRIs pass through)."""
        if curie.startswith(("http://", "https://", "urn:")):
            return NamedNode(curie)
        prefix, sep, local = curie.partition(":")
        if not sep or prefix not in self.prefixes:
            raise MappingError(f"{self.path.name}: {where}: unknown prefix in '{curie}'; "
                               f"declare it under [prefixes]")
        return NamedNode(self.prefixes[prefix] + local)

    def _node(self, name: str, spec: Mapping[str, Any]) -> NodeRule:
        where = f"[nodes.{name}]"
        if "iri" not in spec:
            raise MappingError(f"{self.path.name}: {where}: missing 'iri' template")
        rules = []
        for index, prop in enumerate(spec.get("properties", []), start=1):
            at = f"{where} property {index}"
            kinds = [k for k in ("value", "iri", "node") if k in prop]
            if "predicate" not in prop or len(kinds) != 1:
                raise MappingError(f"{self.path.name}: {at}: needs 'predicate' and exactly one "
                                   f"of value / iri / node")
            rules.append(PropertyRule(
                predicate=self.expand(prop["predicate"], at),
                value=prop.get("value"), iri=prop.get("iri"), node=prop.get("node"),
                each=prop.get("each"), when=prop.get("when"), unless=prop.get("unless"),
                language=prop.get("language"),
                datatype=self.expand(prop["datatype"], at) if "datatype" in prop else None))
        classes = tuple(self.expand(c, where) for c in spec.get("classes", []))
        return NodeRule(name, spec["iri"], classes, tuple(rules), spec.get("when"), spec.get("unless"))

    def _check(self) -> None:
        names = set(self.nodes)
        wanted = [(r.node, f"[nodes.{n.name}]") for n in self.nodes.values()
                  for r in n.properties if r.node]
        wanted += [(e.node, "[record] emit") for e in self.emits]
        for kind, rule in self.record_types.items():
            wanted.append((rule.root, f"[records.{kind}] root"))
            wanted += [(e.node, f"[records.{kind}] emit") for e in rule.emits]
        if self.root is not None or not self.record_types:
            wanted.append((self.root, "[record] root"))
        for node, where in wanted:
            if node not in names:
                raise MappingError(f"{self.path.name}: {where}: no node named '{node}'")

    # ------------------------------------------------------------ evaluation
    def fill(self, template: str, context: Context) -> str | None:
        """Fill a template; None when any placeholder is empty (so no triple is made)."""
        missing = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal missing
            name = match.group(1)
            if name == "base":
                return self.base
            value = context.lookup(name)
            if value is None or value == "" or isinstance(value, (list, dict)):
                missing = True
                return ""
            return str(value)

        filled = _PLACEHOLDER.sub(substitute, template)
        return None if missing else filled

    def quads(self, record: Mapping[str, Any], graph: NamedNode,
              settings: Mapping[str, Any]) -> Iterator[Quad]:
        """All quads one prepared record produces, in a deterministic order."""
        context = Context(record, settings=settings)
        root, emits = self.root, self.emits
        if self.type_field:
            kind = record.get(self.type_field)
            if kind in self.record_types:
                root, emits = self.record_types[kind].root, self.record_types[kind].emits
            elif self.root is None:
                raise MappingError(f"{self.path.name}: no [records.{kind}] for a record whose "
                                   f"{self.type_field} is '{kind}'")
        yield from self._node_quads(self.nodes[root], context, graph)
        for emit in emits:
            for item_context in self._contexts(emit.each, context):
                yield from self._node_quads(self.nodes[emit.node], item_context, graph)

    def _contexts(self, each: str | None, context: Context) -> Iterator[Context]:
        if each is None:
            yield context
            return
        items = context.lookup(each) or []
        for item in items if isinstance(items, list) else [items]:
            yield context.child(item)

    def _node_quads(self, node: NodeRule, context: Context, graph: NamedNode) -> Iterator[Quad]:
        if (node.when and not context.lookup(node.when)) or (node.unless and context.lookup(node.unless)):
            return
        subject_iri = self.fill(node.iri, context)
        if subject_iri is None:
            return
        subject = NamedNode(subject_iri)
        for cls in node.classes:
            yield Quad(subject, RDF_TYPE, cls, graph)
        for rule in node.properties:
            if rule.when and not context.lookup(rule.when):
                continue
            if rule.unless and context.lookup(rule.unless):
                continue
            for item in self._contexts(rule.each, context):
                yield from self._property_quads(subject, rule, item, graph)

    def _property_quads(self, subject: NamedNode, rule: PropertyRule, context: Context,
                        graph: NamedNode) -> Iterator[Quad]:
        if rule.node:
            target = self.nodes[rule.node]
            if (target.when and not context.lookup(target.when)) or \
                    (target.unless and context.lookup(target.unless)):
                return
            target_iri = self.fill(target.iri, context)
            if target_iri is None:
                return
            yield Quad(subject, rule.predicate, NamedNode(target_iri), graph)
            yield from self._node_quads(target, context, graph)
            return
        if rule.iri:
            iri = self.fill(rule.iri, context)
            if iri:
                yield Quad(subject, rule.predicate, NamedNode(iri), graph)
            return
        text = self.fill(rule.value or "", context)
        if text is None:
            return
        if rule.language:
            language = self.fill(rule.language, context)
            if language:
                yield Quad(subject, rule.predicate, Literal(text, language=language), graph)
                return
        if rule.datatype is not None:
            yield Quad(subject, rule.predicate, Literal(text, datatype=rule.datatype), graph)
        else:
            yield Quad(subject, rule.predicate, Literal(text), graph)


def load_mapping(path: Path, base: str) -> RecordMapping:
    """Parse a mapping file for the given base URI."""
    return RecordMapping(path, base)


__all__ = ["Context", "MappingError", "RecordMapping", "load_mapping"]
