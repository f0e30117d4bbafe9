#!/usr/bin/env python3
"""Load and fault benchmark of the serving path, through HTTP and /proc only.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 16] [--json FILE]
                                   [--scenarios mixed,runaway,slowloris,swap,memory]
                                   [--quick] [--query-timeout SECONDS]

Starts its own ``publisher serve --workers 2`` on a free loopback port, on its own copy of a
release in a temporary folder (``PUBLISHER_RELEASES_DIR``/``PUBLISHER_DATA_DIR``; the
project's ``releases/latest`` is copied when there is one, else ``publisher build`` makes
one), and measures:

* ``mixed``: ``--clients`` keep-alive clients sending a realistic mix (SPARQL lookups,
  aggregates and a text filter, ``/doc`` pages in Turtle/HTML/JSON-LD in fi/sv/en,
  ``/projects`` with filters, ``/``, a dump range request, ``/health``) for ``--seconds``:
  requests/s, errors (status >= 500, connection errors, timeouts), p50/p99 latency;
* ``runaway``: the same mix while two more clients repeat a runaway query each (one that
  sorts a cartesian product and eats memory, one that counts it and eats CPU): the light
  clients' throughput as a share of ``mixed``, their p99 as a multiple of ``mixed``'s,
  their 503s, and connection errors;
* ``slowloris``: 50 connections that send a request header one byte every few seconds and
  500 that send nothing, held for ``--seconds``, while a normal client sends one request
  every 0.5 s on a new connection: its worst latency;
* ``swap``: the mixed load while ``publisher build`` publishes a new release into the same
  folder: failed requests, and the seconds from ``latest`` moving until ``/health`` names
  the new version;
* ``memory``: the peak RSS of every process of the server's tree, sampled from /proc every
  0.2 s during all scenarios, per process role (told apart by ``/proc/<pid>/cmdline``).

Only the HTTP interface and /proc are used, so the same script measures the serving path
before and after its insides change. The client is one asyncio loop on raw sockets; its own
CPU share is reported beside each load scenario so a saturated client shows. Every loop is
bounded in time; everything stays on 127.0.0.1. ``--quick`` runs each scenario for a few
seconds (with a 2 s query time limit unless ``--query-timeout`` is given) for a smoke test.
The figures are printed as a table with the bars beside them and written as JSON; the exit
status is 0 when the run completed, whatever the bars say (2: the server could not start).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
SCENARIOS = ("mixed", "runaway", "slowloris", "swap", "memory")
SPARQL_JSON = "application/sparql-results+json"

#: The bars each scenario is judged by.
BARS = {
    "runaway_light_throughput_min_percent": 70.0,
    "runaway_light_p99_max_multiple": 5.0,
    "runaway_connection_errors_max": 0,
    "slowloris_worst_latency_max_seconds": 1.0,
    "swap_failed_requests_max": 0,
    "swap_switch_max_seconds": 5.0,
}

#: Sorts the cartesian product of the data with itself: minutes and gigabytes on a real
#: release (about 300 MiB more each second on the bundled one).
RUNAWAY_MEMORY = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
#: Counts a threefold cartesian product: pure CPU, no memory to speak of.
RUNAWAY_CPU = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

SLOWLORIS_CONNECTIONS = 50
IDLE_CONNECTIONS = 500
SLOWLORIS_DRIP_SECONDS = 3.0
NORMAL_INTERVAL_SECONDS = 0.5

TEXT_WORDS = ("digi", "palvelu", "kunta", "asiointi", "tieto", "järjestelmä", "verkko",
              "sote", "data", "kommun", "tjänst", "hanke", "sähkö", "opetus", "alusta")
LANGUAGES = ("fi", "sv", "en")
DOC_TYPES = ("text/turtle", "text/html", "application/ld+json")
#: (kind, weight) of the mixed load, in percent.
MIX = (("sparql-lookup", 18), ("sparql-aggregate", 8), ("sparql-text", 6), ("doc", 34),
       ("projects", 12), ("home", 8), ("dump-range", 6), ("health", 8))


# --------------------------------------------------------------------------- small helpers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def raise_open_file_limit() -> int:
    """550 held connections plus the load need more than the usual 1 024 descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 16
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def mem_total_bytes() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 8 << 30


# --------------------------------------------------------------------------- the server


