"""Stores: one interface, two implementations.

* :class:`EmbeddedStore` — pyoxigraph on disk under ``settings.data_dir/oxigraph``, zero
  configuration. Every release is loaded once into its own read-only database directory
  (``<version>-<fingerprint>``), built under a cross-process lock and renamed into place, so
  any number of web workers can open it read-only and a new ``releases/latest`` is picked up
  by a cheap ``stat`` per request. pyoxigraph cannot cancel a running query, so SPARQL from
  the public endpoint runs where an overrun can be ended: in a small pool of worker
  processes killed at the time limit, or, in a gunicorn worker of ``publisher serve``, on
  threads of the worker itself, which retires when a query overruns (:class:`InlineEvaluator`).
* :class:`RemoteStore` — any SPARQL 1.1 store: SPARQLWrapper for queries, the SPARQL 1.1 Graph
  Store HTTP Protocol (one ``PUT`` per named graph) for loading.

Both answer :meth:`Store.query` with a :class:`QueryResult`: the serialized bytes in the format
asked for, cut at the result limit. pyoxigraph writes every result (Rust, no Python loop per
row); a result that could pass the limit is written as TSV or N-Triples, one record per line,
counted and cut there, then written again in the format asked for. The default graph is the
union of the named graphs in both (embedded: pyoxigraph's union option, unless the query has
FROM; remote: the loader also puts the union into the default graph, so the store needs no
special configuration); a protocol dataset (default-graph-uri, named-graph-uri) replaces it.
"""
from __future__ import annotations

import ast
import gc
import hashlib
import json
import os
import pickle
import queue
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref
from abc import ABC, abstractmethod
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import pyoxigraph as ox

from publisher.config import Settings

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"
DCT_MODIFIED = "http://purl.org/dc/terms/modified"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

#: Predicates whose values name a resource; used by :meth:`Store.describe` and the web pages.
LABEL_PREDICATES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2006/vcard/ns#fn",
    "https://schema.org/name",
    "http://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: What :meth:`Store.describe` brings along for each linked resource: names, types and the
#: contact details a contact point needs.
LINKED_PREDICATES = LABEL_PREDICATES + (
    RDF_TYPE,
    "http://www.w3.org/2006/vcard/ns#organization-name",
    "http://www.w3.org/2006/vcard/ns#hasEmail",
    "http://www.w3.org/2006/vcard/ns#hasTelephone",
)

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def prefixes_for(base_uri: str) -> dict[str, str]:
    """The common prefixes plus ``kd:`` for the vocabulary of this deployment."""
    return {"kd": base_uri + "def/", **PREFIXES}


# --------------------------------------------------------------------------- errors


class StoreError(Exception):
    """A store could not answer."""


class StoreUnavailable(StoreError):
    """The store cannot be reached now; worth retrying later (HTTP 503 + Retry-After)."""

    retry_after = 10


class NoRelease(StoreUnavailable):
    """No release has been built or loaded yet."""

    retry_after = 60


class StoreBusy(StoreUnavailable):
    """Every query slot is taken by a running query."""

    retry_after = 5


class QueryTimeout(StoreError):
    """The query ran past the time limit and was stopped."""


class QuerySyntaxError(StoreError):
    """The query does not parse; the message is the parser's."""


class QueryRefused(StoreError):
    """The query is not allowed here (an update, or SERVICE when federation is off)."""


# --------------------------------------------------------------------------- query inspection

_QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                    "ADD", "WITH"}
_OPAQUE = re.compile(r'''
    \#[^\n]*                                   # a comment, to the end of the line
  | """(?:\\.|(?!""").)*(?:"""|$)              # long strings (unterminated: to the end)
  | \'\'\'(?:\\.|(?!\'\'\').)*(?:\'\'\'|$)
  | "(?:\\.|[^"\\\r\n])*(?:"|[\r\n]|$)        # short strings end at the line's end at least
  | '(?:\\.|[^'\\\r\n])*(?:'|[\r\n]|$)
  | <[^<>"{}|^`\\\x00-\x20]*>                  # an IRI
''', re.VERBOSE | re.DOTALL)
_KEYWORD = re.compile(r"(?<![\w?$:@.\-])([A-Za-z]+)(?![\w:\-])")
_IRI = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LIMIT = re.compile(r"(?<![\w?$:@.\-])LIMIT\s+(\d+)(?![\w:\-])", re.IGNORECASE)
_VALUES = re.compile(r"(?<![\w?$:@.\-])VALUES(?![\w:\-])", re.IGNORECASE)


@dataclass(frozen=True)
class QueryInfo:
    """What a quick lexical scan tells about a SPARQL request before it is run."""

    form: str | None            # SELECT, CONSTRUCT, DESCRIBE, ASK or None (not recognised)
    is_update: bool
    uses_service: bool
    limit: int | None = None    # the query's own top-level LIMIT, if any
    has_dataset: bool = False   # FROM or FROM NAMED clauses
    relative_iris: bool = False  # IRIs to resolve against a base (<s>, <../x>)
    cappable: bool = False      # a SELECT that takes an appended top-level LIMIT

    @property
    def result_kind(self) -> str | None:
        if self.form in {"SELECT", "ASK"}:
            return "solutions" if self.form == "SELECT" else "boolean"
        if self.form in {"CONSTRUCT", "DESCRIBE"}:
            return "graph"
        return None

    def rows_within(self, limit: int | None) -> bool:
        """True when the query cannot return more than ``limit`` rows (its own LIMIT)."""
        if limit is None:
            return True
        return self.form == "SELECT" and self.limit is not None and self.limit <= limit


def _blank_out(text: str) -> str:
    """Replace comments, string literals and IRIs by spaces, keeping keywords and names."""
    return _OPAQUE.sub(lambda match: " " * len(match.group(0)), text)


def _at_top_level(blanked: str, position: int) -> bool:
    before = blanked[:position]
    return before.count("{") == before.count("}")


def _top_level_limit(blanked: str) -> int | None:
    """The LIMIT outside every group (the query's own, not a subquery's)."""
    for match in _LIMIT.finditer(blanked):
        if _at_top_level(blanked, match.start()):
            return int(match.group(1))
    return None


def _takes_appended_limit(blanked: str) -> bool:
    """Whether ``LIMIT n`` may be written after the query's text: a SELECT with no LIMIT
    of its own, ending with its solution modifiers (no trailing VALUES block)."""
    return (_top_level_limit(blanked) is None
            and not any(_at_top_level(blanked, m.start()) for m in _VALUES.finditer(blanked)))


def _has_relative_iri(text: str) -> bool:
    """Whether an IRI of the query has no scheme (a ``<`` operator is no IRI: it has a space
    or another ``<`` before its ``>``, which the IRI pattern refuses)."""
    return any(not _SCHEME.match(m.group(1)) for m in _IRI.finditer(text))


_REMEMBERED_QUERY_LENGTH = 8192


def inspect_query(text: str) -> QueryInfo:
    """Find the query form, whether the text is an update, whether it uses SERVICE, and
    its own LIMIT.

    A lexical scan, not a parse: strings, IRIs and comments are blanked out, variables and
    prefixed names are skipped, so ``?service`` or ``ex:insert`` never count as keywords.
    The endpoint and the store both look at the same text, so the answers for texts of
    ordinary length are remembered (long ones are not kept in memory).
    """
    if len(text) <= _REMEMBERED_QUERY_LENGTH:
        return _inspect_remembered(text)
    return _inspect(text)


