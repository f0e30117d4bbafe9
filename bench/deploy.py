#!/usr/bin/env python3
"""The scale-out deployment under load: nginx in front of app replicas on an Oxigraph server.

    python bench/deploy.py [RELEASE_DIR] [--seconds 60] [--replicas 2] [--clients 6] [--json FILE]

Starts on loopback ports exactly what docs/deploy.md describes: ``oxigraph serve`` loaded by
``publisher load --store``, ``publisher serve --store oxigraph+http://…`` replicas (gunicorn),
and nginx run from ``deploy/nginx.conf.template`` (rendered by ``deploy/render.py``) with its
state in a temporary folder. Then a mixed load — ``/doc`` pages in every format and language,
SPARQL, the project list, a dump — for ``--seconds``, with one replica killed (SIGKILL to its
process group) half-way, and prints: requests/s, p50/p99 latency (also of the requests that
are not /doc, which nginx does not cache), failed requests (a failure is a refused or broken
connection, an unexpected status, or an answer in another format or language than asked),
and the ratio of ``/doc`` requests nginx answered from its cache. Beside them, the reference
measured in the same run: the same mix asked of one replica directly (after one pass to warm
it) for a quarter of the time, and the ratio of requests/s through nginx to it. Then paged
SPARQL: 25 000 rows read by their pages against the same query's first 10 000 rows unpaged
(in the engine's order, and sorted). Then a release switch: the release loaded again under
a new version, nginx's configuration rendered for it and reloaded; it checks that the next
``/doc`` answer is the new release's.

RELEASE_DIR defaults to ``releases/latest``. ``tests/deploy/test_deploy.py`` runs the same
code for a shorter time. Figures: bench/README.md.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
RENDER = PROJECT / "deploy" / "render.py"
NGINX = "/usr/sbin/nginx"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: Accept header → the media type of the answer (the /doc formats).
FORMATS = {BROWSER: "text/html", "application/json": "application/json",
           "text/turtle": "text/turtle", "application/ld+json": "application/ld+json",
           "application/rdf+xml": "application/rdf+xml",
           "application/n-triples": "application/n-triples"}
LANGUAGES = {"fi-FI,fi;q=0.9": "fi", "sv-FI,sv;q=0.9": "sv", "en-US,en;q=0.5": "en"}
PROJECTS_QUERY = ("SELECT DISTINCT ?p WHERE {{ ?p a ?type . "
                  "FILTER(CONTAINS(STR(?p), \"/id/\") && !CONTAINS(STR(?p), \"#\")) }} "
                  "ORDER BY ?p LIMIT 2000")
SPARQL_QUERIES = ["SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}",
                  "SELECT ?s ?label WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> "
                  "?label }} LIMIT 20",
                  "SELECT DISTINCT ?type WHERE {{ ?s a ?type }}"]


def say(text: str) -> None:
    """Progress on stderr, for a person watching (quiet when piped)."""
    if sys.stderr.isatty():
        print(text, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def publisher_command() -> list[str]:
    beside = Path(sys.executable).parent / "publisher"
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "publisher.cli"]


def release_info(folder: Path) -> dict:
    return json.loads((folder / "release.json").read_text(encoding="utf-8"))


def get(port: int, path: str, headers: dict[str, str] | None = None,
        timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """One request on a connection of its own."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return (response.status, {k.lower(): v for k, v in response.getheaders()},
                response.read())
    finally:
        connection.close()