class Server:
    """``publisher serve --workers 2`` in its own process group, restartable."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, wait_seconds: float = 120.0) -> None:
        self.port = free_port()
        self.starts += 1
        log = open(self.workdir / f"serve-{self.starts}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "publisher.cli", "serve", "--workers", "2",
             "--host", "127.0.0.1", "--port", str(self.port), "--quiet"],
            env=self.env, cwd=str(PROJECT), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        if not self.wait_healthy(wait_seconds):
            tail = self.log_tail()
            self.stop()
            raise RuntimeError(f"the server did not answer /health within {wait_seconds:g} s"
                               f"\n{tail}")

    def wait_healthy(self, seconds: float) -> float | None:
        """Seconds until /health answers 200 (None if it did not within ``seconds``)."""
        import http.client

        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if not self.alive():
                return None
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    return time.monotonic() - start
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.2)
        return None

    def log_tail(self, lines: int = 30) -> str:
        path = self.workdir / f"serve-{self.starts}.log"
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the whole group at once (the memory guard)."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        self.kill()                       # workers or query processes left behind
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.process = None


# --------------------------------------------------------------------------- /proc sampler


def _proc_table() -> dict[int, tuple[int, int, int, str]]:
    """pid -> (ppid, rss bytes, cpu ticks, start time) for every process we can read."""
    page = os.sysconf("SC_PAGE_SIZE")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                text = handle.read().decode("latin-1")
        except OSError:
            continue
        rest = text.rsplit(")", 1)[-1].split()
        # fields after the command: state ppid … utime(14) stime(15) … starttime(22) … rss(24)
        try:
            table[int(entry)] = (int(rest[1]), int(rest[21]) * page,
                                 int(rest[11]) + int(rest[12]), rest[19])
        except (IndexError, ValueError):
            continue
    return table


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _summary(argv: list[str]) -> str:
    """A short, stable name for a command line: enough to tell process kinds apart."""
    if not argv:
        return "?"
    if len(argv) == 1:                      # a process title (setproctitle) or one word
        return argv[0][:60]
    head = os.path.basename(argv[0])
    if "-m" in argv[1:-1]:
        return f"{head} -m {argv[argv.index('-m', 1) + 1]}"
    if "-c" in argv[1:-1]:
        code = argv[argv.index("-c", 1) + 1]
        module = re.search(r"(?:from|import)\s+([\w.]+)", code)   # the module it runs
        return f"{head} -c {module.group(1) if module else ' '.join(code.split())[:40]}"
    words = [os.path.basename(a) if "/" in a else a for a in argv[1:4]]
    return " ".join([head, *words])[:60]


class TreeSampler(threading.Thread):
    """Every 0.2 s: the RSS and CPU of every process under the server's master, with a
    role per process, per scenario; kills the server if the tree outgrows ``guard_bytes``
    (so a runaway cannot take the machine down with it)."""

    interval = 0.2

    def __init__(self, server: Server, guard_bytes: int) -> None:
        super().__init__(daemon=True, name="proc-sampler")
        self.server = server
        self.guard_bytes = guard_bytes
        self.scenario = "start-up"
        self.finished = threading.Event()
        self.lock = threading.Lock()
        self.roles: dict[tuple[int, str], str] = {}
        self.role_peak: dict[str, int] = {}
        self.role_pids: dict[str, set[int]] = {}
        self.scenario_total: dict[str, int] = {}
        self.scenario_roles: dict[str, dict[str, int]] = {}
        self.cpu_ticks: dict[tuple[int, str], int] = {}
        self.guard_tripped: list[dict[str, Any]] = []
        self.samples = 0

    def run(self) -> None:
        while not self.finished.wait(self.interval):
            try:
                self.sample()
            except Exception as error:            # a vanished process mid-read: next tick
                sys.stderr.write(f"sampler: {error!r}\n")

    def stop(self) -> None:
        self.finished.set()
        self.join(timeout=5)

    def _role(self, pid: int, start: str, depth: int, root_argv: list[str]) -> str:
        key = (pid, start)
        role = self.roles.get(key)
        if role is None:
            argv = _cmdline(pid)
            if not argv and depth:
                return "process without a command line yet"   # mid-exec: ask again later
            if depth == 0:
                role = "master"
            elif argv == root_argv:
                role = "web worker" if depth == 1 else f"fork (depth {depth})"
            else:
                role = f"{'child of master' if depth == 1 else 'child of worker'}: " \
                       f"{_summary(argv)}"
            self.roles[key] = role
        return role

    def sample(self) -> None:
        root = self.server.pid
        if root is None:
            return
        table = _proc_table()
        if root not in table:
            return
        children: dict[int, list[int]] = {}
        for pid, (ppid, *_rest) in table.items():
            children.setdefault(ppid, []).append(pid)
        root_argv = _cmdline(root)
        tree, frontier = [], [(root, 0)]
        while frontier:
            pid, depth = frontier.pop()
            tree.append((pid, depth))
            frontier.extend((child, depth + 1) for child in children.get(pid, ()))
        total = 0
        with self.lock:
            self.samples += 1
            by_role = self.scenario_roles.setdefault(self.scenario, {})
            for pid, depth in tree:
                _ppid, rss, ticks, start = table[pid]
                role = self._role(pid, start, depth, root_argv)
                total += rss
                self.cpu_ticks[(pid, start)] = ticks
                self.role_peak[role] = max(self.role_peak.get(role, 0), rss)
                self.role_pids.setdefault(role, set()).add(pid)
                by_role[role] = max(by_role.get(role, 0), rss)
            self.scenario_total[self.scenario] = max(self.scenario_total.get(self.scenario, 0),
                                                     total)
        if total > self.guard_bytes:
            self.guard_tripped.append({"scenario": self.scenario, "tree_rss_mib": total >> 20})
            sys.stderr.write(f"memory guard: the server's processes hold {total >> 20} MiB "
                             f"(> {self.guard_bytes >> 20} MiB); killing the server\n")
            self.server.kill()

    def cpu_seconds(self) -> float:
        """CPU seconds used so far by every process seen in the tree (live or gone)."""
        with self.lock:
            return sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")

    def cpu_by_process(self) -> dict[tuple[int, str], int]:
        with self.lock:
            return dict(self.cpu_ticks)

    def role_of(self, key: tuple[int, str]) -> str:
        with self.lock:
            return self.roles.get(key, "?")

    def set_scenario(self, name: str) -> None:
        with self.lock:
            self.scenario = name

    def report(self) -> dict[str, Any]:
        with self.lock:
            return {
                "sample_interval_seconds": self.interval,
                "samples": self.samples,
                "per_role": {role: {"peak_rss_mib": round(peak / 2**20, 1),
                                    "processes_seen": len(self.role_pids[role])}
                             for role, peak in sorted(self.role_peak.items())},
                "per_scenario": {name: {"peak_tree_rss_mib": round(total / 2**20, 1),
                                        "peak_rss_mib_by_role": {
                                            r: round(v / 2**20, 1)
                                            for r, v in sorted(self.scenario_roles[name].items())}}
                                 for name, total in self.scenario_total.items()},
                "guard_mib": self.guard_bytes >> 20,
                "guard_tripped": list(self.guard_tripped),
            }


# --------------------------------------------------------------------------- HTTP client


class ConnectionFailed(Exception):
    """The connection broke or closed before a whole answer came."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    size: int