@lru_cache(maxsize=512)
def _inspect_remembered(text: str) -> QueryInfo:
    return _inspect(text)


def _inspect(text: str) -> QueryInfo:
    blanked = _blank_out(text)
    keywords = [m.group(1).upper() for m in _KEYWORD.finditer(blanked)]
    form = None
    is_update = False
    for word in keywords:
        if word in {"BASE", "PREFIX"}:
            continue
        if word in _QUERY_FORMS:
            form = word
        elif word in _UPDATE_KEYWORDS:
            is_update = True
        break
    select = form == "SELECT"
    return QueryInfo(form=form, is_update=is_update, uses_service="SERVICE" in keywords,
                     limit=_top_level_limit(blanked) if select else None,
                     has_dataset="FROM" in keywords, relative_iris=_has_relative_iri(text),
                     cappable=select and _takes_appended_limit(blanked))


# --------------------------------------------------------------------------- result formats

SOLUTION_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
_RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
DEFAULT_FORMAT = {"solutions": "json", "boolean": "json", "graph": "turtle"}


def formats_for(kind: str) -> dict[str, str]:
    """Format name → media type for a result kind (solutions, boolean, graph)."""
    return GRAPH_FORMATS if kind == "graph" else SOLUTION_FORMATS


@dataclass
class QueryResult:
    """A serialized query answer."""

    kind: str                   # "solutions", "boolean" or "graph"
    format: str                 # a key of SOLUTION_FORMATS or GRAPH_FORMATS
    body: bytes
    truncated: bool = False
    count: int | None = None    # rows or triples in the body (None: not counted)
    limit: int | None = None

    @property
    def media_type(self) -> str:
        return formats_for(self.kind)[self.format]


Rewrite = tuple[str, str] | None   # (from prefix, to prefix) for IRIs, or None


def rewrite_term(term: Any, rewrite: Rewrite) -> Any:
    """Map a NamedNode (also inside a quoted triple) from one IRI prefix onto another."""
    if rewrite is None or term is None:
        return term
    if isinstance(term, ox.NamedNode):
        source, target = rewrite
        if term.value.startswith(source):
            return ox.NamedNode(target + term.value[len(source):])
        return term
    if isinstance(term, ox.Triple):
        return ox.Triple(rewrite_term(term.subject, rewrite),
                         rewrite_term(term.predicate, rewrite),
                         rewrite_term(term.object, rewrite))
    return term


def rewrite_triples(triples: Iterable[ox.Triple], rewrite: Rewrite) -> list[ox.Triple]:
    if rewrite is None:
        return list(triples)
    return [rewrite_term(t, rewrite) for t in triples]


def _truncation_note(body: bytes, fmt: str, limit: int | None, unit: str) -> bytes:
    """Say in the body itself that it was cut, where the format has comments."""
    note = f"Result truncated at the result limit of {limit} {unit}."
    if fmt in {"turtle", "ntriples"}:
        return f"# {note}\n".encode() + body
    if fmt in {"xml", "rdfxml"}:
        comment = f"<!-- {note} -->\n".encode()
        if body.startswith(b"<?xml"):
            end = body.index(b"?>") + 2
            return body[:end] + b"\n" + comment + body[end:].lstrip(b"\n")
        return comment + body
    return body


def serialize_graph(triples: Iterable[ox.Triple], fmt: str, truncated: bool = False,
                    limit: int | None = None, prefixes: dict[str, str] | None = None) -> bytes:
    """Write triples as Turtle, N-Triples, JSON-LD or RDF/XML (a comment marks a cut)."""
    body = ox.serialize(triples, format=_RDF_FORMATS[fmt],
                        prefixes=prefixes if fmt == "turtle" else None)
    return _truncation_note(body, fmt, limit, "triples") if truncated else body


# --------------------------------------------------------------------------- rendering in Rust
#
# pyoxigraph writes results in Rust; Python only counts. Solutions go through TSV and
# triples through N-Triples, both one record per line, so a sink can count lines, stop the
# writer just past the result limit and cut exactly there; the kept lines are then parsed
# and written again in the format asked for, still in Rust.


class _Enough(Exception):
    """Raised from a sink's write() to stop a serializer: the result limit is passed."""


class _LineSink:
    """A binary sink for pyoxigraph serializers of line formats: keeps the bytes, counts
    the lines, stops the writer past ``limit`` records or past the deadline."""

    def __init__(self, limit: int | None, header_lines: int, deadline: float | None) -> None:
        self.header = header_lines
        self.cap = None if limit is None else limit + header_lines
        self.deadline = deadline
        self.chunks: list[bytes] = []
        self.lines = 0
        self.stopped = False
        self.late = False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.late = True
            raise QueryTimeout("the query ran past the time limit")
        if self.cap is not None and self.lines > self.cap:
            self.stopped = True
            raise _Enough()
        return len(chunk)

    def flush(self) -> None:
        """pyoxigraph flushes its sink when it is done."""

    def lines_kept(self) -> tuple[bytes, int, bool]:
        """(the header and at most ``limit`` records, how many records, cut?)"""
        body = b"".join(self.chunks)
        if self.cap is None or self.lines <= self.cap:
            return body, self.lines - self.header, False
        pieces = body.split(b"\n", self.cap)
        return b"\n".join(pieces[:-1]) + b"\n", self.cap - self.header, True


def _write_lines(write: Callable[..., Any], fmt: Any, limit: int | None, header_lines: int,
                 deadline: float | None) -> tuple[bytes, int, bool]:
    """Run a pyoxigraph writer (``write(sink, format=fmt)``) into a counting sink."""
    sink = _LineSink(limit, header_lines, deadline)
    try:
        write(sink, format=fmt)
    except Exception:
        if sink.late:
            raise QueryTimeout("the query ran past the time limit") from None
        if not sink.stopped:
            raise
    return sink.lines_kept()


def _rewrite_lines(text: bytes, rewrite: Rewrite, field_end: bytes) -> bytes | None:
    """Rewrite IRIs in TSV or N-Triples bytes at once, or None when some literal holds
    the prefix (then only a term-by-term rewrite is exact)."""
    if rewrite is None:
        return text
    source = b"<" + rewrite[0].encode()
    if source not in text:
        return text
    in_literal = re.compile(b'"[^' + field_end + b']*' + re.escape(source))
    if in_literal.search(text):
        return None
    return text.replace(source, b"<" + rewrite[1].encode())


def _rewrite_tsv(tsv: bytes, rewrite: Rewrite) -> bytes:
    quick = _rewrite_lines(tsv, rewrite, b"\t\n")
    if quick is not None:
        return quick
    solutions = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    names = [v.value for v in solutions.variables]
    lines = ["\t".join(f"?{name}" for name in names)]
    for solution in solutions:
        terms = (rewrite_term(solution[name], rewrite) for name in names)
        lines.append("\t".join("" if term is None else str(term) for term in terms))
    return ("\n".join(lines) + "\n").encode()


def _rewrite_ntriples(ntriples: bytes, rewrite: Rewrite) -> bytes:
    quick = _rewrite_lines(ntriples, rewrite, b"\n")
    if quick is not None:
        return quick
    triples = (rewrite_term(q.triple, rewrite) for q in ox.parse(ntriples, ox.RdfFormat.N_TRIPLES))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _most_rows(body: bytes, fmt: str) -> int:
    """At least as many as the solutions in a results document, counted in C: every row
    of JSON is an object (literals may add braces, never remove them), of XML a
    ``<result>`` element (text escapes ``<``), of CSV and TSV a line after the header."""
    if fmt == "json":
        return body.count(b"{") - 3            # the document, "head" and "results"
    if fmt == "xml":
        return body.count(b"<result>") + body.count(b"<result/>")
    return body.count(b"\n") - 1