def _wait(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not happen within {seconds:g} s")


# --------------------------------------------------------------------------- the deployment


@dataclass
class Deployment:
    """Oxigraph server, app replicas and nginx, started and stopped together."""

    root: Path                      # a folder of its own: releases/, state, logs
    replicas: int = 2
    workers: int = 1
    store_port: int = field(default_factory=free_port)
    nginx_port: int = field(default_factory=free_port)
    ports: list[int] = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def state(self) -> Path:
        return self.root / "nginx"

    @property
    def store_url(self) -> str:
        return f"oxigraph+http://127.0.0.1:{self.store_port}"

    def environment(self) -> dict[str, str]:
        info = release_info(self.releases / "latest")
        return {**os.environ, "PUBLISHER_CONFIG": str(self.root / "no-config.toml"),
                "PUBLISHER_BASE_URI": info.get("base_uri") or "https://data.kuntadigi.example/",
                "PUBLISHER_RELEASES_DIR": str(self.releases),
                "PUBLISHER_DATA_DIR": str(self.root / "data")}

    def _start(self, name: str, command: list[str], **options) -> subprocess.Popen:
        log = open(self.root / f"{name}.log", "ab")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True, **options)
        log.close()
        self.processes[name] = process
        return process

    def start(self) -> None:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server binary is missing (pip install oxigraph)")
        (self.root / "oxigraph").mkdir(parents=True, exist_ok=True)
        self._start("oxigraph", [binary, "serve", "--location", str(self.root / "oxigraph"),
                                 "--bind", f"127.0.0.1:{self.store_port}"])
        _wait(lambda: get(self.store_port, "/query?query=ASK%7B%7D")[0] == 200, 20,
              "the Oxigraph server answering")
        self.load(self.releases / "latest")
        self.ports = [free_port() for _ in range(self.replicas)]
        for index, port in enumerate(self.ports):
            self._start(f"replica-{index}", publisher_command() + [
                "serve", "--quiet", "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(self.workers), "--store", self.store_url],
                env=self.environment())
        for port in self.ports:
            _wait(lambda port=port: get(port, "/health")[0] == 200, 60, "a replica answering")
        self.render()
        self._start("nginx", [NGINX, "-p", str(self.state), "-c",
                              str(self.state / "nginx.conf")])
        _wait(lambda: get(self.nginx_port, "/health")[0] == 200, 20, "nginx answering")

    def load(self, release: Path) -> None:
        """`publisher load --store` of a release folder."""
        subprocess.run(publisher_command() + ["load", "--quiet", "--store", self.store_url,
                                              "--release", str(release)],
                       env=self.environment(), check=True, timeout=300)

    def render(self) -> None:
        command = [sys.executable, str(RENDER), "--listen", f"127.0.0.1:{self.nginx_port}",
                   "--releases", str(self.releases), "--state", str(self.state),
                   "--out", str(self.state / "nginx.conf")]
        for port in self.ports:
            command += ["--upstream", f"127.0.0.1:{port}"]
        subprocess.run(command, check=True, timeout=30)

    def kill_replica(self, index: int, how: int = signal.SIGKILL) -> None:
        """A signal to a replica's gunicorn master, its workers and their children: SIGKILL
        (a crash: nothing finishes) or SIGTERM (`kill`: requests in flight finish, then it
        exits)."""
        process = self.processes[f"replica-{index}"]
        os.killpg(process.pid, how)
        process.wait(timeout=10)

    def serving(self, index: int) -> str | None:
        """The release version a replica answers from (its /health)."""
        status, _, body = get(self.ports[index], "/health")
        return json.loads(body).get("version") if status == 200 else None

    def switch(self, release: Path) -> float:
        """A release switch: load it, point `latest` at it, wait for the replicas alive to
        answer from it, render nginx's configuration for it and reload nginx; returns the
        seconds it took."""
        start = time.monotonic()
        self.load(release)
        link = self.releases / ".latest.switch"
        if link.is_symlink():
            link.unlink()
        os.symlink(release.name, link)
        os.replace(link, self.releases / "latest")
        version = release_info(release)["version"]
        alive = [i for i in range(len(self.ports))
                 if self.processes[f"replica-{i}"].poll() is None]
        for index in alive:
            _wait(lambda index=index: self.serving(index) == version, 30,
                  f"replica {index} answering from {version}")
        if self.workers > 1:
            # /health reached one worker; the others ask the store within 2 s (the
            # remote store's version_cache_seconds)
            time.sleep(2.5)
        self.render()
        old = self.nginx_workers()
        os.kill(self.processes["nginx"].pid, signal.SIGHUP)
        _wait(lambda: (workers := self.nginx_workers()) and not workers & old, 20,
              "nginx reloaded (its workers replaced)")
        return time.monotonic() - start

    def nginx_workers(self) -> set[int]:
        """The pids of nginx's worker processes."""
        workers = set()
        for task in Path("/proc").glob("[0-9]*"):
            try:
                status = (task / "status").read_text()
                title = (task / "cmdline").read_bytes()
            except OSError:
                continue
            parent = re.search(r"^PPid:\s*(\d+)", status, re.MULTILINE)
            if (parent and int(parent.group(1)) == self.processes["nginx"].pid
                    and b"worker process" in title):
                workers.add(int(task.name))
        return workers

    def stop(self) -> None:
        """nginx first (SIGQUIT: graceful), then the replicas (SIGTERM), then the store."""
        order = ["nginx"] + [n for n in self.processes if n.startswith("replica-")] + [
            "oxigraph"]
        for name in order:
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                continue
            try:
                os.killpg(process.pid, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass


def new_version(deployment: Deployment, suffix: str = "switch") -> Path:
    """A copy of the release served under a new version (for the switch)."""
    current = (deployment.releases / "latest").resolve()
    info = release_info(current)
    version = f"{info['version']}-{suffix}"
    target = deployment.releases / version
    shutil.copytree(current, target)
    info["version"] = version
    info["built"] = "2030-01-01T00:00:00Z"
    (target / "release.json").write_text(json.dumps(info), encoding="utf-8")
    return target


# --------------------------------------------------------------------------- the load


@dataclass(frozen=True)
class Ask:
    """One request of the mix and what its answer must be."""

    path: str
    headers: dict[str, str]
    media: str                          # the answer's media type
    language: str | None = None         # <html lang="…"> of an HTML answer
    doc: bool = False                   # a /doc request (counted for the cache ratio)


def mix(port: int, base: str) -> list[Ask]:
    """The requests of the load: every /doc page of the release's things in every format
    and, for pages, every language; SPARQL; the project list; a dump."""
    query = urllib.parse.urlencode({"query": PROJECTS_QUERY.format(base=base)})
    status, _, body = get(port, f"/sparql?{query}",
                          {"Accept": "application/sparql-results+json"})
    if status != 200:
        raise RuntimeError(f"the things of the release could not be listed ({status})")
    # the IRIs come as this host's (links are rewritten onto the host answering); eight
    # things, of as many kinds as there are (projects, organisations, documents…)
    paths = dict.fromkeys(urllib.parse.urlsplit(row["p"]["value"]).path
                          for row in json.loads(body)["results"]["bindings"])
    kinds: dict[str, list[str]] = {}
    for path in paths:
        if re.fullmatch(r"/id/[a-z-]+/[a-z0-9-]+", path):
            kinds.setdefault(path.split("/")[2], []).append("/doc/" + path[4:])
    first = sorted(kinds, key=lambda kind: (kind not in ("project", "organisation"), kind))
    docs = [path for group in zip(*[iter_padded(kinds[kind], 8) for kind in first])
            for path in group if path][:8]
    asks = []
    for path in docs:
        for accept, media in FORMATS.items():
            for language_header, language in LANGUAGES.items():
                asks.append(Ask(path, {"Accept": accept, "Accept-Language": language_header},
                                media, language if media == "text/html" else None, True))
    for text in SPARQL_QUERIES:
        asks.append(Ask("/sparql?" + urllib.parse.urlencode({"query": text.format()}),
                        {"Accept": "application/sparql-results+json"},
                        "application/sparql-results+json"))
    for language_header, language in LANGUAGES.items():
        asks.append(Ask("/projects", {"Accept": BROWSER, "Accept-Language": language_header},
                        "text/html", language))
    asks.append(Ask("/projects.json", {}, "application/json"))
    asks.append(Ask("/dumps/data.ttl", {}, "text/turtle"))
    return asks


def iter_padded(items: list[str], size: int) -> list[str | None]:
    """The first ``size`` items, padded with None."""
    return (items + [None] * size)[:size]


_HTML_LANG = re.compile(rb'<html lang="([a-z]+)"')


def wrong(ask: Ask, status: int, headers: dict[str, str], body: bytes) -> str | None:
    """Why an answer is not the one asked for, or None."""
    if status != 200:
        return f"status {status}"
    media = headers.get("content-type", "").split(";")[0].strip()
    if media != ask.media:
        return f"{media} for {ask.headers.get('Accept')}"
    if ask.language is not None:
        found = _HTML_LANG.search(body[:2000])
        if found is None or found.group(1).decode() != ask.language:
            return f"a page in {found and found.group(1)} for {ask.language}"
    return None


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    app_latencies: list[float] = field(default_factory=list)    # not /doc
    failures: list[str] = field(default_factory=list)
    doc: int = 0
    hits: int = 0
    cut: int = 0                    # answers begun, then broken off


def run_load(port: int, asks: list[Ask], seconds: float, clients: int,
             events: list[tuple[float, object]] = ()) -> dict:
    """``clients`` threads, each with a keep-alive connection to ``port``, asking the mix in
    a shuffled order for ``seconds``; each ``(at, action)`` of ``events`` runs once ``at``
    seconds in. Returns the figures."""
    stop = time.monotonic() + seconds
    tallies = [Tally() for _ in range(clients)]

    def client(index: int) -> None:
        tally = tallies[index]
        order = asks[:]
        random.Random(index).shuffle(order)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        position = 0
        while time.monotonic() < stop:
            ask = order[position % len(order)]
            position += 1
            start = time.perf_counter()
            try:
                connection.request("GET", ask.path, headers=ask.headers)
                response = connection.getresponse()
                body = response.read()
                headers = {k.lower(): v for k, v in response.getheaders()}
                problem = wrong(ask, response.status, headers, body)
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}: {error}"
                if isinstance(error, http.client.IncompleteRead):
                    tally.cut += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                headers = {}
            tally.latencies.append(time.perf_counter() - start)
            if not ask.doc:
                tally.app_latencies.append(tally.latencies[-1])
            if problem:
                tally.failures.append(f"{ask.path} {ask.headers}: {problem}")
            if ask.doc:
                tally.doc += 1
                tally.hits += headers.get("x-cache-status") == "HIT"
        connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for at, action in sorted(events, key=lambda event: event[0]):
        time.sleep(max(0.0, began + at - time.monotonic()))
        action()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.monotonic() - began
    latencies = sorted(x for t in tallies for x in t.latencies)
    others = sorted(x for t in tallies for x in t.app_latencies)
    failures = [f for t in tallies for f in t.failures]
    doc = sum(t.doc for t in tallies)
    return {
        "seconds": round(elapsed, 1), "clients": clients, "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 2) if latencies else None,
        "p99_ms": _p99(latencies),
        "other_p99_ms": _p99(others),
        "failed": len(failures), "failures": failures[:10],
        "failed_cut_mid_answer": sum(t.cut for t in tallies),
        "doc_requests": doc, "doc_cache_misses": doc - sum(t.hits for t in tallies),
        "cache_hit_ratio": round(sum(t.hits for t in tallies) / doc, 4) if doc else None,
    }


def _p99(latencies: list[float]) -> float | None:
    """The 99th percentile of sorted seconds, in ms."""
    return round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 2) if latencies else None


