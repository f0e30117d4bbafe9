"""`/validate`: SHACL validation for data stewards on the web.

`GET /validate` is a form: paste RDF, upload a file, or give the URL of a resource of this
service (resolved through the store, never fetched from the network), choose profiles and
optionally upload shapes of your own. `POST /validate` (the form, or a raw RDF body with its
`Content-Type`) answers the report by `Accept` or `format=`: HTML, JSON, Turtle or JSON-LD,
with the same content as `publisher validate`.

Uploads stay in memory (never on disk under a name the client chose) and are limited to
`limits.upload_max_bytes` (413 above) and a number of triples. Each validation runs in a
validation process (`publisher.shacl.processes`) with a deadline and a memory cap: past either
the process ends and is replaced, so a heavy validation never keeps the server from answering
others.
"""
from __future__ import annotations

import io
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from publisher.config import Settings
from publisher.shacl import (INPUT_FORMATS, LANGUAGES, UnreadableInput, default_profile,
                             format_for_media_type, format_for_name, load_profiles,
                             report_context, sniff)
from publisher.shacl.processes import (ValidationBusy, ValidationMemoryLimit,
                                       ValidationProcessEnded, ValidationProcesses,
                                       ValidationStopped, ValidationTimeLimit)
from publisher.store import check_iri
from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.context import here, page_globals, publisher, settings, store
from publisher.web.errors import error_response
from publisher.web.negotiation import HTML_OFFERS, JSON_OFFER, negotiate_or_406
from publisher.web.pages.release_data import ontology_triples

bp = Blueprint("validation", __name__)

#: what a report can be: HTML for browsers, the JSON report, the SHACL report graph
REPORT_OFFERS = HTML_OFFERS + [JSON_OFFER, ("text/turtle", "turtle"),
                               ("application/ld+json", "jsonld")]
REPORT_MEDIA = {"json": "application/json", "turtle": "text/turtle; charset=utf-8",
                "jsonld": "application/ld+json"}
FORM_OVERHEAD_BYTES = 64 * 1024       # multipart boundaries and the small fields
MAX_TRIPLES = 250_000                 # rdflib holds ~1–2 kB a triple in the worker
BIG_JOB_BYTES = 1024 * 1024           # ... or after one this large (memory is not returned)

