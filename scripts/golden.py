#!/usr/bin/env python3
"""Golden set: the web answers and the release files of the publisher, recorded from one
version of the code so that a later version can be shown to behave the same.

Why: the serving path and the package layout are about to change. Before that, record what
the current code answers to a fixed, deterministic list of several hundred HTTP requests
(every route, format, language, error and refusal) and keep the files of a release build;
afterwards record again from the new code and compare.

Usage::

    python scripts/golden.py record --code CHECKOUT --release RELEASE_DIR --out OUT_DIR
                                    [--port P] [--plan OLD_OUT/plan.json] [--workers N]
    python scripts/golden.py compare OLD_OUT NEW_OUT [--max-diffs N] [--strict]
    python scripts/golden.py dumps OLD_RELEASE NEW_RELEASE

``record`` starts ``publisher serve`` of CHECKOUT (its ``.venv/bin/publisher`` when it has
one, else this Python with ``PYTHONPATH=CHECKOUT``) on 127.0.0.1 with a private, fresh store
folder (``PUBLISHER_DATA_DIR=OUT_DIR/store``), the checkout's own ``publisher.toml``
(``PUBLISHER_CONFIG``) and no other ``PUBLISHER_*`` variable, waits for ``/health``, sends the
requests one by one (a new connection each, a timeout each), stops the server (its whole
process group, also on error) and writes ``OUT_DIR/answers.jsonl`` (one JSON object per
request: index, id, request, status, headers, body as text or base64 with its sha256),
``OUT_DIR/plan.json`` (the keys, terms, filters and files it found by asking the server
first) and ``OUT_DIR/server.log``. Pass ``--plan OLD_OUT/plan.json`` when recording new code
so that both recordings send exactly the same requests even if discovery answers changed.

Requests carry a fixed ``Host`` (``golden.test``, a host other than the base URI's, so links
are rewritten) or the base URI's own host (read from the release's ``release.json``; no
rewriting, and the plain SPARQL GET fast path) — never the real port, so recordings made on
different ports are comparable. Recorded headers: all but ``Date``, ``Server``,
``Connection`` and ``Keep-Alive``, which belong to the HTTP server, not to the app (the
reason phrase is recorded but not compared, for the same reason).

What ``compare`` normalises — only what differed between two recordings of the same code on
the same release (base1 vs base2), or between two checkouts of the same commit:

* ``/health``: nothing. Its body (store kind, release version, status, release files) has
  no pid and no timing and was identical in every run.
* ``Allow`` (405 answers, automatic OPTIONS): the methods are compared as a set; werkzeug
  lists them in set order, which follows Python's per-process string hash seed.
* ``Expires`` (release files, ``send_file`` with a max-age): the clock time of the request
  plus the max-age; masked (its presence is compared, and ``Cache-Control`` still is).
* Blank nodes: pyoxigraph gives the blank nodes of ``catalog.ttl``/``void.ttl`` new random
  labels each time it parses them (``/catalog``, ``/void``, ``/dataset…``), rdflib does the
  same for validation reports. A body that differs is compared again with its blank node
  labels (``_:x``, ``rdf:nodeID="x"``) renumbered in order of first appearance; an RDF body
  (Turtle, N-Triples, JSON-LD, RDF/XML) with blank nodes that still differs is compared as a
  canonical graph (rdflib.compare). ``Content-Length`` of such a body is then only checked
  against the body's own length, since random labels differ in length.
* RDF answers of ``/shapes/<profile>…`` and ``/validate``: rdflib writes them in an order
  that follows the hash seed, so they are compared as canonical graphs (``ORDER_VARIES``).
* ETag and Last-Modified of ``/static/…`` files and the ETag of ``/shapes``,
  ``/shapes.<ext>`` and ``/shapes/<profile>…`` come from modification times of files in the
  checkout (werkzeug's static ETag; ``_shapes_stamp()`` over ``shapes/``): equal for two runs
  of one checkout, different for a fresh checkout of the same commit. Masked (presence still
  compared) unless ``--strict``.
* The ``If-None-Match``/``If-Range`` value a conditional request sends is the ETag received
  just before, so requests are paired with it masked (the answers are compared as usual).
* ``elapsed_ms`` is recorded for information and never compared.

Everything else — status, every other recorded header, every other body — must be equal
byte for byte. The summary says how many bodies were equal only after normalising.

What ``dumps`` ignores: see the docstring of :func:`compare_releases`.

Exit status: 0 same, 1 differences, 2 bad usage or a recording that failed.
"""
from __future__ import annotations

import argparse
import base64
import difflib
import gzip
import hashlib
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

REQUEST_TIMEOUT = 60.0          # seconds, per request
START_TIMEOUT = 120.0           # seconds until /health answers
STOP_TIMEOUT = 10.0
LOCAL_HOST = "golden.test"
TRANSPORT_HEADERS = {"date", "server", "connection", "keep-alive"}
BOUNDARY = "golden-boundary-5f1c0a"


# --------------------------------------------------------------------------- requests


@dataclass
class Req:
    """One request of the golden list. `host` None means LOCAL_HOST, "base" the base URI's
    host, "" no Host header at all. `etag_from` names an earlier request whose ETag is sent
    as If-None-Match (or If-Range with `if_range`)."""

    id: str
    path: str
    method: str = "GET"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    host: str | None = None
    etag_from: str | None = None
    if_range: bool = False


def q(params: Iterable[tuple[str, str]]) -> str:
    return urllib.parse.urlencode(list(params), quote_via=urllib.parse.quote)


def pick(values: list[str], count: int = 3) -> list[str]:
    """First, middle and last of a sorted list (deterministic, without repeats)."""
    values = sorted(set(values))
    if len(values) <= count:
        return values
    if count == 1:
        return values[:1]
    chosen = [values[round(i * (len(values) - 1) / (count - 1))] for i in range(count)]
    return list(dict.fromkeys(chosen))


def prefixes(base: str) -> str:
    return (f"PREFIX kd: <{base}def/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")


def discovery_requests(base: str) -> list[Req]:
    """Requests whose answers tell which keys, terms, filters and files exist."""
    subjects = (f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && '
                f'STRSTARTS(STR(?s), "{base}id/") && !CONTAINS(STR(?s), "#")) }} ORDER BY ?s')
    terms = (f'SELECT DISTINCT ?s WHERE {{ GRAPH <{base}graph/ontology> {{ ?s ?p ?o }} '
             f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}def/")) }} ORDER BY ?s')
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    csv = [("Accept", "text/csv")]
    return [
        Req("discover-health", "/health"),
        Req("discover-subjects", "/sparql?" + q([("query", subjects)]), headers=csv, host="base"),
        Req("discover-terms", "/sparql?" + q([("query", terms)]), headers=csv, host="base"),
        Req("discover-graphs", "/sparql?" + q([("query", graphs)]), headers=csv, host="base"),
        Req("discover-projects", "/projects.json", host="base"),
        Req("discover-dumps", "/dumps.json", host="base"),
        Req("discover-catalog", "/catalog.nt", host="base"),
        Req("discover-profiles", "/shapes", headers=[("Accept", "text/html")], host="base"),
    ]


