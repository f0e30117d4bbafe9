"""The URLs of a catalogue checked as a harvester would, each once: HEAD first, then GET where
HEAD is refused or says too little (no media type, no length when a size is declared) or the
body is needed (a declared checksum). A bounded number run at once, all within the run's
deadline. Where a URL may be asked is `Access`: our own URLs are answered from the release's
files (or a running server of ours), loopback needs no flag on the command line, anything else
only with the network allowed; a URL that may not be asked is "not checked", never fetched."""
from __future__ import annotations

import ipaddress
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publisher.shacl.catalogue_check.fetching import (CATALOGUE_ACCEPT, SCHEMES, Bounds, Fetched,
                                                      fetch, scheme_of)
from publisher.shacl.catalogue_check.own import OwnSite, answer

#: problems after which a GET would meet the same fate as the HEAD
FINAL_PROBLEMS = {"timeout", "run_time_limit", "refused_scheme", "too_many_redirects",
                  "redirect_off", "invalid_url"}


@dataclass(frozen=True)
class Need:
    """What the catalogue's claims ask of one URL: its body hashed with `algorithms` (a
    declared checksum), its size (a declared byte size)."""

    algorithms: frozenset[str] = frozenset()
    size: bool = False

    def merged(self, other: "Need") -> "Need":
        return Need(self.algorithms | other.algorithms, self.size or other.size)


@dataclass(frozen=True)
class Access:
    """Where the check may send requests. On the web: nowhere (`web`), our URLs from the
    release's files only."""

    network: bool = False          # foreign hosts: --allow-network
    loopback: bool = True          # loopback hosts need no flag (not on the web)
    own: OwnSite | None = None     # our URLs, answered from the release's files
    server: str | None = None      # a running server of ours to check our URLs against
    web: bool = False


@dataclass
class UrlCheck:
    """One URL's check: the HEAD and GET it took (or what answered for them), or why it was
    not checked; and, when the body was not read, why."""

    url: str
    via: str = "none"              # network, loopback, server, release, none
    head: Fetched | None = None
    get: Fetched | None = None
    skipped: tuple[str, dict[str, Any]] | None = None
    unread: tuple[str, dict[str, Any], str | None] | None = None

    @property
    def checked(self) -> bool:
        return self.skipped is None

    @property
    def answer(self) -> Fetched | None:
        """The last request's answer: the GET when there was one."""
        return self.get or self.head

    @property
    def status(self) -> int | None:
        return self.answer.status if self.answer else None

    @property
    def media_type(self) -> str | None:
        for fetched in (self.get, self.head):
            if fetched is not None and fetched.media_type and fetched.status == self.status:
                return fetched.media_type
        return None

    @property
    def size(self) -> int | None:
        """The size read, else the length announced by an answer without a problem."""
        if self.get is not None and self.get.size is not None:
            return self.get.size
        for fetched in (self.get, self.head):
            if fetched is not None and fetched.length is not None and fetched.ok:
                return fetched.length
        return None

    @property
    def problem(self) -> tuple[str, dict[str, Any], str | None] | None:
        """Why the URL has no (complete) answer: code, values, bound."""
        fetched = self.answer
        if fetched is not None and fetched.problem:
            return fetched.problem, fetched.params, fetched.bound
        return None

    def as_json(self) -> dict[str, Any]:
        def request(fetched: Fetched | None) -> dict[str, Any] | None:
            if fetched is None:
                return None
            return {"method": fetched.method, "status": fetched.status,
                    "media_type": fetched.media_type, "length": fetched.length,
                    "size": fetched.size, "redirects": fetched.redirects,
                    "problem": fetched.problem, "bound": fetched.bound,
                    "seconds": round(fetched.seconds, 3)}
        problem = self.problem
        return {"url": self.url, "checked": self.checked, "via": self.via,
                "status": self.status, "media_type": self.media_type, "size": self.size,
                "digests": dict(self.get.digests) if self.get else {},
                "problem": problem[0] if problem else None,
                "bound": problem[2] if problem else None,
                "skipped": self.skipped[0] if self.skipped else None,
                "head": request(self.head), "get": request(self.get)}


