"""The release's files: `/dumps/` (listings, files with Range and ETag), `/catalog` (in
DCAT-AP 3.0.1 or 2.1.1, negotiated by profile), `/void`, `/.well-known/void`, `/shapes` (the
data profile as RDF; as HTML every validation profile summarised) and `/context.jsonld` (the
JSON-LD context the release wrote)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, redirect, render_template, request, send_file
from werkzeug.exceptions import NotAcceptable, NotFound

from publisher.i18n import N_, translate
from publisher.shacl import load_profiles, profile_shapes, severity_names, shape_summaries
from publisher.store import StoreError, read_release_info, rewrite_triples, serialize_graph
from publisher.vocab import (CATALOG_DCAT_AP2_FILE, CATALOG_FILE, DCAT, DCAT_AP_2, DCAT_AP_3,
                             DCTERMS, FOAF, JSONLD_CONTEXT_FILE, SH, SPDX, VOID, XSD)
from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.context import here, page_globals, publisher, settings
from publisher.web.jsonld_context import context_here
from publisher.web.negotiation import (FORMAT_EXTENSION, GRAPH_DOCUMENT_OFFERS, MEDIA_TYPES,
                                       PAGE_OFFERS, RDF_NAMES, negotiate_or_406, not_acceptable,
                                       shown, split_extension)
from publisher.web.pages.graph_file import described_resources
from publisher.web.profile_negotiation import (MEDIATYPE_KEY, QSA_KEY, VARY, Profile,
                                               alternates_response, media_type_argument,
                                               negotiate_profile, profile_headers,
                                               wants_alternates)
from publisher.web.release_files import (checksums, is_file_name, listed_files, media_type,
                                         release_folder, versions)

bp = Blueprint("files", __name__)


@bp.route("/dumps")
def dumps_redirect() -> Response:
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
    context = {"page": "dumps",
               "release": read_release_info(folder) if folder else None,
               "files": listed_files(folder, "") if folder else [],
               "versions": versions(folder) if folder else []}
    if fmt == "json":
        response = jsonify(context)
    else:
        response = Response(render_template("files/dumps.html", **page_globals(), **context),
                            mimetype="text/html")
    return cacheable(response, etag, [] if json_path else ["Accept", "Accept-Language"])


@bp.route("/dumps/<version>/")
def version_listing(version: str) -> Response:
    folder = release_folder(version)
    context = {"page": "dumps", "release": read_release_info(folder),
               "files": listed_files(folder, f"{version}/"), "versions": []}
    fmt = negotiate_or_406(PAGE_OFFERS, request.headers.get("Accept"))
    if fmt == "json":
        return jsonify(context)
    return Response(render_template("files/dumps.html", **page_globals(), **context),
                    mimetype="text/html")


def _send(folder: Path, name: str) -> Response:
    if not is_file_name(name):
        raise NotFound(f"No file {name!r} in this release.")
    path = folder / name
    if not path.is_file():
        raise NotFound(f"No file {name!r} in release {folder.name}.")
    etag = checksums(folder).get(name) or f"{folder.name}-{name}-{path.stat().st_size}"
    response = send_file(path, mimetype=media_type(name), conditional=True, etag=etag,
                         max_age=3600, download_name=name, as_attachment=False)
    response.headers["Accept-Ranges"] = "bytes"
    if media_type(name).startswith("text/") and "charset" not in response.headers.get(
            "Content-Type", ""):
        response.headers["Content-Type"] = media_type(name) + "; charset=utf-8"
    return response


@bp.route("/dumps/<name>")
def latest_file(name: str) -> Response:
    return _send(release_folder(None), name)


@bp.route("/dumps/<version>/<name>")
def version_file(version: str, name: str) -> Response:
    return _send(release_folder(version), name)


@bp.route("/context.jsonld")
def jsonld_context_file() -> Response:
    """Our JSON-LD context, as this host publishes it: the release's file as it is, or its
    namespace IRIs moved onto the host answering when links are rewritten."""
    folder = release_folder(None)
    document = context_here()
    if document is None:
        raise NotFound("This release has no JSON-LD context (context.jsonld): rebuild it.")
    rewrite = here().rewrite
    etag = etag_for("jsonld-context", str(folder), rewrite)

    def render() -> Response:
        if rewrite is None:
            body = (folder / JSONLD_CONTEXT_FILE).read_bytes()
        else:
            body = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
        return cacheable(Response(body, content_type="application/ld+json"), etag)

    return answer_once("jsonld-context", etag, render)


# --------------------------------------------------------------------------- metadata graphs


def _graph_file(filename: str, path: str, title: str, ext: str | None,
                profile: Profile | None = None) -> Response:
    """A graph file of the release as RDF, or as a page titled `title` (a message id);
    `profile` is the profile it was negotiated in (then its links keep it)."""
    fmt = None
    if ext is not None:
        _, fmt = split_extension("x." + ext, RDF_NAMES | {"html"})
        if fmt is None:
            raise NotFound()
    elif profile is not None and MEDIATYPE_KEY in request.args:
        fmt = _media_type_asked()
    negotiated = fmt is None
    if fmt is None:
        fmt = negotiate_or_406(GRAPH_DOCUMENT_OFFERS, request.headers.get("Accept"))
    folder = release_folder(None)
    source = folder / filename
    if not source.is_file():
        raise NotFound(f"The release has no {filename}.")
    etag = etag_for(filename, str(folder), source.stat().st_mtime_ns, fmt, here().rewrite,
                    here().lang if fmt == "html" else "")
    return answer_once(filename, etag,
                       lambda: _graph_answer(source, filename, path, title, fmt, etag,
                                             negotiated, profile))


def _media_type_asked() -> str:
    """The format `_mediatype` names (the QSA functional profile's media-type argument);
    406 for one we do not give."""
    asked = request.args.get(MEDIATYPE_KEY, "")
    offers = dict(GRAPH_DOCUMENT_OFFERS)
    fmt = offers.get(media_type_argument(asked)) if len(asked) <= 256 else None
    if fmt is None:
        raise not_acceptable(GRAPH_DOCUMENT_OFFERS, None,
                             f" ({MEDIATYPE_KEY}={shown(asked)} is not one of them)")
    return fmt


def _graph_answer(source: Path, filename: str, path: str, title: str, fmt: str,
                  etag: str | None, negotiated: bool,
                  profile: Profile | None = None) -> Response:
    try:
        triples = [q.triple for q in ox.parse(path=str(source), format=ox.RdfFormat.TURTLE)]
    except (SyntaxError, OSError) as error:
        raise StoreError(f"{filename} of the release cannot be read: {error}") from None
    if fmt in RDF_NAMES:
        body = serialize_graph(rewrite_triples(triples, here().rewrite), fmt,
                               prefixes={"dcat": DCAT, "dcterms": DCTERMS, "void": VOID,
                                         "foaf": FOAF, "xsd": XSD, "spdx": SPDX, "sh": SH})
        media = MEDIA_TYPES[fmt]
        response = Response(body, content_type=media + (
            "; charset=utf-8" if media.startswith("text/") else ""))
    else:
        resources = described_resources(triples)
        query = f"?{QSA_KEY}={profile.token}" if profile and profile != CATALOG_PROFILES[0] else ""
        formats = [{"name": label, "href": here().page(f"{path}.{FORMAT_EXTENSION[f]}") + query,
                    "type": MEDIA_TYPES[f]}
                   for f, label in (("turtle", "Turtle"), ("jsonld", "JSON-LD"),
                                    ("rdfxml", "RDF/XML"), ("ntriples", "N-Triples"))]
        if profile is not None:
            formats.append({"name": translate(here().lang, N_("Other profiles")),
                            "href": here().page(f"{path}?{QSA_KEY}=alt"), "type": "text/html"})
        response = Response(render_template("files/graph.html", **page_globals(),
                                            resources=resources,
                                            heading=translate(here().lang, title),
                                            formats=formats, page="graph"),
                            mimetype="text/html")
    vary = ["Accept"] if negotiated else []
    if profile is not None:
        vary = VARY + (["Accept-Language"] if fmt == "html" else [])
    return cacheable(response, etag, vary)


#: The profiles `/catalog` is given in, the default first, each with its file in a release.
CATALOG_PROFILES = (
    Profile("dcat-ap-3", DCAT_AP_3, N_("Data catalogue in DCAT-AP 3.0.1 (the release's form)")),
    Profile("dcat-ap-2", DCAT_AP_2, N_("Data catalogue in DCAT-AP 2.1.1 (the form "
                                       "data.europa.eu harvests)")),
)
_CATALOG_FILES = {"dcat-ap-3": CATALOG_FILE, "dcat-ap-2": CATALOG_DCAT_AP2_FILE}
_CATALOG_TITLES = {"dcat-ap-3": N_("Data catalogue (DCAT-AP 3.0.1)"),
                   "dcat-ap-2": N_("Data catalogue (DCAT-AP 2.1.1)")}


def _catalog_profiles() -> list[Profile]:
    """The profiles this release has a catalogue file for (a release written before the
    2.1.1 form has only the default)."""
    folder = release_folder(None)
    return [p for p in CATALOG_PROFILES
            if p == CATALOG_PROFILES[0] or (folder / _CATALOG_FILES[p.token]).is_file()]


@bp.route("/catalog")
@bp.route("/catalog.<ext>")
def catalog(ext: str | None = None) -> Response:
    """DCAT-AP 3.0.1 by default, 2.1.1 by `Accept-Profile` or `_profile`; `_profile=alt`
    lists both (W3C Content Negotiation by Profile)."""
    offered = _catalog_profiles()
    default = CATALOG_PROFILES[0]
    if wants_alternates():
        return alternates_response(offered, default, here().lang, media_types=[
            MEDIA_TYPES[f] for f in ("turtle", "jsonld", "rdfxml", "ntriples", "html")])
    chosen = negotiate_profile(offered, default)
    response = _graph_file(_CATALOG_FILES[chosen.token], "catalog",
                           _CATALOG_TITLES[chosen.token], ext, chosen)
    # Set on every answer, remembered or not (an answer is remembered before this).
    response.headers.update(profile_headers(chosen, offered))
    return response


@bp.route("/void")
@bp.route("/void.<ext>")
@bp.route("/.well-known/void")
def void(ext: str | None = None) -> Response:
    return _graph_file("void.ttl", "void", N_("Dataset description (VoID)"), ext)


@bp.route("/shapes")
@bp.route("/shapes.<ext>")
def shapes(ext: str | None = None) -> Response:
    """HTML: every validation profile with a readable summary of its checks; RDF: the data
    profile of the release (shapes.ttl)."""
    if _wants_html(ext):
        return _profiles_page()
    return _graph_file("shapes.ttl", "shapes", N_("Data profile (SHACL)"), ext)


@bp.route("/shapes/<name>")
def profile_shapes_file(name: str) -> Response:
    """One profile's shapes as RDF (`/shapes/vocabulary.ttl`); HTML clients go to its summary."""
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
    def summary(profile: Any) -> dict[str, Any]:
        summaries = shape_summaries(profile_shapes(settings(), profile.name), lang)
        return {"name": profile.name, "title": profile.title(lang), "files": profile.files,
                "description": profile.description(lang), "shapes": summaries,
                "check_count": sum(len(s["checks"]) for s in summaries)}

    def compute() -> list[dict[str, Any]]:
        return [summary(p) for p in load_profiles(settings()).values()]

    profiles = publisher().cached(f"profiles:{lang}", _shapes_stamp(), compute)
    body = render_template("files/profiles.html", **page_globals(), page="shapes",
                           profiles=profiles, severity_names=severity_names(lang),
                           formats=[{"name": "Turtle", "href": here().page("shapes.ttl"),
                                     "type": "text/turtle"}])
    return cacheable(Response(body, mimetype="text/html"), etag, ["Accept", "Accept-Language"])


def _shapes_stamp() -> str:
    folder = settings().shapes_dir
    return "|".join(f"{p.name}:{p.stat().st_mtime_ns}" for p in sorted(folder.rglob("*.t*")))
