"""Release files and metadata: `/dumps/` (listing, files with Range/ETag), `/catalog`,
`/void`, `/.well-known/void`, `/shapes`, `/sitemap.xml`, `/robots.txt`, `/health`."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request, send_file
from werkzeug.exceptions import NotAcceptable, NotFound

from publisher.store import StoreError, read_release_info, rewrite_triples, serialize_graph
from publisher.web.common import (cacheable, etag_for, here, page_globals,
                                  publisher, settings, store)
from publisher.web.cache import answer_once
from publisher.web.negotiation import (FORMAT_EXTENSION, GRAPH_DOCUMENT_OFFERS, MEDIA_TYPES,
                                       PAGE_OFFERS, RDF_NAMES, negotiate_or_406, split_extension)
from publisher.web.views import Index, Labeller, properties_view

bp = Blueprint("dumps", __name__)

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
FILE_TYPES = {
    ".trig": "application/trig",
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".gz": "application/gzip",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".json": "application/json",
    ".html": "text/html",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
DESCRIPTIONS = {
    "data.trig": "TriG, one named graph per source document",
    "data.ttl": "Turtle",
    "data.nt.gz": "N-Triples, gzip",
    "data.jsonld": "JSON-LD",
    "data.rdf": "RDF/XML",
    "ontology.ttl": "vocabulary (OWL, SKOS)",
    "shapes.ttl": "SHACL shapes",
    "validation-report.ttl": "SHACL validation report",
    "catalog.ttl": "DCAT-AP catalogue",
    "void.ttl": "VoID description",
    "SHA256SUMS": "checksums",
    "release.json": "release metadata",
}


def media_type(name: str) -> str:
    if name == "SHA256SUMS":
        return "text/plain"
    return FILE_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def _releases_dir() -> Path:
    return Path(os.path.realpath(publisher().release_path)).parent


def _release_folder(version: str | None) -> Path:
    if version is None:
        folder = publisher().release_dir()
        if folder is None:
            raise NotFound("No release has been built yet: run `publisher build`.")
        return folder
    if not _NAME.fullmatch(version):
        raise NotFound(f"No release {version!r}.")
    folder = _releases_dir() / version
    if not folder.is_dir() or not (folder / "release.json").exists() and not (
            folder / "data.trig").exists():
        raise NotFound(f"No release {version!r}.")
    return Path(os.path.realpath(folder))


def _checksums(folder: Path) -> dict[str, str]:
    sums: dict[str, str] = {}
    try:
        for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
            parts = line.strip().split()
            if len(parts) == 2 and re.fullmatch(r"[0-9a-f]{64}", parts[0]):
                sums[parts[1].lstrip("*")] = parts[0]
    except OSError:
        pass
    return sums


def _files(folder: Path, version_path: str) -> list[dict[str, Any]]:
    sums = _checksums(folder)
    files = []
    for path in sorted(folder.iterdir(), key=lambda p: (not p.name.startswith("data."), p.name)):
        if not path.is_file() or path.name.startswith(".") or not _NAME.fullmatch(path.name):
            continue
        files.append({"name": path.name, "href": here().page(f"dumps/{version_path}{path.name}"),
                      "size": path.stat().st_size, "media_type": media_type(path.name),
                      "sha256": sums.get(path.name), "description": DESCRIPTIONS.get(path.name)})
    return files


@bp.route("/dumps")
def dumps_redirect() -> Response:
    from flask import redirect

    return redirect(here().page("dumps/"), code=301)


@bp.route("/dumps/")
@bp.route("/dumps.json")
def listing() -> Response:
    json_path = request.path.endswith(".json")
    folder = publisher().release_dir()
    fmt = "json" if json_path else negotiate_or_406(PAGE_OFFERS, request.headers.get("Accept"))
    etag = etag_for("dumps", str(folder), here().lang, json_path, fmt)
    return answer_once("dumps", etag, lambda: _listing(folder, etag, fmt, json_path))


def _listing(folder: Path | None, etag: str | None, fmt: str, json_path: bool) -> Response:
    versions = []
    if folder is not None:
        for candidate in sorted(_releases_dir().iterdir(), reverse=True):
            if (candidate.is_dir() and not candidate.is_symlink()
                    and not candidate.name.startswith(".") and _NAME.fullmatch(candidate.name)
                    and (candidate / "release.json").exists()):
                info = read_release_info(candidate)
                versions.append({"version": candidate.name, "built": info.get("built"),
                                 "latest": candidate == folder,
                                 "href": here().page(f"dumps/{candidate.name}/")})
    context = {"page": "dumps",
               "release": read_release_info(folder) if folder else None,
               "files": _files(folder, "") if folder else [],
               "versions": versions}
    if fmt == "json":
        response = jsonify(context)
    else:
        response = Response(render_template("dumps.html", **page_globals(), **context),
                            mimetype="text/html")
    return cacheable(response, etag, [] if json_path else ["Accept", "Accept-Language"])


@bp.route("/dumps/<version>/")
def version_listing(version: str) -> Response:
    folder = _release_folder(version)
    context = {"page": "dumps", "release": read_release_info(folder),
               "files": _files(folder, f"{version}/"), "versions": []}
    fmt = negotiate_or_406(PAGE_OFFERS, request.headers.get("Accept"))
    if fmt == "json":
        return jsonify(context)
    return Response(render_template("dumps.html", **page_globals(), **context),
                    mimetype="text/html")


def _send(folder: Path, name: str) -> Response:
    if not _NAME.fullmatch(name):
        raise NotFound(f"No file {name!r} in this release.")
    path = folder / name
    if not path.is_file():
        raise NotFound(f"No file {name!r} in release {folder.name}.")
    etag = _checksums(folder).get(name) or f"{folder.name}-{name}-{path.stat().st_size}"
    response = send_file(path, mimetype=media_type(name), conditional=True, etag=etag,
                         max_age=3600, download_name=name, as_attachment=False)
    response.headers["Accept-Ranges"] = "bytes"
    if media_type(name).startswith("text/") and "charset" not in response.headers.get(
            "Content-Type", ""):
        response.headers["Content-Type"] = media_type(name) + "; charset=utf-8"
    return response


@bp.route("/dumps/<name>")
def latest_file(name: str) -> Response:
    return _send(_release_folder(None), name)


@bp.route("/dumps/<version>/<name>")
def version_file(version: str, name: str) -> Response:
    return _send(_release_folder(version), name)


# --------------------------------------------------------------------------- metadata graphs


def metadata_triples() -> list[ox.Triple]:
    """catalog.ttl and void.ttl of the current release: where the IRIs of the dataset, its
    distributions and the catalogue itself are described (they are not in the store)."""
    folder = publisher().release_dir()
    if folder is None:
        return []
    files = [folder / name for name in ("catalog.ttl", "void.ttl") if (folder / name).is_file()]
    key = "metadata:" + "|".join(f"{f}:{f.stat().st_mtime_ns}" for f in files)

    def compute() -> list[ox.Triple]:
        triples: list[ox.Triple] = []
        for path in files:
            try:
                triples += [q.triple for q in ox.parse(path=str(path),
                                                       format=ox.RdfFormat.TURTLE)]
            except (SyntaxError, OSError):
                continue
        return list(dict.fromkeys(triples))

    return publisher().cached("metadata", key, compute)



def _graph_file(filename: str, path: str, title_key: str, ext: str | None) -> Response:
    fmt = None
    if ext is not None:
        _, fmt = split_extension("x." + ext, RDF_NAMES | {"html"})
        if fmt is None:
            raise NotFound()
    negotiated = fmt is None
    if fmt is None:
        fmt = negotiate_or_406(GRAPH_DOCUMENT_OFFERS, request.headers.get("Accept"))
    folder = _release_folder(None)
    source = folder / filename
    if not source.is_file():
        raise NotFound(f"The release has no {filename}.")
    etag = etag_for(filename, str(folder), source.stat().st_mtime_ns, fmt, here().rewrite,
                    here().lang if fmt == "html" else "")
    return answer_once(filename, etag,
                       lambda: _graph_answer(source, filename, path, title_key, fmt, etag,
                                             negotiated))


def _graph_answer(source: Path, filename: str, path: str, title_key: str, fmt: str,
                  etag: str | None, negotiated: bool) -> Response:
    try:
        triples = [q.triple for q in ox.parse(path=str(source), format=ox.RdfFormat.TURTLE)]
    except (SyntaxError, OSError) as error:
        raise StoreError(f"{filename} of the release cannot be read: {error}") from None
    if fmt in RDF_NAMES:
        body = serialize_graph(rewrite_triples(triples, here().rewrite), fmt,
                               prefixes={"dcat": "http://www.w3.org/ns/dcat#",
                                         "dcterms": "http://purl.org/dc/terms/",
                                         "void": "http://rdfs.org/ns/void#",
                                         "foaf": "http://xmlns.com/foaf/0.1/",
                                         "xsd": "http://www.w3.org/2001/XMLSchema#",
                                         "spdx": "http://spdx.org/rdf/terms#",
                                         "sh": "http://www.w3.org/ns/shacl#"})
        media = MEDIA_TYPES[fmt]
        response = Response(body, content_type=media + (
            "; charset=utf-8" if media.startswith("text/") else ""))
    else:
        index = Index(triples)
        names = Labeller(index, here().lang, settings().base_uri, None, here())
        subjects = [s for s in index.out if isinstance(s, ox.NamedNode)]
        subjects.sort(key=lambda s: (len(s.value), s.value))
        resources = [{"iri": s.value, "href": here().href(s.value), "label": names.label(s),
                      "properties": properties_view(s, names, skip=())} for s in subjects]
        formats = [{"name": label, "href": here().page(f"{path}.{FORMAT_EXTENSION[f]}"),
                    "type": MEDIA_TYPES[f]}
                   for f, label in (("turtle", "Turtle"), ("jsonld", "JSON-LD"),
                                    ("rdfxml", "RDF/XML"), ("ntriples", "N-Triples"))]
        response = Response(render_template("graph.html", **page_globals(), resources=resources,
                                            heading_key=title_key, formats=formats,
                                            page="graph"),
                            mimetype="text/html")
    vary = ["Accept"] if negotiated else []
    return cacheable(response, etag, vary)


@bp.route("/catalog")
@bp.route("/catalog.<ext>")
def catalog(ext: str | None = None) -> Response:
    return _graph_file("catalog.ttl", "catalog", "catalog", ext)


@bp.route("/void")
@bp.route("/void.<ext>")
@bp.route("/.well-known/void")
def void(ext: str | None = None) -> Response:
    return _graph_file("void.ttl", "void", "void", ext)


@bp.route("/shapes")
@bp.route("/shapes.<ext>")
def shapes(ext: str | None = None) -> Response:
    """HTML: every validation profile with a readable summary of its checks; RDF: the data
    profile of the release (shapes.ttl)."""
    if _wants_html(ext):
        return _profiles_page()
    return _graph_file("shapes.ttl", "shapes", "shapes", ext)


@bp.route("/shapes/<name>")
def profile_shapes_file(name: str) -> Response:
    """One profile's shapes as RDF (`/shapes/vocabulary.ttl`); HTML clients go to its summary."""
    from flask import redirect

    from publisher.shacl.validation import load_profiles, profile_shapes

    profile, fmt = split_extension(name, RDF_NAMES | {"html"})
    if profile not in load_profiles(settings()):
        raise NotFound(f"No validation profile {profile!r}: see {here().page('shapes')}.")
    if fmt is None:
        fmt = negotiate_or_406(GRAPH_DOCUMENT_OFFERS, request.headers.get("Accept"))
    if fmt == "html":
        return redirect(here().page("shapes") + f"#profile-{profile}", code=303)
    graph = profile_shapes(settings(), profile)
    body = graph.serialize(format={"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml",
                                   "ntriples": "nt"}[fmt])
    media = MEDIA_TYPES[fmt]
    response = Response(body, content_type=media + (
        "; charset=utf-8" if media.startswith("text/") else ""))
    return cacheable(response, etag_for("profile-shapes", profile, fmt, _shapes_stamp()),
                     ["Accept"])