def render_solutions(solutions: Any, fmt: str, limit: int | None, rewrite: Rewrite = None,
                     deadline: float | None = None, bounded: bool = False) -> QueryResult:
    """SELECT results in a results format, cut after ``limit`` rows. ``bounded``: the query
    cannot exceed the limit, so the rows are written once, straight in ``fmt``."""
    if (bounded or limit is None) and rewrite is None:
        return QueryResult("solutions", fmt, solutions.serialize(format=_RESULTS_FORMATS[fmt]),
                           limit=limit)
    return _render_counted(solutions, fmt, limit, rewrite, deadline)


def _render_counted(solutions: Any, fmt: str, limit: int | None, rewrite: Rewrite,
                    deadline: float | None) -> QueryResult:
    """Rows written as TSV, counted and cut after ``limit``, then written in ``fmt``."""
    tsv, count, truncated = _write_lines(solutions.serialize, ox.QueryResultsFormat.TSV,
                                         limit, 1, deadline)
    tsv = _rewrite_tsv(tsv, rewrite)
    body = tsv if fmt == "tsv" else ox.parse_query_results(
        tsv, ox.QueryResultsFormat.TSV).serialize(format=_RESULTS_FORMATS[fmt])
    if truncated:
        body = _truncation_note(body, fmt, limit, "rows")
    return QueryResult("solutions", fmt, body, truncated, count, limit)


def render_graph(write: Callable[..., Any], fmt: str, limit: int | None,
                 rewrite: Rewrite = None, deadline: float | None = None,
                 prefixes: dict[str, str] | None = None) -> QueryResult:
    """Triples (``write(sink, format=…)`` writes them) in an RDF format, cut after ``limit``."""
    ntriples, count, truncated = _write_lines(write, ox.RdfFormat.N_TRIPLES, limit, 0, deadline)
    ntriples = _rewrite_ntriples(ntriples, rewrite)
    if fmt == "ntriples":
        body = _truncation_note(ntriples, fmt, limit, "triples") if truncated else ntriples
    else:
        body = serialize_graph(ox.parse(ntriples, ox.RdfFormat.N_TRIPLES), fmt, truncated,
                               limit, prefixes)
    return QueryResult("graph", fmt, body, truncated, count, limit)


def _write_triples(triples: Iterable[Any]) -> Callable[..., Any]:
    """A writer for triples that come as Python objects (e.g. parsed from a remote store)."""
    return lambda sink, format: ox.serialize(triples, sink, format=format)


def render_result(result: Any, fmt: str | None, limit: int | None, rewrite: Rewrite = None,
                  deadline: float | None = None, prefixes: dict[str, str] | None = None,
                  bounded: bool = False) -> QueryResult:
    """Turn a pyoxigraph result (solutions, boolean, or triples) into a :class:`QueryResult`."""
    if isinstance(result, ox.QueryBoolean):
        fmt = fmt if fmt in SOLUTION_FORMATS else DEFAULT_FORMAT["boolean"]
        return QueryResult("boolean", fmt, result.serialize(format=_RESULTS_FORMATS[fmt]),
                           count=1)
    if isinstance(result, ox.QuerySolutions):
        fmt = fmt if fmt in SOLUTION_FORMATS else DEFAULT_FORMAT["solutions"]
        return render_solutions(result, fmt, limit, rewrite, deadline, bounded)
    fmt = fmt if fmt in GRAPH_FORMATS else DEFAULT_FORMAT["graph"]
    write = result.serialize if isinstance(result, ox.QueryTriples) else _write_triples(result)
    return render_graph(write, fmt, limit, rewrite, deadline, prefixes)


# --------------------------------------------------------------------------- the interface


