"""`/validate`: SHACL validation for data stewards on the web.

`GET /validate` is a form: paste RDF, upload a file, or give the URL of a resource of this
service (resolved through the store, never fetched from the network), choose profiles and
optionally upload shapes of your own. `POST /validate` (the form, or a raw RDF body with its
`Content-Type`) answers the report by `Accept` or `format=`: HTML, JSON, Turtle or JSON-LD,
with the same content as `publisher validate`.

Uploads stay in memory (never on disk under a name the client chose) and are limited to
`limits.upload_max_bytes` (413 above) and a number of triples. Gzip is read wherever it comes:
a `.gz` file, a part or a request with `Content-Encoding: gzip`, or content starting with the
gzip bytes; the limits count the decompressed bytes, and decompression stops one byte past
them (publisher.shacl.compression). Each validation runs in a validation process
(`publisher.shacl.processes`) with a deadline and a memory cap: past either the process ends
and is replaced, so a heavy validation never keeps the server from answering others.

A browser that posts the form and meets a refusal gets the form again, in the page's language
(the form posts to a URL carrying it), with the error above it and the steward's input kept;
programs get the error as JSON or text (publisher.web.errors).
"""
from __future__ import annotations

import io
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from publisher.config import Settings
from publisher.i18n import N_, translate
from publisher.shacl import (INPUT_FORMATS, LANGUAGES, InputTooLarge, UnreadableInput,
                             default_profile,
                             format_for_media_type, format_for_name, input_text, load_profiles,
                             report_context, sniff_data, visible)
from publisher.shacl.catalogue_check import CHECK_PROFILE, report_fragment
from publisher.shacl.catalogue_check.job import KIND as CATALOGUE_CHECK
from publisher.shacl.compression import gunzip, is_gzip
from publisher.shacl.processes import (ValidationBusy, ValidationMemoryLimit,
                                       ValidationProcessEnded, ValidationProcesses,
                                       ValidationStopped, ValidationTimeLimit)
from publisher.store import check_iri
from publisher.vocab import JSONLD_CONTEXT_FILE, jsonld_context
from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.context import here, page_globals, publisher, settings, store
from publisher.web.errors import ERROR_TITLES, error_response
from publisher.web.negotiation import HTML_OFFERS, JSON_OFFER, negotiate, negotiate_or_406
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

FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}
PASTED = N_("pasted text")
#: the codings a body or an uploaded part may have
GZIP_CODINGS, PLAIN_CODINGS = {"gzip", "x-gzip"}, {"", "identity"}


