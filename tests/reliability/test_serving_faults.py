"""Faults of the serving path, reproduced against a real `publisher serve --workers 2`.

An attack test found that a few slow or idle connections take the service offline, that
two clients repeating a runaway query starve everyone else, that a release switch under
load hangs requests, that a hung remote store holds every request (and its 503 shows the
store's address), that deeply nested queries crash a worker, and that a malformed chunk
size gives a 500. Each test states the behaviour wanted, so they fail on code that lacks
it; they were written before the fix. Only HTTP and /proc are used, so they hold whatever
the server's insides become. Every server runs on the small fixture release of tests/web
on a free loopback port (listeners too bind to 127.0.0.1), and every wait is bounded.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from tests.support.release import BASE, write_release
from tests.support.servers import free_port, raw_request

SERVER_START_SECONDS = 60
FIRST_VERSION = "2024-05-01.1"
PROJECT = "kuntien-evaka"
PROJECT_IRI = f"{BASE}id/project/{PROJECT}"
#: On the fixture's 246 triples, sorting a fourfold cartesian product never finishes and
#: grows by about 300 MiB a second (the two-pattern form of the bundled release's runaway).
RUNAWAY_MEMORY = ("SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } "
                  "ORDER BY ?c ?f ?i ?l LIMIT 1")
#: Counts a fivefold cartesian product: CPU only.
RUNAWAY_CPU = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
               "?m ?n2 ?o }")
#: Kill the server if its processes together pass this: a runaway must fail the test, not
#: take the machine down.
GUARD_BYTES = 6 << 30
JSON = "application/sparql-results+json"


# --------------------------------------------------------------------------- servers


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    error: str | None = None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def fetch(port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 5.0,
          method: str = "GET", body: bytes | None = None,
          connection: http.client.HTTPConnection | None = None) -> Reply:
    """One request (on ``connection`` if given, else a new one); failures come back as
    status 0 with the error, never as an exception."""
    own = connection is None
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.monotonic()
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        data = answer.read()
        return Reply(answer.status, {k.lower(): v for k, v in answer.getheaders()}, data,
                     time.monotonic() - start)
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return Reply(0, {}, b"", time.monotonic() - start, f"{type(error).__name__}: {error}")
    finally:
        if own:
            conn.close()


def sparql_path(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss bytes), from /proc."""
    page = os.sysconf("SC_PAGE_SIZE")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                rest = handle.read().decode("latin-1").rsplit(")", 1)[-1].split()
            table[int(entry)] = (int(rest[1]), int(rest[21]) * page)
        except (OSError, IndexError, ValueError):
            continue
    return table