class Store(ABC):
    """What the web app needs from a store. The app talks to nothing else."""

    kind = "abstract"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # public SPARQL ---------------------------------------------------------
    @abstractmethod
    def query(self, sparql: str, *, format: str | None = None, timeout: float | None = None,
              limit: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), rewrite: Rewrite = None,
              allow_service: bool | None = None) -> QueryResult:
        """Run a read-only query; the answer is serialized in ``format`` (a key of
        SOLUTION_FORMATS or GRAPH_FORMATS, else the kind's default), cut after ``limit``
        rows or triples. Updates are refused, SERVICE unless allowed (``allow_service``, else
        the store's limits). Raises QuerySyntaxError, QueryTimeout, QueryRefused,
        StoreUnavailable."""

    @property
    def query_base_iri(self) -> str:
        """What relative IRIs in a public query resolve against: the endpoint (the
        protocol's "service-defined BASE URI", in base-URI terms)."""
        return self.settings.base_uri + "sparql"

    def refuse_unsafe(self, sparql: str, allow_service: bool | None = None) -> QueryInfo:
        """Updates never reach a store through `query`; SERVICE only when allowed (by the
        argument, else by the store's limits). Returns what the scan found."""
        info = inspect_query(sparql)
        if info.is_update:
            raise QueryRefused("this store is read-only here: SPARQL Update is not accepted")
        if allow_service is None:
            allow_service = self.settings.limits.allow_service
        if info.uses_service and not allow_service:
            raise QueryRefused("SERVICE (federated query) is disabled")
        return info

    # trusted queries used by the pages -------------------------------------
    @abstractmethod
    def select(self, sparql: str) -> list[dict[str, Any]]:
        """Rows of pyoxigraph terms by variable name (unbound variables absent)."""

    @abstractmethod
    def construct(self, sparql: str) -> list[ox.Triple]:
        """Triples of a CONSTRUCT or DESCRIBE query."""

    def ask(self, sparql: str) -> bool:
        return bool(self.select(f"SELECT (1 AS ?yes) WHERE {{ {sparql} }} LIMIT 1"))

    # release management ----------------------------------------------------
    @abstractmethod
    def load_release(self, release_dir: Path | str) -> int:
        """Load a release folder (its ``data.trig``); returns the number of quads loaded."""

    @property
    @abstractmethod
    def version(self) -> str | None:
        """Version of the release the store currently answers from (None when empty)."""

    def info(self) -> dict[str, Any]:
        return {"store": self.kind, "version": self.version}

    def close(self) -> None:
        """Release files, processes and connections."""

    # shared helpers --------------------------------------------------------
    def describe(self, iri: str) -> list[ox.Triple]:
        """The resource's own triples, those of the parts it owns (blank nodes and hash IRIs
        ``<iri#…>``, two levels deep), the triples pointing at it, and the labels, types and
        contact details of every resource it links to (LINKED_PREDICATES)."""
        check_iri(iri)
        labels = ", ".join(f"<{p}>" for p in LINKED_PREDICATES)
        part = f'(isBlank(?x) || STRSTARTS(STR(?x), "{iri}#"))'
        sparql = f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ VALUES ?s {{ <{iri}> }} ?s ?p ?o }}
  UNION {{ <{iri}> ?p0 ?s . FILTER({part.replace("?x", "?s")}) ?s ?p ?o }}
  UNION {{ <{iri}> ?p0 ?b . FILTER({part.replace("?x", "?b")}) ?b ?p1 ?s .
           FILTER({part.replace("?x", "?s")}) ?s ?p ?o }}
  UNION {{ VALUES ?o {{ <{iri}> }} ?s ?p ?o }}
  UNION {{
    {{ SELECT DISTINCT ?s WHERE {{
      {{ <{iri}> ?p0 ?s }} UNION {{ ?s ?p0 <{iri}> }}
      UNION {{ <{iri}> ?p0 ?b . FILTER({part.replace("?x", "?b")}) ?b ?p1 ?s }}
      UNION {{ <{iri}> ?p0 ?b . FILTER({part.replace("?x", "?b")}) ?b ?p1 ?c .
               FILTER({part.replace("?x", "?c")}) ?c ?p2 ?s }}
      FILTER(isIRI(?s))
    }} }}
    ?s ?p ?o .
    FILTER(?p IN ({labels}))
  }}
}}"""
        return self.construct(sparql)

    def named_graphs(self) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(r["g"].value for r in rows if isinstance(r.get("g"), ox.NamedNode))

    def release_marker(self, version: str, built: str | None) -> list[ox.Quad]:
        """Quads recording which release a store holds (graph ``{base}graph/release``)."""
        graph = ox.NamedNode(self.settings.base_uri + "graph/release")
        quads = [ox.Quad(graph, ox.NamedNode(OWL_VERSION_INFO), ox.Literal(version), graph)]
        if built:
            quads.append(ox.Quad(graph, ox.NamedNode(DCT_MODIFIED),
                                 ox.Literal(built, datatype=ox.NamedNode(XSD_DATETIME)), graph))
        return quads


_BAD_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20\x7f]')


def check_iri(iri: str) -> str:
    """Refuse text that cannot be written as ``<iri>`` inside a SPARQL query."""
    if not iri or _BAD_IRI.search(iri) or ":" not in iri:
        raise ValueError(f"not a usable IRI: {iri!r}")
    return iri


def _rows(solutions: ox.QuerySolutions) -> list[dict[str, Any]]:
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        rows.append({n: solution[n] for n in names if solution[n] is not None})
    return rows


def read_release_info(release_dir: Path) -> dict[str, Any]:
    """``release.json`` of a release folder, with the folder name as a fallback version."""
    info: dict[str, Any] = {}
    path = Path(release_dir) / "release.json"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict):
        info = {}
    info.setdefault("version", Path(os.path.realpath(release_dir)).name)
    return info


# --------------------------------------------------------------------------- embedded store


def _dataset_options(job: dict[str, Any]) -> dict[str, Any]:
    """The RDF dataset of a query: the protocol's graphs override FROM / FROM NAMED (and a
    protocol dataset without default graphs has an empty one); with neither, the default
    graph is the union of the named graphs."""
    default_graphs = [ox.NamedNode(g) for g in job.get("default_graph_uris") or ()]
    named_graphs = [ox.NamedNode(g) for g in job.get("named_graph_uris") or ()]
    if default_graphs or named_graphs:
        options: dict[str, Any] = {"default_graph": default_graphs}
        if named_graphs:
            options["named_graphs"] = named_graphs
        return options
    if job.get("has_dataset"):
        return {}
    return {"use_default_graph_as_union": True}


def _execute_job(store: ox.Store, job: dict[str, Any]) -> QueryResult:
    """Run one public query against an open pyoxigraph store."""
    try:
        if job.get("cappable") and job.get("rewrite") is None and job.get("limit") is not None:
            capped = _execute_capped(store, job)
            if capped is not None:
                return capped
        result = store.query(job["sparql"], base_iri=job.get("base_iri"),
                             **_dataset_options(job))
        return render_result(result, job.get("format"), job.get("limit"), job.get("rewrite"),
                             prefixes=job.get("prefixes"), bounded=job.get("bounded", False))
    except SyntaxError as error:
        raise QuerySyntaxError(str(error)) from None
    except OSError as error:
        # pyoxigraph reports failed SERVICE calls and evaluation errors as OSError
        raise StoreError(str(error)) from None


def _execute_capped(store: ox.Store, job: dict[str, Any]) -> QueryResult | None:
    """A SELECT without a LIMIT of its own, run with ``LIMIT limit+1`` appended and written
    once, straight in the format asked for: the whole answer whenever a count of the
    written rows shows it cannot pass the limit, as for nearly every query. Otherwise the
    written rows are read back (in Rust), counted and cut; only CSV, which cannot be read
    back, runs the capped query again. A syntax error gives None, so that the message is
    about the text as sent."""
    limit, fmt = job["limit"], job.get("format") or DEFAULT_FORMAT["solutions"]
    capped = capped_query(job["sparql"], limit)
    options = _dataset_options(job)
    try:
        result = store.query(capped, base_iri=job.get("base_iri"), **options)
    except SyntaxError:
        return None
    if not isinstance(result, ox.QuerySolutions) or fmt not in SOLUTION_FORMATS:
        return None
    answer = capped_answer(result.serialize(format=_RESULTS_FORMATS[fmt]), fmt, limit)
    if answer is not None:
        return answer
    again = store.query(capped, base_iri=job.get("base_iri"), **options)
    return _render_counted(again, fmt, limit, None, None)


def capped_query(sparql: str, limit: int) -> str:
    """The text of a SELECT without LIMIT (``QueryInfo.cappable``) asking for one row more
    than the result limit: enough to tell whether the answer must be cut."""
    return f"{sparql}\nLIMIT {limit + 1}"


def capped_answer(body: bytes, fmt: str, limit: int) -> QueryResult | None:
    """The answer from the rows of a capped query as written in ``fmt``: the body itself
    when it cannot hold more than ``limit`` rows, else the rows read back, counted and cut
    (in Rust); None for CSV past the bound, which cannot be read back."""
    if _most_rows(body, fmt) <= limit:
        return QueryResult("solutions", fmt, body, limit=limit)
    if fmt == "csv":
        return None
    written = ox.parse_query_results(body, _RESULTS_FORMATS[fmt])
    counted = _render_counted(written, fmt, limit, None, None)
    return counted if counted.truncated else QueryResult("solutions", fmt, body, limit=limit)


def _read_frame(stream: Any) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("worker pipe closed")
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("worker pipe closed")
    return pickle.loads(data)


def _write_frame(stream: Any, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _worker_main() -> None:   # pragma: no cover - runs in a child process
    """Query worker process: read jobs on stdin, answer on stdout, until stdin closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)    # the parent decides when we stop
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr                          # nothing else may write to the pipe
    store: ox.Store | None = None
    path: str | None = None
    while True:
        try:
            job = _read_frame(requests)
        except EOFError:
            return
        if job is None:
            return
        try:
            if job["path"] != path:
                store = None
                gc.collect()
                store = ox.Store.read_only(job["path"])
                path = job["path"]
            answer: tuple[str, Any] = ("ok", _execute_job(store, job))
        except QuerySyntaxError as error:
            answer = ("syntax", str(error))
        except Exception as error:  # noqa: BLE001 - reported to the parent as a message
            answer = ("error", f"{type(error).__name__}: {error}")
        try:
            _write_frame(answers, answer)
        except (OSError, ValueError):
            return


def _widen_pipe(stream: Any, size: int = 1 << 20) -> None:
    """Let a result of a few MB cross in a few writes instead of one per 64 KiB (Linux;
    elsewhere, or above the system's pipe-max-size, the default stays)."""
    import fcntl

    try:
        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except (OSError, ValueError):
        pass


