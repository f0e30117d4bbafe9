"""Memento (RFC 7089) headers and the TimeGate: what `/doc/…` and the mementos share —
the `Link`s between a resource, its TimeGate, its TimeMap and its mementos, the answer to
`Accept-Datetime`, and the 410 of a resource the history says was removed."""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

from flask import Response, abort, redirect
from werkzeug.exceptions import BadRequest, NotFound

from publisher.history import Version
from publisher.vocab import document, is_thing, timemap_iri, version_iri
from publisher.web.context import here, settings
from publisher.web.errors import error_response
from publisher.web.history import History, current_history, readable_history
from publisher.web.state import parse_time

LINK_FORMAT = "application/link-format"


def http_date(built: str) -> str:
    moment = parse_time(built) or datetime(1970, 1, 1, tzinfo=timezone.utc)
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def accept_datetime(header: str) -> datetime:
    """The `Accept-Datetime` header as an aware datetime; 400 for anything but an HTTP date
    (RFC 7089, 2.1.1: RFC 1123 form in GMT)."""
    try:
        when = parsedate_to_datetime(header[:64])
    except (TypeError, ValueError, IndexError):
        when = None
    if when is None or len(header) > 64:
        raise BadRequest("Accept-Datetime must be an HTTP date such as "
                         "'Thu, 01 Jan 2026 00:00:00 GMT' (RFC 7089).")
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def timegate_of(iri: str) -> str | None:
    """`/doc/{type}/{key}` of a thing's IRI (its TimeGate); None for other IRIs."""
    rest = iri[len(settings().base_uri):] if iri.startswith(settings().base_uri) else ""
    parts = rest.split("/")
    if len(parts) == 3 and parts[0] == "id" and is_thing(parts[1], parts[2]):
        return document(settings().base_uri, parts[1], parts[2])
    return None


def memento_links(iri: str, history: History, version: Version | None = None) -> str:
    """The `Link` header of a memento or a TimeGate answer."""
    local = here().local
    links = [f'<{local(iri)}>; rel="original"']
    gate = timegate_of(iri)
    if gate is not None:
        links.append(f'<{local(gate)}>; rel="timegate"')
    links.append(f'<{local(timemap_iri(settings().base_uri, iri))}>; rel="timemap"; '
                 f'type="{LINK_FORMAT}"')
    mementos = history.mementos(iri)
    if version is not None and mementos:
        for rel, chosen in (("first memento", mementos[0]), ("last memento", mementos[-1])):
            if chosen.release != version.release:
                links.append(f'<{local(version_iri(settings().base_uri, chosen.release, iri))}>;'
                             f' rel="{rel}"; datetime="{http_date(chosen.built)}"')
    return ", ".join(links)


def timegate_redirect(iri: str, header: str) -> Response:
    """`Accept-Datetime` on `/doc/…`: 302 to the memento valid then (the first one for a
    date before every version), `Vary: accept-datetime`."""
    when = accept_datetime(header)
    history = current_history()
    chosen = history.at(iri, when)
    if chosen is None:
        raise no_versions(iri, history)
    target = here().local(version_iri(settings().base_uri, chosen.release, iri))
    response = redirect(target, code=302)
    response.headers["Vary"] = "Accept-Datetime"
    response.headers["Link"] = memento_links(iri, history, chosen)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def no_versions(iri: str, history: History) -> NotFound:
    """The 404 of a resource without versions: unknown, or unchanged since older releases
    were removed (then its description now is the only one there is)."""
    message = f"<{iri}> has no versions in this dataset's history."
    if history.starting_from is not None:
        message += (f" Releases built before {history.starting_from} were removed (release.keep);"
                    " a resource unchanged since has only its current description, without "
                    "Accept-Datetime.")
    return NotFound(message)


def gone(iri: str) -> None:
    """410 for a resource the history says was removed, linking its last memento."""
    history = readable_history()
    removal = history.removed(iri) if history is not None else None
    if history is None or removal is None:
        return
    kept = history.mementos(iri)
    headers = {"Link": memento_links(iri, history)}
    message = f"<{iri}> was removed in release {removal.release} ({removal.built})."
    if kept:
        last = here().local(version_iri(settings().base_uri, kept[-1].release, iri))
        headers["Link"] += f', <{last}>; rel="last memento"; datetime="{http_date(kept[-1].built)}"'
        message += f" Its last version: {last}"
    abort(error_response(410, message, headers))