class HttpConnection:
    """One HTTP/1.1 keep-alive connection on a raw asyncio stream: Content-Length, chunked
    and read-to-close bodies; reopened after the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0                  # answers received on the current connection

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port,
                                                                 limit=1 << 20)
        self.used = 0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.transport.abort()
        self.reader = self.writer = None

    async def request(self, target: str, headers: dict[str, str] | None = None,
                      method: str = "GET", body: bytes = b"", keep_body: int = 0,
                      timeout: float = 15.0) -> tuple[Answer, bool]:
        """Send one request and read the whole answer within ``timeout``; returns the
        answer and whether a stale keep-alive connection had to be retried. Raises
        ConnectionFailed or asyncio.TimeoutError."""
        try:
            return await asyncio.wait_for(self._request(target, headers or {}, method, body,
                                                        keep_body), timeout)
        except BaseException:
            self.close()
            raise

    async def _request(self, target: str, headers: dict[str, str], method: str, body: bytes,
                       keep_body: int) -> tuple[Answer, bool]:
        head = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        if body:
            head.append(f"Content-Length: {len(body)}")
        payload = ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                try:
                    await self._open()
                except OSError as error:
                    raise ConnectionFailed(f"connect: {error}") from None
            try:
                self.writer.write(payload)
                answer = await self._read_answer(method, keep_body)
            except (OSError, asyncio.IncompleteReadError, ConnectionFailed) as error:
                self.close()
                # A reused connection the server had already closed: retry once, as HTTP
                # clients do for idempotent requests. A fresh one failing is a real error.
                if not fresh and attempt == 0 and method in {"GET", "HEAD"}:
                    continue
                raise ConnectionFailed(f"{type(error).__name__}: {error}") from None
            self.used += 1
            if answer.headers.get("connection", "").lower() == "close":
                self.close()
            return answer, attempt == 1
        raise ConnectionFailed("unreachable")

    async def _read_answer(self, method: str, keep_body: int) -> Answer:
        reader = self.reader
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise ConnectionFailed("answer head too long") from None
        lines = raw.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise ConnectionFailed(f"not an HTTP answer: {lines[0][:60]!r}")
        status = int(parts[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        kept = bytearray()
        size = 0
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            pass
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            while True:
                line = await reader.readuntil(b"\r\n")
                length = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if length == 0:
                    while (await reader.readuntil(b"\r\n")) != b"\r\n":
                        pass
                    break
                chunk = await reader.readexactly(length + 2)
                size += length
                if len(kept) < keep_body:
                    kept += chunk[:length][:keep_body - len(kept)]
        elif "content-length" in headers:
            length = int(headers["content-length"])
            remaining = length
            while remaining:
                chunk = await reader.readexactly(min(remaining, 1 << 20))
                remaining -= len(chunk)
                if len(kept) < keep_body:
                    kept += chunk[:keep_body - len(kept)]
            size = length
        else:
            data = await reader.read()
            size = len(data)
            kept += data[:keep_body]
            headers["connection"] = "close"
        if parts[0] == "HTTP/1.0" and headers.get("connection", "").lower() != "keep-alive":
            headers["connection"] = "close"
        return Answer(status, headers, bytes(kept), size)


async def one_shot(port: int, target: str, timeout: float, headers: dict[str, str] | None = None,
                   keep_body: int = 1 << 16) -> tuple[Answer | None, float, str | None]:
    """A request on a new connection, closed afterwards: (answer, seconds, error)."""
    connection = HttpConnection(port)
    start = time.perf_counter()
    try:
        answer, _ = await connection.request(target, headers, keep_body=keep_body,
                                             timeout=timeout)
        return answer, time.perf_counter() - start, None
    except asyncio.TimeoutError:
        return None, time.perf_counter() - start, "timeout"
    except ConnectionFailed as error:
        return None, time.perf_counter() - start, f"connection: {error}"
    finally:
        connection.close()


# --------------------------------------------------------------------------- statistics


@dataclass
class Stats:
    """Outcomes of one group of clients. Latencies include failed requests (a timeout
    counts with the time waited), so a stall shows in p99."""

    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    error_kinds: Counter = field(default_factory=Counter)
    retries: int = 0
    good: int = 0
    samples: dict[str, list[str]] = field(default_factory=dict)

    def record(self, kind: str, status: int | None, seconds: float, error: str | None,
               retried: bool = False, intended: frozenset[int] = frozenset(),
               body: bytes = b"") -> None:
        self.latencies.append(seconds)
        self.by_kind.setdefault(kind, []).append(seconds)
        self.retries += retried
        if error is not None:
            self.errors[error] += 1
            self.error_kinds[kind] += 1
            return
        self.statuses[status] += 1
        if status >= 500:                 # what the server said, a few times per status
            kept = self.samples.setdefault(str(status), [])
            if len(kept) < 3:
                kept.append(body[:240].decode("utf-8", errors="replace"))
        if status >= 500 and status not in intended:
            self.errors[f"status {status}"] += 1
            self.error_kinds[kind] += 1
        else:
            self.good += 1

    @property
    def connection_errors(self) -> int:
        return self.errors["connection"]

    @property
    def timeouts(self) -> int:
        return self.errors["timeout"]

    @property
    def total_errors(self) -> int:
        return sum(self.errors.values())

    def summary(self, seconds: float) -> dict[str, Any]:
        def ms(value: float | None) -> float | None:
            return None if value is None else round(value * 1000, 2)

        return {
            "requests": len(self.latencies),
            "answered_ok": self.good,
            "requests_per_second": round(self.good / seconds, 1) if seconds else None,
            "errors": self.total_errors,
            "errors_by_cause": dict(self.errors),
            "errors_by_kind": dict(self.error_kinds),
            "connection_errors": self.connection_errors,
            "timeouts": self.timeouts,
            "stale_keep_alive_retries": self.retries,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "answers_5xx_sample": self.samples,
            "p50_ms": ms(percentile(self.latencies, 0.50)),
            "p99_ms": ms(percentile(self.latencies, 0.99)),
            "max_ms": ms(max(self.latencies) if self.latencies else None),
            "by_kind": {kind: {"requests": len(values),
                               "p50_ms": ms(percentile(values, 0.50)),
                               "p99_ms": ms(percentile(values, 0.99))}
                        for kind, values in sorted(self.by_kind.items())},
        }


# --------------------------------------------------------------------------- the mix


class Mix:
    """The realistic request mix; its keys (projects, filter values, dump size) are found
    through the server's own interface before the load starts."""

    def __init__(self) -> None:
        self.projects: list[str] = []
        self.vocab = ""
        self.filters: dict[str, list[str]] = {}
        self.dump = "/dumps/data.nt.gz"
        self.dump_size = 0
        self.kinds = [kind for kind, weight in MIX for _ in range(weight)]

    async def discover(self, port: int) -> None:
        query = ('SELECT DISTINCT ?p ?t WHERE { ?p a ?t FILTER(STRENDS(STR(?t), "/def/Project")) '
                 '} LIMIT 5000')
        answer, _, error = await one_shot(port, "/sparql?" + urllib.parse.urlencode(
            {"query": query}), 30, {"Accept": SPARQL_JSON}, keep_body=1 << 24)
        if answer is None or answer.status != 200:
            raise RuntimeError(f"cannot list the projects: {error or answer.status}")
        rows = json.loads(answer.body)["results"]["bindings"]
        self.projects = sorted({row["p"]["value"] for row in rows})
        if not self.projects:
            raise RuntimeError("the release has no projects to ask for")
        self.vocab = rows[0]["t"]["value"][:-len("Project")]
        answer, _, _ = await one_shot(port, "/projects", 30, {"Accept": "application/json"},
                                      keep_body=1 << 24)
        if answer is not None and answer.status == 200:
            try:
                options = json.loads(answer.body).get("options", {})
                self.filters = {name: [o["key"] for o in values if o.get("key")]
                                for name, values in options.items() if values}
            except (ValueError, AttributeError, TypeError):
                self.filters = {}
        answer, _, _ = await one_shot(port, self.dump, 10, {"Range": "bytes=0-0"})
        if answer is not None and answer.status == 206:
            self.dump_size = int(answer.headers.get("content-range", "/0").rsplit("/", 1)[-1])

    def key(self, iri: str) -> str:
        return iri.rsplit("/id/project/", 1)[-1]

    def next(self, rng: random.Random) -> tuple[str, str, dict[str, str]]:
        """(kind, target, headers) of the next request."""
        kind = rng.choice(self.kinds)
        lang = rng.choice(LANGUAGES)
        kd = self.vocab
        if kind == "sparql-lookup":
            query = f"SELECT ?p ?o WHERE {{ <{rng.choice(self.projects)}> ?p ?o }}"
            return kind, "/sparql?" + urllib.parse.urlencode({"query": query}), \
                {"Accept": SPARQL_JSON}
        if kind == "sparql-aggregate":
            query = rng.choice((
                f"SELECT ?s (COUNT(?p) AS ?n) WHERE {{ ?p <{kd}status> ?s }} GROUP BY ?s",
                f"SELECT ?r (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p <{kd}leadOrganisation> ?o . "
                f"?o <{kd}region> ?r }} GROUP BY ?r ORDER BY DESC(?n)",
                f"SELECT ?t (COUNT(?p) AS ?n) WHERE {{ ?p a <{kd}Project> ; "
                f"<http://purl.org/dc/terms/subject> ?t }} GROUP BY ?t ORDER BY DESC(?n)",
                "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
            ))
            return kind, "/sparql?" + urllib.parse.urlencode({"query": query}), \
                {"Accept": SPARQL_JSON}
        if kind == "sparql-text":
            query = (f"SELECT ?p ?title WHERE {{ ?p a <{kd}Project> ; "
                     f"<http://purl.org/dc/terms/title> ?title "
                     f"FILTER(CONTAINS(LCASE(STR(?title)), \"{rng.choice(TEXT_WORDS)}\")) }} "
                     f"LIMIT {rng.randint(20, 200)}")
            return kind, "/sparql?" + urllib.parse.urlencode({"query": query}), \
                {"Accept": SPARQL_JSON}
        if kind == "doc":
            return kind, f"/doc/project/{self.key(rng.choice(self.projects))}", \
                {"Accept": rng.choice(DOC_TYPES), "Accept-Language": lang}
        if kind == "projects":
            params = {}
            if self.filters and rng.random() < 0.8:
                name = rng.choice(sorted(self.filters))
                params[name] = rng.choice(self.filters[name])
            accept = rng.choice(("text/html", "application/json"))
            target = "/projects" + ("?" + urllib.parse.urlencode(params) if params else "")
            return kind, target, {"Accept": accept, "Accept-Language": lang}
        if kind == "home":
            return kind, "/", {"Accept": "text/html", "Accept-Language": lang}
        if kind == "dump-range":
            start = rng.randrange(max(1, self.dump_size - 4096))
            return kind, self.dump, {"Range": f"bytes={start}-{start + 4095}"}
        return "health", "/health", {"Accept": "application/json"}


