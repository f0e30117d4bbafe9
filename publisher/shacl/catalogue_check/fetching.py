"""One URL read as a harvester reads it, within bounds: HTTP and HTTPS only (a redirect to any
other scheme is refused, not followed), at most `redirects` redirects, each request ended at
its deadline however slowly the server trickles (a watchdog shuts the socket down: a socket
timeout alone lets one byte a second go on for ever) or the name resolves (the lookup runs
beside the request and is given up at the deadline: `getaddrinfo` takes no timeout, and a
resolver's own retries last for tens of seconds), and a body read in steps that stop one
step past `max_bytes` — a `Content-Length` above it is refused before a byte is read. Every
cut names the setting that made it. Which hosts may be asked is the caller's (`allow`)."""
from __future__ import annotations

import hashlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote, urljoin, urlsplit

from publisher import __version__

SCHEMES = ("http", "https")
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
#: spdx:algorithm values a checksum can be checked with, by hashlib name
ALGORITHMS = ("sha256", "sha1", "md5")
CHUNK = 64 * 1024
USER_AGENT = f"kuntadigi-publisher/{__version__} (catalogue check)"
#: what a harvester asks a catalogue for
CATALOGUE_ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
                    "application/n-triples;q=0.7, */*;q=0.1")


def system_lookup(*args: Any, **kwargs: Any) -> list:
    """`socket.getaddrinfo`, looked up when called (so a test that replaces it is heard)."""
    return socket.getaddrinfo(*args, **kwargs)


@dataclass(frozen=True)
class Bounds:
    """The bounds of the requests of one run, and the settings that name them."""

    request_seconds: float
    max_bytes: int
    redirects: int
    run_deadline: float                       # time.monotonic() when the whole run ends
    run_seconds: float = 0.0
    request_setting: str = "limits.catalogue_check_request_seconds"
    bytes_setting: str = "limits.catalogue_check_download_bytes"
    redirects_setting: str = "limits.catalogue_check_redirects"
    run_setting: str = "limits.catalogue_check_seconds"
    #: How host names are looked up (`socket.getaddrinfo`'s signature); the reliability
    #: tests give a resolver that stalls, as a resolver without an answer does.
    resolver: Callable[..., list] = field(default=system_lookup, compare=False, repr=False)


@dataclass
class Fetched:
    """What one request (and its redirects) gave. `problem` is why the answer is missing or
    incomplete — a code of `publisher.shacl.catalogue_check.checks` and its values — with
    `bound` the setting that cut it, if one did; a status with a problem means the headers
    came and the body did not (all of it)."""

    url: str
    method: str
    status: int | None = None
    media_type: str | None = None
    length: int | None = None                 # the Content-Length announced
    size: int | None = None                   # bytes read, when the whole body was read
    digests: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    redirects: list[str] = field(default_factory=list)
    problem: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    bound: str | None = None
    body: bytes | None = None
    seconds: float = 0.0
    via: str = "network"

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.problem is None


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme.lower()


def fetch(url: str, method: str, bounds: Bounds,
          allow: Callable[[str], tuple[str, dict[str, Any]] | None], *,
          read_body: bool = False, algorithms: tuple[str, ...] = (),
          keep_body: bool = False, accept: str = "*/*") -> Fetched:
    """`method` (HEAD or GET) on `url`, following redirects within the bounds; with
    `read_body` the body is read (hashed with `algorithms`, kept with `keep_body`) up to
    `bounds.max_bytes`. Never raises for what the server does."""
    started = time.monotonic()
    result = Fetched(url=url, method=method)
    current = url
    try:
        for hop in range(bounds.redirects + 1):
            if scheme_of(current) not in SCHEMES:
                return _fail(result, "refused_scheme", {"target": current}, None, started)
            refusal = allow(current)
            if refusal is not None:
                code, values = refusal
                return _fail(result, code, values, None, started)
            if time.monotonic() >= bounds.run_deadline:
                return _fail(result, "run_time_limit", {"seconds": f"{bounds.run_seconds:g}",
                                                        "setting": bounds.run_setting},
                             bounds.run_setting, started)
            location = _exchange(current, method, bounds, result, read_body, algorithms,
                                 keep_body, accept)
            if location is None:
                result.final_url = current
                result.seconds = time.monotonic() - started
                return result
            result.redirects.append(location)
            current = location
            if result.status == 303 and method != "HEAD":
                method = "GET"
        return _fail(result, "too_many_redirects",
                     {"limit": bounds.redirects, "setting": bounds.redirects_setting},
                     bounds.redirects_setting, started)
    except ValueError as error:                   # a URL http.client cannot send
        return _fail(result, "invalid_url", {"detail": str(error)[:200]}, None, started)