class _Worker:
    """One query worker: a Python child process speaking length-prefixed pickles on pipes."""

    def __init__(self) -> None:
        package_parent = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [package_parent] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from publisher.store import _worker_main; _worker_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        _widen_pipe(self.process.stdout)

    def send(self, job: Any) -> None:
        _write_frame(self.process.stdin, job)

    def wait_readable(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, timeout))
        return bool(ready)

    def receive(self) -> Any:
        return _read_frame(self.process.stdout)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.process.kill()
            else:
                self.process.stdin.close()
        except (OSError, ValueError):
            pass
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=2)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except (OSError, ValueError):
                pass


def _past_the_limit(timeout: float) -> QueryTimeout:
    """The error of a query stopped (or given up on) at the time limit."""
    return QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped")


class QueryProcessPool:
    """A few long-lived worker processes; a query past its deadline gets its process killed.

    Killing is the only way to stop a running pyoxigraph query. Workers are plain child
    processes (``python -c``), started lazily, so nothing depends on how the parent was
    started; a killed worker is replaced on the next request.
    """

    def __init__(self, size: int = 2) -> None:
        self.size = max(1, size)
        self._idle: list[_Worker] = []
        self._running = 0
        self._cond = threading.Condition()
        self._closed = False
        self.killed = 0

    def _acquire(self, deadline: float) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise StoreUnavailable("the store is closed")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    self._running -= 1
                if self._running < self.size:
                    self._running += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StoreBusy("all query workers are busy with other queries; "
                                    "try again shortly")
                self._cond.wait(remaining)
        try:
            return _Worker()
        except Exception:
            with self._cond:
                self._running -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if self._closed:
                worker.stop()
            else:
                self._idle.append(worker)
            self._cond.notify()

    def _discard(self, worker: _Worker) -> None:
        worker.stop(kill=True)
        with self._cond:
            self._running -= 1
            self._cond.notify()

    def run(self, job: dict[str, Any], timeout: float, store: Any = None) -> QueryResult:
        """``job`` in a worker process (which opens ``job["path"]``; ``store`` is unused)."""
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        try:
            worker.send(job)
            if not worker.wait_readable(deadline - time.monotonic()):
                self.killed += 1
                self._discard(worker)
                raise _past_the_limit(timeout)
            status, payload = worker.receive()
        except (EOFError, OSError, ValueError, pickle.UnpicklingError) as error:
            self._discard(worker)
            raise StoreError(f"the query worker failed: {error}") from None
        self._release(worker)
        if status == "ok":
            return payload
        if status == "syntax":
            raise QuerySyntaxError(payload)
        raise StoreError(payload)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.stop()


class _InlineTask:
    """One query for an :class:`InlineEvaluator` thread, and its outcome."""

    __slots__ = ("store", "job", "done", "result", "error")

    def __init__(self, store: ox.Store, job: dict[str, Any]) -> None:
        self.store, self.job = store, job
        self.done = threading.Event()
        self.result: QueryResult | None = None
        self.error: BaseException | None = None


#: How the request being answered can be ended from another thread if its query overruns:
#: a function given the message (the web layer sets it around ``Store.query`` when its
#: server allows it); None when it cannot be, and the query is handed to a query thread.
end_request: ContextVar[Callable[[str], None] | None] = ContextVar("end_request",
                                                                   default=None)


class _Watch:
    __slots__ = ("deadline", "end", "expired")

    def __init__(self, deadline: float, end: Callable[[str], None]) -> None:
        self.deadline, self.end, self.expired = deadline, end, False


class _Watchdog:
    """One thread per process ending the requests whose query is past its deadline; it
    looks every ``period`` seconds, which is the precision of the time limit."""

    period = 0.05

    def __init__(self, on_expiry: Callable[[], None]) -> None:
        self.on_expiry = on_expiry
        self._watched: set[_Watch] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float, end: Callable[[str], None]) -> _Watch:
        watch = _Watch(deadline, end)
        with self._lock:
            self._watched.add(watch)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="query-watchdog")
                self._thread.start()
        return watch

    def unwatch(self, watch: _Watch) -> bool:
        """Stop watching; True when the watchdog had already ended the request."""
        with self._lock:
            self._watched.discard(watch)
            return watch.expired

    def _run(self) -> None:
        while True:
            time.sleep(self.period)
            now = time.monotonic()
            with self._lock:
                due = [w for w in self._watched if w.deadline <= now]
                for watch in due:
                    watch.expired = True
                    self._watched.discard(watch)
            for watch in due:
                try:
                    watch.end("the query did not finish within the time limit and was "
                              "stopped")
                except Exception:  # noqa: BLE001 - the client may be gone already
                    pass
                self.on_expiry()