def make_plan(base: str, answers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the discovery answers say exists, chosen deterministically."""
    def text(rid: str) -> str:
        answer = answers[rid]
        if answer.get("status") != 200:
            raise RecordError(f"discovery request {rid} answered {answer.get('status')}")
        return body_bytes(answer).decode("utf-8")

    def csv_column(rid: str) -> list[str]:
        return [line.strip() for line in text(rid).splitlines()[1:] if line.strip()]

    keys: dict[str, list[str]] = {}
    for iri in csv_column("discover-subjects"):
        rest = iri[len(base) + 3:] if iri.startswith(base + "id/") else ""
        kind, _, key = rest.partition("/")
        if kind and key:
            keys.setdefault(kind, []).append(key)
    terms = [iri[len(base) + 4:] for iri in csv_column("discover-terms")
             if iri.startswith(base + "def/") and len(iri) > len(base) + 4]
    graphs = [iri[len(base) + 6:] for iri in csv_column("discover-graphs")
              if iri.startswith(base + "graph/")]
    listing = json.loads(text("discover-projects"))
    filters = {name: pick([o["key"] for o in options], 2)
               for name, options in sorted(listing.get("options", {}).items())}
    dumps = json.loads(text("discover-dumps"))
    files = sorted(f["name"] for f in dumps.get("files", []))
    version = (dumps.get("release") or {}).get("version")
    datasets = sorted({m.group(1) for m in re.finditer(
        r"^<" + re.escape(base) + r"(dataset(?:/[^>#]*)?)>", text("discover-catalog"), re.M)})
    profiles = sorted(set(re.findall(r'id="profile-([A-Za-z0-9._-]+)"', text("discover-profiles"))))
    return {
        "base": base,
        "keys": {kind: pick(found) for kind, found in sorted(keys.items())},
        "terms": sorted(set(pick(terms, 3)
                            + [t for t in ("Project", "Municipality") if t in terms])),
        "graphs": graphs,
        "filters": filters,
        "files": files,
        "version": version,
        "datasets": pick(datasets, 3),
        "profiles": profiles,
    }


def build_requests(plan: dict[str, Any]) -> list[Req]:
    """The golden list after discovery: every route, format, language and refusal."""
    out: list[Req] = []
    add = out.append
    H = lambda *pairs: list(pairs)  # noqa: E731 - short header lists
    html_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    # ---- home and project list
    for label, headers, path in [
        ("plain", [], "/"),
        ("al-fi", H(("Accept-Language", "fi")), "/"),
        ("al-sv", H(("Accept-Language", "sv-FI,sv;q=0.9,en;q=0.5")), "/"),
        ("al-en", H(("Accept-Language", "en-GB,en;q=0.9")), "/"),
        ("al-de", H(("Accept-Language", "de")), "/"),
        ("lang-sv", [], "/?lang=sv"),
        ("lang-en", [], "/?lang=en"),
        ("lang-bad", [], "/?lang=xx"),
        ("browser", H(("Accept", html_accept)), "/"),
        ("accept-json", H(("Accept", "application/json")), "/"),
        ("406", H(("Accept", "image/png")), "/"),
        ("json", [], "/index.json"),
        ("json-en", [], "/index.json?lang=en"),
    ]:
        add(Req(f"home-{label}", path, headers=headers))
    add(Req("home-base-host", "/", host="base"))
    add(Req("home-head", "/", method="HEAD"))
    add(Req("home-304", "/", etag_from="home-plain"))
    add(Req("home-options", "/", method="OPTIONS"))
    add(Req("home-405-post", "/", method="POST", body=b"x=1",
            headers=H(("Content-Type", "application/x-www-form-urlencoded"))))

    add(Req("projects-plain", "/projects"))
    for lang in ("fi", "sv", "en"):
        add(Req(f"projects-lang-{lang}", f"/projects?lang={lang}"))
    add(Req("projects-al-sv", "/projects", headers=H(("Accept-Language", "sv"))))
    add(Req("projects-json", "/projects.json"))
    add(Req("projects-json-en", "/projects.json?lang=en"))
    add(Req("projects-accept-json", "/projects", headers=H(("Accept", "application/json"))))
    add(Req("projects-406", "/projects", headers=H(("Accept", "text/turtle"))))
    add(Req("projects-304", "/projects", etag_from="projects-plain"))
    for page in ("2", "4", "99"):
        add(Req(f"projects-page-{page}", f"/projects?page={page}"))
        add(Req(f"projects-json-page-{page}", f"/projects.json?page={page}"))
    for name, values in plan["filters"].items():
        for value in values:
            add(Req(f"projects-{name}-{value}", "/projects?" + q([(name, value)])))
            add(Req(f"projects-json-{name}-{value}", "/projects.json?" + q([(name, value)])))
    combined = [(n, v[0]) for n, v in plan["filters"].items() if v][:3]
    add(Req("projects-combined", "/projects?" + q(combined + [("lang", "en")])))
    add(Req("projects-json-combined", "/projects.json?" + q(combined)))
    add(Req("projects-unknown-key", "/projects?" + q([("municipality", "999")])))
    add(Req("projects-q", "/projects?" + q([("q", "digi")])))
    add(Req("projects-q-two-words", "/projects.json?" + q([("q", "Digi  PALVELU")])))
    add(Req("projects-q-none", "/projects?" + q([("q", "zzzzqqq")])))
    add(Req("projects-400-q-long", "/projects?" + q([("q", "a" * 101)])))
    add(Req("projects-400-filter", "/projects?" + q([("municipality", "bad value!")])))
    add(Req("projects-400-page0", "/projects?page=0"))
    add(Req("projects-400-page-text", "/projects.json?page=abc"))
    add(Req("projects-400-percent", "/projects?q=%ZZ"))
    add(Req("projects-405-delete", "/projects", method="DELETE"))

    # ---- /id and /doc for every type
    exts = ("html", "ttl", "jsonld", "rdf", "nt", "json")
    accepts = [("html", "text/html"), ("xhtml", "application/xhtml+xml"),
               ("json", "application/json"), ("turtle", "text/turtle"),
               ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml"),
               ("ntriples", "application/n-triples"), ("n3", "text/n3"), ("any", "*/*"),
               ("qvalues", "application/rdf+xml;q=0.9, text/turtle;q=0.5"),
               ("browser", html_accept), ("406", "image/png")]
    for kind, keys in plan["keys"].items():
        for number, key in enumerate(keys):
            doc = f"/doc/{kind}/{key}"
            rid = f"doc-{kind}-{key}"
            add(Req(f"id-{kind}-{key}", f"/id/{kind}/{key}"))
            for ext in exts:
                add(Req(f"{rid}.{ext}", f"{doc}.{ext}"))
            for lang in ("fi", "sv", "en"):
                add(Req(f"{rid}.html-lang-{lang}", f"{doc}.html?lang={lang}"))
            for lang in ("sv", "en"):
                add(Req(f"{rid}.json-lang-{lang}", f"{doc}.json?lang={lang}"))
            if number:
                continue
            add(Req(f"id-{kind}-{key}-lang", f"/id/{kind}/{key}?lang=sv"))
            add(Req(f"id-{kind}-{key}-accept", f"/id/{kind}/{key}",
                    headers=H(("Accept", "text/turtle"))))
            add(Req(f"{rid}-plain", doc))
            for label, accept in accepts:
                add(Req(f"{rid}-accept-{label}", doc, headers=H(("Accept", accept))))
            for label, value in (("sv", "sv"), ("en", "en-GB,en;q=0.9"), ("de", "de")):
                add(Req(f"{rid}-al-{label}", doc, headers=H(("Accept-Language", value))))
            add(Req(f"{rid}.json-al-en", f"{doc}.json", headers=H(("Accept-Language", "en"))))
            add(Req(f"{rid}.ttl-head", f"{doc}.ttl", method="HEAD"))
            add(Req(f"{rid}.html-304", f"{doc}.html", etag_from=f"{rid}.html"))
            add(Req(f"{rid}-304-negotiated", doc, etag_from=f"{rid}-plain"))
            add(Req(f"{rid}.html-base-host", f"{doc}.html", host="base"))
            add(Req(f"{rid}.ttl-base-host", f"{doc}.ttl", host="base"))
            add(Req(f"{rid}-options", doc, method="OPTIONS"))
    first_project = (plan["keys"].get("project") or ["x"])[0]
    add(Req("doc-404-key", "/doc/project/no-such-project-golden"))
    add(Req("doc-404-key-json", "/doc/project/no-such-project-golden",
            headers=H(("Accept", "application/json"))))
    add(Req("doc-404-key-html", "/doc/project/no-such-project-golden.html",
            headers=H(("Accept", "text/html"))))
    add(Req("doc-404-kind", "/doc/no-such-kind/x"))
    add(Req("doc-404-chars", "/doc/project/bad%20key"))
    add(Req("doc-404-ext", f"/doc/project/{first_project}.xyz"))
    add(Req("doc-400-utf8", "/doc/project/%C3%28"))
    add(Req("doc-400-percent", "/doc/project/%ZZ"))
    add(Req("doc-405-post", f"/doc/project/{first_project}", method="POST", body=b"",
            headers=H(("Content-Type", "text/turtle"))))
    add(Req("doc-405-delete", f"/doc/project/{first_project}", method="DELETE"))
    add(Req("id-unknown", "/id/project/no-such-project-golden"))

    # ---- metadata resources: dataset, distributions, named graphs
    for name in plan["datasets"]:
        for suffix in ("", ".ttl", ".json"):
            add(Req(f"meta-{name}{suffix}", f"/{name}{suffix}"))
        add(Req(f"meta-{name}-accept-turtle", f"/{name}", headers=H(("Accept", "text/turtle"))))
    add(Req("meta-dataset-bare", "/dataset"))
    add(Req("meta-dataset-bare.ttl", "/dataset.ttl"))
    add(Req("meta-dataset-404", "/dataset/no-such-distribution"))
    for graph in plan["graphs"]:
        add(Req(f"graph-{graph}.html", f"/graph/{graph}.html"))
        add(Req(f"graph-{graph}.nt", f"/graph/{graph}.nt"))
    if plan["graphs"]:
        graph = plan["graphs"][0]
        for ext in ("json", "ttl", "jsonld", "rdf"):
            add(Req(f"graph-{graph}.{ext}", f"/graph/{graph}.{ext}"))
        add(Req(f"graph-{graph}-accept-turtle", f"/graph/{graph}",
                headers=H(("Accept", "text/turtle"))))
    add(Req("graph-404", "/graph/no-such-graph"))

    # ---- vocabulary
    add(Req("def-redirect", "/def"))
    add(Req("def-index", "/def/"))
    for lang in ("sv", "en"):
        add(Req(f"def-index-lang-{lang}", f"/def/?lang={lang}"))
    add(Req("def-index-accept-json", "/def/", headers=H(("Accept", "application/json"))))
    add(Req("def-index-accept-turtle", "/def/", headers=H(("Accept", "text/turtle"))))
    add(Req("ontology-plain", "/ontology"))
    for ext in exts:
        add(Req(f"ontology.{ext}", f"/ontology.{ext}"))
    for label, accept in accepts:
        add(Req(f"ontology-accept-{label}", "/ontology", headers=H(("Accept", accept))))
    add(Req("ontology.html-lang-en", "/ontology.html?lang=en"))
    add(Req("ontology.json-lang-sv", "/ontology.json?lang=sv"))
    add(Req("ontology-404-ext", "/ontology.xyz"))
    add(Req("ontology-304", "/ontology.ttl", etag_from="ontology.ttl"))
    for term in plan["terms"]:
        for ext in ("", ".html", ".ttl", ".json"):
            add(Req(f"def-{term}{ext}", f"/def/{term}{ext}"))
    if plan["terms"]:
        term = plan["terms"][0]
        for ext in ("jsonld", "rdf", "nt"):
            add(Req(f"def-{term}.{ext}", f"/def/{term}.{ext}"))
        for label in ("turtle", "jsonld", "406"):
            accept = dict(accepts)[label]
            add(Req(f"def-{term}-accept-{label}", f"/def/{term}", headers=H(("Accept", accept))))
        for lang in ("sv", "en"):
            add(Req(f"def-{term}.html-lang-{lang}", f"/def/{term}.html?lang={lang}"))
    add(Req("def-404", "/def/NoSuchTermGolden"))
    add(Req("def-404-chars", "/def/bad$term"))

    # ---- catalogue, VoID, shapes
    for area in ("catalog", "void"):
        add(Req(f"{area}-plain", f"/{area}"))
        for ext in ("ttl", "jsonld", "rdf", "nt", "html"):
            add(Req(f"{area}.{ext}", f"/{area}.{ext}"))
        for label in ("html", "turtle", "json", "jsonld", "rdfxml", "ntriples", "any", "406"):
            accept = dict(accepts)[label]
            add(Req(f"{area}-accept-{label}", f"/{area}", headers=H(("Accept", accept))))
        add(Req(f"{area}.html-lang-en", f"/{area}.html?lang=en"))
        add(Req(f"{area}-404-ext", f"/{area}.xyz"))
        add(Req(f"{area}-304", f"/{area}", etag_from=f"{area}-plain"))
        add(Req(f"{area}-base-host", f"/{area}.ttl", host="base"))
    add(Req("well-known-void", "/.well-known/void"))
    add(Req("well-known-void-accept-jsonld", "/.well-known/void",
            headers=H(("Accept", "application/ld+json"))))
    add(Req("shapes-plain", "/shapes"))
    add(Req("shapes-accept-html", "/shapes", headers=H(("Accept", "text/html"))))
    for lang in ("sv", "en"):
        add(Req(f"shapes-lang-{lang}", f"/shapes?lang={lang}", headers=H(("Accept", "text/html"))))
    for ext in ("html", "ttl", "jsonld", "rdf", "nt"):
        add(Req(f"shapes.{ext}", f"/shapes.{ext}"))
    add(Req("shapes-accept-406", "/shapes", headers=H(("Accept", "image/png"))))
    add(Req("shapes-304", "/shapes", etag_from="shapes-accept-html",
            headers=H(("Accept", "text/html"))))
    for profile in plan["profiles"]:
        for ext in ("ttl", "nt", "jsonld", "rdf", "html"):
            add(Req(f"shapes-{profile}.{ext}", f"/shapes/{profile}.{ext}"))
        add(Req(f"shapes-{profile}-plain", f"/shapes/{profile}"))
        add(Req(f"shapes-{profile}-accept-html", f"/shapes/{profile}",
                headers=H(("Accept", "text/html"))))
    add(Req("shapes-404", "/shapes/no-such-profile.ttl"))

    # ---- dumps
    version = plan.get("version") or "none"
    add(Req("dumps-redirect", "/dumps"))
    add(Req("dumps-listing", "/dumps/"))
    add(Req("dumps-listing-lang-en", "/dumps/?lang=en"))
    add(Req("dumps-listing-accept-json", "/dumps/", headers=H(("Accept", "application/json"))))
    add(Req("dumps-listing-406", "/dumps/", headers=H(("Accept", "text/turtle"))))
    add(Req("dumps-json", "/dumps.json"))
    add(Req("dumps-listing-304", "/dumps/", etag_from="dumps-listing"))
    add(Req("dumps-version-listing", f"/dumps/{version}/"))
    add(Req("dumps-version-listing-json", f"/dumps/{version}/",
            headers=H(("Accept", "application/json"))))
    add(Req("dumps-version-404", "/dumps/no-such-version/"))
    for name in plan["files"]:
        add(Req(f"dumps-file-{name}", f"/dumps/{name}"))
    add(Req("dumps-version-file", f"/dumps/{version}/release.json"))
    add(Req("dumps-version-file-404", f"/dumps/{version}/no-such-file"))
    add(Req("dumps-file-404", "/dumps/no-such-file.ttl"))
    add(Req("dumps-file-head", "/dumps/data.ttl", method="HEAD"))
    add(Req("dumps-file-304", "/dumps/data.ttl", etag_from="dumps-file-data.ttl"))
    for label, value in (("first-100", "bytes=0-99"), ("second-100", "bytes=100-199"),
                         ("suffix", "bytes=-64"), ("open", "bytes=1397000-"),
                         ("one-byte", "bytes=0-0"), ("multi", "bytes=0-9,20-29"),
                         ("unsatisfiable", "bytes=999999999-"), ("bad-unit", "lines=0-9"),
                         ("malformed", "bytes=abc")):
        add(Req(f"dumps-range-{label}", "/dumps/data.ttl", headers=H(("Range", value))))
    add(Req("dumps-range-gz", "/dumps/data.nt.gz", headers=H(("Range", "bytes=0-31"))))
    add(Req("dumps-range-version", f"/dumps/{version}/void.ttl",
            headers=H(("Range", "bytes=0-199"))))
    add(Req("dumps-if-range-match", "/dumps/data.ttl", headers=H(("Range", "bytes=0-49")),
            etag_from="dumps-file-data.ttl", if_range=True))
    add(Req("dumps-if-range-stale", "/dumps/data.ttl",
            headers=H(("Range", "bytes=0-49"), ("If-Range", '"stale-etag"'))))
    add(Req("dumps-405-post", "/dumps/data.ttl", method="POST", body=b"x",
            headers=H(("Content-Type", "text/plain"))))

    # ---- crawlers, health, static
    add(Req("sitemap", "/sitemap.xml"))
    add(Req("sitemap-base-host", "/sitemap.xml", host="base"))
    add(Req("sitemap-304", "/sitemap.xml", etag_from="sitemap"))
    add(Req("robots", "/robots.txt"))
    add(Req("health", "/health"))
    add(Req("health-head", "/health", method="HEAD"))
    add(Req("health-accept-html", "/health", headers=H(("Accept", "text/html"))))
    add(Req("favicon", "/favicon.ico"))
    add(Req("static-css", "/static/style.css"))
    add(Req("static-404", "/static/no-such-file.css"))
    add(Req("not-found", "/no-such-page"))
    add(Req("not-found-json", "/no-such-page", headers=H(("Accept", "application/json"))))
    add(Req("not-found-html", "/no-such-page", headers=H(("Accept", "text/html"))))
    add(Req("not-found-lang-sv", "/no-such-page?lang=sv", headers=H(("Accept", "text/html"))))
    add(Req("not-found-plain", "/no-such-page", headers=H(("Accept", "text/plain"))))

    out += sparql_requests(plan)
    out += validate_requests(plan)

    # ---- malformed requests
    add(Req("host-missing", "/health", host=""))
    add(Req("host-invalid", "/health", host="bad host!"))
    add(Req("accept-too-long", "/doc/project/" + first_project,
            headers=H(("Accept", "text/html;q=0.5, " * 300 + "text/turtle"))))
    add(Req("accept-language-too-long", "/",
            headers=H(("Accept-Language", "sv;q=0.5, " * 150 + "en"))))
    add(Req("uri-414", "/projects?" + q([("q", "a" * 9000)])))
    add(Req("path-414", "/doc/project/" + "a" * 9000))
    return out


def sparql_requests(plan: dict[str, Any]) -> list[Req]:
    base = plan["base"]
    pre = prefixes(base)
    project = (plan["keys"].get("project") or ["x"])[0]
    select = pre + ("SELECT ?project ?title WHERE { ?project a kd:Project ; dcterms:title ?title }"
                    " ORDER BY ?project ?title LIMIT 12")
    ask_true = pre + "ASK { ?p a kd:Project }"
    ask_false = pre + "ASK { ?p a kd:NoSuchClass }"
    construct = pre + ("CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a kd:Project ; "
                       "dcterms:title ?t } ORDER BY ?p ?t LIMIT 12")
    describe = f"DESCRIBE <{base}id/project/{project}>"
    out: list[Req] = []
    add = out.append

    def get(rid: str, query: str, accept: str | None = None, extra=(), host=None,
            method: str = "GET") -> None:
        headers = [("Accept", accept)] if accept else []
        add(Req(rid, "/sparql?" + q([("query", query), *extra]), headers=headers, host=host,
                method=method))

    # service description and editor
    add(Req("sparql-sd-plain", "/sparql"))
    for label, accept in (("html", "text/html"), ("turtle", "text/turtle"),
                          ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml"),
                          ("ntriples", "application/n-triples"), ("json", "application/json"),
                          ("any", "*/*"), ("406", "image/png")):
        add(Req(f"sparql-sd-{label}", "/sparql", headers=[("Accept", accept)]))
    add(Req("sparql-sd-html-lang-en", "/sparql?lang=en", headers=[("Accept", "text/html")]))
    add(Req("sparql-sd-html-al-sv", "/sparql", headers=[("Accept", "text/html"),
                                                        ("Accept-Language", "sv")]))
    add(Req("sparql-sd-slash", "/sparql/", headers=[("Accept", "text/turtle")]))
    add(Req("sparql-sd-base-host", "/sparql", headers=[("Accept", "text/turtle")], host="base"))
    add(Req("sparql-sd-304", "/sparql", headers=[("Accept", "text/turtle")],
            etag_from="sparql-sd-turtle"))

    solutions = [("srj", "application/sparql-results+json"),
                 ("srx", "application/sparql-results+xml"), ("csv", "text/csv"),
                 ("tsv", "text/tab-separated-values"), ("json", "application/json"),
                 ("xml", "application/xml"), ("textxml", "text/xml"), ("any", "*/*"),
                 ("qvalues", "text/csv;q=0.5, application/sparql-results+xml;q=0.9"),
                 ("406-turtle", "text/turtle"), ("406", "image/png")]
    add(Req("sparql-select-no-accept", "/sparql?" + q([("query", select)])))
    for label, accept in solutions:
        get(f"sparql-select-accept-{label}", select, accept)
    for name in ("json", "xml", "csv", "tsv", "srj", "srx", "text/csv", "bogus"):
        get(f"sparql-select-format-{name}", select, extra=[("format", name)])
    get("sparql-select-output-xml", select, extra=[("output", "xml")])
    get("sparql-select-format-beats-accept", select, "text/csv", extra=[("format", "json")])
    for label, accept in solutions[:4] + [("406", "image/png")]:
        get(f"sparql-ask-true-accept-{label}", ask_true, accept)
    get("sparql-ask-false-json", ask_false, "application/sparql-results+json")
    for name in ("json", "xml", "csv", "tsv"):
        get(f"sparql-ask-format-{name}", ask_false, extra=[("format", name)])
    graphs = [("turtle", "text/turtle"), ("ntriples", "application/n-triples"),
              ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml"),
              ("x-turtle", "application/x-turtle"), ("n3", "text/n3"), ("plain", "text/plain"),
              ("json", "application/json"), ("xml", "application/xml"), ("textxml", "text/xml"),
              ("any", "*/*"), ("406-csv", "text/csv")]
    add(Req("sparql-construct-no-accept", "/sparql?" + q([("query", construct)])))
    for label, accept in graphs:
        get(f"sparql-construct-accept-{label}", construct, accept)
    for name in ("turtle", "ttl", "ntriples", "nt", "jsonld", "json-ld", "rdfxml", "xml",
                 "csv"):
        get(f"sparql-construct-format-{name}", construct, extra=[("format", name)])
    for label, accept in graphs[:4]:
        get(f"sparql-describe-accept-{label}", describe, accept)
    for name in ("nt", "turtle", "jsonld", "rdfxml"):
        get(f"sparql-describe-format-{name}", describe, extra=[("format", name)])

    # datasets, relative IRIs, rewritten IRIs, truncation, limits
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    per_graph = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                 "GROUP BY ?g ORDER BY ?g")
    graph_names = plan["graphs"]
    if graph_names:
        get("sparql-default-graph-uri", count, "text/csv",
            extra=[("default-graph-uri", f"{base}graph/{graph_names[-1]}")])
        get("sparql-default-graph-uri-local", count, "text/csv",
            extra=[("default-graph-uri", f"http://{LOCAL_HOST}/graph/{graph_names[-1]}")])
        get("sparql-named-graph-uri", per_graph, "text/csv",
            extra=[("named-graph-uri", f"{base}graph/{g}") for g in graph_names[:2]])
    get("sparql-default-graph-uri-400", count, "text/csv",
        extra=[("default-graph-uri", "not an iri")])
    get("sparql-count-all", count, "text/csv")
    get("sparql-per-graph", per_graph, "application/sparql-results+json")
    get("sparql-relative-iri", f"SELECT ?p ?o WHERE {{ <id/project/{project}> ?p ?o }} "
        "ORDER BY ?p ?o LIMIT 5", "text/csv")
    get("sparql-local-iri", f"SELECT ?p ?o WHERE {{ <http://{LOCAL_HOST}/id/project/{project}> "
        "?p ?o } ORDER BY ?p ?o LIMIT 5", "text/csv")
    get("sparql-truncated-select", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o "
        "LIMIT 10005", "text/tab-separated-values")
    get("sparql-truncated-construct", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } "
        "ORDER BY ?s ?p ?o LIMIT 10005", "application/n-triples")
    get("sparql-limits-deep-groups", "SELECT * WHERE " + "{" * 80 + " ?s ?p ?o " + "}" * 80
        + " LIMIT 1", "text/csv")
    add(Req("sparql-limits-many-unions", "/sparql", method="POST",
            body=("SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 1100)
                  + " } LIMIT 1").encode(),
            headers=[("Content-Type", "application/sparql-query"), ("Accept", "text/csv")]))

    # the plain GET fast path (base URI host, one parameter)
    get("sparql-fast-select-json", select, "application/sparql-results+json", host="base")
    get("sparql-fast-select-csv", select, "text/csv", host="base")
    get("sparql-fast-select-no-accept", select, host="base")
    get("sparql-fast-ask-xml", ask_true, "application/sparql-results+xml", host="base")
    get("sparql-fast-construct-turtle", construct, "text/turtle", host="base")
    get("sparql-fast-describe-jsonld", describe, "application/ld+json", host="base")
    get("sparql-fast-syntax-error", "SELECT * WHERE { ?s ?p }", "text/csv", host="base")
    get("sparql-fast-update-403", "INSERT DATA { <a:b> <a:c> <a:d> }", host="base")
    get("sparql-fast-406", select, "image/png", host="base")
    add(Req("sparql-fast-304", "/sparql?" + q([("query", select)]), host="base",
            headers=[("Accept", "text/csv")], etag_from="sparql-fast-select-csv"))
    get("sparql-head", select, "text/csv", method="HEAD")
    add(Req("sparql-304", "/sparql?" + q([("query", select)]), headers=[("Accept", "text/csv")],
            etag_from="sparql-select-accept-csv"))

    # POST
    form = [("Content-Type", "application/x-www-form-urlencoded")]
    add(Req("sparql-post-form", "/sparql", method="POST", body=q([("query", select)]).encode(),
            headers=form + [("Accept", "application/sparql-results+json")]))
    add(Req("sparql-post-form-format", "/sparql", method="POST",
            body=q([("query", select), ("format", "csv")]).encode(), headers=form))
    add(Req("sparql-post-form-construct", "/sparql", method="POST",
            body=q([("query", construct)]).encode(), headers=form + [("Accept", "text/turtle")]))
    add(Req("sparql-post-form-dataset", "/sparql?" + q([("default-graph-uri",
                                                          f"{base}graph/{graph_names[0]}")])
            if graph_names else "/sparql", method="POST", body=q([("query", count)]).encode(),
            headers=form + [("Accept", "text/csv")]))
    add(Req("sparql-post-query", "/sparql", method="POST", body=select.encode(),
            headers=[("Content-Type", "application/sparql-query"),
                     ("Accept", "application/sparql-results+xml")]))
    add(Req("sparql-post-query-charset", "/sparql", method="POST", body=ask_true.encode(),
            headers=[("Content-Type", "application/sparql-query; charset=UTF-8"),
                     ("Accept", "application/sparql-results+json")]))
    add(Req("sparql-post-query-describe", "/sparql", method="POST", body=describe.encode(),
            headers=[("Content-Type", "application/sparql-query"), ("Accept", "text/turtle")]))
    add(Req("sparql-post-chunked", "/sparql", method="POST", body=ask_true.encode(),
            headers=[("Content-Type", "application/sparql-query"), ("Accept", "text/csv"),
                     ("Transfer-Encoding", "chunked")]))
    add(Req("sparql-post-400-both", "/sparql?" + q([("query", ask_true)]), method="POST",
            body=ask_true.encode(), headers=[("Content-Type", "application/sparql-query")]))
    add(Req("sparql-post-400-no-type", "/sparql", method="POST", body=ask_true.encode()))
    add(Req("sparql-post-400-text-plain", "/sparql", method="POST", body=ask_true.encode(),
            headers=[("Content-Type", "text/plain")]))
    add(Req("sparql-post-400-charset", "/sparql", method="POST", body=ask_true.encode(),
            headers=[("Content-Type", "application/sparql-query; charset=latin-1")]))
    add(Req("sparql-post-400-no-query", "/sparql", method="POST", body=b"format=json",
            headers=form))
    add(Req("sparql-post-400-two-queries", "/sparql", method="POST",
            body=q([("query", ask_true), ("query", ask_false)]).encode(), headers=form))
    add(Req("sparql-post-400-utf8", "/sparql", method="POST", body=b"query=%FF%FE", headers=form))
    add(Req("sparql-post-400-utf8-body", "/sparql", method="POST", body=b"ASK { \xff }",
            headers=[("Content-Type", "application/sparql-query")]))
    add(Req("sparql-post-403-update-type", "/sparql", method="POST",
            body=b"INSERT DATA { <a:b> <a:c> <a:d> }",
            headers=[("Content-Type", "application/sparql-update")]))
    add(Req("sparql-post-403-update-param", "/sparql", method="POST",
            body=q([("update", "INSERT DATA { <a:b> <a:c> <a:d> }")]).encode(), headers=form))
    add(Req("sparql-post-403-update-in-query", "/sparql", method="POST",
            body=b"DELETE WHERE { ?s ?p ?o }",
            headers=[("Content-Type", "application/sparql-query")]))
    big = b"query=" + b"a" * (1024 * 1024)
    add(Req("sparql-post-413", "/sparql", method="POST", body=big, headers=form))
    add(Req("sparql-post-413-query", "/sparql", method="POST", body=b"#" * (1024 * 1024 + 1),
            headers=[("Content-Type", "application/sparql-query")]))

    # refusals on GET
    get("sparql-400-syntax", "SELECT * WHERE { ?s ?p }", "application/sparql-results+json")
    get("sparql-400-syntax-text", "SELEC nothing", "text/plain")
    get("sparql-400-empty", "   ")
    add(Req("sparql-400-two-queries", "/sparql?" + q([("query", ask_true), ("query", ask_false)])))
    add(Req("sparql-400-percent", "/sparql?query=%ZZ"))
    add(Req("sparql-400-utf8", "/sparql?query=%C3%28"))
    get("sparql-403-insert", "INSERT DATA { <a:b> <a:c> <a:d> }")
    get("sparql-403-insert-json", "INSERT DATA { <a:b> <a:c> <a:d> }", "application/json")
    add(Req("sparql-403-update-param", "/sparql?" + q([("update", "CLEAR ALL")])))
    get("sparql-403-service", "SELECT * WHERE { SERVICE <http://example.org/sparql> "
        "{ ?s ?p ?o } } LIMIT 1")
    get("sparql-403-service-json", "SELECT * WHERE { SERVICE <http://example.org/sparql> "
        "{ ?s ?p ?o } } LIMIT 1", "application/json")
    add(Req("sparql-414", "/sparql?" + q([("query", "ASK {} #" + "a" * 9000)])))
    add(Req("sparql-405-put", "/sparql", method="PUT", body=b"x",
            headers=[("Content-Type", "text/plain")]))
    add(Req("sparql-405-delete", "/sparql", method="DELETE"))
    add(Req("sparql-options", "/sparql", method="OPTIONS"))
    add(Req("sparql-options-preflight", "/sparql", method="OPTIONS",
            headers=[("Origin", "https://example.org"),
                     ("Access-Control-Request-Method", "POST"),
                     ("Access-Control-Request-Headers", "content-type, accept")]))
    add(Req("sparql-cors-get", "/sparql?" + q([("query", ask_true)]),
            headers=[("Origin", "https://example.org"), ("Accept", "application/json")]))
    return out


def validate_requests(plan: dict[str, Any]) -> list[Req]:
    base = plan["base"]
    project = (plan["keys"].get("project") or ["x"])[0]
    turtle = (f"@prefix kd: <{base}def/> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
              f"<{base}id/project/golden-example> a kd:Project ;\n"
              '    dcterms:title "Esimerkkihanke"@fi .\n').encode()
    broken = b"@prefix kd: <x:> .\n<a:b> kd:c .\n"
    out: list[Req] = []
    add = out.append
    ttl = [("Content-Type", "text/turtle")]
    add(Req("validate-form", "/validate"))
    for lang in ("sv", "en"):
        add(Req(f"validate-form-lang-{lang}", f"/validate?lang={lang}"))
    add(Req("validate-form-al-en", "/validate", headers=[("Accept-Language", "en")]))
    add(Req("validate-form-304", "/validate", etag_from="validate-form"))
    for label, accept in (("html", "text/html"), ("json", "application/json"),
                          ("turtle", "text/turtle"), ("jsonld", "application/ld+json"),
                          ("406", "image/png")):
        add(Req(f"validate-post-turtle-{label}", "/validate", method="POST", body=turtle,
                headers=ttl + [("Accept", accept)]))
    add(Req("validate-post-turtle-format-json", "/validate?format=json&lang=sv", method="POST",
            body=turtle, headers=ttl))
    add(Req("validate-post-turtle-vocabulary", "/validate?format=json&profile=vocabulary",
            method="POST", body=turtle, headers=ttl))
    add(Req("validate-post-turtle-lang-en-html", "/validate?lang=en", method="POST", body=turtle,
            headers=ttl + [("Accept", "text/html")]))
    add(Req("validate-post-400-syntax", "/validate?format=json", method="POST", body=broken,
            headers=ttl))
    add(Req("validate-post-400-profile", "/validate?format=json&profile=nope", method="POST",
            body=turtle, headers=ttl))
    add(Req("validate-post-415", "/validate", method="POST", body=b"\x89PNG",
            headers=[("Content-Type", "image/png")]))
    add(Req("validate-post-form", "/validate", method="POST",
            body=q([("data", turtle.decode()), ("format", "json"), ("lang", "en"),
                    ("profile", "kuntadigi")]).encode(),
            headers=[("Content-Type", "application/x-www-form-urlencoded")]))
    add(Req("validate-post-form-html", "/validate", method="POST",
            body=q([("data", turtle.decode()), ("input_format", "turtle")]).encode(),
            headers=[("Content-Type", "application/x-www-form-urlencoded"),
                     ("Accept", "text/html")]))
    add(Req("validate-post-form-400-nothing", "/validate", method="POST",
            body=q([("format", "json")]).encode(),
            headers=[("Content-Type", "application/x-www-form-urlencoded")]))
    add(Req("validate-post-multipart", "/validate", method="POST",
            body=multipart([("format", "json"), ("lang", "sv")],
                           [("file", "example.ttl", "text/turtle", turtle)]),
            headers=[("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")]))
    add(Req("validate-post-multipart-shapes", "/validate", method="POST",
            body=multipart([("format", "turtle")],
                           [("file", "example.ttl", "text/turtle", turtle),
                            ("shapes", "mine.ttl", "text/turtle", SHAPES.encode())]),
            headers=[("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")]))
    add(Req("validate-post-multipart-400-two", "/validate", method="POST",
            body=multipart([("data", turtle.decode()), ("format", "json")],
                           [("file", "example.ttl", "text/turtle", turtle)]),
            headers=[("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")]))
    add(Req("validate-url-doc", "/validate?" + q([("url", f"/doc/project/{project}")])))
    add(Req("validate-url-doc-json", "/validate?" + q([("url", f"/doc/project/{project}"),
                                                      ("format", "json")])))
    add(Req("validate-url-id-base-json", "/validate?" + q([
        ("url", f"{base}id/project/{project}"), ("format", "json")])))
    add(Req("validate-url-ontology-json", "/validate?" + q([("url", "/ontology"),
                                                           ("format", "json")])))
    add(Req("validate-url-catalog-json", "/validate?" + q([("url", "/catalog"),
                                                          ("format", "json")])))
    add(Req("validate-url-400-elsewhere", "/validate?" + q([("url", "https://example.org/x")])))
    add(Req("validate-url-400-missing", "/validate?" + q([("url", "/doc/project/no-such-golden"),
                                                         ("format", "json")])))
    add(Req("validate-url-400-not-resource", "/validate?" + q([("url", "/projects")])))
    add(Req("validate-post-413", "/validate", method="POST",
            body=b"#" * (10 * 1024 * 1024 + 1), headers=ttl))
    add(Req("validate-405-put", "/validate", method="PUT", body=turtle, headers=ttl))
    return out


SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<urn:golden:shape> a sh:NodeShape ;
    sh:targetSubjectsOf dcterms:title ;
    sh:property [ sh:path dcterms:description ; sh:minCount 1 ;
                  sh:message "A description is needed" ] .
"""


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]]) -> bytes:
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     .encode() + value.encode() + b"\r\n")
    for name, filename, media, data in files:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {media}\r\n\r\n'.encode()
                     + data + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