def _fail(result: Fetched, code: str, values: dict[str, Any], bound: str | None,
          started: float) -> Fetched:
    result.problem, result.params, result.bound = code, values, bound
    result.seconds = time.monotonic() - started
    return result


class _Watchdog:
    """Shuts a connection's socket down at its deadline, waking any read blocked on it."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.connection, self.fired = connection, False
        self.timer = threading.Timer(max(0.0, seconds), self._fire)
        self.timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = self.connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> "_Watchdog":
        self.timer.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.timer.cancel()


def _target(parts: Any) -> str:
    """The request target, percent-encoded where an IRI has characters HTTP does not carry."""
    path = parts.path or "/"
    target = path + (f"?{parts.query}" if parts.query else "")
    return quote(target, safe="/?=&;:@!$'()*+,~%[]-._")


class _Connection(http.client.HTTPConnection):
    """A connection to addresses already looked up, over TLS (verified against the URL's
    host name) when `tls` is given."""

    def __init__(self, host: str, port: int, addresses: list, timeout: float,
                 tls: ssl.SSLContext | None) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses, self.tls = addresses, tls

    def connect(self) -> None:
        failure: OSError = OSError("the host name has no address")
        for family, kind, protocol, _, address in self.addresses:
            sock = socket.socket(family, kind, protocol)
            try:
                sock.settimeout(self.timeout)
                sock.connect(address)
            except OSError as error:
                sock.close()
                failure = error
                continue
            self.sock = (self.tls.wrap_socket(sock, server_hostname=self.host)
                         if self.tls is not None else sock)
            return
        raise failure


class _TlsConnection(_Connection):
    default_port = http.client.HTTPS_PORT      # the Host header leaves the port out


class ResolveTimeout(TimeoutError):
    """The host name was not resolved within the request's time."""


