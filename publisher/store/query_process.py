"""A query process: runs the embedded store's queries, one at a time, under a memory cap.

pyoxigraph cannot stop a running query, so every query of the embedded store runs here,
in a child process the web worker can kill at the time limit
(:mod:`publisher.store.time_limit`). The process caps its own address space
(``RLIMIT_AS``) before it opens anything, so a query that needs too much memory ends this
process, not the web worker or the machine. It opens release databases read-only, in this
process only, and evaluates on its main thread (the largest stack).

Jobs and answers cross the pipes as length-prefixed pickles between our own processes.
"""
from __future__ import annotations

import os
import pickle
import resource
import signal
import sys
import threading
import time
from typing import Any

import pyoxigraph as ox

from publisher.store.errors import QuerySyntaxError, StoreError
from publisher.store.results import (RESULTS_FORMATS, DEFAULT_FORMAT, SOLUTION_FORMATS,
                                     QueryResult, render_counted, capped_answer,
                                     capped_query, render_result)

#: How the child tells the parent that it ran out of memory before it dies of it.
MEMORY = "memory"


def read_frame(stream: Any) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("query process pipe closed")
    size = int.from_bytes(header, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("query process pipe closed")
    return pickle.loads(data)


def write_frame(stream: Any, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def dataset_options(job: dict[str, Any]) -> dict[str, Any]:
    """The RDF dataset of a query: the protocol's graphs override FROM / FROM NAMED (and a
    protocol dataset without default graphs has an empty one); with neither, the stored
    default graph, which the loader filled with the union of the named graphs as a set
    (pyoxigraph's ``use_default_graph_as_union`` would repeat a triple held by two graphs)."""
    default_graphs = [ox.NamedNode(g) for g in job.get("default_graph_uris") or ()]
    named_graphs = [ox.NamedNode(g) for g in job.get("named_graph_uris") or ()]
    if default_graphs or named_graphs:
        options: dict[str, Any] = {"default_graph": default_graphs}
        if named_graphs:
            options["named_graphs"] = named_graphs
        return options
    return {}


def execute(store: ox.Store, job: dict[str, Any]) -> QueryResult:
    """Run one query against an open pyoxigraph store and write its answer."""
    try:
        if job.get("cappable") and job.get("rewrite") is None and job.get("limit") is not None:
            capped = _execute_capped(store, job)
            if capped is not None:
                return capped
        result = store.query(job["sparql"], base_iri=job.get("base_iri"),
                             **dataset_options(job))
        return render_result(result, job.get("format"), job.get("limit"), job.get("rewrite"),
                             prefixes=job.get("prefixes"), bounded=job.get("bounded", False))
    except SyntaxError as error:
        raise QuerySyntaxError(str(error)) from None
    except OSError as error:
        # pyoxigraph reports evaluation errors as OSError
        raise StoreError(str(error)) from None


def _execute_capped(store: ox.Store, job: dict[str, Any]) -> QueryResult | None:
    """A SELECT without a LIMIT of its own, run with ``LIMIT limit+1`` appended and written
    once, straight in the format asked for (see :func:`capped_answer`); only CSV past the
    bound, which cannot be read back, runs the capped query again. A syntax error gives
    None, so that the message is about the text as sent."""
    limit, fmt = job["limit"], job.get("format") or DEFAULT_FORMAT["solutions"]
    capped = capped_query(job["sparql"], limit)
    options = dataset_options(job)
    try:
        result = store.query(capped, base_iri=job.get("base_iri"), **options)
    except SyntaxError:
        return None
    if not isinstance(result, ox.QuerySolutions) or fmt not in SOLUTION_FORMATS:
        return None
    answer = capped_answer(result.serialize(format=RESULTS_FORMATS[fmt]), fmt, limit)
    if answer is not None:
        return answer
    again = store.query(capped, base_iri=job.get("base_iri"), **options)
    return render_counted(again, fmt, limit, None, None)


def cap_memory(mebibytes: int) -> None:
    """Limit this process's address space; the hard limit stays as it was."""
    if mebibytes <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = mebibytes << 20
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def end_with_parent(every: float = 0.2) -> None:
    """Exit soon after the web worker that started this process is gone.

    A worker that stops (Ctrl-C, SIGTERM) cannot wait for a runaway query, and a closed
    pipe is only noticed between queries; pyoxigraph lets other threads run while it
    evaluates, so a small thread watching the parent ends the process within ``every``."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    previous = threading.stack_size(256 * 1024)     # within the address-space cap
    try:
        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    finally:
        threading.stack_size(previous)


def main() -> None:   # pragma: no cover - runs in a child process
    """Serve jobs from stdin until it closes: ``argv`` gives the memory cap (MiB) and the
    niceness to start with."""
    memory_mib, niceness = int(sys.argv[1]), int(sys.argv[2])
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # the parent decides when we stop
    end_with_parent()
    cap_memory(memory_mib)
    if niceness:
        os.nice(niceness)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr                          # nothing else may write to the pipe
    store: ox.Store | None = None
    path: str | None = None
    while True:
        try:
            job = read_frame(requests)
        except EOFError:
            return
        if job is None:
            return
        try:
            if store is None:
                store = ox.Store.read_only(job["path"])
            elif job["path"] != path:
                raise StoreError("a query process answers from one database only")
            path = job["path"]
            answer: tuple[str, Any] = ("ok", execute(store, job))
        except QuerySyntaxError as error:
            answer = ("syntax", str(error))
        except MemoryError:
            answer = (MEMORY, "")
        except Exception as error:  # noqa: BLE001 - reported to the parent as a message
            answer = ("error", f"{type(error).__name__}: {error}")
        try:
            write_frame(answers, answer)
        except (OSError, ValueError):
            return
