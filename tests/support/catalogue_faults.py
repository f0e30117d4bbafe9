"""Loopback HTTP servers for the catalogue check's tests: one serving a DCAT catalogue with
planted faults and its files, one of hostile answers. Both bind 127.0.0.1 only, run in a
thread, and every handler's loop is bounded in bytes and time."""
from __future__ import annotations

import hashlib
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

DATA = "@prefix ex: <http://example.test/> .\nex:a ex:b ex:c .\n"
CSV = "municipality,projects\nEspoo,3\nTampere,2\n"
NT = "<http://example.test/a> <http://example.test/b> <http://example.test/c> .\n"
#: a licence no EU table has
OWN_LICENCE = "https://licences.example.test/our-own-terms"
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"

CATALOGUE = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ex: <{root}/id/> .

ex:catalog a dcat:Catalog ;
  dct:title "Partner catalogue"@en ; dct:description "A partner's catalogue."@en ;
  dct:publisher ex:publisher ; dcat:dataset ex:good, ex:undescribed .
ex:publisher a foaf:Agent ; foaf:name "Partner"@en .

ex:good a dcat:Dataset ;
  dct:title "Projects"@en ; dct:description "Projects of the partner."@en ;
  dcat:distribution ex:fine, ex:gone, ex:bad-checksum .
ex:undescribed a dcat:Dataset ;
  dct:title "Figures"@en ;
  dcat:distribution ex:bad-size .

ex:fine a dcat:Distribution ; dct:title "Projects, Turtle"@en ;
  dcat:accessURL <{root}/files/data.ttl> ; dcat:downloadURL <{root}/files/data.ttl> ;
  dcat:mediaType <http://www.iana.org/assignments/media-types/text/turtle> ;
  dcat:byteSize "{ttl_size}"^^xsd:nonNegativeInteger ;
  spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;
                  spdx:checksumValue "{ttl_sha256}"^^xsd:hexBinary ] ;
  dct:license <{eu_licence}> .
ex:gone a dcat:Distribution ; dct:title "Projects, old dump"@en ;
  dcat:accessURL <{root}/files/gone.ttl> ; dcat:downloadURL <{root}/files/gone.ttl> ;
  dct:license <{eu_licence}> .
ex:bad-checksum a dcat:Distribution ; dct:title "Projects, N-Triples"@en ;
  dcat:accessURL <{root}/files/data.nt> ; dcat:downloadURL <{root}/files/data.nt> ;
  dcat:mediaType <http://www.iana.org/assignments/media-types/application/n-triples> ;
  spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;
                  spdx:checksumValue "{wrong_sha256}"^^xsd:hexBinary ] ;
  dct:license <{eu_licence}> .
ex:bad-size a dcat:Distribution ; dct:title "Figures, CSV"@en ;
  dcat:accessURL <{root}/files/figures.csv> ; dcat:downloadURL <{root}/files/figures.csv> ;
  dcat:mediaType <http://www.iana.org/assignments/media-types/text/csv> ;
  dcat:byteSize "{wrong_size}"^^xsd:nonNegativeInteger ;
  dct:license <{own_licence}> .
