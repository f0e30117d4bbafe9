"""The one mechanism that ends a runaway query, and admission: which query may run now.

Every query of the embedded store runs in a query process
(:mod:`publisher.store.query_process`, capped in memory by ``RLIMIT_AS``). A query still
running at its time limit has its process killed (pyoxigraph cannot stop a query any other
way); the web worker answers 503 and starts a fresh process for the next query. A process
that ends of the memory cap answers 503 the same way. The web worker itself never opens a
store, so nothing it holds can be lost with a query.

Admission keeps heavy queries from taking every slot. Light queries share ``size``
processes. A light query that keeps its process's CPU busy for ``heavy_after`` seconds
becomes *slow*: its process is reniced to the lowest priority, leaves the light processes
(a fresh one takes its place) and keeps the one slow slot until it ends; if the slot is
taken already, the query is stopped at once (503). Its *shape* (the text without constants
and variable names) is remembered, and later queries of that shape wait for the slow slot
(within their time limit, at most ``SLOW_QUEUE`` of them) and run in a process started at
the lowest priority. Light queries keep the CPU, so two clients repeating a runaway cannot
starve everyone else.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from publisher.config import Limits
from publisher.store.errors import (QueryMemoryLimit, QuerySyntaxError, QueryTimeout,
                                    StoreBusy, StoreError)
from publisher.store.query_check import query_shape
from publisher.store.query_process import MEMORY, read_frame, write_frame
from publisher.store.results import QueryResult

SLOW_NICENESS = 19
#: How long a query of a known slow shape waits for the slow slot before a 503.
#: Queries of a known slow shape waiting for the slow slot at most, per web worker; more
#: are refused at once (a waiting query holds a connection, not the CPU).
SLOW_QUEUE = 8
REMEMBERED_SHAPES = 1024
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class QueryProcess:
    """One query process and its two pipes."""

    def __init__(self, database: str, memory_mib: int, niceness: int = 0) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT,
                                                          env.get("PYTHONPATH")]))
        env["RUST_BACKTRACE"] = "0"      # one line in the log when a query dies of the cap
        env["MALLOC_ARENA_MAX"] = "2"    # address space goes to queries, not idle arenas
        self.database = database         # the one database this process opens
        self.cpu_at_ask: float | None = None
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from publisher.store.query_process import main; main()",
             str(memory_mib), str(niceness)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        self.niceness = niceness
        _widen_pipe(self.process.stdout)

    def ask(self, job: dict[str, Any]) -> None:
        self.cpu_at_ask = self.cpu_seconds()
        write_frame(self.process.stdin, job)

    def cpu_for_this_job(self) -> float | None:
        """CPU time used since the job was asked (None when it cannot be read)."""
        now = self.cpu_seconds()
        if now is None or self.cpu_at_ask is None:
            return None
        return now - self.cpu_at_ask

    def ready(self, seconds: float) -> bool:
        """Whether the answer (or the end of the process) arrives within ``seconds``."""
        readable, _, _ = select.select([self.process.stdout], [], [], max(0.0, seconds))
        return bool(readable)

    def answer(self) -> tuple[str, Any]:
        return read_frame(self.process.stdout)

    def cpu_seconds(self) -> float | None:
        """CPU time the process has used (Linux /proc), or None when it cannot be read."""
        try:
            with open(f"/proc/{self.process.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return None

    def lower_priority(self) -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, SLOW_NICENESS)
        except OSError:
            pass
        self.niceness = SLOW_NICENESS

    def alive(self) -> bool:
        return self.process.poll() is None

    def end(self) -> int | None:
        """Kill the process (if it still runs); returns how it ended."""
        try:
            self.process.kill()
        except OSError:
            pass
        return self._reap()

    def stop(self) -> None:
        """Let the process finish (stdin closed), killing it if it does not."""
        try:
            self.process.stdin.close()
        except (OSError, ValueError):
            pass
        self._reap()

    def _reap(self) -> int | None:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(timeout=2)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except (OSError, ValueError):
                pass
        return code


def _widen_pipe(stream: Any, size: int = 1 << 20) -> None:
    """Let a result of a few MB cross in a few writes instead of one per 64 KiB (Linux;
    elsewhere, or above the system's pipe-max-size, the default stays)."""
    try:
        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except (OSError, ValueError):
        pass


class _Lane:
    """Up to ``size`` query processes started at one niceness, reused while they last."""

    def __init__(self, size: int, memory_mib: int, niceness: int) -> None:
        self.size = max(1, size)
        self.memory_mib = memory_mib
        self.niceness = niceness
        self._idle: list[QueryProcess] = []
        self._count = 0                  # processes of this lane, idle or busy
        self._cond = threading.Condition()
        self._closed = False

    def take(self, database: str, wait_until: float, busy_message: str) -> QueryProcess:
        """An idle process of ``database`` or a new one (processes of an older database
        are stopped: a process opens one database in its life)."""
        retired: list[QueryProcess] = []
        try:
            return self._take(database, wait_until, busy_message, retired)
        finally:
            for process in retired:
                process.stop()

    def _take(self, database: str, wait_until: float, busy_message: str,
              retired: list[QueryProcess]) -> QueryProcess:
        with self._cond:
            while True:
                if self._closed:
                    raise StoreBusy("the store is closing")
                while self._idle:
                    process = self._idle.pop()
                    if process.alive() and process.database == database:
                        return process
                    retired.append(process)
                    self._count -= 1
                if self._count < self.size:
                    self._count += 1
                    break
                remaining = wait_until - time.monotonic()
                if remaining <= 0:
                    raise StoreBusy(busy_message)
                self._cond.wait(remaining)
        try:
            return QueryProcess(database, self.memory_mib, self.niceness)
        except BaseException:
            self.leave()
            raise

    def give_back(self, process: QueryProcess) -> None:
        with self._cond:
            if not self._closed and process.niceness == self.niceness:
                self._idle.append(process)
                self._cond.notify()
                return
        self.leave()
        process.stop()

    def leave(self) -> None:
        """One process of this lane is gone (ended, or handed to the slow slot)."""
        with self._cond:
            self._count -= 1
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for process in idle:
            process.stop()


class QueryProcesses:
    """The query processes of one web worker, with admission (see the module)."""

    def __init__(self, size: int = 3, memory_mib: int = 1024, heavy_after: float = 1.0,
                 slow_slots: int = 1) -> None:
        self.memory_mib = memory_mib
        self.heavy_after = heavy_after
        self.light = _Lane(size, memory_mib, 0)
        self.slow = _Lane(1, memory_mib, SLOW_NICENESS)
        self._slow_slots = threading.BoundedSemaphore(max(1, slow_slots))
        self._shapes: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._waiting = 0                # queries waiting for the slow slot
        self.stopped = 0                 # queries ended by a limit (for the tests)

    @classmethod
    def for_limits(cls, limits: Limits) -> "QueryProcesses":
        return cls(limits.query_processes, limits.query_memory_mib, limits.heavy_query_seconds)

    # admission ---------------------------------------------------------------
    def known_slow(self, sparql: str) -> bool:
        key = _shape_key(sparql)
        with self._lock:
            if key in self._shapes:
                self._shapes.move_to_end(key)
                return True
        return False

    def _remember_slow(self, sparql: str) -> None:
        key = _shape_key(sparql)
        with self._lock:
            self._shapes[key] = None
            self._shapes.move_to_end(key)
            while len(self._shapes) > REMEMBERED_SHAPES:
                self._shapes.popitem(last=False)

    # running -----------------------------------------------------------------
    def run(self, job: dict[str, Any], timeout: float, admission: bool = True) -> QueryResult:
        """Run ``job`` (see :func:`publisher.store.query_process.execute`) within
        ``timeout`` seconds; raises the store errors of the module's story. Without
        ``admission`` (the app's own queries, which its pages need) a slow query keeps its
        light process: only the time limit and the memory cap end it."""
        start = time.monotonic()
        deadline = start + timeout
        if admission and self.known_slow(job["sparql"]):
            return self._run_slow(job, deadline, timeout)
        process = self.light.take(job["path"], deadline, "Every query process is busy with "
                                                         "other queries; try again shortly.")
        lane: _Lane | None = self.light
        slot = False
        try:
            process.ask(job)
            ready = process.ready(min(deadline, time.monotonic() + self.heavy_after)
                                  - time.monotonic())
            while not ready and time.monotonic() < deadline:
                if admission and lane is self.light and self._busy_computing(process):
                    self._remember_slow(job["sparql"])
                    if not self._slow_slots.acquire(blocking=False):
                        raise StoreBusy("The query ran longer than "
                                        f"{self.heavy_after:g} s while the slot for slow "
                                        "queries was taken, and was stopped; try again "
                                        "shortly.")
                    slot = True
                    process.lower_priority()
                    self.light.leave()           # a fresh light process may start
                    lane = None
                ready = process.ready(min(deadline, time.monotonic() + self.heavy_after)
                                      - time.monotonic())
            if not ready:
                self._remember_slow(job["sparql"])
                raise _past_the_limit(timeout)
            status, payload = process.answer()
        except BaseException as error:
            code = process.end()
            if lane is not None:
                lane.leave()
            if slot:
                self._slow_slots.release()
            self.stopped += isinstance(error, (QueryTimeout, StoreBusy))
            if isinstance(error, (EOFError, OSError, ValueError, pickle.UnpicklingError)):
                raise self._ended(code, job) from None
            raise
        if slot:
            self._slow_slots.release()
            process.stop()                       # it cannot be given its priority back
        else:
            self.light.give_back(process)
        return self._outcome(status, payload, job)

    def _run_slow(self, job: dict[str, Any], deadline: float, timeout: float) -> QueryResult:
        """A query of a known slow shape: it waits its turn for the slow slot (within its
        time limit, behind at most SLOW_QUEUE others) and runs at the lowest priority."""
        with self._lock:
            if self._waiting >= SLOW_QUEUE:
                raise StoreBusy("Queries like this one ran long before; they run one at a "
                                f"time and {self._waiting} are waiting. Try again later.")
            self._waiting += 1
        try:
            taken = self._slow_slots.acquire(timeout=max(0.0, deadline - time.monotonic()))
        finally:
            with self._lock:
                self._waiting -= 1
        if not taken:
            raise StoreBusy("Queries like this one ran long before; they run one at a time, "
                            f"and none finished within the time limit of {timeout:g} s. "
                            "Try again later.")
        try:
            process = self.slow.take(job["path"], deadline, "The slow-query process is "
                                                            "busy; try again shortly.")
            try:
                process.ask(job)
                if not process.ready(deadline - time.monotonic()):
                    raise _past_the_limit(timeout)
                status, payload = process.answer()
            except BaseException as error:
                code = process.end()
                self.slow.leave()
                self.stopped += isinstance(error, QueryTimeout)
                if isinstance(error, (EOFError, OSError, ValueError, pickle.UnpicklingError)):
                    raise self._ended(code, job) from None
                raise
            self.slow.give_back(process)
        finally:
            self._slow_slots.release()
        return self._outcome(status, payload, job)

    def _busy_computing(self, process: QueryProcess) -> bool:
        """Whether a query still running has used ``heavy_after`` seconds of CPU (one slowed
        only by a busy machine is not heavy)."""
        used = process.cpu_for_this_job()
        return used is None or used >= self.heavy_after

    def _outcome(self, status: str, payload: Any, job: dict[str, Any]) -> QueryResult:
        if status == "ok":
            return payload
        if status == "syntax":
            raise QuerySyntaxError(payload)
        if status == MEMORY:
            self._remember_slow(job["sparql"])
            raise self._memory_error()
        raise StoreError(payload)

    def _ended(self, code: int | None, job: dict[str, Any]) -> StoreError:
        """What the end of a query process mid-query means: Rust aborts when an allocation
        fails under the memory cap (SIGABRT); the kernel's OOM killer sends SIGKILL."""
        self._remember_slow(job["sparql"])
        if code in (-signal.SIGABRT, -signal.SIGKILL):
            return self._memory_error()
        return StoreError(f"the query process ended unexpectedly (exit status {code})")

    def _memory_error(self) -> QueryMemoryLimit:
        self.stopped += 1
        return QueryMemoryLimit(f"the query needed more than the memory limit of "
                                f"{self.memory_mib} MiB (limits.query_memory_mib) and was "
                                "stopped")

    def close(self) -> None:
        self.light.close()
        self.slow.close()


def _shape_key(sparql: str) -> str:
    return hashlib.sha1(query_shape(sparql).encode()).hexdigest()


def _past_the_limit(timeout: float) -> QueryTimeout:
    """The error of a query stopped at the time limit."""
    return QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped")
