"""Hostile input to `/validate` and `publisher validate`, against a real `publisher serve`.

Each test reproduces a fault an attack test found: SPARQL injected through `?url=` (with a
loopback listener that must hear nothing), uploads of a few hundred bytes that expand in the
parser (RDF/XML entities, JSON-LD, Turtle and triple-term nesting), a validation past the
worker's memory limit, and shapes whose regular expression or SPARQL does not compile. Every
refusal must be a clear 400/413/503 (exit status 2 on the command line), never a 500, and the
next validation must work. Servers and listeners bind to 127.0.0.1 only; every wait is bounded.
"""
from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from tests.support.release import BASE, write_release
from tests.support.servers import free_port

SERVER_START_SECONDS = 60
UPLOAD_LIMIT = 1024 * 1024
CAPPED_MIB = 320                    # a worker imports and validates small data in about 75 MiB
VALID_ADDRESS = "A valid address is"

SKOS = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.test/a> a skos:Concept ; skos:inScheme <http://example.test/s> ;
    skos:prefLabel "A"@fi , "A"@sv , "A"@en ; skos:definition "d"@fi , "d"@sv , "d"@en .
<http://example.test/s> a skos:ConceptScheme ; skos:prefLabel "S"@fi , "S"@sv , "S"@en ;
    skos:hasTopConcept <http://example.test/a> .
"""
RDF_HEAD = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="http://example.test/">\n')


# --------------------------------------------------------------------------- servers


class Server:
    """`publisher serve` (the development server) on a free loopback port, with its own
    publisher.toml; its log goes to a file beside it."""

    def __init__(self, root: Path, name: str, limits: dict[str, object]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = root / f"{name}.toml"
        lines = [f'base_uri = "{BASE}"', 'releases_dir = "releases"', f'data_dir = "data-{name}"',
                 "", "[limits]"] + [f"{key} = {value!r}" for key, value in limits.items()]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
        env.update(PYTHONPATH=str(ROOT), PUBLISHER_LIMITS_VALIDATION_PROCESSES="1")
        self.log = (root / f"{name}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "publisher.cli", "--config", str(config), "--quiet", "serve",
             "--workers", "0", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"publisher serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("publisher serve did not answer")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.log.close()

    def validation_workers(self) -> list[int]:
        """The validation worker processes among this server's descendants (Linux /proc)."""
        found, pending, seen = [], [self.process.pid], set()
        while pending and len(seen) < 1000:
            pid = pending.pop()
            seen.add(pid)
            try:
                tasks = list(Path(f"/proc/{pid}/task").iterdir())
                children = [int(c) for t in tasks for c in (t / "children").read_text().split()]
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue                           # it ended meanwhile
            if b"worker_main" in cmdline:
                found.append(pid)
            pending.extend(c for c in children if c not in seen)
        return found

    def wait_for_worker(self, seconds: float = 15) -> list[int]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pids = self.validation_workers()
            if pids:
                return pids
            time.sleep(0.1)
        raise AssertionError("no validation worker process appeared")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reliability-site")
    write_release(root / "releases")
    return root


@pytest.fixture(scope="module")
def server(site):
    """Default memory and nesting limits, a 1 MiB upload limit, a 5 s query time limit."""
    running = Server(site, "default", {"upload_max_bytes": UPLOAD_LIMIT,
                                        "query_timeout_seconds": 5.0,
                                        "validation_timeout_seconds": 20.0})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def capped(site):
    """A validation worker limited to CAPPED_MIB of address space."""
    running = Server(site, "capped", {"validation_memory_mib": CAPPED_MIB,
                                       "validation_timeout_seconds": 60.0})
    yield running
    running.stop()


