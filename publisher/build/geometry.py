"""Borders as the reference graph publishes them: the National Land Survey's GeoJSON
(`mappings/reference/geo/`) simplified with Douglas–Peucker to what a page needs and written
as GeoSPARQL WKT literals in CRS84 (longitude, latitude).

Why simplify: the 1:4 500 000 borders are already generalised, but a map drawn a few hundred
pixels high needs even fewer points, and every point is carried by every dump. The tolerance
(`TOLERANCE_DEGREES`) and the rounding (`DECIMALS`) are stated here once.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

#: Douglas–Peucker tolerance in degrees: 0.005° is about 550 m north–south and 230 m
#: east–west at 65° N, well under a pixel of a map of Finland a page shows.
TOLERANCE_DEGREES = 0.005
#: Decimals kept of each coordinate (4: about 11 m).
DECIMALS = 4
#: The CRS of the literals, written out although it is GeoSPARQL's default.
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    """Distance of ``p`` from the segment ``a``–``b`` (in degrees, planar)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return ((p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    x, y = a[0] + t * dx, a[1] + t * dy
    return ((p[0] - x) ** 2 + (p[1] - y) ** 2) ** 0.5


def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """The points of an open line that Douglas–Peucker keeps: the ends, and each point
    farther than ``tolerance`` from the simplified line (iterative, no recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = -1, tolerance
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > distance:
                farthest, distance = i, d
        if farthest >= 0:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, kept in zip(points, keep) if kept]


def signed_area(ring: Sequence[Point]) -> float:
    """Twice the ring's area, positive when it runs counter-clockwise (shoelace)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))


def simplify_ring(ring: Sequence[Point], tolerance: float) -> Ring | None:
    """A closed ring simplified (split at its point farthest from the start so that both
    halves are open lines); None when fewer than four points (a triangle) would be left."""
    points = [(float(x), float(y)) for x, y in ring]
    if points[0] != points[-1]:
        points.append(points[0])
    start = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - start[0]) ** 2
              + (points[i][1] - start[1]) ** 2)
    simplified = (douglas_peucker(points[:far + 1], tolerance)[:-1]
                  + douglas_peucker(points[far:], tolerance))
    rounded = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in simplified]
    deduplicated = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
    if len(deduplicated) < 4 or signed_area(deduplicated) == 0.0:
        return None
    return deduplicated


def _oriented(ring: Ring, counter_clockwise: bool) -> Ring:
    """RFC 7946's right-hand rule: exteriors counter-clockwise, holes clockwise."""
    return ring if (signed_area(ring) > 0) == counter_clockwise else ring[::-1]


def simplify_polygons(polygons: Iterable[Sequence[Sequence[Sequence[float]]]],
                      tolerance: float = TOLERANCE_DEGREES) -> list[Polygon]:
    """Each polygon's rings simplified and oriented; islands and holes too small to keep
    at the tolerance are left out, but never a whole area (its largest polygon stays, as
    given, if nothing else would)."""
    given = [[[(float(x), float(y)) for x, y in ring] for ring in polygon]
             for polygon in polygons]
    out: list[Polygon] = []
    for polygon in given:
        exterior = simplify_ring(polygon[0], tolerance)
        if exterior is None:
            continue
        holes = [h for h in (simplify_ring(r, tolerance) for r in polygon[1:]) if h]
        out.append([_oriented(exterior, True), *(_oriented(h, False) for h in holes)])
    if not out and given:
        largest = max(given, key=lambda p: abs(signed_area(p[0])))
        out.append([_oriented([(round(x, DECIMALS), round(y, DECIMALS))
                               for x, y in largest[0]], True)])
    return out


def polygons_of(geometry: dict) -> list:
    """The polygons of a GeoJSON Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"a border is a Polygon or MultiPolygon, not {geometry['type']}")


def _number(value: float) -> str:
    text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def wkt(polygons: Sequence[Polygon]) -> str:
    """A GeoSPARQL WKT literal's text: the CRS84 IRI, then a POLYGON or MULTIPOLYGON."""
    def ring_text(ring: Ring) -> str:
        return "(" + ", ".join(f"{_number(x)} {_number(y)}" for x, y in ring) + ")"

    def polygon_text(polygon: Polygon) -> str:
        return "(" + ", ".join(ring_text(r) for r in polygon) + ")"

    if len(polygons) == 1:
        body = "POLYGON " + polygon_text(polygons[0])
    else:
        body = "MULTIPOLYGON (" + ", ".join(polygon_text(p) for p in polygons) + ")"
    return f"<{CRS84}> {body}"


def read_borders(path: Path, tolerance: float = TOLERANCE_DEGREES) -> dict[str, str]:
    """WKT by code (``NATCODE``) of every feature of a border file."""
    with Path(path).open(encoding="utf-8") as handle:
        collection = json.load(handle)
    return {str(f["properties"]["NATCODE"]): wkt(simplify_polygons(polygons_of(f["geometry"]),
                                                                  tolerance))
            for f in collection["features"]}
