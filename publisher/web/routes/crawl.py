"""What crawlers and monitors ask for: `/sitemap.xml`, `/robots.txt`, `/health`, and the
favicon."""
from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from flask import Blueprint, Response, jsonify, redirect, url_for

from publisher.store import ReleaseMissing, StoreError
from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.context import here, publisher, settings, store

bp = Blueprint("crawl", __name__)


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
    except ReleaseMissing as error:         # the store answers, without our release
        status = 503
        payload.update({"status": "no release", "message": str(error),
                        "command": error.command})
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
    return redirect(url_for("static", filename="favicon.svg"), code=301)