@pytest.fixture()
def listener():
    """A loopback TCP listener that records every connection made to it (and closes it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    heard: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = sock.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(0.5)
                try:
                    heard.append(connection.recv(4096) or b"(connected)")
                except OSError:
                    heard.append(b"(connected)")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], heard
    stop.set()
    thread.join(timeout=5)
    sock.close()


# --------------------------------------------------------------------------- requests


def http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 60) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json",
                                                              **(headers or {})},
                                     method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (TimeoutError, socket.timeout):
        return 0, b"(no answer within the client's time limit)"


def form(fields: dict[str, str | tuple[str, bytes]]) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body: plain fields and (file name, content) uploads."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        if isinstance(value, tuple):
            head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{value[0]}"\r\nContent-Type: application/octet-stream\r\n\r\n')
            parts.append(head.encode() + value[1] + b"\r\n")
        else:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n'
                         f"\r\n{value}\r\n".encode())
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def upload(server: Server, name: str, content: bytes, **fields: str | tuple[str, bytes]
           ) -> tuple[int, dict]:
    body, headers = form({"file": (name, content), **fields})
    status, answer = http(server.url + "/validate", body, headers)
    return status, _json(answer)


def _json(answer: bytes) -> dict:
    try:
        return json.loads(answer)
    except ValueError:
        return {"message": answer.decode("utf-8", "replace")}


def still_validates(server: Server) -> None:
    """The next validation works: a fresh worker answers a small one."""
    status, report = upload(server, "fine.ttl", SKOS.encode(), profile="vocabulary")
    assert status == 200, report
    assert report["inputs"] == [{"name": "fine.ttl", "triples": 13}]


# --------------------------------------------------------------------------- 1. ?url=


def test_sparql_in_a_url_reaches_no_other_server(server, listener) -> None:
    port, heard = listener
    injected = (f"{BASE}graph/reference> {{ $s $p $o }} SERVICE <http://127.0.0.1:{port}/sparql>"
                f" {{ $a $b $c }} GRAPH <{BASE}graph/reference")
    by_form, headers = form({"url": injected})
    answers = [http(server.url + "/validate", by_form, headers, timeout=30),
               http(server.url + "/validate?" + urllib.parse.urlencode({"url": injected}),
                    timeout=30)]
    time.sleep(0.5)
    assert heard == [], f"the server connected to the loopback listener: {heard[:1]}"
    for status, answer in answers:
        message = _json(answer)["message"]
        assert status == 400, message
        assert VALID_ADDRESS in message and f"{BASE}graph/reference" in message


def test_a_cartesian_url_is_refused_at_once(server) -> None:
    cartesian = (f"{BASE}graph/reference> {{ ?s ?p ?o . ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} "
                 f"GRAPH <{BASE}graph/reference")
    start = time.monotonic()
    status, answer = http(server.url + "/validate?" + urllib.parse.urlencode({"url": cartesian}),
                          timeout=30)
    assert status == 400 and VALID_ADDRESS in _json(answer)["message"]
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("path", [
    "graph/reference>", "graph/refer ence", "graph/reference%3E", "def/Project>",
    'id/project/kuntien"evaka', "id/project/kuntien-evaka/more", "id/project/{x}",
    "graph/reference}", "doc/project/a\\b",
])
def test_a_url_whose_key_is_not_plain_is_a_400_saying_what_is_valid(server, path) -> None:
    status, answer = http(server.url + "/validate?" + urllib.parse.urlencode({"url": BASE + path}),
                          timeout=30)
    message = _json(answer)["message"]
    assert status == 400 and VALID_ADDRESS in message, message
    assert f"{BASE}id/project/kuntien-evaka" in message


@pytest.mark.parametrize("url", [
    BASE + "graph/reference", BASE + "id/project/kuntien-evaka", BASE + "def/Project",
    "/doc/organisation/049.html", BASE + "ontology",
])
def test_addresses_of_ours_are_still_validated(server, url) -> None:
    if url.startswith("/"):
        url = server.url + url
    status, answer = http(server.url + "/validate?" + urllib.parse.urlencode({"url": url}))
    assert status == 200, answer[:300]
    assert json.loads(answer)["inputs"][0]["triples"] > 0


# --------------------------------------------------------------------------- 2. bounded parsing


def billion_laughs(levels: int = 10) -> bytes:
    """Ten entities each expanding into ten of the one before: 3 GB from under 1 kB."""
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "' + f"&lol{i - 1 if i > 1 else ''};" * 10 + '">'
        for i in range(1, levels)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
            + RDF_HEAD + '<rdf:Description rdf:about="http://example.test/s">'
            f"<ex:p>&lol{levels - 1};</ex:p></rdf:Description>\n</rdf:RDF>\n").encode()


def deep_jsonld(depth: int) -> bytes:
    """Objects nested `depth` deep: about 6 bytes a level."""
    return ('{"@context": {"p": "http://example.test/p"}, "@id": "http://example.test/s", "p": '
            + '{"p": ' * depth + '"x"' + "}" * depth + "}").encode()


def test_a_billion_laughs_upload_is_a_400_naming_the_entities(server) -> None:
    data = billion_laughs()
    assert len(data) < 1000
    status, answer = upload(server, "laughs.rdf", data)
    assert status == 400, answer
    assert answer["message"].startswith("laughs.rdf:4: the value of the entity 'lol1' refers to "
                                        "the entity 'lol'")
    assert answer["line"] == 4
    still_validates(server)


def test_protege_entities_are_still_read(server) -> None:
    data = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
            '    <!ENTITY owl "http://www.w3.org/2002/07/owl#" >\n'
            '    <!ENTITY rdfs "http://www.w3.org/2000/01/rdf-schema#" >\n]>\n' + RDF_HEAD
            + '<owl:Class xmlns:owl="&owl;" rdf:about="http://example.test/C">'
            '<rdf:type rdf:resource="&rdfs;Class"/></owl:Class>\n</rdf:RDF>\n').encode()
    status, answer = upload(server, "ontology.owl", data, profile="vocabulary")
    assert status == 200, answer
    assert answer["inputs"] == [{"name": "ontology.owl", "triples": 2}]


@pytest.mark.parametrize("doctype,words", [
    ('<!ENTITY x SYSTEM "file:///etc/hostname">', "the entity 'x' is external (SYSTEM or PUBLIC)"),
    ('<!ENTITY % p "v"> <!ENTITY x "%p;">', "parameter entities (<!ENTITY % …>) are not accepted"),
    ('<!ENTITY a "v"> <!ENTITY x "&#38;a;&#38;a;">', "a character reference to '&'"),
])
def test_external_parameter_and_disguised_entities_are_400s(server, doctype, words) -> None:
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {doctype} ]>\n' + RDF_HEAD
            + '<rdf:Description rdf:about="http://example.test/s"><ex:p>&x;</ex:p>'
            "</rdf:Description></rdf:RDF>\n").encode()
    status, answer = upload(server, "entities.rdf", data)
    assert status == 400, answer
    assert answer["message"].startswith("entities.rdf:2: ") and words in answer["message"]


def test_entities_expanding_past_the_upload_limit_are_a_413(server) -> None:
    references = "&x;" * 1100                       # 1 100 × 1 000 bytes > 1 MiB
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY x "{"y" * 1000}"> ]>\n'
            + RDF_HEAD + '<rdf:Description rdf:about="http://example.test/s">'
            f"<ex:p>{references}</ex:p></rdf:Description></rdf:RDF>\n").encode()
    assert len(data) < 10_000
    status, answer = upload(server, "flat.rdf", data)
    assert status == 413, answer
    assert ("1,100 entity references would expand the document to 1,1" in answer["message"]
            and f"more than the {UPLOAD_LIMIT:,} bytes" in answer["message"])


@pytest.mark.parametrize("name,content,words,line", [
    ("deep.jsonld", deep_jsonld(50_000), "JSON objects and arrays nest more than 128 deep", 1),
    ("deep.ttl", ("@prefix ex: <http://example.test/> .\nex:s ex:p\n"
                  + "[ ex:p " * 129 + "1" + " ]" * 129 + " .\n").encode(),
     "[ ], ( ), << >> and {| |} nest more than 128 deep", 3),
    ("deep.trig", ("<http://example.test/g> {\n<http://example.test/s> <http://example.test/p> "
                   + "( " * 129 + "1" + " )" * 129 + " .\n}\n").encode(),
     "nest more than 128 deep", 2),
    ("terms.nt", ("<http://example.test/s> <http://example.test/p> "
                  + "<<( <a:s> <a:p> " * 25_000 + "<a:o>" + " )>>" * 25_000 + " .\n").encode(),
     "nest more than 128 deep", 1),
    ("deep.rdf", ('<?xml version="1.0"?>\n' + RDF_HEAD
                  + '<rdf:Description rdf:about="http://example.test/s">'
                  + "<ex:p><rdf:Description>" * 70 + "<ex:q>x</ex:q>"
                  + "</rdf:Description></ex:p>" * 70 + "</rdf:Description></rdf:RDF>\n").encode(),
     "XML elements nest more than 128 deep", 3),
])
def test_nesting_past_the_limit_is_a_400_naming_the_limit_file_and_line(
        server, name, content, words, line) -> None:
    assert len(content) < UPLOAD_LIMIT
    start = time.monotonic()
    status, answer = upload(server, name, content)
    assert status == 400, answer
    assert answer["message"].startswith(f"{name}:{line}: ") and words in answer["message"]
    assert "(limits.parse_max_depth)" in answer["message"] and answer["line"] == line
    assert time.monotonic() - start < 15
    still_validates(server)


def test_the_command_line_refuses_the_same_uploads_with_status_2(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    for name, content, words in (("laughs.rdf", billion_laughs(), "refers to the entity 'lol'"),
                                 ("deep.jsonld", deep_jsonld(50_000), "nest more than 128 deep")):
        path = tmp_path / name
        path.write_bytes(content)
        done = subprocess.run([sys.executable, "-m", "publisher.cli", "validate", str(path)],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert done.returncode == 2, done.stderr[-2000:]
        assert done.stderr.startswith(f"error: {path}:") and words in done.stderr
        assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- 3. memory


def test_the_worker_caps_its_own_address_space(capped) -> None:
    status, _ = http(capped.url + "/validate", headers={"Accept": "text/html"})
    assert status == 200                          # the form starts a worker ahead of need
    pid = capped.wait_for_worker()[0]
    deadline = time.monotonic() + 15               # its imports come first
    while True:
        limits = Path(f"/proc/{pid}/limits").read_text()
        line = next(row for row in limits.splitlines() if row.startswith("Max address space"))
        if "unlimited" not in line or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert line.split()[3:5] == [str(CAPPED_MIB * 1024 * 1024)] * 2, line


def test_a_validation_past_the_memory_limit_is_refused_and_the_next_works(capped) -> None:
    triples = "".join(f'<http://example.test/s{i}> <http://example.test/p> "v{i}" .\n'
                      for i in range(150_000)).encode()         # about 450 MiB in rdflib
    status, answer = upload(capped, "many.nt", triples, profile="vocabulary")
    assert status in {413, 503}, answer
    assert f"memory limit of {CAPPED_MIB} MiB" in answer["message"]
    still_validates(capped)


def test_a_worker_that_dies_mid_validation_is_a_503_naming_the_memory_limit(capped) -> None:
    slow_shapes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<http://example.test/Slow> a sh:NodeShape ; sh:targetClass skos:ConceptScheme ;\n"
        '  sh:sparql [ sh:message "slow" ; sh:select """SELECT $this WHERE { ?a ?b ?c . '
        '?d ?e ?f . ?g ?h ?i . ?j ?k ?l . FILTER(?a = ?d && false) }""" ] .\n').encode()
    data = SKOS + "".join(f"<http://example.test/x{i}> <http://example.test/p> {i} .\n"
                          for i in range(200))
    outcome: dict = {}

    def validate() -> None:
        outcome["answer"] = upload(capped, "data.ttl", data.encode(),
                                   shapes=("slow.ttl", slow_shapes))

    thread = threading.Thread(target=validate)
    thread.start()
    try:
        time.sleep(2)                              # the job has reached the worker
        pids = capped.wait_for_worker()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)           # as the kernel's OOM killer would
    finally:
        thread.join(timeout=60)
    status, answer = outcome["answer"]
    assert status == 503, answer
    assert "SIGKILL" in answer["message"] and f"memory limit of {CAPPED_MIB} MiB" in answer["message"]
    still_validates(capped)


