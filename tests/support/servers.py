"""Servers for the web tests: a free loopback port, the app behind werkzeug in a thread, and an
Oxigraph server process that can be stopped and started again on the same port."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: What a test says when a server it needs is not installed (`tests.support.required`).
OXIGRAPH_MISSING = "the oxigraph server binary is not installed (pip install oxigraph)"
VIRTUOSO_MISSING = ("virtuoso-t is not installed (scripts/install-test-system-deps.sh: "
                    "apt install virtuoso-opensource)")


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


def raw_request(port: int, request: bytes, timeout: float = 10) -> tuple[int, bytes]:
    """Send bytes exactly as given (no client-side quoting) and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(request)
        except OSError:          # the server may answer and close before reading it all
            pass
        answer = b""
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                break
            if not data:
                break
            answer += data
            head, sep, body = answer.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if sep and length and len(body) >= int(length.group(1)):
                break
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, answer



class OxigraphServer:
    """An `oxigraph serve` process that tests can stop and start again on the same port."""

    def __init__(self, binary: str, location: Path) -> None:
        self.binary = binary
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "serve", "--location", str(self.location),
             "--bind", f"127.0.0.1:{self.port}", "--timeout-s", "20"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/query?query=ASK%7B%7D", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("oxigraph server exited")
                time.sleep(0.05)
        raise RuntimeError("oxigraph server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class LiveServer:
    def __init__(self, app) -> None:
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


# --------------------------------------------------------------------------- the time limit


HEAVY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
         "?m ?n2 ?o }")


def runaway_beside_light(url: str, light_query: str, check) -> tuple[dict, list[float]]:
    """Send HEAVY to ``url``'s /sparql and, while it runs, three light queries (each
    answer passed to ``check``); returns the heavy outcome (status, body, seconds) and the
    light requests' durations."""
    import json
    import urllib.error
    import urllib.parse

    outcome: dict = {}

    def heavy() -> None:
        start = time.monotonic()
        try:
            urllib.request.urlopen(f"{url}/sparql?{urllib.parse.urlencode({'query': HEAVY})}",
                                   timeout=30)
            outcome["status"] = 200
        except urllib.error.HTTPError as error:
            outcome["status"], outcome["body"] = error.code, error.read().decode()
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.3)
    light = []
    for index in range(3):
        start = time.monotonic()
        query = urllib.parse.urlencode({"query": f"{light_query}\n# {index}"})
        with urllib.request.urlopen(f"{url}/sparql?{query}", timeout=10) as answer:
            check(json.loads(answer.read()))
        light.append(time.monotonic() - start)
    thread.join(30)
    return outcome, light


# --------------------------------------------------------------------------- W3C protocol tests
#
# The SPARQL 1.1 Protocol test suite (w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl)
# as raw HTTP exchanges, for the tests that apply to a read-only query endpoint. The
# manifest's data graphs data1/data2/data3 are three graphs of the fixture release; its
# queries are the same shape on resources of those graphs. The update tests are refusals
# here (the endpoint is read-only).

BOOLEAN_TYPES = {"application/sparql-results+xml", "application/sparql-results+json"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/rdf+xml", "application/n-triples",
             "application/ld+json"}


class ProtocolCase:
    """One exchange of the manifest: request, expected status class and answer."""

    def __init__(self, name: str, method: str, path: str, body: bytes | None = None,
                 content_type: str | None = None, status: int = 200,
                 boolean: bool | None = None, media: set[str] | None = None) -> None:
        self.name, self.method, self.path, self.body = name, method, path, body
        self.content_type, self.status = content_type, status
        self.boolean, self.media = boolean, media

    def __repr__(self) -> str:
        return self.name


def _q(text: str) -> str:
    import urllib.parse

    return urllib.parse.quote(text, safe="")


