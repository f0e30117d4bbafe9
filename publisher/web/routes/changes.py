"""`/changes?since=<version>`: what changed from a release to the one served, as one RDF Patch
composed from the chain of release changesets (or its summary as JSON), so a copy of the data
catches up without downloading a dump again."""
from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, request
from werkzeug.exceptions import BadRequest, NotFound

from publisher.patch import (PATCH_FILE, VERSION, chain, compose, composed_text, graph_of,
                             read_patch, release_info)
from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.context import publisher
from publisher.web.negotiation import negotiate_or_406

bp = Blueprint("changes", __name__)

#: Longer than any version; a longer `since` is refused before anything else looks at it.
MAX_SINCE = 32
OFFERS = [("text/plain", "patch"), ("application/rdf-patch", "patch"),
          ("application/json", "json")]


@bp.route("/changes")
def changes() -> Response:
    since = request.args.get("since")
    if since is None or len(since) > MAX_SINCE or not VERSION.fullmatch(since):
        raise BadRequest("since must be a release version such as 20261207T161511Z "
                         "(see /dumps/ for the versions).")
    latest = publisher().release_dir()
    if latest is None:
        raise NotFound("No release has been built yet: run `publisher build`.")
    releases_dir = latest.parent
    if not release_info(releases_dir / since) or not (releases_dir / since).is_dir():
        raise NotFound(f"No release {since}: see /dumps/ for the versions kept.")
    fmt = negotiate_or_406(OFFERS, request.headers.get("Accept"))
    etag = etag_for("changes", latest.name, since, fmt)
    return answer_once("changes", etag, lambda: _answer(releases_dir, latest, since, fmt, etag))


def _answer(releases_dir: Path, latest: Path, since: str, fmt: str,
            etag: str | None) -> Response:
    folders = chain(releases_dir, since, latest)
    if folders is None:
        raise NotFound(f"No chain of changesets leads from release {since} to {latest.name} "
                       "(a release between them has no changeset): download the dump instead.")
    patches = [read_patch(folder / PATCH_FILE) for folder in folders]
    net = compose(patches)
    if fmt == "json":
        graphs: dict[str, dict[str, int]] = {}
        for quad, op in net.items():
            counts = graphs.setdefault(graph_of(quad) or "(default graph)",
                                       {"added": 0, "deleted": 0})
            counts["added" if op == "A" else "deleted"] += 1
        body = json.dumps({
            "since": since, "version": latest.name,
            "releases": [folder.name for folder in folders],
            "quads": {"added": sum(1 for op in net.values() if op == "A"),
                      "deleted": sum(1 for op in net.values() if op == "D")},
            "graphs": dict(sorted(graphs.items())),
            "subjects": len({quad.split(b" ", 1)[0] for quad in net})},
            ensure_ascii=False, indent=1)
        response = Response(body, mimetype="application/json")
    else:
        text = composed_text(net, patches[-1].id if patches else None,
                             patches[0].prev if patches else None)
        response = Response(text, mimetype="text/plain")
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return cacheable(response, etag, ["Accept"])
