#!/usr/bin/env python3
"""Server benchmark: our app under gunicorn against Oxigraph server, on the same release.

    python bench/server.py RELEASE_DIR [--quick] [--json FILE]

Measures side by side, in one run, on one release:

* ``sparql``: our ``/sparql`` (``publisher serve --workers N``, embedded store) against
  ``oxigraph serve-read-only`` on the same ``data.trig`` (loaded with ``oxigraph load``,
  union default graph), for a mix of queries: median and p95 latency with one client,
  requests/s with four clients, and the ratio ours/Oxigraph per query; beside them the
  floor of any answer under gunicorn: the same worker set-up returning that query's answer
  pre-rendered (no parsing, no evaluation, no Flask);
* ``doc``: ``/doc/project/…`` in Turtle, JSON-LD and HTML, requests/s with four
  connections, against the same gunicorn set-up returning the same bytes pre-rendered;
* ``remote``: the same query mix through our app in front of an ``oxigraph serve``
  loaded by ``publisher load --store``, against that Oxigraph server directly.

The load client is the same for every side: ``http.client`` with keep-alive, one
connection per thread. Rounds of the two sides are interleaved so that a busy machine
slows both alike. Our server gets the base URI's host in ``Host``, as behind a reverse
proxy in production, so links are not rewritten (Oxigraph does not rewrite either).

``run(release_dir, quick=False)`` returns the figures as a dict (``bench/run.py`` calls it).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pyoxigraph as ox

from publisher.store.switch import UNION

PROJECT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
CLIENTS = 4
WORKERS = max(2, os.cpu_count() or 2)
SPARQL_JSON = "application/sparql-results+json"
DOC_FORMATS = {"turtle": "text/turtle", "jsonld": "application/ld+json", "html": "text/html"}
#: Per query of the mix, cold: our median <= max(1.5 x Oxigraph's, Oxigraph's + 0.5 ms).
BARS = {"sparql_median_ratio_max": 1.5, "sparql_median_extra_ms_max": 0.5,
        "doc_turtle_rps_min": 1000.0}


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Plan:
    """How long to measure: latency samples per query and seconds of load per case."""

    samples: int
    rounds: int
    load_seconds: float
    warmup: int

    @staticmethod
    def of(quick: bool) -> "Plan":
        if quick:
            return Plan(samples=6, rounds=2, load_seconds=0.4, warmup=1)
        return Plan(samples=60, rounds=4, load_seconds=3.0, warmup=5)


def _oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("the oxigraph server binary is missing: pip install oxigraph")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def release_base_uri(release_dir: Path) -> str:
    """The base URI the release was built with (release.json), else the default."""
    try:
        info = json.loads((release_dir / "release.json").read_text(encoding="utf-8"))
        return str(info.get("base_uri") or "https://data.kuntadigi.example/")
    except (OSError, ValueError):
        return "https://data.kuntadigi.example/"


# --------------------------------------------------------------------------- servers


@dataclass
class Server:
    """A server process on a loopback port; ``host`` is what requests put in ``Host``."""

    name: str
    port: int
    process: subprocess.Popen
    host: str = ""
    query_path: str = "/sparql"
    #: Protocol dataset parameters every query carries (a remote store: the ones our app
    #: sends it, so that both sides answer the same HTTP request).
    dataset: tuple[tuple[str, str], ...] = ()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait_until_up(server: Server, path: str, seconds: float = 120) -> Server:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with status {server.process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            connection.request("GET", path, headers={"Host": server.host or "127.0.0.1"})
            status = connection.getresponse().status
            connection.close()
            if status < 500:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.name} did not start")


def _spawn(name: str, command: list[str], port: int, env: dict[str, str] | None = None,
           host: str = "", query_path: str = "/sparql") -> Server:
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=str(PROJECT),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Server(name, port, process, host, query_path)


def load_oxigraph(release_dir: Path, location: Path) -> None:
    """``oxigraph load`` the release's TriG into a fresh database."""
    subprocess.run([_oxigraph_binary(), "load", "--location", str(location),
                    "--file", str(release_dir / "data.trig")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_oxigraph(location: Path, read_only: bool) -> Server:
    """``serve-read-only`` with the union default graph (what our embedded store answers),
    or a writable ``serve`` for ``publisher load`` (which writes the union itself)."""
    port = _free_port()
    command = [_oxigraph_binary(), "serve-read-only" if read_only else "serve",
               "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if read_only:
        command.append("--union-default-graph")
    server = _spawn("oxigraph", command, port, query_path="/query")
    return _wait_until_up(server, "/query?query=ASK%7B%7D")


def _pythonpath() -> str:
    """The project first on the path of a process started here (ours or a bench app)."""
    return os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))


def _publisher_env(base_uri: str, data_dir: Path) -> dict[str, str]:
    return {"PUBLISHER_BASE_URI": base_uri, "PUBLISHER_DATA_DIR": str(data_dir),
            "PYTHONPATH": _pythonpath()}


def start_publisher(release_dir: Path, data_dir: Path, base_uri: str,
                    store_url: str | None = None, startup_seconds: float = 120) -> Server:
    """``publisher serve --workers N`` (gunicorn) on the release or a remote store; a
    large release's first start loads it into the embedded store (minutes at 300 000
    records), hence ``startup_seconds``."""
    port = _free_port()
    command = [sys.executable, "-m", "publisher.cli", "--quiet", "serve", "--host",
               "127.0.0.1", "--port", str(port), "--workers", str(WORKERS),
               "--release", str(release_dir)]
    if store_url:
        command += ["--store", store_url]
    host = urllib.parse.urlsplit(base_uri).netloc
    server = _spawn("publisher", command, port, _publisher_env(base_uri, data_dir), host)
    return _wait_until_up(server, "/health", startup_seconds)


def publisher_load(store_url: str, release_dir: Path, base_uri: str, data_dir: Path) -> None:
    """``publisher load --store URL`` (Graph Store Protocol) into a writable Oxigraph."""
    subprocess.run([sys.executable, "-m", "publisher.cli", "--quiet", "load", "--store",
                    store_url, "--release", str(release_dir)], check=True, cwd=str(PROJECT),
                   env={**os.environ, **_publisher_env(base_uri, data_dir)})


def remote_dataset(release_dir: Path, base_uri: str) -> tuple[tuple[str, str], ...]:
    """The protocol dataset our app sends a remote store with every query of its own
    (``publisher.store.switch``): the release's union and its named graphs."""
    graphs = {quad.graph_name.value for quad in ox.parse(path=str(release_dir / "data.trig"),
                                                         format=ox.RdfFormat.TRIG)
              if not isinstance(quad.graph_name, ox.DefaultGraph)}
    graphs.add(base_uri + "graph/release")
    return (("default-graph-uri", UNION),) + tuple(("named-graph-uri", g) for g in sorted(graphs))


def _start_bench_app(name: str, factory: str, env: dict[str, str],
                     query_path: str = "/sparql") -> Server:
    """``bench/server.py``'s WSGI app ``factory()`` under the same gunicorn set-up as ours
    (gevent workers, as many, as many connections each); not waited for."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "--pythonpath", str(BENCH),
               "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
               "--worker-class", "gevent", "--worker-connections", "1000",
               "--log-level", "warning", f"server:{factory}()"]
    return _spawn(name, command, port, {**env, "PYTHONPATH": _pythonpath()},
                  query_path=query_path)


def start_prerendered(body_file: Path, content_type: str) -> Server:
    """The same gunicorn set-up as ours, answering every request with fixed bytes."""
    server = _start_bench_app("prerendered", "prerendered_app",
                              {"BENCH_BODY_FILE": str(body_file),
                               "BENCH_CONTENT_TYPE": content_type})
    return _wait_until_up(server, "/")


def start_forwarding(store: Server) -> Server:
    """The same gunicorn set-up as ours, passing each request on to ``store`` unread."""
    server = _start_bench_app("forwarding", "forwarding_app",
                              {"BENCH_STORE_PORT": str(store.port),
                               "BENCH_STORE_PATH": store.query_path}, store.query_path)
    server.dataset = store.dataset
    return _wait_until_up(server, store.query_path + "?query=ASK%7B%7D")


def forwarding_app() -> Callable:
    """A WSGI app sending each GET's query string and Accept to the store of
    ``BENCH_STORE_PORT`` over a kept-alive connection per greenlet, and its answer back
    as it came: no checks, no framework, no cache — the least any Python front in our
    worker set-up pays for a remote store's answer."""
    port = int(os.environ["BENCH_STORE_PORT"])
    path = os.environ.get("BENCH_STORE_PATH", "/query")
    kept = threading.local()          # gunicorn's gevent worker makes it per greenlet

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        connection = getattr(kept, "connection", None)
        if connection is None:
            connection = kept.connection = http.client.HTTPConnection("127.0.0.1", port,
                                                                      timeout=60)
        connection.request("GET", f"{path}?{environ.get('QUERY_STRING', '')}",
                           headers={"Accept": environ.get("HTTP_ACCEPT", "*/*")})
        reply = connection.getresponse()
        body = reply.read()
        start_response(f"{reply.status} {reply.reason}",
                       [("Content-Type", reply.getheader("Content-Type", "text/plain")),
                        ("Content-Length", str(len(body)))])
        return [body]

    return app


def prerendered_app() -> Callable:
    """A WSGI app returning the bytes of ``BENCH_BODY_FILE`` (the floor for /doc)."""
    body = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
    headers = [("Content-Type", os.environ.get("BENCH_CONTENT_TYPE", "text/plain")),
               ("Content-Length", str(len(body)))]

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        start_response("200 OK", headers)
        return [body]

    return app


# --------------------------------------------------------------------------- client


@dataclass(frozen=True)
class Request:
    """One GET as a server sees it: path with query string and headers."""

    path: str
    headers: tuple[tuple[str, str], ...]


class Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.connection = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)

    def get(self, request: Request) -> tuple[int, bytes]:
        headers = dict(request.headers)
        headers["Host"] = self.server.host or f"127.0.0.1:{self.server.port}"
        try:
            self.connection.request("GET", request.path, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = self._connect()
            raise
        if response.will_close:
            self.connection.close()
            self.connection = self._connect()
        return response.status, body

    def close(self) -> None:
        self.connection.close()


def checked_get(client: Client, request: Request) -> bytes:
    status, body = client.get(request)
    if status != 200:
        raise RuntimeError(f"{client.server.name} answered {status} to {request.path[:120]}: "
                           f"{body[:300]!r}")
    return body


#: Makes the request to send; the argument tags it (a cold query uses it to be unique).
Asker = Callable[[str], Request]


def same(request: Request) -> Asker:
    """The same request every time (a warm cache may answer it)."""
    return lambda tag: request


def latencies(server: Server, ask: Asker, samples: int, tag: str = "") -> list[float]:
    """Seconds per request, one client, one after another."""
    client = Client(server)
    times = []
    try:
        for index in range(samples):
            request = ask(f"{tag}{index}")
            start = time.perf_counter()
            checked_get(client, request)
            times.append(time.perf_counter() - start)
    finally:
        client.close()
    return times


def throughput(server: Server, ask: Asker, seconds: float, clients: int = CLIENTS,
               tag: str = "") -> float:
    """Requests per second with ``clients`` threads, each on its own connection."""
    counts = [0] * clients
    errors: list[BaseException] = []
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(index: int) -> None:
        client = Client(server)
        try:
            start_gate.wait()
            while time.perf_counter() < stop_at[0]:
                checked_get(client, ask(f"{tag}{index}-{counts[index]}"))
                counts[index] += 1
        except BaseException as error:  # noqa: BLE001 - reported after the run
            errors.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"load on {server.name} failed: {errors[0]}")
    return sum(counts) / elapsed


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000}