def check_switch(deployment: Deployment, asks: list[Ask]) -> dict:
    """Switch the release under nginx; the next /doc answers must be the new release's
    (a miss, with the ETag a replica gives for the same request), then hits again."""
    doc = next(ask for ask in asks if ask.doc and ask.media == "text/turtle")
    get(deployment.nginx_port, doc.path, doc.headers)
    _, before, _ = get(deployment.nginx_port, doc.path, doc.headers)
    seconds = deployment.switch(new_version(deployment))
    _, first, _ = get(deployment.nginx_port, doc.path, doc.headers)
    _, second, _ = get(deployment.nginx_port, doc.path, doc.headers)
    alive = next(i for i in range(len(deployment.ports))
                 if deployment.processes[f"replica-{i}"].poll() is None)
    # the replica asked as nginx asks it: with nginx's Host (links and ETags follow it)
    _, direct, _ = get(deployment.ports[alive], doc.path,
                       {**doc.headers, "Host": f"127.0.0.1:{deployment.nginx_port}"})
    return {"switch_seconds": round(seconds, 2), "before": before.get("x-cache-status"),
            "etag_before": before.get("etag"), "after_first": first.get("x-cache-status"),
            "after_second": second.get("x-cache-status"), "etag_after": first.get("etag"),
            "etag_replica": direct.get("etag")}


