"""What a store raises, each error one answer of the web layer (status in brackets).

Messages are public: they never name the store's address or credentials.
"""
from __future__ import annotations


class StoreError(Exception):
    """A store could not answer (502)."""


class StoreUnavailable(StoreError):
    """The store cannot answer now; worth retrying later (503 with Retry-After)."""

    retry_after = 10


class NoRelease(StoreUnavailable):
    """No release has been built or loaded yet (503)."""

    retry_after = 60


class ReleaseMissing(NoRelease):
    """The store holds no release of this site — none built yet (embedded), or a remote
    store that is empty or filled by other tools — so nothing may be served as if it were
    ours (503). ``command`` is what fixes it, in a form safe to show the public."""

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message)
        self.command = command


class StoreBusy(StoreUnavailable):
    """Every query slot is taken by a running query (503)."""

    retry_after = 5


class QueryTimeout(StoreError):
    """The query ran past the time limit and was stopped (503)."""


class QueryMemoryLimit(StoreError):
    """The query needed more memory than its process may use and was stopped (503)."""


class QuerySyntaxError(StoreError):
    """The query does not parse; the message is the parser's (400)."""


class QueryRefused(StoreError):
    """The query is not allowed here: an update, or SERVICE when federation is off (403)."""


class QueryTooComplex(StoreError):
    """The query nests deeper or uses more operators than the limits allow (400); checked
    before any parser sees the text, whose recursion a deep query could overflow."""