class ValidationRefused(Exception):
    """A validation that cannot be run as asked: an HTTP status and a message."""

    def __init__(self, status: int, message: str, extra: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.extra, self.headers = status, extra or {}, headers or {}


# --------------------------------------------------------------------------- validation processes


def processes() -> ValidationProcesses:
    """The app's validation processes, made on first use."""
    extensions = current_app.extensions
    with _PROCESSES_LOCK:
        if "validation_processes" not in extensions:
            limits = settings().limits
            size = limits.validation_processes or max(1, (os.cpu_count() or 2) // 2)
            extensions["validation_processes"] = ValidationProcesses(
                size, limits.validation_memory_mib)
        return extensions["validation_processes"]


_PROCESSES_LOCK = threading.Lock()
#: How each way a validation stops is answered: status, and headers.
_STOPPED = {ValidationBusy: (503, {"Retry-After": "10"}), ValidationTimeLimit: (503, {}),
            ValidationMemoryLimit: (413, {}), ValidationProcessEnded: (503, {})}


def _run_validation(job: dict[str, Any], timeout: float, big: bool) -> dict[str, Any]:
    try:
        return processes().run(job, timeout, big)
    except ValidationStopped as stopped:
        status, headers = _STOPPED[type(stopped)]
        raise ValidationRefused(status, str(stopped), headers=headers) from None


# --------------------------------------------------------------------------- limits


def upload_limit(current: Settings) -> int:
    return current.limits.upload_max_bytes


def time_limit(current: Settings) -> float:
    """How long one validation may run (`limits.validation_timeout_seconds`)."""
    return float(current.limits.validation_timeout_seconds)


@bp.before_app_request
def allow_uploads() -> None:
    """Raise this request's body limit from the app's (made for queries) to the upload limit:
    one data file and one shapes file of `upload_max_bytes` each, and the form around them."""
    if request.endpoint == "validation.validate" and request.method == "POST":
        request.max_content_length = 2 * upload_limit(settings()) + FORM_OVERHEAD_BYTES
        request.max_form_memory_size = upload_limit(settings())


def _too_large(what: str) -> ValidationRefused:
    limit = upload_limit(settings())
    return ValidationRefused(413, f"{what} is larger than the upload limit of {limit:,} bytes "
                                  f"({limit / 1048576:g} MiB). Validate a smaller part, or use "
                                  "`publisher validate` on your own machine.")


# --------------------------------------------------------------------------- reading the request


def _in_memory(*_args: Any, **_kwargs: Any) -> io.BytesIO:
    """Werkzeug's stream factory: uploads stay in memory, never in a file."""
    return io.BytesIO()


def _form() -> tuple[dict[str, list[str]], dict[str, tuple[str, bytes]]]:
    """The form fields and uploaded files (name → (client's file name, bytes))."""
    limit = upload_limit(settings())
    if request.content_length is not None and request.content_length > (
            2 * limit + FORM_OVERHEAD_BYTES):
        raise _too_large("The request")
    try:
        _, form, files = parse_form_data(
            request.environ, stream_factory=_in_memory, max_form_memory_size=limit,
            max_content_length=2 * limit + FORM_OVERHEAD_BYTES, silent=False)
    except RequestEntityTooLarge:
        raise _too_large("The request") from None
    uploads = {}
    for field_name in ("file", "shapes"):
        upload = files.get(field_name)
        if upload is not None and upload.filename:
            content = upload.stream.read(limit + 1)
            if len(content) > limit:
                raise _too_large(f"The uploaded file '{upload.filename}'")
            uploads[field_name] = (upload.filename, content)
    fields = {key: [v for v in form.getlist(key)] for key in form.keys()}
    return fields, uploads


def _raw_body() -> tuple[str, bytes, str]:
    """A POST whose body is the RDF itself: (name, bytes, format name)."""
    media_type = request.mimetype or ""
    fmt = format_for_media_type(media_type)
    if fmt is None:
        raise ValidationRefused(415, f"POST /validate takes a form (multipart/form-data) or RDF "
                                     f"with its media type; '{media_type or 'none'}' is neither. "
                                     "Send for example Content-Type: text/turtle.")
    limit = upload_limit(settings())
    if request.content_length is not None and request.content_length > limit:
        raise _too_large("The request body")
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large("The request body")
    return "request body", data, fmt.name


def _one(fields: dict[str, list[str]], name: str) -> str:
    values = [v for v in fields.get(name, []) if v.strip()]
    return values[0].strip() if values else ""


def _format_name(choice: str, name: str, data: bytes) -> str:
    """The syntax of an input: as chosen, else by its file name's extension, else by its
    content (Turtle when nothing tells)."""
    try:
        if choice or Path(name).suffix:
            return format_for_name(name, choice or None).name
    except UnreadableInput as error:
        if choice:
            raise ValidationRefused(400, str(error)) from None
    looks = sniff(data[:512])
    return looks if looks in INPUT_FORMATS else "turtle"


# --------------------------------------------------------------------------- resources of ours


def _our_iri(url: str) -> str:
    """The base-URI form of a URL of this service; any other URL is refused (400)."""
    current = here()
    text = url.strip()
    if text.startswith("/"):
        text = current.root + text.lstrip("/")
    mapped = current.to_base(text)
    base = settings().base_uri
    if not mapped.startswith(base):
        also = f" (or {current.root})" if current.root != base else ""
        raise ValidationRefused(400, f"'{url}' is not a resource of this service: only URLs "
                                     f"under {base}{also} are validated by address, and nothing "
                                     "is fetched from elsewhere. Paste or upload other data "
                                     "instead.")
    return mapped.split("#", 1)[0].split("?", 1)[0]


def _strip_extension(path: str) -> str:
    stem, dot, ext = path.rpartition(".")
    return stem if dot and "/" not in ext and ext in {"html", "ttl", "jsonld", "rdf", "nt",
                                                      "json"} else path


# A key of our URIs (publisher.build.keys makes them lowercase ASCII with dashes; document keys and
# vocabulary terms add digits, capitals and dots): nothing that could end an IRI in a query.
_KEY = r"[A-Za-z0-9][A-Za-z0-9._~-]{0,199}"
_RESOURCE_PATH = re.compile(rf"(?:id|doc)/{_KEY}/{_KEY}|graph/{_KEY}|def/{_KEY}"
                            r"|ontology|catalog|def/?")


def _checked_path(rest: str, url: str) -> None:
    """Refuse (400) a path of ours that is not one of our URI patterns with a plain key, before
    any part of it goes into a query."""
    base = settings().base_uri
    if not _RESOURCE_PATH.fullmatch(rest):
        raise ValidationRefused(
            400, f"<{base + rest}> is not a resource URL of this service. A valid address is "
                 f"{base}id/{{type}}/{{key}} (or doc/), {base}graph/{{key}}, {base}def/{{Term}}, "
                 f"{base}ontology or {base}catalog, where a type, key or term has only letters, "
                 "digits and - _ . ~ — for example "
                 f"{base}id/project/kuntien-evaka or {base}graph/reference.")
    try:
        check_iri(base + rest)
    except ValueError:
        raise ValidationRefused(400, f"'{url}' is not a usable IRI.") from None


def resource_input(url: str) -> tuple[dict[str, Any], str, list[str]]:
    """The triples behind a URL of ours, as a job input; the kind of profile that fits it
    (data, vocabulary, catalogue); and the focus nodes (a single resource, or all)."""
    iri = _our_iri(url)
    base = settings().base_uri
    rest = _strip_extension(iri[len(base):])
    _checked_path(rest, url)
    focus: list[str] = []
    if rest in {"ontology", "def", "def/"}:
        triples, kind = ontology_triples(), "vocabulary"
    elif rest.startswith("def/"):
        term = base + rest
        triples, kind = [t for t in ontology_triples() if t.subject == ox.NamedNode(term)], "vocabulary"
    elif rest == "catalog":
        return _catalogue_input(url), "catalogue", []
    elif rest.startswith("graph/"):
        triples, kind = store().graph_triples(base + rest), "data"
    elif rest.startswith(("id/", "doc/")):
        iri = base + "id/" + rest.split("/", 1)[1]
        triples, kind, focus = store().describe(iri), "data", [iri]
    else:
        raise ValidationRefused(400, f"<{iri}> is not a resource URL: give one under "
                                     f"{base}id/, doc/, def/, graph/, or {base}ontology or "
                                     f"{base}catalog.")
    if not triples:
        raise ValidationRefused(400, f"There is no resource <{iri}> in this dataset.")
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return {"data": data, "name": iri, "format": "ntriples"}, kind, focus


def _catalogue_input(url: str) -> dict[str, Any]:
    folder = publisher().release_dir()
    path = folder / "catalog.ttl" if folder is not None else None
    if path is None or not path.is_file():
        raise ValidationRefused(400, "This release has no catalogue (catalog.ttl) to validate.")
    return {"data": path.read_bytes(), "name": url, "format": "turtle"}


# --------------------------------------------------------------------------- the job


def _choices(fields: dict[str, list[str]]) -> tuple[list[str], str]:
    profiles = [p for p in fields.get("profile", []) if p.strip()]
    known = load_profiles(settings())
    unknown = [p for p in profiles if p not in known]
    if unknown:
        raise ValidationRefused(400, f"Unknown profile '{unknown[0]}'; choose from "
                                     f"{', '.join(known)}.")
    lang = _one(fields, "lang")
    return profiles, lang if lang in LANGUAGES else here().lang


def build_job(fields: dict[str, list[str]], uploads: dict[str, tuple[str, bytes]],
              raw: tuple[str, bytes, str] | None, formats: list[str]) -> tuple[dict[str, Any], bool]:
    """The job for a worker (and whether it is big) from what the request gave."""
    profiles, lang = _choices(fields)
    sources = [s for s in (raw is not None, bool(_one(fields, "data")), "file" in uploads,
                           bool(_one(fields, "url"))) if s]
    if len(sources) != 1:
        raise ValidationRefused(400, "Give exactly one thing to validate: pasted text (data), "
                                     "an uploaded file (file) or the URL of a resource of this "
                                     f"service (url); {len(sources)} given.")
    focus: list[str] = []
    choice = _one(fields, "input_format")
    if raw is not None:
        name, data, fmt = raw
        item = {"data": data, "name": name, "format": fmt}
    elif "file" in uploads:
        name, data = uploads["file"]
        item = {"data": data, "name": Path(name).name,
                "format": _format_name(choice, name, data)}
    elif _one(fields, "data"):
        data = _one(fields, "data").encode("utf-8")
        item = {"data": data, "name": "pasted text", "format": _format_name(choice, "", data)}
    else:
        item, kind, focus = resource_input(_one(fields, "url"))
        if not profiles and "shapes" not in uploads:
            profiles = [default_profile(settings(), kind)]
    shapes = []
    if "shapes" in uploads:
        name, data = uploads["shapes"]
        shapes.append({"data": data, "name": Path(name).name,
                       "format": _format_name(_one(fields, "shapes_format"), name, data)})
    job = {"settings": settings(), "inputs": [item], "shapes": shapes, "profiles": profiles,
           "lang": lang, "focus_nodes": focus, "formats": formats,
           "max_bytes": upload_limit(settings()), "max_triples": MAX_TRIPLES}
    size = len(item["data"]) + sum(len(s["data"]) for s in shapes)
    return job, size > BIG_JOB_BYTES


def _report_format(fields: dict[str, list[str]]) -> str:
    asked = _one(fields, "format") or request.args.get("format", "")
    if asked in {"html", "json", "turtle", "jsonld"}:
        return asked
    if asked == "json-ld":
        return "jsonld"
    return negotiate_or_406(REPORT_OFFERS, request.headers.get("Accept"))


def _answer(answer: dict[str, Any], fmt: str) -> Response:
    """The worker's answer as the response: the report, or the error it met."""
    status = answer.get("status")
    if status in {"unreadable", "too_large"}:
        extra = {k: answer.get(k) for k in ("where", "line", "column")}
        raise ValidationRefused(413 if status == "too_large" else 400, answer["message"], extra)
    if status != "ok":
        raise ValidationRefused(500, f"The validation failed: {answer.get('message')}")
    report = answer["report"]
    if fmt == "html":
        body = render_template("validation/result.html", **page_globals(), page="validate",
                               **report_context(report, report["lang"]))
        response = Response(body, mimetype="text/html")
    elif fmt == "json":
        response = Response(json.dumps(report, ensure_ascii=False, indent=2),
                            content_type=REPORT_MEDIA["json"])
    else:
        response = Response(answer["rendered"][fmt], content_type=REPORT_MEDIA[fmt])
    response.headers["X-Validation-Conforms"] = "true" if report["conforms"] else "false"
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


# --------------------------------------------------------------------------- routes


@bp.route("/validate", methods=["GET", "POST"])
def validate() -> Response:
    try:
        if request.method == "GET" and not request.args.get("url"):
            return _form_page()
        return _validate()
    except ValidationRefused as refused:
        return error_response(refused.status, str(refused), refused.headers, refused.extra)


def _validate() -> Response:
    fields = {key: request.args.getlist(key) for key in request.args.keys()}
    uploads: dict[str, tuple[str, bytes]] = {}
    raw = None
    if request.mimetype in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        fields, uploads = _form()
    elif request.method == "POST" and (request.mimetype or request.content_length):
        raw = _raw_body()
    fmt = _report_format(fields)
    job, big = build_job(fields, uploads, raw, [fmt] if fmt in {"turtle", "jsonld"} else [])
    return _answer(_run_validation(job, time_limit(settings()), big), fmt)


def _form_page() -> Response:
    current = here()
    lang = current.lang
    etag = etag_for("validate-form", lang, current.rewrite)
    processes().warm()
    return answer_once("validate-form", etag, lambda: _form_answer(lang, etag))


def _form_answer(lang: str, etag: str | None) -> Response:
    current = here()
    limits = settings().limits
    profiles = [{"name": p.name, "title": p.title(lang), "description": p.description(lang)}
                for p in load_profiles(settings()).values()]
    example = current.local(settings().base_uri + "ontology")
    body = render_template(
        "validation/form.html", **page_globals(), page="validate", profiles=profiles,
        formats=list(INPUT_FORMATS.values()), report_languages=LANGUAGES,
        example_url=example,
        limit_mib=f"{limits.upload_max_bytes / 1048576:g}", max_triples=f"{MAX_TRIPLES:,}",
        seconds=f"{time_limit(settings()):g}", service_url=current.root + "validate")
    return cacheable(Response(body, mimetype="text/html"), etag, ["Accept-Language"])
