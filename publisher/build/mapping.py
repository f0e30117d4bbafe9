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

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from publisher.vocab import RDF_TYPE, XSD, mapping_prefixes

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
RDF_TYPE_TEXT = f"<{RDF_TYPE}>"
XSD_STRING = XSD + "string"

# --------------------------------------------------------------- N-Triples terms as text
# The canonical forms pyoxigraph itself writes, so the text of a build's output does not
# depend on which of the two made a statement.

#: An IRI that needs no further check: http(s), a plain host and port, ASCII path, query and
#: fragment without percent signs (what our templates make). Others are checked in full.
_PCHARS = r"A-Za-z0-9\-._~!$&'()*+,;=:@"
_PLAIN_IRI = re.compile(rf"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[{_PCHARS}/]*)?"
                        rf"(?:\?[{_PCHARS}/?]*)?(?:#[{_PCHARS}/?]*)?\Z")
_LITERAL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
                    "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*\Z")


def iri_text(iri: str) -> str:
    """`<iri>`; an IRI outside the plain form is checked by pyoxigraph (ValueError if bad)."""
    if not _PLAIN_IRI.match(iri):
        NamedNode(iri)
    return f"<{iri}>"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _LITERAL_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def literal_text(text: str) -> str:
    """A quoted literal lexical form, escaped as canonical N-Triples."""
    if _NEEDS_ESCAPE.search(text):
        text = _NEEDS_ESCAPE.sub(_escape, text)
    return f'"{text}"'


def _datatype_suffix(datatype: str) -> str | None:
    """`^^<datatype>`; none for xsd:string, which N-Triples leaves implicit."""
    return None if datatype == XSD_STRING else f"^^{iri_text(datatype)}"


def _language(tag: str, where: str) -> str:
    if not _LANGUAGE.match(tag):
        raise MappingError(f"{where}: '{tag}' is not a language tag")
    return tag.lower()


class MappingError(ValueError):
    """The mapping file is wrong: names the file and the node or property at fault."""


_MISSING = object()


Path_ = tuple[str, ...]


@dataclass(frozen=True)
class PropertyRule:
    predicate: str                      # the N-Triples form, `<iri>`
    value: "Template | None" = None
    iri: "Template | None" = None
    node: str | None = None
    each: Path_ | None = None
    when: Path_ | None = None
    unless: Path_ | None = None
    language: "Template | None" = None
    datatype: str | None = None         # `^^<iri>`, or None for a plain literal


@dataclass(frozen=True)
class NodeRule:
    name: str
    iri: "Template"
    classes: tuple[str, ...]            # N-Triples forms
    properties: tuple[PropertyRule, ...]
    when: Path_ | None = None
    unless: Path_ | None = None

    def skipped(self, context: "Context") -> bool:
        """The node's own `when`/`unless` conditions say it is not written here."""
        return bool((self.when and not context.resolve(self.when))
                    or (self.unless and context.resolve(self.unless)))


@dataclass(frozen=True)
class EmitRule:
    node: str
    each: Path_ | None


@dataclass(frozen=True)
class RecordRule:
    """What one kind of record produces: a root node and the nodes emitted beside it."""

    root: str
    emits: tuple[EmitRule, ...]


def _path(text: str | None) -> Path_ | None:
    return None if text is None else split_path(text)


class Context:
    """A chain of scopes: a list item looks up fields in itself, then in its record."""

    __slots__ = ("data", "parent", "settings")

    def __init__(self, data: Any, parent: "Context | None" = None,
                 settings: Mapping[str, Any] | None = None) -> None:
        self.data = data
        self.parent = parent
        self.settings = settings if settings is not None else (parent.settings if parent else {})

    def child(self, item: Any) -> "Context":
        return Context(item, self)

    def resolve(self, parts: tuple[str, ...]) -> Any:
        """The value at a path split by `split_path` (`.` is the item itself, `settings.X` a
        setting), looked up in the item, then in the scopes around it."""
        if not parts:
            return self.data
        if parts[0] == "settings" and len(parts) > 1:
            return self.settings.get(".".join(parts[1:]))
        scope: Context | None = self
        while scope is not None:
            value = _walk(scope.data, parts)
            if value is not _MISSING:
                return value
            scope = scope.parent
        return None


def split_path(path: str) -> tuple[str, ...]:
    """`a.b` → ("a", "b"); `.` (the item itself) → ()."""
    return () if path == "." else tuple(path.split("."))


def _walk(data: Any, parts: tuple[str, ...]) -> Any:
    for part in parts:
        # records are plain dicts: test that first, the ABC check is slow
        if (type(data) is dict or isinstance(data, Mapping)) and part in data:
            data = data[part]
        else:
            return _MISSING
    return data


