"""The site's own pages, each also JSON (Datasette-style): `/` and `/projects` with filters."""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest

from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.context import here, page_globals
from publisher.web.negotiation import PAGE_OFFERS, negotiate_or_406
from publisher.web.pages.home import home_page
from publisher.web.pages.project_list import FILTERS, project_list_page

bp = Blueprint("site", __name__)

_KEY = re.compile(r"[A-Za-z0-9_.-]{1,100}")
MAX_SEARCH = 100


def _page_format(json_path: bool) -> str:
    """html or json: by the path, else by ``Accept`` (406 when neither fits)."""
    return "json" if json_path else negotiate_or_406(PAGE_OFFERS, request.headers.get("Accept"))


def _respond(template: str, context: dict[str, Any], etag: str | None, fmt: str,
             json_path: bool = False) -> Response:
    """The page as JSON or HTML, cacheable for the release."""
    if fmt == "json":
        response = jsonify(context)
    else:
        response = Response(render_template(template, **page_globals(), **context),
                            mimetype="text/html")
    vary = [] if json_path else ["Accept"]
    if not here().lang_explicit:
        vary.append("Accept-Language")
    return cacheable(response, etag, vary)


@bp.route("/")
@bp.route("/index.json")
def home() -> Response:
    json_path = request.path.endswith(".json")
    fmt = _page_format(json_path)
    etag = etag_for("home", here().lang, here().lang_explicit, here().rewrite, json_path, fmt)
    return answer_once("home", etag, lambda: _respond("site/home.html", home_page(), etag, fmt,
                                                      json_path))


@bp.route("/projects")
@bp.route("/projects.json")
def projects() -> Response:
    json_path = request.path.endswith(".json")
    chosen: dict[str, str | None] = {name: _filter_value(name) for name in FILTERS}
    chosen["q"] = _search_value()
    page = _page_number()
    fmt = _page_format(json_path)
    etag = etag_for("projects", here().lang, here().lang_explicit, here().rewrite, json_path,
                    sorted((k, v or "") for k, v in chosen.items()), page, fmt)
    return answer_once("projects", etag, lambda: _respond(
        "site/projects.html", project_list_page(chosen, page, json_path), etag, fmt, json_path))


def _filter_value(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not _KEY.fullmatch(value):
        raise BadRequest(f"The {name} filter must be a key such as 049 or ongoing "
                         "(take one from the options of the list of projects).")
    return value


def _search_value() -> str | None:
    value = " ".join(request.args.get("q", "").split())
    if len(value) > MAX_SEARCH:
        raise BadRequest(f"The q parameter (text to look for in project names) is longer "
                         f"than {MAX_SEARCH} characters.")
    return value or None


def _page_number() -> int:
    raw = request.args.get("page", "1").strip() or "1"
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 6:
        raise BadRequest("The page parameter must be a whole number from 1 upwards.")
    return int(raw)
