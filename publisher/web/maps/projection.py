"""Placing longitude and latitude on the page: Lambert azimuthal equal-area on a sphere,
centred on Finland (25.5° E, 65° N), so that areas compare fairly on a choropleth and the
north is not stretched as an equirectangular map would; then scaled into the SVG's
viewBox with whole units (one unit is about 1.2 km)."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

CENTRE_LON = 25.5
CENTRE_LAT = 65.0
#: Height of the map in viewBox units; the width follows from Finland's shape.
HEIGHT = 1000
MARGIN = 10


def lambert(lon: float, lat: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area (unit sphere) about the centre; y grows northwards."""
    lam, phi = math.radians(lon - CENTRE_LON), math.radians(lat)
    phi0 = math.radians(CENTRE_LAT)
    k = math.sqrt(2.0 / (1.0 + math.sin(phi0) * math.sin(phi)
                         + math.cos(phi0) * math.cos(phi) * math.cos(lam)))
    return (k * math.cos(phi) * math.sin(lam),
            k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam)))


@dataclass(frozen=True)
class Frame:
    """The projection fitted to a set of points: viewBox units, y downwards."""

    min_x: float
    max_y: float
    scale: float
    width: int
    height: int

    @classmethod
    def fit(cls, points: Iterable[tuple[float, float]]) -> Frame:
        projected = [lambert(lon, lat) for lon, lat in points]
        xs, ys = [p[0] for p in projected], [p[1] for p in projected]
        scale = (HEIGHT - 2 * MARGIN) / (max(ys) - min(ys))
        width = math.ceil((max(xs) - min(xs)) * scale) + 2 * MARGIN
        return cls(min(xs), max(ys), scale, width, HEIGHT)

    def place(self, lon: float, lat: float) -> tuple[int, int]:
        """A point in whole viewBox units."""
        x, y = lambert(lon, lat)
        return (round((x - self.min_x) * self.scale) + MARGIN,
                round((self.max_y - y) * self.scale) + MARGIN)