#: 50 × 50 × 10 = 25 000 rows (every pair ten times), from VALUES alone.
PAGED_QUERY = ("SELECT ?a ?b WHERE {{ VALUES ?a {{ {a} }} VALUES ?b {{ {b} }} "
               "VALUES ?c {{ 1 2 3 4 5 6 7 8 9 10 }} }}").format(
    a=" ".join(str(n) for n in range(50)), b=" ".join(f'"b{n}"' for n in range(50)))


def paging_figures(port: int, rounds: int = 3) -> dict:
    """Reading the 25 000 rows of PAGED_QUERY by its pages (Link: rel="next"), against the
    references of the same query with LIMIT 10000 (one page's rows, not cut): in the
    engine's order, and sorted by ``ORDER BY ?a ?b`` (one sort of all rows, SPARQL's own
    order); seconds per 10 000 rows, best of ``rounds``."""
    accept = {"Accept": "text/tab-separated-values"}

    def pages(index: int) -> tuple[float, int, int]:
        start = time.perf_counter()
        path = "/sparql?" + urllib.parse.urlencode({"query": f"{PAGED_QUERY}\n# {index}"})
        rows = count = 0
        while path:
            status, headers, body = get(port, path, accept, timeout=120)
            if status != 200:
                raise RuntimeError(f"a page answered {status}: {body[:200]!r}")
            rows += body.count(b"\n") - 1
            count += 1
            found = re.fullmatch(r'<([^>]*)>; rel="next"', headers.get("link", ""))
            path = urllib.parse.urlsplit(found.group(1)) if found else None
            path = f"{path.path}?{path.query}" if path else None
        return time.perf_counter() - start, rows, count

    def one_page(index: int, order: str = "") -> float:
        start = time.perf_counter()
        query = f"{PAGED_QUERY} {order} LIMIT 10000\n# {index}"
        status, _, _ = get(port, "/sparql?" + urllib.parse.urlencode({"query": query}),
                           accept, timeout=120)
        if status != 200:
            raise RuntimeError(f"the reference answered {status}")
        return time.perf_counter() - start

    # a comment makes each round a new query (no answer cache on either side)
    stamp = time.time_ns()
    best_pages = min((pages(stamp + i) for i in range(rounds)), key=lambda found: found[0])
    best_one = min(one_page(stamp + i) for i in range(rounds))
    best_sorted = min(one_page(stamp + i, "ORDER BY ?a ?b") for i in range(rounds))
    seconds, rows, count = best_pages
    per_page = seconds / (rows / 10000)
    return {"rows": rows, "pages": count, "pages_seconds": round(seconds, 3),
            "seconds_per_10000_rows": round(per_page, 3),
            "reference_seconds_per_10000_rows": round(best_one, 3),
            "ratio": round(per_page / best_one, 2),
            "sorted_reference_seconds_per_10000_rows": round(best_sorted, 3),
            "ratio_to_sorted": round(per_page / best_sorted, 2)}


