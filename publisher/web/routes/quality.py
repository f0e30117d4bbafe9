"""`/catalog/quality`: the EU Metadata Quality Assessment score of the release's catalogue —
per dataset, per dimension and per indicator — read from the DQV measurements the build put
into `catalog.ttl` (publisher.shacl.mqa computes them; the web only reads them). HTML in
fi/sv/en, the page as JSON, the measurements as RDF by `Accept` or extension."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import NotFound

from publisher.docs.labels import pick_literal
from publisher.i18n import translate
from publisher.shacl.mqa import (DIMENSION_BY_ID, DIMENSIONS, INDICATOR_BY_ID, INDICATORS,
                                 METHODOLOGY, RATING_NAMES, MeasuredDataset, read_dqv)
from publisher.shacl.mqa.dqv import dataset_key
from publisher.store import StoreError, rewrite_triples, serialize_graph
from publisher.vocab import CATALOG_FILE, DCAT, DCTERMS, DQV, RDF_TYPE, SCHEMA, SKOS, XSD
from publisher.web.answers import answer_once, cacheable, etag_for
from publisher.web.context import here, page_globals
from publisher.web.negotiation import (DOCUMENT_OFFERS, FORMAT_EXTENSION, MEDIA_TYPES,
                                       RDF_NAMES, negotiate_or_406, split_extension)
from publisher.web.release_files import release_folder

bp = Blueprint("quality", __name__)
_DQV_TYPES = {DQV + "QualityMeasurement", DQV + "Metric", DQV + "Dimension", DQV + "Category"}


@bp.route("/catalog/quality")
@bp.route("/catalog/quality.<ext>")
def quality(ext: str | None = None) -> Response:
    fmt = None
    if ext is not None:
        _, fmt = split_extension("x." + ext, RDF_NAMES | {"html", "json"})
        if fmt is None:
            raise NotFound()
    negotiated = fmt is None
    if fmt is None:
        fmt = negotiate_or_406(DOCUMENT_OFFERS, request.headers.get("Accept"))
    source = release_folder(None) / CATALOG_FILE
    if not source.is_file():
        raise NotFound("The release has no catalog.ttl.")
    lang = here().lang
    etag = etag_for("quality", str(source), source.stat().st_mtime_ns, fmt, here().rewrite,
                    lang if fmt in ("html", "json") else "")
    return answer_once("quality", etag,
                       lambda: _answer(source, fmt, lang, etag, negotiated))


def _read(source: Path) -> list[ox.Triple]:
    try:
        return [q.triple for q in ox.parse(path=str(source), format=ox.RdfFormat.TURTLE)]
    except (SyntaxError, OSError) as error:
        raise StoreError(f"catalog.ttl of the release cannot be read: {error}") from None


def measurement_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The DQV part of a catalogue: measurements, metrics, dimensions, their category, and
    the datasets' links to their measurements."""
    typed = {t.subject for t in triples
             if t.predicate.value == RDF_TYPE and t.object.value in _DQV_TYPES}
    return [t for t in triples if t.subject in typed
            or t.predicate.value == DQV + "hasQualityMeasurement"]


def _answer(source: Path, fmt: str, lang: str, etag: str | None,
            negotiated: bool) -> Response:
    vary = ["Accept"] if negotiated else []
    triples = _read(source)
    measured = read_dqv(triples)
    if not measured:
        raise NotFound("The release's catalogue has no quality measurements: rebuild it "
                       "(`publisher build`).")
    if fmt in RDF_NAMES:
        body = serialize_graph(rewrite_triples(measurement_triples(triples), here().rewrite), fmt,
                               prefixes={"dqv": DQV, "dcterms": DCTERMS, "dcat": DCAT,
                                         "skos": SKOS, "schema": SCHEMA, "xsd": XSD})
        media = MEDIA_TYPES[fmt]
        response = Response(body, content_type=media + (
            "; charset=utf-8" if media.startswith("text/") else ""))
        return cacheable(response, etag, vary)
    datasets = [_view(d, triples, lang) for d in measured]
    if fmt == "json":
        return cacheable(jsonify({"methodology": METHODOLOGY, "datasets": datasets}), etag,
                         vary + ["Accept-Language"])
    formats = [{"name": label, "href": here().page(f"catalog/quality.{FORMAT_EXTENSION[f]}"),
                "type": MEDIA_TYPES[f]}
               for f, label in (("turtle", "Turtle"), ("jsonld", "JSON-LD"),
                                ("rdfxml", "RDF/XML"), ("ntriples", "N-Triples"),
                                ("json", "JSON"))]
    body = render_template("quality/quality.html", **page_globals(), page="quality",
                           datasets=datasets, formats=formats, methodology=METHODOLOGY,
                           **_methodology(lang))
    return cacheable(Response(body, mimetype="text/html"), etag, vary + ["Accept-Language"])


def _methodology(lang: str) -> dict[str, Any]:
    """The dimensions and indicators with their weights: the page's elements that the DQV
    metrics and dimensions (`…/catalog/quality#metric-…`, `#dimension-…`) point at."""
    return {"dimension_list": [{"id": d.id, "name": translate(lang, d.name),
                                "maximum": d.maximum} for d in DIMENSIONS],
            "metrics": [{"id": i.id, "name": translate(lang, i.name), "dimension": i.dimension,
                         "dimension_name": translate(lang, DIMENSION_BY_ID[i.dimension].name),
                         "weight": i.weight} for i in INDICATORS]}


def _view(measured: MeasuredDataset, triples: list[ox.Triple], lang: str) -> dict[str, Any]:
    """One dataset's figures with names in the page's language, dimension by dimension (the
    catalogue's IRIs are shown, not linked: the site has no page for a dataset or a
    distribution)."""
    titles = [t.object for t in triples if t.subject.value == measured.dataset
              and t.predicate.value == DCTERMS + "title"]
    title = pick_literal(titles, lang)
    dimensions = []
    for dimension, points, maximum in measured.dimensions:
        name = DIMENSION_BY_ID[dimension].name
        indicators = [{"indicator": m.indicator,
                       "name": translate(lang, INDICATOR_BY_ID[m.indicator].name),
                       "points": m.points, "weight": m.weight, "met": m.met,
                       "computed_on": m.subject}
                      for m in measured.indicators if m.dimension == dimension]
        dimensions.append({"dimension": dimension, "name": translate(lang, name),
                           "points": points, "maximum": maximum, "indicators": indicators})
    return {"dataset": measured.dataset, "iri": here().local(measured.dataset),
            "key": dataset_key(measured.dataset),
            "title": title["value"] if title else measured.dataset,
            "total": measured.total, "maximum": measured.maximum,
            "rating": measured.rating,
            "rating_name": translate(lang, RATING_NAMES[measured.rating]),
            "dimensions": dimensions}