def _wants_html(ext: str | None) -> bool:
    if ext is not None:
        return split_extension("x." + ext, RDF_NAMES | {"html"})[1] == "html"
    try:
        return negotiate_or_406(GRAPH_DOCUMENT_OFFERS, request.headers.get("Accept")) == "html"
    except NotAcceptable:
        return False        # the RDF route answers the 406 with what is offered


def _profiles_page() -> Response:
    lang = here().lang
    etag = etag_for("profiles", lang, here().rewrite, _shapes_stamp())
    return answer_once("profiles", etag, lambda: _profiles_answer(lang, etag))


def _profiles_answer(lang: str, etag: str | None) -> Response:
    from publisher.release.docs import SEVERITY_NAMES, shape_summaries
    from publisher.shacl.validation import load_profiles, profile_shapes
    from publisher.web.validation import vt

    def summary(profile: Any) -> dict[str, Any]:
        summaries = shape_summaries(profile_shapes(settings(), profile.name), lang)
        return {"name": profile.name, "title": profile.title(lang), "files": profile.files,
                "description": profile.description(lang), "shapes": summaries,
                "check_count": sum(len(s["checks"]) for s in summaries)}

    def compute() -> list[dict[str, Any]]:
        return [summary(p) for p in load_profiles(settings()).values()]

    profiles = publisher().cached(f"profiles:{lang}", _shapes_stamp(), compute)
    body = render_template("validate_profiles.html", **page_globals(), page="shapes",
                           profiles=profiles, severity_names=SEVERITY_NAMES,
                           vt=lambda key, **v: vt(key, lang, **v),
                           formats=[{"name": "Turtle", "href": here().page("shapes.ttl"),
                                     "type": "text/turtle"}])
    return cacheable(Response(body, mimetype="text/html"), etag, ["Accept", "Accept-Language"])