# --------------------------------------------------------------------------- the query mix


def _prologue(base_uri: str) -> str:
    return (f"PREFIX kd: <{base_uri}def/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")


def sample_iris(server: Server, base_uri: str) -> tuple[str, str]:
    """A project and the municipality with the most projects, found in the data."""
    prologue = _prologue(base_uri)
    project = select_one(server, prologue + "SELECT ?p WHERE { ?p a kd:Project } "
                          "ORDER BY ?p OFFSET 7 LIMIT 1", "p") or select_one(
        server, prologue + "SELECT ?p WHERE { ?p a kd:Project } ORDER BY ?p LIMIT 1", "p")
    municipality = select_one(server, prologue + (
        "SELECT ?m (COUNT(?p) AS ?n) WHERE { ?p kd:leadOrganisation|kd:partnerMunicipality ?m "
        ". ?m a kd:Municipality } GROUP BY ?m ORDER BY DESC(?n) ?m LIMIT 1"), "m")
    if not project or not municipality:
        raise RuntimeError("the release has no projects or municipalities to query")
    return project, municipality


def select_one(server: Server, query: str, variable: str) -> str | None:
    client = Client(server)
    try:
        body = checked_get(client, sparql_request(server, query))
    finally:
        client.close()
    rows = json.loads(body)["results"]["bindings"]
    return rows[0][variable]["value"] if rows else None