class InlineEvaluator:
    """Queries evaluated in this process, for a server whose process can be retired when
    a query overruns (the gunicorn worker of ``publisher serve``, :mod:`publisher.web.worker`).

    pyoxigraph releases the GIL while it evaluates, so the process keeps answering beside
    a long query, and no job crosses a pipe. A running query cannot be stopped, though.
    When the web layer can end the request from another thread (``end_request``), the
    query runs right in the request's thread and a watchdog answers the request at the
    deadline; otherwise it is handed to one of a few daemon threads and the request stops
    waiting at the deadline. Either way ``retire`` is called on an overrun: the worker
    stops taking requests, finishes the ones it has and exits, which ends the runaway
    query; the other workers answer meanwhile and gunicorn starts a fresh one. At most
    ``size`` queries run at once (:class:`StoreBusy` beyond).
    """

    def __init__(self, size: int, retire: Callable[[], None]) -> None:
        self.size = max(1, size)
        self.retire = retire
        self._slots = threading.BoundedSemaphore(self.size)
        self._tasks: queue.SimpleQueue[_InlineTask] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._watchdog = _Watchdog(self._overran)
        self.overruns = 0
        #: Requests ended by the watchdog whose query (and thread) still runs.
        self.stuck = 0
        _EVALUATORS.add(self)

    def _overran(self, holds_request: bool = True) -> None:
        with self._lock:
            self.overruns += 1
            self.stuck += holds_request
        self.retire()

    def _returned(self) -> None:
        """A query whose request was ended by the watchdog has finished after all."""
        with self._lock:
            self.stuck -= 1

    def run(self, job: dict[str, Any], timeout: float, store: ox.Store) -> QueryResult:
        if not self._slots.acquire(timeout=max(0.0, timeout)):
            raise StoreBusy("all query threads are busy with other queries; try again shortly")
        end = end_request.get()
        if end is None:
            return self._hand_over(job, timeout, store)
        try:
            watch = self._watchdog.watch(time.monotonic() + timeout, end)
            try:
                result = _execute_job(store, job)
            finally:
                ended = self._watchdog.unwatch(watch)
                if ended:
                    self._returned()
        finally:
            self._slots.release()
        if ended:
            raise _past_the_limit(timeout)
        return result

    def _hand_over(self, job: dict[str, Any], timeout: float, store: ox.Store) -> QueryResult:
        """Run ``job`` on a query thread (which releases the slot), waiting ``timeout``."""
        task = _InlineTask(store, job)
        try:
            self._ensure_threads()
            self._tasks.put(task)
        except BaseException:
            self._slots.release()
            raise
        if not task.done.wait(timeout):
            with self._lock:                # not done now: it cannot finish in between
                late = not task.done.is_set()
            if late:
                self._overran(holds_request=False)     # its request answers right here
                raise _past_the_limit(timeout)
        if task.error is not None:
            raise task.error
        assert task.result is not None
        return task.result

    def _ensure_threads(self) -> None:
        if len(self._threads) >= self.size:
            return
        with self._lock:
            while len(self._threads) < self.size:
                thread = threading.Thread(target=self._serve, daemon=True,
                                          name=f"query-{len(self._threads)}")
                thread.start()
                self._threads.append(thread)

    def _serve(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                task.result = _execute_job(task.store, task.job)
            except BaseException as error:  # noqa: BLE001 - handed to the waiting request
                task.error = error
            finally:
                with self._lock:
                    task.done.set()
                self._slots.release()

    def running(self) -> int:
        """Queries still evaluating (a runaway one among them after an overrun)."""
        return self.size - self._slots._value  # noqa: SLF001 - a count, read only

    def close(self) -> None:
        """Nothing to stop: the threads are daemons and end with the process."""


_EVALUATORS: "weakref.WeakSet[InlineEvaluator]" = weakref.WeakSet()


def queries_past_their_limit() -> int:
    """Requests of this process ended by the watchdog whose query still runs (a retiring
    worker waits for every other request, not for these)."""
    return sum(evaluator.stuck for evaluator in list(_EVALUATORS))


#: Set by a server process that may be retired and replaced (see InlineEvaluator).
_retire_process: Callable[[], None] | None = None


def evaluate_queries_in_process(retire: Callable[[], None] | None) -> None:
    """From now on, embedded stores opened in this process evaluate queries on its own
    threads and call ``retire`` when a query overruns; None restores worker processes."""
    global _retire_process
    _retire_process = retire


@dataclass
class _Loaded:
    key: str
    path: Path
    version: str
    info: dict[str, Any]
    store: ox.Store = field(repr=False)


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class EmbeddedStore(Store):
    """pyoxigraph on disk, one read-only database per release, following ``latest``."""

    kind = "embedded"

    def __init__(self, settings: Settings, release: Path | str | None = None,
                 pool_size: int | None = None) -> None:
        super().__init__(settings)
        self.release_path = Path(release) if release else settings.releases_dir / "latest"
        self.root = Path(settings.data_dir) / "oxigraph"
        self._lock = threading.RLock()
        self._current: _Loaded | None = None
        self._probe_cache: tuple[Any, Any] | None = None
        self._resolved: tuple[Any, Any] | None = None
        default = min(4, max(2, os.cpu_count() or 2))
        size = pool_size if pool_size is not None else int(
            os.environ.get("PUBLISHER_QUERY_WORKERS", str(default)))
        self.pool: QueryProcessPool | InlineEvaluator = (
            QueryProcessPool(size) if _retire_process is None
            else InlineEvaluator(size, _retire_process))

    # which release should be served ----------------------------------------
    def _glance(self) -> tuple[int, ...] | None:
        """Two stats that change whenever ``latest`` is re-pointed (a new link is a new
        inode) or the release's ``release.json`` is rewritten; None when there is none."""
        try:
            link = os.lstat(self.release_path)
            info = os.stat(os.path.join(self.release_path, "release.json"))
        except OSError:
            return None
        return (link.st_ino, link.st_mtime_ns, info.st_dev, info.st_ino, info.st_mtime_ns,
                info.st_size)

    def _probe(self) -> tuple[Path, str, dict[str, Any]] | None:
        """Which release to serve, cheaply: an unchanged glance reuses the last answer,
        otherwise the link is resolved and the release fingerprinted."""
        glance = self._glance()
        cached = self._probe_cache
        if glance is not None and cached is not None and cached[0] == glance:
            return cached[1]
        result = self._resolve()
        self._probe_cache = (glance, result) if glance is not None else None
        return result

    def _resolve(self) -> tuple[Path, str, dict[str, Any]] | None:
        """Resolve the release link and fingerprint it: one realpath and one stat."""
        real = Path(os.path.realpath(self.release_path))
        try:
            stat = os.stat(real / "release.json")
            signature: Any = (str(real), stat.st_mtime_ns, stat.st_size)
        except OSError:
            try:
                stat = os.stat(real / "data.trig")
            except OSError:
                return None
            signature = (str(real), "trig", stat.st_mtime_ns, stat.st_size)
        cached = self._resolved
        if cached is not None and cached[0] == signature:
            return cached[1]
        info = read_release_info(real)
        version = str(info.get("version"))
        fingerprint = hashlib.sha256(repr(signature[1:]).encode()
                                     + json.dumps(info, sort_keys=True).encode()).hexdigest()[:12]
        key = f"{_SAFE.sub('_', version)[:80]}-{fingerprint}"
        result = (real, key, info)
        self._resolved = (signature, result)
        return result

    def _ensure(self) -> _Loaded:
        probe = self._probe()
        current = self._current
        if probe is None:
            if current is not None:
                return current     # the release folder vanished: keep answering
            raise NoRelease(f"no release found at {self.release_path.name!r}; build one with "
                            "`publisher build` (or `make build`)")
        release_dir, key, info = probe
        if current is not None and current.key == key:
            return current
        with self._lock:
            current = self._current
            if current is not None and current.key == key:
                return current
            path = self._build(release_dir, key, info)
            store = ox.Store.read_only(str(path))
            self._current = _Loaded(key, path, str(info.get("version")), info, store)
            self._cleanup(keep={key, current.key if current else key})
            return self._current

    def _build(self, release_dir: Path, key: str, info: dict[str, Any]) -> Path:
        """Load ``data.trig`` into ``root/key`` once, under a lock shared by all processes."""
        target = self.root / key
        if target.is_dir():
            return target
        self.root.mkdir(parents=True, exist_ok=True)
        trig = release_dir / "data.trig"
        if not trig.is_file():
            raise NoRelease(f"release {release_dir.name!r} has no data.trig")
        import fcntl

        with open(self.root / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if target.is_dir():
                    return target
                temp = self.root / f".{key}.tmp-{os.getpid()}-{threading.get_ident()}"
                shutil.rmtree(temp, ignore_errors=True)
                try:
                    self._write_database(temp, trig, info)
                except SyntaxError as error:
                    gc.collect()
                    shutil.rmtree(temp, ignore_errors=True)
                    raise StoreError(f"{trig.name} of release {release_dir.name!r} does not "
                                     f"parse: {error}") from None
                gc.collect()
                (temp / "publisher-release.json").write_text(
                    json.dumps(info, ensure_ascii=False), encoding="utf-8")
                os.rename(temp, target)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return target

    def _write_database(self, folder: Path, trig: Path, info: dict[str, Any]) -> None:
        """Bulk-load the TriG and the release marker; the writer is closed on return."""
        writer = ox.Store(str(folder))
        writer.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
        writer.extend(self.release_marker(str(info.get("version")), info.get("built")))
        writer.flush()

    def _cleanup(self, keep: set[str]) -> None:
        """Keep the databases in use and the two newest others; drop older ones."""
        try:
            entries = [p for p in self.root.iterdir() if p.is_dir()]
        except OSError:
            return
        stale = [p for p in entries if p.name.startswith(".") and ".tmp-" in p.name
                 and time.time() - p.stat().st_mtime > 3600]
        others = sorted((p for p in entries if not p.name.startswith(".") and p.name not in keep),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for path in stale + others[2:]:
            shutil.rmtree(path, ignore_errors=True)

    # the interface ---------------------------------------------------------
    @property
    def version(self) -> str | None:
        try:
            return self._ensure().version
        except NoRelease:
            return None

    def info(self) -> dict[str, Any]:
        loaded = self._ensure()
        return {"store": self.kind, "version": loaded.version, "release": loaded.info}

    def load_release(self, release_dir: Path | str) -> int:
        self.release_path = Path(release_dir)
        self._probe_cache = self._resolved = None
        loaded = self._ensure()
        marker = self.release_marker(loaded.version, loaded.info.get("built"))
        return len(loaded.store) - len(marker)      # the quads of data.trig

    def query(self, sparql: str, *, format: str | None = None, timeout: float | None = None,
              limit: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), rewrite: Rewrite = None,
              allow_service: bool | None = None) -> QueryResult:
        info = self.refuse_unsafe(sparql, allow_service)
        loaded = self._ensure()
        limit = self.settings.limits.result_limit if limit is None else limit
        job = {"path": str(loaded.path), "sparql": sparql, "format": format, "limit": limit,
               "bounded": info.rows_within(limit), "cappable": info.cappable,
               "has_dataset": info.has_dataset,
               "base_iri": self.query_base_iri,
               "default_graph_uris": list(default_graph_uris),
               "named_graph_uris": list(named_graph_uris), "rewrite": rewrite,
               "prefixes": prefixes_for(self.settings.base_uri)}
        timeout = self.settings.limits.query_timeout_seconds if timeout is None else timeout
        return self.pool.run(job, timeout, loaded.store)

    def select(self, sparql: str) -> list[dict[str, Any]]:
        result = self._ensure().store.query(sparql, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return [{}] if result else []
        return _rows(result)

    def construct(self, sparql: str) -> list[ox.Triple]:
        return list(self._ensure().store.query(sparql, use_default_graph_as_union=True))

    def close(self) -> None:
        self.pool.close()
        with self._lock:
            self._current = None
        gc.collect()


# --------------------------------------------------------------------------- remote store


def _read_failure(error: OSError, timeout: float) -> StoreError:
    """What a failure while reading the remote store's answer means for the request."""
    if _is_timeout(error):
        return QueryTimeout(f"the SPARQL store did not answer within {timeout:g} s")
    return StoreUnavailable(f"the SPARQL store connection failed: {error}")


def _remote_message(error: Exception) -> str:
    """The response body SPARQLWrapper folded into its exception message."""
    text = str(error)
    marker = "Response:\n"
    if marker in text:
        try:
            raw = ast.literal_eval(text[text.index(marker) + len(marker):].strip())
            if isinstance(raw, bytes):
                return raw.decode("utf-8", "replace").strip()
        except (ValueError, SyntaxError):
            pass
    return text


def _is_timeout(error: BaseException) -> bool:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, (socket.timeout, TimeoutError)):
            return True
        if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
            error = error.reason
            continue
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


#: A graph name no release uses: as the only default graph it makes the default graph empty.
EMPTY_GRAPH = "urn:x-kuntadigi:no-graph"
_REMOTE_JSON_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_REMOTE_TSV_ACCEPT = ("text/tab-separated-values, application/sparql-results+json;q=0.9, "
                      "application/sparql-results+xml;q=0.8")
_REMOTE_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"


class RemoteStore(Store):
    """Any SPARQL 1.1 store: queries through SPARQLWrapper, loading through the Graph Store
    Protocol. ``url`` is the server's base (Oxigraph: ``/query`` and ``/store`` below it)."""

    kind = "remote"
    version_cache_seconds = 2.0

    def __init__(self, url: str, settings: Settings, *, query_endpoint: str | None = None,
                 graph_store_endpoint: str | None = None,
                 union_default_graph: bool = True) -> None:
        super().__init__(settings)
        base = url.rstrip("/")
        for suffix in ("/query", "/sparql"):
            if query_endpoint is None and base.endswith(suffix):
                query_endpoint = base
                base = base[: -len(suffix)]
        self.url = base
        self.query_endpoint = query_endpoint or base + "/query"
        self.graph_store_endpoint = graph_store_endpoint or base + "/store"
        self.union_default_graph = union_default_graph
        self._version: tuple[float, str | None] | None = None

    # transport -------------------------------------------------------------
    def _open(self, sparql: str, accept: str, timeout: float,
              default_graph_uris: Sequence[str] = (), named_graph_uris: Sequence[str] = ()):
        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound,
                                                    QueryBadFormed, SPARQLWrapperException)

        wrapper = SPARQLWrapper(self.query_endpoint)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)
        wrapper.setQuery(sparql)
        wrapper.addCustomHttpHeader("Accept", accept)
        wrapper.timeout = timeout       # setTimeout() would round down to whole seconds
        for uri in default_graph_uris:
            wrapper.addParameter("default-graph-uri", uri)
        for uri in named_graph_uris:
            wrapper.addParameter("named-graph-uri", uri)
        try:
            return wrapper.query().response
        except QueryBadFormed as error:
            raise QuerySyntaxError(_remote_message(error)) from None
        except (EndPointNotFound, EndPointInternalError) as error:
            raise StoreUnavailable(f"the SPARQL store answered: {_remote_message(error)}") from None
        except SPARQLWrapperException as error:
            raise StoreError(_remote_message(error)) from None
        except urllib.error.HTTPError as error:
            if error.code in (502, 503, 504, 429):
                raise StoreUnavailable(f"the SPARQL store is unavailable (HTTP {error.code})") from None
            if error.code == 408:
                raise QueryTimeout("the SPARQL store stopped the query (time limit)") from None
            raise StoreError(f"the SPARQL store answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            if _is_timeout(error):
                raise QueryTimeout(f"the SPARQL store did not answer within {timeout:g} s") from None
            raise StoreUnavailable(f"the SPARQL store at {self.url} cannot be reached") from None

    def _run(self, sparql: str, timeout: float, default_graph_uris: Sequence[str] = (),
             named_graph_uris: Sequence[str] = (), accept: str | None = None) -> tuple[str, Any]:
        """Send a query; returns (kind, parsed pyoxigraph result reading the response)."""
        media, response = self._request(sparql, timeout, default_graph_uris, named_graph_uris,
                                        accept)
        return self._parse(media, response)

    def _request(self, sparql: str, timeout: float, default_graph_uris: Sequence[str] = (),
                 named_graph_uris: Sequence[str] = (), accept: str | None = None) -> tuple[str, Any]:
        """Send a query; returns (media type of the answer, the open response)."""
        if accept is None:
            accept = (_REMOTE_GRAPH_ACCEPT if inspect_query(sparql).result_kind == "graph"
                      else _REMOTE_JSON_ACCEPT)
        response = self._open(sparql, accept, timeout, default_graph_uris, named_graph_uris)
        media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        return media, response

    @staticmethod
    def _parse(media: str, response: Any) -> tuple[str, Any]:
        results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
        try:
            if results_format is not None:
                return "solutions", ox.parse_query_results(response, results_format)
            rdf_format = ox.RdfFormat.from_media_type(media) if media else None
            if rdf_format is None:
                rdf_format = ox.RdfFormat.N_TRIPLES
            return "graph", (quad.triple for quad in ox.parse(response, rdf_format))
        except SyntaxError as error:
            raise StoreError(f"unreadable answer from the SPARQL store: {error}") from None

    # the interface ---------------------------------------------------------
    def query(self, sparql: str, *, format: str | None = None, timeout: float | None = None,
              limit: int | None = None, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), rewrite: Rewrite = None,
              allow_service: bool | None = None) -> QueryResult:
        info = self.refuse_unsafe(sparql, allow_service)
        timeout = self.settings.limits.query_timeout_seconds if timeout is None else timeout
        limit = self.settings.limits.result_limit if limit is None else limit
        deadline = time.monotonic() + timeout
        if named_graph_uris and not default_graph_uris:
            default_graph_uris = [EMPTY_GRAPH]      # the protocol's dataset: no default graph
        kind = info.result_kind or "solutions"
        fmt = format if format in formats_for(kind) else DEFAULT_FORMAT[kind]
        as_is = kind != "graph" and rewrite is None and (kind == "boolean"
                                                         or info.rows_within(limit))
        accept = SOLUTION_FORMATS[fmt] if as_is else (
            _REMOTE_GRAPH_ACCEPT if kind == "graph" else _REMOTE_TSV_ACCEPT)
        if info.relative_iris:       # the same base as the embedded store's
            sparql = f"BASE <{self.query_base_iri}>\n{sparql}"
        if not as_is and info.cappable and rewrite is None and kind == "solutions":
            answer = self._capped(sparql, fmt, limit, timeout, default_graph_uris,
                                  named_graph_uris)
            if answer is not None:
                return answer
        media, response = self._request(sparql, timeout, default_graph_uris, named_graph_uris,
                                        accept)
        try:
            if as_is and media == SOLUTION_FORMATS[fmt]:
                return QueryResult(kind, fmt, response.read(), limit=limit)
            _, result = self._parse(media, response)
            return render_result(result, fmt, limit, rewrite, deadline,
                                 prefixes_for(self.settings.base_uri),
                                 bounded=info.rows_within(limit))
        except SyntaxError as error:
            raise StoreError(f"unreadable answer from the SPARQL store: {error}") from None
        except OSError as error:
            raise _read_failure(error, timeout) from None
        finally:
            response.close()        # a result cut at the limit is not read to its end

    def _capped(self, sparql: str, fmt: str, limit: int, timeout: float,
                default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]
                ) -> QueryResult | None:
        """A SELECT without LIMIT asked with ``LIMIT limit+1`` straight in ``fmt`` (see
        :func:`capped_answer`); None sends the caller the counted way: a syntax error (its
        message is then about the text as sent), a store answering another format, or CSV
        past the bound."""
        try:
            media, response = self._request(capped_query(sparql, limit), timeout,
                                            default_graph_uris, named_graph_uris,
                                            SOLUTION_FORMATS[fmt])
        except QuerySyntaxError:
            return None
        try:
            if media != SOLUTION_FORMATS[fmt]:
                return None
            return capped_answer(response.read(), fmt, limit)
        except OSError as error:
            raise _read_failure(error, timeout) from None
        finally:
            response.close()

    def select(self, sparql: str) -> list[dict[str, Any]]:
        kind, result = self._run(sparql, self.settings.limits.query_timeout_seconds)
        if isinstance(result, ox.QueryBoolean):
            return [{}] if result else []
        if kind != "solutions":
            raise StoreError("expected SELECT results from the SPARQL store")
        return _rows(result)

    def construct(self, sparql: str) -> list[ox.Triple]:
        kind, result = self._run(sparql, self.settings.limits.query_timeout_seconds)
        if kind != "graph":
            raise StoreError("expected a graph from the SPARQL store")
        try:
            return list(result)
        except SyntaxError as error:
            raise StoreError(f"unreadable answer from the SPARQL store: {error}") from None

    @property
    def version(self) -> str | None:
        now = time.monotonic()
        if self._version is not None and now - self._version[0] < self.version_cache_seconds:
            return self._version[1]
        graph = self.settings.base_uri + "graph/release"
        rows = self.select(f"SELECT ?v WHERE {{ GRAPH <{graph}> {{ <{graph}> <{OWL_VERSION_INFO}> ?v }} }} LIMIT 1")
        version = rows[0]["v"].value if rows else None
        self._version = (now, version)
        return version

    def info(self) -> dict[str, Any]:
        return {"store": self.kind, "version": self.version, "endpoint": self.query_endpoint}

    def _put(self, graph: str | None, triples: Iterable[ox.Triple]) -> None:
        target = self.graph_store_endpoint + (
            "?default" if graph is None else "?graph=" + urllib.parse.quote(graph, safe=""))
        body = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
        self._send("PUT", target, body)

    def _send(self, method: str, target: str, body: bytes | None = None) -> None:
        request = urllib.request.Request(target, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/n-triples")
        try:
            with urllib.request.urlopen(request, timeout=max(60.0, self.settings.limits.query_timeout_seconds)) as response:
                response.read()
        except urllib.error.HTTPError as error:
            if method == "DELETE" and error.code == 404:
                return
            detail = error.read().decode("utf-8", "replace")[:500]
            raise StoreError(f"{method} {target} failed with HTTP {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise StoreUnavailable(f"the SPARQL store at {self.url} cannot be reached: {error}") from None

    def load_release(self, release_dir: Path | str) -> int:
        """PUT every named graph of ``data.trig``, the union into the default graph, drop
        graphs of an older release that are gone, and record the version last."""
        release_dir = Path(release_dir)
        trig = release_dir / "data.trig"
        if not trig.is_file():
            raise NoRelease(f"no data.trig in {release_dir}")
        info = read_release_info(release_dir)
        graphs: OrderedDict[str | None, list[ox.Triple]] = OrderedDict()
        count = 0
        try:
            for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
                name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
                graphs.setdefault(name, []).append(quad.triple)
                count += 1
        except SyntaxError as error:
            raise StoreError(f"{trig} does not parse: {error}") from None
        marker = self.settings.base_uri + "graph/release"
        existing = set(self.named_graphs())
        for name, triples in graphs.items():
            if name is not None:
                self._put(name, triples)
        if self.union_default_graph:
            union: dict[ox.Triple, None] = {}
            for triples in graphs.values():
                union.update(dict.fromkeys(triples))
            self._put(None, union)
        elif None in graphs:
            self._put(None, graphs[None])
        prefix = self.settings.base_uri + "graph/"
        for name in existing:
            if name.startswith(prefix) and name not in graphs and name != marker:
                self._send("DELETE", self.graph_store_endpoint + "?graph="
                           + urllib.parse.quote(name, safe=""))
        self._put(marker, [q.triple for q in self.release_marker(str(info.get("version")),
                                                                 info.get("built"))])
        self._version = None
        return count


# --------------------------------------------------------------------------- factory


def open_store(url_or_embedded: str | None, settings: Settings,
               release: Path | str | None = None) -> Store:
    """``"embedded"`` (or empty) → :class:`EmbeddedStore`; an http(s) URL → :class:`RemoteStore`."""
    target = (url_or_embedded or "embedded").strip()
    if target.lower() == "embedded":
        return EmbeddedStore(settings, release=release)
    if target.startswith(("http://", "https://")):
        return RemoteStore(target, settings)
    raise ValueError(f"unknown store {target!r}: use 'embedded' or an http(s) URL")


__all__ = [
    "Store", "EmbeddedStore", "RemoteStore", "open_store", "QueryResult", "QueryInfo",
    "inspect_query", "StoreError", "StoreUnavailable", "NoRelease", "StoreBusy",
    "QueryTimeout", "QuerySyntaxError", "QueryRefused", "SOLUTION_FORMATS", "GRAPH_FORMATS",
    "LABEL_PREDICATES", "PREFIXES", "prefixes_for", "read_release_info", "check_iri",
    "serialize_graph", "rewrite_term", "rewrite_triples", "QueryProcessPool",
    "InlineEvaluator", "evaluate_queries_in_process", "end_request",
    "queries_past_their_limit",
]
