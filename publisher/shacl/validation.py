"""Validation: the SHACL gate of the build, `publisher validate FILE…` and the work behind
`POST /validate`.

pyshacl does the checking; this module chooses the shapes (profiles, or a steward's own
shapes), reads input in any RDF syntax with errors that name the file, line and column, keeps
memory bounded (a size and a triple limit; nesting and entity bounds checked before parsing,
see publisher.shacl.input_bounds), and turns the report into something a data steward
can act on: grouped by resource, with the shape's message in the language asked, the property
path, the offending value, counts by severity and, for our own data, the source lines the
resource came from. The same report is rendered as text, HTML, JSON, Turtle or JSON-LD.
"""
from __future__ import annotations

import json
import re
import tomllib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from publisher.config import Limits, Settings
from publisher.vocab import ONTOLOGY_FILES, read_bundled_rdf, rebase
from publisher.shacl.input_bounds import InputRefused, check_input

SH = Namespace("http://www.w3.org/ns/shacl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD_NS + "string"
SEVERITIES = ("Violation", "Warning", "Info")
SEVERITY_ORDER = {name: i for i, name in enumerate(SEVERITIES)}
LANGUAGES = ("fi", "sv", "en")
PROFILES_FILE = "profiles.toml"
# Prefixes the reports use, whatever a shapes file calls them (DCAT-AP's shapes say dc: and
# shacl: for what everyone writes dcterms: and sh:).
PREFERRED_PREFIXES = {
    "sh": "http://www.w3.org/ns/shacl#", "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#", "dcatap": "http://data.europa.eu/r5r/",
    "adms": "http://www.w3.org/ns/adms#", "eli": "http://data.europa.eu/eli/ontology#",
    "spdx": "http://spdx.org/rdf/terms#", "vcard": "http://www.w3.org/2006/vcard/ns#",
    "locn": "http://www.w3.org/ns/locn#", "odrl": "http://www.w3.org/ns/odrl/2/",
    "foaf": "http://xmlns.com/foaf/0.1/", "skos": "http://www.w3.org/2004/02/skos/core#",
}
MAX_LITERAL_SHOWN = 200


class UnreadableInput(ValueError):
    """Input that cannot be used: the message names the file and, where known, the line and
    column, and says what to do. `where` is "data" or "shapes"."""

    def __init__(self, message: str, *, where: str = "data", line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.where, self.line, self.column = where, line, column


class InputTooLarge(UnreadableInput):
    """More bytes or triples than this validator reads into memory."""


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class Profile:
    """A named set of shapes files with a title and a description in fi, sv and en."""

    name: str
    files: tuple[str, ...]
    titles: dict[str, str]
    descriptions: dict[str, str]
    ontology: bool = False          # add our vocabulary so sh:class sees rdfs:subClassOf
    default_for: str | None = None  # "data", "vocabulary" or "catalogue"

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""


def load_profiles(settings: Settings) -> dict[str, Profile]:
    """The profiles of `shapes/profiles.toml`, in the file's order."""
    path = settings.shapes_dir / PROFILES_FILE
    return dict(_profiles_from(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _profiles_from(path: str, _mtime: int) -> tuple[tuple[str, Profile], ...]:
    with open(path, "rb") as handle:
        table = tomllib.load(handle).get("profiles", {})
    return tuple((name, Profile(name=name, files=tuple(entry["files"]),
                                titles=dict(entry.get("title", {})),
                                descriptions=dict(entry.get("description", {})),
                                ontology=bool(entry.get("ontology", False)),
                                default_for=entry.get("default_for")))
                 for name, entry in table.items())


def default_profile(settings: Settings, kind: str = "data") -> str:
    """The profile used when none is asked for `kind` (data, vocabulary, catalogue)."""
    profiles = load_profiles(settings)
    return next((p.name for p in profiles.values() if p.default_for == kind), next(iter(profiles)))


def check_profiles(settings: Settings, names: Iterable[str]) -> list[str]:
    """The names, each known; an unknown one is refused with the list of choices."""
    profiles = load_profiles(settings)
    chosen = list(dict.fromkeys(names))
    for name in chosen:
        if name not in profiles:
            raise UnreadableInput(f"unknown profile '{name}'; choose from {', '.join(profiles)} "
                                  "(publisher validate --list-profiles describes them)")
    return chosen


def profiles_text(settings: Settings, lang: str = "en") -> str:
    """`publisher validate --list-profiles`: name, title, description and files of each."""
    blocks = []
    for profile in load_profiles(settings).values():
        files = ", ".join(f"shapes/{name}" for name in profile.files)
        blocks.append(f"{profile.name}\n  {profile.title(lang)}\n  {profile.description(lang)}\n"
                      f"  {report_text('files', lang)}: {files}")
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class InputFormat:
    name: str
    label: str
    rdf_format: ox.RdfFormat
    suffixes: tuple[str, ...]
    media_types: tuple[str, ...]


INPUT_FORMATS: dict[str, InputFormat] = {f.name: f for f in (
    InputFormat("turtle", "Turtle", ox.RdfFormat.TURTLE, (".ttl", ".turtle"),
                ("text/turtle", "application/x-turtle")),
    InputFormat("ntriples", "N-Triples", ox.RdfFormat.N_TRIPLES, (".nt", ".ntriples"),
                ("application/n-triples",)),
    InputFormat("rdfxml", "RDF/XML", ox.RdfFormat.RDF_XML, (".rdf", ".owl", ".xml"),
                ("application/rdf+xml", "application/xml", "text/xml")),
    InputFormat("jsonld", "JSON-LD", ox.RdfFormat.JSON_LD, (".jsonld", ".json"),
                ("application/ld+json", "application/json")),
    InputFormat("trig", "TriG", ox.RdfFormat.TRIG, (".trig",), ("application/trig",)),
    InputFormat("nquads", "N-Quads", ox.RdfFormat.N_QUADS, (".nq", ".nquads"),
                ("application/n-quads",)),
)}
# The names rdflib and earlier versions of this command used.
FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "xml": "rdfxml",
                  "rdf": "rdfxml", "rdf/xml": "rdfxml", "owl": "rdfxml", "json-ld": "jsonld",
                  "json": "jsonld", "nq": "nquads", "n-quads": "nquads"}
FORMAT_CHOICES = "|".join(INPUT_FORMATS)


@dataclass(frozen=True)
class ReadLimits:
    """How much one validation reads into memory: a million triples took 2.7 GB and 50–75 s
    with rdflib and pyshacl on the data profile, so half a million is the default. Nesting
    deeper than `max_depth` is refused before parsing (publisher.shacl.input_bounds)."""

    max_bytes: int = 128 * 1024 * 1024
    max_triples: int = 500_000
    max_depth: int = Limits.parse_max_depth


@dataclass
class ParsedInput:
    """The triples of one input and what is needed to talk about it."""

    name: str
    format: InputFormat
    triples: list[ox.Triple]
    prefixes: dict[str, str] = field(default_factory=dict)


def input_format(name: str) -> InputFormat:
    """An input format by its name, extension or one of the usual aliases."""
    key = name.strip().lower().lstrip(".")
    key = FORMAT_ALIASES.get(key, key)
    if key in INPUT_FORMATS:
        return INPUT_FORMATS[key]
    by_suffix = next((f for f in INPUT_FORMATS.values() if "." + key in f.suffixes), None)
    if by_suffix is None:
        raise UnreadableInput(f"unknown input format '{name}'; use one of {FORMAT_CHOICES}")
    return by_suffix


def format_for_name(name: str, explicit: str | None = None, where: str = "data") -> InputFormat:
    """The format asked for, else the one the file name's extension says."""
    if explicit:
        return input_format(explicit)
    suffix = Path(name).suffix.lower()
    found = next((f for f in INPUT_FORMATS.values() if suffix in f.suffixes), None)
    if found is None:
        raise UnreadableInput(f"{name}: cannot tell the RDF syntax from the extension "
                              f"'{suffix or '(none)'}'; use --input-format {FORMAT_CHOICES}",
                              where=where)
    return found


def format_for_media_type(media_type: str) -> InputFormat | None:
    media_type = media_type.split(";", 1)[0].strip().lower()
    return next((f for f in INPUT_FORMATS.values() if media_type in f.media_types), None)


def sniff(head: bytes) -> str | None:
    """What the first bytes look like: a format name, or a word for common non-RDF files."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = text[:200].lower()
    signatures = ((b"\x1f\x8b", "gzip"), (b"pk\x03\x04", "zip"), (b"%pdf", "pdf"),
                  (b"<!doctype html", "html"), (b"<html", "html"))
    for signature, kind in signatures:
        if lowered.startswith(signature):
            return kind
    if text[:1] in (b"{", b"["):
        return "jsonld"
    if lowered.startswith(b"<?xml") or b"<rdf:rdf" in lowered:
        return "rdfxml"
    if re.match(rb"(@prefix|@base|prefix\s|base\s)", lowered):
        return "turtle"
    first = text.split(b"\n", 1)[0].strip()
    if re.match(rb"^(<[^>]*>|_:\S+)\s+<[^>]*>\s+.+\.\s*$", first):
        return "ntriples"
    return None


def _describe_kind(kind: str) -> str:
    return INPUT_FORMATS[kind].label if kind in INPUT_FORMATS else kind.upper()


def _syntax_message(error: SyntaxError, name: str, fmt: InputFormat, head: bytes,
                    where: str) -> UnreadableInput:
    """A parser error as a steward can act on it: where, what, and what the file looks like."""
    text = str(error)
    line, column = getattr(error, "lineno", None), getattr(error, "offset", None)
    place = f"{name}:{line}:{column}" if line else name
    detail = re.sub(r" \(line \d+\)$", "", re.sub(r"^Parser error [^:]*: ", "", text))
    message = f"{place}: not valid {fmt.label}"
    message += f" (line {line}, column {column})" if line else ""
    message += f": {detail}"
    looks = sniff(head)
    if looks and looks != fmt.name:
        advice = (f": give its format as {looks} or name the file "
                  f"*{INPUT_FORMATS[looks].suffixes[0]}" if looks in INPUT_FORMATS
                  else ": it is not RDF at all")
        message += f". The content looks like {_describe_kind(looks)}, not {fmt.label}{advice}"
    if "LoadDocumentCallback" in text or "remote context" in text.lower():
        message = (f"{name}: the JSON-LD refers to a remote @context, which is never fetched; "
                   "put the context inline (an object under \"@context\")")
    return UnreadableInput(message, where=where, line=line, column=column)


def _triples(quads: Iterator[Any], name: str, max_triples: int, where: str) -> list[ox.Triple]:
    """The triples of a parse (named graphs merged), stopping at the limit."""
    triples: list[ox.Triple] = []
    for quad in quads:
        if len(triples) >= max_triples:
            raise InputTooLarge(f"{name}: more than {max_triples:,} triples; this validator "
                                "holds its input in memory (about 2.5 kB a triple) and stops "
                                "there. Split the data (for example by resource) and validate "
                                "the parts, or raise --max-triples of `publisher validate` on "
                                "a machine with the memory for it.", where=where)
        if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
            raise UnreadableInput(f"{name}: RDF 1.2 triple terms are not supported by the "
                                  "SHACL engine", where=where)
        triples.append(quad.triple)
    return triples


def parse_bytes(data: bytes, name: str, fmt: InputFormat, limits: ReadLimits = ReadLimits(),
                where: str = "data", base_iri: str | None = None) -> ParsedInput:
    """Parse RDF from memory; every failure is an UnreadableInput naming `name`."""
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"{name}: {len(data):,} bytes, more than the {limits.max_bytes:,} "
                            "this validator reads", where=where)
    if not data.strip():
        raise UnreadableInput(f"{name}: the file is empty; give RDF data "
                              f"({', '.join(f.label for f in INPUT_FORMATS.values())})",
                              where=where)
    try:
        check_input(data, fmt.name, name, limits.max_depth, limits.max_bytes)
    except InputRefused as refused:
        raise _refusal(refused, name, fmt, data[:512], where) from None
    parser = ox.parse(data, format=fmt.rdf_format, base_iri=base_iri or _base_for(name))
    try:
        triples = _triples(parser, name, limits.max_triples, where)
    except UnreadableInput:
        raise
    except SyntaxError as error:
        raise _syntax_message(error, name, fmt, data[:512], where) from None
    except (ValueError, OSError) as error:       # e.g. invalid IRIs reported by the parser
        raise UnreadableInput(f"{name}: not valid {fmt.label}: {error}", where=where) from None
    if not triples:
        raise UnreadableInput(f"{name}: valid {fmt.label} but without a single triple; "
                              "nothing to validate", where=where)
    return ParsedInput(name, fmt, triples, dict(parser.prefixes or {}))


def _refusal(refused: InputRefused, name: str, fmt: InputFormat, head: bytes,
             where: str) -> UnreadableInput:
    """A bound of publisher.shacl.input_bounds as an UnreadableInput (InputTooLarge for a size),
    saying what the content looks like when that is not the syntax it was read as."""
    message = str(refused)
    looks = sniff(head)
    if looks and looks != fmt.name:
        message += f" (The content looks like {_describe_kind(looks)}, not {fmt.label}.)"
    kind = InputTooLarge if refused.too_large else UnreadableInput
    return kind(message, where=where, line=refused.line)


def _base_for(name: str) -> str:
    """Relative IRIs of an input resolve against a name of the input, never against ours."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name).name) or "input"
    return f"file:///{safe}"


def read_path(path: Path, explicit_format: str | None = None,
              limits: ReadLimits = ReadLimits(), where: str = "data") -> ParsedInput:
    """Read one file: its existence, its size (before reading a byte), then its RDF."""
    fmt = format_for_name(str(path), explicit_format, where)
    if not path.exists():
        raise UnreadableInput(f"{path}: no such file", where=where)
    if not path.is_file():
        raise UnreadableInput(f"{path}: not a file", where=where)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputTooLarge(
            f"{path}: {size / 1e6:,.1f} MB, more than the {limits.max_bytes / 1e6:,.0f} MB this "
            "command validates: it holds the data in memory (about 1–2 kB per triple). Split "
            "the file, or raise the limit with --max-bytes on a machine with the memory for it.",
            where=where)
    return parse_bytes(path.read_bytes(), str(path), fmt, limits, where,
                       base_iri=path.resolve().as_uri())


# --------------------------------------------------------------------------- rdflib graphs


@lru_cache(maxsize=512)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> Any:
    return translateQuery(parseQuery(text), base, dict(namespaces))


class PreparedQueryGraph(Graph):
    """An rdflib graph that parses each SPARQL text once.

    pyshacl hands rdflib the text of a SPARQL constraint once per focus node, and rdflib parses
    it every time: about 85 % of the time of the vocabulary profile went into parsing the same
    dozen queries. The parsed query is reused (rdflib's prepared queries are made for that).
    """

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql",
              initNs: Any = None, initBindings: Any = None, use_store_provided: bool = True,
              **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
            query_object = _prepared(query_object, kwargs.get("base"), namespaces)
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)


def _rdflib_term(term: Any, blanks: dict[str, BNode]) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return blanks.setdefault(term.value, BNode())
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == XSD_STRING else Literal(term.value,
                                                                       datatype=URIRef(datatype))


def to_rdflib(triples: Iterable[Any]) -> Graph:
    """pyoxigraph triples (or quads) → an rdflib graph, term by term."""
    graph = PreparedQueryGraph()
    blanks: dict[str, BNode] = {}
    add = graph.add
    for item in triples:
        triple = item.triple if isinstance(item, ox.Quad) else item
        add((_rdflib_term(triple.subject, blanks), _rdflib_term(triple.predicate, blanks),
             _rdflib_term(triple.object, blanks)))
    return graph


def data_graph(inputs: list[ParsedInput]) -> Graph:
    """The union of the inputs, with their prefixes bound for readable reports."""
    graph = to_rdflib(t for parsed in inputs for t in parsed.triples)
    for parsed in inputs:
        for prefix, namespace in parsed.prefixes.items():
            if prefix:
                graph.bind(prefix, namespace, override=False)
    return graph


# --------------------------------------------------------------------------- shapes


def drop_dangling_property_shapes(graph: Graph) -> int:
    """Remove `sh:property` references to shapes defined nowhere; returns how many.

    The official DCAT-AP 3.0.1 `ranges.ttl` names five such IRIs. They constrain nothing,
    but pyshacl rejects the whole shapes graph as ill-formed, so they are left out.
    """
    dangling = [(shape, prop) for shape, prop in graph.subject_objects(SH.property)
                if (prop, None, None) not in graph]
    for shape, prop in dangling:
        graph.remove((shape, SH.property, prop))
    return len(dangling)


def languages_clause(languages: tuple[str, ...]) -> str:
    """`?lang` bound to each language in turn (SHACL-SPARQL forbids VALUES)."""
    return " UNION ".join(f'{{ BIND("{lang}" AS ?lang) }}' for lang in languages)


DEFAULT_LANGUAGES_CLAUSE = languages_clause(("fi", "sv", "en"))


def with_languages(text: str, languages: tuple[str, ...]) -> str:
    """Put the configured required label languages into the vocabulary shapes."""
    return text.replace(DEFAULT_LANGUAGES_CLAUSE, languages_clause(languages))


def _profile_text(path: Path, settings: Settings) -> str:
    return with_languages(rebase(path.read_text(encoding="utf-8"), settings.base_uri),
                          settings.required_languages)


@lru_cache(maxsize=16)
def _profile_graph(files: tuple[str, ...], base_uri: str, languages: tuple[str, ...],
                   shapes_dir: str, _stamp: tuple[int, ...]) -> Graph:
    """One profile's shapes, parsed once per base URI, languages and file versions."""
    settings = Settings(base_uri=base_uri, required_languages=languages)
    graph = Graph()
    for name in files:
        graph.parse(data=_profile_text(Path(shapes_dir) / name, settings), format="turtle")
    drop_dangling_property_shapes(graph)
    for prefix, namespace in PREFERRED_PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def profile_shapes(settings: Settings, name: str) -> Graph:
    """The shapes of one profile (shared: copy before changing it)."""
    profile = load_profiles(settings)[check_profiles(settings, [name])[0]]
    stamp = tuple((settings.shapes_dir / f).stat().st_mtime_ns for f in profile.files)
    return _profile_graph(profile.files, settings.base_uri, tuple(settings.required_languages),
                          str(settings.shapes_dir), stamp)


def shapes_graph(settings: Settings, profiles: list[str] | None = None,
                 extra: Iterable[Graph] = ()) -> Graph:
    """A new graph: the shapes of the named profiles (default: our data profile) and of any
    steward's own shapes graphs."""
    graph = Graph()
    names = check_profiles(settings, profiles if profiles is not None else
                           [default_profile(settings)])
    for part in [profile_shapes(settings, name) for name in names] + list(extra):
        for prefix, namespace in part.namespaces():
            graph.bind(prefix, namespace, override=False)
        for triple in part:
            graph.add(triple)
    return graph


_SPARQL_KEYS = (SH.select, SH.ask, SH.construct, SH.update)
_QUERY_KEYS = {SH.select: "SELECT", SH.ask: "ASK", SH.construct: "CONSTRUCT"}
_FORBIDDEN_SPARQL = re.compile(r"\b(SERVICE|LOAD|FROM)\b", re.IGNORECASE)
MAX_VALUE_SHOWN = 120


def check_shapes(graph: Graph, name: str) -> Graph:
    """A steward's shapes graph, refused when it defines no shape or its SPARQL would reach
    outside the data (SERVICE, FROM, LOAD): validation never fetches anything."""
    has_shapes = any(graph.triples((None, RDF.type, SH.NodeShape))) or any(
        graph.triples((None, RDF.type, SH.PropertyShape))) or any(
        graph.triples((None, SH.targetClass, None))) or any(
        graph.triples((None, SH.path, None)))
    if not has_shapes:
        raise UnreadableInput(f"{name}: defines no SHACL shape (no sh:NodeShape, "
                              "sh:PropertyShape, sh:targetClass or sh:path)", where="shapes")
    for key in _SPARQL_KEYS:
        for text in graph.objects(None, key):
            found = _FORBIDDEN_SPARQL.search(_without_strings(str(text)))
            if found:
                raise UnreadableInput(f"{name}: a SPARQL constraint uses {found.group(1).upper()}"
                                      "; shapes may only query the data being validated",
                                      where="shapes")
    check_patterns_and_queries(graph, name)
    return graph


def check_patterns_and_queries(graph: Graph, name: str) -> None:
    """Every sh:pattern compiles and every sh:select, sh:ask and sh:construct parses, checked
    here because pyshacl fails on them with an exception instead of a report."""
    for node, pattern in graph.subject_objects(SH.pattern):
        flags = str(graph.value(node, SH.flags) or "").lower()
        try:
            re.compile(str(pattern), (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
        except (re.error, OverflowError, RecursionError) as error:
            raise UnreadableInput(f"{name}: the shape {_holder(graph, node)} has an sh:pattern "
                                  f"that is not a valid regular expression: {_shown(pattern)} "
                                  f"({error})", where="shapes") from None
    for key, form in _QUERY_KEYS.items():
        for node, text in graph.subject_objects(key):
            where = f"{name}: the shape {_holder(graph, node)} has an sh:{form.lower()}"
            try:
                parsed = parseQuery(str(text))
            except Exception as error:  # noqa: BLE001 - pyparsing and rdflib raise many kinds
                detail = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise UnreadableInput(f"{where} that is not valid SPARQL: {_shown(text)} "
                                      f"({detail})", where="shapes") from None
            found = str(getattr(parsed[-1], "name", "")).removesuffix("Query").upper()
            if found != form:
                raise UnreadableInput(f"{where} whose query is {found or 'of no known form'}, "
                                      f"not {form}: {_shown(text)}", where="shapes")


def _holder(graph: Graph, node: Node) -> str:
    """The shape a constraint belongs to, named for a reader: a blank SPARQL constraint by the
    shape that points at it, a property shape by its node shape and path."""
    if isinstance(node, BNode) and graph.value(node, SH.path) is None:
        owner = next(graph.subjects(None, node), None)
        if owner is not None:
            return shape_name(owner, graph) or "[]"
    return shape_name(node, graph) or "[]"


def _shown(value: Node) -> str:
    """A value quoted for a message, shortened."""
    text = str(value)
    if len(text) > MAX_VALUE_SHOWN:
        text = text[:MAX_VALUE_SHOWN - 1] + "…"
    return json.dumps(text, ensure_ascii=False)


def _without_strings(sparql: str) -> str:
    """SPARQL with its string literals and IRIs blanked, so keywords inside them do not count."""
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^<>\s]*>|[?$]\w+', '""', sparql)


def read_shapes(parsed: ParsedInput) -> Graph:
    """A steward's shapes from their parsed file."""
    return check_shapes(to_rdflib(parsed.triples), parsed.name)


def _has_rules(shapes: Graph) -> bool:
    return any(shapes.triples((None, SH["rule"], None)))


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ValidationResult:
    focus: str
    path: str | None
    value: str | None
    severity: str
    message: str
    shape: str | None
    constraint: str | None = None       # the check: a named constraint, else the component
    focus_label: str | None = None      # how a blank focus node is reached from a named one


@dataclass
class ValidationOutcome:
    conforms: bool
    results: list[ValidationResult]
    report_graph: Graph
    sources: dict[str, str] = field(default_factory=dict)  # focus IRI -> "file lines a–b"
    profiles: tuple[str, ...] = ()
    inputs: tuple[tuple[str, int], ...] = ()               # (name, triples) of each input
    lang: str = "en"

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    def by_resource(self) -> dict[str, list[ValidationResult]]:
        grouped: dict[str, list[ValidationResult]] = defaultdict(list)
        for result in sorted(self.results, key=_result_order):
            grouped[result.focus].append(result)
        return dict(grouped)

    def render(self, fmt: str = "text", lang: str | None = None) -> str:
        """The report as readable text or HTML, JSON, Turtle or JSON-LD."""
        lang = lang or self.lang
        if fmt == "turtle":
            return self.report_graph.serialize(format="turtle")
        if fmt in {"json-ld", "jsonld"}:
            return self.report_graph.serialize(format="json-ld", indent=2)
        if fmt == "json":
            return json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n"
        if fmt == "html":
            return report_html(self.as_json(), lang)
        return self.text(lang)

    def as_json(self) -> dict[str, Any]:
        resources = []
        for focus, results in self.by_resource().items():
            counts = dict.fromkeys(SEVERITIES, 0)
            for r in results:
                counts[r.severity] = counts.get(r.severity, 0) + 1
            resources.append({"focus": focus, "label": results[0].focus_label,
                              "source": self.sources.get(focus), "counts": counts,
                              "results": [asdict(r) for r in results]})
        return {"conforms": self.conforms, "counts": self.counts, "lang": self.lang,
                "profiles": list(self.profiles),
                "inputs": [{"name": n, "triples": t} for n, t in self.inputs],
                "resources": resources}

    def text(self, lang: str | None = None) -> str:
        return report_text_page(self.as_json(), lang or self.lang)


def _result_order(result: ValidationResult) -> tuple[Any, ...]:
    return (result.focus_label or result.focus, SEVERITY_ORDER.get(result.severity, 3),
            result.path or "", result.message, result.value or "")


def _short(node: Node | None, graph: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - rdflib refuses some IRIs as prefixed names
            return f"<{node}>"
    if isinstance(node, Literal):
        return _literal_text(node, graph)
    return "[]"  # a blank node: its identifier means nothing to a reader


_BARE_DATATYPES = {"integer", "decimal", "double", "float", "boolean", "int", "long",
                   "nonNegativeInteger", "positiveInteger"}


def _literal_text(node: Literal, graph: Graph) -> str:
    """A literal as Turtle would show it: numbers and booleans bare, others quoted."""
    text = str(node)
    if len(text) > MAX_LITERAL_SHOWN:
        text = text[:MAX_LITERAL_SHOWN - 1] + "…"
    datatype = str(node.datatype or "")
    if datatype.startswith(XSD_NS) and datatype[len(XSD_NS):] in _BARE_DATATYPES:
        return text
    if node.language:
        return f'"{text}"@{node.language}'
    if node.datatype and datatype != XSD_STRING:
        return f'"{text}"^^{_short(node.datatype, graph)}'
    return f'"{text}"'


def path_text(path: Node | None, shapes: Graph, report: Graph) -> str | None:
    """A property path as SPARQL-like text (inverse, alternatives and sequences included)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _short(path, shapes)
    for graph in (report, shapes):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + (path_text(inverse, shapes, report) or "?")
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return "|".join(path_text(p, shapes, report) or "?" for p in graph.items(alternatives))
        if graph.value(path, RDF.first) is not None:
            return "/".join(path_text(p, shapes, report) or "?" for p in graph.items(path))
    return None


def shape_name(shape: Node | None, shapes: Graph) -> str | None:
    """A readable name for a result's source shape: a blank property shape is named by its
    node shape and path ("kds:ProjectShape › dcterms:identifier")."""
    if shape is None:
        return None
    if isinstance(shape, URIRef):
        return _short(shape, shapes)
    parent = next(shapes.subjects(SH.property, shape), None)
    path = path_text(shapes.value(shape, SH.path), shapes, shapes)
    if parent is None:
        return path or "[]"
    return f"{_short(parent, shapes)} › {path}" if path else _short(parent, shapes)


_TEMPLATE_VARIABLE = re.compile(r"\{[?$](\w+)\}")


def _template_pattern(template: str) -> str:
    """A regular expression matching the template filled with any values."""
    parts = _TEMPLATE_VARIABLE.split(template)
    # split() alternates literal text and variable names
    return "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                   for i, part in enumerate(parts))


def translate_message(emitted: str, templates: list[Node], lang: str) -> str | None:
    """pyshacl fills a SPARQL constraint's messages but drops their language tags; find which
    template it filled, recover the variable bindings from the text, and fill the template in
    `lang`."""
    wanted = next((t for t in templates if getattr(t, "language", None) == lang), None)
    if wanted is None:
        return None
    for template in templates:
        try:
            match = re.fullmatch(_template_pattern(str(template)), emitted, re.DOTALL)
        except re.error:  # a variable used twice in one template
            continue
        if match:
            values = match.groupdict()
            return _TEMPLATE_VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), str(wanted))
    return None


# Messages by constraint component, for shapes that have none in the language asked (the
# official DCAT-AP shapes have none at all). {x} is the shape's parameter sh:x.
COMPONENT_MESSAGES: dict[str, tuple[str, str, str]] = {
    "MinCount": ("Vähintään {minCount} arvo(a) vaaditaan", "Minst {minCount} värde(n) krävs",
                 "At least {minCount} value(s) required"),
    "MaxCount": ("Enintään {maxCount} arvo(a) sallitaan", "Högst {maxCount} värde(n) tillåts",
                 "At most {maxCount} value(s) allowed"),
    "Class": ("Arvon on oltava luokan {class} jäsen", "Värdet måste tillhöra klassen {class}",
              "The value must be an instance of {class}"),
    "Datatype": ("Arvon tietotyypin on oltava {datatype}", "Värdets datatyp måste vara {datatype}",
                 "The value must have the datatype {datatype}"),
    "NodeKind": ("Arvon lajin on oltava {nodeKind}", "Värdet måste vara av slaget {nodeKind}",
                 "The value must be of kind {nodeKind}"),
    "Pattern": ("Arvo ei vastaa mallia {pattern}", "Värdet matchar inte mönstret {pattern}",
                "The value does not match the pattern {pattern}"),
    "In": ("Arvo ei ole sallittujen arvojen joukossa", "Värdet är inte ett av de tillåtna",
           "The value is not one of the allowed values"),
    "HasValue": ("Vaadittu arvo {hasValue} puuttuu", "Det krävda värdet {hasValue} saknas",
                 "The required value {hasValue} is missing"),
    "LanguageIn": ("Arvon kielen on oltava jokin sallituista", "Värdets språk är inte tillåtet",
                   "The language of the value is not one of those allowed"),
    "UniqueLang": ("Samalla kielellä on useampi arvo", "Flera värden på samma språk",
                   "More than one value in the same language"),
    "MinLength": ("Arvo on lyhyempi kuin {minLength} merkkiä", "Värdet är kortare än {minLength} tecken",
                  "The value is shorter than {minLength} characters"),
    "MaxLength": ("Arvo on pidempi kuin {maxLength} merkkiä", "Värdet är längre än {maxLength} tecken",
                  "The value is longer than {maxLength} characters"),
    "MinInclusive": ("Arvon on oltava vähintään {minInclusive}", "Värdet måste vara minst {minInclusive}",
                     "The value must be at least {minInclusive}"),
    "MaxInclusive": ("Arvon on oltava enintään {maxInclusive}", "Värdet får vara högst {maxInclusive}",
                     "The value must be at most {maxInclusive}"),
    "MinExclusive": ("Arvon on oltava suurempi kuin {minExclusive}", "Värdet måste vara större än {minExclusive}",
                     "The value must be greater than {minExclusive}"),
    "MaxExclusive": ("Arvon on oltava pienempi kuin {maxExclusive}", "Värdet måste vara mindre än {maxExclusive}",
                     "The value must be less than {maxExclusive}"),
    "Node": ("Arvo ei täytä muotoa {node}", "Värdet uppfyller inte formen {node}",
             "The value does not conform to the shape {node}"),
    "Closed": ("Ominaisuus ei kuulu tähän (suljettu muoto)", "Egenskapen hör inte hit (sluten form)",
               "The property is not allowed here (closed shape)"),
    "Or": ("Arvo ei täytä yhtään vaihtoehdoista", "Värdet uppfyller inget av alternativen",
           "The value conforms to none of the alternatives"),
    "Xone": ("Arvon on täytettävä tasan yksi vaihtoehdoista", "Värdet måste uppfylla exakt ett alternativ",
             "The value must conform to exactly one of the alternatives"),
    "And": ("Arvo ei täytä kaikkia ehtoja", "Värdet uppfyller inte alla villkor",
            "The value does not meet every condition"),
    "Not": ("Arvo täyttää kielletyn muodon", "Värdet uppfyller en förbjuden form",
            "The value conforms to a shape it must not"),
    "QualifiedMinCount": ("Liian vähän arvoja, jotka täyttävät vaaditun muodon",
                          "För få värden som uppfyller den krävda formen",
                          "Too few values conform to the required shape"),
    "QualifiedMaxCount": ("Liian monta arvoa, jotka täyttävät rajatun muodon",
                          "För många värden som uppfyller den begränsade formen",
                          "Too many values conform to the limited shape"),
    "Equals": ("Arvot eivät ole samat kuin ominaisuudella {equals}", "Värdena är inte desamma som för {equals}",
               "The values differ from those of {equals}"),
    "Disjoint": ("Arvo on myös ominaisuuden {disjoint} arvo", "Värdet är också ett värde för {disjoint}",
                 "The value is also a value of {disjoint}"),
}


def _component_message(report: Graph, result: Node, shapes: Graph, lang: str) -> str | None:
    component = report.value(result, SH.sourceConstraintComponent)
    if component is None:
        return None
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    templates = COMPONENT_MESSAGES.get(name)
    if templates is None:
        return None
    shape = report.value(result, SH.sourceShape)
    template = templates[LANGUAGES.index(lang) if lang in LANGUAGES else 2]

    def parameter(match: re.Match[str]) -> str:
        value = shapes.value(shape, SH[match.group(1)]) if shape is not None else None
        if isinstance(value, Literal):
            return str(value)
        return _short(value, shapes) if value is not None else "?"

    return re.sub(r"\{(\w+)\}", parameter, template)


def _message(report: Graph, result: Node, shapes: Graph | None, lang: str) -> str:
    """The result's message in the language asked: the shape's own, else one made from the
    constraint component (with the shape's message in another language after it)."""
    messages = list(report.objects(result, SH.resultMessage))
    chosen = next((m for m in messages if getattr(m, "language", None) == lang), None)
    if chosen is not None:
        return str(chosen)
    if shapes is not None and messages:
        for source in (report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape)):
            templates = list(shapes.objects(source, SH.message)) if source is not None else []
            for emitted in messages:
                translated = translate_message(str(emitted), templates, lang)
                if translated:
                    return translated
    own = _shape_message(report, result, shapes)
    made = _component_message(report, result, shapes, lang) if shapes is not None else None
    if made:
        return f"{made} — {own}" if own and own != made else made
    english = next((m for m in messages if getattr(m, "language", None) == "en"), None)
    return str(english or (messages[0] if messages else ""))


def _shape_message(report: Graph, result: Node, shapes: Graph | None) -> str | None:
    """The message the shape itself gives (English first), if any."""
    shape = report.value(result, SH.sourceShape)
    if shapes is None or shape is None:
        return None
    messages = list(shapes.objects(shape, SH.message))
    english = next((m for m in messages if getattr(m, "language", None) == "en"), None)
    return str(english or messages[0]) if messages else None


def _constraint(report: Graph, result: Node, shapes: Graph) -> str | None:
    """Which check found the result: a named SPARQL constraint or property shape, else the
    constraint component."""
    source = report.value(result, SH.sourceConstraint)
    if isinstance(source, URIRef):
        return _short(source, shapes)
    component = report.value(result, SH.sourceConstraintComponent)
    return _short(component, shapes) if component is not None else None


def blank_node_label(node: Node, data: Graph | None, names: Graph) -> str | None:
    """How a blank node is reached from a named resource ("<x> › kd:section"), or None."""
    if not isinstance(node, BNode) or data is None:
        return None
    steps: list[str] = []
    current: Node = node
    for _ in range(4):
        link = next(data.subject_predicates(current), None)
        if link is None:
            break
        subject, predicate = link
        steps.append(_short(predicate, names) or str(predicate))
        if not isinstance(subject, BNode):
            return " › ".join([_short(subject, names) or str(subject)] + steps[::-1])
        current = subject
    return None


def _value(report: Graph, result: Node, focus: Node, names: Graph) -> str | None:
    """The offending value, left out when it is only the focus node again (SPARQL checks)."""
    value = report.value(result, SH.value)
    if value is None or value == focus:
        return None
    return _short(value, names)


def report_results(report: Graph, lang: str = "en", shapes: Graph | None = None,
             data: Graph | None = None) -> list[ValidationResult]:
    """The report's top-level results (nested sh:detail results explain a result; they are
    not results of their own)."""
    names = _names(report, shapes, data)
    about = shapes if shapes is not None else report
    results = []
    for result in set(report.objects(None, SH.result)):
        focus = report.value(result, SH.focusNode)
        severity = report.value(result, SH.resultSeverity)
        results.append(ValidationResult(
            focus=str(focus),
            path=path_text(report.value(result, SH.resultPath), about, report),
            value=_value(report, result, focus, names),
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            message=_message(report, result, shapes, lang),
            shape=shape_name(report.value(result, SH.sourceShape), about),
            constraint=_constraint(report, result, about),
            focus_label=blank_node_label(focus, data, names)))
    return results


def _names(report: Graph, shapes: Graph | None, data: Graph | None) -> Graph:
    """The report graph with the prefixes of the shapes and the data bound."""
    for graph in (shapes, data):
        for prefix, namespace in (graph.namespaces() if graph is not None else ()):
            report.bind(prefix, namespace, override=False)
    return report


def provenance_spans(data: Graph, focuses: Iterable[str], settings: Settings) -> dict[str, str]:
    """For our own data: the source text and lines each focus resource was derived from."""
    kd = Namespace(settings.base_uri + "def/")
    spans = {}
    for focus in (f for f in focuses if f.startswith(("http://", "https://"))):
        owner = URIRef(focus.split("#", 1)[0])
        for derivation in data.objects(owner, PROV.qualifiedDerivation):
            first, last = data.value(derivation, kd.firstLine), data.value(derivation, kd.lastLine)
            entity = data.value(derivation, PROV.entity)
            if first is not None and entity is not None:
                document = str(entity).rstrip("/").rsplit("/", 1)[-1]
                spans[focus] = f"{document} {first}–{last if last is not None else first}"
                break
    return spans


# --------------------------------------------------------------------------- validating


def _validation_graph(data: Graph, ontology: Graph | None, shapes: Graph) -> Graph:
    """The graph pyshacl works on in place. It shares the data's store unless something would
    write into it (our ontology mixed in, SHACL rules); then it is a copy."""
    if ontology is None and not _has_rules(shapes) and type(data) in (Graph, PreparedQueryGraph):
        graph = PreparedQueryGraph(store=data.store, identifier=data.identifier,
                                   namespace_manager=data.namespace_manager)
        return graph
    graph = PreparedQueryGraph()
    for part in (data, ontology):
        for triple in (part if part is not None else ()):
            graph.add(triple)
    graph.namespace_manager = data.namespace_manager
    return graph


def validate_graph(data: Graph, shapes: Graph, ontology: Graph | None = None,
                   lang: str = "en", focus_nodes: list[str] | None = None) -> ValidationOutcome:
    """Run pyshacl; the ontology graph lets sh:class see rdfs:subClassOf."""
    target = _validation_graph(data, ontology, shapes)
    try:
        conforms, report, text = pyshacl.validate(
            target, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
            inplace=True, focus_nodes=[URIRef(f) for f in focus_nodes] if focus_nodes else None)
    except ReportableRuntimeError as error:
        raise UnreadableInput(f"the shapes cannot be used: {error.message}",
                              where="shapes") from None
    except RecursionError:
        raise UnreadableInput("the data nests blank nodes too deeply to validate; give the "
                              "nested resources IRIs or flatten the structure") from None
    if not isinstance(report, Graph):
        raise UnreadableInput(f"the shapes cannot be used: {text}", where="shapes")
    results = report_results(report, lang, shapes, data)
    conforms = not any(r.severity not in {"Warning", "Info"} for r in results)
    return ValidationOutcome(bool(conforms), results, report, lang=lang)


@dataclass(frozen=True)
class ValidationRequest:
    """One validation: which data, against which shapes, in which language."""

    inputs: tuple[ParsedInput, ...]
    profiles: tuple[str, ...] = ()
    shapes: tuple[ParsedInput, ...] = ()
    lang: str = "en"
    focus_nodes: tuple[str, ...] = ()


def chosen_profiles(settings: Settings, profiles: Iterable[str] | None,
                    own_shapes: bool) -> list[str]:
    """The profiles asked for; none asked means our data profile, unless the steward brought
    shapes of their own (then only those)."""
    names = list(profiles or [])
    if not names and not own_shapes:
        names = [default_profile(settings)]
    return check_profiles(settings, names)


def validate_request(request: ValidationRequest, settings: Settings) -> ValidationOutcome:
    """Validate parsed inputs against profiles and a steward's own shapes."""
    profiles = chosen_profiles(settings, request.profiles, bool(request.shapes))
    own = [read_shapes(parsed) for parsed in request.shapes]
    shapes = shapes_graph(settings, profiles, own)
    data = data_graph(list(request.inputs))
    wants_ontology = any(load_profiles(settings)[name].ontology for name in profiles)
    outcome = validate_graph(data, shapes, ontology_graph(settings) if wants_ontology else None,
                             request.lang, list(request.focus_nodes) or None)
    outcome.sources = provenance_spans(data, {r.focus for r in outcome.results}, settings)
    outcome.profiles = tuple(profiles) + tuple(f"{p.name}" for p in request.shapes)
    outcome.inputs = tuple((p.name, len(p.triples)) for p in request.inputs)
    return outcome


def validate_files(files: list[Path], settings: Settings, profiles: list[str] | None = None,
                   input_format: str | None = None, lang: str = "en",
                   shapes_files: Iterable[Path] = (), shapes_format: str | None = None,
                   limits: ReadLimits = ReadLimits()) -> ValidationOutcome:
    """`publisher validate`: the union of the files against the chosen profiles and shapes."""
    if not files:
        raise UnreadableInput("no file to validate")
    inputs = tuple(read_path(Path(p), input_format, limits) for p in files)
    shapes = tuple(read_path(Path(p), shapes_format, limits, where="shapes")
                   for p in shapes_files)
    return validate_request(ValidationRequest(inputs, tuple(profiles or ()), shapes, lang), settings)


def ontology_graph(settings: Settings) -> Graph:
    """Our vocabulary as an rdflib graph, for rdfs:subClassOf during validation."""

    triples = [t for name in ONTOLOGY_FILES
               for t in read_bundled_rdf(settings.ontology_dir / name, settings.base_uri)]
    return to_rdflib(triples)


# --------------------------------------------------------------------------- the report


REPORT_TEXTS: dict[str, tuple[str, str, str]] = {
    # key: (fi, sv, en)
    "title": ("SHACL-validointiraportti", "SHACL-valideringsrapport", "SHACL validation report"),
    "conforms": ("Vastaa muotoja", "Uppfyller formerna", "Conforms"),
    "not_conforms": ("Ei vastaa muotoja", "Uppfyller inte formerna", "Does not conform"),
    "Violation": ("Virhe", "Fel", "Violation"),
    "Warning": ("Varoitus", "Varning", "Warning"),
    "Info": ("Huomautus", "Information", "Info"),
    "Violations": ("Virheet", "Fel", "Violations"),
    "Warnings": ("Varoitukset", "Varningar", "Warnings"),
    "Infos": ("Huomautukset", "Informationer", "Infos"),
    "profiles": ("Profiilit", "Profiler", "Profiles"),
    "files": ("Tiedostot", "Filer", "Files"),
    "triples": ("kolmikkoa", "tripler", "triples"),
    "resource": ("Resurssi", "Resurs", "Resource"),
    "path": ("Polku", "Sökväg", "Path"),
    "value": ("Arvo", "Värde", "Value"),
    "message": ("Viesti", "Meddelande", "Message"),
    "shape": ("Muoto", "Form", "Shape"),
    "check": ("Tarkistus", "Kontroll", "Check"),
    "severity": ("Vakavuus", "Allvarlighet", "Severity"),
    "source": ("Lähde", "Källa", "Source"),
    "nothing_found": ("Ei huomautettavaa.", "Inget att anmärka.", "Nothing to report."),
    "resources_with_results": ("Resurssit, joista löytyi huomautettavaa",
                               "Resurser med anmärkningar", "Resources with findings"),
}


def report_text(key: str, lang: str) -> str:
    texts = REPORT_TEXTS[key]
    return texts[LANGUAGES.index(lang)] if lang in LANGUAGES else texts[2]


def counts_line(report: dict[str, Any], lang: str) -> str:
    """"Does not conform: Violations 2 · Warnings 1 · Infos 0" in the language asked."""
    head = report_text("conforms" if report["conforms"] else "not_conforms", lang)
    counts = " · ".join(f"{report_text(s + 's', lang)} {report['counts'].get(s, 0)}"
                        for s in SEVERITIES)
    return f"{head}: {counts}"


def report_text_page(report: dict[str, Any], lang: str) -> str:
    """The report as plain text: the counts, then each resource with its findings."""
    lines = [counts_line(report, lang)]
    if report["profiles"]:
        lines.append(f"{report_text('profiles', lang)}: {', '.join(report['profiles'])}")
    if report["inputs"]:
        lines.append(f"{report_text('files', lang)}: " + ", ".join(
            f"{i['name']} ({i['triples']} {report_text('triples', lang)})" for i in report["inputs"]))
    for resource in report["resources"]:
        where = f"  ({report_text('source', lang)}: {resource['source']})" if resource["source"] else ""
        lines.append(f"\n{resource['label'] or resource['focus']}{where}")
        for r in resource["results"]:
            path = f"  {r['path']}" if r["path"] else ""
            value = f"  {report_text('value', lang).lower()} {r['value']}" if r["value"] else ""
            lines.append(f"  {report_text(r['severity'], lang) if r['severity'] in SEVERITIES else r['severity']}"
                         f"{path}{value}")
            lines.append(f"      {r['message']}")
            check = ", ".join(x for x in (r["shape"], r["constraint"]) if x)
            if check:
                lines.append(f"      [{check}]")
    return "\n".join(lines) + "\n"


def template_environment() -> Any:
    """The Jinja environment of the web templates, without a Flask app (for the CLI)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    folder = Path(__file__).resolve().parents[1] / "web" / "templates"
    return Environment(loader=FileSystemLoader(str(folder)),
                       autoescape=select_autoescape(["html"]))


def report_context(report: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the report templates need besides the report itself."""
    return {"report": report, "report_lang": lang, "counts_line": counts_line(report, lang),
            "rt": lambda key: report_text(key, lang), "severities": SEVERITIES}


def report_html(report: dict[str, Any], lang: str) -> str:
    """The report as a standalone HTML page (`publisher validate --format html`)."""
    template = template_environment().get_template("validate_standalone.html")
    return template.render(**report_context(report, lang))


# --------------------------------------------------------------------------- web worker


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """One web validation, in a worker process: parse, validate, render what was asked."""
    settings: Settings = job["settings"]
    limits = ReadLimits(max_bytes=job["max_bytes"], max_triples=job["max_triples"],
                        max_depth=settings.limits.parse_max_depth)
    try:
        inputs = tuple(parse_bytes(d["data"], d["name"], input_format(d["format"]), limits,
                                   base_iri=d.get("base")) for d in job["inputs"])
        shapes = tuple(parse_bytes(s["data"], s["name"], input_format(s["format"]), limits,
                                   where="shapes") for s in job["shapes"])
        outcome = validate_request(ValidationRequest(inputs, tuple(job["profiles"]), shapes, job["lang"],
                              tuple(job.get("focus_nodes") or ())), settings)
    except UnreadableInput as error:
        return {"status": "too_large" if isinstance(error, InputTooLarge) else "unreadable",
                "message": str(error), "where": error.where, "line": error.line,
                "column": error.column}
    rendered = {fmt: outcome.render(fmt) for fmt in job["formats"] if fmt != "json"}
    return {"status": "ok", "report": outcome.as_json(), "rendered": rendered}


def _refuse_network(event: str, _args: tuple[Any, ...]) -> None:
    if event in {"socket.connect", "socket.getaddrinfo", "urllib.Request"}:
        raise PermissionError("validation never uses the network")


def limit_memory(memory_mib: int) -> None:
    """Cap this process's address space, so a validation that needs more fails here (a
    MemoryError, or an abort in a native library) instead of exhausting the machine."""
    import resource

    wanted = int(memory_mib) * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, wanted))


def worker_main(memory_mib: int | None = None) -> None:  # pragma: no cover - a child process
    """A validation worker: jobs arrive on stdin and answers leave on stdout, each a pickled
    message framed by multiprocessing.connection, until stdin closes. With `memory_mib` the
    worker caps its own memory first; a job that runs out is answered {"status": "memory"}
    and the worker ends, so the next job gets a fresh process."""
    import os
    import signal
    import sys
    from multiprocessing.connection import Connection

    import rdflib.plugins.sparql

    if memory_mib:
        limit_memory(memory_mib)
    signal.signal(signal.SIGINT, signal.SIG_IGN)       # the parent decides when we stop
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    sys.addaudithook(_refuse_network)
    jobs = Connection(os.dup(0), writable=False)
    answers = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)                                      # stray prints must not reach the pipe
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        out_of_memory = False
        try:
            answer = run_job(job)
        except MemoryError:
            out_of_memory = True
        except Exception as error:  # noqa: BLE001 - reported to the parent as a message
            answer = {"status": "error", "message": f"{type(error).__name__}: {error}"}
        job = None
        if out_of_memory:                              # the frames are gone: memory is back
            answer = {"status": "memory", "memory_mib": memory_mib}
        try:
            answers.send(answer)
        except (OSError, ValueError):
            return
        if out_of_memory:
            return
