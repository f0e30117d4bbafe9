"""The validation processes of a server: each web validation runs in one of a few child
processes (:func:`publisher.shacl.process.worker_main`) with a deadline and a memory cap.

pyshacl cannot be stopped and an upload can be made to need any amount of memory, so a
validation past its deadline has its process killed, and the memory cap
(``limits.validation_memory_mib``, applied by the process to itself) ends it alone. Either
way the next validation gets a fresh process and the server goes on answering. What went
wrong is raised as a :class:`ValidationStopped`, which the web layer turns into a status.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
# the catalogue check's worker: a validation worker that also runs catalogue checks
_PROCESS_CODE = ("import sys; from publisher.shacl.catalogue_check.job import worker_main; "
                 "worker_main(int(sys.argv[1]))")
#: How long a validation waits for a free process before it is refused.
SLOT_WAIT_SECONDS = 5.0
#: A process is replaced after this many validations, or after one big one (memory a
#: Python process took is not given back).
PROCESS_JOBS = 50
_ADVICE = "Validate a smaller part, or use `publisher validate` on your own machine."


class ValidationStopped(Exception):
    """A validation that could not be run or finished."""


class ValidationBusy(ValidationStopped):
    """Every validation process is busy (worth retrying)."""


class ValidationTimeLimit(ValidationStopped):
    """The validation ran past its deadline and was stopped."""


class ValidationMemoryLimit(ValidationStopped):
    """The validation needed more memory than the cap."""


class ValidationProcessEnded(ValidationStopped):
    """The process died before answering (most likely of the memory cap)."""


class ValidationProcess:
    """One validation process and its two pipes; the memory cap goes on its command line."""

    def __init__(self, memory_mib: int) -> None:
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_PARENT,
                                                          env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-c", _PROCESS_CODE, str(int(memory_mib))],
            stdin=job_read, stdout=answer_write, env=env, close_fds=True)
        os.close(job_read)
        os.close(answer_write)
        self.jobs = Connection(job_write, readable=False)
        self.answers = Connection(answer_read, writable=False)
        self.served = 0

    def ask(self, job: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """The answer, or None when the deadline passed first."""
        self.jobs.send(job)
        if not self.answers.poll(max(0.0, timeout)):
            return None
        self.served += 1
        return self.answers.recv()

    def stop(self) -> None:
        for connection in (self.jobs, self.answers):
            connection.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)


class ValidationProcesses:
    """A few validation processes; a semaphore bounds how many validations run at once."""

    def __init__(self, size: int, memory_mib: int) -> None:
        self.size = max(1, size)
        self.memory_mib = memory_mib
        self._slots = threading.BoundedSemaphore(self.size)
        self._idle: list[ValidationProcess] = []
        self._lock = threading.Lock()
        self.killed = 0

    def warm(self) -> None:
        """Start a process ahead of need (its imports take about a second)."""
        with self._lock:
            if not self._idle:
                self._idle.append(ValidationProcess(self.memory_mib))

    def run(self, job: dict[str, Any], timeout: float, big: bool = False) -> dict[str, Any]:
        """The process's answer to ``job`` (see :func:`publisher.shacl.process.run_job`)."""
        if not self._slots.acquire(timeout=min(SLOT_WAIT_SECONDS, timeout)):
            raise ValidationBusy("Every validation worker is busy; try again in a moment.")
        try:
            return self._run(job, timeout, big)
        finally:
            self._slots.release()

    def _run(self, job: dict[str, Any], timeout: float, big: bool) -> dict[str, Any]:
        process = self._take()
        try:
            answer = process.ask(job, timeout)
        except (EOFError, OSError):
            try:
                process.process.wait(timeout=2)   # it closed its pipe: let it finish dying
            except subprocess.TimeoutExpired:
                pass
            process.stop()
            raise ValidationProcessEnded(
                f"The validation stopped: its worker process ended "
                f"({_how_it_ended(process.process.returncode)}) before answering, most likely "
                f"because the validation needed more than the memory limit of "
                f"{self._memory_limit()}. {_ADVICE}") from None
        if answer is None:
            self.killed += 1
            process.stop()
            raise ValidationTimeLimit(f"Validation time limit ({timeout:g} s) exceeded; the "
                                      f"validation was stopped. {_ADVICE}")
        if answer.get("status") == "memory":
            process.stop()
            raise ValidationMemoryLimit(f"The validation needed more than the memory limit of "
                                        f"{self._memory_limit()} and was stopped. {_ADVICE}")
        self._give_back(process, retire=big or process.served >= PROCESS_JOBS)
        return answer

    def _memory_limit(self) -> str:
        return f"{self.memory_mib:,} MiB per validation (limits.validation_memory_mib)"

    def _take(self) -> ValidationProcess:
        with self._lock:
            while self._idle:
                process = self._idle.pop()
                if process.process.poll() is None:
                    return process
                process.stop()
        return ValidationProcess(self.memory_mib)

    def _give_back(self, process: ValidationProcess, retire: bool) -> None:
        if retire:
            process.stop()
            return
        with self._lock:
            self._idle.append(process)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.stop()


def _how_it_ended(returncode: int | None) -> str:
    """A process's exit status in words: the signal that ended it, or its exit status."""
    if returncode is not None and returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit status {returncode}"