# --------------------------------------------------------------------------- load pieces


async def light_client(port: int, mix: Mix, seed: int, until: float, stats: Stats,
                       timeout: float, stop: asyncio.Event | None = None) -> None:
    """One keep-alive client sending the mix back to back until ``until`` (or ``stop``)."""
    rng = random.Random(seed)
    connection = HttpConnection(port)
    try:
        while time.monotonic() < until and not (stop is not None and stop.is_set()):
            kind, target, headers = mix.next(rng)
            start = time.perf_counter()
            try:
                answer, retried = await connection.request(target, headers, keep_body=240,
                                                           timeout=timeout)
                stats.record(kind, answer.status, time.perf_counter() - start, None, retried,
                             body=answer.body)
            except asyncio.TimeoutError:
                stats.record(kind, None, time.perf_counter() - start, "timeout")
            except ConnectionFailed:
                stats.record(kind, None, time.perf_counter() - start, "connection")
                await asyncio.sleep(0.05)          # do not spin on a refusing port
    finally:
        connection.close()


async def heavy_client(port: int, query: str, until: float, stats: Stats,
                       timeout: float) -> None:
    """Repeats a runaway query until ``until``; the request in flight then is waited for
    (up to ``timeout``) so the next scenario does not start on its leftovers."""
    connection = HttpConnection(port)
    runs = 0
    try:
        while time.monotonic() < until:
            runs += 1
            target = "/sparql?" + urllib.parse.urlencode({"query": f"{query}\n# run {runs}"})
            start = time.perf_counter()
            try:
                answer, retried = await connection.request(
                    target, {"Accept": SPARQL_JSON}, keep_body=4096, timeout=timeout)
                stats.record("heavy", answer.status, time.perf_counter() - start, None, retried,
                             intended=frozenset({503}), body=answer.body)
            except asyncio.TimeoutError:
                stats.record("heavy", None, time.perf_counter() - start, "timeout")
            except ConnectionFailed:
                stats.record("heavy", None, time.perf_counter() - start, "connection")
                await asyncio.sleep(0.2)
    finally:
        connection.close()


