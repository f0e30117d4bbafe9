"""The gunicorn worker of ``publisher serve --workers N``: gthread, keeping a busy
keep-alive connection on its thread.

gunicorn's gthread worker hands every request of a keep-alive connection back and forth
between its threads: the answer goes out on a pool thread, the connection returns to the
main thread's poller, and the next request is handed to the pool again. For a client that
sends its next query right away (a script running lookups over one connection, a SPARQL
client library with a session) those two hand-overs cost about 0.1 ms per request, as much
as evaluating a lookup. This worker answers the next request on the same thread when it
arrives within :attr:`KeepAliveWorker.linger_seconds` and no other connection is waiting
for a thread; otherwise the connection goes back to the poller exactly as in gthread. All
parsing, limits, logging and shutdown stay gunicorn's own.

The worker also lets the embedded store evaluate queries on its own threads
(:class:`publisher.store.InlineEvaluator`): when a query overruns the time limit, the
worker retires — it stops accepting, finishes the requests it has, and exits, ending the
runaway query with it — and gunicorn starts a fresh worker.
"""
from __future__ import annotations

import gc
import os
import select
import threading
import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from publisher.store import evaluate_queries_in_process, queries_past_their_limit


class KeepAliveWorker(ThreadWorker):
    """gthread that serves a keep-alive connection's next request on the same thread."""

    #: How long a thread waits for the next request on the connection it just answered.
    linger_seconds = 0.002
    #: The wait is cut into slices; between them a thread gives way to waiting connections.
    slice_seconds = 0.0005

    overran = False

    def init_process(self) -> None:
        evaluate_queries_in_process(self.retire)     # before the app (and its store) loads
        super().init_process()

    def load_wsgi(self) -> None:
        super().load_wsgi()
        # The app, its templates and the store are loaded for good: keep them out of the
        # cycle collector's full passes, which would otherwise walk them again and again.
        gc.freeze()

    def retire(self) -> None:
        """A query overran: stop taking requests, finish the ones in hand, then exit."""
        self.overran = True
        if self.alive:
            self.log.warning("a query ran past the time limit: worker %s finishes its "
                             "requests and exits; a new worker takes its place", self.pid)
            self.alive = False
            self.method_queue.defer(lambda: None)     # wake the poller to begin stopping
            threading.Thread(target=self._exit_when_only_runaways_remain, daemon=True,
                             name="retire").start()

    def _exit_when_only_runaways_remain(self) -> None:
        """Leave as soon as every connection left is one whose request was already ended
        at the limit (gunicorn's own stop would wait for those too, for the whole graceful
        timeout, while several retiring workers could leave none accepting)."""
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if self.nr_conns <= queries_past_their_limit():
                break
        os._exit(0)

    def run(self) -> None:
        super().run()
        if self.overran:
            # The runaway query still holds a thread inside pyoxigraph: leave without the
            # interpreter's shutdown, which would run beside it.
            os._exit(0)

    def handle(self, conn: Any) -> Any:
        keep = super().handle(conn)
        while keep is True and self._next_request_arrives(conn):
            keep = super().handle(conn)
        return keep

    def _next_request_arrives(self, conn: Any) -> bool:
        """True when the connection's next request is there (or already read ahead) in
        time; False sends the connection back to the poller."""
        if not self.alive or conn.is_http2 or conn.parser is None:
            return False
        if conn.parser.unreader.buf.getvalue():
            return True
        deadline = time.monotonic() + self.linger_seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._others_waiting():
                return False
            try:
                ready, _, _ = select.select([conn.sock], [], [],
                                            min(self.slice_seconds, remaining))
            except (OSError, ValueError):
                return False
            if ready:
                return True

    def _others_waiting(self) -> bool:
        """Connections queued for a thread: then lingering would keep them waiting."""
        queue = getattr(self.tpool, "_work_queue", None)
        return queue is None or not queue.empty()
