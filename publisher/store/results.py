"""Query answers as bytes: the formats offered, and writing a result cut at the row limit.

pyoxigraph writes every result (Rust, no Python loop per row). A result that could pass the
limit is written as TSV or N-Triples, one record per line, counted and cut there, then
written again in the format asked for; the body itself says it was cut where the format has
comments, and JSON and XML results get a mark clients skip (:func:`mark_truncated`, which the
web applies: it knows the URL of the note about the limit). Both stores and the query
processes use these functions, so an answer is the same whichever store gave it.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from publisher.store.errors import QueryTimeout

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
RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
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


def mark_truncated(body: bytes, fmt: str, limit: int | None, note_url: str) -> bytes:
    """Say in a results document cut at the limit that it was, where clients skip what they
    do not know: JSON gets ``head.link`` (the URL of a note about the limit) and top-level
    ``"truncated": true`` with ``"resultLimit"``; XML a ``<link href>`` in its head (both
    forms allowed by the results formats). CSV and TSV rely on the X-Result-Truncated
    header; RDF answers keep their comment (:func:`_truncation_note`)."""
    if fmt == "json":
        return _mark_json(body, limit, note_url)
    if fmt == "xml":
        link = b"<link href=" + quoteattr(note_url).encode() + b"/>"
        if b"</head>" in body:
            return body.replace(b"</head>", link + b"</head>", 1)
        if b"<head/>" in body:
            return body.replace(b"<head/>", b"<head>" + link + b"</head>", 1)
    return body


def _mark_json(body: bytes, limit: int | None, note_url: str) -> bytes:
    """The marks go before ``results``: streaming readers (pyoxigraph's among them) stop
    at the end of the bindings and refuse anything after. pyoxigraph writes
    ``{"head":{"vars":[…]},…}`` (variable names hold no ``]``), so the marks go in place;
    any other form is read and written again."""
    start = b'{"head":{"vars":['
    marks = b',"truncated":true,"resultLimit":' + json.dumps(limit).encode()
    if body.startswith(start):
        after_vars = body.index(b"]", len(start)) + 1
        if body[after_vars:after_vars + 1] == b"}":
            return (body[:after_vars] + b',"link":[' + json.dumps(note_url).encode() + b"]}"
                    + marks + body[after_vars + 1:])
    document = json.loads(body)
    head = document.pop("head", {})
    head.setdefault("link", []).append(note_url)
    document = {"head": head, "truncated": True, "resultLimit": limit, **document}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def serialize_graph(triples: Iterable[ox.Triple], fmt: str, truncated: bool = False,
                    limit: int | None = None, prefixes: dict[str, str] | None = None) -> bytes:
    """Write triples as Turtle, N-Triples, JSON-LD or RDF/XML (a comment marks a cut)."""
    body = ox.serialize(triples, format=RDF_FORMATS[fmt],
                        prefixes=prefixes if fmt == "turtle" else None)
    return _truncation_note(body, fmt, limit, "triples") if truncated else body




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
        return QueryResult("solutions", fmt, solutions.serialize(format=RESULTS_FORMATS[fmt]),
                           limit=limit)
    return render_counted(solutions, fmt, limit, rewrite, deadline)


def render_counted(solutions: Any, fmt: str, limit: int | None, rewrite: Rewrite,
                    deadline: float | None) -> QueryResult:
    """Rows written as TSV, counted and cut after ``limit``, then written in ``fmt``."""
    tsv, count, truncated = _write_lines(solutions.serialize, ox.QueryResultsFormat.TSV,
                                         limit, 1, deadline)
    tsv = _rewrite_tsv(tsv, rewrite)
    body = tsv if fmt == "tsv" else ox.parse_query_results(
        tsv, ox.QueryResultsFormat.TSV).serialize(format=RESULTS_FORMATS[fmt])
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
        return QueryResult("boolean", fmt, result.serialize(format=RESULTS_FORMATS[fmt]),
                           count=1)
    if isinstance(result, ox.QuerySolutions):
        fmt = fmt if fmt in SOLUTION_FORMATS else DEFAULT_FORMAT["solutions"]
        return render_solutions(result, fmt, limit, rewrite, deadline, bounded)
    fmt = fmt if fmt in GRAPH_FORMATS else DEFAULT_FORMAT["graph"]
    write = result.serialize if isinstance(result, ox.QueryTriples) else _write_triples(result)
    return render_graph(write, fmt, limit, rewrite, deadline, prefixes)


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
    written = ox.parse_query_results(body, RESULTS_FORMATS[fmt])
    counted = render_counted(written, fmt, limit, None, None)
    return counted if counted.truncated else QueryResult("solutions", fmt, body, limit=limit)
