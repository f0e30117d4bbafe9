"""HTTP Digest authentication for the loader's writes, answered before the body is sent.

urllib answers a Digest challenge only after a request was refused — with its whole body
sent first. Virtuoso refuses a large unauthenticated PUT by closing the connection while
the body is still being sent (a broken pipe, no 401 to answer), so the loader first asks
for the challenge with a bodiless request and then sends the write once, authorized
(RFC 7616, MD5 with ``qop=auth``, as Virtuoso and most servers offer).
"""
from __future__ import annotations

import hashlib
import os
import urllib.request
from urllib.parse import urlsplit


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()   # noqa: S324 - the scheme's hash


def challenge_fields(header: str) -> dict[str, str] | None:
    """The fields of a ``WWW-Authenticate: Digest …`` header (None: not Digest)."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    return urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))


def authorization(fields: dict[str, str], method: str, url: str, user: str,
                  password: str) -> str:
    """The ``Authorization`` header answering a Digest challenge for one request."""
    parts = urlsplit(url)
    uri = parts.path + (f"?{parts.query}" if parts.query else "")
    realm, nonce = fields.get("realm", ""), fields.get("nonce", "")
    qops = [q.strip() for q in fields.get("qop", "").split(",") if q.strip()]
    first = _md5(f"{user}:{realm}:{password}")
    second = _md5(f"{method}:{uri}")
    items = {"username": user, "realm": realm, "nonce": nonce, "uri": uri,
             "algorithm": "MD5"}
    if "auth" in qops:
        cnonce, count = os.urandom(8).hex(), "00000001"
        items.update(qop="auth", nc=count, cnonce=cnonce,
                     response=_md5(f"{first}:{nonce}:{count}:{cnonce}:auth:{second}"))
    else:
        items["response"] = _md5(f"{first}:{nonce}:{second}")
    if "opaque" in fields:
        items["opaque"] = fields["opaque"]
    unquoted = {"qop", "nc", "algorithm"}
    return "Digest " + ", ".join(f"{key}={value}" if key in unquoted else f'{key}="{value}"'
                                 for key, value in items.items())
