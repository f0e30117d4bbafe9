"""The borders of the release, read from the store once per release (every municipality's
and region's GeoSPARQL WKT with the municipalities' names and codes) and projected into SVG
path data, which every map of every language then reuses."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from publisher.vocab import DCTERMS, GEO, LABEL_PREDICATES
from publisher.web.context import publisher, store
from publisher.web.maps.projection import Frame
from publisher.web.maps.wkt import Polygon, WktError, parse_wkt
from publisher.web.pages.terms import kd


@dataclass
class Area:
    """One municipality on the map."""

    iri: str
    code: str
    polygons: list[Polygon]                 #: longitude, latitude (for GeoJSON)
    path: str = ""                          #: SVG path data in viewBox units
    centre: tuple[int, int] = (0, 0)        #: where a point for it is drawn
    labels: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class Borders:
    """The municipalities (by IRI, sorted by code) and the regions' borders as one path."""

    frame: Frame | None
    areas: dict[str, Area]
    region_path: str


def borders() -> Borders:
    """The projected borders of the release served, computed once per release."""
    return publisher().cached("map-borders", store().version, _read)


def _wkt_rows(sparql: str) -> list[tuple[str, list[Polygon]]]:
    found = []
    for row in store().select(sparql):
        try:
            found.append((row["x"].value, parse_wkt(row["wkt"].value)))
        except WktError:
            continue                         # an odd literal is left off the map, not fatal
    return found


def _read() -> Borders:
    municipalities = _wkt_rows(f"""
SELECT ?x ?wkt WHERE {{ ?x a <{kd('Municipality')}> ; <{GEO}hasGeometry>/<{GEO}asWKT> ?wkt }}""")
    regions = _wkt_rows(f"""
SELECT DISTINCT ?x ?wkt WHERE {{ ?m a <{kd('Municipality')}> ; <{kd('region')}> ?x .
  ?x <{GEO}hasGeometry>/<{GEO}asWKT> ?wkt }}""")
    if not municipalities:
        return Borders(None, {}, "")
    frame = Frame.fit(p for _, polygons in municipalities for polygon in polygons
                      for p in polygon[0])
    areas: dict[str, Area] = {}
    for iri, polygons in municipalities:
        area = Area(iri, iri.rstrip("/").rsplit("/", 1)[-1], polygons)
        area.path, area.centre = path_data(frame, polygons)
        areas[iri] = area
    _label(areas)
    region_path = "".join(path_data(frame, polygons)[0] for _, polygons in sorted(regions))
    return Borders(frame, dict(sorted(areas.items(), key=lambda kv: kv[1].code)), region_path)


def _label(areas: dict[str, Area]) -> None:
    """Every municipality's names and code (the project index knows only those in projects)."""
    wanted = " ".join(f"<{p}>" for p in (*LABEL_PREDICATES, DCTERMS + "identifier"))
    for row in store().select(f"""
SELECT ?x ?p ?v WHERE {{ ?x a <{kd('Municipality')}> ; ?p ?v . VALUES ?p {{ {wanted} }} }}"""):
        area = areas.get(row["x"].value)
        if area is None:
            continue
        if row["p"].value == DCTERMS + "identifier":
            area.code = row["v"].value
        else:
            area.labels.setdefault(row["p"].value, []).append(row["v"])


def _numbers(values: list[int]) -> str:
    """Whole numbers as SVG path data writes them: a minus sign separates as a space does."""
    out = []
    for i, value in enumerate(values):
        if i and value >= 0:
            out.append(" ")
        out.append(str(value))
    return "".join(out)


def path_data(frame: Frame, polygons: list[Polygon]) -> tuple[str, tuple[int, int]]:
    """SVG path data of the polygons (relative moves, whole units, each ring closed) and the
    centroid of the largest ring."""
    parts: list[str] = []
    best_area, centre = -1.0, (0, 0)
    for polygon in polygons:
        for ring_number, ring in enumerate(polygon):
            points = [frame.place(lon, lat) for lon, lat in ring]
            kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            if kept and kept[-1] == kept[0]:
                kept.pop()
            if len(kept) < 3 and not (ring_number == 0 and len(polygons) == 1):
                continue                     # smaller than a unit at this scale
            deltas = [v for a, b in zip(kept, kept[1:]) for v in (b[0] - a[0], b[1] - a[1])]
            parts.append(f"M{kept[0][0]} {kept[0][1]}" + ("l" + _numbers(deltas) if deltas
                                                          else "") + "z")
            if ring_number == 0:
                area, middle = _centroid(kept)
                if area > best_area:
                    best_area, centre = area, middle
    return "".join(parts), centre


def _centroid(points: list[tuple[int, int]]) -> tuple[float, tuple[int, int]]:
    """Area and centroid of a ring (its mean point when it has no area)."""
    twice = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        cross = x0 * y1 - x1 * y0
        twice += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if twice == 0:
        n = len(points) or 1
        return 0.0, (round(sum(p[0] for p in points) / n), round(sum(p[1] for p in points) / n))
    return abs(twice) / 2, (round(cx / (3 * twice)), round(cy / (3 * twice)))
