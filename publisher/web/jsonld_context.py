"""The JSON-LD context the release wrote (``context.jsonld``), read once per release, and our
RDF compacted with it; on another host than the base URI both are rebased onto that host,
as every link is. The web never builds the context: a release without one gets expanded
JSON-LD, as before there was one."""
from __future__ import annotations

import json
import os
from typing import Any, Iterable

import pyoxigraph as ox

from publisher.jsonld import Compactor, rebase_context
from publisher.vocab import JSONLD_CONTEXT_FILE, jsonld_context
from publisher.web.context import here, publisher, settings

#: A context file larger than this is not ours: it is not read.
MAX_CONTEXT_BYTES = 1 << 20


def release_context() -> dict[str, Any] | None:
    """The release's context document, or None when it has none (or an unreadable one)."""
    folder = publisher().release_dir()
    if folder is None:
        return None
    path = folder / JSONLD_CONTEXT_FILE
    try:
        stat = os.stat(path)
    except OSError:
        return None
    signature = f"{folder}:{stat.st_mtime_ns}:{stat.st_size}"

    def read() -> dict[str, Any] | None:
        if stat.st_size > MAX_CONTEXT_BYTES:
            return None
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        ok = isinstance(document, dict) and isinstance(document.get("@context"), dict)
        return document if ok else None

    return publisher().cached("jsonld-context", signature, read)


def context_here() -> dict[str, Any] | None:
    """The context as this request publishes it (rebased when links are rewritten)."""
    document = release_context()
    rewrite = here().rewrite
    if document is None or rewrite is None:
        return document
    return rebase_context(document, *rewrite)


def context_url() -> str:
    """Where this request's JSON-LD finds its context: ``{base}context.jsonld`` as links go."""
    return here().local(jsonld_context(settings().base_uri))


def compacted(triples: Iterable[ox.Triple], main: str | None = None) -> bytes | None:
    """Triples as our compacted JSON-LD document (the node of ``main`` first), or None when
    the release has no context."""
    document = context_here()
    if document is None:
        return None
    return Compactor(document["@context"]).document(triples, context_url(), main)