class Served:
    """`publisher serve --workers 2` in its own process group, configured through the
    environment only (PUBLISHER_*), as an operator would."""

    def __init__(self, site: Path, limits: dict[str, object], store: str | None) -> None:
        self.site = site
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.store = store
        env = {**os.environ,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                           os.environ.get("PYTHONPATH")])),
               "PUBLISHER_RELEASES_DIR": str(site / "releases"),
               "PUBLISHER_DATA_DIR": str(site / "data"),
               "PUBLISHER_BASE_URI": BASE, "PUBLISHER_STORE_URL": "embedded"}
        for name, value in limits.items():
            env[f"PUBLISHER_LIMITS_{name.upper()}"] = str(value)
        command = [sys.executable, "-m", "publisher.cli", "serve", "--workers", "2",
                   "--host", "127.0.0.1", "--port", str(self.port), "--quiet"]
        if store:
            command += ["--store", store]
        self.log_path = site / f"serve-{self.port}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, env=env, cwd=str(ROOT), stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> None:
        """Until the app answers /health with 200 (embedded store); with a remote store,
        which may be down on purpose, until both workers run and the port accepts."""
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n"
                                     f"{self.log_tail()}")
            if len(self.workers()) >= 2:
                if self.store:
                    try:
                        socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
                        time.sleep(1.0)                  # the workers load the app
                        return
                    except OSError:
                        pass
                elif fetch(self.port, "/health", timeout=2).status == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"server did not answer in {SERVER_START_SECONDS} s:\n"
                             f"{self.log_tail()}")

    def workers(self) -> set[int]:
        """The master's direct children (the web workers, whatever their kind)."""
        return {pid for pid, (ppid, _) in proc_table().items() if ppid == self.process.pid}

    def stable_workers(self, seconds: float = 20.0) -> set[int]:
        """The workers once there are two and /health answers (after a replacement)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            workers = self.workers()
            if len(workers) == 2 and fetch(self.port, "/health", timeout=2).status == 200:
                return workers
            time.sleep(0.2)
        return self.workers()

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        self.kill()                  # retiring workers or query processes left behind
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


@pytest.fixture()
def serve(tmp_path):
    """Starts servers on a fresh copy of the fixture release; stops them afterwards."""
    started: list[Served] = []
    write_release(tmp_path / "releases")

    def start(store: str | None = None, **limits) -> Served:
        server = Served(tmp_path, limits, store)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """One server shared by the request-level tests (malformed chunks, SERVICE, updates)."""
    site = tmp_path_factory.mktemp("plain")
    write_release(site / "releases")
    server = Served(site, {"query_timeout_seconds": 3}, None)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


class TreeWatch(threading.Thread):
    """Samples the RSS of every process under the server every 0.2 s (peaks per pid);
    kills the server if they together pass GUARD_BYTES."""

    def __init__(self, server: Served) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.peaks: dict[int, int] = {}
        self.peak_total = 0
        self.guard_tripped = False
        self.done = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 120
        while not self.done.wait(0.2) and time.monotonic() < deadline:
            table = proc_table()
            tree, frontier = set(), [self.server.process.pid]
            while frontier:
                pid = frontier.pop()
                if pid in table and pid not in tree:
                    tree.add(pid)
                    frontier.extend(p for p, (pp, _) in table.items() if pp == pid)
            total = 0
            for pid in tree:
                rss = table[pid][1]
                total += rss
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
            self.peak_total = max(self.peak_total, total)
            if total > GUARD_BYTES:
                self.guard_tripped = True
                self.server.kill()
                return

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=5)


def raise_open_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 16
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Listener(threading.Thread):
    """A loopback TCP listener that counts the connections it accepts and never answers:
    it keeps them open (``hold``, a hung store) or closes them at once (a target nobody
    may reach, which then costs the server no wait)."""

    def __init__(self, hold: bool) -> None:
        super().__init__(daemon=True)
        self.hold = hold
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.accepted = 0
        self.held: list[socket.socket] = []
        self.done = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 300
        while not self.done.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.accepted += 1
            if self.hold:
                self.held.append(conn)
            else:
                conn.close()

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=5)
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.fixture()
def hung_store():
    server = Listener(hold=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def listener():
    server = Listener(hold=False)
    server.start()
    yield server
    server.stop()


# --------------------------------------------------------------------------- a. slowloris


@pytest.mark.timeout(90)
def test_slow_and_idle_connections_do_not_keep_a_normal_request_waiting(serve):
    """50 connections sending a header a byte every 2 s and 200 that send nothing must
    not take the workers: a normal request on a new connection is answered within 1 s,
    ten times over about ten seconds."""
    raise_open_file_limit()
    server = serve()
    slow: list[socket.socket] = []
    idle: list[socket.socket] = []
    stop = threading.Event()

    def drip() -> None:
        for _ in range(60):                      # at most two minutes
            if stop.wait(2.0):
                return
            for sock in slow:
                try:
                    sock.send(b"a")
                except OSError:
                    pass

    dripper = threading.Thread(target=drip, daemon=True)
    latencies: list[tuple[str, int, float, str | None]] = []
    try:
        for _ in range(50):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(sock)
        for _ in range(200):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        dripper.start()
        time.sleep(0.5)
        for index in range(10):
            began = time.monotonic()
            path = "/health" if index % 2 == 0 else f"/doc/project/{PROJECT}"
            reply = fetch(server.port, path, {"Accept": "text/html"}, timeout=2.5)
            latencies.append((path, reply.status, round(reply.seconds, 3), reply.error))
            time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
    finally:
        stop.set()
        for sock in slow + idle:
            sock.close()
        if dripper.is_alive():
            dripper.join(timeout=5)
    late = [entry for entry in latencies if entry[1] != 200 or entry[2] > 1.0]
    assert not late, f"{len(late)} of 10 normal requests not answered 200 within 1 s: {late}"


# --------------------------------------------------------------------------- b. starvation


def _light_loop(port: int, seconds: float, outcomes: list[Reply]) -> None:
    """A light client on one keep-alive connection: lookups (each a new query text, so
    the store answers them) and a page, one after another."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    end = time.monotonic() + seconds
    index = 0
    try:
        while time.monotonic() < end:
            index += 1
            if index % 3:
                path = sparql_path(f"SELECT ?p ?o WHERE {{ <{PROJECT_IRI}> ?p ?o }} # {index}")
                reply = fetch(port, path, {"Accept": JSON}, connection=conn)
            else:
                reply = fetch(port, f"/doc/project/{PROJECT}", {"Accept": "text/turtle"},
                              connection=conn)
            outcomes.append(reply)
            if reply.error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    finally:
        conn.close()