"""

#: the planted faults: (distribution, URL path) of each, as the report must name them
FAULTS = {"gone": "/files/gone.ttl", "bad-checksum": "/files/data.nt",
          "bad-size": "/files/figures.csv"}


class _Files(SimpleHTTPRequestHandler):
    extensions_map = {".ttl": "text/turtle", ".nt": "application/n-triples",
                      ".csv": "text/csv", "": "application/octet-stream"}

    def log_message(self, *_args) -> None:
        pass

    def log_request(self, code="-", size="-") -> None:
        self.server.requests.append((self.command, self.path.split("?", 1)[0]))


class _Server:
    """A server in a thread; `requests` lists (method, path) of every request heard."""

    def __init__(self, handler) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.requests = self.requests = []
        self.root = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@contextmanager
def faulty_catalogue(folder: Path) -> Iterator[_Server]:
    """Serves `folder` with the catalogue of planted faults at /catalog.ttl; yields the
    server (its `root` URL, the `requests` it heard)."""
    files = folder / "files"
    files.mkdir(parents=True, exist_ok=True)
    (files / "data.ttl").write_text(DATA, encoding="utf-8")
    (files / "data.nt").write_text(NT, encoding="utf-8")
    (files / "figures.csv").write_text(CSV, encoding="utf-8")

    def handler(*args, **kwargs):
        return _Files(*args, directory=str(folder), **kwargs)

    server = _Server(handler)
    try:
        (folder / "catalog.ttl").write_text(CATALOGUE.format(
            root=server.root, ttl_size=len(DATA.encode()),
            ttl_sha256=hashlib.sha256(DATA.encode()).hexdigest(),
            wrong_sha256=hashlib.sha256(b"something else").hexdigest(),
            wrong_size=len(CSV.encode()) + 100, eu_licence=EU_LICENCE,
            own_licence=OWN_LICENCE), encoding="utf-8")
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------- hostile answers

TEN_GB = 10 * 1000 ** 3
ENDLESS_MAX_BYTES = 512 * 1024 * 1024      # the endless download's own bound
HANDLER_MAX_SECONDS = 30.0                 # no handler runs longer than this


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args) -> None:
        pass

    def do_HEAD(self) -> None:
        self.server.requests.append(("HEAD", self.path.split("?", 1)[0]))
        self._answer(head=True)

    def do_GET(self) -> None:
        self.server.requests.append(("GET", self.path.split("?", 1)[0]))
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        try:
            if path == "/endless":
                self._endless(head)
            elif path == "/loop":
                self._redirect(f"/loop?{time.monotonic_ns()}")
            elif path == "/passwd":
                self._redirect("file:///etc/passwd")
            elif path == "/huge":
                self._huge(head)
            elif path == "/slow":
                self._trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nslow!")
            elif path == "/slow-body":
                self._slow_body(head)
            else:
                self.send_error(404)
        except OSError:                     # the client hung up: that is the point
            pass

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _endless(self, head: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        chunk, sent, started = b"# endless\n" * 6554, 0, time.monotonic()
        while sent < ENDLESS_MAX_BYTES and time.monotonic() - started < HANDLER_MAX_SECONDS:
            self.wfile.write(chunk)
            sent += len(chunk)
        self.close_connection = True

    def _huge(self, head: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Content-Length", str(TEN_GB))
        self.end_headers()
        if not head:
            self.wfile.write(b"# a little of it\n" * 1024)
        self.close_connection = True

    def _trickle(self, answer: bytes) -> None:
        """The whole answer, status line first, one byte a second."""
        started = time.monotonic()
        for byte in answer:
            if time.monotonic() - started > HANDLER_MAX_SECONDS:
                break
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(1.0)
        self.close_connection = True

    def _slow_body(self, head: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.send_header("Content-Length", "60")
        self.end_headers()
        if head:
            return
        self.wfile.flush()
        self._trickle(b"#" * 60)


HOSTILE_CATALOGUE = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{root}/id/hostile> a dcat:Dataset ; dct:title "Hostile"@en ; dct:description "Hostile."@en ;
  dcat:distribution {distributions} .
{described}
"""
HOSTILE_PATHS = ("endless", "loop", "passwd", "huge", "slow", "slow-body")


@contextmanager
def hostile_server(folder: Path) -> Iterator[_Server]:
    """Serves the hostile answers; writes `folder/catalog.ttl`, a catalogue whose download
    URLs are those answers, each with a checksum to make the check read it all; yields the
    server."""
    server = _Server(_Hostile)
    try:
        root = server.root
        described = "\n".join(
            f"<{root}/id/{name}> a dcat:Distribution ; dcat:accessURL <{root}/{name}> ;\n"
            f"  dcat:downloadURL <{root}/{name}> ;\n"
            f"  dcat:byteSize \"100\"^^xsd:nonNegativeInteger ;\n"
            f"  spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;\n"
            f"    spdx:checksumValue \"{'0' * 64}\"^^xsd:hexBinary ] ."
            for name in HOSTILE_PATHS)
        (folder / "catalog.ttl").write_text(HOSTILE_CATALOGUE.format(
            root=root, described=described,
            distributions=", ".join(f"<{root}/id/{n}>" for n in HOSTILE_PATHS)),
            encoding="utf-8")
        yield server
    finally:
        server.stop()
