"""A small static Linked Data Event Stream served on loopback: Turtle pages in a folder, served
by `http.server` in a thread, for learning and proving what an LDES client needs.

The stream (SEMIC LDES, https://w3id.org/ldes/specification, on TREE,
https://w3id.org/tree/specification):

    /ldes            the ldes:EventStream: timestampPath prov:generatedAtTime, versionOfPath
                     dct:isVersionOf, versionDeletePath rdf:type, versionDeleteObject as:Delete,
                     tree:view the first page
    /ldes/page/1     thing 1 and thing 2, first versions (2026-01-01); a
                     tree:GreaterThanOrEqualToRelation on prov:generatedAtTime ≥ 2026-02-01 to
    /ldes/page/2     thing 1, second version, and thing 2 deleted (2026-02-01)
    /ldes/page/3     (after `add_third_page`) thing 1, third version, and thing 3 (2026-03-01);
                     page 2 then links to it (≥ 2026-03-01)

Every page is a tree:Node with the stream's `tree:member` triples. A member is a version IRI;
by default (Turtle, `text/turtle`) its own triples (subject: the version) are its description;
with `named_graphs=True` (TriG, `application/trig`) the version IRI carries only its version-of
and timestamp triples and the thing's description (subject: the thing) is in the named graph
the version IRI names. A deletion is the version typed as:Delete, with no description.
`immutable` pages say `Cache-Control: immutable`. The server records each path it answered so
tests can see what a client fetched.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PREFIXES = """@prefix ldes: <https://w3id.org/ldes#> .
@prefix tree: <https://w3id.org/tree#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix as: <https://www.w3.org/ns/activitystreams#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://vocab.example/> .
"""
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
AS_DELETE = "https://www.w3.org/ns/activitystreams#Delete"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
EX_THING = "https://vocab.example/Thing"
TURTLE = "text/turtle; charset=utf-8"
TRIG = "application/trig; charset=utf-8"
#: the dates of the three pages' members
DATES = ("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z")


@dataclass(frozen=True)
class Version:
    """One member: a version of a thing at a date, with a title, or a deletion."""

    thing: int
    date: str
    title: str | None            # None: the thing is deleted at `date`


#: the members of each page
PAGES: dict[int, tuple[Version, ...]] = {
    1: (Version(1, DATES[0], "first title"), Version(2, DATES[0], "the other thing")),
    2: (Version(1, DATES[1], "second title"), Version(2, DATES[1], None)),
    3: (Version(1, DATES[2], "third title"), Version(3, DATES[2], "a new thing")),
}


@dataclass
class StaticLdes:
    """The served stream: where it is, what it holds, what was asked of it."""

    folder: Path
    base: str                                    # http://127.0.0.1:PORT
    immutable: set[str] = field(default_factory=set)   # paths answered as immutable
    requests: list[str] = field(default_factory=list)
    pages: int = 2
    named_graphs: bool = False                   # TriG pages, descriptions in named graphs

    @property
    def media_type(self) -> str:
        return TRIG if self.named_graphs else TURTLE

    @property
    def url(self) -> str:
        """The event stream's IRI: where a client starts."""
        return self.base + "/ldes"

    def page(self, n: int) -> str:
        return f"{self.base}/ldes/page/{n}"

    def thing(self, n: int) -> str:
        return f"{self.base}/id/thing/{n}"

    def version(self, v: Version) -> str:
        return f"{self.thing(v.thing)}/version/{v.date.replace('-', '').replace(':', '')}"

    def members(self, pages: tuple[int, ...] | None = None) -> list[Version]:
        """The members of the given pages (default: all pages served now)."""
        chosen = pages if pages is not None else tuple(range(1, self.pages + 1))
        return [v for n in chosen for v in PAGES[n]]

    def write(self) -> None:
        """Write the stream's documents as they are now (`pages` pages)."""
        self._put("/ldes", self._root())
        for n in range(1, self.pages + 1):
            self._put(f"/ldes/page/{n}", self._page(n))

    def add_third_page(self) -> None:
        """Publish page 3: written first, then linked from page 2 (a reader never sees a
        link to a page that is not there)."""
        self.pages = 3
        self._put("/ldes/page/3", self._page(3))
        self._put("/ldes/page/2", self._page(2))

    def _put(self, path: str, text: str) -> None:
        target = self.folder / (path.strip("/").replace("/", "_") + ".ttl")
        partial = target.with_suffix(".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)

    def _root(self) -> str:
        return PREFIXES + f"""
<{self.url}> a ldes:EventStream ;
    ldes:timestampPath prov:generatedAtTime ;
    ldes:versionOfPath dct:isVersionOf ;
    ldes:versionDeletePath rdf:type ;
    ldes:versionDeleteObject as:Delete ;
    tree:view <{self.page(1)}> .
"""

    def _page(self, n: int) -> str:
        members = PAGES[n]
        lines = [PREFIXES, f"<{self.url}> a ldes:EventStream ;",
                 "    ldes:timestampPath prov:generatedAtTime ;",
                 "    ldes:versionOfPath dct:isVersionOf ;",
                 f"    tree:view <{self.page(1)}> ;",
                 "    tree:member " + ", ".join(f"<{self.version(v)}>" for v in members) + " .",
                 f"<{self.page(n)}> a tree:Node"]
        if n + 1 <= self.pages:
            lines[-1] += f""" ;
    tree:relation [
        a tree:GreaterThanOrEqualToRelation ;
        tree:path prov:generatedAtTime ;
        tree:value "{DATES[n]}"^^xsd:dateTime ;
        tree:node <{self.page(n + 1)}>
    ]"""
        lines[-1] += " ."
        for v in members:
            head = f"<{self.version(v)}> "
            if v.title is None:
                head += "a as:Delete ;\n    "
            elif not self.named_graphs:
                head += f'a ex:Thing ;\n    dct:title "{v.title}" ;\n    '
            lines.append(f"""{head}dct:isVersionOf <{self.thing(v.thing)}> ;
    prov:generatedAtTime "{v.date}"^^xsd:dateTime .""")
            if v.title is not None and self.named_graphs:
                lines.append(f"""<{self.version(v)}> {{
    <{self.thing(v.thing)}> a ex:Thing ; dct:title "{v.title}" .
}}""")
        return "\n".join(lines) + "\n"

    def expected(self, v: Version) -> set[tuple[str, str, str]]:
        """The (subject, predicate, object) values a member of `v` should carry: its payload
        (the named graph's triples with named graphs, else all its triples)."""
        if v.title is not None and self.named_graphs:
            return {(self.thing(v.thing), RDF_TYPE, EX_THING),
                    (self.thing(v.thing), DCT + "title", v.title)}
        triples = {(self.version(v), DCT + "isVersionOf", self.thing(v.thing)),
                   (self.version(v), PROV + "generatedAtTime", v.date)}
        if v.title is None:
            return triples | {(self.version(v), RDF_TYPE, AS_DELETE)}
        return triples | {(self.version(v), RDF_TYPE, EX_THING),
                          (self.version(v), DCT + "title", v.title)}


def _handler(ldes: StaticLdes) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            ldes.requests.append(path)
            target = ldes.folder / (path.strip("/").replace("/", "_") + ".ttl")
            if not path.startswith("/ldes") or not target.is_file():
                self.send_error(404)
                return
            body = target.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", ldes.media_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "public, max-age=604800, immutable"
                             if path in ldes.immutable else "no-cache")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's name)
            pass

    return Handler


@contextmanager
def serve_static_ldes(folder: Path, immutable: tuple[str, ...] = (),
                      named_graphs: bool = False) -> Iterator[StaticLdes]:
    """Serve the two-page stream from `folder` on a loopback port for the `with` block;
    `immutable`: the paths answered with `Cache-Control: immutable`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    host, port = server.server_address[:2]
    ldes = StaticLdes(folder, f"http://{host}:{port}", set(immutable),
                      named_graphs=named_graphs)
    server.RequestHandlerClass = _handler(ldes)
    ldes.write()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield ldes
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