def _heavy_loop(port: int, query: str, seconds: float, outcomes: list[Reply]) -> None:
    """Repeats a runaway query until ``seconds`` have passed (the last one may run on)."""
    end = time.monotonic() + seconds
    run = 0
    while time.monotonic() < end and run < 50:
        run += 1
        outcomes.append(fetch(port, sparql_path(f"{query}\n# {run}"), {"Accept": JSON},
                              timeout=30))


@pytest.mark.timeout(120)
def test_runaway_queries_do_not_starve_light_requests(serve):
    """While two clients repeat runaway queries (one sorting, one counting a cartesian
    product; 3 s time limit), a light client keeps being answered: every request 200, none
    slower than 2 s, no connection errors, and at least half its rate alone."""
    server = serve(query_timeout_seconds=3)
    watch = TreeWatch(server)
    watch.start()
    alone: list[Reply] = []
    _light_loop(server.port, 3.0, alone)
    light: list[Reply] = []
    heavy: list[Reply] = []
    threads = [threading.Thread(target=_heavy_loop, args=(server.port, q, 15.0, heavy))
               for q in (RUNAWAY_MEMORY, RUNAWAY_CPU)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    _light_loop(server.port, 15.0, light)
    for thread in threads:
        thread.join(timeout=40)
    watch.stop()
    assert not watch.guard_tripped, f"the server passed {GUARD_BYTES >> 20} MiB and was killed"
    failed = [(r.status, r.error, round(r.seconds, 2)) for r in light if r.status != 200]
    slow = sorted(round(r.seconds, 2) for r in light if r.seconds > 2.0)
    rate_alone, rate = len(alone) / 3.0, len(light) / 15.0
    summary = (f"light: {len(light)} requests ({rate:.1f}/s; alone {rate_alone:.1f}/s), "
               f"failed {failed[:10]} ({len(failed)}), slower than 2 s {slow[:10]} "
               f"({len(slow)}); heavy: {[(r.status, r.error) for r in heavy][:6]}")
    assert not failed, summary
    assert not slow, summary
    assert rate >= 0.5 * rate_alone, summary
    assert any(r.status == 503 for r in heavy), summary      # the runaways were ended


# --------------------------------------------------------------------------- c. memory


@pytest.mark.timeout(90)
def test_runaway_memory_query_is_ended_and_the_server_stays_small(serve):
    """The sorting runaway is ended with a 503 naming the memory or time limit, the server
    keeps answering, and no server process grows past 1 GiB (query memory 512 MiB)."""
    bound_mib = 1024
    server = serve(query_timeout_seconds=3, query_memory_mib=512)
    watch = TreeWatch(server)
    watch.start()
    try:
        reply = fetch(server.port, sparql_path(RUNAWAY_MEMORY), {"Accept": JSON}, timeout=30)
        after = [fetch(server.port, sparql_path(f"ASK {{ ?s ?p ?o }} # {i}"), {"Accept": JSON},
                       timeout=5) for i in range(5)]
        time.sleep(2.0)                        # the ended query's memory must come back too
    finally:
        watch.stop()
    assert not watch.guard_tripped, f"the server passed {GUARD_BYTES >> 20} MiB and was killed"
    assert reply.status == 503, (reply.status, reply.error, reply.text[:300])
    assert re.search(r"memory|time limit", reply.text, re.I), reply.text[:300]
    assert [r.status for r in after] == [200] * 5, [(r.status, r.error) for r in after]
    assert max(r.seconds for r in after) < 2.0, [round(r.seconds, 2) for r in after]
    peaks = {pid: rss >> 20 for pid, rss in watch.peaks.items()}
    assert max(peaks.values()) < bound_mib, f"peak RSS MiB per server process: {peaks}"


# --------------------------------------------------------------------------- d. swap


@pytest.mark.timeout(90)
def test_release_swap_under_load_fails_nothing_and_serves_the_new_version(serve, tmp_path):
    """While a client loops over pages, queries and /health, `latest` is re-pointed to a
    new release: no request fails and /health names the new version within 5 s."""
    server = serve()
    stop = threading.Event()
    outcomes: list[tuple[float, Reply]] = []
    new_version = "2024-06-01.1"

    def client() -> None:
        paths = ["/health", f"/doc/project/{PROJECT}", "/projects", "/"]
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        index = 0
        while not stop.is_set() and index < 20000:
            index += 1
            path = (sparql_path(f"ASK {{ ?s ?p ?o }} # {index}") if index % 5 == 0
                    else paths[index % len(paths)])
            reply = fetch(server.port, path, {"Accept": "text/html"}, connection=conn)
            outcomes.append((time.monotonic(), reply))
            if reply.error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.close()

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    seen = None
    try:
        time.sleep(2.0)
        write_release(tmp_path / "releases", version=new_version, built="2024-06-01T12:00:00Z")
        moved = time.monotonic()
        while time.monotonic() - moved < 10.0:
            reply = fetch(server.port, "/health", timeout=2)
            try:
                if reply.status == 200 and json.loads(reply.body).get("version") == new_version:
                    seen = time.monotonic() - moved
                    break
            except ValueError:
                pass
            time.sleep(0.1)
        time.sleep(2.0)
    finally:
        stop.set()
        thread.join(timeout=15)
    failed = [(round(at - moved, 2), r.status, r.error) for at, r in outcomes
              if r.error or r.status >= 500]
    after = sum(1 for at, r in outcomes if at > moved and not r.error)
    summary = (f"{len(failed)} of {len(outcomes)} requests failed (seconds after the "
               f"switch, status, error): {failed[:10]}; {after} answered after the switch; "
               f"/health named the new version after {seen} s")
    assert not failed, summary
    assert after > 0, summary
    assert seen is not None and seen <= 5.0, summary


# --------------------------------------------------------------------------- e. hung store


@pytest.mark.timeout(90)
def test_hung_remote_store_is_reported_quickly_without_its_address(serve, hung_store):
    """With a remote store that accepts and never answers, /health says so within 2 s
    (503, JSON), a page and a query answer 503 within 5 s, what needs no store (robots.txt)
    answers at once, and no answer names the store's address."""
    server = serve(store=hung_store.url, query_timeout_seconds=3, store_probe_seconds=1)
    replies = {
        "health": fetch(server.port, "/health", timeout=6),
        "robots.txt": fetch(server.port, "/robots.txt", timeout=6),
        "page": fetch(server.port, f"/doc/project/{PROJECT}", {"Accept": "text/html"},
                      timeout=8),
        "query": fetch(server.port, sparql_path("ASK { ?s ?p ?o }"), {"Accept": JSON},
                       timeout=8),
        "health again": fetch(server.port, "/health", timeout=6),
    }
    wanted = {"health": (503, 2.0), "robots.txt": (200, 2.0), "page": (503, 5.0),
              "query": (503, 5.0), "health again": (503, 2.0)}
    seen = "; ".join(f"{name}: {r.status or r.error} in {r.seconds:.2f} s {r.text[:140]!r}"
                     for name, r in replies.items())
    for name, reply in replies.items():
        status, seconds = wanted[name]
        assert reply.status == status and reply.seconds <= seconds, f"{name} — {seen}"
        exposed = reply.text + json.dumps(reply.headers)
        assert f"127.0.0.1:{hung_store.port}" not in exposed, (name, exposed[:400])
        assert str(hung_store.port) not in exposed, (name, exposed[:400])
    health = json.loads(replies["health"].body)
    assert health.get("status") != "ok", health
    assert re.search(r"not answer|no answer|unavailable|unreachable|timed? ?out|not respond",
                     json.dumps(health), re.I), health


# --------------------------------------------------------------------------- f. nesting


def _nested(kind: str) -> str:
    if kind == "2700 nested {":
        return "SELECT * WHERE " + "{" * 2700 + " ?s ?p ?o " + "}" * 2700
    if kind == "5000 (":
        return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }"
    if kind == "3000 OPTIONAL":
        return ("SELECT * WHERE { ?s ?p ?o "
                + " ".join(f"OPTIONAL {{ ?s ?p ?o{i} }}" for i in range(3000)) + " }")
    if kind == "1000 nested CONCAT":
        return ('SELECT (' + "CONCAT(" * 1000 + '"a"' + ', "b")' * 1000
                + " AS ?x) WHERE {}")
    if kind == "10000-step path":
        return "SELECT * WHERE { ?s " + "/".join(["<p>"] * 10000) + " ?o }"
    raise ValueError(kind)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["2700 nested {", "5000 (", "3000 OPTIONAL",
                                  "1000 nested CONCAT", "10000-step path"])