# --------------------------------------------------------------------------- 4. shapes


BAD_PATTERN = b"""\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.test/NotationShape> a sh:NodeShape ; sh:targetClass skos:Concept ;
    sh:property [ sh:path skos:notation ; sh:pattern "([" ] .
"""
BAD_SELECT = b"""\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.test/SelectShape> a sh:NodeShape ; sh:targetClass skos:Concept ;
    sh:sparql [ sh:message "m" ; sh:select "SELECT $this WHERE { $this ?p ?o . FILTER( }" ] .
"""
PATTERN_WORDS = ("the shape <http://example.test/NotationShape> › skos:notation has an "
                 'sh:pattern that is not a valid regular expression: "(["')
SELECT_WORDS = ("the shape <http://example.test/SelectShape> has an sh:select that is not valid "
                'SPARQL: "SELECT $this WHERE { $this ?p ?o . FILTER( }"')


@pytest.mark.parametrize("shapes,words", [(BAD_PATTERN, PATTERN_WORDS),
                                          (BAD_SELECT, SELECT_WORDS)])
def test_shapes_that_do_not_compile_are_a_400_naming_shape_and_value(server, shapes, words) -> None:
    status, answer = upload(server, "data.ttl", SKOS.encode(), shapes=("mine.ttl", shapes))
    assert status == 400, answer
    assert answer["where"] == "shapes" and answer["message"].startswith("mine.ttl: ")
    assert words in answer["message"]
    still_validates(server)