class ClientClock:
    """The client's own CPU over a stretch of wall time, beside the server tree's."""

    def __init__(self, sampler: TreeSampler) -> None:
        self.sampler = sampler
        self.wall = time.monotonic()
        self.cpu = time.process_time()
        self.server_cpu = sampler.cpu_seconds()
        self.per_process = sampler.cpu_by_process()

    def report(self) -> dict[str, Any]:
        wall = time.monotonic() - self.wall
        client = time.process_time() - self.cpu
        server = max(0.0, self.sampler.cpu_seconds() - self.server_cpu)
        cores = os.cpu_count() or 1
        tick = os.sysconf("SC_CLK_TCK")
        # per server process: shows whether the load spreads over the workers
        spread = sorted(((self.sampler.role_of(key), key[0],
                          (ticks - self.per_process.get(key, 0)) / tick)
                         for key, ticks in self.sampler.cpu_by_process().items()),
                        key=lambda item: -item[2])
        return {
            "server_cpu_seconds_by_process": [
                {"role": role, "pid": pid, "cpu_seconds": round(seconds, 2)}
                for role, pid, seconds in spread if seconds > 0.01],
            "wall_seconds": round(wall, 2),
            "client_cpu_seconds": round(client, 2),
            "server_cpu_seconds": round(server, 2),
            "client_cpu_percent_of_one_core": round(100 * client / wall, 1) if wall else None,
            "client_share_of_cpu_used_percent": round(100 * client / (client + server), 1)
            if client + server else None,
            "machine_busy_percent": round(100 * (client + server) / (wall * cores), 1)
            if wall else None,
        }


# --------------------------------------------------------------------------- scenarios


@dataclass
class Context:
    server: Server
    sampler: TreeSampler
    mix: Mix
    seconds: float
    clients: int
    quick: bool
    query_timeout: float
    releases_dir: Path
    env: dict[str, str]
    request_timeout: float = 15.0
    results: dict[str, Any] = field(default_factory=dict)


async def scenario_mixed(ctx: Context) -> dict[str, Any]:
    # Unmeasured: fills the per-worker caches (about 1 400 page variants on the bundled
    # release), so runaway's light clients are compared with a warm baseline.
    warm = 1.0 if ctx.quick else min(15.0, ctx.seconds / 4)
    await asyncio.gather(*(light_client(ctx.server.port, ctx.mix, 1000 + i,
                                        time.monotonic() + warm, Stats(), ctx.request_timeout)
                           for i in range(ctx.clients)))
    stats = Stats()
    clock = ClientClock(ctx.sampler)
    until = time.monotonic() + ctx.seconds
    await asyncio.gather(*(light_client(ctx.server.port, ctx.mix, i, until, stats,
                                        ctx.request_timeout) for i in range(ctx.clients)))
    return {"warm_up_seconds": round(warm, 1), "clients": ctx.clients,
            "seconds": ctx.seconds, **stats.summary(ctx.seconds), "cpu": clock.report()}


async def scenario_runaway(ctx: Context) -> dict[str, Any]:
    light, heavy = Stats(), Stats()
    clock = ClientClock(ctx.sampler)
    until = time.monotonic() + ctx.seconds
    heavy_timeout = ctx.query_timeout + 30.0
    tasks = [light_client(ctx.server.port, ctx.mix, 2000 + i, until, light, ctx.request_timeout)
             for i in range(ctx.clients)]
    tasks += [heavy_client(ctx.server.port, RUNAWAY_MEMORY, until, heavy, heavy_timeout),
              heavy_client(ctx.server.port, RUNAWAY_CPU, until, heavy, heavy_timeout)]
    await asyncio.gather(*tasks)
    result: dict[str, Any] = {"clients": ctx.clients, "heavy_clients": 2,
                              "seconds": ctx.seconds, "query_timeout_seconds": ctx.query_timeout,
                              "runaway_queries": [RUNAWAY_MEMORY, RUNAWAY_CPU],
                              "light": light.summary(ctx.seconds),
                              "heavy": heavy.summary(ctx.seconds), "cpu": clock.report()}
    heavy_seconds = heavy.by_kind.get("heavy", [])
    result["heavy"]["durations_s"] = [round(s, 2) for s in heavy_seconds]
    result["light_503s"] = light.statuses[503]
    result["connection_errors"] = (light.connection_errors + light.timeouts
                                   + heavy.connection_errors + heavy.timeouts)
    mixed = ctx.results.get("mixed")
    if mixed and mixed.get("requests_per_second") and mixed.get("p99_ms"):
        result["light_throughput_percent_of_mixed"] = round(
            100 * result["light"]["requests_per_second"] / mixed["requests_per_second"], 1)
        result["light_p99_multiple_of_mixed"] = round(
            result["light"]["p99_ms"] / mixed["p99_ms"], 2) if result["light"]["p99_ms"] else None
    return result