def test_deeply_nested_query_is_refused_without_a_crash(serve, kind):
    """A query past the nesting or operator limits gets a 400 naming the limit before it
    reaches the parser's recursion or the evaluator, and no worker dies or retires."""
    server = serve(query_timeout_seconds=3, query_max_depth=64, query_max_operators=1000)
    before = server.stable_workers()
    query = _nested(kind)
    reply = fetch(server.port, "/sparql", {"Content-Type": "application/sparql-query",
                                           "Accept": JSON},
                  method="POST", body=query.encode(), timeout=30)
    time.sleep(1.0)
    after = server.workers()
    health = fetch(server.port, "/health", timeout=5)
    assert reply.status == 400, (len(query), reply.status, reply.error, reply.text[:300])
    assert re.search(r"nest|depth|deep|operators?|too (?:complex|large|long)", reply.text,
                     re.I), reply.text[:300]
    assert after == before, f"workers before {sorted(before)}, after {sorted(after)}"
    assert health.status == 200


# --------------------------------------------------------------------------- g. chunks


@pytest.mark.timeout(30)
@pytest.mark.parametrize("size_line", [b"zz", b"-5", b"0x5", b"5 5", b"",
                                       b"ffffffffffffffffffffffff"])
def test_malformed_chunk_size_is_a_bad_request(plain, size_line):
    """POST /sparql with Transfer-Encoding: chunked and a chunk size that is not one
    answers 400, never a 500 or a dropped connection. An absurd size whose bytes never come
    is a body that does not arrive: 408 after the body's read timeout (BODY_SECONDS)."""
    request = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Content-Type: application/sparql-query\r\nAccept: " + JSON.encode()
               + b"\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               + size_line + b"\r\nASK{}\r\n0\r\n\r\n")
    status, answer = raw_request(plain.port, request, timeout=15)
    allowed = {400, 408, 413} if len(size_line) > 16 else {400}
    head, _, body = answer.partition(b"\r\n\r\n")
    assert status in allowed, (status, head[:40], body[:200])
    assert b"Traceback" not in answer


