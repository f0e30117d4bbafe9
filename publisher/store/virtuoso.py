"""Virtuoso's results made standard before anything reads them.

Virtuoso open source (7.2) answers a few things its own way: an ASK as a one-row table of
``__ASK_RETVAL`` (1 or 0) in every results format, blank nodes as ``nodeID://b10007`` (not a
blank node label a results parser accepts), TSV with IRIs written as strings, and a default
graph and ``GRAPH ?g`` that range over its own system graphs. The remote store asks it for
JSON only, mends the JSON here, and names the dataset of every query
(:mod:`publisher.store.switch`); the answers then read as every other store's.
"""
from __future__ import annotations

import json
import re
from typing import Any

_ASK = "__ASK_RETVAL"
_BAD_LABEL = re.compile(r"[^A-Za-z0-9_]")


def _label(value: str) -> str:
    """A blank node label a results parser accepts, the same for the same node."""
    if value.startswith("nodeID://"):
        value = value[len("nodeID://"):]
    label = _BAD_LABEL.sub("_", value)
    return label if label[:1].isalpha() else "b" + label


def mend_json(body: bytes, form: str | None) -> bytes:
    """A SPARQL JSON results document of Virtuoso's as the standard says it: an ASK's
    boolean, blank node labels a parser accepts. Other documents pass unchanged."""
    if form != "ASK" and b'"bnode"' not in body:
        return body
    document: dict[str, Any] = json.loads(body)
    if form == "ASK":
        rows = document.get("results", {}).get("bindings", [])
        if "boolean" in document:
            return body
        value = rows[0].get(_ASK, {}).get("value") if rows else None
        return json.dumps({"head": {}, "boolean": value not in (None, "0", "false")}).encode()
    for row in document.get("results", {}).get("bindings", []):
        for term in row.values():
            if isinstance(term, dict) and term.get("type") == "bnode":
                term["value"] = _label(str(term.get("value", "")))
    return json.dumps(document, ensure_ascii=False).encode("utf-8")