def query_mix(base_uri: str, project: str, municipality: str) -> dict[str, str]:
    """The queries of the benchmark, by name."""
    prologue = _prologue(base_uri)
    return {
        "lookup": f"SELECT ?p ?o WHERE {{ <{project}> ?p ?o }}",
        "municipality_projects": prologue + f"""SELECT ?project ?title WHERE {{
  ?project kd:leadOrganisation|kd:partnerMunicipality <{municipality}> ;
           dcterms:title ?title .
}} ORDER BY ?title""",
        "count_per_status": prologue + """SELECT ?status (COUNT(?project) AS ?projects) WHERE {
  ?project a kd:Project ; kd:status ?status .
} GROUP BY ?status ORDER BY ?status""",
        "count_per_region": prologue + """SELECT ?region (COUNT(DISTINCT ?project) AS ?projects) WHERE {
  ?project kd:leadOrganisation|kd:partnerMunicipality ?m .
  ?m kd:region ?region .
} GROUP BY ?region ORDER BY ?region""",
        "text_filter": prologue + """SELECT ?project ?title WHERE {
  ?project a kd:Project ; dcterms:title ?title .
  FILTER(REGEX(?title, "asiointi|palvelu", "i"))
} ORDER BY ?title""",
        "rows_10000": prologue + """SELECT ?project ?property ?value WHERE {
  ?project a kd:Project ; ?property ?value .
} LIMIT 10000""",
    }


