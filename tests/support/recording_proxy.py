"""A loopback HTTP server between the publisher and a real Oxigraph server, for the tests of
the remote store's configuration: it maps the paths a store is configured with onto
Oxigraph's (so a store laid out otherwise, or Virtuoso's paths, reach a real engine),
records every request's method, path and Authorization header, and can ask for HTTP Basic
credentials, or for Digest (RFC 7616, MD5, qop=auth) as Virtuoso's authenticated Graph
Store endpoint does, checking the answer before it forwards (401 otherwise)."""
from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Seen:
    method: str
    path: str
    authorization: str | None
    digest_ok: bool | None = None


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _digest_fields(header: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in header.removeprefix("Digest ").split(","):
        name, _, value = part.strip().partition("=")
        fields[name.strip()] = value.strip().strip('"')
    return fields


class RecordingProxy:
    """``routes`` maps a path of ours to one of the upstream server's; ``basic`` (user,
    password) is required of every request; ``digest`` (user, password) makes the paths in
    ``digest_paths`` ask for Digest first."""

    def __init__(self, upstream: str, routes: dict[str, str | dict[str, str]],
                 basic: tuple[str, str] | None = None,
                 digest: tuple[str, str] | None = None,
                 digest_paths: tuple[str, ...] = (), realm: str = "SPARQL") -> None:
        self.upstream, self.routes = upstream.rstrip("/"), routes
        self.basic = basic
        self.digest, self.digest_paths, self.realm = digest, digest_paths, realm
        self.nonce = secrets.token_hex(16)
        self.seen: list[Seen] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:          # quiet
                pass

            def _any(self) -> None:
                proxy.handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    # ----------------------------------------------------------------------------------
    def _upstream_path(self, path: str, method: str, media: str) -> str | None:
        split = urlsplit(path)
        for ours, theirs in sorted(self.routes.items(), key=lambda r: -len(r[0])):
            if split.path == ours:
                if isinstance(theirs, dict):            # one path, two services (Virtuoso)
                    theirs = theirs["update" if media.startswith("application/sparql-update")
                                    else "query"]
                return theirs + (f"?{split.query}" if split.query else "")
        return None

    def _digest_valid(self, header: str | None, method: str, path: str) -> bool:
        if not header or not header.startswith("Digest ") or self.digest is None:
            return False
        fields = _digest_fields(header)
        user, password = self.digest
        if fields.get("username") != user or fields.get("nonce") != self.nonce \
                or fields.get("uri") != path or fields.get("realm") != self.realm:
            return False
        first = _md5(f"{user}:{self.realm}:{password}")
        second = _md5(f"{method}:{path}")
        expected = _md5(":".join([first, self.nonce, fields.get("nc", ""),
                                  fields.get("cnonce", ""), "auth", second]))
        return fields.get("response") == expected

    @staticmethod
    def _refuse(handler: BaseHTTPRequestHandler, challenge: str) -> None:
        body = b"authentication required"
        handler.send_response(401)
        handler.send_header("WWW-Authenticate", challenge)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        method, path = handler.command, handler.path
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        auth = handler.headers.get("Authorization")
        record = Seen(method, path, auth)
        self.seen.append(record)
        if self.basic is not None:
            token = base64.b64encode(":".join(self.basic).encode("utf-8")).decode("ascii")
            if auth != f"Basic {token}":
                self._refuse(handler, 'Basic realm="store"')
                return
        if self.digest is not None and urlsplit(path).path in self.digest_paths:
            record.digest_ok = self._digest_valid(auth, method, path)
            if not record.digest_ok:
                self._refuse(handler, f'Digest realm="{self.realm}", nonce="{self.nonce}", '
                                      'qop="auth", algorithm="MD5"')
                return
        media = handler.headers.get("Content-Type") or ""
        target = self._upstream_path(path, method, media)
        if target is None:
            handler.send_response(404)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        request = urllib.request.Request(self.upstream + target, data=body, method=method)
        for name in ("Content-Type", "Accept"):
            if handler.headers.get(name):
                request.add_header(name, handler.headers[name])
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, headers, data = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, data = error.code, error.headers, error.read()
        handler.send_response(status)
        if headers.get("Content-Type"):
            handler.send_header("Content-Type", headers["Content-Type"])
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
