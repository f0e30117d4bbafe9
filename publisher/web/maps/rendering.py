"""A map figure as HTML, rendered once per release, language, address form and spec and
kept in the app's one answer cache (:mod:`publisher.web.cache`): the pages that show it are
cached whole too, so a map costs its drawing once, not once per page or request."""
from __future__ import annotations

import json
from typing import Any

from flask import render_template, request
from markupsafe import Markup

from publisher.web.answers import render_cache
from publisher.web.cache import Rendered
from publisher.web.context import here, page_globals, store
from publisher.web.maps.figures import figure


def _key(spec: dict[str, Any]) -> tuple | None:
    version = store().version
    if version is None:
        return None
    current = here()
    return ("map-figure", version, current.lang, current.lang_explicit, request.host_url,
            request.script_root, json.dumps(spec, sort_keys=True))


def map_figure(spec: dict[str, Any] | None) -> Markup:
    """The figure's HTML (figure, SVG, legend, table), from the cache when it is there."""
    if not spec:
        return Markup("")
    key = _key(spec)
    cache = render_cache()
    kept = cache.get(key) if key is not None else None
    if kept is not None:
        return Markup(kept.body.decode("utf-8"))
    found = figure(spec)
    html = "" if found is None else render_template("maps/figure.html", figure=found,
                                                     map_id=spec.get("id", "map"),
                                                     **page_globals())
    if key is not None:
        cache.put(key, Rendered(200, html.encode("utf-8"), ()))
    return Markup(html)
