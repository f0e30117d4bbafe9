"""The maps' own addresses: `/municipalities.geojson` (every municipality's border with its
project counts, for GIS users), a municipality's border at `/doc/organisation/{code}.geojson`
or by `Accept: application/geo+json`, and the collaboration view `/collaboration` (also
`.json`). The maps inside pages come from the template function `map_figure`."""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import NotFound

from publisher.vocab import is_thing, thing
from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.context import here, page_globals, settings
from publisher.web.maps.borders import borders
from publisher.web.maps.counts import project_counts, shared_projects
from publisher.web.maps.figures import area_name, spec_of
from publisher.web.maps.geojson import MEDIA_TYPE, collection, feature
from publisher.web.maps.rendering import map_figure
from publisher.web.negotiation import (GEOJSON_OFFER, ORGANISATION_OFFERS, PAGE_OFFERS,
                                       negotiate, negotiate_or_406)
from publisher.web.pages.project_index import project_index

bp = Blueprint("geo", __name__)
bp.add_app_template_global(map_figure, "map_figure")

ATTRIBUTION = "Borders © Maanmittauslaitos (National Land Survey of Finland), CC BY 4.0"
_SUFFIX = ".geojson"


def _geojson(body: dict[str, Any], etag: str | None, vary: list[str] | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                        content_type=MEDIA_TYPE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return cacheable(response, etag, vary)


@bp.route("/municipalities.geojson")
def municipalities() -> Response:
    etag = etag_for("municipalities.geojson", here().rewrite)
    return answer_once("geojson", etag, lambda: _geojson(_collection(), etag))


def _collection() -> dict[str, Any]:
    base = borders()
    if base.frame is None:
        raise NotFound("This release carries no municipal borders (geo:hasGeometry).")
    counts = project_counts(project_index().projects, base.areas)
    current = here()
    return collection(base, counts, {iri: current.local(iri) for iri in base.areas},
                      {iri: current.url(iri) for iri in base.areas}, ATTRIBUTION)


def organisation_geojson(kind: str, name: str) -> Response | None:
    """A municipality's border as GeoJSON when `/doc/organisation/{key}` is asked for it (by
    the `.geojson` extension or `Accept`); None for every other request."""
    if kind != "organisation":
        return None
    accept = request.headers.get("Accept")
    by_extension = name.endswith(_SUFFIX)
    if not by_extension and negotiate(ORGANISATION_OFFERS, accept) != GEOJSON_OFFER[1]:
        return None
    key = name[:-len(_SUFFIX)] if by_extension else name
    if not is_thing(kind, key):
        raise NotFound("No such resource: an organisation's border is "
                       "/doc/organisation/{code}.geojson, with a three-digit municipality code.")
    iri = thing(settings().base_uri, kind, key)
    etag = etag_for("organisation.geojson", iri, here().rewrite)

    def render() -> Response:
        area = borders().areas.get(iri)
        if area is None:
            raise NotFound(f"There is no municipal border for <{iri}> in this dataset: only "
                           "municipalities have one.")
        counts = project_counts(project_index().projects, [iri]).get(iri)
        return _geojson(feature(area, counts, here().local(iri), here().url(iri)), etag,
                        [] if by_extension else ["Accept"])

    return answer_once("organisation-geojson", etag, render)


@bp.route("/collaboration")
@bp.route("/collaboration.json")
def collaboration() -> Response:
    json_path = request.path.endswith(".json")
    fmt = "json" if json_path else negotiate_or_406(PAGE_OFFERS, request.headers.get("Accept"))
    current = here()
    etag = etag_for("collaboration", current.lang, current.lang_explicit, current.rewrite,
                    json_path, fmt)

    def render() -> Response:
        context = _collaboration_page()
        if fmt == "json":
            response = jsonify(context)
        else:
            response = Response(render_template("maps/collaboration.html", **page_globals(),
                                                **context), mimetype="text/html")
        vary = [] if json_path else ["Accept"]
        if not current.lang_explicit:
            vary.append("Accept-Language")
        return cacheable(response, etag, vary)

    return answer_once("collaboration", etag, render)


def _collaboration_page() -> dict[str, Any]:
    """Every pair of municipalities that shares projects, most shared first (also JSON)."""
    base = borders()
    lang = here().lang
    pairs = shared_projects(project_index().projects, base.areas)
    current = here()

    def municipality(iri: str) -> dict[str, Any]:
        area = base.areas[iri]
        return {"code": area.code, "name": area_name(area, lang), "href": current.href(iri)}

    return {"page": "collaboration", "map": spec_of("collaboration"),
            "pairs": [{"municipalities": [municipality(a), municipality(b)], "shared": n}
                      for (a, b), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))]}