def run(release: Path, seconds: float = 60.0, replicas: int = 2, clients: int = 6,
        workers: int = 1, root: Path | None = None) -> dict:
    """Start the deployment on a copy of ``release``, load it with a replica killed half
    way, switch the release; returns the figures."""
    owned = root is None
    root = Path(tempfile.mkdtemp(prefix="deploy-bench-")) if root is None else root
    releases = root / "releases"
    version = release_info(release)["version"]
    releases.mkdir(parents=True, exist_ok=True)
    if not (releases / version).exists():
        shutil.copytree(release, releases / version)
    if not (releases / "latest").exists():
        os.symlink(version, releases / "latest")
    deployment = Deployment(root, replicas=replicas, workers=workers)
    try:
        say(f"starting the store, {replicas} replicas and nginx in {root}")
        deployment.start()
        base = deployment.environment()["PUBLISHER_BASE_URI"]
        asks = mix(deployment.nginx_port, base)
        # the reference, measured in the same run: the same mix asked of one replica
        # directly (the replica that stays), a quarter of the time
        say(f"reference: one replica directly, {max(2.0, seconds / 4):g} s")
        for ask in asks:                        # warm: its first renders are not measured
            get(deployment.ports[-1], ask.path, ask.headers)
        reference = run_load(deployment.ports[-1], asks, max(2.0, seconds / 4), clients)
        say(f"load through nginx, {seconds:g} s, replica 0 killed at {seconds / 2:g} s")
        figures = run_load(deployment.nginx_port, asks, seconds, clients,
                           [(seconds / 2, lambda: deployment.kill_replica(0))])
        figures.update({"replicas": replicas, "workers_per_replica": workers,
                        "mix": len(asks), "killed_at_second": seconds / 2,
                        "reference_one_replica": {
                            k: reference[k] for k in ("requests_per_second", "p50_ms",
                                                      "p99_ms", "other_p99_ms", "failed")},
                        "requests_per_second_ratio": round(
                            figures["requests_per_second"]
                            / reference["requests_per_second"], 2)})
        say("paging: 25 000 rows by their pages")
        figures["paging"] = paging_figures(deployment.nginx_port)
        say("release switch")
        figures["switch"] = check_switch(deployment, asks)
        return figures
    finally:
        deployment.stop()
        if owned:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("release", nargs="?", type=Path, default=PROJECT / "releases" / "latest")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per replica")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    release = args.release.resolve()
    if not (release / "release.json").is_file():
        print(f"error: no release at {args.release} (build one: publisher build)",
              file=sys.stderr)
        return 2
    if not os.access(NGINX, os.X_OK):
        print(f"error: {NGINX} is missing (apt install nginx-light)", file=sys.stderr)
        return 2
    figures = run(release, args.seconds, args.replicas, args.clients, args.workers)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if figures["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