def sparql_request(server: Server, query: str) -> Request:
    target = (f"{server.query_path}?"
              f"{urllib.parse.urlencode([('query', query), *server.dataset])}")
    return Request(target, (("Accept", SPARQL_JSON),))


def sparql_asker(server: Server, query: str, cold: bool) -> Asker:
    """Requests for ``query``; cold ones end with a unique comment, so that no cache can
    answer them and every request is evaluated (the comment changes nothing else)."""
    if not cold:
        return same(sparql_request(server, query))
    return lambda tag: sparql_request(server, f"{query}\n# request {tag}")


def _row_count(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


# --------------------------------------------------------------------------- comparisons


def compare_latency(sides: dict[str, tuple[Server, Asker]],
                    plan: Plan) -> dict[str, dict[str, float]]:
    """Median and p95 per side, in interleaved rounds, after a warm-up."""
    times: dict[str, list[float]] = {name: [] for name in sides}
    for name, (server, ask) in sides.items():
        latencies(server, ask, plan.warmup, tag=f"warm-{name}-")
    per_round = max(1, plan.samples // plan.rounds)
    for round_ in range(plan.rounds):
        for name, (server, ask) in sides.items():
            times[name] += latencies(server, ask, per_round, tag=f"{name}-{round_}-")
    return {name: _summary(values) for name, values in times.items()}


def compare_throughput(sides: dict[str, tuple[Server, Asker]], plan: Plan) -> dict[str, float]:
    """Requests/s per side with four clients, in two interleaved halves."""
    rates: dict[str, list[float]] = {name: [] for name in sides}
    halves = 2 if plan.rounds > 1 else 1
    for half in range(halves):
        for name, (server, ask) in sides.items():
            rates[name].append(throughput(server, ask, plan.load_seconds / halves,
                                          tag=f"load-{name}-{half}-"))
    return {name: statistics.mean(values) for name, values in rates.items()}


def _same_rows(name: str, ours: Server, theirs: Server, query: str) -> int:
    rows = {server.name: _row_count(_checked_get_once(server, sparql_request(server, query)))
            for server in (ours, theirs)}
    if rows[ours.name] != rows[theirs.name]:
        raise RuntimeError(f"{name}: {rows[ours.name]} rows from {ours.name}, "
                           f"{rows[theirs.name]} from {theirs.name}")
    return rows[ours.name]


def sparql_mix(ours: Server, theirs: Server, queries: dict[str, str], plan: Plan,
               floor_dir: Path | None = None,
               forwarding: Server | None = None) -> dict[str, Any]:
    """Every query of the mix on both servers: the same rows, then latency and throughput
    of Oxigraph, ours evaluating every request (cold), and ours on repeats (warm). With
    ``floor_dir``, also the floor of any answer under gunicorn: our worker set-up returning
    that query's answer pre-rendered, doing no work at all; with ``forwarding``, a server
    passing every request on to ``theirs`` (:func:`forwarding_app`), cold."""
    out: dict[str, Any] = {}
    for name, query in queries.items():
        rows = _same_rows(name, ours, theirs, query)
        if forwarding is not None:
            _same_rows(name, forwarding, theirs, query)
        sides = {"oxigraph": (theirs, sparql_asker(theirs, query, cold=True)),
                 "cold": (ours, sparql_asker(ours, query, cold=True)),
                 "warm": (ours, sparql_asker(ours, query, cold=False))}
        if forwarding is not None:
            sides["forwarding"] = (forwarding, sparql_asker(forwarding, query, cold=True))
        floor = None
        if floor_dir is not None:
            answer = floor_dir / f"{name}.srj"
            answer.write_bytes(_checked_get_once(theirs, sparql_request(theirs, query)))
            floor = start_prerendered(answer, SPARQL_JSON)
            sides["floor"] = (floor, sparql_asker(floor, query, cold=True))
        try:
            latency = compare_latency(sides, plan)
            rate = compare_throughput(sides, plan)
        finally:
            if floor is not None:
                floor.stop()
        entry: dict[str, Any] = {"rows": rows}
        for side in sides:
            entry[side] = {**latency[side], "rps_4_clients": rate[side]}
        for side in [side for side in sides if side != "oxigraph"]:
            entry[f"{side}_median_ratio"] = (latency[side]["median_ms"]
                                             / latency["oxigraph"]["median_ms"])
            entry[f"{side}_p95_ratio"] = latency[side]["p95_ms"] / latency["oxigraph"]["p95_ms"]
            entry[f"{side}_rps_ratio"] = rate[side] / rate["oxigraph"]
        out[name] = entry
    return out


def _checked_get_once(server: Server, request: Request) -> bytes:
    client = Client(server)
    try:
        return checked_get(client, request)
    finally:
        client.close()


def doc_rates(ours: Server, project: str, base_uri: str, workdir: Path,
              plan: Plan) -> dict[str, Any]:
    """/doc/project/… per format against a gunicorn app serving the same bytes."""
    path = "/" + project[len(base_uri):].replace("id/", "doc/", 1)
    out: dict[str, Any] = {"path": path}
    for fmt, media in DOC_FORMATS.items():
        request = Request(path, (("Accept", media), ("Accept-Language", "fi")))
        body = _checked_get_once(ours, request)
        body_file = workdir / f"doc.{fmt}"
        body_file.write_bytes(body)
        floor = start_prerendered(body_file, media)
        try:
            sides = {"ours": (ours, same(request)), "prerendered": (floor, same(request))}
            rate = compare_throughput(sides, plan)
            latency = compare_latency(sides, plan)
        finally:
            floor.stop()
        out[fmt] = {"bytes": len(body), "ours_rps": rate["ours"],
                    "prerendered_rps": rate["prerendered"],
                    "ratio": rate["ours"] / rate["prerendered"],
                    "ours_median_ms": latency["ours"]["median_ms"],
                    "prerendered_median_ms": latency["prerendered"]["median_ms"]}
    return out


# --------------------------------------------------------------------------- the run


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "workers": WORKERS, "clients": CLIENTS}


@contextmanager
def _servers(release_dir: Path, workdir: Path, base_uri: str) -> Iterator[dict[str, Server]]:
    """Every server of the benchmark, stopped on the way out."""
    with ExitStack() as stack:
        read_only = workdir / "oxigraph-read-only"
        load_oxigraph(release_dir, read_only)
        servers = {"oxigraph": start_oxigraph(read_only, read_only=True)}
        stack.callback(servers["oxigraph"].stop)
        servers["ours"] = start_publisher(release_dir, workdir / "data", base_uri)
        stack.callback(servers["ours"].stop)
        servers["store"] = start_oxigraph(workdir / "oxigraph-store", read_only=False)
        stack.callback(servers["store"].stop)
        store_url = f"http://127.0.0.1:{servers['store'].port}"
        publisher_load(store_url, release_dir, base_uri, workdir / "data-remote")
        servers["store"].dataset = remote_dataset(release_dir, base_uri)
        servers["remote"] = start_publisher(release_dir, workdir / "data-remote", base_uri,
                                            store_url)
        stack.callback(servers["remote"].stop)
        yield servers


def run(release_dir: Path, quick: bool = False) -> dict[str, Any]:
    """Measure everything on one release; returns the figures and whether bars are met."""
    release_dir = Path(release_dir).resolve()
    plan = Plan.of(quick)
    base_uri = release_base_uri(release_dir)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="bench-server-") as temp:
        workdir = Path(temp)
        with _servers(release_dir, workdir, base_uri) as servers:
            project, municipality = sample_iris(servers["oxigraph"], base_uri)
            queries = query_mix(base_uri, project, municipality)
            sparql = sparql_mix(servers["ours"], servers["oxigraph"], queries, plan,
                                floor_dir=workdir)
            doc = doc_rates(servers["ours"], project, base_uri, workdir, plan)
            remote = sparql_mix(servers["remote"], servers["store"], queries, plan)
    return {
        "release": release_dir.name, "quick": quick, "machine": machine(),
        "seconds": time.time() - started, "queries": queries,
        "sparql": sparql, "doc": doc, "remote": remote, "bars": _bars(sparql, doc),
    }