def _shapes_stamp() -> str:
    folder = settings().shapes_dir
    return "|".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in sorted(folder.rglob("*.t*")))


# --------------------------------------------------------------------------- crawlers, health


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    etag = etag_for("sitemap", here().rewrite)
    return answer_once("sitemap", etag, lambda: _sitemap(etag))


def _sitemap(etag: str | None) -> Response:
    base = settings().base_uri
    rows = store().select(
        f'SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/") '
        f'&& !CONTAINS(STR(?s), "#")) }} ORDER BY ?s LIMIT 49000')
    current = here()
    urls = [current.root, current.root + "projects", current.root + "def/",
            current.root + "dumps/", current.root + "sparql"]
    urls += [current.url(row["s"].value) for row in rows]
    body = ['<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    body += [f"<url><loc>{escape(url)}</loc></url>\n" for url in urls]
    body.append("</urlset>\n")
    return cacheable(Response("".join(body), mimetype="application/xml"), etag)


@bp.route("/robots.txt")
def robots() -> Response:
    text = ("User-agent: *\n"
            "Disallow: /sparql?\n"
            "Disallow: /sparql/?\n"
            "Allow: /\n"
            f"Sitemap: {here().root}sitemap.xml\n")
    response = Response(text, mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/health")
def health() -> Response:
    pub = publisher()
    payload: dict[str, Any] = {"store": pub.store.kind}
    try:
        pub.store.probe()                   # answered within limits.store_probe_seconds
        payload.update(pub.store.info())
        status = 200 if payload.get("version") else 503
        payload["status"] = "ok" if status == 200 else "no release loaded"
    except StoreError as error:
        status = 503
        payload.update({"status": "unavailable", "message": str(error)})
    payload.pop("release", None)
    release = pub.release_info()
    payload["release_files"] = release.get("version")
    response = jsonify(payload)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response


@bp.route("/favicon.ico")
def favicon() -> Response:
    from flask import redirect, url_for

    return redirect(url_for("static", filename="favicon.svg"), code=301)