# --------------------------------------------------------------------------- h. SERVICE


def _service_requests(target: str) -> list[tuple[str, str, str, bytes | None, str | None]]:
    """(name, method, path, body, content type): federated queries and updates aimed at
    ``target``, by every route the protocol allows."""
    service = f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}"
    form = "application/x-www-form-urlencoded"
    return [
        ("SERVICE, GET", "GET", sparql_path(service), None, None),
        ("service in lower case", "GET",
         sparql_path(f"select * {{ service <{target}/q> {{ ?s ?p ?o }} }}"), None, None),
        ("SERVICE SILENT in a subquery", "GET", sparql_path(
            f"SELECT * {{ {{ SELECT * {{ SERVICE SILENT <{target}/q> {{ ?s ?p ?o }} }} }} }}"),
         None, None),
        ("SERVICE by prefixed name, POST direct", "POST", "/sparql",
         f"PREFIX x: <{target}/> SELECT * {{ SERVICE x:q {{ ?s ?p ?o }} }}".encode(),
         "application/sparql-query"),
        ("SERVICE, POST form", "POST", "/sparql",
         urllib.parse.urlencode({"query": service}).encode(), form),
        ("LOAD, GET update", "GET", "/sparql?" + urllib.parse.urlencode(
            {"update": f"LOAD <{target}/data.ttl>"}), None, None),
        ("LOAD, POST form", "POST", "/sparql",
         urllib.parse.urlencode({"update": f"LOAD <{target}/data.ttl>"}).encode(), form),
        ("INSERT with SERVICE, POST direct", "POST", "/sparql",
         f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}/q> {{ ?s ?p ?o }} }}".encode(),
         "application/sparql-update"),
        ("INSERT DATA, POST direct", "POST", "/sparql",
         b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
    ]