class Template:
    """A template parsed once: literal text between `{field}` placeholders.

    Filling is the inner loop of a build (a few million times for a large catalogue), so
    the placeholders are split and their paths resolved ahead of time, and the common
    shape — one placeholder between fixed texts — is filled without a loop."""

    __slots__ = ("text", "parts", "constant", "prefix", "path", "suffix", "_iri")

    def __init__(self, text: str, base: str) -> None:
        self.text = text
        pieces = _PLACEHOLDER.split(text)
        parts: list[str | tuple[str, ...]] = []
        for index, piece in enumerate(pieces):
            part: str | tuple[str, ...] = (piece if index % 2 == 0 else
                                           base if piece == "base" else split_path(piece))
            if isinstance(part, str) and parts and isinstance(parts[-1], str):
                parts[-1] += part                   # fixed texts side by side are one
            elif part != "":
                parts.append(part)
        self.parts = tuple(parts)
        paths = [p for p in parts if not isinstance(p, str)]
        self.constant: str | None = "".join(parts) if not paths else None  # type: ignore[arg-type]
        self.path: tuple[str, ...] | None = None
        self.prefix = self.suffix = ""
        if len(paths) == 1:
            at = parts.index(paths[0])
            self.path = paths[0]
            self.prefix = "".join(parts[:at])       # type: ignore[arg-type]
            self.suffix = "".join(parts[at + 1:])   # type: ignore[arg-type]
        self._iri: str | None = None

    def fill(self, context: Context) -> str | None:
        """The filled text; None when any placeholder is empty (so no triple is made)."""
        if self.constant is not None:
            return self.constant
        if self.path is not None:
            value = _text_of(context.resolve(self.path))
            return None if value is None else self.prefix + value + self.suffix
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = _text_of(context.resolve(part))
            if value is None:
                return None
            out.append(value)
        return "".join(out)

    def constant_iri(self) -> str:
        """`<iri>` of a constant template, checked once."""
        if self._iri is None:
            assert self.constant is not None
            self._iri = iri_text(self.constant)
        return self._iri


def _text_of(value: Any) -> str | None:
    """A field value as template text; None for what makes no triple (empty, list, map)."""
    kind = type(value)
    if kind is str:
        return value or None
    if value is None or kind is list or kind is dict or isinstance(value, (list, dict)):
        return None
    return str(value)