async def _hold(port: int, slow: bool, until: float, drip: float, outcome: Counter,
                opening: asyncio.Semaphore) -> None:
    """One attacking connection: a header sent a byte at a time (slow) or nothing at all,
    kept open until ``until`` (or cancelled) unless the server closes it first."""
    async with opening:                   # pace the connecting, not the holding
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), 5)
        except (OSError, asyncio.TimeoutError):
            outcome["connect failed"] += 1
            return
    outcome["opened"] += 1
    watch = asyncio.ensure_future(reader.read(65536))
    try:
        if slow:
            writer.write(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode())
        while time.monotonic() < until:
            step = min(drip, until - time.monotonic()) if slow else until - time.monotonic()
            done, _ = await asyncio.wait({watch}, timeout=max(0.0, step))
            if done:
                data = b"" if watch.exception() else watch.result()
                outcome["answered by the server" if data else "closed by the server"] += 1
                return
            if slow:
                writer.write(b"a")
        outcome["held to the end"] += 1
    except asyncio.CancelledError:
        outcome["held to the end"] += 1
        raise
    except OSError:
        outcome["reset by the server"] += 1
    finally:
        watch.cancel()
        writer.transport.abort()


async def scenario_slowloris(ctx: Context) -> dict[str, Any]:
    port = ctx.server.port
    slow_outcome: Counter = Counter()
    idle_outcome: Counter = Counter()
    opening = asyncio.Semaphore(64)
    until = time.monotonic() + ctx.seconds + 30.0     # cancelled when the normal client ends
    attackers = [asyncio.ensure_future(_hold(port, True, until, SLOWLORIS_DRIP_SECONDS,
                                             slow_outcome, opening))
                 for _ in range(SLOWLORIS_CONNECTIONS)]
    attackers += [asyncio.ensure_future(_hold(port, False, until, SLOWLORIS_DRIP_SECONDS,
                                              idle_outcome, opening))
                  for _ in range(IDLE_CONNECTIONS)]
    deadline = time.monotonic() + 10.0              # let them all connect first
    while (slow_outcome["opened"] + slow_outcome["connect failed"] + idle_outcome["opened"]
           + idle_outcome["connect failed"] < SLOWLORIS_CONNECTIONS + IDLE_CONNECTIONS
           and time.monotonic() < deadline):
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    normal_timeout = 5.0 if ctx.quick else 10.0
    latencies: list[float] = []
    failures: Counter = Counter()
    statuses: Counter = Counter()
    end = time.monotonic() + ctx.seconds
    index = 0
    while time.monotonic() < end:
        started = time.monotonic()
        target = "/health" if index % 2 == 0 else "/"
        answer, seconds, error = await one_shot(port, target, normal_timeout,
                                                {"Accept-Language": "fi"}, keep_body=0)
        latencies.append(seconds)
        if error:
            failures[error.split(":")[0]] += 1
        else:
            statuses[answer.status] += 1
        index += 1
        await asyncio.sleep(max(0.0, NORMAL_INTERVAL_SECONDS - (time.monotonic() - started)))
    for task in attackers:
        task.cancel()
    await asyncio.gather(*attackers, return_exceptions=True)
    recovered = await asyncio.get_running_loop().run_in_executor(
        None, ctx.server.wait_healthy, 60.0)
    within = sum(1 for s in latencies if s <= BARS["slowloris_worst_latency_max_seconds"])
    return {
        "slowloris_connections": SLOWLORIS_CONNECTIONS, "idle_connections": IDLE_CONNECTIONS,
        "drip_seconds": SLOWLORIS_DRIP_SECONDS, "held_seconds": ctx.seconds,
        "slowloris_outcome": dict(slow_outcome), "idle_outcome": dict(idle_outcome),
        "normal_requests": len(latencies), "normal_within_1s": within,
        "normal_statuses": {str(k): v for k, v in statuses.items()},
        "normal_failures": dict(failures), "normal_timeout_seconds": normal_timeout,
        "worst_latency_s": round(max(latencies), 3) if latencies else None,
        "p50_latency_s": round(percentile(latencies, 0.5), 3) if latencies else None,
        "latencies_s": [round(s, 3) for s in latencies],
        "seconds_to_healthy_after_release": None if recovered is None else round(recovered, 2),
    }