@pytest.mark.timeout(60)
def test_service_and_updates_stay_refused(plain, listener):
    """SERVICE and every update are refused with 403, by GET, POST form and POST direct,
    and nothing connects to the loopback listener they name."""
    outcomes = []
    for name, method, path, body, media in _service_requests(listener.url):
        headers = {"Accept": JSON}
        if media:
            headers["Content-Type"] = media
        reply = fetch(plain.port, path, headers, method=method, body=body, timeout=10)
        outcomes.append((name, reply.status, reply.error))
    time.sleep(0.5)
    assert all(status == 403 for _, status, _ in outcomes), outcomes
    assert not listener.accepted, f"{listener.accepted} connection(s) reached the listener"


def _injected_urls(target: str) -> list[str]:
    """Addresses for /validate?url= that close the IRI and add a SERVICE clause to the
    query the server builds from them ("?" and "#" are cut off there, hence ``$`` variables)."""
    graph = f"{BASE}graph/reference"
    service = f"SERVICE <{target}/sparql> {{ $s $p $o }}"
    return [
        f"{graph}> {{ $s $p $o }} OPTIONAL {{ {service} }} GRAPH <{graph}",
        f"{graph}> {{ $s $p $o }} {{ {service} }} UNION {{ GRAPH <{graph}> {{ $s $p $o }} }} "
        f"GRAPH <{graph}",
        f"/graph/reference> {{ $s $p $o }} OPTIONAL {{ {service} }} GRAPH <{graph}",
        f"{BASE}id/project/{PROJECT}> $p $o }} UNION {{ {service} }} UNION {{ <{PROJECT_IRI}",
        f"{BASE}def/Project> $p $o }} {service} {{ <{BASE}def/Project",
    ]


@pytest.mark.timeout(60)
def test_validate_url_cannot_inject_a_service_call(plain, listener):
    """`/validate?url=` with an address that smuggles a SERVICE clause into the server's own
    query answers 4xx, and nothing connects to the loopback listener."""
    outcomes = []
    for url in _injected_urls(listener.url):
        path = "/validate?" + urllib.parse.urlencode({"url": url, "format": "json"})
        reply = fetch(plain.port, path, {"Accept": "application/json"}, timeout=8)
        outcomes.append((url[:70], reply.status, reply.error, reply.text[:120]))
    time.sleep(0.5)
    summary = (f"{listener.accepted} connection(s) reached the listener; answers: "
               + "; ".join(f"{status or error} {text!r} for {url!r}"
                           for url, status, error, text in outcomes))
    assert all(400 <= status < 500 for _, status, _, _ in outcomes), summary
    assert not listener.accepted, summary