def protocol_cases(base: str) -> list[ProtocolCase]:
    g1, g2, g3 = (base + "graph/004-f0ab20c46da3f21c", base + "graph/000-a99be5f9b8218adf",
                  base + "graph/reference")
    p1, p2 = base + "id/project/kuntien-evaka", base + "id/project/digital-kundtjanst"
    org = base + "id/organisation/049"
    both_default = f"ASK {{ <{p1}> a ?type . <{p2}> a ?type . }}"
    both_named = f"ASK {{ GRAPH ?g1 {{ <{p1}> a ?type }} GRAPH ?g2 {{ <{p2}> a ?type }} }}"
    full = (f"ASK {{ <{org}> a ?t GRAPH ?g1 {{ <{p1}> a ?type }} "
            f"GRAPH ?g2 {{ <{p2}> a ?type }} }}")
    data0 = "default-graph-uri=" + _q("http://kasei.us/2009/09/sparql/data/data0.rdf")
    form = "application/x-www-form-urlencoded"
    direct = "application/sparql-query"
    return [
        ProtocolCase("query_post_form", "POST", f"/sparql/?{data0}", b"query=ASK%20%7B%7D",
                     form, boolean=True, media=BOOLEAN_TYPES),
        ProtocolCase("query_dataset_default_graphs_get", "GET",
                     f"/sparql/?query={_q(both_default)}&default-graph-uri={_q(g1)}"
                     f"&default-graph-uri={_q(g2)}", boolean=True, media=BOOLEAN_TYPES),
        ProtocolCase("query_dataset_default_graphs_post", "POST",
                     f"/sparql/?default-graph-uri={_q(g1)}&default-graph-uri={_q(g2)}",
                     both_default.encode(), direct, boolean=True, media=BOOLEAN_TYPES),
        ProtocolCase("query_dataset_named_graphs_post", "POST",
                     f"/sparql/?named-graph-uri={_q(g1)}&named-graph-uri={_q(g2)}",
                     both_named.encode(), direct, boolean=True, media=BOOLEAN_TYPES),
        ProtocolCase("query_dataset_named_graphs_get", "GET",
                     f"/sparql/?query={_q(both_named)}&named-graph-uri={_q(g1)}"
                     f"&named-graph-uri={_q(g2)}", boolean=True, media=BOOLEAN_TYPES),
        ProtocolCase("query_dataset_full", "POST",
                     f"/sparql/?default-graph-uri={_q(g3)}&named-graph-uri={_q(g1)}"
                     f"&named-graph-uri={_q(g2)}", full.encode(), direct, boolean=True),
        ProtocolCase("query_multiple_dataset", "POST",
                     f"/sparql/?named-graph-uri={_q(g1)}&named-graph-uri={_q(g2)}",
                     f"ASK FROM <{g3}> {both_named[4:]}".encode(), direct, boolean=True),
        ProtocolCase("query_get", "GET", f"/sparql/?query=ASK%20%7B%7D&{data0}",
                     boolean=True, media=BOOLEAN_TYPES),
        ProtocolCase("query_content_type_select", "POST", f"/sparql/?{data0}",
                     b"SELECT (1 AS ?value) {}", direct, media=TABULAR_TYPES),
        ProtocolCase("query_content_type_ask", "POST", f"/sparql/?{data0}", b"ASK {}", direct,
                     media=BOOLEAN_TYPES),
        ProtocolCase("query_content_type_describe", "POST", f"/sparql/?{data0}",
                     b"DESCRIBE <http://example.org/>", direct, media=RDF_TYPES),
        ProtocolCase("query_content_type_construct", "POST", f"/sparql/?{data0}",
                     b"CONSTRUCT { <s> <p> 1 } WHERE {}", direct, media=RDF_TYPES),
        ProtocolCase("query_post_direct", "POST", "/sparql/", b"ASK {}", direct, boolean=True,
                     media=BOOLEAN_TYPES),
        ProtocolCase("bad_query_method", "PUT", f"/sparql/?query=ASK%20%7B%7D&{data0}", b"",
                     form, status=405),
        ProtocolCase("bad_multiple_queries", "GET",
                     "/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", status=400),
        ProtocolCase("bad_query_wrong_media_type", "POST", "/sparql/", b"ASK {}", "text/plain",
                     status=400),
        ProtocolCase("bad_query_missing_form_type", "POST", "/sparql/", b"query=ASK%20%7B%7D",
                     status=400),
        ProtocolCase("bad_query_missing_direct_type", "POST", "/sparql/", b"ASK {}", status=400),
        ProtocolCase("bad_query_non_utf8", "POST", "/sparql/", "ASK {}".encode("utf-16"),
                     "application/sparql-query; charset=UTF-16", status=400),
        ProtocolCase("bad_query_syntax", "GET", "/sparql/?query=ASK%20%7B", status=400),
        ProtocolCase("bad_update_get", "GET", "/sparql/?update=CLEAR%20ALL", status=403),
        ProtocolCase("bad_multiple_updates", "POST", "/sparql/",
                     b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", form, status=403),
        ProtocolCase("bad_update_wrong_media_type", "POST", "/sparql/", b"CLEAR NAMED",
                     "text/plain", status=400),
        ProtocolCase("bad_update_missing_form_type", "POST", "/sparql/", b"update=CLEAR%20NAMED",
                     status=400),
        ProtocolCase("bad_update_missing_direct_type", "POST", "/sparql/", b"CLEAR NAMED",
                     status=400),
        ProtocolCase("bad_update_non_utf8", "POST", "/sparql/", "CLEAR NAMED".encode("utf-16"),
                     "application/sparql-update; charset=UTF-16", status=400),
        ProtocolCase("bad_update_syntax", "POST", "/sparql/", b"update=CLEAR%20XYZ", form,
                     status=403),
        ProtocolCase("bad_update_dataset_conflict", "POST", "/sparql/",
                     b"using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=WITH%20%3C"
                     b"http%3A%2F%2Fexample%2Faddresses%3E%20DELETE%20%7B%20%3Fs%20%3Fp%20%3Fo"
                     b"%20%7D%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D", form, status=403),
        ProtocolCase("update_post_form", "POST", "/sparql/", b"update=CLEAR+ALL", form,
                     status=403),
        ProtocolCase("update_post_direct", "POST", "/sparql/", b"CLEAR ALL",
                     "application/sparql-update", status=403),
    ]


def run_protocol_case(port: int, case: ProtocolCase, host: str) -> tuple[int, str, bytes]:
    """Send the case as a real HTTP/1.1 client would; returns status, media type, body."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host}
    if case.content_type:
        headers["Content-Type"] = case.content_type
    try:
        connection.putrequest(case.method, case.path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if case.body is not None:
            connection.putheader("Content-Length", str(len(case.body)))
        connection.endheaders(case.body)
        response = connection.getresponse()
        body = response.read()
        media = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, media, body
    finally:
        connection.close()


def check_protocol_answer(case: ProtocolCase, status: int, media: str, body: bytes) -> None:
    """The manifest's expectations: the status class (exactly ours for refusals), the
    media type family and the boolean."""
    assert status == case.status, (case.name, status, body[:300])
    if case.media is not None:
        assert media in case.media, (case.name, media)
    if case.boolean is not None:
        import pyoxigraph as ox

        parsed = ox.parse_query_results(body, ox.QueryResultsFormat.from_media_type(media))
        assert bool(parsed) is case.boolean, case.name
    if status >= 400:
        assert b"Traceback" not in body and body.strip(), case.name


# --------------------------------------------------------------------------- Virtuoso

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
; read committed: a reader's session holds no locks the release switch waits for
DefaultIsolation = 2
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 0
DirsAllowed = .
ThreadsPerQuery = 2
; above the endpoint's row limit + 1 (ORDER BY ... LIMIT 10001 is refused at 10 000)
MaxSortedTopRows = 1000000
MaxClientConnections = 10

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
; an idle keep-alive session keeps its last query's locks until it closes
KeepAliveTimeout = 1
EnabledGzipContent = 0

[SPARQL]
; above the endpoint's row limit: Virtuoso cuts every answer here
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 20
MaxQueryCostEstimationTime = 0
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


class VirtuosoServer:
    """A `virtuoso-t` process on free loopback ports (HTTP and SQL) with its own database
    folder and virtuoso.ini; stopped and started again on the same ports and database. Its
    administrator is dba/dba (a fresh database's), which loads through the Digest
    authenticated Graph Store endpoint."""

    user = "dba"
    password = "dba"

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary = binary
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.http_port = free_port()
        self.sql_port = free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.store_url = f"virtuoso+{self.url}"
        (self.folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(
            folder=self.folder, sql_port=self.sql_port, http_port=self.http_port))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.folder / "console.log"       # in the foreground it logs to its stdout
        seen = log.stat().st_size if log.exists() else 0
        with open(log, "ab") as console:
            self.process = subprocess.Popen(
                [self.binary, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
                cwd=self.folder, stdout=console, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:     # HTTP answers before the start is finished
            try:
                with urllib.request.urlopen(self.url + "/sparql?query=ASK%7B%7D", timeout=2):
                    with open(log, "rb") as text:
                        text.seek(seen)
                        if b"Server online at" in text.read():
                            return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("virtuoso exited: see " + str(log))
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("virtuoso did not start within 60 s")

    def stop(self) -> None:
        """Stop the server (SIGTERM: it checkpoints and exits; SIGKILL if it hangs)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