@pytest.mark.parametrize("shapes,words", [(BAD_PATTERN, PATTERN_WORDS),
                                          (BAD_SELECT, SELECT_WORDS)])
def test_the_command_line_refuses_such_shapes_with_status_2(tmp_path, shapes, words) -> None:
    (tmp_path / "data.ttl").write_text(SKOS, encoding="utf-8")
    (tmp_path / "mine.ttl").write_bytes(shapes)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    done = subprocess.run([sys.executable, "-m", "publisher.cli", "validate",
                           str(tmp_path / "data.ttl"), "--shapes", str(tmp_path / "mine.ttl")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and words in done.stderr


# --------------------------------------------------------------------------- 5. compressed input


ZEROS = gzip.compress(b"\x00" * (100 * 1000 * 1000), compresslevel=9)   # 100 MB in about 100 kB


@pytest.mark.parametrize("how", ["upload", "nested upload", "request body", "gzip form"])
def test_a_zip_bomb_is_a_413_naming_the_limit_and_the_next_validation_works(server, how) -> None:
    """Gzip that expands past limits.upload_max_bytes, however it comes, stops there: a quick
    413 naming the limit, no worker killed, the next validation answered."""
    assert len(ZEROS) < 150_000
    start = time.monotonic()
    if how == "upload":
        status, answer = upload(server, "zeros.nt.gz", ZEROS)
    elif how == "nested upload":
        status, answer = upload(server, "nested.gz", gzip.compress(ZEROS))
    elif how == "request body":
        code, raw = http(server.url + "/validate", ZEROS, {"Content-Type": "application/n-triples",
                                                           "Content-Encoding": "gzip"})
        status, answer = code, _json(raw)
    else:
        body, headers = form({"file": ("zeros.nt", b"0" * 30_000_000)})
        packed = gzip.compress(body, compresslevel=9)
        assert len(packed) < 100_000
        code, raw = http(server.url + "/validate", packed, {**headers, "Content-Encoding": "gzip"})
        status, answer = code, _json(raw)
    assert status == 413, answer
    assert "decompresses to more than" in answer["message"]
    assert "limits.upload_max_bytes" in answer["message"]
    assert time.monotonic() - start < 10
    still_validates(server)


def test_the_release_dump_uploaded_as_gzip_is_validated(server, site) -> None:
    dump = next(site.glob("releases/*/data.nt.gz"))
    status, report = upload(server, "data.nt.gz", dump.read_bytes(), profile="kuntadigi")
    assert status == 200, report
    assert report["inputs"][0]["name"] == "data.nt.gz" and report["inputs"][0]["triples"] > 50


def test_the_command_line_refuses_a_zip_bomb_with_status_2(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    bomb = tmp_path / "nested.nt.gz"
    bomb.write_bytes(gzip.compress(ZEROS))
    done = subprocess.run([sys.executable, "-m", "publisher.cli", "validate", str(bomb),
                           "--max-bytes", "20000000"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "decompresses to more than 20,000,000 bytes" in done.stderr and "--max-bytes" in done.stderr