class RecordMapping:
    """A parsed mapping file, ready to turn prepared records into quads."""

    def __init__(self, path: Path, base: str) -> None:
        self.path = path
        self.base = base
        with path.open("rb") as handle:
            table = tomllib.load(handle)
        self.version: str = str(table.get("version", "0"))
        self.prefixes = self._prefixes(table.get("prefixes", {}))
        self.nodes = {name: self._node(name, spec)
                      for name, spec in table.get("nodes", {}).items()}
        record = table.get("record", {})
        default_root = None if table.get("records") else next(iter(self.nodes), None)
        self.root: str | None = record.get("root", default_root)
        self.emits = tuple(EmitRule(e["node"], _path(e.get("each")))
                           for e in record.get("emit", []))
        # Files that map several kinds of record: `[record] type_field = "type"` names the
        # field that says the kind, and `[records.KIND]` gives each kind its root and emits.
        self.type_field: str | None = record.get("type_field")
        self.record_types = {
            name: RecordRule(spec.get("root", name),
                             tuple(EmitRule(e["node"], _path(e.get("each")))
                                   for e in spec.get("emit", [])))
            for name, spec in table.get("records", {}).items()}
        if self.record_types and not self.type_field:
            raise MappingError(f"{self.path.name}: [records.*] needs `type_field` under [record]")
        self._check()

    # ------------------------------------------------------------ parsing
    def _prefixes(self, own: Mapping[str, str]) -> dict[str, str]:
        """The publisher's prefixes (`publisher.vocab.mapping_prefixes`), one table for every
        mapping file, plus the file's own `[prefixes]` (never one of those again)."""
        prefixes = mapping_prefixes(self.base)
        for name, namespace in own.items():
            if name in prefixes:
                raise MappingError(f"{self.path.name}: [prefixes] {name}: the publisher already "
                                   f"defines it (publisher/vocab.py); use it without declaring it")
            prefixes[name] = namespace.replace("{base}", self.base)
        return prefixes

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
                predicate=iri_text(self.expand(prop["predicate"], at).value),
                value=self._template(prop.get("value")) if "iri" not in prop and "node" not in prop
                else None,
                iri=self._template(prop.get("iri"), at), node=prop.get("node"),
                each=_path(prop.get("each")), when=_path(prop.get("when")),
                unless=_path(prop.get("unless")), language=self._template(prop.get("language")),
                datatype=_datatype_suffix(self.expand(prop["datatype"], at).value)
                if "datatype" in prop else None))
        classes = tuple(iri_text(self.expand(c, where).value) for c in spec.get("classes", []))
        return NodeRule(name, Template(spec["iri"], self.base), classes, tuple(rules),
                        _path(spec.get("when")), _path(spec.get("unless")))

    def _template(self, text: str | None, where: str | None = None) -> Template | None:
        """A template; a constant one used as an IRI (`where` given) is checked now."""
        if text is None:
            return None
        template = Template(text, self.base)
        if where is not None and template.constant is not None:
            try:
                template.constant_iri()
            except ValueError as error:
                raise MappingError(f"{self.path.name}: {where}: {error}") from None
        return template

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
    def lines(self, record: Mapping[str, Any], settings: Mapping[str, Any]) -> list[str]:
        """The N-Triples statements one prepared record produces, in a deterministic order.

        Text, not term objects: a large build writes millions of these, and formatting a
        line costs a tenth of building the pyoxigraph terms (the store parses them once)."""
        context = Context(record, settings=settings)
        root, emits = self.root, self.emits
        if self.type_field:
            kind = record.get(self.type_field)
            if kind in self.record_types:
                root, emits = self.record_types[kind].root, self.record_types[kind].emits
            elif self.root is None:
                raise MappingError(f"{self.path.name}: no [records.{kind}] for a record whose "
                                   f"{self.type_field} is '{kind}'")
        out: list[str] = []
        self._node_lines(self.nodes[root], context, out)
        for emit in emits:
            for item_context in self._contexts(emit.each, context):
                self._node_lines(self.nodes[emit.node], item_context, out)
        return out

    def quads(self, record: Mapping[str, Any], graph: NamedNode,
              settings: Mapping[str, Any]) -> Iterator[Quad]:
        """`lines` as pyoxigraph quads in `graph` (for callers that want terms)."""
        text = "".join(line + "\n" for line in self.lines(record, settings))
        return (Quad(t.subject, t.predicate, t.object, graph)
                for t in parse(text.encode("utf-8"), format=RdfFormat.N_TRIPLES))

    @staticmethod
    def _contexts(each: Path_ | None, context: Context) -> list[Context]:
        if each is None:
            return [context]
        items = context.resolve(each) or []
        return [Context(item, context) for item in (items if isinstance(items, list) else [items])]

    def _iri(self, text: str, where: str) -> str:
        try:
            return iri_text(text)
        except ValueError as error:
            raise MappingError(f"{self.path.name}: {where}: {error}") from None

    def _node_lines(self, node: NodeRule, context: Context, out: list[str]) -> None:
        if (node.when or node.unless) and node.skipped(context):
            return
        subject_iri = node.iri.fill(context)
        if subject_iri is None:
            return
        subject = self._iri(subject_iri, f"[nodes.{node.name}] iri")
        for cls in node.classes:
            out.append(f"{subject} {RDF_TYPE_TEXT} {cls} .")
        for rule in node.properties:
            if rule.when and not context.resolve(rule.when):
                continue
            if rule.unless and context.resolve(rule.unless):
                continue
            if rule.each is None:
                self._property_lines(subject, node, rule, context, out)
            else:
                for item in self._contexts(rule.each, context):
                    self._property_lines(subject, node, rule, item, out)

    def _property_lines(self, subject: str, node: NodeRule, rule: PropertyRule,
                        context: Context, out: list[str]) -> None:
        if rule.node:
            target = self.nodes[rule.node]
            if (target.when or target.unless) and target.skipped(context):
                return
            target_iri = target.iri.fill(context)
            if target_iri is None:
                return
            out.append(f"{subject} {rule.predicate} "
                       f"{self._iri(target_iri, f'[nodes.{target.name}] iri')} .")
            self._node_lines(target, context, out)
            return
        if rule.iri is not None:
            if rule.iri.constant is not None:
                out.append(f"{subject} {rule.predicate} {rule.iri.constant_iri()} .")
                return
            iri = rule.iri.fill(context)
            if iri:
                out.append(f"{subject} {rule.predicate} "
                           f"{self._iri(iri, f'[nodes.{node.name}] {rule.predicate}')} .")
            return
        text = rule.value.fill(context) if rule.value is not None else ""
        if text is None:
            return
        if rule.language is not None:
            language = rule.language.fill(context)
            if language:
                out.append(f"{subject} {rule.predicate} {literal_text(text)}@"
                           f"{_language(language, self.path.name)} .")
                return
        out.append(f"{subject} {rule.predicate} {literal_text(text)}{rule.datatype or ''} .")


def load_mapping(path: Path, base: str) -> RecordMapping:
    """Parse a mapping file for the given base URI."""
    return RecordMapping(path, base)


__all__ = ["Context", "MappingError", "RecordMapping", "Template", "iri_text", "literal_text",
           "load_mapping", "split_path"]
