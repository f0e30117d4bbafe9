"""Reading what a steward gives: any RDF syntax, by name, extension, media type or content,
gzip-compressed or not, parsed in memory within bounds (bytes after decompression, triples,
nesting and entities checked before parsing, see publisher.shacl.bounds and .compression),
with errors that name the file, line and column and say what to do. Binary content (a PDF,
an image, UTF-16) is refused before a parser sees it: every RDF parser here reads UTF-8."""
from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

import pyoxigraph as ox
from rdflib import Graph

from publisher.config import Limits
from publisher.shacl.bounds import InputRefused, check_input
from publisher.shacl.compression import gunzip, is_gzip, without_gzip_suffix
from publisher.shacl.compression import head as gzip_head
from publisher.shacl.errors import InputTooLarge, UnreadableInput
from publisher.shacl.graphs import to_rdflib
from publisher.vocab import JSONLD_CONTEXT_FILE


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
    deeper than `max_depth` is refused before parsing (publisher.shacl.bounds)."""

    max_bytes: int = 128 * 1024 * 1024
    max_triples: int = 500_000
    max_depth: int = Limits.parse_max_depth
    #: what a refusal names as the byte limit to raise (the CLI's option; the web's setting)
    bytes_setting: str = "--max-bytes"


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
        raise UnreadableInput(f"unknown input format '{name}'; use one of {FORMAT_CHOICES}",
                              code="unknown_format", params={"format": name,
                                                             "choices": FORMAT_CHOICES})
    return by_suffix


def format_for_name(name: str, explicit: str | None = None, where: str = "data") -> InputFormat:
    """The format asked for, else the one the file name's extension says ("data.nt.gz" is
    N-Triples)."""
    if explicit:
        return input_format(explicit)
    suffix = Path(without_gzip_suffix(name)).suffix.lower()
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
                  (b"\x89png", "png"), (b"\xff\xd8\xff", "jpeg"), (b"gif8", "gif"),
                  (b"\xfd7zxz", "xz"), (b"(\xb5/\xfd", "zstd"), (b"7z\xbc\xaf", "7z"),
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


#: what sniff() names that is no text at all
BINARY_KINDS = {"gzip", "zip", "pdf", "png", "jpeg", "gif", "xz", "zstd", "7z"}


def sniff_data(data: bytes) -> str | None:
    """What the data looks like, looking inside a gzip: the syntax of our `.nt.gz` dumps."""
    if is_gzip(data):
        inner = gzip_head(data)
        return sniff(inner) if inner else "gzip"
    return sniff(data[:512])


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
    params = {"name": name, "format": fmt.label, "line": line, "column": column, "detail": detail}
    code = "syntax_at" if line else "syntax"
    looks = sniff(head)
    if looks and looks != fmt.name:
        advice = (f": give its format as {looks} or name the file "
                  f"*{INPUT_FORMATS[looks].suffixes[0]}" if looks in INPUT_FORMATS
                  else ": it is not RDF at all")
        message += f". The content looks like {_describe_kind(looks)}, not {fmt.label}{advice}"
        params["looks"] = _describe_kind(looks)
    if "LoadDocumentCallback" in text or "remote context" in text.lower():
        message = (f"{name}: the JSON-LD refers to a remote @context, which is never fetched; "
                   "put the context inline (an object under \"@context\")")
        code, params = "remote_context", {"name": name}
    return UnreadableInput(message, where=where, line=line, column=column, code=code,
                           params=params)


def _triples(quads: Iterator[Any], name: str, max_triples: int, where: str) -> list[ox.Triple]:
    """The triples of a parse (named graphs merged), stopping at the limit."""
    triples: list[ox.Triple] = []
    for quad in quads:
        if len(triples) >= max_triples:
            raise InputTooLarge(f"{name}: more than {max_triples:,} triples; this validator "
                                "holds its input in memory (about 2.5 kB a triple) and stops "
                                "there. Split the data (for example by resource) and validate "
                                "the parts, or raise --max-triples of `publisher validate` on "
                                "a machine with the memory for it.", where=where,
                                code="too_many_triples",
                                params={"name": name, "limit": f"{max_triples:,}"})
        if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
            raise UnreadableInput(f"{name}: RDF 1.2 triple terms are not supported by the "
                                  "SHACL engine", where=where)
        triples.append(quad.triple)
    return triples


def with_known_context(data: bytes, contexts: Mapping[str, bytes]) -> bytes:
    """JSON-LD whose `@context` names a context we hold (ours, `context.jsonld`, by its URL or
    relative name) with that context written in: the parser here fetches no context, and our
    own compacted JSON-LD must validate as it is published. Anything else is left as it is
    (the parser then says what it cannot resolve)."""
    if not contexts or b"@context" not in data:
        return data
    try:
        document = json.loads(data)
    except ValueError:
        return data                     # the parser reports the syntax error with its place

    def known(reference: Any) -> Any:
        if isinstance(reference, str) and reference in contexts:
            try:
                return json.loads(contexts[reference]).get("@context", reference)
            except (ValueError, AttributeError):
                return reference
        if isinstance(reference, list):
            return [known(item) for item in reference]
        return reference

    def inline(node: Any) -> Any:
        if isinstance(node, dict) and "@context" in node:
            return {**node, "@context": known(node["@context"])}
        return node

    written = [inline(n) for n in document] if isinstance(document, list) else inline(document)
    return data if written == document else json.dumps(written, ensure_ascii=False).encode()


def parse_bytes(data: bytes, name: str, fmt: InputFormat, limits: ReadLimits = ReadLimits(),
                where: str = "data", base_iri: str | None = None,
                contexts: Mapping[str, bytes] | None = None) -> ParsedInput:
    """Parse RDF from memory, gzip or not; every failure is an UnreadableInput naming `name`.
    `contexts`: JSON-LD contexts we hold, by the reference a document names them with."""
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"{name}: {len(data):,} bytes, more than the {limits.max_bytes:,} "
                            "this validator reads", where=where, code="too_large",
                            params={"name": name, "size": f"{len(data):,}",
                                    "limit": f"{limits.max_bytes:,}",
                                    "setting": limits.bytes_setting})
    data = gunzip(data, name, limits.max_bytes, limits.bytes_setting, where)
    if not data.strip():
        formats = ", ".join(f.label for f in INPUT_FORMATS.values())
        raise UnreadableInput(f"{name}: the file is empty; give RDF data ({formats})",
                              where=where, code="empty", params={"name": name, "formats": formats})
    check_text(data, name, where)
    try:
        check_input(data, fmt.name, name, limits.max_depth, limits.max_bytes)
    except InputRefused as refused:
        raise _refusal(refused, name, fmt, data[:512], where) from None
    if fmt.name == "jsonld" and contexts:
        data = with_known_context(data, contexts)
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
                              "nothing to validate", where=where, code="no_triples",
                              params={"name": name, "format": fmt.label})
    return ParsedInput(name, fmt, triples, dict(parser.prefixes or {}))


def check_text(data: bytes, name: str, where: str = "data") -> None:
    """Refuse what is no UTF-8 text before a parser reads it: a known binary format, a NUL
    byte, UTF-16, or bytes that are not UTF-8 (each RDF parser here reads UTF-8 only)."""
    kind = sniff(data[:512])
    if kind in BINARY_KINDS:
        raise UnreadableInput(f"{name}: a {_describe_kind(kind)} file, not RDF text", where=where,
                              code="binary_kind", params={"name": name,
                                                          "kind": _describe_kind(kind)})
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise UnreadableInput(f"{name}: UTF-16 text; RDF text must be UTF-8", where=where,
                              code="not_utf8", params={"name": name, "offset": 0})
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UnreadableInput(f"{name}: binary content, not RDF text (a NUL byte at byte "
                              f"{nul:,})", where=where, line=data.count(b"\n", 0, nul) + 1,
                              code="binary_nul", params={"name": name, "offset": f"{nul:,}"})
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    for start in range(0, len(data), step):
        try:
            decoder.decode(data[start:start + step], final=start + step >= len(data))
        except UnicodeDecodeError as error:
            offset = start + error.start
            raise UnreadableInput(f"{name}: not UTF-8 text (an invalid byte sequence at byte "
                                  f"{offset:,}); RDF text must be UTF-8", where=where,
                                  line=data.count(b"\n", 0, offset) + 1, code="not_utf8",
                                  params={"name": name, "offset": f"{offset:,}"}) from None


def _refusal(refused: InputRefused, name: str, fmt: InputFormat, head: bytes,
             where: str) -> UnreadableInput:
    """A bound of publisher.shacl.bounds as an UnreadableInput (InputTooLarge for a size),
    saying what the content looks like when that is not the syntax it was read as."""
    message, params = str(refused), dict(refused.params)
    looks = sniff(head)
    if looks and looks != fmt.name:
        message += f" (The content looks like {_describe_kind(looks)}, not {fmt.label}.)"
        params.update(looks=_describe_kind(looks), format=fmt.label)
    kind = InputTooLarge if refused.too_large else UnreadableInput
    return kind(message, where=where, line=refused.line, code=refused.code, params=params)


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
    if size > limits.max_bytes:          # compressed or not, it cannot hold less than this
        raise InputTooLarge(
            f"{path}: {size / 1e6:,.1f} MB, more than the {limits.max_bytes / 1e6:,.0f} MB this "
            "command validates: it holds the data in memory (about 1–2 kB per triple). Split "
            "the file, or raise the limit with --max-bytes on a machine with the memory for it.",
            where=where, code="too_large",
            params={"name": str(path), "size": f"{size:,}", "limit": f"{limits.max_bytes:,}",
                    "setting": limits.bytes_setting})
    beside = path.with_name(JSONLD_CONTEXT_FILE)
    contexts = ({JSONLD_CONTEXT_FILE: beside.read_bytes()}
                if fmt.name == "jsonld" and beside.is_file()
                and beside.stat().st_size <= limits.max_bytes else None)
    return parse_bytes(path.read_bytes(), str(path), fmt, limits, where,
                       base_iri=path.resolve().as_uri(), contexts=contexts)


def data_graph(inputs: list[ParsedInput], ontology: Graph | None = None) -> Graph:
    """The union of the inputs, with their prefixes bound for readable reports, and the
    ontology's triples when one is given (sh:class then sees rdfs:subClassOf)."""
    graph = to_rdflib(t for parsed in inputs for t in parsed.triples)
    for triple in ontology if ontology is not None else ():
        graph.add(triple)
    for parsed in inputs:
        for prefix, namespace in parsed.prefixes.items():
            if prefix:
                graph.bind(prefix, namespace, override=False)
    return graph