# --------------------------------------------------------------------------- HTTP


class RecordError(Exception):
    pass


def body_record(data: bytes, keep_text_up_to: int | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"length": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if keep_text_up_to is not None and len(data) > keep_text_up_to:
        record["omitted"] = True
        return record
    try:
        record["text"] = data.decode("utf-8")
    except UnicodeDecodeError:
        record["base64"] = base64.b64encode(data).decode("ascii")
    return record


def body_bytes(answer: dict[str, Any]) -> bytes:
    body = answer.get("body") or {}
    if "text" in body:
        return body["text"].encode("utf-8")
    if "base64" in body:
        return base64.b64decode(body["base64"])
    return b""


def _send_body(conn: http.client.HTTPConnection, body: bytes, chunked: bool) -> None:
    """Send the body in pieces; stop early when the server has already answered (a 413 for
    a body it will not read) or closed the connection."""
    sock = conn.sock
    if chunked:
        for start in range(0, len(body), 65536):
            piece = body[start:start + 65536]
            conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        conn.send(b"0\r\n\r\n")
        return
    for start in range(0, len(body), 65536):
        readable, _, _ = select.select([sock], [], [], 0)
        if readable:
            return
        try:
            conn.send(body[start:start + 65536])
        except (BrokenPipeError, ConnectionResetError):
            return


def send(port: int, req: Req, host_names: dict[str | None, str],
         answers: dict[str, dict[str, Any]]) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    headers = list(req.headers)
    host = host_names.get(req.host, req.host)
    if host:
        headers.insert(0, ("Host", host))
    if req.etag_from:
        etag = (answers.get(req.etag_from) or {}).get("headers", {}).get("etag")
        headers.append(("If-Range" if req.if_range else "If-None-Match", etag or '"none"'))
    chunked = any(k.lower() == "transfer-encoding" for k, _ in headers)
    if req.body is not None and not chunked:
        headers.append(("Content-Length", str(len(req.body))))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    started = time.monotonic()
    try:
        conn.putrequest(req.method, req.path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        if req.body:
            _send_body(conn, req.body, chunked)
        elif req.body is not None and chunked:
            conn.send(b"0\r\n\r\n")
        response = conn.getresponse()
        data = response.read()
        result: dict[str, Any] = {"status": response.status, "reason": response.reason,
                                  "headers": kept_headers(response.getheaders()),
                                  "body": body_record(data)}
    except (OSError, http.client.HTTPException) as error:
        result = {"status": None, "error": f"{type(error).__name__}: {error}",
                  "headers": {}, "body": body_record(b"")}
    finally:
        conn.close()
    result["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
    return headers, result


def kept_headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        if key in TRANSPORT_HEADERS:
            continue
        kept[key] = f"{kept[key]}, {value}" if key in kept else value
    return dict(sorted(kept.items()))


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(code: Path, port: int, release: Path,
                   workers: int | None) -> tuple[list[str], dict[str, str], str]:
    """The command that serves `code`, its environment and the Python it runs on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    cli = code / ".venv" / "bin" / "publisher"
    if cli.exists():
        command, python = [str(cli)], str(code / ".venv" / "bin" / "python")
        env.pop("PYTHONPATH", None)
    else:
        command, python = [sys.executable, "-m", "publisher.cli"], sys.executable
        env["PYTHONPATH"] = str(code)
    if (code / "publisher.toml").is_file():
        env["PUBLISHER_CONFIG"] = str(code / "publisher.toml")
    command += ["serve", "--host", "127.0.0.1", "--port", str(port), "--release", str(release)]
    if workers is not None:
        command += ["--workers", str(workers)]
    return command, env, python


def imported_package(python: str, env: dict[str, str], code: Path) -> str:
    """Where `python` imports the publisher package from, in that environment; refuses a
    package from anywhere but `code` (say, another checkout's editable install)."""
    found = subprocess.run([python, "-c", "import publisher; print(publisher.__file__)"],
                           env=env, cwd=str(code), capture_output=True, text=True, timeout=60)
    where = found.stdout.strip()
    if found.returncode != 0 or not Path(where).resolve().is_relative_to(code.resolve()):
        raise RecordError(f"{python} imports publisher from {where or found.stderr.strip()!r}, "
                          f"not from {code}")
    return where


def wait_for_health(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RecordError(f"the server exited with status {process.returncode} before "
                              "answering /health (see server.log)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RecordError(f"/health did not answer 200 within {START_TIMEOUT:g} s")


def stop(process: subprocess.Popen) -> None:
    """Stop the server and its children (the process group it leads)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)      # children left behind, if any
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.wait(timeout=STOP_TIMEOUT)


def release_base_uri(release: Path) -> str:
    for candidate in (release / "release.json", release / "latest" / "release.json"):
        if candidate.is_file():
            base = json.loads(candidate.read_text(encoding="utf-8")).get("base_uri")
            if base:
                return base if base.endswith("/") else base + "/"
    raise RecordError(f"no release.json with a base_uri in {release}")


def record(args: argparse.Namespace) -> int:
    code = Path(args.code).absolute()
    release = Path(args.release).absolute()
    out = Path(args.out).absolute()
    base = release_base_uri(release)
    host_names = {None: LOCAL_HOST, "base": urllib.parse.urlsplit(base).netloc}
    out.mkdir(parents=True, exist_ok=True)
    store_dir = out / "store"
    if store_dir.exists():
        shutil.rmtree(store_dir)
    store_dir.mkdir()
    port = args.port or free_port()
    command, env, python = server_command(code, port, release, args.workers)
    env["PUBLISHER_DATA_DIR"] = str(store_dir)
    print(f"package: {imported_package(python, env, code)}", file=sys.stderr)
    fixed_plan = json.loads(Path(args.plan).read_text(encoding="utf-8")) if args.plan else None

    # Turn SIGTERM into an exception so the finally below stops the server.
    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    log = (out / "server.log").open("wb")
    started = time.monotonic()
    print(f"starting: {' '.join(command)}", file=sys.stderr)
    process = subprocess.Popen(command, env=env, cwd=str(out), stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    records: list[dict[str, Any]] = []
    try:
        wait_for_health(process, port)
        answers: dict[str, dict[str, Any]] = {}

        deadline = time.monotonic() + args.budget

        def run(requests: list[Req]) -> None:
            for req in requests:
                if time.monotonic() > deadline:
                    raise RecordError(f"the budget of {args.budget:g} s ran out after "
                                      f"{len(records)} requests (answers so far are written)")
                if req.id in answers:
                    raise RecordError(f"two requests share the id {req.id}")
                sent, result = send(port, req, host_names, answers)
                answers[req.id] = result
                entry = {"index": len(records), "id": req.id,
                         "request": {"method": req.method, "path": req.path,
                                     "headers": [list(h) for h in sent],
                                     "body": None if req.body is None
                                     else body_record(req.body, keep_text_up_to=4096)},
                         **result}
                records.append(entry)

        run(discovery_requests(base))
        plan = fixed_plan or make_plan(base, answers)
        (out / "plan.json").write_text(json.dumps(plan, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
        run(build_requests(plan))
    finally:
        stop(process)
        log.close()
        with (out / "answers.jsonl").open("w", encoding="utf-8") as handle:
            for entry in records:
                handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    counts: dict[str, int] = {}
    for entry in records:
        key = str(entry["status"])
        counts[key] = counts.get(key, 0) + 1
    tracebacks = (out / "server.log").read_text(encoding="utf-8", errors="replace").count(
        "Traceback")
    print(f"{len(records)} requests in {time.monotonic() - started:.1f} s; statuses "
          + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
          + f"; tracebacks in server.log: {tracebacks}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- compare


MTIME_DERIVED = re.compile(r"^/(static/|shapes(\.|/|\?|$))")
RDF_MEDIA = {"text/turtle": "turtle", "application/n-triples": "nt",
             "application/ld+json": "json-ld", "application/rdf+xml": "xml"}
BLANK_LABEL = re.compile(r'_:([A-Za-z0-9_-]+)|rdf:nodeID="([^"]+)"')


def load_answers(folder: Path) -> list[dict[str, Any]]:
    path = folder / "answers.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def request_identity(entry: dict[str, Any]) -> dict[str, Any]:
    request = entry["request"]
    headers = [[k, "<etag>" if k in ("If-None-Match", "If-Range") and v.startswith('"')
                and v != '"stale-etag"' else v] for k, v in request["headers"]]
    body = request.get("body")
    return {"id": entry["id"], "method": request["method"], "path": request["path"],
            "headers": headers, "body": body and body["sha256"]}


def normalised_headers(entry: dict[str, Any], strict: bool) -> dict[str, str]:
    """Headers with what varies between two runs of the same code masked (see the module
    docstring): the order of the methods in Allow, the clock time in Expires, and (unless
    strict) validators taken from file modification times of the checkout."""
    headers = dict(entry.get("headers") or {})
    path = entry["request"]["path"]
    if "allow" in headers:
        headers["allow"] = ", ".join(sorted(m.strip() for m in headers["allow"].split(",")))
    if "expires" in headers:
        headers["expires"] = "<request time + max-age>"
    if not strict and MTIME_DERIVED.match(path):
        for name in ("etag", "last-modified"):
            if name in headers and (name == "etag" or path.startswith("/static/")):
                headers[name] = "<from file modification times>"
    return headers


def relabel_blank_nodes(text: str) -> str:
    """Blank node labels replaced by b0, b1, … in order of first appearance."""
    labels: dict[str, str] = {}

    def name(match: re.Match) -> str:
        label = match.group(1) or match.group(2)
        new = labels.setdefault(label, f"b{len(labels)}")
        return f"_:{new}" if match.group(1) else f'rdf:nodeID="{new}"'

    return BLANK_LABEL.sub(name, text)


def canonical_graph(data: bytes, syntax: str) -> list[str] | None:
    """Sorted canonical N-Triples of an RDF body (rdflib), None when it cannot be made."""
    try:
        import logging

        import rdflib
        from rdflib.compare import to_canonical_graph
    except ImportError:
        return None
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    try:
        graph = rdflib.Graph().parse(data=data.decode("utf-8"), format=syntax)
    except Exception:  # noqa: BLE001 - not parseable: compared as bytes
        return None
    return sorted(to_canonical_graph(graph).serialize(format="nt").splitlines())


def media_type(entry: dict[str, Any]) -> str:
    return (entry.get("headers", {}).get("content-type") or "").split(";")[0].strip()


#: Paths whose RDF answers rdflib writes: their triple order follows Python's string hash
#: seed (and blank node labels), so it changes from run to run.
ORDER_VARIES = re.compile(r"^/(shapes/[^/?]+|validate)([?]|$)")


def same_body(a: dict[str, Any], b: dict[str, Any]) -> tuple[bool, bytes, bytes, str]:
    """Whether two answers' bodies are the same once run-dependent serialisation is
    normalised, and the forms to show in a diff:

    * RDF answers of ORDER_VARIES paths are compared as canonical graphs;
    * other bodies with blank nodes are compared with their labels renumbered by first
      appearance (pyoxigraph and rdflib make random labels), and RDF ones among them, when
      that is not enough (the order follows the labels), as canonical graphs;
    * everything else byte for byte.
    """
    old, new = body_bytes(a), body_bytes(b)
    if a["body"]["sha256"] == b["body"]["sha256"]:
        return True, old, new, "bytes"
    try:
        ta, tb = old.decode("utf-8"), new.decode("utf-8")
    except UnicodeDecodeError:
        return False, old, new, "bytes"
    syntax = RDF_MEDIA.get(media_type(a)) if media_type(a) == media_type(b) else None

    def as_graphs() -> tuple[bool, bytes, bytes, str] | None:
        ca, cb = canonical_graph(old, syntax), canonical_graph(new, syntax)
        if ca is None or cb is None:
            return None
        return ca == cb, "\n".join(ca).encode(), "\n".join(cb).encode(), "graph"

    if syntax and ORDER_VARIES.match(a["request"]["path"]):
        graphs = as_graphs()
        if graphs is not None:
            return graphs
    if not (BLANK_LABEL.search(ta) and BLANK_LABEL.search(tb)):
        return False, old, new, "bytes"
    ra, rb = relabel_blank_nodes(ta), relabel_blank_nodes(tb)
    if ra == rb:
        return True, old, new, "blank node labels"
    if syntax:
        graphs = as_graphs()
        if graphs is not None:
            return graphs
    return False, ra.encode(), rb.encode(), "blank node labels"


def body_diff(old: bytes, new: bytes, limit: int = 16) -> list[str]:
    """A short unified diff of the first differing lines (or, for bodies of a few long
    lines such as JSON, the first differing characters)."""
    try:
        a, b = old.decode("utf-8"), new.decode("utf-8")
    except UnicodeDecodeError:
        return [f"    binary bodies differ ({len(old)} vs {len(new)} bytes)"]
    a_lines, b_lines = a.splitlines(), b.splitlines()
    if max(len(a_lines), len(b_lines)) <= 3:
        at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        start = max(0, at - 60)
        return [f"    first difference at character {at}:",
                f"    - {a[start:at + 100]!r}", f"    + {b[start:at + 100]!r}"]
    diff = list(difflib.unified_diff(a_lines, b_lines, "old", "new", n=1, lineterm=""))
    shown = [f"    {line[:200]}" for line in diff[:limit]]
    if len(diff) > limit:
        shown.append(f"    … {len(diff) - limit} more diff lines")
    return shown


def compare(args: argparse.Namespace) -> int:
    """Pair two recordings by index, check the requests are the same, and print every
    difference of status, headers and body (see the module docstring for what is
    normalised); exit 1 when anything differs."""
    old, new = load_answers(Path(args.old)), load_answers(Path(args.new))
    differing = 0
    kinds = {"request": 0, "status": 0, "headers": 0, "body": 0, "missing": 0}
    printed = 0
    normalised: dict[str, int] = {}
    for index in range(max(len(old), len(new))):
        if index >= len(old) or index >= len(new):
            kinds["missing"] += 1
            differing += 1
            entry = (old if index < len(old) else new)[index]
            side = "only in " + ("old" if index < len(old) else "new")
            print(f"#{index} {entry['id']}: {side}")
            continue
        a, b = old[index], new[index]
        lines: list[str] = []
        if request_identity(a) != request_identity(b):
            kinds["request"] += 1
            lines.append(f"    request differs: {request_identity(a)} vs {request_identity(b)}")
        if a.get("status") != b.get("status") or a.get("error") != b.get("error"):
            kinds["status"] += 1
            lines.append(f"    status: {a.get('status')} {a.get('error') or ''} → "
                         f"{b.get('status')} {b.get('error') or ''}")
        ha, hb = normalised_headers(a, args.strict), normalised_headers(b, args.strict)
        equal_body, shown_a, shown_b, how = same_body(a, b)
        if equal_body and how != "bytes":
            normalised[how] = normalised.get(how, 0) + 1
        if equal_body:
            # blank node labels of different lengths: the length must match each body
            for side, headers in ((a, ha), (b, hb)):
                if headers.get("content-length") == str(side["body"]["length"]):
                    headers["content-length"] = "<length of the body>"
        header_lines = [f"    header {name}: {ha.get(name)!r} → {hb.get(name)!r}"
                        for name in sorted(set(ha) | set(hb)) if ha.get(name) != hb.get(name)]
        if header_lines:
            kinds["headers"] += 1
            lines += header_lines
        if not equal_body:
            kinds["body"] += 1
            lines.append(f"    body: {a['body']['length']} bytes sha256 {a['body']['sha256'][:12]}"
                         f" → {b['body']['length']} bytes sha256 {b['body']['sha256'][:12]}")
            lines += body_diff(shown_a, shown_b)
        if lines:
            differing += 1
            if printed < args.max_diffs:
                request = a["request"]
                print(f"#{index} {a['id']}: {request['method']} {request['path'][:160]}")
                print("\n".join(lines))
                printed += 1
    if printed < differing:
        print(f"… {differing - printed} more differing answers not shown (--max-diffs)")
    print(f"summary: {len(old)} old and {len(new)} new answers; {differing} differ "
          f"(request {kinds['request']}, status {kinds['status']}, headers {kinds['headers']}, "
          f"body {kinds['body']}, unpaired {kinds['missing']})")
    if normalised:
        print("bodies equal only after normalising: " + ", ".join(
            f"{count} by {how}" for how, count in sorted(normalised.items())))
    return 1 if differing else 0


# --------------------------------------------------------------------------- dumps


#: Files whose bytes are not stable between two builds of the same code: rdflib writes their
#: blank nodes with random labels and orders them by label. Compared as RDF graphs instead.
UNORDERED_RDF = ("void.ttl", "validation-report.ttl")
EPOCH_VERSION = "00000000T000000Z"
EPOCH_TIME = "1970-01-01T00:00:00Z"


def release_folder(path: Path) -> Path:
    if (path / "release.json").is_file():
        return path
    if (path / "latest" / "release.json").is_file():
        return (path / "latest").resolve()
    raise SystemExit(f"error: {path} is neither a release folder nor a releases folder "
                     "with `latest`")


def build_time_tokens(folder: Path) -> list[tuple[str, str]]:
    info = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    tokens = [(info.get("version"), EPOCH_VERSION)]
    tokens += [(info.get(k), EPOCH_TIME) for k in ("built", "issued")]
    return [(value, mask) for value, mask in tokens if value]


def checksums(folder: Path) -> dict[str, str]:
    sums: dict[str, str] = {}
    path = folder / "SHA256SUMS"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2:
                sums[parts[1].lstrip("*")] = parts[0]
    return sums


def masked(folder: Path, name: str) -> tuple[bytes, list[str]]:
    """A file's bytes with the build time masked, and problems met on the way."""
    problems: list[str] = []
    data = (folder / name).read_bytes()
    if name.endswith(".gz"):
        header = data[:10]
        data = gzip.decompress(data)
        data = b"gzip header " + header.hex().encode() + b"\n" + data
    for value, mask in build_time_tokens(folder):
        data = data.replace(value.encode(), mask.encode())
    sums = checksums(folder)
    if name == "SHA256SUMS":
        lines = []
        for line in data.decode("utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2:
                listed = folder / parts[1].lstrip("*")
                actual = (hashlib.sha256(listed.read_bytes()).hexdigest()
                          if listed.is_file() else None)
                if actual != parts[0]:
                    problems.append(f"SHA256SUMS: wrong checksum for {parts[1]} in {folder}")
                verified = " verified" if actual == parts[0] else ""
                line = f"<sha256 of {parts[1]}{verified}>  {parts[1]}"
            lines.append(line)
        data = ("\n".join(lines) + "\n").encode()
    elif name == "catalog.ttl":
        by_sum = {value: file for file, value in sums.items()}
        data = re.sub(rb"[0-9a-f]{64}", lambda m: (
            f"<sha256 of {by_sum[m.group().decode()]}>".encode()
            if m.group().decode() in by_sum else m.group()), data)
    return data, problems


def compare_releases(args: argparse.Namespace) -> int:
    """Compare the files of two release builds byte by byte, with only the build time
    masked. Two builds of the same code on the same texts differ only in:

    * ``release.json``: ``"version"`` (the build time as ``YYYYMMDDTHHMMSSZ``), ``"built"``
      and ``"issued"`` (the build time, ISO 8601);
    * ``data.ttl``, ``data.trig``, ``data.rdf``, ``data.jsonld``, ``data.nt.gz``: the one
      ``prov:startedAtTime`` value of the build resource (``data.jsonld`` is a single line,
      so the value is masked, not the line);
    * ``catalog.ttl``: the 7 ``dcterms:issued`` and 7 ``dcterms:modified`` values, the
      ``dcat:version``, the release version inside the 5 ``dcat:accessURL`` and 5
      ``dcat:downloadURL`` and inside the fi/sv/en ``dcterms:description`` texts of the 5
      dump distributions, and the 5 ``spdx:checksumValue`` of the dumps (their bytes carry
      the build time);
    * ``void.ttl``: the version inside the 5 ``void:dataDump`` URLs;
    * ``SHA256SUMS``: the checksums of the files above.

    So each release's own ``version``, ``built`` and ``issued`` values (from its
    ``release.json``) are replaced by a fixed placeholder everywhere, SHA256SUMS lines are
    checked against the files and their hash replaced by ``<sha256 of NAME verified>``, and
    a catalogue checksum equal to a SHA256SUMS entry becomes ``<sha256 of NAME>``; every
    other byte must be equal. ``data.nt.gz`` is compared decompressed plus its 10-byte gzip
    header. ``void.ttl`` and ``validation-report.ttl`` are also written with random blank
    node labels and in blank-node order by rdflib, so their bytes change from build to
    build; when their masked bytes differ they are compared as canonical RDF graphs
    (rdflib.compare) and only a graph difference counts.
    """
    old, new = release_folder(Path(args.old)), release_folder(Path(args.new))
    old_files = {p.name for p in old.iterdir() if p.is_file()}
    new_files = {p.name for p in new.iterdir() if p.is_file()}
    differing = 0
    for name in sorted(old_files ^ new_files):
        print(f"{name}: only in {'old' if name in old_files else 'new'}")
        differing += 1
    same_bytes = same_graph = 0
    for name in sorted(old_files & new_files):
        a, problems_a = masked(old, name)
        b, problems_b = masked(new, name)
        for problem in problems_a + problems_b:
            print(problem)
        if a == b and not problems_a and not problems_b:
            same_bytes += 1
            continue
        if a != b and name in UNORDERED_RDF:
            ca, cb = canonical_graph(a, "turtle"), canonical_graph(b, "turtle")
            if ca is not None and ca == cb:
                same_graph += 1
                continue
            if ca is not None:
                a, b = "\n".join(ca).encode(), "\n".join(cb).encode()
        differing += 1
        print(f"{name}: differs")
        print("\n".join(body_diff(a, b)))
    print(f"summary: {len(old_files | new_files)} files; {same_bytes} equal bytes (build time "
          f"masked), {same_graph} equal as RDF graphs, {differing} differ")
    return 1 if differing else 0


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("record", help="record the answers of a checkout's server")
    p.add_argument("--code", required=True, help="checkout whose `publisher serve` answers")
    p.add_argument("--release", required=True, help="release folder to serve")
    p.add_argument("--out", required=True, help="folder for answers.jsonl, plan.json, server.log")
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--plan", help="plan.json of an earlier recording: send exactly its requests")
    p.add_argument("--budget", type=float, default=600.0,
                   help="seconds the whole run may take before it stops (default 600)")
    p.add_argument("--workers", type=int, default=0,
                   help="passed to `publisher serve --workers` (default 0: development server)")
    p.set_defaults(func=record)
    p = sub.add_parser("compare", help="compare two recordings request by request")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--max-diffs", type=int, default=50, help="differing answers to print")
    p.add_argument("--strict", action="store_true",
                   help="also compare ETags/Last-Modified derived from file modification times")
    p.set_defaults(func=compare)
    p = sub.add_parser("dumps", help="compare the files of two release builds")
    p.add_argument("old")
    p.add_argument("new")
    p.set_defaults(func=compare_releases)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RecordError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stopped:
        print(f"stopped ({stopped or 'interrupt'}); the server was stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