def _version_of(release: Path) -> str | None:
    try:
        return str(json.loads((release / "release.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def _names_version(body: bytes, version: str) -> bool:
    """Whether a /health answer says the store serves ``version``: its ``version`` field
    when it has one (not a field that only reads the release folder), else anywhere."""
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if isinstance(payload, dict) and "version" in payload:
        return str(payload["version"]) == version
    return version.encode() in body


async def scenario_swap(ctx: Context) -> dict[str, Any]:
    latest = ctx.releases_dir / "latest"
    before_link = os.readlink(latest)
    before_version = _version_of(latest)
    stats = Stats()
    clock = ClientClock(ctx.sampler)
    start = time.monotonic()
    hard_end = start + ctx.seconds + 300.0                # a build stuck past this is killed
    warm = 1.0 if ctx.quick else max(2.0, ctx.seconds * 0.15)
    state: dict[str, Any] = {"moved": None, "seen": None, "new_version": None}
    load_stop = asyncio.Event()

    async def load(seed: int) -> None:
        await light_client(ctx.server.port, ctx.mix, seed, hard_end, stats,
                           ctx.request_timeout, load_stop)

    async def watch_link() -> None:
        while not load_stop.is_set() and state["moved"] is None:
            try:
                if os.readlink(latest) != before_link:
                    state["moved"] = time.monotonic()
                    state["new_version"] = _version_of(latest)
                    return
            except OSError:
                pass
            await asyncio.sleep(0.02)

    async def watch_health() -> None:
        """Polls /health on new connections until it names the new version."""
        while not load_stop.is_set():
            if state["moved"] is not None and state["new_version"]:
                answer, _, _ = await one_shot(ctx.server.port, "/health", 2.0)
                if answer is not None and _names_version(answer.body, state["new_version"]):
                    state["seen"] = time.monotonic()
                    return
            await asyncio.sleep(0.1)

    loaders = [asyncio.ensure_future(load(3000 + i)) for i in range(ctx.clients)]
    watchers = [asyncio.ensure_future(watch_link()), asyncio.ensure_future(watch_health())]
    await asyncio.sleep(warm)
    build_started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "publisher.cli", "build", "--quiet", env=ctx.env,
        cwd=str(PROJECT), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), hard_end - time.monotonic())
    except asyncio.TimeoutError:
        process.kill()
        out, err = await process.communicate()
    build_seconds = time.monotonic() - build_started
    # keep the load on until the new version is served (or 30 s after the move), and for
    # at least the scenario's seconds
    while time.monotonic() < hard_end:
        now = time.monotonic()
        waited_enough = now - start >= ctx.seconds
        if state["moved"] is None and waited_enough:
            break
        if state["moved"] is not None and waited_enough and (
                state["seen"] is not None or now - state["moved"] > 30.0):
            break
        await asyncio.sleep(0.1)
    load_stop.set()
    await asyncio.gather(*loaders, *watchers, return_exceptions=True)
    wall = time.monotonic() - start
    switch = (state["seen"] - state["moved"]) if state["seen"] and state["moved"] else None
    return {
        "clients": ctx.clients, "seconds": round(wall, 1), "warm_up_seconds": round(warm, 1),
        "build_exit_status": process.returncode, "build_seconds": round(build_seconds, 2),
        "build_stderr_tail": err.decode(errors="replace")[-600:],
        "version_before": before_version, "version_after": state["new_version"],
        "latest_moved": state["moved"] is not None,
        "switch_seconds": None if switch is None else round(switch, 2),
        "failed_requests": stats.total_errors, **stats.summary(wall), "cpu": clock.report(),
    }


# --------------------------------------------------------------------------- the table


def _row(scenario: str, figure: str, value: Any, bar: str = "", passed: bool | None = None
         ) -> dict[str, Any]:
    return {"scenario": scenario, "figure": figure, "value": value, "bar": bar,
            "result": "" if passed is None else ("PASS" if passed else "FAIL")}


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    mixed = results.get("mixed")
    if mixed:
        rows += [_row("mixed", "requests/s", mixed["requests_per_second"]),
                 _row("mixed", "errors (>=500, connection, timeout)", mixed["errors"], "0",
                      mixed["errors"] == 0),
                 _row("mixed", "p50 / p99 ms", f"{mixed['p50_ms']} / {mixed['p99_ms']}"),
                 _row("mixed", "client CPU % of one core",
                      mixed["cpu"]["client_cpu_percent_of_one_core"])]
    run = results.get("runaway")
    if run:
        share = run.get("light_throughput_percent_of_mixed")
        multiple = run.get("light_p99_multiple_of_mixed")
        rows += [
            _row("runaway", "light throughput % of mixed", share if share is not None else "n/a",
                 f">= {BARS['runaway_light_throughput_min_percent']:g} %",
                 None if share is None else share >= BARS["runaway_light_throughput_min_percent"]),
            _row("runaway", "light p99 / mixed p99", multiple if multiple is not None else "n/a",
                 f"<= {BARS['runaway_light_p99_max_multiple']:g}x",
                 None if multiple is None else multiple <= BARS["runaway_light_p99_max_multiple"]),
            _row("runaway", "light 503s", run["light_503s"], "0", run["light_503s"] == 0),
            _row("runaway", "connection errors + timeouts", run["connection_errors"], "0",
                 run["connection_errors"] <= BARS["runaway_connection_errors_max"]),
            _row("runaway", "light requests/s, p99 ms",
                 f"{run['light']['requests_per_second']}, {run['light']['p99_ms']}"),
            _row("runaway", "heavy answers",
                 run["heavy"]["statuses"] or run["heavy"]["errors_by_cause"]),
        ]
    slow = results.get("slowloris")
    if slow:
        worst = slow["worst_latency_s"]
        bar = BARS["slowloris_worst_latency_max_seconds"]
        rows += [_row("slowloris", "normal client worst latency s", worst, f"<= {bar:g} s",
                      worst is not None and worst <= bar and not slow["normal_failures"]),
                 _row("slowloris", "normal requests within 1 s",
                      f"{slow['normal_within_1s']} / {slow['normal_requests']}")]
    swap = results.get("swap")
    if swap:
        switch = swap["switch_seconds"]
        rows += [_row("swap", "failed requests", swap["failed_requests"], "0",
                      swap["failed_requests"] <= BARS["swap_failed_requests_max"]),
                 _row("swap", "latest moved -> /health new version s",
                      switch if switch is not None else "never",
                      f"<= {BARS['swap_switch_max_seconds']:g} s",
                      switch is not None and switch <= BARS["swap_switch_max_seconds"]),
                 _row("swap", "build s (exit status)",
                      f"{swap['build_seconds']} ({swap['build_exit_status']})")]
    memory = results.get("memory")
    if memory:
        for role, figures in memory["per_role"].items():
            rows.append(_row("memory", f"peak RSS MiB: {role} (x{figures['processes_seen']})",
                             figures["peak_rss_mib"]))
        for name, figures in memory["per_scenario"].items():
            rows.append(_row("memory", f"peak tree RSS MiB during {name}",
                             figures["peak_tree_rss_mib"]))
        rows.append(_row("memory", "memory guard tripped", len(memory["guard_tripped"]), "0",
                         not memory["guard_tripped"]))
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    header = ("scenario", "figure", "value", "bar", "result")
    cells = [[str(row[name]) for name in header] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h)
              for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for line in cells:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)))