class ValidationRefused(Exception):
    """A validation that cannot be run as asked: an HTTP status and a message (English, for
    programs), and what the message is for a reader of the form in another language: a
    message id and its values, or the code of an UnreadableInput."""

    def __init__(self, status: int, message: str, extra: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None, text: tuple[str, dict] | None = None,
                 code: str | None = None, params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.extra, self.headers = status, extra or {}, headers or {}
        self.text, self.code, self.params = text, code, params or {}

    def in_language(self, lang: str) -> str:
        """The message in `lang` where it has a translation, else in English."""
        if self.text is not None:
            msgid, values = self.text
            return translate(lang, msgid, **values)
        params = dict(self.params)
        if params.get("name") == PASTED:
            params["name"] = translate(lang, PASTED)
        return input_text(lang, self.code, params) or str(self)


def refusal(status: int, msgid: str, headers: dict[str, str] | None = None,
            **values: Any) -> ValidationRefused:
    """A refusal whose message is the id `msgid` (English for programs, translated on the
    form page)."""
    return ValidationRefused(status, translate("en", msgid, **values), headers=headers,
                             text=(msgid, values))


def unusable(error: UnreadableInput, status: int | None = None) -> ValidationRefused:
    """An input refused by publisher.shacl: 413 for a size, else 400."""
    from_size = status or (413 if isinstance(error, InputTooLarge) else 400)
    return ValidationRefused(from_size, str(error),
                             {"where": error.where, "line": error.line, "column": error.column},
                             code=error.code, params=error.params)


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


def _too_large(name: str | None = None) -> ValidationRefused:
    """413 for the request, or for one uploaded file, naming the limit."""
    limit = upload_limit(settings())
    values = {"limit": f"{limit:,}", "mib": f"{limit / 1048576:g}"}
    if name is None:
        return refusal(413, N_("The request is larger than the upload limit of %(limit)s bytes "
                               "(%(mib)s MiB, limits.upload_max_bytes). Validate a smaller "
                               "part, or use `publisher validate` on your own machine."), **values)
    return refusal(413, N_("The uploaded file '%(name)s' is larger than the upload limit of "
                           "%(limit)s bytes (%(mib)s MiB, limits.upload_max_bytes). Validate a "
                           "smaller part, or use `publisher validate` on your own machine."),
                   name=name, **values)


def _coding(value: str | None, name: str | None = None) -> bool:
    """Whether the Content-Encoding of the request (or of the uploaded file `name`) says
    gzip; 415 for a coding we do not read."""
    coding = visible((value or "").strip().lower()[:40])
    if coding in PLAIN_CODINGS:
        return False
    if coding in GZIP_CODINGS:
        return True
    if name is None:
        raise refusal(415, N_("The request has Content-Encoding '%(coding)s'; only gzip (or no "
                              "encoding) is read."), coding=coding)
    raise refusal(415, N_("The uploaded file '%(name)s' has Content-Encoding '%(coding)s'; only "
                          "gzip (or no encoding) is read."), name=name, coding=coding)


def _declared_gzip(data: bytes, name: str | None = None) -> None:
    """400 when the request (or the uploaded file `name`) says gzip and is not."""
    if is_gzip(data):
        return
    if name is None:
        raise refusal(400, N_("The request is declared gzip-compressed (Content-Encoding: "
                              "gzip) but is not gzip."))
    raise refusal(400, N_("The uploaded file '%(name)s' is declared gzip-compressed "
                          "(Content-Encoding: gzip) but is not gzip."), name=name)


# --------------------------------------------------------------------------- reading the request


def _in_memory(*_args: Any, **_kwargs: Any) -> io.BytesIO:
    """Werkzeug's stream factory: uploads stay in memory, never in a file."""
    return io.BytesIO()


def _form() -> tuple[dict[str, list[str]], dict[str, tuple[str, bytes]]]:
    """The form fields and uploaded files (name → (client's file name, bytes)); a request
    sent with Content-Encoding: gzip is decompressed first, within the same limit."""
    limit = upload_limit(settings())
    cap = 2 * limit + FORM_OVERHEAD_BYTES
    if request.content_length is not None and request.content_length > cap:
        raise _too_large()
    environ = request.environ
    if _coding(request.headers.get("Content-Encoding")):
        environ = _decompressed_environ(cap)
    try:
        _, form, files = parse_form_data(
            environ, stream_factory=_in_memory, max_form_memory_size=limit,
            max_content_length=cap, silent=False)
    except RequestEntityTooLarge:
        raise _too_large() from None
    uploads = {}
    for field_name in ("file", "shapes"):
        upload = files.get(field_name)
        if upload is not None and upload.filename:
            content = upload.stream.read(limit + 1)
            if len(content) > limit:
                raise _too_large(visible(Path(upload.filename).name[:200]))
            shown = visible(Path(upload.filename).name[:200])
            if _coding(upload.headers.get("Content-Encoding"), shown):
                _declared_gzip(content, shown)
            uploads[field_name] = (upload.filename, content)
    fields = {key: [v for v in form.getlist(key)] for key in form.keys()}
    return fields, uploads


def _decompressed_environ(cap: int) -> dict[str, Any]:
    """The request's environ with its gzip body decompressed (at most `cap` bytes, counted
    after decompression: a bomb stops there)."""
    body = request.stream.read(cap + 1)
    if len(body) > cap:
        raise _too_large()
    _declared_gzip(body)
    try:
        plain = gunzip(body, "request body", cap, "limits.upload_max_bytes")
    except UnreadableInput as error:
        raise unusable(error) from None
    environ = dict(request.environ)
    environ.pop("HTTP_CONTENT_ENCODING", None)
    environ.update({"wsgi.input": io.BytesIO(plain), "CONTENT_LENGTH": str(len(plain))})
    return environ


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
        raise _too_large()
    gzipped = _coding(request.headers.get("Content-Encoding"))
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    if gzipped:
        _declared_gzip(data)
    return "request body", data, fmt.name


def _one(fields: dict[str, list[str]], name: str) -> str:
    values = [v for v in fields.get(name, []) if v.strip()]
    return values[0].strip() if values else ""


def _format_name(choice: str, name: str, data: bytes) -> str:
    """The syntax of an input: as chosen, else by its file name's extension ("data.nt.gz"
    is N-Triples), else by its content, inside a gzip too (Turtle when nothing tells)."""
    try:
        if choice or Path(name).suffix:
            return format_for_name(name, choice or None).name
    except UnreadableInput as error:
        if choice:
            raise unusable(error, 400) from None
    looks = sniff_data(data)
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
        raise refusal(400, N_("Unknown profile '%(profile)s'; choose from %(known)s."),
                      profile=visible(unknown[0][:100]), known=", ".join(known))
    lang = _one(fields, "lang")
    return profiles, lang if lang in LANGUAGES else here().lang


def build_job(fields: dict[str, list[str]], uploads: dict[str, tuple[str, bytes]],
              raw: tuple[str, bytes, str] | None, formats: list[str]) -> tuple[dict[str, Any], bool]:
    """The job for a worker (and whether it is big) from what the request gave."""
    profiles, lang = _choices(fields)
    sources = [s for s in (raw is not None, bool(_one(fields, "data")), "file" in uploads,
                           bool(_one(fields, "url"))) if s]
    if len(sources) != 1:
        raise refusal(400, N_("Give exactly one thing to validate: pasted text (data), an "
                              "uploaded file (file) or the URL of a resource of this service "
                              "(url); %(count)s given."), count=len(sources))
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
        data = _one_raw(fields, "data").encode("utf-8")     # line numbers as pasted
        item = {"data": data, "name": PASTED, "format": _format_name(choice, "", data)}
    else:
        item, kind, focus = resource_input(_one(fields, "url"))
        if not profiles and "shapes" not in uploads:
            profiles = [default_profile(settings(), kind)]
    if CHECK_PROFILE in profiles:
        return catalogue_job(item, profiles, uploads, lang)
    shapes = []
    if "shapes" in uploads:
        name, data = uploads["shapes"]
        shapes.append({"data": data, "name": Path(name).name,
                       "format": _format_name(_one(fields, "shapes_format"), name, data)})
    job = {"settings": settings(), "inputs": [item], "shapes": shapes, "profiles": profiles,
           "lang": lang, "focus_nodes": focus, "formats": formats,
           "max_bytes": upload_limit(settings()), "max_triples": MAX_TRIPLES,
           "bytes_setting": "limits.upload_max_bytes", "contexts": our_contexts()}
    parts = [item["data"]] + [s["data"] for s in shapes]
    # a process is retired after a big job; gzip may hold up to the limit whatever its size
    return job, sum(map(len, parts)) > BIG_JOB_BYTES or any(map(is_gzip, parts))


def our_contexts() -> dict[str, bytes]:
    """Our JSON-LD context, by the references our compacted JSON-LD names it with (its URL,
    and `context.jsonld` as data.jsonld names it), so a steward can validate what we
    publish; nothing is fetched."""
    folder = publisher().release_dir()
    path = folder / JSONLD_CONTEXT_FILE if folder is not None else None
    if path is None or not path.is_file():
        return {}
    data = path.read_bytes()
    return {JSONLD_CONTEXT_FILE: data, jsonld_context(settings().base_uri): data}


def catalogue_job(item: dict[str, Any], profiles: list[str],
                  uploads: dict[str, tuple[str, bytes]],
                  lang: str) -> tuple[dict[str, Any], bool]:
    """The catalogue check of one catalogue (a profile of its own, chosen alone): our own
    URLs are answered from the served release's files, nothing is fetched."""
    if len(profiles) > 1 or "shapes" in uploads:
        raise refusal(400, N_("The catalogue check runs its own profiles: choose it alone, "
                              "without other profiles or shapes of your own."))
    folder = publisher().release_dir()
    current = here()
    job = {"kind": CATALOGUE_CHECK, "settings": settings(), "inputs": [item], "lang": lang,
           "max_bytes": upload_limit(settings()), "max_triples": MAX_TRIPLES,
           "bytes_setting": "limits.upload_max_bytes",
           "release_dir": str(folder) if folder is not None else None,
           "roots": [current.root] if current.root != settings().base_uri else []}
    return job, len(item["data"]) > BIG_JOB_BYTES or is_gzip(item["data"])


def _catalogue_answer(report: dict[str, Any], fmt: str) -> Response:
    """The catalogue check's report: a page of the site, or its JSON."""
    if fmt == "html":
        body = render_template("validation/catalogue.html", **page_globals(), page="validate",
                               fragment=report_fragment(report, report["lang"]))
        response = Response(body, mimetype="text/html")
    else:
        response = Response(json.dumps(report, ensure_ascii=False, indent=2),
                            content_type=REPORT_MEDIA["json"])
    response.headers["X-Validation-Conforms"] = "true" if report["conforms"] else "false"
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


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
        raise ValidationRefused(413 if status == "too_large" else 400, answer["message"], extra,
                                code=answer.get("code"), params=answer.get("params"))
    if status != "ok":
        raise ValidationRefused(500, f"The validation failed: {answer.get('message')}")
    report = answer["report"]
    if answer.get("kind") == CATALOGUE_CHECK:
        return _catalogue_answer(report, fmt)
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


@dataclass
class Attempt:
    """What a request gave, kept as it is read, so that a refusal can show it again."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    from_form: bool = False


@bp.route("/validate", methods=["GET", "POST"])
def validate() -> Response:
    attempt = Attempt()
    try:
        if request.method == "GET" and not request.args.get("url"):
            return _form_page()
        return _validate(attempt)
    except ValidationRefused as refused:
        if _wants_form_page(attempt):
            return _form_with_error(attempt, refused)
        return error_response(refused.status, visible(str(refused)), refused.headers,
                              refused.extra)


def _validate(attempt: Attempt) -> Response:
    attempt.fields = {key: request.args.getlist(key) for key in request.args.keys()}
    attempt.from_form = request.method == "GET" or request.mimetype in FORM_TYPES
    raw = None
    if request.mimetype in FORM_TYPES:
        attempt.fields, attempt.uploads = _form()
    elif request.method == "POST" and (request.mimetype or request.content_length):
        raw = _raw_body()
    fmt = _report_format(attempt.fields)
    job, big = build_job(attempt.fields, attempt.uploads, raw,
                         [fmt] if fmt in {"turtle", "jsonld"} else [])
    if job.get("kind") == CATALOGUE_CHECK and fmt not in {"html", "json"}:
        raise refusal(406, N_("The catalogue check answers HTML or JSON (format=html or "
                              "format=json)."))
    return _answer(_run_validation(job, time_limit(settings()), big), fmt)


def _wants_form_page(attempt: Attempt) -> bool:
    """A refusal goes back onto the form for a browser that used it: a form (or a GET with
    ?url=) whose report would be HTML."""
    if not attempt.from_form:
        return False
    asked = _one(attempt.fields, "format") or request.args.get("format", "")
    if asked:
        return asked == "html"
    try:
        return negotiate(REPORT_OFFERS, request.headers.get("Accept")) == "html"
    except HTTPException:
        return False


def _form_page() -> Response:
    current = here()
    lang = current.lang
    etag = etag_for("validate-form", lang, current.rewrite)
    processes().warm()
    return answer_once("validate-form", etag, lambda: _form_answer(lang, etag))


def _form_answer(lang: str, etag: str | None) -> Response:
    body = _form_body(lang)
    return cacheable(Response(body, mimetype="text/html"), etag, ["Accept-Language"])


def _form_with_error(attempt: Attempt, refused: ValidationRefused) -> Response:
    """The form again, in the page's language, with the error above it and what the steward
    gave in it (an uploaded file is named: a browser cannot put it back)."""
    lang = here().lang
    fields = attempt.fields
    title = ERROR_TITLES.get(refused.status, N_("The input cannot be validated"))
    uploaded = attempt.uploads.get("file", (None, b""))[0] or None
    kept = {"data": visible(_one_raw(fields, "data")), "url": visible(_one(fields, "url")),
            "input_format": _one(fields, "input_format"), "format": _one(fields, "format"),
            "lang": _one(fields, "lang"), "profiles": set(fields.get("profile", [])),
            "file_name": visible(Path(uploaded).name) if uploaded else None,
            "shapes_name": visible(Path(attempt.uploads["shapes"][0]).name)
            if "shapes" in attempt.uploads else None}
    error = {"status": refused.status, "title": translate(lang, title),
             "message": visible(refused.in_language(lang))}
    response = Response(_form_body(lang, kept, error), status=refused.status,
                        mimetype="text/html")
    for name, value in refused.headers.items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _one_raw(fields: dict[str, list[str]], name: str) -> str:
    """A field as the steward typed it (pasted text keeps its spacing)."""
    values = [v for v in fields.get(name, []) if v.strip()]
    return values[0] if values else ""


def _form_body(lang: str, kept: dict[str, Any] | None = None,
               error: dict[str, Any] | None = None) -> str:
    """The form page; it posts to a URL carrying its language, so answers and errors come
    in the language the steward reads."""
    current = here()
    limits = settings().limits
    profiles = [{"name": p.name, "title": p.title(lang), "description": p.description(lang)}
                for p in load_profiles(settings()).values()]
    example = current.local(settings().base_uri + "ontology")
    return render_template(
        "validation/form.html", **page_globals(), page="validate", profiles=profiles,
        formats=list(INPUT_FORMATS.values()), report_languages=LANGUAGES,
        example_url=example, form_action=current.page("validate") + "?lang=" + lang,
        accept=",".join(s + gz for f in INPUT_FORMATS.values() for s in f.suffixes
                        for gz in ("", ".gz")) + ",.gz",
        kept=kept or {"profiles": set()}, error=error,
        limit_mib=f"{limits.upload_max_bytes / 1048576:g}", max_triples=f"{MAX_TRIPLES:,}",
        seconds=f"{time_limit(settings()):g}", service_url=current.root + "validate")
