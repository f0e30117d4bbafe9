"""Reading the WKT literals the reference graph carries (POLYGON and MULTIPOLYGON in CRS84,
as publisher/build/geometry.py writes them) into lists of rings of (longitude, latitude)."""
from __future__ import annotations

import re

Point = tuple[float, float]
Polygon = list[list[Point]]

_CRS = re.compile(r"^\s*<([^>]*)>\s*")
_CRS84 = {"http://www.opengis.net/def/crs/OGC/1.3/CRS84",
          "http://www.opengis.net/def/crs/OGC/1.3/CRS84h"}
_TOKEN = re.compile(r"\(|\)|,|[-+0-9.eE]+(?:\s+[-+0-9.eE]+)+|[A-Za-z]+")


class WktError(ValueError):
    """A literal that is not a CRS84 polygon or multipolygon."""


def parse_wkt(text: str) -> list[Polygon]:
    """The polygons of a POLYGON or MULTIPOLYGON literal (an optional CRS IRI first, which
    must be CRS84, GeoSPARQL's default)."""
    match = _CRS.match(text)
    if match:
        if match.group(1) not in _CRS84:
            raise WktError(f"only CRS84 borders are drawn, not <{match.group(1)}>")
        text = text[match.end():]
    tokens = _TOKEN.findall(text)
    if not tokens:
        raise WktError("empty WKT")
    kind = tokens[0].upper()
    if kind not in {"POLYGON", "MULTIPOLYGON"}:
        raise WktError(f"a border is a POLYGON or MULTIPOLYGON, not {kind}")
    nested, rest = _nested(tokens, 1)
    if rest != len(tokens):
        raise WktError("text after the geometry")
    polygons = [nested] if kind == "POLYGON" else nested
    return [[[_point(p) for p in ring] for ring in polygon] for polygon in polygons]


def _nested(tokens: list[str], at: int) -> tuple[list, int]:
    """A parenthesised list starting at ``tokens[at]``; returns it and the next index."""
    if at >= len(tokens) or tokens[at] != "(":
        raise WktError("expected '('")
    items: list = []
    at += 1
    while True:
        if at >= len(tokens):
            raise WktError("unclosed '('")
        token = tokens[at]
        if token == "(":
            item, at = _nested(tokens, at)
            items.append(item)
        elif token not in {")", ","}:
            items.append(token)
            at += 1
        else:
            raise WktError(f"unexpected '{token}'")
        if at < len(tokens) and tokens[at] == ",":
            at += 1
            continue
        if at < len(tokens) and tokens[at] == ")":
            return items, at + 1
        raise WktError("expected ',' or ')'")


def _point(text: object) -> Point:
    parts = text.split() if isinstance(text, str) else []
    if len(parts) < 2:
        raise WktError(f"not a point: {text!r}")
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise WktError(f"not a point: {text!r}") from None


def as_geojson(polygons: list[Polygon]) -> dict:
    """A GeoJSON Polygon or MultiPolygon of the same rings (RFC 7946: longitude first)."""
    coordinates = [[[list(p) for p in ring] for ring in polygon] for polygon in polygons]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}