def within_bar(ours_ms: float, oxigraph_ms: float) -> bool:
    """median <= max(1.5 x Oxigraph's, Oxigraph's + 0.5 ms)."""
    return ours_ms <= max(BARS["sparql_median_ratio_max"] * oxigraph_ms,
                          oxigraph_ms + BARS["sparql_median_extra_ms_max"])


def _bars(sparql: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """Where the figures stand against the bars of the issue."""
    cold = max(entry["cold_median_ratio"] for entry in sparql.values())
    warm = max(entry["warm_median_ratio"] for entry in sparql.values())
    missed = {kind: [name for name, entry in sparql.items()
                     if not within_bar(entry[kind]["median_ms"],
                                       entry["oxigraph"]["median_ms"])]
              for kind in ("cold", "warm")}
    return {**BARS, "sparql_worst_cold_median_ratio": cold,
            "sparql_cold_missed": missed["cold"], "sparql_cold_met": not missed["cold"],
            "sparql_worst_warm_median_ratio": warm,
            "sparql_warm_missed": missed["warm"], "sparql_warm_met": not missed["warm"],
            "doc_turtle_rps": doc["turtle"]["ours_rps"],
            "doc_met": doc["turtle"]["ours_rps"] >= BARS["doc_turtle_rps_min"]}


# --------------------------------------------------------------------------- the table


def sparql_lines(title: str, entries: dict[str, Any]) -> list[str]:
    extra = [side for side in ("floor", "forwarding")
             if all(side in entry for entry in entries.values())]
    lines = ["", title,
             f"{'query':22} {'rows':>6} | {'oxigraph':>8} {'p95':>7} | {'cold':>7} {'p95':>7} "
             f"{'ratio':>5} | {'warm':>6} {'p95':>6} {'ratio':>5} | {'r/s ox':>6} "
             f"{'cold':>6} {'warm':>6}"
             + "".join(f" | {side[:5]:>6} {'ratio':>5}" for side in extra)]
    for name, entry in entries.items():
        ox_, cold, warm = entry["oxigraph"], entry["cold"], entry["warm"]
        lines.append(
            f"{name:22} {entry['rows']:>6} | {ox_['median_ms']:>8.2f} {ox_['p95_ms']:>7.2f} | "
            f"{cold['median_ms']:>7.2f} {cold['p95_ms']:>7.2f} {entry['cold_median_ratio']:>5.2f} | "
            f"{warm['median_ms']:>6.2f} {warm['p95_ms']:>6.2f} {entry['warm_median_ratio']:>5.2f} | "
            f"{ox_['rps_4_clients']:>6.0f} {cold['rps_4_clients']:>6.0f} "
            f"{warm['rps_4_clients']:>6.0f}"
            + "".join(f" | {entry[side]['median_ms']:>6.2f} {entry[side + '_median_ratio']:>5.2f}"
                      for side in extra))
    if "floor" in extra:
        lines.append("floor = gunicorn (our gevent worker set-up) returning the same answer pre-rendered, "
                     "no work at all")
    if "forwarding" in extra:
        lines.append("forwa = gunicorn (our gevent worker set-up) passing each request on to the "
                     "store over a kept-alive connection, nothing else")
    return lines


def table(results: dict[str, Any]) -> str:
    """The figures as plain-text tables (latencies in ms; ratio = ours / Oxigraph)."""
    machine = results["machine"]
    lines = [f"release {results['release']}, {machine['cpus']} CPUs, {machine['workers']} "
             f"gunicorn workers, {machine['clients']} clients for r/s; times in ms; "
             "cold = every request evaluated, warm = repeated request"]
    lines += sparql_lines("/sparql on the embedded store  vs  oxigraph serve-read-only",
                           results["sparql"])
    lines += sparql_lines("/sparql on the remote store (our app in front of oxigraph serve)"
                           "  vs  that oxigraph serve", results["remote"])
    doc = results["doc"]
    lines += ["", f"{doc['path']}  vs  the same bytes pre-rendered (gunicorn, 4 connections)",
              f"{'format':8} {'bytes':>7} {'ours r/s':>9} {'floor r/s':>10} {'ratio':>6} "
              f"{'ours ms':>8} {'floor ms':>9}"]
    for fmt in DOC_FORMATS:
        entry = doc[fmt]
        lines.append(f"{fmt:8} {entry['bytes']:>7} {entry['ours_rps']:>9.0f} "
                     f"{entry['prerendered_rps']:>10.0f} {entry['ratio']:>6.2f} "
                     f"{entry['ours_median_ms']:>8.2f} {entry['prerendered_median_ms']:>9.2f}")
    bars = results["bars"]
    limit, extra = bars["sparql_median_ratio_max"], bars["sparql_median_extra_ms_max"]
    lines += ["",
              f"bar: SPARQL median <= max({limit}x, +{extra} ms) of Oxigraph's per query: "
              f"cold {'met' if bars['sparql_cold_met'] else 'NOT met'}"
              f"{' for ' + ', '.join(bars['sparql_cold_missed']) if bars['sparql_cold_missed'] else ''}"
              f" (worst ratio {bars['sparql_worst_cold_median_ratio']:.2f}), warm "
              f"{'met' if bars['sparql_warm_met'] else 'NOT met'} (worst ratio "
              f"{bars['sparql_worst_warm_median_ratio']:.2f})",
              f"bar: /doc Turtle >= {bars['doc_turtle_rps_min']:.0f} req/s: "
              f"{bars['doc_turtle_rps']:.0f} ({'met' if bars['doc_met'] else 'NOT met'})"]
    return "\n".join(lines)


def release_bench(description: str, run_on: Callable[..., dict[str, Any]],
                  shown: Callable[[dict[str, Any]], str], argv: list[str] | None) -> int:
    """The command line of a bench on one release: `[release] [--quick] [--json FILE]`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("release", nargs="?", default=str(PROJECT / "releases" / "latest"),
                        help="release folder (default: releases/latest)")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    release = Path(args.release)
    if not (release / "data.trig").is_file():
        print(f"error: no data.trig in {release}; build a release first", file=sys.stderr)
        return 2
    results = run_on(release, quick=args.quick)
    print(shown(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    return release_bench(__doc__.split("\n\n")[0], run, table, argv)


if __name__ == "__main__":
    sys.exit(main())
