#!/usr/bin/env python3
"""Soak of the remote store: no file descriptor or memory growth over a long run in which
the store is restarted.

    python bench/soak_remote.py [RELEASE_DIR] [--minutes 10] [--restarts 2] [--clients 4]

An Oxigraph server loaded by ``publisher load --store``, our app in front of it (in this
process, behind werkzeug's threaded server, so that its file descriptors and memory are
this process's), and ``--clients`` threads sending a mix of /sparql queries (cold, with a
unique comment each) and /doc pages for ``--minutes``. The store is stopped and started
again ``--restarts`` times, evenly spread; while it is down the app must answer 503 with
Retry-After, and after it is back 200 again by itself. Printed once a minute and at the
end: requests by status, open file descriptors and resident memory of this process. The
baseline is taken just before the first restart, once the app's answer cache (bounded,
``limits.response_cache_bytes``, filled by the cold queries) has grown to its size. The run
fails (exit 1) when an answer is neither 200 nor a 503 with Retry-After, when the app does
not answer 200 again within 10 s of a restart, or when descriptors or memory at the end
exceed the baseline by more than the allowance (pool size + 16 descriptors, 64 MiB).
"""
from __future__ import annotations

import argparse
import http.client
import logging
import os
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from publisher.config import load_settings, use_store  # noqa: E402
from publisher.store import RemoteStore  # noqa: E402
from publisher.web import create_app  # noqa: E402
from tests.support.servers import LiveServer, OxigraphServer, oxigraph_binary  # noqa: E402

FD_ALLOWANCE = 16
RSS_ALLOWANCE_MIB = 64


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Load:
    """Client threads against the app; counts answers by status."""

    def __init__(self, port: int, host: str, paths: list[str], clients: int) -> None:
        self.port, self.host, self.paths, self.clients = port, host, paths, clients
        self.counts: Counter[str] = Counter()
        self.bad: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True)
                        for n in range(clients)]

    def run(self, number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        index = 0
        while not self.stop.is_set():
            path = self.paths[index % len(self.paths)].replace("TAG", f"{number}-{index}")
            index += 1
            try:
                connection.request("GET", path, headers={"Host": self.host,
                                                         "Accept": "application/sparql-results+json"
                                                         if path.startswith("/sparql")
                                                         else "text/turtle"})
                answer = connection.getresponse()
                answer.read()
                key = str(answer.status)
                if answer.status == 503 and not answer.getheader("Retry-After"):
                    key = "503-without-retry-after"
                if answer.status not in (200, 503) or key.endswith("after"):
                    with self.lock:
                        self.bad.append(f"{answer.status} {path[:80]}")
            except (OSError, http.client.HTTPException) as error:
                key = "client-error"
                with self.lock:
                    self.bad.append(f"{type(error).__name__} {path[:80]}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            with self.lock:
                self.counts[key] += 1
        connection.close()

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)


def _paths(base: str) -> list[str]:
    lookup = (f"SELECT ?p ?o WHERE {{ ?s ?p ?o . FILTER(isIRI(?s) && "
              f"STRSTARTS(STR(?s), \"{base}id/project/\")) }} LIMIT 20 # TAG")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # TAG"
    typed = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type # TAG"
    return ["/sparql?" + urllib.parse.urlencode({"query": q}) for q in (lookup, count, typed)]


def _doc_path(store: RemoteStore, base: str) -> str:
    rows = store.select(f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "
                        f"\"{base}id/project/\") && !CONTAINS(STR(?s), \"#\")) }} LIMIT 1")
    return "/doc/" + rows[0]["s"].value[len(base + "id/"):] if rows else "/"


def _back_within(app_port: int, host: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    path = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", app_port, timeout=5)
        try:
            connection.request("GET", path, headers={"Host": host})
            answer = connection.getresponse()
            answer.read()
            if answer.status == 200:
                return True
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("release", nargs="?", default=str(PROJECT / "releases" / "latest"))
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--restarts", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)     # no line per request
    release = Path(args.release)
    if not (release / "data.trig").is_file():
        print(f"error: no data.trig in {release}; build a release first", file=sys.stderr)
        return 2
    binary = oxigraph_binary()
    if binary is None:
        print("error: the oxigraph server binary is missing (pip install oxigraph)",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="soak-remote-") as temp:
        server = OxigraphServer(binary, Path(temp) / "store")
        server.start()
        settings = use_store(load_settings(environ={}), server.url)
        store = RemoteStore(server.url, settings)
        store.load_release(release)
        live = LiveServer(create_app(settings, store))
        base = settings.base_uri
        host = urllib.parse.urlsplit(base).netloc
        load = Load(live.port, host, _paths(base) + [_doc_path(store, base)], args.clients)
        failed: list[str] = []
        try:
            load.start()
            time.sleep(min(20.0, args.minutes * 6))            # warm-up
            fds0, rss0 = open_fds(), rss_mib()
            print(f"after warm-up: {fds0} fds, {rss0:.0f} MiB", flush=True)
            baseline_taken = False
            seconds = args.minutes * 60
            started = time.monotonic()
            restarts = [started + seconds * (n + 1) / (args.restarts + 1)
                        for n in range(args.restarts)]
            next_report = started + 60
            while time.monotonic() - started < seconds:
                now = time.monotonic()
                if restarts and now >= restarts[0]:
                    restarts.pop(0)
                    if not baseline_taken:
                        baseline_taken = True
                        fds0, rss0 = open_fds(), rss_mib()
                        print(f"baseline before the first restart: {fds0} fds, "
                              f"{rss0:.0f} MiB", flush=True)
                    server.stop()
                    time.sleep(3)
                    server.start()
                    if not _back_within(live.port, host, 10):
                        failed.append("the app did not answer 200 within 10 s of a restart")
                    print(f"store restarted; {dict(load.counts)}", flush=True)
                if now >= next_report:
                    next_report += 60
                    print(f"{(now - started) / 60:4.1f} min: {open_fds()} fds, "
                          f"{rss_mib():.0f} MiB, {dict(load.counts)}", flush=True)
                time.sleep(0.2)
        finally:
            load.finish()
            fds1, rss1 = open_fds(), rss_mib()
            live.stop()
            store.close()
            server.stop()
    print(f"end: {fds1} fds (+{fds1 - fds0}), {rss1:.0f} MiB (+{rss1 - rss0:.0f}); "
          f"answers {dict(load.counts)}")
    if load.bad:
        failed.append(f"{len(load.bad)} answers neither 200 nor 503 with Retry-After, "
                      f"e.g. {load.bad[:3]}")
    if fds1 > fds0 + store.pool.size + FD_ALLOWANCE:
        failed.append(f"file descriptors grew from {fds0} to {fds1}")
    if rss1 > rss0 + RSS_ALLOWANCE_MIB:
        failed.append(f"memory grew from {rss0:.0f} to {rss1:.0f} MiB")
    for line in failed:
        print("FAILED: " + line)
    print("soak: " + ("NOT passed" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