# --------------------------------------------------------------------------- set-up and run


def prepare_release(workdir: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A release of our own: a copy of the project's releases/latest, else a fresh build."""
    releases = workdir / "releases"
    releases.mkdir()
    existing = PROJECT / "releases" / "latest"
    if (existing / "data.trig").is_file():
        real = existing.resolve()
        shutil.copytree(real, releases / real.name)
        os.symlink(real.name, releases / "latest")
        return releases, f"copy of releases/latest ({real.name})"
    done = subprocess.run([sys.executable, "-m", "publisher.cli", "build", "--quiet"], env=env,
                          cwd=str(PROJECT), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"publisher build failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return releases, "publisher build"


def configured_query_timeout(env: dict[str, str]) -> float:
    """The time limit the server will run with (the same configuration and overrides)."""
    sys.path.insert(0, str(PROJECT))
    from publisher.config import load_settings

    return float(load_settings(environ=env).limits.query_timeout_seconds)


async def run_scenarios(ctx: Context, chosen: list[str]) -> None:
    runners = {"mixed": scenario_mixed, "runaway": scenario_runaway,
               "slowloris": scenario_slowloris, "swap": scenario_swap}
    for name in ("mixed", "runaway", "slowloris", "swap"):
        if name not in chosen:
            continue
        if not ctx.server.alive():
            sys.stderr.write(f"the server is gone ({ctx.server.log_tail(5)!r}); restarting\n")
            ctx.results.setdefault("restarts", []).append({"before": name})
            ctx.server.start()
        waited = await asyncio.get_running_loop().run_in_executor(
            None, ctx.server.wait_healthy, 90.0)
        if waited is None:
            ctx.results[name] = {"skipped": "the server did not answer /health within 90 s"}
            continue
        sys.stderr.write(f"scenario {name} ({ctx.seconds:g} s)…\n")
        ctx.sampler.set_scenario(name)
        try:
            ctx.results[name] = await runners[name](ctx)
        finally:
            ctx.sampler.set_scenario(f"after {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--quick", action="store_true",
                        help="a few seconds per scenario (smoke run)")
    parser.add_argument("--query-timeout", type=float,
                        help="PUBLISHER_LIMITS_QUERY_TIMEOUT_SECONDS for the server "
                             "(default: the configuration's; 2 with --quick)")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    seconds = min(args.seconds, 3.0) if args.quick else args.seconds
    if seconds <= 0 or args.clients <= 0:
        parser.error("--seconds and --clients must be positive")
    open_files = raise_open_file_limit()

    workdir = Path(tempfile.mkdtemp(prefix="kuntadigi-load-"))
    env = {**os.environ, "PUBLISHER_RELEASES_DIR": str(workdir / "releases"),
           "PUBLISHER_DATA_DIR": str(workdir / "data"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT),
                                                       os.environ.get("PYTHONPATH")]))}
    query_timeout = args.query_timeout if args.query_timeout is not None else (
        2.0 if args.quick else None)
    if query_timeout is not None:
        # "2", not "2.0": a whole number in publisher.toml makes the override parse as int
        env["PUBLISHER_LIMITS_QUERY_TIMEOUT_SECONDS"] = f"{query_timeout:g}"
    guard = min(16 << 30, int(mem_total_bytes() * 0.7))
    server = Server(env, workdir)
    sampler = TreeSampler(server, guard)
    results: dict[str, Any] = {}
    mix = Mix()
    try:
        try:
            releases, origin = prepare_release(workdir, env)
            query_timeout = configured_query_timeout(env)
            server.start()
            sampler.start()
            asyncio.run(mix.discover(server.port))
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            sys.stderr.write(f"cannot set up the server: {error}\n")
            return 2
        ctx = Context(server, sampler, mix, seconds, args.clients, args.quick, query_timeout,
                      releases, env, request_timeout=10.0 if args.quick else 15.0,
                      results=results)
        asyncio.run(run_scenarios(ctx, chosen))
    finally:
        if sampler.is_alive():
            sampler.stop()
        server.stop()
        if "memory" in chosen and sampler.samples:
            results["memory"] = sampler.report()
        log_tail = server.log_tail(40)       # tracebacks and worker restarts, if any
        shutil.rmtree(workdir, ignore_errors=True)
    rows = verdicts(results)
    report = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["bench/load.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "memory_gib": round(mem_total_bytes() / 2**30, 1),
                    "python": platform.python_version(), "open_files": open_files},
        "settings": {"seconds": seconds, "clients": args.clients, "quick": args.quick,
                     "query_timeout_seconds": query_timeout, "release": origin,
                     "projects": len(mix.projects), "workers": 2},
        "bars": BARS, "results": results, "table": rows,
        "server_restarts": server.starts - 1, "server_log_tail": log_tail,
    }
    print_table(rows)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
