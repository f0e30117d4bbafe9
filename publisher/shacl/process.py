"""The validation process behind `POST /validate`: jobs arrive on stdin, answers leave on
stdout; each job is parsed, validated and rendered here, within a memory cap and without the
network, so that a heavy or hostile validation never touches the web worker."""
from __future__ import annotations

import os
import resource
import signal
import sys
from multiprocessing.connection import Connection
from typing import Any, Callable

import rdflib.plugins.sparql

from publisher.config import Settings
from publisher.shacl.errors import InputTooLarge, UnreadableInput
from publisher.shacl.inputs import ReadLimits, input_format, parse_bytes
from publisher.shacl.stewards import ValidationRequest, validate_request


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """One web validation, in a worker process: parse, validate, render what was asked."""
    settings: Settings = job["settings"]
    limits = ReadLimits(max_bytes=job["max_bytes"], max_triples=job["max_triples"],
                        max_depth=settings.limits.parse_max_depth,
                        bytes_setting=job.get("bytes_setting", "limits.upload_max_bytes"))
    try:
        inputs = tuple(parse_bytes(d["data"], d["name"], input_format(d["format"]), limits,
                                   base_iri=d.get("base"), contexts=job.get("contexts"))
                       for d in job["inputs"])
        shapes = tuple(parse_bytes(s["data"], s["name"], input_format(s["format"]), limits,
                                   where="shapes") for s in job["shapes"])
        request = ValidationRequest(inputs, tuple(job["profiles"]), shapes, job["lang"],
                                    tuple(job.get("focus_nodes") or ()))
        # one thread: every thread would reserve address space under the memory cap
        outcome = validate_request(request, settings, workers=1)
    except UnreadableInput as error:
        return {"status": "too_large" if isinstance(error, InputTooLarge) else "unreadable",
                "message": str(error), "where": error.where, "line": error.line,
                "column": error.column, "code": error.code, "params": error.params}
    rendered = {fmt: outcome.render(fmt) for fmt in job["formats"] if fmt != "json"}
    return {"status": "ok", "report": outcome.as_json(), "rendered": rendered}


def _refuse_network(event: str, _args: tuple[Any, ...]) -> None:
    if event in {"socket.connect", "socket.getaddrinfo", "urllib.Request"}:
        raise PermissionError("validation never uses the network")


def limit_memory(memory_mib: int) -> None:
    """Cap this process's address space, so a validation that needs more fails here (a
    MemoryError, or an abort in a native library) instead of exhausting the machine."""
    wanted = int(memory_mib) * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, wanted))


def worker_main(memory_mib: int | None = None,  # pragma: no cover - a child process
                run: Callable[[dict[str, Any]], dict[str, Any]] = run_job) -> None:
    """A validation worker: jobs arrive on stdin and answers leave on stdout, each a pickled
    message framed by multiprocessing.connection, until stdin closes. With `memory_mib` the
    worker caps its own memory first; a job that runs out is answered {"status": "memory"}
    and the worker ends, so the next job gets a fresh process. `run` answers a job (the
    catalogue check's worker passes one that also runs its jobs)."""
    if memory_mib:
        limit_memory(memory_mib)
    signal.signal(signal.SIGINT, signal.SIG_IGN)       # the parent decides when we stop
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    sys.addaudithook(_refuse_network)
    jobs = Connection(os.dup(0), writable=False)
    answers = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)                                      # stray prints must not reach the pipe
    while True:
        try:
            job = jobs.recv()
        except (EOFError, OSError):
            return
        out_of_memory = False
        try:
            answer = run(job)
        except MemoryError:
            out_of_memory = True
        except Exception as error:  # noqa: BLE001 - reported to the parent as a message
            answer = {"status": "error", "message": f"{type(error).__name__}: {error}"}
        job = None
        if out_of_memory:                              # the frames are gone: memory is back
            answer = {"status": "memory", "memory_mib": memory_mib}
        try:
            answers.send(answer)
        except (OSError, ValueError):
            return
        if out_of_memory:
            return
