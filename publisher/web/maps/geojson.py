"""The borders for GIS users as GeoJSON (RFC 7946: CRS84, longitude first, exteriors
counter-clockwise as the build wrote them): every municipality with its names, its URI and
its project counts (as lead, as partner, all), which QGIS and the like open as they are."""
from __future__ import annotations

from typing import Any

from publisher.web.maps.borders import Area, Borders
from publisher.web.maps.counts import Counts
from publisher.web.maps.wkt import as_geojson

MEDIA_TYPE = "application/geo+json"


def _names(area: Area) -> dict[str, str]:
    names: dict[str, str] = {}
    for literals in area.labels.values():
        for literal in literals:
            language = getattr(literal, "language", None)
            if language and f"name_{language}" not in names:
                names[f"name_{language}"] = literal.value
    return {key: names[key] for key in sorted(names)}


def feature(area: Area, counts: Counts | None, uri: str, page: str) -> dict[str, Any]:
    """One municipality as a GeoJSON Feature."""
    found = counts or Counts()
    return {"type": "Feature", "id": area.code,
            "properties": {"code": area.code, **_names(area), "uri": uri, "page": page,
                           "projects": found.total, "projects_lead": found.lead,
                           "projects_partner": found.partner},
            "geometry": as_geojson(area.polygons)}


def collection(borders: Borders, counts: dict[str, Counts], uris: dict[str, str],
               pages: dict[str, str], attribution: str) -> dict[str, Any]:
    """Every municipality as a FeatureCollection (no ``crs`` member: RFC 7946's is CRS84)."""
    return {"type": "FeatureCollection", "name": "municipalities",
            "attribution": attribution,
            "features": [feature(area, counts.get(iri), uris[iri], pages[iri])
                         for iri, area in borders.areas.items()]}