def _resolve(host: str, port: int, seconds: float, resolver: Callable[..., list]) -> list:
    """`resolver(host, port)` for TCP, given up after `seconds` (the lookup's thread is a
    daemon: it ends with the resolver's own retries, or with the process)."""
    found: dict[str, Any] = {}
    done = threading.Event()

    def lookup() -> None:
        try:
            found["addresses"] = resolver(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            found["error"] = error
        finally:
            done.set()

    threading.Thread(target=lookup, name="resolve", daemon=True).start()
    if not done.wait(seconds):
        raise ResolveTimeout(f"{host} was not resolved within {seconds:g} s")
    if "error" in found:
        raise found["error"]
    return found["addresses"]


def _connection(parts: Any, seconds: float, resolver: Callable[..., list]
                ) -> http.client.HTTPConnection:
    host = parts.hostname
    if not host:
        raise ValueError("no host in the URL")
    tls = parts.scheme.lower() == "https"
    port = parts.port or (http.client.HTTPS_PORT if tls else http.client.HTTP_PORT)
    addresses = _resolve(host, port, seconds, resolver)
    if tls:
        return _TlsConnection(host, port, addresses, max(0.05, seconds),
                              ssl.create_default_context())
    return _Connection(host, port, addresses, max(0.05, seconds), None)


def _exchange(url: str, method: str, bounds: Bounds, result: Fetched, read_body: bool,
              algorithms: tuple[str, ...], keep_body: bool, accept: str) -> str | None:
    """One request: fills `result`; returns where a redirect points, else None."""
    now = time.monotonic()
    by_run = bounds.run_deadline < now + bounds.request_seconds
    seconds = max(0.0, min(bounds.request_seconds, bounds.run_deadline - now))
    cut = ("run_time_limit", bounds.run_setting, bounds.run_seconds) if by_run else \
        ("timeout", bounds.request_setting, bounds.request_seconds)
    parts = urlsplit(url)
    try:
        connection = _connection(parts, seconds, bounds.resolver)
    except ResolveTimeout:
        _timed_out(result, *cut)
        return None
    except OSError as error:
        _failed(result, error)
        return None
    seconds = max(0.0, seconds - (time.monotonic() - now))
    watchdog = _Watchdog(connection, seconds)
    try:
        with watchdog:
            connection.putrequest(method, _target(parts), skip_accept_encoding=True)
            for name, value in (("User-Agent", USER_AGENT), ("Accept", accept),
                                ("Accept-Encoding", "identity"), ("Connection", "close")):
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            result.status = response.status
            content_type = response.getheader("Content-Type")
            result.media_type = (content_type.split(";", 1)[0].strip().lower()
                                 if content_type else None)
            result.length = _length(response.getheader("Content-Length"))
            if response.status in REDIRECT_STATUSES and response.getheader("Location"):
                return urljoin(url, response.getheader("Location", "").strip())
            if method == "GET" and read_body:
                _read(response, result, bounds, algorithms, keep_body)
                if watchdog.fired:          # a body without a length ends where it was cut
                    result.size, result.digests, result.body = None, {}, None
                    _timed_out(result, *cut)
            return None
    except (socket.timeout, TimeoutError):
        _timed_out(result, *cut)
    except (OSError, http.client.HTTPException) as error:
        if watchdog.fired:
            _timed_out(result, *cut)
        else:
            _failed(result, error)
    finally:
        connection.close()
    return None


def _timed_out(result: Fetched, code: str, setting: str, seconds: float) -> None:
    """Cut at a deadline: one request's ("timeout") or the whole run's ("run_time_limit")."""
    result.problem, result.bound = code, setting
    result.params = {"seconds": f"{seconds:g}", "setting": setting}


def _failed(result: Fetched, error: BaseException) -> None:
    """A failure of the connection or of HTTP itself, in a few words."""
    if isinstance(error, http.client.IncompleteRead):
        result.problem = "cut_short"
        result.params = {"size": f"{len(error.partial):,}", "length": str(error.expected)}
        return
    if isinstance(error, ConnectionRefusedError):
        detail = "connection refused"
    elif isinstance(error, socket.gaierror):
        detail = "host not found"
    elif isinstance(error, ssl.SSLError):
        detail = f"TLS: {error.reason or error}"
    elif isinstance(error, http.client.HTTPException):
        result.problem, result.params = "http", {"detail": type(error).__name__}
        return
    else:
        detail = str(error) or type(error).__name__
    result.problem, result.params = "connection", {"detail": detail[:200]}


def _length(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value.strip().isdigit() else None
    except ValueError:
        return None


def _read(response: http.client.HTTPResponse, result: Fetched, bounds: Bounds,
          algorithms: tuple[str, ...], keep_body: bool) -> None:
    """The body, hashed as it streams, stopping one step past the byte bound."""
    if result.length is not None and result.length > bounds.max_bytes:
        result.problem, result.bound = "too_large_announced", bounds.bytes_setting
        result.params = {"length": f"{result.length:,}", "limit": f"{bounds.max_bytes:,}",
                         "setting": bounds.bytes_setting}
        return
    hashes = {name: hashlib.new(name) for name in algorithms}
    kept = bytearray() if keep_body else None
    size = 0
    while True:
        chunk = response.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > bounds.max_bytes:
            result.problem, result.bound = "too_large", bounds.bytes_setting
            result.params = {"limit": f"{bounds.max_bytes:,}", "setting": bounds.bytes_setting}
            return
        for digest in hashes.values():
            digest.update(chunk)
        if kept is not None:
            kept += chunk
    result.size = size
    result.digests = {name: digest.hexdigest() for name, digest in hashes.items()}
    if kept is not None:
        result.body = bytes(kept)