@dataclass(frozen=True)
class Route:
    """How a URL is checked: over HTTP ("network", "loopback", "server") at `target`, from
    the release's files ("release": `file`, None for a file that is not there), or not at all
    ("none", for `reason`)."""

    how: str
    target: str
    file: Path | None = None
    reason: tuple[str, dict[str, Any]] | None = None


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class UrlChecker:
    """The URL checks of one run; each URL is checked once, whoever asks."""

    def __init__(self, access: Access, bounds: Bounds, parallel: int) -> None:
        self.access, self.bounds, self.parallel = access, bounds, max(1, parallel)
        self._done: dict[str, UrlCheck] = {}
        self._lock = threading.Lock()
        server = urlsplit(access.server) if access.server else None
        self._server = (server.hostname, server.port) if server else None
        self._server_root = access.server.rstrip("/") + "/" if access.server else None

    # ----------------------------------------------------------------- where a URL may go

    def allow(self, url: str) -> tuple[str, dict[str, Any]] | None:
        """Whether a request (a redirect's too) may go to `url`'s host."""
        parts = urlsplit(url)
        if self.access.network or (self.access.loopback and is_loopback(parts.hostname)):
            return None
        if self._server is not None and (parts.hostname, parts.port) == self._server:
            return None
        return "redirect_off", {"target": url}

    def route(self, url: str) -> Route:
        """How `url` is checked, if it is."""
        scheme = scheme_of(url)
        if scheme not in SCHEMES:
            return Route("none", url, reason=("scheme", {"scheme": scheme or "—"}))
        if self._server_root is not None and url.startswith(self._server_root):
            return Route("server", url)         # the server's own links (rewritten to it)
        own = self.access.own
        if own is not None and own.is_ours(url):
            if self._server_root is not None:
                return Route("server", self._server_root + own.rest_of(url))
            file = own.release_file(url)
            if file is not None:
                return Route("release", url, file=file or None)
            if self.access.network and not self.access.web:
                return Route("network", url)
            return Route("none", url, reason=("own_page", {}))
        if self.access.loopback and is_loopback(urlsplit(url).hostname):
            return Route("loopback", url)
        if self.access.network:
            return Route("network", url)
        return Route("none", url, reason=("web_offline" if self.access.web else "network_off",
                                          {}))

    # ----------------------------------------------------------------- checking

    def check_all(self, needs: dict[str, Need]) -> dict[str, UrlCheck]:
        """Every URL of `needs` checked, at most `parallel` at once (one: in this thread)."""
        if self.parallel == 1 or len(needs) < 2:
            return {url: self.check(url, need) for url, need in needs.items()}
        with ThreadPoolExecutor(max_workers=min(self.parallel, max(1, len(needs))),
                                thread_name_prefix="catalogue-check") as pool:
            futures = {url: pool.submit(self.check, url, need) for url, need in needs.items()}
            return {url: future.result() for url, future in futures.items()}

    def check(self, url: str, need: Need = Need()) -> UrlCheck:
        """The check of `url` (made now unless it was made already)."""
        with self._lock:
            done = self._done.get(url)
        if done is not None:
            return done
        result = self._check(url, need)
        with self._lock:
            return self._done.setdefault(url, result)

    def _check(self, url: str, need: Need) -> UrlCheck:
        route = self.route(url)
        check = UrlCheck(url, via=route.how)
        if route.how == "none":
            check.skipped = route.reason
            return check
        algorithms = tuple(sorted(need.algorithms))
        if route.how == "release":
            check.get = answer(url, route.file, self.bounds.max_bytes, self.bounds.bytes_setting,
                               algorithms)
            return check
        target = route.target
        head = fetch(target, "HEAD", self.bounds, self.allow)
        check.head = head
        if head.problem in FINAL_PROBLEMS:
            return check
        announced_too_large = head.ok and head.length is not None and \
            head.length > self.bounds.max_bytes
        wants_body = bool(algorithms) or (need.size and head.length is None)
        if announced_too_large and wants_body:
            check.unread = ("too_large_announced",
                            {"length": f"{head.length:,}", "limit": f"{self.bounds.max_bytes:,}",
                             "setting": self.bounds.bytes_setting}, self.bounds.bytes_setting)
            wants_body = False
        refused = head.status is None or head.status >= 400
        if refused or wants_body or head.media_type is None:
            check.get = fetch(target, "GET", self.bounds, self.allow, read_body=wants_body,
                              algorithms=algorithms)
        return check

    def fetch_document(self, url: str, max_bytes: int, setting: str) -> tuple[str, Fetched]:
        """A whole document (the catalogue itself) by GET within `max_bytes`: (how, answer);
        how is "none" with the reason in the answer's problem when it may not be asked."""
        route = self.route(url)
        bounds = replace(self.bounds, max_bytes=max_bytes, bytes_setting=setting)
        if route.reason is not None:
            code, values = route.reason
            return route.how, Fetched(url=url, method="GET", problem=code, params=values)
        if route.how == "release":
            return route.how, answer(url, route.file, max_bytes, setting, keep_body=True)
        return route.how, fetch(route.target, "GET", bounds, self.allow, read_body=True,
                                keep_body=True, accept=CATALOGUE_ACCEPT)
